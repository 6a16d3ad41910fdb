#!/usr/bin/env bash
# Installs the Debian packages the tests (and e2e) use. Idempotent; needs root or sudo.
# Fails loudly: a test must never pass because a tool is missing.
set -euo pipefail

packages=(
  cloud-init          # cloud-init schema: the real consumer of user-data
  xorriso             # reads/checks seed ISOs
  genisoimage         # isoinfo
  libarchive-tools    # bsdtar
  p7zip-full          # 7z
  cloud-image-utils   # cloud-localds (benchmark baseline)
  dosfstools mtools   # fsck.vfat / mdir for FAT seeds
  util-linux          # blkid
  packer              # packer validate / fmt
  nftables            # nft -c
  debconf             # debconf-set-selections --checkonly
  qemu-system-x86     # the Linux kernel reads seed images in a guest where it cannot loop-mount here
  ipxe-qemu           # qemu's iPXE option ROMs: network-boots the rendered pxe/ files
  ovmf                # UEFI firmware: network-boots the rendered pxe/ files as UEFI machines do
  pxelinux syslinux-common  # lpxelinux.0 and ldlinux.c32: boot the rendered pxelinux.cfg/ files
  shellcheck          # first-boot scripts
  python3-yaml        # PyYAML, the parser cloud-init uses
  cpio                # runs docs/bare-metal.md's preseed initrd recipe; unpacks the Debian installer's initrd
  gcc                 # links mapdevfs's main to the Debian installer's own libdebian-installer (render/installer)
  zsh fish            # check the shell completion scripts (mesosimg completion zsh|fish)
  curl                # the first-boot readiness probes, run against fake Mesos/Marathon servers
  openssl             # s_server/s_client: libprocess TLS settings checked by real OpenSSL
  openjdk-17-jdk-headless  # a real JVM runs Marathon's ZkUrlPattern (java.util.regex)
)
if [ "${1:-}" = "--e2e" ]; then
  packages+=(qemu-system-x86 qemu-utils debootstrap e2fsprogs iproute2 zookeeper gnupg openssh-client)  # gnupg: e2e/faults.sh's signed repository; ssh: e2e/rollout.sh's tunnels
fi

missing=()
for p in "${packages[@]}"; do
  grep -q 'install ok installed' < <(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

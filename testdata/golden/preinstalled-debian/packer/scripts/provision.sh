#!/bin/bash
# Provisioning of the base image of cluster baked (debian-12), written by mesosimg.
# Packer runs it as root on the build machine (every source of mesos.pkr.hcl); it runs by hand
# too. It installs what the nodes install at first boot with install.method apt — from the same
# repositories, with the same pinned versions — for every role of the cluster, so one image
# serves every node. The services stay installed but disabled and stopped: each node's first
# boot writes their configuration, then enables and starts the ones it runs. The last step,
# `cloud-init clean`, makes the image's first boot run the node's own user-data.
# Idempotent; stops at the first error.
set -euo pipefail

# Package versions: the Packer variables of the same name in lower case override them
# (an empty version installs the newest).
ZOOKEEPER_VERSION=${ZOOKEEPER_VERSION-''}
MESOS_VERSION=${MESOS_VERSION-''}
DOCKER_VERSION=${DOCKER_VERSION-''}

say() { printf 'mesosimg: %s\n' "$*"; }
die() {
	say "$*" >&2
	exit 1
}

# check_version NAME VALUE: VALUE is empty or a Debian version.
check_version() {
	case $2 in
	'') return 0 ;;
	[0-9]*) case $2 in *[!A-Za-z0-9.+~:-]*) ;; *) return 0 ;; esac ;;
	esac
	die "$1=$2 is not a Debian version (e.g. 1.11.0-0.6.0)"
}
check_version ZOOKEEPER_VERSION "$ZOOKEEPER_VERSION"
check_version MESOS_VERSION "$MESOS_VERSION"
check_version DOCKER_VERSION "$DOCKER_VERSION"

# put FILE MODE CONTENT: write FILE whole.
put() {
	mkdir -p "$(dirname "$1")"
	printf '%s' "$3" >"$1.mesosimg-new"
	chmod "$2" "$1.mesosimg-new"
	mv -f "$1.mesosimg-new" "$1"
}

export DEBIAN_FRONTEND=noninteractive
apt_get() { apt-get -o DPkg::Lock::Timeout=600 -y -q "$@"; }

# The build machine's own first boot may still be installing packages.
if command -v cloud-init >/dev/null; then
	cloud-init status --wait >/dev/null || say "cloud-init of the build machine reported a problem; continuing"
fi

# Services installed from here on stay stopped, as during a first boot.
put /usr/sbin/policy-rc.d 0755 '#!/bin/sh
# mesosimg: services installed during the first boot stay stopped until their
# configuration is written; the first-boot script removes this file and starts them.
exit 101
'

apt_get update
apt_get install 'gnupg'

# fetch_key FINGERPRINT KEYSERVER FILE: exactly the key with this fingerprint, from the key server.
fetch_key() {
	local home
	home=$(mktemp -d)
	gpg --batch --quiet --homedir "$home" --keyserver "$2" --recv-keys "$1"
	mkdir -p "$(dirname "$3")"
	gpg --batch --quiet --homedir "$home" --export "$1" >"$3.mesosimg-new"
	rm -rf "$home"
	[ -s "$3.mesosimg-new" ] || die "key $1 is not on $2"
	chmod 0644 "$3.mesosimg-new"
	mv -f "$3.mesosimg-new" "$3"
}

# Repositories (install.repositories), each signed by its own key.
fetch_key 'BA227EBC312D2E43498A533963F8CEE149ACA59E' 'keyserver.ubuntu.com' /etc/apt/keyrings/mesosimg-aventer.gpg
put /etc/apt/sources.list.d/aventer.list 0644 'deb [signed-by=/etc/apt/keyrings/mesosimg-aventer.gpg] http://rpm.aventer.biz/Debian bookworm main
'
put /etc/apt/preferences.d/mesosimg-zookeeper 0644 '# ZooKeeper comes from the distribution (written by mesosimg). Extra repositories may carry
# their own zookeeper builds (AVENTER'"'"'s outranks Ubuntu'"'"'s and breaks zookeeperd'"'"'s dependency),
# so their ZooKeeper packages are only taken when the distribution has none.

Package: zookeeper zookeeperd libzookeeper-java
Pin: origin rpm.aventer.biz
Pin-Priority: 100
'

# Every package a node of the cluster installs at first boot.
packages=(
	'zookeeperd'"${ZOOKEEPER_VERSION:+=$ZOOKEEPER_VERSION}"
	'aventer-mesos'"${MESOS_VERSION:+=$MESOS_VERSION}"
	'docker.io'"${DOCKER_VERSION:+=$DOCKER_VERSION}"
	'nftables'
	'curl'
	'cloud-init'
)
apt_get update
apt_get install "${packages[@]}"

# Marathon runs as a container: its image is pulled now, so no node waits for the registry.
systemctl start docker.service
docker pull 'registry.example.internal/mesosphere/marathon:v1.11.24'

# Services stay off until a node's first boot has written their configuration.
for unit in zookeeper mesos-master mesos-agent marathon docker; do
	if [ -n "$(systemctl list-unit-files --no-legend "$unit.service")" ]; then
		systemctl disable --now --quiet "$unit.service"
	fi
done
# No state from the build machine: every node starts its own ensemble member, log and agent.
rm -rf /var/lib/zookeeper/version-2 /var/lib/mesos/master /var/lib/mesos/agent

if grep -qs mesosimg /usr/sbin/policy-rc.d; then rm -f /usr/sbin/policy-rc.d; fi
apt-get clean
# Every machine started from the image gets its own identity and runs its own user-data.
truncate -s 0 /etc/machine-id
cloud-init clean --logs --seed
say "image of baked provisioned: zookeeperd aventer-mesos docker.io nftables curl cloud-init registry.example.internal/mesosphere/marathon:v1.11.24"

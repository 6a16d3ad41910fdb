package installer_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mesosimg/mesosimg/config"
	"github.com/mesosimg/mesosimg/plan"
	"github.com/mesosimg/mesosimg/render/cloudinit"
	"github.com/mesosimg/mesosimg/render/installer"
	"github.com/mesosimg/mesosimg/secrets"
)

// testKey is the admin key of the descriptions below.
const testKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMesosImgTestKeyOnlyForGoldenFilesAAAAAAAA ops@example"

// renderNode renders the installer file and NoCloud files of the first node of a description
// given as YAML (a cluster of one zookeeper+master node and one agent).
func renderNode(t *testing.T, desc string) (installer.File, cloudinit.Files) {
	t.Helper()
	desc += "\nadmin: {user: ops, ssh_authorized_keys: [\"" + testKey + "\"]}\n" +
		"network: {prefix: 24, gateway: 10.0.0.1, dns: [10.0.0.2, 10.0.0.3, 10.0.0.4, 10.0.0.5], search: [dc1.lan]}\n" +
		"nodes:\n  - {name: m1, ip: 10.0.0.11, roles: [zookeeper, master, marathon], mac: \"52:54:00:00:00:11\"}\n" +
		"  - {name: a1, ip: 10.0.0.21, roles: [agent], mac: \"52:54:00:00:00:21\"}\n"
	c, rep := config.Load(config.Source{Name: "c.yaml", Data: []byte(desc)})
	if c == nil {
		t.Fatalf("invalid description:\n%s\n%s", desc, rep.Format("c.yaml"))
	}
	pl, err := plan.Build(c, secrets.Fixed())
	if err != nil {
		t.Fatal(err)
	}
	n := pl.Node(0)
	seed, err := cloudinit.Render(&n)
	if err != nil {
		t.Fatal(err)
	}
	f, err := installer.Render(c, &n, seed)
	if err != nil {
		t.Fatal(err)
	}
	return f, seed
}

// preseedValue is the value of one d-i question in a preseed ("" when absent).
func preseedValue(preseed []byte, question string) (string, bool) {
	m := regexp.MustCompile(`(?m)^d-i ` + regexp.QuoteMeta(question) + ` \S+(?: (.*))?$`).FindSubmatch(preseed)
	if m == nil {
		return "", false
	}
	return string(m[1]), true
}

// mapdevfsSource is di-utils-mapdevfs's program (debian-installer-utils mapdevfs.c, not on the
// mirror here): main() hands its argument to libdebian-installer's di_system_devfs_map_from
// and prints the result, as libdebian-installer's own devfs.c test main does. The mapping
// itself — the device-major table — is the real libdebian-installer.so.4 of the initrd.
const mapdevfsSource = `#include <stdio.h>
#include <string.h>
#include <sys/types.h>
ssize_t di_system_devfs_map_from(const char *path, char *buf, size_t n);
int main(int argc, char **argv) {
	char buf[256];
	memset(buf, 0, sizeof buf);
	if (argc != 2) return 1;
	if (di_system_devfs_map_from(argv[1], buf, sizeof buf) <= 0) return 1;
	puts(buf);
	return 0;
}
`

// devToPartman extracts partman-auto's dev_to_partman function (lib/partman/lib/auto-shared.sh,
// partman-auto 162): the one display.d/10initial_auto calls on each partman-auto/disk.
func devToPartman(t *testing.T, extras string) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(extras, "partman-auto/lib/partman/lib/auto-shared.sh"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?ms)^dev_to_partman \(\) \{\n.*?^\}\n`).Find(src)
	if m == nil {
		t.Fatal("partman-auto's auto-shared.sh has no dev_to_partman ()")
	}
	return string(m)
}

// earlyCommand runs partman/early_command as partman-base's init.d/01early_command does; a
// preseed without one leaves the question unregistered here (partman-base's templates are not
// loaded), which db_get reports as 10.
const earlyCommand = "preseed_command partman/early_command || [ $? = 10 ]"

// disks are the machine the partitioning tests see: a SATA, an NVMe, a virtio and an MMC disk
// (block majors 8, 259, 254 and 179) and udev's by-id links to them.
var disks = []struct{ dev, link string }{
	{"sda b 8 0", "ata-SAMSUNG_MZ7LH480HAHQ-00005_S45PNA0M123456"},
	{"nvme0n1 b 259 0", "nvme-Samsung_SSD_980_PRO_1TB_S5GXNX0W123456"},
	{"vda b 254 0", "virtio-disk0serial"},
	{"mmcblk0 b 179 0", "mmc-DA4064_0x12345678"},
}

// setupDisks creates the disks, their links, partman's device directories (as parted_devices
// lists them: one per disk, its device file holding the kernel path) and mapdevfs.
func setupDisks(t *testing.T, c *chroot, libdi string) {
	t.Helper()
	var script []string
	for _, d := range disks {
		f := strings.Fields(d.dev)
		script = append(script, "mknod /dev/"+f[0]+" "+strings.Join(f[1:], " "),
			"mkdir -p /dev/disk/by-id /var/lib/partman/devices/=dev="+f[0],
			"ln -s ../../"+f[0]+" /dev/disk/by-id/"+d.link,
			"echo /dev/"+f[0]+" >/var/lib/partman/devices/=dev="+f[0]+"/device")
	}
	c.sh(t, strings.Join(script, " && "))
	src := filepath.Join(t.TempDir(), "mapdevfs.c")
	os.WriteFile(src, []byte(mapdevfsSource), 0o644)
	bin := filepath.Join(c.dir, "bin", "mapdevfs")
	if out, err := exec.Command("gcc", "-O2", "-o", bin, src, libdi).CombinedOutput(); err != nil {
		t.Fatalf("gcc mapdevfs: %v\n%s", err, out)
	}
}

// TestDebianInstallerPartitionsLinkedDisk (issue row 3): the rendered preseed, loaded by the
// installer, makes partman-auto find the disk a by-id link names, for every bus. It runs the
// installer's preseed loader, preseed_command (partman-base init.d/01early_command runs
// partman/early_command this way, before display.d/10initial_auto), its busybox readlink and
// debconf-set, libdebian-installer's device mapping and partman-auto's dev_to_partman. The
// control: the link itself, as today's preseed gave it, matches no disk but the SATA one
// (mapdevfs knows major 8, not 259, 254 or 179: libdebian-installer src/system/devfs.c
// passes unknown devices on unchanged).
//
// Sources: libdebian-installer 0.123 (pipcet/debian-libdebian-installer e589b4d)
// src/system/devfs.c:50-109 (majors), 134-140 (unknown passed on); partman-auto 162
// lib/partman/lib/auto-shared.sh:294-310, lib/partman/display.d/10initial_auto:43-55; partman-base
// 226 lib/partman/init.d/01early_command:9.
func TestDebianInstallerPartitionsLinkedDisk(t *testing.T) {
	c := newChroot(t)
	root, _ := debianInstaller(t)
	setupDisks(t, c, filepath.Join(root, "lib", "libdebian-installer.so.4"))
	fn := devToPartman(t, c.extras)
	match := func(disk string) string {
		return strings.TrimSpace(c.sh(t, "DEVICES=/var/lib/partman/devices\n"+fn+"dev_to_partman "+shellQuote(disk)))
	}
	for _, d := range disks {
		dev := strings.Fields(d.dev)[0]
		want := "/var/lib/partman/devices/=dev=" + dev
		link := "/dev/disk/by-id/" + d.link
		// Control: partman-auto given the link itself.
		got := match(link)
		if dev == "sda" && got != want {
			t.Errorf("control: dev_to_partman %s = %q, want %q (mapdevfs maps SCSI disks)", link, got, want)
		}
		if dev != "sda" && got != "" {
			t.Errorf("control: dev_to_partman %s = %q; the installer was expected to find no disk (mapdevfs does not know major %s)", link, got, strings.Fields(d.dev)[2])
		}
		t.Run(dev, func(t *testing.T) {
			f, _ := renderNode(t, "cluster: x\nos: debian-12\ninstaller: {disk: "+link+"}\n")
			c.loadTemplates(t)
			c.sh(t, "rm -f /var/lib/partman/early_command")
			c.loadPreseed(t, f.Data)
			c.sh(t, earlyCommand)
			v := c.get(t, "partman-auto/disk", "grub-installer/bootdev")
			if v["partman-auto/disk"] != "/dev/"+dev || v["grub-installer/bootdev"] != "/dev/"+dev {
				t.Errorf("after partman/early_command: %v, want both /dev/%s", v, dev)
			}
			if got := match(v["partman-auto/disk"]); got != want {
				t.Errorf("dev_to_partman %s = %q, want %q", v["partman-auto/disk"], got, want)
			}
		})
	}
	// A link that names nothing leaves the link in place: partman then matches no disk and
	// stops rather than partition another one.
	f, _ := renderNode(t, "cluster: x\nos: debian-12\ninstaller: {disk: /dev/disk/by-id/nvme-absent}\n")
	c.loadTemplates(t)
	c.sh(t, "rm -f /var/lib/partman/early_command")
	c.loadPreseed(t, f.Data)
	c.sh(t, earlyCommand)
	if v := c.get(t, "partman-auto/disk"); v["partman-auto/disk"] != "/dev/disk/by-id/nvme-absent" || match(v["partman-auto/disk"]) != "" {
		t.Errorf("absent link: partman-auto/disk = %q", v["partman-auto/disk"])
	}
}

// aptSetup runs apt-setup 0.182's generators 60local, 90services-select, 91security and
// 92updates (in apt-setup's order) on a loaded preseed, after setting what choose-mirror would
// have set from the mirror (mirror/codename; mirror/suite: "bookworm" for a mirror without
// suite symlinks, choose-mirror.c find_releases). apt-setup-verify is a stand-in that records
// the lists the generators themselves probe — the probes whose failure asks
// apt-setup/service-failed and stops the install (apt-setup's own loop, apt-setup:64-70, only
// warns) — and answers ok. It returns the sources lines and the probed lists.
func aptSetup(t *testing.T, c *chroot, suite string) (sources, probed []string) {
	t.Helper()
	for _, g := range []string{"60local", "90services-select", "91security", "92updates"} {
		c.copyIn(t, "apt-setup-0.182/generators/"+g, "/usr/lib/apt-setup/generators/"+g)
	}
	c.write(t, "/bin/apt-setup-verify", []byte("#!/bin/sh\nfor a; do f=$a; done\ngrep '^deb ' \"$f\" | sed 's/^/PROBE /' >>/tmp/verify.log\n"), 0o755)
	// 50mirror writes the components; with apt-setup/non-free-firmware: main non-free-firmware.
	c.write(t, "/tmp/apt-setup.components", []byte("main non-free-firmware\n"), 0o644)
	c.write(t, "/bin/mesosimg-set", []byte("#!/bin/sh\n. /usr/share/debconf/confmodule\ndb_set \"$1\" \"$2\"\n"), 0o755)
	out := c.sh(t, `mesosimg-set mirror/codename bookworm && mesosimg-set mirror/suite `+suite+` &&
mkdir -p /etc/apt && : >/etc/apt/apt.conf.new && : >/tmp/verify.log &&
export ROOT= PROGRESS_FROM=0 PROGRESS_TO=1 &&
for g in 60local 90services-select 91security 92updates; do
	: >/tmp/$g.list
	/usr/lib/apt-setup/generators/$g /tmp/$g.list </dev/null >/dev/null 2>&1 || echo "GENERATOR $g exit $?"
	grep '^deb' /tmp/$g.list | sed 's/^/LINE /'
done
cat /tmp/verify.log`)
	for _, l := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(l, "LINE deb "):
			sources = append(sources, strings.TrimPrefix(l, "LINE "))
		case strings.HasPrefix(l, "PROBE "):
			probed = append(probed, strings.TrimPrefix(l, "PROBE "))
		case strings.HasPrefix(l, "GENERATOR"):
			t.Errorf("%s", l)
		}
	}
	return sources, probed
}

// TestDebianInstallerSecurityAndUpdates (issue row 4 and the -updates risk): what apt-setup's
// own generators write from the rendered answers. The security archive is the one
// install.security_mirror names — through security_host when it is http://<host>/debian-security
// (91security writes only that), else as a local repository (60local, not probed); an
// offline install probes no bookworm-updates, which a local mirror may lack (92updates would
// stop at apt-setup/service-failed); and -updates is dropped by 90services-select when the
// mirror has no stable/oldstable suite symlinks (mirror/suite stays bookworm).
//
// Sources: apt-setup 0.182 generators/91security:13-15, 33, 40-47; 92updates:39, 57-64;
// 60local:61; 90services-select:44-48, 58-61; choose-mirror 2.123+deb12u1 choose-mirror.c:444-461, 816.
func TestDebianInstallerSecurityAndUpdates(t *testing.T) {
	c := newChroot(t)
	const mirror = "http://mirror.lan/debian"
	for _, tc := range []struct {
		name, install, suite string
		offline              bool
		sources, probed      []string
	}{
		{
			name: "default security archive", install: "{}", suite: "oldstable",
			sources: []string{"deb http://security.debian.org/debian-security bookworm-security main non-free-firmware", "deb " + mirror + " bookworm-updates main non-free-firmware"},
			probed:  []string{"deb http://security.debian.org/debian-security bookworm-security main non-free-firmware", "deb " + mirror + " bookworm-updates main non-free-firmware"},
		},
		{
			name: "mirror without suite symlinks", install: "{}", suite: "bookworm",
			sources: []string{"deb http://security.debian.org/debian-security bookworm-security main non-free-firmware"},
			probed:  []string{"deb http://security.debian.org/debian-security bookworm-security main non-free-firmware"},
		},
		{
			name: "security mirror at /debian-security", install: "{security_mirror: \"http://sec.lan:8080/debian-security/\"}", suite: "oldstable",
			sources: []string{"deb http://sec.lan:8080/debian-security bookworm-security main non-free-firmware", "deb " + mirror + " bookworm-updates main non-free-firmware"},
			probed:  []string{"deb http://sec.lan:8080/debian-security bookworm-security main non-free-firmware", "deb " + mirror + " bookworm-updates main non-free-firmware"},
		},
		{
			name: "security mirror at another path", install: "{security_mirror: http://sec.lan/mirror/debian-security}", suite: "oldstable",
			sources: []string{"deb  http://sec.lan/mirror/debian-security bookworm-security main non-free-firmware", "deb " + mirror + " bookworm-updates main non-free-firmware"},
			probed:  []string{"deb " + mirror + " bookworm-updates main non-free-firmware"},
		},
		{
			name: "https security mirror", install: "{security_mirror: https://sec.lan/debian-security}", suite: "oldstable",
			sources: []string{"deb  https://sec.lan/debian-security bookworm-security main non-free-firmware", "deb " + mirror + " bookworm-updates main non-free-firmware"},
			probed:  []string{"deb " + mirror + " bookworm-updates main non-free-firmware"},
		},
		{name: "offline", install: "{}", suite: "oldstable", offline: true},
		{
			name: "offline with a security mirror", install: "{security_mirror: http://sec.lan/debian-security}", suite: "oldstable", offline: true,
			sources: []string{"deb http://sec.lan/debian-security bookworm-security main non-free-firmware"},
			probed:  []string{"deb http://sec.lan/debian-security bookworm-security main non-free-firmware"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			desc := "cluster: x\nos: debian-12\ninstall: " + tc.install + "\ninstaller: {disk: /dev/sda, mirror: " + mirror
			if tc.offline {
				desc += ", offline: true"
			}
			f, _ := renderNode(t, desc+"}\n")
			c.loadTemplates(t)
			c.loadPreseed(t, f.Data)
			sources, probed := aptSetup(t, c, tc.suite)
			if strings.Join(sources, "\n") != strings.Join(tc.sources, "\n") {
				t.Errorf("apt-setup wrote\n%s\nwant\n%s", strings.Join(sources, "\n"), strings.Join(tc.sources, "\n"))
			}
			if strings.Join(probed, "\n") != strings.Join(tc.probed, "\n") {
				t.Errorf("apt-setup-verify probed\n%s\nwant\n%s", strings.Join(probed, "\n"), strings.Join(tc.probed, "\n"))
			}
		})
	}
}

// TestDebianInstallerUnauthenticatedSSL (issue row 5): a private CA is accepted only through
// debian-installer/allow_unauthenticated_ssl, on the kernel command line (the preseed is fetched
// before it is read). The installer's env2debconf takes it from the environment the kernel
// hands init (also after "---"), its user-params does not copy it to the installed system's
// boot loader (it skips debconf names), and fetch-url's http method then runs wget with
// --no-check-certificate; the preseed stays authenticated by preseed/url/checksum.
//
// Sources (the bookworm netboot initrd, 20230607+deb12u15): usr/lib/fetch-url/http:29-34 (di-utils
// 1.146), bin/env2debconf:35-69, bin/user-params:18, 49-53, lib/preseed/preseed.sh:47-61;
// base-installer 1.213 usr/lib/base-installer/library.sh:177-183.
func TestDebianInstallerUnauthenticatedSSL(t *testing.T) {
	c := newChroot(t)
	c.write(t, "/user-params.in", []byte("auto=true url=https://boot.lan/m/nodes/m1/preseed.cfg --- console=ttyS0,115200n8 debian-installer/allow_unauthenticated_ssl=true\n"), 0o644)
	if got := strings.TrimSpace(c.sh(t, "cd / && TESTSUITE=1 user-params")); got != "console=ttyS0,115200n8" {
		t.Errorf("user-params copies %q to the installed system, want only console=ttyS0,115200n8", got)
	}
	for _, tc := range []struct {
		env, want string
	}{
		{"", "-O /tmp/f https://boot.lan/m/nodes/m1/preseed.cfg"},
		{"debian-installer/allow_unauthenticated_ssl=true", "--no-check-certificate"},
	} {
		c.loadTemplates(t)
		if tc.env != "" {
			c.sh(t, "env '"+tc.env+"' env2debconf")
		}
		// wget stands in for the download (the host is not reachable): it records its
		// arguments and answers --version as the initrd's GNU wget does.
		// (A script file: the confmodule re-executes $0 under the debconf frontend. fetch-url's
		// wget404 reads its status back through /proc/self/fd.)
		c.write(t, "/bin/mesosimg-fetch", []byte(`#!/bin/sh
. /usr/share/debconf/confmodule
wget() { case "$1" in --version) /usr/bin/wget --version;; *) echo "WGET $*" >&2;; esac; }
proto=https
. /usr/lib/fetch-url/http
protocol_fetch "$1" /tmp/f
`), 0o755)
		out := c.sh(t, "mkdir -p /proc && mount -t proc proc /proc && /bin/mesosimg-fetch https://boot.lan/m/nodes/m1/preseed.cfg 2>&1 | grep WGET")
		has := strings.Contains(out, "--no-check-certificate")
		if has != (tc.env != "") || !strings.Contains(out, tc.want) {
			t.Errorf("with %q fetch-url ran %q; want --no-check-certificate: %v", tc.env, strings.TrimSpace(out), tc.env != "")
		}
	}
}

// TestDebianInstallerNameservers (issue row 7): netcfg takes every server of the preseed's
// netcfg/get_nameservers (netcfg_nameservers_to_array, up to 4), but a network boot brings the
// network up from the command line, where the value has no spaces: one server. That file is
// what the installed system resolves with (base-installer.d/40netcfg copies /etc/resolv.conf;
// dns-nameservers in ENI needs resolvconf), so the late command writes the node's servers.
//
// Sources: netcfg 1.187+deb12u1 netcfg-common.c:1378-1423, netcfg.h:86, static.c:242, 261-278,
// base-installer.d/40netcfg:8-12.
func TestDebianInstallerNameservers(t *testing.T) {
	c := newChroot(t)
	f, _ := renderNode(t, "cluster: x\nos: debian-12\ninstaller: {disk: /dev/sda}\n")
	c.loadPreseed(t, f.Data)
	if v := c.get(t, "netcfg/get_nameservers"); v["netcfg/get_nameservers"] != "10.0.0.2 10.0.0.3 10.0.0.4 10.0.0.5" {
		t.Errorf("netcfg/get_nameservers = %q", v["netcfg/get_nameservers"])
	}
	late, _ := preseedValue(f.Data, "preseed/late_command")
	want := "# Written by mesosimg's installer answers: the node's network.dns.\nsearch dc1.lan\nnameserver 10.0.0.2\nnameserver 10.0.0.3\nnameserver 10.0.0.4\n"
	if got := string(installer.ResolvConf([]string{"10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5"}, []string{"dc1.lan"})); got != want {
		t.Errorf("resolv.conf = %q, want %q", got, want)
	}
	if !strings.Contains(late, installer.Target+installer.ResolvConfPath) {
		t.Errorf("late_command does not write %s", installer.ResolvConfPath)
	}
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'" }

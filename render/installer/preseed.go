package installer

import (
	"bytes"
	"fmt"
	"strings"

	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/plan"
	"github.com/mesosimg/mesosimg/render/cloudinit"
)

// Entry is one debconf answer: owner, question, type and value, as debconf-set-selections reads
// them (one line each).
type Entry struct {
	Owner, Question, Type, Value string
}

// PreseedFile is a Debian installer preconfiguration file.
type PreseedFile struct {
	// Comment lines head the file.
	Comment []string
	// Entries are the answers, in order.
	Entries []Entry
}

// knownTypes are the types debconf-set-selections accepts.
var knownTypes = map[string]bool{"select": true, "boolean": true, "string": true, "multiselect": true, "note": true, "password": true, "text": true, "title": true}

// Marshal writes one line per entry; a value may not span lines or end in a backslash (which
// debconf-set-selections would join with the next line).
func (p PreseedFile) Marshal() ([]byte, error) {
	var b bytes.Buffer
	for _, c := range p.Comment {
		b.WriteString(strings.TrimRight("# "+c, " ") + "\n")
	}
	for _, e := range p.Entries {
		for _, f := range []string{e.Owner, e.Question, e.Type} {
			if f == "" || strings.ContainsAny(f, " \t\r\n\\") {
				return nil, fmt.Errorf("preseed %s/%s: bad field %q", e.Owner, e.Question, f)
			}
		}
		if !knownTypes[e.Type] {
			return nil, fmt.Errorf("preseed %s: unknown type %q", e.Question, e.Type)
		}
		if strings.ContainsAny(e.Value, "\r\n") || strings.HasSuffix(e.Value, "\\") {
			return nil, fmt.Errorf("preseed %s: value spans lines", e.Question)
		}
		line := e.Owner + " " + e.Question + " " + e.Type
		if e.Value != "" {
			line += " " + e.Value
		}
		b.WriteString(line + "\n")
	}
	return b.Bytes(), nil
}

// LargestDiskCommand picks the largest fixed (not removable) disk the installer sees and makes
// it the partitioning and boot loader target. It runs in the installer's busybox shell.
const LargestDiskCommand = `d=; s=0; for x in $(list-devices disk); do b=${x##*/}; [ "$(cat /sys/block/$b/removable 2>/dev/null)" = 0 ] || continue; z=$(cat /sys/block/$b/size); if [ "$z" -gt "$s" ]; then s=$z; d=$x; fi; done; [ -n "$d" ] && debconf-set partman-auto/disk "$d" && debconf-set grub-installer/bootdev "$d"`

// ENIPath is ifupdown's configuration on the installed Debian system.
const ENIPath = "/etc/network/interfaces"

// ENIStock is ifupdown's stock /etc/network/interfaces (as in Debian's cloud images): it only
// includes interfaces.d, where cloud-init renders the network-config.
const ENIStock = "# interfaces(5) file used by ifup(8) and ifdown(8)\n# Include files from /etc/network/interfaces.d:\nsource /etc/network/interfaces.d/*\n"

// Preseed builds the preseed of node n of a debian-12 cluster.
func Preseed(c *v1.Cluster, osInfo v1.OSInfo, n *plan.Node, seed cloudinit.Files) PreseedFile {
	in := c.Installer
	var e []Entry
	di := func(q, t, v string) { e = append(e, Entry{"d-i", q, t, v}) }

	// Locale and keyboard.
	di("debian-installer/locale", "string", in.Locale)
	di("keyboard-configuration/xkb-keymap", "select", in.Keyboard)

	// Network: the NIC named by interface (the name the kernel gives it), else auto: the
	// NIC a PXE boot came through (BOOTIF, which names it by MAC), else the first with a link.
	// With mac set, interface is the name cloud-init gives the NIC later (set-name), not one
	// the installer knows, so auto it is.
	iface := "auto"
	if n.Network.MAC == "" && n.Network.MatchName == "" && n.Network.Interface != "" {
		iface = n.Network.Interface
	}
	di("netcfg/choose_interface", "select", iface)
	domain := strings.TrimPrefix(strings.TrimPrefix(n.FQDN, n.Name), ".")
	if in.Network == v1.InstallerStatic {
		di("netcfg/disable_autoconfig", "boolean", "true")
		di("netcfg/get_ipaddress", "string", n.Network.IP())
		di("netcfg/get_netmask", "string", n.Network.Netmask())
		di("netcfg/get_gateway", "string", n.Network.Gateway)
		if n.Network.Gateway == "" {
			di("netcfg/no_default_route", "boolean", "true")
		}
		di("netcfg/get_nameservers", "string", strings.Join(n.Network.DNS, " "))
		di("netcfg/confirm_static", "boolean", "true")
	}
	di("netcfg/get_hostname", "string", n.Name)
	di("netcfg/get_domain", "string", domain)
	di("netcfg/hostname", "string", n.Name)
	di("hw-detect/load_firmware", "boolean", "true")

	// Mirror.
	proto, host, dir := mirror(in.Mirror)
	di("mirror/country", "string", "manual")
	di("mirror/protocol", "string", proto)
	di("mirror/"+proto+"/hostname", "string", host)
	di("mirror/"+proto+"/directory", "string", dir)
	di("mirror/"+proto+"/proxy", "string", "")
	di("mirror/suite", "string", osInfo.Codename)
	sec := securityArchive(c.Install.SecurityMirror, in.Offline)
	switch {
	case sec.host != "":
		di("apt-setup/security_host", "string", sec.host)
	case sec.none:
		// 91security writes nothing without a host (apt-setup generators/91security:13-15).
		di("apt-setup/security_host", "string", "")
	}
	if sec.repository != "" {
		// Any other security mirror (another path, https://) is a local repository of
		// apt-setup's 60local: written as given, not probed by the generator (apt-setup's loop
		// only warns when it is unreachable), authenticated by debian-archive-keyring.
		di("apt-setup/local0/repository", "string", sec.repository+" "+osInfo.Codename+"-security "+SecurityComponents)
		di("apt-setup/local0/comment", "string", "Debian security updates (install.security_mirror)")
	}
	di("apt-setup/services-select", "multiselect", strings.Join(sec.services, ", "))
	di("apt-setup/non-free-firmware", "boolean", "true")
	di("apt-setup/cdrom/set-first", "boolean", "false")

	// Accounts: no root login; the admin user has no password (locked: '!'), only SSH keys,
	// which the NoCloud user-data installs at first boot together with its sudo rule.
	di("passwd/root-login", "boolean", "false")
	di("passwd/make-user", "boolean", "true")
	di("passwd/user-fullname", "string", "")
	di("passwd/username", "string", c.Admin.User)
	di("passwd/user-password-crypted", "password", "!")

	// Clock.
	di("clock-setup/utc", "boolean", "true")
	di("time/zone", "string", in.Timezone)
	if ntp := ntpServer(c); ntp != "" {
		di("clock-setup/ntp", "boolean", "true")
		di("clock-setup/ntp-server", "string", ntp)
	} else {
		di("clock-setup/ntp", "boolean", fmt.Sprint(!in.Offline))
	}

	// Partitioning: the whole target disk, one root partition and swap, every confirmation
	// answered so partman never stops to ask.
	switch {
	case in.Disk == v1.DiskLargest:
		di("partman/early_command", "string", LargestDiskCommand)
	case IsDiskLink(in.Disk):
		// mapdevfs passes a link to a disk whose major it does not know (NVMe, virtio, MMC,
		// Xen) on unchanged, so partman-auto would match it against no device and
		// initial_auto would exit: the link is resolved to the kernel's name first.
		di("partman-auto/disk", "string", in.Disk)
		di("partman/early_command", "string", ResolveDiskCommand(in.Disk))
	default:
		di("partman-auto/disk", "string", in.Disk)
	}
	di("partman-auto/method", "string", "regular")
	di("partman-auto/choose_recipe", "select", "atomic")
	di("partman-lvm/device_remove_lvm", "boolean", "true")
	di("partman-md/device_remove_md", "boolean", "true")
	di("partman-lvm/confirm", "boolean", "true")
	di("partman-lvm/confirm_nooverwrite", "boolean", "true")
	di("partman-partitioning/confirm_write_new_label", "boolean", "true")
	di("partman-efi/non_efi_system", "boolean", "true")
	di("partman/choose_partition", "select", "finish")
	di("partman/confirm", "boolean", "true")
	di("partman/confirm_nooverwrite", "boolean", "true")
	di("partman/mount_style", "select", "uuid")

	// Packages.
	di("base-installer/install-recommends", "boolean", "false")
	e = append(e, Entry{"tasksel", "tasksel/first", "multiselect", "standard, ssh-server"})
	di("pkgsel/include", "string", "cloud-init openssh-server")
	upgrade := "safe-upgrade"
	if in.Offline {
		upgrade = "none"
	}
	di("pkgsel/upgrade", "select", upgrade)
	e = append(e, Entry{"popularity-contest", "popularity-contest/participate", "boolean", "false"})

	// Boot loader.
	di("grub-installer/only_debian", "boolean", "true")
	di("grub-installer/with_other_os", "boolean", "false")
	if in.Disk != v1.DiskLargest {
		di("grub-installer/bootdev", "string", in.Disk)
	}

	// The NoCloud seed on the installed disk. The installer's busybox may lack base64, so
	// the installed system's decoder runs (chroot /target base64 -d). netcfg wrote the install
	// NIC into /etc/network/interfaces; ifupdown's stock file replaces it, so the seed's
	// network-config (which cloud-init renders into interfaces.d) is the node's only network
	// configuration, as on a VM — a second stanza for the same NIC would fail ifup.
	files := append(seedFiles(seed), seedFile{path: ENIPath, data: []byte(ENIStock), mode: "0644"})
	// The installed system's resolver is the installer's /etc/resolv.conf, copied by netcfg's
	// base-installer.d/40netcfg: one server from a network boot's command line, or DHCP's.
	// cloud-init's ENI renderer only writes dns-nameservers, which need resolvconf (not
	// installed), so the node's own servers are written here.
	if rc := ResolvConf(n.Network.DNS, n.Network.Search); rc != nil {
		files = append(files, seedFile{path: ResolvConfPath, data: rc, mode: "0644"})
	}
	late := seedCommands(Target, "chroot "+Target+" base64 -d", files)
	// base-installer leaves TLS verification off for apt on the installed system when
	// debian-installer/allow_unauthenticated_ssl was set (library.sh, 00AllowUnauthenticatedSSL).
	late = append(late, "rm -f "+shellQuote(Target+InsecureAptConf))
	di("preseed/late_command", "string", strings.Join(late, " && "))
	di("finish-install/reboot_in_progress", "note", "")

	return PreseedFile{
		Comment: []string{
			fmt.Sprintf("Debian installer answers for node %s of cluster %s (mesosimg).", n.Name, c.Cluster),
			"Installs " + osInfo.ID + " on " + v1.DescribeDisk(in.Disk) + " (ERASED), then writes the node's NoCloud seed",
			"to " + SeedDir + "; cloud-init configures the node at first boot.",
		},
		Entries: e,
	}
}

// SecurityComponents are the components of the security archive as a local repository: those
// apt-setup's 50mirror gives the primary archive with apt-setup/non-free-firmware.
const SecurityComponents = "main non-free-firmware"

// securityPath is the one directory apt-setup's 91security writes for apt-setup/security_host:
// "deb http://<host>/debian-security <codename>-security" (apt-setup 0.182 generators/91security:33);
// there is no apt-setup/security_path.
const securityPath = "/debian-security"

// security is how the preseed gives the installer the security archive.
type security struct {
	// host is apt-setup/security_host (91security), empty for the template's default.
	host string
	// none sets apt-setup/security_host empty: 91security writes no line.
	none bool
	// repository is a security mirror 91security cannot write, as apt-setup/local0.
	repository string
	// services is apt-setup/services-select.
	services []string
}

// securityArchive chooses the security archive's answers: the Debian default; an http://
// mirror at /debian-security as security_host (91security writes only http:// and that path);
// any other http(s):// mirror as a local repository. Offline installs select no updates
// service: 92updates probes <mirror> <codename>-updates with apt-setup-verify and stops the
// install at apt-setup/service-failed (critical) where a local mirror lacks it.
func securityArchive(u string, offline bool) security {
	var s security
	updates := func() {
		if !offline {
			s.services = append(s.services, "updates")
		}
	}
	proto, host, dir := mirror(u)
	switch {
	case u == "" && !offline:
		s.services = []string{"security"}
	case u == "":
		s.none = true
	case proto == "http" && dir == securityPath:
		s.host = host
		s.services = []string{"security"}
	case proto == "http" || proto == "https":
		s.none = true
		s.repository = strings.TrimSuffix(u, "/")
	default:
		s.none = true
	}
	updates()
	return s
}

// IsDiskLink reports whether disk is a /dev/disk/by-id or by-path link.
func IsDiskLink(disk string) bool {
	return strings.HasPrefix(disk, "/dev/disk/by-id/") || strings.HasPrefix(disk, "/dev/disk/by-path/")
}

// ResolveDiskCommand resolves a disk link to the device it names (busybox readlink -f) and
// makes that the partitioning and boot loader target, as partman-auto's dev_to_partman can
// match only kernel names for disks mapdevfs does not know. It fails, leaving the link in
// partman-auto/disk (which then matches no disk: partman stops) when the link is absent.
func ResolveDiskCommand(link string) string {
	return `d=$(readlink -f ` + shellQuote(link) + `) && [ -b "$d" ] && debconf-set partman-auto/disk "$d" && debconf-set grub-installer/bootdev "$d"`
}

// ResolvConfPath is the installed system's resolver configuration.
const ResolvConfPath = "/etc/resolv.conf"

// InsecureAptConf is what base-installer writes into the target with
// debian-installer/allow_unauthenticated_ssl and an https mirror (library.sh, "left in place
// on the installed system"): apt without TLS verification.
const InsecureAptConf = "/etc/apt/apt.conf.d/00AllowUnauthenticatedSSL"

// maxNameservers is how many nameserver lines the glibc resolver reads (MAXNS).
const maxNameservers = 3

// ResolvConf is the node's /etc/resolv.conf: its search domains and (at most three) name
// servers; nil without name servers (the installer's file stays).
func ResolvConf(dns, search []string) []byte {
	if len(dns) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString("# Written by mesosimg's installer answers: the node's network.dns.\n")
	if len(search) > 0 {
		b.WriteString("search " + strings.Join(search, " ") + "\n")
	}
	for i, d := range dns {
		if i == maxNameservers {
			break
		}
		b.WriteString("nameserver " + d + "\n")
	}
	return []byte(b.String())
}

package installer

import (
	"github.com/mesosimg/mesosimg/render/yamlout"

	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/plan"
	"github.com/mesosimg/mesosimg/render/cloudinit"
)

// AutoinstallFile is the autoinstall.yaml document: subiquity's answers under the autoinstall key.
type AutoinstallFile struct {
	Autoinstall AutoinstallConfig `yaml:"autoinstall"`
}

// AutoinstallConfig is subiquity's autoinstall configuration, version 1 (the keys mesosimg sets).
type AutoinstallConfig struct {
	// Version is always 1.
	Version int `yaml:"version"`
	// Locale is the system locale.
	Locale string `yaml:"locale"`
	// Keyboard is the console keyboard.
	Keyboard Keyboard `yaml:"keyboard"`
	// Timezone is a tz database name.
	Timezone string `yaml:"timezone"`
	// Network is the netplan configuration during (and, on Ubuntu, after) the install.
	Network cloudinit.NetworkConfig `yaml:"network"`
	// Apt sets the archive the install uses.
	Apt Apt `yaml:"apt"`
	// Storage lays out the target disk.
	Storage Storage `yaml:"storage"`
	// Identity is the admin user and host name.
	Identity Identity `yaml:"identity"`
	// SSH installs the server and the admin's keys; no password login.
	SSH SSH `yaml:"ssh"`
	// Packages are installed into the target.
	Packages []string `yaml:"packages"`
	// Updates is security (only security updates during the install).
	Updates string `yaml:"updates,omitempty"`
	// EarlyCommands run in the live system before subiquity probes the disks; subiquity reads
	// the autoinstall again after them.
	EarlyCommands []string `yaml:"early-commands,omitempty"`
	// LateCommands run in the installer environment after the install, the target on /target.
	LateCommands []string `yaml:"late-commands"`
}

// Keyboard is autoinstall's keyboard section.
type Keyboard struct {
	Layout string `yaml:"layout"`
}

// Apt is autoinstall's apt section (curtin's apt configuration).
type Apt struct {
	// Geoip looks up a country mirror; off, the mirror below is used as is.
	Geoip bool `yaml:"geoip"`
	// Primary is the primary archive.
	Primary []AptMirror `yaml:"primary"`
	// Fallback is what subiquity does when the mirror cannot be reached: offline-install
	// (install from the ISO's pool) or abort.
	Fallback string `yaml:"fallback,omitempty"`
}

// AptMirror is one primary archive entry.
type AptMirror struct {
	Arches []string `yaml:"arches"`
	URI    string   `yaml:"uri"`
}

// Storage is autoinstall's storage section: one of subiquity's layouts.
type Storage struct {
	Layout Layout `yaml:"layout"`
}

// Layout is a storage layout applied to the disk Match selects.
type Layout struct {
	Name  string    `yaml:"name"`
	Match DiskMatch `yaml:"match"`
}

// DiskMatch selects the target disk.
type DiskMatch struct {
	// Size is largest to take the largest disk.
	Size string `yaml:"size,omitempty"`
	// Path is the disk's device path (a glob in subiquity; mesosimg gives one device).
	Path string `yaml:"path,omitempty"`
}

// Identity is autoinstall's identity section.
type Identity struct {
	Hostname string `yaml:"hostname"`
	Username string `yaml:"username"`
	// Password is a crypt(3) hash; "!" locks it (no password login).
	Password string `yaml:"password"`
	Realname string `yaml:"realname"`
}

// SSH is autoinstall's ssh section.
type SSH struct {
	InstallServer  bool     `yaml:"install-server"`
	AuthorizedKeys []string `yaml:"authorized-keys"`
	AllowPW        bool     `yaml:"allow-pw"`
}

// Marshal writes the document with the #cloud-config header subiquity accepts on a seed.
func (a AutoinstallFile) Marshal() ([]byte, error) {
	const header = "#cloud-config\n"
	size := len(header) + 2048
	for _, c := range a.Autoinstall.LateCommands {
		size += len(c) + 8
	}
	w := yamlout.NewBlock(header, size)
	a.writeYAML(w)
	if b, err := w.Bytes(); err == nil {
		return b, nil
	}
	b, err := yamlout.Marshal(a)
	if err != nil {
		return nil, err
	}
	return append([]byte(header), b...), nil
}

// CloudCfgName is the cloud-init configuration the late-commands add to the installed system.
// It sorts after subiquity's 99-installer.cfg, so its datasource_list wins: the NoCloud seed on
// disk first, subiquity's own first-boot data only without it.
const CloudCfgName = "/etc/cloud/cloud.cfg.d/99-zz-mesosimg-nocloud.cfg"

// CloudCfg is that file's content, marshalled from CloudCfgData.
var CloudCfg = mustMarshal(CloudCfgData)

// CloudCfgData is the installed system's datasource configuration: the NoCloud seed on disk
// first, subiquity's own first-boot data only without it; and NoCloud reads no cidata device
// (fs_label: null), so an autoinstall seed left in the machine — whose user-data NoCloud would
// otherwise take over the disk's — is ignored at first boot.
var CloudCfgData = cloudCfg{
	DatasourceList: []string{"NoCloud", "None"},
	Datasource:     map[string]map[string]*string{"NoCloud": {"fs_label": nil}},
}

// cloudCfg is the part of cloud.cfg that CloudCfgName sets.
type cloudCfg struct {
	DatasourceList []string                      `yaml:"datasource_list"`
	Datasource     map[string]map[string]*string `yaml:"datasource"`
}

func mustMarshal(v any) string {
	b, err := yamlout.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// What subiquity writes into the target for the install network (subiquity/models/network.py
// render()): with a live cloud-init whose NETPLAN_CONFIG_ROOT_READ_ONLY feature is on
// (cloud-init >= 23.1, so every 24.04 ISO), the install network as cloud-init system
// configuration, which cloud-init prefers to the seed's network-config; else that networking
// is turned off and the install network written to netplan. All of them go, so the seed's
// network-config is the node's only one, as on a VM.
const (
	// SubiquityNetworkCfg is the install network as cloud-init system config (subiquity ≥ 23.10).
	SubiquityNetworkCfg = "/etc/cloud/cloud.cfg.d/90-installer-network.cfg"
	// SubiquityNoNetwork turns cloud-init's networking off (subiquity before 23.10, and after
	// it without the feature).
	SubiquityNoNetwork = "/etc/cloud/cloud.cfg.d/subiquity-disable-cloudinit-networking.cfg"
)

// AutoinstallPath is where subiquity keeps the autoinstall it reads (22.07: written from the
// cloud config; 24.04: copied from the first location found), and reads again after the
// early-commands.
const AutoinstallPath = "/autoinstall.yaml"

// ResolveDiskEarlyCommand rewrites the storage match of the autoinstall at AutoinstallPath
// from a disk link to the device it names: subiquity matches match.path against the kernel
// path of each disk (fnmatch on /dev/nvme0n1), never a /dev/disk/by-id link. It fails — and
// subiquity stops before touching a disk — when the link names no block device. It runs in
// the live system, whose cloud-init brings python3 with PyYAML.
func ResolveDiskEarlyCommand(link string) string {
	script := `import sys, yaml
p, link, dev = sys.argv[1:]
with open(p) as f:
    doc = yaml.safe_load(f)
ai = doc.get("autoinstall", doc)
m = ai["storage"]["layout"]["match"]
if m.get("path") != link:
    sys.exit("mesosimg: %s: storage match is %r, not %s" % (p, m, link))
m["path"] = dev
with open(p, "w") as f:
    yaml.safe_dump(doc, f)
`
	return `d=$(readlink -f ` + shellQuote(link) + `) && [ -b "$d" ] && python3 -c ` + shellQuote(script) + ` ` + shellQuote(AutoinstallPath) + ` ` + shellQuote(link) + ` "$d"`
}

// Autoinstall builds the autoinstall of node n of an Ubuntu cluster.
func Autoinstall(c *v1.Cluster, n *plan.Node, seed cloudinit.Files) AutoinstallFile {
	in := c.Installer
	network := cloudinit.Network(n)
	if in.Network == v1.InstallerDHCP {
		for k, eth := range network.Ethernets {
			eth.Addresses, eth.Routes, eth.Gateway4, eth.DHCP4 = nil, nil, "", true
			network.Ethernets[k] = eth
		}
	}
	match := DiskMatch{Size: "largest"}
	var early []string
	if in.Disk != v1.DiskLargest {
		match = DiskMatch{Path: in.Disk}
		if IsDiskLink(in.Disk) {
			early = append(early, ResolveDiskEarlyCommand(in.Disk))
		}
	}
	apt := Apt{Primary: []AptMirror{{Arches: []string{"default"}, URI: in.Mirror}}}
	if in.Offline {
		apt.Fallback = "offline-install"
	}
	var keys []string
	if n.Admin != nil {
		keys = n.Admin.AuthorizedKeys
	}
	// Subiquity's timezone list names UTC, not Etc/UTC.
	tz := in.Timezone
	if tz == "Etc/UTC" {
		tz = "UTC"
	}
	files := seedFiles(seed)
	files = append(files, seedFile{path: CloudCfgName, data: []byte(CloudCfg), mode: "0644"})
	// Subiquity leaves the install network in the target: in /etc/netplan with cloud-init's
	// networking off (22.04), or as cloud-init system configuration in 90-installer-network.cfg
	// (24.04), which cloud-init takes before the seed's network-config. All of it goes, so the
	// seed's network-config is the node's only one (an installer DHCP stanza would otherwise
	// keep the node on DHCP or merge with the static address).
	late := append(seedCommands(Target, "base64 -d", files),
		"rm -f "+shellQuote(Target+SubiquityNoNetwork)+" "+shellQuote(Target+SubiquityNetworkCfg),
		"rm -f "+shellQuote(Target+"/etc/netplan")+"/*.yaml")
	return AutoinstallFile{AutoinstallConfig{
		Version:       1,
		Locale:        in.Locale,
		Keyboard:      Keyboard{Layout: in.Keyboard},
		Timezone:      tz,
		Network:       network,
		Apt:           apt,
		Storage:       Storage{Layout{Name: "direct", Match: match}},
		Identity:      Identity{Hostname: n.Name, Username: c.Admin.User, Password: "!", Realname: c.Admin.User},
		SSH:           SSH{InstallServer: true, AuthorizedKeys: keys, AllowPW: false},
		Packages:      []string{"cloud-init", "openssh-server"},
		EarlyCommands: early,
		LateCommands:  late,
	}}
}

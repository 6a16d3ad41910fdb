// Package netboot renders how each node of a bare-metal cluster boots its installer from the
// network: the kernel command line that makes the Debian installer fetch the node's preseed.cfg,
// or Ubuntu's live installer fetch its autoinstall (nodes/<name>/cmdline), and per-MAC boot
// files in pxe/ — an iPXE script and a PXELINUX configuration per node, and an iPXE script that
// chains a machine to the one of the MAC it booted from. Everything is rendered only when the
// description says where the output is served (installer.answers_url).
package netboot

import (
	"crypto/md5"
	"fmt"
	"io/fs"
	"path"
	"strings"

	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/plan"
	"github.com/mesosimg/mesosimg/render"
	"github.com/mesosimg/mesosimg/templates"
)

// Paths of the rendered files, relative to the output directory.
const (
	// Dir holds the network-boot files.
	Dir = "pxe"
	// DispatchName is the iPXE script that chains a machine to its MAC's script.
	DispatchName = "boot.ipxe"
	// CmdlineName is each node's kernel command line, in its node directory.
	CmdlineName = "cmdline"
	// NoCloudDir (Ubuntu) is the node directory's nocloud-net seed the live installer fetches:
	// user-data (the autoinstall), meta-data and an empty vendor-data.
	NoCloudDir = "autoinstall"
)

// File is one rendered file, relative to the output directory.
type File = render.File

// Boot is one node's network install: what to load and the kernel command line.
type Boot struct {
	Cluster, OS, Node string
	// MAC is the node's MAC address (lower case), empty when the description gives none.
	MAC string
	// Kernel and Initrd are the installer's URLs.
	Kernel, Initrd string
	// Answers is the URL of the node's answers (preseed.cfg, or its nocloud-net directory).
	Answers string
	// Args are the kernel parameters; Cmdline joins them.
	Args []string
	// Disk is what the install erases, for the files' headers.
	Disk string
}

// Cmdline is the kernel command line.
func (b Boot) Cmdline() string { return strings.Join(b.Args, " ") }

// LoaderLen is the command line's length as the kernel gets it from the loader that adds the
// most, PXELINUX: "BOOT_IMAGE=<kernel> " before it and "initrd=<initrd> " in APPEND.
func (b Boot) LoaderLen() int {
	return len(b.Cmdline()) + len("BOOT_IMAGE= initrd=  ") + len(b.Kernel) + len(b.Initrd)
}

// EnvParams is how many parameters Linux hands to the installer as environment variables (it
// panics, "Too many boot env vars", past v1.MaxEnvParams), PXELINUX's BOOT_IMAGE included.
func (b Boot) EnvParams() int {
	n := 1
	for _, arg := range b.Args {
		if v1.EnvParam(arg) {
			n++
		}
	}
	return n
}

// MACHyphen is the MAC as PXELINUX and iPXE's ${mac:hexhyp} spell it: aa-bb-cc-dd-ee-ff.
func (b Boot) MACHyphen() string { return strings.ReplaceAll(b.MAC, ":", "-") }

// Enabled reports whether the description asks for network-boot files.
func Enabled(c *v1.Cluster) bool { return c.Installer.AnswersURL != "" }

// NodeBoot builds node n's network install. nodeDir is the node's directory in the output
// (nodes/<name>), which the answers URL mirrors.
// answers are the node's answers file (preseed.cfg or autoinstall.yaml) as rendered.
func NodeBoot(c *v1.Cluster, n *plan.Node, nodeDir string, answers []byte) (Boot, error) {
	in := c.Installer
	osInfo, ok := v1.LookupOS(c.OS)
	if !ok {
		return Boot{}, fmt.Errorf("node %s: unknown os %q", n.Name, c.OS)
	}
	b := Boot{
		Cluster: c.Cluster, OS: c.OS, Node: n.Name, MAC: strings.ToLower(n.Network.MAC),
		Kernel: in.KernelURL, Initrd: in.InitrdURL, Disk: v1.DescribeDisk(in.Disk),
	}
	base := in.AnswersURL + "/" + nodeDir + "/"
	ip, mask := n.Network.IP(), n.Network.Netmask()
	dns := ""
	if len(n.Network.DNS) > 0 {
		dns = n.Network.DNS[0]
	}
	domain := strings.TrimPrefix(strings.TrimPrefix(n.FQDN, n.Name), ".")
	var a []string
	switch osInfo.Distro {
	case "debian":
		// auto=true defers the locale and keyboard questions until the preseed is loaded;
		// priority=critical asks nothing the preseed answers. The network comes up before the
		// preseed can be fetched, so a static address travels on the command line.
		// preseed/url/checksum: the installer refuses a preseed that is not these bytes.
		b.Answers = base + "preseed.cfg"
		a = append(a, "auto=true", "priority=critical", "url="+b.Answers, fmt.Sprintf("preseed/url/checksum=%x", md5.Sum(answers)),
			"locale="+in.Locale, "keymap="+in.Keyboard, "hostname="+n.Name)
		if domain != "" {
			a = append(a, "domain="+domain)
		}
		a = append(a, "interface=auto")
		if in.Network == v1.InstallerStatic {
			a = append(a, "netcfg/disable_autoconfig=true", "netcfg/get_ipaddress="+ip, "netcfg/get_netmask="+mask)
			if n.Network.Gateway != "" {
				a = append(a, "netcfg/get_gateway="+n.Network.Gateway)
			} else {
				a = append(a, "netcfg/no_default_route=true")
			}
			if dns != "" {
				a = append(a, "netcfg/get_nameservers="+dns)
			}
			a = append(a, "netcfg/confirm_static=true")
		}
	case "ubuntu":
		// casper downloads the ISO (url=); cloud-init in the live system would read url= as
		// its cloud-config-url and download the ISO a second time, so that is pointed away.
		// The autoinstall comes from the node's nocloud-net seed; "autoinstall" skips the
		// confirmation prompt.
		b.Answers = base + NoCloudDir + "/"
		ipArg := "ip=dhcp"
		if in.Network == v1.InstallerStatic {
			ipArg = fmt.Sprintf("ip=%s::%s:%s:%s::none", ip, n.Network.Gateway, mask, n.Name)
			if dns != "" {
				ipArg += ":" + dns
			}
		}
		// casper takes the ISO as url= (22.04) or iso-url= (24.04, which cloud-init leaves
		// alone) and keeps it in the initramfs root: root=/dev/ram0 makes that an uncapped
		// ramfs rather than a tmpfs of half the memory.
		isoArg := "url="
		if osInfo.Version >= "24.04" {
			isoArg = "iso-url="
		}
		a = append(a, "autoinstall", "root=/dev/ram0", "ramdisk_size=1500000", ipArg, isoArg+in.ISOURL,
			"cloud-config-url=/dev/null", "ds=nocloud-net;s="+b.Answers)
	default:
		return Boot{}, fmt.Errorf("node %s: no network install for %s", n.Name, c.OS)
	}
	// The installers (and initramfs-tools) pick the NIC named by BOOTIF, as PXELINUX's IPAPPEND 2
	// would pass it: the one with the node's MAC.
	if b.MAC != "" {
		a = append(a, "BOOTIF=01-"+b.MACHyphen())
	}
	if len(in.KernelArgs) > 0 {
		a = append(a, "---")
		a = append(a, in.KernelArgs...)
	}
	b.Args = a
	// PXELINUX adds the most of the loaders: BOOT_IMAGE=<kernel> before, initrd=<initrd> in APPEND.
	// Validation bounds both (v1.CmdlineBound, v1.MaxExtraEnvArgs); these are the exact checks.
	if l := b.LoaderLen(); l > v1.MaxCmdline {
		return Boot{}, fmt.Errorf("node %s: the kernel command line would be %d bytes with PXELINUX's additions, over Linux's %d: shorten installer.answers_url, kernel_url, initrd_url or kernel_args", n.Name, l, v1.MaxCmdline)
	}
	if env := b.EnvParams(); env > v1.MaxEnvParams {
		return Boot{}, fmt.Errorf("node %s: %d name=value kernel parameters, over the %d Linux passes to the installer: drop some installer.kernel_args", n.Name, env, v1.MaxEnvParams)
	}
	return b, nil
}

// NodeFiles renders node n's network-boot files: its command line, and with a MAC its iPXE
// script and PXELINUX configuration.
func NodeFiles(b Boot, nodeDir string) ([]File, error) {
	out := []File{{Path: path.Join(nodeDir, CmdlineName), Data: []byte(b.Cmdline() + "\n"), Mode: 0o644}}
	if b.MAC == "" {
		return out, nil
	}
	data := struct {
		Boot
		Cmdline, MACHyphen string
	}{b, b.Cmdline(), b.MACHyphen()}
	for _, f := range []struct{ tmpl, path string }{
		{"node.ipxe.tmpl", path.Join(Dir, IPXEName(b.MAC))},
		{"pxelinux.cfg.tmpl", path.Join(Dir, "pxelinux.cfg", "01-"+b.MACHyphen())},
	} {
		s, err := templates.Render(f.tmpl, data)
		if err != nil {
			return nil, err
		}
		out = append(out, File{Path: f.path, Data: []byte(s), Mode: 0o644})
	}
	return out, nil
}

// IPXEName is the name of the iPXE script of a MAC (as iPXE's ${netX/mac:hexhyp} spells it).
func IPXEName(mac string) string {
	return "mac-" + strings.ToLower(strings.ReplaceAll(mac, ":", "-")) + ".ipxe"
}

// ClusterFiles renders the files shared by every node: the iPXE dispatcher.
func ClusterFiles(c *v1.Cluster) ([]File, error) {
	s, err := templates.Render("boot.ipxe.tmpl", struct{ Cluster, OS, Self string }{c.Cluster, c.OS, DispatchName})
	if err != nil {
		return nil, err
	}
	return []File{{Path: path.Join(Dir, DispatchName), Data: []byte(s), Mode: 0o644}}, nil
}

// NoCloudFiles (Ubuntu) is the node's nocloud-net seed for the live installer: the installer
// session's meta-data and the autoinstall as user-data, whose mode (0600 when it holds secrets)
// is mode.
func NoCloudFiles(nodeDir string, metaData, autoinstall []byte, mode fs.FileMode) []File {
	dir := path.Join(nodeDir, NoCloudDir)
	return []File{
		{Path: path.Join(dir, "meta-data"), Data: metaData, Mode: 0o644},
		{Path: path.Join(dir, "user-data"), Data: autoinstall, Mode: mode},
		{Path: path.Join(dir, "vendor-data"), Data: nil, Mode: 0o644},
	}
}

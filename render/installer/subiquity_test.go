package installer_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/mesosimg/mesosimg/render/installer"
)

// autoinstallCommands are the early- and late-commands of an autoinstall.yaml.
func autoinstallCommands(t *testing.T, f installer.File) (early, late []string) {
	t.Helper()
	var doc struct {
		Autoinstall struct {
			Early []string `yaml:"early-commands"`
			Late  []string `yaml:"late-commands"`
		} `yaml:"autoinstall"`
	}
	if err := yaml.Unmarshal(f.Data, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Autoinstall.Early, doc.Autoinstall.Late
}

// runLate runs late commands against target standing in for /target.
func runLate(t *testing.T, late []string, target string) {
	t.Helper()
	for _, cmd := range late {
		cmd = strings.ReplaceAll(cmd, installer.Target+"/", target+"/")
		c := exec.Command("bash", "-c", "set -e -o pipefail\n"+cmd+"\n")
		if out, err := c.CombinedOutput(); err != nil {
			t.Fatalf("late command failed: %v\n%s", err, out)
		}
	}
}

// findNetworkScript has cloud-init's own code choose the installed system's network
// configuration (stages.Init._find_networking_config, in the order of
// sources.DataSource.network_config_sources: kernel command line, initramfs, system config,
// datasource) from the target's cloud.cfg.d and the seed's network-config as the NoCloud
// datasource's. It prints the source it took.
const findNetworkScript = `
import sys, yaml
from cloudinit import stages, sources, util
cfgdir, netcfg = sys.argv[1:]
class Seed(sources.DataSource):
    dsname = "NoCloud"
    def __init__(self):
        pass
    @property
    def network_config(self):
        with open(netcfg) as f:
            return yaml.safe_load(f)
init = stages.Init(ds_deps=[])
init._cfg = util.read_conf_d(cfgdir)
init.datasource = Seed()
# This host's kernel command line and initramfs are no node's.
stages.cmdline.read_kernel_cmdline_config = lambda *a, **k: None
stages.cmdline.read_initramfs_config = lambda *a, **k: None
cfg, src = init._find_networking_config()
print(src.value if hasattr(src, "value") else src)
`

// TestInstalledUbuntuTakesSeedNetwork (issue row 1): subiquity ≥ 23.10 with a live cloud-init
// whose NETPLAN_CONFIG_ROOT_READ_ONLY is on (every 24.04 ISO) writes the install network to
// /etc/cloud/cloud.cfg.d/90-installer-network.cfg in the target, and cloud-init prefers that
// system configuration to the datasource: with installer.network: dhcp the node would stay on
// DHCP. cloud-init's own code (Debian's 22.4.2 here; the order is the same in 24.x) reads the
// target's cloud.cfg.d before and after the late-commands: before, it takes the installer's
// network; after, the seed's.
//
// Sources: canonical/subiquity 24.04.3 subiquity/models/network.py:39-77 (22.07.2: 35-55),
// subiquity/cloudinit.py:33-49, server/controllers/install.py:617-628; canonical/cloud-init
// 24.1.3 cloudinit/sources/__init__.py:203-208 (22.4.2: 192), cloudinit/stages.py:920-931
// (22.4.2: 814-825), cloudinit/features.py:62 (23.1 on).
func TestInstalledUbuntuTakesSeedNetwork(t *testing.T) {
	need(t, "/usr/bin/python3", "python3")
	need(t, "bash", "bash")
	for _, os_ := range []string{"ubuntu-22.04", "ubuntu-24.04"} {
		t.Run(os_, func(t *testing.T) {
			f, seed := renderNode(t, "cluster: x\nos: "+os_+"\ninstaller: {network: dhcp, disk: /dev/sda}\n")
			_, late := autoinstallCommands(t, f)
			target := t.TempDir()
			cfgdir := filepath.Join(target, "etc/cloud/cloud.cfg.d")
			os.MkdirAll(cfgdir, 0o755)
			// As subiquity's NetworkModel.render() writes it: its netplan under "network".
			os.WriteFile(filepath.Join(target, installer.SubiquityNetworkCfg), []byte("network:\n  version: 2\n  ethernets:\n    ens3: {dhcp4: true}\n"), 0o600)
			netcfg := filepath.Join(t.TempDir(), "network-config")
			os.WriteFile(netcfg, seed.NetworkConfig, 0o644)
			source := func() string {
				out, err := exec.Command("/usr/bin/python3", "-c", findNetworkScript, cfgdir, netcfg).CombinedOutput()
				if err != nil {
					t.Fatalf("cloud-init: %v\n%s", err, out)
				}
				return strings.TrimSpace(string(out))
			}
			if got := source(); got != "system_cfg" {
				t.Fatalf("control: with subiquity's %s cloud-init takes %q, want system_cfg", installer.SubiquityNetworkCfg, got)
			}
			runLate(t, late, target)
			if got := source(); got != "ds" {
				t.Errorf("after the late-commands cloud-init takes its network from %q, want ds (the seed)", got)
			}
		})
	}
}

// subiquityMatch is subiquity's disk match for a path (subiquity/models/filesystem.py
// _make_matchers, match_path: fnmatch.fnmatchcase(disk.path, match["path"]); the same in 22.07.2
// and 24.04.3): it prints the disks of argv[2:] the autoinstall's storage match selects.
const subiquityMatch = `
import sys, fnmatch, yaml
with open(sys.argv[1]) as f:
    doc = yaml.safe_load(f)
m = doc.get("autoinstall", doc)["storage"]["layout"]["match"]
print(" ".join(d for d in sys.argv[2:] if fnmatch.fnmatchcase(d, m["path"])))
`

// TestAutoinstallResolvesDiskLink (issue row 2): subiquity compares match.path with each
// disk's kernel path, so a /dev/disk/by-id link matches nothing and storage aborts. The
// rendered early-command rewrites subiquity's /autoinstall.yaml (which subiquity reads again
// after the early-commands: subiquity/server/server.py) to the device the link names; run
// here with the system python3 and PyYAML the live system has, against a stand-in /dev.
//
// Sources: canonical/subiquity 22.07.2 subiquity/models/filesystem.py:1007-1008,
// subiquity/server/server.py:527, 603-614; 24.04.3 subiquity/models/filesystem.py:1698-1699,
// subiquity/server/controllers/filesystem.py:1476-1479, subiquity/server/server.py:74, 924, 989-1000,
// subiquity/server/controllers/cmdlist.py:46.
func TestAutoinstallResolvesDiskLink(t *testing.T) {
	need(t, "/usr/bin/python3", "python3")
	need(t, "mknod", "coreutils")
	if os.Geteuid() != 0 {
		t.Fatal("mknod needs root")
	}
	dev := t.TempDir()
	bin := t.TempDir()
	os.Symlink("/usr/bin/python3", filepath.Join(bin, "python3"))
	for _, d := range []string{"sda b 8 0", "nvme0n1 b 259 0"} {
		f := strings.Fields(d)
		if out, err := exec.Command("mknod", append([]string{filepath.Join(dev, f[0])}, f[1:]...)...).CombinedOutput(); err != nil {
			t.Fatalf("mknod: %v\n%s", err, out)
		}
	}
	os.MkdirAll(filepath.Join(dev, "disk/by-id"), 0o755)
	link := "/dev/disk/by-id/nvme-Samsung_SSD_980_PRO_1TB_S5GXNX0W123456"
	os.Symlink("../../nvme0n1", filepath.Join(dev, "disk/by-id", filepath.Base(link)))
	disksHere := []string{filepath.Join(dev, "sda"), filepath.Join(dev, "nvme0n1")}
	matching := func(path string) string {
		out, err := exec.Command("/usr/bin/python3", append([]string{"-c", subiquityMatch, path}, disksHere...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("match: %v\n%s", err, out)
		}
		return strings.TrimSpace(string(out))
	}
	for _, os_ := range []string{"ubuntu-22.04", "ubuntu-24.04"} {
		f, _ := renderNode(t, "cluster: x\nos: "+os_+"\ninstaller: {disk: "+link+"}\n")
		early, _ := autoinstallCommands(t, f)
		if len(early) != 1 {
			t.Fatalf("%s: early-commands %q, want the disk resolution", os_, early)
		}
		// subiquity's /autoinstall.yaml: 22.07 dumps the autoinstall key's value, 24.04 copies
		// the file it found (here the rendered one, autoinstall: at the top).
		for _, form := range []string{"section", "file"} {
			ai := filepath.Join(t.TempDir(), "autoinstall.yaml")
			data := f.Data
			if form == "section" {
				var doc map[string]any
				yaml.Unmarshal(f.Data, &doc)
				data, _ = yaml.Marshal(doc["autoinstall"])
			}
			os.WriteFile(ai, data, 0o600)
			if got := matching(ai); got != "" {
				t.Fatalf("control: subiquity matches %q with the link itself, want nothing", got)
			}
			cmd := strings.ReplaceAll(early[0], "readlink -f '/dev/", "readlink -f '"+dev+"/")
			cmd = strings.ReplaceAll(cmd, "'"+installer.AutoinstallPath+"'", "'"+ai+"'")
			c := exec.Command("sh", "-c", cmd)
			c.Env = append(os.Environ(), "PATH="+bin+":/usr/bin:/bin")
			if out, err := c.CombinedOutput(); err != nil {
				t.Fatalf("%s %s: early-command failed: %v\n%s", os_, form, err, out)
			}
			if got := matching(ai); got != filepath.Join(dev, "nvme0n1") {
				t.Errorf("%s %s: subiquity matches %q after the early-command, want %s", os_, form, got, filepath.Join(dev, "nvme0n1"))
			}
		}
	}
	// A link that names no disk fails the early-command: subiquity stops before storage.
	f, _ := renderNode(t, "cluster: x\nos: ubuntu-24.04\ninstaller: {disk: /dev/disk/by-id/nvme-absent}\n")
	early, _ := autoinstallCommands(t, f)
	ai := filepath.Join(t.TempDir(), "autoinstall.yaml")
	os.WriteFile(ai, f.Data, 0o600)
	cmd := strings.ReplaceAll(strings.ReplaceAll(early[0], "readlink -f '/dev/", "readlink -f '"+dev+"/"), "'"+installer.AutoinstallPath+"'", "'"+ai+"'")
	if out, err := exec.Command("sh", "-c", cmd).CombinedOutput(); err == nil {
		t.Errorf("early-command succeeded for an absent link:\n%s", out)
	}
}

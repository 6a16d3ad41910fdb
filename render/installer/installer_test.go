package installer_test

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/internal/testcases"
	"github.com/mesosimg/mesosimg/plan"
	"github.com/mesosimg/mesosimg/render/cloudinit"
	"github.com/mesosimg/mesosimg/render/installer"
	"github.com/mesosimg/mesosimg/secrets"
)

// rendered is one node's installer file and the NoCloud files it must reproduce.
type rendered struct {
	name        string
	c           *v1.Cluster
	file        installer.File
	seed        cloudinit.Files
	dns, search []string
}

// renderAll renders the installer file of every node of every bundled description.
func renderAll(t *testing.T) []rendered {
	t.Helper()
	var out []rendered
	for _, tc := range testcases.All(t, "../..") {
		c := testcases.Load(t, tc.Path)
		pl, err := plan.Build(c, secrets.Fixed())
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < pl.NodeCount(); i++ {
			n := pl.Node(i)
			seed, err := cloudinit.Render(&n)
			if err != nil {
				t.Fatal(err)
			}
			f, err := installer.Render(c, &n, seed)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, rendered{tc.Name + ":" + n.Name, c, f, seed, n.Network.DNS, n.Network.Search})
		}
	}
	return out
}

func need(t *testing.T, tool, pkg string) {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		t.Fatalf("%s is not installed: apt-get install %s", tool, pkg)
	}
}

// checkPreseed runs Debian's debconf-set-selections --checkonly on a preseed file; it must
// exit 0 and say nothing (an unknown type is only a warning, and a skipped line).
func checkPreseed(path string) (string, error) {
	out, err := exec.Command("debconf-set-selections", "--checkonly", path).CombinedOutput()
	return string(out), err
}

func TestPreseedDebconf(t *testing.T) {
	need(t, "debconf-set-selections", "debconf")
	seen := 0
	for _, r := range renderAll(t) {
		if r.file.Name != installer.PreseedName {
			continue
		}
		seen++
		p := filepath.Join(t.TempDir(), "preseed.cfg")
		os.WriteFile(p, r.file.Data, 0o600)
		if out, err := checkPreseed(p); err != nil || out != "" {
			t.Errorf("%s: debconf-set-selections --checkonly: %v\n%s", r.name, err, out)
		}
	}
	if seen < 2 {
		t.Fatalf("only %d preseeds rendered", seen)
	}
}

func TestBrokenPreseedFails(t *testing.T) {
	need(t, "debconf-set-selections", "debconf")
	out, err := checkPreseed("testdata/broken-preseed.cfg")
	if err == nil {
		t.Fatalf("debconf-set-selections accepted testdata/broken-preseed.cfg:\n%s", out)
	}
	for _, want := range []string{"parse error on line 4", "Unknown type bool"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestPreseedMarshalRefusesMultiLine(t *testing.T) {
	for _, e := range []installer.Entry{
		{"d-i", "a/b", "string", "x\nd-i passwd/root-login boolean true"},
		{"d-i", "a/b", "string", `continued\`},
		{"d-i", "a b", "string", "x"},
		{"d-i", "a/b", "bool", "true"},
	} {
		if _, err := (installer.PreseedFile{Entries: []installer.Entry{e}}).Marshal(); err == nil {
			t.Errorf("Marshal accepted %q", e)
		}
	}
}

func loadAutoinstallSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	raw, err := os.ReadFile("testdata/autoinstall-schema.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("file:///autoinstall-schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("file:///autoinstall-schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// autoinstallDoc reads the autoinstall section of an autoinstall.yaml as JSON data.
func autoinstallDoc(t *testing.T, data []byte) any {
	t.Helper()
	if !bytes.HasPrefix(data, []byte("#cloud-config\n")) {
		t.Errorf("autoinstall.yaml does not start with #cloud-config")
	}
	var top map[string]any
	if err := yaml.Unmarshal(data, &top); err != nil {
		t.Fatal(err)
	}
	if len(top) != 1 || top["autoinstall"] == nil {
		t.Fatalf("autoinstall.yaml must hold exactly the autoinstall key, has %v", top)
	}
	j, err := json.Marshal(top["autoinstall"])
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(j))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestAutoinstallSchema(t *testing.T) {
	schema := loadAutoinstallSchema(t)
	seen := 0
	for _, r := range renderAll(t) {
		if r.file.Name != installer.AutoinstallName {
			continue
		}
		seen++
		if err := schema.Validate(autoinstallDoc(t, r.file.Data)); err != nil {
			t.Errorf("%s: autoinstall.yaml does not validate against subiquity's schema: %v", r.name, err)
		}
	}
	if seen < 2 {
		t.Fatalf("only %d autoinstall files rendered", seen)
	}
	// The schema bites: each of these breaks one rule of it.
	for _, bad := range []string{
		"#cloud-config\nautoinstall: {version: 2}\n",
		"#cloud-config\nautoinstall: {version: 1, identity: {username: a, hostname: b}}\n",
		"#cloud-config\nautoinstall: {version: 1, keyboard: {layout: us, model: pc105}}\n",
		"#cloud-config\nautoinstall: {version: 1, timezone: Etc/UTC}\n",
		"#cloud-config\nautoinstall: {version: 1, late-commands: [1]}\n",
	} {
		if err := schema.Validate(autoinstallDoc(t, []byte(bad))); err == nil {
			t.Errorf("schema accepted %q", bad)
		}
	}
}

var reLate = regexp.MustCompile(`(?m)^d-i preseed/late_command string (.*)$`)

// lateCommands extracts the commands that write the seed from an installer file.
func lateCommands(t *testing.T, f installer.File) []string {
	t.Helper()
	if f.Name == installer.PreseedName {
		m := reLate.FindSubmatch(f.Data)
		if m == nil {
			t.Fatal("preseed has no late_command")
		}
		return []string{string(m[1])}
	}
	var doc struct {
		Autoinstall struct {
			LateCommands []string `yaml:"late-commands"`
		} `yaml:"autoinstall"`
	}
	if err := yaml.Unmarshal(f.Data, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Autoinstall.LateCommands
}

// TestLateCommandWritesSeed runs the late command(s) of every node with bash against a
// temporary directory standing in for /target (chroot is a function running the command
// outside it: the installed system's base64 is the same coreutils program) and compares the
// NoCloud files byte for byte, with their modes.
func TestLateCommandWritesSeed(t *testing.T) {
	need(t, "bash", "bash")
	for _, r := range renderAll(t) {
		target := t.TempDir()
		// What the installers leave behind that the late commands must clear away.
		// What the installers leave behind that the late commands must clear away: netcfg's
		// interfaces (replaced) and base-installer's 00AllowUnauthenticatedSSL; subiquity's
		// install network in netplan, its cloud-init switch, and (24.04) its cloud-init
		// network configuration (subiquity/models/network.py render()).
		leftovers := []string{installer.ENIPath, installer.InsecureAptConf}
		if r.file.Name == installer.AutoinstallName {
			leftovers = []string{"/etc/netplan/00-installer-config.yaml", "/etc/netplan/50-cloud-init.yaml",
				installer.SubiquityNoNetwork, installer.SubiquityNetworkCfg}
		}
		for _, p := range leftovers {
			os.MkdirAll(filepath.Dir(filepath.Join(target, p)), 0o755)
			os.WriteFile(filepath.Join(target, p), []byte("allow-hotplug ens3\niface ens3 inet dhcp\n"), 0o644)
		}
		for _, cmd := range lateCommands(t, r.file) {
			if strings.Contains(cmd, "$(") || strings.Contains(cmd, "`") {
				t.Errorf("%s: late command substitutes commands: %.80s", r.name, cmd)
			}
			cmd = strings.ReplaceAll(cmd, installer.Target+"/", target+"/")
			cmd = strings.ReplaceAll(cmd, "chroot "+installer.Target+" ", "chroot "+target+" ")
			script := "set -e -o pipefail\nchroot() { shift; \"$@\"; }\n" + cmd + "\n"
			c := exec.Command("bash", "-c", script)
			c.Dir = target
			if out, err := c.CombinedOutput(); err != nil {
				t.Fatalf("%s: late command failed: %v\n%s", r.name, err, out)
			}
		}
		for _, f := range []struct {
			name string
			data []byte
			mode fs.FileMode
		}{
			{"user-data", r.seed.UserData, 0o600},
			{"meta-data", r.seed.MetaData, 0o644},
			{"network-config", r.seed.NetworkConfig, 0o644},
		} {
			p := filepath.Join(target, installer.SeedDir, f.name)
			got, err := os.ReadFile(p)
			if err != nil {
				t.Errorf("%s: %v", r.name, err)
				continue
			}
			if !bytes.Equal(got, f.data) {
				t.Errorf("%s: %s differs from the cloud-init renderer's bytes", r.name, f.name)
			}
			if st, _ := os.Stat(p); st.Mode().Perm() != f.mode {
				t.Errorf("%s: %s has mode %v, want %v", r.name, f.name, st.Mode().Perm(), f.mode)
			}
		}
		if r.file.Name == installer.PreseedName {
			got, err := os.ReadFile(filepath.Join(target, installer.ENIPath))
			if err != nil || string(got) != installer.ENIStock {
				t.Errorf("%s: %s = %q, %v", r.name, installer.ENIPath, got, err)
			}
			if _, err := os.Stat(filepath.Join(target, installer.InsecureAptConf)); err == nil {
				t.Errorf("%s: %s survived the late command", r.name, installer.InsecureAptConf)
			}
			// The installed system resolves with the node's own servers (row 7 of issue 12).
			got, err = os.ReadFile(filepath.Join(target, installer.ResolvConfPath))
			if want := installer.ResolvConf(r.dns, r.search); want != nil && (err != nil || !bytes.Equal(got, want)) {
				t.Errorf("%s: %s = %q, %v; want %q", r.name, installer.ResolvConfPath, got, err, want)
			}
		}
		if r.file.Name == installer.AutoinstallName {
			got, err := os.ReadFile(filepath.Join(target, installer.CloudCfgName))
			if err != nil || string(got) != installer.CloudCfg {
				t.Errorf("%s: %s = %q, %v", r.name, installer.CloudCfgName, got, err)
			}
			for _, p := range leftovers {
				if _, err := os.Stat(filepath.Join(target, p)); err == nil {
					t.Errorf("%s: %s survived the late commands", r.name, p)
				}
			}
		}
	}
}

func TestFileModeFollowsSecrets(t *testing.T) {
	for _, r := range renderAll(t) {
		want := fs.FileMode(0o644)
		if r.seed.Secret {
			want = 0o600
		}
		if r.file.Mode != want {
			t.Errorf("%s: %s mode %v, want %v", r.name, r.file.Name, r.file.Mode, want)
		}
	}
}

// TestInstallerShellcheck hands every shell command an installer runs (late commands, and the
// disk choice busybox runs before partitioning) to shellcheck as POSIX sh.
func TestInstallerShellcheck(t *testing.T) {
	need(t, "shellcheck", "shellcheck")
	scripts := map[string]string{"largest-disk": installer.LargestDiskCommand + "\n"}
	for _, r := range renderAll(t) {
		scripts[r.name] = strings.Join(lateCommands(t, r.file), "\n") + "\n"
	}
	for _, link := range []string{"/dev/disk/by-id/nvme-Samsung_SSD_980_S123", "/dev/disk/by-path/pci-0000:00:1f.2-ata-1"} {
		scripts["resolve "+link] = installer.ResolveDiskCommand(link) + "\n"
		scripts["early "+link] = installer.ResolveDiskEarlyCommand(link) + "\n"
	}
	dir := t.TempDir()
	for name, s := range scripts {
		p := filepath.Join(dir, "script.sh")
		os.WriteFile(p, []byte("#!/bin/sh\n"+s), 0o600)
		out, err := exec.Command("shellcheck", "--shell=sh", "--severity=warning", p).CombinedOutput()
		if err != nil {
			t.Errorf("%s: shellcheck: %v\n%s", name, err, out)
		}
	}
}

// TestCloudCfgReadByCloudInit has cloud-init's own code (Debian's, on /usr/bin/python3) read the
// datasource configuration the Ubuntu late-commands install, merged over a stock configuration
// as the installed system would: NoCloud first, and no cidata device scan.
func TestCloudCfgReadByCloudInit(t *testing.T) {
	need(t, "/usr/bin/python3", "python3")
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "90_dpkg.cfg"), []byte("datasource_list: [NoCloud, ConfigDrive, OpenStack, None]\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "99-installer.cfg"), []byte("datasource_list: [None]\ndatasource:\n  None:\n    userdata_raw: '#cloud-config'\n"), 0o644)
	os.WriteFile(filepath.Join(dir, filepath.Base(installer.CloudCfgName)), []byte(installer.CloudCfg), 0o644)
	script := `
import sys
from cloudinit import util
cfg = util.read_conf_d(sys.argv[1])
nc = cfg.get("datasource", {}).get("NoCloud", {})
print(cfg["datasource_list"], "fs_label" in nc, nc.get("fs_label", "cidata"))
`
	out, err := exec.Command("/usr/bin/python3", "-c", script, dir).CombinedOutput()
	if err != nil {
		t.Fatalf("cloud-init could not read %s: %v\n%s", installer.CloudCfgName, err, out)
	}
	if got, want := strings.TrimSpace(string(out)), "['NoCloud', 'None'] True None"; got != want {
		t.Errorf("cloud-init reads the merged configuration as %q, want %q", got, want)
	}
}

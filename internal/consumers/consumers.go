// Package consumers runs the real consumers of mesosimg's output from tests:
// cloud-init's own schema (the command and its JSON schema file), PyYAML (the
// parser cloud-init uses), cloud-init's network renderers and shellcheck. A
// missing tool fails the test with the package to install, never skips it.
package consumers

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"
)

// SchemaPath is where Debian's cloud-init package ships its cloud-config schema.
const SchemaPath = "/usr/lib/python3/dist-packages/cloudinit/config/schemas/schema-cloud-config-v1.json"

// Need fails t unless every tool is on PATH.
func Need(t testing.TB, tools ...string) {
	t.Helper()
	pkgs := map[string]string{"cloud-init": "cloud-init", "python3": "python3-yaml", "shellcheck": "shellcheck"}
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed: run `make deps` (apt-get install %s)", tool, pkgs[tool])
		}
	}
}

// CloudInitSchema validates user-data files with `cloud-init schema -c` (one run per file).
func CloudInitSchema(t testing.TB, path string) {
	t.Helper()
	Need(t, "cloud-init")
	out, err := exec.Command("cloud-init", "schema", "-c", path).CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte("Valid cloud-config")) {
		t.Errorf("cloud-init schema -c %s: %v\n%s", path, err, out)
	}
}

var (
	schemaOnce sync.Once
	schema     *jsonschema.Schema
	schemaKeys map[string]bool
	schemaErr  error
)

func loadSchema() {
	raw, err := os.ReadFile(SchemaPath)
	if err != nil {
		schemaErr = fmt.Errorf("%v: run `make deps` (apt-get install cloud-init)", err)
		return
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		schemaErr = err
		return
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("file://"+SchemaPath, doc); err != nil {
		schemaErr = err
		return
	}
	schema, schemaErr = c.Compile("file://" + SchemaPath)
	if schemaErr != nil {
		return
	}
	schemaKeys = topLevelKeys(raw)
}

// topLevelKeys collects every property name the schema's modules define at the top level.
func topLevelKeys(raw []byte) map[string]bool {
	var s struct {
		Defs map[string]struct {
			Properties map[string]json.RawMessage `json:"properties"`
		} `json:"$defs"`
	}
	keys := map[string]bool{}
	if json.Unmarshal(raw, &s) != nil {
		return keys
	}
	for name, def := range s.Defs {
		if !strings.HasPrefix(name, "cc_") {
			continue
		}
		for k := range def.Properties {
			keys[k] = true
		}
	}
	return keys
}

var rePermissions = regexp.MustCompile(`^0[0-7]{3}$`)

// SchemaInProcess validates a cloud-config (as JSON-compatible data) against the schema file
// cloud-init ships, and adds what that schema misses: unknown top-level keys and malformed
// permission strings.
func SchemaInProcess(t testing.TB, name string, doc any) {
	t.Helper()
	schemaOnce.Do(loadSchema)
	if schemaErr != nil {
		t.Fatalf("cloud-init schema: %v", schemaErr)
	}
	if err := schema.Validate(doc); err != nil {
		t.Errorf("%s: schema %s: %v", name, SchemaPath, err)
	}
	m, ok := doc.(map[string]any)
	if !ok {
		t.Fatalf("%s: cloud-config is not a mapping", name)
	}
	var unknown []string
	for k := range m {
		if !schemaKeys[k] {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	if len(unknown) > 0 {
		t.Errorf("%s: top-level keys no cloud-init module reads: %v", name, unknown)
	}
	files, _ := m["write_files"].([]any)
	for _, f := range files {
		wf, _ := f.(map[string]any)
		if p, ok := wf["permissions"].(string); !ok || !rePermissions.MatchString(p) {
			t.Errorf("%s: write_files %v: permissions %#v is not a quoted octal string like \"0644\"", name, wf["path"], wf["permissions"])
		}
	}
}

// DebianPython is the interpreter cloud-init runs on, with Debian's PyYAML (python3-yaml).
const DebianPython = "/usr/bin/python3"

// Python returns the interpreter whose PyYAML reads YAML as cloud-init does: Debian's own,
// never one first on PATH (a pyenv or virtualenv may lack yaml or carry another version).
func Python(t testing.TB) string {
	t.Helper()
	if err := exec.Command(DebianPython, "-c", "import yaml").Run(); err != nil {
		t.Fatalf("%s with the yaml module is needed: run `make deps` (apt-get install python3-yaml): %v", DebianPython, err)
	}
	return DebianPython
}

// PyYAML loads a YAML file with the parser cloud-init uses (PyYAML, YAML 1.1 rules)
// and returns it as JSON-compatible data, so a test can compare it with what was meant.
func PyYAML(t testing.TB, path string) any {
	t.Helper()
	script := `import sys, json, yaml
print(json.dumps(yaml.safe_load(open(sys.argv[1])), sort_keys=True))`
	out, err := exec.Command(Python(t), "-c", script, path).Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("PyYAML cannot load %s: %v\n%s", path, err, stderr)
	}
	var v any
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("PyYAML output for %s: %v", path, err)
	}
	return v
}

// PyYAMLReadsAsWritten checks that PyYAML (YAML 1.1, cloud-init's parser) reads the YAML file
// at path (whose text is data) as the same data yaml.v3 (YAML 1.2, which wrote it) reads: no
// "0644" read as 420, no yes/on read as true, no 1.10 read as 1.1. It returns PyYAML's reading.
func PyYAMLReadsAsWritten(t testing.TB, path string, data []byte) any {
	t.Helper()
	byPy := PyYAML(t, path)
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatalf("yaml.v3 cannot read %s: %v", path, err)
	}
	j, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var byGo any
	json.Unmarshal(j, &byGo)
	if diff := cmp.Diff(byGo, byPy); diff != "" {
		t.Errorf("%s: PyYAML reads something else than was written (-yaml.v3 +PyYAML):\n%s", path, diff)
	}
	return byPy
}

// NetConvert renders network-config with cloud-init's own renderer for distro
// (debian → ENI, ubuntu → netplan) and returns the rendered files' text.
// macs maps interface names to MAC addresses, as the machine would report them.
func NetConvert(t testing.TB, path, distro string, macs map[string]string) string {
	t.Helper()
	files := NetConvertFiles(t, path, distro, macs)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		b.WriteString(files[n])
	}
	return b.String()
}

// NetworkDisabled fails unless cloud-init's own network code reads the network-config at path
// as "network configuration disabled" (canonical/cloud-init 22.4.2 cloudinit/stages.py:851-856:
// the top-level network key removed, then net.is_disabled_cfg).
func NetworkDisabled(t testing.TB, path string) {
	t.Helper()
	Need(t, "cloud-init")
	const check = `import sys
from cloudinit import net, safeyaml
cfg = safeyaml.load(open(sys.argv[1]).read())
if isinstance(cfg, dict) and "network" in cfg:
    cfg = cfg["network"]
sys.exit(0 if net.is_disabled_cfg(cfg) else 3)`
	if out, err := exec.Command("/usr/bin/python3", "-c", check, path).CombinedOutput(); err != nil {
		t.Errorf("%s: cloud-init does not read it as network configuration disabled: %v\n%s", path, err, out)
	}
}

// NetConvertFiles is NetConvert keeping the files apart: it returns each file cloud-init's
// renderer writes (etc/network/interfaces.d/50-cloud-init, etc/udev/rules.d/70-persistent-net.rules,
// etc/netplan/50-cloud-init.yaml, …) by its path, slash-separated, relative to the root.
func NetConvertFiles(t testing.TB, path, distro string, macs map[string]string) map[string]string {
	t.Helper()
	Need(t, "cloud-init")
	dir := t.TempDir()
	format := map[string]string{"debian": "eni", "ubuntu": "netplan"}[distro]
	args := []string{"devel", "net-convert", "-p", path, "-k", "yaml", "-d", dir, "-D", distro, "-O", format}
	names := make([]string, 0, len(macs))
	for n := range macs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		args = append(args, "-m", n+","+macs[n])
	}
	out, err := exec.Command("cloud-init", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("cloud-init %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	files := map[string]string{}
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && info.Mode().IsRegular() {
			data, _ := os.ReadFile(p)
			rel, _ := filepath.Rel(dir, p)
			files[filepath.ToSlash(rel)] = string(data)
		}
		return nil
	})
	return files
}

// ShellCheck runs shellcheck on a script file as the shell its #! line names: a #!/bin/sh
// script (run by dash, or by the installers' busybox ash) is checked as POSIX sh, so a bashism
// in it fails; a #!/bin/bash one as bash. A script without a #! line fails the test.
func ShellCheck(t testing.TB, path string) {
	t.Helper()
	Need(t, "shellcheck")
	shell, err := ScriptShell(path)
	if err != nil {
		t.Errorf("shellcheck %s: %v", path, err)
		return
	}
	out, err := exec.Command("shellcheck", "--shell="+shell, "--severity=warning", path).CombinedOutput()
	if err != nil {
		t.Errorf("shellcheck --shell=%s %s: %v\n%s", shell, path, err, out)
	}
}

// reShebang reads the interpreter of a #! line: #!/bin/sh, #!/usr/bin/env bash, #!/bin/bash -e.
var reShebang = regexp.MustCompile(`^#!\s*(?:/usr/bin/env\s+)?(?:\S*/)?(sh|bash|dash|ksh)(?:\s|$)`)

// ScriptShell returns the shell a script's #! line names, as shellcheck calls it (sh, bash,
// dash or ksh).
func ScriptShell(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	first, _, _ := strings.Cut(string(data), "\n")
	m := reShebang.FindStringSubmatch(first)
	if m == nil {
		return "", fmt.Errorf("no #! line naming sh, bash, dash or ksh (first line %.60q)", first)
	}
	return m[1], nil
}

// seedFiles are the files every NoCloud seed holds.
var seedFiles = []string{"meta-data", "network-config", "user-data"}

// CheckISOSeed reads an ISO seed with blkid, xorriso (Rock Ridge) and isoinfo (Rock Ridge and
// Joliet) and compares every file with the rendered ones in dir; it also checks xorriso's media
// check and that the image size equals its declared block count.
func CheckISOSeed(t testing.TB, iso, dir string) {
	t.Helper()
	CheckISOFiles(t, iso, dir, seedFiles...)
}

// CheckISOFiles is CheckISOSeed for an image that holds the named files of dir (label cidata).
func CheckISOFiles(t testing.TB, iso, dir string, names ...string) {
	t.Helper()
	needPkg(t, map[string]string{"blkid": "util-linux", "xorriso": "xorriso", "isoinfo": "genisoimage"})
	checkBlkid(t, iso, "iso9660")
	out := t.TempDir()
	if b, err := exec.Command("xorriso", "-osirrox", "on", "-indev", iso, "-extract", "/", out).CombinedOutput(); err != nil {
		t.Fatalf("xorriso -extract %s: %v\n%s", iso, err, b)
	}
	for _, name := range names {
		got, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Errorf("xorriso: %s lacks %s: %v", iso, name, err)
		}
		want := mustRead(t, filepath.Join(dir, name))
		if !bytes.Equal(got, want) {
			t.Errorf("xorriso: %s:/%s differs from the rendered file", iso, name)
		}
		for _, mode := range []string{"-R", "-J"} {
			got, err := exec.Command("isoinfo", mode, "-x", "/"+name, "-i", iso).Output()
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("isoinfo %s -x /%s -i %s: %v; content differs: %v", mode, name, iso, err, !bytes.Equal(got, want))
			}
		}
	}
	b, err := exec.Command("xorriso", "-indev", iso, "-check_media", "--").CombinedOutput()
	if err != nil || bytes.Contains(b, []byte("FAILURE")) || bytes.Contains(b, []byte("- bad")) || !bytes.Contains(b, []byte("+ good")) {
		t.Errorf("xorriso -check_media %s: %v\n%s", iso, err, b)
	}
	data := mustRead(t, iso)
	if len(data) < 17*2048 {
		t.Fatalf("%s is %d bytes: too small for an ISO 9660 image", iso, len(data))
	}
	pvd := data[16*2048:]
	blocks := int(pvd[80]) | int(pvd[81])<<8 | int(pvd[82])<<16 | int(pvd[83])<<24
	if string(pvd[1:6]) != "CD001" || blocks*2048 != len(data) {
		t.Errorf("%s: %d bytes, but the volume descriptor declares %d blocks of 2048", iso, len(data), blocks)
	}
}

// CheckVFATSeed reads a FAT seed with blkid, fsck.vfat and mtools and compares every file.
func CheckVFATSeed(t testing.TB, img, dir string) {
	t.Helper()
	needPkg(t, map[string]string{"blkid": "util-linux", "fsck.vfat": "dosfstools", "mcopy": "mtools"})
	checkBlkid(t, img, "vfat")
	if b, err := exec.Command("fsck.vfat", "-n", img).CombinedOutput(); err != nil {
		t.Errorf("fsck.vfat -n %s: %v\n%s", img, err, b)
	}
	for _, name := range seedFiles {
		cmd := exec.Command("mcopy", "-n", "-i", img, "::"+name, "-")
		cmd.Env = append(os.Environ(), "MTOOLS_NO_VFAT=0")
		got, err := cmd.Output()
		if err != nil || !bytes.Equal(got, mustRead(t, filepath.Join(dir, name))) {
			t.Errorf("mcopy -i %s ::%s: %v; content differs from the rendered file", img, name, err)
		}
	}
}

func checkBlkid(t testing.TB, img, fsType string) {
	t.Helper()
	b, err := exec.Command("blkid", "-p", "-o", "export", img).Output()
	if err != nil || !bytes.Contains(b, []byte("LABEL=cidata\n")) || !bytes.Contains(b, []byte("TYPE="+fsType+"\n")) {
		t.Errorf("blkid -p %s: %v; want LABEL=cidata TYPE=%s, got:\n%s", img, err, fsType, b)
	}
}

func needPkg(t testing.TB, tools map[string]string) {
	t.Helper()
	for tool, pkg := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed: run `make deps` (apt-get install %s)", tool, pkg)
		}
	}
}

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// NftCheck has nftables parse and check a ruleset without loading it (`nft -c -f`).
func NftCheck(t testing.TB, name, ruleset string) error {
	t.Helper()
	needPkg(t, map[string]string{"nft": "nftables"})
	path := filepath.Join(t.TempDir(), "nftables.conf")
	if err := os.WriteFile(path, []byte(ruleset), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("nft", "-c", "-f", path).CombinedOutput(); err != nil {
		return fmt.Errorf("nft -c -f (%s): %v\n%s", name, err, out)
	}
	return nil
}

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

	"github.com/santhosh-tekuri/jsonschema/v6"
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

// PyYAML loads a YAML file with the parser cloud-init uses (PyYAML, YAML 1.1 rules)
// and returns it as JSON-compatible data, so a test can compare it with what was meant.
func PyYAML(t testing.TB, path string) any {
	t.Helper()
	Need(t, "python3")
	script := `import sys, json, yaml
print(json.dumps(yaml.safe_load(open(sys.argv[1])), sort_keys=True))`
	out, err := exec.Command("python3", "-c", script, path).Output()
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

// NetConvert renders network-config with cloud-init's own renderer for distro
// (debian → ENI, ubuntu → netplan) and returns the rendered files' text.
// macs maps interface names to MAC addresses, as the machine would report them.
func NetConvert(t testing.TB, path, distro string, macs map[string]string) string {
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
	var b strings.Builder
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && info.Mode().IsRegular() {
			data, _ := os.ReadFile(p)
			b.Write(data)
		}
		return nil
	})
	return b.String()
}

// ShellCheck runs shellcheck on a script file.
func ShellCheck(t testing.TB, path string) {
	t.Helper()
	Need(t, "shellcheck")
	out, err := exec.Command("shellcheck", "--shell=bash", "--severity=warning", path).CombinedOutput()
	if err != nil {
		t.Errorf("shellcheck %s: %v\n%s", path, err, out)
	}
}

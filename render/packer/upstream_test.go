package packer_test

// The baked-image items of issue 12, each against the plugins' own code (sources and lines in
// docs/upstream-installers.md, "Packer").

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/mesosimg/mesosimg/internal/consumers"
	"github.com/mesosimg/mesosimg/render/packer"
)

const awsImage = "cluster: x\nimage:\n  aws: {region: us-east-2}\n  qemu: {source_checksum: \"sha256:" +
	"abababababababababababababababababababababababababababababababab\"}\n" + nodes

// sourceBlock is the body of `source "<typ>" "mesos"` in the rendered template.
func sourceBlock(t *testing.T, tmpl []byte, typ string) *hclsyntax.Body {
	t.Helper()
	for _, b := range parse(t, tmpl).Blocks {
		if b.Type == "source" && len(b.Labels) == 2 && b.Labels[0] == typ {
			return b.Body
		}
	}
	t.Fatalf("no source %q", typ)
	return nil
}

// literal evaluates an attribute that holds a constant.
func literal(t *testing.T, body *hclsyntax.Body, name string) cty.Value {
	t.Helper()
	a, ok := body.Attributes[name]
	if !ok {
		t.Fatalf("no attribute %s", name)
	}
	v, diags := a.Expr.Value(&hcl.EvalContext{})
	if diags.HasErrors() {
		t.Fatalf("%s: %v", name, diags)
	}
	return v
}

// TestAMIClearsPackerKey: amazon-ebs logs in with a temporary key pair that cloud-init puts
// into the login user's authorized_keys, and only StepCleanupTempKeys removes it (it returns at
// once unless ssh_clear_authorized_keys is true: packer-plugin-sdk
// multistep/commonsteps/step_cleanup_temp_keys.go); it runs after the provisioners, before the
// instance is stopped and imaged (packer-plugin-amazon builder/ebs/builder.go). The argument
// is one the plugin accepts (builder.hcl2spec.go, v1.3.0 on), and the template with it passes
// Packer's own validation.
//
// Sources: hashicorp/packer-plugin-sdk v0.6.10 multistep/commonsteps/step_cleanup_temp_keys.go:25-36,
// 61, 66; hashicorp/packer-plugin-amazon v1.3.0 builder/ebs/builder.go:396-416 and
// builder.hcl2spec.go:118, 284 (v1.8.2: 395-415; 122, 292).
func TestAMIClearsPackerKey(t *testing.T) {
	dir := render(t, awsImage)
	tmpl, err := os.ReadFile(filepath.Join(dir, packer.TemplateFile))
	if err != nil {
		t.Fatal(err)
	}
	if v := literal(t, sourceBlock(t, tmpl, "amazon-ebs"), "ssh_clear_authorized_keys"); !v.True() {
		t.Errorf("amazon-ebs ssh_clear_authorized_keys = %#v, want true", v)
	}
	consumers.PackerValidate(t, filepath.Join(dir, packer.TemplateFile))
}

// reConstraint is one go-version constraint of the forms the template uses.
var reConstraint = regexp.MustCompile(`^(>=|<) ([0-9]+)\.([0-9]+)\.([0-9]+)$`)

// allows evaluates a constraint list of ">= a.b.c" and "< a.b.c" terms, joined by ", " (and),
// as go-version (Packer's required_plugins and required_version) reads them.
func allows(t *testing.T, constraints string, version [3]int) bool {
	t.Helper()
	ok := true
	for _, term := range strings.Split(constraints, ", ") {
		m := reConstraint.FindStringSubmatch(term)
		if m == nil {
			t.Fatalf("constraint %q: term %q is not >= or < a version", constraints, term)
		}
		var v [3]int
		for i := range v {
			v[i], _ = strconv.Atoi(m[i+2])
		}
		cmp := 0
		for i := range v {
			if version[i] != v[i] {
				cmp = map[bool]int{true: -1, false: 1}[version[i] < v[i]]
				break
			}
		}
		if m[1] == ">=" && cmp < 0 || m[1] == "<" && cmp >= 0 {
			ok = false
		}
	}
	return ok
}

// TestPluginConstraintsBounded: every version in plugins.pkr.hcl admits the releases the
// templates are checked against and no next major version, which may rename or drop the
// arguments the template sets.
func TestPluginConstraintsBounded(t *testing.T) {
	body := parse(t, packer.Plugins(image(t, awsImage)))
	checks := map[string]struct{ tested, next [3]int }{
		"required_version": {[3]int{1, 10, 0}, [3]int{2, 0, 0}},
		"amazon":           {[3]int{1, 8, 2}, [3]int{2, 0, 0}},
		"qemu":             {[3]int{1, 1, 4}, [3]int{2, 0, 0}},
	}
	seen := 0
	for _, b := range body.Blocks {
		if v, ok := b.Body.Attributes["required_version"]; ok {
			val, _ := v.Expr.Value(nil)
			c := checks["required_version"]
			if !allows(t, val.AsString(), c.tested) || allows(t, val.AsString(), c.next) {
				t.Errorf("required_version %q: want %v allowed and %v refused", val.AsString(), c.tested, c.next)
			}
			seen++
		}
		for _, rp := range b.Body.Blocks {
			for name, a := range rp.Body.Attributes {
				val, diags := a.Expr.Value(nil)
				if diags.HasErrors() {
					t.Fatal(diags)
				}
				version := val.GetAttr("version").AsString()
				c := checks[name]
				if !allows(t, version, c.tested) || allows(t, version, c.next) {
					t.Errorf("plugin %s version %q: want %v allowed and %v refused", name, version, c.tested, c.next)
				}
				seen++
			}
		}
	}
	if seen != 3 {
		t.Errorf("checked %d constraints, want 3", seen)
	}
	// The check bites: an open-ended constraint admits 2.0.0.
	if !allows(t, ">= 1.3.0", [3]int{2, 0, 0}) {
		t.Error("allows(>= 1.3.0, 2.0.0) = false")
	}
}

// TestShutdownCommandKeepsNoLogin runs the qemu source's shutdown_command as rendered, with
// stand-ins for sudo, userdel, id, usermod, rm and shutdown that record what they are asked.
// When the build user is deleted the machine powers off; when it survives, its account is
// locked and the machine does not power off, so qemu's shutdown step times out and fails the
// build (packer-plugin-qemu builder/qemu/step_shutdown.go: only a timeout or a failure to run
// the command halts; RunWithUi does not report the exit status).
//
// Sources: hashicorp/packer-plugin-qemu v1.1.0 builder/qemu/step_shutdown.go:64, 75-81,
// step_prepare_output_dir.go:35-45, builder.go:66, 147-154; hashicorp/packer-plugin-sdk v0.6.10
// multistep/commonsteps/multistep_runner.go:20-43, 89-100, 196-225 (-on-error=abort skips cleanup).
func TestShutdownCommandKeepsNoLogin(t *testing.T) {
	tmpl, err := os.ReadFile(filepath.Join(render(t, awsImage), packer.TemplateFile))
	if err != nil {
		t.Fatal(err)
	}
	cmd := literal(t, sourceBlock(t, tmpl, "qemu"), "shutdown_command").AsString()
	for _, tc := range []struct {
		name     string
		survives bool
		want     []string
		refuse   string
	}{
		{"deleted", false, []string{"rm ", "userdel -f -r packer", "shutdown -P now"}, "usermod"},
		{"survives", true, []string{"rm ", "userdel -f -r packer", "usermod -L -e 1 -s /usr/sbin/nologin packer"}, "shutdown"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bin := t.TempDir()
			log := filepath.Join(t.TempDir(), "log")
			stub := func(name, body string) {
				os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/sh\necho \""+name+" $*\" >>"+log+"\n"+body+"\n"), 0o755)
			}
			stub("sudo", `[ "$1" = -n ] && shift; exec "$@"`)
			idStatus := map[bool]string{true: "exit 0", false: "exit 1"}[tc.survives]
			stub("id", idStatus)
			stub("userdel", idStatus)
			for _, n := range []string{"usermod", "rm", "shutdown"} {
				stub(n, "exit 0")
			}
			c := exec.Command("/bin/sh", "-c", cmd)
			c.Env = []string{"PATH=" + bin + ":/usr/bin:/bin"}
			out, err := c.CombinedOutput()
			if (err != nil) != tc.survives {
				t.Errorf("exit: %v; want a failure only when the user survives\n%s", err, out)
			}
			data, _ := os.ReadFile(log)
			// One line per command run; sudo's line holds the whole script, not a run.
			var ran []string
			for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
				if !strings.HasPrefix(l, "sudo ") {
					ran = append(ran, l)
				}
			}
			got := strings.Join(ran, "\n")
			for _, w := range tc.want {
				if !strings.Contains("\n"+got, "\n"+w) {
					t.Errorf("the shutdown command did not run %q:\n%s", w, got)
				}
			}
			if strings.Contains("\n"+got, "\n"+tc.refuse+" ") {
				t.Errorf("the shutdown command ran %s:\n%s", tc.refuse, got)
			}
		})
	}
}

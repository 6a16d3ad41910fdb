package cli_test

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/mesosimg/mesosimg/cli"
)

type result struct {
	code           int
	stdout, stderr string
}

func run(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	return runEnv(t, map[string]string{}, stdin, args...)
}

// secretsFiles gives each test its own credentials file, so no test writes into the repository.
var secretsFiles sync.Map

func runEnv(t *testing.T, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	if len(args) > 0 && (args[0] == "render" || args[0] == "validate") && !slices.Contains(args, "--secrets") {
		path, _ := secretsFiles.LoadOrStore(t.Name(), filepath.Join(t.TempDir(), "test.secrets.yaml"))
		args = append(args, "--secrets", path.(string))
	}
	var out, errb bytes.Buffer
	code := cli.Run(args, cli.Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }})
	return result{code, out.String(), errb.String()}
}

const example = "../examples/two-node/cluster.yaml"

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"frobnicate"},
		{"render", example},   // no -o
		{"render", "-o", "x"}, // no description
		{"render", example, "-o", "x", "--format", "floppy"}, // unknown format
		{"render", example, "extra", "-o", "x"},
		{"validate"},
		{"validate", "--bogus", example},
	} {
		if r := run(t, "", args...); r.code != cli.ExitUsage || r.stderr == "" {
			t.Errorf("mesosimg %v: exit %d, stderr %q; want 2 with a message", args, r.code, r.stderr)
		}
	}
}

func TestVersion(t *testing.T) {
	r := run(t, "", "version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "mesosimg ") {
		t.Errorf("version: %+v", r)
	}
}

func TestValidate(t *testing.T) {
	if r := run(t, "", "validate", example); r.code != 0 || r.stdout != "" {
		t.Errorf("validate example: %+v", r)
	}
	bad := "cluster: MyCluster\nnodes:\n  - {name: m1, ip: 10.0.0.300, roles: [master, zookeeper]}\n  - {name: m1, ip: 10.0.0.2, roles: [agnet]}\n"
	r := run(t, bad, "validate", "-")
	if r.code != cli.ExitInvalid {
		t.Fatalf("validate bad: exit %d", r.code)
	}
	// Every problem at once, each as FILE:LINE:COLUMN: message.
	for _, want := range []string{
		`<stdin>:3:20: nodes[0].ip: "10.0.0.300" is not an IPv4 address`,
		`<stdin>:4:12: nodes[1].name: duplicate node name "m1"`,
		`<stdin>:4:38: nodes[1].roles[0]: unknown role "agnet" (did you mean "agent"?)`,
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	line := regexp.MustCompile(`^<stdin>:\d+:\d+: `)
	for _, l := range strings.Split(strings.TrimSpace(r.stderr), "\n") {
		if !line.MatchString(l) {
			t.Errorf("not a FILE:LINE:COLUMN line: %q", l)
		}
	}
}

func TestStrictTurnsWarningsIntoErrors(t *testing.T) {
	desc := "cluster: x\nnodes:\n  - {name: m, ip: 10.0.0.1, roles: [zookeeper, master]}\n"
	if r := run(t, desc, "validate", "-"); r.code != 0 || !strings.Contains(r.stderr, "warning:") {
		t.Errorf("validate: %+v", r)
	}
	if r := run(t, desc, "validate", "--strict", "-"); r.code != cli.ExitInvalid {
		t.Errorf("validate --strict: %+v", r)
	}
}

func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		if info.Mode().IsRegular() {
			data, _ := os.ReadFile(p)
			out[rel] = info.Mode().String() + " " + string(data)
		} else {
			out[rel] = info.Mode().String()
		}
		return nil
	})
	return out
}

func TestRenderWritesLayout(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	if r := run(t, "", "render", example, "-o", dir); r.code != 0 {
		t.Fatalf("render: %+v", r)
	}
	// user-data and the seeds hold credentials: 0600; the rest 0644.
	for _, node := range []string{"master1", "agent1"} {
		for f, mode := range map[string]os.FileMode{"user-data": 0o600, "meta-data": 0o644, "network-config": 0o644, "seed.iso": 0o600, "seed-vfat.img": 0o600} {
			info, err := os.Stat(filepath.Join(dir, "nodes", node, f))
			if err != nil {
				t.Errorf("missing %s/%s: %v", node, f, err)
			} else if info.Mode().Perm() != mode {
				t.Errorf("%s/%s mode %v; want %v", node, f, info.Mode(), mode)
			}
		}
	}
	// A second render replaces the first one whole.
	os.WriteFile(filepath.Join(dir, "nodes", "stale"), []byte("x"), 0o644)
	if r := run(t, "", "render", example, "-o", dir); r.code != 0 {
		t.Fatalf("re-render: %+v", r)
	}
	if _, err := os.Stat(filepath.Join(dir, "nodes", "stale")); err == nil {
		t.Error("re-render kept a file of the previous output")
	}
	assertNoTemp(t, filepath.Dir(dir))
}

func assertNoTemp(t *testing.T, parent string) {
	t.Helper()
	entries, _ := os.ReadDir(parent)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".mesosimg-") {
			t.Errorf("temporary directory left behind: %s", e.Name())
		}
	}
}

func TestInvalidRenderLeavesDirectoryUntouched(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	if r := run(t, "", "render", example, "-o", dir); r.code != 0 {
		t.Fatalf("render: %+v", r)
	}
	before := snapshot(t, parent)
	r := run(t, "cluster: x\nnodes: []\n", "render", "-", "-o", dir)
	if r.code != cli.ExitInvalid || !strings.Contains(r.stderr, "<stdin>:2:1: nodes: missing nodes") {
		t.Errorf("invalid render: %+v", r)
	}
	if after := snapshot(t, parent); len(after) != len(before) {
		t.Errorf("invalid render changed the output directory")
	} else {
		for k, v := range before {
			if after[k] != v {
				t.Errorf("invalid render changed %s", k)
			}
		}
	}
	// A missing DIR stays missing.
	missing := filepath.Join(parent, "never")
	run(t, "cluster: x\n", "render", "-", "-o", missing)
	if _, err := os.Stat(missing); err == nil {
		t.Error("invalid render created its output directory")
	}
	assertNoTemp(t, parent)
}

func TestRenderRefusesForeignDirectory(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "thesis.tex"), []byte("precious"), 0o644)
	r := run(t, "", "render", example, "-o", dir)
	if r.code != cli.ExitInvalid || !strings.Contains(r.stderr, "--force") {
		t.Errorf("render into a foreign directory: %+v", r)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "thesis.tex")); string(data) != "precious" {
		t.Error("foreign file changed")
	}
	if r := run(t, "", "render", example, "-o", dir, "--force"); r.code != 0 {
		t.Errorf("render --force: %+v", r)
	}
}

func TestRenderFromStdinIsIdentical(t *testing.T) {
	data, _ := os.ReadFile(example)
	a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	run(t, "", "render", example, "-o", a)
	if r := run(t, string(data), "render", "-", "-o", b); r.code != 0 {
		t.Fatalf("render -: %+v", r)
	}
	sa, sb := snapshot(t, a), snapshot(t, b)
	if len(sa) == 0 || len(sa) != len(sb) {
		t.Fatalf("renders differ in size: %d vs %d", len(sa), len(sb))
	}
	for k, v := range sa {
		if sb[k] != v {
			t.Errorf("%s differs between file and stdin renders", k)
		}
	}
}

func TestInit(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "cluster.yaml")
	if r := run(t, "", "init", file); r.code != 0 {
		t.Fatalf("init: %+v", r)
	}
	if r := run(t, "", "validate", file); r.code != 0 || strings.Contains(r.stderr, "error") {
		t.Errorf("the starter is not valid: %+v", r)
	}
	if r := run(t, "", "render", file, "-o", filepath.Join(dir, "out")); r.code != 0 {
		t.Errorf("the starter does not render: %+v", r)
	}
	if r := run(t, "", "init", file); r.code != cli.ExitInvalid || !strings.Contains(r.stderr, "exists") {
		t.Errorf("init over an existing file: %+v", r)
	}
	if r := run(t, "", "init", "-"); r.code != 0 || !strings.Contains(r.stdout, "cluster: MyCluster") {
		t.Errorf("init -: %+v", r)
	}
	// Editors (yaml-language-server) find the schema from the first line (docs/editor.md).
	schemaLine := "# yaml-language-server: $schema=https://raw.githubusercontent.com/mesosimg/mesosimg/main/docs/cluster.schema.json\n"
	if r := run(t, "", "init", "-"); !strings.HasPrefix(r.stdout, schemaLine) {
		t.Errorf("init's first line is not %q: %.120q", schemaLine, r.stdout)
	}
}

// TestBinaryExitCodes runs the real binary, as users and scripts do.
func TestBinaryExitCodes(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "mesosimg")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/mesosimg").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"version"}, 0},
		{[]string{"validate", example}, 0},
		{[]string{"validate", "testdata/does-not-exist.yaml"}, 1},
		{[]string{"render", example}, 2},
		{[]string{"render", example, "-o", filepath.Join(t.TempDir(), "o"), "--secrets", filepath.Join(t.TempDir(), "s.yaml")}, 0},
	} {
		err := exec.Command(bin, tc.args...).Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != tc.code {
			t.Errorf("mesosimg %v: exit %d; want %d", tc.args, code, tc.code)
		}
	}
}

// TestSeedsAreReproducible renders twice and compares the images' sha256; SOURCE_DATE_EPOCH
// changes the time stamped into them and nothing else.
func TestSeedsAreReproducible(t *testing.T) {
	digest := func(env map[string]string) map[string]string {
		dir := filepath.Join(t.TempDir(), "out")
		if r := runEnv(t, env, "", "render", example, "-o", dir); r.code != 0 {
			t.Fatalf("render: %+v", r)
		}
		out := map[string]string{}
		for _, name := range []string{"seed.iso", "seed-vfat.img"} {
			data, err := os.ReadFile(filepath.Join(dir, "nodes", "master1", name))
			if err != nil {
				t.Fatal(err)
			}
			out[name] = fmt.Sprintf("%x", sha256.Sum256(data))
		}
		return out
	}
	a, b := digest(nil), digest(nil)
	c := digest(map[string]string{"SOURCE_DATE_EPOCH": "1700000000"})
	for name := range a {
		if a[name] != b[name] {
			t.Errorf("%s differs between two renders", name)
		}
		if a[name] == c[name] {
			t.Errorf("%s ignores SOURCE_DATE_EPOCH", name)
		}
	}
	if r := runEnv(t, map[string]string{"SOURCE_DATE_EPOCH": "yesterday"}, "", "render", example, "-o", filepath.Join(t.TempDir(), "o")); r.code != cli.ExitUsage {
		t.Errorf("bad SOURCE_DATE_EPOCH: %+v", r)
	}
}

func TestFormatRestrictsOutput(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	if r := run(t, "", "render", example, "-o", dir, "--format", "iso"); r.code != 0 {
		t.Fatalf("render: %+v", r)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "nodes", "master1"))
	if len(entries) != 1 || entries[0].Name() != "seed.iso" {
		t.Errorf("--format iso wrote %v", entries)
	}
}

// TestSecretsFile: the first render creates the credentials file 0600, later renders reuse it
// (identical output), validate never creates it, and a world-readable one is refused.
func TestSecretsFile(t *testing.T) {
	dir := t.TempDir()
	desc := filepath.Join(dir, "prod.yaml")
	data, _ := os.ReadFile(example)
	os.WriteFile(desc, data, 0o644)
	secretsPath := filepath.Join(dir, "prod.secrets.yaml")
	if r := run(t, "", "validate", desc, "--secrets", secretsPath); r.code != 0 {
		t.Fatalf("validate: %+v", r)
	}
	if _, err := os.Stat(secretsPath); err == nil {
		t.Fatal("validate created the secrets file")
	}
	out1, out2 := filepath.Join(dir, "o1"), filepath.Join(dir, "o2")
	// Without --secrets the default is <description>.secrets.yaml beside it.
	var out, errb bytes.Buffer
	code := cli.Run([]string{"render", desc, "-o", out1}, cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }})
	if code != 0 || !strings.Contains(errb.String(), "wrote credentials to "+secretsPath) {
		t.Fatalf("render: %d %s", code, errb.String())
	}
	info, err := os.Stat(secretsPath)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("secrets file: %v %v", info, err)
	}
	secret, _ := os.ReadFile(secretsPath)
	if r := run(t, "", "render", desc, "-o", out2, "--secrets", secretsPath); r.code != 0 || strings.Contains(r.stderr, "wrote credentials") {
		t.Fatalf("second render: %+v", r)
	}
	if a, b := snapshot(t, out1), snapshot(t, out2); len(a) == 0 || fmt.Sprint(a) != fmt.Sprint(b) {
		t.Error("renders with the same secrets file differ")
	}
	if again, _ := os.ReadFile(secretsPath); !bytes.Equal(again, secret) {
		t.Error("a render rewrote an existing complete secrets file")
	}
	// No credential reaches the terminal.
	for _, line := range strings.Split(string(secret), "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), "secret: "); ok && k == "" && strings.Contains(errb.String()+out.String(), v) {
			t.Errorf("a secret was printed")
		}
	}
	os.Chmod(secretsPath, 0o644)
	if r := run(t, "", "render", desc, "-o", out2, "--secrets", secretsPath); r.code != cli.ExitInvalid || !strings.Contains(r.stderr, "chmod 600") {
		t.Errorf("world-readable secrets file accepted: %+v", r)
	}
	os.Chmod(secretsPath, 0o600)
	os.WriteFile(secretsPath, []byte("mesos_agent:\n  secret: short\n"), 0o600)
	if r := run(t, "", "render", desc, "-o", out2, "--secrets", secretsPath); r.code != cli.ExitInvalid || !strings.Contains(r.stderr, secretsPath+":2:11: mesos_agent.secret: secret must be at least 8") {
		t.Errorf("weak secret accepted: %+v", r)
	}
}

func TestHelpExitsZero(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"--help"}, {"render", "--help"}, {"validate", "-h"}, {"init", "--help"}} {
		if r := run(t, "", args...); r.code != 0 || r.stdout+r.stderr == "" {
			t.Errorf("mesosimg %v: %+v", args, r)
		}
	}
}

// TestRenderPXEWithoutAnswersURL: --format pxe on a description without installer.answers_url
// fails naming the description, and leaves no output directory.
func TestRenderPXEWithoutAnswersURL(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	r := run(t, "", "render", example, "-o", out, "--format", "pxe", "--secrets", filepath.Join(t.TempDir(), "s.yaml"))
	if r.code != cli.ExitInvalid || !strings.Contains(r.stderr, example+": format pxe needs installer.answers_url") {
		t.Errorf("render --format pxe without answers_url: %+v", r)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("the output directory was created")
	}
}

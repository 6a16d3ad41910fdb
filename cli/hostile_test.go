package cli_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mesosimg/mesosimg/cli"
)

// runBounded is run with a deadline: a hostile description must not hang the command.
func runBounded(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	done := make(chan result, 1)
	go func() { done <- run(t, stdin, args...) }()
	select {
	case r := <-done:
		return r
	case <-time.After(30 * time.Second):
		t.Fatalf("mesosimg %s did not finish in 30 s", strings.Join(args, " "))
		return result{}
	}
}

const twoNodes = "cluster: hostile\nnodes:\n  - {name: master1, ip: 10.0.0.11, roles: [zookeeper, master, marathon]}\n  - {name: agent1, ip: 10.0.0.21, roles: [agent]}\n"

// TestNodeNamesCannotEscape: node names that would be paths outside DIR are refused at their
// line and column, and the render writes nothing anywhere.
func TestNodeNamesCannotEscape(t *testing.T) {
	parent := t.TempDir()
	desc := filepath.Join(parent, "cluster.yaml")
	os.WriteFile(desc, []byte("cluster: hostile\nnodes:\n"+
		"  - {name: ../../escape, ip: 10.0.0.11, roles: [zookeeper, master]}\n"+
		"  - {name: /tmp/escape, ip: 10.0.0.21, roles: [agent]}\n"+
		"  - {name: '..', ip: 10.0.0.22, roles: [agent]}\n"+
		"  - {name: a/b, ip: 10.0.0.23, roles: [agent]}\n"), 0o644)
	before := snapshot(t, parent)
	r := runBounded(t, "", "render", desc, "-o", filepath.Join(parent, "out"))
	if r.code != cli.ExitInvalid {
		t.Fatalf("render: %+v", r)
	}
	for _, want := range []string{"cluster.yaml:3:12: nodes[0].name", "cluster.yaml:4:12: nodes[1].name", "cluster.yaml:5:12: nodes[2].name", "cluster.yaml:6:12: nodes[3].name"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	after := snapshot(t, parent)
	if len(after) != len(before) {
		t.Errorf("a refused render wrote files: %v", after)
	}
	if _, err := os.Stat("/tmp/escape"); err == nil {
		t.Error("/tmp/escape was written")
	}
}

// TestOutputDirEscapes: -o paths that are links, files, ., .. or / are refused with a clear
// error and change nothing; a path with .. in it writes only where it leads.
func TestOutputDirEscapes(t *testing.T) {
	parent := t.TempDir()
	victim := filepath.Join(parent, "victim")
	os.Mkdir(victim, 0o755)
	os.WriteFile(filepath.Join(victim, "precious"), []byte("keep"), 0o644)
	os.Symlink(victim, filepath.Join(parent, "link"))
	os.WriteFile(filepath.Join(parent, "file"), []byte("keep"), 0o644)
	before := snapshot(t, parent)
	for _, tt := range []struct {
		dir, want string
	}{
		{filepath.Join(parent, "link"), "symbolic link"},
		{filepath.Join(parent, "link") + "/", "symbolic link"},
		{filepath.Join(parent, "file"), "not a directory"},
		{filepath.Join(parent, "file", "out"), "not a directory"},
		{".", "cannot be replaced"},
		{"..", "cannot be replaced"},
		{"/", "cannot be replaced"},
		{victim, "--force"}, // not empty and not a previous output
	} {
		r := runBounded(t, twoNodes, "render", "-", "-o", tt.dir)
		if r.code != cli.ExitInvalid || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("render -o %s: exit %d, stderr %q; want 1 and %q", tt.dir, r.code, r.stderr, tt.want)
		}
	}
	if after := snapshot(t, parent); len(after) != len(before) {
		t.Errorf("refused renders changed %s:\nbefore %v\nafter  %v", parent, before, after)
	} else {
		for k, v := range before {
			if after[k] != v {
				t.Errorf("refused renders changed %s", k)
			}
		}
	}
	// DIR written with .. and missing parents lands where the path leads, and only there.
	dir := filepath.Join(parent, "a", "..", "b", "c", "out")
	if r := runBounded(t, twoNodes, "render", "-", "-o", dir, "--format", "cloud-init"); r.code != 0 {
		t.Fatalf("render -o %s: %+v", dir, r)
	}
	for p := range snapshot(t, parent) {
		if _, old := before[p]; !old && p != "b" && p != filepath.Join("b", "c") && !strings.HasPrefix(p, filepath.Join("b", "c", "out")) {
			t.Errorf("render -o %s wrote %s", dir, p)
		}
	}
	if _, err := os.Stat(filepath.Join(parent, "b", "c", "out", "nodes", "agent1", "user-data")); err != nil {
		t.Error(err)
	}
}

// TestHostileDescriptionFiles: the description file itself may be a device, a directory or
// huge; each gets a clear error at once.
func TestHostileDescriptionFiles(t *testing.T) {
	big := filepath.Join(t.TempDir(), "big.yaml")
	os.WriteFile(big, []byte(twoNodes+"# "+strings.Repeat("x", 9<<20)+"\n"), 0o644)
	keyZero := filepath.Join(t.TempDir(), "zero.yaml")
	os.WriteFile(keyZero, []byte(twoNodes+"install:\n  repositories:\n    - {name: z, url: 'http://a.example/x', suite: s, key_file: /dev/zero}\n"), 0o644)
	for _, tt := range []struct {
		file, want string
	}{
		{"/dev/zero", "the limit is"},
		{t.TempDir(), "is a directory"},
		{big, "the limit is"},
		{keyZero, "zero.yaml:7:64: install.repositories[0].key_file: cannot read key_file: /dev/zero is not a regular file"},
	} {
		r := runBounded(t, "", "validate", tt.file)
		if r.code != cli.ExitInvalid || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("validate %s: exit %d, stderr %.300q; want 1 and %q", tt.file, r.code, r.stderr, tt.want)
		}
	}
	// The same through standard input: the reader stops after the limit.
	r := runBounded(t, twoNodes+"# "+strings.Repeat("x", 9<<20)+"\n", "validate", "-")
	if r.code != cli.ExitInvalid || !strings.Contains(r.stderr, "the limit is") {
		t.Errorf("validate - (9 MB): exit %d, stderr %.300q", r.code, r.stderr)
	}
}

// reExcerpt is a line of a syntax error's excerpt: the gutter (a line number, … or nothing) and " | ".
var reExcerpt = regexp.MustCompile(`^ +([0-9]+|…)? \|( |$)`)

// TestHostileCorpusThroughTheCLI validates every description of testdata/hostile with the
// command: each exits 0 or 1 (never 2 or a crash) within the deadline, and every error line
// is FILE:LINE:COLUMN: message with the line inside the file, or a short excerpt line under it.
func TestHostileCorpusThroughTheCLI(t *testing.T) {
	paths, _ := filepath.Glob("../testdata/hostile/*.yaml")
	if len(paths) == 0 {
		t.Fatal("no hostile descriptions")
	}
	for _, path := range paths {
		data, _ := os.ReadFile(path)
		lines := 1 + strings.Count(strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u0085", "\n", "\u2028", "\n", "\u2029", "\n").Replace(string(data)), "\n")
		r := runBounded(t, "", "validate", path)
		if r.code != cli.ExitOK && r.code != cli.ExitInvalid {
			t.Errorf("validate %s: exit %d:\n%s", path, r.code, r.stderr)
		}
		for _, l := range strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n") {
			if l == "" {
				continue
			}
			if strings.HasPrefix(l, " ") { // a syntax error's excerpt: " 12 | source" or "    | ^"
				if !reExcerpt.MatchString(l) || utf8.RuneCountInString(l) > 160 || strings.ContainsFunc(l, unicode.IsControl) {
					t.Errorf("validate %s: not an excerpt line of at most 160 printable characters: %.200q", path, l)
				}
				continue
			}
			rest, ok := strings.CutPrefix(l, path+":")
			var line, col int
			if n, _ := fmt.Sscanf(rest, "%d:%d:", &line, &col); !ok || n != 2 || line < 1 || line > lines || col < 1 {
				t.Errorf("validate %s: not FILE:LINE:COLUMN inside the file: %.200q", path, l)
			}
		}
	}
}

//go:build mirrors

// Tests that read the pinned upstream sources from local git mirrors (see the package doc):
// run them with `go test -tags mirrors ./internal/upstream/` where the mirrors exist. They are
// not part of `make test`: CI has no mirrors, and a test that skips there would prove nothing.

package upstream

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// clusterdMirror is the local mirror the sources were read in; tests that need it skip without it.
func clusterdMirror(t *testing.T) string {
	dir := os.Getenv("MESOSIMG_CLUSTERD_MIRROR")
	if dir == "" {
		dir = "/work/.mirror/m3scluster+clusterd/repo"
	}
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("no clusterd mirror at %s (set MESOSIMG_CLUSTERD_MIRROR): -tags mirrors reads the source", dir)
	}
	return dir
}

// TestMesosCitationsInMirror checks every clusterd citation against the mirror: the file
// exists at the tag and has the line; a flag's line holds its add() call and its name.
func TestMesosCitationsInMirror(t *testing.T) {
	dir := clusterdMirror(t)
	files := map[string][]string{}
	lines := func(s Source) []string {
		if l, ok := files[s.Path]; ok {
			return l
		}
		out, err := exec.Command("git", "-C", dir, "show", ClusterdRef+":"+s.Path).Output()
		if err != nil {
			t.Errorf("%s: %v", s, err)
		}
		files[s.Path] = strings.Split(string(out), "\n")
		return files[s.Path]
	}
	check := func(what string, s Source) []string {
		if s.Repo != ClusterdRepo || strings.Contains(s.Path, "!") {
			return nil // Apache docs, or a file inside a bundled tarball
		}
		l := lines(s)
		if s.Line > len(l) {
			t.Errorf("%s: %s has %d lines", what, s, len(l))
			return nil
		}
		return l
	}
	for _, g := range generatedMesosFlags {
		if l := check("flag "+g.Flag.Name, g.Flag.Source); l != nil {
			text := strings.Join(l[g.Flag.Source.Line-1:min(len(l), g.Flag.Source.Line+2)], "\n")
			if !strings.Contains(l[g.Flag.Source.Line-1], "add(&") || !strings.Contains(text, `"`+g.Flag.Name+`"`) {
				t.Errorf("flag %s: %s does not add it", g.Flag.Name, g.Flag.Source)
			}
		}
		if g.built {
			check("flag type "+g.Flag.Name, g.Flag.TypeSource)
		}
	}
	for id, f := range MesosFacts {
		check("fact "+id, f.Source)
	}
	for _, e := range MesosEndpoints {
		if l := check("endpoint "+e.Path, e.Source); l != nil {
			near := strings.Join(l[max(0, e.Source.Line-2):min(len(l), e.Source.Line+1)], "\n")
			if !strings.Contains(near, "route(") && !strings.Contains(near, "spawn(") {
				t.Errorf("endpoint %s: %s is no route()", e.Path, e.Source)
			}
		}
	}
}

// TestMesosFlagsGenerated regenerates mesos_flags_gen.go from the mirror and compares.
func TestMesosFlagsGenerated(t *testing.T) {
	dir := clusterdMirror(t)
	out := filepath.Join(t.TempDir(), "gen.go")
	gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
	cmd := exec.Command(gobin, "run", "./cmd/genmesosflags", "-mirror", dir, "-ref", ClusterdRef, "-out", out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("genmesosflags: %v\n%s", err, msg)
	}
	got, _ := os.ReadFile(out)
	want, _ := os.ReadFile("mesos_flags_gen.go")
	if !bytes.Equal(got, want) {
		t.Error("mesos_flags_gen.go is stale: rerun internal/upstream/cmd/genmesosflags")
	}
}

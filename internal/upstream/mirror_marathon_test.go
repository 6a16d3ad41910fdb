//go:build mirrors

// Tests that read the pinned upstream sources from local git mirrors (see the package doc):
// run them with `go test -tags mirrors ./internal/upstream/` where the mirrors exist. They are
// not part of `make test`: CI has no mirrors, and a test that skips there would prove nothing.

package upstream

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// marathonMirror is the local git directory of repo, if it was fetched.
func marathonMirror(repo string) (string, bool) {
	dir := filepath.Join("/work/.mirror", strings.ReplaceAll(repo, "/", "+"), "repo")
	_, err := os.Stat(dir)
	return dir, err == nil
}

// TestMarathonSourcesInMirrors reads every cited line in the local mirrors (/work/.mirror, a
// development machine's; CI has none and skips): each fact's line holds its anchor, each
// option's line (or the next two) its name.
func TestMarathonSourcesInMirrors(t *testing.T) {
	if _, ok := marathonMirror(MarathonRepo); !ok {
		t.Fatal("no mirror of mesosphere/marathon in /work/.mirror: -tags mirrors checks citations against the source")
	}
	cache := map[string][]string{}
	for _, f := range marathonFactTable {
		lines, ok := marathonLinesAt(t, cache, f.Source, 1)
		if ok && !strings.Contains(lines[0], f.anchor) {
			t.Errorf("%v: %q is not at the cited line, which reads %q", f.Source, f.anchor, lines[0])
		}
	}
	for _, o := range MarathonOptions {
		lines, ok := marathonLinesAt(t, cache, o.Source, 3)
		if ok && !strings.Contains(strings.Join(lines, "\n"), fmt.Sprintf("%q", o.Name)) {
			t.Errorf("--%s: not declared at %v: %q", o.Name, o.Source, lines)
		}
	}
}

// TestMarathonOptionsGenerated regenerates the table from the mirror and compares.
func TestMarathonOptionsGenerated(t *testing.T) {
	dir, ok := marathonMirror(MarathonRepo)
	if !ok {
		t.Fatal("no mirror of mesosphere/marathon in /work/.mirror: -tags mirrors regenerates the table from it")
	}
	out, err := exec.Command("go", "run", "./cmd/genmarathonopts", "-mirror", dir, "-check").CombinedOutput()
	if err != nil {
		t.Fatalf("genmarathonopts -check: %v\n%s", err, out)
	}
}

// marathonLinesAt returns the lines from src.Line on (at most n) in the mirrored file.
func marathonLinesAt(t *testing.T, cache map[string][]string, src Source, n int) ([]string, bool) {
	dir, ok := marathonMirror(src.Repo)
	if !ok {
		return nil, false
	}
	key := src.Repo + "@" + src.Ref + ":" + src.Path
	lines, ok := cache[key]
	if !ok {
		out, err := exec.Command("git", "-C", dir, "show", src.Ref+":"+src.Path).Output()
		if err != nil {
			t.Errorf("%v: %v", src, err)
			return nil, false
		}
		lines = strings.Split(string(out), "\n")
		cache[key] = lines
	}
	if src.Line > len(lines) {
		t.Errorf("%v: the file has %d lines", src, len(lines))
		return nil, false
	}
	end := src.Line - 1 + n
	if end > len(lines) {
		end = len(lines)
	}
	return lines[src.Line-1 : end], true
}

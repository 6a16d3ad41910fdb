//go:build mirrors

package upstream

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestOperationCitationsInMirrors reads every operation fact's cited line in the local mirrors
// (/work/.mirror/<owner>+<name>/repo, run with -tags mirrors): the line must hold its anchor.
func TestOperationCitationsInMirrors(t *testing.T) {
	files := map[string][]string{}
	for _, id := range OperationIDs() {
		f := operationTable[id]
		s := f.Source
		key := s.Repo + "@" + s.Ref + ":" + s.Path
		lines, ok := files[key]
		if !ok {
			dir := filepath.Join("/work/.mirror", strings.ReplaceAll(s.Repo, "/", "+"), "repo")
			out, err := exec.Command("git", "-C", dir, "show", s.Ref+":"+s.Path).Output()
			if err != nil {
				t.Errorf("%s: cannot read %s from the mirror in %s: %v", id, key, dir, err)
				files[key] = nil
				continue
			}
			lines = strings.Split(string(out), "\n")
			files[key] = lines
		}
		if lines == nil {
			continue
		}
		if s.Line > len(lines) || !strings.Contains(lines[s.Line-1], f.anchor) {
			got := ""
			if s.Line <= len(lines) {
				got = lines[s.Line-1]
			}
			t.Errorf("%s: %v does not hold %q; it reads %q", id, s, f.anchor, got)
		}
	}
}

//go:build mirrors

// Tests that read the pinned upstream sources from local git mirrors (see the package doc):
// run them with `go test -tags mirrors ./internal/upstream/` where the mirrors exist. They are
// not part of `make test`: CI has no mirrors, and a test that skips there would prove nothing.

package upstream

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// libprocessMirrorDir is the local git mirror of repo (owner/name), from $MESOSIMG_MIRRORS (default
// /work/.mirror, laid out owner+name/repo), or "" when absent.
func libprocessMirrorDir(repo string) string {
	root := os.Getenv("MESOSIMG_MIRRORS")
	if root == "" {
		root = "/work/.mirror"
	}
	dir := filepath.Join(root, strings.ReplaceAll(repo, "/", "+"), "repo")
	if _, err := os.Stat(dir); err != nil {
		return ""
	}
	return dir
}

// libprocessSourceLines is path at ref in repo's mirror; the test skips without the mirror.
func libprocessSourceLines(t *testing.T, s Source, cache map[string][]string) []string {
	t.Helper()
	key := s.Repo + "@" + s.Ref + ":" + s.Path
	if lines, ok := cache[key]; ok {
		return lines
	}
	dir := libprocessMirrorDir(s.Repo)
	if dir == "" {
		t.Fatalf("no mirror of %s (set MESOSIMG_MIRRORS, or fetch it): -tags mirrors checks citations against the source", s.Repo)
	}
	out, err := exec.Command("git", "-C", dir, "show", s.Ref+":"+s.Path).Output()
	if err != nil {
		t.Fatalf("git show %s:%s in %s: %v", s.Ref, s.Path, dir, err)
	}
	lines := strings.Split(string(out), "\n")
	cache[key] = lines
	return lines
}

// TestLibprocessCitations reads every cited line in the pinned sources.
func TestLibprocessCitations(t *testing.T) {
	cache := map[string][]string{}
	for _, f := range LibprocessFacts() {
		lines := libprocessSourceLines(t, f.Source, cache)
		needle := libprocessNeedles[f.Source.String()]
		if v, ok := libprocessVarBySource(f.Source); ok {
			needle = `"` + strings.ToLower(strings.TrimPrefix(v.Name, LibprocessSSLPrefix)) + `"`
		}
		for name, m := range LibprocessMisnamed {
			if m.Source == f.Source {
				needle = name
			}
		}
		if needle == "" {
			t.Errorf("%s: no needle for %q", f.Source, f.Claim)
			continue
		}
		if f.Source.Line > len(lines) {
			t.Errorf("%s: the file has %d lines", f.Source, len(lines))
			continue
		}
		window := strings.Join(lines[f.Source.Line-1:min(f.Source.Line+2, len(lines))], "\n")
		if !strings.Contains(window, needle) {
			t.Errorf("%s does not hold %q (cited for %q):\n%s", f.Source, needle, f.Claim, window)
		}
	}
}

// TestLibprocessVarsAreEveryFlag: LibprocessVars lists exactly the flags openssl::Flags declares,
// with their defaults.
func TestLibprocessVarsAreEveryFlag(t *testing.T) {
	src := Clusterd(libprocessSSLCpp, 1)
	lines := libprocessSourceLines(t, src, map[string][]string{})
	text := strings.Join(lines, "\n")
	start := strings.Index(text, "Flags::Flags()")
	end := strings.Index(text, "static Flags* ssl_flags")
	if start < 0 || end < start {
		t.Fatal("openssl.cpp has no Flags::Flags() body")
	}
	body := text[start:end]
	re := regexp.MustCompile(`add\(&Flags::(\w+),`)
	var declared []string
	for _, m := range re.FindAllStringSubmatch(body, -1) {
		declared = append(declared, LibprocessSSLPrefix+strings.ToUpper(m[1]))
	}
	var ours []string
	for _, v := range LibprocessVars {
		ours = append(ours, v.Name)
	}
	sort.Strings(declared)
	sort.Strings(ours)
	if strings.Join(declared, " ") != strings.Join(ours, " ") {
		t.Errorf("libprocess declares\n%v\nLibprocessVars has\n%v", declared, ours)
	}
	// Defaults: the literal after the help text of each bool/number flag.
	for _, v := range LibprocessVars {
		decl := strings.Join(lines[v.Source.Line-1:min(v.Source.Line+11, len(lines))], "\n")
		decl = decl[:strings.Index(decl, ");")+2]
		switch {
		case v.Type == LibprocessBool || v.Type == LibprocessUint:
			if !strings.HasSuffix(strings.TrimSpace(decl), v.Default+");") {
				t.Errorf("%s: default %s, declared:\n%s", v.Name, v.Default, decl)
			}
		case v.Type == LibprocessPath:
			if v.HasDefault || strings.Count(decl, ",") != 2 {
				t.Errorf("%s: a path flag has no default:\n%s", v.Name, decl)
			}
		case v.Name == SSLCiphers:
			joined := strings.Join(regexp.MustCompile(`"([^"]*)"`).FindAllString(decl[strings.Index(decl, "policy"):], -1), "")
			if strings.ReplaceAll(joined, `"`, "") != LibprocessDefaultCiphers {
				t.Errorf("default ciphers %q, declared %q", LibprocessDefaultCiphers, joined)
			}
		default:
			if !strings.Contains(decl, `"`+v.Default+`")`) && !strings.Contains(decl, `, "`+v.Default+`");`) {
				t.Errorf("%s: default %q, declared:\n%s", v.Name, v.Default, decl)
			}
		}
	}
}

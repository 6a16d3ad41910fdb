package docgen

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
)

var (
	// reInlineLink is [text](target) or ![alt](target), with an optional "title".
	reInlineLink = regexp.MustCompile(`!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)`)
	// reRefLink is a reference definition: [label]: target.
	reRefLink = regexp.MustCompile(`^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)`)
	// reHeading is an ATX heading.
	reHeading = regexp.MustCompile(`^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$`)
	// reScheme starts an absolute URL (https:, mailto:, …).
	reScheme = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:`)
	// reFenceLine opens or closes a fenced code block.
	reFenceLine = regexp.MustCompile("^\\s*(```|~~~)")
	// reMDLink is a link inside heading text, whose text alone makes the anchor.
	reMDLink = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)
)

// proseLines returns the lines of markdown outside fenced code blocks, with inline code
// spans blanked (links there are examples, not links), numbered from 1.
func proseLines(text string) map[int]string {
	out := map[int]string{}
	fence := ""
	for i, line := range strings.Split(text, "\n") {
		if m := reFenceLine.FindStringSubmatch(line); m != nil {
			switch {
			case fence == "":
				fence = m[1]
				continue
			case fence == m[1]:
				fence = ""
				continue
			}
		}
		if fence == "" {
			out[i+1] = blankCode(line)
		}
	}
	return out
}

// blankCode replaces every inline code span (a run of N backticks to the next run of N) with spaces.
func blankCode(line string) string {
	b := []byte(line)
	for i := 0; i < len(b); {
		if b[i] != '`' {
			i++
			continue
		}
		n := 0
		for i+n < len(b) && b[i+n] == '`' {
			n++
		}
		run := strings.Repeat("`", n)
		end := strings.Index(string(b[i+n:]), run)
		for end >= 0 && i+n+end+n < len(b) && b[i+n+end+n] == '`' { // a longer run does not close it
			next := strings.Index(string(b[i+n+end+1:]), run)
			if next < 0 {
				end = -1
				break
			}
			end += 1 + next
		}
		if end < 0 {
			i += n
			continue
		}
		for j := i; j < i+n+end+n; j++ {
			b[j] = ' '
		}
		i += n + end + n
	}
	return string(b)
}

// anchors are the ids GitHub gives the headings of a markdown text: lower case, letters,
// digits, '-' and '_' kept, spaces made '-', everything else dropped; a repeated id gets -1, -2, ….
func anchors(text string) map[string]bool {
	out := map[string]bool{}
	seen := map[string]int{}
	prose := proseLines(text)
	for i, raw := range strings.Split(text, "\n") {
		// Code spans count with their text: the heading is read from the raw line.
		m := reHeading.FindStringSubmatch(raw)
		if _, ok := prose[i+1]; !ok || m == nil {
			continue
		}
		var b strings.Builder
		for _, r := range strings.ToLower(reMDLink.ReplaceAllString(m[1], "$1")) {
			switch {
			case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_':
				b.WriteRune(r)
			case r == ' ':
				b.WriteByte('-')
			}
		}
		id := b.String()
		if k := seen[id]; k > 0 {
			out[fmt.Sprintf("%s-%d", id, k)] = true
		} else {
			out[id] = true
		}
		seen[id]++
	}
	return out
}

// brokenLinks lists every relative link of the markdown file that points at no file, or at a
// heading its target does not have, as "FILE:LINE: target: why".
func brokenLinks(t *testing.T, file string) []string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	prose := proseLines(string(data))
	var out []string
	for n := 1; n <= strings.Count(string(data), "\n")+1; n++ {
		line, ok := prose[n]
		if !ok {
			continue
		}
		var targets []string
		for _, m := range reInlineLink.FindAllStringSubmatch(line, -1) {
			targets = append(targets, m[1])
		}
		if m := reRefLink.FindStringSubmatch(line); m != nil {
			targets = append(targets, m[1])
		}
		for _, target := range targets {
			if reScheme.MatchString(target) || strings.HasPrefix(target, "//") {
				continue
			}
			path, anchor, _ := strings.Cut(target, "#")
			dest := file
			if path != "" {
				dest = filepath.Join(filepath.Dir(file), filepath.FromSlash(path))
			}
			info, err := os.Stat(dest)
			if err != nil {
				out = append(out, fmt.Sprintf("%s:%d: %s: no such file", file, n, target))
				continue
			}
			if anchor == "" {
				continue
			}
			if info.IsDir() || !strings.HasSuffix(dest, ".md") {
				out = append(out, fmt.Sprintf("%s:%d: %s: an anchor into a file that is not markdown", file, n, target))
				continue
			}
			text, err := os.ReadFile(dest)
			if err != nil {
				t.Fatal(err)
			}
			if !anchors(string(text))[anchor] {
				out = append(out, fmt.Sprintf("%s:%d: %s: %s has no heading #%s", file, n, target, filepath.Base(dest), anchor))
			}
		}
	}
	return out
}

// TestRelativeLinksResolve: every relative link of README.md and docs/*.md (outside code)
// points at a file of the repository and, with #anchor, at one of its headings.
func TestRelativeLinksResolve(t *testing.T) {
	docs, _ := filepath.Glob("../../docs/*.md")
	files := append([]string{"../../README.md"}, docs...)
	if len(files) < 5 {
		t.Fatalf("found only %v: wrong directory?", files)
	}
	links := 0
	for _, f := range files {
		data, _ := os.ReadFile(f)
		for _, line := range proseLines(string(data)) {
			links += len(reInlineLink.FindAllString(line, -1))
		}
		for _, b := range brokenLinks(t, f) {
			t.Error(b)
		}
	}
	if links < 20 {
		t.Errorf("found only %d links in %d files: is the link pattern broken?", links, len(files))
	}
}

// TestBrokenLinksAreFound: the check finds a link to a missing file, to a missing heading
// (here or in another file) and to an anchor of a non-markdown file, and accepts links to
// files, directories, headings (code, links and punctuation in them, repeated ones), absolute
// URLs, and links shown in code.
func TestBrokenLinksAreFound(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	os.WriteFile(filepath.Join(dir, "sub", "other.md"), []byte("# Other\n## What `make test` proves\n## Notes\n## Notes\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "data.json"), []byte("{}\n"), 0o644)
	md := filepath.Join(dir, "x.md")
	os.WriteFile(md, []byte(strings.Join([]string{
		"# Which NIC gets the address (network-config)",
		"See [this](#which-nic-gets-the-address-network-config), [other](sub/other.md#what-make-test-proves),",
		"[the second notes](sub/other.md#notes-1), [dir](sub), [data](data.json), [web](https://example.com/x#y).",
		"[gone](missing.md) and [no heading](sub/other.md#nowhere), [here](#nothing-here).",
		"[json anchor](data.json#x) `[in code](nowhere.md)`",
		"```",
		"[in a block](nowhere.md)",
		"```",
		"[ref]: sub/missing.md",
		"## [A linked](https://example.com) heading",
		"[to it](#a-linked-heading)",
	}, "\n")), 0o644)
	got := brokenLinks(t, md)
	want := []string{
		md + ":4: missing.md: no such file",
		md + ":4: sub/other.md#nowhere: other.md has no heading #nowhere",
		md + ":4: #nothing-here: x.md has no heading #nothing-here",
		md + ":5: data.json#x: an anchor into a file that is not markdown",
		md + ":9: sub/missing.md: no such file",
	}
	if !slices.Equal(got, want) {
		t.Errorf("broken links:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

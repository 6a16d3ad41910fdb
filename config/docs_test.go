package config_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mesosimg/mesosimg/config"
	"github.com/mesosimg/mesosimg/report"
)

// docBlock is one ```yaml block of a markdown file.
type docBlock struct {
	file string
	line int // the line of the block's first line of YAML in file
	text string
}

// reFence opens or closes a fenced code block (possibly indented, inside a list item).
var reFence = regexp.MustCompile("^( *)```\\s*([A-Za-z0-9_-]*)")

// yamlBlocks extracts every ```yaml (or ```yml) block of a markdown file.
func yamlBlocks(t *testing.T, file string) []docBlock {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []docBlock
	var cur *docBlock
	indent, n := "", 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		n++
		line := sc.Text()
		m := reFence.FindStringSubmatch(line)
		switch {
		case cur == nil && m != nil && (m[2] == "yaml" || m[2] == "yml"):
			cur, indent = &docBlock{file: file, line: n + 1}, m[1]
		case cur == nil && m != nil:
			cur, indent = &docBlock{file: ""}, m[1] // another language: skipped whole
		case cur != nil && m != nil && m[2] == "":
			if cur.file != "" {
				out = append(out, *cur)
			}
			cur = nil
		case cur != nil:
			cur.text += strings.TrimPrefix(line, indent) + "\n"
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if cur != nil {
		t.Fatalf("%s: a code block is never closed", file)
	}
	return out
}

// docBase completes a fragment: each of its top-level sections that the fragment lacks is
// appended after it, so the fragment keeps its own line numbers. It loads without a finding.
var docBase = []string{
	"cluster: docs\n",
	"admin:\n  ssh_authorized_keys: [\"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDocsExampleKeyForTheDocumentationTest0000 docs\"]\n",
	"network:\n  dns: [192.168.1.1]\n",
	"security:\n  admin_cidrs: [192.168.1.0/24]\n",
	"nodes:\n" +
		"  - {name: master1, ip: 192.168.1.101, roles: [zookeeper, master, marathon], mac: \"52:54:00:00:00:01\"}\n" +
		"  - {name: agent1, ip: 192.168.1.102, roles: [agent], mac: \"52:54:00:00:00:02\"}\n",
}

var reTopKey = regexp.MustCompile(`(?m)^([A-Za-z_][A-Za-z0-9_]*):`)

// complete makes a description of a block: one that names its cluster is whole and is loaded
// as written; any other is a fragment, completed with the sections of docBase it lacks.
func complete(text string) string {
	have := map[string]bool{}
	for _, m := range reTopKey.FindAllStringSubmatch(text, -1) {
		have[m[1]] = true
	}
	if have["cluster"] {
		return text
	}
	for _, section := range docBase {
		if key, _, _ := strings.Cut(section, ":"); !have[key] {
			text += section
		}
	}
	return text
}

// TestDocumentedYAMLIsValid extracts every ```yaml block of README.md and docs/*.md and loads it
// as a description (a fragment completed by complete): it must be valid YAML and valid, and no
// warning may be about a line of the block itself (the composition of `nodes`, which an example
// shows only part of, excepted). A block that is no description starts with "#cloud-config" or
// "# not a cluster description" and must only be valid YAML. Findings are reported at their
// line in the markdown file.
func TestDocumentedYAMLIsValid(t *testing.T) {
	_, rep := config.Load(config.Source{Name: "base", Data: []byte(complete(""))})
	if len(rep.Entries) != 0 {
		t.Fatalf("the completion itself has findings:\n%s", rep.Format("base"))
	}
	docs, _ := filepath.Glob("../docs/*.md")
	blocks := 0
	for _, file := range append([]string{"../README.md"}, docs...) {
		for _, b := range yamlBlocks(t, file) {
			blocks++
			t.Run(fmt.Sprintf("%s:%d", filepath.Base(b.file), b.line), func(t *testing.T) {
				lines := strings.Count(b.text, "\n")
				text := b.text
				onlyYAML := strings.HasPrefix(text, "#cloud-config") || strings.HasPrefix(text, "# not a cluster description")
				if !onlyYAML {
					text = complete(text)
				}
				_, rep := config.Load(config.Source{Name: b.file, Data: []byte(text)})
				for _, e := range rep.Entries {
					inBlock := e.Pos.Line <= lines
					at := e.Pos
					if inBlock {
						at.Line += b.line - 1
					}
					bad := e.Severity == report.Error && (!onlyYAML || strings.HasPrefix(e.Message, "invalid YAML"))
					bad = bad || !onlyYAML && e.Severity == report.Warning && inBlock && e.Path != "nodes"
					if bad {
						where := "in the completion"
						if inBlock {
							where = fmt.Sprintf("%s:%d:%d", b.file, at.Line, at.Column)
						}
						t.Errorf("%s: %s", where, strings.TrimPrefix(e.String(), fmt.Sprintf("%d:%d: ", e.Pos.Line, e.Pos.Column)))
					}
				}
				if t.Failed() {
					t.Logf("the block as loaded:\n%s", text)
				}
			})
		}
	}
	if blocks < 2 {
		t.Errorf("found only %d yaml blocks in README.md and docs/", blocks)
	}
}

// TestDocumentedYAMLCheckBites: the extraction finds a block inside a list item, and a broken
// block fails at its line in the markdown file.
func TestDocumentedYAMLCheckBites(t *testing.T) {
	md := filepath.Join(t.TempDir(), "x.md")
	os.WriteFile(md, []byte("# x\n```sh\nnot: [yaml\n```\n- item:\n  ```yaml\n  installer:\n    kernel_url / initrd_url\n    kernel_args: []\n  ```\n"), 0o644)
	bs := yamlBlocks(t, md)
	if len(bs) != 1 || bs[0].line != 7 || bs[0].text != "installer:\n  kernel_url / initrd_url\n  kernel_args: []\n" {
		t.Fatalf("blocks: %+v", bs)
	}
	_, rep := config.Load(config.Source{Name: md, Data: []byte(complete(bs[0].text))})
	if es := rep.Errors(); len(es) != 1 || es[0].Pos.Line+bs[0].line-1 != 9 || !strings.HasPrefix(es[0].Message, "invalid YAML") {
		t.Errorf("want one invalid YAML error at x.md:9, got:\n%s", rep.Format(md))
	}
}

// codeBlock returns the fenced block of a markdown file that holds marker.
func codeBlock(t *testing.T, file, marker string) string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(string(data), "```")
	for i := 1; i < len(parts); i += 2 {
		if strings.Contains(parts[i], marker) {
			_, body, _ := strings.Cut(parts[i], "\n")
			return body
		}
	}
	t.Fatalf("%s has no code block holding %q", file, marker)
	return ""
}

// TestPreseedInitrdRecipe runs docs/bare-metal.md's recipe for a Debian initrd carrying a node's
// preseed: with cpio it writes the installer's initrd followed by a newc archive of preseed.cfg;
// without cpio it fails, names the package, and leaves no archive.
func TestPreseedInitrdRecipe(t *testing.T) {
	recipe := codeBlock(t, "../docs/bare-metal.md", "cpio -H newc")
	for _, tool := range []string{"cpio", "gzip"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed: run `make deps` (apt-get install %s)", tool, tool)
		}
	}
	setup := func(t *testing.T) string {
		dir := t.TempDir()
		os.MkdirAll(filepath.Join(dir, "out", "nodes", "m1"), 0o755)
		os.WriteFile(filepath.Join(dir, "out", "nodes", "m1", "preseed.cfg"), []byte("d-i debian-installer/locale string en_US.UTF-8\n"), 0o600)
		os.WriteFile(filepath.Join(dir, "initrd.gz"), []byte("\x1f\x8binstaller initrd"), 0o644)
		return dir
	}
	sh := func(dir string, env ...string) (string, error) {
		cmd := exec.Command("/bin/sh", "-c", recipe)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		return string(out), err
	}

	t.Run("with cpio", func(t *testing.T) {
		dir := setup(t)
		if out, err := sh(dir, "PATH="+os.Getenv("PATH")); err != nil {
			t.Fatalf("recipe: %v\n%s", err, out)
		}
		initrd, _ := os.ReadFile(filepath.Join(dir, "initrd-m1.gz"))
		archive, _ := os.ReadFile(filepath.Join(dir, "preseed-m1.cpio.gz"))
		if !strings.HasPrefix(string(initrd), "\x1f\x8binstaller initrd") || !strings.HasSuffix(string(initrd), string(archive)) || len(archive) < 30 {
			t.Fatalf("initrd-m1.gz is not the installer's initrd followed by the preseed archive (%d bytes)", len(archive))
		}
		x := t.TempDir()
		cmd := exec.Command("sh", "-c", "gzip -dc "+filepath.Join(dir, "preseed-m1.cpio.gz")+" | cpio -idm --quiet")
		cmd.Dir = x
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("unpacking the archive: %v\n%s", err, out)
		}
		if got, _ := os.ReadFile(filepath.Join(x, "preseed.cfg")); string(got) != "d-i debian-installer/locale string en_US.UTF-8\n" {
			t.Errorf("the archive's /preseed.cfg is %q", got)
		}
	})

	t.Run("without cpio", func(t *testing.T) {
		dir := setup(t)
		bin := t.TempDir()
		for _, tool := range []string{"mkdir", "cp", "gzip", "cat"} {
			p, err := exec.LookPath(tool)
			if err != nil {
				t.Fatal(err)
			}
			os.Symlink(p, filepath.Join(bin, tool))
		}
		out, err := sh(dir, "PATH="+bin)
		if err == nil || !strings.Contains(out, "apt-get install cpio") {
			t.Errorf("recipe without cpio: %v, want a failure naming the package:\n%s", err, out)
		}
		for _, f := range []string{"preseed-m1.cpio.gz", "initrd-m1.gz"} {
			if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
				t.Errorf("without cpio the recipe still wrote %s", f)
			}
		}
	})
}

package templates_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mesosimg/mesosimg/templates"
)

func TestStripComments(t *testing.T) {
	for _, tt := range []struct{ name, in, want string }{
		{"shebang and header stay", "#!/bin/sh\n# what it is\n# and why\nset -u\n# why this line\necho hi\n",
			"#!/bin/sh\n# what it is\n# and why\nset -u\necho hi\n"},
		{"a header without shebang", "# Every boot: why\nstate=x\n\t# indented\n  # too\necho \"$state\" # trailing stays\n",
			"# Every boot: why\nstate=x\necho \"$state\" # trailing stays\n"},
		{"directives and markers stay", "#!/bin/bash\nx=1\n# shellcheck disable=SC2034\ny=2\n# ---- end of definitions (tests) ----\n# gone\nmain\n",
			"#!/bin/bash\nx=1\n# shellcheck disable=SC2034\ny=2\n# ---- end of definitions (tests) ----\nmain\n"},
		{"the header ends at the first code line", "#!/bin/sh\nset -u\n# not header\n", "#!/bin/sh\nset -u\n"},
		{"no final newline", "#!/bin/sh\necho a\n# gone", "#!/bin/sh\necho a\n"},
		{"a python docstring stays", "#!/usr/bin/python3\n\"\"\"doc\n\"\"\"\n# gone\nimport os\n", "#!/usr/bin/python3\n\"\"\"doc\n\"\"\"\nimport os\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if d := cmp.Diff(tt.want, templates.StripComments(tt.in)); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

// TestScriptsKeepTheirCode: StripComments drops every whole-line comment after the header,
// which is safe only while no script template carries '#' lines as data: in a here-document,
// or inside a multi-line quoted string (shell quotes, Python's triple quotes).
func TestScriptsKeepTheirCode(t *testing.T) {
	paths, err := filepath.Glob("cloud-init/*.tmpl")
	if err != nil || len(paths) == 0 {
		t.Fatal("no templates", err)
	}
	heredoc := regexp.MustCompile(`<<-?\s*['"]?[A-Za-z_]`)
	scripts := 0
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		text := string(data)
		if !strings.HasSuffix(p, ".sh.tmpl") && !strings.HasSuffix(p, ".py.tmpl") {
			continue
		}
		scripts++
		if heredoc.MatchString(text) {
			t.Errorf("%s has a here-document: StripComments would drop its '#' lines", p)
		}
		open := ""
		for i, line := range strings.Split(text, "\n") {
			if open != "" && strings.HasPrefix(strings.TrimLeft(line, " \t"), "#") {
				t.Errorf("%s:%d: a '#' line inside a %s string: StripComments would drop it", p, i+1, open)
			}
			open = stillOpen(open, line, strings.HasSuffix(p, ".py.tmpl"))
		}
	}
	if scripts < 6 {
		t.Errorf("only %d script templates seen", scripts)
	}
}

// stillOpen follows quotes across one line: the quote left open at its end ("" for none).
func stillOpen(open, line string, python bool) string {
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case open == "" && c == '#' && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t'):
			return "" // a comment to the end of the line
		case python && strings.HasPrefix(line[i:], `"""`):
			if open == `"""` {
				open = ""
			} else if open == "" {
				open = `"""`
			}
			i += 2
		case python:
		case c == '\\' && open != "'":
			i++
		case open == "" && (c == '\'' || c == '"'):
			open = string(c)
		case open != "" && string(c) == open:
			open = ""
		}
	}
	return open
}

package config_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mesosimg/mesosimg/config"
	"github.com/mesosimg/mesosimg/internal/consumers"
	"github.com/mesosimg/mesosimg/report"
)

// pyMark is where PyYAML places a syntax error: its problem_mark and context_mark, 0-based.
type pyMark struct {
	Line, Column int
}

// pyError is PyYAML's account of one file's syntax error.
type pyError struct {
	Problem, Context         string
	ProblemMark, ContextMark *pyMark
}

// pyYAMLErrors has Debian's PyYAML (an independent parser: the original of which libyaml, and so
// yaml.v3 and v4, are ports) read every file and returns its error per file.
func pyYAMLErrors(t *testing.T, paths []string) map[string]pyError {
	t.Helper()
	script := `import sys, json, yaml
out = {}
for p in sys.argv[1:]:
    try:
        with open(p, encoding="utf-8") as f:
            list(yaml.safe_load_all(f))
        out[p] = None
    except yaml.MarkedYAMLError as e:
        mark = lambda m: m and {"Line": m.line, "Column": m.column}
        out[p] = {"Problem": e.problem, "Context": e.context, "ProblemMark": mark(e.problem_mark), "ContextMark": mark(e.context_mark)}
print(json.dumps(out))`
	out, err := exec.Command(consumers.Python(t), append([]string{"-c", script}, paths...)...).Output()
	if err != nil {
		t.Fatalf("PyYAML: %v", err)
	}
	var got map[string]*pyError
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("PyYAML output: %v\n%s", err, out)
	}
	res := map[string]pyError{}
	for _, p := range paths {
		if got[p] == nil || got[p].ProblemMark == nil {
			t.Fatalf("PyYAML reads %s without a positioned error: it is no syntax fault", p)
		}
		res[p] = *got[p]
	}
	return res
}

// TestSyntaxErrorsWhereThePyYAMLPutsThem loads every fixture under testdata/syntax (one YAML
// syntax fault each) and holds the one error it yields against PyYAML: the error's line and
// column are PyYAML's problem_mark, the construct it names (an unclosed '[', '{' or quote)
// is at PyYAML's context_mark, and the fixture's declared text (what would be valid) is in
// the message.
func TestSyntaxErrorsWhereThePyYAMLPutsThem(t *testing.T) {
	paths, _ := filepath.Glob("testdata/syntax/*.yaml")
	if len(paths) < 15 {
		t.Fatalf("only %d syntax fixtures found", len(paths))
	}
	py := pyYAMLErrors(t, paths)
	openers := 0
	for _, path := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".yaml"), func(t *testing.T) {
			c, rep := loadFile(t, path)
			if c != nil || len(rep.Entries) != 1 {
				t.Fatalf("want exactly one error, got:\n%s", rep.Format(path))
			}
			e, p := rep.Entries[0], py[path]
			t.Logf("%s\nPyYAML: %s: %s", rep.FormatSource(path, mustRead(t, path)), p.Context, p.Problem)
			checkFindings(t, wants(t, path), rep, report.Error)
			if want := (report.Pos{Line: p.ProblemMark.Line + 1, Column: p.ProblemMark.Column + 1}); e.Pos != want {
				t.Errorf("error at %d:%d; PyYAML's problem_mark is %d:%d", e.Pos.Line, e.Pos.Column, want.Line, want.Column)
			}
			if e.Context.Line != 0 {
				if p.ContextMark == nil {
					t.Errorf("error names a context at %d:%d; PyYAML knows none", e.Context.Line, e.Context.Column)
				} else if want := (report.Pos{Line: p.ContextMark.Line + 1, Column: p.ContextMark.Column + 1}); e.Context != want {
					t.Errorf("context at %d:%d; PyYAML's context_mark is %d:%d", e.Context.Line, e.Context.Column, want.Line, want.Column)
				}
			}
			// Where PyYAML knows the opener left open, the error must name it.
			if strings.HasPrefix(p.Context, "while parsing a flow") && p.ContextMark != nil && *p.ContextMark != *p.ProblemMark ||
				p.Context == "while scanning a quoted scalar" {
				openers++
				if e.Context.Line == 0 {
					t.Errorf("PyYAML names the opener (%s) at %d:%d; the error does not", p.Context, p.ContextMark.Line+1, p.ContextMark.Column+1)
				}
			}
			if !e.Quote || !strings.HasPrefix(e.Message, "invalid YAML: ") {
				t.Errorf("a syntax error is quoted with its source line and starts with 'invalid YAML: ': %+v", e)
			}
		})
	}
	if openers < 5 {
		t.Errorf("only %d fixtures leave an opener unclosed", openers)
	}
}

// TestSyntaxErrorExcerpt: the error's first line keeps the FILE:LINE:COLUMN form; the source
// lines of the opener and the fault follow, each marker under its column.
func TestSyntaxErrorExcerpt(t *testing.T) {
	path := "testdata/syntax/unclosed_bracket.yaml"
	data := mustRead(t, path)
	_, rep := loadFile(t, path)
	got := rep.FormatSource("c.yaml", data)
	want := "c.yaml:8:9: invalid YAML: did not find expected ',' or ']': the list opened with '[' at line 7, column 12 is not closed: end it with ']' (items are separated by ',')\n" +
		" 7 |     roles: [zookeeper, master\n" +
		"   |            -\n" +
		" 8 |   - name: agent1\n" +
		"   |         ^\n"
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	// Tabs and invisible characters are shown escaped, with the caret still under its character.
	src := "cluster: \u200b\tx: y\nnodes: []\n"
	_, rep = config.Load(config.Source{Name: "c.yaml", Data: []byte(src)})
	got = rep.FormatSource("c.yaml", []byte(src))
	lines := strings.Split(got, "\n")
	if len(lines) < 3 || !strings.HasPrefix(lines[0], "c.yaml:1:13: ") || lines[1] != ` 1 | cluster: \u200b\tx: y` {
		t.Fatalf("got:\n%s", got)
	}
	if colon, caret := strings.Index(lines[1], "x:")+1, strings.Index(lines[2], "^"); colon != caret {
		t.Errorf("the caret is at %d, the ':' at %d:\n%s", caret, colon, got)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

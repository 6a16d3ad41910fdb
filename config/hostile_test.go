package config_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/mesosimg/mesosimg/config"
	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/generator"
	"github.com/mesosimg/mesosimg/internal/consumers"
	"github.com/mesosimg/mesosimg/report"
	"github.com/mesosimg/mesosimg/secrets"
)

// Every hostile case must finish within caseTimeout and allocate at most allocLimit.
const caseTimeout = 30 * time.Second

// allocLimit bounds what loading n bytes may allocate in all: yaml.v3 alone builds ~100 bytes
// of node tree per byte of the densest input; an alias bomb would need gigabytes from a few lines.
func allocLimit(n int) uint64 { return 64<<20 + 256*uint64(n) }

// hostileDir holds the corpus: one description per case, named after it.
const hostileDir = "../testdata/hostile"

// loaded is the outcome of loading one hostile description.
type loaded struct {
	c     *v1.Cluster
	rep   report.Report
	dur   time.Duration
	alloc uint64
}

// loadBounded loads data within caseTimeout and allocLimit, and checks every finding points
// inside the text.
func loadBounded(t *testing.T, name string, data []byte, readFile config.ReadFileFunc) loaded {
	return loadWithin(t, name, data, readFile, true)
}

// loadWithin is loadBounded, measuring allocations only when measure is set (it takes a
// garbage collection, too slow for thousands of small descriptions).
func loadWithin(t *testing.T, name string, data []byte, readFile config.ReadFileFunc, measure bool) loaded {
	t.Helper()
	var before, after runtime.MemStats
	if measure {
		runtime.GC()
		runtime.ReadMemStats(&before)
	}
	done := make(chan loaded, 1)
	start := time.Now()
	go func() {
		c, rep := config.Load(config.Source{Name: name, Dir: hostileDir, Data: data, ReadFile: readFile})
		done <- loaded{c: c, rep: rep}
	}()
	select {
	case l := <-done:
		l.dur = time.Since(start)
		if measure {
			runtime.ReadMemStats(&after)
			l.alloc = after.TotalAlloc - before.TotalAlloc
		}
		if l.alloc > allocLimit(len(data)) {
			t.Errorf("%s: loading %d bytes allocated %d MB; the limit is %d MB", name, len(data), l.alloc>>20, allocLimit(len(data))>>20)
		}
		checkPositions(t, name, data, l.rep)
		if errs := len(l.rep.Errors()); errs > config.MaxErrors+1 {
			t.Errorf("%s: %d errors reported; at most %d and a last one saying so", name, errs, config.MaxErrors)
		}
		for _, e := range l.rep.Entries {
			if s := e.String(); strings.ContainsAny(s, "\n\r\x1b\u2028\u2029\u202e") || len(s) > 2000 {
				t.Errorf("%s: a finding does not print as one short line: %.200q", name, s)
			}
		}
		return l
	case <-time.After(caseTimeout):
		t.Fatalf("%s: loading %d bytes did not finish in %v", name, len(data), caseTimeout)
		return loaded{}
	}
}

// lines splits text at the line breaks YAML knows (\n, \r\n, \r, NEL, LS, PS).
func lines(data []byte) []string {
	text := strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u0085", "\n", "\u2028", "\n", "\u2029", "\n").Replace(string(data))
	return strings.Split(strings.TrimPrefix(text, "\ufeff"), "\n")
}

// checkPositions fails unless every finding has a line and column inside data.
func checkPositions(t *testing.T, name string, data []byte, rep report.Report) {
	t.Helper()
	ls := lines(data)
	for _, e := range rep.Entries {
		if e.Pos.Line < 1 || e.Pos.Line > len(ls) {
			t.Errorf("%s: finding outside the %d lines of the text: %.300s", name, len(ls), e)
			continue
		}
		if width := utf8.RuneCountInString(ls[e.Pos.Line-1]); e.Pos.Column < 1 || e.Pos.Column > width+1 {
			t.Errorf("%s: finding outside the %d columns of line %d: %.300s", name, width, e.Pos.Line, e)
		}
	}
}

// expectation is what a corpus file declares: "# want: LINE:COL text" (an error at that place
// whose line contains text), "# errors: N" (exactly N errors; default: as many as wants),
// "# render: N" (valid, and renders N nodes).
type expectation struct {
	wants  []want
	errors int
	render int
}

var reDirective = regexp.MustCompile(`^# (want: (\d+):(\d+) (.+)|errors: (\d+)|render: (\d+))$`)

// special holds the expectations of corpus files that cannot carry comments.
var special = map[string][]string{
	"empty.yaml":                  {"# want: 1:1 description is empty"},
	"only_whitespace.yaml":        {"# want: 1:1 description is empty"},
	"empty_document_markers.yaml": {"# want: 1:1 description is empty"},
	"utf16_bom.yaml":              {"# want: 1:1 UTF-16"},
	// Ends in "? cluster" without a line break: yaml.v3 puts the empty value on line 5.
	"explicit_keys_without_values.yaml": {"# want: 3:3 <<: a merge key (<<) takes a mapping or a list of mappings, got nothing", "# want: 4:3 cluster: missing cluster name"},
}

func expectations(t *testing.T, name string, data []byte) expectation {
	ex := expectation{errors: -1, render: -1}
	directives := special[name]
	if directives == nil {
		directives = lines(data)
	}
	for _, l := range directives {
		m := reDirective.FindStringSubmatch(strings.TrimPrefix(l, "\ufeff"))
		switch {
		case m == nil:
		case m[2] != "":
			line, _ := strconv.Atoi(m[2])
			col, _ := strconv.Atoi(m[3])
			ex.wants = append(ex.wants, want{report.Error, line, col, m[4]})
		case m[5] != "":
			ex.errors, _ = strconv.Atoi(m[5])
		default:
			ex.render, _ = strconv.Atoi(m[6])
		}
	}
	if ex.errors < 0 && ex.render < 0 {
		ex.errors = len(ex.wants)
	}
	if ex.errors <= 0 && ex.render < 0 {
		t.Fatalf("%s declares neither errors (# want: LINE:COL text) nor a render (# render: N)", name)
	}
	return ex
}

// keyFile stands for key_file reads in the hostile cases: only key.asc exists.
func keyFile(path string) ([]byte, error) {
	if filepath.Base(path) == "key.asc" {
		return []byte("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBGQ\n-----END PGP PUBLIC KEY BLOCK-----\n"), nil
	}
	return config.ReadRegularFile(path)
}

// TestHostileCorpus loads every description of testdata/hostile: each yields exactly the
// positioned errors it declares, or renders the nodes it declares, within the time and
// memory bounds, and PyYAML (cloud-init's parser) reads every rendered file as written.
func TestHostileCorpus(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join(hostileDir, "*.yaml"))
	if len(paths) < 40 {
		t.Fatalf("only %d hostile descriptions in %s", len(paths), hostileDir)
	}
	for _, path := range paths {
		name := filepath.Base(path)
		t.Run(strings.TrimSuffix(name, ".yaml"), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			ex := expectations(t, name, data)
			l := loadBounded(t, name, data, config.ReadRegularFile)
			t.Logf("%d bytes: %d findings in %v, %d KB allocated", len(data), len(l.rep.Entries), l.dur.Round(time.Microsecond), l.alloc>>10)
			defer func() {
				if t.Failed() {
					t.Logf("report:\n%s", l.rep.Format(name))
				}
			}()
			if ex.render >= 0 {
				if l.c == nil {
					t.Fatalf("rejected; the file declares a render of %d nodes", ex.render)
				}
				renderChecked(t, l.c, ex.render)
				return
			}
			if l.c != nil {
				t.Errorf("accepted; the file declares %d errors", ex.errors)
			}
			errs := l.rep.Errors()
			if len(errs) != ex.errors {
				t.Errorf("%d errors; the file declares %d", len(errs), ex.errors)
			}
			matched := make([]bool, len(errs))
			for _, w := range ex.wants {
				found := false
				for i, e := range errs {
					if !matched[i] && e.Pos.Line == w.line && e.Pos.Column == w.column && strings.Contains(e.String(), w.text) {
						matched[i], found = true, true
						break
					}
				}
				if !found {
					t.Errorf("no error at %d:%d containing %q", w.line, w.column, w.text)
				}
			}
		})
	}
}

// renderChecked renders c (every format but the seed images, which only copy these files) and
// checks the node count and that PyYAML reads each node's files as yaml.v3 wrote them.
func renderChecked(t *testing.T, c *v1.Cluster, nodes int) []generator.File {
	t.Helper()
	files, err := generator.GenerateAll(c, generator.Options{Formats: []generator.Format{generator.FormatCloudInit, generator.FormatPacker}, Secrets: secrets.Fixed()})
	if err != nil {
		t.Fatalf("valid description failed to render: %v", err)
	}
	got := 0
	yamlFiles := map[string][]byte{}
	for _, f := range files {
		switch {
		case strings.HasSuffix(f.Path, "/user-data"):
			got++
			yamlFiles[f.Path] = f.Data
		case strings.HasSuffix(f.Path, "/meta-data"), strings.HasSuffix(f.Path, "/network-config"):
			yamlFiles[f.Path] = f.Data
		}
	}
	if got != nodes+2 { // and packer/cidata/user-data, retired/user-data
		t.Errorf("rendered %d user-data files; want %d nodes, the Packer one and the retired seed's", got, nodes)
	}
	samePyYAML(t, yamlFiles)
	return files
}

// samePyYAML checks that PyYAML (YAML 1.1, cloud-init's parser) reads every file as the same
// data yaml.v3 does: no "on" read as true, no timestamp, no line break lost in a quoted value.
func samePyYAML(t *testing.T, files map[string][]byte) {
	t.Helper()
	dir := t.TempDir()
	var names []string
	for name, data := range files {
		if bytes.HasPrefix(data, []byte{0x1f, 0x8b}) { // gzip-compressed user-data
			zr, err := gzip.NewReader(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if data, err = io.ReadAll(zr); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}
		file := filepath.Join(dir, strconv.Itoa(len(names)))
		if err := os.WriteFile(file, data, 0o600); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
	script := `import sys, json, yaml
print(json.dumps([yaml.safe_load(open(p, encoding="utf-8")) for p in sys.argv[1:]], sort_keys=True))`
	args := []string{"-c", script}
	for i := range names {
		args = append(args, filepath.Join(dir, strconv.Itoa(i)))
	}
	out, err := exec.Command(consumers.Python(t), args...).Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("PyYAML cannot read the rendered files: %v\n%s", err, stderr)
	}
	var py []any
	if err := json.Unmarshal(out, &py); err != nil {
		t.Fatal(err)
	}
	for i, name := range names {
		data, _ := os.ReadFile(filepath.Join(dir, strconv.Itoa(i)))
		var v any
		if err := yaml.Unmarshal(data, &v); err != nil {
			t.Errorf("%s: yaml.v3 cannot read it back: %v", name, err)
			continue
		}
		want, _ := json.Marshal(v)
		got, _ := json.Marshal(py[i])
		if !bytes.Equal(want, got) {
			t.Errorf("%s: PyYAML reads other data than was written:\nyaml.v3: %.500s\nPyYAML:  %.500s", name, want, got)
		}
	}
}

// generated are hostile cases too big to commit.
func generated() map[string]func() []byte {
	nodes := "nodes:\n  - {name: master1, ip: 10.0.0.11, roles: [zookeeper, master, marathon]}\n  - {name: agent1, ip: 10.0.0.21, roles: [agent]}\n"
	fill := func(prefix, unit, suffix string, size int) []byte {
		var b bytes.Buffer
		b.WriteString(prefix)
		for b.Len()+len(unit)+len(suffix) <= size {
			b.WriteString(unit)
		}
		b.WriteString(suffix)
		return b.Bytes()
	}
	return map[string]func() []byte{
		// One byte over the limit: refused before parsing.
		"over_max_size": func() []byte {
			return fill("cluster: hostile\n"+nodes+"# ", "x", "\n", config.MaxSize+1)
		},
		// The densest text of the largest size accepted: four million one-letter roles.
		"max_size_dense": func() []byte {
			return fill("cluster: hostile\nnodes:\n  - name: master1\n    ip: 10.0.0.11\n    roles: [", "a,", "a]\n", config.MaxSize)
		},
		// 2 MB of nodes with three mistakes each: 180,000 errors, of which MaxErrors are shown.
		"many_errors": func() []byte {
			return fill("cluster: hostile\nnodes:\n", "  - {name: A, ip: x, roles: [y]}\n", "", 2<<20)
		},
		// 2 MB of unknown keys: the decoder stops after MaxErrors.
		"many_unknown_keys": func() []byte {
			var b bytes.Buffer
			b.WriteString("cluster: hostile\n" + nodes)
			for i := 0; b.Len() < 2<<20; i++ {
				fmt.Fprintf(&b, "key%d: %d\n", i, i)
			}
			return b.Bytes()
		},
		// Nesting far past any depth the types have, and past yaml.v3's own limit of 10,000.
		"deep_flow_9000": func() []byte {
			return []byte("cluster: hostile\n" + nodes + "os: " + strings.Repeat("[", 9000) + strings.Repeat("]", 9000) + "\n")
		},
		"deep_flow_20000": func() []byte {
			return []byte("cluster: hostile\n" + nodes + "os: " + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + "\n")
		},
		"deep_block_2000": func() []byte {
			var b bytes.Buffer
			b.WriteString("cluster: hostile\n" + nodes + "mesos:\n")
			for i := 0; i < 2000; i++ {
				b.WriteString(strings.Repeat(" ", i+1) + "k:\n")
			}
			return b.Bytes()
		},
		// Long strings: a 4 MB cluster name, a 1 MB key, a 1 MB comment, a 4 MB string repeated by aliases.
		"long_value": func() []byte {
			return []byte("cluster: " + strings.Repeat("c", 4<<20) + "\n" + nodes)
		},
		"long_key": func() []byte {
			return []byte("cluster: hostile\n" + nodes + strings.Repeat("k", 1<<20) + ": 1\n")
		},
		"long_explicit_key": func() []byte {
			return []byte("cluster: hostile\n" + nodes + "? " + strings.Repeat("k", 1<<20) + "\n: 1\n")
		},
		"long_comment": func() []byte {
			return []byte("# " + strings.Repeat("x", 1<<20) + "\ncluster: hostile\n" + nodes)
		},
		"long_value_aliased": func() []byte {
			return []byte("cluster: &c " + strings.Repeat("c", 4<<20) + "\nnodes:\n  - {name: master1, ip: 10.0.0.11, roles: [" +
				strings.TrimSuffix(strings.Repeat("*c,", 1000), ",") + "]}\n")
		},
		// A billion laughs of ten levels over a 1 KB leaf.
		"billion_laughs_1k_leaf": func() []byte {
			var b bytes.Buffer
			fmt.Fprintf(&b, "x-lol:\n  - &a0 %s\n", strings.Repeat("l", 1024))
			for i := 1; i <= 10; i++ {
				fmt.Fprintf(&b, "  - &a%d [%s]\n", i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*a%d,", i-1), 10), ","))
			}
			b.WriteString("cluster: hostile\nnodes:\n  - {name: master1, ip: 10.0.0.11, roles: [zookeeper, master]}\nntp:\n  servers: *a1\n  pools: *a10\n")
			return b.Bytes()
		},
	}
}

// generatedWant says what each generated case yields: the text of its first error (and its
// line:column when fixed), or render for a valid one.
var generatedWant = map[string]struct {
	pos, text string
}{
	"over_max_size":          {"1:1", "the limit is"},
	"max_size_dense":         {"5:1999999", "too many values: the description holds more than 1000000 values"},
	"many_errors":            {"", "too many errors: "},
	"many_unknown_keys":      {"", "too many errors"},
	"deep_flow_9000":         {"5:5", "os: expected a string, got a list"},
	"deep_flow_20000":        {"5:10005", "invalid YAML: exceeded max depth of 10000: "},
	"deep_block_2000":        {"6:2", "mesos.k: unknown key"},
	"long_value":             {"1:10", "cluster name"},
	"long_key":               {"5:1", "invalid YAML: could not find expected ':'"},
	"long_explicit_key":      {"5:3", "unknown key \"kkkk"},
	"long_comment":           {"", "render"},
	"long_value_aliased":     {"", "too many values"},
	"billion_laughs_1k_leaf": {"1:1", "x-lol: unknown key"},
}

// TestHostileGenerated runs the cases too big for the corpus: each yields its error (the
// report capped, every message one short line) or a render, within the time and memory bounds.
func TestHostileGenerated(t *testing.T) {
	for name, gen := range generated() {
		t.Run(name, func(t *testing.T) {
			w, ok := generatedWant[name]
			if !ok {
				t.Fatalf("no expectation for %s", name)
			}
			data := gen()
			l := loadBounded(t, name+".yaml", data, nil)
			t.Logf("%d bytes: %d findings in %v, %d MB allocated", len(data), len(l.rep.Entries), l.dur.Round(time.Millisecond), l.alloc>>20)
			if w.text == "render" {
				if l.c == nil {
					t.Fatalf("rejected:\n%.2000s", l.rep.Format(name))
				}
				renderChecked(t, l.c, len(l.c.Nodes))
				return
			}
			if l.c != nil {
				t.Fatal("accepted")
			}
			errs := l.rep.Errors()
			found := false
			for _, e := range errs {
				found = found || (strings.Contains(e.String(), w.text) && (w.pos == "" || strings.HasPrefix(e.String(), w.pos+":")))
			}
			if !found {
				t.Errorf("no error %s %q in:\n%.3000s", w.pos, w.text, l.rep.Format(name))
			}
		})
	}
}

// TestTenThousandNodes renders a 10,000-node description (three masters and ZooKeeper members,
// Marathon, 9,997 agents) and checks what every node gets.
// The firewall is on: its address sets are merged into ranges once per cluster (40 ranges here),
// so every node's user-data stays small.
func TestTenThousandNodes(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("# 10,000 nodes.\ncluster: big\nnetwork: {prefix: 16, gateway: 10.1.0.1, dns: [10.1.0.2]}\nsecurity: {admin_cidrs: [10.0.0.0/8]}\nnodes:\n")
	for i := 0; i < 10000; i++ {
		roles := "[agent]"
		if i < 3 {
			roles = "[zookeeper, master, marathon]"
		}
		fmt.Fprintf(&b, "  - {name: node%05d, ip: 10.1.%d.%d, roles: %s}\n", i, 1+i/250, 1+i%250, roles)
	}
	l := loadBounded(t, "ten_thousand.yaml", b.Bytes(), nil)
	if l.c == nil {
		t.Fatalf("rejected:\n%.2000s", l.rep.Format("ten_thousand.yaml"))
	}
	start := time.Now()
	count, size := 0, 0
	var last []byte
	err := generator.Generate(l.c, generator.Options{Formats: []generator.Format{generator.FormatCloudInit}, Secrets: secrets.Fixed()}, func(f generator.File) error {
		if strings.HasPrefix(f.Path, "nodes/") && strings.HasSuffix(f.Path, "/user-data") {
			count++
			last = f.Data
		}
		size += len(f.Data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d bytes loaded in %v; %d user-data, %d MB, rendered in %v", b.Len(), l.dur.Round(time.Millisecond), count, size>>20, time.Since(start).Round(time.Millisecond))
	if count != 10000 {
		t.Errorf("%d user-data files; want 10000", count)
	}
	if bytes.HasPrefix(last, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(bytes.NewReader(last))
		if err != nil {
			t.Fatal(err)
		}
		last, _ = io.ReadAll(zr)
	}
	for _, want := range []string{"hostname: node09999", "@10.1.1.1:2181,10.1.1.2:2181,10.1.1.3:2181/mesos"} {
		if !bytes.Contains(last, []byte(want)) {
			t.Errorf("the last node's user-data lacks %q", want)
		}
	}
}

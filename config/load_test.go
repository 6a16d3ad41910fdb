package config_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/mesosimg/mesosimg/config"
	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/report"
)

func loadFile(t testing.TB, path string) (*v1.Cluster, report.Report) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return config.Load(config.Source{Name: path, Dir: filepath.Dir(path), Data: data, ReadFile: os.ReadFile})
}

// want is an expected finding declared in a fixture: "# want: LINE:COL text" (error)
// or "# warn: LINE:COL text" (warning).
type want struct {
	severity     report.Severity
	line, column int
	text         string
}

var reWant = regexp.MustCompile(`^# (want|warn): (\d+):(\d+) (.+)$`)

func wants(t *testing.T, path string) []want {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []want
	for _, line := range strings.Split(string(data), "\n") {
		m := reWant.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		l, _ := strconv.Atoi(m[2])
		c, _ := strconv.Atoi(m[3])
		sev := report.Error
		if m[1] == "warn" {
			sev = report.Warning
		}
		out = append(out, want{sev, l, c, m[4]})
	}
	return out
}

// TestInvalidFixtures loads every fixture under testdata/invalid, named after the fault it
// holds, and checks it yields exactly the errors it declares, at their line and column.
func TestInvalidFixtures(t *testing.T) {
	paths, _ := filepath.Glob("testdata/invalid/*.yaml")
	if len(paths) < 15 {
		t.Fatalf("only %d invalid fixtures found", len(paths))
	}
	for _, path := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".yaml"), func(t *testing.T) {
			ws := wants(t, path)
			if len(ws) == 0 {
				t.Fatalf("%s declares no '# want: LINE:COL text' line", path)
			}
			c, rep := loadFile(t, path)
			if c != nil {
				t.Errorf("Load accepted an invalid description")
			}
			checkFindings(t, ws, rep, report.Error)
			if t.Failed() {
				t.Logf("report:\n%s", rep.Format(path))
			}
		})
	}
}

// TestValidFixtures: every valid fixture, example and starter loads without errors or warnings
// beyond the ones it declares.
func TestValidFixtures(t *testing.T) {
	paths, _ := filepath.Glob("testdata/valid/*.yaml")
	examples, _ := filepath.Glob("../examples/*/cluster.yaml")
	cases, _ := filepath.Glob("../testdata/cases/*.yaml")
	paths = append(append(append(paths, examples...), cases...), "../cli/starter.yaml")
	for _, path := range paths {
		t.Run(path, func(t *testing.T) {
			c, rep := loadFile(t, path)
			if c == nil {
				t.Fatalf("rejected:\n%s", rep.Format(path))
			}
			checkFindings(t, wants(t, path), rep, report.Warning)
			if t.Failed() {
				t.Logf("report:\n%s", rep.Format(path))
			}
		})
	}
}

func TestErrorFormat(t *testing.T) {
	_, rep := config.Load(config.Source{Name: "c.yaml", Data: []byte("cluster: x\nnodes:\n  - {name: a, ip: 1.2.3, roles: [master, zookeeper]}\n")})
	got := rep.Format("c.yaml")
	want := "c.yaml:3:19: nodes[0].ip: \"1.2.3\" is not an IPv4 address (expected four numbers 0-255 separated by dots, e.g. 192.168.1.101)\n"
	if !strings.Contains(got, want) {
		t.Errorf("Format = %q; want a line %q", got, want)
	}
	if !strings.Contains(got, "c.yaml:2:1: warning: nodes: no node has the agent role") {
		t.Errorf("Format = %q; want the warning marked as one", got)
	}
}

func TestDefaults(t *testing.T) {
	c, rep := config.Load(config.Source{Name: "c.yaml", Data: []byte("cluster: MyCluster\nnodes:\n  - {name: master1, ip: 192.168.1.101, roles: [zookeeper, master, marathon]}\n  - {name: agent1, ip: 192.168.1.102, roles: [agent]}\n")})
	if c == nil {
		t.Fatal(rep.Format("c.yaml"))
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"version", c.Version, 1},
		{"os", c.OS, "ubuntu-22.04"},
		{"method", c.Install.Method, "apt"},
		{"prefix", *c.Nodes[0].Prefix, 24},
		{"master port", *c.Mesos.Master.Port, 5050},
		{"agent port", *c.Mesos.Agent.Port, 5051},
		{"marathon port", *c.Marathon.HTTPPort, 8080},
		{"marathon image", c.Marathon.Image, "mesosphere/marathon:v1.11.24"},
		{"repository", c.Install.Repositories[0].URL + " " + c.Install.Repositories[0].Suite, "http://rpm.aventer.biz/Ubuntu/jammy jammy"},
		{"key", c.Install.Repositories[0].KeyID, v1.AventerKeyFingerprint},
		{"containerizers", fmt.Sprint(c.Mesos.Agent.Containerizers), "[mesos]"},
		{"etc_hosts", c.Network.EtcHosts, "all"},
		{"readiness", *c.ReadinessTimeout, 600},
	}
	for _, ch := range checks {
		if fmt.Sprint(ch.got) != fmt.Sprint(ch.want) {
			t.Errorf("default %s = %v; want %v", ch.name, ch.got, ch.want)
		}
	}
}

func TestWarningsAreNotErrors(t *testing.T) {
	c, rep := config.Load(config.Source{Name: "c.yaml", Data: []byte("cluster: x\nos: debian-12\nnodes:\n  - {name: m, ip: 10.0.0.1, roles: [zookeeper, master]}\n")})
	if c == nil {
		t.Fatalf("rejected: %s", rep.Format("c.yaml"))
	}
	var msgs []string
	for _, w := range rep.Warnings() {
		msgs = append(msgs, w.String())
	}
	all := strings.Join(msgs, "\n")
	for _, want := range []string{"4:5: warning: nodes[0]: node \"m\": debian-12", "no node has the agent role", "no DNS servers"} {
		if !strings.Contains(all, want) {
			t.Errorf("warnings lack %q:\n%s", want, all)
		}
	}
}

func TestStdinCannotReadKeyFiles(t *testing.T) {
	src := "cluster: x\ninstall:\n  repositories:\n    - {name: r, url: http://a.example/x, suite: s, key_file: k.asc}\nnodes:\n  - {name: m, ip: 10.0.0.1, roles: [zookeeper, master]}\n"
	_, rep := config.Load(config.Source{Name: "<stdin>", Data: []byte(src)})
	if !strings.Contains(rep.Format("<stdin>"), "4:62: install.repositories[0].key_file: key_file cannot be read here") {
		t.Errorf("got:\n%s", rep.Format("<stdin>"))
	}
}

// TestTooManyErrorsIsBounded: however many mistakes a description holds, a load reports exactly
// MaxErrors of them and one last error counting the rest, and MaxErrors is a terminal's worth.
// Both bounds are checked: the decoder's (unknown keys stop it) and the final cap (errors the
// validator finds past the decoder).
func TestTooManyErrorsIsBounded(t *testing.T) {
	if config.MaxErrors < 10 || config.MaxErrors > 1000 {
		t.Fatalf("MaxErrors = %d: a report should show between 10 and 1000 errors", config.MaxErrors)
	}
	for _, tt := range []struct {
		name, node, last string
	}{
		{"decoder", "  - {name: n%d, ip: 10.0.%d.%d, roles: [agent], bogus: 1}\n", "too many errors (more than"},
		{"validator", "  - {name: n%d, ip: bad%d.%d, roles: [nope]}\n", "too many errors: "},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			b.WriteString("cluster: x\nnodes:\n")
			const nodes = 5000 // two mistakes each at least: far more than any bound
			for i := 0; i < nodes; i++ {
				fmt.Fprintf(&b, tt.node, i, i/250, 1+i%250)
			}
			_, rep := config.Load(config.Source{Name: "c.yaml", Data: []byte(b.String())})
			errs := rep.Errors()
			if len(errs) != config.MaxErrors+1 {
				t.Fatalf("%d errors reported; want MaxErrors (%d) and one counting the rest", len(errs), config.MaxErrors)
			}
			if last := errs[len(errs)-1].Message; !strings.HasPrefix(last, tt.last) {
				t.Errorf("last error %q; want it to start %q", last, tt.last)
			}
			if n := len(rep.Entries); n > config.MaxErrors+10 {
				t.Errorf("%d entries in all", n)
			}
		})
	}
}

// checkFindings matches declared findings with the report at their line and column; any
// finding of severity strict or worse that is not declared fails the test.
func checkFindings(t *testing.T, ws []want, rep report.Report, strict report.Severity) {
	t.Helper()
	matched := make([]bool, len(rep.Entries))
	for _, w := range ws {
		found := false
		for i, e := range rep.Entries {
			if !matched[i] && e.Severity == w.severity && e.Pos.Line == w.line && e.Pos.Column == w.column && strings.Contains(e.Message, w.text) {
				matched[i], found = true, true
				break
			}
		}
		if !found {
			t.Errorf("missing %s at %d:%d containing %q", w.severity, w.line, w.column, w.text)
		}
	}
	for i, e := range rep.Entries {
		if !matched[i] && e.Severity <= strict {
			t.Errorf("unexpected %s %s", e.Severity, e)
		}
	}
}

package plan_test

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mesosimg/mesosimg/plan"
)

// probePrelude is the rendered first-boot script up to its definitions: the probe functions,
// without the part that starts services.
func probePrelude(t *testing.T, n plan.Node) string {
	t.Helper()
	script := file(t, n, plan.FirstBootPath)
	head, _, ok := strings.Cut(script, "# ---- end of definitions")
	if !ok {
		t.Fatal("the first-boot script has no end-of-definitions marker")
	}
	return head
}

// runProbe sources the prelude in bash and runs one probe call; it reports whether it passed.
func runProbe(t *testing.T, prelude, call string) bool {
	t.Helper()
	if _, err := exec.LookPath("curl"); err != nil {
		t.Fatal("curl is not installed: run `make deps` (apt-get install curl)")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "prelude.sh")
	if err := os.WriteFile(path, []byte(prelude), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", "-c", `. "$1" && `+call, "probe", path)
	out, err := cmd.CombinedOutput()
	if err != nil {
		if _, exit := err.(*exec.ExitError); !exit {
			t.Fatalf("bash: %v\n%s", err, out)
		}
		return false
	}
	return true
}

// writeLogin writes the node's rendered curl login file into a temporary directory.
func writeLogin(t *testing.T, n plan.Node, path string) string {
	t.Helper()
	local := filepath.Join(t.TempDir(), "login.curlrc")
	if err := os.WriteFile(local, []byte(file(t, n, path)), 0o600); err != nil {
		t.Fatal(err)
	}
	return local
}

// fakeMaster answers like a Mesos master: /master/redirect (307 to the leader or 503),
// /metrics/snapshot (rapidjson writes 1 as 1.0 and leaves '/' unescaped; an escaped '\/' is
// valid JSON too), Basic auth when login is set.
type fakeMaster struct {
	leader    bool
	recovered string
	login     string
	escaped   bool
}

func (f fakeMaster) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if f.login != "" && r.Header.Get("Authorization") != "Basic "+base64.StdEncoding.EncodeToString([]byte(f.login)) {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	switch r.URL.Path {
	case "/master/redirect":
		if !f.leader {
			http.Error(w, "No leader elected", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Location", "//10.0.0.11:5050")
		w.WriteHeader(http.StatusTemporaryRedirect)
	case "/metrics/snapshot":
		key := `registrar/log/recovered`
		if f.escaped {
			key = strings.ReplaceAll(key, "/", `\/`)
		}
		fmt.Fprintf(w, `{"master\/elected":0.0,"%s":%s,"registrar\/log\/ensemble_size":3.0}`, key, f.recovered)
	default:
		http.NotFound(w, r)
	}
}

// TestMasterReadiness: mesos-master=ok only when a leader is elected and this master's replicated
// log has recovered, asking with the login the rendered file holds.
// Upstream: /master/redirect is 503 without a leader and 307 to the leader otherwise
// (m3scluster/clusterd v1.11.0-0.7.1 src/master/http.cpp:1746-1790, route in src/master/master.cpp:968,
// no authentication realm); registrar/log/recovered is the log's "log/recovered" gauge with the
// prefix "registrar/" (src/log/metrics.cpp:37, src/master/main.cpp:392), present on every master,
// whose replica starts recovering at start-up (src/log/log.cpp:124).
func TestMasterReadiness(t *testing.T) {
	p := cluster(t, "m1:zookeeper+master+marathon", "m2:zookeeper+master", "m3:zookeeper+master")
	m := p.Node(0)
	prelude := probePrelude(t, m)
	login := writeLogin(t, m, plan.MesosProbeAuthPath)
	want := fmt.Sprintf("status mesos-master master_ok 'http://10.0.0.11:5050' '%s'", plan.MesosProbeAuthPath)
	if !strings.Contains(file(t, m, plan.FirstBootPath), want) {
		t.Errorf("the first boot does not probe the master with %q", want)
	}
	creds := p.Secrets.MesosHTTP.Name + ":" + p.Secrets.MesosHTTP.Secret
	for _, tc := range []struct {
		name   string
		master fakeMaster
		ok     bool
	}{
		{"leader and log recovered", fakeMaster{leader: true, recovered: "1.0", login: creds}, true},
		{"escaped JSON, integer", fakeMaster{leader: true, recovered: "1", login: creds, escaped: true}, true},
		{"no leader", fakeMaster{leader: false, recovered: "1.0", login: creds, escaped: true}, false},
		{"log not recovered", fakeMaster{leader: true, recovered: "0.0", login: creds, escaped: true}, false},
		{"another login", fakeMaster{leader: true, recovered: "1.0", login: "operator:other", escaped: true}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(tc.master)
			defer srv.Close()
			if got := runProbe(t, prelude, fmt.Sprintf("master_ok %s %s", srv.URL, login)); got != tc.ok {
				t.Errorf("master_ok = %v; want %v", got, tc.ok)
			}
		})
	}
}

// TestAgentReadiness: mesos-agent=ok only when the leading master lists the agent as active.
// Upstream (m3scluster/clusterd v1.11.0-0.7.1): the agent's own slave/registered gauge is
// master.isSome(), 1 as soon as a leader is detected (src/slave/slave.hpp:751, slave.cpp:1473),
// so it cannot say "registered"; /master/slaves on a non-leader redirects to the leader
// (src/master/http.cpp:2019-2021, the 307 of http.cpp:1782 to "//leader:port/master/slaves"),
// and lists registered agents under "slaves" with their SlaveInfo (hostname, port) and
// "active" (src/master/readonly_handler.cpp:280-308, :335).
func TestAgentReadiness(t *testing.T) {
	p := cluster(t, "m1:zookeeper+master", "a1:agent")
	a := p.Node(1)
	if !strings.Contains(file(t, a, plan.FirstBootPath), "status mesos-agent agent_ok '10.0.0.12' 5051") {
		t.Error("the first boot does not ask the masters about the agent")
	}
	for _, tc := range []struct {
		name   string
		slaves string
		ok     bool
	}{
		{"registered and active", `{"slaves":[{"id":"x-S0","hostname":"10.0.0.12","port":5051,"active":true}],"recovered_slaves":[]}`, true},
		{"another agent", `{"slaves":[{"id":"x-S0","hostname":"10.0.0.13","port":5051,"active":true}]}`, false},
		{"inactive", `{"slaves":[{"id":"x-S0","hostname":"10.0.0.12","port":5051,"active":false}]}`, false},
		{"only recovered from the registry", `{"slaves":[],"recovered_slaves":[{"id":"x-S0","hostname":"10.0.0.12","port":5051}]}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The leader answers; the other master redirects to it, as a non-leader does.
			leader := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/master/slaves" {
					http.NotFound(w, r)
					return
				}
				fmt.Fprint(w, tc.slaves)
			}))
			defer leader.Close()
			standby := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Location", "//"+strings.TrimPrefix(leader.URL, "http://")+r.URL.Path)
				w.WriteHeader(http.StatusTemporaryRedirect)
			}))
			defer standby.Close()
			prelude := probePrelude(t, a) + fmt.Sprintf("\nmasters=(%s)\n", standby.URL)
			if got := runProbe(t, prelude, "agent_ok 10.0.0.12 5051"); got != tc.ok {
				t.Errorf("agent_ok = %v; want %v", got, tc.ok)
			}
		})
	}
}

// TestMarathonReadiness: marathon=ok only when /v2/leader, asked with the rendered login,
// names a leader; Basic auth covers every path (Marathon's HttpModule), /ping included.
func TestMarathonReadiness(t *testing.T) {
	p := cluster(t, "m1:zookeeper+master+marathon")
	m := p.Node(0)
	prelude := probePrelude(t, m)
	login := writeLogin(t, m, plan.MarathonProbeAuthPath)
	want := fmt.Sprintf("status marathon marathon_ok 'http://10.0.0.11:8080' '%s'", plan.MarathonProbeAuthPath)
	if !strings.Contains(file(t, m, plan.FirstBootPath), want) {
		t.Errorf("the first boot does not probe Marathon with %q", want)
	}
	creds := p.Secrets.MarathonHTTP.Name + ":" + p.Secrets.MarathonHTTP.Secret
	for _, tc := range []struct {
		name   string
		leader bool
		login  string
		ok     bool
	}{
		{"leader known", true, creds, true},
		{"no leader", false, creds, false},
		{"login refused", true, "admin:other", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("Authorization") != "Basic "+base64.StdEncoding.EncodeToString([]byte(tc.login)) {
					w.WriteHeader(http.StatusUnauthorized)
					return
				}
				if r.URL.Path != "/v2/leader" || !tc.leader {
					http.NotFound(w, r)
					return
				}
				fmt.Fprint(w, `{"leader":"10.0.0.11:8080"}`)
			}))
			defer srv.Close()
			if got := runProbe(t, prelude, fmt.Sprintf("marathon_ok %s %s", srv.URL, login)); got != tc.ok {
				t.Errorf("marathon_ok = %v; want %v", got, tc.ok)
			}
		})
	}
}

// TestProbeLoginsNeverOnCommandLine: logins reach curl through root-only files, never argv.
func TestProbeLoginsNeverOnCommandLine(t *testing.T) {
	p := cluster(t, "m1:zookeeper+master+marathon", "a1:agent")
	for i := 0; i < p.NodeCount(); i++ {
		n := p.Node(i)
		script := file(t, n, plan.FirstBootPath)
		for _, s := range []string{p.Secrets.MesosHTTP.Secret, p.Secrets.MarathonHTTP.Secret} {
			if strings.Contains(script, s) {
				t.Errorf("%s: the first-boot script (mode 0755) holds a secret", n.Name)
			}
		}
		for _, f := range n.Files {
			if strings.HasSuffix(f.Path, ".curlrc") && (f.Mode != 0o600 || !f.Secret || !regexp.MustCompile(`(?m)^user = "[a-z0-9_-]+:[A-Za-z0-9._~-]+"$`).MatchString(f.Content)) {
				t.Errorf("%s: %s has mode %v or no curl login line:\n%s", n.Name, f.Path, f.Mode, f.Content)
			}
		}
	}
}

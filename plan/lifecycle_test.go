package plan_test

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/plan"
	"github.com/mesosimg/mesosimg/secrets"
)

// sandbox is a stand-in for the paths a node's scripts touch.
type sandbox struct{ root, ssh, state, nics string }

func newSandbox(t *testing.T, macs map[string]string) sandbox {
	t.Helper()
	root := t.TempDir()
	s := sandbox{root: root, ssh: filepath.Join(root, "etc/ssh"), state: filepath.Join(root, "state"), nics: fakeNICs(t, macs)}
	for _, d := range []string{s.ssh, s.state} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range []string{"ssh_host_ed25519_key", "ssh_host_ed25519_key.pub", "ssh_host_rsa_key", "ssh_host_rsa_key.pub"} {
		if err := os.WriteFile(filepath.Join(s.ssh, k), []byte("old "+k+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// run runs script (sh -c, as cloud-init's bootcmd does) with the node's paths moved into the sandbox.
func (s sandbox) run(t *testing.T, shell, script string) string {
	t.Helper()
	script = strings.NewReplacer("/etc/ssh/", s.ssh+"/", "/sys/class/net/", s.nics+"/", plan.StateDir, s.state).Replace(script)
	out, err := exec.Command(shell, "-c", script).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", shell, err, out)
	}
	return string(out)
}

func (s sandbox) keys() int {
	m, _ := filepath.Glob(filepath.Join(s.ssh, "ssh_host_*key*"))
	return len(m)
}

// TestBootCmdKeepsHostKeysOfTheSameNode: the bootcmd removes the SSH host keys of a machine
// not yet set up as this node (a new machine, an image's baked keys, another node's disk), so
// cloud-init's ssh module makes new ones, and keeps them on the node applied again; on a
// machine without the seed's MAC or a retired one it changes nothing. The user-data turns
// cloud-init's own deletion off (ssh_deletekeys: false): cc_ssh.py:204 would delete them at
// every new instance-id.
func TestBootCmdKeepsHostKeysOfTheSameNode(t *testing.T) {
	for _, tc := range []struct {
		name   string
		p      *plan.Cluster
		node   int
		macs   map[string]string
		marker string // the node file before the boot ("" none)
		retire bool
		keep   bool
		after  string // the node file after it
	}{
		{"new machine", cluster(t, "m1:zookeeper+master"), 0, nil, "", false, false, "MyCluster m1"},
		{"applied again", cluster(t, "m1:zookeeper+master"), 0, nil, "MyCluster m1", false, true, "MyCluster m1"},
		{"set up as another node", cluster(t, "m1:zookeeper+master", "m2:agent"), 1, nil, "MyCluster m1", false, false, "MyCluster m2"},
		{"of another cluster", cluster(t, "m1:zookeeper+master"), 0, nil, "Other m1", false, false, "MyCluster m1"},
		{"its own MAC", clusterWithMAC(t), 1, map[string]string{"eth0": "52:54:00:00:00:12"}, "", false, false, "MyCluster m2"},
		{"another machine's MAC", clusterWithMAC(t), 1, map[string]string{"eth0": "52:54:00:00:00:99"}, "MyCluster m3", false, true, "MyCluster m3"},
		{"retired", cluster(t, "m1:zookeeper+master"), 0, nil, "MyCluster m9", true, true, "MyCluster m9"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := tc.p.Node(tc.node)
			// The host keys' entry comes first, the resume of an interrupted first boot after it.
			if len(n.BootCmd) != 2 {
				t.Fatalf("bootcmd has %d entries, want 2 (host keys, resume): %q", len(n.BootCmd), n.BootCmd)
			}
			keys := n.BootCmd[0]
			if len(keys) != 3 || keys[0] != "sh" || keys[1] != "-c" {
				t.Fatalf("bootcmd %q is not sh -c SCRIPT", keys)
			}
			s := newSandbox(t, tc.macs)
			if tc.marker != "" {
				os.WriteFile(filepath.Join(s.state, "node"), []byte(tc.marker+"\n"), 0o644)
			}
			if tc.retire {
				os.WriteFile(filepath.Join(s.state, "retired"), []byte("retired from cluster MyCluster on 2026-01-01\n"), 0o644)
			}
			s.run(t, "sh", keys[2])
			if kept := s.keys() == 4; kept != tc.keep {
				t.Errorf("host keys kept = %v, want %v (%d left)", kept, tc.keep, s.keys())
			}
			got, _ := os.ReadFile(filepath.Join(s.state, "node"))
			if strings.TrimSpace(string(got)) != tc.after {
				t.Errorf("node file %q, want %q", got, tc.after)
			}
		})
	}
}

// TestRetiredSeedMasksForGood: the retired seed's bootcmd marks the machine retired (once: the
// first date stays), masks every service of mesosimg's roles at every boot and says so; a
// node's first boot on that machine then refuses to start anything.
func TestRetiredSeedMasksForGood(t *testing.T) {
	p := cluster(t, "m1:zookeeper+master+marathon", "a1:agent")
	r := p.RetiredSeed()
	if !strings.HasPrefix(r.InstanceID, "mesosimg-mycluster-retired") || len(r.BootCmd) != 3 {
		t.Fatalf("retired seed %+v", r)
	}
	s := newSandbox(t, nil)
	bin := t.TempDir()
	log := filepath.Join(s.root, "systemctl.log")
	os.WriteFile(filepath.Join(bin, "systemctl"), []byte("#!/bin/sh\necho \"$*\" >>"+log+"\n"), 0o755)
	os.WriteFile(filepath.Join(bin, "hostname"), []byte("#!/bin/sh\necho m1\n"), 0o755)
	script := "PATH=" + bin + ":$PATH\n" + r.BootCmd[2]
	out := s.run(t, "sh", script)
	first, _ := os.ReadFile(filepath.Join(s.state, "retired"))
	if !strings.HasPrefix(string(first), "retired from cluster MyCluster on ") {
		t.Errorf("retired file %q", first)
	}
	if !strings.Contains(out, "mesosimg: m1 retired from cluster MyCluster on ") || !strings.Contains(out, "masked for good") {
		t.Errorf("console says %q", out)
	}
	time.Sleep(1100 * time.Millisecond)
	s.run(t, "sh", script)
	again, _ := os.ReadFile(filepath.Join(s.state, "retired"))
	if string(again) != string(first) {
		t.Errorf("a second boot rewrote the retirement: %q, was %q", again, first)
	}
	calls, _ := os.ReadFile(log)
	for _, u := range []string{"zookeeper", "mesos-master", "mesos-agent", "marathon"} {
		if strings.Count(string(calls), "mask --now "+u+".service") != 2 {
			t.Errorf("%s is not masked at each boot; systemctl calls:\n%s", u, calls)
		}
	}
	// A node's first boot on the retired machine starts nothing.
	for i := 0; i < 2; i++ {
		n := p.Node(i)
		iid := filepath.Join(s.root, "instance-id")
		os.WriteFile(iid, []byte(n.Name+"-g1\n"), 0o644)
		os.Remove(filepath.Join(s.state, "firstboot.done"))
		fb := strings.NewReplacer(plan.StateDir, s.state, plan.InstanceIDRunPath, iid).Replace(file(t, n, plan.FirstBootPath))
		os.WriteFile(log, nil, 0o644)
		path := filepath.Join(t.TempDir(), "firstboot")
		os.WriteFile(path, []byte(fb), 0o755)
		cmd := exec.Command("bash", path)
		cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"))
		out, err := cmd.CombinedOutput()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
			t.Errorf("%s: first boot on a retired machine: %v (want exit 1)\n%s", n.Name, err, out)
		}
		if want := "mesosimg: refusing seed of " + n.Name + ": this machine was retired from cluster MyCluster"; !strings.Contains(string(out), want) {
			t.Errorf("%s: console says %q, want %q", n.Name, out, want)
		}
		if calls, _ := os.ReadFile(log); strings.Contains(string(calls), "restart") || strings.Contains(string(calls), "enable") {
			t.Errorf("%s: first boot on a retired machine called systemctl %s", n.Name, calls)
		}
		// For good: recorded as finished, so the resume step leaves later boots alone.
		if d, _ := os.ReadFile(filepath.Join(s.state, "firstboot.done")); string(d) != n.Name+"-g1\n" {
			t.Errorf("%s: a retired machine's refusal is not recorded as finished: firstboot.done %q", n.Name, d)
		}
	}
}

// TestDropStopsServicesOfLostRoles: first boot stops and disables, for good, the units of
// roles the node does not have, and only those that are enabled or running.
func TestDropStopsServicesOfLostRoles(t *testing.T) {
	p := cluster(t, "m1:zookeeper+master", "a1:agent")
	n := p.Node(1)
	fb := file(t, n, plan.FirstBootPath)
	for _, u := range []string{"marathon", "mesos-master", "zookeeper"} {
		if !strings.Contains(fb, "\ndrop "+u+"\n") {
			t.Errorf("a1's first boot does not drop %s", u)
		}
	}
	if strings.Contains(fb, "\ndrop mesos-agent\n") {
		t.Error("a1's first boot drops its own mesos-agent")
	}
	if m := file(t, p.Node(0), plan.FirstBootPath); strings.Contains(m, "\ndrop zookeeper\n") || strings.Contains(m, "\ndrop mesos-master\n") {
		t.Error("m1's first boot drops its own services")
	}
	dir := t.TempDir()
	log := filepath.Join(dir, "calls")
	// zookeeper enabled and running, mesos-master disabled and stopped, marathon not installed.
	stub := `systemctl() {
	echo "$*" >>` + log + `
	case "$*" in
	"list-unit-files --no-legend marathon.service") ;;
	"list-unit-files --no-legend "*) echo "$3 enabled" ;;
	"is-enabled --quiet zookeeper.service" | "is-active --quiet zookeeper.service") return 0 ;;
	is-enabled* | is-active*) return 1 ;;
	esac
}
`
	script := probePrelude(t, n) + stub + "drop marathon; drop mesos-master; drop zookeeper\n"
	path := filepath.Join(dir, "drop.sh")
	os.WriteFile(path, []byte(script), 0o600)
	out, err := exec.Command("bash", path).CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	calls, _ := os.ReadFile(log)
	if !strings.Contains(string(calls), "disable --now zookeeper.service") {
		t.Errorf("the running zookeeper is not stopped and disabled; calls:\n%s", calls)
	}
	if strings.Contains(string(calls), "disable --now mesos-master") || strings.Contains(string(calls), "disable --now marathon") {
		t.Errorf("a stopped or missing unit was touched; calls:\n%s", calls)
	}
	if want := "mesosimg: a1: zookeeper stopped and disabled: it is not a role of this node"; strings.TrimSpace(string(out)) != want {
		t.Errorf("console says %q, want %q", out, want)
	}
}

// flagsMaster answers GET /master/flags as a Mesos master does (clusterd src/master/http.cpp:1496:
// {"flags": {name: value}}), with the quorum it is given; status overrides the answer.
type flagsMaster struct {
	quorum atomic.Value
	status atomic.Int32
	srv    *httptest.Server
}

func newFlagsMaster(t *testing.T, quorum string) *flagsMaster {
	m := &flagsMaster{}
	m.quorum.Store(quorum)
	m.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/master/flags" {
			http.NotFound(w, r)
			return
		}
		if s := m.status.Load(); s != 0 {
			w.WriteHeader(int(s))
			return
		}
		fmt.Fprintf(w, `{"flags":{"cluster":"MyCluster","quorum":%q,"work_dir":"/var/lib/mesos/master"}}`, m.quorum.Load().(string))
	}))
	t.Cleanup(m.srv.Close)
	return m
}

// fullListener is the URL of a listening socket that takes no more connections: its accept
// queue (backlog 0) is full and never drained, so Linux drops further SYNs and a client's
// connect times out, as with a machine that is off.
func fullListener(t *testing.T) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", sa.(*syscall.SockaddrInet4).Port)
	for i := 0; i < 3; i++ {
		if c, err := net.DialTimeout("tcp", addr, 300*time.Millisecond); err == nil {
			t.Cleanup(func() { c.Close() })
		}
	}
	if c, err := net.DialTimeout("tcp", addr, 300*time.Millisecond); err == nil {
		c.Close()
		t.Fatalf("%s still takes connections", addr)
	}
	return "http://" + addr
}

// gate is a master's quorum gate, its peers pointed at urls and its paths moved into dir.
type gate struct {
	path, workDir, held string
}

func newGate(t *testing.T, n plan.Node, urls ...string) gate {
	t.Helper()
	dir := t.TempDir()
	g := gate{path: filepath.Join(dir, "quorum-gate"), workDir: filepath.Join(dir, "work"), held: filepath.Join(dir, "run/held")}
	script := file(t, n, plan.QuorumGatePath)
	lines := strings.Split(script, "\n")
	found := false
	for i, l := range lines {
		if strings.HasPrefix(l, "peers=(") {
			lines[i] = "peers=(" + strings.Join(urls, " ") + ")"
			found = true
		}
	}
	if !found {
		t.Fatal("the gate has no peers=( line")
	}
	script = strings.Join(lines, "\n")
	login := filepath.Join(dir, "login")
	os.WriteFile(login, []byte("user = \"operator:secret\"\n"), 0o600)
	script = strings.NewReplacer(plan.MasterWorkDir, g.workDir, plan.QuorumGateHeld, g.held, plan.MesosProbeAuthPath, login, "sleep 5", "sleep 0.2", "answer_within=5", "answer_within=1").Replace(script)
	os.WriteFile(g.path, []byte(script), 0o755)
	return g
}

// start runs the gate in the background; done receives its output when it exits.
func (g gate) start(t *testing.T) (done chan string) {
	done = make(chan string, 1)
	cmd := exec.Command("bash", g.path)
	go func() {
		out, err := cmd.CombinedOutput()
		if err != nil {
			out = append(out, []byte("\nexit: "+err.Error())...)
		}
		done <- string(out)
	}()
	t.Cleanup(func() {
		if cmd.Process != nil {
			cmd.Process.Kill()
		}
	})
	return done
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting until %s", what)
}

// TestQuorumGate: a master with a new replica starts only once every master that answers runs
// its --quorum (3 -> 5: the new masters wait for the old ones to restart with --quorum=3);
// masters that do not answer are not running and do not count; one that answers without its
// flags holds the gate; a master whose replica exists starts at once; and a single master's
// log is moved aside when the masters grow beyond one (operational-guide.md:44-50).
func TestQuorumGate(t *testing.T) {
	p := cluster(t, "m1:zookeeper+master", "m2:zookeeper+master", "m3:zookeeper+master", "m4:zookeeper+master", "m5:zookeeper+master")
	if p.Quorum != 3 {
		t.Fatalf("quorum %d", p.Quorum)
	}
	m4 := p.Node(3)
	if conf := file(t, m4, plan.QuorumGateDropIn); !strings.Contains(conf, "ExecStartPre="+plan.QuorumGatePath+"\n") || !strings.Contains(conf, "TimeoutStartSec=infinity") {
		t.Errorf("mesos-master's drop-in does not run the gate without a start timeout:\n%s", conf)
	}
	if !strings.Contains(file(t, m4, plan.QuorumGatePath), "peers=('http://10.0.0.11:5050' 'http://10.0.0.12:5050' 'http://10.0.0.13:5050' 'http://10.0.0.15:5050')") {
		t.Errorf("m4's gate does not ask every other master:\n%s", file(t, m4, plan.QuorumGatePath))
	}

	t.Run("held until the old masters run the new quorum", func(t *testing.T) {
		old := []*flagsMaster{newFlagsMaster(t, "2"), newFlagsMaster(t, "2"), newFlagsMaster(t, "3")}
		g := newGate(t, m4, old[0].srv.URL, old[1].srv.URL, old[2].srv.URL, "http://127.0.0.1:1")
		done := g.start(t)
		waitFor(t, "the gate holds", func() bool { _, err := os.Stat(g.held); return err == nil })
		why, _ := os.ReadFile(g.held)
		if !strings.Contains(string(why), old[0].srv.URL+" (--quorum=2)") || strings.Contains(string(why), old[2].srv.URL) || strings.Contains(string(why), "127.0.0.1:1") {
			t.Errorf("held file says %q", why)
		}
		old[0].quorum.Store("3")
		time.Sleep(500 * time.Millisecond)
		select {
		case out := <-done:
			t.Fatalf("the gate opened with a master still at --quorum=2:\n%s", out)
		default:
		}
		old[1].quorum.Store("3")
		select {
		case out := <-done:
			if strings.Contains(out, "exit:") || !strings.Contains(out, "mesos-master held: waiting for") {
				t.Errorf("gate output:\n%s", out)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the gate did not open once every master ran --quorum=3")
		}
		if _, err := os.Stat(g.held); err == nil {
			t.Error("the held file stays after the gate opened")
		}
		if q, _ := os.ReadFile(filepath.Join(g.workDir, "mesosimg-quorum")); string(q) != "3\n" {
			t.Errorf("recorded quorum %q", q)
		}
	})

	t.Run("a master that answers without its flags holds it", func(t *testing.T) {
		m := newFlagsMaster(t, "3")
		m.status.Store(401)
		g := newGate(t, m4, m.srv.URL)
		done := g.start(t)
		waitFor(t, "the gate holds", func() bool { _, err := os.Stat(g.held); return err == nil })
		if why, _ := os.ReadFile(g.held); !strings.Contains(string(why), "(HTTP 401)") {
			t.Errorf("held file says %q", why)
		}
		m.status.Store(0)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("the gate did not open")
		}
	})

	// curl 7.88.1 (Debian 12) curl.1, EXIT CODES: 7 "Failed to connect to host", 28
	// "Operation timeout"; -w time_connect is 0 when no TCP connection was made. A master that
	// accepts the connection and does not answer within curl's time (5 s; 1 s here) may be
	// running with the old quorum: it holds the gate; once it answers with the new quorum the
	// gate opens. An address that takes no connection in time (a machine that is off: 28 with
	// time_connect 0, measured on a veth with no host behind the address) does not count.
	t.Run("a master that does not answer in time holds it", func(t *testing.T) {
		m := newFlagsMaster(t, "3")
		var slow atomic.Bool
		slow.Store(true)
		stalled := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if slow.Load() {
				select {
				case <-r.Context().Done():
				case <-time.After(20 * time.Second):
				}
				return
			}
			m.srv.Config.Handler.ServeHTTP(w, r)
		}))
		t.Cleanup(stalled.Close)
		blackhole := fullListener(t)
		g := newGate(t, m4, stalled.URL, "http://127.0.0.1:1", blackhole)
		done := g.start(t)
		waitFor(t, "the gate holds", func() bool { _, err := os.Stat(g.held); return err == nil })
		why, _ := os.ReadFile(g.held)
		if !strings.Contains(string(why), stalled.URL+" (connected, but no answer within 1 s: it may be running)") || strings.Contains(string(why), "127.0.0.1:1") || strings.Contains(string(why), blackhole) {
			t.Errorf("held file says %q", why)
		}
		select {
		case out := <-done:
			t.Fatalf("the gate opened while a master did not answer:\n%s", out)
		case <-time.After(3 * time.Second):
		}
		slow.Store(false)
		select {
		case out := <-done:
			if strings.Contains(out, "exit:") {
				t.Errorf("gate output:\n%s", out)
			}
		case <-time.After(15 * time.Second):
			t.Fatal("the gate did not open once the master answered with --quorum=3")
		}
	})

	t.Run("an existing replica starts at once", func(t *testing.T) {
		m := newFlagsMaster(t, "2")
		g := newGate(t, m4, m.srv.URL)
		os.MkdirAll(filepath.Join(g.workDir, "replicated_log"), 0o755)
		os.WriteFile(filepath.Join(g.workDir, "mesosimg-quorum"), []byte("2\n"), 0o644)
		select {
		case out := <-g.start(t):
			if strings.Contains(out, "exit:") {
				t.Errorf("gate: %s", out)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("a master with its replica waited in the gate")
		}
		if _, err := os.Stat(filepath.Join(g.workDir, "replicated_log")); err != nil {
			t.Error("the replica was moved")
		}
		if q, _ := os.ReadFile(filepath.Join(g.workDir, "mesosimg-quorum")); string(q) != "3\n" {
			t.Errorf("recorded quorum %q", q)
		}
	})

	t.Run("a single master's log is moved aside", func(t *testing.T) {
		three := cluster(t, "m1:zookeeper+master", "m2:zookeeper+master", "m3:zookeeper+master")
		g := newGate(t, three.Node(0), "http://127.0.0.1:1")
		os.MkdirAll(filepath.Join(g.workDir, "replicated_log"), 0o755)
		os.WriteFile(filepath.Join(g.workDir, "replicated_log", "000001.log"), []byte("entries"), 0o644)
		os.WriteFile(filepath.Join(g.workDir, "mesosimg-quorum"), []byte("1\n"), 0o644)
		out := <-g.start(t)
		if !strings.Contains(out, "the single master's replicated log moved to") || strings.Contains(out, "exit:") {
			t.Errorf("gate output:\n%s", out)
		}
		if _, err := os.Stat(filepath.Join(g.workDir, "replicated_log")); err == nil {
			t.Error("the single master's replicated_log is still in place")
		}
		aside, _ := filepath.Glob(filepath.Join(g.workDir, "replicated_log.single-master.*", "000001.log"))
		if len(aside) != 1 {
			t.Error("the single master's log was not kept aside")
		}
	})
}

// TestHeldIsReported: while the gate holds mesos-master the readiness word is held, and
// first boot schedules itself to report again once the gate opens.
func TestHeldIsReported(t *testing.T) {
	p := cluster(t, "m1:zookeeper+master", "m2:zookeeper+master", "m3:zookeeper+master")
	n := p.Node(0)
	fb := file(t, n, plan.FirstBootPath)
	if !strings.Contains(fb, "start mesos-master --no-block\nst_mesos_master=$(HELD='"+plan.QuorumGateHeld+"' status mesos-master") {
		t.Errorf("mesos-master is not started without blocking and reported with its gate:\n%s", fb)
	}
	if !strings.Contains(fb, "--after-gate") {
		t.Error("first boot does not report again after the gate")
	}
	dir := t.TempDir()
	held := filepath.Join(dir, "held")
	os.WriteFile(held, []byte("waiting for http://10.0.0.12:5050 (--quorum=1) to run --quorum=2\n"), 0o644)
	stub := "systemctl() { case \"$1\" in list-unit-files) echo \"$3 enabled\" ;; show) echo activating ;; esac; }\n"
	script := probePrelude(t, n) + stub + "HELD=" + held + " status mesos-master false\n"
	path := filepath.Join(dir, "held.sh")
	os.WriteFile(path, []byte(script), 0o600)
	out, err := exec.Command("bash", path).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "held" {
		t.Errorf("status while held: %q, %v; want held", out, err)
	}
	os.Remove(held)
	script = strings.Replace(script, "status mesos-master false", "deadline=0; status mesos-master false", 1)
	os.WriteFile(path, []byte(script), 0o600)
	if out, _ := exec.Command("bash", path).CombinedOutput(); strings.TrimSpace(string(out)) == "held" {
		t.Errorf("status without the held file says held")
	}
}

// TestAgentStartsOverWhenItsIdentityChanges: under --reconfiguration_policy=equal (mesosimg's
// default) an agent whose resources change would refuse its checkpoint and exit, so first boot
// removes meta/slaves/latest; an unchanged agent, or one never recorded, keeps it.
func TestAgentStartsOverWhenItsIdentityChanges(t *testing.T) {
	base := cluster(t, "m1:zookeeper+master", "a1:agent")
	n := base.Node(1)
	block := func(n plan.Node) string {
		fb := file(t, n, plan.FirstBootPath)
		i, j := strings.Index(fb, "agent_info="), strings.Index(fb, `mkdir -p "$agent_work" && echo "$agent_info"`)
		if i < 0 || j < i {
			t.Fatal("first boot has no agent identity check")
		}
		rest := fb[j:]
		return fb[i:j] + rest[:strings.Index(rest, "\n")+1]
	}
	run := func(script, recorded string) (kept bool, out string) {
		t.Helper()
		dir := t.TempDir()
		os.MkdirAll(filepath.Join(dir, "meta/slaves"), 0o755)
		os.Symlink("x", filepath.Join(dir, "meta/slaves/latest"))
		if recorded != "" {
			os.WriteFile(filepath.Join(dir, "mesosimg-agent-info"), []byte(recorded+"\n"), 0o644)
		}
		s := "node=a1\nsay() { printf 'mesosimg: %s\\n' \"$*\"; }\nsystemctl() { :; }\n" + strings.ReplaceAll(script, plan.AgentWorkDir, dir)
		o, err := exec.Command("bash", "-c", s).CombinedOutput()
		if err != nil {
			t.Fatalf("%v\n%s", err, o)
		}
		_, err = os.Lstat(filepath.Join(dir, "meta/slaves/latest"))
		got, _ := os.ReadFile(filepath.Join(dir, "mesosimg-agent-info"))
		if strings.TrimSpace(string(got)) == "" {
			t.Error("the agent's identity is not recorded")
		}
		return err == nil, string(o)
	}
	if kept, _ := run(block(n), n.AgentInfo); !kept {
		t.Error("an unchanged agent lost its checkpoint")
	}
	if kept, _ := run(block(n), ""); !kept {
		t.Error("an agent never recorded lost its checkpoint")
	}
	if kept, out := run(block(n), "0000"); kept || !strings.Contains(out, "it starts over as a new agent") {
		t.Errorf("a changed agent kept its checkpoint (%q)", out)
	}
	c := *base.Description
	c.Nodes = append([]v1.Node(nil), c.Nodes...)
	c.Nodes[1].Agent = &v1.AgentOverride{Resources: map[string]string{"cpus": "2"}}
	p2, err := plan.Build(&c, secrets.Fixed())
	if err != nil {
		t.Fatal(err)
	}
	if p2.Node(1).AgentInfo == n.AgentInfo {
		t.Error("changed resources keep the agent's identity digest")
	}
}

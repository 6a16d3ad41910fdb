package plan_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/plan"
)

// fakeNICs makes a /sys/class/net stand-in holding one address file per NIC.
func fakeNICs(t *testing.T, macs map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for nic, mac := range macs {
		if err := os.MkdirAll(filepath.Join(dir, nic), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, nic, "address"), []byte(mac+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestSeedRefusedOnAnotherMachine: a node with a mac refuses its seed on a machine without that
// MAC (issue: the wrong seed on the wrong machine): it says so on the console, disables and stops
// every service, records "refused" and exits 1; on its own machine it goes on.
func TestSeedRefusedOnAnotherMachine(t *testing.T) {
	c := clusterWithMAC(t)
	n := c.Node(1) // m2
	prelude := probePrelude(t, n)
	if !strings.Contains(file(t, n, plan.FirstBootPath), "seed_mac_present /sys/class/net || refuse_seed") {
		t.Fatal("the first boot does not check the seed's MAC before starting services")
	}
	own := fakeNICs(t, map[string]string{"lo": "00:00:00:00:00:00", "eth0": "52:54:00:00:00:12"})
	other := fakeNICs(t, map[string]string{"lo": "00:00:00:00:00:00", "ens3": "52:54:00:00:00:99", "ens4": "52:54:00:00:00:98"})
	if !runProbe(t, prelude, "seed_mac_present "+own) {
		t.Error("the node's own machine is refused")
	}
	if runProbe(t, prelude, "seed_mac_present "+other) {
		t.Error("another machine is accepted")
	}
	state := t.TempDir()
	log := filepath.Join(state, "systemctl.log")
	script := prelude + "\nstate=" + state + "\nsystemctl() { echo \"$*\" >>" + log + "; }\nrefuse_seed \"$(machine_macs " + other + ")\"\necho not reached\n"
	path := filepath.Join(t.TempDir(), "refuse.sh")
	if err := os.WriteFile(path, []byte(script), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("bash", path).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Errorf("refuse_seed: %v (want exit 1)\n%s", err, out)
	}
	want := "mesosimg: refusing seed of m2 on a machine with MAC 52:54:00:00:00:99,52:54:00:00:00:98 (the seed is for 52:54:00:00:00:12)"
	if !strings.Contains(string(out), want) || strings.Contains(string(out), "not reached") {
		t.Errorf("console says:\n%s\nwant %q, and nothing after it", out, want)
	}
	calls, _ := os.ReadFile(log)
	for _, u := range []string{"zookeeper", "mesos-master", "marathon"} {
		if !strings.Contains(string(calls), "disable --now "+u+".service") {
			t.Errorf("%s is not disabled and stopped; systemctl calls:\n%s", u, calls)
		}
	}
	if r, _ := os.ReadFile(filepath.Join(state, "readiness")); !strings.HasPrefix(string(r), "m2 refused:") {
		t.Errorf("readiness file = %q", r)
	}
}

// TestNoMACNoSeedCheck: without a mac in the description there is nothing to compare with.
func TestNoMACNoSeedCheck(t *testing.T) {
	p := cluster(t, "m1:zookeeper+master")
	if strings.Contains(file(t, p.Node(0), plan.FirstBootPath), "seed_mac") {
		t.Error("a node without a mac checks a MAC")
	}
}

// clusterWithMAC is a three-member cluster whose nodes have MACs 52:54:00:00:00:11…13.
func clusterWithMAC(t *testing.T) *plan.Cluster {
	t.Helper()
	c := &v1.Cluster{Cluster: "MyCluster", Network: v1.Network{DNS: []string{"10.0.0.2"}}}
	for i, name := range []string{"m1", "m2", "m3"} {
		c.Nodes = append(c.Nodes, v1.Node{Name: name, IP: fmt.Sprintf("10.0.0.%d", 11+i),
			MAC: fmt.Sprintf("52:54:00:00:00:%d", 11+i), Interface: "eth0", Roles: []string{"zookeeper", "master"}})
	}
	return built(t, c)
}

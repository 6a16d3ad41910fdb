package cli_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mesosimg/mesosimg/cli"
	"github.com/mesosimg/mesosimg/manifest"
)

// readManifest reads OUT/manifest.json.
func readManifest(t *testing.T, out string) *manifest.Manifest {
	t.Helper()
	m, err := manifest.Read(out)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// readFile reads a file, gunzipped when it is gzip (large user-data).
func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
		z, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if data, err = io.ReadAll(z); err != nil {
			t.Fatal(err)
		}
	}
	return string(data)
}

// TestRenderFirewallStage: `render --stage firewall` renders the running nodes only, with the
// ensemble and masters of the last render, and rulesets that admit the new members to
// ZooKeeper's peer ports; the plan after it has no stage and boots the new members first.
func TestRenderFirewallStage(t *testing.T) {
	c := setupPlan(t, "e2e-rollout")
	before := readManifest(t, c.out)
	oldZooCfg := readFile(t, filepath.Join(c.out, "nodes/z1/user-data"))
	stage := func(extra ...string) result {
		return run(t, "", append([]string{"render", c.desc, "-o", c.out, "--secrets", c.secrets, "--stage", "firewall"}, extra...)...)
	}
	if r := stage(); r.code != cli.ExitOK {
		t.Fatalf("render --stage firewall: exit %d\n%s", r.code, r.stderr)
	}
	m := readManifest(t, c.out)
	if m.Stage != manifest.StageFirewall {
		t.Errorf("stage %q; want %q", m.Stage, manifest.StageFirewall)
	}
	var nodes []string
	for _, n := range m.Nodes {
		nodes = append(nodes, n.Name)
	}
	if !slices.Equal(nodes, []string{"z1", "z2", "z3"}) {
		t.Errorf("the stage renders %v; want the running nodes z1 z2 z3", nodes)
	}
	if _, err := os.Stat(filepath.Join(c.out, "nodes/z4")); err == nil {
		t.Error("the stage wrote nodes/z4, a node that must not boot yet")
	}
	if !slices.Equal(m.Cluster.Ensemble, before.Cluster.Ensemble) || !slices.Equal(m.Cluster.Masters, before.Cluster.Masters) || m.Cluster.Quorum != before.Cluster.Quorum {
		t.Errorf("the stage changes the ensemble or masters: %v %v (quorum %d); want %v %v (quorum %d)",
			m.Cluster.Ensemble, m.Cluster.Masters, m.Cluster.Quorum, before.Cluster.Ensemble, before.Cluster.Masters, before.Cluster.Quorum)
	}
	if m.Cluster.Firewall == nil || !slices.Contains(m.Cluster.Firewall.ZooKeepers, "10.78.0.24") || !slices.Contains(m.Cluster.Firewall.ZooKeepers, "10.78.0.25") {
		t.Errorf("the stage's rulesets do not admit z4 and z5 to the peer ports: %+v", m.Cluster.Firewall)
	}
	// On the node: zoo.cfg still names three servers; the ruleset's @zookeepers holds z4 and z5.
	userData := readFile(t, filepath.Join(c.out, "nodes/z1/user-data"))
	if userData == oldZooCfg {
		t.Fatal("the stage left z1's user-data as it was")
	}
	for _, want := range []string{"server.3=10.78.0.23:2888:3888", "10.78.0.21-10.78.0.25"} {
		if !strings.Contains(userData, want) {
			t.Errorf("z1's stage user-data lacks %q", want)
		}
	}
	if strings.Contains(userData, "server.4=") {
		t.Error("z1's stage user-data names server.4: the stage must keep the running ensemble")
	}
	// Once more is an error: the output holds the stage already.
	if r := stage(); r.code != cli.ExitInvalid || !strings.Contains(r.stderr, "holds the firewall stage already") {
		t.Errorf("a second --stage firewall: exit %d\n%s", r.code, r.stderr)
	}
	// The plan from the stage boots the new members first, with no stage of its own.
	r := c.plan(t, "--json")
	if r.code != cli.ExitChanges || strings.Contains(r.stdout, `"stage"`) || !strings.Contains(r.stdout, `"do": "boot the new machine z4`) {
		t.Errorf("plan after the stage: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestRenderFirewallStageRefusals: --stage firewall says why when there is nothing to open,
// no render to open, or no stage that keeps the running ensemble and masters.
func TestRenderFirewallStageRefusals(t *testing.T) {
	grow := setupPlan(t, "e2e-rollout")
	same := setupPlan(t, "no-change")
	empty := filepath.Join(t.TempDir(), "empty")
	for _, tt := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unknown stage", []string{"render", grow.desc, "-o", grow.out, "--secrets", grow.secrets, "--stage", "zookeeper"}, cli.ExitUsage, `unknown stage "zookeeper"; valid: firewall`},
		{"no change", []string{"render", same.desc, "-o", same.out, "--secrets", same.secrets, "--stage", "firewall"}, cli.ExitInvalid, "needs no firewall stage"},
		{"no render", []string{"render", grow.desc, "-o", empty, "--secrets", grow.secrets, "--stage", "firewall"}, cli.ExitInvalid, "the stage opens the firewalls of the cluster rendered in"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, "", tt.args...)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d with %q", r.code, r.stderr, tt.code, tt.want)
			}
		})
	}
	if _, err := os.Stat(empty); err == nil {
		t.Error("a refused stage created its output directory")
	}
}

package rollout_test

import (
	"strings"
	"testing"

	"github.com/mesosimg/mesosimg/manifest"
	"github.com/mesosimg/mesosimg/rollout"
	"github.com/mesosimg/mesosimg/secrets"
)

// TestHazards: each hazard class is found, in the file and at the key that causes it, with a
// reason, a safe alternative and citations; and its accepted rollout keeps checkRollout's rules.
func TestHazards(t *testing.T) {
	for _, tt := range hazardCases {
		t.Run(tt.name, func(t *testing.T) { testHazard(t, tt) })
	}
}

// hazardCase is a change that must raise hazard want at file's path.
type hazardCase struct {
	name             string
	old, new         string
	extraOld, extraN string
	mod              func(*secrets.Bundle)
	edit             func(*manifest.Manifest) // what an older mesosimg wrote
	want             rollout.HazardName
	file, path       string
}

const three = "m1:zmk m2:zmk m3:zmk a1:a"

const split = "z1:z z2:z z3:z m1:m k1:k a1:a"

var hazardCases = []hazardCase{
	// New members behind the old members' firewalls, and no firewall stage keeps the masters
	// (two of three leave): FastLeaderElection.java:1162.
	{name: "firewall closed", old: "z1:z z2:z z3:z m1:m m2:m m3:m a1:a", new: "z1:z z2:z z3:z z4:z z5:z m1:m a1:a",
		want: rollout.FirewallClosed, file: "description", path: "nodes[3]"},
	// myid 2 passes from m2 to m3 (zookeeperAdmin.md:220, :1273).
	{name: "renumber", old: "m1:zmk m2:zmk m3:zmk m4:zm m5:zm", new: "m1:zmk m3:zmk m4:zm m5:zm m6:zm",
		want: rollout.RenumberZooKeeper, file: "description", path: "nodes[1]"},
	// The same myid at another address.
	{name: "member moves", old: three, new: "m1:zmk m2:zmk m4:zmk a1:a",
		want: rollout.RenumberZooKeeper, file: "description", path: "nodes[2]"},
	// 4 new members of 7 could elect a leader of their own (zookeeperReconfig.md:552).
	{name: "joiners are a majority", old: split, new: "z1:z z2:z z3:z z4:z z5:z z6:z z7:z m1:m k1:k a1:a",
		want: rollout.ZooKeeperOutage, file: "description", path: "nodes[3].roles"},
	// 4 of 5 members leave; 5 tolerates 2 (zookeeperAdmin.md:325).
	{name: "zookeeper removal beyond tolerance", old: "z1:z z2:z z3:z z4:z z5:z m1:m a1:a", new: "z1:z m1:m a1:a",
		want: rollout.RemoveBeyondTolerance, file: "description", path: "nodes"},
	// 2 of 3 masters leave; the kept one is no quorum of the old log (operational-guide.md:57).
	{name: "master removal beyond tolerance", old: "z1:z m1:m m2:m m3:m a1:a", new: "z1:z m1:m a1:a",
		want: rollout.RemoveBeyondTolerance, file: "description", path: "nodes"},
	// operational-guide.md:44.
	{name: "one master to three", old: "z1:z z2:z z3:z m1:m a1:a", new: "z1:z z2:z z3:z m1:m m2:m m3:m a1:a",
		want: rollout.WipeReplicatedLog, file: "description", path: "nodes[4].roles"},
	// operational-guide.md:42: one quorum step at a time.
	{name: "quorum jump", old: "z1:z m1:m m2:m m3:m a1:a", new: "z1:z m1:m m2:m m3:m m4:m m5:m m6:m m7:m a1:a",
		want: rollout.SkipQuorumStep, file: "description", path: "nodes[4].roles"},
	// compatibility.cpp:35 (equal).
	{name: "agent resources", old: three, new: three,
		extraOld: "mesos:\n  agent:\n    resources: {cpus: \"4\"}\n", extraN: "mesos:\n  agent:\n    resources: {cpus: \"2\"}\n",
		want: rollout.WipeAgentState, file: "description", path: "mesos.agent.resources"},
	// compatibility.cpp:54 (additive): an attribute's text may not change.
	{name: "agent attribute under additive", old: three, new: three,
		extraOld: "mesos:\n  agent:\n    flags: {reconfiguration_policy: additive}\n    attributes: {rack: r1}\n",
		extraN:   "mesos:\n  agent:\n    flags: {reconfiguration_policy: additive}\n    attributes: {rack: r2}\n",
		want:     rollout.WipeAgentState, file: "description", path: "mesos.agent.attributes"},
	// flags.cpp:612: a changed hostname (mesosimg's is the address).
	{name: "agent address", old: three, new: "m1:zmk m2:zmk m3:zmk a1:a",
		edit: func(m *manifest.Manifest) { m.Nodes[3].Address = "10.0.0.250" },
		want: rollout.WipeAgentState, file: "description", path: "nodes[3].ip"},
	// group.cpp:98: Mesos' znodes belong to the old credential.
	{name: "rotate zookeeper credential", old: three, new: three,
		mod:  func(b *secrets.Bundle) { b.ZooKeeperMesos.Secret = "another-secret-for-the-test" },
		want: rollout.RotateZooKeeperCredential, file: "secrets", path: "zookeeper_mesos.secret"},
	{name: "zookeeper credential out of use", old: three, new: three, extraN: "security:\n  zookeeper_auth: false\n",
		want: rollout.RotateZooKeeperCredential, file: "description", path: "security.zookeeper_auth"},
	{name: "rotate agent credential", old: three, new: three,
		mod:  func(b *secrets.Bundle) { b.MesosAgent.Secret = "another-secret-for-the-test" },
		want: rollout.RotateCredential, file: "secrets", path: "mesos_agent.secret"},
	{name: "rename", old: three, new: three, edit: func(m *manifest.Manifest) { m.Cluster.Name = "Other" },
		want: rollout.RenameCluster, file: "description", path: "cluster"},
	{name: "master work_dir", old: three, new: three, edit: func(m *manifest.Manifest) { m.Nodes[0].Master.WorkDir = "/srv/mesos" },
		want: rollout.MoveWorkDir, file: "description", path: "nodes[0]"},
	{name: "agent work_dir", old: three, new: three, edit: func(m *manifest.Manifest) { m.Nodes[3].Agent.WorkDir = "/srv/agent" },
		want: rollout.MoveWorkDir, file: "description", path: "nodes[3]"},
	// zookeeperAdmin.md:1911.
	{name: "zookeeper dataDir", old: three, new: three, edit: func(m *manifest.Manifest) { m.Nodes[1].ZooKeeper.DataDir = "/tmp/zookeeper" },
		want: rollout.MoveZooKeeperData, file: "description", path: "nodes[1]"},
	{name: "marathon zk path", old: three, new: three,
		edit: func(m *manifest.Manifest) {
			m.Cluster.ZK.Marathon = strings.Replace(m.Cluster.ZK.Marathon, "/marathon", "/apps", 1)
		},
		want: rollout.MoveZKPath, file: "description", path: ""},
}

func testHazard(t *testing.T, tt hazardCase) {
	{
		{
			old := render(t, describe(tt.old, tt.extraOld), nil)
			if tt.edit != nil {
				// What an older mesosimg wrote: its recorded state, and other files.
				tt.edit(old.man)
				for i := range old.man.Nodes {
					for j := range old.man.Nodes[i].Files {
						old.man.Nodes[i].Files[j].SHA256[0] ^= 1
					}
				}
			}
			new := render(t, describe(tt.new, tt.extraN), tt.mod)
			p := planOf(old, new)
			var found *rollout.Hazard
			for i, h := range p.Hazards {
				if h.Name == tt.want {
					found = &p.Hazards[i]
					break
				}
			}
			if found == nil {
				t.Fatalf("no %s hazard; got %v", tt.want, hazardNames(p))
			}
			if found.File != tt.file || found.Path != tt.path || found.Accepted {
				t.Errorf("%s at %s %q (accepted %v); want %s %q, refused", found.Name, found.File, found.Path, found.Accepted, tt.file, tt.path)
			}
			if found.Problem == "" || found.Safe == "" || len(found.Sources) == 0 {
				t.Errorf("%s lacks a reason, a safe way or a citation: %+v", found.Name, found)
			}
			for _, s := range found.Sources {
				if !strings.Contains(s, "@") || strings.Count(s, ":") < 2 {
					t.Errorf("citation %q is not repo@ref:path:line", s)
				}
			}
			if !strings.Contains(found.Message(), "--accept "+string(tt.want)) {
				t.Errorf("message does not say how to accept: %s", found.Message())
			}
			var all []rollout.HazardName
			for _, h := range p.Hazards {
				all = append(all, h.Name)
			}
			accepted := planOf(old, new, all...)
			if len(accepted.Refused()) > 0 || !accepted.Changed || len(accepted.Steps) == 0 {
				t.Fatalf("accepting %v: refused %v, %d steps", all, accepted.Refused(), len(accepted.Steps))
			}
			if bad := checkRollout(accepted, old.man, new.man); len(bad) > 0 {
				t.Errorf("accepted rollout breaks a rule:\n%s", strings.Join(bad, "\n"))
			}
		}
	}
}

// TestEveryHazardClassTested: the table above covers every class, so a new class comes with a test.
func TestEveryHazardClassTested(t *testing.T) {
	tested := map[rollout.HazardName]bool{}
	for _, c := range hazardCases {
		tested[c.want] = true
	}
	for _, h := range rollout.Hazards {
		if !tested[h.Name] {
			t.Errorf("hazard %s has no case in TestHazards", h.Name)
		}
	}
	if len(rollout.HazardNames()) != len(rollout.Hazards) || !rollout.KnownHazard("wipe-replicated-log") || rollout.KnownHazard("wipe") {
		t.Error("HazardNames or KnownHazard disagree with Hazards")
	}
}

package rollout_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mesosimg/mesosimg/rollout"
	"github.com/mesosimg/mesosimg/secrets"
)

// TestStepOrder fixes the rollout of each kind of change, step by step, and holds every plan
// to the rules of checkRollout.
func TestStepOrder(t *testing.T) {

	rotate := func(b *secrets.Bundle) { b.ZooKeeperMesos.Secret = "rotated-secret-for-the-test" }
	for _, tt := range []struct {
		name     string
		old, new string
		extraOld string
		extraNew string
		mod      func(*secrets.Bundle)
		// mutateNew edits the new description's text (nil: none).
		mutateNew func(string) string
		hazards   []string
		steps     []string
	}{
		{
			// apache/mesos 1.11.0 docs/operational-guide.md:36: the 3 restart with --quorum=3
			// before the 2 new masters start; ZooKeeper's new members join first
			// (FastLeaderElection.java:1162, LearnerHandler.java:506), so their masters wait.
			// The old members' firewalls admit the new ones first (the firewall stage): each
			// keeps its ensemble and masters; the agent admits the new masters.
			name: "3 to 5", old: three, new: "m1:zmk m2:zmk m3:zmk m4:zm m5:zm a1:a",
			steps: []string{"render stage:firewall", "reapply m1,m2,m3 one-at-a-time leader-last stage:firewall", "reapply a1 stage:firewall", "render",
				"boot m4 held:mesos-master@m4 needs:quorum-gate", "boot m5 held:mesos-master@m5 needs:quorum-gate",
				"reapply m1,m2,m3 one-at-a-time leader-last", "gate m4,m5 needs:quorum-gate", "reapply a1"},
		},
		{
			// Turning the firewall off while growing: the old members still drop the new ones
			// until the stage has opened them (here: removed their rulesets).
			name: "3 to 5 turning the firewall off", old: three, new: "m1:zmk m2:zmk m3:zmk m4:zm m5:zm a1:a",
			extraNew: "security:\n  firewall: false\n",
			steps: []string{"render stage:firewall", "reapply m1,m2,m3 one-at-a-time leader-last stage:firewall", "reapply a1 stage:firewall", "render",
				"boot m4 held:mesos-master@m4 needs:quorum-gate", "boot m5 held:mesos-master@m5 needs:quorum-gate",
				"reapply m1,m2,m3 one-at-a-time leader-last", "gate m4,m5 needs:quorum-gate", "reapply a1"},
		},
		{
			// Without the firewall, no stage.
			name: "3 to 5 without the firewall", old: three, new: "m1:zmk m2:zmk m3:zmk m4:zm m5:zm a1:a",
			extraOld: "security:\n  firewall: false\n", extraNew: "security:\n  firewall: false\n",
			steps: []string{"render",
				"boot m4 held:mesos-master@m4 needs:quorum-gate", "boot m5 held:mesos-master@m5 needs:quorum-gate",
				"reapply m1,m2,m3 one-at-a-time leader-last", "gate m4,m5 needs:quorum-gate", "reapply a1"},
		},
		{
			// operational-guide.md:57: 2 masters leave for good first, then the 3 restart.
			name: "5 to 3", old: "m1:zmk m2:zmk m3:zmk m4:zm m5:zm a1:a", new: three,
			steps: []string{"render", "stop m4,m5 needs:removal-seed", "reapply m1,m2,m3 one-at-a-time leader-last", "reapply a1"},
		},
		{
			// operational-guide.md:44: leaving one master wipes the log; one ZooKeeper
			// server grows only by restarting it (zookeeperReconfig.md:552).
			// m2 and m3 start their masters with the ZooKeeper restart, before a1 is re-applied:
			// the firewall stage first opens a1's agent port (@masters) to them.
			name: "1 to 3", old: "m1:zmk a1:a", new: three,
			hazards: []string{"zookeeper-outage", "wipe-replicated-log"},
			steps: []string{"render stage:firewall", "reapply m1 stage:firewall", "reapply a1 stage:firewall",
				"render", "reapply m1 needs:wipe-replicated-log", "boot m2", "boot m3", "reapply a1"},
		},
		{
			name: "1 to 3 without the firewall", old: "m1:zmk a1:a", new: three,
			extraOld: "security:\n  firewall: false\n", extraNew: "security:\n  firewall: false\n",
			hazards: []string{"zookeeper-outage", "wipe-replicated-log"},
			steps:   []string{"render", "reapply m1 needs:wipe-replicated-log", "boot m2", "boot m3", "reapply a1"},
		},
		{
			name: "add agents", old: three, new: three + " a2:a a3:a",
			steps: []string{"render", "reapply m1,m2,m3 one-at-a-time leader-last", "reapply a1", "boot a2,a3"},
		},
		{
			// operational-guide.md:63: the failed master never comes back, the new one
			// starts with an empty log before the others restart. Without the firewall, or at
			// the removed master's address, which every ruleset admits already.
			name: "replace a dead master", old: "z1:z z2:z z3:z m1:m m2:m m3:m k1:k a1:a", new: "z1:z z2:z z3:z m1:m m3:m m4:m k1:k a1:a",
			extraOld: "security:\n  firewall: false\n", extraNew: "security:\n  firewall: false\n",
			steps: []string{"render", "stop m2 needs:removal-seed", "reapply z1,z2,z3 one-at-a-time leader-last",
				"boot m4", "reapply m1,m3 one-at-a-time", "reapply k1", "reapply a1"},
		},
		{
			name: "replace a dead master at its address", old: "z1:z z2:z z3:z m1:m m2:m m3:m k1:k a1:a", new: "z1:z z2:z z3:z m1:m m3:m m4:m k1:k a1:a",
			mutateNew: func(s string) string { return strings.Replace(s, "ip: 10.0.0.104", "ip: 10.0.0.102", 1) },
			steps: []string{"render", "stop m2 needs:removal-seed", "reapply z1,z2,z3 one-at-a-time leader-last",
				"boot m4", "reapply m1,m3 one-at-a-time", "reapply k1", "reapply a1"},
		},
		{
			// With the firewall on, the kept masters (the masters' port admits @cluster), k1
			// and a1 (@masters) drop m4 until re-applied: m4 boots after them.
			name: "replace a dead master with the firewall", old: "z1:z z2:z z3:z m1:m m2:m m3:m k1:k a1:a", new: "z1:z z2:z z3:z m1:m m3:m m4:m k1:k a1:a",
			steps: []string{"render", "stop m2 needs:removal-seed", "reapply z1,z2,z3 one-at-a-time leader-last",
				"reapply m1,m3 one-at-a-time", "reapply k1", "reapply a1", "boot m4"},
		},
		{
			// clusterd src/slave/compatibility.cpp:35: under equal a changed resource makes the
			// agent refuse to recover; the rollout drains it and starts it over.
			name: "change agent resources", old: three, new: three,
			extraOld: "mesos:\n  agent:\n    resources: {cpus: \"4\"}\n", extraNew: "mesos:\n  agent:\n    resources: {cpus: \"8\"}\n",
			hazards: []string{"wipe-agent-state"},
			steps:   []string{"render", "reapply a1 needs:new-agent-id"},
		},
		{
			// clusterd src/slave/compatibility.cpp:54: additive accepts a grown scalar.
			name: "grow agent resources under additive", old: three, new: three,
			extraOld: "mesos:\n  agent:\n    flags: {reconfiguration_policy: additive}\n    resources: {cpus: \"4\"}\n",
			extraNew: "mesos:\n  agent:\n    flags: {reconfiguration_policy: additive}\n    resources: {cpus: \"8\"}\n",
			steps:    []string{"render", "reapply a1"},
		},
		{
			// The znodes belong to the old credential (clusterd src/zookeeper/group.cpp:98):
			// the new identity gets them before any node changes, the old one goes last.
			name: "rotate a credential", old: three, new: three, mod: rotate,
			hazards: []string{"rotate-zookeeper-credential"},
			steps:   []string{"render", "acl", "reapply m1,m2,m3 one-at-a-time leader-last", "reapply a1", "acl"},
		},
		{name: "no change", old: three, new: three},
	} {
		t.Run(tt.name, func(t *testing.T) {
			old := render(t, describe(tt.old, tt.extraOld), nil)
			newText := describe(tt.new, tt.extraNew)
			if tt.mutateNew != nil {
				newText = tt.mutateNew(newText)
			}
			new := render(t, newText, tt.mod)
			var accept []rollout.HazardName
			for _, h := range tt.hazards {
				accept = append(accept, rollout.HazardName(h))
			}
			refused := planOf(old, new)
			if got := hazardNames(refused); !cmp.Equal(got, tt.hazards) {
				t.Errorf("hazards %v; want %v", got, tt.hazards)
			}
			if len(tt.hazards) > 0 && len(refused.Refused()) == 0 {
				t.Error("nothing refused without --accept")
			}
			p := planOf(old, new, accept...)
			if len(p.Refused()) > 0 {
				t.Fatalf("refused with every hazard accepted: %v", p.Refused())
			}
			var got []string
			for _, s := range p.Steps {
				got = append(got, stepLine(s))
			}
			if diff := cmp.Diff(tt.steps, got); diff != "" {
				t.Errorf("steps (-want +got):\n%s\n%s", diff, p.Text("new.yaml", "out"))
			}
			if p.Changed != (len(tt.steps) > 0) {
				t.Errorf("changed = %v with steps %v", p.Changed, got)
			}
			if bad := checkRollout(p, old.man, new.man); len(bad) > 0 {
				t.Errorf("rollout breaks a rule:\n%s\n%s", strings.Join(bad, "\n"), p.Text("new.yaml", "out"))
			}
		})
	}
}

// TestUnsafeOrdersAreCaught: checkRollout, which every ordering test relies on, finds a master
// started before the kept ones have the new quorum, and new ZooKeeper members that are a
// majority by themselves, so a plan that broke the rules would fail.
func TestUnsafeOrdersAreCaught(t *testing.T) {
	old := render(t, describe("m1:zmk m2:zmk m3:zmk", ""), nil)
	new := render(t, describe("m1:zmk m2:zmk m3:zmk m4:zm m5:zm", ""), nil)
	p := planOf(old, new)
	for i := range p.Steps {
		p.Steps[i].Held = nil // the new masters start at once, with the old ones at --quorum=2
	}
	if bad := simulate(p, old.man, new.man); len(bad) == 0 {
		t.Error("masters started before the quorum change went unnoticed")
	}
	// Without the firewall stage the new members boot while the old ones drop them.
	var open []rollout.Step
	for _, s := range planOf(old, new).Steps {
		if s.Stage == "" {
			open = append(open, s)
		}
	}
	if bad := simulate(&rollout.Plan{Steps: open}, old.man, new.man); !strings.Contains(strings.Join(bad, "\n"), "firewall drops it") {
		t.Errorf("new members booted behind closed firewalls went unnoticed: %v", bad)
	}
	grow := render(t, describe("m1:zmk m2:zmk m3:zmk m4:zm m5:zm m6:zm m7:zm", ""), nil)
	// 4 new members of 7 booted before the old ones restart are a majority by themselves.
	unsafe := &rollout.Plan{Steps: []rollout.Step{
		{Number: 1, Kind: rollout.StepBoot, Nodes: []string{"m4", "m5", "m6", "m7"}, Held: []rollout.Hold{{Node: "m4", Service: "mesos-master"}}},
		{Number: 2, Kind: rollout.StepReapply, Nodes: []string{"m1", "m2", "m3"}, OneAtATime: true},
	}}
	if bad := simulate(unsafe, old.man, grow.man); len(bad) == 0 {
		t.Error("joiners forming a majority went unnoticed")
	}
}

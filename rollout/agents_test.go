package rollout_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/mesosimg/mesosimg/rollout"
)

// Re-applying an agent reboots its machine, and the plan must say what that does to its
// tasks (the text once claimed they kept running). Recovery does not restart executors and
// tasks that exited while the agent was down (apache/mesos@1.11.0 docs/agent-recovery.md:37);
// the agent keeps its ID when its agent info is compatible, else registers as a new agent
// (m3scluster/clusterd@v1.11.0-0.7.1 src/slave/slave.cpp:7959). Draining first
// (docs/maintenance.md:53) moves the tasks; a drained agent needs REACTIVATE_AGENT
// (docs/maintenance.md:92).
func TestAgentRebootSaysItEndsTheTasks(t *testing.T) {
	for _, tt := range []struct{ name, old, new string }{
		{"agents added", "m1:zmk a1:a a2:a", "m1:zmk a1:a a2:a a3:a"},
		{"firewall stage", three, "m1:zmk m2:zmk m3:zmk m4:zm m5:zm a1:a"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := planOf(render(t, describe(tt.old, ""), nil), render(t, describe(tt.new, ""), nil))
			seen := 0
			for _, s := range p.Steps {
				if s.Kind != rollout.StepReapply || !strings.HasPrefix(s.Nodes[0], "a") {
					continue
				}
				seen++
				line := stepLine(s)
				if !strings.Contains(s.Effect, "the reboot ends its tasks") || strings.Contains(s.Effect, "keep running") || strings.Contains(s.Effect, "reconnects") {
					t.Errorf("%s: effect %q does not say that the reboot ends the agent's tasks", line, s.Effect)
				}
				calls := strings.Join(s.Commands, "\n")
				for _, call := range []string{`"type":"DRAIN_AGENT"`, `"type":"REACTIVATE_AGENT"`} {
					if !strings.Contains(calls, call) {
						t.Errorf("%s: no %s call among its commands:\n%s", line, call, calls)
					}
				}
				if strings.Index(calls, "DRAIN_AGENT") > strings.Index(calls, "REACTIVATE_AGENT") {
					t.Errorf("%s: reactivates before it drains:\n%s", line, calls)
				}
				for _, src := range []string{"apache/mesos@1.11.0:docs/agent-recovery.md:37", "m3scluster/clusterd@v1.11.0-0.7.1:src/slave/slave.cpp:7959", "apache/mesos@1.11.0:docs/maintenance.md:92"} {
					if !slices.Contains(s.Sources, src) {
						t.Errorf("%s: does not cite %s (cites %v)", line, src, s.Sources)
					}
				}
			}
			if seen == 0 {
				t.Fatalf("no step re-applies an agent: %v", p.Steps)
			}
		})
	}
}

// A replaced master at a new address, with the firewall on: the kept masters (the masters'
// port admits @cluster), Marathon and the agents (their ports admit @masters) drop it until
// re-applied, so it boots after them, and the plan says what that costs and how to avoid it.
func TestReplacedMasterWaitsForTheFirewalls(t *testing.T) {
	old := render(t, describe("z1:z z2:z z3:z m1:m m2:m m3:m k1:k a1:a", ""), nil)
	p := planOf(old, render(t, describe("z1:z z2:z z3:z m1:m m3:m m4:m k1:k a1:a", ""), nil))
	var kept *rollout.Step
	for i, s := range p.Steps {
		if s.Kind == rollout.StepReapply && slices.Equal(s.Nodes, []string{"m1", "m3"}) {
			kept = &p.Steps[i]
		}
	}
	if kept == nil {
		t.Fatalf("no step re-applies m1 and m3: %v", p.Steps)
	}
	for _, want := range []string{"only 1 master runs, fewer than --quorum=2", "the address of the master it replaces"} {
		if !strings.Contains(kept.Effect, want) {
			t.Errorf("the kept masters' step does not say %q: %s", want, kept.Effect)
		}
	}
	last := p.Steps[len(p.Steps)-1]
	if last.Kind != rollout.StepBoot || !slices.Equal(last.Nodes, []string{"m4"}) || !strings.Contains(last.Effect, "firewalls admit it") {
		t.Errorf("the last step is %q (%s), want m4's boot after the nodes whose firewalls admit it", stepLine(last), last.Effect)
	}
}

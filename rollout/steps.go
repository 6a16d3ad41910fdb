package rollout

import (
	"fmt"
	"strings"

	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/manifest"
)

// steps orders the rollout. The order follows the upstream procedures:
//   - removed masters leave for good first (apache/mesos 1.11.0 docs/operational-guide.md:57,
//     :63), and a removed ZooKeeper member too, so no member or replica outside the new
//     configuration runs while the others restart;
//   - new ZooKeeper members start before the old ones restart: a starting member joins
//     the ensemble only when a majority of its own configuration follows one leader
//     (apache/zookeeper release-3.8.0-1 FastLeaderElection.java:1162), the old leader takes
//     it as a non-voting follower (LearnerHandler.java:506, FastLeaderElection.java:340),
//     and with reconfiguration off each member keeps its zoo.cfg's membership
//     (Learner.java:580, zookeeperAdmin.md:1377); the old members then restart one at a
//     time, the leader last, so the leader changes once;
//   - kept masters restart with the new quorum before new masters start (3 -> 5,
//     operational-guide.md:36): more masters running than the quorum allows corrupts the
//     log (operational-guide.md:29); a new master whose node must boot earlier (a new
//     ZooKeeper member) holds mesos-master until then;
//   - agents reboot last: the reboot ends their tasks (agent-recovery.md:37), which Marathon
//     starts again; draining each first moves them gracefully (see rebootAgents).
func (c *comparison) steps(p *Plan) []Step {
	if !p.Changed {
		return nil
	}
	b := &stepBuilder{c: c, p: p, done: map[string]bool{}, lateMasters: c.closedToNewMasters()}
	b.firewallStage()
	b.render()
	b.image()
	b.aclGrant()
	b.removals()
	b.zooKeeper()
	b.masters()
	b.others()
	b.agents()
	b.newMasters()
	b.fresh()
	b.aclCleanup()
	return b.steps
}

// stepBuilder collects the steps and the nodes already applied.
type stepBuilder struct {
	c     *comparison
	p     *Plan
	steps []Step
	done  map[string]bool
	// held are new masters whose mesos-master waits for the quorum gate.
	held []string
	// lateMasters are new masters the running nodes' firewalls drop: they boot after the
	// agents (see closedToNewMasters).
	lateMasters []manifest.Master
}

func (b *stepBuilder) add(s Step) *Step {
	s.Number = len(b.steps) + 1
	if s.Kind == StepReapply {
		b.wipeIfNeeded(&s)
	}
	b.steps = append(b.steps, s)
	for _, n := range s.Nodes {
		if s.Kind == StepBoot || s.Kind == StepReapply || s.Kind == StepStop {
			b.done[n] = true
		}
	}
	return &b.steps[len(b.steps)-1]
}

// pending are the nodes to boot or re-apply that no step has taken yet, in description order, with filter.
func (b *stepBuilder) pending(filter func(n *manifest.Node) bool) []*manifest.Node {
	var out []*manifest.Node
	for i := range b.c.new.Nodes {
		n := &b.c.new.Nodes[i]
		if b.c.applies[n.Name] && !b.done[n.Name] && filter(n) {
			out = append(out, n)
		}
	}
	return out
}

func (b *stepBuilder) isNew(name string) bool { return b.c.oldNodes[name] == nil }

var reapplyNeeds = []Need{NeedNewInstanceID, NeedRerunnableFirstBoot}

func (b *stepBuilder) render() {
	b.add(Step{Kind: StepRender, Do: "render the new description into the output directory (it replaces the old render)",
		Commands: []string{b.renderCommand()}, WaitFor: []string{"it exits 0: " + b.c.under("manifest.json") + " now records the new description"}})
}

func (b *stepBuilder) image() {
	changed := false
	for _, f := range b.p.ClusterFiles {
		changed = changed || strings.HasPrefix(f.Path, "packer/")
	}
	if !changed || (b.c.new.Cluster.InstallMethod != v1.MethodPreinstalled && b.p.Summary.New == 0) {
		return
	}
	dir := b.c.under("packer")
	b.add(Step{Kind: StepImage, Do: "build the base image again from the new Packer template: new machines boot from it",
		Commands: []string{"packer init " + dir, "packer build " + dir}, WaitFor: []string{"packer build exits 0 and names the new image"}})
}

// bootStep boots one node with its seed: a new machine, or a running one re-applied.
func (b *stepBuilder) bootStep(n *manifest.Node) *Step {
	if !b.isNew(n.Name) {
		return b.reapplyStep([]*manifest.Node{n})
	}
	return &Step{Kind: StepBoot, Nodes: []string{n.Name},
		Do:      fmt.Sprintf("boot the new machine %s (%s) with %s", n.Name, n.Address, b.c.seedOf(n)),
		WaitFor: []string{readiness(n)}}
}

// reapplyStep boots running nodes with their new seeds, one at a time.
func (b *stepBuilder) reapplyStep(nodes []*manifest.Node) *Step {
	s := &Step{Kind: StepReapply, Nodes: nodeNames(nodes), OneAtATime: len(nodes) > 1,
		Needs: append([]Need{}, reapplyNeeds...), WaitFor: readinessAll(nodes)}
	if len(nodes) == 1 {
		s.Do = fmt.Sprintf("boot %s with its new seed (%s)", nodes[0].Name, b.c.seedOf(nodes[0]))
	} else {
		s.Do = fmt.Sprintf("boot %s with their new seeds (%s), one at a time", names(s.Nodes), b.seedList(nodes))
	}
	return s
}

// seedList names the seeds of nodes: the first in full, the others by node.
func (b *stepBuilder) seedList(nodes []*manifest.Node) string {
	if len(nodes) == 1 {
		return b.c.seedOf(nodes[0])
	}
	first := b.c.seedOf(nodes[0])
	return strings.Replace(first, "/"+nodes[0].Name+"/", "/<node>/", 1)
}

func readinessAll(nodes []*manifest.Node) []string {
	out := make([]string, len(nodes))
	for i, n := range nodes {
		out[i] = readiness(n)
	}
	return out
}

func nodeNames(nodes []*manifest.Node) []string {
	out := make([]string, len(nodes))
	for i, n := range nodes {
		out[i] = n.Name
	}
	return out
}

func isAdded(list []manifest.Master, name string) bool {
	for _, m := range list {
		if m.Name == name {
			return true
		}
	}
	return false
}

func firstOf(list []string) string {
	if len(list) == 0 {
		return ""
	}
	return list[0]
}

// plural picks the singular or plural form for a list.
func plural(list []string, one, many string) string {
	if len(list) == 1 {
		return one
	}
	return many
}

// failures says how many more failures a quorum survives.
func failures(n int) string {
	switch n {
	case 0:
		return "no further failure"
	case 1:
		return "1 more failure"
	}
	return fmt.Sprintf("%d more failures", n)
}

func needNames(needs []Need) []string {
	out := make([]string, len(needs))
	for i, n := range needs {
		out[i] = string(n)
	}
	return out
}

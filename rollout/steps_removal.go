package rollout

import (
	"fmt"
	"strings"

	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/manifest"
)

// removals drains removed agents, stops removed nodes for good and re-applies the nodes that
// stop being ZooKeeper members or masters.
func (b *stepBuilder) removals() {
	c := b.c
	var drain, stop []string
	for i := range c.old.Nodes {
		o := &c.old.Nodes[i]
		n := c.newNodes[o.Name]
		if hasRole(o, v1.RoleAgent) && !hasRole(n, v1.RoleAgent) {
			drain = append(drain, o.Name)
		}
		if n == nil {
			stop = append(stop, o.Name)
		}
	}
	if len(drain) > 0 {
		b.add(Step{Kind: StepDrain, Nodes: drain,
			Do:       fmt.Sprintf("drain the agents of %s for good: their tasks are killed (Marathon starts them elsewhere) and the agents are marked gone%s", names(drain), c.secretNote()),
			Commands: c.drainCommands(true), WaitFor: []string{"each one's drain_info.state is DRAINED"},
			Sources: cite("mesos.drain", "mesos.drain.done", "mesos.drain.gone")})
	}
	if len(stop) > 0 {
		s := Step{Kind: StepStop, Nodes: stop, Needs: []Need{NeedRemovalSeed},
			Do:      fmt.Sprintf("power off %s for good: destroy %s, or boot %s with %s, which masks every service of mesosimg's roles for good; never with %s again", names(stop), plural(stop, "the machine", "the machines"), plural(stop, "it", "them"), c.under("retired/seed.iso"), plural(stop, "its old seed", "their old seeds")),
			WaitFor: []string{plural(stop, "it is off", "they are off")}, Effect: b.removalEffect()}
		if len(c.masters.removed) > 0 {
			s.Sources = append(s.Sources, cite("mesos.quorum.shrink", "mesos.master.replace")...)
		}
		if len(c.zk.leaving) > 0 {
			s.Sources = append(s.Sources, cite("zk.tolerance")...)
		}
		b.add(s)
	}
	dropping := b.pending(func(n *manifest.Node) bool {
		o := c.oldNodes[n.Name]
		return o != nil && ((hasRole(o, v1.RoleZooKeeper) && !hasRole(n, v1.RoleZooKeeper)) || (hasRole(o, v1.RoleMaster) && !hasRole(n, v1.RoleMaster)))
	})
	if len(dropping) > 0 {
		s := Step{Kind: StepReapply, Nodes: nodeNames(dropping), OneAtATime: len(dropping) > 1,
			Needs:   append(append([]Need{}, reapplyNeeds...), NeedDropServices),
			Do:      fmt.Sprintf("boot %s with %s, one at a time: first boot stops and disables for good the zookeeper or mesos-master %s no longer %s", names(nodeNames(dropping)), plural(nodeNames(dropping), "its new seed", "their new seeds"), plural(nodeNames(dropping), "it", "they"), plural(nodeNames(dropping), "runs", "run")),
			WaitFor: readinessAll(dropping), Effect: b.removalEffect(), Sources: cite("mesos.quorum.shrink")}
		for _, n := range dropping {
			b.holdIfNeeded(&s, n)
		}
		b.add(s)
	}
}

// removalEffect says what the cluster runs on once the removed members are gone.
func (b *stepBuilder) removalEffect() string {
	c := b.c
	var out []string
	if n := len(c.zk.leaving); n > 0 {
		left := c.zk.before - n
		if left >= majority(c.zk.before) {
			out = append(out, fmt.Sprintf("ZooKeeper runs on %d of its %d members, a quorum that tolerates %s until they restart", left, c.zk.before, failures(left-majority(c.zk.before))))
		} else {
			out = append(out, fmt.Sprintf("ZooKeeper runs on %d of its %d members: no quorum until they restart with the new configuration", left, c.zk.before))
		}
	}
	if n := len(c.masters.removed); n > 0 {
		k := len(c.masters.kept)
		if k >= c.masters.quorum {
			out = append(out, fmt.Sprintf("%d masters keep running with --quorum=%d", k, c.masters.quorum))
		} else {
			out = append(out, fmt.Sprintf("%d %s with --quorum=%d %s no leader until %s", k, plural(make([]string, k), "master", "masters"), c.masters.quorum, plural(make([]string, k), "has", "have"), plural(make([]string, k), "it restarts", "they restart")))
		}
	}
	return strings.Join(out, "; ")
}

package rollout

import (
	"fmt"
	"strings"

	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/manifest"
)

// masterRestartEffect says what restarting kept masters does to the log.
func (b *stepBuilder) masterRestartEffect(nodes []*manifest.Node) string {
	c := b.c
	var kept []string
	for _, n := range nodes {
		if isAdded(c.masters.kept, n.Name) {
			kept = append(kept, n.Name)
		}
	}
	if len(kept) == 0 || c.masters.quorum == c.masters.newQuorum {
		return ""
	}
	if len(c.masters.kept) == 1 {
		return fmt.Sprintf("the only master restarts with --quorum=%d", c.masters.newQuorum)
	}
	e := fmt.Sprintf("the masters restart with --quorum=%d", c.masters.newQuorum)
	if k := len(c.masters.kept); k-1 < max(c.masters.quorum, c.masters.newQuorum) {
		e += fmt.Sprintf(": with %d of them running and some at --quorum=%d, the log has no spare replica, so the masters may lose their leader while one restarts (agents and tasks keep running)", k, max(c.masters.quorum, c.masters.newQuorum))
	}
	if len(c.masters.kept) < c.masters.newQuorum {
		e += fmt.Sprintf("; they have no leader until %d masters run", c.masters.newQuorum)
	}
	return e
}

// quorumSources cite the procedure of the quorum change (none when it stays).
func (b *stepBuilder) quorumSources() []string {
	switch q, q2 := b.c.masters.quorum, b.c.masters.newQuorum; {
	case q2 > q:
		return cite("mesos.quorum.grow", "mesos.quorum.extra")
	case q2 < q:
		return cite("mesos.quorum.shrink", "mesos.quorum.extra")
	}
	return nil
}

// masters re-applies the kept masters, opens the quorum gate of held new masters, and boots
// the other new masters.
func (b *stepBuilder) masters() {
	c := b.c
	if c.masters.newQuorum == c.masters.quorum && len(b.lateMasters) == 0 {
		// Same quorum (a replaced master): the new ones first, so the kept ones restart with
		// every replica of the set running.
		b.newMasters()
	}
	kept := b.pending(func(n *manifest.Node) bool { return isAdded(c.masters.kept, n.Name) })
	if len(kept) > 0 {
		s := b.reapplyStep(kept)
		s.Effect = b.masterRestartEffect(kept)
		s.Sources = append(b.quorumSources(), s.Sources...)
		if len(b.lateMasters) > 0 && len(kept)-1 < c.masters.newQuorum {
			// The new masters boot after the nodes whose firewalls drop them: while one kept
			// master restarts, the others are fewer than the quorum the log needs.
			var late []string
			for _, m := range b.lateMasters {
				late = append(late, m.Name)
			}
			s.Effect = strings.TrimPrefix(s.Effect+fmt.Sprintf("; %s cannot boot first, as the running firewalls drop %s: while one of them restarts, %s, fewer than --quorum=%d: the replicated log takes no writes, and a new leader cannot recover it, until it is back. Giving %s the address of the master it replaces avoids this: the rulesets admit that address, and %s boots first",
				names(late), plural(late, "its address", "their addresses"), running(len(kept)-1), c.masters.newQuorum, names(late), names(late)), "; ")
			s.Sources = append(s.Sources, cite("mesos.quorum.majority")...)
		}
		b.add(*s)
	}
	if len(b.held) > 0 {
		var waits []string
		for _, name := range b.held {
			waits = append(waits, readiness(c.newNodes[name]))
		}
		b.add(Step{Kind: StepGate, Nodes: b.held, Needs: []Need{NeedQuorumGate},
			Do:      fmt.Sprintf("nothing to do: mesos-master starts by itself on %s now that every running master has --quorum=%d", names(b.held), c.masters.newQuorum),
			WaitFor: waits, Effect: "the new masters start with empty logs and catch up from the others",
			Sources: cite("mesos.quorum.grow", "mesos.master.replace")})
	}
	if len(b.lateMasters) == 0 {
		b.newMasters()
	}
}

// running says how many masters run: "only 1 master runs", "2 masters run".
func running(n int) string {
	if n == 1 {
		return "only 1 master runs"
	}
	return fmt.Sprintf("%d masters run", n)
}

// newMasters boots the new masters not booted yet, one at a time.
func (b *stepBuilder) newMasters() {
	added := b.pending(func(n *manifest.Node) bool { return hasRole(n, v1.RoleMaster) && !isAdded(b.c.masters.kept, n.Name) })
	for _, n := range added {
		s := b.bootStep(n)
		s.Effect = "its log starts empty and catches up from the others"
		s.Sources = cite("mesos.master.replace", "mesos.quorum.extra")
		if isAdded(b.lateMasters, n.Name) {
			s.Effect = "the running nodes' firewalls admit it now that they are re-applied (it boots after them for that); " + s.Effect
			s.Sources = append(s.Sources, cite("libprocess.send")...)
		}
		b.add(*s)
	}
}

// wipeIfNeeded makes the re-apply of the single old master wipe its replicated log
// (operational-guide.md:44-50), when the change leaves a single master.
func (b *stepBuilder) wipeIfNeeded(s *Step) {
	c := b.c
	if !c.masters.wipes() || len(c.masters.kept) != 1 || !contains(s.Nodes, c.masters.kept[0].Name) {
		return
	}
	n := c.newNodes[c.masters.kept[0].Name]
	s.Needs = append(s.Needs, NeedWipeReplicatedLog)
	s.Do += fmt.Sprintf("; %s's first boot removes %s/replicated_log before mesos-master starts", n.Name, n.Master.WorkDir)
	s.Effect = strings.TrimPrefix(s.Effect+"; the registry is lost (agents register again; maintenance schedules and quota are gone)", "; ")
	s.Sources = append(s.Sources, cite("mesos.quorum.single")...)
}

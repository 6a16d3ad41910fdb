package rollout

import (
	"fmt"
	"strings"

	"github.com/mesosimg/mesosimg/manifest"
)

// zooKeeper boots the new members and re-applies the old ones, in the safe order, or restarts
// the whole ensemble when the change allows no rolling order (accepted hazards).
func (b *stepBuilder) zooKeeper() {
	c := b.c
	if c.zk.outage() {
		b.zooKeeperRestart()
		return
	}
	for _, m := range c.zk.joiners {
		n := c.newNodes[m.Name]
		if n == nil || b.done[n.Name] {
			continue
		}
		s := b.bootStep(n)
		s.Do += fmt.Sprintf(": it joins the ensemble as myid %d", m.MyID)
		s.Effect = "it follows the current leader; the old members do not count it until they restart with the new configuration"
		s.Sources = cite("zk.learner.outside", "zk.fle.nonvoting", "zk.fle.join", "zk.static.config", "zk.reconfig.off")
		s.WaitFor = []string{readiness(n), srvr(n, "follower")}
		b.holdIfNeeded(s, n)
		b.add(*s)
	}
	members := b.pending(func(n *manifest.Node) bool { return n.MyID > 0 && !b.isNew(n.Name) })
	if len(members) == 0 {
		return
	}
	s := b.reapplyStep(members)
	for _, n := range members {
		b.holdIfNeeded(s, n)
	}
	if len(members) > 1 {
		s.ZooKeeperLeaderLast = true
		s.Do += "; the ZooKeeper leader goes last (find it first: the member whose `echo srvr | nc ADDRESS 2181` says Mode: leader)"
	}
	for i := range s.WaitFor {
		s.WaitFor[i] += " and " + srvr(members[i], "leader or follower")
	}
	var effect []string
	if c.zk.before != c.zk.after {
		if c.zk.after == 1 {
			effect = append(effect, "the member restarts as the ensemble's only server")
		} else {
			effect = append(effect, fmt.Sprintf("each member restarts into the %d-member ensemble and rejoins the leader", c.zk.after))
		}
		if left := c.zk.before - len(c.zk.leaving); len(c.zk.leaving) > 0 && left == majority(c.zk.before) {
			effect = append(effect, fmt.Sprintf("until the members that still run the old configuration have restarted, a restart may leave ZooKeeper without a quorum until that member is back (%d members are exactly a majority of the old %d)", left, c.zk.before))
		}
		s.Sources = append(s.Sources, cite("zk.fle.join", "zk.rolling")...)
	}
	if e := b.masterRestartEffect(members); e != "" {
		effect = append(effect, e)
		s.Sources = append(s.Sources, b.quorumSources()...)
	}
	s.Effect = strings.Join(effect, "; ")
	b.add(*s)
}

// zooKeeperRestart restarts the ensemble as a whole: the members that hold data first, all
// at once, then the new ones one at a time, so no election forms without them.
func (b *stepBuilder) zooKeeperRestart() {
	c := b.c
	held := map[string]bool{} // addresses whose member holds data
	for _, m := range c.old.Cluster.Ensemble {
		held[m.Address] = true
	}
	holders := b.pending(func(n *manifest.Node) bool { return n.MyID > 0 && held[n.Address] && !b.isNew(n.Name) })
	if len(holders) > 0 {
		s := b.reapplyStep(holders)
		s.OneAtATime = false
		hs := nodeNames(holders)
		s.Do = fmt.Sprintf("power off %s, then boot %s: no member may keep running with the old configuration", names(hs), plural(hs, "it with its new seed", "them with their new seeds at the same time"))
		if len(holders) >= majority(c.zk.after) {
			s.WaitFor = append(readinessAll(holders), "one of them says Mode: leader (`echo srvr | nc ADDRESS 2181`), the others Mode: follower")
		} else {
			s.WaitFor = []string{fmt.Sprintf("%s (its readiness line on the console; zookeeper=timeout is expected: %d of %d members %s no quorum yet)", plural(hs, "it has booted", "each has booted"), len(holders), c.zk.after, plural(hs, "is", "are"))}
		}
		s.Effect = fmt.Sprintf("ZooKeeper has no quorum from here until %d members of the new ensemble run: the masters lose their leader (the leading one aborts and restarts), Marathon stops serving, agents and tasks keep running", majority(c.zk.after))
		s.Sources = append(cite("zk.joiners", "zk.fle.join", "zk.empty.votes", "mesos.quorum.abort"), s.Sources...)
		b.add(*s)
	}
	for _, m := range c.new.Cluster.Ensemble {
		n := c.newNodes[m.Name]
		if n == nil || b.done[n.Name] {
			continue
		}
		s := b.bootStep(n)
		s.Do += fmt.Sprintf(": it joins the ensemble as myid %d", m.MyID)
		s.WaitFor = []string{readiness(n) + " (zookeeper=ok once a majority of the new ensemble runs)"}
		b.holdIfNeeded(s, n)
		b.add(*s)
	}
}

// keptMastersDone reports whether every kept master that changes has restarted already.
func (b *stepBuilder) keptMastersDone() bool {
	for _, m := range b.c.masters.kept {
		if b.c.applies[m.Name] && !b.done[m.Name] {
			return false
		}
	}
	return true
}

// holdIfNeeded holds mesos-master on a new master that boots before the kept masters have
// the new, larger quorum: started now, it would run beside masters with the smaller one
// (operational-guide.md:29, :36).
func (b *stepBuilder) holdIfNeeded(s *Step, n *manifest.Node) bool {
	c := b.c
	if !isAdded(c.masters.added, n.Name) || c.masters.newQuorum <= c.masters.quorum || b.keptMastersDone() {
		return false
	}
	s.Held = append(s.Held, Hold{Node: n.Name, Service: "mesos-master"})
	if !contains(needNames(s.Needs), string(NeedQuorumGate)) {
		s.Needs = append(s.Needs, NeedQuorumGate)
	}
	s.Do += fmt.Sprintf("; %s's mesos-master must wait until every running master has --quorum=%d (the quorum gate)", n.Name, c.masters.newQuorum)
	for i := range s.WaitFor {
		s.WaitFor[i] = strings.Replace(s.WaitFor[i], readiness(n), readiness(n, "mesos-master"), 1)
	}
	b.held = append(b.held, n.Name)
	return true
}

package rollout

import (
	"fmt"

	"github.com/mesosimg/mesosimg/manifest"
)

// masterChange is how the set of Mesos masters changes. A master is its node name at its
// address: each master is a replica of the replicated log (apache/mesos 1.11.0
// docs/operational-guide.md:14), so one at another address is another replica.
type masterChange struct {
	kept, added, removed []manifest.Master
	quorum, newQuorum    int
}

// analyseMasters compares two master sets.
func analyseMasters(old, new []manifest.Master, quorum, newQuorum int) masterChange {
	ch := masterChange{quorum: quorum, newQuorum: newQuorum}
	before := map[manifest.Master]bool{}
	for _, m := range old {
		before[m] = true
	}
	after := map[manifest.Master]bool{}
	for _, m := range new {
		after[m] = true
		if before[m] {
			ch.kept = append(ch.kept, m)
		} else {
			ch.added = append(ch.added, m)
		}
	}
	for _, m := range old {
		if !after[m] {
			ch.removed = append(ch.removed, m)
		}
	}
	return ch
}

// wipes says whether the change leaves a single-master setup, which needs a fresh log.
func (m masterChange) wipes() bool {
	before := len(m.kept) + len(m.removed)
	return before == 1 && (len(m.kept)+len(m.added) > 1 || len(m.removed) == 1)
}

// masterHazards finds a single master left behind, quorum jumps, removals beyond the
// quorum's tolerance and moved work directories.
func (c *comparison) masterHazards() {
	m := c.masters
	before, after := len(m.kept)+len(m.removed), len(m.kept)+len(m.added)
	where := c.masterPath()
	switch {
	case m.wipes():
		// Moving out of a single master wipes the replicated log (operational-guide.md:44).
		c.hazards.add(WipeReplicatedLog, where, masterNames(append(append([]manifest.Master{}, m.kept...), m.added...)),
			fmt.Sprintf("leaving a single Mesos master (1 -> %d masters%s) requires wiping the replicated log: the registry is lost (agents, maintenance schedules, quota), and agents must register again",
				after, replacedNote(m)),
			"start clusters with 3 masters; when the registry's loss is acceptable, accept it and follow the rollout (the single master's replicated_log is removed before the masters start with the new quorum)",
			cite("mesos.quorum.single"))
	case before > 1 && abs(m.newQuorum-m.quorum) > 1:
		// The quorum moves one step at a time (operational-guide.md:42, :60).
		c.hazards.add(SkipQuorumStep, where, masterNames(append(append([]manifest.Master{}, m.added...), m.removed...)),
			fmt.Sprintf("the master quorum moves from %d to %d (%d -> %d masters): the safe sequence changes it by one at a time, and no order of this one change keeps the log safe and available",
				m.quorum, m.newQuorum, before, after),
			fmt.Sprintf("change the masters in steps of one quorum: first to %d masters (quorum %d), render and apply, then the next step", stepTarget(m.quorum, m.newQuorum), stepQuorum(m.quorum, m.newQuorum)),
			cite("mesos.quorum.grow.step", "mesos.quorum.shrink.step", "mesos.quorum.extra"))
	}
	if before > 1 && len(m.kept) < m.quorum && len(m.removed) > 0 {
		// Removed masters go first (operational-guide.md:57); fewer kept than the old quorum
		// cannot serve the log, and may all miss the newest entries.
		c.hazards.add(RemoveBeyondTolerance, c.masterLeavingPath(), masterNames(m.removed),
			fmt.Sprintf("%d of %d masters leave but the quorum of %d tolerates %d: the kept ones (%d) are no quorum of the old log, may all lack its newest entries, and the masters have no leader until they restart with --quorum=%d",
				len(m.removed), before, m.quorum, before-m.quorum, len(m.kept), m.newQuorum),
			fmt.Sprintf("remove at most %d per plan", before-m.quorum),
			cite("mesos.quorum.shrink", "mesos.quorum.majority"))
	}
	for _, k := range m.kept {
		o, n := c.oldNodes[k.Name], c.newNodes[k.Name]
		if o.Master == nil || n.Master == nil || o.Master.WorkDir == n.Master.WorkDir {
			continue
		}
		c.hazards.add(MoveWorkDir, c.nodePath(k.Name, ""), []string{k.Name},
			fmt.Sprintf("%s's master --work_dir changes from %s to %s (the render in the output directory was made by mesosimg %s): the master starts with an empty replicated log there",
				k.Name, o.Master.WorkDir, n.Master.WorkDir, versionOf(c.old)),
			fmt.Sprintf("move %s to %s while the master is stopped, then boot it with its new seed", o.Master.WorkDir, n.Master.WorkDir),
			cite("mesos.master.replace"))
	}
}

// masterPath is where the description shows the master change: the roles of the first new
// master, else the node list.
func (c *comparison) masterPath() string {
	for _, a := range c.masters.added {
		return c.nodePath(a.Name, "roles")
	}
	return c.masterLeavingPath()
}

// masterLeavingPath is the roles of a node that stays without the master role, else the node list.
func (c *comparison) masterLeavingPath() string {
	for _, r := range c.masters.removed {
		if _, ok := c.index[r.Name]; ok {
			return c.nodePath(r.Name, "roles")
		}
	}
	return "nodes"
}

func replacedNote(m masterChange) string {
	if len(m.kept) == 0 {
		return ", the only master replaced"
	}
	return ""
}

// stepQuorum is the quorum one step from q towards target.
func stepQuorum(q, target int) int {
	if target > q {
		return q + 1
	}
	return q - 1
}

// stepTarget is the largest master count of the next quorum step (2q-1), or the smallest
// when shrinking.
func stepTarget(q, target int) int {
	next := stepQuorum(q, target)
	return 2*next - 1
}

func masterNames(ms []manifest.Master) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Name
	}
	return out
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

package rollout

import (
	"fmt"

	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/manifest"
)

// others re-applies and boots the remaining nodes without agents (Marathon), but not the new
// masters that boot after the agents.
func (b *stepBuilder) others() {
	rest := b.pending(func(n *manifest.Node) bool { return !hasRole(n, v1.RoleAgent) && !isAdded(b.lateMasters, n.Name) })
	var kept []*manifest.Node
	for _, n := range rest {
		if b.isNew(n.Name) {
			s := b.bootStep(n)
			b.add(*s)
		} else {
			kept = append(kept, n)
		}
	}
	if len(kept) > 0 {
		b.add(*b.reapplyStep(kept))
	}
}

// rebootAgents says what re-applying kept agents does to their tasks, and how to move the
// tasks first. Re-applying is a reboot, which ends every task of the agent: recovery does
// not restart them (agent-recovery.md:37); the agent keeps its agent ID when its agent info
// is compatible, and registers as a new agent otherwise (src/slave/slave.cpp:7959). Draining
// first (maintenance.md:53) stops them gracefully and lets Marathon start them elsewhere
// before; a drained agent gets offers again once reactivated (maintenance.md:92).
func (b *stepBuilder) rebootAgents(s *Step) {
	s.Do += plural(s.Nodes, "; to stop its tasks gracefully and move them first, drain it before the reboot and reactivate it once it is back",
		"; to stop their tasks gracefully and move them first, drain each agent before its reboot and reactivate it once it is back")
	s.Commands = append(s.Commands, b.c.drainCommands(false)...)
	s.Commands = append(s.Commands, b.c.operatorCall(`{"type":"REACTIVATE_AGENT","reactivate_agent":{"agent_id":{"value":"AGENT_ID"}}}`)+"   # once it is back: it gets offers again")
	s.Effect = "each agent reboots and registers again under its agent ID; the reboot ends its tasks, which Mesos does not restart: Marathon starts its apps' instances again (elsewhere first, if the agent was drained)"
	s.Sources = cite("agent.reboot.detect", "agent.reboot.recover", "agent.reboot.tasks", "mesos.drain", "mesos.drain.done", "mesos.reactivate")
}

// agents drains the agents that start over, then re-applies the agents and boots new ones.
func (b *stepBuilder) agents() {
	c := b.c
	wipe := map[string]bool{}
	for _, h := range b.p.Hazards {
		if h.Name == WipeAgentState || (h.Name == MoveWorkDir && hasRole(c.newNodes[firstOf(h.Nodes)], v1.RoleAgent)) {
			for _, n := range h.Nodes {
				wipe[n] = true
			}
		}
	}
	over := b.pending(func(n *manifest.Node) bool { return wipe[n.Name] })
	if len(over) > 0 {
		// One agent at a time, so the others keep room for the tasks Marathon moves.
		s := b.reapplyStep(over)
		s.OneAtATime = len(over) > 1
		s.Needs = append(s.Needs, NeedNewAgentID)
		s.Commands = c.drainCommands(false)
		s.Do = fmt.Sprintf("%s: drain it, which kills its tasks (Marathon starts them elsewhere), wait until its drain_info.state is DRAINED, then boot it with its new seed (%s), whose first boot removes %s/meta/slaves/latest, so it starts over as a new agent%s",
			plural(nodeNames(over), "for "+over[0].Name, "one agent at a time ("+names(nodeNames(over))+")"), b.seedList(over), over[0].Agent.WorkDir, c.secretNote())
		s.Sources = cite("mesos.drain", "mesos.drain.done", "agent.recover.fail")
		b.add(*s)
	}
	kept := b.pending(func(n *manifest.Node) bool { return !b.isNew(n.Name) })
	if len(kept) > 0 {
		s := b.reapplyStep(kept)
		if len(kept) > 1 {
			s.OneAtATime = false
			s.Do = fmt.Sprintf("boot %s with their new seeds (%s), a few at a time", names(nodeNames(kept)), b.seedList(kept))
		}
		b.rebootAgents(s)
		if contains(c.rotatedKeys(), keyMesosAgent) {
			s.Effect += "; re-apply all of them within 10 minutes of the first master's re-apply (--agent_reregister_timeout), or their tasks are killed when they come back"
			s.Sources = append(s.Sources, cite("master.reregister", "master.reregister.default")...)
		}
		b.add(*s)
	}
}

// fresh boots the new machines not booted yet (new agents), any number at once.
func (b *stepBuilder) fresh() {
	if fresh := b.pending(func(*manifest.Node) bool { return true }); len(fresh) > 0 {
		var waits []string
		for _, n := range fresh {
			waits = append(waits, readiness(n))
		}
		b.add(Step{Kind: StepBoot, Nodes: nodeNames(fresh),
			Do:      fmt.Sprintf("boot the new machines %s with their seeds (%s), any number at once", names(nodeNames(fresh)), b.seedList(fresh)),
			WaitFor: waits})
	}
}

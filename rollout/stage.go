package rollout

import (
	"fmt"
	"slices"
	"strings"

	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/manifest"
	"github.com/mesosimg/mesosimg/plan"
)

// The firewall stage. A new ZooKeeper member boots before the old members restart with the
// new ensemble (see steps), and reaches them on the quorum and election ports, which the
// old members' rulesets admit only from the members they know (@zookeepers). Booted into a
// closed ensemble it stays in its election; and when the first old member then restarts
// into the new ensemble, that member and the joiners are a majority of the new
// configuration while the others still have a leader: two leaders. So, when the firewall is
// on and a joiner is not admitted yet, the rollout starts with a stage that only opens the
// running nodes' firewalls: each keeps its ensemble and masters, and is booted with it one
// at a time (a rolling restart the old ensemble tolerates), before the new description is
// rendered and rolled out as usual. New masters are the same case when they start with the
// ZooKeeper steps (they are members): the agents and Marathon admit the masters' calls only
// from @masters; other new masters boot after the nodes that must admit them instead (see
// closedToNewMasters).

// NeedsFirewallStage reports whether the rollout from the render recorded in old to the one
// recorded in new must start with the firewall stage: old's rulesets drop a new ZooKeeper
// member (its address is not in old's @zookeepers), in a rolling change (a change that
// restarts the whole ensemble at once takes every firewall along); or they drop a new master
// that boots with the ZooKeeper members, before the agents and Marathon nodes that must
// admit it (@masters) are re-applied. A manifest that records no firewall had none, unless
// it predates the record: then the new one's tells.
func NeedsFirewallStage(old, new *manifest.Manifest) bool {
	if old.Stage != "" || (old.Cluster.Firewall == nil && new.Cluster.Firewall == nil) {
		return false
	}
	e := analyseEnsemble(old.Cluster.Ensemble, new.Cluster.Ensemble)
	if !e.outage() {
		for _, j := range e.joiners {
			if !slices.Contains(admitted(old, zooKeeperSet), j.Address) {
				return true
			}
		}
	}
	return len(earlyMastersClosed(old, new)) > 0
}

// earlyMastersClosed are the new masters that are ZooKeeper members too (old or new), so
// start with the ZooKeeper steps, whose address old's @masters lacks while a running agent or Marathon
// node (one without ZooKeeper or a master, so re-applied after them) keeps old's rulesets.
func earlyMastersClosed(old, new *manifest.Manifest) []manifest.Master {
	late := false
	stays := map[string]bool{}
	for _, n := range new.Nodes {
		stays[n.Name] = true
	}
	for i := range old.Nodes {
		o := &old.Nodes[i]
		if stays[o.Name] && (hasRole(o, v1.RoleAgent) || (hasRole(o, v1.RoleMarathon) && !hasRole(o, v1.RoleZooKeeper) && !hasRole(o, v1.RoleMaster))) {
			late = true
		}
	}
	if !late {
		return nil
	}
	// The ZooKeeper steps boot and re-apply the members, old and new, before the masters.
	member := map[string]bool{}
	for _, m := range append(append([]manifest.Member(nil), old.Cluster.Ensemble...), new.Cluster.Ensemble...) {
		member[m.Name] = true
	}
	var closed []manifest.Master
	for _, m := range analyseMasters(old.Cluster.Masters, new.Cluster.Masters, 0, 0).added {
		if member[m.Name] && !slices.Contains(admitted(old, masterSet), m.Address) {
			closed = append(closed, m)
		}
	}
	return closed
}

// addressSet names an address set of the rulesets.
type addressSet int

const (
	// zooKeeperSet is @zookeepers: ZooKeeper's quorum and election ports.
	zooKeeperSet addressSet = iota
	// masterSet is @masters: the agents' port, Marathon's libprocess port.
	masterSet
	// clusterSet is @cluster: the masters' port, ZooKeeper's client port.
	clusterSet
)

// admitted are the addresses old's rulesets admit in set: as recorded, or, in a manifest that
// predates the record, what they admit when the firewall is on (the members, the masters, the
// nodes).
func admitted(old *manifest.Manifest, set addressSet) []string {
	if fw := old.Cluster.Firewall; fw != nil {
		return [...][]string{zooKeeperSet: fw.ZooKeepers, masterSet: fw.Masters, clusterSet: fw.Cluster}[set]
	}
	var out []string
	switch set {
	case zooKeeperSet:
		for _, m := range old.Cluster.Ensemble {
			out = append(out, m.Address)
		}
	case masterSet:
		for _, m := range old.Cluster.Masters {
			out = append(out, m.Address)
		}
	default:
		for _, n := range old.Nodes {
			out = append(out, n.Address)
		}
	}
	return out
}

// FirewallStage is the description of the firewall stage and the machines its rulesets
// admit besides its nodes: the nodes of d that old records, each with the roles old records
// (so with old's ensemble and masters, and d's settings otherwise), admitting every node of
// old and of d by its roles. CheckFirewallStage tells whether its render keeps old's
// ensemble and masters.
func FirewallStage(old *manifest.Manifest, d *v1.Cluster) (*v1.Cluster, []plan.Peer) {
	was := map[string]*manifest.Node{}
	var peers []plan.Peer
	for i := range old.Nodes {
		o := &old.Nodes[i]
		was[o.Name] = o
		peers = append(peers, plan.Peer{IP: o.Address, Roles: plan.RolesNamed(o.Roles)})
	}
	stage := *d
	stage.Nodes = nil
	for _, n := range d.Nodes {
		peers = append(peers, plan.Peer{IP: n.IP, Roles: plan.RolesOf(n)})
		if o := was[n.Name]; o != nil {
			n.Roles = append([]string(nil), o.Roles...)
			stage.Nodes = append(stage.Nodes, n)
		}
	}
	return &stage, peers
}

// CheckFirewallStage says why the render recorded in stage is no firewall stage of old (""
// when it is one): it must run old's ensemble and masters, at their addresses.
func CheckFirewallStage(old, stage *manifest.Manifest) string {
	var why []string
	if !sameMembers(old.Cluster.Ensemble, stage.Cluster.Ensemble) {
		why = append(why, fmt.Sprintf("it would run the ZooKeeper ensemble %s instead of %s", memberList(stage.Cluster.Ensemble), memberList(old.Cluster.Ensemble)))
	}
	if !slices.Equal(old.Cluster.Masters, stage.Cluster.Masters) {
		why = append(why, fmt.Sprintf("it would run the masters %s instead of %s", masterList(stage.Cluster.Masters), masterList(old.Cluster.Masters)))
	}
	return strings.Join(why, "; ")
}

// firewallHazards refuses a rollout whose new ZooKeeper members the old members' firewalls
// drop, when no firewall stage can open them first; the stage itself is used otherwise.
func (c *comparison) firewallHazards() {
	if !NeedsFirewallStage(c.old, c.new) {
		c.opts.FirewallStage = nil
		return
	}
	why := "the plan was given no render of it"
	if c.opts.FirewallStage != nil {
		why = CheckFirewallStage(c.old, c.opts.FirewallStage)
	}
	if why == "" {
		return
	}
	c.opts.FirewallStage = nil
	var closed []manifest.Member
	if !c.zk.outage() {
		for _, j := range c.zk.joiners {
			if !slices.Contains(admitted(c.old, zooKeeperSet), j.Address) {
				closed = append(closed, j)
			}
		}
	}
	if len(closed) == 0 {
		var masters []string
		for _, m := range earlyMastersClosed(c.old, c.new) {
			masters = append(masters, m.Name)
		}
		// A leading master calls the agents on their port and Marathon on its libprocess
		// port, which admit only @masters: unheard, agents cannot register with it, and
		// those not back within --agent_reregister_timeout are marked unreachable.
		c.hazards.add(FirewallClosed, c.nodePath(masters[0], ""), masters,
			fmt.Sprintf("security.firewall is on and the running agents and Marathon nodes admit the masters' calls (the agent port, Marathon's libprocess port) only from %s: %s %s with the new ZooKeeper ensemble, before those nodes are re-applied, and a leader among them could not reach them (agents not back within --agent_reregister_timeout are marked unreachable). The firewall stage (mesosimg render --stage %s) cannot open the firewalls first here: %s",
				strings.Join(admitted(c.old, masterSet), ", "), names(masters), plural(masters, "starts", "start"), manifest.StageFirewall, why),
			"make the change in two plans: first everything but the new masters (removals, changed roles), then add the new masters; or open the firewalls yourself and accept",
			cite("libprocess.send", "master.reregister", "master.reregister.default"))
		return
	}
	// A joiner starts an election and joins only a leader a majority of its own configuration
	// follows (FastLeaderElection.java:1162): closed out, it stays in its election; the first
	// old member restarted into the new ensemble then elects with the joiners, a majority of
	// the new configuration, while the others keep their leader under the old one.
	c.hazards.add(FirewallClosed, c.nodePath(closed[0].Name, ""), memberNames(closed),
		fmt.Sprintf("security.firewall is on and the running members admit ZooKeeper's quorum and election ports (%d, %d) only from %s: %s would boot first and stay outside the ensemble, and the first old member restarted into the new ensemble would elect a leader with them while the others keep the old leader (two leaders). The firewall stage (mesosimg render --stage %s) cannot open the firewalls first here: %s",
			v1.ZooKeeperQuorumPort, v1.ZooKeeperElectionPort, strings.Join(admitted(c.old, zooKeeperSet), ", "), names(memberNames(closed)), manifest.StageFirewall, why),
		"make the change in two plans: first everything but the new members (removals, changed roles), then add the new ZooKeeper members; or open the firewalls yourself and accept",
		cite("zk.fle.join", "zk.fle.voters"))
}

// firewallStage opens the running nodes' firewalls first (see NeedsFirewallStage): it
// renders the stage and boots every running node whose seed the stage changes, one at a
// time, the ZooKeeper leader last. The nodes are re-applied again with the new description.
func (b *stepBuilder) firewallStage() {
	st := b.c.opts.FirewallStage
	if st == nil {
		return
	}
	b.add(Step{Kind: StepRender, Stage: manifest.StageFirewall,
		Do:       "render the firewall stage: the running nodes with the ZooKeeper ensemble and masters they run now, and firewalls that admit the new nodes (until then the running nodes drop the new ones' connections)",
		Commands: []string{b.renderCommand() + " --stage " + manifest.StageFirewall},
		WaitFor:  []string{"it exits 0: " + b.c.under("manifest.json") + " now records the firewall stage"}})
	// The members first, the leader last; then the other masters and Marathon nodes one at a
	// time; then the agents, a few at a time.
	var members, others, agents []*manifest.Node
	for i := range st.Nodes {
		n := &st.Nodes[i]
		o := b.c.oldNodes[n.Name]
		switch {
		case o == nil || !configChanged(diffFiles(o.Files, n.Files)):
		case n.MyID > 0:
			members = append(members, n)
		case hasRole(n, v1.RoleMaster) || hasRole(n, v1.RoleMarathon):
			others = append(others, n)
		default:
			agents = append(agents, n)
		}
	}
	const effect = "each node restarts with the ensemble and masters it runs now; only its firewall (and what else the new description changes on it) is new"
	if len(members) > 0 {
		s := b.stageStep(members, true)
		for i, n := range members {
			s.WaitFor[i] += " and " + srvr(n, "leader or follower")
		}
		if len(members) > 1 {
			s.ZooKeeperLeaderLast = true
			s.Do += "; the ZooKeeper leader goes last (find it first: the member whose `echo srvr | nc ADDRESS 2181` says Mode: leader)"
			s.Sources = cite("zk.rolling")
		}
		s.Effect = effect + "; ZooKeeper keeps its quorum while one member restarts"
	}
	if len(others) > 0 {
		b.stageStep(others, true).Effect = effect
	}
	if len(agents) > 0 {
		s := b.stageStep(agents, false)
		b.rebootAgents(s)
		s.Effect += "; it keeps its configuration: only its firewall (and what else the new description changes on it) is new"
	}
}

// stageStep boots running nodes with their seeds of the firewall stage, one at a time or a
// few at a time. It is not added as the others are: the nodes are re-applied again with the
// new description.
func (b *stepBuilder) stageStep(nodes []*manifest.Node, oneAtATime bool) *Step {
	list := nodeNames(nodes)
	how := plural(list, "", ", a few at a time")
	if oneAtATime {
		how = plural(list, "", ", one at a time")
	}
	b.steps = append(b.steps, Step{Number: len(b.steps) + 1, Kind: StepReapply, Stage: manifest.StageFirewall,
		Nodes: list, OneAtATime: oneAtATime && len(nodes) > 1, Needs: append([]Need{}, reapplyNeeds...),
		WaitFor: readinessAll(nodes), Do: fmt.Sprintf("boot %s with %s seed%s of the firewall stage (%s)%s", names(list), plural(list, "its", "their"), plural(list, "", "s"), b.seedList(nodes), how)})
	return &b.steps[len(b.steps)-1]
}

// renderCommand is the command that renders the new description into the output directory.
func (b *stepBuilder) renderCommand() string {
	if cmd := b.c.opts.RenderCommand; cmd != "" {
		return cmd
	}
	return "mesosimg render CLUSTER.yaml -o OUT"
}

// closedToNewMasters are the new masters that the running nodes' rulesets drop (old records
// a firewall, or predates the record and new has one), when no firewall stage opens them
// first. A leading master calls the agents (their port admits @masters) and Marathon back
// (its libprocess port admits @masters); the other masters' port admits @cluster: the
// replicated log and the leader's registry need the new master's connections. The rollout
// then boots such masters only after every node that must admit them is re-applied
// (see masters).
func (c *comparison) closedToNewMasters() []manifest.Master {
	if c.opts.FirewallStage != nil || c.old.Stage != "" || (c.old.Cluster.Firewall == nil && c.new.Cluster.Firewall == nil) {
		return nil
	}
	var closed []manifest.Master
	for _, m := range c.masters.added {
		if !slices.Contains(admitted(c.old, masterSet), m.Address) || !slices.Contains(admitted(c.old, clusterSet), m.Address) {
			closed = append(closed, m)
		}
	}
	return closed
}

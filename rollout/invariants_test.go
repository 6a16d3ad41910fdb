package rollout_test

import (
	"fmt"
	"sort"

	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/manifest"
	"github.com/mesosimg/mesosimg/rollout"
)

// checkRollout follows the plan's steps and returns every broken rule: a node to apply that
// no step boots (or one booted twice), a removed node never stopped, an unchanged node
// touched; more masters running than the smallest quorum among them allows (apache/mesos
// 1.11.0 docs/operational-guide.md:29); new ZooKeeper members that could form a majority
// of the new ensemble by themselves while old members run (apache/zookeeper
// release-3.8.0-1 zookeeperReconfig.md:552), unless the plan restarts the whole ensemble;
// a new member booted while a running member's firewall drops it (see rollout.FirewallStage);
// a new master's mesos-master started while a running node's firewall drops it: an agent or
// Marathon node (@masters), a master or ZooKeeper member (@cluster); a master's calls open their
// own connections to those ports (clusterd v1.11.0-0.7.1 3rdparty/libprocess/src/process.cpp:2027).
func checkRollout(p *rollout.Plan, old, new *manifest.Manifest) []string {
	var bad []string
	touched := map[string]int{}
	for _, s := range p.Steps {
		if s.Stage == "" && (s.Kind == rollout.StepBoot || s.Kind == rollout.StepReapply || s.Kind == rollout.StepStop) {
			for _, n := range s.Nodes {
				touched[n]++
			}
		}
	}
	for _, n := range p.Nodes {
		want := 0
		if n.Apply || n.Action == rollout.Remove {
			want = 1
		}
		if touched[n.Name] != want {
			bad = append(bad, fmt.Sprintf("%s (%s, apply %v) is booted, re-applied or stopped %d times", n.Name, n.Action, n.Apply, touched[n.Name]))
		}
	}
	return append(bad, simulate(p, old, new)...)
}

// simulate runs the masters and ZooKeeper members through the steps.
func simulate(p *rollout.Plan, old, new *manifest.Manifest) []string {
	var bad []string
	newMaster, newMember, oldMember := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, m := range new.Cluster.Masters {
		newMaster[m.Name] = true
	}
	for _, m := range new.Cluster.Ensemble {
		newMember[m.Name] = true
	}
	for _, m := range old.Cluster.Ensemble {
		oldMember[m.Address] = true
	}
	address := map[string]string{}
	for _, n := range new.Nodes {
		address[n.Name] = n.Address
	}
	quorum := map[string]int{} // running masters and their --quorum
	for _, m := range old.Cluster.Masters {
		quorum[m.Name] = old.Cluster.Quorum
	}
	view := map[string]string{} // running members: "old" or "new" configuration
	// closed are the running members whose firewall admits only admitted to the peer ports:
	// what old records, or its members.
	closed, admitted := map[string]bool{}, map[string]bool{}
	for _, m := range old.Cluster.Ensemble {
		view[m.Name] = "old"
		closed[m.Name] = (old.Cluster.Firewall != nil || new.Cluster.Firewall != nil) && !hasHazard(p, rollout.FirewallClosed) // accepted: opened by hand
		admitted[m.Address] = true
	}
	if old.Cluster.Firewall != nil {
		for _, a := range old.Cluster.Firewall.ZooKeepers {
			admitted[a] = true
		}
	}
	// oldRules are the running nodes that still have old's rulesets (none when old and new
	// have no firewall, or the plan says the firewalls are opened by hand), with their roles.
	oldRules := map[string][]string{}
	if (old.Cluster.Firewall != nil || new.Cluster.Firewall != nil) && !hasHazard(p, rollout.FirewallClosed) {
		for _, n := range old.Nodes {
			oldRules[n.Name] = n.Roles
		}
	}
	inMasters, inCluster := map[string]bool{}, map[string]bool{}
	if fw := old.Cluster.Firewall; fw != nil {
		for _, a := range fw.Masters {
			inMasters[a] = true
		}
		for _, a := range fw.Cluster {
			inCluster[a] = true
		}
	} else {
		for _, m := range old.Cluster.Masters {
			inMasters[m.Address] = true
		}
		for _, n := range old.Nodes {
			inCluster[n.Address] = true
		}
	}
	oldMaster := map[manifest.Master]bool{}
	for _, m := range old.Cluster.Masters {
		oldMaster[m] = true
	}
	// masterStarts checks that every running node admits the new master name.
	masterStarts := func(name string, step int) {
		if oldMaster[manifest.Master{Name: name, Address: address[name]}] {
			return
		}
		for m, roles := range oldRules {
			if m == name {
				continue
			}
			if (contains(roles, v1.RoleAgent) || contains(roles, v1.RoleMarathon)) && !inMasters[address[name]] {
				bad = append(bad, fmt.Sprintf("step %d: mesos-master starts on %s while %s's firewall drops it (@masters)", step, name, m))
			}
			if (contains(roles, v1.RoleMaster) || contains(roles, v1.RoleZooKeeper)) && !inCluster[address[name]] {
				bad = append(bad, fmt.Sprintf("step %d: mesos-master starts on %s while %s's firewall drops it (@cluster)", step, name, m))
			}
		}
	}
	restart := len(new.Cluster.Ensemble) > 0 && hasHazard(p, rollout.ZooKeeperOutage, rollout.RenumberZooKeeper)
	check := func(step int) {
		min, n := 0, 0
		for _, q := range quorum {
			if n == 0 || q < min {
				min = q
			}
			n++
		}
		if n > 0 && 2*min <= n {
			bad = append(bad, fmt.Sprintf("after step %d: %d masters run, the smallest --quorum among them is %d", step, n, min))
		}
		joiners, olds := 0, 0
		for name, v := range view {
			switch {
			case v == "old":
				olds++
			case !oldMember[address[name]]:
				joiners++
			}
		}
		if !restart && olds > 0 && joiners > 0 && joiners >= len(new.Cluster.Ensemble)/2+1 {
			bad = append(bad, fmt.Sprintf("after step %d: %d new members are a majority of %d while %d old ones run", step, joiners, len(new.Cluster.Ensemble), olds))
		}
	}
	start := func(name string, held []rollout.Hold, stage string, step int) {
		delete(closed, name)
		delete(oldRules, name) // a stage's rulesets admit every node of old and new
		if stage != "" {
			return // the stage keeps the node's ensemble and masters
		}
		if !restart && newMember[name] && !admitted[address[name]] {
			for m := range closed {
				if _, running := view[m]; running && closed[m] {
					bad = append(bad, fmt.Sprintf("%s joins while %s's firewall drops it", name, m))
				}
			}
		}
		if newMaster[name] && !contains(heldOn(held), name) {
			masterStarts(name, step)
			quorum[name] = new.Cluster.Quorum
		} else if !newMaster[name] {
			delete(quorum, name)
		}
		if newMember[name] {
			view[name] = "new"
		} else {
			delete(view, name)
		}
	}
	for _, s := range p.Steps {
		switch s.Kind {
		case rollout.StepStop:
			for _, n := range s.Nodes {
				delete(quorum, n)
				delete(view, n)
				delete(oldRules, n)
			}
			check(s.Number)
		case rollout.StepGate:
			for _, n := range s.Nodes {
				masterStarts(n, s.Number)
				quorum[n] = new.Cluster.Quorum
			}
			check(s.Number)
		case rollout.StepBoot, rollout.StepReapply:
			nodes := append([]string{}, s.Nodes...)
			if !s.OneAtATime {
				for _, n := range nodes {
					delete(quorum, n)
					delete(view, n)
				}
				check(s.Number)
				sort.Strings(nodes)
			}
			for _, n := range nodes {
				if s.OneAtATime {
					q, isMaster := quorum[n]
					v, isMember := view[n]
					delete(quorum, n)
					delete(view, n)
					check(s.Number)
					if s.Stage != "" && isMaster {
						quorum[n] = q
					}
					if s.Stage != "" && isMember {
						view[n] = v
					}
				}
				start(n, s.Held, s.Stage, s.Number)
				check(s.Number)
			}
		}
	}
	return bad
}

func hasHazard(p *rollout.Plan, names ...rollout.HazardName) bool {
	for _, h := range p.Hazards {
		for _, n := range names {
			if h.Name == n {
				return true
			}
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// heldOn lists the nodes whose mesos-master a step holds.
func heldOn(held []rollout.Hold) []string {
	var out []string
	for _, h := range held {
		if h.Service == "mesos-master" {
			out = append(out, h.Node)
		}
	}
	return out
}

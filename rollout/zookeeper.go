package rollout

import (
	"fmt"
	"strings"

	"github.com/mesosimg/mesosimg/manifest"
)

// ensembleChange is how the ZooKeeper ensemble changes, member by member. A member is its
// myid at its address: ZooKeeper knows a server by the myid in its data directory and the
// server.<myid> line naming its address (apache/zookeeper release-3.8.0-1
// zookeeperAdmin.md:1273), and the id must be unique (zookeeperAdmin.md:220).
type ensembleChange struct {
	// kept are the members with the same myid at the same address (new names).
	kept []manifest.Member
	// joiners are the new members: new myids at addresses that were no member.
	joiners []manifest.Member
	// leaving are the old members whose address is no member any more.
	leaving []manifest.Member
	// renumbered are the new members whose myid was another address's, or whose address had another myid.
	renumbered []renumbering
	// before and after are the ensemble sizes.
	before, after int
}

// renumbering is a new member whose identity differs from the old render's.
type renumbering struct {
	member manifest.Member
	// oldAtID is who held the myid before ("" when nobody); oldIDHere the myid the address had (0 when none).
	oldAtID   string
	oldIDHere int
}

// analyseEnsemble compares two ensembles by myid and address.
func analyseEnsemble(old, new []manifest.Member) ensembleChange {
	ch := ensembleChange{before: len(old), after: len(new)}
	byID := map[int]manifest.Member{}
	byAddr := map[string]manifest.Member{}
	for _, m := range old {
		byID[m.MyID], byAddr[m.Address] = m, m
	}
	newAddr := map[string]bool{}
	for _, m := range new {
		newAddr[m.Address] = true
		o, hadID := byID[m.MyID]
		p, hadAddr := byAddr[m.Address]
		switch {
		case hadID && o.Address == m.Address:
			ch.kept = append(ch.kept, m)
		case !hadID && !hadAddr:
			ch.joiners = append(ch.joiners, m)
		default:
			r := renumbering{member: m}
			if hadID {
				r.oldAtID = fmt.Sprintf("%s (%s)", o.Name, o.Address)
			}
			if hadAddr {
				r.oldIDHere = p.MyID
			}
			ch.renumbered = append(ch.renumbered, r)
		}
	}
	for _, m := range old {
		if !newAddr[m.Address] {
			ch.leaving = append(ch.leaving, m)
		}
	}
	return ch
}

// outage says whether the change can be made only by restarting the whole ensemble: when
// members are renumbered, or when the joiners alone would be a majority of the new
// ensemble (they know nothing of the old one and could elect a leader among themselves:
// zookeeperReconfig.md:552).
func (e ensembleChange) outage() bool {
	return len(e.renumbered) > 0 || (e.before > 0 && len(e.joiners) >= majority(e.after))
}

// zooKeeperHazards finds renumbered members, joiners that would be a majority, removals
// beyond the ensemble's tolerance and moved data directories.
func (c *comparison) zooKeeperHazards() {
	e := c.zk
	for _, r := range e.renumbered {
		var was []string
		if r.oldAtID != "" {
			was = append(was, fmt.Sprintf("myid %d was %s", r.member.MyID, r.oldAtID))
		}
		if r.oldIDHere != 0 {
			was = append(was, fmt.Sprintf("%s was myid %d", r.member.Address, r.oldIDHere))
		}
		path := c.nodePath(r.member.Name, "")
		if o := c.oldNodes[r.member.Name]; o != nil && o.Address != r.member.Address {
			path = c.nodePath(r.member.Name, "ip")
		}
		// A myid names a member (zookeeperAdmin.md:1273) and must stay unique to one server
		// (zookeeperAdmin.md:220); a member taken for another, with the other's data missing,
		// votes with zxid 0 and can elect a leader that lacks committed transactions
		// (zookeeperAdmin.md:1955).
		c.hazards.add(RenumberZooKeeper, path, []string{r.member.Name},
			fmt.Sprintf("%s (%s) would be ZooKeeper myid %d, but %s: ZooKeeper knows a member by its myid, so the ensemble would take one server for another, and an election among members missing the newest transactions loses them",
				r.member.Name, r.member.Address, r.member.MyID, strings.Join(was, " and ")),
			"keep the zookeeper nodes in their order in nodes: and add new members after the last (mesosimg numbers members by that order); a member other than the last cannot leave without renumbering the ones after it",
			cite("zk.myid.identity", "zk.myid.unique", "zk.empty.votes"))
	}
	if len(e.renumbered) == 0 && e.before > 0 && len(e.joiners) >= majority(e.after) {
		first := e.joiners[0].Name
		c.hazards.add(ZooKeeperOutage, c.nodePath(first, "roles"), memberNames(e.joiners),
			fmt.Sprintf("%d new members are a majority of the %d-member ensemble by themselves: started first they could elect a leader of their own (a second, empty ensemble), so the old members must restart first, and the ensemble has no quorum until enough new members joined",
				len(e.joiners), e.after),
			c.growSafely(e.before),
			cite("zk.joiners", "zk.fle.join"))
	}
	if removed := len(e.leaving); len(e.renumbered) == 0 && removed > tolerance(e.before) {
		c.hazards.add(RemoveBeyondTolerance, c.leavingPath(e.leaving), memberNames(e.leaving),
			fmt.Sprintf("%d of %d ZooKeeper members leave, but the ensemble tolerates %d: the remaining ones are no majority of the old ensemble, may all lack the newest writes, and have no quorum until they restart with the new configuration",
				removed, e.before, tolerance(e.before)),
			fmt.Sprintf("remove at most %d members per plan", max(tolerance(e.before), 1)),
			cite("zk.tolerance", "zk.fle.voters"))
	}
	for _, m := range e.kept {
		o, n := c.oldNodes[nameAt(c.old.Cluster.Ensemble, m.MyID)], c.newNodes[m.Name]
		if o == nil || n == nil || o.ZooKeeper == nil || n.ZooKeeper == nil || o.ZooKeeper.DataDir == n.ZooKeeper.DataDir {
			continue
		}
		// A changed dataDir is created empty and served: a split brain (zookeeperAdmin.md:1911).
		c.hazards.add(MoveZooKeeperData, c.nodePath(m.Name, ""), []string{m.Name},
			fmt.Sprintf("%s's ZooKeeper dataDir changes from %s to %s (the render in the output directory was made by mesosimg %s): ZooKeeper creates the new directory empty and serves an empty namespace beside the ensemble's data",
				m.Name, o.ZooKeeper.DataDir, n.ZooKeeper.DataDir, versionOf(c.old)),
			fmt.Sprintf("move the data first: stop the member, copy %s to %s, then boot it with its new seed", o.ZooKeeper.DataDir, n.ZooKeeper.DataDir),
			cite("zk.datadir"))
	}
}

// growSafely says how an ensemble of n grows without an outage.
func (c *comparison) growSafely(n int) string {
	if j := maxJoiners(n); j > 0 {
		return fmt.Sprintf("grow by at most %d members per plan (from %d: then %d, and so on)", j, n, n+j)
	}
	return "there is no order without an outage: a single server joins an ensemble only by restarting in it, and the new ensemble has no quorum until a second member runs; accept the outage, or start clusters with 3 members"
}

// leavingPath is where the description shows members leaving: the role list of a node that
// stays without the role, else the node list.
func (c *comparison) leavingPath(leaving []manifest.Member) string {
	for _, m := range leaving {
		if _, ok := c.index[m.Name]; ok {
			return c.nodePath(m.Name, "roles")
		}
	}
	return "nodes"
}

// maxJoiners is how many members an ensemble of n may gain in one plan: fewer than a
// majority of the result, and an odd result.
func maxJoiners(n int) int {
	best := 0
	for j := 2; j <= 2*n; j += 2 {
		if j < majority(n+j) {
			best = j
		}
	}
	return best
}

func memberNames(ms []manifest.Member) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Name
	}
	return out
}

// nameAt is the name of the member with myid id.
func nameAt(ms []manifest.Member, id int) string {
	for _, m := range ms {
		if m.MyID == id {
			return m.Name
		}
	}
	return ""
}

// versionOf names the mesosimg that wrote a manifest.
func versionOf(m *manifest.Manifest) string {
	if m.MesosimgVersion == "" {
		return "(version unknown)"
	}
	return m.MesosimgVersion
}

package rollout

import (
	"fmt"
	"path"
	"sort"
	"strings"

	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/manifest"
)

// diffFiles lists the files that differ (content or mode), appear or disappear, sorted by path.
func diffFiles(old, new []manifest.File) []FileChange {
	before := map[string]manifest.File{}
	for _, f := range old {
		before[f.Path] = f
	}
	out := []FileChange{}
	seen := map[string]bool{}
	for _, f := range new {
		seen[f.Path] = true
		b, ok := before[f.Path]
		switch {
		case !ok:
			out = append(out, FileChange{f.Path, FileAdded})
		case b.SHA256 != f.SHA256 || b.Mode != f.Mode:
			out = append(out, FileChange{f.Path, FileChanged})
		}
	}
	for _, f := range old {
		if !seen[f.Path] {
			out = append(out, FileChange{f.Path, FileRemoved})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// cloudInitFiles are the files of a seed that reach the running node.
var cloudInitFiles = map[string]bool{"user-data": true, "meta-data": true, "network-config": true}

// configChanged reports whether a node's cloud-init files changed (not only its images or
// installer answers, which a running node never reads again).
func configChanged(files []FileChange) bool {
	for _, f := range files {
		if cloudInitFiles[path.Base(f.Path)] && strings.Count(f.Path, "/") == 2 {
			return true
		}
	}
	return false
}

// nodeChanges compares every node: the new description's in its order, then the removed ones.
func (c *comparison) nodeChanges() []NodeChange {
	c.applies = map[string]bool{}
	var out []NodeChange
	for i := range c.new.Nodes {
		n := &c.new.Nodes[i]
		o := c.oldNodes[n.Name]
		ch := NodeChange{Name: n.Name, Address: n.Address, Roles: n.Roles, MyID: n.MyID, Seed: c.seedOf(n)}
		if o == nil {
			ch.Action, ch.Apply = New, true
			ch.Consequences = c.newNodeConsequences(n)
			c.applies[n.Name] = true
			out = append(out, ch)
			continue
		}
		if o.Address != n.Address {
			ch.OldAddress = o.Address
		}
		if strings.Join(o.Roles, ",") != strings.Join(n.Roles, ",") {
			ch.OldRoles = o.Roles
		}
		if o.MyID != n.MyID {
			ch.OldMyID = o.MyID
		}
		ch.Files = diffFiles(o.Files, n.Files)
		if len(ch.Files) == 0 {
			ch.Action, ch.Seed = Unchanged, ""
			out = append(out, ch)
			continue
		}
		ch.Action = Reconfigure
		if configChanged(ch.Files) {
			c.applies[n.Name], ch.Apply = true, true
			ch.Consequences = c.reconfigureConsequences(o, n)
		} else {
			ch.Consequences = []string{"its cloud-init files are the same (only its images or installer answers changed): nothing changes on the running node"}
		}
		out = append(out, ch)
	}
	for i := range c.old.Nodes {
		o := &c.old.Nodes[i]
		if c.newNodes[o.Name] != nil {
			continue
		}
		out = append(out, NodeChange{Name: o.Name, Action: Remove, Address: o.Address, Roles: o.Roles, MyID: o.MyID,
			Consequences: c.removedConsequences(o)})
	}
	return out
}

// newNodeConsequences says what a new node starts.
func (c *comparison) newNodeConsequences(n *manifest.Node) []string {
	var out []string
	if n.MyID > 0 {
		out = append(out, fmt.Sprintf("zookeeper joins the ensemble as myid %d", n.MyID))
	}
	if hasRole(n, v1.RoleMaster) {
		out = append(out, fmt.Sprintf("mesos-master starts with --quorum=%d and an empty replicated log, which catches up from the others", c.new.Cluster.Quorum))
	}
	if hasRole(n, v1.RoleAgent) {
		out = append(out, "mesos-agent registers as a new agent")
	}
	if hasRole(n, v1.RoleMarathon) {
		out = append(out, "marathon joins Marathon's leader election")
	}
	return out
}

// removedConsequences says what stopping a removed node takes away.
func (c *comparison) removedConsequences(o *manifest.Node) []string {
	var out []string
	if o.MyID > 0 {
		out = append(out, fmt.Sprintf("zookeeper myid %d leaves the ensemble; its zookeeper must never start again with the old configuration", o.MyID))
	}
	if hasRole(o, v1.RoleMaster) {
		out = append(out, "mesos-master leaves for good: a removed master that rejoins corrupts the replicated log")
	}
	if hasRole(o, v1.RoleAgent) {
		out = append(out, "mesos-agent leaves: its tasks are killed when it is drained")
	}
	if hasRole(o, v1.RoleMarathon) {
		out = append(out, "marathon leaves Marathon's leader election")
	}
	return out
}

// reconfigureConsequences says what a node's new seed changes on it, service by service.
func (c *comparison) reconfigureConsequences(o, n *manifest.Node) []string {
	var out []string
	if o.Address != n.Address {
		out = append(out, fmt.Sprintf("its address changes from %s to %s", o.Address, n.Address))
	}
	for _, r := range []string{v1.RoleZooKeeper, v1.RoleMaster, v1.RoleAgent, v1.RoleMarathon} {
		switch had, has := hasRole(o, r), hasRole(n, r); {
		case has && !had:
			out = append(out, fmt.Sprintf("gains the %s role: %s starts", r, unitOf(r)))
		case had && !has:
			out = append(out, fmt.Sprintf("loses the %s role: %s must stop for good", r, unitOf(r)))
		}
	}
	zkHosts := hostsOf(c.old.Cluster.ZK.Mesos) != hostsOf(c.new.Cluster.ZK.Mesos)
	if hasRole(o, v1.RoleZooKeeper) && hasRole(n, v1.RoleZooKeeper) {
		switch {
		case o.MyID != n.MyID:
			out = append(out, fmt.Sprintf("zookeeper is renumbered from myid %d to myid %d", o.MyID, n.MyID))
		case zkHosts:
			out = append(out, fmt.Sprintf("zookeeper restarts as myid %d of the %d-member ensemble (was %d)", n.MyID, len(c.new.Cluster.Ensemble), len(c.old.Cluster.Ensemble)))
		}
	}
	if hasRole(o, v1.RoleMaster) && hasRole(n, v1.RoleMaster) {
		var what []string
		if q, q2 := c.old.Cluster.Quorum, c.new.Cluster.Quorum; q != q2 {
			what = append(what, fmt.Sprintf("--quorum=%d (was %d)", q2, q))
		}
		if zkHosts {
			what = append(what, "the new ZooKeeper list")
		}
		if len(what) > 0 {
			out = append(out, "mesos-master restarts with "+strings.Join(what, " and "))
		}
	}
	if hasRole(o, v1.RoleAgent) && hasRole(n, v1.RoleAgent) {
		if d := agentDiff(o.Agent, n.Agent); d != "" {
			out = append(out, "mesos-agent: "+d)
		}
		if zkHosts {
			out = append(out, "mesos-agent starts with the new ZooKeeper list")
		}
	}
	if hasRole(o, v1.RoleMarathon) && hasRole(n, v1.RoleMarathon) && zkHosts {
		out = append(out, "marathon restarts with the new ZooKeeper list")
	}
	for _, key := range c.rotatedKeys() {
		if usesCredential(n, key) {
			out = append(out, fmt.Sprintf("uses the rotated credential %s", key))
		}
	}
	if len(out) == 0 {
		out = append(out, "its configuration changed (user-data): first boot applies it and restarts its services in order")
	}
	return out
}

// unitOf is the systemd unit of a role.
func unitOf(role string) string {
	switch role {
	case v1.RoleMaster:
		return "mesos-master"
	case v1.RoleAgent:
		return "mesos-agent"
	}
	return role
}

// hostsOf is the host list of a zk:// URL.
func hostsOf(url string) string {
	rest := strings.TrimPrefix(url, "zk://")
	hosts, _, _ := strings.Cut(rest, "/")
	return hosts
}

// zkPath is the znode path of a zk:// URL.
func zkPath(url string) string {
	rest := strings.TrimPrefix(url, "zk://")
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		return rest[i:]
	}
	return "/"
}

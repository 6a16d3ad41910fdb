package rollout

import (
	"fmt"
	"strings"

	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/manifest"
)

// Options say what Build cannot find in the manifests.
type Options struct {
	// Accept are the hazard classes the user accepted (--accept).
	Accept []HazardName
	// RenderCommand is the command that renders the new description into the output directory.
	RenderCommand string
	// OutDir is the output directory as the user names it; seed paths are shown under it.
	OutDir string
	// SecretsFile is the credentials file as the user names it (shown in rotation commands).
	SecretsFile string
	// FirewallStage is the render of the firewall stage (FirewallStage), recorded as its
	// manifest, when NeedsFirewallStage; the rollout starts with it.
	FirewallStage *manifest.Manifest
	// Notes are added to the plan's notes (what the caller knows, e.g. a changed SOURCE_DATE_EPOCH).
	Notes []string
}

// Build plans the change from the render recorded in old to the render of the description d,
// recorded in new (rendered with the same formats and epoch, written nowhere). It is pure.
func Build(old, new *manifest.Manifest, d *v1.Cluster, opts Options) *Plan {
	c := &comparison{old: old, new: new, desc: d, opts: opts,
		oldNodes: map[string]*manifest.Node{}, newNodes: map[string]*manifest.Node{}, index: map[string]int{},
		hazards: hazardList{accepted: map[HazardName]bool{}}}
	for _, a := range opts.Accept {
		c.hazards.accepted[a] = true
	}
	for i := range old.Nodes {
		c.oldNodes[old.Nodes[i].Name] = &old.Nodes[i]
	}
	for i := range new.Nodes {
		c.newNodes[new.Nodes[i].Name] = &new.Nodes[i]
	}
	for i, n := range d.Nodes {
		c.index[n.Name] = i
	}
	p := &Plan{Format: FormatV1, Cluster: new.Cluster.Name, Credentials: []CredentialChange{},
		ClusterFiles: diffFiles(old.Cluster.Files, new.Cluster.Files), Notes: []string{}}
	p.ZooKeeper = Ensemble{Before: nonNil(old.Cluster.Ensemble), After: nonNil(new.Cluster.Ensemble),
		ToleratesBefore: tolerance(len(old.Cluster.Ensemble)), ToleratesAfter: tolerance(len(new.Cluster.Ensemble))}
	p.Masters = MasterSet{Before: nonNil(old.Cluster.Masters), After: nonNil(new.Cluster.Masters),
		QuorumBefore: old.Cluster.Quorum, QuorumAfter: new.Cluster.Quorum}
	c.zk = analyseEnsemble(old.Cluster.Ensemble, new.Cluster.Ensemble)
	c.masters = analyseMasters(old.Cluster.Masters, new.Cluster.Masters, old.Cluster.Quorum, new.Cluster.Quorum)
	p.Credentials = c.credentialChanges()
	p.Nodes = c.nodeChanges()
	c.identityHazards()
	c.zooKeeperHazards()
	c.firewallHazards()
	c.masterHazards()
	c.agentHazards()
	c.credentialHazards(p.Credentials)
	p.Hazards = nonNil(c.hazards.list)
	for _, n := range p.Nodes {
		switch n.Action {
		case Unchanged:
			p.Summary.Unchanged++
		case Reconfigure:
			p.Summary.Reconfigure++
		case New:
			p.Summary.New++
		case Remove:
			p.Summary.Remove++
		}
	}
	p.Changed = p.Summary.Reconfigure+p.Summary.New+p.Summary.Remove > 0 || len(p.ClusterFiles) > 0 || len(p.Hazards) > 0
	p.Notes = append(p.Notes, opts.Notes...)
	p.Notes = append(p.Notes, c.notes(p)...)
	p.Steps = nonNil(c.steps(p))
	return p
}

// comparison is the state of one Build.
type comparison struct {
	old, new           *manifest.Manifest
	desc               *v1.Cluster
	opts               Options
	oldNodes, newNodes map[string]*manifest.Node
	// index is each node's position in the new description.
	index   map[string]int
	zk      ensembleChange
	masters masterChange
	hazards hazardList
	// applies are the nodes whose running configuration changes (not only their seed images).
	applies map[string]bool
}

// nodePath is the description path of node name, with an optional field ("" when it is not in the description).
func (c *comparison) nodePath(name, field string) string {
	i, ok := c.index[name]
	if !ok {
		return "nodes"
	}
	p := fmt.Sprintf("nodes[%d]", i)
	if field != "" {
		p += "." + field
	}
	return p
}

// seedOf is the path of the seed a new or reconfigured node boots with, under the output directory.
func (c *comparison) seedOf(n *manifest.Node) string {
	dir := "nodes/" + n.Name + "/"
	for _, name := range []string{"seed.iso", "seed-vfat.img", "user-data"} {
		for _, f := range n.Files {
			if f.Path == dir+name {
				return c.under(f.Path)
			}
		}
	}
	return c.under(dir)
}

// under joins a path of the output directory to the directory's name.
func (c *comparison) under(p string) string {
	if c.opts.OutDir == "" {
		return p
	}
	return strings.TrimSuffix(c.opts.OutDir, "/") + "/" + p
}

// tolerance is how many failed members an ensemble (or master set) of n survives.
func tolerance(n int) int {
	if n == 0 {
		return 0
	}
	return n - majority(n)
}

// majority is the smallest majority of n: floor(n/2)+1.
func majority(n int) int { return n/2 + 1 }

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func hasRole(n *manifest.Node, role string) bool {
	if n == nil {
		return false
	}
	for _, r := range n.Roles {
		if r == role {
			return true
		}
	}
	return false
}

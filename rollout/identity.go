package rollout

import (
	"fmt"

	"github.com/mesosimg/mesosimg/internal/upstream"
)

// identityHazards refuses a renamed cluster and moved znode paths: what names the cluster's
// state rather than configures it.
func (c *comparison) identityHazards() {
	if o, n := c.old.Cluster.Name, c.new.Cluster.Name; o != n {
		// The master shows --cluster in /state and /state-summary only, but mesosimg derives
		// every node's instance-id and the image name from it.
		c.hazards.add(RenameCluster, "cluster", nil,
			fmt.Sprintf("the cluster's name changes from %s to %s: every master's --cluster and every node's instance-id and seed change, so every node must be re-applied, and tools that find the cluster by its name lose it; if you meant a second cluster, this would turn the running one into it", o, n),
			fmt.Sprintf("keep cluster: %s; render a second cluster from its own description into another output directory, with its own secrets file", o),
			cite("master.cluster", "ci.new.instance"))
	}
	for _, z := range []struct{ what, old, new string }{
		{"Mesos", c.old.Cluster.ZK.Mesos, c.new.Cluster.ZK.Mesos},
		{"Marathon", c.old.Cluster.ZK.Marathon, c.new.Cluster.ZK.Marathon},
	} {
		if z.old == "" || z.new == "" || zkPath(z.old) == zkPath(z.new) {
			continue
		}
		c.hazards.add(MoveZKPath, "", nil,
			fmt.Sprintf("%s's znode path changes from %s to %s (the render in the output directory was made by mesosimg %s): its state in ZooKeeper stays behind, and it starts empty under the new path (Marathon: no apps; Mesos: a new leader election and log replica group)",
				z.what, zkPath(z.old), zkPath(z.new), versionOf(c.old)),
			"render with the mesosimg that made the output directory, or copy the znodes to the new path while the daemons are stopped",
			[]string{citeFact(upstream.MesosFacts["zk.quorum"])})
	}
}

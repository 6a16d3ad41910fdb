package rollout

import (
	"fmt"
	"sort"
	"strings"

	"github.com/mesosimg/mesosimg/internal/upstream"
)

// HazardName names a class of hazard; `--accept NAME` accepts every hazard of the class.
type HazardName string

// Hazard classes.
const (
	// RenumberZooKeeper: a member's myid changes, or a myid passes to another address.
	RenumberZooKeeper HazardName = "renumber-zookeeper"
	// ZooKeeperOutage: the new members alone would be a majority of the new ensemble (1 -> 3, 3 -> 7).
	ZooKeeperOutage HazardName = "zookeeper-outage"
	// RemoveBeyondTolerance: more ZooKeeper members or masters leave than the old ensemble or quorum tolerates.
	RemoveBeyondTolerance HazardName = "remove-beyond-tolerance"
	// WipeReplicatedLog: leaving a single master (1 -> 3, or replacing the only master) loses the registry.
	WipeReplicatedLog HazardName = "wipe-replicated-log"
	// SkipQuorumStep: the master quorum moves by more than one at once.
	SkipQuorumStep HazardName = "skip-quorum-step"
	// WipeAgentState: an agent's resources, attributes or hostname change as its reconfiguration policy rejects.
	WipeAgentState HazardName = "wipe-agent-state"
	// RotateZooKeeperCredential: a ZooKeeper digest credential changes while the znodes belong to the old one.
	RotateZooKeeperCredential HazardName = "rotate-zookeeper-credential"
	// RotateCredential: a Mesos or Marathon credential changes.
	RotateCredential HazardName = "rotate-credential"
	// RenameCluster: the cluster's name changes.
	RenameCluster HazardName = "rename-cluster"
	// MoveWorkDir: a master's or agent's --work_dir changes.
	MoveWorkDir HazardName = "move-work-dir"
	// MoveZooKeeperData: a member's dataDir changes.
	MoveZooKeeperData HazardName = "move-zookeeper-data"
	// MoveZKPath: the znode path of Mesos or Marathon changes.
	MoveZKPath HazardName = "move-zk-path"
	// FirewallClosed: new ZooKeeper members (or new masters that start with them) must boot
	// while the running nodes' firewalls drop them, and no firewall stage can open those first.
	FirewallClosed HazardName = "firewall-closed"
)

// Hazards lists every hazard class with what it risks, in the order the docs give them.
var Hazards = []struct {
	// Name is the class's name.
	Name HazardName
	// Risk says in a few words what it loses.
	Risk string
}{
	{RenumberZooKeeper, "a member taken for another: elections that lose committed transactions"},
	{ZooKeeperOutage, "the new members alone are a majority: a second ensemble, or an outage"},
	{RemoveBeyondTolerance, "the remaining members may all lack the newest writes"},
	{WipeReplicatedLog, "the Mesos registry: agents, maintenance, quota"},
	{SkipQuorumStep, "no safe sequence: the quorum changes one step at a time"},
	{WipeAgentState, "the agent's tasks: it must start over as a new agent"},
	{RotateZooKeeperCredential, "access to the znodes the old credential owns"},
	{RotateCredential, "authentication between daemons until every side has the new secret"},
	{RenameCluster, "the identity of every node (instance-id, --cluster)"},
	{MoveWorkDir, "the state under the old --work_dir"},
	{MoveZooKeeperData, "the member's data: it serves an empty namespace"},
	{MoveZKPath, "the state under the old znode path"},
	{FirewallClosed, "new members or masters the running nodes cannot hear: two leaders, or agents lost"},
}

// KnownHazard reports whether name is a hazard class.
func KnownHazard(name string) bool {
	for _, h := range Hazards {
		if string(h.Name) == name {
			return true
		}
	}
	return false
}

// HazardNames lists the hazard classes' names, sorted.
func HazardNames() []string {
	out := make([]string, len(Hazards))
	for i, h := range Hazards {
		out[i] = string(h.Name)
	}
	sort.Strings(out)
	return out
}

// cite is the citation of operation facts, as repo@ref:path:line.
func cite(ids ...string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = upstream.Operation(id).Source.String()
	}
	return out
}

// citeFact cites a fact of another table of package upstream.
func citeFact(f upstream.Fact) string { return f.Source.String() }

// Refused are the hazards no --accept named.
func (p *Plan) Refused() []Hazard {
	var out []Hazard
	for _, h := range p.Hazards {
		if !h.Accepted {
			out = append(out, h)
		}
	}
	return out
}

// has reports whether the plan has a hazard of class name (accepted or not).
func (p *Plan) has(name HazardName) bool {
	for _, h := range p.Hazards {
		if h.Name == name {
			return true
		}
	}
	return false
}

// Message is the hazard as one error line: the refusal, the reason, what is safe, how to accept.
func (h Hazard) Message() string {
	return fmt.Sprintf("refused (%s): %s; safe: %s; if you accept the risk, plan again with --accept %s (%s)",
		h.Name, strings.TrimSuffix(h.Problem, "."), strings.TrimSuffix(h.Safe, "."), h.Name, strings.Join(h.Sources, ", "))
}

// hazardList collects the hazards of a plan, marking the accepted ones.
type hazardList struct {
	accepted map[HazardName]bool
	list     []Hazard
}

// add records a hazard of the description at path.
func (l *hazardList) add(name HazardName, path string, nodes []string, problem, safe string, sources []string) {
	l.list = append(l.list, Hazard{Name: name, File: InDescription, Path: path, Nodes: nodes,
		Problem: problem, Safe: safe, Sources: sources, Accepted: l.accepted[name]})
}

// addSecret records a hazard of the secrets file at path.
func (l *hazardList) addSecret(name HazardName, path string, nodes []string, problem, safe string, sources []string) {
	l.add(name, path, nodes, problem, safe, sources)
	l.list[len(l.list)-1].File = InSecrets
}

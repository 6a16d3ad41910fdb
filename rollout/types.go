// Package rollout compares a rendered cluster (its manifest.json) with the render of a
// changed description, and plans the change: per node unchanged, reconfigure, new or
// remove, what each change does to the running services, the hazards that would lose data
// or split the cluster (refused unless accepted by name), and an ordered rollout with the
// condition to wait for before each next step. It is pure: Build reads only its arguments.
//
// The plan is printed as text (Plan.Text) or JSON (Plan.JSON, format mesosimg-plan/v1:
// fields are only added within v1, never renamed, removed or given another meaning).
package rollout

import "github.com/mesosimg/mesosimg/manifest"

// FormatV1 is the value of the format field of a plan in JSON.
const FormatV1 = "mesosimg-plan/v1"

// Plan is what a changed description does to the cluster rendered in a manifest.
type Plan struct {
	// Format is mesosimg-plan/v1.
	Format string `json:"format"`
	// Cluster is the cluster's name in the new description.
	Cluster string `json:"cluster"`
	// Changed is false when there is nothing to do (every node and cluster file unchanged).
	Changed bool `json:"changed"`
	// Summary counts the nodes by action.
	Summary Summary `json:"summary"`
	// Nodes are every node of the old and the new render: the new description's in its order, then the removed ones.
	Nodes []NodeChange `json:"nodes"`
	// ZooKeeper is the ensemble before and after.
	ZooKeeper Ensemble `json:"zookeeper"`
	// Masters are the Mesos masters and their quorum before and after.
	Masters MasterSet `json:"masters"`
	// Credentials lists the credentials whose fingerprint changed, appeared or disappeared.
	Credentials []CredentialChange `json:"credentials"`
	// ClusterFiles are the cluster-level files (packer/, pxe/boot.ipxe) that changed.
	ClusterFiles []FileChange `json:"cluster_files"`
	// Hazards are what the change risks; a hazard not accepted refuses the plan.
	Hazards []Hazard `json:"hazards"`
	// Notes say what the plan cannot see or what mesosimg does not do yet.
	Notes []string `json:"notes"`
	// Steps are the rollout, in order: do a step only when the previous one's conditions hold.
	Steps []Step `json:"steps"`
}

// Summary counts the nodes of a plan by action.
type Summary struct {
	// Unchanged counts the nodes whose seed stays the same.
	Unchanged int `json:"unchanged"`
	// Reconfigure counts the nodes booted with a new seed.
	Reconfigure int `json:"reconfigure"`
	// New counts the nodes to create.
	New int `json:"new"`
	// Remove counts the nodes to stop for good.
	Remove int `json:"remove"`
}

// Action is what the plan does to a node.
type Action string

// Node actions.
const (
	// Unchanged: the node's seed is the same; nothing to do.
	Unchanged Action = "unchanged"
	// Reconfigure: the node's seed changes; it is booted with the new one.
	Reconfigure Action = "reconfigure"
	// New: the node is not in the old render; a machine is booted with its seed.
	New Action = "new"
	// Remove: the node is not in the new description; it is stopped for good.
	Remove Action = "remove"
)

// NodeChange is one node's part of the plan.
type NodeChange struct {
	// Name is the node's name.
	Name string `json:"name"`
	// Action is unchanged, reconfigure, new or remove.
	Action Action `json:"action"`
	// Address is the node's address (the old one for a removed node).
	Address string `json:"address"`
	// OldAddress is the address in the old render when it changed.
	OldAddress string `json:"old_address,omitempty"`
	// Roles are the node's roles (the old ones for a removed node).
	Roles []string `json:"roles"`
	// OldRoles are the roles in the old render when they changed.
	OldRoles []string `json:"old_roles,omitempty"`
	// MyID is the node's ZooKeeper myid; 0 when it is no member.
	MyID int `json:"myid,omitempty"`
	// OldMyID is the myid in the old render when it changed.
	OldMyID int `json:"old_myid,omitempty"`
	// Apply is true when the node must boot with its seed: a new node, or one whose running configuration changes.
	Apply bool `json:"apply"`
	// Seed is the path, in the output directory, of the seed the node boots with (none for a removed node).
	Seed string `json:"seed,omitempty"`
	// Files are the node's rendered files that changed, appeared or disappeared.
	Files []FileChange `json:"files,omitempty"`
	// Consequences say what the change does to the node's services.
	Consequences []string `json:"consequences,omitempty"`
}

// FileChange is one rendered file that differs between the renders.
type FileChange struct {
	// Path is the file's path in the output directory.
	Path string `json:"path"`
	// Change is changed, added or removed.
	Change string `json:"change"`
}

// File (and credential) changes.
const (
	// FileChanged: in both renders, with another content or mode.
	FileChanged = "changed"
	// FileAdded: only in the new render.
	FileAdded = "added"
	// FileRemoved: only in the old render.
	FileRemoved = "removed"
)

// Ensemble is the ZooKeeper ensemble before and after.
type Ensemble struct {
	// Before are the members of the old render, in myid order.
	Before []manifest.Member `json:"before"`
	// After are the members of the new render, in myid order.
	After []manifest.Member `json:"after"`
	// ToleratesBefore is how many failed members the old ensemble survives.
	ToleratesBefore int `json:"tolerates_before"`
	// ToleratesAfter is how many failed members the new ensemble survives.
	ToleratesAfter int `json:"tolerates_after"`
}

// MasterSet is the Mesos masters before and after.
type MasterSet struct {
	// Before are the masters of the old render.
	Before []manifest.Master `json:"before"`
	// After are the masters of the new render.
	After []manifest.Master `json:"after"`
	// QuorumBefore is the old --quorum.
	QuorumBefore int `json:"quorum_before"`
	// QuorumAfter is the new --quorum.
	QuorumAfter int `json:"quorum_after"`
}

// CredentialChange is a credential whose fingerprint differs between the renders.
type CredentialChange struct {
	// Key is the credential's key in the secrets file.
	Key string `json:"key"`
	// Change is changed (rotated), added or removed.
	Change string `json:"change"`
	// InUse says whether the new description's daemons use the credential.
	InUse bool `json:"in_use"`
}

// Hazard is a change that loses data or splits the cluster unless done as the plan says.
type Hazard struct {
	// Name identifies the hazard class; --accept NAME accepts it.
	Name HazardName `json:"name"`
	// File is the file whose key causes it: description or secrets.
	File string `json:"file"`
	// Path is the dotted path of that key ("nodes[3].ip"; "" for the whole file).
	Path string `json:"path"`
	// Nodes are the nodes it concerns.
	Nodes []string `json:"nodes,omitempty"`
	// Problem says what happens and why.
	Problem string `json:"problem"`
	// Safe says what would be safe instead.
	Safe string `json:"safe"`
	// Sources cite the upstream behaviour it rests on (repo@ref:path:line).
	Sources []string `json:"sources"`
	// Accepted is true when --accept named it; the rollout then includes it.
	Accepted bool `json:"accepted"`
}

// Files a hazard can point into.
const (
	// InDescription is the cluster description.
	InDescription = "description"
	// InSecrets is the credentials file.
	InSecrets = "secrets"
)

// Step is one step of the rollout.
type Step struct {
	// Number is the step's 1-based position.
	Number int `json:"number"`
	// Kind is render, image, acl, drain, stop, boot, reapply or gate.
	Kind StepKind `json:"kind"`
	// Stage is firewall for the steps of the firewall stage (its render, and the boot of the
	// running nodes with its seeds: they keep their ensemble and masters, and are re-applied
	// again later); absent for the steps of the new description.
	Stage string `json:"stage,omitempty"`
	// Nodes are the nodes the step acts on, in the order to act on them.
	Nodes []string `json:"nodes,omitempty"`
	// OneAtATime: act on one node, wait for its conditions, then the next.
	OneAtATime bool `json:"one_at_a_time,omitempty"`
	// ZooKeeperLeaderLast: of the nodes, the current ZooKeeper leader goes last.
	ZooKeeperLeaderLast bool `json:"zookeeper_leader_last,omitempty"`
	// Held are services of the step's nodes that must not start yet; a later gate step starts them.
	Held []Hold `json:"held,omitempty"`
	// Do says what to do.
	Do string `json:"do"`
	// Commands are commands the step runs (placeholders in capitals: SECRET, AGENT_ID).
	Commands []string `json:"commands,omitempty"`
	// WaitFor are the conditions to wait for before the next step (after each node when one at a time).
	WaitFor []string `json:"wait_for,omitempty"`
	// Effect says what the cluster goes through meanwhile.
	Effect string `json:"effect,omitempty"`
	// Needs name the mesosimg behaviours the step relies on (see Need).
	Needs []Need `json:"needs,omitempty"`
	// Sources cite the upstream procedure the step follows.
	Sources []string `json:"sources,omitempty"`
}

// Hold is a service a step's node must not start yet.
type Hold struct {
	// Node is the node's name.
	Node string `json:"node"`
	// Service is the systemd unit held (mesos-master).
	Service string `json:"service"`
}

// StepKind says what kind of action a step is.
type StepKind string

// Step kinds.
const (
	// StepRender renders the new description into the output directory.
	StepRender StepKind = "render"
	// StepImage rebuilds the base image from packer/.
	StepImage StepKind = "image"
	// StepACL changes ZooKeeper ACLs for a credential rotation.
	StepACL StepKind = "acl"
	// StepDrain drains agents through the master's operator API.
	StepDrain StepKind = "drain"
	// StepStop stops nodes for good.
	StepStop StepKind = "stop"
	// StepBoot boots new machines with their seeds.
	StepBoot StepKind = "boot"
	// StepReapply boots running nodes with their new seeds.
	StepReapply StepKind = "reapply"
	// StepGate waits for held services to start by themselves.
	StepGate StepKind = "gate"
)

// Need names a behaviour of mesosimg's seeds that a step relies on.
type Need string

// Needs of the rollout (mesosimg's first boot provides them; see docs/changing-a-cluster.md).
const (
	// NeedNewInstanceID: a reconfigured node's seed carries a new instance-id, so cloud-init runs its first boot again.
	NeedNewInstanceID Need = "new-instance-id"
	// NeedRerunnableFirstBoot: first boot is safe on a live node (data, work_dir and SSH host keys kept; services restarted in order).
	NeedRerunnableFirstBoot Need = "rerunnable-first-boot"
	// NeedQuorumGate: a new master's first boot starts mesos-master only once every master that answers runs its --quorum.
	NeedQuorumGate Need = "quorum-gate"
	// NeedDropServices: first boot stops and disables the services of roles the node no longer has, for good.
	NeedDropServices Need = "drop-services"
	// NeedRemovalSeed: a removed node can be booted with a seed that keeps every service disabled.
	NeedRemovalSeed Need = "removal-seed"
	// NeedWipeReplicatedLog: first boot removes the master's replicated_log before mesos-master starts (accepted wipe-replicated-log).
	NeedWipeReplicatedLog Need = "wipe-replicated-log"
	// NeedNewAgentID: first boot removes <work_dir>/meta/slaves/latest before mesos-agent starts (accepted wipe-agent-state).
	NeedNewAgentID Need = "new-agent-id"
)

// Package manifest is the record of a render (`DIR/manifest.json`): what description was
// rendered, by which mesosimg, into which files (path, size, mode, SHA-256), and what the
// cluster looked like (nodes, ZooKeeper ensemble, masters, quorum, credential fingerprints,
// never credential values). `mesosimg plan` reads it to tell what a changed description
// does to the rendered cluster; scripts and Terraform read it to create the machines, e.g.
// `jsondecode(file("out/manifest.json")).nodes` lists every node's address, MAC and seed.
//
// The format is versioned by its "format" field, mesosimg-manifest/v1. Within v1 fields are
// only added, never renamed, removed or given another meaning, so a v1 reader ignores the
// keys it does not know; any other change is a new format version, which older readers
// refuse. Every list is in a fixed order and the JSON holds no time of rendering, so
// identical input renders a byte-identical manifest. The manifest does not list itself, nor
// the `.mesosimg-output` marker of the output directory.
package manifest

// Manifest is the record of one render (DIR/manifest.json).
type Manifest struct {
	// Format names the manifest format and its version: mesosimg-manifest/v1. Readers refuse a format they do not know.
	Format string `json:"format"`
	// MesosimgVersion is the version of the mesosimg that rendered, e.g. 0.1.0; absent when unknown.
	MesosimgVersion string `json:"mesosimg_version,omitempty"`
	// DescriptionSHA256 is the SHA-256 of the description's bytes exactly as read (comments included). It covers neither the defaults mesosimg applies nor the secrets file, nor files the description names (key_file, TLS): their effect shows in the files' digests, and credentials in cluster.credentials. Absent when the render was not given the description's bytes.
	DescriptionSHA256 Digest `json:"description_sha256,omitzero"`
	// SourceDateEpoch is the time stamped into the rendered images (SOURCE_DATE_EPOCH, default 1606176000), in seconds since 1970: the same description renders the same images only with the same epoch.
	SourceDateEpoch int64 `json:"source_date_epoch"`
	// Formats are the output formats this render wrote (cloud-init, iso, vfat, installer, pxe, packer), in render order: a `--format` list, or every format; pxe is listed only when installer.answers_url enables it.
	Formats []string `json:"formats"`
	// Stage is `firewall` for the first stage of a rollout (`mesosimg render --stage firewall`): the nodes of the render before it, with its ZooKeeper ensemble and masters, whose firewalls already admit the description's new nodes; absent for a render of the description itself.
	Stage string `json:"stage,omitempty"`
	// Cluster holds what is derived from the whole cluster, and the cluster-level files.
	Cluster Cluster `json:"cluster"`
	// Nodes are every node of the description, in description order, with the files rendered for each.
	Nodes []Node `json:"nodes"`
}

// Cluster is what a render derived from the whole cluster.
type Cluster struct {
	// Name is the Mesos cluster name (cluster: in the description).
	Name string `json:"name"`
	// OS is the target system: ubuntu-22.04, ubuntu-24.04 or debian-12.
	OS string `json:"os"`
	// InstallMethod is apt (packages installed at first boot) or preinstalled (the image holds them).
	InstallMethod string `json:"install_method"`
	// Ensemble are the ZooKeeper members in myid order.
	Ensemble []Member `json:"ensemble"`
	// Masters are the Mesos masters in description order.
	Masters []Master `json:"masters"`
	// Quorum is the Mesos replicated-log quorum: floor(masters/2)+1.
	Quorum int `json:"quorum"`
	// ZK are the ZooKeeper URLs of Mesos and Marathon, without credentials.
	ZK ZK `json:"zk"`
	// Credentials are the fingerprints of the credentials the cluster uses (those its security switches that are on need; Marathon's only when a node runs it), by key; a changed fingerprint is a rotated credential, a new or missing key a credential taken into or out of use.
	Credentials []Credential `json:"credentials"`
	// Firewall records whom the nodes' nftables rulesets admit; absent when security.firewall is off (and in manifests made before mesosimg recorded it).
	Firewall *Firewall `json:"firewall,omitempty"`
	// TLS records the cluster's CA when security.tls is set; absent otherwise.
	TLS *TLS `json:"tls,omitempty"`
	// Files are the cluster-level files (`packer/`, and `pxe/boot.ipxe`), sorted by path.
	Files []File `json:"files"`
}

// Member is one ZooKeeper ensemble member.
type Member struct {
	// MyID is the member's ZooKeeper myid (1-based); a myid must never be given to another address.
	MyID int `json:"myid"`
	// Name is the node's name.
	Name string `json:"name"`
	// Address is the node's IPv4 address, which the ensemble's `server.<myid>` line names.
	Address string `json:"address"`
}

// Master is one Mesos master.
type Master struct {
	// Name is the node's name.
	Name string `json:"name"`
	// Address is the node's IPv4 address.
	Address string `json:"address"`
}

// ZK are ZooKeeper URLs as zk://host:port,…/path, never with the digest credential the daemons use.
type ZK struct {
	// Mesos is the URL of Mesos' znodes (masters' --zk, agents' --master).
	Mesos string `json:"mesos"`
	// Marathon is the URL of Marathon's state (MARATHON_ZK).
	Marathon string `json:"marathon"`
}

// Credential is the fingerprint of one credential of the secrets file, never its value.
type Credential struct {
	// Key is the credential's key in the secrets file, e.g. zookeeper_mesos.
	Key string `json:"key"`
	// Name is the credential's principal or user name (not secret).
	Name string `json:"name"`
	// Fingerprint is 32 hex digits: the first 16 bytes of PBKDF2-HMAC-SHA256 over the secret, with the salt `mesosimg-credential/v1`, NUL, the key, NUL, the name, and 100000 iterations. Equal fingerprints mean equal secrets; every guess at a secret costs 100000 HMACs.
	Fingerprint string `json:"fingerprint"`
}

// Firewall are the node addresses in each address set of the rendered nftables rulesets (the
// same on every node), in description order; admin_cidrs and task_cidrs are the description's.
type Firewall struct {
	// Cluster are the addresses of @cluster, every node: ZooKeeper clients, the Mesos master port, SSH without admin_cidrs.
	Cluster []string `json:"cluster"`
	// ZooKeepers are the addresses of @zookeepers, which may reach ZooKeeper's quorum and election ports (2888, 3888).
	ZooKeepers []string `json:"zookeepers"`
	// Masters are the addresses of @masters, which may reach the agents' port and Marathon's libprocess port.
	Masters []string `json:"masters"`
	// Marathons are the addresses of @marathons, which may reach Marathon's API on the other Marathon nodes (with admin_cidrs).
	Marathons []string `json:"marathons"`
}

// TLS records the certificate authority of a TLS cluster.
type TLS struct {
	// CASHA256 are the SHA-256 fingerprints of the certificates in security.tls.ca_file (of their DER bytes, as `openssl x509 -noout -fingerprint -sha256` prints them, without colons).
	CASHA256 []Digest `json:"ca_sha256"`
}

// Node is one node of the cluster and the files rendered for it.
type Node struct {
	// Name is the node's host name.
	Name string `json:"name"`
	// FQDN is name.domain; absent without a domain.
	FQDN string `json:"fqdn,omitempty"`
	// Address is the node's IPv4 address.
	Address string `json:"address"`
	// Prefix is the address's prefix length.
	Prefix int `json:"prefix"`
	// Gateway is the default route; absent when none is set.
	Gateway string `json:"gateway,omitempty"`
	// Interface is the name network-config gives the NIC that carries the address (with interface_match, a netplan name for whichever NIC matches).
	Interface string `json:"interface"`
	// InterfaceMatch is the NIC name glob netplan matches when no interface or MAC is given (Ubuntu); absent otherwise.
	InterfaceMatch string `json:"interface_match,omitempty"`
	// MAC is the NIC's hardware address, lower case; absent when the NIC is matched by name.
	MAC string `json:"mac,omitempty"`
	// Roles are the node's services, in the order zookeeper, master, agent, marathon.
	Roles []string `json:"roles"`
	// MyID is the node's ZooKeeper myid; absent (0) when the node is no ensemble member.
	MyID int `json:"myid,omitempty"`
	// InstanceID is the NoCloud instance-id of the node's seed; cloud-init runs its first-boot modules again when it changes.
	InstanceID string `json:"instance_id"`
	// ZooKeeper is the node's ZooKeeper state; absent when the node is no ensemble member.
	ZooKeeper *ZooKeeperState `json:"zookeeper,omitempty"`
	// Master is the node's mesos-master state; absent when the node is no master.
	Master *MasterState `json:"master,omitempty"`
	// Agent is the node's mesos-agent configuration; absent when the node is no agent.
	Agent *AgentState `json:"agent,omitempty"`
	// Files are the files rendered for the node (under `nodes/<name>/`, and the `pxe/` files of its MAC), sorted by path.
	Files []File `json:"files"`
}

// ZooKeeperState is where a ZooKeeper member keeps its data.
type ZooKeeperState struct {
	// DataDir is zoo.cfg's dataDir: the member's snapshots and transaction log.
	DataDir string `json:"data_dir"`
}

// MasterState is where a Mesos master keeps its state.
type MasterState struct {
	// WorkDir is the master's --work_dir, holding its replicated log.
	WorkDir string `json:"work_dir"`
}

// AgentState is what a Mesos agent was configured with; its --reconfiguration_policy compares these when the agent restarts.
type AgentState struct {
	// WorkDir is the agent's --work_dir, holding its checkpointed state.
	WorkDir string `json:"work_dir"`
	// Port is the agent's --port; part of the agent info every policy compares (absent in
	// manifests made before mesosimg recorded it).
	Port int `json:"port,omitempty"`
	// Resources are the agent's --resources by name (e.g. cpus: "4"); absent when the agent detects them.
	Resources map[string]string `json:"resources,omitempty"`
	// Attributes are the agent's --attributes by name (e.g. rack: r1); absent when none are set.
	Attributes map[string]string `json:"attributes,omitempty"`
}

// File is one rendered file.
type File struct {
	// Path is the file's path relative to the output directory, slash-separated.
	Path string `json:"path"`
	// Size is the file's length in bytes.
	Size int64 `json:"size"`
	// Mode is the file's permission bits as an octal string: "0600" (holds secrets), "0755" (scripts) or "0644".
	Mode Mode `json:"mode"`
	// SHA256 is the SHA-256 of the file's content.
	SHA256 Digest `json:"sha256"`
}

package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"

	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/templates"
)

// What a node's seed does over the cluster's life: keep its identity when it is applied again,
// hold a new master until the quorum allows it, and retire a machine for good.
const (
	// StateDir holds mesosimg's state on a node: node (the cluster and node it was set up as),
	// readiness (the last readiness line), retired (set by the retired seed), and the first
	// boot's records (firstboot.started, firstboot.done: see faults.go).
	StateDir = "/var/lib/mesosimg"
	// QuorumGatePath is the quorum gate mesos-master's start runs first.
	QuorumGatePath = "/usr/local/lib/mesosimg/quorum-gate"
	// QuorumGateDropIn adds the gate to mesos-master.service (clusterd
	// support/packaging/common/mesos-master.service.in has Restart=always, no ExecStartPre).
	QuorumGateDropIn = "/etc/systemd/system/mesos-master.service.d/mesosimg-quorum-gate.conf"
	// QuorumGateHeld exists while the gate holds mesos-master, and says why.
	QuorumGateHeld = "/run/mesosimg/quorum-gate-held"
	// RetiredPath marks a machine retired from its cluster; first boot refuses to start anything on it.
	RetiredPath = StateDir + "/retired"
)

// roleUnits lists every unit a mesosimg role runs, in the order first boot stops them.
var roleUnits = []string{"marathon", "mesos-agent", "mesos-master", "zookeeper"}

// bootCmd is the node's bootcmd (every boot, before cloud-init's ssh module): the SSH host keys
// of a machine not yet set up as this node are removed, so cloud-init makes new ones, and the
// keys of a node applied again are kept. Its user-data sets ssh_deletekeys: false.
//
// cloud-init 22.4.2 runs bootcmd at every boot (cloudinit/config/cc_bootcmd.py:59) before the
// ssh module (config/cloud.cfg.tmpl:89, :112), which deletes every host key unless
// ssh_deletekeys is false (cloudinit/config/cc_ssh.py:204) and then generates only the keys that
// are missing (cc_ssh.py:263), once per instance.
func (p *Cluster) bootCmd(n *Node) []string {
	script := templates.Script("bootcmd.sh.tmpl", map[string]any{
		"Me":    p.Name + " " + n.Name,
		"MAC":   n.Network.MAC,
		"State": StateDir,
	})
	return []string{"sh", "-c", script}
}

// dropUnits are the units of roles node n does not have: first boot stops and disables them.
func dropUnits(n *Node) []string {
	have := map[string]bool{}
	for _, s := range n.Services {
		have[s.Unit] = true
	}
	var out []string
	for _, u := range roleUnits {
		if !have[u] {
			out = append(out, u)
		}
	}
	return out
}

// quorumGate is the files of a master's quorum gate: the script and mesos-master's drop-in.
func (p *Cluster) quorumGate(n *Node, auth string) []File {
	c := p.Description
	scheme := "http"
	if c.Security.TLS != nil {
		scheme = "https"
	}
	var peers []string
	for _, m := range p.Masters {
		if m.Name != n.Name {
			peers = append(peers, fmt.Sprintf("%s://%s:%d", scheme, m.IP, *c.Mesos.Master.Port))
		}
	}
	gate := templates.Script("quorum-gate.sh.tmpl", map[string]any{
		"Node": n.Name, "Cluster": p.Name, "Quorum": p.Quorum, "WorkDir": MasterWorkDir,
		"DropIn": QuorumGateDropIn, "Held": QuorumGateHeld, "Peers": peers, "Auth": auth,
		"TLS": c.Security.TLS != nil, "TLSCA": TLSCAPath, "TLSCert": TLSCertPath, "TLSKey": TLSKeyPath,
	})
	return []File{
		{Path: QuorumGatePath, Mode: 0o755, Content: gate},
		{Path: QuorumGateDropIn, Mode: 0o644, Content: render("quorum-gate.conf.tmpl", map[string]any{"Gate": QuorumGatePath})},
	}
}

// Retired is the seed that retires a machine from the cluster for good: booted with it, a
// removed node masks every service of mesosimg's roles (a removed master must never rejoin:
// apache/mesos 1.11.0 docs/operational-guide.md:63), keeps its SSH host keys and its network
// as they are, and any later first boot of a node's seed refuses to start anything on it.
type Retired struct {
	// Cluster is the cluster's name.
	Cluster string
	// InstanceID is the stem of the seed's instance-id (the renderer appends its generation).
	InstanceID string
	// BootCmd runs at every boot.
	BootCmd []string
}

// RetiredSeed is the cluster's retired seed.
func (p *Cluster) RetiredSeed() Retired {
	return Retired{
		Cluster:    p.Name,
		InstanceID: "mesosimg-" + strings.ToLower(p.Name) + "-retired",
		BootCmd: []string{"sh", "-c", templates.Script("retire.sh.tmpl", map[string]any{
			"Cluster": p.Name, "State": StateDir, "Retired": RetiredPath, "Units": roleUnits,
		})},
	}
}

// agentInfo is a digest of what an agent's recovery compares with its checkpoint under
// --reconfiguration_policy (its hostname, port, resources and attributes: clusterd
// src/slave/compatibility.cpp:35, :54); first boot records it in the agent's work_dir and,
// under equal, starts the agent over when it changed.
func agentInfo(ip string, a v1.Agent) string {
	lines := []string{"hostname=" + ip, fmt.Sprintf("port=%d", *a.Port)}
	for _, m := range []struct {
		kind string
		kv   map[string]string
	}{{"resource", a.Resources}, {"attribute", a.Attributes}} {
		keys := make([]string, 0, len(m.kv))
		for k := range m.kv {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			lines = append(lines, m.kind+" "+k+"="+m.kv[k])
		}
	}
	sum := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	return hex.EncodeToString(sum[:])
}

// Package plan turns a validated description into a typed model of every
// node: the values derived from the whole cluster (ZooKeeper ids, ensemble,
// zk:// URLs, master quorum, hosts), and per node its network, packages,
// files and services in start order. Renderers only translate a plan into a
// format; every decision about the cluster is made here.
package plan

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"

	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/secrets"
)

// Cluster is the plan of a whole cluster.
type Cluster struct {
	// Name is the Mesos cluster name.
	Name string
	// OS is the target system.
	OS v1.OSInfo
	// Method is the install method (apt or preinstalled).
	Method string
	// ZooKeepers are the ensemble members, in myid order.
	ZooKeepers []Member
	// Masters are the Mesos masters, in description order.
	Masters []Member
	// ZKMesos is the ZooKeeper URL of Mesos (zk://h1:2181,h2:2181/mesos).
	ZKMesos string
	// ZKMarathon is the ZooKeeper URL of Marathon's state (zk://…/marathon).
	ZKMarathon string
	// ZKMesosAuth is ZKMesos as the daemons use it: with the ZooKeeper digest credential
	// (zk://user:secret@h1:2181,h2:2181/mesos) when zookeeper_auth is on.
	ZKMesosAuth string
	// ZKMarathonAuth is ZKMarathon as Marathon uses it: one credential before the host list
	// (zk://u:p@h1:2181,h2:2181/marathon) when zookeeper_auth is on; Marathon 1.11's
	// ZkUrlPattern accepts no other form (see internal/upstream).
	ZKMarathonAuth string
	// Secrets are the credentials the cluster uses (UsedCredentials); the others are empty.
	Secrets *secrets.Bundle

	// Admitted are machines the firewall admits besides the description's nodes, by the roles
	// they run (see Admit); set before the plan renders.
	Admitted []Peer

	setsOnce sync.Once
	sets     []firewallSet
	// Quorum is the Mesos master quorum: floor(masters/2)+1.
	Quorum int
	// Hosts are the /etc/hosts entries every node gets (see network.etc_hosts).
	Hosts []Host
	// Description is the defaulted description the plan was made from.
	Description *v1.Cluster
}

// Peer is a machine the firewall admits by the roles it runs.
type Peer struct {
	// IP is its address.
	IP string
	// Roles are the services it runs.
	Roles Roles
}

// Member is a node taking part in a replicated service.
type Member struct {
	// ID is the ZooKeeper myid (1-based); 0 for masters.
	ID int
	// Name is the node name.
	Name string
	// IP is the node address.
	IP string
}

// Host is one /etc/hosts entry.
type Host struct {
	IP, FQDN, Name string
}

// Roles says which services a node runs.
type Roles struct {
	ZooKeeper, Master, Agent, Marathon bool
}

// Node is the plan of one node.
type Node struct {
	// Name is the host name.
	Name string
	// FQDN is name.domain, or empty without a domain.
	FQDN string
	// IP is the node address.
	IP string
	// InstanceID is the stem of the NoCloud instance-id (the renderer appends the
	// configuration's generation); a new instance-id re-runs first-boot modules.
	InstanceID string
	// Roles are the services the node runs.
	Roles Roles
	// ZooKeeperID is the node's myid, 0 when it is no ZooKeeper member.
	ZooKeeperID int
	// Network is the static address configuration.
	Network Network
	// Admin is the login user, nil to keep the image's default user.
	Admin *Admin
	// NTPServers and NTPPools configure time sync; both empty leaves it alone.
	NTPServers, NTPPools []string
	// Apt configures repositories; nil when nothing is installed at first boot.
	Apt *Apt
	// Packages are installed at first boot (empty for preinstalled images).
	Packages []Package
	// EarlyFiles are written before packages are installed (cloud-init init stage).
	EarlyFiles []File
	// Files are written after packages are installed (deferred), before services start.
	Files []File
	// Services are started in this order by the first-boot script.
	Services []Service
	// FirstBoot is the command cloud-init's runcmd runs once per instance-id.
	FirstBoot []string
	// BootCmd are the commands cloud-init's bootcmd runs at every boot, before write_files, in
	// order: the SSH host keys of a machine new to this node (bootCmd), then the resume of an
	// interrupted first boot (resumeCommand).
	BootCmd [][]string
	// AgentInfo is a digest of the agent's identity (see agentInfo); empty without the agent role.
	AgentInfo string
}

// Network is a node's static IPv4 configuration.
type Network struct {
	// Interface is the NIC name (the ethernets key, and set-name when MAC is set).
	Interface string
	// MatchName is a name glob to match the NIC by (netplan only); empty when Interface is literal.
	MatchName string
	// MAC matches the NIC by hardware address.
	MAC string
	// Address is ip/prefix.
	Address string
	// Gateway is the default route, if any.
	Gateway string
	// GatewayKey writes the gateway as gateway4 (ENI renderer, Debian) rather than a 0.0.0.0/0 route (netplan).
	GatewayKey bool
	// DNS are name servers; Search are search domains.
	DNS, Search []string
}

// IP is the address without its prefix length.
func (n Network) IP() string { ip, _, _ := strings.Cut(n.Address, "/"); return ip }

// Netmask is the address's prefix length as a dotted IPv4 netmask.
func (n Network) Netmask() string {
	_, p, _ := strings.Cut(n.Address, "/")
	bits, _ := strconv.Atoi(p)
	m := ^uint32(0) << (32 - bits)
	if bits <= 0 {
		m = 0
	}
	return fmt.Sprintf("%d.%d.%d.%d", m>>24, m>>16&0xff, m>>8&0xff, m&0xff)
}

// Admin is the login user.
type Admin struct {
	Name           string
	AuthorizedKeys []string
}

// Apt holds repository settings for first-boot installs.
type Apt struct {
	// PrimaryMirror and SecurityMirror replace the distribution archives when set.
	PrimaryMirror, SecurityMirror string
	// Sources are extra repositories.
	Sources []AptSource
}

// AptSource is one extra repository.
type AptSource struct {
	// Name is the sources.list.d file name without ".list".
	Name string
	// Line is the deb line; $KEY_FILE is replaced by cloud-init with the key's path.
	Line string
	// Key is an ASCII-armoured key; KeyID and KeyServer fetch one instead.
	Key, KeyID, KeyServer string
}

// Package is a package to install, optionally pinned.
type Package struct {
	Name, Version string
}

// File is a file written on the node.
type File struct {
	// Path is absolute.
	Path string
	// Content is the whole file.
	Content string
	// Mode is the file mode (0644, 0755, or 0600 for secrets).
	Mode fs.FileMode
	// Secret marks files holding credentials.
	Secret bool
	// Owner is user:group; empty means root:root.
	Owner string
}

// Service is a systemd unit the first-boot script starts and checks.
type Service struct {
	// Unit is the unit name without ".service".
	Unit string
	// Check is the readiness check.
	Check Check
	// WaitForMasters delays the start until some master answers.
	WaitForMasters bool
	// NeedsDocker starts docker.service first.
	NeedsDocker bool
	// Gated: the unit starts through the quorum gate, which may hold it (readiness word held).
	Gated bool
}

// Check is a readiness probe; what each kind proves is documented in the README
// ("Readiness") and its upstream facts in internal/upstream (ReadinessFacts).
type Check struct {
	// Kind is one of the Check* constants.
	Kind string
	Host string
	Port int
	// TLS makes the probe speak HTTPS with the node's certificate (libprocess TLS).
	TLS bool
	// Auth is a root-only curl config file holding the login the endpoint may demand, or "".
	Auth string
}

// Readiness probe kinds.
const (
	// CheckZooKeeper: the srvr four-letter word answers with a Mode (the server is in a quorum).
	CheckZooKeeper = "zookeeper"
	// CheckNftables: mesosimg's table is loaded.
	CheckNftables = "nftables"
	// CheckMesosMaster: /master/redirect answers 307 (a leader is elected) and this master's
	// registrar/log/recovered metric is 1 (its replica of the replicated log caught up).
	CheckMesosMaster = "mesos-master"
	// CheckMesosAgent: the leading master's /master/slaves lists the agent as active (its own
	// slave/registered metric is 1 as soon as it detects a leader, before registering).
	CheckMesosAgent = "mesos-agent"
	// CheckMarathon: GET /v2/leader, authenticated, answers 200 naming a leader.
	CheckMarathon = "marathon"
)

// Paths of files mesosimg writes on every node.
const (
	FirstBootPath = "/usr/local/lib/mesosimg/firstboot"
	// ZooKeeperConfDir is mesosimg's ZooKeeper configuration directory. The package reads
	// /etc/zookeeper/conf, an alternatives link (zookeeper-conf) to its own conf_example; the
	// first boot makes this directory the chosen alternative (with the package's other files
	// copied in), so the package's conffiles stay untouched and upgrades never stop to ask.
	ZooKeeperConfDir = "/etc/zookeeper/conf_mesosimg"
	ZooCfgPath       = ZooKeeperConfDir + "/zoo.cfg"
	// MyIDPath is read as /var/lib/zookeeper/myid, the package's link to /etc/zookeeper/conf/myid.
	MyIDPath      = ZooKeeperConfDir + "/myid"
	HostsPath     = "/etc/hosts"
	PolicyRCDPath = "/usr/sbin/policy-rc.d"
	AptPinPath    = "/etc/apt/preferences.d/mesosimg-zookeeper"
	MesosZKPath   = "/etc/mesos/zk"
	MasterDir     = "/etc/mesos-master"
	AgentDir      = "/etc/mesos-agent"
	MarathonEnv   = "/etc/default/marathon"
	MarathonUnit  = "/etc/systemd/system/marathon.service"
	MasterWorkDir = "/var/lib/mesos/master"
	// CredentialsPath is the masters' --credentials file (every principal and its secret).
	CredentialsPath = "/etc/mesos/credentials.json"
	// AgentCredentialPath is an agent's --credential file.
	AgentCredentialPath = "/etc/mesos/agent-credential.json"
	// MarathonDir holds what the Marathon container reads, mounted read-only at the same path.
	MarathonDir = "/etc/marathon"
	// MarathonSecretPath holds Marathon's Mesos secret.
	MarathonSecretPath = MarathonDir + "/mesos-secret"
	// MarathonTLSDir holds Marathon's copy of the node's TLS material, readable by its uid.
	MarathonTLSDir      = MarathonDir + "/ssl"
	marathonTLSCAPath   = MarathonTLSDir + "/ca.pem"
	marathonTLSCertPath = MarathonTLSDir + "/node.pem"
	marathonTLSKeyPath  = MarathonTLSDir + "/node-key.pem"
	// MarathonUser owns the files the Marathon container must read: the image runs as
	// nobody (uid 65534, the same on Debian and Ubuntu hosts) — see internal/upstream
	// (MarathonImageUserFact). cloud-init resolves write_files owners by name
	// (canonical/cloud-init 22.4.2 cloudinit/config/cc_write_files.py:179-183, util.py:1595
	// chownbyname), which make e2e shows landing as 0400 nobody:nogroup on a real node.
	MarathonUser = "nobody:nogroup"
	// MesosProbeAuthPath and MarathonProbeAuthPath hold the readiness probe's logins (curl -K).
	MesosProbeAuthPath    = "/etc/mesosimg/probe-mesos.curlrc"
	MarathonProbeAuthPath = "/etc/mesosimg/probe-marathon.curlrc"
	// NftablesPath is the firewall ruleset nftables.service loads.
	NftablesPath = "/etc/nftables.conf"
	AgentWorkDir = "/var/lib/mesos/agent"
)

// Build makes the plan of a valid, defaulted description from the credentials it uses (UsedCredentials).
//
// Those must be complete; any other credential of sec is ignored, and the plan holds none.
func Build(c *v1.Cluster, sec *secrets.Bundle) (*Cluster, error) {
	osInfo, ok := v1.LookupOS(c.OS)
	if !ok {
		return nil, fmt.Errorf("unknown os %q", c.OS)
	}
	if sec != nil && sec.Cluster != "" && sec.Cluster != c.Cluster {
		return nil, fmt.Errorf("the credentials given belong to cluster %q, not to %q", sec.Cluster, c.Cluster)
	}
	used := UsedCredentials(c)
	if missing := sec.Missing(used); len(missing) > 0 {
		return nil, fmt.Errorf("cluster %s needs the credentials %s, which were not given", c.Cluster, joinKeys(missing))
	}
	sec = sec.Only(used)
	if rep := sec.Validate(); rep.HasErrors() {
		return nil, fmt.Errorf("credentials: %s: %s", rep.Errors()[0].Path, rep.Errors()[0].Message)
	}
	p := &Cluster{Name: c.Cluster, OS: osInfo, Method: c.Install.Method, Description: c, Secrets: sec}
	for _, n := range c.Nodes {
		roles := RolesOf(n)
		if roles.ZooKeeper {
			p.ZooKeepers = append(p.ZooKeepers, Member{ID: len(p.ZooKeepers) + 1, Name: n.Name, IP: n.IP})
		}
		if roles.Master {
			p.Masters = append(p.Masters, Member{Name: n.Name, IP: n.IP})
		}
		if c.Network.EtcHosts == v1.EtcHostsAll || roles.ZooKeeper || roles.Master || roles.Marathon {
			p.Hosts = append(p.Hosts, Host{IP: n.IP, FQDN: fqdn(n.Name, c.Domain), Name: n.Name})
		}
	}
	p.ZKMesos = ZKURL(p.ZooKeepers, "mesos")
	p.ZKMarathon = ZKURL(p.ZooKeepers, "marathon")
	p.ZKMesosAuth, p.ZKMarathonAuth = p.ZKMesos, p.ZKMarathon
	if v1.On(c.Security.ZooKeeperAuth) {
		p.ZKMesosAuth = zkURLWithCredential(p.ZooKeepers, "mesos", sec.ZooKeeperMesos)
		if sec.ZooKeeperMarathon.Name != "" { // in use: a node runs Marathon
			p.ZKMarathonAuth = zkURLWithCredential(p.ZooKeepers, "marathon", sec.ZooKeeperMarathon)
		}
	}
	p.Quorum = Quorum(len(p.Masters))
	return p, nil
}

// joinKeys lists credential keys for a message.
func joinKeys(keys []secrets.Key) string {
	s := make([]string, len(keys))
	for i, k := range keys {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

// NodeCount is the number of nodes.
func (p *Cluster) NodeCount() int { return len(p.Description.Nodes) }

// Node builds the plan of the i-th node. Node plans are built on demand, so a
// render holds one node's files at a time, whatever the cluster's size.
func (p *Cluster) Node(i int) Node { return p.node(&p.Description.Nodes[i]) }

// Quorum is the Mesos replicated-log quorum for n masters: floor(n/2)+1.
func Quorum(n int) int { return n/2 + 1 }

// ZKURL is zk://ip1:2181,ip2:2181/<path> over the ensemble members.
func ZKURL(members []Member, path string) string {
	hosts := make([]string, len(members))
	for i, m := range members {
		hosts[i] = fmt.Sprintf("%s:%d", m.IP, v1.ZooKeeperClientPort)
	}
	return "zk://" + strings.Join(hosts, ",") + "/" + path
}

// zkURLWithCredential adds a digest credential once, before the host list: the one form both
// Mesos (zookeeper::URL) and Marathon (ZkUrlPattern) accept.
func zkURLWithCredential(members []Member, path string, cred secrets.Credential) string {
	return "zk://" + cred.Name + ":" + cred.Secret + "@" + strings.TrimPrefix(ZKURL(members, path), "zk://")
}

func fqdn(name, domain string) string {
	if domain == "" {
		return ""
	}
	return name + "." + domain
}

// RolesOf are the services a node of the description runs.
func RolesOf(n v1.Node) Roles { return RolesNamed(n.Roles) }

// RolesNamed are the services of a list of role names (zookeeper, master, agent, marathon).
func RolesNamed(names []string) Roles {
	var r Roles
	for _, role := range names {
		switch role {
		case v1.RoleZooKeeper:
			r.ZooKeeper = true
		case v1.RoleMaster:
			r.Master = true
		case v1.RoleAgent:
			r.Agent = true
		case v1.RoleMarathon:
			r.Marathon = true
		}
	}
	return r
}

// InstanceID is the stem of a node's instance-id: the renderer appends the generation of
// the node's configuration (render/cloudinit.InstanceID), so a node's seed gets a new
// instance-id exactly when its configuration changes.
func InstanceID(cluster, node string) string {
	return "mesosimg-" + strings.ToLower(cluster) + "-" + node
}

func (p *Cluster) node(n *v1.Node) Node {
	c := p.Description
	out := Node{
		Name:       n.Name,
		FQDN:       fqdn(n.Name, c.Domain),
		IP:         n.IP,
		InstanceID: InstanceID(c.Cluster, n.Name),
		Roles:      RolesOf(*n),
		Network:    p.network(n),
		NTPServers: c.NTP.Servers,
		NTPPools:   c.NTP.Pools,
		FirstBoot:  []string{FirstBootPath},
	}
	for _, m := range p.ZooKeepers {
		if m.Name == n.Name {
			out.ZooKeeperID = m.ID
		}
	}
	if len(c.Admin.SSHAuthorizedKeys) > 0 {
		out.Admin = &Admin{Name: c.Admin.User, AuthorizedKeys: c.Admin.SSHAuthorizedKeys}
	}
	agent := p.agentSettings(n)
	needsDocker := p.NeedsDocker(n)
	if c.Install.Method == v1.MethodApt {
		out.Apt = p.apt()
		out.Packages = p.packages(out.Roles, needsDocker)
		out.EarlyFiles = append(out.EarlyFiles, File{Path: PolicyRCDPath, Mode: 0o755,
			Content: render("policy-rc.d.tmpl", nil)})
		if origins := p.repoOrigins(); len(origins) > 0 && out.Roles.ZooKeeper {
			out.EarlyFiles = append(out.EarlyFiles, File{Path: AptPinPath, Mode: 0o644,
				Content: render("apt-preferences.tmpl", map[string]any{"Origins": origins})})
		}
	}
	out.EarlyFiles = append(out.EarlyFiles, File{Path: HostsPath, Mode: 0o644,
		Content: render("hosts.tmpl", map[string]any{"Node": n.Name, "Cluster": c.Cluster, "Hosts": p.hostsFor(n)})})
	if out.Roles.ZooKeeper {
		out.Files = append(out.Files,
			File{Path: ZooCfgPath, Mode: 0o644, Content: render("zoo.cfg.tmpl", map[string]any{
				"Node": n.Name, "Cluster": c.Cluster, "Members": p.ZooKeepers,
				"ClientPort": v1.ZooKeeperClientPort, "QuorumPort": v1.ZooKeeperQuorumPort, "ElectionPort": v1.ZooKeeperElectionPort,
			})},
			File{Path: MyIDPath, Mode: 0o644, Content: fmt.Sprintf("%d\n", out.ZooKeeperID)},
		)
		out.Services = append(out.Services, Service{Unit: "zookeeper",
			Check: Check{Kind: CheckZooKeeper, Host: "127.0.0.1", Port: v1.ZooKeeperClientPort}})
	}
	if out.Roles.Master || out.Roles.Agent {
		// The AVENTER wrapper reads only the flag files (zk, master); /etc/mesos/zk is kept for
		// tools and for packagings that read it (MESOS_ZK=file:///etc/mesos/zk).
		zk := File{Path: MesosZKPath, Mode: 0o644, Content: p.ZKMesosAuth + "\n"}
		if p.ZKMesosAuth != p.ZKMesos {
			zk = p.secretFile(zk.Path, zk.Content)
		}
		out.Files = append(out.Files, zk)
	}
	if out.Roles.Master {
		out.Files = append(out.Files, flagFiles(MasterDir, p.masterFlags(n))...)
		check := Check{Kind: CheckMesosMaster, Host: n.IP, Port: *c.Mesos.Master.Port, TLS: c.Security.TLS != nil}
		if v1.On(c.Security.MesosAuthentication) {
			check.Auth = MesosProbeAuthPath
			out.Files = append(out.Files, p.curlLogin(MesosProbeAuthPath, p.Secrets.MesosHTTP))
		}
		out.Files = append(out.Files, p.quorumGate(&out, check.Auth)...)
		out.Services = append(out.Services, Service{Unit: "mesos-master", Check: check, Gated: true})
	}
	if out.Roles.Agent {
		out.AgentInfo = agentInfo(n.IP, agent)
		out.Files = append(out.Files, flagFiles(AgentDir, p.agentFlags(n, agent))...)
		out.Files = append(out.Files, mapFiles(AgentDir+"/resources", agent.Resources)...)
		out.Files = append(out.Files, mapFiles(AgentDir+"/attributes", agent.Attributes)...)
		out.Services = append(out.Services, Service{Unit: "mesos-agent", WaitForMasters: !out.Roles.Master,
			NeedsDocker: contains(agent.Containerizers, "docker"),
			Check:       Check{Kind: CheckMesosAgent, Host: n.IP, Port: *c.Mesos.Agent.Port, TLS: c.Security.TLS != nil}})
	}
	out.Files = append(out.Files, p.credentialFiles(out.Roles)...)
	out.Files = append(out.Files, p.tlsFiles(n, out.Roles)...)
	if out.Roles.Marathon {
		out.Files = append(out.Files, p.marathonFiles(n)...)
		check := Check{Kind: CheckMarathon, Host: n.IP, Port: *c.Marathon.HTTPPort}
		if v1.On(c.Security.MarathonHTTPAuth) {
			check.Auth = MarathonProbeAuthPath
			out.Files = append(out.Files, p.curlLogin(MarathonProbeAuthPath, p.Secrets.MarathonHTTP))
		}
		out.Services = append(out.Services, Service{Unit: "marathon", NeedsDocker: true, Check: check})
	}
	if v1.On(c.Security.Firewall) {
		out.Files = append(out.Files, p.firewall(n, out.Roles, agent))
		// The firewall is up before any service listens.
		out.Services = append([]Service{{Unit: "nftables", Check: Check{Kind: CheckNftables}}}, out.Services...)
	}
	// Faults: a power cut in the middle of the first boot, another machine on the node's address.
	out.Files = append(out.Files, p.faultFiles(&out)...)
	out.Files = append(out.Files, File{Path: FirstBootPath, Mode: 0o755, Content: p.firstBoot(&out)})
	out.BootCmd = [][]string{p.bootCmd(&out), p.resumeCommand(&out)}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// curlLogin is a root-only curl config file with a login, read by the readiness probe with
// curl -K, so the secret never appears on a command line.
func (p *Cluster) curlLogin(path string, c secrets.Credential) File {
	return p.secretFile(path, fmt.Sprintf("# Login of mesosimg's readiness probe, written by mesosimg.\nuser = \"%s:%s\"\n", c.Name, c.Secret))
}

// hostsFor lists the cluster's hosts, plus the node itself when etc_hosts leaves it out.
func (p *Cluster) hostsFor(n *v1.Node) []Host {
	for _, h := range p.Hosts {
		if h.Name == n.Name {
			return p.Hosts
		}
	}
	self := Host{IP: n.IP, FQDN: fqdn(n.Name, p.Description.Domain), Name: n.Name}
	return append([]Host{self}, p.Hosts...)
}

func (p *Cluster) network(n *v1.Node) Network {
	c := p.Description
	nw := Network{
		Interface:  n.Interface,
		MAC:        strings.ToLower(n.MAC),
		Address:    fmt.Sprintf("%s/%d", n.IP, *n.Prefix),
		Gateway:    n.Gateway,
		GatewayKey: p.OS.Distro == "debian",
		DNS:        n.DNS,
		Search:     c.Network.Search,
	}
	if nw.Interface == "" {
		switch {
		case nw.MAC != "":
			nw.Interface = "eth0"
		case p.OS.Distro == "ubuntu":
			// Netplan honours name globs: take the first Ethernet NIC, whatever the platform calls it.
			nw.Interface = "primary"
			nw.MatchName = "e*"
		default:
			nw.Interface = "eth0"
		}
	}
	return nw
}

func (p *Cluster) apt() *Apt {
	in := p.Description.Install
	a := &Apt{PrimaryMirror: in.Mirror, SecurityMirror: in.SecurityMirror}
	for _, r := range in.Repositories {
		line := fmt.Sprintf("deb [signed-by=$KEY_FILE] %s %s %s", r.URL, r.Suite, strings.Join(r.Components, " "))
		a.Sources = append(a.Sources, AptSource{Name: r.Name, Line: line, Key: r.Key, KeyID: r.KeyID, KeyServer: r.KeyServer})
	}
	return a
}

// repoOrigins lists the host names of the extra repositories (apt's "origin"), sorted and unique.
func (p *Cluster) repoOrigins() []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range p.Description.Install.Repositories {
		u, err := url.Parse(r.URL)
		if err != nil || u.Hostname() == "" || seen[u.Hostname()] {
			continue
		}
		seen[u.Hostname()] = true
		out = append(out, u.Hostname())
	}
	sort.Strings(out)
	return out
}

func (p *Cluster) packages(r Roles, needsDocker bool) []Package {
	in := p.Description.Install
	pkg := func(x v1.Package) Package { return Package{Name: x.Package, Version: x.Version} }
	var out []Package
	if r.ZooKeeper {
		out = append(out, pkg(in.ZooKeeper))
	}
	if r.Master || r.Agent {
		out = append(out, pkg(in.Mesos))
	}
	if needsDocker {
		out = append(out, pkg(in.Docker))
	}
	if v1.On(p.Description.Security.Firewall) {
		out = append(out, Package{Name: "nftables"})
	}
	if r.Master || r.Agent || r.Marathon {
		out = append(out, Package{Name: "curl"}) // the readiness probes speak HTTP(S) with it
	}
	return out
}

// flag is one daemon flag; secret flags are written 0600.
type flag struct {
	name, value string
	secret      bool
}

func (p *Cluster) masterFlags(n *v1.Node) []flag {
	c := p.Description
	flags := []flag{
		{name: "cluster", value: c.Cluster},
		{name: "hostname", value: n.IP},
		{name: "hostname_lookup", value: "false"},
		{name: "ip", value: n.IP},
		{name: "port", value: fmt.Sprint(*c.Mesos.Master.Port)},
		{name: "quorum", value: fmt.Sprint(p.Quorum)},
		{name: "work_dir", value: MasterWorkDir},
		{name: "zk", value: p.ZKMesosAuth, secret: p.ZKMesosAuth != p.ZKMesos},
	}
	if v1.On(c.Security.MesosAuthentication) {
		// HTTP Basic on the read-write endpoints and for HTTP API frameworks (mesos-execute), with
		// the logins of --credentials (the master has no --http_credentials); the framework realm
		// needs its authenticator named (see internal/upstream: MesosHTTPAuthFacts).
		flags = append(flags,
			flag{name: "authenticate_agents", value: "true"},
			flag{name: "authenticate_frameworks", value: "true"},
			flag{name: "authenticate_http_frameworks", value: "true"},
			flag{name: "authenticate_http_readwrite", value: "true"},
			flag{name: "credentials", value: CredentialsPath},
			flag{name: "http_framework_authenticators", value: "basic"},
		)
	}
	return withExtra(flags, c.Mesos.Master.Flags)
}

// agentSettings merges a node's agent overrides over the cluster's.
func (p *Cluster) agentSettings(n *v1.Node) v1.Agent {
	a := p.Description.Mesos.Agent
	if o := n.Agent; o != nil {
		if len(o.Containerizers) > 0 {
			a.Containerizers = o.Containerizers
		}
		if o.Resources != nil {
			a.Resources = o.Resources
		}
		if len(o.Attributes) > 0 {
			merged := map[string]string{}
			for k, v := range a.Attributes {
				merged[k] = v
			}
			for k, v := range o.Attributes {
				merged[k] = v
			}
			a.Attributes = merged
		}
	}
	return a
}

func (p *Cluster) agentFlags(n *v1.Node, a v1.Agent) []flag {
	flags := []flag{
		{name: "containerizers", value: strings.Join(a.Containerizers, ",")},
		{name: "hostname", value: n.IP},
		{name: "hostname_lookup", value: "false"},
		{name: "ip", value: n.IP},
		{name: "master", value: p.ZKMesosAuth, secret: p.ZKMesosAuth != p.ZKMesos},
		{name: "port", value: fmt.Sprint(*a.Port)},
		// Every supported system mounts only the unified cgroup v2 hierarchy; with systemd support
		// on, the agent verifies the v1 <cgroups_hierarchy>/systemd hierarchy and exits
		// (m3scluster/clusterd v1.11.0-0.7.1 src/slave/main.cpp:667-678, src/linux/systemd.cpp:183, :277).
		{name: "systemd_enable_support", value: "false"},
		{name: "work_dir", value: AgentWorkDir},
	}
	if contains(a.Containerizers, "docker") {
		if _, set := a.Flags["executor_registration_timeout"]; !set {
			flags = append(flags, flag{name: "executor_registration_timeout", value: "5mins"})
		}
	}
	if v1.On(p.Description.Security.MesosAuthentication) {
		flags = append(flags, flag{name: "credential", value: AgentCredentialPath})
	}
	if env := p.executorTLSEnv(); env != nil {
		// The agent gives executors only this environment (plus LIBPROCESS_IP/PORT, MESOS_*,
		// PATH): none of its own LIBPROCESS_SSL_* (clusterd v1.11.0-0.7.1 src/slave/slave.cpp:11410-11432).
		b, err := json.Marshal(env)
		if err != nil {
			panic(err) // a map of strings always marshals
		}
		flags = append(flags, flag{name: "executor_environment_variables", value: string(b)})
	}
	return withExtra(flags, a.Flags)
}

// withExtra appends the user's extra flags and sorts by name.
func withExtra(flags []flag, extra map[string]string) []flag {
	for k, v := range extra {
		flags = append(flags, flag{name: k, value: v})
	}
	sort.Slice(flags, func(i, j int) bool { return flags[i].name < flags[j].name })
	return flags
}

// flagFiles writes one file per flag, the Mesos packaging convention
// (/etc/mesos-master/quorum holding "2" becomes --quorum=2).
func flagFiles(dir string, flags []flag) []File {
	out := make([]File, 0, len(flags))
	for _, f := range flags {
		file := File{Path: dir + "/" + f.name, Mode: 0o644, Content: f.value + "\n"}
		if f.secret {
			file.Mode, file.Secret = 0o600, true
		}
		out = append(out, file)
	}
	return out
}

// mapFiles writes one file per key in sorted order (resources/, attributes/ directories).
func mapFiles(dir string, m map[string]string) []File {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]File, 0, len(keys))
	for _, k := range keys {
		out = append(out, File{Path: dir + "/" + k, Mode: 0o644, Content: m[k] + "\n"})
	}
	return out
}

func (p *Cluster) marathonFiles(n *v1.Node) []File {
	c := p.Description
	m := c.Marathon
	env := []flag{
		{name: "MARATHON_MASTER", value: p.ZKMesosAuth},
		{name: "MARATHON_ZK", value: p.ZKMarathonAuth},
		{name: "MARATHON_HOSTNAME", value: n.IP},
		{name: "MARATHON_HTTP_ADDRESS", value: n.IP},
		{name: "MARATHON_HTTP_PORT", value: fmt.Sprint(*m.HTTPPort)},
		{name: "LIBPROCESS_IP", value: n.IP},
		{name: "LIBPROCESS_PORT", value: fmt.Sprint(*m.LibprocessPort)},
	}
	var files []File
	if v1.On(c.Security.MesosAuthentication) {
		env = append(env,
			flag{name: "MARATHON_MESOS_AUTHENTICATION", value: ""},
			flag{name: "MARATHON_MESOS_AUTHENTICATION_PRINCIPAL", value: p.Secrets.MesosMarathon.Name},
			flag{name: "MARATHON_MESOS_AUTHENTICATION_SECRET_FILE", value: MarathonSecretPath},
		)
		// Marathon reads the whole file as the secret: no trailing newline.
		files = append(files, p.marathonSecretFile(MarathonSecretPath, p.Secrets.MesosMarathon.Secret))
	}
	if t := c.Security.TLS; t != nil {
		env = append(env, marathonTLSEnv()...)
		nc := t.Certs[n.Name]
		files = append(files,
			File{Path: marathonTLSCAPath, Mode: 0o644, Content: t.CA},
			File{Path: marathonTLSCertPath, Mode: 0o644, Content: nc.Cert},
			p.marathonSecretFile(marathonTLSKeyPath, nc.Key))
	}
	if v1.On(c.Security.MarathonHTTPAuth) {
		env = append(env, flag{name: "MARATHON_HTTP_CREDENTIALS", value: p.Secrets.MarathonHTTP.Name + ":" + p.Secrets.MarathonHTTP.Secret})
	}
	keys := make([]string, 0, len(m.Flags))
	for k := range m.Flags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		env = append(env, flag{name: "MARATHON_" + strings.ToUpper(k), value: m.Flags[k]})
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# Marathon settings for %s (cluster %s), written by mesosimg.\n", n.Name, c.Cluster)
	b.WriteString("# One VAR=value per line, read by docker run --env-file (as root, on the host).\n")
	b.WriteString("# A flag without a value (MARATHON_MESOS_AUTHENTICATION=) is a switch that is on.\n")
	for _, e := range env {
		fmt.Fprintf(&b, "%s=%s\n", e.name, e.value)
	}
	envFile := File{Path: MarathonEnv, Mode: 0o644, Content: b.String()}
	if p.ZKMesosAuth != p.ZKMesos || v1.On(c.Security.MarathonHTTPAuth) {
		envFile = p.secretFile(MarathonEnv, b.String())
	}
	unit := render("marathon-container.service.tmpl", map[string]any{"Node": n.Name, "Cluster": c.Cluster,
		"Image": m.Image, "Mount": len(files) > 0, "Dir": MarathonDir})
	return append([]File{envFile, {Path: MarathonUnit, Mode: 0o644, Content: unit}}, files...)
}

// marathonTLSEnv is tlsEnv with the paths of Marathon's own copies (see MarathonTLSDir).
func marathonTLSEnv() []flag {
	return tlsEnvWith(marathonTLSCAPath, marathonTLSCertPath, marathonTLSKeyPath)
}

// marathonSecretFile is a credential only the Marathon container's user can read (0400).
func (p *Cluster) marathonSecretFile(path, content string) File {
	return File{Path: path, Content: content, Mode: 0o400, Secret: true, Owner: MarathonUser}
}

// secretFile is a root-only file holding credentials.
func (p *Cluster) secretFile(path, content string) File {
	return File{Path: path, Content: content, Mode: 0o600, Secret: true}
}

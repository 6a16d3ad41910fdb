package plan

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"regexp"
	"sort"
	"strings"

	v1 "github.com/mesosimg/mesosimg/config/v1"
)

// mesosCredential is one entry of Mesos's credentials JSON.
type mesosCredential struct {
	Principal string `json:"principal"`
	Secret    string `json:"secret"`
}

// mesosCredentials is the masters' --credentials file.
type mesosCredentials struct {
	Credentials []mesosCredential `json:"credentials"`
}

func marshalJSON(v any) string {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		panic(err) // plain structs of strings always marshal
	}
	return string(b) + "\n"
}

// credentialFiles are the Mesos credentials of a master or agent node.
func (p *Cluster) credentialFiles(r Roles) []File {
	if !v1.On(p.Description.Security.MesosAuthentication) {
		return nil
	}
	s := p.Secrets
	var out []File
	if r.Master {
		out = append(out, p.secretFile(CredentialsPath, marshalJSON(mesosCredentials{Credentials: []mesosCredential{
			{Principal: s.MesosAgent.Name, Secret: s.MesosAgent.Secret},
			{Principal: s.MesosMarathon.Name, Secret: s.MesosMarathon.Secret},
		}})))
	}
	if r.Agent {
		out = append(out, p.secretFile(AgentCredentialPath, marshalJSON(mesosCredential{Principal: s.MesosAgent.Name, Secret: s.MesosAgent.Secret})))
	}
	return out
}

// firewallRule admits TCP ports from a set of sources.
type firewallRule struct {
	// Comment says what the rule is for.
	Comment string
	// Ports is an nft port expression: 5050, { 2888, 3888 } or 31000-32000.
	Ports string
	// From is an nft address set expression: @cluster or @admin.
	From string
}

// firewallData is what the nftables template needs.
type firewallData struct {
	Node, Cluster string
	// Sets maps a set name to its elements (addresses or networks); empty sets are omitted.
	Sets  []firewallSet
	Rules []firewallRule
}

type firewallSet struct {
	Name     string
	Elements string
}

var reRange = regexp.MustCompile(`([0-9]+)-([0-9]+)`)

// taskPorts turns an agent's ports resource ("[31000-32000,33000-33100]") into an nft expression.
func taskPorts(resources map[string]string) string {
	spec, ok := resources["ports"]
	if !ok {
		return "31000-32000" // Mesos's default ports resource
	}
	var ranges []string
	for _, m := range reRange.FindAllStringSubmatch(spec, -1) {
		ranges = append(ranges, m[1]+"-"+m[2])
	}
	if len(ranges) == 1 {
		return ranges[0]
	}
	return "{ " + strings.Join(ranges, ", ") + " }"
}

// firewall is the nftables ruleset of one node: it admits only what the node's roles need.
func (p *Cluster) firewall(n *v1.Node, r Roles, agent v1.Agent) File {
	c := p.Description
	var cluster, zookeepers, masters, marathons []string
	for _, node := range c.Nodes {
		cluster = append(cluster, node.IP)
		nr := rolesOf(node)
		if nr.ZooKeeper {
			zookeepers = append(zookeepers, node.IP)
		}
		if nr.Master {
			masters = append(masters, node.IP)
		}
		if nr.Marathon {
			marathons = append(marathons, node.IP)
		}
	}
	admin := cidrs(c.Security.AdminCIDRs)
	tasks := cidrs(c.Security.TaskCIDRs)
	if len(c.Security.TaskCIDRs) == 0 {
		tasks = append(cidrs(cluster), admin...)
	}
	d := firewallData{Node: n.Name, Cluster: c.Cluster}
	addSet := func(name string, elems []string) {
		if len(elems) > 0 {
			d.Sets = append(d.Sets, firewallSet{Name: name, Elements: strings.Join(unique(elems), ", ")})
		}
	}
	addSet("cluster", cluster)
	addSet("zookeepers", zookeepers)
	addSet("masters", masters)
	addSet("marathons", marathons)
	addSet("admin", admin)
	addSet("tasks", tasks)
	rule := func(comment, ports, from string) {
		d.Rules = append(d.Rules, firewallRule{Comment: comment, Ports: ports, From: from})
	}
	if len(admin) > 0 {
		rule("SSH from administrators", "22", "@admin")
	}
	if r.ZooKeeper {
		rule("ZooKeeper clients: masters, agents and Marathon find each other through it", fmt.Sprint(v1.ZooKeeperClientPort), "@cluster")
		rule("ZooKeeper quorum and leader election between members", fmt.Sprintf("{ %d, %d }", v1.ZooKeeperQuorumPort, v1.ZooKeeperElectionPort), "@zookeepers")
	}
	if r.Master {
		port := fmt.Sprint(*c.Mesos.Master.Port)
		rule("Mesos master: other masters, agents and frameworks", port, "@cluster")
		if len(admin) > 0 {
			rule("Mesos master UI and API for administrators", port, "@admin")
		}
	}
	if r.Agent {
		rule("Mesos agent: only masters talk to it", fmt.Sprint(*c.Mesos.Agent.Port), "@masters")
		rule("task ports", taskPorts(agent.Resources), "@tasks")
	}
	if r.Marathon {
		port := fmt.Sprint(*c.Marathon.HTTPPort)
		rule("Marathon API: other Marathon instances proxy to the leader", port, "@marathons")
		if len(admin) > 0 {
			rule("Marathon UI and API for administrators", port, "@admin")
		}
		rule("Marathon's libprocess port: masters call the scheduler back", fmt.Sprint(*c.Marathon.LibprocessPort), "@masters")
	}
	return File{Path: NftablesPath, Mode: 0o644, Content: render("nftables.conf.tmpl", d)}
}

// cidrs normalises addresses and networks to nft set elements.
func cidrs(list []string) []string {
	out := make([]string, 0, len(list))
	for _, s := range list {
		p, ok := v1.ParseCIDR(s)
		if !ok {
			continue
		}
		if p.Bits() == 32 {
			out = append(out, p.Addr().String())
		} else {
			out = append(out, p.String())
		}
	}
	return out
}

// unique sorts elements (in address order), drops repeats and any address or network inside
// another element: nft refuses overlapping intervals in a set.
func unique(list []string) []string {
	var prefixes []netip.Prefix
	for _, s := range list {
		if p, err := netip.ParsePrefix(withBits(s)); err == nil {
			prefixes = append(prefixes, p.Masked())
		}
	}
	sort.Slice(prefixes, func(i, j int) bool {
		a, b := prefixes[i], prefixes[j]
		if a.Addr() != b.Addr() {
			return a.Addr().Less(b.Addr())
		}
		return a.Bits() < b.Bits()
	})
	var out []string
	var kept []netip.Prefix
	for _, p := range prefixes {
		covered := false
		for _, k := range kept {
			if k.Bits() <= p.Bits() && k.Contains(p.Addr()) {
				covered = true
				break
			}
		}
		if covered {
			continue
		}
		kept = append(kept, p)
		if p.Bits() == 32 {
			out = append(out, p.Addr().String())
		} else {
			out = append(out, p.String())
		}
	}
	return out
}

func withBits(s string) string {
	if strings.Contains(s, "/") {
		return s
	}
	return s + "/32"
}

// Paths of the TLS material on a node.
const (
	TLSDir         = "/etc/mesos/ssl"
	TLSCAPath      = TLSDir + "/ca.pem"
	TLSCertPath    = TLSDir + "/node.pem"
	TLSKeyPath     = TLSDir + "/node-key.pem"
	MesosDefaults  = "/etc/default/mesos"
	tlsEnvComment  = "# libprocess TLS for every Mesos daemon on this node, written by mesosimg.\n"
	tlsEnvSourced  = "# Sourced by mesos-init-wrapper (the variables are exported for mesos-master and mesos-agent).\n"
	tlsVerifyPeers = "true"
)

// tlsEnv are the LIBPROCESS_SSL_* variables: TLS only (no downgrade), peers verified against the CA.
func tlsEnv() []flag {
	return []flag{
		{name: "LIBPROCESS_SSL_ENABLED", value: "true"},
		{name: "LIBPROCESS_SSL_SUPPORT_DOWNGRADE", value: "false"},
		{name: "LIBPROCESS_SSL_CERT_FILE", value: TLSCertPath},
		{name: "LIBPROCESS_SSL_KEY_FILE", value: TLSKeyPath},
		{name: "LIBPROCESS_SSL_CA_FILE", value: TLSCAPath},
		{name: "LIBPROCESS_SSL_VERIFY_SERVER_CERT", value: tlsVerifyPeers},
	}
}

// tlsFiles are a node's CA, certificate, key and (for Mesos daemons) /etc/default/mesos.
func (p *Cluster) tlsFiles(n *v1.Node, r Roles) []File {
	t := p.Description.Security.TLS
	if t == nil || !(r.Master || r.Agent || r.Marathon) {
		return nil
	}
	nc := t.Certs[n.Name]
	out := []File{
		{Path: TLSCAPath, Mode: 0o644, Content: t.CA},
		{Path: TLSCertPath, Mode: 0o644, Content: nc.Cert},
		p.secretFile(TLSKeyPath, nc.Key),
	}
	if r.Master || r.Agent {
		var b strings.Builder
		b.WriteString(tlsEnvComment + tlsEnvSourced)
		for _, e := range tlsEnv() {
			fmt.Fprintf(&b, "export %s=%s\n", e.name, e.value)
		}
		out = append(out, File{Path: MesosDefaults, Mode: 0o644, Content: b.String()})
	}
	return out
}

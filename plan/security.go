package plan

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"regexp"
	"sort"
	"strings"

	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/secrets"
)

// UsedCredentials lists, in the secrets file's order, the credentials a description uses.
func UsedCredentials(c *v1.Cluster) []secrets.Key {
	marathon := false
	for _, n := range c.Nodes {
		marathon = marathon || RolesOf(n).Marathon
	}
	use := map[secrets.Key]bool{}
	s := c.Security
	if v1.On(s.MesosAuthentication) {
		// The masters' --credentials: the agents' principal, Marathon's (when a node runs it)
		// and the operators' login, which the masters' HTTP authentication and the readiness
		// probe of every master use.
		use[secrets.KeyMesosAgent] = true
		use[secrets.KeyMesosMarathon] = marathon
		use[secrets.KeyMesosHTTP] = true
	}
	// MARATHON_HTTP_CREDENTIALS and the probe of Marathon's nodes.
	use[secrets.KeyMarathonHTTP] = v1.On(s.MarathonHTTPAuth) && marathon
	if v1.On(s.ZooKeeperAuth) {
		// The zk URLs of the Mesos daemons and of Marathon.
		use[secrets.KeyZooKeeperMesos] = true
		use[secrets.KeyZooKeeperMarathon] = marathon
	}
	var out []secrets.Key
	for _, k := range secrets.AllKeys() {
		if use[k] {
			out = append(out, k)
		}
	}
	return out
}

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
		// Every principal in use: Marathon's only when a node runs Marathon (see UsedCredentials).
		var creds []mesosCredential
		for _, c := range []secrets.Credential{s.MesosAgent, s.MesosMarathon, s.MesosHTTP} {
			if c.Name != "" {
				creds = append(creds, mesosCredential{Principal: c.Name, Secret: c.Secret})
			}
		}
		out = append(out, p.secretFile(CredentialsPath, marshalJSON(mesosCredentials{Credentials: creds})))
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

// FirewallAdmits are the node addresses each address set of the rulesets holds.
type FirewallAdmits struct {
	// Cluster (@cluster) are every node's addresses: ZooKeeper clients, the Mesos master port,
	// SSH without admin_cidrs.
	Cluster []string
	// ZooKeepers (@zookeepers) may reach ZooKeeper's quorum and election ports.
	ZooKeepers []string
	// Masters (@masters) may reach the agents' port and Marathon's libprocess port.
	Masters []string
	// Marathons (@marathons) may reach Marathon's API on other Marathon nodes.
	Marathons []string
}

// FirewallAdmits are the node addresses the rulesets admit: the description's nodes and the
// Admitted peers, each by its roles, in that order, without repeats.
func (p *Cluster) FirewallAdmits() FirewallAdmits {
	var a FirewallAdmits
	seen := map[*[]string]map[string]bool{}
	add := func(list *[]string, ip string) {
		if seen[list] == nil {
			seen[list] = map[string]bool{}
		}
		if !seen[list][ip] {
			seen[list][ip] = true
			*list = append(*list, ip)
		}
	}
	admit := func(ip string, r Roles) {
		add(&a.Cluster, ip)
		for _, x := range []struct {
			on   bool
			list *[]string
		}{{r.ZooKeeper, &a.ZooKeepers}, {r.Master, &a.Masters}, {r.Marathon, &a.Marathons}} {
			if x.on {
				add(x.list, ip)
			}
		}
	}
	for _, n := range p.Description.Nodes {
		admit(n.IP, RolesOf(n))
	}
	for _, peer := range p.Admitted {
		admit(peer.IP, peer.Roles)
	}
	return a
}

// firewallSets are the address sets of the cluster's rulesets, computed once per cluster.
func (p *Cluster) firewallSets() []firewallSet {
	p.setsOnce.Do(func() {
		c := p.Description
		a := p.FirewallAdmits()
		tasks := c.Security.TaskCIDRs
		if len(tasks) == 0 {
			tasks = append(append([]string(nil), a.Cluster...), c.Security.AdminCIDRs...)
		}
		for _, set := range []struct {
			name  string
			elems []string
		}{{"cluster", a.Cluster}, {"zookeepers", a.ZooKeepers}, {"masters", a.Masters}, {"marathons", a.Marathons},
			{"admin", c.Security.AdminCIDRs}, {"tasks", tasks}} {
			if merged := mergeAddresses(set.elems); len(merged) > 0 {
				p.sets = append(p.sets, firewallSet{Name: set.name, Elements: strings.Join(merged, ", ")})
			}
		}
	})
	return p.sets
}

// firewall is the nftables ruleset of one node: it admits only what the node's roles need.
func (p *Cluster) firewall(n *v1.Node, r Roles, agent v1.Agent) File {
	c := p.Description
	admin := len(c.Security.AdminCIDRs) > 0
	d := firewallData{Node: n.Name, Cluster: c.Cluster, Sets: p.firewallSets()}
	rule := func(comment, ports, from string) {
		d.Rules = append(d.Rules, firewallRule{Comment: comment, Ports: ports, From: from})
	}
	// Without admin_cidrs the cluster's own nodes administer it (README, validate's warning).
	if admin {
		rule("SSH from administrators", "22", "@admin")
	} else {
		rule("SSH from the cluster's own nodes (no admin_cidrs)", "22", "@cluster")
	}
	if r.ZooKeeper {
		rule("ZooKeeper clients: masters, agents and Marathon find each other through it", fmt.Sprint(v1.ZooKeeperClientPort), "@cluster")
		rule("ZooKeeper quorum and leader election between members", fmt.Sprintf("{ %d, %d }", v1.ZooKeeperQuorumPort, v1.ZooKeeperElectionPort), "@zookeepers")
	}
	if r.Master {
		port := fmt.Sprint(*c.Mesos.Master.Port)
		rule("Mesos master: other masters, agents and frameworks", port, "@cluster")
		if admin {
			rule("Mesos master UI and API for administrators", port, "@admin")
		}
	}
	if r.Agent {
		rule("Mesos agent: only masters talk to it", fmt.Sprint(*c.Mesos.Agent.Port), "@masters")
		rule("task ports", taskPorts(agent.Resources), "@tasks")
	}
	if r.Marathon {
		port := fmt.Sprint(*c.Marathon.HTTPPort)
		if admin {
			rule("Marathon API: other Marathon instances proxy to the leader", port, "@marathons")
			rule("Marathon UI and API for administrators", port, "@admin")
		} else {
			rule("Marathon UI and API for the cluster's own nodes (no admin_cidrs)", port, "@cluster")
		}
		rule("Marathon's libprocess port: masters call the scheduler back", fmt.Sprint(*c.Marathon.LibprocessPort), "@masters")
	}
	return File{Path: NftablesPath, Mode: 0o644, Content: render("nftables.conf.tmpl", d)}
}

// mergeAddresses turns addresses and networks into the fewest nft set elements: sorted,
// overlaps and neighbours merged into one network (a.b.c.d/n) or range (a-b). nft refuses
// overlapping intervals, and a cluster with consecutive addresses needs one element however
// many nodes it has. It runs in O(n log n).
func mergeAddresses(list []string) []string {
	type span struct{ lo, hi uint32 }
	spans := make([]span, 0, len(list))
	for _, s := range list {
		p, ok := v1.ParseCIDR(s)
		if !ok {
			continue
		}
		lo := ipToUint(p.Addr())
		spans = append(spans, span{lo, lo | (1<<(32-p.Bits()) - 1)})
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].lo < spans[j].lo })
	var merged []span
	for _, sp := range spans {
		if k := len(merged) - 1; k >= 0 && uint64(sp.lo) <= uint64(merged[k].hi)+1 {
			merged[k].hi = max(merged[k].hi, sp.hi)
			continue
		}
		merged = append(merged, sp)
	}
	out := make([]string, 0, len(merged))
	for _, sp := range merged {
		size := uint64(sp.hi) - uint64(sp.lo) + 1
		switch {
		case size == 1:
			out = append(out, uintToIP(sp.lo).String())
		case size&(size-1) == 0 && uint64(sp.lo)%size == 0:
			bits := 32
			for n := size; n > 1; n >>= 1 {
				bits--
			}
			out = append(out, netip.PrefixFrom(uintToIP(sp.lo), bits).String())
		default:
			out = append(out, uintToIP(sp.lo).String()+"-"+uintToIP(sp.hi).String())
		}
	}
	return out
}

func ipToUint(a netip.Addr) uint32 {
	b := a.As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

func uintToIP(n uint32) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)})
}

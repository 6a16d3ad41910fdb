package plan

import (
	"fmt"
	"strings"

	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/templates"
)

// render executes a template whose data mesosimg builds itself.
func render(name string, data any) string { return templates.MustRender(name, data) }

// firstBootService is a Service as the first-boot template sees it.
type firstBootService struct {
	Service
	// Var is the shell variable suffix holding its status.
	Var string
	// Check is the shell command of its readiness check, quoted.
	Check string
}

func (p *Cluster) firstBoot(n *Node) string {
	c := p.Description
	var services []firstBootService
	var order []string
	gated := false
	for _, s := range n.Services {
		check := ""
		ck := s.Check
		scheme := "http"
		if ck.TLS {
			scheme = "https"
		}
		base := templates.ShellQuote(fmt.Sprintf("%s://%s:%d", scheme, ck.Host, ck.Port))
		switch ck.Kind {
		case CheckZooKeeper:
			check = fmt.Sprintf("zk_ok %s %d", templates.ShellQuote(ck.Host), ck.Port)
		case CheckNftables:
			check = "nft_ok"
		case CheckMesosMaster:
			check = "master_ok " + base + " " + templates.ShellQuote(ck.Auth)
		case CheckMesosAgent:
			check = fmt.Sprintf("agent_ok %s %d", templates.ShellQuote(ck.Host), ck.Port)
		case CheckMarathon:
			check = "marathon_ok " + base + " " + templates.ShellQuote(ck.Auth)
		default:
			panic("unknown readiness check " + ck.Kind)
		}
		gated = gated || s.Gated
		services = append(services, firstBootService{Service: s, Var: strings.ReplaceAll(s.Unit, "-", "_"), Check: check})
		order = append(order, s.Unit)
	}
	if len(order) == 0 {
		order = []string{"no services"}
	}
	var masters []string
	scheme := "http"
	if c.Security.TLS != nil {
		scheme = "https"
	}
	// Agents wait for a master and ask the leading one whether they are registered.
	if n.Roles.Agent {
		for _, m := range p.Masters {
			masters = append(masters, fmt.Sprintf("%s://%s:%d", scheme, m.IP, *c.Mesos.Master.Port))
		}
	}
	curl := n.Roles.Master || n.Roles.Agent || n.Roles.Marathon
	data := map[string]any{
		"Node":            n.Name,
		"Cluster":         c.Cluster,
		"Order":           order,
		"Timeout":         *c.ReadinessTimeout,
		"RemovePolicyRCD": c.Install.Method == v1.MethodApt,
		"Services":        services,
		"Masters":         masters,
		"Curl":            curl,
		"TLS":             c.Security.TLS != nil && (n.Roles.Master || n.Roles.Agent),
		"TLSCA":           TLSCAPath,
		"TLSCert":         TLSCertPath,
		"TLSKey":          TLSKeyPath,
		"ZooKeeperConf":   "",
		"MAC":             n.Network.MAC,
		"AddressCheck":    p.addressCheck(n),
		"State":           StateDir,
		"Retired":         RetiredPath,
		"Drop":            dropUnits(n),
		"GateHeld":        QuorumGateHeld,
		"Gated":           gated,
		"Self":            FirstBootPath,
		"Done":            FirstBootDonePath,
		"InstanceIDFile":  InstanceIDRunPath,
	}
	if n.Roles.ZooKeeper {
		data["ZooKeeperConf"] = ZooKeeperConfDir
	}
	data["AgentInfo"], data["AgentPolicy"], data["AgentWorkDir"] = "", "", AgentWorkDir
	if n.Roles.Agent {
		data["AgentInfo"], data["AgentPolicy"] = n.AgentInfo, p.Description.Mesos.Agent.ReconfigurationPolicy()
	}
	return templates.Script("firstboot.sh.tmpl", data)
}

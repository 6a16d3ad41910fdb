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
	for _, s := range n.Services {
		check := ""
		switch s.Check.Kind {
		case "zookeeper":
			check = fmt.Sprintf("zk_ok %s %d", templates.ShellQuote(s.Check.Host), s.Check.Port)
		case "nftables":
			check = "nft_ok"
		case "https":
			check = fmt.Sprintf("https_ok %s %d %s", templates.ShellQuote(s.Check.Host), s.Check.Port, templates.ShellQuote(s.Check.Path))
		case "http":
			check = fmt.Sprintf("http_ok %s %d %s", templates.ShellQuote(s.Check.Host), s.Check.Port, templates.ShellQuote(s.Check.Path))
		}
		services = append(services, firstBootService{Service: s, Var: strings.ReplaceAll(s.Unit, "-", "_"), Check: check})
		order = append(order, s.Unit)
	}
	if len(order) == 0 {
		order = []string{"no services"}
	}
	var masters []string
	for _, m := range p.Masters {
		masters = append(masters, m.IP)
	}
	data := map[string]any{
		"Node":            n.Name,
		"Cluster":         c.Cluster,
		"Order":           order,
		"Timeout":         *c.ReadinessTimeout,
		"RemovePolicyRCD": c.Install.Method == v1.MethodApt,
		"Tarball":         nil,
		"Services":        services,
		"Masters":         masters,
		"MasterPort":      *c.Mesos.Master.Port,
		"TLS":             c.Security.TLS != nil,
		"TLSCA":           TLSCAPath,
		"ZooKeeperConf":   "",
	}
	if n.Roles.ZooKeeper {
		data["ZooKeeperConf"] = ZooKeeperConfDir
	}
	if n.Roles.Marathon && c.Marathon.Runtime == v1.RuntimeTarball && c.Install.Method == v1.MethodApt {
		data["Tarball"] = c.Marathon.Tarball
	}
	return render("firstboot.sh.tmpl", data)
}

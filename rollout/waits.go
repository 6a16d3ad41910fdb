package rollout

import (
	"fmt"
	"strings"

	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/manifest"
)

// readiness is the condition that node n's first boot reported its services ready: the
// readiness line it prints on its console, with the services named (mesosimg's first boot
// prints every service of the node on one line, `mesosimg: NODE SERVICE=ok …`).
func readiness(n *manifest.Node, skip ...string) string {
	var ok []string
	for _, u := range unitsOf(n) {
		if !contains(skip, u) {
			ok = append(ok, u+"=ok")
		}
	}
	if len(ok) == 0 {
		return fmt.Sprintf("`mesosimg: %s` on its console", n.Name)
	}
	return fmt.Sprintf("`mesosimg: %s %s` on its console", n.Name, strings.Join(ok, " "))
}

// unitsOf are the services of a node in start order.
func unitsOf(n *manifest.Node) []string {
	var out []string
	for _, r := range []string{v1.RoleZooKeeper, v1.RoleMaster, v1.RoleAgent, v1.RoleMarathon} {
		if hasRole(n, r) {
			out = append(out, unitOf(r))
		}
	}
	return out
}

// srvr is the condition that a ZooKeeper member serves in one of the modes.
func srvr(n *manifest.Node, modes string) string {
	return fmt.Sprintf("`echo srvr | nc %s %d` says Mode: %s", n.Address, v1.ZooKeeperClientPort, modes)
}

// masterURL is the operator API of a master of the new render.
func (c *comparison) masterURL() string {
	scheme := "http"
	if c.new.Cluster.TLS != nil {
		scheme = "https"
	}
	addr := "MASTER"
	if len(c.new.Cluster.Masters) > 0 {
		addr = c.new.Cluster.Masters[0].Address
	}
	port := v1.DefaultMasterPort
	if p := c.desc.Mesos.Master.Port; p != nil {
		port = *p
	}
	return fmt.Sprintf("%s://%s:%d/api/v1", scheme, addr, port)
}

// operatorCall is a curl command calling the masters' operator API with JSON body.
func (c *comparison) operatorCall(body string) string {
	login := ""
	if v1.On(c.desc.Security.MesosAuthentication) {
		login = fmt.Sprintf(" -u %s:SECRET", c.credentialName(keyMesosHTTP))
	}
	return fmt.Sprintf("curl -sS --location-trusted%s -H 'Content-Type: application/json' -d '%s' %s", login, body, c.masterURL())
}

// secretNote says where the placeholders of operator calls come from.
func (c *comparison) secretNote() string {
	if !v1.On(c.desc.Security.MesosAuthentication) {
		return ""
	}
	return fmt.Sprintf(" (SECRET: %s.secret in %s)", keyMesosHTTP, c.secretsFile())
}

func (c *comparison) secretsFile() string {
	if c.opts.SecretsFile != "" {
		return c.opts.SecretsFile
	}
	return "the secrets file"
}

// drainCommands drain an agent by its address: find its id, then DRAIN_AGENT.
func (c *comparison) drainCommands(gone bool) []string {
	body := `{"type":"DRAIN_AGENT","drain_agent":{"agent_id":{"value":"AGENT_ID"}}}`
	if gone {
		body = `{"type":"DRAIN_AGENT","drain_agent":{"agent_id":{"value":"AGENT_ID"},"mark_gone":true}}`
	}
	return []string{
		c.operatorCall(`{"type":"GET_AGENTS"}`) + "   # AGENT_ID: agent_info.id of the agent whose hostname is its address",
		c.operatorCall(body),
		c.operatorCall(`{"type":"GET_AGENTS"}`) + "   # repeat until its drain_info.state is DRAINED",
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// names joins node names for a sentence: "m1", "m1 and m2", "m1, m2 and m3".
func names(list []string) string {
	switch len(list) {
	case 0:
		return ""
	case 1:
		return list[0]
	}
	return strings.Join(list[:len(list)-1], ", ") + " and " + list[len(list)-1]
}

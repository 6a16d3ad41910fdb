package rollout

import (
	"fmt"
	"strings"

	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/manifest"
)

// notes say what the plan cannot see, and where the rollout relies on behaviour the seeds
// may lack.
func (c *comparison) notes(p *Plan) []string {
	var out []string
	if !p.Changed && c.old.DescriptionSHA256 != c.new.DescriptionSHA256 {
		out = append(out, "the description's text changed, but it renders the same files")
	}
	var sameID []string
	agents := false
	for _, n := range p.Nodes {
		if n.Action != Reconfigure || !c.applies[n.Name] {
			continue
		}
		agents = agents || hasRole(c.newNodes[n.Name], v1.RoleAgent)
		meta := "nodes/" + n.Name + "/meta-data"
		changed := false
		for _, f := range n.Files {
			changed = changed || f.Path == meta
		}
		if !changed && hasFile(c.newNodes[n.Name].Files, meta) {
			sameID = append(sameID, n.Name)
		}
	}
	if len(sameID) > 0 {
		// cloud-init runs per-instance modules (write_files, runcmd) once per instance-id
		// (canonical/cloud-init 22.4.2 cloudinit/helpers.py:153, cloudinit/stages.py:420).
		out = append(out, fmt.Sprintf("%s keep their instance-id (meta-data unchanged): cloud-init takes their new seed for the same instance and does not apply its user-data; the re-apply steps need a seed with a new instance-id (%s) [%s]",
			names(sameID), NeedNewInstanceID, strings.Join(cite("ci.new.instance", "ci.sem"), ", ")))
	}
	if agents {
		note := fmt.Sprintf("agents recover under --reconfiguration_policy=%s (%s) [%s]", c.desc.Mesos.Agent.ReconfigurationPolicy(), policyOrigin(c.desc), strings.Join(cite("agent.policy", "agent.policy.master"), ", "))
		if c.oldLacksAgentPorts() {
			note += "; the old manifest does not record agent ports, so a changed mesos.agent.port, which the master refuses for a registered agent, is not checked"
		}
		out = append(out, note)
	}
	return out
}

func hasFile(files []manifest.File, path string) bool {
	for _, f := range files {
		if f.Path == path {
			return true
		}
	}
	return false
}

// oldLacksAgentPorts: the old render's manifest predates agent ports.
func (c *comparison) oldLacksAgentPorts() bool {
	for _, n := range c.old.Nodes {
		if n.Agent != nil && n.Agent.Port == 0 {
			return true
		}
	}
	return false
}

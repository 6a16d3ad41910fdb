package rollout

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/manifest"
)

// agentHazards finds agents that would refuse to recover their state: a changed hostname
// (mesosimg sets --hostname to the address), resources or attributes the policy rejects, a
// moved work_dir.
func (c *comparison) agentHazards() {
	policy := c.desc.Mesos.Agent.ReconfigurationPolicy()
	for i := range c.new.Nodes {
		n := &c.new.Nodes[i]
		o := c.oldNodes[n.Name]
		if !hasRole(o, v1.RoleAgent) || !hasRole(n, v1.RoleAgent) || o.Agent == nil || n.Agent == nil {
			continue
		}
		if o.Agent.WorkDir != n.Agent.WorkDir {
			c.hazards.add(MoveWorkDir, c.nodePath(n.Name, ""), []string{n.Name},
				fmt.Sprintf("%s's agent --work_dir changes from %s to %s (the render in the output directory was made by mesosimg %s): the agent finds no checkpointed state, registers as a new agent and loses track of its tasks",
					n.Name, o.Agent.WorkDir, n.Agent.WorkDir, versionOf(c.old)),
				"drain the agent first (see wipe-agent-state), or move the directory while the agent is stopped",
				cite("agent.recover.fail"))
		}
		var why []string
		path := ""
		if o.Address != n.Address {
			// mesosimg's --hostname is the address; the master refuses a changed hostname
			// under any policy (src/slave/flags.cpp:612), additive refuses it too
			// (src/slave/compatibility.cpp:58).
			why = append(why, fmt.Sprintf("its hostname (the address) changes from %s to %s, which no policy accepts", o.Address, n.Address))
			path = c.nodePath(n.Name, "ip")
		}
		portChanged := o.Agent.Port != 0 && n.Agent.Port != 0 && o.Agent.Port != n.Agent.Port
		if portChanged {
			// Every policy compares the port (src/slave/compatibility.cpp:39 equal, :65 additive).
			why = append(why, fmt.Sprintf("its port changes from %d to %d, which no policy accepts", o.Agent.Port, n.Agent.Port))
			if path == "" {
				path = c.agentPath(n.Name, "port")
			}
		}
		if reason := rejected(policy, o.Agent.Resources, n.Agent.Resources, true); reason != "" {
			why = append(why, "resources: "+reason)
			if path == "" {
				path = c.agentPath(n.Name, "resources")
			}
		}
		if reason := rejected(policy, o.Agent.Attributes, n.Agent.Attributes, false); reason != "" {
			why = append(why, "attributes: "+reason)
			if path == "" {
				path = c.agentPath(n.Name, "attributes")
			}
		}
		if len(why) == 0 {
			continue
		}
		safe := safeAgentChange(policy)
		if portChanged {
			safe = "keep mesos.agent.port as it is while agents run (the master and every policy refuse a changed port); " + safe
		}
		// The recovered agent info must pass the policy (src/slave/compatibility.cpp:35,
		// :54). A restarted agent exits until meta/slaves/latest is removed
		// (src/slave/slave.cpp:8373); a rebooted one, as re-applying it is, drops its
		// checkpointed state by itself and registers as a new agent (src/slave/slave.cpp:7959).
		c.hazards.add(WipeAgentState, path, []string{n.Name},
			fmt.Sprintf("agent %s would refuse to recover under --reconfiguration_policy=%s (%s): %s; it starts only as a new agent, with its checkpointed state (%s/meta/slaves/latest) dropped (after the reboot that re-applies it, by itself), and its tasks are lost",
				n.Name, policy, policyOrigin(c.desc), strings.Join(why, "; "), n.Agent.WorkDir),
			safe,
			cite("agent.policy", "agent.policy.equal", "agent.policy.additive", "agent.policy.master", "agent.recover.fail", "agent.reboot.recover", "mesos.drain"))
	}
}

// policyOrigin says where the policy comes from.
func policyOrigin(d *v1.Cluster) string {
	if d.Mesos.Agent.Flags["reconfiguration_policy"] != "" {
		return "set by mesos.agent.flags"
	}
	return "mesosimg sets none: the agent's default"
}

// safeAgentChange says what a policy accepts.
func safeAgentChange(policy string) string {
	if policy == v1.PolicyAdditive {
		return "only add resources or attributes, or grow scalars and ranges; to remove or change one, drain the agent first: the rollout then drains it (DRAIN_AGENT) before it starts over"
	}
	return "leave resources and attributes of running agents as they are, or set mesos.agent.flags.reconfiguration_policy: additive (then resources and attributes may be added and grown, never removed or changed); removing or changing one needs a drain: accept the hazard and the rollout drains the agent (DRAIN_AGENT) before it starts over as a new agent"
}

// agentPath is the description path of a node's agent setting: its override when it has one,
// else the cluster's.
func (c *comparison) agentPath(name, field string) string {
	if i, ok := c.index[name]; ok {
		if o := c.desc.Nodes[i].Agent; o != nil {
			if (field == "resources" && o.Resources != nil) || (field == "attributes" && len(o.Attributes) > 0) {
				return c.nodePath(name, "agent."+field)
			}
		}
	}
	return "mesos.agent." + field
}

// rejected says why the policy rejects going from old to new ("" when it accepts): equal
// accepts only the same values; additive keeps every old one, scalars not smaller, ranges
// and sets included in the new ones, attribute texts and scalars equal
// (src/slave/compatibility.cpp:86-192). Absent resources are detected by the agent:
// mesosimg cannot tell whether explicit ones include them.
func rejected(policy string, old, new map[string]string, resources bool) string {
	if sameMap(old, new) {
		return ""
	}
	if policy != v1.PolicyAdditive {
		return "changed (" + mapDiff(old, new) + ")"
	}
	if resources && old == nil {
		return "the agent detected them before; mesosimg cannot tell whether " + mapDiff(old, new) + " includes them"
	}
	var out []string
	for _, k := range sortedKeys(old) {
		nv, ok := new[k]
		if !ok {
			out = append(out, k+" removed")
			continue
		}
		if !includes(old[k], nv, resources) {
			out = append(out, fmt.Sprintf("%s %s -> %s", k, old[k], nv))
		}
	}
	if len(out) == 0 {
		return ""
	}
	return strings.Join(out, ", ") + " (additive accepts only additions and growth)"
}

// includes reports whether value b keeps value a under additive: scalars may grow (resources)
// or must stay (attributes), ranges and sets must include the old ones, text must stay.
func includes(a, b string, resource bool) bool {
	if a == b {
		return true
	}
	if x, err := strconv.ParseFloat(a, 64); err == nil {
		y, err := strconv.ParseFloat(b, 64)
		return err == nil && resource && y >= x
	}
	if ra, ok := parseRanges(a); ok {
		rb, ok := parseRanges(b)
		return ok && rangesInclude(rb, ra)
	}
	if sa, ok := parseSet(a); ok && resource {
		sb, ok := parseSet(b)
		if !ok {
			return false
		}
		for k := range sa {
			if !sb[k] {
				return false
			}
		}
		return true
	}
	return false
}

// parseRanges reads a Mesos ranges value, "[31000-32000, 33000-33100]".
func parseRanges(s string) ([][2]int, bool) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "[") || !strings.HasSuffix(s, "]") {
		return nil, false
	}
	var out [][2]int
	for _, part := range strings.Split(s[1:len(s)-1], ",") {
		lo, hi, ok := strings.Cut(strings.TrimSpace(part), "-")
		if !ok {
			hi = lo
		}
		a, err1 := strconv.Atoi(strings.TrimSpace(lo))
		b, err2 := strconv.Atoi(strings.TrimSpace(hi))
		if err1 != nil || err2 != nil || a > b {
			return nil, false
		}
		out = append(out, [2]int{a, b})
	}
	return out, true
}

// rangesInclude reports whether every range of inner lies within some range of outer.
func rangesInclude(outer, inner [][2]int) bool {
	for _, r := range inner {
		in := false
		for _, o := range outer {
			if o[0] <= r[0] && r[1] <= o[1] {
				in = true
				break
			}
		}
		if !in {
			return false
		}
	}
	return true
}

// parseSet reads a Mesos set value, "{a,b}".
func parseSet(s string) (map[string]bool, bool) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "{") || !strings.HasSuffix(s, "}") {
		return nil, false
	}
	out := map[string]bool{}
	for _, part := range strings.Split(s[1:len(s)-1], ",") {
		out[strings.TrimSpace(part)] = true
	}
	return out, true
}

// agentDiff describes a change of an agent's resources or attributes ("" when none).
func agentDiff(o, n *manifest.AgentState) string {
	if o == nil || n == nil {
		return ""
	}
	var out []string
	if !sameMap(o.Resources, n.Resources) {
		out = append(out, "resources "+mapDiff(o.Resources, n.Resources))
	}
	if !sameMap(o.Attributes, n.Attributes) {
		out = append(out, "attributes "+mapDiff(o.Attributes, n.Attributes))
	}
	return strings.Join(out, "; ")
}

// mapDiff lists what differs between two maps: "cpus 4 -> 8, gpus +1, disk -".
func mapDiff(old, new map[string]string) string {
	if old == nil && new != nil {
		return "detected -> " + mapText(new)
	}
	if old != nil && new == nil {
		return mapText(old) + " -> detected"
	}
	var out []string
	keys := map[string]bool{}
	for k := range old {
		keys[k] = true
	}
	for k := range new {
		keys[k] = true
	}
	for _, k := range sortedKeys(keys) {
		a, inOld := old[k]
		b, inNew := new[k]
		switch {
		case !inOld:
			out = append(out, fmt.Sprintf("%s +%s", k, b))
		case !inNew:
			out = append(out, fmt.Sprintf("%s %s removed", k, a))
		case a != b:
			out = append(out, fmt.Sprintf("%s %s -> %s", k, a, b))
		}
	}
	return strings.Join(out, ", ")
}

func mapText(m map[string]string) string {
	var out []string
	for _, k := range sortedKeys(m) {
		out = append(out, k+":"+m[k])
	}
	return strings.Join(out, ";")
}

func sameMap(a, b map[string]string) bool {
	if (a == nil) != (b == nil) || len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

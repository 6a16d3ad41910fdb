package v1

import (
	"sort"

	"github.com/mesosimg/mesosimg/internal/upstream"
)

// The flags a description may add are those the daemons really accept, taken from the
// upstream tables of internal/upstream (read in clusterd v1.11.0-0.7.1 and Marathon
// releases/1.11, each with its source line), written without dashes.

// MasterFlags are the flags mesos-master accepts (canonical names and deprecated aliases), sorted.
var MasterFlags = mesosFlagNames(upstream.MasterFlags)

// AgentFlags are the flags mesos-agent accepts (canonical names and deprecated aliases), sorted.
var AgentFlags = mesosFlagNames(upstream.AgentFlags)

// MarathonFlags are the options Marathon 1.11 accepts through MARATHON_* variables (toggles
// also as disable_<name>), sorted.
var MarathonFlags = marathonFlagNames()

func mesosFlagNames(t map[string]upstream.MesosFlag) []string {
	out := make([]string, 0, len(t))
	for name := range t {
		if name != "help" {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

func marathonFlagNames() []string {
	var out []string
	for _, o := range upstream.MarathonOptions {
		if !o.EnvSettable() {
			continue
		}
		out = append(out, o.Name)
		if o.Negation != "" {
			out = append(out, o.Negation)
		}
	}
	sort.Strings(out)
	return out
}

// checkMesosFlag says whether value is valid for the Mesos flag as mesosimg writes it: one
// flag file in the daemon's directory, read by the packaged init wrapper and stout.
func checkMesosFlag(binary string) func(name, value string) error {
	return func(name, value string) error { return upstream.CheckFlagFile(binary, name, value+"\n") }
}

// Flags mesosimg derives from the description; a description cannot set them as extra flags.
var (
	masterReserved = map[string]string{
		"zk": "from the zookeeper nodes", "quorum": "floor(masters/2)+1", "work_dir": "/var/lib/mesos/master",
		"cluster": "from cluster", "ip": "from the node's ip", "hostname": "the node's ip",
		"hostname_lookup": "false", "port": "from mesos.master.port",
	}
	agentReserved = map[string]string{
		"master": "the masters' zk URL", "work_dir": "/var/lib/mesos/agent", "ip": "from the node's ip",
		"hostname": "the node's ip", "hostname_lookup": "false", "port": "from mesos.agent.port",
		"containerizers": "from mesos.agent.containerizers", "resources": "from mesos.agent.resources",
		"attributes":             "from mesos.agent.attributes",
		"systemd_enable_support": "false: the supported systems have no cgroup v1 systemd hierarchy, without which the agent exits",
	}
	marathonReserved = map[string]string{
		"master": "the masters' zk URL", "zk": "zk://…/marathon from the zookeeper nodes",
		"hostname": "the node's ip", "http_port": "from marathon.http_port", "http_address": "the node's ip",
	}
)

// Flags mesosimg sets when a security switch is on; with the switch off they are the user's.
var (
	masterAuthFlags = []string{"authenticate_agents", "authenticate_frameworks", "authenticate_http_frameworks",
		"authenticate_http_readwrite", "credentials", "http_framework_authenticators"}
	agentAuthFlags    = []string{"credential"}
	marathonAuthFlags = []string{"mesos_authentication", "mesos_authentication_principal", "mesos_authentication_secret_file"}
	marathonHTTPFlags = []string{"http_credentials"}
)

// reserved is base plus the flags a switch that is on claims.
func reserved(base map[string]string, on bool, why string, flags []string) map[string]string {
	out := make(map[string]string, len(base)+len(flags))
	for k, v := range base {
		out[k] = v
	}
	if on {
		for _, f := range flags {
			out[f] = why
		}
	}
	return out
}

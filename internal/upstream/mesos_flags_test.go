package upstream

import (
	"testing"
)

func TestMesosFlagTables(t *testing.T) {
	for _, c := range []struct {
		binary, name, canonical string
		typ                     MesosFlagType
		optional, required      bool
		def                     string // DefaultValue, "-" for none
	}{
		{MesosMaster, "help", "help", MesosBool, false, false, "false"},
		{MesosMaster, "quiet", "quiet", MesosBool, false, false, "false"},
		{MesosMaster, "log_dir", "log_dir", MesosString, true, false, "-"},
		{MesosMaster, "quorum", "quorum", MesosInt, true, false, "-"},
		{MesosMaster, "zk", "zk", MesosSecurePathOrValue, true, false, "-"},
		{MesosMaster, "work_dir", "work_dir", MesosString, true, false, "-"},
		{MesosMaster, "port", "port", MesosUint16, false, false, "5050"},
		{MesosMaster, "hostname_lookup", "hostname_lookup", MesosBool, false, false, "true"},
		{MesosMaster, "credentials", "credentials", MesosPath, true, false, "-"},
		{MesosMaster, "offer_timeout", "offer_timeout", MesosDuration, true, false, "-"},
		{MesosMaster, "max_agent_ping_timeouts", "max_agent_ping_timeouts", MesosSize, false, false, "5"},
		{MesosMaster, "max_slave_ping_timeouts", "max_agent_ping_timeouts", MesosSize, false, false, "5"},
		{MesosMaster, "slave_ping_timeout", "agent_ping_timeout", MesosDuration, false, false, "15secs"},
		{MesosMaster, "authenticate", "authenticate_frameworks", MesosBool, false, false, "false"},
		{MesosMaster, "authenticate_slaves", "authenticate_agents", MesosBool, false, false, "false"},
		{MesosMaster, "authenticate_http", "authenticate_http_readwrite", MesosBool, false, false, "false"},
		{MesosMaster, "http_authenticators", "http_authenticators", MesosString, false, false, "basic"},
		{MesosMaster, "http_framework_authenticators", "http_framework_authenticators", MesosString, true, false, "-"},
		{MesosMaster, "zk_session_timeout", "zk_session_timeout", MesosDuration, false, false, "10secs"},
		{MesosMaster, "webui_dir", "webui_dir", MesosString, false, false, "/usr/share/mesos/webui"},
		{MesosMaster, "acls", "acls", MesosProtobuf, true, false, "-"},
		{MesosMaster, "fair_sharing_excluded_resource_names", "fair_sharing_excluded_resource_names", MesosStringSet, true, false, "-"},
		{MesosAgent, "help", "help", MesosBool, false, false, "false"},
		{MesosAgent, "work_dir", "work_dir", MesosString, false, true, "-"},
		{MesosAgent, "master", "master", MesosSecurePathOrValue, true, false, "-"},
		{MesosAgent, "port", "port", MesosUint16, false, false, "5051"},
		{MesosAgent, "systemd_enable_support", "systemd_enable_support", MesosBool, false, false, "true"},
		{MesosAgent, "systemd_runtime_directory", "systemd_runtime_directory", MesosString, false, false, "/run/systemd/system"},
		{MesosAgent, "cgroups_hierarchy", "cgroups_hierarchy", MesosString, false, false, "/sys/fs/cgroup"},
		{MesosAgent, "executor_environment_variables", "executor_environment_variables", MesosJSONObject, true, false, "-"},
		{MesosAgent, "executor_registration_timeout", "executor_registration_timeout", MesosDuration, false, false, "1mins"},
		{MesosAgent, "credential", "credential", MesosPath, true, false, "-"},
		{MesosAgent, "http_credentials", "http_credentials", MesosPath, true, false, "-"},
		{MesosAgent, "http_authenticators", "http_authenticators", MesosString, true, false, "-"},
		{MesosAgent, "executor_secret_key", "jwt_secret_key", MesosPath, true, false, "-"},
		{MesosAgent, "authenticate_http_executors", "authenticate_http_executors", MesosBool, false, false, "false"},
		{MesosAgent, "slave_subsystems", "agent_subsystems", MesosString, true, false, "-"},
		{MesosAgent, "containerizers", "containerizers", MesosString, false, false, "mesos"},
		{MesosAgent, "fetcher_cache_size", "fetcher_cache_size", MesosBytes, false, false, "2GB"},
		{MesosAgent, "gc_disk_headroom", "gc_disk_headroom", MesosDouble, false, false, "0.1"},
		{MesosAgent, "nvidia_gpu_devices", "nvidia_gpu_devices", MesosUintList, true, false, "-"},
		{MesosAgent, "reconfiguration_policy", "reconfiguration_policy", MesosString, false, false, "equal"},
		{MesosExecute, "master", "master", MesosString, false, true, "-"},
		{MesosExecute, "principal", "principal", MesosString, true, false, "-"},
		{MesosExecute, "secret", "secret", MesosString, true, false, "-"},
		{MesosExecute, "resources", "resources", MesosString, false, false, "cpus:1;mem:128"},
		{MesosExecute, "env", "env", MesosStringMap, true, false, "-"}, // member environment
	} {
		tab, err := MesosFlagsOf(c.binary)
		if err != nil {
			t.Fatal(err)
		}
		f, ok := tab[c.name]
		if !ok {
			t.Errorf("%s --%s: not in the table", c.binary, c.name)
			continue
		}
		def := f.DefaultValue
		if !f.DefaultKnown {
			def = "-"
		}
		if f.Name != c.canonical || f.Type != c.typ || f.Optional != c.optional || f.Required != c.required || def != c.def {
			t.Errorf("%s --%s = %+v", c.binary, c.name, f)
		}
	}
	for _, c := range []struct{ binary, name string }{
		{MesosAgent, "enable_cgroups_v2"}, // declared in src/slave/flags.hpp:79, never added
		{MesosAgent, "enable_cgroupv2"},
		{MesosAgent, "ephemeral_ports_per_container"}, // ENABLE_PORT_MAPPING_ISOLATOR
		{MesosAgent, "xfs_project_range"},             // ENABLE_XFS_DISK_ISOLATOR
		{MesosAgent, "zk"},
		{MesosAgent, "quorum"},
		{MesosMaster, "master"},
		{MesosMaster, "max_executors_per_agent"},
		{MesosMaster, "http_credentials"}, // masters use --credentials for HTTP too
		{MesosMaster, "systemd_enable_support"},
		{MesosMaster, "logger"}, // the wrapper's switch, not a flag
		{MesosExecute, "quiet"}, // mesos-execute has no logging flags
	} {
		tab, _ := MesosFlagsOf(c.binary)
		if _, ok := tab[c.name]; ok {
			t.Errorf("%s accepts --%s; it should not", c.binary, c.name)
		}
	}
	if _, err := MesosFlagsOf("marathon"); err == nil {
		t.Error("MesosFlagsOf(marathon) should fail")
	}
	notBuilt := map[string]bool{}
	for _, f := range MesosFlagsNotBuilt {
		notBuilt[f.Name] = true
		if f.Build == "" {
			t.Errorf("not-built flag %s has no condition", f.Name)
		}
	}
	for _, n := range []string{"max_executors_per_agent", "ephemeral_ports_per_container", "xfs_kill_containers", "seccomp_config_dir", "container_ports_watch_interval"} {
		if !notBuilt[n] {
			t.Errorf("%s should be listed as not built", n)
		}
	}
	if len(MasterFlags) < 80 || len(AgentFlags) < 130 {
		t.Errorf("tables look short: %d master, %d agent names", len(MasterFlags), len(AgentFlags))
	}
}

// TestEveryMesosFlagCited: every flag has valid citations, and its known default parses.
func TestEveryMesosFlagCited(t *testing.T) {
	for _, g := range generatedMesosFlags {
		f := g.Flag
		if !f.Source.Valid() || (g.built && !f.TypeSource.Valid()) {
			t.Errorf("flag %s: invalid source %v / %v", f.Name, f.Source, f.TypeSource)
		}
		if f.DefaultSource != (Source{}) && !f.DefaultSource.Valid() {
			t.Errorf("flag %s: invalid default source", f.Name)
		}
		if g.built && f.DefaultKnown {
			if err := ParseFlagValue(f.Type, f.DefaultValue); err != nil {
				t.Errorf("flag %s: default %q does not parse: %v", f.Name, f.DefaultValue, err)
			}
		}
		if g.built && f.Required && (f.Optional || f.Default != "") {
			t.Errorf("flag %s: required but optional or defaulted", f.Name)
		}
	}
	for _, bin := range MesosValidators {
		for n, v := range bin {
			if !v.Source.Valid() {
				t.Errorf("validator %s: invalid source", n)
			}
		}
	}
	for _, s := range MesosBuildSource {
		if !s.Valid() {
			t.Errorf("invalid build source %v", s)
		}
	}
}

func TestParseFlagValue(t *testing.T) {
	for _, c := range []struct {
		typ   MesosFlagType
		value string
		ok    bool
	}{
		{MesosBool, "true", true}, {MesosBool, "false", true}, {MesosBool, "1", true}, {MesosBool, "0", true},
		{MesosBool, "yes", false}, {MesosBool, "True", false}, {MesosBool, "", false}, {MesosBool, "true\n", false},
		{MesosBool, "file:///etc/x", true}, // read at start-up
		{MesosString, "", true}, {MesosString, "a b\nc", true},
		{MesosInt, "2", true}, {MesosInt, " 2", true}, {MesosInt, "+2", true}, {MesosInt, "-3", true},
		{MesosInt, "2 ", false}, {MesosInt, "2\n", false}, {MesosInt, "0x10", false}, {MesosInt, "1e3", false},
		{MesosInt, "", false}, {MesosInt, "2147483648", false}, {MesosInt, "-2147483648", true},
		{MesosSize, "5", true}, {MesosSize, "-1", false}, {MesosSize, "5.0", false},
		{MesosUint16, "5050", true}, {MesosUint16, "65535", true}, {MesosUint16, "65536", false}, {MesosUint16, "http", false},
		{MesosDouble, "0.1", true}, {MesosDouble, ".5", true}, {MesosDouble, "1e3", true}, {MesosDouble, "-1", true},
		{MesosDouble, "inf", false}, {MesosDouble, "nan", false}, {MesosDouble, "0x1p3", false}, {MesosDouble, "1,5", false},
		{MesosDuration, "5mins", true}, {MesosDuration, "1.5secs", true}, {MesosDuration, "500ms", true},
		{MesosDuration, "2weeks", true}, {MesosDuration, "10", false}, {MesosDuration, "5min", false},
		{MesosDuration, "5s", false}, {MesosDuration, "5 mins", false}, {MesosDuration, "-5secs", false},
		{MesosDuration, "5MINS", false}, {MesosDuration, "mins", false}, {MesosDuration, "1.2.3secs", false},
		{MesosBytes, "32MB", true}, {MesosBytes, "2gb", true}, {MesosBytes, "4096B", true}, {MesosBytes, "1TB", true},
		{MesosBytes, "32", false}, {MesosBytes, "1.5GB", false}, {MesosBytes, "32 MB", false}, {MesosBytes, "32MiB", false}, {MesosBytes, "MB", false},
		{MesosPath, "/etc/mesos/credentials.json", true}, {MesosPath, "file:///etc/mesos/x", true}, {MesosPath, "", true},
		{MesosJSONObject, `{"PATH": "/bin"}`, true}, {MesosJSONObject, "file:///etc/mesos/env.json", true},
		{MesosJSONObject, "/etc/mesos/env.json", true}, {MesosJSONObject, `["a"]`, false},
		{MesosJSONObject, `{"a": 1} {}`, false}, {MesosJSONObject, `{`, false}, {MesosJSONObject, ``, false},
		{MesosJSONArray, `[{"a": 1}]`, true}, {MesosJSONArray, `{}`, false},
		{MesosProtobuf, `{"fault_domain": {"region": {"name": "r"}, "zone": {"name": "z"}}}`, true}, {MesosProtobuf, `x`, false},
		{MesosSecurePathOrValue, "zk://h:2181/mesos", true}, {MesosSecurePathOrValue, "file:///etc/mesos/zk", true},
		{MesosStringSet, "gpus,disk", true}, {MesosStringSet, "gpus,gpus", false}, {MesosStringSet, "", true},
		{MesosUintList, "0,1,2", true}, {MesosUintList, "0,a", false}, {MesosUintList, "-1", false},
		{MesosStringMap, `{"A": "b"}`, true}, {MesosStringMap, `{"A": 1}`, false},
		{MesosFlagType(99), "x", false},
	} {
		if err := ParseFlagValue(c.typ, c.value); (err == nil) != c.ok {
			t.Errorf("ParseFlagValue(%v, %q) = %v, want ok %v", c.typ, c.value, err, c.ok)
		}
	}
}

func TestParseMesosDurationAndBytes(t *testing.T) {
	for in, ns := range map[string]int64{"1secs": 1e9, "5mins": 300e9, "1.5hrs": 5400e9, "10ns": 10, "2us": 2000, "3ms": 3e6, "1days": 86400e9, "1weeks": 604800e9} {
		if got, err := ParseMesosDuration(in); err != nil || got != ns {
			t.Errorf("ParseMesosDuration(%q) = %d, %v; want %d", in, got, err, ns)
		}
	}
	for in, b := range map[string]uint64{"1B": 1, "1KB": 1024, "32MB": 32 << 20, "2GB": 2 << 30, "1tb": 1 << 40} {
		if got, err := ParseMesosBytes(in); err != nil || got != b {
			t.Errorf("ParseMesosBytes(%q) = %d, %v; want %d", in, got, err, b)
		}
	}
	if MesosDuration.String() != "Duration" || MesosFlagType(42).String() != "MesosFlagType(42)" {
		t.Error("MesosFlagType.String")
	}
}

func TestFlagValueFile(t *testing.T) {
	for _, c := range []struct {
		typ   MesosFlagType
		value string
		path  string
		reads bool
	}{
		{MesosString, "file:///etc/hostname", "/etc/hostname", true},
		{MesosPath, "file:///etc/mesos/credentials.json", "/etc/mesos/credentials.json", false},
		{MesosPath, "/etc/mesos/credentials.json", "/etc/mesos/credentials.json", false},
		{MesosJSONObject, "/etc/mesos/env.json", "/etc/mesos/env.json", true},
		{MesosString, "/var/lib/mesos", "", false},
		{MesosSecurePathOrValue, "file:///etc/mesos/zk", "/etc/mesos/zk", true},
	} {
		p, r := FlagValueFile(c.typ, c.value)
		if p != c.path || r != c.reads {
			t.Errorf("FlagValueFile(%v, %q) = %q, %v", c.typ, c.value, p, r)
		}
	}
}

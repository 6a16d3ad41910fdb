package upstream

import (
	"reflect"
	"strings"
	"testing"
)

func TestCheckFlagFile(t *testing.T) {
	for _, c := range []struct {
		binary, name, content string
		ok                    bool
	}{
		// What mesosimg renders.
		{MesosMaster, "quorum", "2\n", true},
		{MesosMaster, "zk", "zk://u:p@10.0.0.1:2181,10.0.0.2:2181/mesos\n", true},
		{MesosMaster, "work_dir", "/var/lib/mesos/master\n", true},
		{MesosMaster, "hostname_lookup", "false\n", true},
		{MesosMaster, "credentials", "/etc/mesos/credentials.json\n", true},
		{MesosMaster, "offer_timeout", "5mins\n", true},
		{MesosMaster, "max_agent_ping_timeouts", "10\n", true},
		{MesosAgent, "master", "zk://10.0.0.1:2181/mesos\n", true},
		{MesosAgent, "containerizers", "docker,mesos\n", true},
		{MesosAgent, "executor_registration_timeout", "5mins\n", true},
		{MesosAgent, "systemd_enable_support", "false\n", true},
		{MesosAgent, "?no-systemd_enable_support", "", true},
		{MesosAgent, "resources/ports", "[31000-32000]\n", true},
		{MesosAgent, "attributes/rack", "r1\n", true},
		{MesosAgent, "executor_environment_variables", `{"LIBPROCESS_SSL_ENABLED": "true"}` + "\n", true},
		{MesosAgent, "executor_environment_variables", "{\n  \"A\": \"b\"\n}\n", true}, // JSON may span lines
		// Booleans.
		{MesosAgent, "?switch_user", "", true},
		{MesosAgent, "?no-switch_user", "", true},
		{MesosAgent, "switch_user", "true\n", true},
		{MesosAgent, "switch_user", "", true}, // --switch_user= is true (flags.hpp:785)
		{MesosAgent, "switch_user", "yes\n", false},
		{MesosAgent, "no-switch_user", "\n", true}, // --no-switch_user= is false
		{MesosAgent, "no-switch_user", "true", false},
		{MesosAgent, "?switch_user", "false\n", false},  // content ignored: it would turn the flag ON
		{MesosMaster, "Hostname_Lookup", "false", true}, // names are lowercased
		// Non-booleans.
		{MesosMaster, "?quorum", "", false},
		{MesosMaster, "?no-quorum", "", false},
		{MesosMaster, "quorum", "two\n", false},
		{MesosMaster, "quorum", "2\n3\n", false},
		{MesosMaster, "quorum", "  2", true}, // istream skips leading blanks
		{MesosMaster, "work_dir", "/var/lib/mesos\n/tmp\n", false},
		{MesosAgent, "executor_registration_timeout", "5min", false},
		{MesosAgent, "executor_environment_variables", `{"A": 1}`, false},
		{MesosAgent, "executor_reregistration_timeout", "1mins", false}, // validator: at most 15secs
		{MesosMaster, "agent_ping_timeout", "20mins", false},            // validator: 1secs..15mins
		{MesosMaster, "max_agent_ping_timeouts", "0", false},
		{MesosMaster, "?registry_strict", "", false},
		{MesosMaster, "quorum", "file:///etc/mesos/quorum", true}, // read at start-up
		// Unknown names and wrapper rules.
		{MesosAgent, "enable_cgroups_v2", "true", false},
		{MesosAgent, "zk", "zk://h:2181/mesos", false},
		{MesosMaster, "master", "zk://h:2181/mesos", false},
		{MesosMaster, "?no-logger", "", true}, // the wrapper's own switch
		{MesosMaster, "logger", "false", false},
		{MesosMaster, "quorum.dpkg-dist", "2", false},
		{MesosMaster, "my flag", "x", false},
		{MesosMaster, "attributes/rack", "r1", false}, // masters read no sub-directory
		{MesosAgent, "attributes/rack", "", false},    // skipped
		{MesosAgent, "attributes/rack", "a;b", false},
		{MesosAgent, "other/x", "1", false},
		{MesosAgent, "?", "", false},
		{"marathon", "zk", "x", false},
	} {
		err := CheckFlagFile(c.binary, c.name, c.content)
		if (err == nil) != c.ok {
			t.Errorf("CheckFlagFile(%s, %q, %q) = %v, want ok %v", c.binary, c.name, c.content, err, c.ok)
		}
	}
}

func TestWrapperArgs(t *testing.T) {
	in := WrapperInput{
		Files: map[string]string{
			"work_dir":            "/var/lib/mesos/agent\n",
			"master":              "zk://h:2181/mesos\n",
			"?no-hostname_lookup": "",
			"?no-logger":          "",
			"attributes/zone":     "dc1\n",
			"attributes/rack":     "r1\n",
			"attributes/empty":    "",
			"resources/ports":     "[31000-32000]\n",
		},
		Env: map[string]string{"LOGS": "/var/log/mesos", "ULIMIT": "-n 16384", "MESOS_QUIET": "true"},
	}
	got, err := WrapperArgs(MesosAgent, in)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"--log_dir=/var/log/mesos",
		"--no-hostname_lookup",
		"--master=zk://h:2181/mesos",
		"--work_dir=/var/lib/mesos/agent",
		"--attributes=rack:r1;zone:dc1",
		"--resources=ports:[31000-32000]",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("WrapperArgs =\n%q\nwant\n%q", got, want)
	}
	if err := CheckWrapperConfig(MesosAgent, in); err != nil {
		t.Errorf("CheckWrapperConfig: %v", err)
	}
	if _, err := WrapperArgs("mesos-local", in); err == nil {
		t.Error("WrapperArgs(mesos-local) should fail")
	}
	if _, err := WrapperArgs(MesosAgent, WrapperInput{Files: map[string]string{"attributes/a b": "x"}}); err == nil {
		t.Error("a name with a blank should fail")
	}
}

func TestCheckWrapperConfig(t *testing.T) {
	master := func(extra map[string]string) map[string]string {
		m := map[string]string{
			"cluster": "production\n", "hostname": "10.0.0.11\n", "hostname_lookup": "false\n",
			"ip": "10.0.0.11\n", "port": "5050\n", "quorum": "2\n", "work_dir": "/var/lib/mesos/master\n",
			"zk": "zk://10.0.0.11:2181,10.0.0.12:2181,10.0.0.13:2181/mesos\n",
		}
		for k, v := range extra {
			if v == "-" {
				delete(m, k)
			} else {
				m[k] = v
			}
		}
		return m
	}
	agent := func(extra map[string]string) map[string]string {
		m := map[string]string{
			"containerizers": "docker,mesos\n", "hostname": "10.0.0.21\n", "hostname_lookup": "false\n",
			"ip": "10.0.0.21\n", "master": "zk://10.0.0.11:2181/mesos\n", "port": "5051\n",
			"work_dir": "/var/lib/mesos/agent\n", "systemd_enable_support": "false\n",
			"resources/ports": "[31000-32000]\n",
		}
		for k, v := range extra {
			if v == "-" {
				delete(m, k)
			} else {
				m[k] = v
			}
		}
		return m
	}
	for _, c := range []struct {
		name   string
		binary string
		in     WrapperInput
		errHas string // "" = valid
	}{
		{"master", MesosMaster, WrapperInput{Files: master(nil)}, ""},
		{"master auth", MesosMaster, WrapperInput{Files: master(map[string]string{
			"authenticate_agents": "true\n", "authenticate_frameworks": "true\n", "credentials": "/etc/mesos/credentials.json\n",
			"authenticate_http_readwrite": "true\n", "authenticate_http_frameworks": "true\n", "http_framework_authenticators": "basic\n"})}, ""},
		{"master without quorum", MesosMaster, WrapperInput{Files: master(map[string]string{"quorum": "-"})}, "--quorum"},
		{"master without work_dir", MesosMaster, WrapperInput{Files: master(map[string]string{"work_dir": "-"})}, "--work_dir"},
		{"master zk without chroot", MesosMaster, WrapperInput{Files: master(map[string]string{"zk": "zk://h:2181\n"})}, "chroot"},
		{"master zk from ZK variable and file", MesosMaster, WrapperInput{Files: master(nil), Env: map[string]string{"ZK": "zk://h:2181/mesos"}}, "already loaded"},
		{"master port from PORT and file", MesosMaster, WrapperInput{Files: master(nil), Env: map[string]string{"PORT": "5050"}}, "already loaded"},
		{"master env flag loses to file", MesosMaster, WrapperInput{Files: master(nil), Env: map[string]string{"MESOS_QUORUM": "x"}}, ""},
		{"master env flag", MesosMaster, WrapperInput{Files: master(map[string]string{"quorum": "-"}), Env: map[string]string{"MESOS_QUORUM": "2"}}, ""},
		{"master bad env flag", MesosMaster, WrapperInput{Files: master(nil), Env: map[string]string{"MESOS_OFFER_TIMEOUT": "5"}}, "offer_timeout"},
		{"master unknown env ignored", MesosMaster, WrapperInput{Files: master(nil), Env: map[string]string{"MESOS_NOT_A_FLAG": "x"}}, ""},
		{"master alias and name", MesosMaster, WrapperInput{Files: master(map[string]string{"authenticate": "true", "authenticate_frameworks": "true"})}, "already loaded"},
		{"master name and no-name", MesosMaster, WrapperInput{Files: master(map[string]string{"?hostname_lookup": ""})}, "already loaded"},
		{"master ip and discovery", MesosMaster, WrapperInput{Files: master(map[string]string{"ip_discovery_command": "hostname -i"})}, "ip_discovery_command"},
		{"agent", MesosAgent, WrapperInput{Files: agent(nil)}, ""},
		{"agent without work_dir", MesosAgent, WrapperInput{Files: agent(map[string]string{"work_dir": "-"})}, "work_dir"},
		{"agent without master", MesosAgent, WrapperInput{Files: agent(map[string]string{"master": "-"})}, "--master"},
		{"agent master from MASTER", MesosAgent, WrapperInput{Files: agent(map[string]string{"master": "-"}), Env: map[string]string{"MASTER": "zk://h:2181/mesos"}}, ""},
		{"agent resources twice", MesosAgent, WrapperInput{Files: agent(map[string]string{"resources": "cpus:2\n"})}, "already loaded"},
		{"agent zk root", MesosAgent, WrapperInput{Files: agent(map[string]string{"master": "zk://h:2181/\n"})}, "chroot"},
		{"agent standalone master", MesosAgent, WrapperInput{Files: agent(map[string]string{"master": "10.0.0.11:5050\n"})}, ""},
		{"agent cgroups v2 flag", MesosAgent, WrapperInput{Files: agent(map[string]string{"enable_cgroups_v2": "true\n"})}, "unknown flag"},
	} {
		err := CheckWrapperConfig(c.binary, c.in)
		switch {
		case c.errHas == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.errHas != "" && (err == nil || !strings.Contains(err.Error(), c.errHas)):
			t.Errorf("%s: error %v, want one mentioning %q", c.name, err, c.errHas)
		}
	}
}

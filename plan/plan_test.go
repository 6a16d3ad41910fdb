package plan_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/plan"
	"github.com/mesosimg/mesosimg/secrets"
)

// built validates c (a failure stops the test), applies the defaults and plans it with the
// fixed test credentials.
func built(t *testing.T, c *v1.Cluster) *plan.Cluster {
	t.Helper()
	if rep := v1.Validate(c); rep.HasErrors() {
		t.Fatalf("invalid test cluster: %v", rep.Errors())
	}
	v1.ApplyDefaults(c)
	p, err := plan.Build(c, secrets.Fixed())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// cluster builds a defaulted description with the given nodes ("name:role+role").
func cluster(t *testing.T, specs ...string) *plan.Cluster {
	t.Helper()
	c := &v1.Cluster{Cluster: "MyCluster", Network: v1.Network{DNS: []string{"10.0.0.2"}}}
	for i, s := range specs {
		name, roles, _ := strings.Cut(s, ":")
		c.Nodes = append(c.Nodes, v1.Node{Name: name, IP: fmt.Sprintf("10.0.0.%d", 11+i), Roles: strings.Split(roles, "+")})
	}
	return built(t, c)
}

func TestQuorum(t *testing.T) {
	for masters, want := range map[int]int{1: 1, 3: 2, 5: 3, 7: 4} {
		if got := plan.Quorum(masters); got != want {
			t.Errorf("Quorum(%d) = %d; want %d", masters, got, want)
		}
	}
}

func TestDerivedValues(t *testing.T) {
	tests := []struct {
		name       string
		nodes      []string
		quorum     int
		zkMesos    string
		zkMarathon string
		myids      map[string]int
	}{
		{
			name:       "runbook",
			nodes:      []string{"master1:zookeeper+master+marathon", "agent1:agent"},
			quorum:     1,
			zkMesos:    "zk://10.0.0.11:2181/mesos",
			zkMarathon: "zk://10.0.0.11:2181/marathon",
			myids:      map[string]int{"master1": 1, "agent1": 0},
		},
		{
			name:       "three masters",
			nodes:      []string{"m1:zookeeper+master", "a1:agent", "m2:zookeeper+master", "m3:zookeeper+master+marathon"},
			quorum:     2,
			zkMesos:    "zk://10.0.0.11:2181,10.0.0.13:2181,10.0.0.14:2181/mesos",
			zkMarathon: "zk://10.0.0.11:2181,10.0.0.13:2181,10.0.0.14:2181/marathon",
			myids:      map[string]int{"m1": 1, "a1": 0, "m2": 2, "m3": 3},
		},
		{
			name:       "five masters, separate ensemble",
			nodes:      []string{"z1:zookeeper", "z2:zookeeper", "z3:zookeeper", "m1:master", "m2:master", "m3:master", "m4:master", "m5:master+agent"},
			quorum:     3,
			zkMesos:    "zk://10.0.0.11:2181,10.0.0.12:2181,10.0.0.13:2181/mesos",
			zkMarathon: "zk://10.0.0.11:2181,10.0.0.12:2181,10.0.0.13:2181/marathon",
			myids:      map[string]int{"z1": 1, "z2": 2, "z3": 3, "m1": 0, "m5": 0},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := cluster(t, tt.nodes...)
			if p.Quorum != tt.quorum || p.ZKMesos != tt.zkMesos || p.ZKMarathon != tt.zkMarathon {
				t.Errorf("quorum %d, zk %s, %s; want %d, %s, %s", p.Quorum, p.ZKMesos, p.ZKMarathon, tt.quorum, tt.zkMesos, tt.zkMarathon)
			}
			for i := 0; i < p.NodeCount(); i++ {
				n := p.Node(i)
				if want, ok := tt.myids[n.Name]; ok && n.ZooKeeperID != want {
					t.Errorf("%s: myid %d; want %d", n.Name, n.ZooKeeperID, want)
				}
				if n.Roles.ZooKeeper {
					if got := file(t, n, plan.MyIDPath); got != fmt.Sprintf("%d\n", n.ZooKeeperID) {
						t.Errorf("%s: myid file %q", n.Name, got)
					}
					cfg := file(t, n, plan.ZooCfgPath)
					for _, m := range p.ZooKeepers {
						if line := fmt.Sprintf("server.%d=%s:2888:3888\n", m.ID, m.IP); !strings.Contains(cfg, line) {
							t.Errorf("%s: zoo.cfg lacks %q", n.Name, line)
						}
					}
				}
				if n.Roles.Master {
					flags := map[string]string{"quorum": fmt.Sprint(tt.quorum), "zk": p.ZKMesosAuth, "ip": n.IP, "hostname": n.IP,
						"hostname_lookup": "false", "cluster": "MyCluster", "work_dir": "/var/lib/mesos/master", "port": "5050"}
					for flag, want := range flags {
						if got := file(t, n, plan.MasterDir+"/"+flag); got != want+"\n" {
							t.Errorf("%s: --%s = %q; want %q", n.Name, flag, got, want)
						}
					}
				}
				if n.Roles.Agent {
					if got := file(t, n, plan.AgentDir+"/master"); got != p.ZKMesosAuth+"\n" {
						t.Errorf("%s: agent --master = %q", n.Name, got)
					}
					if got := file(t, n, plan.AgentDir+"/work_dir"); got != "/var/lib/mesos/agent\n" {
						t.Errorf("%s: agent --work_dir = %q", n.Name, got)
					}
				}
			}
		})
	}
}

func file(t *testing.T, n plan.Node, path string) string {
	t.Helper()
	for _, f := range append(append([]plan.File(nil), n.EarlyFiles...), n.Files...) {
		if f.Path == path {
			return f.Content
		}
	}
	t.Fatalf("%s: no file %s", n.Name, path)
	return ""
}

func TestServiceOrder(t *testing.T) {
	p := cluster(t, "all:zookeeper+master+agent+marathon", "a1:agent")
	var units []string
	for _, s := range p.Node(0).Services {
		units = append(units, s.Unit)
	}
	if diff := cmp.Diff([]string{"nftables", "zookeeper", "mesos-master", "mesos-agent", "marathon"}, units); diff != "" {
		t.Errorf("start order (-want +got):\n%s", diff)
	}
	if a := p.Node(1).Services; len(a) != 2 || !a[1].WaitForMasters {
		t.Errorf("an agent-only node must wait for a master: %+v", a)
	}
	if p.Node(0).Services[3].WaitForMasters {
		t.Errorf("an agent on a master node must not wait for other masters")
	}
}

func TestHosts(t *testing.T) {
	p := cluster(t, "master1:zookeeper+master", "agent1:agent")
	for i := 0; i < p.NodeCount(); i++ {
		n := p.Node(i)
		hosts := file(t, n, plan.HostsPath)
		for _, line := range strings.Split(hosts, "\n") {
			if strings.HasPrefix(line, "127.0.1.1") || (strings.HasPrefix(line, "127.") && strings.Contains(line, n.Name)) {
				t.Errorf("%s: /etc/hosts maps the host to loopback: %q", n.Name, line)
			}
		}
		for _, line := range []string{"10.0.0.11 master1\n", "10.0.0.12 agent1\n", "127.0.0.1 localhost\n"} {
			if !strings.Contains(hosts, line) {
				t.Errorf("%s: /etc/hosts lacks %q", n.Name, line)
			}
		}
	}
}

func TestHostsControlPlane(t *testing.T) {
	c := &v1.Cluster{Cluster: "x", Network: v1.Network{EtcHosts: v1.EtcHostsControlPlane}}
	c.Nodes = []v1.Node{
		{Name: "m1", IP: "10.0.0.1", Roles: []string{"zookeeper", "master"}},
		{Name: "a1", IP: "10.0.0.2", Roles: []string{"agent"}},
		{Name: "a2", IP: "10.0.0.3", Roles: []string{"agent"}},
	}
	v1.ApplyDefaults(c)
	p, _ := plan.Build(c, secrets.Fixed())
	hosts := file(t, p.Node(1), plan.HostsPath)
	if !strings.Contains(hosts, "10.0.0.2 a1") || !strings.Contains(hosts, "10.0.0.1 m1") || strings.Contains(hosts, "a2") {
		t.Errorf("control-plane hosts for a1 must list itself and m1 only:\n%s", hosts)
	}
}

func TestAgentOverrides(t *testing.T) {
	c := &v1.Cluster{Cluster: "x", Mesos: v1.Mesos{Agent: v1.Agent{
		Attributes: map[string]string{"zone": "z1", "rack": "r0"},
		Resources:  map[string]string{"cpus": "2"},
	}}}
	c.Nodes = []v1.Node{
		{Name: "m1", IP: "10.0.0.1", Roles: []string{"zookeeper", "master"}},
		{Name: "a1", IP: "10.0.0.2", Roles: []string{"agent"}, Agent: &v1.AgentOverride{
			Containerizers: []string{"docker", "mesos"},
			Attributes:     map[string]string{"rack": "r1"},
		}},
	}
	v1.ApplyDefaults(c)
	p, _ := plan.Build(c, secrets.Fixed())
	n := p.Node(1)
	for path, want := range map[string]string{
		plan.AgentDir + "/attributes/rack":               "r1\n",
		plan.AgentDir + "/attributes/zone":               "z1\n",
		plan.AgentDir + "/resources/cpus":                "2\n",
		plan.AgentDir + "/containerizers":                "docker,mesos\n",
		plan.AgentDir + "/executor_registration_timeout": "5mins\n",
		// cgroup v2 only hosts: see TestAgentSystemdSupportOff.
		plan.AgentDir + "/systemd_enable_support": "false\n",
	} {
		if got := file(t, n, path); got != want {
			t.Errorf("%s = %q; want %q", path, got, want)
		}
	}
	if !n.Services[1].NeedsDocker {
		t.Error("a docker agent must start docker first")
	}
	var pkgs []string
	for _, p := range n.Packages {
		pkgs = append(pkgs, p.Name)
	}
	if diff := cmp.Diff([]string{"aventer-mesos", "docker.io", "nftables", "curl"}, pkgs); diff != "" {
		t.Errorf("packages (-want +got):\n%s", diff)
	}
}

func TestMarathonEnvironment(t *testing.T) {
	p := cluster(t, "m1:zookeeper+master+marathon")
	env := file(t, p.Node(0), plan.MarathonEnv)
	for _, line := range []string{
		"MARATHON_MASTER=" + p.ZKMesosAuth + "\n", "MARATHON_ZK=" + p.ZKMarathonAuth + "\n",
		"MARATHON_HOSTNAME=10.0.0.11\n", "LIBPROCESS_IP=10.0.0.11\n", "LIBPROCESS_PORT=15101\n", "MARATHON_HTTP_PORT=8080\n",
	} {
		if !strings.Contains(env, line) {
			t.Errorf("/etc/default/marathon lacks %q:\n%s", line, env)
		}
	}
}

func TestPreinstalledInstallsNothing(t *testing.T) {
	c := &v1.Cluster{Cluster: "x", Install: v1.Install{Method: v1.MethodPreinstalled}}
	c.Nodes = []v1.Node{{Name: "m1", IP: "10.0.0.1", Roles: []string{"zookeeper", "master", "agent", "marathon"}}}
	v1.ApplyDefaults(c)
	p, _ := plan.Build(c, secrets.Fixed())
	n := p.Node(0)
	if n.Apt != nil || len(n.Packages) > 0 {
		t.Errorf("preinstalled node installs packages: %+v %+v", n.Apt, n.Packages)
	}
	for _, f := range n.EarlyFiles {
		if f.Path == plan.PolicyRCDPath {
			t.Error("preinstalled node writes policy-rc.d")
		}
	}
}

func TestInstanceIDStable(t *testing.T) {
	if got := plan.InstanceID("MyCluster", "master1"); got != "mesosimg-mycluster-master1" {
		t.Errorf("InstanceID = %q", got)
	}
}

func TestZooKeeperCredentials(t *testing.T) {
	p := cluster(t, "m1:zookeeper+master+marathon", "m2:zookeeper+master", "m3:zookeeper+master")
	sec := p.Secrets
	mesos := "zk://" + sec.ZooKeeperMesos.Name + ":" + sec.ZooKeeperMesos.Secret + "@10.0.0.11:2181,10.0.0.12:2181,10.0.0.13:2181/mesos"
	// One credential before the host list: Marathon 1.11's ZkUrlPattern
	// (mesosphere/marathon releases/1.11 src/main/scala/mesosphere/marathon/ZookeeperConf.scala:95)
	// accepts no credential before the second host; internal/upstream checks it with a JVM.
	auth := sec.ZooKeeperMarathon.Name + ":" + sec.ZooKeeperMarathon.Secret + "@"
	marathon := "zk://" + auth + "10.0.0.11:2181,10.0.0.12:2181,10.0.0.13:2181/marathon"
	if p.ZKMesosAuth != mesos || p.ZKMarathonAuth != marathon {
		t.Errorf("got %s and %s; want %s and %s", p.ZKMesosAuth, p.ZKMarathonAuth, mesos, marathon)
	}
	env := file(t, p.Node(0), plan.MarathonEnv)
	for _, line := range []string{"MARATHON_MASTER=" + mesos + "\n", "MARATHON_ZK=" + marathon + "\n"} {
		if !strings.Contains(env, line) {
			t.Errorf("/etc/default/marathon lacks %q", line)
		}
	}
}

// TestSecretsNeverWorldReadable: every file holding a credential is marked secret and readable by
// its owner only: root (0600), or the Marathon container's user (0400, see TestMarathonReadsAsNobody).
func TestSecretsNeverWorldReadable(t *testing.T) {
	p := cluster(t, "m1:zookeeper+master+marathon", "a1:agent")
	var values []string
	for _, c := range []string{p.Secrets.MesosAgent.Secret, p.Secrets.MesosMarathon.Secret, p.Secrets.MarathonHTTP.Secret, p.Secrets.ZooKeeperMesos.Secret, p.Secrets.ZooKeeperMarathon.Secret, p.Secrets.MesosHTTP.Secret} {
		values = append(values, c)
	}
	for i := 0; i < p.NodeCount(); i++ {
		n := p.Node(i)
		for _, f := range append(append([]plan.File(nil), n.EarlyFiles...), n.Files...) {
			holds := false
			for _, v := range values {
				holds = holds || strings.Contains(f.Content, v)
			}
			ownerOnly := (f.Owner == "" && f.Mode == 0o600) || (f.Owner == plan.MarathonUser && f.Mode == 0o400)
			if holds && (!ownerOnly || !f.Secret) {
				t.Errorf("%s: %s holds a credential but has mode %v", n.Name, f.Path, f.Mode)
			}
		}
	}
}

func TestMesosAuthentication(t *testing.T) {
	p := cluster(t, "m1:zookeeper+master+marathon", "a1:agent")
	m, a := p.Node(0), p.Node(1)
	for path, want := range map[string]string{
		plan.MasterDir + "/authenticate_agents":     "true\n",
		plan.MasterDir + "/authenticate_frameworks": "true\n",
		plan.MasterDir + "/credentials":             plan.CredentialsPath + "\n",
		// HTTP Basic on read-write endpoints and for HTTP API frameworks; without an authenticator
		// named for the framework realm the master exits (clusterd v1.11.0-0.7.1
		// src/master/master.cpp:617-624); the logins come from --credentials (master.cpp:519-532).
		plan.MasterDir + "/authenticate_http_readwrite":   "true\n",
		plan.MasterDir + "/authenticate_http_frameworks":  "true\n",
		plan.MasterDir + "/http_framework_authenticators": "basic\n",
		plan.MarathonSecretPath:                           p.Secrets.MesosMarathon.Secret,
	} {
		if got := file(t, m, path); got != want {
			t.Errorf("%s = %q; want %q", path, got, want)
		}
	}
	creds := file(t, m, plan.CredentialsPath)
	for _, c := range []string{p.Secrets.MesosAgent.Name, p.Secrets.MesosAgent.Secret, p.Secrets.MesosMarathon.Name, p.Secrets.MesosMarathon.Secret, p.Secrets.MesosHTTP.Name, p.Secrets.MesosHTTP.Secret} {
		if !strings.Contains(creds, `"`+c+`"`) {
			t.Errorf("credentials.json lacks %q:\n%s", c, creds)
		}
	}
	if got := file(t, a, plan.AgentDir+"/credential"); got != plan.AgentCredentialPath+"\n" {
		t.Errorf("agent --credential = %q", got)
	}
	env := file(t, m, plan.MarathonEnv)
	for _, line := range []string{"MARATHON_MESOS_AUTHENTICATION=\n", "MARATHON_MESOS_AUTHENTICATION_PRINCIPAL=marathon\n",
		"MARATHON_MESOS_AUTHENTICATION_SECRET_FILE=" + plan.MarathonSecretPath + "\n",
		"MARATHON_HTTP_CREDENTIALS=" + p.Secrets.MarathonHTTP.Name + ":" + p.Secrets.MarathonHTTP.Secret + "\n"} {
		if !strings.Contains(env, line) {
			t.Errorf("/etc/default/marathon lacks %q", line)
		}
	}
}

func TestSecurityOff(t *testing.T) {
	off := false
	c := &v1.Cluster{Cluster: "x", Security: v1.Security{MesosAuthentication: &off, MarathonHTTPAuth: &off, ZooKeeperAuth: &off, Firewall: &off}}
	c.Nodes = []v1.Node{{Name: "m1", IP: "10.0.0.1", Roles: []string{"zookeeper", "master", "marathon", "agent"}}}
	v1.ApplyDefaults(c)
	p, err := plan.Build(c, secrets.Fixed())
	if err != nil {
		t.Fatal(err)
	}
	n := p.Node(0)
	for _, f := range append(append([]plan.File(nil), n.EarlyFiles...), n.Files...) {
		if f.Secret || strings.Contains(f.Content, "test-secret") || f.Path == plan.NftablesPath {
			t.Errorf("security off, yet %s holds credentials or firewall rules", f.Path)
		}
	}
	if p.ZKMesosAuth != p.ZKMesos {
		t.Errorf("zookeeper_auth off, yet %s", p.ZKMesosAuth)
	}
}

func TestTLS(t *testing.T) {
	c := &v1.Cluster{Cluster: "x", Security: v1.Security{TLS: &v1.TLS{CA: "CA PEM\n", Certs: map[string]v1.NodeCert{
		"m1": {Cert: "M1 CERT\n", Key: "M1 KEY\n"}, "a1": {Cert: "A1 CERT\n", Key: "A1 KEY\n"},
	}}}}
	c.Nodes = []v1.Node{
		{Name: "m1", IP: "10.0.0.1", Roles: []string{"zookeeper", "master", "marathon"}},
		{Name: "a1", IP: "10.0.0.2", Roles: []string{"agent"}},
	}
	v1.ApplyDefaults(c)
	p, err := plan.Build(c, secrets.Fixed())
	if err != nil {
		t.Fatal(err)
	}
	m, a := p.Node(0), p.Node(1)
	if got := file(t, a, plan.TLSKeyPath); got != "A1 KEY\n" {
		t.Errorf("agent key = %q", got)
	}
	for _, f := range a.Files {
		if f.Path == plan.TLSKeyPath && (f.Mode != 0o600 || !f.Secret) {
			t.Errorf("TLS key mode %v", f.Mode)
		}
	}
	if got := file(t, m, plan.TLSCAPath); got != "CA PEM\n" {
		t.Errorf("CA = %q", got)
	}
	env := file(t, m, plan.MesosDefaults)
	for _, line := range []string{"export LIBPROCESS_SSL_ENABLED=true\n", "export LIBPROCESS_SSL_SUPPORT_DOWNGRADE=false\n", "export LIBPROCESS_SSL_VERIFY_SERVER_CERT=true\n"} {
		if !strings.Contains(env, line) {
			t.Errorf("/etc/default/mesos lacks %q", line)
		}
	}
	// Marathon's libmesos reads its own copies, owned by the container's user (nobody).
	if !strings.Contains(file(t, m, plan.MarathonEnv), "LIBPROCESS_SSL_CA_FILE="+plan.MarathonTLSDir+"/ca.pem\n") ||
		!strings.Contains(file(t, m, plan.MarathonEnv), "LIBPROCESS_SSL_KEY_FILE="+plan.MarathonTLSDir+"/node-key.pem\n") {
		t.Error("Marathon's Mesos client does not speak TLS with its own copy of the key")
	}
	if got := file(t, m, plan.MarathonTLSDir+"/node-key.pem"); got != "M1 KEY\n" {
		t.Errorf("Marathon's key = %q", got)
	}
	if !strings.Contains(file(t, m, plan.MarathonUnit), "-v /etc/marathon:/etc/marathon:ro") {
		t.Error("the Marathon container cannot read the TLS material")
	}
	for _, s := range m.Services {
		if (s.Unit == "mesos-master") != s.Check.TLS {
			t.Errorf("%s readiness check: TLS %v", s.Unit, s.Check.TLS)
		}
	}
	if fb := file(t, a, plan.FirstBootPath); !strings.Contains(fb, "masters=('https://10.0.0.1:5050')") || !strings.Contains(fb, "--cacert") {
		t.Error("agent readiness does not ask the masters over TLS")
	}
}

// TestMarathonReadsAsNobody: every file the Marathon container reads from the host is owned by the
// image's user and readable by it alone. The image ends `USER nobody`
// (mesosphere/marathon releases/1.11 tools/packager/docker/Dockerfile), uid 65534 in its Debian
// base as on Debian and Ubuntu hosts.
func TestMarathonReadsAsNobody(t *testing.T) {
	p := cluster(t, "m1:zookeeper+master+marathon")
	n := p.Node(0)
	unit := file(t, n, plan.MarathonUnit)
	if !strings.Contains(unit, "-v "+plan.MarathonDir+":"+plan.MarathonDir+":ro ") {
		t.Fatalf("the unit does not mount %s read-only:\n%s", plan.MarathonDir, unit)
	}
	env := file(t, n, plan.MarathonEnv)
	for _, f := range n.Files {
		if !strings.HasPrefix(f.Path, plan.MarathonDir+"/") || !strings.Contains(env, "="+f.Path+"\n") {
			continue
		}
		if f.Secret && (f.Owner != plan.MarathonUser || f.Mode != 0o400) {
			t.Errorf("%s: owner %q mode %v; want %s 0400", f.Path, f.Owner, f.Mode, plan.MarathonUser)
		}
	}
	if got := file(t, n, plan.MarathonSecretPath); got != p.Secrets.MesosMarathon.Secret {
		t.Errorf("Marathon's secret file = %q", got)
	}
}

// TestAgentSystemdSupportOff: agents run with --systemd_enable_support=false; see the citation in
// plan.agentFlags (clusterd's agent exits on hosts without the cgroup v1 systemd hierarchy).
func TestAgentSystemdSupportOff(t *testing.T) {
	p := cluster(t, "m1:zookeeper+master", "a1:agent")
	if got := file(t, p.Node(1), plan.AgentDir+"/systemd_enable_support"); got != "false\n" {
		t.Errorf("systemd_enable_support = %q; want false", got)
	}
}

// TestSSHWithoutAdminCIDRs: without admin_cidrs, SSH and Marathon's UI are open to the cluster's
// own nodes (what README and validate's warning promise), not closed to everybody.
func TestSSHWithoutAdminCIDRs(t *testing.T) {
	p := cluster(t, "m1:zookeeper+master+marathon", "a1:agent")
	for i := 0; i < p.NodeCount(); i++ {
		n := p.Node(i)
		fw := file(t, n, plan.NftablesPath)
		if !strings.Contains(fw, "tcp dport 22 ip saddr @cluster accept") {
			t.Errorf("%s: SSH is not open to the cluster's nodes:\n%s", n.Name, fw)
		}
		if n.Roles.Marathon && !strings.Contains(fw, "tcp dport 8080 ip saddr @cluster accept") {
			t.Errorf("%s: Marathon is not open to the cluster's nodes", n.Name)
		}
		if strings.Contains(fw, "@admin") {
			t.Errorf("%s: rules name an admin set that is not there", n.Name)
		}
	}
}

package plan

import (
	"strings"
	"testing"

	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/internal/upstream"
	"github.com/mesosimg/mesosimg/secrets"
)

func tlsTestCluster(t *testing.T, tls bool) *Cluster {
	t.Helper()
	c := &v1.Cluster{Cluster: "x"}
	if tls {
		c.Security.TLS = &v1.TLS{CA: "CA PEM\n", Certs: map[string]v1.NodeCert{
			"m1": {Cert: "M1 CERT\n", Key: "M1 KEY\n"}, "a1": {Cert: "A1 CERT\n", Key: "A1 KEY\n"},
		}}
	}
	c.Nodes = []v1.Node{
		{Name: "m1", IP: "10.0.0.1", Roles: []string{"zookeeper", "master", "marathon"}},
		{Name: "a1", IP: "10.0.0.2", Roles: []string{"agent"}},
	}
	v1.ApplyDefaults(c)
	p, err := Build(c, secrets.Fixed())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func tlsEnvMap() map[string]string {
	env := map[string]string{}
	for _, f := range tlsEnv() {
		env[f.name] = f.value
	}
	return env
}

// TestTLSEnvIsWhatLibprocessTakes: libprocess knows every rendered variable and value, starts
// with the set and can connect by IP with it.
func TestTLSEnvIsWhatLibprocessTakes(t *testing.T) {
	p := tlsTestCluster(t, true)
	for label, env := range map[string]map[string]string{"daemons": tlsEnvMap(), "executors": p.executorTLSEnv()} {
		if errs := upstream.CheckLibprocessEnv(env); len(errs) != 0 {
			t.Errorf("%s: %v", label, errs)
		}
	}
	if len(tlsEnv()) != len(tlsEnvMap()) {
		t.Error("a variable is rendered twice")
	}
}

// TestTLSEnvSettings pins each setting to the reason it is there.
func TestTLSEnvSettings(t *testing.T) {
	env := tlsEnvMap()
	for name, want := range map[string]string{
		upstream.SSLEnabled:          "true",
		upstream.SSLSupportDowngrade: "false", // verification could be bypassed otherwise
		upstream.SSLVerifyServerCert: "true",
		// Mesos pids are IPs: the openssl scheme checks the IP SAN; legacy did reverse DNS.
		upstream.SSLHostnameValidationScheme: upstream.SchemeOpenSSL,
		upstream.SSLVerifyIPAdd:              "true",
		upstream.SSLEnableTLSv1_3:            "false", // docs/ssl.md: not supported yet
		upstream.SSLEnableTLSv1_2:            "true",
		upstream.SSLCiphers:                  TLSCiphers,
		upstream.SSLCAFile:                   TLSCAPath,
		upstream.SSLCertFile:                 TLSCertPath,
		upstream.SSLKeyFile:                  TLSKeyPath,
	} {
		if env[name] != want {
			t.Errorf("%s=%q, want %q", name, env[name], want)
		}
	}
	// Suites for both key types; none of libprocess's defaults (RSA/DSS-only, SHA-1, RC4).
	for _, want := range []string{"ECDHE-ECDSA-", "ECDHE-RSA-"} {
		if !strings.Contains(TLSCiphers, want) {
			t.Errorf("the cipher list has no %s suite", want)
		}
	}
	for _, c := range strings.Split(upstream.LibprocessDefaultCiphers, ":") {
		if tlsInList(strings.Split(TLSCiphers, ":"), c) {
			t.Errorf("the rendered list keeps libprocess's default %s", c)
		}
	}
}

func TestTLSFiles(t *testing.T) {
	p := tlsTestCluster(t, true)
	m, a := p.Node(0), p.Node(1)
	find := func(n Node, path string) (File, bool) {
		for _, f := range append(append([]File(nil), n.EarlyFiles...), n.Files...) {
			if f.Path == path {
				return f, true
			}
		}
		return File{}, false
	}
	// /etc/default/mesos exports exactly tlsEnv, for the daemons on masters and agents.
	for _, n := range []Node{m, a} {
		f, ok := find(n, MesosDefaults)
		if !ok {
			t.Fatalf("%s has no %s", n.Name, MesosDefaults)
		}
		for _, e := range tlsEnv() {
			if !strings.Contains(f.Content, "\nexport "+e.name+"="+e.value+"\n") {
				t.Errorf("%s: %s lacks %s=%s", n.Name, MesosDefaults, e.name, e.value)
			}
		}
	}
	// Executors get their own copy of the agent's key, readable by root and nogroup only.
	f, ok := find(a, TLSExecutorKeyPath)
	if !ok {
		t.Fatal("the agent has no executor key")
	}
	if f.Content != "A1 KEY\n" || f.Mode != 0o440 || f.Owner != TLSExecutorKeyOwner || !f.Secret {
		t.Errorf("executor key: %q mode %v owner %q secret %v", f.Content, f.Mode, f.Owner, f.Secret)
	}
	if _, ok := find(m, TLSExecutorKeyPath); ok {
		t.Error("a node without the agent role gets the executor key")
	}
	if f, _ := find(a, TLSKeyPath); f.Mode != 0o600 || !f.Secret || f.Owner != "" {
		t.Errorf("the daemons' key is %v owned by %q", f.Mode, f.Owner)
	}
}

// TestTLSExecutorEnv: executors get tlsEnv with the key they can read, and nothing that would
// change the rest of their environment (PATH keeps Mesos's default).
func TestTLSExecutorEnv(t *testing.T) {
	if env := tlsTestCluster(t, false).executorTLSEnv(); env != nil {
		t.Errorf("TLS off, yet executors get %v", env)
	}
	env := tlsTestCluster(t, true).executorTLSEnv()
	want := tlsEnvMap()
	want[upstream.SSLKeyFile] = TLSExecutorKeyPath
	if len(env) != len(want) {
		t.Errorf("executor env %v, want %v", env, want)
	}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("executor %s=%q, want %q", k, env[k], v)
		}
	}
	for k := range env {
		if !strings.HasPrefix(k, upstream.LibprocessSSLPrefix) {
			t.Errorf("executor env sets %s", k)
		}
	}
}

// TestTLSMarathonEnv: Marathon's libmesos gets the same settings (paths aside).
func TestTLSMarathonEnv(t *testing.T) {
	p := tlsTestCluster(t, true)
	m := p.Node(0)
	var content string
	for _, f := range m.Files {
		if f.Path == MarathonEnv {
			content = f.Content
		}
	}
	env := map[string]string{}
	for _, line := range strings.Split(content, "\n") {
		if k, v, ok := strings.Cut(line, "="); ok && strings.HasPrefix(k, upstream.LibprocessSSLPrefix) {
			env[k] = v
		}
	}
	if errs := upstream.CheckLibprocessEnv(env); len(errs) != 0 {
		t.Errorf("Marathon: %v", errs)
	}
	for k, v := range tlsEnvMap() {
		if strings.HasSuffix(k, "_FILE") {
			continue
		}
		if env[k] != v {
			t.Errorf("Marathon %s=%q, the daemons have %q", k, env[k], v)
		}
	}
}

package plan

// The rendered TLS settings held to real OpenSSL: for an RSA and an EC (P-256) PKI generated
// here, every rendered LIBPROCESS_SSL_* environment (Mesos daemons, Marathon, executors) is
// turned into what libprocess asks of OpenSSL (internal/upstream's facts: cipher list,
// protocol switches, CA, client-certificate request, the openssl scheme's IP check) and played
// with `openssl s_server` and `openssl s_client` on loopback, in both directions between two
// nodes. Mesos cannot run here; OpenSSL, which does libprocess's handshakes and verification,
// can.

import (
	"bufio"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mesosimg/mesosimg/config"
	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/internal/upstream"
	"github.com/mesosimg/mesosimg/secrets"
)

// The two loopback "nodes" of the test cluster and an address no node has.
const (
	ipA, ipB, ipOther = "127.0.0.1", "127.0.0.2", "127.0.0.3"
	handshakeTimeout  = 15 * time.Second
)

func tlsNeedOpenSSL(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Fatal("openssl is not installed: run `make deps` (apt-get install openssl); the TLS settings are tested against it")
	}
}

// tlsTestPKI is a CA and certificates issued by it, as PEM.
type tlsTestPKI struct {
	kind   string
	caCert *x509.Certificate
	caKey  crypto.Signer
	caPEM  []byte
}

func tlsNewKey(t *testing.T, kind string) crypto.Signer {
	t.Helper()
	var k crypto.Signer
	var err error
	if kind == "rsa" {
		k, err = rsa.GenerateKey(rand.Reader, 2048)
	} else {
		k, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	}
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func newTLSTestPKI(t *testing.T, kind string) *tlsTestPKI {
	t.Helper()
	key := tlsNewKey(t, kind)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mesosimg test " + kind + " CA"},
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &tlsTestPKI{kind, cert, key, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

var tlsSerial int64 = 100

// issue is a node certificate (subjectAltName: ip and the name, as testdata/cases/pki has) and key.
func (p *tlsTestPKI) issue(t *testing.T, name, ip string) (certPEM, keyPEM []byte) {
	t.Helper()
	key := tlsNewKey(t, p.kind)
	tlsSerial++
	ku := x509.KeyUsageDigitalSignature
	if p.kind == "rsa" {
		ku |= x509.KeyUsageKeyEncipherment
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(tlsSerial), Subject: pkix.Name{CommonName: name},
		IPAddresses: []net.IP{net.ParseIP(ip)}, DNSNames: []string{name}, KeyUsage: ku,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		NotBefore:   time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.caCert, key.Public(), p.caKey)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder})
}

// tlsCluster renders a two-node cluster (a: master + Marathon, b: agent) on ipA and ipB with
// pki's certificates, each one accepted by config's security.tls checks.
func tlsCluster(t *testing.T, pki *tlsTestPKI) *Cluster {
	t.Helper()
	certs := map[string]v1.NodeCert{}
	for _, n := range []struct{ name, ip string }{{"a", ipA}, {"b", ipB}} {
		cert, key := pki.issue(t, n.name, n.ip)
		if msg := config.CheckNodeCert(cert, key, pki.caPEM, n.ip); msg != "" {
			t.Fatalf("config refuses the test certificate of %s: %s", n.name, msg)
		}
		certs[n.name] = v1.NodeCert{Cert: string(cert), Key: string(key)}
	}
	c := &v1.Cluster{Cluster: "tls", Security: v1.Security{TLS: &v1.TLS{CA: string(pki.caPEM), Certs: certs}}}
	c.Nodes = []v1.Node{
		{Name: "a", IP: ipA, Roles: []string{"zookeeper", "master", "marathon"}},
		{Name: "b", IP: ipB, Roles: []string{"agent"}},
	}
	v1.ApplyDefaults(c)
	p, err := Build(c, secrets.Fixed())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// tlsSide is one libprocess process as OpenSSL sees it: its environment and its node's files.
type tlsSide struct {
	label string
	env   map[string]string
	files map[string]string // path on the node → local copy
	ip    string
}

// tlsRenderedSides are the libprocess processes of node i with the environments and files the
// plan renders: Mesos daemons (/etc/default/mesos), Marathon (/etc/default/marathon) and, on
// agents, executors (the agent's executor_environment_variables flag once wired, else
// executorTLSEnv).
func tlsRenderedSides(t *testing.T, p *Cluster, i int) []tlsSide {
	t.Helper()
	n := p.Node(i)
	dir := t.TempDir()
	files := map[string]string{}
	contents := map[string]string{}
	for j, f := range append(append([]File(nil), n.EarlyFiles...), n.Files...) {
		local := filepath.Join(dir, fmt.Sprintf("%02d-%s", j, filepath.Base(f.Path)))
		if err := os.WriteFile(local, []byte(f.Content), 0o600); err != nil {
			t.Fatal(err)
		}
		files[f.Path], contents[f.Path] = local, f.Content
	}
	var out []tlsSide
	parse := func(label, content, prefix string) {
		env := map[string]string{}
		for _, line := range strings.Split(content, "\n") {
			k, v, ok := strings.Cut(strings.TrimPrefix(line, prefix), "=")
			if ok && strings.HasPrefix(k, upstream.LibprocessSSLPrefix) {
				env[k] = v
			}
		}
		if len(env) == 0 {
			t.Fatalf("%s on %s: no LIBPROCESS_SSL_* rendered", label, n.Name)
		}
		out = append(out, tlsSide{label + "@" + n.Name, env, files, n.IP})
	}
	if n.Roles.Master || n.Roles.Agent {
		parse("mesos", contents[MesosDefaults], "export ")
	}
	if n.Roles.Marathon {
		parse("marathon", contents[MarathonEnv], "")
	}
	if n.Roles.Agent {
		env := p.executorTLSEnv()
		if flagFile, ok := contents[AgentDir+"/executor_environment_variables"]; ok {
			env = map[string]string{}
			if err := json.Unmarshal([]byte(flagFile), &env); err != nil {
				t.Fatalf("executor_environment_variables: %v", err)
			}
		}
		out = append(out, tlsSide{"executor@" + n.Name, env, files, n.IP})
	}
	return out
}

// local is the local copy of the file env[name] names on the node.
func (s tlsSide) local(t *testing.T, name string) string {
	t.Helper()
	path, ok := s.env[name]
	if !ok {
		return ""
	}
	l, ok := s.files[path]
	if !ok {
		t.Fatalf("%s: %s=%s, a file the node does not get", s.label, name, path)
	}
	return l
}

// on is a bool variable as libprocess ends up with it (default, aliases, implications).
func (s tlsSide) on(name string) bool {
	v, _ := upstream.LibprocessVarByName(name)
	val, set := s.env[name]
	b := v.Default == "true"
	if set {
		b = val == "true" || val == "1" || val == ""
	}
	switch name {
	case upstream.SSLRequireClientCert:
		return b || s.on(upstream.SSLRequireCert)
	case upstream.SSLVerifyServerCert:
		return b || s.on(upstream.SSLVerifyCert) || s.on(upstream.SSLRequireClientCert)
	}
	return b
}

func (s tlsSide) get(name string) string {
	if v, ok := s.env[name]; ok {
		return v
	}
	v, _ := upstream.LibprocessVarByName(name)
	return v.Default
}

// common are the options of both modes: libprocess's cipher list (SSL_CTX_set_cipher_list, no
// TLS 1.3 suites set: OpenSSL's defaults stay) and its protocol switches.
func (s tlsSide) common() []string {
	args := []string{"-cipher", s.get(upstream.SSLCiphers)}
	for _, p := range []struct{ name, no string }{
		{upstream.SSLEnableSSLv3, "-no_ssl3"}, {upstream.SSLEnableTLSv1_0, "-no_tls1"}, {upstream.SSLEnableTLSv1_1, "-no_tls1_1"},
		{upstream.SSLEnableTLSv1_2, "-no_tls1_2"}, {upstream.SSLEnableTLSv1_3, "-no_tls1_3"},
	} {
		if !s.on(p.name) {
			args = append(args, p.no)
		}
	}
	return args
}

func (s tlsSide) scheme(t *testing.T) string {
	t.Helper()
	sc := s.get(upstream.SSLHostnameValidationScheme)
	if sc != upstream.SchemeOpenSSL {
		// The legacy scheme matches a reverse-DNS name after the handshake
		// (upstream.VerifyLegacyReverseDNS); OpenSSL alone cannot play it.
		t.Fatalf("%s: hostname validation scheme %q: only openssl is emulated here", s.label, sc)
	}
	return sc
}

// serverArgs is s_server as libprocess's accepting socket: its certificate and key, and a
// client certificate required (SSL_VERIFY_PEER|FAIL_IF_NO_PEER_CERT, the chain only: no
// hostname check in server mode under the openssl scheme) when REQUIRE_CLIENT_CERT is on.
func (s tlsSide) serverArgs(t *testing.T) []string {
	t.Helper()
	s.scheme(t)
	args := append([]string{"-cert", s.local(t, upstream.SSLCertFile), "-key", s.local(t, upstream.SSLKeyFile)}, s.common()...)
	if s.on(upstream.SSLRequireClientCert) {
		args = append(args, "-Verify", s.get(upstream.SSLVerificationDepth), "-verify_return_error")
		args = append(args, s.caArgs(t)...)
	}
	return args
}

func (s tlsSide) caArgs(t *testing.T) []string {
	ca := s.local(t, upstream.SSLCAFile)
	if ca == "" {
		t.Fatalf("%s: no CA_FILE: libprocess would use OpenSSL's default paths", s.label)
	}
	return []string{"-CAfile", ca, "-no-CApath", "-no-CAstore"}
}

// clientArgs is s_client as libprocess's connecting socket towards serverIP: no SNI
// (upstream.LibprocessNoSNI), its own certificate offered, and with VERIFY_SERVER_CERT the
// chain against the CA file only and the connected IP against the iPAddress SANs
// (upstream.VerifyOpenSSLClientIP). ok is false when libprocess would refuse before connecting.
func (s tlsSide) clientArgs(t *testing.T, serverIP string) (args []string, ok bool) {
	t.Helper()
	s.scheme(t)
	args = append([]string{"-noservername", "-cert", s.local(t, upstream.SSLCertFile), "-key", s.local(t, upstream.SSLKeyFile)}, s.common()...)
	if s.on(upstream.SSLVerifyServerCert) {
		if !s.on(upstream.SSLVerifyIPAdd) {
			return nil, false
		}
		args = append(args, "-verify_return_error", "-verify_depth", s.get(upstream.SSLVerificationDepth), "-verify_ip", serverIP)
		args = append(args, s.caArgs(t)...)
	}
	return args, true
}

// tlsResult is the outcome of one handshake.
type tlsResult struct {
	ok               bool
	protocol, cipher string
	out              string
}

var (
	reTLSProtocol = regexp.MustCompile(`(?m)^\s*Protocol\s*:\s*(\S+)`)
	reTLSCipher   = regexp.MustCompile(`(?m)^\s*Cipher\s*:\s*(\S+)`)
)

// tlsHandshake starts s_server on serverIP with serverArgs, connects s_client with clientArgs and
// reports whether the handshake (and the client's verification) succeeded. Both processes are
// bounded by handshakeTimeout and the server is killed at the end.
func tlsHandshake(t *testing.T, serverIP string, serverArgs, clientArgs []string) tlsResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), handshakeTimeout)
	defer cancel()
	l, err := net.Listen("tcp", net.JoinHostPort(serverIP, "0"))
	if err != nil {
		t.Fatalf("no free port on %s: %v", serverIP, err)
	}
	addr := l.Addr().String()
	l.Close()
	srv := exec.CommandContext(ctx, "openssl", append([]string{"s_server", "-accept", addr, "-naccept", "1"}, serverArgs...)...)
	stdin, _ := srv.StdinPipe() // s_server quits on EOF of its stdin: keep it open
	stdout, _ := srv.StdoutPipe()
	var srvErr strings.Builder
	srv.Stderr = &srvErr
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		stdin.Close()
		srv.Process.Kill()
		srv.Wait()
	}()
	ready := make(chan bool, 1)
	var srvOut strings.Builder
	go func() {
		sc := bufio.NewScanner(stdout)
		sent := false
		for sc.Scan() {
			srvOut.WriteString(sc.Text() + "\n")
			if !sent && strings.Contains(sc.Text(), "ACCEPT") {
				ready <- true
				sent = true
			}
		}
		if !sent {
			ready <- false
		}
	}()
	select {
	case ok := <-ready:
		if !ok {
			t.Fatalf("openssl s_server %v did not start: %s", serverArgs, srvErr.String())
		}
	case <-ctx.Done():
		t.Fatalf("openssl s_server did not start within %v", handshakeTimeout)
	}
	cli := exec.CommandContext(ctx, "openssl", append([]string{"s_client", "-connect", addr}, clientArgs...)...)
	cli.Stdin = strings.NewReader("")
	out, err := cli.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("openssl s_client did not finish within %v:\n%s", handshakeTimeout, out)
	}
	if _, exit := err.(*exec.ExitError); err != nil && !exit {
		t.Fatal(err)
	}
	r := tlsResult{ok: err == nil, out: string(out)}
	if m := reTLSProtocol.FindStringSubmatch(r.out); m != nil {
		r.protocol = m[1]
	}
	if m := reTLSCipher.FindStringSubmatch(r.out); m != nil {
		r.cipher = m[1]
	}
	if r.ok && (r.cipher == "" || r.cipher == "0000" || r.cipher == "(NONE)") {
		r.ok = false // s_client may exit 0 although nothing was negotiated
	}
	return r
}

// TestTLSRenderedSettingsWithOpenSSL: every pair of rendered libprocess processes on the two
// nodes completes a verified TLS 1.2 handshake in both directions, with either PKI, on a cipher
// of the rendered list.
func TestTLSRenderedSettingsWithOpenSSL(t *testing.T) {
	tlsNeedOpenSSL(t)
	for _, kind := range []string{"rsa", "ec"} {
		t.Run(kind, func(t *testing.T) {
			p := tlsCluster(t, newTLSTestPKI(t, kind))
			sides := append(tlsRenderedSides(t, p, 0), tlsRenderedSides(t, p, 1)...)
			for _, s := range sides {
				if errs := upstream.CheckLibprocessEnv(s.env); len(errs) != 0 {
					t.Errorf("%s: libprocess would not take the rendered environment: %v", s.label, errs)
				}
			}
			ciphers := strings.Split(TLSCiphers, ":")
			n := 0
			for _, srv := range sides {
				for _, cli := range sides {
					if srv.ip == cli.ip {
						continue // the same node: the other direction is the pair below
					}
					args, ok := cli.clientArgs(t, srv.ip)
					if !ok {
						t.Fatalf("%s refuses to connect by IP", cli.label)
					}
					r := tlsHandshake(t, srv.ip, srv.serverArgs(t), args)
					n++
					switch {
					case !r.ok:
						t.Errorf("%s → %s: handshake failed:\n%s", cli.label, srv.label, r.out)
					case r.protocol != "TLSv1.2":
						t.Errorf("%s → %s: %s, want TLSv1.2", cli.label, srv.label, r.protocol)
					case !tlsInList(ciphers, r.cipher):
						t.Errorf("%s → %s: cipher %s is not in the rendered list", cli.label, srv.label, r.cipher)
					case !strings.Contains(r.out, "Verify return code: 0 (ok)"):
						t.Errorf("%s → %s: not verified:\n%s", cli.label, srv.label, r.out)
					default:
						t.Logf("%s → %s: %s %s, verified", cli.label, srv.label, r.protocol, r.cipher)
					}
				}
			}
			if n < 6 {
				t.Errorf("only %d handshakes", n)
			}
		})
	}
}

func tlsInList(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestTLSCipherListKnownToOpenSSL: OpenSSL knows every suite of the rendered list as a TLS 1.2
// suite (SSL_CTX_set_cipher_list would otherwise drop it, or exit on an empty result).
func TestTLSCipherListKnownToOpenSSL(t *testing.T) {
	tlsNeedOpenSSL(t)
	out, err := exec.Command("openssl", "ciphers", "-s", "-tls1_2", TLSCiphers).CombinedOutput()
	if err != nil {
		t.Fatalf("openssl ciphers %s: %v\n%s", TLSCiphers, err, out)
	}
	if got := strings.TrimSpace(string(out)); got != TLSCiphers {
		t.Errorf("OpenSSL resolves the rendered list to\n%s\nnot\n%s", got, TLSCiphers)
	}
}

// TestTLSOpenSSLNegatives: what must not work does not, under the rendered settings.
func TestTLSOpenSSLNegatives(t *testing.T) {
	tlsNeedOpenSSL(t)
	type tlsPKICase struct {
		pki *tlsTestPKI
		p   *Cluster
		a   tlsSide // mesos@a (master)
		b   tlsSide // mesos@b (agent)
	}
	mk := func(kind string) tlsPKICase {
		pki := newTLSTestPKI(t, kind)
		p := tlsCluster(t, pki)
		return tlsPKICase{pki, p, tlsRenderedSides(t, p, 0)[0], tlsRenderedSides(t, p, 1)[0]}
	}
	rsaC, ecC := mk("rsa"), mk("ec")
	defaults := func(s tlsSide) tlsSide {
		env := map[string]string{}
		for k, v := range s.env {
			if k != upstream.SSLCiphers {
				env[k] = v
			}
		}
		s.env = env
		return s
	}

	// libprocess's default cipher list: no suite for an EC certificate (TLS 1.3 is off) ...
	args, _ := defaults(ecC.b).clientArgs(t, ipA)
	if r := tlsHandshake(t, ipA, defaults(ecC.a).serverArgs(t), args); r.ok {
		t.Errorf("the default cipher list negotiated %s with the EC PKI:\n%s", r.cipher, r.out)
	} else if !strings.Contains(r.out, "handshake failure") && !strings.Contains(r.out, "no shared cipher") && !strings.Contains(r.out, "no cipher") {
		t.Errorf("the default cipher list with the EC PKI failed, but not for want of a cipher:\n%s", r.out)
	}
	// ... while an RSA certificate gets AES128-SHA from it: the key type is the difference.
	args, _ = defaults(rsaC.b).clientArgs(t, ipA)
	if r := tlsHandshake(t, ipA, defaults(rsaC.a).serverArgs(t), args); !r.ok || !tlsInList(strings.Split(upstream.LibprocessDefaultCiphers, ":"), r.cipher) {
		t.Errorf("the default cipher list fails with the RSA PKI too (so the EC negative proves nothing):\n%s", r.out)
	}

	for _, c := range []tlsPKICase{rsaC, ecC} {
		kind := c.pki.kind
		// A certificate of the cluster's CA whose subjectAltName is another IP, served at ipA.
		cert, key := c.pki.issue(t, "a", ipOther)
		dir := t.TempDir()
		certPath, keyPath := filepath.Join(dir, "other.pem"), filepath.Join(dir, "other-key.pem")
		os.WriteFile(certPath, cert, 0o600)
		os.WriteFile(keyPath, key, 0o600)
		wrong := c.a
		wrong.files = map[string]string{}
		for k, v := range c.a.files {
			wrong.files[k] = v
		}
		wrong.files[c.a.env[upstream.SSLCertFile]], wrong.files[c.a.env[upstream.SSLKeyFile]] = certPath, keyPath
		args, _ := c.b.clientArgs(t, ipA)
		if r := tlsHandshake(t, ipA, wrong.serverArgs(t), args); r.ok {
			t.Errorf("%s: a certificate for %s was accepted at %s:\n%s", kind, ipOther, ipA, r.out)
		} else if !strings.Contains(r.out, "IP address mismatch") {
			t.Errorf("%s: the certificate for %s failed, but not on its IP:\n%s", kind, ipOther, r.out)
		}
		// The same node's certificate served at the other node's IP (a node posing as another).
		args, _ = c.a.clientArgs(t, ipB)
		if r := tlsHandshake(t, ipB, c.a.serverArgs(t), args); r.ok || !strings.Contains(r.out, "IP address mismatch") {
			t.Errorf("%s: node a's certificate was accepted at %s:\n%s", kind, ipB, r.out)
		}
		// A certificate from another CA for the right IP.
		stranger := newTLSTestPKI(t, kind)
		cert, key = stranger.issue(t, "a", ipA)
		os.WriteFile(certPath, cert, 0o600)
		os.WriteFile(keyPath, key, 0o600)
		args, _ = c.b.clientArgs(t, ipA)
		if r := tlsHandshake(t, ipA, wrong.serverArgs(t), args); r.ok || !strings.Contains(r.out, "unable to get local issuer certificate") {
			t.Errorf("%s: a certificate from another CA was accepted:\n%s", kind, r.out)
		}
	}

	// Client certificates, were they required (REQUIRE_CLIENT_CERT=true, the documented third
	// level): the other node's certificate is accepted as a client certificate in both
	// directions, and a client without one is refused.
	for _, c := range []tlsPKICase{rsaC, ecC} {
		for _, pair := range [][2]tlsSide{{c.a, c.b}, {c.b, c.a}} {
			srv, cli := pair[0], pair[1]
			srv.env = tlsCopyEnv(srv.env)
			srv.env[upstream.SSLRequireClientCert] = "true"
			args, _ := cli.clientArgs(t, srv.ip)
			if r := tlsHandshake(t, srv.ip, srv.serverArgs(t), args); !r.ok {
				t.Errorf("%s: %s's certificate refused as a client certificate by %s:\n%s", c.pki.kind, cli.label, srv.label, r.out)
			}
			var anonymous []string
			for i := 0; i < len(args); i++ {
				if args[i] == "-cert" || args[i] == "-key" {
					i++
					continue
				}
				anonymous = append(anonymous, args[i])
			}
			if r := tlsHandshake(t, srv.ip, srv.serverArgs(t), anonymous); r.ok {
				t.Errorf("%s: %s accepted a client without a certificate", c.pki.kind, srv.label)
			}
		}
	}

	// The openssl scheme without VERIFY_IPADD refuses every connection to an IP, before the
	// handshake (upstream.VerifyOpenSSLClientIP); CheckLibprocessEnv says so.
	noIP := ecC.b
	noIP.env = tlsCopyEnv(ecC.b.env)
	noIP.env[upstream.SSLVerifyIPAdd] = "false"
	if _, ok := noIP.clientArgs(t, ipA); ok {
		t.Error("the harness would connect without VERIFY_IPADD")
	}
	if errs := upstream.CheckLibprocessEnv(noIP.env); len(errs) == 0 {
		t.Error("CheckLibprocessEnv accepts the openssl scheme without VERIFY_IPADD")
	}
}

func tlsCopyEnv(env map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range env {
		out[k] = v
	}
	return out
}

package plan

import (
	"fmt"
	"strings"

	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/internal/upstream"
)

// Paths of the TLS material on a node.
const (
	TLSDir      = "/etc/mesos/ssl"
	TLSCAPath   = TLSDir + "/ca.pem"
	TLSCertPath = TLSDir + "/node.pem"
	TLSKeyPath  = TLSDir + "/node-key.pem"
	// TLSExecutorKeyPath is the agent's copy of its node key for executors. Executors run as
	// the task's user (upstream.ExecutorRunsAsTaskUser), must load a key and certificate
	// (upstream.LibprocessNeedsKeyAndCert) and serve the node's IP to the agent, which verifies
	// it: the node's own pair is the only one that works. The copy is readable by root and the
	// group TLSExecutorKeyOwner names, the group of nobody, the user Marathon's tasks run as
	// (upstream.ExecutorMarathonUser, upstream.ExecutorMarathonImageUser).
	TLSExecutorKeyPath  = TLSDir + "/executor-key.pem"
	TLSExecutorKeyOwner = "root:nogroup"
	MesosDefaults       = "/etc/default/mesos"
	tlsEnvComment       = "# libprocess TLS for every Mesos daemon on this node, written by mesosimg.\n"
	tlsEnvSourced       = "# Sourced by mesos-init-wrapper (the variables are exported for mesos-master and mesos-agent).\n"
)

// TLSCiphers is the TLS 1.2 cipher list every libprocess process of the cluster uses: ECDHE
// with AES-GCM or ChaCha20-Poly1305, for ECDSA and RSA certificates alike. libprocess's
// default list (upstream.LibprocessDefaultCiphers) holds no suite an ECDSA certificate can
// serve, and TLS 1.3, where suites do not depend on the key type, stays off
// (upstream.LibprocessTLS13Unsupported). The server's order wins (upstream.LibprocessProtocolOptions).
const TLSCiphers = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:" +
	"ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:" +
	"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"

// tlsEnv are the LIBPROCESS_SSL_* variables of every libprocess process on a node (Mesos
// daemons via /etc/default/mesos, Marathon via /etc/default/marathon): TLS only, and every
// server certificate verified against the CA and matched to the IP it was reached at.
//
//   - ENABLED, SUPPORT_DOWNGRADE=false: TLS on every socket, no plain-TCP fallback, without
//     which verification could be bypassed (upstream.LibprocessVerifyNeedsNoDowngrade).
//   - CERT_FILE, KEY_FILE: required once enabled (upstream.LibprocessNeedsKeyAndCert).
//   - CA_FILE, VERIFY_SERVER_CERT=true: a client refuses a server whose chain does not verify
//     against the cluster's CA (upstream.VerifyClientSetsVerifyPeer); the CA file is only read
//     when verifying (upstream.LibprocessCALoadedOnlyWhenVerifying).
//   - REQUIRE_CLIENT_CERT=false (libprocess's default, written for the record): servers
//     request no client certificate (upstream.VerifyServerRequestsCert), so browsers, curl and
//     operators' tools reach the HTTP endpoints with the CA alone, as docs/ssl.md recommends
//     (upstream.LibprocessRecommended); who may connect is the firewall's job (admin_cidrs).
//   - HOSTNAME_VALIDATION_SCHEME=openssl, VERIFY_IPADD=true: Mesos pids and the scheduler
//     library's URLs carry IPs, never names (upstream.VerifyUPIDHostOnlyForNames,
//     upstream.VerifySchedulerURLIsIP), so OpenSSL checks the connected IP against the
//     certificate's iPAddress subjectAltNames during the handshake
//     (upstream.VerifyOpenSSLClientIP). The default legacy scheme instead looks the peer IP up
//     by reverse DNS and compares the name with dNSName entries and the CN, ignoring IP
//     entries without VERIFY_IPADD (upstream.VerifyLegacyReverseDNS,
//     upstream.VerifyLegacyIPOnlyWithIPAdd, upstream.VerifyLegacyCNFallback): with our
//     /etc/hosts (first name the FQDN) or no PTR record (the IP's text,
//     upstream.VerifyLegacyNumericFallback) it refused every peer.
//   - CIPHERS, ENABLE_TLS_V1_2=true, ENABLE_TLS_V1_3=false: see TLSCiphers; TLS 1.2 is the only
//     protocol (upstream.LibprocessProtocolOptions; 1.0, 1.1 and SSLv3 default to off).
func tlsEnv() []flag { return tlsEnvWith(TLSCAPath, TLSCertPath, TLSKeyPath) }

// tlsEnvWith is tlsEnv for a process that reads the CA, certificate and key at other paths
// (Marathon's copies, the executors' key).
func tlsEnvWith(ca, cert, key string) []flag {
	return []flag{
		{name: upstream.SSLEnabled, value: "true"},
		{name: upstream.SSLSupportDowngrade, value: "false"},
		{name: upstream.SSLCertFile, value: cert},
		{name: upstream.SSLKeyFile, value: key},
		{name: upstream.SSLCAFile, value: ca},
		{name: upstream.SSLVerifyServerCert, value: "true"},
		{name: upstream.SSLRequireClientCert, value: "false"},
		{name: upstream.SSLHostnameValidationScheme, value: upstream.SchemeOpenSSL},
		{name: upstream.SSLVerifyIPAdd, value: "true"},
		{name: upstream.SSLCiphers, value: TLSCiphers},
		{name: upstream.SSLEnableTLSv1_2, value: "true"},
		{name: upstream.SSLEnableTLSv1_3, value: "false"},
	}
}

// executorTLSEnv is what executors (and so their tasks, upstream.ExecutorTaskInheritsEnv)
// need to speak TLS with the agent, for the agent's --executor_environment_variables: the
// agent's own environment never reaches them (upstream.ExecutorEnvBuilt), the flag is the
// only way (upstream.ExecutorDocsNeedEnvAndFiles). Setting the flag takes nothing away: an
// executor gets no inherited variables either way, LIBPROCESS_IP is still passed on
// (upstream.ExecutorEnvLibprocessIP) and PATH still defaults to os::host_default_path()
// (upstream.ExecutorLaunchDefaultPath, upstream.ExecutorDockerDefaultPath), so PATH is left
// out. The variables are tlsEnv's with the key executors can read (TLSExecutorKeyPath).
// Nil when TLS is off.
func (p *Cluster) executorTLSEnv() map[string]string {
	if p.Description.Security.TLS == nil {
		return nil
	}
	env := map[string]string{}
	for _, f := range tlsEnvWith(TLSCAPath, TLSCertPath, TLSExecutorKeyPath) {
		env[f.name] = f.value
	}
	return env
}

// tlsFiles are a node's CA, certificate, key and (for Mesos daemons) /etc/default/mesos;
// agents also get the executors' copy of the key.
func (p *Cluster) tlsFiles(n *v1.Node, r Roles) []File {
	t := p.Description.Security.TLS
	if t == nil || !(r.Master || r.Agent || r.Marathon) {
		return nil
	}
	nc := t.Certs[n.Name]
	out := []File{
		{Path: TLSCAPath, Mode: 0o644, Content: t.CA},
		{Path: TLSCertPath, Mode: 0o644, Content: nc.Cert},
		p.secretFile(TLSKeyPath, nc.Key),
	}
	if r.Agent {
		out = append(out, File{Path: TLSExecutorKeyPath, Mode: 0o440, Secret: true, Owner: TLSExecutorKeyOwner, Content: nc.Key})
	}
	if r.Master || r.Agent {
		var b strings.Builder
		b.WriteString(tlsEnvComment + tlsEnvSourced)
		for _, e := range tlsEnv() {
			fmt.Fprintf(&b, "export %s=%s\n", e.name, e.value)
		}
		out = append(out, File{Path: MesosDefaults, Mode: 0o644, Content: b.String()})
	}
	return out
}

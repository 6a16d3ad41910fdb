package plan

import (
	"fmt"
	"strings"

	v1 "github.com/mesosimg/mesosimg/config/v1"
)

// Paths of the TLS material on a node.
const (
	TLSDir         = "/etc/mesos/ssl"
	TLSCAPath      = TLSDir + "/ca.pem"
	TLSCertPath    = TLSDir + "/node.pem"
	TLSKeyPath     = TLSDir + "/node-key.pem"
	MesosDefaults  = "/etc/default/mesos"
	tlsEnvComment  = "# libprocess TLS for every Mesos daemon on this node, written by mesosimg.\n"
	tlsEnvSourced  = "# Sourced by mesos-init-wrapper (the variables are exported for mesos-master and mesos-agent).\n"
	tlsVerifyPeers = "true"
)

// tlsEnv are the LIBPROCESS_SSL_* variables: TLS only (no downgrade), peers verified against the CA.
func tlsEnv() []flag {
	return []flag{
		{name: "LIBPROCESS_SSL_ENABLED", value: "true"},
		{name: "LIBPROCESS_SSL_SUPPORT_DOWNGRADE", value: "false"},
		{name: "LIBPROCESS_SSL_CERT_FILE", value: TLSCertPath},
		{name: "LIBPROCESS_SSL_KEY_FILE", value: TLSKeyPath},
		{name: "LIBPROCESS_SSL_CA_FILE", value: TLSCAPath},
		{name: "LIBPROCESS_SSL_VERIFY_SERVER_CERT", value: tlsVerifyPeers},
	}
}

// tlsFiles are a node's CA, certificate, key and (for Mesos daemons) /etc/default/mesos.
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

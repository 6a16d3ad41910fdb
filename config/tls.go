package config

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/netip"
	"path/filepath"
	"strings"

	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/report"
)

// MaxPEMSize is the largest certificate or key file accepted, in bytes.
const MaxPEMSize = 1 << 20

// resolveTLS reads security.tls's CA and every node's certificate and key, and checks
// that each certificate is signed by the CA, names the node's IP and matches its key.
func resolveTLS(c *v1.Cluster, src Source, rep *report.Report) {
	t := c.Security.TLS
	if t == nil {
		return
	}
	const base = "security.tls"
	if t.CAFile == "" || t.CertDir == "" {
		rep.Errorf(base, "tls needs ca_file (the CA certificate) and cert_dir (holding <node>.pem and <node>-key.pem for every node)")
		return
	}
	if src.ReadFile == nil {
		rep.Errorf(base, "tls files cannot be read here (description from standard input); render from a file")
		return
	}
	resolve := func(p string) string {
		if filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(src.Dir, p)
	}
	read := func(path, field, what string) ([]byte, bool) {
		data, err := src.ReadFile(path)
		switch {
		case err != nil:
			rep.Errorf(report.Field(base, field), "cannot read %s: %v", what, err)
			return nil, false
		case len(data) > MaxPEMSize:
			rep.Errorf(report.Field(base, field), "%s %s is larger than %d bytes", what, path, MaxPEMSize)
			return nil, false
		}
		return data, true
	}
	caPEM, ok := read(resolve(t.CAFile), "ca_file", "the CA certificate")
	if !ok {
		return
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(caPEM) {
		rep.Errorf(report.Field(base, "ca_file"), "%s holds no PEM certificate (-----BEGIN CERTIFICATE-----)", t.CAFile)
		return
	}
	t.CA = string(caPEM)
	t.Certs = map[string]v1.NodeCert{}
	dir := resolve(t.CertDir)
	for _, n := range c.Nodes {
		certPath := filepath.Join(dir, n.Name+".pem")
		keyPath := filepath.Join(dir, n.Name+"-key.pem")
		certPEM, ok1 := read(certPath, "cert_dir", "node "+n.Name+"'s certificate")
		keyPEM, ok2 := read(keyPath, "cert_dir", "node "+n.Name+"'s key")
		if !ok1 || !ok2 {
			continue
		}
		if msg := checkNodeCert(certPEM, keyPEM, roots, n.IP); msg != "" {
			rep.Errorf(report.Field(base, "cert_dir"), "node %s (%s): %s", n.Name, certPath, msg)
			continue
		}
		t.Certs[n.Name] = v1.NodeCert{Cert: string(certPEM), Key: string(keyPEM)}
	}
}

// checkNodeCert says what is wrong with a node's certificate and key, or "".
func checkNodeCert(certPEM, keyPEM []byte, roots *x509.CertPool, ip string) string {
	block, _ := pem.Decode(certPEM)
	if block == nil || block.Type != "CERTIFICATE" {
		return "not a PEM certificate (-----BEGIN CERTIFICATE-----)"
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return fmt.Sprintf("cannot parse the certificate: %v", err)
	}
	if _, err := cert.Verify(x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
		return fmt.Sprintf("the certificate does not verify against ca_file: %v", err)
	}
	addr, _ := netip.ParseAddr(ip)
	found := false
	for _, a := range cert.IPAddresses {
		if b, ok := netip.AddrFromSlice(a); ok && b.Unmap() == addr {
			found = true
		}
	}
	if !found {
		return fmt.Sprintf("the certificate's subjectAltName lacks IP %s, so peers that verify it refuse it", ip)
	}
	kb, _ := pem.Decode(keyPEM)
	if kb == nil || !strings.HasSuffix(kb.Type, "PRIVATE KEY") {
		return "the key is not a PEM private key (-----BEGIN PRIVATE KEY-----)"
	}
	if strings.Contains(kb.Type, "ENCRYPTED") {
		return "the key is encrypted; Mesos needs an unencrypted key (it is written 0600 on the node)"
	}
	key, err := parseKey(kb)
	if err != nil {
		return fmt.Sprintf("cannot parse the key: %v", err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok || !samePublicKey(signer.Public(), cert.PublicKey) {
		return "the key does not belong to the certificate"
	}
	return ""
}

func parseKey(b *pem.Block) (any, error) {
	switch b.Type {
	case "EC PRIVATE KEY":
		return x509.ParseECPrivateKey(b.Bytes)
	case "RSA PRIVATE KEY":
		return x509.ParsePKCS1PrivateKey(b.Bytes)
	default:
		return x509.ParsePKCS8PrivateKey(b.Bytes)
	}
}

func samePublicKey(a, b any) bool {
	type equaler interface{ Equal(crypto.PublicKey) bool }
	e, ok := a.(equaler)
	return ok && e.Equal(b)
}

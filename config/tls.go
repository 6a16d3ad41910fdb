package config

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
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
	roots, msg := caPool(caPEM)
	if msg != "" {
		rep.Errorf(report.Field(base, "ca_file"), "%s %s", t.CAFile, msg)
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

// caPool parses ca_file, or says what is wrong with it. Every certificate in it must be a CA
// as OpenSSL sees one (Go's verifier does not check a root's basic constraints, OpenSSL does):
// basicConstraints CA:TRUE and, when it has a keyUsage, keyCertSign.
func caPool(caPEM []byte) (*x509.CertPool, string) {
	roots := x509.NewCertPool()
	rest, n := caPEM, 0
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		ca, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Sprintf("holds a certificate that does not parse: %v", err)
		}
		switch {
		case !ca.BasicConstraintsValid || !ca.IsCA:
			return nil, fmt.Sprintf("holds %q, which is not a CA certificate (basicConstraints CA:TRUE): OpenSSL refuses to verify with it", ca.Subject.CommonName)
		case ca.KeyUsage != 0 && ca.KeyUsage&x509.KeyUsageCertSign == 0:
			return nil, fmt.Sprintf("holds %q, whose keyUsage lacks keyCertSign: OpenSSL refuses to verify with it", ca.Subject.CommonName)
		}
		roots.AddCert(ca)
		n++
	}
	if n == 0 {
		return nil, "holds no PEM certificate (-----BEGIN CERTIFICATE-----)"
	}
	return roots, ""
}

// CheckNodeCert says what is wrong with a node's certificate and key for ip under the CA
// certificates caPEM, or "": the checks security.tls applies to every node.
func CheckNodeCert(certPEM, keyPEM, caPEM []byte, ip string) string {
	roots, msg := caPool(caPEM)
	if msg != "" {
		return "ca_file " + msg
	}
	return checkNodeCert(certPEM, keyPEM, roots, ip)
}

// checkNodeCert says what is wrong with a node's certificate and key, or "". The certificate
// is what libprocess presents as server and client, and what its peers verify with OpenSSL
// under mesosimg's settings (plan.tlsEnv): the chain against ca_file, the node's IP against the
// iPAddress subjectAltNames (openssl scheme, VERIFY_IPADD), a key OpenSSL's TLS 1.2 can use
// with the ECDHE-ECDSA or ECDHE-RSA suites of plan.TLSCiphers, and extensions that OpenSSL's
// purpose checks accept for a TLS server.
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
	if msg := checkCertUse(cert); msg != "" {
		return msg
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

// checkCertUse says why OpenSSL would refuse cert as a libprocess server certificate, or "".
func checkCertUse(cert *x509.Certificate) string {
	switch k := cert.PublicKey.(type) {
	case *rsa.PublicKey:
		if k.N.BitLen() < 2048 {
			return fmt.Sprintf("the certificate's RSA key has %d bits: OpenSSL at security level 2 (Debian, Ubuntu) needs 2048 or more", k.N.BitLen())
		}
	case *ecdsa.PublicKey:
		switch k.Curve.Params().Name {
		case "P-256", "P-384", "P-521":
		default:
			return fmt.Sprintf("the certificate's EC key is on %s: TLS peers offer only P-256, P-384 and P-521", k.Curve.Params().Name)
		}
	default:
		return fmt.Sprintf("the certificate's key is %s: use an RSA (2048 bits or more) or ECDSA (P-256, P-384, P-521) key, the key types of libprocess's cipher suites", cert.PublicKeyAlgorithm)
	}
	if cert.KeyUsage != 0 && cert.KeyUsage&x509.KeyUsageDigitalSignature == 0 {
		return "the certificate's keyUsage lacks digitalSignature, which the ECDHE key exchange signs with"
	}
	if len(cert.ExtKeyUsage) > 0 || len(cert.UnknownExtKeyUsage) > 0 {
		ok := false
		for _, u := range cert.ExtKeyUsage {
			ok = ok || u == x509.ExtKeyUsageServerAuth || u == x509.ExtKeyUsageAny
		}
		if !ok {
			return "the certificate's extendedKeyUsage lacks serverAuth: OpenSSL refuses it as a TLS server certificate, and every node serves TLS"
		}
	}
	return ""
}

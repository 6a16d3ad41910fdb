package config_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mesosimg/mesosimg/config"
)

// leaf issues a certificate for ip from ca with the given key and template tweaks.
func leaf(t *testing.T, ca testCA, key crypto.Signer, tweak func(*x509.Certificate)) (certPEM, keyPEM []byte) {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(3), Subject: pkix.Name{CommonName: "n"}, IPAddresses: []net.IP{net.ParseIP("10.0.0.11")},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	if tweak != nil {
		tweak(tmpl)
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, key.Public(), ca.key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder})
}

func TestTLSCertificateUse(t *testing.T) {
	ca := newCA(t)
	p256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	p224, _ := ecdsa.GenerateKey(elliptic.P224(), rand.Reader)
	rsa2048, _ := rsa.GenerateKey(rand.Reader, 2048)
	rsa1024, _ := rsa.GenerateKey(rand.Reader, 1024)
	_, ed, _ := ed25519.GenerateKey(rand.Reader)
	for _, tc := range []struct {
		name  string
		key   crypto.Signer
		tweak func(*x509.Certificate)
		want  string // "" = accepted
	}{
		{"P-256, no extensions", p256, nil, ""},
		{"P-384", p384, nil, ""},
		{"RSA 2048", rsa2048, nil, ""},
		{"server and client auth, digitalSignature", p256, func(c *x509.Certificate) {
			c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}
			c.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment
		}, ""},
		{"P-224", p224, nil, "EC key is on P-224"},
		{"RSA 1024", rsa1024, nil, "RSA key has 1024 bits"},
		{"Ed25519", ed, nil, "the certificate's key is Ed25519"},
		{"client auth only", p256, func(c *x509.Certificate) { c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth} }, "extendedKeyUsage lacks serverAuth"},
		{"keyEncipherment only", rsa2048, func(c *x509.Certificate) { c.KeyUsage = x509.KeyUsageKeyEncipherment }, "keyUsage lacks digitalSignature"},
		{"another IP", p256, func(c *x509.Certificate) { c.IPAddresses = []net.IP{net.ParseIP("10.0.0.12")} }, "subjectAltName lacks IP 10.0.0.11"},
		{"name only", p256, func(c *x509.Certificate) { c.IPAddresses, c.DNSNames = nil, []string{"m1"} }, "subjectAltName lacks IP 10.0.0.11"},
	} {
		cert, key := leaf(t, ca, tc.key, tc.tweak)
		got := config.CheckNodeCert(cert, key, ca.pem, "10.0.0.11")
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestTLSCAMustBeACA(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	mk := func(tweak func(*x509.Certificate)) testCA {
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "odd CA"}, IsCA: true, BasicConstraintsValid: true,
			KeyUsage: x509.KeyUsageCertSign, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
		tweak(tmpl)
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
		if err != nil {
			t.Fatal(err)
		}
		cert, _ := x509.ParseCertificate(der)
		return testCA{cert, key, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
	}
	for _, tc := range []struct {
		name  string
		tweak func(*x509.Certificate)
		want  string
	}{
		{"no basic constraints", func(c *x509.Certificate) { c.IsCA, c.BasicConstraintsValid = false, false }, `"odd CA", which is not a CA certificate`},
		{"CA:FALSE", func(c *x509.Certificate) { c.IsCA = false }, "not a CA certificate"},
		{"no keyCertSign", func(c *x509.Certificate) { c.KeyUsage = x509.KeyUsageDigitalSignature }, "keyUsage lacks keyCertSign"},
	} {
		ca := mk(tc.tweak)
		dir := t.TempDir()
		certs := filepath.Join(dir, "certs")
		os.Mkdir(certs, 0o755)
		os.WriteFile(filepath.Join(dir, "ca.pem"), ca.pem, 0o644)
		for _, n := range []struct{ name, ip string }{{"m1", "10.0.0.11"}, {"a1", "10.0.0.21"}, {"a2", "10.0.0.22"}, {"a3", "10.0.0.23"}, {"a4", "10.0.0.24"}} {
			ca.issue(t, certs, n.name, n.ip)
		}
		c, rep := config.Load(config.Source{Name: "c.yaml", Dir: dir, Data: []byte(tlsDescription), ReadFile: os.ReadFile})
		got := rep.Format("c.yaml")
		if c != nil || !strings.Contains(got, "c.yaml:6:14: security.tls.ca_file: ca.pem holds "+`"odd CA"`) || !strings.Contains(got, tc.want) {
			t.Errorf("%s: got\n%s", tc.name, got)
		}
	}
}

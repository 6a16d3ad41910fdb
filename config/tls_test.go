package config_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
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

type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
}

func newCA(t *testing.T) testCA {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"}, IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return testCA{cert, key, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

// issue writes <name>.pem and <name>-key.pem into dir for ip, signed by ca.
func (ca testCA) issue(t *testing.T, dir, name, ip string) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: name}, IPAddresses: []net.IP{net.ParseIP(ip)},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalPKCS8PrivateKey(key)
	os.WriteFile(filepath.Join(dir, name+".pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
	os.WriteFile(filepath.Join(dir, name+"-key.pem"), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}), 0o600)
}

const tlsDescription = `cluster: tls
network: {dns: [10.0.0.2]}
security:
  admin_cidrs: [10.0.0.0/24]
  tls:
    ca_file: ca.pem
    cert_dir: certs
nodes:
  - {name: m1, ip: 10.0.0.11, roles: [zookeeper, master]}
  - {name: a1, ip: 10.0.0.21, roles: [agent]}
  - {name: a2, ip: 10.0.0.22, roles: [agent]}
  - {name: a3, ip: 10.0.0.23, roles: [agent]}
  - {name: a4, ip: 10.0.0.24, roles: [agent]}
`

func TestTLSChecksEveryCertificate(t *testing.T) {
	dir := t.TempDir()
	certs := filepath.Join(dir, "certs")
	os.Mkdir(certs, 0o755)
	ca, other := newCA(t), newCA(t)
	os.WriteFile(filepath.Join(dir, "ca.pem"), ca.pem, 0o644)
	ca.issue(t, certs, "m1", "10.0.0.11")    // good
	ca.issue(t, certs, "a1", "10.0.0.99")    // wrong IP
	other.issue(t, certs, "a2", "10.0.0.22") // another CA
	ca.issue(t, certs, "a3", "10.0.0.23")
	ca.issue(t, t.TempDir(), "a3", "10.0.0.23") // a3's key replaced by another key below
	other.issue(t, filepath.Join(dir), "x", "10.0.0.23")
	os.Rename(filepath.Join(dir, "x-key.pem"), filepath.Join(certs, "a3-key.pem"))
	// a4 has no files at all.
	c, rep := config.Load(config.Source{Name: "c.yaml", Dir: dir, Data: []byte(tlsDescription), ReadFile: os.ReadFile})
	if c != nil {
		t.Fatal("accepted bad certificates")
	}
	got := rep.Format("c.yaml")
	for _, want := range []string{
		"c.yaml:7:15: security.tls.cert_dir: node a1 (" + filepath.Join(certs, "a1.pem") + "): the certificate's subjectAltName lacks IP 10.0.0.21",
		"node a2 (" + filepath.Join(certs, "a2.pem") + "): the certificate does not verify against ca_file",
		"node a3 (" + filepath.Join(certs, "a3.pem") + "): the key does not belong to the certificate",
		"c.yaml:7:15: security.tls.cert_dir: cannot read node a4's certificate",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "node m1") {
		t.Errorf("the good certificate was refused:\n%s", got)
	}
	// All good: loads, and the material reaches the description.
	for _, n := range []struct{ name, ip string }{{"a1", "10.0.0.21"}, {"a2", "10.0.0.22"}, {"a3", "10.0.0.23"}, {"a4", "10.0.0.24"}} {
		ca.issue(t, certs, n.name, n.ip)
	}
	c, rep = config.Load(config.Source{Name: "c.yaml", Dir: dir, Data: []byte(tlsDescription), ReadFile: os.ReadFile})
	if c == nil {
		t.Fatalf("rejected good certificates:\n%s", rep.Format("c.yaml"))
	}
	if c.Security.TLS.CA != string(ca.pem) || len(c.Security.TLS.Certs) != 5 || !strings.Contains(c.Security.TLS.Certs["a4"].Key, "PRIVATE KEY") {
		t.Errorf("TLS material not loaded: %d certs", len(c.Security.TLS.Certs))
	}
}

func TestTLSNeedsBothFields(t *testing.T) {
	desc := strings.Replace(tlsDescription, "    cert_dir: certs\n", "", 1)
	_, rep := config.Load(config.Source{Name: "c.yaml", Dir: t.TempDir(), Data: []byte(desc), ReadFile: os.ReadFile})
	if got := rep.Format("c.yaml"); !strings.Contains(got, "c.yaml:5:3: security.tls: tls needs ca_file") {
		t.Errorf("got:\n%s", got)
	}
}

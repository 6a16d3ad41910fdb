package manifest_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/mesosimg/mesosimg/manifest"
	"github.com/mesosimg/mesosimg/secrets"
)

func sample() *manifest.Manifest {
	return &manifest.Manifest{
		Format:            manifest.FormatV1,
		MesosimgVersion:   "1.0.0",
		DescriptionSHA256: manifest.Sum([]byte("cluster: c\n")),
		SourceDateEpoch:   1606176000,
		Formats:           []string{"cloud-init"},
		Cluster: manifest.Cluster{
			Name: "c", OS: "debian-12", InstallMethod: "apt",
			Ensemble:    []manifest.Member{{MyID: 1, Name: "m1", Address: "10.0.0.1"}},
			Masters:     []manifest.Master{{Name: "m1", Address: "10.0.0.1"}},
			Quorum:      1,
			ZK:          manifest.ZK{Mesos: "zk://10.0.0.1:2181/mesos", Marathon: "zk://10.0.0.1:2181/marathon"},
			Credentials: []manifest.Credential{{Key: "mesos_agent", Name: "mesos-agent", Fingerprint: "00112233445566778899aabbccddeeff"}},
			Files:       []manifest.File{},
		},
		Nodes: []manifest.Node{{
			Name: "m1", Address: "10.0.0.1", Prefix: 24, Interface: "eth0", Roles: []string{"zookeeper", "master", "agent"},
			MyID: 1, InstanceID: "mesosimg-c-m1",
			ZooKeeper: &manifest.ZooKeeperState{DataDir: "/var/lib/zookeeper"},
			Master:    &manifest.MasterState{WorkDir: "/var/lib/mesos/master"},
			Agent:     &manifest.AgentState{WorkDir: "/var/lib/mesos/agent", Resources: map[string]string{"cpus": "4"}},
			Files:     []manifest.File{{Path: "nodes/m1/user-data", Size: 3, Mode: 0o600, SHA256: manifest.Sum([]byte("abc"))}},
		}},
	}
}

// TestRoundTrip: what Marshal writes, Parse reads back unchanged; modes are octal strings.
func TestRoundTrip(t *testing.T) {
	m := sample()
	data, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"mode": "0600"`, `"sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"`, `"format": "mesosimg-manifest/v1"`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("the manifest lacks %s:\n%s", want, data)
		}
	}
	got, err := manifest.Parse("m.json", data)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(m, got); diff != "" {
		t.Errorf("round trip (-written +read):\n%s", diff)
	}
	// A reader of v1 ignores keys added later within v1.
	extended := strings.Replace(string(data), `"quorum": 1,`, `"quorum": 1, "added_later": {"x": 1},`, 1)
	if _, err := manifest.Parse("m.json", []byte(extended)); err != nil {
		t.Errorf("an added key is refused: %v", err)
	}
}

// TestParseRefuses: an unknown format version, a file that is no manifest and broken JSON are
// refused with a positioned message that says what is wrong.
func TestParseRefuses(t *testing.T) {
	good, _ := sample().Marshal()
	for _, tc := range []struct{ name, data, want string }{
		{"newer version", strings.Replace(string(good), manifest.FormatV1, "mesosimg-manifest/v2", 1),
			`m.json:2:13: manifest format "mesosimg-manifest/v2" is not one this mesosimg reads (it reads "mesosimg-manifest/v1")`},
		{"other format", `{"format": "terraform-state"}`, `m.json:1:12: not a mesosimg manifest: format "terraform-state"`},
		{"no format", `{"version": 1, "nodes": []}`, `m.json:1:1: not a mesosimg manifest: it has no "format" field`},
		{"format not a string", `{"format": 1}`, `m.json:1:12: the "format" field is not a string`},
		{"array", `[1, 2]`, `m.json:1:1: not a mesosimg manifest: not a JSON object`},
		{"empty", ``, `not valid JSON`},
		{"syntax", "{\"format\": \"mesosimg-manifest/v1\",\n  \"nodes\": [,]}", `m.json:2:13: not valid JSON`},
		{"truncated", `{"format": "mesosimg-manifest/v1", "nodes": [`, `m.json:1:`},
		{"wrong type", "{\"format\": \"mesosimg-manifest/v1\",\n\"cluster\": {\"quorum\": \"two\"}}", `m.json:2:`},
		{"bad digest", `{"format": "mesosimg-manifest/v1", "description_sha256": "abc"}`, `SHA-256 digest is 64 hex digits`},
		{"bad mode", `{"format": "mesosimg-manifest/v1", "nodes": [{"files": [{"mode": "rw-r--r--"}]}]}`, `a mode is octal permission bits`},
		{"trailing data", `{"format": "mesosimg-manifest/v1"} {}`, `m.json:1:36: data after the manifest's closing brace`},
		{"node twice", `{"format": "mesosimg-manifest/v1", "nodes": [{"name": "a"}, {"name": "a"}]}`, `m.json: nodes[1]: node name "a" is empty or listed twice`},
		{"myid twice", `{"format": "mesosimg-manifest/v1", "cluster": {"ensemble": [{"myid": 1}, {"myid": 1}]}}`, `cluster.ensemble[1]: myid 1`},
		{"myid zero", `{"format": "mesosimg-manifest/v1", "cluster": {"ensemble": [{"myid": 0}]}}`, `cluster.ensemble[0]: myid 0`},
		{"path escapes", `{"format": "mesosimg-manifest/v1", "cluster": {"files": [{"path": "../etc/passwd"}]}}`, `cluster.files[0]: path "../etc/passwd"`},
		{"path twice", `{"format": "mesosimg-manifest/v1", "cluster": {"files": [{"path": "a"}]}, "nodes": [{"name": "n", "files": [{"path": "a"}]}]}`, `nodes[0].files[0]: path "a"`},
	} {
		_, err := manifest.Parse("m.json", []byte(tc.data))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Parse = %v; want an error with %q", tc.name, err, tc.want)
		}
	}
}

// TestRead reads a manifest given as its file or as the output directory holding it.
func TestRead(t *testing.T) {
	dir := t.TempDir()
	data, _ := sample().Marshal()
	if err := os.WriteFile(filepath.Join(dir, manifest.FileName), data, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{dir, filepath.Join(dir, manifest.FileName)} {
		if m, err := manifest.Read(p); err != nil || m.Cluster.Name != "c" {
			t.Errorf("Read(%s) = %v, %v", p, m, err)
		}
	}
	empty := t.TempDir()
	if _, err := manifest.Read(empty); err == nil || !strings.Contains(err.Error(), "no manifest here") || !strings.Contains(err.Error(), filepath.Join(empty, manifest.FileName)) {
		t.Errorf("Read of a directory without a manifest: %v", err)
	}
}

// pbkdf2Block is PBKDF2-HMAC-SHA256's first block written out from RFC 8018, to check the
// documented fingerprint algorithm independently of crypto/pbkdf2.
func pbkdf2Block(password, salt string, iter int) []byte {
	mac := hmac.New(sha256.New, []byte(password))
	mac.Write([]byte(salt))
	mac.Write(binary.BigEndian.AppendUint32(nil, 1))
	u := mac.Sum(nil)
	t := append([]byte(nil), u...)
	for i := 1; i < iter; i++ {
		mac.Reset()
		mac.Write(u)
		u = mac.Sum(nil)
		for j := range t {
			t[j] ^= u[j]
		}
	}
	return t
}

// TestFingerprint: a fingerprint is what its documentation says (so any tool can recompute
// it), never the secret, and changes with the secret, the name and the key.
func TestFingerprint(t *testing.T) {
	c := secrets.Credential{Name: "mesos", Secret: "test-secret-4-not-for-production"}
	fp, err := manifest.Fingerprint("zookeeper_mesos", c)
	if err != nil {
		t.Fatal(err)
	}
	want := hex.EncodeToString(pbkdf2Block(c.Secret, "mesosimg-credential/v1\x00zookeeper_mesos\x00mesos", manifest.FingerprintIterations)[:16])
	if fp != want || len(fp) != 32 {
		t.Errorf("Fingerprint = %s; want %s", fp, want)
	}
	if again, _ := manifest.Fingerprint("zookeeper_mesos", c); again != fp {
		t.Errorf("Fingerprint is not stable: %s, then %s", fp, again)
	}
	seen := map[string]string{fp: "original"}
	for what, x := range map[string]struct {
		key string
		c   secrets.Credential
	}{
		"secret": {"zookeeper_mesos", secrets.Credential{Name: "mesos", Secret: "test-secret-4-not-for-productioN"}},
		"name":   {"zookeeper_mesos", secrets.Credential{Name: "mesos2", Secret: c.Secret}},
		"key":    {"zookeeper_marathon", c},
	} {
		other, err := manifest.Fingerprint(x.key, x.c)
		if err != nil {
			t.Fatal(err)
		}
		if prev, dup := seen[other]; dup {
			t.Errorf("changing the %s gives the fingerprint of the %s", what, prev)
		}
		seen[other] = what
	}
}

// TestCredentialsCoverTheSecretsFile: every credential of the secrets file has a fingerprint
// under its key there, and no value appears.
func TestCredentialsCoverTheSecretsFile(t *testing.T) {
	b := secrets.Fixed()
	text, err := b.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	var file map[string]secrets.Credential
	if err := yaml.Unmarshal(text, &file); err != nil {
		t.Fatal(err)
	}
	creds, err := manifest.Credentials(b)
	if err != nil {
		t.Fatal(err)
	}
	var keys, got []string
	for k := range file {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, c := range creds {
		got = append(got, c.Key)
		if c.Name != file[c.Key].Name {
			t.Errorf("%s: name %q; the secrets file says %q", c.Key, c.Name, file[c.Key].Name)
		}
		for _, v := range file {
			if strings.Contains(c.Fingerprint, v.Secret) || strings.Contains(c.Name, v.Secret) {
				t.Errorf("%s holds a secret", c.Key)
			}
		}
	}
	if !cmp.Equal(keys, got) {
		t.Errorf("credential keys %v; the secrets file has %v", got, keys)
	}
}

func TestModeAndDigestText(t *testing.T) {
	for _, s := range []string{"0644", "0600", "0755", "644"} {
		var m manifest.Mode
		if err := m.UnmarshalText([]byte(s)); err != nil {
			t.Errorf("mode %q: %v", s, err)
		}
	}
	for _, s := range []string{"", "64", "0888", "01777", "rw", "-644"} {
		var m manifest.Mode
		if err := m.UnmarshalText([]byte(s)); err == nil {
			t.Errorf("mode %q accepted as %v", s, m)
		}
	}
	var d manifest.Digest
	if err := d.UnmarshalText([]byte(strings.Repeat("g", 64))); err == nil {
		t.Error("a digest of non-hex digits accepted")
	}
}

// TestCredentialsLeaveOutUnused: a bundle's empty credentials (a plan's unused ones) get no
// fingerprint; the others keep theirs.
func TestCredentialsLeaveOutUnused(t *testing.T) {
	b := secrets.Fixed().Only([]secrets.Key{secrets.KeyZooKeeperMesos, secrets.KeyMarathonHTTP})
	creds, err := manifest.Credentials(b)
	if err != nil {
		t.Fatal(err)
	}
	all, _ := manifest.Credentials(secrets.Fixed())
	var want []manifest.Credential
	for _, c := range all {
		if c.Key == "zookeeper_mesos" || c.Key == "marathon_http" {
			want = append(want, c)
		}
	}
	if !cmp.Equal(creds, want) || len(want) != 2 {
		t.Errorf("credentials %+v; want %+v", creds, want)
	}
}

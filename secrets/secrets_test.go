package secrets

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mesosimg/mesosimg/report"
)

func TestFillGeneratesStrongDistinctSecrets(t *testing.T) {
	var b Bundle
	changed, err := b.Fill(Reader, AllKeys())
	if err != nil || !changed {
		t.Fatalf("Fill = %v, %v", changed, err)
	}
	seen := map[string]bool{}
	for _, c := range b.all() {
		if len(c.Secret) != generatedLength || !reSecret.MatchString(c.Secret) || seen[c.Secret] || c.Name == "" {
			t.Errorf("weak or repeated credential %+v", c)
		}
		seen[c.Secret] = true
	}
	if changed, _ := b.Fill(Reader, AllKeys()); changed {
		t.Error("Fill changed a complete bundle")
	}
	if rep := b.Validate(); rep.HasErrors() {
		t.Error(rep.Errors())
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.secrets.yaml")
	b := Fixed()
	b.Cluster = "prod"
	if err := Save(path, b); err != nil {
		t.Fatal(err)
	}
	info, _ := os.Stat(path)
	if info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", info.Mode())
	}
	got, exists, rep, err := Load(path, "prod")
	if err != nil || !exists || rep.HasErrors() || *got != *b {
		t.Fatalf("Load = %+v %v %v %v", got, exists, rep, err)
	}
	data, _ := os.ReadFile(path)
	if !bytes.HasPrefix(data, []byte("# mesosimg secrets")) {
		t.Error("no header")
	}
	if _, exists, _, err := Load(filepath.Join(t.TempDir(), "missing.yaml"), "prod"); exists || err != nil {
		t.Errorf("missing file: %v %v", exists, err)
	}
}

func TestParseRejectsBadEntries(t *testing.T) {
	_, rep := Parse([]byte("cluster: c\nmesos_agent:\n  name: Agent!\n  secret: \"has space\"\nbogus: 1\n"), "c")
	got := rep.Format("s.yaml")
	for _, want := range []string{`s.yaml:3:9: mesos_agent.name: "Agent!" is not a valid name`, "s.yaml:4:11: mesos_agent.secret: secret must be at least 8", `s.yaml:5:1: bogus: unknown key "bogus"`} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q:\n%s", want, got)
		}
	}
}

func TestParsePositionsYAMLErrors(t *testing.T) {
	// The fault's own line and column (the flow sequence never closed), not yaml.v3's line
	// before it; no source line is quoted, as it could hold a secret.
	_, rep := Parse([]byte("cluster: c\nmesos_agent:\n  name: a\n  secret: [unclosed\n"), "c")
	if got := rep.Format("s.yaml"); !strings.HasPrefix(got, "s.yaml:5:1: invalid YAML: did not find expected ',' or ']'") || strings.Count(got, "\n") != 1 || rep.Entries[0].Quote {
		t.Errorf("got %q", got)
	}
	if _, rep := Parse(bytes.Repeat([]byte("#"), MaxFileSize+1), "c"); !rep.HasErrors() {
		t.Error("an oversized secrets file was read")
	}
}

// TestSavedFileRecordsItsCluster: a saved file names its cluster, is accepted for that
// cluster alone, and is refused for another at the cluster: key, naming both clusters and
// the two ways to give the other its own file.
func TestSavedFileRecordsItsCluster(t *testing.T) {
	b := Fixed()
	b.Cluster = "alpha"
	data, err := b.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	line := 0
	for i, l := range lines {
		if l == "cluster: alpha" {
			line = i + 1
		}
	}
	if line == 0 {
		t.Fatalf("no cluster: alpha line in\n%s", data)
	}
	if got, rep := Parse(data, "alpha"); len(rep.Entries) != 0 || *got != *b {
		t.Errorf("own cluster: %v %+v", rep.Entries, got)
	}
	_, rep := Parse(data, "beta")
	if len(rep.Entries) != 1 || !rep.HasErrors() {
		t.Fatalf("another cluster's file: %v", rep.Entries)
	}
	got := rep.Format("a.secrets.yaml")
	want := fmt.Sprintf("a.secrets.yaml:%d:10: cluster: these credentials belong to cluster \"alpha\", not to \"beta\"", line)
	if !strings.HasPrefix(got, want) {
		t.Errorf("got  %q\nwant %q…", got, want)
	}
	for _, what := range []string{"--secrets FILE", "security.secrets_file", "set cluster: beta in the copy"} {
		if !strings.Contains(got, what) {
			t.Errorf("the refusal does not say %q: %s", what, got)
		}
	}
}

// TestFileWithoutClusterIsAdoptable: a file of an older mesosimg (no cluster: key) gives a
// warning at its first key, naming the cluster it will be adopted for; an empty one at 1:1.
func TestFileWithoutClusterIsAdoptable(t *testing.T) {
	old := "# mesosimg secrets: an old header\n\nmesos_agent:\n  name: mesos-agent\n  secret: abcdefgh12345678\n"
	b, rep := Parse([]byte(old), "beta")
	if rep.HasErrors() || len(rep.Warnings()) != 1 || b.MesosAgent.Secret != "abcdefgh12345678" {
		t.Fatalf("old file: %v %+v", rep.Entries, b)
	}
	if got := rep.Format("s.yaml"); !strings.HasPrefix(got, `s.yaml:3:1: warning: no cluster: key (a file of an older mesosimg): render adopts these credentials for cluster "beta"`) {
		t.Errorf("got %q", got)
	}
	if _, rep := Parse(nil, "beta"); rep.HasErrors() || len(rep.Warnings()) != 1 || rep.Entries[0].Pos != (report.Pos{Line: 1, Column: 1}) {
		t.Errorf("empty file: %v", rep.Entries)
	}
}

// TestFillOnlyTheKeysAsked: Fill generates the credentials asked for and no other, keeps what
// is there (a credential whose switch is off stays as it was), and Only/Missing select by key.
func TestFillOnlyTheKeysAsked(t *testing.T) {
	b := Bundle{Cluster: "c", MarathonHTTP: Credential{Name: "admin", Secret: "kept-while-unused"}}
	changed, err := b.Fill(Reader, []Key{KeyZooKeeperMesos, KeyZooKeeperMarathon})
	if err != nil || !changed {
		t.Fatalf("Fill = %v, %v", changed, err)
	}
	want := Bundle{Cluster: "c", MarathonHTTP: Credential{Name: "admin", Secret: "kept-while-unused"},
		ZooKeeperMesos: Credential{Name: "mesos", Secret: b.ZooKeeperMesos.Secret}, ZooKeeperMarathon: Credential{Name: "marathon", Secret: b.ZooKeeperMarathon.Secret}}
	if b != want || len(b.ZooKeeperMesos.Secret) != generatedLength || len(b.ZooKeeperMarathon.Secret) != generatedLength {
		t.Errorf("Fill gave %+v", b)
	}
	if m := b.Missing([]Key{KeyMesosAgent, KeyZooKeeperMesos, KeyMesosHTTP}); !slices.Equal(m, []Key{KeyMesosAgent, KeyMesosHTTP}) {
		t.Errorf("Missing = %v", m)
	}
	only := b.Only([]Key{KeyZooKeeperMesos})
	if *only != (Bundle{Cluster: "c", ZooKeeperMesos: b.ZooKeeperMesos}) {
		t.Errorf("Only = %+v", only)
	}
	// The file holds what is there and nothing else: no empty entry of an unused credential.
	data, _ := b.Marshal()
	for _, k := range AllKeys() {
		if c := *b.Get(k); strings.Contains(string(data), "\n"+string(k)+":") != (c != Credential{}) {
			t.Errorf("%s: written %v, holds %+v", k, strings.Contains(string(data), string(k)+":"), c)
		}
	}
	if _, err := b.Fill(Reader, []Key{"bogus"}); err == nil {
		t.Error("Fill accepted an unknown key")
	}
}

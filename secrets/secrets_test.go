package secrets

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFillGeneratesStrongDistinctSecrets(t *testing.T) {
	var b Bundle
	changed, err := b.Fill(Reader)
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
	if changed, _ := b.Fill(Reader); changed {
		t.Error("Fill changed a complete bundle")
	}
	if rep := b.Validate(); rep.HasErrors() {
		t.Error(rep.Errors())
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.secrets.yaml")
	b := Fixed()
	if err := Save(path, b); err != nil {
		t.Fatal(err)
	}
	info, _ := os.Stat(path)
	if info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", info.Mode())
	}
	got, exists, rep, err := Load(path)
	if err != nil || !exists || rep.HasErrors() || *got != *b {
		t.Fatalf("Load = %+v %v %v %v", got, exists, rep, err)
	}
	data, _ := os.ReadFile(path)
	if !bytes.HasPrefix(data, []byte("# mesosimg secrets")) {
		t.Error("no header")
	}
	if _, exists, _, err := Load(filepath.Join(t.TempDir(), "missing.yaml")); exists || err != nil {
		t.Errorf("missing file: %v %v", exists, err)
	}
}

func TestParseRejectsBadEntries(t *testing.T) {
	_, rep := Parse([]byte("mesos_agent:\n  name: Agent!\n  secret: \"has space\"\nbogus: 1\n"))
	got := rep.Format("s.yaml")
	for _, want := range []string{`s.yaml:2:9: mesos_agent.name: "Agent!" is not a valid name`, "s.yaml:3:11: mesos_agent.secret: secret must be at least 8", `s.yaml:4:1: bogus: unknown key "bogus"`} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q:\n%s", want, got)
		}
	}
}

func TestParsePositionsYAMLErrors(t *testing.T) {
	_, rep := Parse([]byte("mesos_agent:\n  name: a\n  secret: [unclosed\n"))
	if got := rep.Format("s.yaml"); got != "s.yaml:2:1: invalid YAML: did not find expected ',' or ']'\n" {
		t.Errorf("got %q", got)
	}
	if _, rep := Parse(bytes.Repeat([]byte("#"), MaxFileSize+1)); !rep.HasErrors() {
		t.Error("an oversized secrets file was read")
	}
}

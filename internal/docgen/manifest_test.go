package docgen

import (
	"os"
	"strings"
	"testing"

	"github.com/mesosimg/mesosimg/internal/golden"
)

// TestManifestReferenceIsCurrent keeps docs/manifest.md in step with the manifest types' doc
// comments (go test ./internal/docgen -run Manifest -update rewrites it).
func TestManifestReferenceIsCurrent(t *testing.T) {
	src, err := os.ReadFile("../../manifest/manifest.go")
	if err != nil {
		t.Fatal(err)
	}
	got, err := ManifestReference(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"`format`", "`description_sha256`", "`cluster.ensemble[].myid`", "`cluster.quorum`",
		"`cluster.credentials[].fingerprint`", "`nodes[].mac`", "`nodes[].instance_id`", "`nodes[].files[].sha256`",
		"`nodes[].agent.resources` | object of strings", "`nodes[].files[].mode` | octal string | always"} {
		if !strings.Contains(string(got), key) {
			t.Errorf("manifest reference lacks %s", key)
		}
	}
	golden.Assert(t, "../../docs/manifest.md", got)
}

func TestManifestReferenceRefusesUndocumented(t *testing.T) {
	for src, want := range map[string]string{
		"// Package manifest is m.\npackage manifest\n// Manifest is m.\ntype Manifest struct {\n\tX string `json:\"x\"`\n}\n":  "Manifest.X has no doc comment",
		"// Package manifest is m.\npackage manifest\n// Manifest is m.\ntype Manifest struct {\n\t// X is x.\n\tX string\n}\n": "Manifest.X has no json tag",
		"// Package manifest is m.\npackage manifest\n// M is m.\ntype M struct{}\n":                                            "no struct type Manifest",
		"package manifest\n// Manifest is m.\ntype Manifest struct{}\n":                                                         "package comment",
	} {
		if _, err := ManifestReference([]byte(src)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ManifestReference(%q) = %v; want an error with %q", src, err, want)
		}
	}
}

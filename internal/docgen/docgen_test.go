package docgen

import (
	"os"
	"strings"
	"testing"

	"github.com/mesosimg/mesosimg/internal/golden"
)

// TestReferenceIsCurrent keeps docs/description.md in step with the types' doc comments
// (go test ./internal/docgen -update rewrites it).
func TestReferenceIsCurrent(t *testing.T) {
	src, err := os.ReadFile("../../config/v1/types.go")
	if err != nil {
		t.Fatal(err)
	}
	got, err := Reference(src, "Cluster")
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"`cluster`", "`nodes[]`", "`nodes[].roles`", "`install.repositories[].keyid`", "`security.admin_cidrs`"} {
		if !strings.Contains(string(got), key) {
			t.Errorf("reference lacks %s", key)
		}
	}
	golden.Assert(t, "../../docs/description.md", got)
}

func TestUndocumentedFieldFails(t *testing.T) {
	src := []byte("package p\n// C is a c.\ntype C struct {\n\tX string `yaml:\"x\"`\n}\n")
	if _, err := Reference(src, "C"); err == nil || !strings.Contains(err.Error(), "C.X has no doc comment") {
		t.Errorf("got %v", err)
	}
}

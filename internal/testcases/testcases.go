// Package testcases lists and loads the descriptions the tests render: every bundled example
// (examples/*/cluster.yaml) and every case under testdata/cases/.
package testcases

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mesosimg/mesosimg/config"
	v1 "github.com/mesosimg/mesosimg/config/v1"
)

// Case is one description: Name is example-<dir> for an example, the file's base name for a case.
type Case struct{ Name, Path string }

// All returns every case, root being the repository's top directory relative to the test's
// package (e.g. "../.."). It fails the test when it finds too few (a wrong root).
func All(t testing.TB, root string) []Case {
	t.Helper()
	var out []Case
	examples, _ := filepath.Glob(filepath.Join(root, "examples", "*", "cluster.yaml"))
	for _, p := range examples {
		out = append(out, Case{"example-" + filepath.Base(filepath.Dir(p)), p})
	}
	extra, _ := filepath.Glob(filepath.Join(root, "testdata", "cases", "*.yaml"))
	for _, p := range extra {
		out = append(out, Case{strings.TrimSuffix(filepath.Base(p), ".yaml"), p})
	}
	if len(out) < 4 {
		t.Fatalf("found only %d test descriptions under %s: wrong root?", len(out), root)
	}
	return out
}

// Load loads and validates the description at path (files it names relative to its directory),
// failing the test with the positioned report when it is invalid.
func Load(t testing.TB, path string) *v1.Cluster {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c, rep := config.Load(config.Source{Name: path, Dir: filepath.Dir(path), Data: data, ReadFile: os.ReadFile})
	if c == nil {
		t.Fatalf("%s is invalid:\n%s", path, rep.Format(path))
	}
	return c
}

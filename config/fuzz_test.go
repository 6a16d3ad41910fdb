package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mesosimg/mesosimg/config"
	"github.com/mesosimg/mesosimg/generator"
	"github.com/mesosimg/mesosimg/secrets"
)

// FuzzLoad feeds arbitrary text to the loader and validator. Whatever the input:
// no panic, every finding has a position inside the input, and a description the
// validator accepts renders without error.
func FuzzLoad(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*/*.yaml")
	examples, _ := filepath.Glob("../examples/*/cluster.yaml")
	for _, p := range append(seeds, examples...) {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, rep := config.Load(config.Source{Name: "fuzz.yaml", Data: data})
		// YAML breaks lines at \n, \r, \r\n, NEL, LS and PS.
		text := strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u0085", "\n", "\u2028", "\n", "\u2029", "\n").Replace(string(data))
		lines := 1 + strings.Count(text, "\n")
		for _, e := range rep.Entries {
			if e.Pos.Line < 1 || e.Pos.Line > lines || e.Pos.Column < 1 {
				t.Fatalf("finding outside the input (%d lines): %s", lines, e)
			}
		}
		if c == nil {
			if !rep.HasErrors() {
				t.Fatal("rejected without an error")
			}
			return
		}
		if len(c.Nodes) > 50 {
			return // rendering is measured by the benchmarks, not here
		}
		if _, err := generator.GenerateAll(c, generator.Options{Workers: 1, Secrets: secrets.Fixed()}); err != nil {
			t.Fatalf("valid description failed to render: %v", err)
		}
	})
}

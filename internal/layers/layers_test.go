// Package layers holds the repository's floor plan: each package sits on a floor, and a
// package may import only packages on lower floors (or its own floor's leaves listed as
// such), so the data flow load → validate → plan → render → write reads from the tree and
// no import runs back up. docs/layout.md describes the floors; this test keeps them true.
package layers

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"sort"
	"strings"
	"testing"
)

const module = "github.com/mesosimg/mesosimg/"

// floors maps every package (relative to the module) to its floor, lowest first. A new
// package must be placed here: the test fails for a package it does not know.
var floors = map[string]int{
	// 0: leaves — positioned reports, YAML helpers, cited upstream facts, embedded templates.
	"report":                                0,
	"render/yamlout":                        0,
	"templates":                             0,
	"seed":                                  0,
	"internal/upstream":                     0,
	"internal/upstream/cmd/genmarathonopts": 0,
	"internal/upstream/cmd/genmesosflags":   0,
	"internal/golden":                       0,
	"internal/yamlfuzz":                     0,
	"internal/consumers":                    0,
	"yamlpos":                               1,
	// 2: the description: its types and validation, then loading.
	"config/v1": 2,
	"config":    3,
	"secrets":   3,
	// 4: plan — the typed per-node model.
	"plan": 4,
	// 5-7: the renderers' shared file type, the renderers (one per format; installer answers wrap
	// cloud-init's), the manifest of a render.
	"render":           5,
	"render/cloudinit": 6,
	"render/installer": 7,
	"render/netboot":   6,
	"render/packer":    6,
	"manifest":         6,
	// 7-9: rollout compares manifests; the generator runs the renderers; output writes.
	"generator": 8,
	"rollout":   7,
	"output":    9,
	// 10-11: the command line, then the binary.
	"cli":          10,
	"cmd/mesosimg": 11,
	// Beside the flow: test and documentation tools.
	"internal/testcases":   4,
	"internal/conformance": 1,
	"internal/docgen":      10,
	"internal/docgen/cmd":  11,
	"internal/layers":      0,
	"scripts/seedtime":     11,
}

type pkg struct {
	ImportPath string
	Imports    []string
}

// upward returns every import of pkgs that does not go down the floors, and every package
// the floors do not place.
func upward(pkgs []pkg, floors map[string]int) []string {
	var faults []string
	for _, p := range pkgs {
		name := strings.TrimPrefix(p.ImportPath, module)
		floor, ok := floors[name]
		if !ok {
			faults = append(faults, fmt.Sprintf("%s: not on any floor: add it to floors (and docs/layout.md)", name))
			continue
		}
		for _, imp := range p.Imports {
			if !strings.HasPrefix(imp, module) {
				continue
			}
			dep := strings.TrimPrefix(imp, module)
			if df, ok := floors[dep]; ok && df >= floor {
				faults = append(faults, fmt.Sprintf("%s (floor %d) imports %s (floor %d): imports must go down", name, floor, dep, df))
			}
		}
	}
	sort.Strings(faults)
	return faults
}

func TestImportsGoDownTheFloors(t *testing.T) {
	out, err := exec.Command("go", "list", "-json", "../../...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 20 {
		t.Fatalf("go list found only %d packages: the test is not looking at the repository", len(pkgs))
	}
	for _, f := range upward(pkgs, floors) {
		t.Error(f)
	}
	if floors["cli"] <= floors["config"] || floors["render/yamlout"] >= floors["render/cloudinit"] {
		t.Error("the floors no longer put the command line on top and yamlout below the renderers")
	}
}

// TestUpwardImportIsCaught shows the check bites: an import from a lower floor to a higher
// one, one across a floor, and an unplaced package are each reported.
func TestUpwardImportIsCaught(t *testing.T) {
	fl := map[string]int{"config": 3, "cli": 10, "plan": 4, "seed": 0}
	pkgs := []pkg{
		{ImportPath: module + "config", Imports: []string{module + "cli", "fmt"}},
		{ImportPath: module + "plan", Imports: []string{module + "seed", module + "config"}},
		{ImportPath: module + "newpkg"},
		{ImportPath: module + "seed"},
	}
	got := upward(pkgs, fl)
	want := []string{
		"config (floor 3) imports cli (floor 10): imports must go down",
		"newpkg: not on any floor: add it to floors (and docs/layout.md)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("upward = %q, want %q", got, want)
	}
	fl["seed"] = 4
	if got := upward(pkgs[1:2], fl); len(got) != 1 {
		t.Errorf("an import within one floor was not reported: %q", got)
	}
}

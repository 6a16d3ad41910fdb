package rollout_test

import (
	"os"
	"strings"
	"testing"

	"github.com/mesosimg/mesosimg/rollout"
)

// TestEveryPairOfSmallClusters plans between every pair of 108 small clusters (1, 3 or 5
// ZooKeeper members and masters, combined or apart, with or without Marathon, in three node
// orders): with every hazard accepted, each rollout keeps checkRollout's rules, and a
// cluster planned against itself has nothing to do.
func TestEveryPairOfSmallClusters(t *testing.T) {
	var all []rendered
	var texts []string
	for z := 0; z < 3; z++ {
		for m := 0; m < 3; m++ {
			for c := 0; c < 4; c++ {
				for r := 0; r < 3; r++ {
					text, _ := clusterFrom([]byte{byte(z), byte(m), 1, byte(c), byte(r)})
					all = append(all, render(t, text, nil))
					texts = append(texts, text)
				}
			}
		}
	}
	failed := 0
	for i := range all {
		for j := range all {
			p := planOf(all[i], all[j])
			if i == j && (p.Changed || len(p.Steps) > 0) {
				t.Errorf("a cluster against itself has steps:\n%s", texts[i])
			}
			var accept []rollout.HazardName
			for _, h := range p.Hazards {
				accept = append(accept, h.Name)
			}
			if bad := checkRollout(planOf(all[i], all[j], accept...), all[i].man, all[j].man); len(bad) > 0 {
				// The first three, or every one with GRID_ALL=1 in the environment.
				if failed++; failed <= 3 || os.Getenv("GRID_ALL") != "" {
					t.Errorf("%s\n--- old\n%s--- new\n%s", strings.Join(bad, "\n"), texts[i], texts[j])
				}
			}
		}
	}
}

package rollout_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mesosimg/mesosimg/rollout"
	"github.com/mesosimg/mesosimg/secrets"
)

// clusterFrom makes a valid description from fuzz bytes: 1, 3 or 5 ZooKeeper members, 1, 3
// or 5 masters (on the members or on nodes of their own), up to 3 agents with optional
// resources, attributes and policy, Marathon, the node order rotated (which renumbers
// members), another cluster name, a rotated credential.
func clusterFrom(b []byte) (string, func(*secrets.Bundle)) {
	at := func(i int) int {
		if i < len(b) {
			return int(b[i])
		}
		return 0
	}
	zks, masters, agents := 1+2*(at(0)%3), 1+2*(at(1)%3), at(2)%4
	combined, marathon := at(3)&1 == 1, at(3)&2 == 2
	var nodes []string
	if combined {
		for i := 1; i <= max(zks, masters); i++ {
			roles := ""
			if i <= zks {
				roles += "z"
			}
			if i <= masters {
				roles += "m"
			}
			if marathon && i == 1 {
				roles += "k"
			}
			nodes = append(nodes, fmt.Sprintf("m%d:%s", i, roles))
		}
	} else {
		for i := 1; i <= zks; i++ {
			nodes = append(nodes, fmt.Sprintf("z%d:z", i))
		}
		for i := 1; i <= masters; i++ {
			nodes = append(nodes, fmt.Sprintf("m%d:m", i))
		}
		if marathon {
			nodes = append(nodes, "k1:k")
		}
	}
	if r := at(4) % 4; r > 0 && r < len(nodes) {
		nodes = append(nodes[r:], nodes[:r]...)
	}
	for i := 1; i <= agents; i++ {
		nodes = append(nodes, fmt.Sprintf("a%d:a", i))
	}
	var extra strings.Builder
	if at(5)&7 != 0 {
		extra.WriteString("mesos:\n  agent:\n")
		if at(5)&1 == 1 {
			extra.WriteString("    flags: {reconfiguration_policy: additive}\n")
		}
		if at(5)&2 == 2 {
			fmt.Fprintf(&extra, "    resources: {cpus: \"%d\", ports: \"[31000-%d]\"}\n", 1+at(6)%8, 31000+at(7)%3*1000)
		}
		if at(5)&4 == 4 {
			fmt.Fprintf(&extra, "    attributes: {rack: r%d}\n", at(8)%2)
		}
	}
	text := describe(strings.Join(nodes, " "), extra.String())
	if at(9)&1 == 1 {
		text = strings.Replace(text, "cluster: Test", "cluster: Other", 1)
	}
	var mod func(*secrets.Bundle)
	if at(9)&2 == 2 {
		mod = func(s *secrets.Bundle) { s.ZooKeeperMesos.Secret = "a-rotated-secret-for-fuzzing" }
	}
	return text, mod
}

// FuzzPlan plans between pairs of valid descriptions: it never panics, its JSON marshals, a
// plan of a description against itself is empty, and the rollout with every hazard accepted
// keeps checkRollout's rules.
func FuzzPlan(f *testing.F) {
	f.Add([]byte{1, 1, 1, 3}, []byte{2, 2, 1, 3})                      // 3 -> 5, combined
	f.Add([]byte{2, 2, 2, 1}, []byte{1, 1, 2, 1})                      // 5 -> 3
	f.Add([]byte{0, 0, 1, 3}, []byte{1, 1, 1, 3})                      // 1 -> 3
	f.Add([]byte{1, 1, 1, 0, 0, 2, 3}, []byte{1, 1, 3, 0, 0, 2, 7})    // agents and resources
	f.Add([]byte{1, 1, 1, 3, 1}, []byte{1, 1, 1, 3, 0, 0, 0, 0, 0, 3}) // renumbered, renamed, rotated
	f.Fuzz(func(t *testing.T, a, b []byte) {
		oldText, oldMod := clusterFrom(a)
		newText, newMod := clusterFrom(b)
		if oldMod != nil || strings.Contains(oldText, "cluster: Other") {
			return // the old render is the fixed one; only the new one changes name or secrets
		}
		old, err := tryRender(oldText, oldMod)
		if err != nil {
			t.Fatalf("a generated description is invalid: %v", err)
		}
		new, err := tryRender(newText, newMod)
		if err != nil {
			t.Fatalf("a generated description is invalid: %v", err)
		}
		if same := planOf(old, old); same.Changed || len(same.Hazards) > 0 || len(same.Steps) > 0 {
			t.Fatalf("a plan of a description against itself is not empty:\n%s", same.Text("x", "out"))
		}
		p := planOf(old, new)
		if _, err := p.JSON(); err != nil {
			t.Fatal(err)
		}
		_ = p.Text("new.yaml", "out")
		var all []rollout.HazardName
		for _, h := range p.Hazards {
			all = append(all, h.Name)
		}
		accepted := planOf(old, new, all...)
		if len(accepted.Refused()) > 0 {
			t.Fatalf("refused with every hazard accepted: %v", accepted.Refused())
		}
		if bad := checkRollout(accepted, old.man, new.man); len(bad) > 0 {
			t.Fatalf("%s\n--- old\n%s--- new\n%s%s", strings.Join(bad, "\n"), oldText, newText, accepted.Text("new.yaml", "out"))
		}
	})
}

package upstream

import "testing"

// allFacts gathers every fact of the package, for TestEveryFactCited and the docs.
func allFacts() []Fact {
	var out []Fact
	for _, f := range MesosFacts {
		out = append(out, f)
	}
	out = append(out, MarathonFacts()...)
	out = append(out, MarathonTarballFacts()...)
	out = append(out, LibprocessFacts()...)
	out = append(out, ExecutorFacts()...)
	out = append(out, MarathonImageUserFact)
	return out
}

// TestEveryFactCited: a fact without a full citation (repository, ref, path, line) is a guess,
// and so is a flag or option whose declaration is not cited.
func TestEveryFactCited(t *testing.T) {
	facts := allFacts()
	if len(facts) < 100 {
		t.Fatalf("only %d facts: a group is missing from allFacts", len(facts))
	}
	for _, f := range facts {
		if f.Claim == "" || !f.Source.Valid() {
			t.Errorf("uncited fact %q (%v)", f.Claim, f.Source)
		}
	}
	for _, table := range []map[string]MesosFlag{MasterFlags, AgentFlags, ExecuteFlags} {
		for name, f := range table {
			if !f.Source.Valid() {
				t.Errorf("Mesos flag %s: uncited (%v)", name, f.Source)
			}
		}
	}
	for _, o := range MarathonOptions {
		if !o.Source.Valid() {
			t.Errorf("Marathon option %s: uncited (%v)", o.Name, o.Source)
		}
	}
	for _, v := range LibprocessVars {
		if !v.Source.Valid() {
			t.Errorf("libprocess variable %s: uncited (%v)", v.Name, v.Source)
		}
	}
}

package upstream

import "testing"

// TestOperationFactsCited: every operation fact says what the consumer does and where it was
// read (repository, ref, path, line), with the text the mirror test finds on that line.
func TestOperationFactsCited(t *testing.T) {
	ids := OperationIDs()
	if len(ids) < 40 {
		t.Fatalf("only %d operation facts", len(ids))
	}
	for _, id := range ids {
		f := operationTable[id]
		if f.Claim == "" || !f.Source.Valid() || f.anchor == "" {
			t.Errorf("%s: uncited or unanchored (%q, %v, %q)", id, f.Claim, f.Source, f.anchor)
		}
		if got := Operation(id); got != f.Fact {
			t.Errorf("Operation(%q) = %v, want %v", id, got, f.Fact)
		}
	}
}

// TestOperationUnknown: asking for a fact that does not exist is a programming error, not a
// silent empty citation.
func TestOperationUnknown(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Operation of an unknown id did not panic")
		}
	}()
	Operation("no.such.fact")
}

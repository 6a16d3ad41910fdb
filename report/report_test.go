package report

import "testing"

func TestParent(t *testing.T) {
	for path, want := range map[string]string{"nodes[1].ip": "nodes[1]", "nodes[1]": "nodes", "nodes": "", "": "", "a.b.c": "a.b"} {
		if got := Parent(path); got != want {
			t.Errorf("Parent(%q) = %q; want %q", path, got, want)
		}
	}
}

func TestCorrelateFallsBackToParent(t *testing.T) {
	var r Report
	r.Errorf("nodes[0].ip", "missing")
	r.Warnf("nope", "w")
	r.Correlate(func(p string) (Pos, bool) {
		if p == "nodes[0]" {
			return Pos{3, 5}, true
		}
		return Pos{}, false
	})
	if r.Entries[0].Pos != (Pos{3, 5}) || r.Entries[1].Pos != (Pos{1, 1}) {
		t.Errorf("got %+v", r.Entries)
	}
	r.Sort()
	if got := r.Format("c.yaml"); got != "c.yaml:1:1: warning: nope: w\nc.yaml:3:5: nodes[0].ip: missing\n" {
		t.Errorf("Format = %q", got)
	}
	if !r.HasErrors() || len(r.Errors()) != 1 || len(r.Warnings()) != 1 {
		t.Error("severity filters")
	}
}

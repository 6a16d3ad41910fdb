package cloudinit

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mesosimg/mesosimg/internal/testcases"
	"github.com/mesosimg/mesosimg/internal/yamlfuzz"
	"github.com/mesosimg/mesosimg/plan"
	"github.com/mesosimg/mesosimg/render/yamlout"
	"github.com/mesosimg/mesosimg/secrets"
)

// blockDocs writes each NoCloud document of a node with its Block writer (no fallback).
func blockDocs(cc CloudConfig, md MetaData, nc NetworkConfig) (ud, meta, net []byte, err error) {
	w := yamlout.NewBlock(Header, 0)
	cc.writeYAML(w)
	if ud, err = w.Bytes(); err != nil {
		return
	}
	w = yamlout.NewBlock("", 0)
	w.Key(0, "instance-id")
	w.String(0, md.InstanceID)
	w.Key(0, "local-hostname")
	w.String(0, md.LocalHostname)
	if meta, err = w.Bytes(); err != nil {
		return
	}
	w = yamlout.NewBlock("", 0)
	nc.WriteYAML(w, 0)
	net, err = w.Bytes()
	return
}

// checkDocs holds the Block writers to yamlout.Marshal; it reports whether Block wrote all three.
func checkDocs(t *testing.T, name string, cc CloudConfig, md MetaData, nc NetworkConfig) bool {
	t.Helper()
	ud, meta, net, err := blockDocs(cc, md, nc)
	if err != nil {
		return false
	}
	for _, d := range []struct {
		doc  string
		got  []byte
		want any
	}{{"user-data", ud[len(Header):], cc}, {"meta-data", meta, md}, {"network-config", net, nc}} {
		want, err := yamlout.Marshal(d.want)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(string(want), string(d.got)); diff != "" {
			t.Fatalf("%s: %s: Block differs from yamlout.Marshal (-Marshal +Block):\n%s", name, d.doc, diff)
		}
	}
	return true
}

// TestBlockWritersOnEveryCase: every node of every example and test case is written by the
// Block writers, byte for byte as yamlout.Marshal writes it.
func TestBlockWritersOnEveryCase(t *testing.T) {
	for _, tc := range testcases.All(t, "../..") {
		c := testcases.Load(t, tc.Path)
		p, err := plan.Build(c, secrets.Fixed())
		if err != nil {
			t.Fatalf("%s: %v", tc.Name, err)
		}
		for i := 0; i < p.NodeCount(); i++ {
			n := p.Node(i)
			if !checkDocs(t, tc.Name+"/"+n.Name, UserData(&n), MetaData{InstanceID: n.InstanceID, LocalHostname: n.Name}, Network(&n)) {
				t.Errorf("%s/%s: Block falls back to yamlout.Marshal", tc.Name, n.Name)
			}
		}
	}
}

// FuzzBlockWriters fills every field of the three documents from the fuzzer's input and holds
// the Block writers to yamlout.Marshal; Block must write every document whose strings are
// valid UTF-8 without Unicode line or paragraph separators.
func FuzzBlockWriters(f *testing.F) {
	for _, s := range yamlfuzz.Tricky {
		f.Add(s, []byte{0xff, 0x13, 0x77, 0x01})
	}
	f.Add("x\n\n  y\n", []byte{0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, s string, shape []byte) {
		fill := yamlfuzz.New(s, shape)
		var cc CloudConfig
		var md MetaData
		var nc NetworkConfig
		fill.Fill(&cc, []any{"default", []string{"p", "1.0"}, User{}})
		fill.Fill(&md, nil)
		fill.Fill(&nc, nil)
		if !checkDocs(t, "fuzz", cc, md, nc) && fill.Usual() {
			t.Fatalf("Block fails on %#v", cc)
		}
	})
}

// TestFuzzedDocumentsReachBlock: the filler's documents are mostly written by Block, so the
// fuzz target compares writers rather than falling back.
func TestFuzzedDocumentsReachBlock(t *testing.T) {
	wrote := 0
	for i := 0; i < 300; i++ {
		fill := yamlfuzz.New("a\x1fb\nc\n\x1f", []byte{byte(i), byte(i * 7), byte(i * 13), 1, 2})
		var cc CloudConfig
		var md MetaData
		var nc NetworkConfig
		fill.Fill(&cc, []any{"default", []string{"p", "1.0"}, User{}})
		fill.Fill(&md, nil)
		fill.Fill(&nc, nil)
		if checkDocs(t, "filled", cc, md, nc) {
			wrote++
		}
	}
	if wrote < 100 {
		t.Errorf("Block wrote %d of 300 filled documents", wrote)
	}
}

// benchmarkUserData marshals the user-data of an agent of the HA example.
func benchmarkUserData(b *testing.B, marshal func(CloudConfig) ([]byte, error)) {
	p, err := plan.Build(testcases.Load(b, "../../examples/ha/cluster.yaml"), secrets.Fixed())
	if err != nil {
		b.Fatal(err)
	}
	n := p.Node(p.NodeCount() - 1)
	cc := UserData(&n)
	b.ReportAllocs()
	for b.Loop() {
		out, err := marshal(cc)
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(out)))
	}
}

// BenchmarkUserDataBlock: user-data through its Block writer.
func BenchmarkUserDataBlock(b *testing.B) {
	benchmarkUserData(b, func(cc CloudConfig) ([]byte, error) { return marshalUserData(Header, cc) })
}

// BenchmarkUserDataMarshal: the same through yamlout.Marshal (yaml.v3).
func BenchmarkUserDataMarshal(b *testing.B) {
	benchmarkUserData(b, func(cc CloudConfig) ([]byte, error) { return yamlout.Marshal(cc) })
}

package yamlout

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/mesosimg/mesosimg/internal/yamlfuzz"
)

// doc puts strings in every place Block writes them: top-level and nested values, sequence
// items, nested sequences, map keys and values.
type doc struct {
	A string            `yaml:"a"`
	L []string          `yaml:"l"`
	N []nested          `yaml:"n"`
	S [][]string        `yaml:"s"`
	M map[string]string `yaml:"m"`
	Z string            `yaml:"z"`
}

type nested struct {
	B string   `yaml:"b"`
	C []string `yaml:"c"`
	D *nested  `yaml:"d,omitempty"`
}

func (d doc) block() ([]byte, error) {
	w := NewBlock("", 0)
	w.Key(0, "a")
	w.String(0, d.A)
	w.Key(0, "l")
	w.Strings(0, d.L)
	w.Key(0, "n")
	if len(d.N) == 0 {
		w.EmptySeq()
	}
	for _, n := range d.N {
		w.Item(2)
		n.block(w, 4)
	}
	w.Key(0, "s")
	if len(d.S) == 0 {
		w.EmptySeq()
	}
	for _, l := range d.S {
		w.Item(2)
		w.Strings(2, l)
	}
	w.Key(0, "m")
	if len(d.M) == 0 {
		w.EmptyMap()
	}
	for _, k := range SortedKeys(d.M) {
		w.Key(2, k)
		w.String(2, d.M[k])
	}
	w.Key(0, "z")
	w.String(0, d.Z)
	return w.Bytes()
}

func (n nested) block(w *Block, indent int) {
	w.Key(indent, "b")
	w.String(indent, n.B)
	w.Key(indent, "c")
	w.Strings(indent, n.C)
	if n.D != nil {
		w.Key(indent, "d")
		n.D.block(w, indent+2)
	}
}

func docOf(s, t, k string) doc {
	return doc{
		A: s, L: []string{s, t},
		N: []nested{{B: t, C: []string{s}, D: &nested{B: s}}, {}},
		S: [][]string{{s, t}, {}, {t}},
		M: map[string]string{k: s, "k10": s, "k9": t},
		Z: t,
	}
}

// checkBlock holds Block to Marshal on the document made of s, t and k; it reports whether
// Block wrote it.
func checkBlock(t *testing.T, d doc) bool {
	t.Helper()
	want, err := Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	got, err := d.block()
	if err != nil {
		return false
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Fatalf("Block differs from Marshal for %q (-Marshal +Block):\n%s", d.A, diff)
	}
	return true
}

var tricky = yamlfuzz.Tricky

func TestBlockMatchesMarshal(t *testing.T) {
	wrote := 0
	for _, s := range tricky {
		for _, u := range []string{"x", "a\nb\n", "yes", "\n"} {
			if checkBlock(t, docOf(s, u, "key")) {
				wrote++
			}
			if checkBlock(t, docOf(u, s, s)) {
				wrote++
			}
		}
	}
	// Block must write the strings mesosimg's documents hold, not fall back on them.
	for _, s := range []string{"node00005", "10.0.0.15", "0644", "a\nb\n", "#!/bin/sh\nexit 0\n", "→ arrow\n", "x\n\n  y\n\n\n", "it's 'quoted'", "a \nb\n", "tab\tx"} {
		if !checkBlock(t, docOf(s, s, "key")) {
			t.Errorf("Block fails on %q", s)
		}
	}
	if wrote < len(tricky) {
		t.Errorf("Block wrote %d of %d documents", wrote, 8*len(tricky))
	}
}

// TestBlockUnsupported shows Block fails, rather than writing something else, where yaml.v3
// writes what Block does not: !!binary, complex keys, quoted scalars folded at line breaks.
func TestBlockUnsupported(t *testing.T) {
	for _, d := range []doc{docOf("\xff", "x", "k"), docOf("x", "x", strings.Repeat("k", 129)), docOf("x", "x", "a\nb"), docOf("a\u2028b", "x", "k")} {
		if _, err := d.block(); err != ErrUnsupported {
			t.Errorf("Block on %q, key %q: error %v, want ErrUnsupported", d.A, SortedKeys(d.M), err)
		}
	}
}

func TestSortedKeys(t *testing.T) {
	m := map[string]int{"a10": 0, "a9": 0, "b": 0, "": 0, "a01": 0, "a1": 0, "A": 0, "é": 0, "1": 0, "-": 0, "a_b": 0, "ab": 0}
	var d struct {
		M map[string]int `yaml:"m"`
	}
	d.M = m
	want, err := Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	w := NewBlock("", 0)
	w.Key(0, "m")
	for _, k := range SortedKeys(m) {
		w.Key(2, k)
		w.Int(m[k])
	}
	got, err := w.Bytes()
	if err != nil || string(got) != string(want) {
		t.Errorf("Block:\n%s(%v)\nMarshal:\n%s", got, err, want)
	}
}

// FuzzBlock holds Block to Marshal on any strings in every place, and requires Block to
// write every valid UTF-8 value whose only line breaks are LF (what mesosimg writes).
func FuzzBlock(f *testing.F) {
	for i, s := range tricky {
		f.Add(s, tricky[(i+1)%len(tricky)], tricky[(i+7)%len(tricky)])
	}
	f.Fuzz(func(t *testing.T, s, u, k string) {
		d := docOf(s, u, k)
		ok := checkBlock(t, d)
		plainKey := utf8.ValidString(k) && !strings.ContainsAny(k, "\n\r\u0085\u2028\u2029") && len(k) <= 128
		if !ok && plainKey && usual(s) && usual(u) {
			t.Fatalf("Block fails on %q, %q, key %q", s, u, k)
		}
	})
}

// usual says whether s is valid UTF-8 without line breaks other than LF (CR and NEL are
// escaped in double quotes, which Block writes).
func usual(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsAny(s, "\u2028\u2029")
}

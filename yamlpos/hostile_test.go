package yamlpos_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/mesosimg/mesosimg/yamlpos"
)

// decodeBounded decodes src within a deadline, so an alias bomb fails the test instead of hanging it.
func decodeBounded(t *testing.T, src string) (outer, []string) {
	t.Helper()
	type res struct {
		out  outer
		errs []string
	}
	done := make(chan res, 1)
	go func() {
		out, _, errs := decode(t, src)
		done <- res{out, errs}
	}()
	select {
	case r := <-done:
		return r.out, r.errs
	// A hang guard, not a speed test (a bounded decode takes well under a second on a quiet
	// machine): generous, so a loaded machine does not fail it.
	case <-time.After(2 * time.Minute):
		t.Fatalf("decode of %d bytes did not finish in 2 minutes", len(src))
		return outer{}, nil
	}
}

// laughs is a billion laughs: level i is a list of ten aliases of level i-1.
func laughs(levels int, leaf string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "a0: &a0 %s\n", leaf)
	for i := 1; i <= levels; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*a%d,", i-1), 10), ","))
	}
	return b.String()
}

// TestAliasBombsAreBounded: a few lines that expand to billions of values, or one long
// text repeated many times, stop with one positioned error after a bounded amount of work.
func TestAliasBombsAreBounded(t *testing.T) {
	// Each of these expands, through the list of inner values, to 10^9 items or 100 MB.
	bombs := map[string]string{

		// the same bomb through merge keys: each level merges the previous ten times over.
		"merge": func() string {
			var b strings.Builder
			b.WriteString("inner: &m0 {port: 1, tags: {a: b}}\nlist:\n")
			for i := 1; i <= 8; i++ {
				fmt.Fprintf(&b, "  - &m%d {<<: [%s], items: [x]}\n", i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*m%d,", i-1), 10), ","))
			}
			for i := 0; i < 1000; i++ {
				b.WriteString("  - *m8\n")
			}
			return b.String()
		}(),
		// a 1 MB text in 200 places.
		"long text": "name: &s " + strings.Repeat("x", 1<<20) + "\nlist:\n" + strings.Repeat("  - {tags: {a: *s, b: *s}}\n", 100),
		// 200,000 aliases of a mapping of 100 values: 20 million values from 1 MB.
		"wide": func() string {
			var b strings.Builder
			b.WriteString("inner: &d {tags: {")
			for i := 0; i < 100; i++ {
				fmt.Fprintf(&b, "k%d: v, ", i)
			}
			b.WriteString("}}\nlist: [")
			b.WriteString(strings.TrimSuffix(strings.Repeat("*d,", 200000), ","))
			b.WriteString("]\n")
			return b.String()
		}(),
	}
	for name, src := range bombs {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			_, errs := decodeBounded(t, src)
			found := false
			for _, e := range errs {
				found = found || strings.Contains(e, "too many values")
			}
			if len(errs) > yamlpos.MaxErrors+1 {
				t.Errorf("%d errors", len(errs))
			}
			if !found {
				t.Errorf("no alias budget error in %d errors: %.300q", len(errs), errs)
			}
			t.Logf("%d bytes: %d errors in %v", len(src), len(errs), time.Since(start))
		})
	}
}

// TestAliasesSharingSettingsStillWork: the budget leaves room for the honest use of aliases,
// one anchored block of settings shared by thousands of entries.
// TestBillionLaughs: nested lists of aliases stop at the first level the types do not
// allow, whatever their expansion.
func TestBillionLaughs(t *testing.T) {
	for _, leaf := range []string{"{port: 1}", "[lol]", "lol"} {
		src := strings.ReplaceAll(laughs(9, leaf), "a9: &a9", "list: &a9")
		start := time.Now()
		_, errs := decodeBounded(t, src)
		if len(errs) == 0 || len(errs) > yamlpos.MaxErrors+1 {
			t.Errorf("%s: %d errors", leaf, len(errs))
		}
		t.Logf("%s: %d bytes, %d errors in %v, last %q", leaf, len(src), len(errs), time.Since(start), errs[len(errs)-1])
	}
}

func TestAliasesSharingSettingsStillWork(t *testing.T) {
	var b strings.Builder
	b.WriteString("inner: &d {port: 7, tags: {a: b, c: d, e: f, g: h}, items: [p, q, r, s]}\nlist:\n")
	for i := 0; i < 10000; i++ {
		b.WriteString("  - *d\n")
	}
	out, errs := decodeBounded(t, b.String())
	if len(errs) != 0 || len(out.List) != 10000 || *out.List[9999].Port != 7 || out.List[9999].Tags["g"] != "h" {
		t.Errorf("got %d items, errors %q", len(out.List), errs)
	}
}

func TestMergeKeys(t *testing.T) {
	src := `inner: &base {port: 1, on: true, tags: {a: x, b: y}}
list:
  - <<: *base
    port: 2
  - <<: [{port: 3, items: [i]}, *base]
  - {<<: {<<: *base, items: [j]}, on: false}
`
	out, errs := decodeBounded(t, src)
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	got := fmt.Sprintf("%d %v %v | %d %v %v | %d %v %v", *out.List[0].Port, out.List[0].On, out.List[0].Tags,
		*out.List[1].Port, out.List[1].On, out.List[1].Items, *out.List[2].Port, out.List[2].On, out.List[2].Items)
	want := "2 true map[a:x b:y] | 3 true [i] | 1 false [j]"
	if got != want {
		t.Errorf("merged values %q; want %q", got, want)
	}
	// Merged keys are checked like written ones, at the place they are written.
	_, _, errs = decode(t, "inner: &b {prot: 1}\nlist:\n  - <<: *b\n  - <<: 5\n  - <<: [*b, [x]]\n  - {<<: *b, port: 1, port: 2}\n")
	want2 := []string{
		`1:12: inner.prot: unknown key "prot" (did you mean "port"?)`,
		`1:12: list[0].prot: unknown key "prot" (did you mean "port"?)`,
		`4:9: list[1].<<: a merge key (<<) takes a mapping or a list of mappings, got "5"`,
		`5:14: list[2].<<: a merge key (<<) takes a mapping or a list of mappings, got a list`,
		`1:12: list[2].prot: unknown key "prot" (did you mean "port"?)`,
		`6:23: list[3].port: duplicate key "port" (first at line 6)`,
		`1:12: list[3].prot: unknown key "prot" (did you mean "port"?)`,
	}
	if len(errs) != len(want2) {
		t.Fatalf("got %q", errs)
	}
	for i := range want2 {
		if !strings.HasPrefix(errs[i], want2[i]) {
			t.Errorf("error %d = %q; want %q", i, errs[i], want2[i])
		}
	}
}

func TestSelfReferencesStop(t *testing.T) {
	for _, src := range []string{
		"list: &a [*a]\n",
		"list:\n  - &n\n    <<: *n\n",
		"inner: &i {<<: *i}\n",
	} {
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
			continue // yaml.v3 refusing it is fine too
		}
		_, errs := decodeBounded(t, src)
		if len(errs) == 0 || len(errs) > yamlpos.MaxErrors+1 {
			t.Errorf("%q: %q", src, errs)
		}
	}
}

func TestOddTagsAndLongValues(t *testing.T) {
	tests := []struct{ src, want string }{
		{"name: !!binary aGVsbG8=\n", `1:7: name: binary data (!!binary) is not allowed here`},
		{"name: !secret x\n", `1:7: name: tag "!secret" is not supported here`},
		{"inner: !!set {a, b}\n", `1:8: inner: tag "!!set" is not supported here`},
		{"inner: !!omap [{a: b}]\n", `1:8: inner: tag "!!omap" is not supported here`},
		{"name: " + strings.Repeat("y", 100) + "\ninner: {port: " + strings.Repeat("9", 100) + "}\n",
			`2:15: inner.port: expected a whole number, got "` + strings.Repeat("9", 64) + `"… (100 characters)`},
	}
	for _, tt := range tests {
		_, errs := decodeBounded(t, tt.src)
		if len(errs) != 1 || !strings.HasPrefix(errs[0], tt.want) {
			t.Errorf("%.40q: got %q; want %q", tt.src, errs, tt.want)
		}
	}
	// Tags of YAML's own types keep the text as written.
	out, errs := decodeBounded(t, "name: !!str 0x10\ninner: {port: !!int 7, items: [!!timestamp 2001-12-14, !!float 1e3, !!bool yes, ! x]}\n")
	if len(errs) != 0 || out.Name != "0x10" || *out.Inner.Port != 7 || strings.Join(out.Inner.Items, " ") != "2001-12-14 1e3 yes x" {
		t.Errorf("got %+v, %q", out, errs)
	}
}

// TestUnreadNumbersStayUnset: a pointer to a number that could not be read stays nil, so
// later checks see its default rather than a zero nobody wrote.
func TestUnreadNumbersStayUnset(t *testing.T) {
	out, errs := decodeBounded(t, "inner: {port: 0x1F90, tags: {a: b}}\nlist: [{port: 1e4}, {port: 3}]\n")
	if len(errs) != 2 || out.Inner.Port != nil || out.List[0].Port != nil || *out.List[1].Port != 3 || out.Inner.Tags["a"] != "b" {
		t.Errorf("got %+v, %q", out, errs)
	}
}

// TestEmptyValuesPointAtTheirKey: yaml.v3 may place an empty value past the end of the text
// ("? name" as the last line gives it the next line); findings about it point at its key.
func TestEmptyValuesPointAtTheirKey(t *testing.T) {
	for src, want := range map[string]map[string][2]int{
		"? name":                {"name": {1, 3}},
		"inner:\n  ? tags":      {"inner.tags": {2, 5}},
		"inner: {tags: {? a}}":  {"inner.tags.a": {1, 18}},
		"name: x\n? <<":         {},
		"list:\n  - {? port}\n": {"list[0].port": {2, 8}},
	} {
		_, pos, errs := decode(t, src)
		if strings.Contains(src, "<<") {
			if len(errs) != 1 || !strings.HasPrefix(errs[0], "2:3: <<: a merge key (<<) takes a mapping or a list of mappings, got nothing") {
				t.Errorf("%q: %q", src, errs)
			}
			continue
		}
		for path, lc := range want {
			if p, ok := pos.Lookup(path); !ok || p.Line != lc[0] || p.Column != lc[1] {
				t.Errorf("%q: position of %s = %+v; want %v", src, path, p, lc)
			}
		}
	}
}

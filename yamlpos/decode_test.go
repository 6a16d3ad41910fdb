package yamlpos_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/mesosimg/mesosimg/yamlpos"
)

type inner struct {
	Port  *int              `yaml:"port"`
	On    bool              `yaml:"on"`
	Tags  map[string]string `yaml:"tags"`
	Items []string          `yaml:"items"`
}

type outer struct {
	Name  string  `yaml:"name"`
	Inner inner   `yaml:"inner"`
	List  []inner `yaml:"list"`
	Skip  string
}

func decode(t *testing.T, src string) (outer, yamlpos.Positions, []string) {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	var out outer
	pos, rep := yamlpos.Decode(doc.Content[0], &out)
	var errs []string
	for _, e := range rep.Entries {
		errs = append(errs, e.String())
	}
	return out, pos, errs
}

func TestDecodeValues(t *testing.T) {
	out, pos, errs := decode(t, "name: x\ninner: {port: 5050, on: true, tags: {a: b}, items: [p, q]}\nlist:\n  - port: 1\n")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	five := 5050
	one := 1
	want := outer{Name: "x", Inner: inner{Port: &five, On: true, Tags: map[string]string{"a": "b"}, Items: []string{"p", "q"}}, List: []inner{{Port: &one}}}
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for path, lc := range map[string][2]int{"name": {1, 7}, "inner": {2, 1}, "inner.port": {2, 15}, "list[0].port": {4, 11}, "inner.tags.a": {2, 41}} {
		if p, ok := pos.Lookup(path); !ok || p.Line != lc[0] || p.Column != lc[1] {
			t.Errorf("position of %s = %+v; want %v", path, p, lc)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{"nmae: x\n", `1:1: nmae: unknown key "nmae" (did you mean "name"?)`},
		{"zzzzzz: x\n", `1:1: zzzzzz: unknown key "zzzzzz"; valid keys: inner, list, name`},
		{"name: [a]\n", `1:7: name: expected a string, got a list`},
		{"inner: {port: x}\n", `1:15: inner.port: expected a whole number, got "x"`},
		{"inner: {port: \"5\"}\n", `1:15: inner.port: expected a whole number, got "5"`},
		{"inner: {on: yes}\n", `1:13: inner.on: expected true or false, got "yes"`},
		{"inner: {items: a}\n", `1:16: inner.items: expected a list, got "a"`},
		{"inner: {tags: [a]}\n", `1:15: inner.tags: expected a mapping, got a list`},
		{"name: a\nname: b\n", `2:1: name: duplicate key "name" (first at line 1); a key may appear once`},
		{"inner: {tags: {a: 1, a: 2}}\n", `1:22: inner.tags.a: duplicate key "a" (first at line 1); a key may appear once`},
		{"? [a]\n: b\n", `1:3: keys must be plain words, got a list`},
		{"Skip: x\n", `1:1: Skip: unknown key "Skip"`},
	}
	for _, tt := range tests {
		_, _, errs := decode(t, tt.src)
		if len(errs) != 1 || !strings.HasPrefix(errs[0], tt.want) {
			t.Errorf("%q: got %q; want %q", tt.src, errs, tt.want)
		}
	}
}

func TestAliasesAndAllErrors(t *testing.T) {
	src := "base: &b {port: 1}\n"
	_, _, errs := decode(t, src)
	if len(errs) != 1 {
		t.Errorf("got %v", errs)
	}
	out, _, errs := decode(t, "list: [&b {port: 7}, *b, *b]\nname: 1\ninner: {port: z, on: 3}\n")
	if len(out.List) != 3 || *out.List[2].Port != 7 {
		t.Errorf("aliases not followed: %+v", out.List)
	}
	if len(errs) != 2 {
		t.Errorf("want both errors of inner, got %v", errs)
	}
}

func TestErrorCap(t *testing.T) {
	var b strings.Builder
	b.WriteString("list:\n")
	for i := 0; i < 1000; i++ {
		b.WriteString("  - {port: x}\n")
	}
	_, _, errs := decode(t, b.String())
	if len(errs) != yamlpos.MaxErrors+1 || !strings.Contains(errs[len(errs)-1], "too many errors") {
		t.Errorf("got %d errors, last %q", len(errs), errs[len(errs)-1])
	}
}

func TestClosest(t *testing.T) {
	for word, want := range map[string]string{"nmae": "name", "NAME": "name", "ip_addr": "", "rolse": "roles", "ssh-authorized-keys": "ssh_authorized_keys"} {
		if got := yamlpos.Closest(word, []string{"name", "roles", "ip", "ssh_authorized_keys"}); got != want {
			t.Errorf("Closest(%q) = %q; want %q", word, got, want)
		}
	}
}

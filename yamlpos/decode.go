// Package yamlpos decodes a yaml.v3 node tree into Go structs strictly: every
// unknown key, wrong type and malformed value is reported with its line and
// column (all of them, not just the first), and the position of every decoded
// value is kept so later validation can point at it.
//
// Supported field kinds: string, int, bool, pointers to those and to structs,
// structs, slices of those, and map[string]string. Fields are matched by their
// `yaml:"name"` tag; fields without a tag are ignored.
package yamlpos

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/mesosimg/mesosimg/report"
)

// MaxErrors caps the number of errors one decode reports; past it the decoder
// stops with one last error saying so, so hostile input cannot flood the report.
const MaxErrors = 200

// maxDepth bounds nesting (through aliases too).
const maxDepth = 64

// Positions maps a dotted path ("nodes[1].ip") to the position of its value.
type Positions map[string]report.Pos

// Lookup returns the position of path.
func (p Positions) Lookup(path string) (report.Pos, bool) {
	pos, ok := p[path]
	return pos, ok
}

// Decode decodes the mapping node n into out (a pointer to a struct).
func Decode(n *yaml.Node, out any) (Positions, report.Report) {
	d := &decoder{pos: Positions{}}
	v := reflect.ValueOf(out)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		panic("yamlpos: Decode needs a non-nil pointer")
	}
	d.value(n, v.Elem(), "", 0)
	return d.pos, d.rep
}

type decoder struct {
	pos     Positions
	rep     report.Report
	errs    int
	stopped bool
}

func posOf(n *yaml.Node) report.Pos { return report.Pos{Line: n.Line, Column: n.Column} }

func (d *decoder) errorf(n *yaml.Node, path, format string, args ...any) {
	if d.stopped {
		return
	}
	d.errs++
	if d.errs > MaxErrors {
		d.stopped = true
		d.rep.Add(report.Entry{Path: path, Pos: posOf(n), Message: fmt.Sprintf("too many errors (more than %d); stopping", MaxErrors)})
		return
	}
	d.rep.Add(report.Entry{Path: path, Pos: posOf(n), Message: fmt.Sprintf(format, args...)})
}

// kindName names a node's kind for error messages.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	}
	return "nothing"
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

func (d *decoder) value(n *yaml.Node, v reflect.Value, path string, depth int) {
	if d.stopped {
		return
	}
	for n.Kind == yaml.AliasNode {
		if n.Alias == nil || depth > maxDepth {
			d.errorf(n, path, "alias nests too deep")
			return
		}
		n = n.Alias
		depth++
	}
	if depth > maxDepth {
		d.errorf(n, path, "value nests too deep (more than %d levels)", maxDepth)
		return
	}
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return
		}
		d.value(n.Content[0], v, path, depth+1)
		return
	}
	d.pos[path] = posOf(n)
	if isNull(n) {
		return // an empty value keeps the default
	}
	switch v.Kind() {
	case reflect.Pointer:
		elem := reflect.New(v.Type().Elem())
		d.value(n, elem.Elem(), path, depth+1)
		v.Set(elem)
	case reflect.Struct:
		d.structure(n, v, path, depth)
	case reflect.Slice:
		d.slice(n, v, path, depth)
	case reflect.Map:
		d.mapping(n, v, path, depth)
	case reflect.String:
		if s, ok := d.scalar(n, path, "a string"); ok {
			v.SetString(s)
		}
	case reflect.Int:
		s, ok := d.scalar(n, path, "a whole number")
		if !ok {
			return
		}
		i, err := strconv.ParseInt(s, 10, 32)
		if err != nil || n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
			d.errorf(n, path, "expected a whole number, got %q", s)
			return
		}
		v.SetInt(i)
	case reflect.Bool:
		s, ok := d.scalar(n, path, "true or false")
		if !ok {
			return
		}
		switch {
		case n.Tag == "!!bool" && (s == "true" || s == "false"):
			v.SetBool(s == "true")
		default:
			d.errorf(n, path, "expected true or false, got %q", s)
		}
	default:
		panic(fmt.Sprintf("yamlpos: unsupported kind %s at %s", v.Kind(), path))
	}
}

func (d *decoder) scalar(n *yaml.Node, path, want string) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		d.errorf(n, path, "expected %s, got %s", want, kindName(n))
		return "", false
	}
	return n.Value, true
}

func (d *decoder) structure(n *yaml.Node, v reflect.Value, path string, depth int) {
	if n.Kind != yaml.MappingNode {
		d.errorf(n, path, "expected a mapping, got %s", kindName(n))
		return
	}
	fields := structFields(v.Type())
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if !d.key(k, path, seen) {
			continue
		}
		idx, ok := fields[k.Value]
		if !ok {
			d.errorf(k, report.Field(path, k.Value), "unknown key %q%s", k.Value, suggest(k.Value, v.Type()))
			continue
		}
		d.value(val, v.Field(idx), report.Field(path, k.Value), depth+1)
		d.keyPos(k, val, report.Field(path, k.Value))
	}
}

func (d *decoder) slice(n *yaml.Node, v reflect.Value, path string, depth int) {
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, path, "expected a list, got %s", kindName(n))
		return
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, item := range n.Content {
		d.value(item, s.Index(i), report.Index(path, i), depth+1)
	}
	v.Set(s)
}

func (d *decoder) mapping(n *yaml.Node, v reflect.Value, path string, depth int) {
	if v.Type().Key().Kind() != reflect.String {
		panic("yamlpos: map keys must be strings")
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, path, "expected a mapping, got %s", kindName(n))
		return
	}
	m := reflect.MakeMapWithSize(v.Type(), len(n.Content)/2)
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if !d.key(k, path, seen) {
			continue
		}
		elem := reflect.New(v.Type().Elem()).Elem()
		d.value(val, elem, report.Field(path, k.Value), depth+1)
		m.SetMapIndex(reflect.ValueOf(k.Value).Convert(v.Type().Key()), elem)
	}
	v.Set(m)
}

// key checks a mapping key: a plain scalar, not seen before in this mapping.
// (yaml.v3 reports duplicate keys only when decoding into Go maps, not into nodes.)
func (d *decoder) key(k *yaml.Node, path string, seen map[string]int) bool {
	if k.Kind != yaml.ScalarNode {
		d.errorf(k, path, "keys must be plain words, got %s", kindName(k))
		return false
	}
	if line, dup := seen[k.Value]; dup {
		d.errorf(k, report.Field(path, k.Value), "duplicate key %q (first at line %d); a key may appear once", k.Value, line)
		return false
	}
	seen[k.Value] = k.Line
	return true
}

// keyPos makes a collection's path point at its key: a finding about a whole list or
// mapping ("no node has the master role") reads best at "nodes:".
func (d *decoder) keyPos(k, val *yaml.Node, path string) {
	for val.Kind == yaml.AliasNode && val.Alias != nil {
		val = val.Alias
	}
	if val.Kind == yaml.MappingNode || val.Kind == yaml.SequenceNode {
		d.pos[path] = posOf(k)
	}
}

// structFields maps yaml tag names to field indexes.
func structFields(t reflect.Type) map[string]int {
	out := map[string]int{}
	for i := 0; i < t.NumField(); i++ {
		name := tagName(t.Field(i))
		if name != "" {
			out[name] = i
		}
	}
	return out
}

func tagName(f reflect.StructField) string {
	tag := f.Tag.Get("yaml")
	name, _, _ := strings.Cut(tag, ",")
	if name == "-" {
		return ""
	}
	return name
}

// Keys returns the yaml key names of struct type t, in declaration order.
func Keys(t reflect.Type) []string {
	var out []string
	for i := 0; i < t.NumField(); i++ {
		if name := tagName(t.Field(i)); name != "" {
			out = append(out, name)
		}
	}
	return out
}

// suggest returns ` (did you mean "x"?)` or `; valid keys: a, b, c`.
func suggest(key string, t reflect.Type) string {
	keys := Keys(t)
	if best := Closest(key, keys); best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	sorted := append([]string(nil), keys...)
	sort.Strings(sorted)
	return "; valid keys: " + strings.Join(sorted, ", ")
}

// Closest returns the candidate nearest to word (edit distance at most 2, or
// one a case-insensitive match or with '-' for '_'), or "" when none is close.
func Closest(word string, candidates []string) string {
	norm := func(s string) string { return strings.ReplaceAll(strings.ToLower(s), "-", "_") }
	best, bestDist := "", 3
	for _, c := range candidates {
		if norm(c) == norm(word) {
			return c
		}
		if dist := levenshtein(word, c); dist < bestDist {
			best, bestDist = c, dist
		}
	}
	return best
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

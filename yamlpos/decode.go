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
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/mesosimg/mesosimg/report"
)

// MaxErrors caps the number of errors one decode reports; past it the decoder
// stops with one last error saying so, so hostile input cannot flood the report.
const MaxErrors = 200

// maxDepth bounds nesting (through aliases and merge keys too).
const maxDepth = 64

// A decode handles at most MaxValues values (a 10,000-node description holds
// about 300,000), of which aliases and merge keys may repeat at most
// MaxAliasValues plus AliasRatio times as many as the description writes out,
// and at most MaxAliasBytes bytes of text: enough to share settings across
// every node, but a "billion laughs" whose few lines expand to billions of
// values, or one long text repeated a million times, stops with one error
// after a bounded amount of work.
const (
	MaxValues      = 1_000_000
	MaxAliasValues = 100_000
	AliasRatio     = 10
	MaxAliasBytes  = 8 << 20
)

// Messages of the errors after which a decode stops early.
const (
	tooManyErrors = "too many errors"
	tooManyValues = "too many values"
)

// maxQuoted bounds how much of a value an error message repeats.
const maxQuoted = 64

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
	d.maxAliased = MaxAliasValues + AliasRatio*written(n)
	d.value(n, v.Elem(), "", 0)
	return d.pos, d.rep
}

// written counts the values a node tree writes out (an alias counts once, unfollowed).
func written(n *yaml.Node) int {
	count := 1
	for _, c := range n.Content {
		count += written(c)
	}
	return count
}

// Stopped reports whether a decode gave up early (too many errors or values), so
// what it decoded is incomplete and only its own findings are worth reporting.
func Stopped(rep report.Report) bool {
	if len(rep.Entries) == 0 {
		return false
	}
	msg := rep.Entries[len(rep.Entries)-1].Message
	return strings.HasPrefix(msg, tooManyErrors) || strings.HasPrefix(msg, tooManyValues)
}

type decoder struct {
	pos     Positions
	rep     report.Report
	errs    int
	stopped bool
	// values counts the values decoded; aliased > 0 while decoding a value reached
	// through an alias or merge key, counted in aliasValues and aliasBytes.
	values, aliased, aliasValues, aliasBytes, maxAliased int
	// alias and aliasPath are the outermost alias (or merge key) being expanded: where a
	// bomb is reported, rather than deep inside the anchored value it repeats.
	alias     *yaml.Node
	aliasPath string
}

// enter marks the start of an expansion through alias node n at path.
func (d *decoder) enter(n *yaml.Node, path string) {
	if d.aliased == 0 {
		d.alias, d.aliasPath = n, path
	}
	d.aliased++
}

func posOf(n *yaml.Node) report.Pos { return report.Pos{Line: n.Line, Column: n.Column} }

// count charges a value to the budget; false stops decoding.
func (d *decoder) count(n *yaml.Node, path string) bool {
	d.values++
	if d.aliased > 0 {
		d.aliasValues++
		if n.Kind == yaml.ScalarNode {
			d.aliasBytes += len(n.Value)
		}
	}
	switch {
	case d.values > MaxValues:
		d.fatalf(n, path, "%s: the description holds more than %d values, written out or repeated through aliases; stopping", tooManyValues, MaxValues)
		return false
	case d.aliasValues > d.maxAliased:
		d.fatalf(d.alias, d.aliasPath, "%s: aliases repeat more than %d values (%d plus %d times the values written out); write the values out instead; stopping", tooManyValues, d.maxAliased, MaxAliasValues, AliasRatio)
		return false
	case d.aliasBytes > MaxAliasBytes:
		d.fatalf(d.alias, d.aliasPath, "%s: aliases repeat more than %d bytes of text; write the values out instead; stopping", tooManyValues, MaxAliasBytes)
		return false
	}
	return true
}

// fatalf reports an error and stops decoding.
func (d *decoder) fatalf(n *yaml.Node, path, format string, args ...any) {
	if d.stopped {
		return
	}
	d.rep.Add(report.Entry{Path: path, Pos: posOf(n), Message: fmt.Sprintf(format, args...)})
	d.stopped = true
}

func (d *decoder) errorf(n *yaml.Node, path, format string, args ...any) {
	if d.stopped {
		return
	}
	d.errs++
	if d.errs > MaxErrors {
		d.fatalf(n, path, "%s (more than %d); stopping", tooManyErrors, MaxErrors)
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
		return Quote(n.Value)
	}
	return "nothing"
}

// Quote quotes s for an error message, cut to its first 64 characters: a long
// hostile value repeated in every message would flood the report.
func Quote(s string) string {
	if utf8.RuneCountInString(s) <= maxQuoted {
		return fmt.Sprintf("%q", s)
	}
	r := []rune(s)
	return fmt.Sprintf("%q… (%d characters)", string(r[:maxQuoted]), len(r))
}

// tags a value may carry: YAML's own types, whose text is taken as written.
var plainTags = map[string]bool{
	"": true, "!": true, "!!str": true, "!!int": true, "!!float": true, "!!bool": true,
	"!!null": true, "!!timestamp": true, "!!map": true, "!!seq": true,
	"!!merge": true, // "<<" written as a value
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
		d.enter(n, path)
		defer func() { d.aliased-- }()
		n = n.Alias
		depth++
	}
	if depth > maxDepth {
		d.errorf(n, path, "value nests too deep (more than %d levels)", maxDepth)
		return
	}
	if !d.count(n, path) {
		return
	}
	if !plainTags[n.Tag] {
		if n.Tag == "!!binary" {
			d.errorf(n, path, "binary data (!!binary) is not allowed here: write the text itself")
		} else {
			d.errorf(n, path, "tag %s is not supported here: remove it", Quote(n.Tag))
		}
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
		before := len(d.rep.Entries)
		d.value(n, elem.Elem(), path, depth+1)
		// A number or switch that could not be read stays unset, so later checks see its
		// default rather than a zero nobody wrote ("both use port 0").
		if k := elem.Elem().Kind(); len(d.rep.Entries) == before || (k != reflect.Int && k != reflect.Bool && k != reflect.String) {
			v.Set(elem)
		}
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
			d.errorf(n, path, "expected a whole number, got %s", Quote(s))
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
			d.errorf(n, path, "expected true or false, got %s", Quote(s))
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
	for _, p := range d.pairs(n, path, depth) {
		if d.stopped {
			return // and skip the suggestions for a million unknown keys
		}
		k, val := p.k, p.v
		if p.via != nil {
			d.enter(p.via, report.Field(path, "<<"))
		}
		if idx, ok := fields[k.Value]; !ok {
			d.errorf(k, report.Field(path, k.Value), "unknown key %s%s", Quote(k.Value), suggest(k.Value, v.Type()))
		} else {
			d.value(val, v.Field(idx), report.Field(path, k.Value), depth+1)
			d.keyPos(k, val, report.Field(path, k.Value))
		}
		if p.via != nil {
			d.aliased--
		}
	}
}

// pair is a key and its value in a mapping; via is the merge key (<<) of the
// mapping that brought it, nil for the mapping's own keys.
type pair struct {
	k, v, via *yaml.Node
}

// pairs lists the keys of mapping n: its own, each once, then those its merge
// keys (<<: *defaults, or a list of them) bring that it does not set itself;
// of several merged mappings, the first to set a key wins (YAML's merge key).
func (d *decoder) pairs(n *yaml.Node, path string, depth int) []pair {
	var own, merges []pair
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
			merges = append(merges, pair{k, val, k})
			continue
		}
		if d.key(k, path, seen) {
			own = append(own, pair{k, val, nil})
		}
	}
	if len(merges) == 0 || d.stopped {
		return own
	}
	out := own
	var via *yaml.Node
	var merge func(k, val *yaml.Node, depth int)
	merge = func(k, val *yaml.Node, depth int) {
		for val.Kind == yaml.AliasNode && val.Alias != nil && depth <= maxDepth {
			val = val.Alias
			depth++
		}
		if depth > maxDepth {
			d.errorf(k, report.Field(path, "<<"), "merge keys nest too deep (more than %d levels)", maxDepth)
			return
		}
		switch {
		case val.Kind == yaml.MappingNode:
			for i := 0; i+1 < len(val.Content) && !d.stopped; i += 2 {
				mk, mv := val.Content[i], val.Content[i+1]
				if mk.Kind == yaml.ScalarNode && mk.Tag == "!!merge" {
					merge(mk, mv, depth+1)
					continue
				}
				if mk.Kind != yaml.ScalarNode {
					d.errorf(mk, path, "keys must be plain words, got %s", kindName(mk))
					continue
				}
				if !d.count(mk, path) {
					return
				}
				if _, set := seen[mk.Value]; !set {
					seen[mk.Value] = mk.Line
					out = append(out, pair{mk, mv, via})
				}
			}
		case val.Kind == yaml.SequenceNode && k.Tag == "!!merge":
			for _, item := range val.Content {
				item0 := item
				for item.Kind == yaml.AliasNode && item.Alias != nil {
					item = item.Alias
				}
				if item.Kind != yaml.MappingNode {
					d.errorf(item0, report.Field(path, "<<"), "a merge key (<<) takes a mapping or a list of mappings, got %s", kindName(item))
					continue
				}
				merge(item0, item, depth+1)
			}
		case isNull(val): // at the key: an empty value's position may lie past the end of the text
			d.errorf(k, report.Field(path, "<<"), "a merge key (<<) takes a mapping or a list of mappings, got nothing")
		default:
			d.errorf(val, report.Field(path, "<<"), "a merge key (<<) takes a mapping or a list of mappings, got %s", kindName(val))
		}
	}
	for _, m := range merges {
		via = m.k
		d.enter(via, report.Field(path, "<<"))
		merge(m.k, m.v, depth)
		d.aliased--
	}
	return out
}

func (d *decoder) slice(n *yaml.Node, v reflect.Value, path string, depth int) {
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, path, "expected a list, got %s", kindName(n))
		return
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, item := range n.Content {
		if d.stopped {
			break
		}
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
	for _, p := range d.pairs(n, path, depth) {
		if d.stopped {
			break
		}
		if p.via != nil {
			d.enter(p.via, report.Field(path, "<<"))
		}
		elem := reflect.New(v.Type().Elem()).Elem()
		d.value(p.v, elem, report.Field(path, p.k.Value), depth+1)
		if isNull(p.v) {
			d.pos[report.Field(path, p.k.Value)] = posOf(p.k)
		}
		m.SetMapIndex(reflect.ValueOf(p.k.Value).Convert(v.Type().Key()), elem)
		if p.via != nil {
			d.aliased--
		}
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
		d.errorf(k, report.Field(path, k.Value), "duplicate key %s (first at line %d); a key may appear once", Quote(k.Value), line)
		return false
	}
	seen[k.Value] = k.Line
	return true
}

// keyPos makes a collection's path point at its key: a finding about a whole list or
// mapping ("no node has the master role") reads best at "nodes:". So does a finding about
// an empty value ("missing cluster name"), whose position yaml.v3 may put after the end of
// the text ("? cluster" at the end gives the empty value line 2).
func (d *decoder) keyPos(k, val *yaml.Node, path string) {
	for val.Kind == yaml.AliasNode && val.Alias != nil {
		val = val.Alias
	}
	if val.Kind == yaml.MappingNode || val.Kind == yaml.SequenceNode || isNull(val) {
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

// keys returns the yaml key names of struct type t, in declaration order.
func keys(t reflect.Type) []string {
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
	names := keys(t)
	if best := Closest(key, names); best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	sorted := append([]string(nil), names...)
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

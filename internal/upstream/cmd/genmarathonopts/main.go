// Command genmarathonopts writes ../../marathon_opts_gen.go, the table of every command-line
// option of Marathon 1.11, read from a local mirror of mesosphere/marathon (branch
// releases/1.11). It is a development tool: CI has no mirror and uses the committed table.
//
// It starts at class AllConf, follows every trait AllConf mixes in (transitively), and reads
// each scallop opt[T](...) and toggle(...) declared in those traits' bodies: name, value type,
// default as written, required, hidden, a toggle's negative prefix, and the line it starts on.
//
//	go run ./cmd/genmarathonopts [-mirror DIR] [-ref releases/1.11] [-o marathon_opts_gen.go] [-check]
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"go/format"
	"io"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

func main() {
	mirror := flag.String("mirror", "/work/.mirror/mesosphere+marathon/repo", "git directory of a mesosphere/marathon mirror")
	ref := flag.String("ref", "releases/1.11", "branch or tag to read")
	out := flag.String("o", "marathon_opts_gen.go", "file to write")
	check := flag.Bool("check", false, "fail if the file differs from what would be written, write nothing")
	flag.Parse()
	src, err := generate(*mirror, *ref)
	if err != nil {
		fmt.Fprintln(os.Stderr, "genmarathonopts:", err)
		os.Exit(1)
	}
	if *check {
		have, err := os.ReadFile(*out)
		if err != nil || !bytes.Equal(have, src) {
			fmt.Fprintf(os.Stderr, "genmarathonopts: %s is stale; run go generate ./internal/upstream/\n", *out)
			os.Exit(1)
		}
		return
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "genmarathonopts:", err)
		os.Exit(1)
	}
}

// option is one scallop option as declared.
type option struct {
	name, typ, kind, negation, def, path string
	required, hidden                     bool
	line                                 int
	enum                                 *enumFact
}

// enumFact is the set of values a custom converter accepts, read by hand in the cited file:
// the generator checks the cited line still names every value.
type enumFact struct {
	values   []string
	foldCase bool
	path     string
	line     int
}

// enums are Marathon's converters with a fixed set of values (MarathonConf.scala's
// groupRoleBehaviorConverter, acceptedResourceRolesDefaultBehaviorConverter and
// gpuSchedulingBehaviorConverter): fromString lower-cases, GpuSchedulingBehavior compares names exactly.
var enums = map[string]*enumFact{
	"NewGroupEnforceRoleBehavior":          {values: []string{"off", "top"}, foldCase: true, path: "src/main/scala/mesosphere/marathon/NewGroupEnforceRoleBehavior.scala", line: 30},
	"AcceptedResourceRolesDefaultBehavior": {values: []string{"any", "unreserved", "reserved"}, foldCase: true, path: "src/main/scala/mesosphere/marathon/AcceptedResourceRolesDefaultBehavior.scala", line: 31},
	"GpuSchedulingBehavior":                {values: []string{"restricted", "unrestricted"}, path: "src/main/scala/mesosphere/marathon/GpuSchedulingBehavior.scala", line: 6},
}

// kinds maps a scallop type argument to how the value is parsed (see marathon.go, MarathonKind).
var kinds = map[string]string{
	"String":                  "MarathonString",
	"Role":                    "MarathonString", // state/package.scala: type Role = String
	"Int":                     "MarathonInt",
	"Long":                    "MarathonLong",
	"Boolean":                 "MarathonFlag", // scallop's flagConverter: present or absent, no value
	"URI":                     "MarathonURI",
	"ZkUrl":                   "MarathonZkURL",
	"MesosMasterConnection":   "MarathonMaster",
	"Set[String]":             "MarathonList",
	"DeprecatedFeatureConfig": "MarathonList",
}

// repo reads files of one ref of a git directory.
type repo struct{ dir, ref string }

func (r repo) git(args ...string) ([]byte, error) {
	cmd := exec.Command("git", append([]string{"-C", r.dir}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, stderr.String())
	}
	return out, nil
}

// files returns the contents of every path under dir ending in suffix, in one git process.
func (r repo) files(dir, suffix string) (map[string]string, error) {
	list, err := r.git("ls-tree", "-r", "--name-only", r.ref, "--", dir)
	if err != nil {
		return nil, err
	}
	var paths []string
	for _, p := range strings.Split(strings.TrimSpace(string(list)), "\n") {
		if strings.HasSuffix(p, suffix) {
			paths = append(paths, p)
		}
	}
	cmd := exec.Command("git", "-C", r.dir, "cat-file", "--batch")
	var in bytes.Buffer
	for _, p := range paths {
		fmt.Fprintf(&in, "%s:%s\n", r.ref, p)
	}
	cmd.Stdin = &in
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git cat-file: %v", err)
	}
	res := make(map[string]string, len(paths))
	br := bufio.NewReader(bytes.NewReader(out))
	for _, p := range paths {
		header, err := br.ReadString('\n')
		if err != nil {
			return nil, err
		}
		f := strings.Fields(header)
		if len(f) != 3 || f[1] != "blob" {
			return nil, fmt.Errorf("%s: unexpected %q", p, header)
		}
		n, _ := strconv.Atoi(f[2])
		buf := make([]byte, n+1) // content and its trailing newline
		if _, err := io.ReadFull(br, buf); err != nil {
			return nil, err
		}
		res[p] = string(buf[:n])
	}
	return res, nil
}

var declRE = regexp.MustCompile(`(?m)^[ \t]*(?:(?:abstract|sealed|final|private(?:\[\w+\])?)\s+)*(trait|class)\s+(\w+)`)

// decl is a trait or class: its file, the text of its header (up to the body) and its body.
type decl struct {
	path, header string
	bodyStart    int // offset of the body's '{' in the file
	bodyEnd      int
}

func generate(dir, ref string) ([]byte, error) {
	r := repo{dir, ref}
	commit, err := r.git("rev-parse", ref)
	if err != nil {
		return nil, err
	}
	files, err := r.files("src/main/scala", ".scala")
	if err != nil {
		return nil, err
	}
	decls := map[string][]decl{}
	for path, text := range files {
		for _, m := range declRE.FindAllStringSubmatchIndex(text, -1) {
			name := text[m[4]:m[5]]
			open, err := bodyOpen(text, m[1])
			if err != nil {
				continue // a declaration without a body
			}
			end, err := matching(text, open)
			if err != nil {
				return nil, fmt.Errorf("%s: %s: %v", path, name, err)
			}
			decls[name] = append(decls[name], decl{path: path, header: text[m[1]:open], bodyStart: open, bodyEnd: end})
		}
	}
	// Breadth first from AllConf through every extends/with.
	seen := map[string]bool{"AllConf": true}
	queue := []string{"AllConf"}
	var traits []decl
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		ds := decls[name]
		if len(ds) != 1 {
			if name == "ScallopConf" {
				continue
			}
			return nil, fmt.Errorf("%s: %d declarations in src/main/scala", name, len(ds))
		}
		traits = append(traits, ds[0])
		for _, parent := range parents(ds[0].header) {
			if !seen[parent] {
				seen[parent] = true
				queue = append(queue, parent)
			}
		}
	}
	var opts []option
	for _, d := range traits {
		o, err := options(files[d.path], d)
		if err != nil {
			return nil, err
		}
		opts = append(opts, o...)
	}
	names := map[string]string{}
	for _, o := range opts {
		for _, n := range []string{o.name, o.negation} {
			if n == "" {
				continue
			}
			if prev, dup := names[n]; dup {
				return nil, fmt.Errorf("--%s declared twice (%s and %s:%d)", n, prev, o.path, o.line)
			}
			names[n] = fmt.Sprintf("%s:%d", o.path, o.line)
		}
	}
	for _, e := range enums {
		text, ok := files[e.path]
		if !ok {
			return nil, fmt.Errorf("%s is gone", e.path)
		}
		if err := checkEnum(text, e); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", e.path, e.line, err)
		}
	}
	sort.Slice(opts, func(i, j int) bool { return opts[i].name < opts[j].name })
	return render(strings.TrimSpace(string(commit)), ref, opts)
}

// checkEnum checks that the values are still those of the cited declaration (the object's body).
func checkEnum(text string, e *enumFact) error {
	lines := strings.Split(text, "\n")
	if e.line > len(lines) {
		return errors.New("line out of range")
	}
	rest := strings.ToLower(strings.Join(lines[e.line-1:], "\n"))
	for _, v := range e.values {
		if !strings.Contains(rest, `"`+v+`"`) {
			return fmt.Errorf("value %q not found", v)
		}
	}
	return nil
}

var parentRE = regexp.MustCompile(`\b(?:extends|with)\s+(\w+)`)

// parents lists the traits and classes a header extends or mixes in.
func parents(header string) []string {
	var out []string
	for _, m := range parentRE.FindAllStringSubmatch(stripComments(header), -1) {
		out = append(out, m[1])
	}
	return out
}

// bodyOpen finds the '{' that opens the body of the declaration whose header starts at from,
// skipping constructor parameter lists; a declaration ending first (a blank line, another
// declaration) has no body.
func bodyOpen(text string, from int) (int, error) {
	depth := 0
	for i := from; i < len(text); i++ {
		switch c := text[i]; c {
		case '(', '[':
			depth++
		case ')', ']':
			depth--
		case '{':
			if depth == 0 {
				return i, nil
			}
		case '\n':
			if depth == 0 && i+1 < len(text) && text[i+1] == '\n' {
				return 0, errors.New("no body")
			}
		case '"', '/':
			j, err := skip(text, i)
			if err != nil {
				return 0, err
			}
			i = j
		}
	}
	return 0, errors.New("no body")
}

// skip returns the offset of the last byte of the string literal or comment at i (or i).
func skip(text string, i int) (int, error) {
	switch {
	case strings.HasPrefix(text[i:], "//"):
		if j := strings.IndexByte(text[i:], '\n'); j >= 0 {
			return i + j, nil
		}
		return len(text) - 1, nil
	case strings.HasPrefix(text[i:], "/*"):
		if j := strings.Index(text[i+2:], "*/"); j >= 0 {
			return i + 2 + j + 1, nil
		}
		return 0, errors.New("unterminated comment")
	case strings.HasPrefix(text[i:], `"""`):
		j := strings.Index(text[i+3:], `"""`)
		if j < 0 {
			return 0, errors.New("unterminated string")
		}
		end := i + 3 + j + 2
		for end+1 < len(text) && text[end+1] == '"' { // """ may end with extra quotes
			end++
		}
		return end, nil
	case text[i] == '"':
		interpolated := i > 0 && isIdent(text[i-1])
		for j := i + 1; j < len(text); j++ {
			switch text[j] {
			case '\\':
				j++
			case '"':
				return j, nil
			case '\n':
				return 0, errors.New("unterminated string")
			case '$':
				if interpolated && j+1 < len(text) && text[j+1] == '{' {
					end, err := matching(text, j+1)
					if err != nil {
						return 0, err
					}
					j = end
				}
			}
		}
		return 0, errors.New("unterminated string")
	}
	return i, nil
}

func isIdent(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// matching returns the offset of the bracket closing the one at open, skipping strings and comments.
func matching(text string, open int) (int, error) {
	closer := map[byte]byte{'(': ')', '[': ']', '{': '}'}
	var stack []byte
	for i := open; i < len(text); i++ {
		c := text[i]
		switch {
		case c == '"' || c == '/':
			j, err := skip(text, i)
			if err != nil {
				return 0, err
			}
			i = j
		case c == '\'' && i+2 < len(text) && text[i+2] == '\'': // a char literal such as ','
			i += 2
		case c == '\'' && i+3 < len(text) && text[i+1] == '\\' && text[i+3] == '\'': // '\n'
			i += 3
		case closer[c] != 0:
			stack = append(stack, closer[c])
		case c == ')' || c == ']' || c == '}':
			if len(stack) == 0 || stack[len(stack)-1] != c {
				return 0, fmt.Errorf("line %d: unbalanced %q", lineOf(text, i), c)
			}
			stack = stack[:len(stack)-1]
			if len(stack) == 0 {
				return i, nil
			}
		}
	}
	return 0, errors.New("unbalanced brackets")
}

func lineOf(text string, i int) int { return strings.Count(text[:i], "\n") + 1 }

var callRE = regexp.MustCompile(`\b(opt\[|toggle\()`)

// options reads the opt/toggle calls in a trait's body.
func options(text string, d decl) ([]option, error) {
	var out []option
	body := text[:d.bodyEnd]
	for i := d.bodyStart; ; {
		m := callRE.FindStringIndex(body[i:])
		if m == nil {
			return out, nil
		}
		start := i + m[0]
		if inCommentOrString(body, d.bodyStart, start) {
			i = start + 1
			continue
		}
		o := option{path: d.path, line: lineOf(text, start)}
		open := i + m[1] - 1
		if body[open] == '[' {
			end, err := matching(body, open)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %v", d.path, o.line, err)
			}
			o.typ = strings.TrimSpace(body[open+1 : end])
			open = end + 1
			if open >= len(body) || body[open] != '(' {
				return nil, fmt.Errorf("%s:%d: opt[%s] without arguments", d.path, o.line, o.typ)
			}
		}
		end, err := matching(body, open)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v", d.path, o.line, err)
		}
		if err := o.fill(splitArgs(body[open+1 : end])); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", d.path, o.line, err)
		}
		out = append(out, o)
		i = end
	}
}

// inCommentOrString reports whether offset at lies in a comment or string literal of text[from:].
func inCommentOrString(text string, from, at int) bool {
	for i := from; i < at; i++ {
		if text[i] == '"' || text[i] == '/' {
			j, err := skip(text, i)
			if err != nil {
				return false
			}
			if j >= at && j != i {
				return true
			}
			i = j
		}
	}
	return false
}

// splitArgs splits an argument list at its top-level commas.
func splitArgs(s string) []string {
	var args []string
	depth, last := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
		case '"', '/':
			if j, err := skip(s, i); err == nil {
				i = j
			}
		case ',':
			if depth == 0 {
				args = append(args, strings.TrimSpace(s[last:i]))
				last = i + 1
			}
		}
	}
	if tail := strings.TrimSpace(s[last:]); tail != "" {
		args = append(args, tail)
	}
	return args
}

var namedRE = regexp.MustCompile(`^(\w+)\s*=\s*`)

// fill sets the option from its call's arguments (scallop 3.3.2 ScallopConfBase opt and toggle:
// the first parameter is the name; Marathon passes every other one by name).
func (o *option) fill(args []string) error {
	isToggle := o.typ == ""
	prefix := "no" // toggle's default prefix
	for i, a := range args {
		a = strings.TrimSpace(stripComments(a))
		key, val := "", a
		if m := namedRE.FindStringSubmatch(a); m != nil && !strings.HasPrefix(a, "==") {
			key, val = m[1], a[len(m[0]):]
		} else if i == 0 {
			key = "name"
		} else {
			return fmt.Errorf("positional argument %d: %s", i+1, a)
		}
		val = collapse(val)
		switch key {
		case "name":
			s, err := strconv.Unquote(val)
			if err != nil {
				return fmt.Errorf("name %s is not a string literal", val)
			}
			o.name = s
		case "default":
			o.def = defaultText(val)
		case "required":
			o.required = val == "true"
		case "hidden":
			o.hidden = val == "true"
		case "prefix":
			s, err := strconv.Unquote(val)
			if err != nil {
				return fmt.Errorf("prefix %s is not a string literal", val)
			}
			prefix = s
		}
	}
	if o.name == "" {
		return errors.New("no name")
	}
	if isToggle {
		o.typ, o.kind, o.negation = "toggle", "MarathonToggle", prefix+o.name
		return nil
	}
	if e, ok := enums[o.typ]; ok {
		o.kind, o.enum = "MarathonEnum", e
		return nil
	}
	k, ok := kinds[o.typ]
	if !ok {
		return fmt.Errorf("--%s: unknown value type %s", o.name, o.typ)
	}
	o.kind = k
	return nil
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

var someRE = regexp.MustCompile(`^(?:Some|Option)\((.*)\)$`)

// defaultText is a default as written, without its Some(...) wrapper; "" for None.
func defaultText(v string) string {
	if v == "None" {
		return ""
	}
	if m := someRE.FindStringSubmatch(v); m != nil {
		if s, err := strconv.Unquote(m[1]); err == nil {
			return s
		}
		return m[1]
	}
	return v
}

func render(commit, ref string, opts []option) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, `// Code generated by genmarathonopts from mesosphere/marathon %s (%s); DO NOT EDIT.

package upstream

// MarathonOptions is every command-line option of Marathon 1.11, sorted by name: the scallop
// opt[T] and toggle declarations of the traits class AllConf mixes in (AllConf.scala:8).
var MarathonOptions = []MarathonOption{
`, ref, commit)
	for _, o := range opts {
		fmt.Fprintf(&b, "\t{Name: %q, Kind: %s, Type: %q", o.name, o.kind, o.typ)
		if o.negation != "" {
			fmt.Fprintf(&b, ", Negation: %q", o.negation)
		}
		if o.def != "" {
			fmt.Fprintf(&b, ", Default: %q", o.def)
		}
		if o.required {
			b.WriteString(", Required: true")
		}
		if o.hidden {
			b.WriteString(", Hidden: true")
		}
		if e := o.enum; e != nil {
			fmt.Fprintf(&b, ", Values: %#v, FoldCase: %v, ValuesSource: Marathon(%q, %d)", e.values, e.foldCase, e.path, e.line)
		}
		fmt.Fprintf(&b, ", Source: Marathon(%q, %d)},\n", o.path, o.line)
	}
	b.WriteString("}\n")
	return format.Source(b.Bytes())
}

// stripComments removes // and /* */ comments, keeping string literals as they are.
func stripComments(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			if j, err := skip(s, i); err == nil {
				b.WriteString(s[i : j+1])
				i = j
				continue
			}
		case '/':
			if j, err := skip(s, i); err == nil && j != i {
				i = j
				b.WriteByte(' ')
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

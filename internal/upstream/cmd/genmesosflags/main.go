// Command genmesosflags writes internal/upstream/mesos_flags_gen.go: every flag that
// mesos-master, mesos-agent and mesos-execute register, read from a local git mirror of
// clusterd (m3scluster/clusterd) at the pinned tag. It is a developer tool: CI has no
// mirror, so its output is committed. Regenerate with
//
//	go run ./internal/upstream/cmd/genmesosflags \
//	    -mirror /work/.mirror/m3scluster+clusterd/repo -ref v1.11.0-0.7.1 \
//	    -out internal/upstream/mesos_flags_gen.go
//
// It reads the flag classes' `add(&Flags::member, "name", [DeprecatedName], help,
// [default], [validate])` calls and the members' C++ declarations. Preprocessor
// conditionals are evaluated for the package build (Linux, -DENABLE_SSL=true, every
// optional isolator off); flags compiled out are listed separately with their condition.
// It carries names, types, defaults and line numbers only: no help text, no code.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"log"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// class is one flags class: where its members are declared and where add() is called.
type class struct {
	id        string // Go constant naming the class in the generated table
	hpp, cpp  string // declaration file, add() file
	className string // the class whose body declares the members (in hpp)
	consts    []string
}

var classes = []class{
	{"mesosClassBase", "3rdparty/stout/include/stout/flags/flags.hpp", "3rdparty/stout/include/stout/flags/flags.hpp", "FlagsBase", nil},
	{"mesosClassLogging", "src/logging/flags.hpp", "src/logging/flags.cpp", "Flags", nil},
	{"mesosClassMaster", "src/master/flags.hpp", "src/master/flags.cpp", "Flags",
		[]string{"src/master/constants.hpp", "include/mesos/allocator/allocator.hpp", "src/common/http.hpp"}},
	{"mesosClassAgent", "src/slave/flags.hpp", "src/slave/flags.cpp", "Flags",
		[]string{"src/slave/constants.hpp", "src/common/http.hpp", "src/slave/containerizer/mesos/provisioner/constants.hpp"}},
	{"mesosClassExecute", "src/cli/execute.cpp", "src/cli/execute.cpp", "Flags", nil},
}

// defined is the preprocessor environment of the aventer-mesos package build: Linux, and
// README.md's cmake line (-DENABLE_SSL=true -DENABLE_LIBEVENT=true, which define
// USE_SSL_SOCKET and USE_LIBEVENT in cmake/CompilationConfigure.cmake); every other
// option keeps its default (the optional isolators are off).
var defined = map[string]bool{"__linux__": true, "USE_SSL_SOCKET": true, "USE_LIBEVENT": true}

var mirror, ref string

func show(path string) string {
	out, err := exec.Command("git", "-C", mirror, "show", ref+":"+path).Output()
	if err != nil {
		log.Fatalf("git show %s:%s: %v", ref, path, err)
	}
	return string(out)
}

// lineInfo is a source line after preprocessing: its text ("" when compiled out) and the
// conditions it sits under.
type lineInfo struct {
	text   string
	active bool
	cond   []string
}

// preprocess evaluates #if/#ifdef/#ifndef/#elif/#else/#endif for `defined`, keeping line numbers.
func preprocess(src string) []lineInfo {
	type frame struct {
		parentActive, taken, active bool
		cond                        string
	}
	var stack []frame
	active := true
	lines := strings.Split(src, "\n")
	out := make([]lineInfo, len(lines))
	conds := func() []string {
		var c []string
		for _, f := range stack {
			if f.cond != "" {
				c = append(c, f.cond)
			}
		}
		return c
	}
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "#") {
			d := strings.TrimSpace(strings.TrimPrefix(t, "#"))
			word, rest, _ := strings.Cut(d, " ")
			rest = strings.TrimSpace(stripComment(rest))
			switch word {
			case "if", "ifdef", "ifndef":
				expr := rest
				switch word {
				case "ifdef":
					expr = "defined(" + rest + ")"
				case "ifndef":
					expr = "!defined(" + rest + ")"
				}
				v := eval(expr)
				cond := expr
				if strings.HasPrefix(rest, "__") && strings.HasSuffix(rest, "_HPP__") {
					cond = "" // include guard
				}
				stack = append(stack, frame{parentActive: active, taken: v, active: active && v, cond: cond})
				active = active && v
			case "elif":
				f := &stack[len(stack)-1]
				v := !f.taken && eval(rest)
				f.taken = f.taken || v
				f.active = f.parentActive && v
				f.cond = rest
				active = f.active
			case "else":
				f := &stack[len(stack)-1]
				f.active = f.parentActive && !f.taken
				f.taken = true
				f.cond = "!(" + f.cond + ")"
				active = f.active
			case "endif":
				active = stack[len(stack)-1].parentActive
				stack = stack[:len(stack)-1]
			}
			out[i] = lineInfo{"", false, conds()}
			continue
		}
		out[i] = lineInfo{l, active, conds()}
		if !active {
			out[i].text = ""
		}
	}
	return out
}

func stripComment(s string) string {
	if i := strings.Index(s, "//"); i >= 0 {
		s = s[:i]
	}
	return s
}

var reDefined = regexp.MustCompile(`defined\s*\(\s*(\w+)\s*\)|defined\s+(\w+)|\b[A-Za-z_]\w*\b`)

// eval evaluates a preprocessor condition of defined(), identifiers, !, && and ||.
func eval(expr string) bool {
	e := reDefined.ReplaceAllStringFunc(expr, func(m string) string {
		name := m
		if sm := reDefined.FindStringSubmatch(m); sm[1] != "" || sm[2] != "" {
			name = sm[1] + sm[2]
		}
		if defined[name] {
			return "1"
		}
		return "0"
	})
	e = strings.ReplaceAll(e, " ", "")
	for {
		n := e
		for _, r := range [][2]string{{"!1", "0"}, {"!0", "1"}, {"(1)", "1"}, {"(0)", "0"},
			{"1&&1", "1"}, {"1&&0", "0"}, {"0&&1", "0"}, {"0&&0", "0"},
			{"1||1", "1"}, {"1||0", "1"}, {"0||1", "1"}, {"0||0", "0"}} {
			n = strings.ReplaceAll(n, r[0], r[1])
		}
		if n == e {
			break
		}
		e = n
	}
	if e != "0" && e != "1" {
		log.Fatalf("cannot evaluate #if %q (%q)", expr, e)
	}
	return e == "1"
}

// tok is a C++ token with its 1-based line.
type tok struct {
	s    string
	line int
	str  bool // a string literal (s is decoded)
}

// lex splits preprocessed C++ into identifiers, numbers, string literals and punctuation.
func lex(lines []lineInfo) []tok {
	var src strings.Builder
	for _, l := range lines {
		src.WriteString(l.text)
		src.WriteByte('\n')
	}
	s := src.String()
	var toks []tok
	line := 1
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\n':
			line++
			i++
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case strings.HasPrefix(s[i:], "//"):
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case strings.HasPrefix(s[i:], "/*"):
			j := strings.Index(s[i+2:], "*/")
			line += strings.Count(s[i:i+2+j+2], "\n")
			i += 2 + j + 2
		case c == '"' || c == '\'':
			j := i + 1
			for s[j] != c {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			lit := s[i : j+1]
			if c == '"' {
				v, err := strconv.Unquote(lit)
				if err != nil {
					log.Fatalf("line %d: bad string %s: %v", line, lit, err)
				}
				toks = append(toks, tok{v, line, true})
			} else {
				toks = append(toks, tok{lit, line, false})
			}
			i = j + 1
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.':
			j := i
			for j < len(s) && (s[j] == '_' || s[j] == '.' || s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || s[j] >= '0' && s[j] <= '9') {
				j++
			}
			toks = append(toks, tok{s[i:j], line, false})
			i = j
		case strings.HasPrefix(s[i:], "::") || strings.HasPrefix(s[i:], "->") || strings.HasPrefix(s[i:], "&&") || strings.HasPrefix(s[i:], "||"):
			toks = append(toks, tok{s[i : i+2], line, false})
			i += 2
		default:
			toks = append(toks, tok{string(c), line, false})
			i++
		}
	}
	return toks
}

// call is one add(...) call: its arguments as token lists and its line.
type call struct {
	line int
	args [][]tok
}

func addCalls(toks []tok) []call {
	var calls []call
	for i := 0; i+2 < len(toks); i++ {
		if toks[i].s != "add" || toks[i].str || toks[i+1].s != "(" || toks[i+2].s != "&" {
			continue
		}
		if i > 0 && (toks[i-1].s == "." || toks[i-1].s == "::" || toks[i-1].s == "->") {
			continue
		}
		c := call{line: toks[i].line}
		depth := 0
		var arg []tok
		for j := i + 1; j < len(toks); j++ {
			t := toks[j]
			if !t.str {
				switch t.s {
				case "(", "[", "{":
					depth++
					if depth == 1 {
						continue
					}
				case ")", "]", "}":
					depth--
					if depth == 0 {
						c.args = append(c.args, arg)
						i = j
						goto done
					}
				case ",":
					if depth == 1 {
						c.args = append(c.args, arg)
						arg = nil
						continue
					}
				}
			}
			arg = append(arg, t)
		}
	done:
		calls = append(calls, c)
	}
	return calls
}

func join(ts []tok) string {
	var b strings.Builder
	for i, t := range ts {
		if t.str {
			b.WriteString(strconv.Quote(t.s))
		} else {
			if i > 0 && isWord(t.s) && isWord(ts[i-1].s) && !ts[i-1].str {
				b.WriteByte(' ')
			}
			b.WriteString(t.s)
		}
	}
	return b.String()
}

func isWord(s string) bool {
	return s != "" && (s[0] == '_' || s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z' || s[0] >= '0' && s[0] <= '9')
}

// member is a declared flag member.
type member struct {
	cpp  string
	line int
	cond []string
}

var reMember = regexp.MustCompile(`^\s*((?:const\s+)?[A-Za-z_][\w:]*(?:<.*>)?)\s+(\w+);`)

func members(lines []lineInfo, className string) map[string]member {
	start := -1
	re := regexp.MustCompile(`^\s*(class|struct)\s+` + className + `\b[^;]*$`)
	for i, l := range lines {
		if re.MatchString(l.text) {
			start = i
			break
		}
	}
	if start < 0 {
		log.Fatalf("class %s not found", className)
	}
	m := map[string]member{}
	for i := start + 1; i < len(lines) && !strings.HasPrefix(lines[i].text, "};"); i++ {
		if sm := reMember.FindStringSubmatch(lines[i].text); sm != nil && lines[i].active {
			m[sm[2]] = member{sm[1], i + 1, lines[i].cond}
		}
	}
	return m
}

// constant is a constant's initialiser, for resolving defaults.
type constant struct {
	expr string
	path string
	line int
}

var reConst = regexp.MustCompile(`(?s)(?:constexpr|const)\s+[\w:<>]+\s+(\w+)(\[\])?\s*=\s*([^;]+);`)

func constants(paths []string) map[string]constant {
	m := map[string]constant{}
	for _, p := range paths {
		src := show(p)
		for _, loc := range reConst.FindAllStringSubmatchIndex(src, -1) {
			name := src[loc[2]:loc[3]]
			expr := strings.Join(strings.Fields(stripComment(src[loc[6]:loc[7]])), " ")
			m[name] = constant{expr, p, strings.Count(src[:loc[0]], "\n") + 1}
		}
	}
	return m
}

var (
	reUnit   = regexp.MustCompile(`^(Nanoseconds|Microseconds|Milliseconds|Seconds|Minutes|Hours|Days|Weeks|Bytes|Kilobytes|Megabytes|Gigabytes|Terabytes)\((\d+(?:\.\d+)?)\)$`)
	unitName = map[string]string{"Nanoseconds": "ns", "Microseconds": "us", "Milliseconds": "ms", "Seconds": "secs",
		"Minutes": "mins", "Hours": "hrs", "Days": "days", "Weeks": "weeks",
		"Bytes": "B", "Kilobytes": "KB", "Megabytes": "MB", "Gigabytes": "GB", "Terabytes": "TB"}
	reNumber = regexp.MustCompile(`^-?\d+(\.\d+)?$`)
	reIdent  = regexp.MustCompile(`^(?:[\w]+::)*(\w+)$`)
	// protoDefaults are `X().port()` defaults, from include/mesos/mesos.proto.
	protoDefaults = map[string]string{}
)

// macros are the build-time paths of the package build: CMakeLists.txt sets
// CMAKE_INSTALL_PREFIX=/usr for every packaged distribution, and
// cmake/CompilationConfigure.cmake:359-362 puts data under share/mesos and launchers
// under libexec/mesos.
var macros = map[string]string{"PKGDATADIR": "/usr/share/mesos", "PKGLIBEXECDIR": "/usr/libexec/mesos"}

// byHand are defaults computed from constants with stringify() (which prints a double as
// ostream does: 100.0 as "100", 0.01 as "0.01"); the constants are in src/master/constants.hpp.
var byHand = map[string]string{
	`stringify(RECOVERY_AGENT_REMOVAL_PERCENT_LIMIT*100.0)+"%"`:                               "100%",
	`"cpus:"+stringify(MIN_CPUS)+"|mem:"+stringify((double)MIN_MEM.bytes()/Bytes::MEGABYTES)`: "cpus:0.01|mem:32",
}

var reProduct = regexp.MustCompile(`^(\d+) ?\* ?(\d+)$`)

// resolve evaluates a default expression to flag syntax where it is a literal, a unit
// constructor, a string concatenation, a build macro or a named constant of those.
func resolve(expr string, consts map[string]constant) (string, bool, *constant) {
	e := strings.TrimSpace(expr)
	if v, ok := byHand[e]; ok {
		return v, true, nil
	}
	if e == "true" || e == "false" || reNumber.MatchString(e) {
		return e, true, nil
	}
	if sm := reProduct.FindStringSubmatch(e); sm != nil {
		a, _ := strconv.Atoi(sm[1])
		b, _ := strconv.Atoi(sm[2])
		return strconv.Itoa(a * b), true, nil
	}
	if sm := reUnit.FindStringSubmatch(e); sm != nil {
		return sm[2] + unitName[sm[1]], true, nil
	}
	if v, ok := protoDefaults[e]; ok {
		return v, true, nil
	}
	for m, v := range macros {
		if strings.HasPrefix(e, m) {
			rest, ok, _ := resolve(strings.TrimPrefix(e, m), consts)
			if strings.TrimPrefix(e, m) == "" {
				return v, true, nil
			}
			if ok {
				return v + rest, true, nil
			}
		}
	}
	if strings.HasPrefix(e, `"`) {
		var b strings.Builder
		rest := e
		for rest != "" {
			q, err := strconv.QuotedPrefix(rest)
			if err != nil {
				return "", false, nil
			}
			v, _ := strconv.Unquote(q)
			b.WriteString(v)
			rest = strings.TrimSpace(rest[len(q):])
		}
		return b.String(), true, nil
	}
	if sm := reIdent.FindStringSubmatch(e); sm != nil {
		if c, ok := consts[sm[1]]; ok {
			if v, ok, _ := resolve(c.expr, consts); ok {
				return v, true, &c
			}
		}
	}
	if strings.HasPrefix(e, "string(") && strings.HasSuffix(e, ")") {
		return resolve(e[len("string("):len(e)-1], consts)
	}
	return "", false, nil
}

type row struct {
	class, name, member, cpp, defExpr, defValue, cond string
	aliases                                           []string
	validated, optional, required, built, resolved    bool
	line, typeLine                                    int
	hpp, cpp2                                         string
	defConst                                          *constant
}

func main() {
	out := flag.String("out", "internal/upstream/mesos_flags_gen.go", "file to write")
	flag.StringVar(&mirror, "mirror", "/work/.mirror/m3scluster+clusterd/repo", "git directory of the clusterd mirror")
	flag.StringVar(&ref, "ref", "v1.11.0-0.7.1", "tag to read")
	flag.Parse()
	commit, err := exec.Command("git", "-C", mirror, "rev-parse", ref+"^{commit}").Output()
	if err != nil {
		log.Fatal(err)
	}
	proto := show("include/mesos/mesos.proto")
	for _, msg := range []string{"MasterInfo", "SlaveInfo"} {
		re := regexp.MustCompile(`(?s)message ` + msg + ` \{.*?(?:optional|required) u?int32 port = \d+ \[default = (\d+)\];`)
		if sm := re.FindStringSubmatch(proto); sm != nil {
			protoDefaults[msg+"().port()"] = sm[1]
		}
	}

	var rows []row
	for _, c := range classes {
		hppLines := preprocess(show(c.hpp))
		mem := members(hppLines, c.className)
		cppLines := preprocess(show(c.cpp))
		consts := constants(c.consts)
		for _, call := range addCalls(lex(cppLines)) {
			a := call.args
			memberName := join(a[0])
			memberName = memberName[strings.LastIndex(memberName, "::")+2:]
			if len(a[1]) != 1 || !a[1][0].str {
				log.Fatalf("%s:%d: flag name is not a literal", c.cpp, call.line)
			}
			r := row{class: c.id, name: a[1][0].s, member: memberName, line: call.line, hpp: c.hpp, cpp2: c.cpp, built: true}
			rest := a[2:]
			if len(rest) > 0 && strings.HasPrefix(join(rest[0]), "flags::DeprecatedName(") {
				r.aliases = append(r.aliases, rest[0][len(rest[0])-2].s)
				rest = rest[1:]
			}
			rest = rest[1:] // help
			for _, arg := range rest {
				s := join(arg)
				if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "}") {
					r.validated = true
				} else if strings.HasPrefix(s, "[") {
					r.defExpr = "(computed by a lambda at start-up)"
				} else {
					r.defExpr = s
				}
			}
			m, ok := mem[memberName]
			if !ok {
				log.Fatalf("%s:%d: member %s not declared in %s", c.cpp, call.line, memberName, c.hpp)
			}
			r.cpp, r.typeLine = normalize(m.cpp), m.line
			r.optional = strings.HasPrefix(r.cpp, "Option<")
			r.required = !r.optional && r.defExpr == ""
			r.cond = strings.Join(cppLines[call.line-1].cond, " && ")
			if r.defExpr != "" {
				r.defValue, r.resolved, r.defConst = resolve(r.defExpr, consts)
			}
			rows = append(rows, r)
		}
		// Flags compiled out of the package build.
		raw := strings.Split(show(c.cpp), "\n")
		for i, li := range cppLines {
			if li.active || !strings.Contains(raw[i], "add(&Flags::") {
				continue
			}
			name := ""
			for j := i; j < i+3 && j < len(raw); j++ {
				if q := regexp.MustCompile(`^\s*"(\w+)",`).FindStringSubmatch(raw[j]); q != nil {
					name = q[1]
					break
				}
			}
			rows = append(rows, row{class: c.id, name: name, line: i + 1, cpp2: c.cpp, cond: strings.Join(li.cond, " && ")})
		}
	}

	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by genmesosflags from %s@%s (commit %s); DO NOT EDIT.\n",
		"m3scluster/clusterd", ref, strings.TrimSpace(string(commit)))
	b.WriteString("// Regenerate: see internal/upstream/cmd/genmesosflags.\n\npackage upstream\n\n")
	b.WriteString("// generatedMesosFlags lists every add() call of the flag classes, built or not.\n")
	b.WriteString("var generatedMesosFlags = []mesosGenFlag{\n")
	for _, r := range rows {
		if !r.built {
			fmt.Fprintf(&b, "\t{class: %s, Flag: MesosFlag{Name: %q, Build: %q, Source: Clusterd(%q, %d)}},\n",
				r.class, r.name, r.cond, r.cpp2, r.line)
			continue
		}
		fmt.Fprintf(&b, "\t{class: %s, built: true, Flag: MesosFlag{Name: %q, ", r.class, r.name)
		if len(r.aliases) > 0 {
			fmt.Fprintf(&b, "Aliases: %#v, ", r.aliases)
		}
		fmt.Fprintf(&b, "Type: %s, CppType: %q, ", typeOf(r.cpp), r.cpp)
		if r.optional {
			b.WriteString("Optional: true, ")
		}
		if r.required {
			b.WriteString("Required: true, ")
		}
		if r.defExpr != "" {
			fmt.Fprintf(&b, "Default: %q, ", r.defExpr)
		}
		if r.resolved {
			fmt.Fprintf(&b, "DefaultValue: %q, DefaultKnown: true, ", r.defValue)
		}
		if r.defConst != nil {
			fmt.Fprintf(&b, "DefaultSource: Clusterd(%q, %d), ", r.defConst.path, r.defConst.line)
		}
		if r.validated {
			b.WriteString("Validated: true, ")
		}
		if r.cond != "" {
			fmt.Fprintf(&b, "Build: %q, ", r.cond)
		}
		fmt.Fprintf(&b, "Source: Clusterd(%q, %d), TypeSource: Clusterd(%q, %d)}},\n", r.cpp2, r.line, r.hpp, r.typeLine)
	}
	b.WriteString("}\n")
	src, err := format.Source(b.Bytes())
	if err != nil {
		log.Fatalf("format: %v\n%s", err, b.String())
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		log.Fatal(err)
	}
	var unresolved []string
	for _, r := range rows {
		if r.built && r.defExpr != "" && !r.resolved {
			unresolved = append(unresolved, r.name+" = "+r.defExpr)
		}
	}
	sort.Strings(unresolved)
	fmt.Fprintf(os.Stderr, "%d flags; defaults left as C++ expressions:\n  %s\n", len(rows), strings.Join(unresolved, "\n  "))
}

func normalize(t string) string {
	t = regexp.MustCompile(`\bstd::`).ReplaceAllString(t, "")
	t = regexp.MustCompile(`\bflags::`).ReplaceAllString(t, "")
	return strings.ReplaceAll(t, ", ", ",")
}

// typeOf maps a member's C++ type to the MesosFlagType constant naming its stout parser.
func typeOf(cpp string) string {
	t := cpp
	if strings.HasPrefix(t, "Option<") {
		t = t[len("Option<") : len(t)-1]
	}
	switch t {
	case "bool":
		return "MesosBool"
	case "string":
		return "MesosString"
	case "int":
		return "MesosInt"
	case "size_t":
		return "MesosSize"
	case "uint16_t":
		return "MesosUint16"
	case "double":
		return "MesosDouble"
	case "Duration":
		return "MesosDuration"
	case "Bytes":
		return "MesosBytes"
	case "Path":
		return "MesosPath"
	case "JSON::Object":
		return "MesosJSONObject"
	case "JSON::Array":
		return "MesosJSONArray"
	case "SecurePathOrValue":
		return "MesosSecurePathOrValue"
	case "set<string>":
		return "MesosStringSet"
	case "vector<unsigned int>":
		return "MesosUintList"
	case "hashmap<string,string>":
		return "MesosStringMap"
	}
	if regexp.MustCompile(`^[A-Z]\w*$`).MatchString(t) {
		return "MesosProtobuf"
	}
	log.Fatalf("no flag type for C++ type %q", cpp)
	return ""
}

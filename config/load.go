// Package config loads a cluster description: it parses the YAML keeping
// positions, dispatches on its format version, decodes it strictly, validates
// it and resolves the files it names, and returns the description with its
// defaults applied together with a report of every problem found.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/report"
	"github.com/mesosimg/mesosimg/yamlpos"
)

// MaxSize is the largest description accepted, in bytes.
const MaxSize = 8 << 20

// MaxKeyFileSize is the largest key_file accepted, in bytes.
const MaxKeyFileSize = 1 << 20

// MaxErrors is the most errors one load reports; the rest are counted in one last error.
const MaxErrors = yamlpos.MaxErrors

// ReadFileFunc reads a file a description names (relative paths are already joined to its directory).
type ReadFileFunc func(path string) ([]byte, error)

// ReadRegularFile is the ReadFileFunc for files on disk. A description may come
// from anyone, so it refuses what is not a regular file (a device such as
// /dev/zero or /dev/stdin, a FIFO that blocks, a directory) and reads at most
// MaxKeyFileSize+1 bytes.
func ReadRegularFile(path string) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if info, err := f.Stat(); err != nil || !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	return io.ReadAll(io.LimitReader(f, MaxKeyFileSize+1))
}

// Source is a description to load.
type Source struct {
	// Name is the file name shown in messages ("-" or "<stdin>" for standard input).
	Name string
	// Dir is the directory relative paths in the description (key_file) are resolved from.
	Dir string
	// Data is the description's text.
	Data []byte
	// ReadFile reads the files the description names; nil forbids them.
	ReadFile ReadFileFunc
}

// Load parses, validates and defaults a description. The cluster is nil when
// the report has errors.
func Load(src Source) (*v1.Cluster, report.Report) {
	var rep report.Report
	root, ok := parse(src.Data, &rep)
	if !ok {
		return nil, rep
	}
	var c v1.Cluster
	if root.Kind != yaml.MappingNode {
		rep.Add(report.Entry{Pos: report.Pos{Line: root.Line, Column: root.Column},
			Message: "a description is a mapping with at least cluster: and nodes: (run `mesosimg init` for a starter)"})
		return nil, rep
	}
	if !checkVersion(root, &rep) {
		return nil, rep
	}
	positions, decodeRep := yamlpos.Decode(root, &c)
	rep.Merge(decodeRep)
	if yamlpos.Stopped(decodeRep) {
		// Too many errors or values: what was decoded is incomplete, and validating
		// a million values only to show the first few findings costs gigabytes.
		rep.Sort()
		capErrors(&rep)
		return nil, rep
	}
	bad := map[string]bool{}
	for _, e := range decodeRep.Entries {
		bad[e.Path] = true
		if strings.HasPrefix(e.Path, "nodes[") && strings.Contains(e.Path, ".roles") {
			bad["nodes"] = true // role counts are meaningless when some roles could not be read
		}
	}
	valid := v1.Validate(&c)
	for _, e := range valid.Entries {
		if !underBad(e.Path, bad) {
			rep.Add(e)
		}
	}
	resolveKeyFiles(&c, src, &rep)
	if !rep.HasErrors() {
		resolveTLS(&c, src, &rep)
	}
	rep.Correlate(positions.Lookup)
	rep.Sort()
	capErrors(&rep)
	if rep.HasErrors() {
		return nil, rep
	}
	v1.ApplyDefaults(&c)
	return &c, rep
}

// underBad reports whether path or one of its parents already has a decode error.
func underBad(path string, bad map[string]bool) bool {
	for p := path; ; p = report.Parent(p) {
		if bad[p] {
			return true
		}
		if p == "" {
			return false
		}
	}
}

// maxMessage and maxPath bound one message and one path, in bytes (a safety net:
// messages quote values and paths name keys, either may be megabytes long).
const (
	maxMessage = 1000
	maxPath    = 200
)

// cut shortens s to at most max bytes (and a note of how many were left out).
func cut(s string, max int) string {
	if len(s) <= max {
		return s
	}
	end := max
	for end > 0 && !utf8.RuneStart(s[end]) {
		end--
	}
	return s[:end] + fmt.Sprintf("… (%d more bytes)", len(s)-end)
}

// capErrors keeps the first MaxErrors errors (and the warnings before them) and
// replaces the rest by one error saying how many were left out, so a hostile
// description cannot flood the terminal with millions of lines; it cuts
// messages longer than maxMessage bytes, and escapes line breaks, control and
// invisible formatting characters (a key "x\nc.yaml:1:1: forged" or one with a
// right-to-left override) so that each finding prints as the one line it is.
func capErrors(rep *report.Report) {
	n := 0
	for i, e := range rep.Entries {
		if e.Severity != report.Error {
			continue
		}
		if n++; n <= MaxErrors {
			continue
		}
		rest := 0
		for _, r := range rep.Entries[i:] {
			if r.Severity == report.Error {
				rest++
			}
		}
		if rest == 1 && strings.HasPrefix(e.Message, "too many ") {
			break // the decoder's own last word: it stopped there, and cannot count what it did not read
		}
		rep.Entries = append(rep.Entries[:i:i], report.Entry{Severity: report.Error, Pos: e.Pos,
			Message: fmt.Sprintf("too many errors: %d more from here on are not shown; fix the ones above first", rest)})
		break
	}
	for i, e := range rep.Entries {
		rep.Entries[i].Path = cut(printable(e.Path), maxPath)
		rep.Entries[i].Message = cut(printable(e.Message), maxMessage)
	}
}

// printable escapes the characters of s that a terminal would not show as themselves.
func printable(s string) string {
	clean := true
	for _, r := range s {
		clean = clean && !hidden(r)
	}
	if clean {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case !hidden(r):
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	return b.String()
}

// hidden reports whether r is a control, formatting (bidirectional overrides,
// zero-width characters) or line- or paragraph-separating character.
func hidden(r rune) bool {
	return unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp)
}

var reYAMLLine = regexp.MustCompile(`line (\d+)`)

// parse reads exactly one YAML document.
func parse(data []byte, rep *report.Report) (*yaml.Node, bool) {
	fail := func(line int, format string, args ...any) (*yaml.Node, bool) {
		rep.Add(report.Entry{Pos: report.Pos{Line: line, Column: 1}, Message: fmt.Sprintf(format, args...)})
		return nil, false
	}
	if len(data) > MaxSize {
		return fail(1, "description is %d bytes; the limit is %d", len(data), MaxSize)
	}
	if !utf8.Valid(data) {
		at := invalidUTF8At(data)
		if bytes.HasPrefix(data, []byte{0xff, 0xfe}) || bytes.HasPrefix(data, []byte{0xfe, 0xff}) {
			return fail(1, "description is UTF-16 text (it starts with a UTF-16 byte-order mark); save it as UTF-8")
		}
		line, col := position(data, at)
		rep.Add(report.Entry{Pos: report.Pos{Line: line, Column: col},
			Message: fmt.Sprintf("description is not valid UTF-8 text (byte 0x%02x); save it as UTF-8", data[at])})
		return nil, false
	}
	if at, r, ok := unprintable(data); ok {
		line, col := position(data, at)
		rep.Add(report.Entry{Pos: report.Pos{Line: line, Column: col},
			Message: fmt.Sprintf("control character %U is not allowed in YAML text; remove it (a tab or line break is written as \\t or \\n inside double quotes)", r)})
		return nil, false
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return fail(1, "description is empty: it needs at least cluster: and nodes: (run `mesosimg init` for a starter)")
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
		return fail(1, "description is empty: it needs at least cluster: and nodes: (run `mesosimg init` for a starter)")
	} else if err != nil {
		return yamlError(data, err, rep)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return fail(extra.Line, "a description holds one YAML document; found another starting here (remove the '---' separator)")
	} else if !errors.Is(err, io.EOF) {
		return yamlError(data, err, rep)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 ||
		(doc.Content[0].Kind == yaml.ScalarNode && doc.Content[0].Tag == "!!null") {
		return fail(1, "description is empty: it needs at least cluster: and nodes: (run `mesosimg init` for a starter)")
	}
	return doc.Content[0], true
}

func invalidUTF8At(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(data)
}

// position returns the line and column (1-based, in characters) of byte offset at,
// counting line breaks as YAML does (\n, \r\n, \r, NEL, LS, PS).
func position(data []byte, at int) (line, col int) {
	line, col = 1, 1
	for i := 0; i < at && i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == '\r' && i+1 < len(data) && data[i+1] == '\n':
			size = 2
			fallthrough
		case r == '\n' || r == '\r' || r == '\u0085' || r == '\u2028' || r == '\u2029':
			line, col = line+1, 1
		case !(i == 0 && r == '\ufeff'): // a leading byte-order mark takes no column
			col++
		}
		i += size
	}
	return line, col
}

// lines is the number of lines of data.
func lines(data []byte) int {
	n, _ := position(data, len(data))
	return n
}

// unprintable finds the first character YAML does not allow in a stream (YAML 1.2
// c-printable: C0 controls other than tab and line breaks, DEL, C1 controls other
// than NEL, U+FFFE and U+FFFF). yaml.v3 refuses them too, but without a position.
func unprintable(data []byte) (at int, r rune, found bool) {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == '\t' || r == '\n' || r == '\r' || r == '\u0085':
		case r < 0x20 || (r >= 0x7f && r <= 0x9f) || r == 0xfffe || r == 0xffff:
			return i, r, true
		}
		i += size
	}
	return 0, 0, false
}

var reUnknownAnchor = regexp.MustCompile(`^yaml: unknown anchor '(.*)' referenced$`)

// yamlError reports a syntax error at the line and column of the fault, with the place
// of the construct it is in (an unclosed '[' or quote) and what would be valid, as
// yamlpos.Syntax finds them; the entry asks for the source lines to be quoted. When
// Syntax finds nothing, it falls back on yaml.v3's message at its line (clamped to the
// input), or for an unknown anchor, which yaml.v3 reports without one, at its first alias.
func yamlError(data []byte, err error, rep *report.Report) (*yaml.Node, bool) {
	if se, ok := yamlpos.Syntax(data); ok {
		rep.Add(report.Entry{Pos: se.Pos, Context: se.Context, Quote: true, Message: "invalid YAML: " + se.Message})
		return nil, false
	}
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	pos := report.Pos{Line: 1, Column: 1}
	if m := reYAMLLine.FindStringSubmatch(msg); m != nil && strings.HasPrefix(msg, m[0]+": ") {
		msg = strings.TrimPrefix(msg, m[0]+": ")
		if n, e := strconv.Atoi(m[1]); e == nil && n >= 1 {
			pos.Line = min(n, lines(data))
		}
	}
	if m := reUnknownAnchor.FindStringSubmatch(err.Error()); m != nil {
		if at := aliasAt(data, m[1]); at >= 0 {
			pos.Line, pos.Column = position(data, at)
		}
		msg = fmt.Sprintf("alias *%s refers to no anchor: define it first with &%s", m[1], m[1])
	}
	rep.Add(report.Entry{Pos: pos, Quote: true, Message: "invalid YAML: " + msg})
	return nil, false
}

// aliasAt finds the first alias *name in data, or -1.
func aliasAt(data []byte, name string) int {
	word := []byte("*" + name)
	for off := 0; ; {
		i := bytes.Index(data[off:], word)
		if i < 0 {
			return -1
		}
		i += off
		end := i + len(word)
		if end == len(data) || bytes.IndexByte([]byte(" \t\r\n,[]{}"), data[end]) >= 0 {
			return i
		}
		off = i + 1
	}
}

// checkVersion reads version: first, so a future format is refused before its
// unknown keys are reported one by one.
func checkVersion(root *yaml.Node, rep *report.Report) bool {
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Value != "version" || v.Kind != yaml.ScalarNode {
			continue
		}
		if n, err := strconv.Atoi(v.Value); err == nil && n > 1 {
			rep.Add(report.Entry{Path: "version", Pos: report.Pos{Line: v.Line, Column: v.Column},
				Message: fmt.Sprintf("description version %d is newer than this mesosimg understands (1); upgrade mesosimg", n)})
			return false
		}
	}
	return true
}

// resolveKeyFiles reads every repository key_file into its key.
func resolveKeyFiles(c *v1.Cluster, src Source, rep *report.Report) {
	for i := range c.Install.Repositories {
		r := &c.Install.Repositories[i]
		if r.KeyFile == "" || r.Key != "" {
			continue
		}
		path := report.Field(report.Index("install.repositories", i), "key_file")
		if src.ReadFile == nil {
			rep.Errorf(path, "key_file cannot be read here (description from standard input); inline the key with key:")
			continue
		}
		p := r.KeyFile
		if !filepath.IsAbs(p) {
			p = filepath.Join(src.Dir, p)
		}
		data, err := src.ReadFile(p)
		switch {
		case err != nil:
			rep.Errorf(path, "cannot read key_file: %v", err)
		case len(data) > MaxKeyFileSize:
			rep.Errorf(path, "key_file %s is larger than %d bytes; is it really a public key?", p, MaxKeyFileSize)
		case !bytes.Contains(data, []byte("-----BEGIN PGP PUBLIC KEY BLOCK-----")):
			rep.Errorf(path, "key_file %s is not an ASCII-armoured OpenPGP public key (expected -----BEGIN PGP PUBLIC KEY BLOCK-----; convert a binary key with gpg --armor --export)", p)
		default:
			r.Key = string(data)
		}
	}
}

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
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
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

// ReadFileFunc reads a file a description names (relative paths are already joined to its directory).
type ReadFileFunc func(path string) ([]byte, error)

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
	rep.Correlate(positions.Lookup)
	rep.Sort()
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
		line := 1 + bytes.Count(data[:invalidUTF8At(data)], []byte("\n"))
		return fail(line, "description is not valid UTF-8 text")
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return fail(1, "description is empty: it needs at least cluster: and nodes: (run `mesosimg init` for a starter)")
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
		return fail(1, "description is empty: it needs at least cluster: and nodes: (run `mesosimg init` for a starter)")
	} else if err != nil {
		return fail(yamlErrorLine(err), "invalid YAML: %s", cleanYAMLError(err))
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return fail(extra.Line, "a description holds one YAML document; found another starting here (remove the '---' separator)")
	} else if !errors.Is(err, io.EOF) {
		return fail(yamlErrorLine(err), "invalid YAML: %s", cleanYAMLError(err))
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

func yamlErrorLine(err error) int {
	if m := reYAMLLine.FindStringSubmatch(err.Error()); m != nil {
		if n, e := strconv.Atoi(m[1]); e == nil {
			return n
		}
	}
	return 1
}

func cleanYAMLError(err error) string {
	s := strings.TrimPrefix(err.Error(), "yaml: ")
	return reYAMLLine.ReplaceAllString(strings.TrimPrefix(s, "line "), "line $1")
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

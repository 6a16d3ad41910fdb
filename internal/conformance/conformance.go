// Package conformance holds rendered output to the facts of its consumers' pinned sources
// (package upstream): every flag file a Mesos daemon reads, every environment file, every zk
// URL, credentials file and file the Marathon container reads, as cloud-init would write them
// from a node's user-data. Mesos and Marathon cannot run where mesosimg is tested; this is the
// check that stands in for them.
package conformance

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"path"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// File is one file a node's user-data writes.
type File struct {
	Path        string `yaml:"path"`
	Owner       string `yaml:"owner"`
	Permissions string `yaml:"permissions"`
	Content     string `yaml:"content"`
}

// Mode is the file's permission bits (cloud-init's default 0644 when unset).
func (f File) Mode() (uint32, error) {
	if f.Permissions == "" {
		return 0o644, nil
	}
	m, err := strconv.ParseUint(f.Permissions, 8, 32)
	return uint32(m), err
}

// Node is what a node's user-data writes, by path.
type Node struct {
	Name  string
	Files map[string]File
}

// ParseUserData reads a rendered user-data (plain or gzip-compressed, as cloud-init accepts it).
func ParseUserData(name string, data []byte) (*Node, error) {
	if bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("%s: user-data: %v", name, err)
		}
		if data, err = io.ReadAll(zr); err != nil {
			return nil, fmt.Errorf("%s: user-data: %v", name, err)
		}
	}
	var cc struct {
		WriteFiles []File `yaml:"write_files"`
	}
	if err := yaml.Unmarshal(data, &cc); err != nil {
		return nil, fmt.Errorf("%s: user-data: %v", name, err)
	}
	n := &Node{Name: name, Files: map[string]File{}}
	for _, f := range cc.WriteFiles {
		if _, dup := n.Files[f.Path]; dup {
			return nil, fmt.Errorf("%s: user-data writes %s twice", name, f.Path)
		}
		n.Files[f.Path] = f
	}
	return n, nil
}

// Check holds the node's files to every upstream fact; each finding names the node and file.
func Check(n *Node) []error {
	c := &checker{node: n}
	c.mesos()
	c.marathon()
	return c.errs
}

type checker struct {
	node *Node
	errs []error
}

func (c *checker) errorf(file, format string, a ...any) {
	c.errs = append(c.errs, fmt.Errorf("%s: %s: %s", c.node.Name, file, fmt.Sprintf(format, a...)))
}

// under lists the files directly in dir (not in its sub-directories), sorted.
func (n *Node) under(dir string) []File {
	var out []File
	for p, f := range n.Files {
		if path.Dir(p) == dir {
			out = append(out, f)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// shellExports reads `export NAME=value` lines of a sourced shell file (mesosimg writes values
// that need no quoting; anything else is reported).
func (c *checker) shellExports(f File) map[string]string {
	env := map[string]string{}
	for i, line := range strings.Split(f.Content, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		rest, ok := strings.CutPrefix(line, "export ")
		name, value, ok2 := strings.Cut(rest, "=")
		if !ok || !ok2 || strings.ContainsAny(value, " \t'\"$`\\;&|<>(){}") {
			c.errorf(f.Path, "line %d is not `export NAME=value` with a value the shell takes literally: %q", i+1, line)
			continue
		}
		env[name] = value
	}
	return env
}

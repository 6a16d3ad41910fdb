package config_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"
	"testing"
	"unicode"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"go.yaml.in/yaml/v3"

	"github.com/mesosimg/mesosimg/config"
	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/generator"
	"github.com/mesosimg/mesosimg/report"
	"github.com/mesosimg/mesosimg/secrets"
)

// fieldsBase sets every field of the description to a valid value, so that a metacharacter
// added to one of them is the only thing wrong with it.
const fieldsBase = `version: 1
cluster: base
os: ubuntu-22.04
domain: example.internal
network:
  prefix: 24
  gateway: 10.0.0.1
  dns: [10.0.0.2]
  search: [example.internal]
  interface: ens3
  etc_hosts: all
admin:
  user: ops
  ssh_authorized_keys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGk2YV1U4Yz0nC7yVjVQmrFM8C6o0hYw6Yk4pJk1Q2xE ops@example"]
ntp:
  servers: [ntp1.example.internal]
  pools: [pool.example.internal]
install:
  method: apt
  mirror: http://mirror.example.internal/ubuntu
  security_mirror: http://mirror.example.internal/security
  repositories:
    - {name: byid, url: http://repo.example.internal/a, suite: jammy, components: [main], keyid: 0123456789ABCDEF0123456789ABCDEF01234567, keyserver: keyserver.example.internal}
    - {name: inline, url: http://repo.example.internal/b, suite: jammy, components: [main], key: "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBGQ\n-----END PGP PUBLIC KEY BLOCK-----\n"}
    - {name: fromfile, url: http://repo.example.internal/c, suite: jammy, components: [main], key_file: key.asc}
  mesos: {package: aventer-mesos, version: 1.11.0-0.7.1}
  zookeeper: {package: zookeeperd, version: 3.8.0-1}
  docker: {package: docker.io, version: 24.0.5-0ubuntu1}
  java: {package: default-jre-headless, version: "2:1.11-72"}
mesos:
  master: {port: 5050, flags: {offer_timeout: 5mins}}
  agent: {port: 5051, containerizers: [docker, mesos], resources: {cpus: "4"}, attributes: {rack: r1}, flags: {gc_delay: 1weeks}}
marathon:
  runtime: container
  image: mesosphere/marathon:v1.11.24
  tarball: {url: http://dl.example.internal/marathon-1.11.24.tgz, sha256: 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef}
  http_port: 8080
  libprocess_port: 15101
  flags: {task_launch_timeout: "300000"}
security:
  admin_cidrs: [10.0.0.0/16]
  task_cidrs: [10.0.0.0/16]
  secrets_file: base.secrets.yaml
image:
  name: mesos-base
  aws: {region: eu-west-1, instance_type: t3.large, source_ami_owner: "099720109477", source_ami_name: ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-*, ssh_username: ubuntu, tags: {team: ops}}
  qemu: {source_url: https://images.example.internal/jammy.img, source_checksum: "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", accelerator: kvm}
readiness_timeout: 600
nodes:
  - {name: master1, ip: 10.0.0.11, roles: [zookeeper, master, marathon], prefix: 24, gateway: 10.0.0.1, dns: [10.0.0.2], interface: ens3, mac: "52:54:00:00:00:11"}
  - {name: agent1, ip: 10.0.0.21, roles: [agent], agent: {containerizers: [docker, mesos], resources: {cpus: "4"}, attributes: {rack: r2}}}
`

// metacharacters are tried in every field, each after the field's valid value and before
// "qx7" (the marker searched for in the output). Besides the shell's own, they hold YAML's
// line breaks NEL and LS, HCL's and Packer's template openers, and a byte-order mark.
var metacharacters = []string{
	";", "&", "|", "$", "`", "(", ")", "<", ">", "'", `"`, `\`, " ", "\t", "\n", "\r",
	"*", "?", "[", "]", "{", "}", "~", "#", "!", "%", "=", "^", ",", ":", "@", "+",
	"$(", "${", "%{", "{{", "\u0085", "\u2028", "\ufeff",
}

// marker follows the metacharacter in every hostile value; nothing in fieldsBase contains it.
const marker = "qx7"

// flagSafe are the characters the README allows in values written to flag and unit files.
const flagSafe = "_.,:/@%+=[]{}*-"

// field is a string in the description: a path of keys and indexes, and whether it is the key
// (rather than the value) of the first entry of a map.
type field struct {
	path []any
	key  bool
}

func (f field) String() string {
	var b strings.Builder
	for _, s := range f.path {
		switch s := s.(type) {
		case int:
			fmt.Fprintf(&b, "[%d]", s)
		case string:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s)
		}
	}
	if f.key {
		b.WriteString(" (key)")
	}
	return b.String()
}

// stringFields lists every string of type t, reflectively, so a field added to config/v1
// is tried too; a list of structures is tried at every index the base description fills.
func stringFields(t reflect.Type, path []any, base *yaml.Node, out *[]field) {
	at := func(seg any) []any { return append(append([]any(nil), path...), seg) }
	switch t.Kind() {
	case reflect.Pointer:
		stringFields(t.Elem(), path, base, out)
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
			if name != "" && name != "-" {
				stringFields(t.Field(i).Type, at(name), base, out)
			}
		}
	case reflect.Slice:
		n := 1
		if t.Elem().Kind() == reflect.Struct {
			if seq, _ := find(base, path); seq != nil && len(seq.Content) > 0 {
				n = len(seq.Content)
			}
		}
		for i := 0; i < n; i++ {
			stringFields(t.Elem(), at(i), base, out)
		}
	case reflect.Map:
		*out = append(*out, field{path, true}, field{path, false})
	case reflect.String:
		*out = append(*out, field{path, false})
	}
}

// find returns the value node at path and the key node naming it (nil when absent).
func find(root *yaml.Node, path []any) (value, key *yaml.Node) {
	n := root
	for _, seg := range path {
		switch s := seg.(type) {
		case string:
			if n.Kind != yaml.MappingNode {
				return nil, nil
			}
			var next *yaml.Node
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == s {
					key, next = n.Content[i], n.Content[i+1]
				}
			}
			if next == nil {
				return nil, nil
			}
			n = next
		case int:
			if n.Kind != yaml.SequenceNode || s >= len(n.Content) {
				return nil, nil
			}
			key, n = nil, n.Content[s]
		}
	}
	return n, key
}

// ensure returns the node at path, creating what is missing; a map gets one entry.
func ensure(root *yaml.Node, f field) *yaml.Node {
	n := root
	for i, seg := range f.path {
		kind := yaml.ScalarNode
		if i+1 < len(f.path) {
			if _, ok := f.path[i+1].(int); ok {
				kind = yaml.SequenceNode
			} else {
				kind = yaml.MappingNode
			}
		} else if f.key || isMap(f) {
			kind = yaml.MappingNode
		}
		switch s := seg.(type) {
		case string:
			next, _ := find(n, []any{s})
			if next == nil {
				next = &yaml.Node{Kind: kind}
				n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: s}, next)
			}
			n = next
		case int:
			for len(n.Content) <= s {
				n.Content = append(n.Content, &yaml.Node{Kind: kind})
			}
			n = n.Content[s]
		}
	}
	if n.Kind == yaml.MappingNode && len(n.Content) == 0 {
		n.Content = []*yaml.Node{{Kind: yaml.ScalarNode, Value: "qx"}, {Kind: yaml.ScalarNode, Value: "qx"}}
	}
	return n
}

// mapFields are the paths of map fields, filled in by TestMetacharactersInEveryField.
var mapFields = map[string]bool{}

func isMap(f field) bool { return mapFields[field{f.path, false}.String()] }

// hostileValue sets field f of a copy of base to its valid value followed by c and the marker,
// and returns the description and the value.
func hostileValue(t *testing.T, base string, f field, c string) (text, value string) {
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(base), &root); err != nil {
		t.Fatal(err)
	}
	n := ensure(root.Content[0], f)
	if isMap(f) {
		if f.key {
			n = n.Content[0]
		} else {
			n = n.Content[1]
		}
	}
	good := n.Value
	if good == "" {
		good = "qx"
	}
	n.Kind, n.Tag, n.Style, n.Value = yaml.ScalarNode, "!!str", 0, good+c+marker
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&root); err != nil {
		t.Fatal(err)
	}
	return b.String(), n.Value
}

// where says where an accepted hostile value ended up.
type where struct {
	file, place string
	allowed     bool
}

// TestMetacharactersInEveryField puts each metacharacter into each string of the description
// (found reflectively in config/v1, so new fields are covered): every one is either refused
// with an error at that field's line and column, or rendered only where it is data that
// no shell reads (an SSH key's comment, an armoured key's text, a Packer variable) — never
// into a shell script unquoted, and into a flag, unit or configuration file only when it is one
// of the characters the README allows there. PyYAML reads every accepted render as written.
func TestMetacharactersInEveryField(t *testing.T) {
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(fieldsBase), &root); err != nil {
		t.Fatal(err)
	}
	for _, base := range []string{fieldsBase} {
		if c, rep := config.Load(config.Source{Name: "base.yaml", Dir: hostileDir, Data: []byte(base), ReadFile: keyFile}); c == nil {
			t.Fatalf("the base description is invalid:\n%s", rep.Format("base.yaml"))
		}
	}
	var fields []field
	stringFields(reflect.TypeOf(v1.Cluster{}), nil, root.Content[0], &fields)
	for _, f := range fields {
		if f.key {
			mapFields[field{f.path, false}.String()] = true
		}
	}
	type tally struct {
		refused  int
		accepted []string
	}
	summary := map[string]*tally{}
	yamlFiles := map[string][]byte{}
	cases := 0
	for _, f := range fields {
		bases := []string{fieldsBase}
		for bi, base := range bases {
			for _, c := range metacharacters {
				name := fmt.Sprintf("%s+%q", f, c)
				if bi > 0 {
					name += " (tarball)"
				}
				text, value := hostileValue(t, base, f, c)
				cases++
				l := loadWithin(t, name, []byte(text), keyFile, false)
				key := f.String()
				if bi > 0 {
					key += " (tarball)"
				}
				tl := summary[key]
				if tl == nil {
					tl = &tally{}
					summary[key] = tl
				}
				if l.c == nil {
					tl.refused++
					var doc yaml.Node
					yaml.Unmarshal([]byte(text), &doc)
					val, key := find(doc.Content[0], f.path)
					if isMap(f) && val != nil {
						if f.key {
							val = val.Content[0]
						} else {
							val = val.Content[1]
						}
						key = nil
					}
					at := func(n *yaml.Node, e report.Entry) bool {
						return n != nil && e.Pos.Line == n.Line && e.Pos.Column == n.Column
					}
					// A field the base leaves out may clash with a neighbour ("one signing key"):
					// then an error at an enclosing mapping is the right one.
					var around []*yaml.Node
					if existing, _ := find(root.Content[0], f.path); existing == nil {
						for i := len(f.path) - 1; i > 0; i-- {
							n, k := find(doc.Content[0], f.path[:i])
							around = append(around, n, k)
						}
					}
					if f.key { // an entry's findings may point at its value
						v, _ := find(doc.Content[0], f.path)
						around = append(around, v.Content[1])
					}
					ok := false
					for _, e := range l.rep.Errors() {
						ok = ok || at(val, e) || at(key, e)
						for _, n := range around {
							ok = ok || at(n, e)
						}
					}
					if !ok {
						t.Errorf("%s: refused, but with no error at the field (%d:%d):\n%s", name, val.Line, val.Column, l.rep.Format("fields.yaml"))
					}
					continue
				}
				tl.accepted = append(tl.accepted, fmt.Sprintf("%q", c))
				files, err := generator.GenerateAll(l.c, generator.Options{Formats: []generator.Format{generator.FormatCloudInit, generator.FormatPacker}, Secrets: secrets.Fixed()})
				if err != nil {
					t.Errorf("%s: accepted, but the render failed: %v", name, err)
					continue
				}
				for _, w := range placesOf(t, files, value, c) {
					if !w.allowed {
						t.Errorf("%s: accepted, and %q reaches %s: %s", name, c, w.file, w.place)
					}
				}
				for _, fl := range files {
					if strings.HasSuffix(fl.Path, "user-data") || strings.HasSuffix(fl.Path, "meta-data") || strings.HasSuffix(fl.Path, "network-config") {
						yamlFiles[name+" "+fl.Path] = fl.Data
					}
				}
			}
		}
	}
	samePyYAML(t, yamlFiles)
	var names []string
	for n := range summary {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		s := summary[n]
		fmt.Fprintf(&b, "%-45s refused %2d", n, s.refused)
		if len(s.accepted) > 0 {
			fmt.Fprintf(&b, ", accepted %s", strings.Join(s.accepted, " "))
		}
		b.WriteByte('\n')
	}
	t.Logf("%d fields × %d metacharacters: %d descriptions\n%s", len(fields), len(metacharacters), cases, b.String())
}

// placesOf finds the hostile value's marker in a render and says whether each place is safe.
func placesOf(t *testing.T, files []generator.File, value, c string) []where {
	t.Helper()
	mark := strings.ToLower(c + marker)
	has := func(s string) bool { return strings.Contains(strings.ToLower(s), mark) }
	safeInFlag := strings.Trim(c, flagSafe) == "" // every character of c is allowed in flag files
	var out []where
	for _, f := range files {
		data := f.Data
		if bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
			zr, err := gzip.NewReader(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			data, _ = io.ReadAll(zr)
		}
		switch {
		case strings.HasSuffix(f.Path, "/user-data"):
			var cc map[string]any
			if err := yaml.Unmarshal(data, &cc); err != nil {
				t.Fatalf("%s: %v", f.Path, err)
			}
			for key, v := range cc {
				if key == "write_files" {
					for _, wf := range v.([]any) {
						m := wf.(map[string]any)
						content, _ := m["content"].(string)
						path, _ := m["path"].(string)
						if has(path) {
							out = append(out, where{f.Path, "the path of " + path, strings.Trim(c, "_-.") == ""})
						}
						if !has(content) {
							continue
						}
						perm, _ := m["permissions"].(string)
						if perm == "0755" || strings.HasPrefix(content, "#!/bin/") {
							out = append(out, where{f.Path, "script " + path, shellSafe(content, c)})
						} else {
							out = append(out, where{f.Path, "file " + path, safeInFlag})
						}
					}
					continue
				}
				for _, leaf := range leaves(key, v) {
					if !has(leaf[1]) {
						continue
					}
					w := where{f.Path, leaf[0], true}
					switch {
					case key == "runcmd" || key == "bootcmd" || key == "hostname" || key == "fqdn":
						w.allowed = false
					case key == "ntp" || key == "apt" && (strings.HasSuffix(leaf[0], ".source") || strings.HasSuffix(leaf[0], ".uri")):
						// Lines of chrony.conf, ntp.conf and sources.list; cloud-init expands $ in sources.
						w.allowed = !strings.ContainsFunc(c, func(r rune) bool { return unicode.IsSpace(r) || r == '$' })
					case key == "users":
						w.allowed = !strings.ContainsAny(c, "\n\r") // a line of authorized_keys
					}
					out = append(out, w)
				}
			}
		case strings.HasSuffix(f.Path, "/meta-data"), strings.HasSuffix(f.Path, "/network-config"):
			if has(string(data)) {
				out = append(out, where{f.Path, "whole file", false})
			}
		case strings.HasSuffix(f.Path, ".sh"):
			if has(string(data)) {
				out = append(out, where{f.Path, "script", shellSafe(string(data), c)})
			}
		case strings.HasSuffix(f.Path, ".hcl"):
			if has(string(data)) {
				out = append(out, where{f.Path, "HCL", hclSafe(data, mark)})
			}
		}
	}
	return out
}

// leaves lists the strings in v with their paths.
func leaves(path string, v any) [][2]string {
	switch v := v.(type) {
	case map[string]any:
		var out [][2]string
		for k, x := range v {
			out = append(out, leaves(path+"."+k, x)...)
		}
		return out
	case []any:
		var out [][2]string
		for i, x := range v {
			out = append(out, leaves(fmt.Sprintf("%s[%d]", path, i), x)...)
		}
		return out
	case string:
		return [][2]string{{path, v}}
	}
	return [][2]string{{path, fmt.Sprint(v)}}
}

// shellSafe reports whether every marker in a shell script is inside single quotes, in
// double quotes where c holds nothing the shell expands there, or in a comment (a line break
// in the value would put the marker on a line of code).
func shellSafe(script, c string) bool {
	inertInDouble := !strings.ContainsAny(c, "$`\"\\")
	const (
		plain = iota
		single
		double
		comment
	)
	state, wordStart := plain, true
	lower := strings.ToLower(script)
	for i := 0; i < len(script); i++ {
		if strings.HasPrefix(lower[i:], marker) && state != single && state != comment && (state != double || !inertInDouble) {
			return false
		}
		ch := script[i]
		switch state {
		case plain:
			switch {
			case ch == '\\':
				i++
			case ch == '\'':
				state = single
			case ch == '"':
				state = double
			case ch == '#' && wordStart:
				state = comment
			}
		case single:
			if ch == '\'' {
				state = plain
			}
		case double:
			if ch == '\\' {
				i++
			} else if ch == '"' {
				state = plain
			}
		case comment:
			if ch == '\n' {
				state = plain
			}
		}
		wordStart = strings.IndexByte(" \t\n;&|()", ch) >= 0
	}
	return true
}

// hclSafe reports whether an HCL file still parses and holds the marker only in literal
// strings: not after an unescaped ${ or %{ (interpolation) or {{ (Packer's templates).
func hclSafe(data []byte, mark string) bool {
	if _, diags := hclsyntax.ParseConfig(data, "x.pkr.hcl", hcl.InitialPos); diags.HasErrors() {
		return false
	}
	text := strings.ToLower(string(data))
	for i := strings.Index(text, mark); i >= 0; {
		before := text[max(0, i-3) : i+len(mark)]
		if (strings.Contains(before, "${") && !strings.Contains(before, "$${")) ||
			(strings.Contains(before, "%{") && !strings.Contains(before, "%%{")) || strings.Contains(before, "{{") {
			return false
		}
		next := strings.Index(text[i+1:], mark)
		if next < 0 {
			break
		}
		i += 1 + next
	}
	return true
}

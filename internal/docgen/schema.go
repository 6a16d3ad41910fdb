package docgen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"slices"
	"sort"
	"strconv"
	"strings"

	v1 "github.com/mesosimg/mesosimg/config/v1"
)

// SchemaID is the stable URL of docs/cluster.schema.json, its $id and what `mesosimg init`'s
// first line points editors at.
const SchemaID = "https://raw.githubusercontent.com/mesosimg/mesosimg/main/docs/cluster.schema.json"

// Schema renders the JSON Schema (draft 2020-12) of a version 1 description from the Go sources
// of package config/v1 in pkg: the keys, their nesting and descriptions from the types and
// their doc comments; enums and defaults from the package's exported values; patterns from the
// validator's own regular expressions (read from its source, so they cannot drift).
//
// The schema follows the loader's reading of YAML: a text field takes any scalar (4 and "4"
// are the same text), a number must be a whole number, a switch true or false, an empty value
// (null) leaves an optional key unset, and an unknown key is an error. It refuses nothing the
// loader accepts but three spellings nobody means: version: 0, an IPv4 address written as an
// IPv6 one (::ffff:a.b.c.d), and an empty value for a key with a list of words (os: with
// nothing after it; allowing null would make editors offer "null" beside the words).
// Cross-field rules (unique names and addresses, quorum sizes, port clashes, what depends on
// os, answers_url or the security switches) stay the validator's.
func Schema(pkg fs.FS) ([]byte, error) {
	src, err := parsePackage(pkg)
	if err != nil {
		return nil, err
	}
	rules := schemaRules(src)
	if src.err != nil {
		return nil, src.err
	}
	g := &schemaGen{types: src.types, rules: rules, used: map[string]bool{}}
	root, err := g.object("", "Cluster", 0)
	if err != nil {
		return nil, err
	}
	var unused []string
	for path := range rules {
		if !g.used[path] {
			unused = append(unused, path)
		}
	}
	if len(unused) > 0 {
		sort.Strings(unused)
		return nil, fmt.Errorf("schema rules for keys the types do not have: %s", strings.Join(unused, ", "))
	}
	root.Schema = "https://json-schema.org/draft/2020-12/schema"
	root.ID = SchemaID
	root.Title = "mesosimg cluster description (version 1)"
	root.Description = src.typeDocs["Cluster"] + " Generated from config/v1 by `go run ./internal/docgen/cmd`; the reference is docs/description.md."
	root.Type = "object"
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(root); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// jsonSchema is one JSON Schema node; its fields are in the order they are written.
type jsonSchema struct {
	Schema               string      `json:"$schema,omitempty"`
	ID                   string      `json:"$id,omitempty"`
	Title                string      `json:"title,omitempty"`
	Description          string      `json:"description,omitempty"`
	Type                 any         `json:"type,omitempty"`
	Enum                 []any       `json:"enum,omitempty"`
	Default              any         `json:"default,omitempty"`
	Pattern              string      `json:"pattern,omitempty"`
	PatternErrorMessage  string      `json:"patternErrorMessage,omitempty"`
	Format               string      `json:"format,omitempty"`
	MaxLength            int         `json:"maxLength,omitempty"`
	Minimum              *int        `json:"minimum,omitempty"`
	Maximum              *int        `json:"maximum,omitempty"`
	Not                  *jsonSchema `json:"not,omitempty"`
	MinItems             int         `json:"minItems,omitempty"`
	UniqueItems          bool        `json:"uniqueItems,omitempty"`
	Items                *jsonSchema `json:"items,omitempty"`
	Required             []string    `json:"required,omitempty"`
	Properties           *properties `json:"properties,omitempty"`
	PropertyNames        *jsonSchema `json:"propertyNames,omitempty"`
	AdditionalProperties any         `json:"additionalProperties,omitempty"`
	If                   *jsonSchema `json:"if,omitempty"`
	Then                 *jsonSchema `json:"then,omitempty"`
}

// properties are an object's keys in the order the Go type declares them.
type properties struct {
	names  []string
	byName map[string]*jsonSchema
}

// MarshalJSON writes the properties in declaration order, without HTML escapes.
func (p *properties) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	b.WriteByte('{')
	for i, name := range p.names {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := enc.Encode(name); err != nil {
			return nil, err
		}
		b.WriteByte(':')
		if err := enc.Encode(p.byName[name]); err != nil {
			return nil, err
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// rule is what a key's schema holds beyond its type and description: what the validator
// requires of it and the default config/v1 gives it.
type rule struct {
	required  []string // of an object: keys that must be set (and not empty)
	enum      []any
	def       any
	pattern   string
	hint      string // what pattern asks for, in words: the editor's message when it fails
	format    string
	maxLength int
	min, max  *int
	not       []any // values refused
	minItems  int
	unique    bool
	keys      *jsonSchema // of a mapping: what its keys must be
	ifThen    [2]*jsonSchema
}

// schemaGen turns the config/v1 types into schema nodes.
type schemaGen struct {
	types map[string]*ast.StructType
	rules map[string]rule
	used  map[string]bool
}

// rule returns the rule of path, marking it used.
func (g *schemaGen) rule(path string) rule {
	r, ok := g.rules[path]
	if ok {
		g.used[path] = true
	}
	return r
}

// object builds the schema of struct type typ at path.
func (g *schemaGen) object(path, typ string, depth int) (*jsonSchema, error) {
	if depth > 8 {
		return nil, fmt.Errorf("types nest too deep at %s", path)
	}
	if g.types[typ] == nil {
		return nil, fmt.Errorf("%s: no struct type %s in config/v1", path, typ)
	}
	members, err := yamlFields(g.types, typ)
	if err != nil {
		return nil, err
	}
	s := &jsonSchema{Type: []string{"object", "null"}, AdditionalProperties: false,
		Properties: &properties{byName: map[string]*jsonSchema{}}}
	for _, m := range members {
		p := m.name
		if path != "" {
			p = path + "." + m.name
		}
		child, err := g.value(p, m.expr, depth)
		if err != nil {
			return nil, err
		}
		child.Description = m.doc
		s.Properties.names = append(s.Properties.names, m.name)
		s.Properties.byName[m.name] = child
	}
	r := g.rule(path)
	for _, name := range r.required {
		child := s.Properties.byName[name]
		if child == nil {
			return nil, fmt.Errorf("%s: required key %s is not a field of %s", path, name, typ)
		}
		notNull(child)
		s.Required = append(s.Required, name)
	}
	if r.ifThen[0] != nil {
		s.If, s.Then = r.ifThen[0], r.ifThen[1]
	}
	return s, nil
}

// value builds the schema of a field of Go type e at path.
func (g *schemaGen) value(path string, e ast.Expr, depth int) (*jsonSchema, error) {
	var s *jsonSchema
	switch t := e.(type) {
	case *ast.StarExpr:
		return g.value(path, t.X, depth)
	case *ast.Ident:
		switch t.Name {
		case "string":
			s = &jsonSchema{Type: []string{"string", "number", "boolean", "null"}}
		case "int":
			s = &jsonSchema{Type: []string{"integer", "null"}}
		case "bool":
			s = &jsonSchema{Type: []string{"boolean", "null"}}
		default:
			return g.object(path, t.Name, depth+1)
		}
	case *ast.ArrayType:
		items, err := g.value(path+"[]", t.Elt, depth)
		if err != nil {
			return nil, err
		}
		notNull(items) // an empty list item is an empty name, address or mapping: refused
		s = &jsonSchema{Type: []string{"array", "null"}, Items: items}
	case *ast.MapType:
		if k, ok := t.Key.(*ast.Ident); !ok || k.Name != "string" {
			return nil, fmt.Errorf("%s: only maps with string keys are supported", path)
		}
		values, err := g.value(path+"{}", t.Value, depth)
		if err != nil {
			return nil, err
		}
		s = &jsonSchema{Type: []string{"object", "null"}, AdditionalProperties: values}
	default:
		return nil, fmt.Errorf("%s: unsupported field type %T", path, e)
	}
	r := g.rule(path)
	if (r.pattern == "") != (r.hint == "") {
		return nil, fmt.Errorf("%s: a pattern needs a hint (and a hint a pattern)", path)
	}
	s.Enum, s.Default, s.Pattern, s.PatternErrorMessage = r.enum, r.def, r.pattern, r.hint
	s.Format, s.MaxLength, s.Minimum, s.Maximum = r.format, r.maxLength, r.min, r.max
	s.MinItems, s.UniqueItems, s.PropertyNames = r.minItems, r.unique, r.keys
	if r.enum != nil {
		// Only the listed values, and no empty one: editors would offer "null" beside the
		// words (the loader reads an empty value as the default).
		s.Type = "integer"
		if _, words := r.enum[0].(string); words {
			s.Type = "string"
		}
	}
	if r.not != nil {
		s.Not = &jsonSchema{Enum: r.not}
	}
	return s, nil
}

// notNull makes a key that must be set refuse the empty value.
func notNull(s *jsonSchema) {
	if types, ok := s.Type.([]string); ok {
		types = slices.DeleteFunc(slices.Clone(types), func(t string) bool { return t == "null" })
		s.Type = types
		if len(types) == 1 {
			s.Type = types[0]
		}
	}
	if s.Enum != nil {
		s.Enum = slices.DeleteFunc(slices.Clone(s.Enum), func(v any) bool { return v == nil })
	}
}

// pkgSource is what the schema reads from config/v1's source besides its types: the values of
// its package-level variables (the validator's regular expressions and reserved names).
type pkgSource struct {
	types    map[string]*ast.StructType
	typeDocs map[string]string
	vars     map[string]ast.Expr
	err      error
}

// parsePackage parses every non-test Go file of pkg.
func parsePackage(pkg fs.FS) (*pkgSource, error) {
	names, err := fs.Glob(pkg, "*.go")
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		data, err := fs.ReadFile(pkg, name)
		if err != nil {
			return nil, err
		}
		f, err := parser.ParseFile(fset, name, data, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no Go files in the config/v1 sources")
	}
	src := &pkgSource{vars: map[string]ast.Expr{}}
	src.types, src.typeDocs = collectTypes(files...)
	for _, f := range files {
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.VAR {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, name := range vs.Names {
					if i < len(vs.Values) {
						src.vars[name.Name] = vs.Values[i]
					}
				}
			}
		}
	}
	return src, nil
}

// fail records the first problem met while reading the sources.
func (s *pkgSource) fail(format string, args ...any) {
	if s.err == nil {
		s.err = fmt.Errorf(format, args...)
	}
}

// re returns the source of the validator's regular expression name (a package-level
// `name = regexp.MustCompile(`...`)`), which must be anchored at both ends and use only
// syntax that Go's RE2 and the ECMA-262 regular expressions of JSON Schema read alike.
func (s *pkgSource) re(name string) string {
	call, ok := s.vars[name].(*ast.CallExpr)
	if !ok || len(call.Args) != 1 {
		s.fail("config/v1 has no regexp.MustCompile variable %s", name)
		return ""
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	lit, isLit := call.Args[0].(*ast.BasicLit)
	if !ok || sel.Sel.Name != "MustCompile" || !isLit || lit.Kind != token.STRING {
		s.fail("%s is not regexp.MustCompile of a string literal", name)
		return ""
	}
	re, err := strconv.Unquote(lit.Value)
	if err != nil {
		s.fail("%s: %v", name, err)
		return ""
	}
	if !strings.HasPrefix(re, "^") || !strings.HasSuffix(re, "$") {
		s.fail("%s (%s) is not anchored with ^ and $", name, re)
	}
	for _, goOnly := range []string{`\A`, `\z`, `\p`, `\P`, `\Q`, `\C`, `[[:`} {
		if strings.Contains(re, goOnly) {
			s.fail("%s (%s) uses %s, which JSON Schema's regular expressions do not have", name, re, goOnly)
		}
	}
	if strings.Contains(strings.ReplaceAll(re, "(?:", ""), "(?") {
		s.fail("%s (%s) uses a Go-only group or flag", name, re)
	}
	return re
}

// inner is a regular expression without its anchors, to build a longer one from.
func inner(re string) string {
	return strings.TrimSuffix(strings.TrimPrefix(re, "^"), "$")
}

// either matches what any of the anchored expressions res matches.
func either(res ...string) string {
	parts := make([]string, len(res))
	for i, re := range res {
		parts[i] = "(?:" + re + ")"
	}
	return strings.Join(parts, "|")
}

// names returns the keys of the package-level map literal name, sorted.
func (s *pkgSource) names(name string) []string {
	lit, ok := s.vars[name].(*ast.CompositeLit)
	if !ok {
		s.fail("config/v1 has no map literal %s", name)
		return nil
	}
	var out []string
	for _, el := range lit.Elts {
		kv, ok := el.(*ast.KeyValueExpr)
		k, isLit := kv.Key.(*ast.BasicLit)
		if !ok || !isLit || k.Kind != token.STRING {
			s.fail("%s: a key that is not a string literal", name)
			return nil
		}
		key, _ := strconv.Unquote(k.Value)
		out = append(out, key)
	}
	sort.Strings(out)
	return out
}

// words turns strings into enum values.
func words(ws ...string) []any {
	out := make([]any, len(ws))
	for i, w := range ws {
		out[i] = w
	}
	return out
}

// without is list less the names in drop.
func without(list, drop []string) []string {
	var out []string
	for _, w := range list {
		if !slices.Contains(drop, w) {
			out = append(out, w)
		}
	}
	return out
}

// pat is the rule of a text the pattern re matches, hint saying what it asks for.
func pat(re, hint string) rule { return rule{pattern: re, hint: hint} }

// with is r changed by f.
func (r rule) with(f func(*rule)) rule {
	f(&r)
	return r
}

// between is the rule of a whole number from lo to hi.
func between(lo, hi int, def any) rule { return rule{min: &lo, max: &hi, def: def} }

// ipv4Octet and cidr spell v1.ParseCIDR (an address or address/prefix, IPv4 only) as a pattern.
const (
	ipv4Octet = `(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])`
	cidr      = `^` + ipv4Octet + `(\.` + ipv4Octet + `){3}(/(3[0-2]|[12][0-9]|[0-9]))?$`
)

// schemaRules holds, by key path (docs/description.md's paths; "[]" is a list item, "{}" a
// mapping's value), what the validator (config/v1/validate.go) requires of each key that one
// pattern, range, word list or required key can say, and the defaults of config/v1/defaults.go.
// Ranges are written here (the validator spells them as comparisons); TestSchemaAgreesWithLoader
// holds each to the validator at its bounds.
func schemaRules(s *pkgSource) map[string]rule {
	var osIDs []string
	for _, o := range v1.OSes {
		osIDs = append(osIDs, o.ID)
	}
	label := inner(s.re("reLabel"))
	dnsName := rule{pattern: `^` + label + `(\.` + label + `)*$`, maxLength: 253,
		hint: "a DNS name: dot-separated labels of lower-case letters, digits and '-' (not at either end), 1-63 characters each"}
	url := pat(s.re("reURL"), "a URL: http://, https:// or file:// followed by no spaces, quotes, '#', '$' or backticks")
	httpURL := pat(s.re("reHTTPURL"), "an http:// or https:// URL: a host (and port) and a path (no user, query, spaces or ';')")
	ipv4 := rule{format: "ipv4"}
	user := pat(s.re("reUser"), "a user name: up to 32 lower-case letters, digits, '_' or '-', starting with a letter or '_'")
	iface := pat(s.re("reInterface"), "an interface name: 1-15 letters, digits, '_', '.' or '-' (e.g. eth0, ens3)")
	suite := pat(s.re("reSuite"), "letters, digits, '.', '_', '/' or '-'")
	cidrs := pat(cidr, "an IPv4 address or network (address/prefix, e.g. 192.168.1.0/24)")
	port := func(def int) rule { return between(1, 65535, def) }
	pkg := func(def string) (rule, rule) {
		r := pat(s.re("rePackage"), "a Debian package name: lower-case letters, digits, '+', '.' or '-'")
		if def != "" {
			r.def = def
		}
		return r, pat(s.re("reDebVersion"), "a Debian version (e.g. 1.11.0-0.6.0): digits first, then letters, digits, '.', '+', '~', '-'")
	}
	flags := func(known []string, reserved string) (rule, rule) {
		return rule{keys: &jsonSchema{Enum: words(without(known, s.names(reserved))...)}},
			pat(s.re("reFlagValue"), "only letters, digits and _ . , : / @ % + = [ ] { } * -")
	}
	resName := &jsonSchema{Pattern: s.re("reResName"), PatternErrorMessage: "lower-case letters, digits and '_' (e.g. cpus, mem, rack)"}
	resources := pat(either(s.re("reScalar"), s.re("reRanges"), s.re("reSet")),
		`a Mesos resource value: a number ("4"), ranges ("[31000-32000]") or a set ("{a,b}")`)
	attributes := pat(either(s.re("reAttrText"), s.re("reRanges")), "letters, digits, '_', '.', '/' or '-', or ranges like [1-10]")
	containerizers := rule{enum: words("mesos", "docker")}

	r := map[string]rule{
		"":                  {required: []string{"cluster", "nodes"}},
		"version":           {enum: []any{1}, def: 1},
		"cluster":           pat(s.re("reClusterName"), "1-63 letters, digits, '.', '_' or '-', starting with a letter or digit"),
		"os":                {enum: words(osIDs...), def: v1.DefaultOS},
		"domain":            dnsName,
		"network.prefix":    between(1, 32, v1.DefaultPrefix),
		"network.gateway":   ipv4,
		"network.dns[]":     ipv4,
		"network.search[]":  dnsName,
		"network.interface": iface,
		"network.etc_hosts": {enum: words(v1.EtcHostsAuto, v1.EtcHostsAll, v1.EtcHostsControlPlane), def: v1.EtcHostsAuto},

		"admin.user": user.with(func(r *rule) { r.not, r.def = words(s.names("reservedUsers")...), v1.DefaultAdminUser }),

		"install.method":                      {enum: words(v1.MethodApt, v1.MethodPreinstalled), def: v1.DefaultMethod},
		"install.mirror":                      url,
		"install.security_mirror":             url,
		"install.repositories[]":              {required: []string{"name", "url", "suite"}},
		"install.repositories[].name":         pat(s.re("reRepoName"), "a repository name: lower-case letters, digits, '_' or '-'"),
		"install.repositories[].url":          url,
		"install.repositories[].suite":        suite,
		"install.repositories[].components":   {def: []string{"main"}},
		"install.repositories[].components[]": suite,
		// The validator looks for the armour line anywhere (strings.Contains): unanchored.
		"install.repositories[].key":       pat("-----BEGIN PGP PUBLIC KEY BLOCK-----", "an ASCII-armoured OpenPGP public key (-----BEGIN PGP PUBLIC KEY BLOCK-----)"),
		"install.repositories[].keyid":     pat(s.re("reFingerprint"), "the full 40-digit upper-case hex fingerprint (short key ids can be forged)"),
		"install.repositories[].keyserver": {def: v1.DefaultKeyServer},

		"mesos.master.port":              port(v1.DefaultMasterPort),
		"mesos.agent.port":               port(v1.DefaultAgentPort),
		"mesos.agent.containerizers":     {unique: true, def: []string{"mesos"}},
		"mesos.agent.containerizers[]":   containerizers,
		"mesos.agent.resources":          {keys: resName},
		"mesos.agent.resources{}":        resources,
		"mesos.agent.attributes":         {keys: resName},
		"mesos.agent.attributes{}":       attributes,
		"nodes[].agent.containerizers":   {unique: true},
		"nodes[].agent.containerizers[]": containerizers,
		"nodes[].agent.resources":        {keys: resName},
		"nodes[].agent.resources{}":      resources,
		"nodes[].agent.attributes":       {keys: resName},
		"nodes[].agent.attributes{}":     attributes,

		"marathon.image":           pat(s.re("reImage"), "a container image reference (e.g. mesosphere/marathon:v1.11.24 or registry.local:5000/marathon@sha256:…)").with(func(r *rule) { r.def = v1.DefaultMarathonImage }),
		"marathon.tarball.sha256":  pat(s.re("reSHA256"), "a SHA-256 checksum: 64 lower-case hex digits"),
		"marathon.http_port":       port(v1.DefaultMarathonHTTPPort),
		"marathon.libprocess_port": port(v1.DefaultLibprocessPort),

		"security.mesos_authentication": {def: true},
		"security.marathon_http_auth":   {def: true},
		"security.zookeeper_auth":       {def: true},
		"security.firewall":             {def: true},
		"security.admin_cidrs[]":        cidrs,
		"security.task_cidrs[]":         cidrs,

		"image.name":                 pat(s.re("reImageName"), "1-100 letters, digits, '.', '_' or '-', starting with a letter or digit"),
		"image.disk_size":            between(8, 16384, v1.DefaultImageDiskSize),
		"image.aws":                  {required: []string{"region"}},
		"image.aws.region":           pat(s.re("reAWSRegion"), "an AWS region (e.g. eu-west-1, us-east-2)"),
		"image.aws.instance_type":    pat(s.re("reInstanceType"), "an EC2 instance type (e.g. t3.large)").with(func(r *rule) { r.def = v1.DefaultAWSInstanceType }),
		"image.aws.source_ami_owner": pat(s.re("reAMIOwner"), "a 12-digit account id (quoted), self, amazon or aws-marketplace"),
		"image.aws.source_ami_name":  pat(s.re("reAMIName"), "3-128 letters, digits, spaces and ( ) [ ] . / @ _ - with * and ? as wildcards"),
		"image.aws.ssh_username":     user,
		"image.aws.tags":             {keys: &jsonSchema{Pattern: s.re("reTagKey"), PatternErrorMessage: "1-128 letters, digits, spaces and _ . : / = + @ -"}},
		"image.aws.tags{}":           pat(s.re("reTagValue"), "up to 256 letters, digits, spaces and _ . : / = + @ -"),
		"image.qemu":                 {ifThen: sourceNeedsChecksum},
		"image.qemu.source_url":      url,
		"image.qemu.source_checksum": pat(either("^file:"+inner(s.re("reURL"))+"$", s.re("reChecksum")),
			"file:<URL of a SHA256SUMS file>, sha256:<64 lower-case hex digits> or sha512:<128 hex digits>"),
		"image.qemu.memory":      between(512, 1048576, v1.DefaultQEMUMemory),
		"image.qemu.cpus":        between(1, 256, v1.DefaultQEMUCPUs),
		"image.qemu.accelerator": {enum: words(v1.QEMUAccelerators...), def: v1.DefaultQEMUAccelerator},

		"installer.disk": pat(either("^"+v1.DiskLargest+"$", s.re("reDisk")),
			"largest, or a whole disk: /dev/sdX, /dev/vdX, /dev/xvdX, /dev/nvmeNnM, /dev/mmcblkN or /dev/disk/by-id/<name>").with(func(r *rule) { r.def = v1.DefaultInstallerDisk }),
		"installer.mirror":        httpURL,
		"installer.network":       {enum: words(v1.InstallerStatic, v1.InstallerDHCP), def: v1.DefaultInstallerNet},
		"installer.locale":        pat(s.re("reLocale"), "a locale such as en_US.UTF-8").with(func(r *rule) { r.def = v1.DefaultLocale }),
		"installer.keyboard":      pat(s.re("reKeyboard"), "an XKB layout such as us, de, fr or gb").with(func(r *rule) { r.def = v1.DefaultKeyboard }),
		"installer.timezone":      pat(s.re("reTimezone"), "a tz database name such as Etc/UTC or Europe/Berlin").with(func(r *rule) { r.def = v1.DefaultTimezone }),
		"installer.answers_url":   httpURL,
		"installer.kernel_url":    httpURL,
		"installer.initrd_url":    httpURL,
		"installer.iso_url":       httpURL,
		"installer.kernel_args[]": pat(s.re("reKernelArg"), "name or name=value of letters, digits and . , : / = + @ % _ - (not -- or ---)").with(func(r *rule) { r.not = words("--", "---") }),

		"readiness_timeout": between(10, 86400, v1.DefaultReadinessTimeout),

		"nodes":             {minItems: 1},
		"nodes[]":           {required: []string{"name", "ip", "roles"}},
		"nodes[].name":      pat(s.re("reLabel"), "a host name: 1-63 lower-case letters, digits and '-' (not at either end)"),
		"nodes[].ip":        ipv4,
		"nodes[].roles":     {minItems: 1, unique: true},
		"nodes[].roles[]":   {enum: words(v1.Roles...)},
		"nodes[].prefix":    between(1, 32, nil),
		"nodes[].gateway":   ipv4,
		"nodes[].dns[]":     ipv4,
		"nodes[].interface": iface,
		"nodes[].mac":       pat(s.re("reMAC"), "a MAC address: six hex pairs separated by ':' (e.g. 52:54:00:12:34:56)"),
	}
	for _, p := range []struct {
		path, def string
	}{{"install.mesos", v1.DefaultMesosPackage}, {"install.zookeeper", v1.DefaultZooKeeperPackage},
		{"install.docker", v1.DefaultDockerPackage}, {"install.java", ""}} {
		r[p.path+".package"], r[p.path+".version"] = pkg(p.def)
	}
	r["mesos.master.flags"], r["mesos.master.flags{}"] = flags(v1.MasterFlags, "masterReserved")
	r["mesos.agent.flags"], r["mesos.agent.flags{}"] = flags(v1.AgentFlags, "agentReserved")
	r["marathon.flags"], r["marathon.flags{}"] = flags(v1.MarathonFlags, "marathonReserved")
	// The validator refuses runtime tarball (Marathon 1.11 cannot run from it on the supported
	// systems), so container is the one valid word.
	r["marathon.runtime"] = rule{enum: words(v1.RuntimeContainer), def: v1.DefaultMarathonRuntime}
	return r
}

// sourceNeedsChecksum is the if/then of image.qemu: a source_url (as text) needs a source_checksum.
var sourceNeedsChecksum = [2]*jsonSchema{
	{Required: []string{"source_url"}, Properties: &properties{names: []string{"source_url"},
		byName: map[string]*jsonSchema{"source_url": {Type: "string"}}}},
	{Required: []string{"source_checksum"}},
}

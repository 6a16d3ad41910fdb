package docgen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"go.yaml.in/yaml/v3"

	"github.com/mesosimg/mesosimg/cli"
	"github.com/mesosimg/mesosimg/config"
	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/internal/golden"
	"github.com/mesosimg/mesosimg/internal/testcases"
)

// generated is the schema the generator makes from config/v1 now.
func generated(t *testing.T) []byte {
	t.Helper()
	out, err := Schema(os.DirFS("../../config/v1"))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// compiled is the generated schema compiled by santhosh-tekuri/jsonschema, which checks it
// against the draft 2020-12 meta-schema; formats (ipv4) are asserted, as editors do.
func compiled(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(generated(t)))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(SchemaID, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(SchemaID)
	if err != nil {
		t.Fatalf("the schema does not compile: %v", err)
	}
	return s
}

// jsonValue decodes YAML with yaml.v3 into the JSON value an editor validates.
func jsonValue(data []byte) (any, error) {
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		return nil, err
	}
	return normalize(v), nil
}

func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = normalize(e)
		}
		return x
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[fmt.Sprint(k)] = normalize(e)
		}
		return m
	case []any:
		for i, e := range x {
			x[i] = normalize(e)
		}
		return x
	case nil, string, bool, int, int64, uint64, float64:
		return x
	}
	return fmt.Sprint(v)
}

// validate checks YAML text against the schema: nil when it is accepted.
func validate(t *testing.T, s *jsonschema.Schema, data []byte) error {
	t.Helper()
	v, err := jsonValue(data)
	if err != nil {
		t.Fatalf("yaml.v3 cannot decode it: %v", err)
	}
	return s.Validate(v)
}

// faults lists the JSON pointers a validation error is about; a missing, unknown or
// misnamed key is named by the key's own pointer.
func faults(err error) []string {
	var out []string
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		at := ""
		for _, tok := range e.InstanceLocation {
			at += "/" + tok
		}
		switch k := e.ErrorKind.(type) {
		case *kind.AdditionalProperties:
			for _, p := range k.Properties {
				out = append(out, at+"/"+p)
			}
			return
		case *kind.Required:
			for _, p := range k.Missing {
				out = append(out, at+"/"+p)
			}
			return
		case *kind.PropertyNames:
			// The validator shares this error's InstanceLocation with later ones (it is not
			// copied), so the mapping's place comes from the schema location instead.
			out = append(out, instanceOf(e.SchemaURL)+"/"+k.Property)
			return
		}
		if len(e.Causes) == 0 {
			out = append(out, at)
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	if ve, ok := err.(*jsonschema.ValidationError); ok {
		walk(ve)
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// instanceOf turns the location of a schema keyword (…#/properties/mesos/properties/master/
// properties/flags/propertyNames) into the pointer of the value it applies to (/mesos/master/
// flags); a list item, whose index the schema does not know, is "*".
func instanceOf(schemaURL string) string {
	_, frag, _ := strings.Cut(schemaURL, "#")
	toks := strings.Split(strings.TrimPrefix(frag, "/"), "/")
	at := ""
	for i := 0; i < len(toks); i++ {
		switch toks[i] {
		case "properties":
			if i+1 < len(toks) {
				at += "/" + toks[i+1]
				i++
			}
		case "items":
			at += "/*"
		}
	}
	return at
}

// loads reports whether the loader accepts the description (warnings allowed).
func loads(path string, data []byte) bool {
	c, _ := config.Load(config.Source{Name: path, Dir: filepath.Dir(path), Data: data, ReadFile: config.ReadRegularFile})
	return c != nil
}

// TestSchemaIsCurrent keeps docs/cluster.schema.json in step with config/v1
// (go run ./internal/docgen/cmd, or go test ./internal/docgen -update, rewrites it).
func TestSchemaIsCurrent(t *testing.T) {
	golden.Assert(t, "../../docs/cluster.schema.json", generated(t))
}

// schemaKeywords are the keywords the generator writes (patternErrorMessage is the message
// yaml-language-server and VS Code show when a pattern fails); anything else is a typo that
// the meta-schema would let through as an unknown keyword.
var schemaKeywords = map[string]bool{
	"$schema": true, "$id": true, "title": true, "description": true, "type": true, "enum": true,
	"default": true, "pattern": true, "patternErrorMessage": true, "format": true, "maxLength": true, "minimum": true, "maximum": true,
	"not": true, "minItems": true, "uniqueItems": true, "items": true, "required": true, "properties": true,
	"propertyNames": true, "additionalProperties": true, "if": true, "then": true,
}

// TestSchemaIsValid: the schema compiles against the 2020-12 meta-schema, names itself by
// SchemaID, and uses only the keywords it means to.
func TestSchemaIsValid(t *testing.T) {
	compiled(t)
	var doc map[string]any
	if err := json.Unmarshal(generated(t), &doc); err != nil {
		t.Fatal(err)
	}
	if doc["$schema"] != "https://json-schema.org/draft/2020-12/schema" || doc["$id"] != SchemaID {
		t.Errorf("$schema %v, $id %v", doc["$schema"], doc["$id"])
	}
	var walk func(path string, s map[string]any)
	walk = func(path string, s map[string]any) {
		for k, v := range s {
			if !schemaKeywords[k] {
				t.Errorf("%s: unexpected keyword %q", path, k)
			}
			switch k {
			case "properties":
				for name, sub := range v.(map[string]any) {
					walk(path+"."+name, sub.(map[string]any))
				}
			case "items", "not", "propertyNames", "if", "then":
				walk(path+"/"+k, v.(map[string]any))
			case "additionalProperties":
				if sub, ok := v.(map[string]any); ok {
					walk(path+"{}", sub)
				}
			}
		}
	}
	walk("", doc)
}

// TestSchemaCoversEveryField walks config/v1's types by reflection: every key a description can
// set is a property with a description, and no other key is (additionalProperties: false, as
// the loader refuses unknown keys).
func TestSchemaCoversEveryField(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal(generated(t), &doc); err != nil {
		t.Fatal(err)
	}
	var walk func(path string, typ reflect.Type, s map[string]any)
	walk = func(path string, typ reflect.Type, s map[string]any) {
		if s["additionalProperties"] != false {
			t.Errorf("%s: additionalProperties is %v, want false", path, s["additionalProperties"])
		}
		props, _ := s["properties"].(map[string]any)
		var want []string
		for i := range typ.NumField() {
			f := typ.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if name == "" || name == "-" {
				continue
			}
			want = append(want, name)
			p := strings.TrimPrefix(path+"."+name, ".")
			sub, ok := props[name].(map[string]any)
			if !ok {
				t.Errorf("%s is not in the schema", p)
				continue
			}
			if d, _ := sub["description"].(string); d == "" {
				t.Errorf("%s has no description", p)
			}
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			switch {
			case ft.Kind() == reflect.Struct:
				walk(p, ft, sub)
			case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
				walk(p+"[]", ft.Elem(), sub["items"].(map[string]any))
			}
		}
		var got []string
		for name := range props {
			got = append(got, name)
		}
		sort.Strings(got)
		sort.Strings(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: schema keys %v, type keys %v", path, got, want)
		}
	}
	walk("", reflect.TypeFor[v1.Cluster](), doc)
}

// TestStarterPointsAtSchema: `mesosimg init`'s first line gives yaml-language-server the schema.
func TestStarterPointsAtSchema(t *testing.T) {
	first, _, _ := strings.Cut(string(cli.Starter()), "\n")
	if want := "# yaml-language-server: $schema=" + SchemaID; first != want {
		t.Errorf("the starter's first line is %q, want %q", first, want)
	}
}

// TestSchemaAcceptsValidDescriptions: every bundled example, test case, valid fixture, the e2e
// cluster and the init starter.
func TestSchemaAcceptsValidDescriptions(t *testing.T) {
	s := compiled(t)
	var paths []string
	for _, c := range testcases.All(t, "../..") {
		paths = append(paths, c.Path)
	}
	valid, _ := filepath.Glob("../../config/testdata/valid/*.yaml")
	paths = append(append(paths, valid...), "../../e2e/cluster.yaml")
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := validate(t, s, data); err != nil {
			t.Errorf("%s is refused: %v", path, err)
		}
	}
	if err := validate(t, s, cli.Starter()); err != nil {
		t.Errorf("the init starter is refused: %v", err)
	}
}

// TestSchemaAcceptsWhatTheLoaderAccepts: of every fixture and hostile description (merge keys,
// YAML 1.1 scalars, timestamps, odd keys …), each one the loader accepts the schema accepts too.
func TestSchemaAcceptsWhatTheLoaderAccepts(t *testing.T) {
	s := compiled(t)
	var paths []string
	for _, glob := range []string{"../../config/testdata/*/*.yaml", "../../testdata/hostile/*.yaml", "../../testdata/cases/*.yaml"} {
		found, _ := filepath.Glob(glob)
		paths = append(paths, found...)
	}
	accepted := 0
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !loads(path, data) {
			continue
		}
		accepted++
		if err := validate(t, s, data); err != nil {
			t.Errorf("%s: the loader accepts it, the schema refuses it: %v", path, err)
		}
	}
	if accepted < 10 {
		t.Errorf("only %d of %d descriptions load: wrong paths?", accepted, len(paths))
	}
}

// schemaFaults are the invalid fixtures whose fault a schema can express (a wrong type, an
// unknown key, a word outside a list, a missing key, a value a pattern or range refuses), each
// with the keys the schema must flag. The fixtures' other faults, if any, are cross-field.
var schemaFaults = []struct {
	fixture string
	at      []string
	why     string
}{
	{"empty", []string{""}, "an empty description is null, not a mapping"},
	{"not_a_mapping", []string{""}, "a list, not a mapping"},
	{"wrong_types", []string{"/cluster", "/nodes/0/prefix", "/nodes/0/roles", "/nodes/0/ip", "/ntp"},
		"a list for a string, text for a number, a word for a list, a mapping for a string, a word for a mapping"},
	{"missing_cluster_and_nodes", []string{"/cluster", "/nodes"}, "required keys missing"},
	{"unknown_key_did_you_mean", []string{"/nodes/0/nmae", "/nodess"}, "unknown keys"},
	{"version_too_new", []string{"/version", "/brand_new_key", "/nodes"}, "version 2 is not 1; an unknown key; nodes missing"},
	{"unknown_role", []string{"/nodes/0/roles/2"}, "a role outside the list"},
	{"unknown_containerizer", []string{"/mesos/agent/containerizers/0", "/network/etc_hosts"}, "a containerizer and an etc_hosts outside their lists"},
	{"install_and_marathon", []string{"/os", "/install/method", "/install/repositories/0/keyid", "/install/mesos/version", "/marathon/runtime", "/mesos/master/port"},
		"words outside their lists, a short key id, a Debian version with a space, a port out of range"},
	{"flags_unknown_and_reserved", []string{"/mesos/master/flags/quorum", "/mesos/master/flags/max_agent_ping_timeout", "/mesos/agent/flags/Work-Dir", "/marathon/flags/zk"},
		"flag names that are unknown, not flag names, or always derived by mesosimg"},
	{"image_url_without_checksum", []string{"/image/qemu/source_checksum"}, "source_url without source_checksum"},
	{"image_values", []string{"/image/name", "/image/disk_size", "/image/aws/region", "/image/aws/instance_type", "/image/aws/source_ami_owner",
		"/image/qemu/source_url", "/image/qemu/source_checksum", "/image/qemu/accelerator", "/image/qemu/memory"},
		"patterns, ranges, a missing region, an accelerator outside the list (the aws: tag prefix is a validator rule)"},
	{"installer_values", []string{"/installer/disk", "/installer/mirror", "/installer/network", "/installer/locale", "/installer/keyboard", "/installer/timezone", "/nodes/0/mac"},
		"values their patterns refuse and a network outside the list"},
	{"installer_offline_without_mirror", []string{"/installer/disk"}, "a partition-less disk name (offline without a mirror is cross-field)"},
	{"installer_netboot", []string{"/installer/answers_url", "/installer/kernel_url", "/installer/kernel_args/0", "/installer/kernel_args/1", "/installer/kernel_args/2"},
		"URLs that are not network-boot URLs, kernel parameters with a space, -- and --- (what Ubuntu needs, and BOOTIF, are cross-field)"},
	{"invalid_ips_and_hostnames", []string{"/nodes/0/ip", "/nodes/1/name", "/nodes/1/ip"}, "not IPv4 addresses, not a host name (loopback is a validator rule)"},
	{"network_values", []string{"/network/prefix", "/network/gateway", "/nodes/0/mac"}, "a prefix out of range, not an address, not a MAC"},
	{"security_cidrs", []string{"/security/admin_cidrs/0", "/security/task_cidrs/1"}, "not IPv4 networks"},
	{"shell_metacharacters", []string{"/cluster", "/mesos/master/flags/max_agent_ping_timeouts", "/mesos/agent/attributes/rack", "/marathon/image", "/install/mirror", "/install/mesos_version", "/nodes/0/interface", "/nodes/1/name"},
		"metacharacters that patterns refuse, an unknown key"},
	{"paths_outside_description", []string{"/install/mirror"}, "a URL with '#' (paths leaving the directory are a validator rule)"},
	{"ssh_key_and_user", []string{"/admin/user"}, "a system account (the key pattern is the validator's: it trims the key first)"},
	{"tarball_runtime", []string{"/marathon/runtime"}, "runtime tarball is refused: container is the one runtime"},
}

// crossField are the invalid fixtures whose fault no schema of one key can express: out of scope.
var crossField = map[string]string{
	"duplicate_key":                  "a key twice in one mapping: yaml.v3 (and an editor's YAML parser) refuses it before any schema",
	"duplicate_names_and_ips":        "names and addresses unique across nodes",
	"even_masters":                   "quorum: odd numbers of masters and ZooKeeper members",
	"no_master_no_zookeeper":         "role counts across nodes",
	"port_clash":                     "the ports of one node's services together",
	"flags_set_by_security":          "flags reserved only while a security switch is on",
	"installer_netboot_iso":          "the .iso suffix applies to Ubuntu network installs (os and answers_url)",
	"installer_netboot_limits":       "command-line length and parameter count over all nodes; kernel_url and initrd_url as a pair",
	"key_file_missing":               "a file on disk",
	"multiple_documents":             "two YAML documents, not one JSON value",
	"not_utf8":                       "not text",
	"flag_values_the_daemons_refuse": "each value parsed by its daemon's own grammar (durations, integers, toggles; internal/upstream), beyond a schema",
	"installer_user_names":           "admin.user against the os's installer (user-setup's reserved names), an error only with an installer: section; a by-id link ending in -partN",
	"installer_user_underscore":      "admin.user under user-setup's rule, which only debian-12 applies",
	"installer_user_reserved_ubuntu": "admin.user among subiquity's reserved names, an error only with an installer: section",
	"installer_private_ca_ubuntu":    "a reserved admin.user and a Debian-only kernel parameter, both depending on os",
}

// TestSchemaRejectsInvalidFixtures: each fixture of schemaFaults is refused, at every key listed.
func TestSchemaRejectsInvalidFixtures(t *testing.T) {
	s := compiled(t)
	for _, f := range schemaFaults {
		t.Run(f.fixture, func(t *testing.T) {
			path := "../../config/testdata/invalid/" + f.fixture + ".yaml"
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			err = validate(t, s, data)
			if err == nil {
				t.Fatalf("accepted; want it refused for %s", f.why)
			}
			got := faults(err)
			for _, at := range f.at {
				if !slices.Contains(got, at) {
					t.Errorf("%q is not flagged (%s); flagged: %q", at, f.why, got)
				}
			}
		})
	}
}

// TestEveryInvalidFixtureIsClassified: a new invalid fixture is listed either in schemaFaults
// or in crossField, so the schema's coverage is decided, not forgotten.
func TestEveryInvalidFixtureIsClassified(t *testing.T) {
	paths, _ := filepath.Glob("../../config/testdata/invalid/*.yaml")
	listed := map[string]int{}
	for _, f := range schemaFaults {
		listed[f.fixture]++
	}
	for name := range crossField {
		listed[name]++
	}
	for _, p := range paths {
		name := strings.TrimSuffix(filepath.Base(p), ".yaml")
		switch listed[name] {
		case 0:
			t.Errorf("%s is neither in schemaFaults nor in crossField", name)
		case 2:
			t.Errorf("%s is in both schemaFaults and crossField", name)
		}
		delete(listed, name)
	}
	for name := range listed {
		t.Errorf("%s is listed but config/testdata/invalid has no such fixture", name)
	}
}

// agreementBase is a valid description the agreement cases change one key of.
const agreementBase = `
cluster: lab
network: {dns: [10.0.0.2]}
security: {admin_cidrs: [10.0.0.0/24]}
nodes:
  - {name: m1, ip: 10.0.0.11, roles: [zookeeper, master, marathon, agent]}
`

// change sets the key at path (dot-separated, list indexes as numbers) of the YAML text base to
// the YAML value, or deletes it when value is "<delete>".
func change(t *testing.T, base, path, value string) []byte {
	t.Helper()
	var doc any
	if err := yaml.Unmarshal([]byte(base), &doc); err != nil {
		t.Fatal(err)
	}
	var v any
	if err := yaml.Unmarshal([]byte(value), &v); err != nil {
		t.Fatalf("%s: %v", value, err)
	}
	keys := strings.Split(path, ".")
	cur := doc
	for i, k := range keys {
		last := i == len(keys)-1
		switch c := cur.(type) {
		case map[string]any:
			if last {
				if value == "<delete>" {
					delete(c, k)
				} else {
					c[k] = v
				}
				break
			}
			if c[k] == nil {
				c[k] = map[string]any{}
			}
			cur = c[k]
		case []any:
			var n int
			fmt.Sscan(k, &n)
			if n == len(c) {
				t.Fatalf("%s: index %d past the end", path, n)
			}
			if last {
				c[n] = v
				break
			}
			cur = c[n]
		default:
			t.Fatalf("%s: %s is not a mapping or list", path, k)
		}
	}
	out, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSchemaAgreesWithLoader changes one key of a valid description at a time, at the bounds of
// what the validator allows, and checks the schema and the loader take or refuse it alike: the
// patterns, ranges, word lists and required keys mean what the validator means. stricter marks
// the spellings the schema refuses on purpose (see Schema).
func TestSchemaAgreesWithLoader(t *testing.T) {
	s := compiled(t)
	long := func(n int) string { return strings.Repeat("a", n) }
	hex64 := strings.Repeat("0123456789abcdef", 4)
	agent := "{name: a1, ip: 10.0.0.21, roles: [agent]}"
	cases := []struct {
		path, value string
		stricter    bool
	}{
		{"cluster", "a", false}, {"cluster", "A.b_c-9", false}, {"cluster", long(63), false}, {"cluster", long(64), false},
		{"cluster", "-a", false}, {"cluster", "a b", false}, {"cluster", "[a]", false}, {"cluster", "~", false}, {"cluster", "<delete>", false},
		{"version", "1", false}, {"version", "2", false}, {"version", `"1"`, false}, {"version", "~", true}, {"version", "0", true},
		{"os", "debian-12", false}, {"os", "ubuntu-24.04", false}, {"os", "ubuntu-22.04", false}, {"os", "ubuntu-20.04", false}, {"os", "~", true},
		{"domain", "mesos.example.com", false}, {"domain", "Example.com", false}, {"domain", "a..b", false}, {"domain", "a.", false},
		{"domain", long(63) + "." + long(63) + "." + long(63) + "." + long(61), false}, {"domain", long(63) + "." + long(63) + "." + long(63) + "." + long(62), false},
		{"network.prefix", "1", false}, {"network.prefix", "32", false}, {"network.prefix", "0", false}, {"network.prefix", "33", false},
		{"network.prefix", `"24"`, false}, {"network.prefix", "~", false},
		{"network.gateway", "10.0.0.1", false}, {"network.gateway", "10.0.0", false}, {"network.gateway", "10.0.0.01", false},
		{"network.gateway", "10.0.0.256", false}, {"network.gateway", "fd00::1", false},
		{"network.dns", "[10.0.0.3, 10.0.0.4]", false}, {"network.dns", "[10.0.0.300]", false}, {"network.dns", "[~]", false},
		{"network.search", "[example.com]", false}, {"network.search", "[Bad_Name]", false},
		{"network.interface", "eth0", false}, {"network.interface", long(15), false}, {"network.interface", long(16), false}, {"network.interface", "a$b", false},
		{"network.etc_hosts", "auto", false}, {"network.etc_hosts", "all", false}, {"network.etc_hosts", "control-plane", false}, {"network.etc_hosts", "some", false},
		{"network.unknown", "1", false}, {"network", "text", false}, {"network", "~", false},
		{"admin.user", "ops", false}, {"admin.user", "_svc", false}, {"admin.user", "root", false}, {"admin.user", "mesos", false},
		{"admin.user", "Ops", false}, {"admin.user", long(32), false}, {"admin.user", long(33), false}, {"admin", "~", false},
		{"install.method", "apt", false}, {"install.method", "preinstalled", false}, {"install.method", "pre-installed", false},
		{"install.mirror", "http://mirror.lan/ubuntu", false}, {"install.mirror", "file:///srv/mirror", false},
		{"install.mirror", "ftp://mirror.lan/ubuntu", false}, {"install.mirror", "http://mirror.lan/#x", false},
		{"install.repositories", "[{name: corp, url: 'http://apt.lan/x', suite: jammy, keyid: " + v1.AventerKeyFingerprint + "}]", false},
		{"install.repositories", "[{name: corp, url: 'http://apt.lan/x', suite: jammy, key: \"-----BEGIN PGP PUBLIC KEY BLOCK-----\\nx\\n\"}]", false},
		{"install.repositories", "[{name: corp, url: 'http://apt.lan/x', suite: jammy, key: not a key}]", false},
		{"install.repositories", "[{name: corp, url: 'http://apt.lan/x', keyid: " + v1.AventerKeyFingerprint + "}]", false},
		{"install.repositories", "[{name: Corp, url: 'http://apt.lan/x', suite: jammy, keyid: " + v1.AventerKeyFingerprint + "}]", false},
		{"install.repositories", "[{name: corp, url: 'http://apt.lan/x', suite: jammy, keyid: 49ACA59E}]", false},
		{"install.repositories", "[{name: corp, url: 'http://apt.lan/x', suite: jammy, components: [main, 'non free'], keyid: " + v1.AventerKeyFingerprint + "}]", false},
		{"install.mesos.version", "1.11.0-0.7.1.ubuntu2204", false}, {"install.mesos.version", "1.11", false}, {"install.mesos.version", "1.11.0 0.6.0", false},
		{"install.docker.package", "docker-ce", false}, {"install.docker.package", "Docker", false}, {"install.zookeeper", "~", false},
		{"mesos.master.port", "1", false}, {"mesos.master.port", "65535", false}, {"mesos.master.port", "0", false}, {"mesos.master.port", "65536", false},
		{"mesos.agent.port", "65535", false}, {"mesos.agent.port", "65536", false},
		{"mesos.master.flags", `{max_agent_ping_timeouts: "10"}`, false}, {"mesos.master.flags", "{max_agent_ping_timeouts: 10}", false},
		{"mesos.master.flags", `{quorum: "1"}`, false}, {"mesos.master.flags", "{Work-Dir: /tmp}", false}, {"mesos.master.flags", "{offer_timeout: 5 mins}", false},
		{"mesos.agent.flags", "{work_dir: /tmp}", false}, {"mesos.agent.flags", "{gc_delay: 2weeks}", false},
		{"mesos.agent.containerizers", "[docker, mesos]", false}, {"mesos.agent.containerizers", "[mesos, mesos]", false}, {"mesos.agent.containerizers", "[dockr]", false},
		{"mesos.agent.resources", `{cpus: "4"}`, false}, {"mesos.agent.resources", "{cpus: 4}", false}, {"mesos.agent.resources", `{ports: "[31000-32000]"}`, false},
		{"mesos.agent.resources", `{disks: "{a,b}"}`, false}, {"mesos.agent.resources", "{cpus: four}", false}, {"mesos.agent.resources", `{CPUs: "4"}`, false},
		{"mesos.agent.attributes", "{rack: r1}", false}, {"mesos.agent.attributes", "{rack: r1$(x)}", false}, {"mesos.agent.attributes", "{Rack: r1}", false},
		{"marathon.runtime", "container", false}, {"marathon.runtime", "tarball", false}, {"marathon.runtime", "docker", false},
		{"marathon.image", "registry.lan:5000/marathon:v1", false}, {"marathon.image", "marathon latest", false},
		{"marathon.http_port", "65535", false}, {"marathon.http_port", "0", false}, {"marathon.libprocess_port", "1", false}, {"marathon.libprocess_port", "65536", false},
		{"marathon.tarball", "{url: 'ftp://x/y.tgz', sha256: " + hex64 + "}", false}, {"marathon.tarball", "{sha256: ABC}", false},
		{"marathon.flags", `{max_apps: "10"}`, false}, {"marathon.flags", "{zk: zk://x/y}", false},
		{"security.firewall", "false", false}, {"security.firewall", `"false"`, false}, {"security.firewall", "no", false},
		{"security.admin_cidrs", "[10.0.0.0/8, 10.0.0.1, 0.0.0.0/0, 10.0.0.1/32]", false}, {"security.admin_cidrs", "[10.0.0.0/33]", false},
		{"security.admin_cidrs", "[10.0.0.0/024]", false}, {"security.admin_cidrs", "[everyone]", false}, {"security.admin_cidrs", "[fd00::/8]", false},
		{"security.task_cidrs", "[192.168.0.0/16]", false}, {"security.task_cidrs", "[192.168.0.0/]", false},
		{"security.tls.key", "x", false},
		{"image", "{}", false}, {"image", "~", false}, {"image.name", "mesos-lab", false}, {"image.name", "mesos lab", false},
		{"image.disk_size", "8", false}, {"image.disk_size", "16384", false}, {"image.disk_size", "7", false}, {"image.disk_size", "16385", false},
		{"image.aws", "{region: eu-west-1, instance_type: m5.large, source_ami_owner: '099720109477', tags: {team: x}}", false},
		{"image.aws", "{}", false}, {"image.aws", "~", false}, {"image.aws", "{region: EU}", false}, {"image.aws", "{region: eu-west-1, instance_type: t3 large}", false},
		{"image.aws", "{region: eu-west-1, source_ami_owner: Canonical}", false}, {"image.aws", "{region: eu-west-1, ssh_username: Admin}", false},
		{"image.aws", "{region: eu-west-1, tags: {'bad|key': x}}", false},
		{"image.qemu", "{source_url: 'https://x/y.img'}", false}, {"image.qemu", "{source_url: 'https://x/y.img', source_checksum: 'sha256:" + hex64 + "'}", false},
		{"image.qemu", "{source_url: 'https://x/y.img', source_checksum: 'file:https://x/SHA256SUMS'}", false},
		{"image.qemu", "{source_url: 'https://x/y.img', source_checksum: none}", false}, {"image.qemu", "{source_checksum: 'md5:abc'}", false},
		{"image.qemu.accelerator", "tcg", false}, {"image.qemu.accelerator", "none", false}, {"image.qemu.accelerator", "kwm", false},
		{"image.qemu.memory", "512", false}, {"image.qemu.memory", "1048576", false}, {"image.qemu.memory", "511", false}, {"image.qemu.memory", "1048577", false},
		{"image.qemu.cpus", "1", false}, {"image.qemu.cpus", "256", false}, {"image.qemu.cpus", "0", false}, {"image.qemu.cpus", "257", false},
		{"installer.disk", "largest", false}, {"installer.disk", "/dev/sda", false}, {"installer.disk", "/dev/nvme0n1", false},
		{"installer.disk", "/dev/disk/by-id/ata-X", false}, {"installer.disk", "/dev/sda1", false}, {"installer.disk", "sdb", false},
		{"installer.mirror", "http://mirror.lan/debian", false}, {"installer.mirror", "ftp://mirror.lan/debian", false}, {"installer.mirror", "file:///srv", false},
		{"installer.network", "static", false}, {"installer.network", "dhcp", false}, {"installer.network", "dhpc", false},
		{"installer.locale", "de_DE.UTF-8", false}, {"installer.locale", "en US", false}, {"installer.keyboard", "de", false}, {"installer.keyboard", "us;x", false},
		{"installer.timezone", "Europe/Berlin", false}, {"installer.timezone", "UTC+1 ", false}, {"installer.offline", "yes", false},
		{"installer.kernel_args", "[console=ttyS0]", false}, {"installer.kernel_args", `["--"]`, false}, {"installer.kernel_args", `["---"]`, false},
		{"installer.kernel_args", "[a b]", false}, {"installer.answers_url", "ftp://boot.lan/x", false},
		{"readiness_timeout", "10", false}, {"readiness_timeout", "86400", false}, {"readiness_timeout", "9", false}, {"readiness_timeout", "86401", false},
		{"nodes", "[]", false}, {"nodes", "~", false},
		{"nodes.0.name", "m-1", false}, {"nodes.0.name", long(63), false}, {"nodes.0.name", long(64), false}, {"nodes.0.name", "-m", false},
		{"nodes.0.name", "M1", false}, {"nodes.0.name", "m_1", false}, {"nodes.0.name", "<delete>", false}, {"nodes.0.name", "~", false},
		{"nodes.0.ip", "10.0.0.12", false}, {"nodes.0.ip", "10.0.0.256", false}, {"nodes.0.ip", "10.0.0", false}, {"nodes.0.ip", "fd00::1", false},
		{"nodes.0.ip", "010.0.0.12", false}, {"nodes.0.ip", "<delete>", false}, {"nodes.0.ip", "::ffff:10.0.0.12", true},
		{"nodes.0.roles", "[]", false}, {"nodes.0.roles", "<delete>", false}, {"nodes.0.roles", "master", false},
		{"nodes.0.mac", `"52:54:00:12:34:56"`, false}, {"nodes.0.mac", `"52:54:00:ab:CD:ef"`, false},
		{"nodes.0.mac", "52-54-00-12-34-56", false}, {"nodes.0.mac", `"52:54:00:12:34"`, false},
		{"nodes.0.prefix", "32", false}, {"nodes.0.prefix", "0", false}, {"nodes.0.prefix", "33", false},
		{"nodes.0.gateway", "10.0.0.1", false}, {"nodes.0.gateway", "10.0.0.1.1", false}, {"nodes.0.dns", "[10.0.0.2]", false}, {"nodes.0.dns", "[dns]", false},
		{"nodes.0.interface", "ens3", false}, {"nodes.0.interface", "en s3", false}, {"nodes.0.unknown", "1", false},
		{"nodes.0.agent", "~", false}, {"nodes.0.agent", "{containerizers: [docker], resources: {cpus: '8'}, attributes: {rack: r2}}", false},
		{"nodes.0.agent", "{containerizers: [docker, docker]}", false}, {"nodes.0.agent", "{resources: {cpus: many}}", false}, {"nodes.0.agent", "{port: 1}", false},
		{"nodes", "[{name: m1, ip: 10.0.0.11, roles: [zookeeper, master]}, " + agent + "]", false},
		{"nodes", "[{name: m1, ip: 10.0.0.11, roles: [zookeeper, master]}, {name: a1, ip: 10.0.0.21, roles: [agent, agent]}]", false},
		{"nodes", "[{name: m1, ip: 10.0.0.11, roles: [zookeeper, master]}, {name: a1, ip: 10.0.0.21, roles: [agnt]}]", false},
		{"nodes", "[{name: m1, ip: 10.0.0.11, roles: [zookeeper, master]}, ~]", false},
		{"unknown", "1", false},
	}
	taken := 0
	for _, c := range cases {
		data := change(t, agreementBase, c.path, c.value)
		loaderOK := loads("c.yaml", data)
		err := validate(t, s, data)
		schemaOK := err == nil
		if loaderOK {
			taken++
		}
		switch {
		case c.stricter && (loaderOK && !schemaOK):
		case c.stricter:
			t.Errorf("%s: %s: marked stricter, but loader %v, schema %v", c.path, c.value, loaderOK, schemaOK)
		case loaderOK != schemaOK:
			t.Errorf("%s: %s: the loader %s it, the schema %s it (%v)\n%s", c.path, c.value, verdict(loaderOK), verdict(schemaOK), faults(err), data)
		}
	}
	// Both sides of every bound are tried: a base that no longer loads would make every case
	// a refusal that agrees.
	if taken < len(cases)/3 || len(cases)-taken < len(cases)/3 {
		t.Errorf("%d of %d cases load: want about half (is agreementBase still valid?)", taken, len(cases))
	}
}

func verdict(ok bool) string {
	if ok {
		return "accepts"
	}
	return "refuses"
}

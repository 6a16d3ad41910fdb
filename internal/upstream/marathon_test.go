package upstream

import (
	"reflect"
	"strings"
	"testing"
)

func TestMarathonOptionsCited(t *testing.T) {
	if len(MarathonOptions) < 100 {
		t.Fatalf("%d options: the generated table is truncated", len(MarathonOptions))
	}
	kinds := map[MarathonKind]bool{MarathonString: true, MarathonInt: true, MarathonLong: true, MarathonFlag: true,
		MarathonToggle: true, MarathonURI: true, MarathonZkURL: true, MarathonMaster: true, MarathonList: true, MarathonEnum: true}
	names := map[string]bool{}
	for _, o := range MarathonOptions {
		if !o.Source.Valid() || o.Source.Repo != MarathonRepo || o.Source.Ref != MarathonRef {
			t.Errorf("--%s: source %v", o.Name, o.Source)
		}
		if !kinds[o.Kind] {
			t.Errorf("--%s: kind %q", o.Name, o.Kind)
		}
		if (o.Kind == MarathonToggle) != (o.Negation != "") || o.Negation != "" && o.Negation != "disable_"+o.Name {
			t.Errorf("--%s: kind %s, negation %q", o.Name, o.Kind, o.Negation)
		}
		if (o.Kind == MarathonEnum) != (len(o.Values) > 0) || len(o.Values) > 0 && !o.ValuesSource.Valid() {
			t.Errorf("--%s: enum values %v from %v", o.Name, o.Values, o.ValuesSource)
		}
		for _, n := range []string{o.Name, o.Negation} {
			if n != "" && names[n] {
				t.Errorf("--%s declared twice", n)
			}
			names[n] = true
		}
	}
}

func TestMarathonFactsCited(t *testing.T) {
	facts := MarathonFacts()
	if len(facts) != len(marathonFactTable) || len(facts) == 0 {
		t.Fatalf("%d facts", len(facts))
	}
	for _, f := range marathonFactTable {
		if f.Claim == "" || !f.Source.Valid() || f.anchor == "" {
			t.Errorf("uncited or unanchored fact %q at %v", f.Claim, f.Source)
		}
	}
}

func TestMarathonEnvArgs(t *testing.T) {
	for _, c := range []struct {
		name, value string
		want        []string
	}{
		{"MARATHON_MASTER", "zk://h/mesos", []string{"--master", "zk://h/mesos"}},
		{"MARATHON_HA", "", []string{"--ha"}},
		{"MARATHON_DISABLE_HA", "", []string{"--disable_ha"}},
		{"MARATHON_HTTP_PORT", "8080 ", []string{"--http_port", "8080 "}},
		{"MARATHON_KILLSPERBATCH", "5", []string{"--killsperbatch", "5"}},
		{"MARATHON_APP_ID", "/x", nil},
		{"LIBPROCESS_IP", "10.0.0.1", nil},
		{"JAVA_OPTS", "-Xmx1g", nil},
	} {
		if got := MarathonEnvArgs(c.name, c.value); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s=%q: %q, want %q", c.name, c.value, got, c.want)
		}
	}
}

func TestLookupMarathonOption(t *testing.T) {
	for _, c := range []struct {
		flag          string
		name          string
		negated, ok   bool
		kind          MarathonKind
		envSettable   bool
		requiredByCLI bool
	}{
		{"ha", "ha", false, true, MarathonToggle, true, false},
		{"disable_ha", "ha", true, true, MarathonToggle, true, false},
		{"disable_http", "disable_http", false, true, MarathonFlag, true, false},
		{"disable_http_compression", "http_compression", true, true, MarathonToggle, true, false},
		{"master", "master", false, true, MarathonMaster, true, true},
		{"zk", "zk", false, true, MarathonZkURL, true, false},
		{"http_port", "http_port", false, true, MarathonInt, true, false},
		{"mesos_role", "mesos_role", false, true, MarathonString, true, false},
		{"killsPerBatch", "killsPerBatch", false, true, MarathonInt, false, false},
		{"killsperbatch", "", false, false, "", false, false},
		{"disable_zk", "", false, false, "", false, false},
		{"no_ha", "", false, false, "", false, false},
	} {
		o, neg, ok := LookupMarathonOption(c.flag)
		if ok != c.ok || neg != c.negated || o.Name != c.name || o.Kind != c.kind || ok && (o.EnvSettable() != c.envSettable || o.Required != c.requiredByCLI) {
			t.Errorf("--%s: %+v negated=%v ok=%v", c.flag, o, neg, ok)
		}
	}
}

func TestParseEnvFileDocker(t *testing.T) {
	for _, c := range []struct {
		name, content string
		want          []EnvFileEntry
		errs          int
	}{
		{"plain", "A=1\nB=\n", []EnvFileEntry{{Line: 1, Name: "A", Value: "1"}, {Line: 2, Name: "B"}}, 0},
		{"comments and blank lines", "# c\n\n  # indented\nA=1", []EnvFileEntry{{Line: 4, Name: "A", Value: "1"}}, 0},
		{"quotes kept", `A="x y"`, []EnvFileEntry{{Line: 1, Name: "A", Value: `"x y"`}}, 0},
		{"trailing blanks kept", "A=x  ", []EnvFileEntry{{Line: 1, Name: "A", Value: "x  "}}, 0},
		{"leading blanks of the line stripped", "  A= x", []EnvFileEntry{{Line: 1, Name: "A", Value: " x"}}, 0},
		{"CRLF", "A=1\r\nB=2\r\n", []EnvFileEntry{{Line: 1, Name: "A", Value: "1"}, {Line: 2, Name: "B", Value: "2"}}, 0},
		{"second '=' is value", "A=b=c", []EnvFileEntry{{Line: 1, Name: "A", Value: "b=c"}}, 0},
		{"semicolon is no comment", ";A=1", []EnvFileEntry{{Line: 1, Name: ";A", Value: "1"}}, 0},
		{"no '=' comes from the host", "A", []EnvFileEntry{{Line: 1, Name: "A", FromHost: true}}, 0},
		{"export refused", "export A=1", nil, 1},
		{"space before = refused", "A =1", nil, 1},
		{"no name refused", "=1", nil, 1},
		{"BOM", "\uFEFFA=1", []EnvFileEntry{{Line: 1, Name: "A", Value: "1"}}, 0},
		{"invalid UTF-8", "A=\xff", nil, 1},
	} {
		got, errs := ParseEnvFileDocker(c.content)
		if !reflect.DeepEqual(got, c.want) || len(errs) != c.errs {
			t.Errorf("%s: %+v %v, want %+v and %d errors", c.name, got, errs, c.want, c.errs)
		}
	}
}

func TestParseEnvFileSystemd(t *testing.T) {
	for _, c := range []struct {
		name, content string
		want          []EnvFileEntry
		errs          int
	}{
		{"plain", "A=1\nB=\n", []EnvFileEntry{{Line: 1, Name: "A", Value: "1"}, {Line: 2, Name: "B"}}, 0},
		{"double quotes removed", `A="x y"`, []EnvFileEntry{{Line: 1, Name: "A", Value: "x y"}}, 0},
		{"single quotes removed", `A='x "y"'`, []EnvFileEntry{{Line: 1, Name: "A", Value: `x "y"`}}, 0},
		{"blanks around name and value stripped", "  A = x  \n", []EnvFileEntry{{Line: 1, Name: "A", Value: "x"}}, 0},
		{"escapes", `A=a\ b\\c` + "\n" + `B="q\"\n"`, []EnvFileEntry{{Line: 1, Name: "A", Value: `a b\c`}, {Line: 2, Name: "B", Value: `q"\n`}}, 0},
		{"continuation", "A=a\\\nb\n", []EnvFileEntry{{Line: 1, Name: "A", Value: "ab"}}, 0},
		{"semicolon comment", ";A=1\n#B=2\nC=3", []EnvFileEntry{{Line: 3, Name: "C", Value: "3"}}, 0},
		{"CRLF", "A=1\r\nB=2\r\n", []EnvFileEntry{{Line: 1, Name: "A", Value: "1"}, {Line: 2, Name: "B", Value: "2"}}, 0},
		{"no '=' ignored", "A\nB=1", []EnvFileEntry{{Line: 2, Name: "B", Value: "1"}}, 0},
		{"export dropped", "export A=1", nil, 1},
		{"value keeps inner blanks", "A=x y", []EnvFileEntry{{Line: 1, Name: "A", Value: "x y"}}, 0},
		{"no final newline", "A=1", []EnvFileEntry{{Line: 1, Name: "A", Value: "1"}}, 0},
	} {
		got, errs := ParseEnvFileSystemd(c.content)
		if !reflect.DeepEqual(got, c.want) || len(errs) != c.errs {
			t.Errorf("%s: %+v %v, want %+v and %d errors", c.name, got, errs, c.want, c.errs)
		}
	}
}

// marathonEnvBase is a valid file; cases append to it.
const marathonEnvBase = `# Marathon, as mesosimg writes it
MARATHON_MASTER=zk://mesos:pw@10.0.0.1:2181,10.0.0.2:2181/mesos
MARATHON_ZK=zk://marathon:pw@10.0.0.1:2181,10.0.0.2:2181/marathon
MARATHON_HOSTNAME=10.0.0.1
MARATHON_HTTP_PORT=8080
LIBPROCESS_IP=10.0.0.1
LIBPROCESS_PORT=15101
`

func TestCheckMarathonEnv(t *testing.T) {
	for _, c := range []struct {
		name, extra string
		base        bool
		want        []string // substrings, one per expected error, in order
	}{
		{name: "valid", base: true},
		{name: "valid with auth", base: true, extra: "MARATHON_MESOS_AUTHENTICATION=\nMARATHON_MESOS_AUTHENTICATION_PRINCIPAL=marathon\nMARATHON_MESOS_AUTHENTICATION_SECRET_FILE=/etc/marathon/mesos-secret\nMARATHON_HTTP_CREDENTIALS=admin:pw\nMARATHON_DISABLE_HA=\n"},
		{name: "missing master", extra: "MARATHON_ZK=zk://h/marathon\n", want: []string{"MARATHON_MASTER is missing"}},
		{name: "duplicate variable", base: true, extra: "MARATHON_ZK=zk://h1:2181/marathon\n", want: []string{"different values", "assigned again"}},
		{name: "credential before every host", extra: "MARATHON_MASTER=zk://h/mesos\nMARATHON_ZK=zk://u:p@h1:2181,u:p@h2:2181/marathon\n", want: []string{"not a valid zk url"}},
		{name: "bad master", extra: "MARATHON_MASTER=zk://h:2181\n", want: []string{"not a valid zk url"}},
		{name: "unknown option", base: true, extra: "MARATHON_FOO=1\n", want: []string{"--foo is no option"}},
		{name: "camelCase option unreachable", base: true, extra: "MARATHON_KILLSPERBATCH=5\n", want: []string{"--killsperbatch is no option"}},
		{name: "toggle with a value", base: true, extra: "MARATHON_HA=true\n", want: []string{"takes no value"}},
		{name: "flag with a value", base: true, extra: "MARATHON_DISABLE_HTTP=1\nMARATHON_SSL_KEYSTORE_PATH=/k\nMARATHON_SSL_KEYSTORE_PASSWORD=p\n", want: []string{"takes no value"}},
		{name: "both toggle forms", base: true, extra: "MARATHON_HA=\nMARATHON_DISABLE_HA=\n", want: []string{"already set by MARATHON_HA"}},
		{name: "value option empty", base: true, extra: "MARATHON_MESOS_ROLE=\n", want: []string{"needs a value"}},
		{name: "int with a blank", base: true, extra: "MARATHON_HTTP_PORT=8080 \n", want: []string{"different values", "assigned again"}},
		{name: "int not a number", extra: "MARATHON_MASTER=zk://h/mesos\nMARATHON_HTTP_PORT=80a\n", want: []string{"32-bit integer"}},
		{name: "int out of range", extra: "MARATHON_MASTER=zk://h/mesos\nMARATHON_HTTP_PORT=99999999999\n", want: []string{"32-bit integer"}},
		{name: "long ok", base: true, extra: "MARATHON_ZK_SESSION_TIMEOUT=30000\nMARATHON_FAILOVER_TIMEOUT=-1\n"},
		{name: "quoted value", extra: `MARATHON_MASTER="zk://h/mesos"` + "\n", want: []string{"different values", "neither zk:// nor http(s)://"}},
		{name: "export", base: true, extra: "export MARATHON_HA=\n", want: []string{"whitespace", "not a valid variable name"}},
		{name: "enum", base: true, extra: "MARATHON_GPU_SCHEDULING_BEHAVIOR=Restricted\nMARATHON_NEW_GROUP_ENFORCE_ROLE=Top\n", want: []string{"one of restricted, unrestricted"}},
		{name: "features", base: true, extra: "MARATHON_ENABLE_FEATURES=vips,gpu_resources,maintenance_mode\n", want: []string{`unknown feature "maintenance_mode"`}},
		{name: "authentication without principal", base: true, extra: "MARATHON_MESOS_AUTHENTICATION=\n", want: []string{"needs MARATHON_MESOS_AUTHENTICATION_PRINCIPAL"}},
		{name: "secret and secret file", base: true, extra: "MARATHON_MESOS_AUTHENTICATION_SECRET=x\nMARATHON_MESOS_AUTHENTICATION_SECRET_FILE=/f\n", want: []string{"mutually exclusive"}},
		{name: "credentials without colon", base: true, extra: "MARATHON_HTTP_CREDENTIALS=admin\n", want: []string{"WITHOUT authentication"}},
		{name: "credentials colon in password", base: true, extra: "MARATHON_HTTP_CREDENTIALS=admin:p:w\n", want: []string{"splits at the last one"}},
		{name: "mesosphere credentials", base: true, extra: "MESOSPHERE_HTTP_CREDENTIALS=admin\n", want: []string{"WITHOUT authentication"}},
		{name: "app variables ignored", base: true, extra: "MARATHON_APP_ID=/x\n", want: []string{"ignored by Marathon"}},
		{name: "value like an option", base: true, extra: "MARATHON_MESOS_ROLE=-x\n", want: []string{"starts with '-'"}},
		{name: "removed option", base: true, extra: "MARATHON_DEFAULT_ACCEPTED_RESOURCE_ROLES=*\n", want: []string{"removed in 1.10"}},
		{name: "keystore alone", base: true, extra: "MARATHON_SSL_KEYSTORE_PATH=/k\n", want: []string{"silently off"}},
		{name: "keystore from MESOSPHERE_", base: true, extra: "MARATHON_SSL_KEYSTORE_PATH=/k\nMESOSPHERE_KEYSTORE_PASS=p\n"},
		{name: "disable_http without https", base: true, extra: "MARATHON_DISABLE_HTTP=\n", want: []string{"neither HTTP nor HTTPS"}},
		{name: "plugins", base: true, extra: "MARATHON_PLUGIN_DIR=/p\n", want: []string{"go together"}},
		{name: "no '='", base: true, extra: "MARATHON_HA\n", want: []string{"no '='"}},
		{name: "semicolon comment", base: true, extra: ";MARATHON_HA=\n", want: []string{"docker passes it"}},
		{name: "master host:port", base: false, extra: "MARATHON_MASTER=10.0.0.1:5050\n", want: []string{"deprecated host:port"}},
		{name: "master http", base: false, extra: "MARATHON_MASTER=http://10.0.0.1:5050\n"},
	} {
		content := c.extra
		if c.base {
			content = marathonEnvBase + c.extra
		}
		errs := CheckMarathonEnv(content)
		if len(errs) != len(c.want) {
			t.Errorf("%s: %d errors, want %d: %v", c.name, len(errs), len(c.want), errs)
			continue
		}
		for i, w := range c.want {
			if !strings.Contains(errs[i].Error(), w) {
				t.Errorf("%s: error %d = %v, want %q", c.name, i, errs[i], w)
			}
			if e, ok := errs[i].(*MarathonEnvError); !ok || !e.Source.Valid() {
				t.Errorf("%s: error %d is uncited: %#v", c.name, i, errs[i])
			}
		}
	}
}

func TestCheckMarathonFlag(t *testing.T) {
	for _, c := range []struct {
		name, value, want string // want: substring of the error, "" for none
	}{
		{"mesos_role", "marathon", ""},
		{"disable_ha", "", ""},
		{"ha", "true", "takes no value"},
		{"task_launch_timeout", "600000", ""},
		{"task_launch_timeout", "10min", "64-bit integer"},
		{"tracing", "", "no option"},
		{"max_tasks_per_offer", "5", "no option"},
		{"killsPerBatch", "5", "lower-cased"},
		{"gpu_scheduling_behavior", "unrestricted", ""},
		{"http_credentials", "admin", "WITHOUT authentication"},
		{"zk", "zk://u:p@a,u:p@b/marathon", "not a valid zk url"},
	} {
		err := CheckMarathonFlag(c.name, c.value)
		if (err == nil) != (c.want == "") || err != nil && !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s=%q: %v, want %q", c.name, c.value, err, c.want)
		}
	}
}

func TestMarathonTarballFacts(t *testing.T) {
	if got := len(MarathonTarballFacts()); got != len(marathonTarballAnchors) {
		t.Errorf("%d tarball facts for %d anchors", got, len(marathonTarballAnchors))
	}
	if !MarathonImageUserFact.Source.Valid() || MarathonImageUID != 65534 {
		t.Errorf("image user fact %v", MarathonImageUserFact)
	}
}

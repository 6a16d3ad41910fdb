package upstream

import (
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// EnvFileEntry is one assignment an environment-file reader passes on.
type EnvFileEntry struct {
	// Line is the 1-based line the assignment starts on.
	Line int
	// Name and Value are what the process receives.
	Name, Value string
	// FromHost marks a docker line without '=': docker copies the value from its own environment.
	FromHost bool
}

// ParseEnvFileDocker reads content as `docker run --env-file` does (docker/cli opts/file.go):
// leading whitespace stripped, '#' lines skipped, split at the first '=', the value kept
// verbatim (quotes, trailing spaces, backslashes). Docker refuses the whole file on any error.
func ParseEnvFileDocker(content string) ([]EnvFileEntry, []error) {
	var out []EnvFileEntry
	var errs []error
	src := marathonDockerCLI("opts/file.go", 24)
	for i, raw := range marathonLines(content) {
		n := i + 1
		if i == 0 {
			raw = strings.TrimPrefix(raw, "\uFEFF")
		}
		if !utf8.ValidString(raw) {
			errs = append(errs, &MarathonEnvError{Line: n, Msg: "invalid UTF-8: docker refuses the file", Source: src})
			continue
		}
		line := strings.TrimLeftFunc(raw, unicode.IsSpace)
		if line == "" || line[0] == '#' {
			continue
		}
		name, value, hasValue := strings.Cut(line, "=")
		switch {
		case name == "":
			errs = append(errs, &MarathonEnvError{Line: n, Msg: "no variable name: docker refuses the file", Source: src})
		case strings.ContainsAny(name, " \t"):
			errs = append(errs, &MarathonEnvError{Line: n, Name: name, Msg: "variable name contains whitespace (an `export` or a space before '='?): docker refuses the file", Source: src})
		case !hasValue:
			out = append(out, EnvFileEntry{Line: n, Name: name, FromHost: true})
		default:
			out = append(out, EnvFileEntry{Line: n, Name: name, Value: value})
		}
	}
	return out, errs
}

// marathonLines splits as bufio.ScanLines does: at '\n', dropping one '\r' before it.
func marathonLines(content string) []string {
	if content == "" {
		return nil
	}
	lines := strings.Split(strings.TrimSuffix(content, "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines
}

// ParseEnvFileSystemd reads content as systemd's EnvironmentFile= does (src/basic/env-file.c,
// parse_env_file_internal; then the service manager drops assignments whose name is not a
// valid variable name): whitespace around names and unquoted values stripped, '…' and "…"
// removed, backslash escapes and continuation lines honoured, '#' and ';' comments. Dropped
// assignments come back as errors. Later assignments of a name replace earlier ones.
func ParseEnvFileSystemd(content string) ([]EnvFileEntry, []error) {
	type state int
	const (
		preKey state = iota
		key
		preValue
		value
		valueEscape
		single
		double
		doubleEscape
		comment
		commentEscape
	)
	var (
		out        []EnvFileEntry
		errs       []error
		st         = preKey
		line       = 1
		start      = 1
		k, v       []byte
		keyWS      = -1 // where trailing whitespace of the key starts
		valueWS    = -1 // where trailing whitespace of an unquoted value starts
		isSpace    = func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
		isNewline  = func(c byte) bool { return c == '\n' || c == '\r' }
		needEscape = func(c byte) bool { return strings.IndexByte("\"\\`$", c) >= 0 }
	)
	push := func(chompValue bool) {
		if keyWS >= 0 {
			k = k[:keyWS]
		}
		if chompValue && valueWS >= 0 {
			v = v[:valueWS]
		}
		name := string(k)
		if !marathonEnvNameRE.MatchString(name) {
			errs = append(errs, &MarathonEnvError{Line: start, Name: name,
				Msg: "not a valid variable name: systemd drops the assignment", Source: marathonSystemd("src/basic/env-file.c", 22)})
		} else {
			out = append(out, EnvFileEntry{Line: start, Name: name, Value: string(v)})
		}
		k, v, keyWS, valueWS = nil, nil, -1, -1
	}
	for i := 0; i < len(content); i++ {
		c := content[i]
		switch st {
		case preKey:
			switch {
			case c == '#' || c == ';':
				st = comment
			case !isSpace(c):
				st, start, keyWS = key, line, -1
				k = append(k, c)
			}
		case key:
			switch {
			case isNewline(c):
				st, k = preKey, nil // a name without '=' is ignored
			case c == '=':
				st, valueWS = preValue, -1
			default:
				if !isSpace(c) {
					keyWS = -1
				} else if keyWS < 0 {
					keyWS = len(k)
				}
				k = append(k, c)
			}
		case preValue:
			switch {
			case isNewline(c):
				st = preKey
				push(false)
			case c == '\'':
				st = single
			case c == '"':
				st = double
			case c == '\\':
				st = valueEscape
			case !isSpace(c):
				st = value
				v = append(v, c)
			}
		case value:
			switch {
			case isNewline(c):
				st = preKey
				push(true)
			case c == '\\':
				st, valueWS = valueEscape, -1
			default:
				if !isSpace(c) {
					valueWS = -1
				} else if valueWS < 0 {
					valueWS = len(v)
				}
				v = append(v, c)
			}
		case valueEscape:
			st = value
			if !isNewline(c) {
				v = append(v, c)
			}
		case single:
			if c == '\'' {
				st = preValue
			} else {
				v = append(v, c)
			}
		case double:
			switch c {
			case '"':
				st = preValue
			case '\\':
				st = doubleEscape
			default:
				v = append(v, c)
			}
		case doubleEscape:
			st = double
			switch {
			case needEscape(c):
				v = append(v, c)
			case c != '\n':
				v = append(v, '\\', c)
			}
		case comment:
			if c == '\\' {
				st = commentEscape
			} else if isNewline(c) {
				st = preKey
			}
		case commentEscape:
			if isNewline(c) {
				st = preKey
			} else {
				st = comment
			}
		}
		if c == '\n' {
			line++
		}
	}
	switch st {
	case preValue, valueEscape, single, double, doubleEscape:
		push(false)
	case value:
		push(true)
	}
	for i := range out {
		if !utf8.ValidString(out[i].Name) || !utf8.ValidString(out[i].Value) {
			errs = append(errs, &MarathonEnvError{Line: out[i].Line, Name: out[i].Name, Msg: "invalid UTF-8: systemd drops the assignment", Source: marathonSystemd("src/basic/env-file.c", 22)})
		}
	}
	return out, errs
}

// marathonEnvNameRE is a valid environment variable name as systemd's env_name_is_valid takes it.
var marathonEnvNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// MarathonEnvError is one fault of an environment file meant for Marathon.
type MarathonEnvError struct {
	// Line is the 1-based line; 0 for the file as a whole.
	Line int
	// Name is the variable concerned, if any.
	Name string
	// Msg says what Marathon (or the reader of the file) does with it.
	Msg string
	// Source is the fact it breaks.
	Source Source
}

// Error is "line N: NAME: message (source)".
func (e *MarathonEnvError) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Name != "" {
		b.WriteString(e.Name + ": ")
	}
	b.WriteString(e.Msg)
	if e.Source.Valid() {
		fmt.Fprintf(&b, " (%s)", e.Source)
	}
	return b.String()
}

// CheckMarathonEnv checks an environment file for the Marathon container (`docker run
// --env-file`) or a unit's EnvironmentFile=: both readers must see the same variables, and
// every MARATHON_* variable must make Main.envToArgs produce arguments that AllConf accepts,
// as the only source of Marathon's flags (so --master must be there). Every fault is returned.
func CheckMarathonEnv(content string) []error {
	docker, errs := ParseEnvFileDocker(content)
	systemd, sysErrs := ParseEnvFileSystemd(content)
	errs = append(errs, sysErrs...)
	errs = append(errs, marathonCompareReaders(docker, systemd)...)

	set := map[string]EnvFileEntry{}  // option name → the assignment setting it
	seen := map[string]EnvFileEntry{} // variable → first assignment
	for _, e := range docker {
		if prev, dup := seen[e.Name]; dup {
			errs = append(errs, &MarathonEnvError{Line: e.Line, Name: e.Name, Msg: fmt.Sprintf("assigned again (first on line %d): docker passes both, systemd keeps the last", prev.Line), Source: marathonDockerCLI("opts/file.go", 62)})
			continue
		}
		seen[e.Name] = e
		if e.FromHost {
			errs = append(errs, &MarathonEnvError{Line: e.Line, Name: e.Name, Msg: "no '=': docker copies the value from its own environment, systemd ignores the line", Source: marathonDockerCLI("opts/file.go", 63)})
			continue
		}
		if e.Name == "MESOSPHERE_HTTP_CREDENTIALS" {
			errs = append(errs, marathonCheckCredentials(e)...)
		}
		args := MarathonEnvArgs(e.Name, e.Value)
		if args == nil {
			if strings.HasPrefix(e.Name, "MARATHON_APP_") {
				errs = append(errs, &MarathonEnvError{Line: e.Line, Name: e.Name, Msg: "MARATHON_APP_* variables are ignored by Marathon", Source: Marathon(mthnMain, 224)})
			}
			continue
		}
		flag := strings.TrimPrefix(args[0], "--")
		o, negated, ok := LookupMarathonOption(flag)
		if !ok {
			errs = append(errs, &MarathonEnvError{Line: e.Line, Name: e.Name, Msg: fmt.Sprintf("--%s is no option of Marathon 1.11: it exits 112 (UnknownOption)", flag), Source: marathonScallop("src/main/scala/org.rogach.scallop/Scallop.scala", 164)})
			continue
		}
		if prev, dup := set[o.Name]; dup {
			errs = append(errs, &MarathonEnvError{Line: e.Line, Name: e.Name, Msg: fmt.Sprintf("--%s is already set by %s (line %d): scallop refuses an option given twice", o.Name, prev.Name, prev.Line), Source: marathonScallop("src/main/scala/org.rogach.scallop/CliOptions.scala", 195)})
			continue
		}
		set[o.Name] = e
		if msg, src := marathonCheckValue(o, negated, e.Value); msg != "" {
			errs = append(errs, &MarathonEnvError{Line: e.Line, Name: e.Name, Msg: msg, Source: src})
		}
		if o.Name == "http_credentials" {
			errs = append(errs, marathonCheckCredentials(e)...)
		}
	}
	errs = append(errs, marathonCheckTogether(set, seen)...)
	sort.SliceStable(errs, func(i, j int) bool { return marathonErrLine(errs[i]) < marathonErrLine(errs[j]) })
	return errs
}

func marathonErrLine(err error) int {
	if e, ok := err.(*MarathonEnvError); ok {
		return e.Line
	}
	return 0
}

// CheckMarathonFlag checks one extra flag for Marathon 1.11, named without dashes as in
// --name, with the value an environment file would give it ("" for a toggle or flag): the
// option must exist and be reachable through MARATHON_* (MarathonOption.EnvSettable), and the
// value must be what its kind accepts.
func CheckMarathonFlag(name, value string) error {
	o, negated, ok := LookupMarathonOption(name)
	switch {
	case !ok:
		return &MarathonEnvError{Name: name, Msg: fmt.Sprintf("--%s is no option of Marathon 1.11: it exits 112 (UnknownOption)", name), Source: marathonScallop("src/main/scala/org.rogach.scallop/Scallop.scala", 164)}
	case !o.EnvSettable():
		return &MarathonEnvError{Name: name, Msg: fmt.Sprintf("--%s cannot be set through the environment: MARATHON_* names are lower-cased", name), Source: Marathon(mthnMain, 230)}
	}
	if msg, src := marathonCheckValue(o, negated, value); msg != "" {
		return &MarathonEnvError{Name: name, Msg: msg, Source: src}
	}
	if o.Name == "http_credentials" {
		if errs := marathonCheckCredentials(EnvFileEntry{Name: name, Value: value}); len(errs) > 0 {
			return errs[0]
		}
	}
	return nil
}

// marathonCompareReaders reports every variable docker and systemd would pass differently.
func marathonCompareReaders(docker, systemd []EnvFileEntry) []error {
	var errs []error
	last := map[string]EnvFileEntry{}
	for _, e := range systemd {
		last[e.Name] = e
	}
	inDocker := map[string]bool{}
	for _, e := range docker {
		inDocker[e.Name] = true
		s, ok := last[e.Name]
		switch {
		case e.FromHost:
		case !ok:
			errs = append(errs, &MarathonEnvError{Line: e.Line, Name: e.Name, Msg: "docker passes it, systemd EnvironmentFile= does not", Source: marathonSystemd("src/basic/env-file.c", 22)})
		case s.Value != e.Value:
			errs = append(errs, &MarathonEnvError{Line: e.Line, Name: e.Name, Msg: "docker and systemd read different values (docker keeps quotes, trailing blanks and backslashes verbatim; systemd strips or interprets them)", Source: marathonDockerCLI("opts/file.go", 62)})
		}
	}
	for _, s := range systemd {
		if !inDocker[s.Name] {
			errs = append(errs, &MarathonEnvError{Line: s.Line, Name: s.Name, Msg: "systemd EnvironmentFile= passes it, docker --env-file does not", Source: marathonDockerCLI("opts/file.go", 24)})
		}
	}
	return errs
}

// marathonFeatures are the values --enable_features accepts in 1.11 (Features.scala:23; the
// maintenance_mode entry is only added before 1.8).
var marathonFeatures = map[string]bool{"vips": true, "task_killing": true, "external_volumes": true, "secrets": true, "gpu_resources": true}

var marathonIntRE = regexp.MustCompile(`^[+-]?[0-9]+$`)

// marathonCheckValue says what is wrong with the value envToArgs passes for o ("" when nothing).
func marathonCheckValue(o MarathonOption, negated bool, v string) (string, Source) {
	takesNone := o.Kind == MarathonToggle || o.Kind == MarathonFlag
	switch {
	case takesNone && v != "":
		return fmt.Sprintf("--%s takes no value: set it with an empty value (%s=); %q becomes an extra argument and Marathon exits 112", marathonFlagName(o, negated), marathonEnvName(o, negated), v), Marathon(mthnMain, 231)
	case takesNone:
		return "", Source{}
	case o.Name == "default_accepted_resource_roles":
		return "--default_accepted_resource_roles was removed in 1.10: its validator refuses any value; use --accepted_resource_roles_default_behavior", Marathon(mthnConf, 185)
	case v == "":
		return fmt.Sprintf("--%s needs a value; an empty value passes --%s alone and Marathon exits 112", o.Name, o.Name), marathonScallop("src/main/scala/org.rogach.scallop/DefaultConverters.scala", 32)
	case len(v) > 1 && v[0] == '-' && !unicode.IsDigit(rune(v[1])):
		return fmt.Sprintf("value %q starts with '-': scallop reads it as an option, not as the value of --%s", v, o.Name), marathonScallop("src/main/scala/org.rogach.scallop/Scallop.scala", 234)
	}
	switch o.Kind {
	case MarathonInt, MarathonLong:
		bits := 32
		if o.Kind == MarathonLong {
			bits = 64
		}
		if _, err := strconv.ParseInt(v, 10, bits); err != nil || !marathonIntRE.MatchString(v) {
			return fmt.Sprintf("--%s takes a %d-bit integer (%s), not %q", o.Name, bits, o.Type, v), marathonScallop("src/main/scala/org.rogach.scallop/DefaultConverters.scala", 55)
		}
	case MarathonZkURL:
		if err := MatchMarathonZK(v); err != nil {
			return err.Error(), Marathon(mthnZkConf, 95)
		}
	case MarathonMaster:
		if len(v) >= 5 && strings.EqualFold(v[:5], "zk://") {
			if err := MatchMarathonZK(v); err != nil {
				return err.Error(), Marathon(mthnConf, 517)
			}
		} else if u, err := url.Parse(v); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
			if u.Host == "" {
				return "not a valid http(s) URL", Marathon(mthnConf, 519)
			}
		} else {
			return "neither zk:// nor http(s)://: Marathon hands it to libmesos as a deprecated host:port form", Marathon(mthnConf, 521)
		}
	case MarathonURI:
		if _, err := url.Parse(v); err != nil || strings.ContainsAny(v, " \t") {
			return fmt.Sprintf("--%s takes a URI, not %q", o.Name, v), marathonScallop("jvm/src/main/scala/org.rogach.scallop/package.scala", 18)
		}
	case MarathonEnum:
		for _, want := range o.Values {
			if v == want || o.FoldCase && strings.EqualFold(v, want) {
				return "", Source{}
			}
		}
		return fmt.Sprintf("--%s takes one of %s, not %q", o.Name, strings.Join(o.Values, ", "), v), o.ValuesSource
	case MarathonList:
		if o.Name == "enable_features" {
			for _, f := range strings.Split(v, ",") {
				if f = strings.TrimSpace(f); f != "" && !marathonFeatures[f] {
					return fmt.Sprintf("unknown feature %q (vips, task_killing, external_volumes, secrets, gpu_resources): Marathon refuses to start", f), Marathon("src/main/scala/mesosphere/marathon/Features.scala", 23)
				}
			}
		}
	}
	return "", Source{}
}

func marathonFlagName(o MarathonOption, negated bool) string {
	if negated {
		return o.Negation
	}
	return o.Name
}

func marathonEnvName(o MarathonOption, negated bool) string {
	return "MARATHON_" + strings.ToUpper(marathonFlagName(o, negated))
}

// marathonCheckCredentials checks a user:password for --http_credentials (HttpModule.scala:169).
func marathonCheckCredentials(e EnvFileEntry) []error {
	src := Marathon(mthnHTTPModule, 169)
	user, _, ok := strings.Cut(e.Value, ":")
	switch {
	case !ok || user == "" || strings.HasSuffix(e.Value, ":"):
		return []error{&MarathonEnvError{Line: e.Line, Name: e.Name, Msg: "not user:password: Marathon logs an error and serves its API WITHOUT authentication", Source: src}}
	case strings.Count(e.Value, ":") > 1:
		return []error{&MarathonEnvError{Line: e.Line, Name: e.Name, Msg: "more than one ':': Marathon splits at the last one, so the user name gets part of the password", Source: src}}
	}
	return nil
}

// marathonCheckTogether checks the rules between options (AllConf's verify()).
// The MESOSPHERE_KEYSTORE_* variables stand in for the keystore options (HttpConf.scala:77).
func marathonCheckTogether(set, env map[string]EnvFileEntry) []error {
	var errs []error
	for opt, v := range map[string]string{"ssl_keystore_path": "MESOSPHERE_KEYSTORE_PATH", "ssl_keystore_password": "MESOSPHERE_KEYSTORE_PASS"} {
		if e, ok := env[v]; ok && !e.FromHost {
			if _, given := set[opt]; !given {
				set[opt] = e
			}
		}
	}
	at := func(name string) int { return set[name].Line }
	has := func(name string) bool { _, ok := set[name]; return ok }
	if !has("master") {
		errs = append(errs, &MarathonEnvError{Msg: "MARATHON_MASTER is missing: --master is required", Source: Marathon(mthnConf, 68)})
	}
	if has("mesos_authentication") && !has("mesos_authentication_principal") {
		errs = append(errs, &MarathonEnvError{Line: at("mesos_authentication"), Name: set["mesos_authentication"].Name,
			Msg: "--mesos_authentication needs MARATHON_MESOS_AUTHENTICATION_PRINCIPAL", Source: Marathon(mthnConf, 287)})
	}
	if has("mesos_authentication_secret") && has("mesos_authentication_secret_file") {
		errs = append(errs, &MarathonEnvError{Line: at("mesos_authentication_secret"), Name: "MARATHON_MESOS_AUTHENTICATION_SECRET",
			Msg: "--mesos_authentication_secret and --mesos_authentication_secret_file are mutually exclusive", Source: Marathon(mthnConf, 305)})
	}
	if has("plugin_conf") != has("plugin_dir") {
		name := "plugin_conf"
		if !has(name) {
			name = "plugin_dir"
		}
		errs = append(errs, &MarathonEnvError{Line: at(name), Name: set[name].Name, Msg: "--plugin_conf and --plugin_dir go together",
			Source: Marathon("src/main/scala/mesosphere/marathon/core/plugin/PluginManagerConfiguration.scala", 20)})
	}
	if has("ssl_keystore_path") != has("ssl_keystore_password") {
		name := "ssl_keystore_path"
		if !has(name) {
			name = "ssl_keystore_password"
		}
		errs = append(errs, &MarathonEnvError{Line: at(name), Name: set[name].Name,
			Msg: "HTTPS needs both --ssl_keystore_path and --ssl_keystore_password (or MESOSPHERE_KEYSTORE_*); with one, HTTPS is silently off", Source: Marathon(mthnHTTPModule, 116)})
	}
	if has("disable_http") && !has("ssl_keystore_path") {
		errs = append(errs, &MarathonEnvError{Line: at("disable_http"), Name: set["disable_http"].Name,
			Msg: "--disable_http without HTTPS: neither HTTP nor HTTPS, Marathon refuses to start", Source: Marathon(mthnHTTPModule, 67)})
	}
	return errs
}

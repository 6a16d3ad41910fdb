package upstream

import (
	"fmt"
	"sort"
	"strings"
)

// wrapperPath is the packaged init wrapper, installed as /usr/bin/mesos-init-wrapper
// (CMakeLists.txt:166-183).
const mesosWrapperPath = "support/packaging/common/mesos-init-wrapper.in"

func mesosWrapperSrc(line int) Source { return Clusterd(mesosWrapperPath, line) }

// MesosFlagDir returns the directory mesos-init-wrapper reads a binary's flag files from
// (mesos-init-wrapper.in:68, 128).
func MesosFlagDir(binary string) (string, error) {
	switch binary {
	case MesosMaster:
		return "/etc/mesos-master", nil
	case MesosAgent:
		return "/etc/mesos-agent", nil
	}
	return "", fmt.Errorf("mesos-init-wrapper starts only %s and %s, not %q", MesosMaster, MesosAgent, binary)
}

// wrapperEnvArgs are the variables of the sourced /etc/default files the wrapper turns into
// arguments, in its order (agent: mesos-init-wrapper.in:79-82; master: 137-141).
var mesosWrapperEnvArgs = map[string][][2]string{
	MesosAgent:  {{"MASTER", "master"}, {"IP", "ip"}, {"LOGS", "log_dir"}, {"ISOLATION", "isolation"}},
	MesosMaster: {{"ZK", "zk"}, {"IP", "ip"}, {"PORT", "port"}, {"CLUSTER", "cluster"}, {"LOGS", "log_dir"}},
}

// WrapperInput is what mesos-init-wrapper reads for one daemon.
type WrapperInput struct {
	// Files maps names under the binary's flag directory ("quorum", "?no-hostname_lookup",
	// "attributes/rack", "resources/ports") to their contents.
	Files map[string]string
	// Env holds the variables set by /etc/default/mesos and /etc/default/mesos-<role> after
	// sourcing; all are exported (set -o allexport, mesos-init-wrapper.in:74-77, 132-135).
	Env map[string]string
}

// catContent is "$(cat f)": the content with every trailing newline removed.
func mesosCat(content string) string { return strings.TrimRight(content, "\n") }

// fileArg turns one top-level flag file into the wrapper's argument
// (mesos-init-wrapper.in:83-93, 142-152): "?name" gives --name (content unused), any other
// name gives --name=$(cat file). It reports names the wrapper's unquoted
// `for f in $(find_files ...)` mangles or find skips.
func mesosFileArg(name, content string) (string, error) {
	switch {
	case strings.HasSuffix(name, ".dpkg-dist") || strings.HasSuffix(name, ".rpmnew"):
		return "", fmt.Errorf("%q: find_files skips *.dpkg-dist and *.rpmnew (mesos-init-wrapper.in:62-65)", name)
	case name == "?":
		return "", fmt.Errorf("%q: becomes \"--\", which ends stout's flag parsing (flags.hpp:588)", name)
	case name == "" || strings.ContainsAny(name, " \t\n"):
		return "", fmt.Errorf("%q: the wrapper word-splits file names (unquoted $(find_files), mesos-init-wrapper.in:83)", name)
	case strings.ContainsAny(strings.TrimPrefix(name, "?"), "*?[]"):
		return "", fmt.Errorf("%q: the wrapper glob-expands file names (unquoted $(find_files), mesos-init-wrapper.in:83)", name)
	case strings.Contains(name, "/"):
		return "", fmt.Errorf("%q: find_files reads only the top directory (-maxdepth 1); only the agent's attributes/ and resources/ are read", name)
	}
	if n, ok := strings.CutPrefix(name, "?"); ok {
		if mesosCat(content) != "" {
			return "", fmt.Errorf("%q: the content of a ?-file is ignored (it becomes --%s)", name, n)
		}
		return "--" + n, nil
	}
	return "--" + name + "=" + mesosCat(content), nil
}

// joinedDir is the agent's attributes/ or resources/ directory: every non-empty file
// becomes name:$(cat file), joined with ';' (mesos-init-wrapper.in:96-111).
func mesosJoinedDir(flag string, files map[string]string) string {
	var names []string
	for n, c := range files {
		if d, base, ok := strings.Cut(n, "/"); ok && d == flag && c != "" {
			names = append(names, base)
		}
	}
	if len(names) == 0 {
		return ""
	}
	sort.Strings(names) // find's order is the directory's; any order gives the same flag set
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = n + ":" + mesosCat(files[flag+"/"+n])
	}
	return "--" + flag + "=" + strings.Join(parts, ";")
}

// WrapperArgs returns the arguments mesos-init-wrapper passes to binary: first those from
// the /etc/default variables, then one per top-level file (sorted; the wrapper follows
// find's directory order), then the agent's joined --attributes and --resources. The
// wrapper-only switch ?no-logger (which only drops syslog, mesos-init-wrapper.in:113-124) is
// removed. An error names a file the wrapper would skip or mangle.
func WrapperArgs(binary string, in WrapperInput) ([]string, error) {
	if _, err := MesosFlagDir(binary); err != nil {
		return nil, err
	}
	var args []string
	for _, kv := range mesosWrapperEnvArgs[binary] {
		if v := in.Env[kv[0]]; v != "" {
			args = append(args, "--"+kv[1]+"="+v)
		}
	}
	names := make([]string, 0, len(in.Files))
	for n := range in.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if d, base, ok := strings.Cut(n, "/"); ok && binary == MesosAgent && (d == "attributes" || d == "resources") {
			if base == "" || strings.Contains(base, "/") || strings.ContainsAny(base, " \t\n*?[]") {
				return nil, fmt.Errorf("%q: not a plain file name under %s/", n, d)
			}
			continue
		}
		a, err := mesosFileArg(n, in.Files[n])
		if err != nil {
			return nil, err
		}
		if a == "--no-logger" {
			continue
		}
		args = append(args, a)
	}
	if binary == MesosAgent {
		for _, d := range []string{"attributes", "resources"} {
			if a := mesosJoinedDir(d, in.Files); a != "" {
				args = append(args, a)
			}
		}
	}
	return args, nil
}

// loadState follows stout's FlagsBase::load over one binary's table.
type mesosLoad struct {
	binary string
	table  map[string]MesosFlag
	loaded map[string]string // canonical name → name it was loaded by
	values map[string]string // canonical name → value (bools as "true"/"false")
}

func newMesosLoad(binary string) (*mesosLoad, error) {
	t, err := MesosFlagsOf(binary)
	if err != nil {
		return nil, err
	}
	return &mesosLoad{binary, t, map[string]string{}, map[string]string{}}, nil
}

// arg splits a command-line argument as flags.hpp:585-610 does; ok is false for
// arguments stout skips (not starting with "--").
func mesosSplitArg(arg string) (name string, value *string, ok bool) {
	a := strings.Trim(arg, " \t\n\r")
	rest, ok := strings.CutPrefix(a, "--")
	if !ok || rest == "" {
		return "", nil, false
	}
	if n, v, has := strings.Cut(rest, "="); has {
		return strings.ToLower(n), &v, true
	}
	return strings.ToLower(rest), nil, true
}

// load loads one name/value as flags.hpp:744-833 does, checking the value's type and the
// modelled validators.
func (s *mesosLoad) load(name string, value *string) error {
	negated := strings.HasPrefix(name, "no-")
	flagName := strings.TrimPrefix(name, "no-")
	f, ok := s.table[flagName]
	if !ok {
		return fmt.Errorf("%s: failed to load unknown flag '%s'", s.binary, flagName)
	}
	if by, dup := s.loaded[f.Name]; dup {
		return fmt.Errorf("%s: flag '%s' is already loaded via name '%s'", s.binary, flagName, by)
	}
	var v string
	if f.Type != MesosBool {
		if negated {
			return fmt.Errorf("%s: failed to load non-boolean flag '%s' via '%s'", s.binary, flagName, name)
		}
		if value == nil {
			return fmt.Errorf("%s: failed to load non-boolean flag '%s': missing value", s.binary, flagName)
		}
		v = *value
	} else {
		switch {
		case value == nil || *value == "":
			v = map[bool]string{false: "true", true: "false"}[negated]
		case !negated:
			v = *value
		default:
			return fmt.Errorf("%s: failed to load boolean flag '%s' via '%s' with value '%s'", s.binary, flagName, name, *value)
		}
	}
	if err := ParseFlagValue(f.Type, v); err != nil {
		return fmt.Errorf("%s: failed to load flag '%s': %v", s.binary, flagName, err)
	}
	if val, ok := MesosValidators[s.binary][f.Name]; ok {
		if err := val.Check(v); err != nil {
			return fmt.Errorf("%s: --%s: %v", s.binary, f.Name, err)
		}
	}
	s.loaded[f.Name], s.values[f.Name] = name, v
	return nil
}

// CheckFlagFile says whether a file name with content in the binary's flag directory
// (/etc/mesos-master or /etc/mesos-agent) becomes a valid flag: the wrapper's argument
// (WrapperArgs) loaded by stout (unknown names, ?-files for non-booleans, "no-" rules,
// value types, modelled validators). name may be "attributes/<key>" or "resources/<key>"
// for the agent. Stricter than Mesos: content spanning lines is refused except for JSON
// values (stout would keep the newlines inside a string value).
func CheckFlagFile(binary, name, content string) error {
	dir, err := MesosFlagDir(binary)
	if err != nil {
		return err
	}
	if d, _, ok := strings.Cut(name, "/"); ok {
		if binary != MesosAgent || d != "attributes" && d != "resources" {
			return fmt.Errorf("%s/%s: the wrapper reads no sub-directory there", dir, name)
		}
		if mesosCat(content) == "" {
			return fmt.Errorf("%s/%s: empty files are skipped (mesos-init-wrapper.in:97)", dir, name)
		}
		if strings.ContainsAny(mesosCat(content), ";\n") {
			return fmt.Errorf("%s/%s: the value is joined with ';' into --%s: it must be one line without ';'", dir, name, d)
		}
		args, err := WrapperArgs(binary, WrapperInput{Files: map[string]string{name: content}})
		if err != nil {
			return err
		}
		return mesosCheckArgs(binary, args, nil, false)
	}
	if name == "?no-logger" {
		if mesosCat(content) != "" {
			return fmt.Errorf("%s/%s: the content of a ?-file is ignored", dir, name)
		}
		return nil // the wrapper's own switch: no syslog
	}
	arg, err := mesosFileArg(name, content)
	if err != nil {
		return fmt.Errorf("%s/%s", dir, err)
	}
	n, v, _ := mesosSplitArg(arg)
	if f, ok := MasterOrAgentFlag(binary, strings.TrimPrefix(n, "no-")); ok && v != nil && strings.Contains(*v, "\n") {
		switch f.Type {
		case MesosJSONObject, MesosJSONArray, MesosProtobuf, MesosStringMap:
		default:
			return fmt.Errorf("%s/%s: content spans lines; a %v flag takes one line", dir, name, f.Type)
		}
	}
	return mesosCheckArgs(binary, []string{arg}, nil, false)
}

// MasterOrAgentFlag looks a name (or deprecated alias) up in a binary's table.
func MasterOrAgentFlag(binary, name string) (MesosFlag, bool) {
	t, err := MesosFlagsOf(binary)
	if err != nil {
		return MesosFlag{}, false
	}
	f, ok := t[strings.ToLower(name)]
	return f, ok
}

// checkArgs loads argv (and MESOS_* variables of env) as binary's main does with
// flags.load("MESOS_", argc, argv) (src/master/main.cpp:163, src/slave/main.cpp:437):
// command-line values win over the environment (flags.hpp:729-742), unknown MESOS_*
// variables are ignored (flags.hpp:531-537), unknown arguments are errors.
func mesosCheckArgs(binary string, args []string, env map[string]string, required bool) error {
	_, err := mesosLoadArgs(binary, args, env, required)
	return err
}

func mesosLoadArgs(binary string, args []string, env map[string]string, required bool) (*mesosLoad, error) {
	s, err := newMesosLoad(binary)
	if err != nil {
		return nil, err
	}
	type nv struct {
		name  string
		value *string
	}
	var values []nv
	given := map[string]bool{}
	for _, a := range args {
		if strings.Trim(a, " \t\n\r") == "--" {
			break
		}
		n, v, ok := mesosSplitArg(a)
		if !ok {
			continue
		}
		values = append(values, nv{n, v})
		given[n] = true
	}
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		rest, ok := strings.CutPrefix(k, "MESOS_")
		if !ok {
			continue
		}
		n := strings.ToLower(rest)
		if _, known := s.table[strings.TrimPrefix(n, "no-")]; !known || given[n] {
			continue
		}
		v := env[k]
		values = append(values, nv{n, &v})
	}
	for _, x := range values {
		if err := s.load(x.name, x.value); err != nil {
			return nil, err
		}
	}
	if required {
		names := make([]string, 0, len(s.table))
		for n, f := range s.table {
			if n == f.Name && f.Required && s.loaded[f.Name] == "" {
				names = append(names, n)
			}
		}
		sort.Strings(names)
		if len(names) > 0 {
			return nil, fmt.Errorf("%s: flag '%s' is required, but it was not provided", binary, names[0])
		}
	}
	return s, nil
}

// CheckWrapperConfig checks a whole flag directory and /etc/default environment for one
// binary: WrapperArgs, stout's load with required flags, and the start-up checks of the
// binary's main (agent: --master or --master_detector, src/slave/main.cpp:472-480; master:
// --work_dir and, with --zk, --quorum for the replicated log, src/master/main.cpp:359-377;
// both: --ip excludes --ip_discovery_command, a ZooKeeper URL needs a chroot path).
func CheckWrapperConfig(binary string, in WrapperInput) error {
	args, err := WrapperArgs(binary, in)
	if err != nil {
		return err
	}
	s, err := mesosLoadArgs(binary, args, in.Env, true)
	if err != nil {
		return err
	}
	has := func(n string) bool { _, ok := s.loaded[n]; return ok }
	if has("ip") && has("ip_discovery_command") {
		return fmt.Errorf("%s: only one of --ip or --ip_discovery_command should be specified", binary)
	}
	zk := ""
	switch binary {
	case MesosAgent:
		if !has("master") && !has("master_detector") {
			return fmt.Errorf("mesos-agent: missing required option --master or --master_detector")
		}
		if has("master") && has("master_detector") {
			return fmt.Errorf("mesos-agent: only one of --master or --master_detector should be specified")
		}
		zk = s.values["master"]
	case MesosMaster:
		registry := "replicated_log"
		if has("registry") {
			registry = s.values["registry"]
		}
		if registry == "replicated_log" && !has("work_dir") {
			return fmt.Errorf("mesos-master: --work_dir needed for replicated log based registry")
		}
		if registry == "replicated_log" && has("zk") && !has("quorum") {
			return fmt.Errorf("mesos-master: need to specify --quorum for replicated log based registry when using ZooKeeper")
		}
		zk = s.values["zk"]
	}
	if strings.HasPrefix(zk, "zk://") {
		if err := CheckMesosZK(zk); err != nil {
			return fmt.Errorf("%s: %v", binary, err)
		}
	}
	return nil
}

package upstream

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Binaries whose flags are tabled here.
const (
	// MesosMaster is the master binary (src/master/main.cpp).
	MesosMaster = "mesos-master"
	// MesosAgent is the agent binary (src/slave/main.cpp).
	MesosAgent = "mesos-agent"
	// MesosExecute is the smoke-test framework (src/cli/execute.cpp).
	MesosExecute = "mesos-execute"
)

// MesosFlagType names the stout parser a flag's value goes through, from the C++ type of
// the flag's member (the T of T or Option<T>).
type MesosFlagType int

// The stout value types (3rdparty/stout/include/stout/flags/parse.hpp).
const (
	// MesosBool is bool: "true", "1", "false", "0" (parse.hpp:56).
	MesosBool MesosFlagType = iota + 1
	// MesosString is std::string, taken as is (parse.hpp:49).
	MesosString
	// MesosInt is int, read with istream >> (parse.hpp:34).
	MesosInt
	// MesosSize is size_t, read with istream >> (parse.hpp:34).
	MesosSize
	// MesosUint16 is uint16_t (ports), read with istream >> (parse.hpp:34).
	MesosUint16
	// MesosDouble is double, read with istream >> (parse.hpp:34).
	MesosDouble
	// MesosDuration is Duration: a decimal number and a unit (duration.hpp:363).
	MesosDuration
	// MesosBytes is Bytes: digits and B/KB/MB/GB/TB (bytes.hpp:39).
	MesosBytes
	// MesosPath is Path: the value is the path, never read (fetch.hpp:60, path.hpp:217).
	MesosPath
	// MesosJSONObject is JSON::Object: inline JSON, file://path or /path (parse.hpp:103).
	MesosJSONObject
	// MesosJSONArray is JSON::Array: inline JSON, file://path or /path (parse.hpp:133).
	MesosJSONArray
	// MesosSecurePathOrValue is the value itself or file://path, read at start (parse.hpp:170).
	MesosSecurePathOrValue
	// MesosStringSet is std::set<std::string>: comma-separated, no duplicates (parse.hpp:252).
	MesosStringSet
	// MesosUintList is std::vector<unsigned int>: comma-separated numbers (parse.hpp:227).
	MesosUintList
	// MesosStringMap is hashmap<string,string>: a JSON object of strings (src/common/parse.hpp:108).
	MesosStringMap
	// MesosProtobuf is a protobuf message parsed from a JSON object (src/common/parse.hpp,
	// src/messages/flags.hpp); only the JSON syntax is checked here.
	MesosProtobuf
)

var mesosTypeNames = map[MesosFlagType]string{
	MesosBool: "bool", MesosString: "string", MesosInt: "int", MesosSize: "size_t",
	MesosUint16: "uint16_t", MesosDouble: "double", MesosDuration: "Duration", MesosBytes: "Bytes",
	MesosPath: "Path", MesosJSONObject: "JSON::Object", MesosJSONArray: "JSON::Array",
	MesosSecurePathOrValue: "SecurePathOrValue", MesosStringSet: "set<string>",
	MesosUintList: "vector<unsigned int>", MesosStringMap: "hashmap<string,string>", MesosProtobuf: "protobuf",
}

// String is the stout type's name.
func (t MesosFlagType) String() string {
	if s, ok := mesosTypeNames[t]; ok {
		return s
	}
	return fmt.Sprintf("MesosFlagType(%d)", int(t))
}

// MesosFlag is one flag registered by an add() call in a stout flags class.
type MesosFlag struct {
	// Name is the flag's name (--name).
	Name string
	// Aliases are deprecated names also accepted (flags::DeprecatedName; loading one logs a warning).
	Aliases []string
	// Type is the parser of the value.
	Type MesosFlagType
	// CppType is the member's declared type without std:: and flags:: ("Option<Duration>").
	CppType string
	// Optional is an Option<T> member: unset unless given.
	Optional bool
	// Required is a non-Option member without default: loading fails without it (flags.hpp:358-363, 822-827).
	Required bool
	// Default is the default as written in the add() call ("" when none).
	Default string
	// DefaultValue is the default in flag syntax, when DefaultKnown.
	DefaultValue string
	// DefaultKnown says DefaultValue could be evaluated (literal, unit, constant, build path).
	DefaultKnown bool
	// DefaultSource cites the constant the default names, if any.
	DefaultSource Source
	// Validated says the add() call passes a validation function (see MesosValidators).
	Validated bool
	// Build is the preprocessor condition of the add() call ("" = always compiled).
	Build string
	// Source is the add() call.
	Source Source
	// TypeSource is the member's declaration.
	TypeSource Source
}

type mesosFlagClass int

const (
	mesosClassBase mesosFlagClass = iota + 1
	mesosClassLogging
	mesosClassMaster
	mesosClassAgent
	mesosClassExecute
)

// generatedFlag is one row of mesos_flags_gen.go.
type mesosGenFlag struct {
	class mesosFlagClass
	built bool
	Flag  MesosFlag
}

// flagTable maps every name and alias of the classes' built flags to its flag.
func mesosFlagTable(classes ...mesosFlagClass) map[string]MesosFlag {
	m := map[string]MesosFlag{}
	for _, g := range generatedMesosFlags {
		for _, c := range classes {
			if g.class == c && g.built {
				m[g.Flag.Name] = g.Flag
				for _, a := range g.Flag.Aliases {
					m[a] = g.Flag
				}
			}
		}
	}
	return m
}

// The classes a binary's Flags derive from: master::Flags and slave::Flags extend
// logging::Flags (src/master/flags.hpp:42, src/slave/flags.hpp:39), which extends
// flags::FlagsBase (src/logging/flags.hpp:29), which adds --help (flags.hpp:49).
var (
	// MasterFlags maps every name mesos-master accepts (flag names and deprecated aliases)
	// to its flag, as built for the package (Linux, SSL).
	MasterFlags = mesosFlagTable(mesosClassBase, mesosClassLogging, mesosClassMaster)
	// AgentFlags maps every name mesos-agent accepts (flag names and deprecated aliases) to its flag.
	AgentFlags = mesosFlagTable(mesosClassBase, mesosClassLogging, mesosClassAgent)
	// ExecuteFlags maps every name mesos-execute accepts to its flag (src/cli/execute.cpp:97).
	ExecuteFlags = mesosFlagTable(mesosClassBase, mesosClassExecute)
	// MesosFlagsNotBuilt lists add() calls compiled out of the package build (Build says why):
	// a binary given one of these names fails with "unknown flag".
	MesosFlagsNotBuilt = mesosNotBuilt()
)

func mesosNotBuilt() []MesosFlag {
	var out []MesosFlag
	for _, g := range generatedMesosFlags {
		if !g.built {
			out = append(out, g.Flag)
		}
	}
	return out
}

// MesosFlagsOf returns the flag table of a binary (MesosMaster, MesosAgent, MesosExecute).
func MesosFlagsOf(binary string) (map[string]MesosFlag, error) {
	switch binary {
	case MesosMaster:
		return MasterFlags, nil
	case MesosAgent:
		return AgentFlags, nil
	case MesosExecute:
		return ExecuteFlags, nil
	}
	return nil, fmt.Errorf("unknown Mesos binary %q", binary)
}

// MesosBuildSource cites what the flag tables assume of the package build: README.md's
// package command line enables SSL (so USE_SSL_SOCKET flags exist), CMake options keep the
// optional isolators off.
var MesosBuildSource = []Source{
	Clusterd("README.md", 45),
	Clusterd("cmake/CompilationConfigure.cmake", 609),
	Clusterd("cmake/CompilationConfigure.cmake", 426),
}

// FlagValueFile returns the file stout reads at start-up instead of value, if value names
// one: file://path for every type but Path and SecurePathOrValue' own handling
// (fetch.hpp:37-57; SecurePathOrValue reads it too, parse.hpp:176), and a bare absolute
// path for JSON and protobuf types (parse.hpp:115, deprecated). A Path flag never reads its
// file (fetch.hpp:60-65): it returns the path with file:// removed and false.
func FlagValueFile(t MesosFlagType, value string) (string, bool) {
	if t == MesosPath {
		return strings.TrimPrefix(value, "file://"), false
	}
	if rest, ok := strings.CutPrefix(value, "file://"); ok {
		return rest, true
	}
	switch t {
	case MesosJSONObject, MesosJSONArray, MesosProtobuf, MesosStringMap:
		if strings.HasPrefix(value, "/") {
			return value, true
		}
	}
	return "", false
}

// ParseFlagValue reports whether stout parses value as a flag of type t, value being what
// reaches parse<T>: the command-line text after "--name=" (the whole argument was trimmed of
// " \t\n\r", flags.hpp:585), or a fetched file's contents (not trimmed). A value that names
// a file (FlagValueFile) is accepted unread: check the file's contents with ParseFlagValue.
//
// Stricter than stout on purpose: a negative number for an unsigned type is rejected
// (istream >> would wrap it modulo 2^n).
func ParseFlagValue(t MesosFlagType, value string) error {
	if _, reads := FlagValueFile(t, value); reads && t != MesosSecurePathOrValue {
		return nil
	}
	switch t {
	case MesosBool:
		switch value {
		case "true", "1", "false", "0":
			return nil
		}
		return fmt.Errorf("%q: expecting a boolean (true, false, 1, 0)", value)
	case MesosString, MesosPath, MesosSecurePathOrValue:
		return nil
	case MesosInt:
		return mesosParseInteger(value, true, math.MinInt32, math.MaxInt32)
	case MesosSize:
		return mesosParseInteger(value, false, 0, math.MaxUint64)
	case MesosUint16:
		return mesosParseInteger(value, false, 0, math.MaxUint16)
	case MesosDouble:
		return mesosParseDouble(value)
	case MesosDuration:
		_, err := ParseMesosDuration(value)
		return err
	case MesosBytes:
		_, err := ParseMesosBytes(value)
		return err
	case MesosJSONObject, MesosProtobuf:
		_, err := mesosParseJSONObject(value)
		return err
	case MesosJSONArray:
		var a []json.RawMessage
		if err := json.Unmarshal([]byte(value), &a); err != nil {
			return fmt.Errorf("%q: not a JSON array: %v", value, err)
		}
		return nil
	case MesosStringMap:
		return mesosCheckStringObject(value)
	case MesosStringSet:
		seen := map[string]bool{}
		for _, tok := range mesosTokenize(value, ",") {
			if seen[tok] {
				return fmt.Errorf("%q: duplicate token %q", value, tok)
			}
			seen[tok] = true
		}
		return nil
	case MesosUintList:
		for _, tok := range mesosTokenize(value, ",") {
			if err := mesosParseInteger(tok, false, 0, math.MaxUint32); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("unknown flag type %v", t)
}

// tokenize splits like stout's strings::tokenize: empty tokens are dropped.
func mesosTokenize(s, sep string) []string {
	var out []string
	for _, t := range strings.Split(s, sep) {
		if t != "" {
			out = append(out, t)
		}
	}
	return out
}

// parseInteger follows istream >> for integers (parse.hpp:34-46): leading whitespace is
// skipped, an optional sign, decimal digits, and nothing after them.
func mesosParseInteger(value string, signed bool, min int64, max uint64) error {
	s := strings.TrimLeft(value, " \t\n\r\f\v")
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" || strings.TrimLeft(s, "0123456789") != "" {
		return fmt.Errorf("%q: failed to convert into required type (decimal digits only)", value)
	}
	if neg && !signed {
		return fmt.Errorf("%q: negative value for an unsigned flag", value)
	}
	u, err := strconv.ParseUint(s, 10, 64)
	if err != nil || !neg && u > max || neg && u > uint64(-min) {
		return fmt.Errorf("%q: out of range", value)
	}
	return nil
}

// parseDouble follows istream >> double: sign, digits with one optional '.', optional exponent.
func mesosParseDouble(value string) error {
	s := strings.TrimLeft(value, " \t\n\r\f\v")
	if strings.ContainsAny(s, "xXpPiInN_") || s == "" {
		return fmt.Errorf("%q: failed to convert into required type", value)
	}
	if _, err := strconv.ParseFloat(s, 64); err != nil {
		return fmt.Errorf("%q: failed to convert into required type", value)
	}
	return nil
}

// Duration units and their nanoseconds (duration.hpp:382-397), case-sensitive.
var mesosDurationUnits = map[string]float64{
	"ns": 1, "us": 1e3, "ms": 1e6, "secs": 1e9, "mins": 60e9, "hrs": 3600e9,
	"days": 86400e9, "weeks": 604800e9,
}

// ParseMesosDuration parses stout's Duration grammar (duration.hpp:363-414): digits and
// dots read as a double, then exactly one of ns, us, ms, secs, mins, hrs, days, weeks; no
// sign, no space, no bare number. It returns nanoseconds.
func ParseMesosDuration(s string) (int64, error) {
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
		i++
	}
	if i == len(s) {
		return 0, fmt.Errorf("invalid duration %q: a unit is required (ns, us, ms, secs, mins, hrs, days, weeks)", s)
	}
	num, unit := s[:i], s[i:]
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || num == "" || strings.Count(num, ".") > 1 {
		return 0, fmt.Errorf("invalid duration %q: failed to convert %q to number", s, num)
	}
	f, ok := mesosDurationUnits[unit]
	if !ok {
		return 0, fmt.Errorf("invalid duration %q: unknown unit %q; supported are ns, us, ms, secs, mins, hrs, days, weeks", s, unit)
	}
	n := v * f
	if n > math.MaxInt64 {
		return 0, fmt.Errorf("invalid duration %q: out of the range of a Duration", s)
	}
	return int64(n), nil
}

// ParseMesosBytes parses stout's Bytes grammar (bytes.hpp:39-74): decimal digits, then B,
// KB, MB, GB or TB (case-insensitive, powers of 1024); no fraction, no space, no bare number.
func ParseMesosBytes(s string) (uint64, error) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i < len(s) && s[i] == '.' {
		return 0, fmt.Errorf("fractional bytes %q", s)
	}
	if i == len(s) {
		return 0, fmt.Errorf("invalid bytes %q: a unit is required (B, KB, MB, GB, TB)", s)
	}
	v, err := strconv.ParseUint(s[:i], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("invalid bytes %q: failed to convert %q to number", s, s[:i])
	}
	shift := map[string]uint{"B": 0, "KB": 10, "MB": 20, "GB": 30, "TB": 40}
	sh, ok := shift[strings.ToUpper(s[i:])]
	if !ok {
		return 0, fmt.Errorf("invalid bytes %q: unknown unit %q", s, strings.ToUpper(s[i:]))
	}
	return v << sh, nil
}

// MesosValidator is a flag's validation function (the lambda of its add() call), where
// mesosimg models it.
type MesosValidator struct {
	// Check returns the error stout's load reports for a parsed value.
	Check func(value string) error
	// Source is the lambda.
	Source Source
}

// MesosValidators holds the modelled validation lambdas, by binary and flag name. Other
// flags with Validated set are checked by Mesos only.
var MesosValidators = map[string]map[string]MesosValidator{
	MesosMaster: {
		"registry_strict": {func(v string) error {
			if v == "true" || v == "1" || v == "" {
				return fmt.Errorf("support for --registry_strict has been disabled")
			}
			return nil
		}, Clusterd("src/master/flags.cpp", 98)},
		"agent_ping_timeout": {mesosDurationBetween(1e9, 15*60e9), Clusterd("src/master/flags.cpp", 537)},
		"max_agent_ping_timeouts": {func(v string) error {
			if n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64); err == nil && n < 1 {
				return fmt.Errorf("expected --max_agent_ping_timeouts to be at least 1")
			}
			return nil
		}, Clusterd("src/master/flags.cpp", 553)},
	},
	MesosAgent: {
		"executor_environment_variables": {func(v string) error {
			if _, reads := FlagValueFile(MesosJSONObject, v); reads {
				return nil
			}
			return CheckExecutorEnvJSON([]byte(v))
		}, Clusterd("src/slave/flags.cpp", 463)},
		"executor_reregistration_timeout": {mesosDurationBetween(0, 15e9), Clusterd("src/slave/flags.cpp", 489)},
	},
}

func mesosDurationBetween(min, max int64) func(string) error {
	return func(v string) error {
		d, err := ParseMesosDuration(v)
		if err != nil {
			return nil // reported by the parser
		}
		if d < min || d > max {
			return fmt.Errorf("%s is outside [%dns, %dns]", v, min, max)
		}
		return nil
	}
}

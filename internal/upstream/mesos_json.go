package upstream

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// parseJSONObject parses like stout's JSON::parse<JSON::Object> (json.hpp:978-1038): one
// JSON value with nothing but whitespace after it, and it must be an object. Duplicate keys
// keep the last value, as stout's parser does (json.hpp:960-963).
func mesosParseJSONObject(value string) (map[string]any, error) {
	if strings.TrimSpace(value) == "" {
		return nil, fmt.Errorf("empty JSON")
	}
	dec := json.NewDecoder(strings.NewReader(value))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("invalid JSON: %v", err)
	}
	if dec.More() || strings.TrimSpace(value[dec.InputOffset():]) != "" {
		return nil, fmt.Errorf("JSON has non-whitespace trailing characters")
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("unexpected JSON type parsed: want an object")
	}
	return obj, nil
}

// checkStringObject accepts a JSON object whose values are all strings.
func mesosCheckStringObject(value string) error {
	obj, err := mesosParseJSONObject(value)
	if err != nil {
		return err
	}
	for _, k := range mesosSortedKeys(obj) {
		if _, ok := obj[k].(string); !ok {
			return fmt.Errorf("value of %q is a %s, not a string", k, mesosJSONKind(obj[k]))
		}
	}
	return nil
}

func mesosSortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func mesosJSONKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case json.Number:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// CheckExecutorEnvJSON checks a --executor_environment_variables value (inline JSON, or the
// contents of the file it names) as the agent does: a JSON object whose every value is a
// JSON string; null, numbers, booleans, arrays and objects are rejected
// (src/slave/flags.cpp:463-473).
func CheckExecutorEnvJSON(b []byte) error {
	if err := mesosCheckStringObject(string(b)); err != nil {
		return fmt.Errorf("--executor_environment_variables: %v (it must only contain string values)", err)
	}
	return nil
}

// protoCredential checks one Credential message (include/mesos/mesos.proto:2933-2936:
// required string principal, optional string secret) the way stout's JSON → protobuf
// parser reads it: unknown keys are ignored (protobuf.hpp:710-724), null is unset
// (protobuf.hpp:691-696), a string field takes only a JSON string (protobuf.hpp:491-500,
// 597-650), and the required principal must end up set (protobuf.hpp:753-756).
func mesosProtoCredential(v any) (principal string, err error) {
	obj, ok := v.(map[string]any)
	if !ok {
		return "", fmt.Errorf("a credential is a JSON %s, not an object", mesosJSONKind(v))
	}
	set := false
	for _, field := range []string{"principal", "secret"} {
		fv, present := obj[field]
		if !present || fv == nil {
			continue
		}
		s, ok := fv.(string)
		if !ok {
			return "", fmt.Errorf("not expecting a JSON %s for field '%s'", mesosJSONKind(fv), field)
		}
		if field == "principal" {
			principal, set = s, true
		}
	}
	if !set {
		return "", fmt.Errorf("missing required fields: principal")
	}
	return principal, nil
}

// CheckCredentialsJSON checks a master --credentials file (also the agent's
// --http_credentials): credentials::read (src/credentials/credentials.hpp:35-68) takes an
// empty file as none, and the master then exits "Credentials file must contain at least one
// credential" (src/master/master.cpp:526-529); otherwise the file is a JSON object parsed
// into the Credentials message (mesos.proto:2944-2946): "credentials" is a list of
// Credential objects (a single object is taken as one, protobuf.hpp:473-479). A file without
// any credential is rejected here too: nothing could authenticate with it.
func CheckCredentialsJSON(b []byte) error {
	if len(b) == 0 {
		return fmt.Errorf("credentials file is empty: Mesos exits (must contain at least one credential)")
	}
	obj, err := mesosParseJSONObject(string(b))
	if err != nil {
		return fmt.Errorf("invalid json format: %v", err)
	}
	var list []any
	switch c := obj["credentials"].(type) {
	case nil:
	case []any:
		list = c
	case map[string]any:
		list = []any{c}
	default:
		return fmt.Errorf("not expecting a JSON %s for field 'credentials'", mesosJSONKind(c))
	}
	if len(list) == 0 {
		return fmt.Errorf("no credential in the file")
	}
	for i, c := range list {
		if _, err := mesosProtoCredential(c); err != nil {
			return fmt.Errorf("credentials[%d]: %v", i, err)
		}
	}
	return nil
}

// CheckCredentialJSON checks an agent --credential file: credentials::readCredential
// (src/credentials/credentials.hpp:71-104) reads one Credential JSON object; an empty file
// makes the agent exit "Empty credential file" (src/slave/slave.cpp:310-313).
func CheckCredentialJSON(b []byte) error {
	if len(b) == 0 {
		return fmt.Errorf("credential file is empty: the agent exits")
	}
	obj, err := mesosParseJSONObject(string(b))
	if err != nil {
		return fmt.Errorf("invalid json format: %v", err)
	}
	_, err = mesosProtoCredential(obj)
	return err
}

// CheckMesosHTTPBasicCredential says whether a principal and secret can pass libprocess' HTTP
// Basic authenticator: it splits the decoded "principal:secret" at every ':' and wants
// exactly two parts (3rdparty/libprocess/src/authenticator.cpp:109-115), so neither may
// contain ':'; the header itself must be "Basic <base64>" (authenticator.cpp:97-101).
func CheckMesosHTTPBasicCredential(principal, secret string) error {
	if strings.Contains(principal, ":") || strings.Contains(secret, ":") {
		return fmt.Errorf("principal or secret contains ':': Mesos HTTP Basic authentication can never accept it")
	}
	if principal == "" {
		return fmt.Errorf("empty principal")
	}
	return nil
}

// MesosMetricKey renders a metric name as it appears in /metrics/snapshot: stout writes
// JSON with rapidjson, which escapes only '"', '\\' and control characters, never '/'
// (rapidjson 1.1.0 writer.h:347-357), so "master/elected" is written as is.
func MesosMetricKey(name string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(name)
	return strings.TrimSuffix(b.String(), "\n")
}

// MesosMetricField renders one "name":value member of /metrics/snapshot as the
// master and agent write it: the snapshot is a map<string,double> (libprocess
// src/metrics/metrics.cpp:218-220) written compactly by rapidjson, whose dtoa writes an
// integral double with ".0" (1 as 1.0, 0 as 0.0; rapidjson 1.1.0 internal/dtoa.h:153-159,
// 219-226). Values between 1e-6 and 1e21 are rendered exactly; others (exponent form) are
// not modelled.
func MesosMetricField(name string, value float64) (string, error) {
	a := math.Abs(value)
	if value != 0 && (a < 1e-6 || a >= 1e21) || math.IsNaN(value) {
		return "", fmt.Errorf("metric value %v: exponent form not modelled", value)
	}
	v := strconv.FormatFloat(value, 'f', -1, 64)
	if !strings.Contains(v, ".") {
		v += ".0"
	}
	return MesosMetricKey(name) + ":" + v, nil
}

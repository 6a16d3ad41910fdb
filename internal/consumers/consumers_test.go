package consumers

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// recorder stands in for a test's testing.TB: it keeps what a check reports instead of failing
// the test, so a test can show that the check rejects a broken input. Everything else (TempDir,
// Helper, Logf, Cleanup) goes to the real test.
type recorder struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

func (r *recorder) add(msg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, msg)
}

// Errorf records a failure.
func (r *recorder) Errorf(format string, args ...any) { r.add(fmt.Sprintf(format, args...)) }

// Error records a failure.
func (r *recorder) Error(args ...any) { r.add(fmt.Sprint(args...)) }

// Fatalf records a failure and stops the check, as testing's Fatalf stops its test.
func (r *recorder) Fatalf(format string, args ...any) {
	r.add(fmt.Sprintf(format, args...))
	runtime.Goexit()
}

// Fatal records a failure and stops the check.
func (r *recorder) Fatal(args ...any) { r.add(fmt.Sprint(args...)); runtime.Goexit() }

// Fail records a failure.
func (r *recorder) Fail() { r.add("Fail") }

// FailNow records a failure and stops the check.
func (r *recorder) FailNow() { r.add("FailNow"); runtime.Goexit() }

// Failed reports whether the check failed.
func (r *recorder) Failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.errors) > 0
}

// reported runs check against a recorder in a goroutine of its own (a Fatal ends only that
// goroutine) and returns what it reported, joined.
func reported(t *testing.T, check func(tb testing.TB)) string {
	t.Helper()
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		check(r)
	}()
	<-done
	return strings.Join(r.errors, "\n")
}

func write(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCloudInitSchemaRejects: `cloud-init schema -c` passes a valid cloud-config and fails one
// whose write_files entry has no path.
func TestCloudInitSchemaRejects(t *testing.T) {
	good := write(t, "good", "#cloud-config\nhostname: a\nwrite_files:\n  - {path: /etc/x, content: x}\n")
	if got := reported(t, func(tb testing.TB) { CloudInitSchema(tb, good) }); got != "" {
		t.Fatalf("a valid cloud-config failed: %s", got)
	}
	bad := write(t, "bad", "#cloud-config\nhostname: a\nwrite_files:\n  - {content: x}\n")
	if got := reported(t, func(tb testing.TB) { CloudInitSchema(tb, bad) }); !strings.Contains(got, "'path' is a required property") {
		t.Errorf("cloud-init schema passed write_files without a path: %q", got)
	}
}

// TestSchemaInProcessRejects: the in-process check fails a schema violation and, beyond the
// schema, a top-level key no module reads and a permission written as a number.
func TestSchemaInProcessRejects(t *testing.T) {
	file := func(extra map[string]any) map[string]any {
		f := map[string]any{"path": "/etc/x", "content": "x", "permissions": "0644"}
		for k, v := range extra {
			f[k] = v
		}
		return f
	}
	for _, tt := range []struct {
		name string
		doc  map[string]any
		want string // "" for a document that passes
	}{
		{"valid", map[string]any{"hostname": "a", "write_files": []any{file(nil)}}, ""},
		{"schema violation", map[string]any{"write_files": []any{map[string]any{"content": "x", "permissions": "0644"}}}, "missing property 'path'"},
		{"unknown top-level key", map[string]any{"hostname": "a", "packges": []any{"zookeeper"}}, "top-level keys no cloud-init module reads: [packges]"},
		{"permissions as a number", map[string]any{"write_files": []any{file(map[string]any{"permissions": float64(420)})}}, "is not a quoted octal string"},
	} {
		got := reported(t, func(tb testing.TB) { SchemaInProcess(tb, tt.name, tt.doc) })
		if tt.want == "" && got != "" || !strings.Contains(got, tt.want) {
			t.Errorf("%s: reported %q; want %q", tt.name, got, tt.want)
		}
	}
}

// TestPyYAMLRoundTripRejects: a file PyYAML reads as yaml.v3 does passes; one where YAML 1.1 and
// 1.2 disagree (yes is true to PyYAML, a string to yaml.v3) fails with the difference.
func TestPyYAMLRoundTripRejects(t *testing.T) {
	good := "#cloud-config\nenabled: 'yes'\npermissions: '0644'\nversion: '1.10'\n"
	if got := reported(t, func(tb testing.TB) { PyYAMLReadsAsWritten(tb, write(t, "good", good), []byte(good)) }); got != "" {
		t.Fatalf("a file both read alike failed: %s", got)
	}
	bad := "#cloud-config\nenabled: yes\n"
	got := reported(t, func(tb testing.TB) { PyYAMLReadsAsWritten(tb, write(t, "bad", bad), []byte(bad)) })
	if !strings.Contains(got, "PyYAML reads something else than was written") || !strings.Contains(got, `"yes"`) {
		t.Errorf("enabled: yes passed the round trip: %q", got)
	}
}

// TestShellCheckReadsTheShebang: a bashism passes in a #!/bin/bash script and fails in a
// #!/bin/sh one, which dash runs; a script with no #! line fails.
func TestShellCheckReadsTheShebang(t *testing.T) {
	body := "if [[ -n \"${1:-}\" ]]; then echo \"$1\"; fi\n"
	for _, tt := range []struct {
		script, want string
	}{
		{"#!/bin/bash\n" + body, ""},
		{"#!/usr/bin/env bash\n" + body, ""},
		{"#!/bin/sh\n" + body, "In POSIX sh, [[ ]] is undefined"},
		{"#!/bin/sh -e\n" + body, "In POSIX sh, [[ ]] is undefined"},
		{"#!/bin/sh\nif [ -n \"${1:-}\" ]; then echo \"$1\"; fi\n", ""},
		{body, "no #! line"},
	} {
		path := write(t, "script", tt.script)
		got := reported(t, func(tb testing.TB) { ShellCheck(tb, path) })
		if tt.want == "" && got != "" || !strings.Contains(got, tt.want) {
			t.Errorf("shellcheck of %q: reported %q; want %q", tt.script, got, tt.want)
		}
	}
}

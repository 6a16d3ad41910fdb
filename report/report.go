// Package report collects positioned validation findings: every error and
// warning in a description, not just the first, each correlated to the line and
// column of the YAML node it is about.
package report

import (
	"fmt"
	"sort"
	"strings"
)

// Severity says whether a finding stops a render.
type Severity int

const (
	// Error makes the description invalid.
	Error Severity = iota
	// Warning is reported but does not stop a render.
	Warning
)

// String returns "error" or "warning".
func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Pos is a 1-based line and column in the source; zero means unknown.
type Pos struct {
	Line, Column int
}

// Entry is one finding.
type Entry struct {
	Severity Severity
	// Path is the dotted path of the field, e.g. "nodes[1].ip"; empty for the document.
	Path    string
	Pos     Pos
	Message string
	// Context is, for a syntax error, where the construct the fault is in starts (an unclosed
	// '[' or quote); zero when there is none.
	Context Pos
	// Quote asks FormatSource to show the source lines of Pos and Context under the message,
	// with a caret under the column.
	Quote bool
}

// String formats the entry without a file name: "LINE:COL: [warning: ]path: message".
func (e Entry) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d:%d: ", e.Pos.Line, e.Pos.Column)
	if e.Severity == Warning {
		b.WriteString("warning: ")
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	return b.String()
}

// Report is an ordered list of findings.
type Report struct {
	Entries []Entry
}

// Add appends an entry.
func (r *Report) Add(e Entry) { r.Entries = append(r.Entries, e) }

// Errorf adds an error about path.
func (r *Report) Errorf(path, format string, args ...any) {
	r.Add(Entry{Severity: Error, Path: path, Message: fmt.Sprintf(format, args...)})
}

// Warnf adds a warning about path.
func (r *Report) Warnf(path, format string, args ...any) {
	r.Add(Entry{Severity: Warning, Path: path, Message: fmt.Sprintf(format, args...)})
}

// Merge appends every entry of other.
func (r *Report) Merge(other Report) { r.Entries = append(r.Entries, other.Entries...) }

// HasErrors reports whether any entry is an error.
func (r Report) HasErrors() bool {
	for _, e := range r.Entries {
		if e.Severity == Error {
			return true
		}
	}
	return false
}

// Errors returns only the error entries.
func (r Report) Errors() []Entry { return r.filter(Error) }

// Warnings returns only the warning entries.
func (r Report) Warnings() []Entry { return r.filter(Warning) }

func (r Report) filter(s Severity) []Entry {
	var out []Entry
	for _, e := range r.Entries {
		if e.Severity == s {
			out = append(out, e)
		}
	}
	return out
}

// Correlate fills in the position of every entry that has none, from the
// position of its path or, failing that, of the nearest enclosing path.
func (r *Report) Correlate(lookup func(path string) (Pos, bool)) {
	for i := range r.Entries {
		e := &r.Entries[i]
		if e.Pos.Line != 0 {
			continue
		}
		for p := e.Path; ; p = Parent(p) {
			if pos, ok := lookup(p); ok {
				e.Pos = pos
				break
			}
			if p == "" {
				e.Pos = Pos{Line: 1, Column: 1}
				break
			}
		}
	}
}

// Sort orders entries by position, keeping the order of entries at the same place.
func (r *Report) Sort() {
	sort.SliceStable(r.Entries, func(i, j int) bool {
		a, b := r.Entries[i].Pos, r.Entries[j].Pos
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
}

// Format renders every entry as "FILE:LINE:COLUMN: message", one per line.
func (r Report) Format(file string) string {
	var b strings.Builder
	for _, e := range r.Entries {
		b.WriteString(file)
		b.WriteByte(':')
		b.WriteString(e.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// Parent returns the enclosing path: "nodes[1].ip" → "nodes[1]" → "nodes" → "".
func Parent(path string) string {
	if path == "" {
		return ""
	}
	if strings.HasSuffix(path, "]") {
		if i := strings.LastIndexByte(path, '['); i >= 0 {
			return path[:i]
		}
	}
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return path[:i]
	}
	return ""
}

// Field joins a parent path and a key: Field("nodes[0]", "ip") = "nodes[0].ip".
func Field(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

// Index joins a parent path and an index: Index("nodes", 2) = "nodes[2]".
func Index(parent string, i int) string { return fmt.Sprintf("%s[%d]", parent, i) }

package yamlpos

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	yaml4 "go.yaml.in/yaml/v4"

	"github.com/mesosimg/mesosimg/report"
)

// SyntaxError is a YAML syntax error with the place of the fault and, where the parser
// knows it, the place of the construct the fault is in (the '[' left open, the quote never
// closed, the mapping a line fails to line up with).
type SyntaxError struct {
	// Pos is where the parser found the fault (libyaml's and PyYAML's problem mark).
	Pos report.Pos
	// Context is where the construct the fault is in starts (their context mark); zero when
	// the parser names none, or none worth showing.
	Context report.Pos
	// Message is the parser's word for the fault, followed by what would be valid.
	Message string
}

// Syntax finds the first syntax error in data and where it is. yaml.v3 reports a syntax
// error by the line of its context, one early and without a column; its successor
// go.yaml.in/yaml/v4, the same libyaml port, keeps both marks, which Syntax reads. It
// returns false when v4 finds no syntax error (the caller then keeps yaml.v3's message).
func Syntax(data []byte) (SyntaxError, bool) {
	l, err := yaml4.NewLoader(bytes.NewReader(data), yaml4.WithUniqueKeys(false))
	if err != nil {
		return SyntaxError{}, false
	}
	for {
		var doc yaml4.Node
		err := l.Load(&doc)
		if errors.Is(err, io.EOF) || err == nil && doc.Kind == 0 {
			return SyntaxError{}, false
		}
		if err == nil {
			continue
		}
		var le *yaml4.LoadError
		if !errors.As(err, &le) || le.Mark.Line < 1 {
			return SyntaxError{}, false
		}
		switch le.Stage {
		case yaml4.ReaderStage, yaml4.ScannerStage, yaml4.ParserStage, yaml4.ComposerStage:
		default:
			return SyntaxError{}, false
		}
		return explain(data, le), true
	}
}

// explain turns a v4 load error into a SyntaxError whose message says what would be valid.
func explain(data []byte, le *yaml4.LoadError) SyntaxError {
	se := SyntaxError{Pos: report.Pos{Line: le.Mark.Line, Column: max(le.Mark.Column, 1)}}
	ctx := report.Pos{Line: le.ContextMark.Line, Column: max(le.ContextMark.Column, 1)}
	at := func(p report.Pos) string { return fmt.Sprintf("line %d, column %d", p.Line, p.Column) }
	char := runeAt(data, le.Mark.Index)
	msg := le.Message
	hint := ""
	useCtx := ctx.Line > 0 && ctx != se.Pos
	switch {
	case le.ContextMsg == "while parsing a flow sequence":
		hint = fmt.Sprintf("the list opened with '[' at %s is not closed: end it with ']' (items are separated by ',')", at(ctx))
	case le.ContextMsg == "while parsing a flow mapping":
		hint = fmt.Sprintf("the mapping opened with '{' at %s is not closed: end it with '}' (entries are key: value, separated by ',')", at(ctx))
	case le.ContextMsg == "while scanning a quoted scalar" && strings.Contains(msg, "end of stream"):
		q := runeAt(data, le.ContextMark.Index)
		if q != '"' && q != '\'' {
			q = '"'
		}
		hint = fmt.Sprintf("the string opened with %c at %s is never closed: add the closing %c", q, at(ctx), q)
	case strings.Contains(msg, "unknown escape character"):
		// libyaml marks the backslash, PyYAML the character after it, which the message is about.
		if r := runeAt(data, le.Mark.Index); r == '\\' {
			se.Pos.Column++
		}
		hint = `inside double quotes a backslash starts an escape (\n, \t, \\, \"): double the backslash, or use single quotes`
	case strings.Contains(msg, "tab character") || char == '\t' && strings.Contains(msg, "cannot start any token"):
		hint, useCtx = "YAML is indented with spaces, never tabs: replace the tab with spaces", false
	case strings.Contains(msg, "cannot start any token"):
		hint = fmt.Sprintf("%q cannot start a plain value: put the value in quotes", char)
		useCtx = false
	case strings.Contains(msg, "mapping values are not allowed"):
		hint = "a ': ' cannot follow a plain value here: quote the value if it holds ': ', or indent this key like the other keys of its mapping"
	case strings.Contains(msg, "could not find expected ':'"):
		hint = fmt.Sprintf("the key at %s has no ':' after it: write key: value (a value continued on the next line must be indented)", at(ctx))
	case le.ContextMsg == "while parsing a block mapping":
		hint = fmt.Sprintf("this line does not line up with the keys of the mapping at %s or of a mapping around it: indent it like the lines it belongs with, or remove what is left over", at(ctx))
	case le.ContextMsg == "while parsing a block collection":
		hint = fmt.Sprintf("this line does not line up with the items ('- ') of the list at %s or with a key around it: indent it like the lines it belongs with", at(ctx))
	case strings.HasPrefix(msg, "unknown anchor"):
		name := strings.TrimSuffix(strings.TrimPrefix(msg, "unknown anchor '"), "' referenced")
		msg, hint = fmt.Sprintf("alias *%s refers to no anchor", name), fmt.Sprintf("define it first with &%s", name)
	case strings.Contains(msg, "max depth"):
		hint = "lists and mappings nest deeper here than any description needs: remove the extra '[' or '{'"
	case strings.Contains(msg, "did not find expected node content") || strings.Contains(msg, "did not find expected key"):
		hint = "a value or key is missing here, or a line is indented wrong"
	}
	if le.ContextMsg == "while scanning a plain scalar" || le.ContextMsg == "while scanning for the next token" {
		useCtx = false
	}
	// At the end of a text without a final line break, libyaml marks a line after the last one;
	// PyYAML, and an editor, mark the end of the last line.
	se.Pos = clamp(data, se.Pos)
	if useCtx {
		se.Context = clamp(data, ctx)
	}
	se.Message = msg
	if hint != "" {
		se.Message += ": " + hint
	}
	return se
}

// clamp moves a position past the end of data to the end of data's last line.
func clamp(data []byte, p report.Pos) report.Pos {
	line, col := 1, 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == '\r' && i+1 < len(data) && data[i+1] == '\n':
			size = 2
			fallthrough
		case r == '\n' || r == '\r' || r == '\u0085' || r == '\u2028' || r == '\u2029':
			line, col = line+1, 1
		case !(i == 0 && r == '\ufeff'):
			col++
		}
		i += size
	}
	if p.Line > line || p.Line == line && p.Column > col {
		return report.Pos{Line: line, Column: col}
	}
	return p
}

// runeAt is the character at byte offset i of data, or 0 past its end.
func runeAt(data []byte, i int) rune {
	if i < 0 || i >= len(data) {
		return 0
	}
	r, _ := utf8.DecodeRune(data[i:])
	return r
}

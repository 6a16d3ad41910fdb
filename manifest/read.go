package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// MaxSize is the largest manifest read, in bytes (a 10,000-node render's is about 20 MB).
const MaxSize = 256 << 20

// formatPrefix starts the format field of every version of the manifest.
const formatPrefix = "mesosimg-manifest/"

// Error is a problem with a manifest, at a position when one is known.
type Error struct {
	// File names the manifest.
	File string
	// Line and Column locate the problem (1-based); 0 when unknown.
	Line, Column int
	// Message says what is wrong.
	Message string
}

// Error is FILE:LINE:COLUMN: message (FILE: message without a position).
func (e *Error) Error() string {
	if e.Line == 0 {
		return e.File + ": " + e.Message
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Message)
}

// Read reads the manifest at path: a manifest.json, or an output directory holding one.
func Read(path string) (*Manifest, error) {
	if info, err := os.Stat(path); err == nil && info.IsDir() {
		path = filepath.Join(path, FileName)
	}
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, &Error{File: path, Message: "no manifest here: render the cluster (mesosimg render … -o DIR) to write DIR/" + FileName}
		}
		return nil, &Error{File: path, Message: err.Error()}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, &Error{File: path, Message: err.Error()}
	}
	if len(data) > MaxSize {
		return nil, &Error{File: path, Message: fmt.Sprintf("larger than %d MB: not a manifest mesosimg wrote", MaxSize>>20)}
	}
	return Parse(path, data)
}

// Parse reads a manifest from data (name is shown in errors). It refuses anything but a JSON
// object whose format field is FormatV1, naming a newer or unknown format.
func Parse(name string, data []byte) (*Manifest, error) {
	format, line, col, err := formatField(data)
	if err != nil {
		return nil, jsonError(name, data, err)
	}
	switch {
	case line == 0:
		return nil, &Error{File: name, Line: 1, Column: 1, Message: fmt.Sprintf("not a mesosimg manifest: it has no \"format\" field (want %q)", FormatV1)}
	case format == FormatV1:
	case strings.HasPrefix(format, formatPrefix):
		return nil, &Error{File: name, Line: line, Column: col, Message: fmt.Sprintf(
			"manifest format %q is not one this mesosimg reads (it reads %q): use the mesosimg that wrote it, or render the cluster again with this one", format, FormatV1)}
	default:
		return nil, &Error{File: name, Line: line, Column: col, Message: fmt.Sprintf("not a mesosimg manifest: format %q (want %q)", format, FormatV1)}
	}
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&m); err != nil {
		return nil, jsonError(name, data, err)
	}
	end := int(dec.InputOffset())
	if rest := bytes.TrimLeft(data[end:], " \t\r\n"); len(rest) > 0 {
		line, col := position(data, len(data)-len(rest))
		return nil, &Error{File: name, Line: line, Column: col, Message: "data after the manifest's closing brace"}
	}
	if msg := check(&m); msg != "" {
		return nil, &Error{File: name, Message: msg}
	}
	return &m, nil
}

// check finds what no render writes and a reader could not make sense of: a node without a
// name or listed twice, a myid that is not positive or is given twice, a file path that is not
// clean and relative or is listed twice.
func check(m *Manifest) string {
	nodes := map[string]bool{}
	for i, n := range m.Nodes {
		if n.Name == "" || nodes[n.Name] {
			return fmt.Sprintf("nodes[%d]: node name %q is empty or listed twice", i, n.Name)
		}
		nodes[n.Name] = true
	}
	myids := map[int]bool{}
	for i, z := range m.Cluster.Ensemble {
		if z.MyID < 1 || myids[z.MyID] {
			return fmt.Sprintf("cluster.ensemble[%d]: myid %d is not positive or is given twice", i, z.MyID)
		}
		myids[z.MyID] = true
	}
	files := map[string]bool{}
	checkFiles := func(where string, list []File) string {
		for i, f := range list {
			if f.Path == "" || path.IsAbs(f.Path) || path.Clean(f.Path) != f.Path || f.Path == ".." || strings.HasPrefix(f.Path, "../") || files[f.Path] {
				return fmt.Sprintf("%s.files[%d]: path %q is not a clean relative path, or is listed twice", where, i, f.Path)
			}
			files[f.Path] = true
		}
		return ""
	}
	if msg := checkFiles("cluster", m.Cluster.Files); msg != "" {
		return msg
	}
	for i, n := range m.Nodes {
		if msg := checkFiles(fmt.Sprintf("nodes[%d]", i), n.Files); msg != "" {
			return msg
		}
	}
	return ""
}

// formatField finds the top-level "format" string of a JSON object, with its position
// (line 0 when there is none).
func formatField(data []byte) (format string, line, col int, err error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return "", 0, 0, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return "", 0, 0, &Error{Line: 1, Column: 1, Message: "not a mesosimg manifest: not a JSON object"}
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return "", 0, 0, err
		}
		key, _ := tok.(string)
		start := int(dec.InputOffset())
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return "", 0, 0, err
		}
		if key != "format" {
			continue
		}
		// The value starts after the colon and any blanks that follow the key.
		rest := data[start:]
		skip := len(rest) - len(bytes.TrimLeft(rest, " \t\r\n:"))
		line, col = position(data, start+skip)
		if err := json.Unmarshal(v, &format); err != nil {
			return "", 0, 0, &Error{Line: line, Column: col, Message: "the \"format\" field is not a string"}
		}
		return format, line, col, nil
	}
	return "", 0, 0, nil
}

// jsonError positions a decoding error.
func jsonError(name string, data []byte, err error) error {
	var e *Error
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &e):
		e.File = name
		return e
	case errors.As(err, &syn):
		line, col := position(data, int(syn.Offset)-1) // Offset is just past the offending byte
		return &Error{File: name, Line: line, Column: col, Message: "not valid JSON: " + syn.Error()}
	case errors.As(err, &typ):
		line, col := position(data, int(typ.Offset))
		field := typ.Field
		if field == "" {
			field = "value"
		}
		return &Error{File: name, Line: line, Column: col, Message: fmt.Sprintf("%s: %s where %s was expected", field, typ.Value, typ.Type)}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		line, col := position(data, len(data))
		return &Error{File: name, Line: line, Column: col, Message: "not valid JSON: unexpected end of the file"}
	}
	return &Error{File: name, Message: err.Error()}
}

// position is the 1-based line and column (in bytes) of offset in data.
func position(data []byte, offset int) (line, col int) {
	if offset > len(data) {
		offset = len(data)
	}
	if offset < 0 {
		offset = 0
	}
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = offset - bytes.LastIndexByte(before, '\n')
	return line, col
}

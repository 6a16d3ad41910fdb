package yamlout

import (
	"errors"
	"sort"
	"strconv"
)

// ErrUnsupported is Block's failure: a value it cannot write exactly as Marshal would; the
// caller marshals the document with Marshal instead.
var ErrUnsupported = errors.New("yamlout: value outside what Block writes")

// Block writes a YAML document the way Marshal lays out typed values — block style, two-space
// indentation, yaml.v3's choice of scalar style — for marshallers of a fixed structure that
// call it key by key. It is the fast path of the documents written once per node (user-data,
// network-config, the autoinstall); every such marshaller is held byte for byte to Marshal by
// tests and fuzz targets. A value it cannot write exactly so (see ErrUnsupported) fails the
// whole document.
//
// Indents are the columns of keys and of sequence dashes: the keys of a top-level mapping
// are at 0, the items of a sequence under a key at column k are at k+2, and the keys of a
// mapping that is an item at column d are at d+2.
type Block struct {
	buf   []byte
	state blockState
	err   error
}

type blockState uint8

const (
	lineStart blockState = iota
	afterKey             // "key:" written, its value follows
	afterDash            // "- " written, the item follows on the same line
)

// NewBlock starts a document after prefix (such as "#cloud-config\n"), in a buffer of size bytes.
func NewBlock(prefix string, size int) *Block {
	b := make([]byte, 0, max(size, len(prefix)))
	return &Block{buf: append(b, prefix...)}
}

// Bytes is the document, or ErrUnsupported.
func (w *Block) Bytes() ([]byte, error) {
	if w.err != nil {
		return nil, w.err
	}
	return w.buf, nil
}

// Fail marks the document as one Block cannot write (a value of a type it does not know).
func (w *Block) Fail() { w.err = ErrUnsupported }

// start begins a key or an item at column indent.
func (w *Block) start(indent int) {
	switch w.state {
	case afterKey: // the value of the key is a block collection
		w.buf = append(w.buf, '\n')
		w.buf = appendSpaces(w.buf, indent)
	case lineStart:
		w.buf = appendSpaces(w.buf, indent)
	}
}

// Key writes a mapping key at column indent; its value follows.
func (w *Block) Key(indent int, key string) {
	w.start(indent)
	switch styleOf(key, true) {
	case plain:
		w.buf = append(w.buf, key...)
	case doubleQuoted:
		w.buf = appendDoubleQuoted(w.buf, key)
	case singleQuoted:
		w.buf = appendSingleQuoted(w.buf, key)
	default:
		w.Fail()
	}
	w.buf = append(w.buf, ':')
	w.state = afterKey
}

// Item writes a sequence dash at column indent; the item follows.
func (w *Block) Item(indent int) {
	w.start(indent)
	w.buf = append(w.buf, '-', ' ')
	w.state = afterDash
}

// scalar writes a one-line scalar value and ends its line.
func (w *Block) scalar(s string) {
	if w.state == afterKey {
		w.buf = append(w.buf, ' ')
	}
	w.buf = append(w.buf, s...)
	w.buf = append(w.buf, '\n')
	w.state = lineStart
}

// String writes a string value of the key or item at column indent.
func (w *Block) String(indent int, s string) {
	if w.state == afterKey {
		w.buf = append(w.buf, ' ')
	}
	switch styleOf(s, false) {
	case plain:
		w.buf = append(w.buf, s...)
	case singleQuoted:
		w.buf = appendSingleQuoted(w.buf, s)
	case doubleQuoted:
		w.buf = appendDoubleQuoted(w.buf, s)
	case literal:
		w.buf = appendLiteral(w.buf, s, indent+2)
		if s[len(s)-1] == '\n' {
			w.state = lineStart
			return
		}
	default:
		w.Fail()
	}
	w.buf = append(w.buf, '\n')
	w.state = lineStart
}

// Bool writes a boolean value.
func (w *Block) Bool(v bool) { w.scalar(strconv.FormatBool(v)) }

// Int writes an integer value.
func (w *Block) Int(v int) { w.scalar(strconv.Itoa(v)) }

// Null writes null (a nil pointer).
func (w *Block) Null() { w.scalar("null") }

// EmptySeq writes [] (an empty or nil slice).
func (w *Block) EmptySeq() { w.scalar("[]") }

// EmptyMap writes {} (an empty map, or a struct whose every field is omitted).
func (w *Block) EmptyMap() { w.scalar("{}") }

// Strings writes a []string value of the key or item at column indent.
func (w *Block) Strings(indent int, list []string) {
	if len(list) == 0 {
		w.EmptySeq()
		return
	}
	for _, s := range list {
		w.Item(indent + 2)
		w.String(indent+2, s)
	}
}

// SortedKeys are the keys of a map with string keys in the order Marshal writes them.
func SortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keyLess(keys[i], keys[j]) })
	return keys
}

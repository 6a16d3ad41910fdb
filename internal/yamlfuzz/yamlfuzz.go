// Package yamlfuzz fills typed documents with fuzzer input for the tests that hold
// render/yamlout's Block writers to yamlout.Marshal: every string field, list, map, pointer
// and interface of a value is set from the input, mixed with strings chosen to hit each of
// yaml.v3's rules for picking a scalar style.
package yamlfuzz

import (
	"reflect"
	"strings"
	"unicode/utf8"
)

// Tricky are strings whose style yaml.v3 decides by each of its rules.
var Tricky = []string{
	"", "a", "node00005", "10.0.0.15", "0644", "0755", "5051", "-5", "true", "True", "yes", "Y", "n", "on", "null", "~", "<<",
	"1e3", "1.5", ".5", ".inf", "-.Inf", "+.INF", ".nan", "0x1F", "0o17", "0b101", "-0b1", "-0o7", "0b2", "0o9", "1_000", "12_", "+", "-", ".", "...", "---", "--x", "-x", "- x",
	"2020-01-01", "2020-1-2 3:4:5", "2020-01-01T00:00:00Z", "2020-13-45", "1:20", "190:20:30.15", ":x", "x:", "a: b", "a:b", "a #b", "a#b", "#x", "?", "?x", "? x",
	"'q", "\"d", "a'b", "it's 'quoted'", "tab\tx", "x ", " x", "a,b", "[x", "{", "@x", "%x", "*x", "!x", "&x", "|x", ">x", "`x",
	"é", "→ arrow", "\u2028", "a\u2029b", "\u0085", "\uFEFFbom", "x\uFEFF", "\x00", "\x07bell", "\x1b[0m", "\r", "a\r\nb", "\\back",
	"a\nb", "a\nb\n", "a\n\n", "\n", "\n\n", "\nlead", " lead\n", "a \nb\n", "a\nb ", "a\n b\n", "a\n\tb\n", "x\n\n  y\n\n\n", "#!/bin/sh\nexit 0\n",
	"\xff", "a\xc3", "deb [signed-by=$KEY_FILE] http://x/ jammy main", "umask 077 && echo 'QUJD' | base64 -d > '/target/x' && chmod 0600 '/target/x'",
	"1.2.3", "1..2", "2020-01-01 10:00:00.5", "0x1.8p1", "1.5e3", "+1.5",
	"ssh-ed25519 AAAA ops@example", "ALL=(ALL) NOPASSWD:ALL", "zk://u:p@10.0.0.1:2181/mesos", "e*", strings.Repeat("k", 129),
}

// Filler sets values from a fuzzer's string (cut at \x1f into pieces) and shape bytes (which
// decide lengths, nil pointers, booleans and which strings go where).
type Filler struct {
	pieces  []string
	shape   []byte
	next    int
	unusual bool
}

// New makes a Filler of the fuzzer's input.
func New(s string, shape []byte) *Filler {
	if len(shape) == 0 {
		shape = []byte{0}
	}
	return &Filler{pieces: strings.Split(s, "\x1f"), shape: shape}
}

// Usual says whether every string set so far is one the Block writers must write: valid
// UTF-8 without Unicode line or paragraph separators, and every map key also without line
// breaks and at most 128 bytes (longer or multi-line keys are complex keys in yaml.v3).
func (f *Filler) Usual() bool { return !f.unusual }

func (f *Filler) byte() byte {
	b := f.shape[f.next%len(f.shape)]
	f.next++
	return b + byte(f.next/len(f.shape)) // later rounds differ from the first
}

func (f *Filler) string(key bool) string {
	b := f.byte()
	var s string
	if b%3 == 0 {
		s = f.pieces[int(b/3)%len(f.pieces)]
	} else {
		s = Tricky[int(b)%len(Tricky)]
	}
	if !utf8.ValidString(s) || strings.ContainsAny(s, "\u2028\u2029") ||
		key && (len(s) > 128 || strings.ContainsAny(s, "\n\r\u0085")) {
		f.unusual = true
	}
	return s
}

// Fill sets every exported field reachable from ptr; an interface field or element takes
// one of choices (filled in turn), or nil.
func (f *Filler) Fill(ptr any, choices []any) {
	f.fill(reflect.ValueOf(ptr).Elem(), choices, 0)
}

func (f *Filler) fill(v reflect.Value, choices []any, depth int) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(f.string(false))
	case reflect.Bool:
		v.SetBool(f.byte()%2 == 1)
	case reflect.Int:
		v.SetInt(int64(int8(f.byte())))
	case reflect.Pointer:
		if f.byte()%3 == 0 || depth > 6 {
			v.SetZero()
			return
		}
		v.Set(reflect.New(v.Type().Elem()))
		f.fill(v.Elem(), choices, depth+1)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				f.fill(v.Field(i), choices, depth+1)
			}
		}
	case reflect.Slice:
		n := int(f.byte() % 4)
		if n == 3 || depth > 6 {
			v.SetZero() // nil
			return
		}
		v.Set(reflect.MakeSlice(v.Type(), n, n))
		for i := 0; i < n; i++ {
			f.fill(v.Index(i), choices, depth+1)
		}
	case reflect.Map:
		n := int(f.byte() % 4)
		if n == 3 || depth > 6 {
			v.SetZero()
			return
		}
		v.Set(reflect.MakeMap(v.Type()))
		for i := 0; i < n; i++ {
			e := reflect.New(v.Type().Elem()).Elem()
			f.fill(e, choices, depth+1)
			v.SetMapIndex(reflect.ValueOf(f.string(true)), e)
		}
	case reflect.Interface:
		k := int(f.byte()) % (len(choices) + 1)
		if k == len(choices) {
			v.SetZero()
			return
		}
		e := reflect.New(reflect.TypeOf(choices[k])).Elem()
		f.fill(e, choices, depth+1)
		v.Set(e)
	default:
		panic("yamlfuzz: cannot fill " + v.Type().String())
	}
}

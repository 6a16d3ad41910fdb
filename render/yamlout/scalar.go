package yamlout

// How yaml.v3 (go.yaml.in/yaml/v3 v3.0.6) writes a Go string in block context, restated for
// Block: encode.go (stringv, isBase60Float, isOldBool), resolve.go (resolve) and emitterc.go
// (yaml_emitter_analyze_scalar, yaml_emitter_select_scalar_style, the scalar writers); yaml.v3 is
// © 2011-2019 Canonical Ltd (Apache 2.0) and, for the libyaml port, © 2006-2010 Kirill Simonov
// (MIT). Tests and fuzz targets hold every decision here to yaml.v3 itself.

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// style is how a scalar is written.
type style uint8

const (
	// unsupported: yaml.v3 writes the string in a way Block does not reproduce (a !!binary
	// tag, a complex key, a quoted scalar with line breaks); Block fails.
	unsupported style = iota
	plain
	singleQuoted
	doubleQuoted
	literal
)

// styleOf is the style yaml.v3 gives string s (untagged) in block context, as a simple mapping
// key or as a value.
func styleOf(s string, key bool) style {
	if !utf8.ValidString(s) {
		return unsupported // marshalled as !!binary
	}
	// The encoder's choice (stringv).
	st := doubleQuoted
	switch {
	case strings.IndexByte(s, '\n') >= 0:
		st = literal
	case resolvesToString(s) && !isBase60Float(s) && !isOldBool(s):
		st = plain
	}
	// The emitter's (yaml_emitter_select_scalar_style), from what the scalar holds.
	a := analyze(s)
	if key && (a.multiline || len(s) > 128) {
		return unsupported // not a simple key: yaml.v3 writes "? key"
	}
	if st == plain && (!a.plainAllowed || s == "" && key) {
		st = singleQuoted
	}
	if st == singleQuoted && !a.singleQuotedAllowed {
		st = doubleQuoted
	}
	if st == literal && (!a.blockAllowed || key) {
		st = doubleQuoted
	}
	// yaml.v3 writes a break in single quotes, or one other than LF in a literal, as a line of
	// its own, which Block does not reproduce.
	if st == singleQuoted && a.multiline || st == literal && a.otherBreaks {
		return unsupported
	}
	return st
}

// analysis is what yaml_emitter_analyze_scalar finds in a scalar, for block context; and
// whether it holds line breaks other than LF (CR, NEL, LS, PS).
type analysis struct {
	multiline, plainAllowed, singleQuotedAllowed, blockAllowed bool
	otherBreaks                                                bool
}

// ordinary are the bytes that, past the first, change nothing in an analysis but end a run
// of spaces or breaks: printable ASCII other than space, ':' and '#'.
var ordinary = func() (t [256]bool) {
	for c := '!'; c <= '~'; c++ {
		t[c] = c != ':' && c != '#'
	}
	return t
}()

func analyze(s string) analysis {
	if s == "" {
		return analysis{plainAllowed: true, singleQuotedAllowed: true}
	}
	var indicators, lineBreaks, otherBreaks, special, tabs bool
	var leadingSpace, leadingBreak, trailingSpace, trailingBreak, breakSpace, spaceBreak bool
	if strings.HasPrefix(s, "---") || strings.HasPrefix(s, "...") {
		indicators = true
	}
	precededByWhitespace, previousSpace, previousBreak := true, false, false
	for i, w := 0, 0; i < len(s); i += w {
		c := s[i]
		if i > 0 {
			// Fast paths for what text is mostly made of: the generic code below gives the same.
			switch {
			case ordinary[c]:
				// A run of ordinary bytes: nothing to note but that it follows no whitespace.
				j := i + 1
				for j < len(s) && ordinary[s[j]] {
					j++
				}
				w = j - i
				precededByWhitespace, previousSpace, previousBreak = false, false, false
				continue
			case c == ' ':
				w = 1
				trailingSpace = trailingSpace || i+1 == len(s)
				breakSpace = breakSpace || previousBreak
				precededByWhitespace, previousSpace, previousBreak = true, true, false
				continue
			case c == '\n':
				w = 1
				lineBreaks = true
				trailingBreak = trailingBreak || i+1 == len(s)
				spaceBreak = spaceBreak || previousSpace
				precededByWhitespace, previousSpace, previousBreak = true, false, true
				continue
			}
		}
		w = charWidth(c)
		followedByWhitespace := i+w >= len(s) || s[i+w] == ' ' || s[i+w] == '\t'
		if i == 0 {
			switch c {
			case '#', ',', '[', ']', '{', '}', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`':
				indicators = true
			case '?', ':', '-':
				indicators = indicators || followedByWhitespace
			}
		} else {
			switch c {
			case ':':
				indicators = indicators || followedByWhitespace
			case '#':
				indicators = indicators || precededByWhitespace
			}
		}
		if c == '\t' {
			tabs = true
		} else if !isPrintable(s, i) {
			special = true
		}
		brk := isBreak(s, i)
		switch {
		case c == ' ':
			leadingSpace = leadingSpace || i == 0
			trailingSpace = trailingSpace || i+w == len(s)
			breakSpace = breakSpace || previousBreak
			previousSpace, previousBreak = true, false
		case brk:
			lineBreaks = true
			otherBreaks = otherBreaks || c != '\n'
			leadingBreak = leadingBreak || i == 0
			trailingBreak = trailingBreak || i+w == len(s)
			spaceBreak = spaceBreak || previousSpace
			previousSpace, previousBreak = false, true
		default:
			previousSpace, previousBreak = false, false
		}
		precededByWhitespace = c == ' ' || c == '\t' || brk || c == 0
	}
	a := analysis{multiline: lineBreaks, otherBreaks: otherBreaks, plainAllowed: true, singleQuotedAllowed: true, blockAllowed: true}
	if leadingSpace || leadingBreak || trailingSpace || trailingBreak || breakSpace || spaceBreak || tabs || special || lineBreaks || indicators {
		a.plainAllowed = false
	}
	if trailingSpace || spaceBreak || special {
		a.blockAllowed = false
	}
	if breakSpace || spaceBreak || tabs || special {
		a.singleQuotedAllowed = false
	}
	return a
}

// charWidth is the length of the UTF-8 sequence that starts with byte b (0 for a continuation byte).
func charWidth(b byte) int {
	switch {
	case b&0x80 == 0:
		return 1
	case b&0xE0 == 0xC0:
		return 2
	case b&0xF0 == 0xE0:
		return 3
	case b&0xF8 == 0xF0:
		return 4
	}
	return 0
}

// at is s[i], or 0 past its end (yaml.v3's buffers end in NULs).
func at(s string, i int) byte {
	if i < len(s) {
		return s[i]
	}
	return 0
}

// isPrintable is yaml.v3's is_printable: LF, printable ASCII and the Unicode it may write unescaped.
func isPrintable(s string, i int) bool {
	b, b1, b2 := s[i], at(s, i+1), at(s, i+2)
	return b == 0x0A || b >= 0x20 && b <= 0x7E ||
		b == 0xC2 && b1 >= 0xA0 || b > 0xC2 && b < 0xED || b == 0xED && b1 < 0xA0 || b == 0xEE ||
		b == 0xEF && !(b1 == 0xBB && b2 == 0xBF) && !(b1 == 0xBF && (b2 == 0xBE || b2 == 0xBF))
}

// isBreak is yaml.v3's is_break: CR, LF, NEL, LS or PS at s[i].
func isBreak(s string, i int) bool {
	b, b1, b2 := s[i], at(s, i+1), at(s, i+2)
	return b == '\r' || b == '\n' || b == 0xC2 && b1 == 0x85 || b == 0xE2 && b1 == 0x80 && (b2 == 0xA8 || b2 == 0xA9)
}

// resolvesToString says whether yaml.v3's resolve reads s, unquoted, as a !!str.
func resolvesToString(s string) bool {
	if s == "" {
		return false // null
	}
	c := s[0]
	switch {
	case strings.IndexByte("yYnNtTfFoO~<", c) >= 0:
		return !resolvedWord(s)
	case c == '.':
		if resolvedWord(s) {
			return false
		}
		_, err := strconv.ParseFloat(s, 64)
		return err != nil
	case c == '+' || c == '-' || '0' <= c && c <= '9':
		return !resolvedWord(s) && !isNumberOrTimestamp(s)
	}
	return true
}

// resolvedWord says whether s is one of the words yaml.v3 resolves to a bool, null, float or merge key.
func resolvedWord(s string) bool {
	switch s {
	case "true", "True", "TRUE", "false", "False", "FALSE", "~", "null", "Null", "NULL",
		".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", "<<":
		return true
	}
	return false
}

// yamlStyleFloat is resolve.go's pattern of a float.
var yamlStyleFloat = regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)

// isNumberOrTimestamp says whether resolve reads s (starting with a sign or digit) as an int,
// float or timestamp.
func isNumberOrTimestamp(s string) bool {
	if strings.Count(s, ".") > 1 {
		return false // an address: no number or timestamp has two dots (and parsing one allocates an error)
	}
	if isTimestamp(s) {
		return true
	}
	p := strings.ReplaceAll(s, "_", "")
	if _, err := strconv.ParseInt(p, 0, 64); err == nil {
		return true
	}
	if _, err := strconv.ParseUint(p, 0, 64); err == nil {
		return true
	}
	if yamlStyleFloat.MatchString(p) {
		if _, err := strconv.ParseFloat(p, 64); err == nil {
			return true
		}
	}
	for _, pre := range []struct {
		prefix, sign string
		base         int
	}{{"0b", "", 2}, {"-0b", "-", 2}, {"0o", "", 8}, {"-0o", "-", 8}} {
		if digits, ok := strings.CutPrefix(p, pre.prefix); ok {
			if _, err := strconv.ParseInt(pre.sign+digits, pre.base, 64); err == nil {
				return true
			}
			if _, err := strconv.ParseUint(digits, pre.base, 64); err == nil && pre.sign == "" {
				return true
			}
			return false
		}
	}
	return false
}

// isTimestamp is resolve.go's parseTimestamp: YYYY- and one of its layouts.
func isTimestamp(s string) bool {
	i := 0
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	if i != 4 || i == len(s) || s[i] != '-' {
		return false
	}
	for _, layout := range []string{"2006-1-2T15:4:5.999999999Z07:00", "2006-1-2t15:4:5.999999999Z07:00", "2006-1-2 15:4:5.999999999", "2006-1-2"} {
		if _, err := time.Parse(layout, s); err == nil {
			return true
		}
	}
	return false
}

// base60float is encode.go's pattern of a YAML 1.1 sexagesimal float, which yaml.v3 quotes.
var base60float = regexp.MustCompile(`^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`)

func isBase60Float(s string) bool {
	if s == "" {
		return false
	}
	c := s[0]
	if !(c == '+' || c == '-' || c >= '0' && c <= '9') || strings.IndexByte(s, ':') < 0 {
		return false
	}
	return base60float.MatchString(s)
}

// isOldBool says whether s is a YAML 1.1 boolean, which yaml.v3 quotes.
func isOldBool(s string) bool {
	switch s {
	case "y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "n", "N", "no", "No", "NO", "off", "Off", "OFF":
		return true
	}
	return false
}

// appendSingleQuoted writes s, which holds no line break, in single quotes.
func appendSingleQuoted(b []byte, s string) []byte {
	b = append(b, '\'')
	for {
		i := strings.IndexByte(s, '\'')
		if i < 0 {
			break
		}
		b = append(b, s[:i+1]...)
		b = append(b, '\'')
		s = s[i+1:]
	}
	b = append(b, s...)
	return append(b, '\'')
}

// appendDoubleQuoted writes s in double quotes with yaml.v3's escapes (on one line: Marshal
// never folds lines).
func appendDoubleQuoted(b []byte, s string) []byte {
	b = append(b, '"')
	// yaml.v3's is_bom looks at the start of the value wherever it is asked, so a value
	// starting with a byte order mark has every character escaped.
	bom := strings.HasPrefix(s, "\uFEFF")
	for i := 0; i < len(s); {
		c := s[i]
		if !bom && isPrintable(s, i) && !isBreak(s, i) && c != '"' && c != '\\' {
			w := charWidth(c)
			b = append(b, s[i:i+w]...)
			i += w
			continue
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		i += w
		b = append(b, '\\')
		switch r {
		case 0x00:
			b = append(b, '0')
		case 0x07:
			b = append(b, 'a')
		case 0x08:
			b = append(b, 'b')
		case 0x09:
			b = append(b, 't')
		case 0x0A:
			b = append(b, 'n')
		case 0x0B:
			b = append(b, 'v')
		case 0x0C:
			b = append(b, 'f')
		case 0x0D:
			b = append(b, 'r')
		case 0x1B:
			b = append(b, 'e')
		case 0x22:
			b = append(b, '"')
		case 0x5C:
			b = append(b, '\\')
		case 0x85:
			b = append(b, 'N')
		case 0xA0:
			b = append(b, '_')
		case 0x2028:
			b = append(b, 'L')
		case 0x2029:
			b = append(b, 'P')
		default:
			digits := 8
			switch {
			case r <= 0xFF:
				b, digits = append(b, 'x'), 2
			case r <= 0xFFFF:
				b, digits = append(b, 'u'), 4
			default:
				b = append(b, 'U')
			}
			for k := (digits - 1) * 4; k >= 0; k -= 4 {
				b = append(b, "0123456789ABCDEF"[(r>>uint(k))&0x0F])
			}
		}
	}
	return append(b, '"')
}

// appendLiteral writes s, whose only line breaks are LF, as a literal block scalar whose lines
// are indented by indent.
func appendLiteral(b []byte, s string, indent int) []byte {
	b = append(b, '|')
	if s != "" && (s[0] == ' ' || s[0] == '\n') {
		b = append(b, '2') // the indentation indicator: yaml.v3's indent, 2
	}
	// The chomping indicator: strip without a final line break, keep with more than one.
	switch {
	case !strings.HasSuffix(s, "\n"):
		b = append(b, '-')
	case s == "\n" || strings.HasSuffix(s, "\n\n"):
		b = append(b, '+')
	}
	b = append(b, '\n')
	for s != "" {
		line, rest, found := strings.Cut(s, "\n")
		if line != "" {
			b = appendSpaces(b, indent)
			b = append(b, line...)
		}
		if found {
			b = append(b, '\n')
		}
		s = rest
	}
	return b
}

func appendSpaces(b []byte, n int) []byte {
	for ; n > 0; n-- {
		b = append(b, ' ')
	}
	return b
}

// keyLess is yaml.v3's order of string map keys (sorter.go): runs of digits compare as numbers,
// letters sort before other characters.
func keyLess(a, b string) bool {
	ar, br := []rune(a), []rune(b)
	digits := false
	for i := 0; i < len(ar) && i < len(br); i++ {
		if ar[i] == br[i] {
			digits = unicode.IsDigit(ar[i])
			continue
		}
		al, bl := unicode.IsLetter(ar[i]), unicode.IsLetter(br[i])
		if al && bl {
			return ar[i] < br[i]
		}
		if al || bl {
			if digits {
				return al
			}
			return bl
		}
		var ai, bi int
		var an, bn int64
		if ar[i] == '0' || br[i] == '0' {
			for j := i - 1; j >= 0 && unicode.IsDigit(ar[j]); j-- {
				if ar[j] != '0' {
					an, bn = 1, 1
					break
				}
			}
		}
		for ai = i; ai < len(ar) && unicode.IsDigit(ar[ai]); ai++ {
			an = an*10 + int64(ar[ai]-'0')
		}
		for bi = i; bi < len(br) && unicode.IsDigit(br[bi]); bi++ {
			bn = bn*10 + int64(br[bi]-'0')
		}
		if an != bn {
			return an < bn
		}
		if ai != bi {
			return ai < bi
		}
		return ar[i] < br[i]
	}
	return len(ar) < len(br)
}

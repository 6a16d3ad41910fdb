package report

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// excerptWidth bounds how many terminal cells of a source line an excerpt shows: a hostile
// description may hold one line of megabytes.
const excerptWidth = 100

// FormatSource renders every entry as Format does, and under each entry marked Quote the
// source lines of its position (and context) from src, with a caret (^) under the column of
// the fault and a dash (-) under that of its context:
//
//	c.yaml:7:9: invalid YAML: did not find expected ',' or ']': the list opened with '[' at line 6, column 12 is not closed: …
//	    6 |     roles: [zookeeper, master
//	      |            -
//	    7 |   - name: agent1
//	      |         ^
//
// Excerpt lines start with a space, so the first line of each entry stays the only one of
// the form FILE:LINE:COLUMN.
func (r Report) FormatSource(file string, src []byte) string {
	var b strings.Builder
	var lines []string
	for _, e := range r.Entries {
		b.WriteString(file)
		b.WriteByte(':')
		b.WriteString(e.String())
		b.WriteByte('\n')
		if !e.Quote || e.Pos.Line < 1 {
			continue
		}
		if lines == nil {
			lines = splitLines(src)
		}
		b.WriteString(excerpt(lines, e))
	}
	return b.String()
}

// mark is one position an excerpt points at.
type mark struct {
	pos  Pos
	char byte
}

// excerpt renders the source lines of an entry's position and context (lines as splitLines
// returns them) with their markers; "" when the position lies outside the text.
func excerpt(lines []string, e Entry) string {
	marks := []mark{{e.Pos, '^'}}
	if e.Context.Line >= 1 && e.Context != e.Pos {
		marks = append(marks, mark{e.Context, '-'})
	}
	sort.SliceStable(marks, func(i, j int) bool { return marks[i].pos.Line < marks[j].pos.Line })
	last := marks[len(marks)-1].pos.Line
	if last > len(lines) {
		return ""
	}
	gutter := len(strconv.Itoa(last))
	var b strings.Builder
	prev := 0
	for i := 0; i < len(marks); {
		line := marks[i].pos.Line
		var same []mark
		for ; i < len(marks) && marks[i].pos.Line == line; i++ {
			same = append(same, marks[i])
		}
		if prev != 0 && line > prev+1 {
			fmt.Fprintf(&b, " %*s |\n", gutter, "…")
		}
		prev = line
		text, cols := display(lines[line-1], same)
		fmt.Fprintf(&b, " %*d | %s\n", gutter, line, text)
		widest := 0
		for _, c := range cols {
			widest = max(widest, c)
		}
		under := []byte(strings.Repeat(" ", widest+1))
		for k, m := range same {
			under[cols[k]] = m.char
		}
		note := ""
		if line == len(lines) && same[0].pos.Column > utf8.RuneCountInString(lines[line-1]) {
			note = " end of the text"
		}
		fmt.Fprintf(&b, " %*s | %s%s\n", gutter, "", strings.TrimRight(string(under), " "), note)
	}
	return b.String()
}

// display renders a source line for a terminal: invisible and control characters escaped
// (\t, \u200b), a long line cut to a window around the marks. It returns the text and the
// display cell of each mark's column.
func display(line string, marks []mark) (string, []int) {
	runes := []rune(line)
	lo, hi := marks[0].pos.Column, marks[0].pos.Column
	for _, m := range marks {
		lo, hi = min(lo, m.pos.Column), max(hi, m.pos.Column)
	}
	start := 0
	if len(runes) > excerptWidth {
		start = max(0, min(lo-1-excerptWidth/4, len(runes)-excerptWidth))
		if hi-1-start >= excerptWidth { // both marks do not fit: keep the fault's
			start = max(0, marks[0].pos.Column-1-excerptWidth/2)
		}
	}
	var b strings.Builder
	cell := 0
	if start > 0 {
		b.WriteString("…")
		cell++
	}
	cellAt := map[int]int{}
	end := start
	for ; end < len(runes) && cell < excerptWidth; end++ {
		cellAt[end] = cell
		s, w := show(runes[end])
		b.WriteString(s)
		cell += w
	}
	if end < len(runes) {
		b.WriteString("…")
	}
	cols := make([]int, len(marks))
	for k, m := range marks {
		i := m.pos.Column - 1
		switch {
		case i < start:
			cols[k] = 0
		case i >= end:
			cols[k] = cell
		default:
			cols[k] = cellAt[i]
		}
	}
	return b.String(), cols
}

// show is how a character is printed in an excerpt and how many terminal cells it takes.
func show(r rune) (string, int) {
	switch {
	case r == '\t':
		return `\t`, 2
	case unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp):
		return fmt.Sprintf(`\u%04x`, r), 6
	case unicode.In(r, unicode.Mn, unicode.Me):
		return string(r), 0
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return string(r), 2
	}
	return string(r), 1
}

// splitLines splits text at YAML's line breaks (\n, \r\n, \r, NEL, LS, PS), as positions count them.
func splitLines(src []byte) []string {
	s := strings.TrimPrefix(string(src), "\ufeff")
	var lines []string
	begin := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch r {
		case '\r':
			lines = append(lines, s[begin:i])
			if i+1 < len(s) && s[i+1] == '\n' {
				size = 2
			}
			begin = i + size
		case '\n', '\u0085', '\u2028', '\u2029':
			lines = append(lines, s[begin:i])
			begin = i + size
		}
		i += size
	}
	return append(lines, s[begin:])
}

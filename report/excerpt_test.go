package report

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFormatSource(t *testing.T) {
	long := strings.Repeat("a", 5000)
	for _, tt := range []struct {
		name, src string
		e         Entry
		want      string
	}{
		{
			name: "not quoted: the message only",
			src:  "a: 1\n",
			e:    Entry{Pos: Pos{1, 4}, Message: "m"},
			want: "f:1:4: m\n",
		},
		{
			name: "fault and opener on one line",
			src:  "x: [a, b}\n",
			e:    Entry{Pos: Pos{1, 9}, Context: Pos{1, 4}, Quote: true, Message: "m"},
			want: "f:1:9: m\n 1 | x: [a, b}\n   |    -    ^\n",
		},
		{
			name: "lines apart, the gap shown, the end of the text named",
			src:  "a: 1\nb: \"x\nc\n\n",
			e:    Entry{Pos: Pos{5, 1}, Context: Pos{2, 4}, Quote: true, Message: "m"},
			want: "f:5:1: m\n 2 | b: \"x\n   |    -\n … |\n 5 | \n   | ^ end of the text\n",
		},
		{
			name: "CRLF and a wide character",
			src:  "a: 1\r\nb: 日本: c\r\n",
			e:    Entry{Pos: Pos{2, 6}, Quote: true, Message: "m"},
			want: "f:2:6: m\n 2 | b: 日本: c\n   |        ^\n",
		},
		{
			name: "a long line is cut around the fault",
			src:  "k: " + long + "\"" + long + "\n",
			e:    Entry{Pos: Pos{1, 5004}, Quote: true, Message: "m"},
			want: "f:1:5004: m\n 1 | …" + strings.Repeat("a", 25) + "\"" + strings.Repeat("a", 73) + "…\n   |" + strings.Repeat(" ", 27) + "^\n",
		},
		{
			name: "a position past the text shows nothing",
			src:  "a: 1\n",
			e:    Entry{Pos: Pos{9, 1}, Quote: true, Message: "m"},
			want: "f:9:1: m\n",
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := Report{Entries: []Entry{tt.e}}.FormatSource("f", []byte(tt.src))
			if got != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
			for _, l := range strings.Split(got, "\n") {
				if utf8.RuneCountInString(l) > excerptWidth+20 && !strings.HasPrefix(l, "f:") {
					t.Errorf("excerpt line of %d characters", utf8.RuneCountInString(l))
				}
			}
		})
	}
}

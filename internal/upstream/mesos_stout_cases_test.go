package upstream

import (
	"math"
	"strconv"
	"testing"
)

// TestStoutUpstreamCases carries stout's own parse tests over as cases (m3scluster/clusterd
// v1.11.0-0.7.1): DurationTest.ParseAndTry (3rdparty/stout/tests/duration_tests.cpp:48-55) and
// BytesTest.Parse (3rdparty/stout/tests/bytes_tests.cpp:22-39).
func TestStoutUpstreamCases(t *testing.T) {
	const hour = int64(3600e9)
	for _, c := range []struct {
		in   string
		want int64
		ok   bool
		line int
	}{
		{"3hrs", 3 * hour, true, 50},
		{"3.5hrs", 3*hour + 30*60e9, true, 51},
		// stringify(INT64_MAX) + "seconds": an overflow (and "seconds" is not one of stout's units).
		{strconv.FormatInt(math.MaxInt64, 10) + "seconds", 0, false, 53},
	} {
		got, err := ParseMesosDuration(c.in)
		if (err == nil) != c.ok || (c.ok && got != c.want) {
			t.Errorf("duration_tests.cpp:%d: ParseMesosDuration(%q) = %d, %v; want %d, ok %v", c.line, c.in, got, err, c.want, c.ok)
		}
		if e := ParseFlagValue(MesosDuration, c.in); (e == nil) != c.ok {
			t.Errorf("duration_tests.cpp:%d: ParseFlagValue(Duration, %q) = %v; want ok %v", c.line, c.in, e, c.ok)
		}
	}
	for _, c := range []struct {
		in   string
		want uint64
		ok   bool
		line int
	}{
		{"1TB", 1 << 40, true, 25},
		{"1GB", 1 << 30, true, 26},
		{"1MB", 1 << 20, true, 27},
		{"1KB", 1 << 10, true, 28},
		{"1B", 1, true, 29},
		{"1.5B", 0, false, 32},
		{"1.5GB", 0, false, 35},
		{"1PB", 0, false, 38},
	} {
		got, err := ParseMesosBytes(c.in)
		if (err == nil) != c.ok || (c.ok && got != c.want) {
			t.Errorf("bytes_tests.cpp:%d: ParseMesosBytes(%q) = %d, %v; want %d, ok %v", c.line, c.in, got, err, c.want, c.ok)
		}
		if e := ParseFlagValue(MesosBytes, c.in); (e == nil) != c.ok {
			t.Errorf("bytes_tests.cpp:%d: ParseFlagValue(Bytes, %q) = %v; want ok %v", c.line, c.in, e, c.ok)
		}
	}
}

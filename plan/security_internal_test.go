package plan

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMergeAddresses(t *testing.T) {
	tests := []struct {
		in   []string
		want []string
	}{
		{nil, []string{}},
		{[]string{"10.0.0.1"}, []string{"10.0.0.1"}},
		{[]string{"10.0.0.3", "10.0.0.1", "10.0.0.2"}, []string{"10.0.0.1-10.0.0.3"}},
		{[]string{"10.0.0.0", "10.0.0.1", "10.0.0.2", "10.0.0.3"}, []string{"10.0.0.0/30"}},
		{[]string{"10.20.0.0/16", "10.20.0.11", "10.20.5.7", "10.21.0.1"}, []string{"10.20.0.0/16", "10.21.0.1"}},
		{[]string{"10.0.0.5", "10.0.0.5", "10.0.0.7"}, []string{"10.0.0.5", "10.0.0.7"}},
		{[]string{"0.0.0.0/0", "10.0.0.1"}, []string{"0.0.0.0/0"}},
		{[]string{"255.255.255.255", "255.255.255.254"}, []string{"255.255.255.254/31"}},
		{[]string{"192.168.1.0/25", "192.168.1.128/25"}, []string{"192.168.1.0/24"}},
	}
	for _, tt := range tests {
		if got := mergeAddresses(tt.in); !cmp.Equal(got, tt.want) {
			t.Errorf("mergeAddresses(%v) = %v; want %v", tt.in, got, tt.want)
		}
	}
}

// TestMergeAddressesScales: 10,000 consecutive node addresses are one element.
func TestMergeAddressesScales(t *testing.T) {
	var ips []string
	for i := 0; i < 10000; i++ {
		x := i + 10
		ips = append(ips, fmt.Sprintf("10.%d.%d.%d", x>>16, (x>>8)&255, x&255))
	}
	got := mergeAddresses(ips)
	if len(got) != 1 || !strings.Contains(got[0], "-") {
		t.Errorf("got %d elements: %.80v", len(got), got)
	}
}

package cli

import (
	"fmt"
	"strconv"
	"time"

	"github.com/mesosimg/mesosimg/generator"
)

// sourceDateEpoch reads SOURCE_DATE_EPOCH (reproducible-builds.org), default generator.DefaultEpoch.
func sourceDateEpoch(s string) (time.Time, error) {
	if s == "" {
		return generator.DefaultEpoch, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > 253402300799 {
		return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH=%q is not a number of seconds since 1970 (0 to 253402300799)", s)
	}
	return time.Unix(n, 0).UTC(), nil
}

package cli

import (
	"runtime/debug"
	"testing"
)

func TestVersionLine(t *testing.T) {
	vcs := func(kv ...string) []debug.BuildSetting {
		var s []debug.BuildSetting
		for i := 0; i+1 < len(kv); i += 2 {
			s = append(s, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return s
	}
	for _, tt := range []struct {
		name, version string
		info          *debug.BuildInfo
		want          string
	}{
		{"no build info", devVersion, nil, "mesosimg 0.1.0-dev (description format version 1)"},
		{"built from git", devVersion, &debug.BuildInfo{Main: debug.Module{Version: "(devel)"},
			Settings: vcs("vcs", "git", "vcs.revision", "0123456789abcdef0123456789abcdef01234567", "vcs.time", "2026-01-02T03:04:05Z", "vcs.modified", "false")},
			"mesosimg 0.1.0-dev (commit 0123456789ab, 2026-01-02T03:04:05Z; description format version 1)"},
		{"with uncommitted changes", devVersion, &debug.BuildInfo{Settings: vcs("vcs.revision", "abc", "vcs.modified", "true")},
			"mesosimg 0.1.0-dev (commit abc, modified; description format version 1)"},
		{"go install …@v1.2.0", devVersion, &debug.BuildInfo{Main: debug.Module{Version: "v1.2.0"}},
			"mesosimg v1.2.0 (description format version 1)"},
		{"-ldflags -X wins", "1.3.0", &debug.BuildInfo{Main: debug.Module{Version: "v1.2.0"}},
			"mesosimg 1.3.0 (description format version 1)"},
	} {
		if got := versionLine(tt.version, tt.info); got != tt.want {
			t.Errorf("%s: %q; want %q", tt.name, got, tt.want)
		}
	}
}

package cli

import (
	"fmt"
	"runtime/debug"
	"strings"
)

// devVersion is Version when no -ldflags -X set it.
const devVersion = "0.1.0-dev"

// runVersion prints the version line.
func runVersion(args []string, env Env) int {
	fs := newFlags("version", env)
	if _, code, ok := parse(fs, args, 0, false, env); !ok {
		return code
	}
	info, _ := debug.ReadBuildInfo()
	fmt.Fprintln(env.Stdout, versionLine(Version, info))
	return ExitOK
}

// versionLine is what `mesosimg version` prints: "mesosimg VERSION (commit C, DATE[, modified];
// description format version 1)". VERSION is the one set with -ldflags -X, else the module's
// (go install …@v1.2.3), else the development one; the commit and its date come from the VCS
// stamp the go command adds when it builds from a git checkout (vcs.revision, vcs.time, and
// vcs.modified for uncommitted changes).
func versionLine(version string, info *debug.BuildInfo) string {
	var vcs []string
	if info != nil {
		if v := info.Main.Version; version == devVersion && v != "" && v != "(devel)" {
			version = v
		}
		settings := map[string]string{}
		for _, s := range info.Settings {
			settings[s.Key] = s.Value
		}
		if rev := settings["vcs.revision"]; rev != "" {
			vcs = append(vcs, "commit "+rev[:min(len(rev), 12)])
			if t := settings["vcs.time"]; t != "" {
				vcs = append(vcs, t)
			}
			if settings["vcs.modified"] == "true" {
				vcs = append(vcs, "modified")
			}
		}
	}
	about := "description format version 1"
	if len(vcs) > 0 {
		about = strings.Join(vcs, ", ") + "; " + about
	}
	return fmt.Sprintf("mesosimg %s (%s)", version, about)
}

package config_test

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestNoMessageRepeatsItsPath: a finding prints as "path: message", so a message that starts
// with its own path or key again reads "image: image: configures…".
func TestNoMessageRepeatsItsPath(t *testing.T) {
	var paths []string
	for _, glob := range []string{"testdata/invalid/*.yaml", "testdata/valid/*.yaml", "../examples/*/cluster.yaml", "../testdata/cases/*.yaml"} {
		p, _ := filepath.Glob(glob)
		paths = append(paths, p...)
	}
	findings := 0
	for _, path := range paths {
		_, rep := loadFile(t, path)
		for _, e := range rep.Entries {
			if e.Path == "" {
				continue
			}
			findings++
			key := e.Path[strings.LastIndexAny(e.Path, ".]")+1:]
			if strings.HasPrefix(e.Message, e.Path+":") || key != "" && strings.HasPrefix(e.Message, key+":") {
				t.Errorf("%s: %s repeats its path", path, e)
			}
		}
	}
	if findings < 50 {
		t.Errorf("only %d findings with a path checked", findings)
	}
}

package consumers

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// NeedPacker fails t unless packer is installed (Debian's packer 1.6.6 bundles the amazon-ebs
// and qemu builders, and validates offline without credentials).
func NeedPacker(t testing.TB) {
	t.Helper()
	needPkg(t, map[string]string{"packer": "packer"})
}

// Packer runs packer with args in dir and returns its combined output and error.
func Packer(t testing.TB, dir string, args ...string) (string, error) {
	t.Helper()
	NeedPacker(t)
	cmd := exec.Command("packer", args...)
	cmd.Dir = dir
	// No update check, no telemetry, no plugin download: every run is offline and repeatable.
	cmd.Env = append(cmd.Environ(), "CHECKPOINT_DISABLE=1", "PACKER_CACHE_DIR="+filepath.Join(t.TempDir(), "packer-cache"))
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// PackerFmtCheck runs `packer fmt -check` on an HCL2 file: it fails when packer would reformat it.
func PackerFmtCheck(t testing.TB, path string) {
	t.Helper()
	if out, err := Packer(t, filepath.Dir(path), "fmt", "-check", filepath.Base(path)); err != nil {
		t.Errorf("packer fmt -check %s: %v\n%s", path, err, out)
	}
}

// PackerValidate runs `packer validate [-var name=value…] FILE` on a template.
func PackerValidate(t testing.TB, path string, vars ...string) {
	t.Helper()
	args := []string{"validate"}
	for _, v := range vars {
		args = append(args, "-var", v)
	}
	if out, err := Packer(t, filepath.Dir(path), append(args, filepath.Base(path))...); err != nil || strings.Contains(out, "Error") {
		t.Errorf("packer %s %s: %v\n%s", strings.Join(args, " "), path, err, out)
	}
}

// PackerInspect returns `packer inspect FILE`: the variables with their values as Packer reads
// them, and the sources of every build.
func PackerInspect(t testing.TB, path string) string {
	t.Helper()
	out, err := Packer(t, filepath.Dir(path), "inspect", filepath.Base(path))
	if err != nil {
		t.Fatalf("packer inspect %s: %v\n%s", path, err, out)
	}
	return out
}

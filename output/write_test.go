package output_test

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"

	"github.com/mesosimg/mesosimg/generator"
	"github.com/mesosimg/mesosimg/output"
)

var render = []generator.File{
	{Path: "nodes/master1/user-data", Data: []byte("#cloud-config\n"), Mode: 0o600},
	{Path: "nodes/master1/meta-data", Data: []byte("instance-id: x\n"), Mode: 0o644},
}

// tree lists every path under dir (symbolic links as "name -> target") with its content.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			out[rel] = "-> " + target
		case d.IsDir():
			out[rel] = "dir"
		default:
			data, _ := os.ReadFile(p)
			out[rel] = string(data)
		}
		return nil
	})
	return out
}

func sameTree(t *testing.T, what string, before, after map[string]string) {
	t.Helper()
	var diffs []string
	for k, v := range before {
		if after[k] != v {
			diffs = append(diffs, "changed or removed: "+k)
		}
	}
	for k := range after {
		if _, ok := before[k]; !ok {
			diffs = append(diffs, "added: "+k)
		}
	}
	sort.Strings(diffs)
	if len(diffs) > 0 {
		t.Errorf("%s:\n%s", what, strings.Join(diffs, "\n"))
	}
}

// TestPathsCannotLeaveTheDirectory: a file path that is absolute, climbs out with .., or is
// not clean is refused; the write is aborted and nothing lands outside (or inside) DIR.
func TestPathsCannotLeaveTheDirectory(t *testing.T) {
	for _, bad := range []string{
		"../escape", "../../escape", "nodes/../../escape", "/etc/escape", "/tmp/escape", "",
		".", "..", "nodes/./x", "nodes//x", "nodes/x/", `nodes\..\..\escape`, "./x",
	} {
		parent := t.TempDir()
		dir := filepath.Join(parent, "out")
		before := tree(t, parent)
		files := append(append([]generator.File(nil), render...), generator.File{Path: bad, Data: []byte("x"), Mode: 0o644})
		err := output.Write(dir, files, false)
		if err == nil || !strings.Contains(err.Error(), "refusing output path") {
			t.Errorf("path %q: error %v; want a refusal", bad, err)
		}
		sameTree(t, "path "+bad, before, tree(t, parent))
		if _, err := os.Stat("/etc/escape"); err == nil {
			t.Fatalf("path %q: /etc/escape was written", bad)
		}
	}
}

// TestSymlinkAtDir: DIR (also written "DIR/") that is a symbolic link is refused, even with
// force and even when it points at a previous output; what it points at is untouched.
func TestSymlinkAtDir(t *testing.T) {
	parent := t.TempDir()
	victim := filepath.Join(parent, "victim")
	os.Mkdir(victim, 0o755)
	os.WriteFile(filepath.Join(victim, output.Marker), []byte("x"), 0o644)
	os.WriteFile(filepath.Join(victim, "precious"), []byte("keep me"), 0o644)
	link := filepath.Join(parent, "link")
	if err := os.Symlink(victim, link); err != nil {
		t.Fatal(err)
	}
	before := tree(t, parent)
	for _, dir := range []string{link, link + "/", link + "/."} {
		for _, force := range []bool{false, true} {
			err := output.Write(dir, render, force)
			if err == nil || !strings.Contains(err.Error(), "symbolic link") {
				t.Errorf("Write(%q, force=%v): %v; want a refusal naming the symbolic link", dir, force, err)
			}
		}
	}
	sameTree(t, "writing through a symbolic link", before, tree(t, parent))
}

// TestSymlinksInsidePreviousOutput: a previous output holding links to elsewhere (a
// directory, a file, the parent) is replaced whole; nothing is written through the links and
// their targets are untouched.
func TestSymlinksInsidePreviousOutput(t *testing.T) {
	parent := t.TempDir()
	victim := filepath.Join(parent, "victim")
	os.Mkdir(victim, 0o755)
	os.WriteFile(filepath.Join(victim, "user-data"), []byte("keep me"), 0o644)
	dir := filepath.Join(parent, "out")
	if err := output.Write(dir, render, false); err != nil {
		t.Fatal(err)
	}
	os.RemoveAll(filepath.Join(dir, "nodes", "master1"))
	for link, target := range map[string]string{
		"nodes/master1":   victim,
		"nodes/agent1":    "../../victim",
		"nodes/user-data": filepath.Join(victim, "user-data"),
		"up":              "..",
	} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	victimBefore := tree(t, victim)
	if err := output.Write(dir, append(render, generator.File{Path: "nodes/agent1/user-data", Data: []byte("new"), Mode: 0o644}), false); err != nil {
		t.Fatalf("re-render over links: %v", err)
	}
	sameTree(t, "the links' target", victimBefore, tree(t, victim))
	got := tree(t, dir)
	for _, p := range []string{"nodes/master1", "nodes/agent1"} {
		if got[p] != "dir" {
			t.Errorf("%s is %q after the re-render; want a real directory", p, got[p])
		}
	}
	if _, ok := got["up"]; ok {
		t.Error("a link of the previous output survived the re-render")
	}
	if got["nodes/master1/user-data"] != "#cloud-config\n" {
		t.Errorf("user-data = %q", got["nodes/master1/user-data"])
	}
	assertNoTemp(t, parent)
}

// TestDirIsAFile: DIR that is a file (or a link to one, or a device) is refused, with or
// without force, and left as it was.
func TestDirIsAFile(t *testing.T) {
	parent := t.TempDir()
	file := filepath.Join(parent, "cluster.yaml")
	os.WriteFile(file, []byte("cluster: x\n"), 0o644)
	before := tree(t, parent)
	for _, force := range []bool{false, true} {
		if err := output.Write(file, render, force); err == nil || !strings.Contains(err.Error(), "not a directory") {
			t.Errorf("force=%v: %v; want a refusal", force, err)
		}
		if err := output.Write("/dev/null", render, force); err == nil || !strings.Contains(err.Error(), "not a directory") {
			t.Errorf("/dev/null, force=%v: %v; want a refusal", force, err)
		}
	}
	sameTree(t, "DIR a file", before, tree(t, parent))
}

// TestDotAndRootAreRefused: ., .. and / (however written) cannot be replaced.
func TestDotAndRootAreRefused(t *testing.T) {
	parent := t.TempDir()
	before := tree(t, parent)
	for _, dir := range []string{".", "..", "/", "./", "../..", "a/../..", "//", "/..", "sub/.."} {
		err := output.Write(dir, render, true)
		if err == nil || !strings.Contains(err.Error(), "cannot be replaced") {
			t.Errorf("Write(%q): %v; want a refusal", dir, err)
		}
	}
	sameTree(t, "refused directories", before, tree(t, parent))
	assertNoTemp(t, ".")
}

// TestMissingParents: parents of DIR are created; when the write fails, the ones it created
// are removed again, and nothing else is left.
func TestMissingParents(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "a", "b", "c", "out")
	if err := output.Write(dir, render, false); err != nil {
		t.Fatalf("write below missing parents: %v", err)
	}
	if data, err := os.ReadFile(filepath.Join(dir, "nodes/master1/user-data")); err != nil || string(data) != "#cloud-config\n" {
		t.Errorf("user-data: %q, %v", data, err)
	}
	parent = t.TempDir()
	before := tree(t, parent)
	dir = filepath.Join(parent, "a", "b", "c", "out")
	bad := append(append([]generator.File(nil), render...), generator.File{Path: "../x", Mode: 0o644})
	if err := output.Write(dir, bad, false); err == nil {
		t.Fatal("a failed write succeeded")
	}
	sameTree(t, "a failed write below missing parents", before, tree(t, parent))
}

// TestParentIsAFile: a parent of DIR that is a file gives a clear error and creates nothing.
func TestParentIsAFile(t *testing.T) {
	parent := t.TempDir()
	os.WriteFile(filepath.Join(parent, "file"), []byte("x"), 0o644)
	before := tree(t, parent)
	err := output.Write(filepath.Join(parent, "file", "sub", "out"), render, false)
	if err == nil || !strings.Contains(err.Error(), "cannot create its parent") || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("got %v; want a clear error", err)
	}
	sameTree(t, "DIR below a file", before, tree(t, parent))
}

// TestFailedWriteKeepsPreviousOutput: a write that fails half-way leaves the previous output
// byte for byte and no temporary directory.
func TestFailedWriteKeepsPreviousOutput(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	if err := output.Write(dir, render, false); err != nil {
		t.Fatal(err)
	}
	before := tree(t, parent)
	for _, files := range [][]generator.File{
		append(append([]generator.File(nil), render...), generator.File{Path: "/etc/passwd", Mode: 0o644}),
		append(append([]generator.File(nil), render...), render[0]),  // the same file twice
		{{Path: "nodes", Data: []byte("x"), Mode: 0o644}, render[0]}, // a file where a directory goes
	} {
		if err := output.Write(dir, files, false); err == nil {
			t.Errorf("%d files: the write succeeded", len(files))
		}
		sameTree(t, "a failed write", before, tree(t, parent))
	}
}

func assertNoTemp(t *testing.T, parent string) {
	t.Helper()
	entries, _ := os.ReadDir(parent)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".mesosimg-") {
			t.Errorf("temporary directory left behind: %s", e.Name())
		}
	}
}

// roEnv names the read-only parent TestReadOnlyParent's child process writes below.
const roEnv = "MESOSIMG_TEST_READONLY_PARENT"

// TestReadOnlyParent: DIR in a directory the user cannot write gives a clear error and leaves
// nothing. Root may write anywhere, so as root the test runs itself again as nobody.
func TestReadOnlyParent(t *testing.T) {
	if parent := os.Getenv(roEnv); parent != "" {
		err := output.Write(filepath.Join(parent, "out"), render, false)
		if err == nil || !strings.Contains(err.Error(), "cannot write in "+parent) || !errors.Is(err, fs.ErrPermission) {
			t.Fatalf("got %v; want a clear permission error", err)
		}
		err = output.Write(filepath.Join(parent, "new", "out"), render, false)
		if err == nil || !strings.Contains(err.Error(), "cannot create its parent") || !errors.Is(err, fs.ErrPermission) {
			t.Fatalf("missing parent: got %v; want a clear permission error", err)
		}
		return
	}
	dir := t.TempDir()
	parent := filepath.Join(dir, "readonly")
	if err := os.Mkdir(parent, 0o555); err != nil {
		t.Fatal(err)
	}
	before := tree(t, dir)
	if os.Getuid() != 0 {
		os.Setenv(roEnv, parent)
		defer os.Unsetenv(roEnv)
		TestReadOnlyParent(t)
	} else {
		// The test binary and the directories above parent must be reachable for nobody.
		bin := filepath.Join(dir, "output.test")
		data, err := os.ReadFile(os.Args[0])
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(bin, data, 0o755); err != nil {
			t.Fatal(err)
		}
		for p := dir; p != "/" && p != "."; p = filepath.Dir(p) {
			if strings.HasPrefix(p, os.TempDir()) && p != os.TempDir() {
				os.Chmod(p, 0o755)
			}
		}
		cmd := exec.Command(bin, "-test.run=^TestReadOnlyParent$", "-test.count=1")
		cmd.Env = append(os.Environ(), roEnv+"="+parent)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("as nobody: %v\n%s", err, out)
		}
		os.Remove(bin)
	}
	sameTree(t, "writing in a read-only directory", before, tree(t, dir))
}

// TestModesWhateverTheUmask: files get their exact modes under any umask (a chmod follows the
// creation only where the umask would take bits away).
func TestModesWhateverTheUmask(t *testing.T) {
	for _, mask := range []int{0, 0o022, 0o077, 0o027} {
		old := syscall.Umask(mask)
		dir := filepath.Join(t.TempDir(), "out")
		files := []generator.File{
			{Path: "a/secret", Data: []byte("s"), Mode: 0o600},
			{Path: "a/plain", Data: []byte("p"), Mode: 0o644},
			{Path: "b/c/script", Data: []byte("x"), Mode: 0o755},
			{Path: "b/c/owner-only", Data: []byte("k"), Mode: 0o400},
		}
		err := output.Write(dir, files, false)
		syscall.Umask(old)
		if err != nil {
			t.Fatalf("umask %#o: %v", mask, err)
		}
		for _, f := range files {
			info, err := os.Stat(filepath.Join(dir, f.Path))
			if err != nil {
				t.Fatal(err)
			}
			if info.Mode().Perm() != f.Mode {
				t.Errorf("umask %#o: %s is %v, want %v", mask, f.Path, info.Mode().Perm(), f.Mode)
			}
		}
	}
}

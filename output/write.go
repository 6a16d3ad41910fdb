// Package output writes a render into its directory atomically: every file goes
// into a fresh temporary directory beside the target, which replaces the target
// only when everything was written, so a failure never leaves a half-written
// directory and never touches an existing one.
package output

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/mesosimg/mesosimg/generator"
)

// Marker is the file that identifies a directory as mesosimg output, so a
// later render may replace it.
const Marker = ".mesosimg-output"

const markerText = "This directory was written by mesosimg render; the next render replaces it whole.\n"

// Write writes files into dir at once (see Begin).
func Write(dir string, files []generator.File, force bool) error {
	d, err := Begin(dir, force)
	if err != nil {
		return err
	}
	for _, f := range files {
		if err := d.Add(f); err != nil {
			d.Abort()
			return err
		}
	}
	return d.Commit()
}

// Dir is an output directory being written: files go into a temporary
// directory beside the target until Commit moves it into place.
type Dir struct {
	dir, parent, tmp string
	exists           bool
	done             bool
	// created are the missing parents Begin created, deepest first; Abort removes them.
	created []string
	// made are the directories made in tmp so far, so each is made once.
	made map[string]bool
	// umask is the process's file mode creation mask, read once; files whose mode it leaves
	// alone need no chmod after their creation.
	umask    fs.FileMode
	umaskSet bool
}

// Begin starts writing dir. An existing dir is replaced (at Commit) only when
// it is empty or holds a previous mesosimg output; otherwise force is required.
func Begin(dir string, force bool) (*Dir, error) {
	if dir == "" {
		return nil, errors.New("no output directory given")
	}
	// Cleaned, so "link/" is seen as the symbolic link it is rather than the directory it points to.
	dir = filepath.Clean(dir)
	if base := filepath.Base(dir); base == "." || base == ".." || base == string(filepath.Separator) {
		return nil, fmt.Errorf("output directory %s cannot be replaced (it is . , .. or /); name a directory inside it, e.g. %s", dir, filepath.Join(dir, "out"))
	}
	exists, err := checkTarget(dir, force)
	if err != nil {
		return nil, err
	}
	parent := filepath.Dir(dir)
	created, err := mkdirParents(parent)
	if err != nil {
		return nil, fmt.Errorf("output directory %s: cannot create its parent: %w", dir, err)
	}
	tmp, err := os.MkdirTemp(parent, ".mesosimg-new-")
	if err != nil {
		removeEmpty(created)
		return nil, fmt.Errorf("output directory %s: cannot write in %s (a render is written beside its directory, then moved into place): %w", dir, parent, err)
	}
	d := &Dir{dir: dir, parent: parent, tmp: tmp, exists: exists, created: created, made: map[string]bool{}}
	d.umask, d.umaskSet = readUmask()
	if err := os.Chmod(tmp, 0o755); err != nil {
		d.Abort()
		return nil, err
	}
	if err := d.Add(generator.File{Path: Marker, Data: []byte(markerText), Mode: 0o644}); err != nil {
		d.Abort()
		return nil, err
	}
	return d, nil
}

// Add writes one file into the pending directory; it keeps nothing of f once it returns.
func (d *Dir) Add(f generator.File) error {
	if err := checkPath(f.Path); err != nil {
		return err
	}
	if err := d.writeFile(f); err != nil {
		return fmt.Errorf("writing %s: %w", filepath.Join(d.dir, filepath.FromSlash(f.Path)), err)
	}
	return nil
}

// Abort removes everything written so far, and the parents Begin created; the target is untouched.
func (d *Dir) Abort() {
	if !d.done {
		d.done = true
		os.RemoveAll(d.tmp)
		removeEmpty(d.created)
	}
}

// mkdirParents creates dir and its missing parents, and returns those it created, deepest first.
func mkdirParents(dir string) ([]string, error) {
	var missing []string
	for p := dir; ; p = filepath.Dir(p) {
		if _, err := os.Lstat(p); err == nil || !errors.Is(err, fs.ErrNotExist) {
			break
		}
		missing = append(missing, p)
		if filepath.Dir(p) == p {
			break
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		removeEmpty(missing)
		return nil, err
	}
	return missing, nil
}

// removeEmpty removes dirs, deepest first, as long as they are empty (or already gone).
func removeEmpty(dirs []string) {
	for _, p := range dirs {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return
		}
	}
}

// Commit moves the written directory into place, replacing a previous output.
func (d *Dir) Commit() error {
	if d.done {
		return errors.New("output already committed or aborted")
	}
	if !d.exists {
		if err := os.Rename(d.tmp, d.dir); err != nil {
			d.Abort()
			return fmt.Errorf("moving output into %s: %w", d.dir, err)
		}
		d.done = true
		return nil
	}
	old, err := os.MkdirTemp(d.parent, ".mesosimg-old-")
	if err != nil {
		d.Abort()
		return err
	}
	os.Remove(old) // only its unique name is needed
	if err := os.Rename(d.dir, old); err != nil {
		d.Abort()
		return fmt.Errorf("moving previous output %s aside: %w", d.dir, err)
	}
	if err := os.Rename(d.tmp, d.dir); err != nil {
		d.Abort()
		if rerr := os.Rename(old, d.dir); rerr != nil {
			return fmt.Errorf("moving output into %s: %w (previous output left in %s: %v)", d.dir, err, old, rerr)
		}
		return fmt.Errorf("moving output into %s: %w", d.dir, err)
	}
	d.done = true
	return os.RemoveAll(old)
}

// checkPath refuses any output path that could leave the output directory.
func checkPath(p string) error {
	if p == "" || p == "." || path.IsAbs(p) || path.Clean(p) != p || p == ".." || strings.HasPrefix(p, "../") || strings.Contains(p, "\\") {
		return fmt.Errorf("refusing output path %q: not a clean relative path", p)
	}
	return nil
}

// checkTarget says whether dir exists and may be replaced.
func checkTarget(dir string, force bool) (bool, error) {
	info, err := os.Lstat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	case errors.Is(err, syscall.ENOTDIR):
		for p := filepath.Dir(dir); p != filepath.Dir(p); p = filepath.Dir(p) {
			if info, err := os.Lstat(p); err == nil && !info.IsDir() {
				return false, fmt.Errorf("output directory %s: cannot create its parent: %s is not a directory", dir, p)
			}
		}
		return false, fmt.Errorf("output directory %s: %w", dir, err)
	case err != nil:
		return false, fmt.Errorf("output directory %s: %w", dir, err)
	case info.Mode()&fs.ModeSymlink != 0:
		return false, fmt.Errorf("output directory %s is a symbolic link; give the directory itself", dir)
	case !info.IsDir():
		return false, fmt.Errorf("output directory %s exists and is not a directory", dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false, fmt.Errorf("output directory %s: %w", dir, err)
	}
	if len(entries) == 0 || force {
		return true, nil
	}
	if _, err := os.Lstat(filepath.Join(dir, Marker)); err == nil {
		return true, nil
	}
	return false, fmt.Errorf("output directory %s is not empty and was not written by mesosimg; choose another directory or pass --force to replace it", dir)
}

func (d *Dir) writeFile(f generator.File) error {
	p := filepath.Join(d.tmp, filepath.FromSlash(f.Path))
	if dir := filepath.Dir(p); !d.made[dir] {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		d.made[dir] = true
	}
	perm := f.Mode.Perm()
	fh, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	if _, err := fh.Write(f.Data); err != nil {
		fh.Close()
		return err
	}
	if !d.umaskSet || perm&d.umask != 0 {
		if err := fh.Chmod(perm); err != nil { // exact mode, whatever the umask
			fh.Close()
			return err
		}
	}
	return fh.Close()
}

// readUmask reads the process's umask from /proc/self/status (Linux 4.7 and later), which,
// unlike umask(2), reads it without setting it; false where it cannot.
func readUmask() (fs.FileMode, bool) {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "Umask:"); ok {
			m, err := strconv.ParseUint(strings.TrimSpace(v), 8, 32)
			return fs.FileMode(m) & fs.ModePerm, err == nil
		}
	}
	return 0, false
}

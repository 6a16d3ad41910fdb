package seed

import (
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestKernelMount has the Linux kernel's own isofs and vfat drivers read both
// images (Rock Ridge, Joliet and VFAT long names) and compares every file. It
// loop-mounts them here when this kernel can; where it cannot (no driver, as
// in the sandbox this was written in, or not root), it boots Debian's cloud
// kernel in qemu to mount them (testdata/qemu-mount.sh). It never skips.
func TestKernelMount(t *testing.T) {
	if reason := loopMountUnavailable(); reason != "" {
		t.Logf("loop mount unavailable here (%s): mounting in a qemu guest", reason)
		kernelMountInQemu(t)
		return
	}
	mount, umount := "mount", "umount"
	files := fileSets()["odd"]
	for _, c := range []struct {
		fs    string
		write WriteFunc
		opts  string
	}{
		{"iso9660", WriteISO, "loop,ro"},
		{"vfat", WriteFAT, "loop,ro,utf8"},
	} {
		t.Run(c.fs, func(t *testing.T) {
			dir := t.TempDir()
			img := filepath.Join(dir, "seed.img")
			if err := os.WriteFile(img, mustWrite(t, c.write, files, cidata), 0o644); err != nil {
				t.Fatal(err)
			}
			mnt := filepath.Join(dir, "mnt")
			if err := os.Mkdir(mnt, 0o755); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command(mount, "-t", c.fs, "-o", c.opts, img, mnt).CombinedOutput(); err != nil {
				t.Fatalf("mount -t %s: %v\n%s", c.fs, err, out)
			}
			defer func() {
				if out, err := exec.Command(umount, mnt).CombinedOutput(); err != nil {
					t.Errorf("umount: %v\n%s", err, out)
				}
			}()
			got := map[string][]byte{}
			ents, err := os.ReadDir(mnt)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range ents {
				b, err := os.ReadFile(filepath.Join(mnt, e.Name()))
				if err != nil {
					t.Fatal(err)
				}
				got[e.Name()] = b
			}
			compareFiles(t, "kernel "+c.fs, files, got)
		})
	}
}

// loopMountUnavailable says why this host cannot loop-mount the images, or "".
func loopMountUnavailable() string {
	if os.Geteuid() != 0 {
		return "not root"
	}
	for _, tool := range []string{"mount", "umount"} {
		if _, err := exec.LookPath(tool); err != nil {
			return tool + " not found"
		}
	}
	fs, _ := os.ReadFile("/proc/filesystems")
	for _, want := range []string{"iso9660", "vfat"} {
		if !strings.Contains(string(fs), want) {
			return "the kernel has no " + want + " driver"
		}
	}
	return ""
}

// kernelMountInQemu writes the fixtures and has a qemu guest mount them.
func kernelMountInQemu(t *testing.T) {
	if _, err := exec.LookPath("qemu-system-x86_64"); err != nil {
		t.Fatalf("qemu-system-x86_64 not found: run `make deps` (apt-get install qemu-system-x86)")
	}
	dir := t.TempDir()
	var expected strings.Builder
	for _, set := range []string{"typical", "odd"} {
		files := fileSets()[set]
		for ext, write := range map[string]WriteFunc{"iso": WriteISO, "img": WriteFAT} {
			if err := os.WriteFile(filepath.Join(dir, set+"."+ext), mustWrite(t, write, files, cidata), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		for _, f := range files {
			fmt.Fprintf(&expected, "%s %x  %s\n", set, sha256.Sum256(f.Data), f.Name)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "expected"), []byte(expected.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("bash", "testdata/qemu-mount.sh", dir).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "PASS: the kernel read all 6 mounts") {
		t.Fatalf("qemu-mount.sh: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}

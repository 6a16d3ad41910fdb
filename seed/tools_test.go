package seed

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// These tests check the images with independent readers from Debian. A
// missing tool is a failure, never a skip: install them with
// scripts/install-deps.sh or the apt-get line in the message.

// tool returns the path of a required program or fails the test.
func tool(t *testing.T, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s not found (%v): install with: apt-get install %s", name, err, pkg)
	}
	return p
}

// run runs a command and returns its combined output, failing the test on a non-zero exit.
func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out.String())
	}
	return out.String()
}

// stdout runs a command and returns only its standard output.
func stdout(t *testing.T, name string, args ...string) []byte {
	t.Helper()
	var out, errb bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, errb.String())
	}
	return out.Bytes()
}

// readTree returns every regular file under dir by relative path, and makes
// the tree writable again so t.TempDir can remove it.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	got := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.Chmod(p, 0o755)
		}
		rel, _ := filepath.Rel(dir, p)
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s is not a regular file", rel)
		}
		b, err := os.ReadFile(p)
		got[rel] = b
		return err
	})
	if err != nil {
		t.Fatalf("reading extracted tree: %v", err)
	}
	return got
}

func compareFiles(t *testing.T, who string, want []File, got map[string][]byte) {
	t.Helper()
	w := fileMap(want)
	for k, v := range w {
		if v == nil {
			w[k] = []byte{}
		}
	}
	for k, v := range got {
		if v == nil {
			got[k] = []byte{}
		}
	}
	if diff := cmp.Diff(sortedNames(w), sortedNames(got)); diff != "" {
		t.Errorf("%s: file names differ (-want +got):\n%s", who, diff)
	}
	for name, data := range w {
		if g, ok := got[name]; ok && !bytes.Equal(g, data) {
			t.Errorf("%s: %s: %d bytes differ from the %d input bytes", who, name, len(g), len(data))
		}
	}
}

func sortedNames(m map[string][]byte) []string {
	var s []string
	for k := range m {
		s = append(s, k)
	}
	sort.Strings(s)
	return s
}

// toolSets are the file sets checked with external tools ("big" only once: it is slow to extract three times).
var toolSets = []string{"typical", "odd", "many", "big"}

func TestISOWithTools(t *testing.T) {
	xorriso := tool(t, "xorriso", "xorriso")
	isoinfo := tool(t, "isoinfo", "genisoimage")
	bsdtar := tool(t, "bsdtar", "libarchive-tools")
	sevenZ := tool(t, "7z", "p7zip-full")
	blkid := tool(t, "blkid", "util-linux")

	sets := fileSets()
	for _, name := range toolSets {
		files := sets[name]
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			img := mustWrite(t, WriteISO, files, cidata)
			path := filepath.Join(dir, "seed.iso")
			if err := os.WriteFile(path, img, 0o644); err != nil {
				t.Fatal(err)
			}
			blocks := len(img) / isoBlock
			parsed, err := parseISO(img)
			if err != nil {
				t.Fatalf("own reader: %v", err)
			}
			if int(parsed.Blocks)*isoBlock != len(img) {
				t.Errorf("image is %d bytes, PVD declares %d blocks", len(img), parsed.Blocks)
			}

			// xorriso: extract everything through Rock Ridge.
			out := filepath.Join(dir, "xorriso")
			run(t, xorriso, "-osirrox", "on", "-indev", path, "-extract", "/", out)
			compareFiles(t, "xorriso -extract", files, readTree(t, out))

			// xorriso: read every block and report the media quality.
			check := run(t, xorriso, "-indev", path, "-check_media", "--")
			if m := regexp.MustCompile(`(?m)^xorriso : (SORRY|FAILURE|FATAL|MISHAP|WARNING|ABORT) .*$`).FindAllString(check, -1); m != nil {
				t.Errorf("xorriso -check_media complains:\n%s", strings.Join(m, "\n"))
			}
			regions := regexp.MustCompile(`(?m)^Media region :\s+(\d+)\s*,\s*(\d+)\s*,\s*(.*)$`).FindAllStringSubmatch(check, -1)
			if len(regions) != 1 || regions[0][1] != "0" || regions[0][2] != strconv.Itoa(blocks) || !strings.HasPrefix(regions[0][3], "+ good") {
				t.Errorf("xorriso -check_media: want one good region of %d blocks, got %q\n%s", blocks, regions, check)
			}
			if !strings.Contains(check, fmt.Sprintf("Media summary: 1 session, %d data blocks", blocks)) {
				t.Errorf("xorriso does not see one session of %d blocks:\n%s", blocks, check)
			}
			t.Logf("xorriso: %q, %q", regexp.MustCompile(`Media summary:.*`).FindString(check), regexp.MustCompile(`Media region :.*`).FindString(check))

			// isoinfo: descriptor summary, Rock Ridge and Joliet listings, per-file extraction.
			d := run(t, isoinfo, "-d", "-i", path)
			for _, want := range []string{
				"Volume id: cidata\n",
				fmt.Sprintf("Volume size is: %d\n", blocks),
				"Logical block size is: 2048\n",
				"Joliet with UCS level 3 found",
				"Rock Ridge signatures version 1 found",
			} {
				if !strings.Contains(d, want) {
					t.Errorf("isoinfo -d lacks %q:\n%s", want, d)
				}
			}
			for _, mode := range []string{"-R", "-J"} {
				list := strings.Fields(string(stdout(t, isoinfo, mode, "-f", "-i", path)))
				var want []string
				for _, f := range files {
					want = append(want, "/"+f.Name)
				}
				sort.Strings(list)
				sort.Strings(want)
				if diff := cmp.Diff(want, list); diff != "" {
					t.Errorf("isoinfo %s -f (-want +got):\n%s", mode, diff)
				}
				got := map[string][]byte{}
				for _, f := range files {
					got[f.Name] = stdout(t, isoinfo, mode, "-x", "/"+f.Name, "-i", path)
				}
				compareFiles(t, "isoinfo "+mode+" -x", files, got)
			}

			// bsdtar (libarchive).
			out = filepath.Join(dir, "bsdtar")
			if err := os.Mkdir(out, 0o755); err != nil {
				t.Fatal(err)
			}
			run(t, bsdtar, "-xf", path, "-C", out)
			compareFiles(t, "bsdtar -x", files, readTree(t, out))

			// 7-Zip.
			out = filepath.Join(dir, "7z")
			run(t, sevenZ, "x", "-y", "-o"+out, path)
			compareFiles(t, "7z x", files, readTree(t, out))

			// blkid (libblkid probing, as udev and cloud-init use it).
			b := run(t, blkid, "-p", path)
			for _, want := range []string{`LABEL="cidata"`, `TYPE="iso9660"`} {
				if !strings.Contains(b, want) {
					t.Errorf("blkid -p lacks %s: %s", want, b)
				}
			}
			t.Logf("%d blocks = %d bytes; blkid: %s", blocks, len(img), strings.TrimSpace(b))
		})
	}
}

func TestFATWithTools(t *testing.T) {
	blkid := tool(t, "blkid", "util-linux")
	fsck := tool(t, "fsck.vfat", "dosfstools")
	mdir := tool(t, "mdir", "mtools")
	mcopy := tool(t, "mcopy", "mtools")
	sevenZ := tool(t, "7z", "p7zip-full")

	sets := fileSets()
	// FAT16 with a 32-bit total sector count.
	sets["fat16"] = []File{{Name: "user-data", Data: bytes.Repeat([]byte("fat16 "), 40<<20/6)}, {Name: "meta-data", Data: []byte("instance-id: x\n")}}
	for _, name := range append(toolSets, "fat16") {
		files := sets[name]
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			img := mustWrite(t, WriteFAT, files, cidata)
			path := filepath.Join(dir, "seed.img")
			if err := os.WriteFile(path, img, 0o644); err != nil {
				t.Fatal(err)
			}
			parsed, err := parseFAT(img)
			if err != nil {
				t.Fatalf("own reader: %v", err)
			}

			b := run(t, blkid, "-p", path)
			for _, want := range []string{`LABEL="cidata"`, `TYPE="vfat"`, fmt.Sprintf(`VERSION="FAT%d"`, parsed.Bits)} {
				if !strings.Contains(b, want) {
					t.Errorf("blkid -p lacks %s: %s", want, b)
				}
			}

			t.Logf("%d bytes; blkid: %s", len(img), strings.TrimSpace(b))

			// fsck.vfat -n exits non-zero when it finds anything to fix; also reject any remark.
			f := run(t, fsck, "-n", "-v", path)
			t.Logf("fsck.vfat: %s", f[strings.LastIndex(strings.TrimSpace(f), "\n")+1:])
			for _, bad := range []string{"Reclaim", "free", "invalid", "differ", "Bad", "bad", "shortname", "Warning", "WARNING", "Fix", "lowercase", "damaged", "Unused", "unused clusters"} {
				if strings.Contains(f, bad) && !(bad == "unused clusters" && strings.Contains(f, "Checking for unused clusters.")) {
					t.Errorf("fsck.vfat -n mentions %q:\n%s", bad, f)
				}
			}

			// mtools, without MTOOLS_SKIP_CHECK: the geometry must be consistent.
			listing := run(t, mdir, "-i", path, "-a", "::")
			if !strings.Contains(listing, "Volume in drive : is cidata") {
				t.Errorf("mdir does not show the label:\n%s", listing)
			}
			for _, fl := range files {
				if !strings.Contains(listing, " "+fl.Name+"\n") {
					t.Errorf("mdir does not list %q:\n%s", fl.Name, listing)
				}
			}
			got := map[string][]byte{}
			for _, fl := range files {
				got[fl.Name] = stdout(t, mcopy, "-n", "-i", path, "::"+fl.Name, "-")
			}
			compareFiles(t, "mcopy", files, got)

			out := filepath.Join(dir, "7z")
			run(t, sevenZ, "x", "-y", "-o"+out, path)
			compareFiles(t, "7z x", files, readTree(t, out))
		})
	}
}

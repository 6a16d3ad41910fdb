package installer_test

// The Debian installer's own code, run here: the bookworm netboot initrd (Debian's
// debian-installer-12-netboot-amd64 package, the one e2e/debian-installer.sh boots) unpacked
// once, then for each test an overlay of it in a chroot (root, a private mount namespace),
// where its busybox, cdebconf (debconf-loadtemplate, debconf-set-selections, debconf-set),
// preseed scripts and libdebian-installer run against the rendered answers. Two pieces the
// initrd does not hold come pinned by SHA-256 from the same Debian mirror: partman-auto 162
// (the udeb anna would download) and apt-setup 0.182's source (its generators are shell).
// Everything is cached beside the e2e downloads (E2E_CACHE, default /var/cache/mesosimg-e2e);
// a missing tool or download fails the test, naming it. Sources: docs/upstream-installers.md.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// netbootPackage is the Debian package holding the bookworm netboot installer.
const netbootPackage = "debian-installer-12-netboot-amd64"

// netbootInitrd is the text netboot initrd inside that package.
const netbootInitrd = "usr/lib/debian-installer/images/12/amd64/text/debian-installer/amd64/initrd.gz"

// pinned is a file from the Debian mirror, checked by its SHA-256 (from bookworm's
// main/debian-installer/binary-amd64/Packages and main/source/Sources).
type pinned struct{ path, sha256 string }

var (
	partmanAutoUdeb = pinned{"pool/main/p/partman-auto/partman-auto_162_amd64.udeb", "368398d995fd3cca41cefed020d7f91cc8360cdc2bb94ee784f6723b9db9a3cd"}
	aptSetupSource  = pinned{"pool/main/a/apt-setup/apt-setup_0.182.tar.xz", "639f263cc8b02ced1bccdada432645895b56880c55a6d39e27ce8ddcf773cd3a"}
)

func diCache() string {
	if c := os.Getenv("E2E_CACHE"); c != "" {
		return c
	}
	return "/var/cache/mesosimg-e2e"
}

func run(t *testing.T, dir string, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

var (
	diOnce sync.Once
	diRoot string
	diErr  error
	// diFiles are the extra pieces: apt-setup's generators and partman-auto's auto-shared.sh.
	diFiles string
)

// debianInstaller returns the unpacked netboot initrd and the directory holding the pinned
// extras, downloading and unpacking them once per cache.
func debianInstaller(t *testing.T) (root, extras string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatal("the Debian installer tests chroot into its initrd and need root")
	}
	for _, tool := range []string{"apt-cache", "apt-get", "dpkg-deb", "cpio", "unshare", "chroot", "mount", "umount", "tar", "xz", "gcc"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed (apt-get install apt dpkg cpio util-linux coreutils mount tar xz-utils gcc)", tool)
		}
	}
	diOnce.Do(func() { diRoot, diFiles, diErr = prepareInstaller(t) })
	if diErr != nil {
		t.Fatal(diErr)
	}
	return diRoot, diFiles
}

func prepareInstaller(t *testing.T) (string, string, error) {
	cache := diCache()
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return "", "", err
	}
	policy := run(t, "", "apt-cache", "policy", netbootPackage)
	m := regexp.MustCompile(`Candidate: (\S+)`).FindStringSubmatch(policy)
	if m == nil || m[1] == "(none)" {
		return "", "", fmt.Errorf("apt knows no %s (apt-get update? bookworm sources?)", netbootPackage)
	}
	ver := regexp.MustCompile(`[^A-Za-z0-9.+~-]`).ReplaceAllString(m[1], "_")
	// The layout e2e/debian-installer.sh uses: <cache>/<pkg>-<ver>/{linux,initrd.gz,ok}.
	pkgDir := filepath.Join(cache, netbootPackage+"-"+ver)
	if _, err := os.Stat(filepath.Join(pkgDir, "ok")); err != nil {
		tmp, err := os.MkdirTemp(cache, ".di-")
		if err != nil {
			return "", "", err
		}
		defer os.RemoveAll(tmp)
		run(t, tmp, "apt-get", "-o", "APT::Sandbox::User=root", "download", netbootPackage+"="+m[1])
		debs, _ := filepath.Glob(filepath.Join(tmp, "*.deb"))
		if len(debs) != 1 {
			return "", "", fmt.Errorf("apt-get download %s left %v", netbootPackage, debs)
		}
		run(t, tmp, "dpkg-deb", "-x", debs[0], "x")
		src := filepath.Join(tmp, "x", filepath.Dir(netbootInitrd))
		out := filepath.Join(tmp, "out")
		os.MkdirAll(out, 0o755)
		for _, f := range []string{"linux", "initrd.gz"} {
			if err := os.Rename(filepath.Join(src, f), filepath.Join(out, f)); err != nil {
				return "", "", fmt.Errorf("%s has no %s: %v", netbootPackage, f, err)
			}
		}
		os.WriteFile(filepath.Join(out, "ok"), []byte(time.Now().UTC().Format(time.RFC3339)+"\n"), 0o644)
		if err := os.Rename(out, pkgDir); err != nil && !exists(filepath.Join(pkgDir, "ok")) {
			return "", "", err // (another run may have put it there first)
		}
	}
	root := filepath.Join(pkgDir, "initrd-root")
	if _, err := os.Stat(filepath.Join(root, "bin", "busybox")); err != nil {
		tmp, err := os.MkdirTemp(pkgDir, ".root-")
		if err != nil {
			return "", "", err
		}
		defer os.RemoveAll(tmp)
		sh := exec.Command("sh", "-c", "gzip -dc \"$1\" | cpio -id --quiet", "sh", filepath.Join(pkgDir, "initrd.gz"))
		sh.Dir = tmp
		if out, err := sh.CombinedOutput(); err != nil {
			return "", "", fmt.Errorf("unpacking %s: %v\n%s", filepath.Join(pkgDir, "initrd.gz"), err, out)
		}
		if err := os.Rename(tmp, root); err != nil && !exists(filepath.Join(root, "bin", "busybox")) {
			return "", "", err
		}
	}

	extras := filepath.Join(cache, "di-extras")
	if _, err := os.Stat(filepath.Join(extras, "ok")); err != nil {
		mirror := strings.TrimSpace(run(t, "", "../../e2e/image.sh", "--mirror"))
		if !strings.HasPrefix(mirror, "http://") && !strings.HasPrefix(mirror, "https://") {
			return "", "", fmt.Errorf("the Debian mirror %q (e2e/image.sh --mirror) is not http(s); set E2E_MIRROR", mirror)
		}
		tmp, err := os.MkdirTemp(cache, ".extras-")
		if err != nil {
			return "", "", err
		}
		defer os.RemoveAll(tmp)
		for _, p := range []pinned{partmanAutoUdeb, aptSetupSource} {
			if err := download(strings.TrimSuffix(mirror, "/")+"/"+p.path, p.sha256, filepath.Join(tmp, filepath.Base(p.path))); err != nil {
				return "", "", err
			}
		}
		run(t, tmp, "dpkg-deb", "-x", filepath.Base(partmanAutoUdeb.path), "partman-auto")
		run(t, tmp, "tar", "xf", filepath.Base(aptSetupSource.path))
		os.WriteFile(filepath.Join(tmp, "ok"), nil, 0o644)
		if err := os.Rename(tmp, extras); err != nil && !exists(filepath.Join(extras, "ok")) {
			return "", "", err
		}
	}
	return root, extras, nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// download fetches url into path, refusing other bytes than the pinned ones.
func download(url, sum, path string) error {
	c := http.Client{Timeout: 2 * time.Minute}
	resp, err := c.Get(url)
	if err != nil {
		return fmt.Errorf("download %s: %v", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("download %s: %s (the mirror must serve it; set E2E_MIRROR to one that does)", url, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("download %s: %v", url, err)
	}
	if got := sha256.Sum256(data); hex.EncodeToString(got[:]) != sum {
		return fmt.Errorf("download %s: sha256 %x, want %s", url, got, sum)
	}
	return os.WriteFile(path, data, 0o644)
}

// chroot is one test's writable copy of the installer: an overlay over the cached initrd.
type chroot struct {
	dir    string
	extras string
}

// newChroot mounts a fresh overlay of the installer and sets up what its startup scripts
// would have: /dev/null, the debconf and preseed state directories, the templates loaded
// (lib/debian-installer-startup.d/S20templates).
func newChroot(t *testing.T) *chroot {
	t.Helper()
	root, extras := debianInstaller(t)
	tmp := t.TempDir()
	c := &chroot{dir: filepath.Join(tmp, "root"), extras: extras}
	for _, d := range []string{"upper", "work", "root"} {
		os.MkdirAll(filepath.Join(tmp, d), 0o755)
	}
	if out, err := exec.Command("mount", "-t", "overlay", "overlay", "-o",
		"lowerdir="+root+",upperdir="+filepath.Join(tmp, "upper")+",workdir="+filepath.Join(tmp, "work"), c.dir).CombinedOutput(); err != nil {
		t.Fatalf("mount overlay: %v\n%s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", c.dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v\n%s", c.dir, err, out)
		}
	})
	// apt-setup's templates (as its udebs install them: the source's translatable _Field names
	// are plain fields in the built package), so its questions have their real defaults.
	for _, name := range []string{"apt-setup-udeb", "apt-mirror-setup"} {
		src, err := os.ReadFile(filepath.Join(extras, "apt-setup-0.182/debian/"+name+".templates"))
		if err != nil {
			t.Fatal(err)
		}
		c.write(t, "/var/lib/dpkg/info/"+name+".templates", regexp.MustCompile(`(?m)^_+`).ReplaceAll(src, nil), 0o644)
	}
	// fetch-url's file method first runs mountmedia, which probes floppies and CD-ROMs for
	// seconds; this chroot has none.
	c.write(t, "/bin/mountmedia", []byte("#!/bin/sh\nexit 1\n"), 0o755)
	c.loadTemplates(t)
	return c
}

// loadTemplates starts a fresh debconf database with every template (lib/debian-installer-startup.d/S20templates).
func (c *chroot) loadTemplates(t *testing.T) {
	t.Helper()
	c.sh(t, `rm -f /var/lib/cdebconf/questions.dat /var/lib/cdebconf/templates.dat && mkdir -p /var/lib/cdebconf /var/lib/preseed /var/log /var/run /tmp && debconf-loadtemplate d-i /var/lib/dpkg/info/*.templates`)
}

// write puts a file into the chroot.
func (c *chroot) write(t *testing.T, path string, data []byte, mode os.FileMode) {
	t.Helper()
	p := filepath.Join(c.dir, path)
	os.MkdirAll(filepath.Dir(p), 0o755)
	if err := os.WriteFile(p, data, mode); err != nil {
		t.Fatal(err)
	}
}

// copyIn copies a file of the pinned extras into the chroot.
func (c *chroot) copyIn(t *testing.T, extra, path string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(c.extras, extra))
	if err != nil {
		t.Fatal(err)
	}
	c.write(t, path, data, 0o755)
}

// run runs a script with the installer's busybox sh inside the chroot, in a mount namespace of
// its own, with the installer's environment, bounded in time.
func (c *chroot) run(t *testing.T, script string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "unshare", "--mount", "--fork", "chroot", c.dir, "/usr/bin/env", "-i",
		"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "DEBIAN_FRONTEND=text", "TERM=dumb", "/bin/sh", "-c", script)
	cmd.Stdin = nil
	// A debconf frontend left behind keeps the output pipe open: stop waiting for it.
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// sh is run that must succeed.
func (c *chroot) sh(t *testing.T, script string) string {
	t.Helper()
	out, err := c.run(t, script)
	if err != nil {
		t.Fatalf("in the installer: %v\n%s\n%s", err, script, out)
	}
	return out
}

// loadPreseed loads a preseed the way the installer loads /preseed.cfg from its initrd
// (lib/debian-installer-startup.d/S30initrd-preseed: preseed_location → preseed_fetch →
// debconf-set-selections).
func (c *chroot) loadPreseed(t *testing.T, preseed []byte) {
	t.Helper()
	c.write(t, "/preseed.cfg", preseed, 0o644)
	c.sh(t, `sh /lib/debian-installer-startup.d/S30initrd-preseed >/dev/null 2>&1; rc=$?; [ $rc = 0 ] || { echo "S30initrd-preseed: exit $rc"; cat /var/lib/preseed/log; exit 1; }`)
}

// getScript prints question=value lines for its arguments, through the confmodule.
const getScript = `#!/bin/sh
. /usr/share/debconf/confmodule
for q in "$@"; do
	if db_get "$q"; then echo "$q=$RET"; else echo "$q: unset"; fi
done
`

// get reads debconf values as the installer's components would (db_get).
func (c *chroot) get(t *testing.T, questions ...string) map[string]string {
	t.Helper()
	c.write(t, "/bin/mesosimg-get", []byte(getScript), 0o755)
	out := c.sh(t, "/bin/mesosimg-get "+strings.Join(questions, " "))
	vals := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if k, v, ok := strings.Cut(l, "="); ok {
			vals[k] = v
		}
	}
	return vals
}

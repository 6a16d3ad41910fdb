package netboot_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mesosimg/mesosimg/config"
	"github.com/mesosimg/mesosimg/generator"
	"github.com/mesosimg/mesosimg/render/netboot"
	"github.com/mesosimg/mesosimg/secrets"
)

// The firmware and boot loaders the test boots with, from Debian's packages.
const (
	// ipxeROM is the option ROM qemu gives a virtio-net-pci NIC (its romfile default), from
	// ipxe-qemu; qemu finds it on its firmware path.
	ipxeROM = "/usr/lib/ipxe/qemu/efi-virtio.rom"
	// lpxelinux is PXELINUX with its lwIP stack, which loads http:// kernels.
	lpxelinux = "/usr/lib/PXELINUX/lpxelinux.0"
	// ldlinux is the PXELINUX core module lpxelinux.0 loads by TFTP beside itself.
	ldlinux = "/usr/lib/syslinux/modules/bios/ldlinux.c32"
)

// vmTimeout bounds one guest: firmware, DHCP, TFTP, HTTP and a kernel that powers off at once
// take 7-10 s alone under TCG.
const vmTimeout = 150 * time.Second

// netbootDescription is a bare-metal cluster network-installed from this test's HTTP server
// (the host is 10.0.2.2 on qemu's user-mode network). %[1]d is the server's port. One MAC is
// written in upper case, as BMCs print them: the rendered names must still be the lower-case ones
// iPXE and PXELINUX ask for.
const netbootDescription = `version: 1
cluster: pxetest
os: debian-12
domain: lab.example.internal
network:
  prefix: 24
  gateway: 10.0.2.2
  dns: [10.0.2.3]
admin:
  user: ops
  ssh_authorized_keys:
    - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMesosImgTestKeyOnlyForGoldenFilesAAAAAAAA ops@example
security:
  admin_cidrs: [10.0.2.0/24]
installer:
  disk: /dev/vda
  answers_url: http://10.0.2.2:%[1]d/out
  kernel_url: http://10.0.2.2:%[1]d/boot/vmlinuz
  initrd_url: http://10.0.2.2:%[1]d/boot/initrd.gz
  kernel_args: [console=ttyS0, quiet, panic=-1]
nodes:
  - {name: m1, ip: 10.0.2.11, roles: [zookeeper, master, marathon], interface: ens3, mac: "52:54:00:6d:00:01"}
  - {name: a1, ip: 10.0.2.21, roles: [agent], interface: ens3, mac: "52:54:00:6d:00:02"}
  - {name: a2, ip: 10.0.2.22, roles: [agent], interface: ens3, mac: "52:54:00:6D:00:0A"}
`

// nodeMACs are the nodes of netbootDescription and their MACs as the NICs report them.
var nodeMACs = []struct{ name, mac string }{
	{"m1", "52:54:00:6d:00:01"},
	{"a1", "52:54:00:6d:00:02"},
	{"a2", "52:54:00:6d:00:0a"},
}

// strangerMAC belongs to no node.
const strangerMAC = "52:54:00:6d:00:99"

// pxelinuxNode boots with PXELINUX rather than iPXE's script.
const pxelinuxNode = "a2"

// TestNetbootInQemu network-boots the rendered pxe/ files with real firmware: qemu's own iPXE
// option ROM (ipxe-qemu) on a virtio NIC, and PXELINUX (lpxelinux.0) on top of it, over qemu's
// user-mode network — TFTP from slirp, HTTP from this test. The kernel and initrd the description
// points at are Debian's cloud kernel and a busybox initramfs whose /init prints /proc/cmdline
// (testdata/qemu-netboot.sh), so each guest reports exactly the command line its boot loader gave
// the kernel. It proves: every node's MAC reaches its own iPXE script through boot.ipxe, which
// loads the kernel and initrd over HTTP and boots with the node's own rendered command line; a
// MAC of no node gets the dispatcher's message and boots nothing; PXELINUX finds the node's
// pxelinux.cfg/01-<mac> and boots the same command line. It never skips.
func TestNetbootInQemu(t *testing.T) {
	requireNetbootTools(t)
	root := t.TempDir()
	start := time.Now()

	script, err := exec.Command("bash", "testdata/qemu-netboot.sh", filepath.Join(root, "boot")).CombinedOutput()
	if err != nil {
		t.Fatalf("testdata/qemu-netboot.sh: %v\n%s", err, script)
	}
	t.Logf("test kernel and initramfs from %s (%s)", strings.TrimSpace(string(script)), time.Since(start).Round(time.Millisecond))

	// The HTTP server the guests reach as 10.0.2.2 (slirp connects to 127.0.0.1 for them).
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var hlog httpLog
	srv := httptest.NewUnstartedServer(hlog.wrap(t, http.FileServer(http.Dir(root))))
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	defer srv.Close()
	port := ln.Addr().(*net.TCPAddr).Port

	out := filepath.Join(root, "out")
	renderDescription(t, fmt.Sprintf(netbootDescription, port), out)
	answersURL := fmt.Sprintf("http://10.0.2.2:%d/out", port)
	kernelURL := fmt.Sprintf("http://10.0.2.2:%d/boot/vmlinuz", port)
	initrdURL := fmt.Sprintf("http://10.0.2.2:%d/boot/initrd.gz", port)

	// PXELINUX's TFTP root: the loader, its core module and the rendered configurations.
	pxl := filepath.Join(root, "pxelinux")
	if err := os.Mkdir(pxl, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{lpxelinux, ldlinux} {
		copyLoader(t, f, filepath.Join(pxl, filepath.Base(f)))
	}
	if err := os.Symlink(filepath.Join(out, netboot.Dir, "pxelinux.cfg"), filepath.Join(pxl, "pxelinux.cfg")); err != nil {
		t.Fatal(err)
	}

	cmdlines := map[string]string{} // node -> rendered nodes/<name>/cmdline, without "\n"
	for _, n := range nodeMACs {
		b := readRendered(t, filepath.Join(out, "nodes", n.name, netboot.CmdlineName))
		if !strings.HasSuffix(b, "\n") || strings.Count(b, "\n") != 1 {
			t.Fatalf("nodes/%s/cmdline is not one line: %q", n.name, b)
		}
		cmdlines[n.name] = strings.TrimSuffix(b, "\n")
	}

	type guest struct {
		name, mac, tftp, bootfile string
		check                     func(t *testing.T, console string)
	}
	var guests []guest
	for _, n := range nodeMACs {
		guests = append(guests, guest{"ipxe-" + n.name, n.mac, filepath.Join(out, netboot.Dir), netboot.DispatchName,
			func(t *testing.T, console string) {
				// What the node's script tells iPXE to pass, and that it is the node's command line.
				script := readRendered(t, filepath.Join(out, netboot.Dir, netboot.IPXEName(n.mac)))
				kernel, args := ipxeKernelLine(t, script)
				if kernel != kernelURL {
					t.Errorf("%s loads kernel %q, want %q", netboot.IPXEName(n.mac), kernel, kernelURL)
				}
				if want := "initrd=initrd.img " + cmdlines[n.name]; args != want {
					t.Errorf("%s passes\n  %q\nwant initrd=initrd.img and nodes/%s/cmdline:\n  %q", netboot.IPXEName(n.mac), args, n.name, want)
				}
				// The dispatcher came by TFTP and chained the MAC's script relative to itself.
				flat := unwrap(console)
				for _, want := range []string{
					"tftp://10.0.2.2/" + netboot.DispatchName + "... ok",
					netboot.IPXEName(n.mac) + "... ok",
					"mesosimg: installing " + n.name + " of cluster pxetest",
				} {
					if !strings.Contains(flat, want) {
						t.Errorf("the console lacks %q", want)
					}
				}
				got := bootedCmdline(t, console)
				if got != args {
					t.Errorf("the kernel's /proc/cmdline is\n  %q\nthe script passes\n  %q", got, args)
				}
				checkOwnCmdline(t, got, n.name, n.mac, answersURL)
				checkAnswers(t, srv.URL, answersURL, got, filepath.Join(out, "nodes", n.name, "preseed.cfg"))
			}})
	}
	// A node whose install script fails (its kernel is missing): the dispatcher must say so, not
	// call it a stranger. A copy of the pxe/ directory where one MAC's script loads no kernel.
	broken := t.TempDir()
	brokenMAC := "52:54:00:6d:00:77"
	os.WriteFile(filepath.Join(broken, netboot.DispatchName), []byte(readRendered(t, filepath.Join(out, netboot.Dir, netboot.DispatchName))), 0o644)
	nodeScript := (readRendered(t, filepath.Join(out, netboot.Dir, netboot.IPXEName(nodeMACs[0].mac))))
	os.WriteFile(filepath.Join(broken, netboot.IPXEName(brokenMAC)), []byte(strings.ReplaceAll(nodeScript, kernelURL, strings.TrimSuffix(kernelURL, "vmlinuz")+"missing")), 0o644)
	guests = append(guests, guest{"ipxe-broken", brokenMAC, broken, netboot.DispatchName,
		func(t *testing.T, console string) {
			flat := unwrap(console)
			want := "mesosimg: the install script of " + brokenMAC + " (" + netboot.IPXEName(brokenMAC) + ") failed"
			if !strings.Contains(flat, want) {
				t.Errorf("the console lacks the dispatcher's %q", want)
			}
			if strings.Contains(flat, "is no node") || strings.Contains(console, "CMDLINE ") {
				t.Errorf("a node whose script failed was called a stranger, or booted a kernel")
			}
		}})
	guests = append(guests, guest{"ipxe-stranger", strangerMAC, filepath.Join(out, netboot.Dir), netboot.DispatchName,
		func(t *testing.T, console string) {
			flat := unwrap(console)
			want := "mesosimg: " + strangerMAC + " is no node of cluster pxetest: leaving network boot"
			if !strings.Contains(flat, want) {
				t.Errorf("the console lacks the dispatcher's %q", want)
			}
			if tried := netboot.IPXEName(strangerMAC); !strings.Contains(flat, tried) {
				t.Errorf("the console shows no attempt to chain %s", tried)
			}
			if strings.Contains(console, "CMDLINE ") || strings.Contains(flat, "/boot/vmlinuz") {
				t.Errorf("a machine of no node loaded a kernel")
			}
		}})
	for _, n := range nodeMACs {
		if n.name != pxelinuxNode {
			continue
		}
		guests = append(guests, guest{"pxelinux-" + n.name, n.mac, pxl, "lpxelinux.0",
			func(t *testing.T, console string) {
				cfgName := "01-" + strings.ReplaceAll(n.mac, ":", "-")
				cfg := pxelinuxConfig(t, readRendered(t, filepath.Join(out, netboot.Dir, "pxelinux.cfg", cfgName)))
				// The initrd is named in APPEND, before the node's command line (and its "---").
				if want := "initrd=" + initrdURL + " " + cmdlines[n.name]; cfg["KERNEL"] != kernelURL || cfg["INITRD"] != "" || cfg["APPEND"] != want {
					t.Errorf("pxelinux.cfg/%s: KERNEL %q INITRD %q APPEND %q; want %q, no INITRD and %q",
						cfgName, cfg["KERNEL"], cfg["INITRD"], cfg["APPEND"], kernelURL, want)
				}
				got := bootedCmdline(t, console)
				if !strings.Contains(got, cmdlines[n.name]) {
					t.Errorf("the kernel's /proc/cmdline\n  %q\nlacks nodes/%s/cmdline\n  %q", got, n.name, cmdlines[n.name])
				}
				// PXELINUX adds BOOT_IMAGE= before APPEND (which holds initrd=); nothing else.
				rest := strings.Fields(strings.Replace(got, cmdlines[n.name], "", 1))
				for _, f := range rest {
					if f != "BOOT_IMAGE="+kernelURL && f != "initrd="+initrdURL {
						t.Errorf("PXELINUX added %q to the command line", f)
					}
				}
				checkOwnCmdline(t, got, n.name, n.mac, answersURL)
			}})
	}

	t.Run("boot", func(t *testing.T) {
		for _, g := range guests {
			t.Run(g.name, func(t *testing.T) {
				t.Parallel()
				began := time.Now()
				console := runGuest(t, g.mac, g.tftp, g.bootfile)
				t.Logf("%s booted %s from tftp %s in %s", g.mac, g.bootfile, g.tftp, time.Since(began).Round(time.Millisecond))
				if m := cmdlineRE.FindStringSubmatch(console); m != nil {
					t.Logf("/proc/cmdline: %s", m[1])
				}
				g.check(t, console)
				if t.Failed() {
					t.Logf("console:\n%s", console)
				}
			})
		}
	})

	// Every kernel came over HTTP: one fetch of kernel and initrd per booted guest, three by
	// iPXE and one by PXELINUX; so the machine of no node fetched nothing. The scripts came by
	// TFTP only.
	for _, p := range []string{"/boot/vmlinuz", "/boot/initrd.gz"} {
		n := hlog.count(p)
		if n["iPXE"] != len(nodeMACs) || n["Syslinux"] != 1 || len(n) != 2 {
			t.Errorf("GET %s by user agent: %v; want iPXE %d times and Syslinux once", p, n, len(nodeMACs))
		}
	}
	if n := hlog.count(".ipxe"); len(n) != 0 {
		t.Errorf("iPXE scripts were fetched over HTTP: %v", n)
	}
	t.Logf("done in %s", time.Since(start).Round(time.Millisecond))
}

// requireNetbootTools fails, naming the package to install, when a tool is missing.
func requireNetbootTools(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("qemu-system-x86_64"); err != nil {
		t.Fatal("qemu-system-x86_64 not found: run `make deps` (apt-get install qemu-system-x86)")
	}
	for _, f := range []struct{ path, pkg string }{
		{ipxeROM, "ipxe-qemu"},
		{lpxelinux, "pxelinux"},
		{ldlinux, "syslinux-common"},
	} {
		if _, err := os.Stat(f.path); err != nil {
			t.Fatalf("%s not found: run `make deps` (apt-get install %s)", f.path, f.pkg)
		}
	}
	for _, c := range []struct{ cmd, pkg string }{{"bash", "bash"}, {"apt-get", "apt"}, {"dpkg-deb", "dpkg"}, {"gzip", "gzip"}} {
		if _, err := exec.LookPath(c.cmd); err != nil {
			t.Fatalf("%s not found: apt-get install %s", c.cmd, c.pkg)
		}
	}
}

// renderDescription renders a description as `mesosimg render` would, into dir.
func renderDescription(t *testing.T, yaml, dir string) {
	t.Helper()
	c, rep := config.Load(config.Source{Name: "cluster.yaml", Dir: dir, Data: []byte(yaml), ReadFile: os.ReadFile})
	if c == nil {
		t.Fatalf("the test description is invalid:\n%s", rep.Format("cluster.yaml"))
	}
	files, err := generator.GenerateAll(c, generator.Options{Secrets: secrets.Fixed()})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, f.Mode); err != nil {
			t.Fatal(err)
		}
	}
}

// runGuest boots a machine with one virtio NIC of the given MAC from the network: qemu's iPXE
// ROM gets bootfile from slirp's DHCP and TFTP server (serving tftpDir). It returns the serial
// console with carriage returns and escape sequences removed. The guest ends by itself: the test
// kernel powers off, and firmware that boots nothing reboots at once, which -no-reboot ends.
func runGuest(t *testing.T, mac, tftpDir, bootfile string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), vmTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "qemu-system-x86_64",
		"-accel", "tcg", "-m", "256", "-nographic", "-no-reboot",
		"-boot", "order=n,reboot-timeout=0",
		"-netdev", "user,id=n0,tftp="+tftpDir+",bootfile="+bootfile,
		"-device", "virtio-net-pci,netdev=n0,mac="+mac)
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err := cmd.Run()
	console := cleanConsole(buf.String())
	if ctx.Err() != nil {
		t.Fatalf("qemu did not finish within %s:\n%s", vmTimeout, console)
	}
	if err != nil {
		t.Fatalf("qemu: %v\n%s", err, console)
	}
	return console
}

var escapeRE = regexp.MustCompile(`\x1b(\[[0-9;?]*[A-Za-z]|[()][0-9A-Za-z]|[=>c])`)

func cleanConsole(s string) string {
	return escapeRE.ReplaceAllString(strings.ReplaceAll(s, "\r", ""), "")
}

// unwrap joins the console's lines: the firmware's console wraps at 80 columns.
func unwrap(console string) string { return strings.ReplaceAll(console, "\n", "") }

// cmdlineRE is the test initramfs's report. The firmware's output may precede it on its line.
var cmdlineRE = regexp.MustCompile(`CMDLINE (.*)`)

// bootedCmdline is the /proc/cmdline the test kernel reported; it fails unless there is one.
func bootedCmdline(t *testing.T, console string) string {
	t.Helper()
	m := cmdlineRE.FindAllStringSubmatch(console, -1)
	if len(m) != 1 {
		t.Fatalf("the console shows %d CMDLINE reports, want 1: did the kernel boot?", len(m))
	}
	return strings.TrimRight(m[0][1], " ")
}

// checkOwnCmdline checks the booted command line belongs to the node and no other.
func checkOwnCmdline(t *testing.T, got, node, mac, answersURL string) {
	t.Helper()
	fields := strings.Fields(got)
	has := func(f string) bool {
		for _, x := range fields {
			if x == f {
				return true
			}
		}
		return false
	}
	for _, want := range []string{
		"BOOTIF=01-" + strings.ReplaceAll(mac, ":", "-"),
		"url=" + answersURL + "/nodes/" + node + "/preseed.cfg",
		"hostname=" + node,
	} {
		if !has(want) {
			t.Errorf("the booted command line lacks %s", want)
		}
	}
	for _, o := range nodeMACs {
		if o.name == node {
			continue
		}
		for _, not := range []string{"BOOTIF=01-" + strings.ReplaceAll(o.mac, ":", "-"), "/nodes/" + o.name + "/", "hostname=" + o.name} {
			if strings.Contains(got, not) {
				t.Errorf("the booted command line of %s has node %s's %s", node, o.name, not)
			}
		}
	}
}

// checkAnswers fetches the preseed the booted command line names, as the installer would (through
// this host's address for 10.0.2.2), and checks it is the rendered one and matches
// preseed/url/checksum.
func checkAnswers(t *testing.T, hostURL, answersURL, cmdline, rendered string) {
	t.Helper()
	var url, sum string
	for _, f := range strings.Fields(cmdline) {
		if v, ok := strings.CutPrefix(f, "url="); ok {
			url = v
		} else if v, ok := strings.CutPrefix(f, "preseed/url/checksum="); ok {
			sum = v
		}
	}
	rest, ok := strings.CutPrefix(url, answersURL)
	if !ok {
		t.Errorf("url=%s is not under installer.answers_url %s", url, answersURL)
		return
	}
	resp, err := http.Get(hostURL + "/out" + rest)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %v %s", url, err, resp.Status)
	}
	if want := readRendered(t, rendered); string(body) != want {
		t.Errorf("GET %s is not %s", url, rendered)
	}
	if got := fmt.Sprintf("%x", md5.Sum(body)); got != sum {
		t.Errorf("preseed/url/checksum=%s, but %s has md5 %s", sum, url, got)
	}
}

// ipxeKernelLine returns the URL and arguments of an iPXE script's kernel command.
func ipxeKernelLine(t *testing.T, script string) (url, args string) {
	t.Helper()
	for _, line := range strings.Split(script, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || f[0] != "kernel" {
			continue
		}
		f = f[1:]
		for len(f) > 0 && strings.HasPrefix(f[0], "--") { // options: --name vmlinuz
			if f[0] == "--name" && len(f) > 1 {
				f = f[1:]
			}
			f = f[1:]
		}
		if len(f) == 0 {
			break
		}
		return f[0], strings.Join(f[1:], " ")
	}
	t.Fatalf("no kernel command in the iPXE script:\n%s", script)
	return "", ""
}

// pxelinuxConfig returns the KERNEL, INITRD and APPEND of a PXELINUX configuration.
func pxelinuxConfig(t *testing.T, cfg string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, line := range strings.Split(cfg, "\n") {
		k, v, _ := strings.Cut(strings.TrimSpace(line), " ")
		switch k = strings.ToUpper(k); k {
		case "KERNEL", "INITRD", "APPEND":
			out[k] = strings.TrimSpace(v)
		}
	}
	return out
}

// httpLog records the requests the guests make.
type httpLog struct {
	mu   sync.Mutex
	reqs []httpReq
}

type httpReq struct{ path, agent string }

func (l *httpLog) wrap(t *testing.T, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Logf("http: %s %s (%s)", r.Method, r.URL.Path, r.UserAgent())
		l.mu.Lock()
		l.reqs = append(l.reqs, httpReq{r.URL.Path, r.UserAgent()})
		l.mu.Unlock()
		h.ServeHTTP(w, r)
	})
}

// count returns how many times each user agent (its product name) fetched a path ending in
// suffix.
func (l *httpLog) count(suffix string) map[string]int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := map[string]int{}
	for _, r := range l.reqs {
		if strings.HasSuffix(r.path, suffix) {
			product, _, _ := strings.Cut(r.agent, "/")
			n[product]++
		}
	}
	return n
}

func readRendered(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func copyLoader(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

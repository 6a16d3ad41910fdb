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
	// ovmfCode and ovmfVars are the UEFI firmware (from ovmf) the UEFI guests boot with instead
	// of SeaBIOS: its code, read-only, and the template of its variable store, which each guest
	// gets a writable copy of. The NIC's efi-virtio.rom gives OVMF iPXE's EFI driver.
	ovmfCode = "/usr/share/OVMF/OVMF_CODE_4M.fd"
	ovmfVars = "/usr/share/OVMF/OVMF_VARS_4M.fd"
)

// vmTimeout bounds one guest: firmware, DHCP, TFTP, HTTP and a kernel that powers off at once
// take 7-11 s alone under TCG (SeaBIOS or OVMF alike), 15-40 s when all the test's guests boot at
// once on two cores (OVMF's a few seconds more than SeaBIOS's).
const vmTimeout = 150 * time.Second

// concurrentGuests is how many guests boot at once.
const concurrentGuests = 4

// netbootDescription is a bare-metal debian-12 cluster network-installed from this test's HTTP
// server on port (the host is 10.0.2.2 on qemu's user-mode network). One MAC is written in upper
// case, as BMCs print them: the rendered names must still be the lower-case ones iPXE and
// PXELINUX ask for.
func netbootDescription(port int) string {
	url := func(p string) string { return guestURL(port, p) }
	return qemuDescription("pxetest", "debian-12", "",
		url("/out"), "  kernel_url: "+url("/boot/vmlinuz")+"\n  initrd_url: "+url("/boot/initrd.gz")+"\n",
		`  - {name: m1, ip: 10.0.2.11, roles: [zookeeper, master, marathon], interface: ens3, mac: "52:54:00:6d:00:01"}
  - {name: a1, ip: 10.0.2.21, roles: [agent], interface: ens3, mac: "52:54:00:6d:00:02"}
  - {name: a2, ip: 10.0.2.22, roles: [agent], interface: ens3, mac: "52:54:00:6D:00:0A"}
`)
}

// qemuDescription is a description of the test's clusters: qemu's user network (gateway
// 10.0.2.2), one admin key, answers served from answersURL; urls are the installer: lines of the
// kernel, initrd (and ISO), network the installer network ("" for the default).
func qemuDescription(cluster, os, network, answersURL, urls, nodes string) string {
	installer := "installer:\n  disk: /dev/vda\n"
	if network != "" {
		installer += "  network: " + network + "\n"
	}
	return `version: 1
cluster: ` + cluster + `
os: ` + os + `
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
` + installer + "  answers_url: " + answersURL + "\n" + urls + `  kernel_args: [console=ttyS0, quiet, panic=-1]
nodes:
` + nodes
}

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

// uefiNode boots with iPXE's script a second time, with UEFI firmware (OVMF) and iPXE's EFI build.
const uefiNode = "a1"

// ubuntuQemu is an Ubuntu description the test network-boots too, from its own output directory
// (served as /out-<os>) and its own TFTP roots. Its "ISO" (iso_url) exists only as a URL; its
// kernel and initrd (casper/vmlinuz and casper/initrd beside the ISO) are the test kernel and
// initramfs. Each node boots with one loader.
type ubuntuQemu struct {
	os, cluster string
	network     string // installer.network: dhcp or static
	isoKey      string // the parameter that gives casper the ISO: url (22.04) or iso-url (24.04)
	nodes       []ubuntuQemuNode
	uefi        string // an iPXE node booted a second time with UEFI, or ""
}

// ubuntuQemuNode is a node of an ubuntuQemu: descMAC is how the description writes its MAC,
// mac how the NIC reports it; loader is "ipxe" or "pxelinux".
type ubuntuQemuNode struct{ name, ip, descMAC, mac, loader, roles string }

// ubuntuQemus: 24.04 (iso-url=) installs with DHCP, 22.04 (url=) with a static address.
var ubuntuQemus = []ubuntuQemu{
	{os: "ubuntu-24.04", cluster: "noble", network: "dhcp", isoKey: "iso-url", nodes: []ubuntuQemuNode{
		{"n1", "10.0.2.31", "52:54:00:6d:01:01", "52:54:00:6d:01:01", "ipxe", "[zookeeper, master, marathon]"},
		{"n2", "10.0.2.32", "52:54:00:6D:01:0B", "52:54:00:6d:01:0b", "pxelinux", "[agent]"},
	}, uefi: "n1"},
	{os: "ubuntu-22.04", cluster: "jammy", network: "static", isoKey: "url", nodes: []ubuntuQemuNode{
		{"j1", "10.0.2.41", "52:54:00:6d:02:01", "52:54:00:6d:02:01", "ipxe", "[zookeeper, master, marathon]"},
		{"j2", "10.0.2.42", "52:54:00:6d:02:02", "52:54:00:6d:02:02", "pxelinux", "[agent]"},
	}},
}

// Where an ubuntuQemu's files are, on this test's HTTP server (path) and as the guests reach it
// (URL, with the server's port).
func (u ubuntuQemu) outPath() string     { return "/out-" + u.os }
func (u ubuntuQemu) kernelPath() string  { return "/" + u.os + "/casper/vmlinuz" }
func (u ubuntuQemu) initrdPath() string  { return "/" + u.os + "/casper/initrd" }
func (u ubuntuQemu) isoPath() string     { return "/" + u.os + "/" + u.os + "-live-server-amd64.iso" }
func guestURL(port int, p string) string { return fmt.Sprintf("http://10.0.2.2:%d%s", port, p) }

// description is the ubuntuQemu as a description, whose URLs name the server's port.
func (u ubuntuQemu) description(port int) string {
	var nodes strings.Builder
	for _, n := range u.nodes {
		fmt.Fprintf(&nodes, "  - {name: %s, ip: %s, roles: %s, interface: ens3, mac: %q}\n", n.name, n.ip, n.roles, n.descMAC)
	}
	url := func(p string) string { return guestURL(port, p) }
	return qemuDescription(u.cluster, u.os, u.network, url(u.outPath()),
		"  kernel_url: "+url(u.kernelPath())+"\n  initrd_url: "+url(u.initrdPath())+"\n  iso_url: "+url(u.isoPath())+"\n",
		nodes.String())
}

// TestNetbootInQemu network-boots the rendered pxe/ files with real firmware: qemu's own iPXE
// option ROM (ipxe-qemu) on a virtio NIC, and PXELINUX (lpxelinux.0) on top of it, over qemu's
// user-mode network — TFTP from slirp, HTTP from this test. The kernel and initrd the description
// points at are Debian's cloud kernel and a busybox initramfs whose /init prints /proc/cmdline
// (testdata/qemu-netboot.sh), so each guest reports exactly the command line its boot loader gave
// the kernel. It proves: every node's MAC reaches its own iPXE script through boot.ipxe, which
// loads the kernel and initrd over HTTP and boots with the node's own rendered command line; a
// MAC of no node gets the dispatcher's message and boots nothing; PXELINUX finds the node's
// pxelinux.cfg/01-<mac> and boots the same command line. The same for Ubuntu 24.04 (DHCP) and
// 22.04 (static address) descriptions, a node of each by each loader: the node's command line
// arrives whole (casper's ip=, url= or iso-url=, and ds=nocloud-net;s=<seed> with its ';'), and
// the seed it names serves the node's autoinstall as user-data. A Debian node and an Ubuntu 24.04
// node also boot with UEFI (OVMF, whose PXE boot option is the NIC ROM's iPXE EFI driver): the
// same scripts run, and the kernel, started as an EFI application, gets the script's command line
// after its image name and finds the initrd by initrd=initrd.img (its initramfs runs). It never
// skips.
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
	renderDescription(t, netbootDescription(port), out)
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
		fw                        firmware
		check                     func(t *testing.T, console string)
	}
	var guests []guest
	for _, n := range nodeMACs {
		fws := []firmware{bios}
		if n.name == uefiNode {
			fws = append(fws, uefi)
		}
		for _, fw := range fws {
			guests = append(guests, guest{fw.prefix() + "ipxe-" + n.name, n.mac, filepath.Join(out, netboot.Dir), netboot.DispatchName, fw,
				func(t *testing.T, console string) {
					// What the node's script tells iPXE to pass, and that it is the node's command line.
					script := readRendered(t, filepath.Join(out, netboot.Dir, netboot.IPXEName(n.mac)))
					kernelName, args := checkIPXEScript(t, script, netboot.IPXEName(n.mac), kernelURL, initrdURL, n.name, cmdlines[n.name])
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
					got := ipxeBootedCmdline(t, console, fw, kernelName, args)
					checkOwnCmdline(t, got, n.name, n.mac, answersURL)
					checkAnswers(t, srv.URL, answersURL, got, filepath.Join(out, "nodes", n.name, "preseed.cfg"))
				}})
		}
	}
	// A node whose install script fails (its kernel is missing): the dispatcher must say so, not
	// call it a stranger. A copy of the pxe/ directory where one MAC's script loads no kernel.
	broken := t.TempDir()
	brokenMAC := "52:54:00:6d:00:77"
	os.WriteFile(filepath.Join(broken, netboot.DispatchName), []byte(readRendered(t, filepath.Join(out, netboot.Dir, netboot.DispatchName))), 0o644)
	nodeScript := (readRendered(t, filepath.Join(out, netboot.Dir, netboot.IPXEName(nodeMACs[0].mac))))
	os.WriteFile(filepath.Join(broken, netboot.IPXEName(brokenMAC)), []byte(strings.ReplaceAll(nodeScript, kernelURL, strings.TrimSuffix(kernelURL, "vmlinuz")+"missing")), 0o644)
	// The dispatcher's messages are its echo lines under :failed and :unknown, for the MAC.
	dispatcher := readRendered(t, filepath.Join(out, netboot.Dir, netboot.DispatchName))
	guests = append(guests, guest{"ipxe-broken", brokenMAC, broken, netboot.DispatchName, bios,
		func(t *testing.T, console string) {
			flat := unwrap(console)
			want := dispatcherEcho(t, dispatcher, "failed", brokenMAC)
			if !strings.Contains(want, brokenMAC) || !strings.Contains(want, netboot.IPXEName(brokenMAC)) {
				t.Errorf("the dispatcher's message for a failed script does not name the MAC and its script: %q", want)
			}
			if !strings.Contains(flat, want) {
				t.Errorf("the console lacks the dispatcher's %q", want)
			}
			if strings.Contains(flat, dispatcherEcho(t, dispatcher, "unknown", brokenMAC)) || strings.Contains(console, "CMDLINE ") {
				t.Errorf("a node whose script failed was called a stranger, or booted a kernel")
			}
		}})
	guests = append(guests, guest{"ipxe-stranger", strangerMAC, filepath.Join(out, netboot.Dir), netboot.DispatchName, bios,
		func(t *testing.T, console string) {
			flat := unwrap(console)
			want := dispatcherEcho(t, dispatcher, "unknown", strangerMAC)
			if !strings.Contains(want, strangerMAC) || !strings.Contains(want, "pxetest") {
				t.Errorf("the dispatcher's message for an unknown MAC does not name it and the cluster: %q", want)
			}
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
		guests = append(guests, guest{"pxelinux-" + n.name, n.mac, pxl, "lpxelinux.0", bios,
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

	// Ubuntu's network installs: each description rendered into its own output directory, its
	// casper/ kernel and initrd the test's own, its nodes booted by iPXE (through the cluster's
	// boot.ipxe) or PXELINUX.
	for _, u := range ubuntuQemus {
		uout := filepath.Join(root, filepath.FromSlash(u.outPath()))
		renderDescription(t, u.description(port), uout)
		for _, l := range []struct{ from, to string }{{"boot/vmlinuz", u.kernelPath()}, {"boot/initrd.gz", u.initrdPath()}} {
			to := filepath.Join(root, filepath.FromSlash(l.to))
			if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(filepath.Join(root, l.from), to); err != nil {
				t.Fatal(err)
			}
		}
		upxl := filepath.Join(root, "pxelinux-"+u.os)
		if err := os.Mkdir(upxl, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{lpxelinux, ldlinux} {
			copyLoader(t, f, filepath.Join(upxl, filepath.Base(f)))
		}
		if err := os.Symlink(filepath.Join(uout, netboot.Dir, "pxelinux.cfg"), filepath.Join(upxl, "pxelinux.cfg")); err != nil {
			t.Fatal(err)
		}
		for _, n := range u.nodes {
			b := readRendered(t, filepath.Join(uout, "nodes", n.name, netboot.CmdlineName))
			if !strings.HasSuffix(b, "\n") || strings.Count(b, "\n") != 1 {
				t.Fatalf("%s: nodes/%s/cmdline is not one line: %q", u.os, n.name, b)
			}
			cmdline := strings.TrimSuffix(b, "\n")
			kernelURL, initrdURL := guestURL(port, u.kernelPath()), guestURL(port, u.initrdPath())
			fws := []firmware{bios}
			if n.name == u.uefi {
				if n.loader != "ipxe" {
					t.Fatalf("node %s boots with UEFI, so with iPXE, not %s", n.name, n.loader)
				}
				fws = append(fws, uefi)
			}
			for _, fw := range fws {
				g := guest{fw.prefix() + u.os + "-" + n.loader + "-" + n.name, n.mac, filepath.Join(uout, netboot.Dir), netboot.DispatchName, fw, nil}
				switch n.loader {
				case "ipxe":
					g.check = func(t *testing.T, console string) {
						script := readRendered(t, filepath.Join(uout, netboot.Dir, netboot.IPXEName(n.mac)))
						kernelName, args := checkIPXEScript(t, script, netboot.IPXEName(n.mac), kernelURL, initrdURL, n.name, cmdline)
						// The cluster's dispatcher came by TFTP and chained the MAC's script, which ran.
						flat := unwrap(console)
						for _, want := range append([]string{"tftp://10.0.2.2/" + netboot.DispatchName + "... ok", netboot.IPXEName(n.mac) + "... ok"},
							ubuntuIPXEEchoes(script)...) {
							if !strings.Contains(flat, want) {
								t.Errorf("the console lacks %q", want)
							}
						}
						// iPXE passes the script's arguments verbatim (with UEFI after the kernel's
						// name): the node's command line, whole.
						ipxeBootedCmdline(t, console, fw, kernelName, args)
					}
				case "pxelinux":
					g.tftp, g.bootfile = upxl, "lpxelinux.0"
					g.check = func(t *testing.T, console string) {
						cfgName := "01-" + strings.ReplaceAll(n.mac, ":", "-")
						cfg := pxelinuxConfig(t, readRendered(t, filepath.Join(uout, netboot.Dir, "pxelinux.cfg", cfgName)))
						if want := "initrd=" + initrdURL + " " + cmdline; cfg["KERNEL"] != kernelURL || cfg["INITRD"] != "" || cfg["APPEND"] != want {
							t.Errorf("pxelinux.cfg/%s: KERNEL %q INITRD %q APPEND %q; want %q, no INITRD and %q",
								cfgName, cfg["KERNEL"], cfg["INITRD"], cfg["APPEND"], kernelURL, want)
						}
						// PXELINUX puts BOOT_IMAGE= before APPEND, which it passes verbatim.
						if got, want := bootedCmdline(t, console), "BOOT_IMAGE="+kernelURL+" initrd="+initrdURL+" "+cmdline; got != want {
							t.Errorf("the kernel's /proc/cmdline is\n  %q\nwant BOOT_IMAGE=, initrd= and nodes/%s/cmdline:\n  %q", got, n.name, want)
						}
					}
				default:
					t.Fatalf("node %s: loader %q", n.name, n.loader)
				}
				loaderCheck := g.check
				g.check = func(t *testing.T, console string) {
					loaderCheck(t, console)
					got := bootedCmdline(t, console)
					if strings.Count(" "+got+" ", " "+cmdline+" ") != 1 {
						t.Errorf("the kernel's /proc/cmdline\n  %q\nhas not nodes/%s/cmdline once:\n  %q", got, n.name, cmdline)
					}
					checkUbuntuCmdline(t, u, n, port, got)
					checkUbuntuSeed(t, srv.URL, port, got, filepath.Join(uout, "nodes", n.name))
				}
				guests = append(guests, g)
			}
		}
	}

	// Guests boot concurrentGuests at a time, not -parallel (GOMAXPROCS): under TCG much of a
	// guest's time is firmware waiting, not computing. Not all twelve at once: on a loaded
	// machine PXELINUX's lwIP HTTP client then timed out fetching the initrd ("Boot failed").
	type booted struct {
		console string
		err     error
		took    time.Duration
	}
	results := make([]chan booted, len(guests))
	slots := make(chan struct{}, concurrentGuests)
	for i, g := range guests {
		var vars string // a UEFI guest's own variable store
		if g.fw == uefi {
			vars = filepath.Join(root, "OVMF_VARS-"+g.name+".fd")
			copyLoader(t, ovmfVars, vars)
		}
		results[i] = make(chan booted, 1)
		go func() {
			slots <- struct{}{}
			defer func() { <-slots }()
			began := time.Now()
			console, err := runGuest(g.mac, g.tftp, g.bootfile, vars)
			results[i] <- booted{console, err, time.Since(began)}
		}()
	}
	t.Run("boot", func(t *testing.T) {
		for i, g := range guests {
			t.Run(g.name, func(t *testing.T) {
				r := <-results[i]
				if r.err != nil {
					t.Fatal(r.err)
				}
				console := r.console
				t.Logf("%s booted %s from tftp %s with %s in %s", g.mac, g.bootfile, g.tftp, g.fw, r.took.Round(time.Millisecond))
				if m := cmdlineRE.FindStringSubmatch(console); m != nil {
					t.Logf("/proc/cmdline: %s", m[1])
				}
				defer func() { // after a t.Fatal too
					if t.Failed() {
						t.Logf("console:\n%s", console)
					}
				}()
				checkFirmware(t, console, g.fw)
				g.check(t, console)
			})
		}
	})

	// Every Debian kernel came over HTTP: one fetch of kernel and initrd per booted guest, four by
	// iPXE (each node with BIOS, one with UEFI too) and one by PXELINUX; so the machine of no node
	// fetched nothing. The scripts came by TFTP only.
	for _, p := range []string{"/boot/vmlinuz", "/boot/initrd.gz"} {
		n := hlog.count(p)
		if want := len(nodeMACs) + 1; n["iPXE"] != want || n["Syslinux"] != 1 || len(n) != 2 {
			t.Errorf("GET %s by user agent: %v; want iPXE %d times and Syslinux once", p, n, want)
		}
	}
	if n := hlog.count(".ipxe"); len(n) != 0 {
		t.Errorf("iPXE scripts were fetched over HTTP: %v", n)
	}
	// Each Ubuntu cluster's casper/ kernel and initrd: once by iPXE (twice with a UEFI guest),
	// once by PXELINUX. Nothing can fetch the ISO (no casper runs).
	for _, u := range ubuntuQemus {
		want := 1
		if u.uefi != "" {
			want = 2
		}
		for _, p := range []string{u.kernelPath(), u.initrdPath()} {
			if n := hlog.count(p); n["iPXE"] != want || n["Syslinux"] != 1 || len(n) != 2 {
				t.Errorf("GET %s by user agent: %v; want iPXE %d times and Syslinux once", p, n, want)
			}
		}
	}
	if n := hlog.count(".iso"); len(n) != 0 {
		t.Errorf("an ISO was fetched: %v", n)
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
		{ovmfCode, "ovmf"},
		{ovmfVars, "ovmf"},
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
// ROM gets bootfile from slirp's DHCP and TFTP server (serving tftpDir). With ovmfVars (a
// writable copy of OVMF_VARS) the firmware is OVMF rather than SeaBIOS: the ROM's EFI driver
// (iPXE's EFI build) is the NIC's first boot option (bootindex), before OVMF's own PXE and HTTP
// boot. It returns the serial console with
// carriage returns and escape sequences removed. The guest ends by itself: the test kernel powers
// off or panics (panic=-1 reboots), and SeaBIOS booting nothing reboots at once, which -no-reboot
// ends. (OVMF booting nothing goes on to its other boot options and the EFI shell: the timeout.)
func runGuest(mac, tftpDir, bootfile, ovmfVars string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), vmTimeout)
	defer cancel()
	args := []string{"-accel", "tcg", "-m", "256", "-nographic", "-no-reboot",
		"-netdev", "user,id=n0,tftp=" + tftpDir + ",bootfile=" + bootfile}
	if ovmfVars == "" {
		args = append(args, "-boot", "order=n,reboot-timeout=0",
			"-device", "virtio-net-pci,netdev=n0,mac="+mac)
	} else {
		args = append(args,
			"-drive", "if=pflash,format=raw,unit=0,readonly=on,file="+ovmfCode,
			"-drive", "if=pflash,format=raw,unit=1,file="+ovmfVars,
			"-device", "virtio-net-pci,netdev=n0,mac="+mac+",bootindex=1")
	}
	cmd := exec.CommandContext(ctx, "qemu-system-x86_64", args...)
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err := cmd.Run()
	console := cleanConsole(buf.String())
	if ctx.Err() != nil {
		return "", fmt.Errorf("qemu did not finish within %s:\n%s", vmTimeout, console)
	}
	if err != nil {
		return "", fmt.Errorf("qemu: %v\n%s", err, console)
	}
	return console, nil
}

var escapeRE = regexp.MustCompile(`\x1b(\[[0-9;?=]*[A-Za-z]|[()][0-9A-Za-z]|[=>c])`)

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

// dispatcherEcho is the message the dispatcher script echoes after its label (":unknown",
// ":failed"), as iPXE prints it for the MAC.
func dispatcherEcho(t *testing.T, script, label, mac string) string {
	t.Helper()
	_, after, ok := strings.Cut(script, "\n:"+label+"\n")
	if !ok {
		t.Fatalf("the dispatcher has no :%s:\n%s", label, script)
	}
	line, _, _ := strings.Cut(after, "\n")
	msg, ok := strings.CutPrefix(line, "echo ")
	if !ok {
		t.Fatalf("the dispatcher's :%s does not begin with an echo: %q", label, line)
	}
	return strings.NewReplacer("${netX/mac}", mac, "${netX/mac:hexhyp}", strings.ReplaceAll(mac, ":", "-")).Replace(msg)
}

// ubuntuIPXEEchoes are the messages an iPXE script echoes (its echo lines' text), which its run
// shows on the console.
func ubuntuIPXEEchoes(script string) []string {
	var out []string
	for _, line := range strings.Split(script, "\n") {
		if msg, ok := strings.CutPrefix(strings.TrimSpace(line), "echo "); ok {
			out = append(out, strings.TrimSpace(msg))
		}
	}
	return out
}

// checkUbuntuCmdline checks the booted command line of node n of Ubuntu cluster u, field by field,
// against what the description says (not what the renderer says): casper's ip= (DHCP, or the
// node's static address, gateway, netmask, host name and DNS server), the ISO as url= (22.04) or
// iso-url= (24.04) and not the other, the node's own nocloud-net seed with its ';' intact, its
// BOOTIF, and nothing of another node.
func checkUbuntuCmdline(t *testing.T, u ubuntuQemu, n ubuntuQemuNode, port int, got string) {
	t.Helper()
	fields := strings.Fields(got)
	count := func(pred func(string) bool) int {
		c := 0
		for _, f := range fields {
			if pred(f) {
				c++
			}
		}
		return c
	}
	ip := "ip=dhcp"
	if u.network == "static" {
		ip = "ip=" + n.ip + "::10.0.2.2:255.255.255.0:" + n.name + "::none:10.0.2.3"
	}
	seed := guestURL(port, u.outPath()) + "/nodes/" + n.name + "/autoinstall/"
	iso := guestURL(port, u.isoPath())
	for _, want := range []string{
		"autoinstall", ip, u.isoKey + "=" + iso, "cloud-config-url=/dev/null",
		"ds=nocloud-net;s=" + seed, "BOOTIF=01-" + strings.ReplaceAll(n.mac, ":", "-"),
	} {
		if c := count(func(f string) bool { return f == want }); c != 1 {
			t.Errorf("the booted command line has %s %d times, want once", want, c)
		}
	}
	for _, key := range []string{"ip", "url", "iso-url", "ds", "BOOTIF"} {
		want := 1
		if (key == "url" || key == "iso-url") && key != u.isoKey {
			want = 0 // casper takes one; cloud-init would also read url= as its cloud-config-url
		}
		if c := count(func(f string) bool { return strings.HasPrefix(f, key+"=") }); c != want {
			t.Errorf("the booted command line has %d %s= parameters, want %d", c, key, want)
		}
	}
	for _, v := range ubuntuQemus {
		for _, o := range v.nodes {
			if o.name == n.name {
				continue
			}
			for _, not := range []string{"BOOTIF=01-" + strings.ReplaceAll(o.mac, ":", "-"), "/nodes/" + o.name + "/", ":" + o.name + ":", o.ip} {
				if strings.Contains(got, not) {
					t.Errorf("the booted command line of %s has node %s's %s", n.name, o.name, not)
				}
			}
		}
	}
}

// checkUbuntuSeed fetches the nocloud-net seed the booted command line names, as cloud-init in
// the live installer would (through this host's address for 10.0.2.2): its user-data must be
// the node's rendered autoinstall.yaml, and meta-data (with the node's local-hostname) and
// vendor-data must be there.
func checkUbuntuSeed(t *testing.T, hostURL string, port int, cmdline, nodeDir string) {
	t.Helper()
	var seed string
	for _, f := range strings.Fields(cmdline) {
		if v, ok := strings.CutPrefix(f, "ds=nocloud-net;s="); ok {
			seed = v
		}
	}
	rest, ok := strings.CutPrefix(seed, guestURL(port, "/"))
	if !ok || !strings.HasSuffix(seed, "/") {
		t.Errorf("the nocloud-net seed %q is not a directory on this test's server", seed)
		return
	}
	get := func(name string) (int, string) {
		resp, err := http.Get(hostURL + "/" + rest + name)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, string(b)
	}
	node := filepath.Base(nodeDir)
	if code, body := get("user-data"); code != http.StatusOK || body != readRendered(t, filepath.Join(nodeDir, "autoinstall.yaml")) {
		t.Errorf("GET %suser-data: %d, and not nodes/%s/autoinstall.yaml (%d bytes)", seed, code, node, len(body))
	}
	if code, body := get("meta-data"); code != http.StatusOK || !strings.Contains(body, "local-hostname: "+node+"\n") {
		t.Errorf("GET %smeta-data: %d, without local-hostname: %s:\n%s", seed, code, node, body)
	}
	if code, _ := get("vendor-data"); code != http.StatusOK {
		t.Errorf("GET %svendor-data: %d", seed, code)
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

// ipxeImageLine returns the --name, URL and arguments of an iPXE script's image command (kernel
// or initrd), of which it must have one.
func ipxeImageLine(t *testing.T, script, command string) (name, url, args string) {
	t.Helper()
	found := 0
	for _, line := range strings.Split(script, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || f[0] != command {
			continue
		}
		found++
		f = f[1:]
		for len(f) > 0 && strings.HasPrefix(f[0], "--") { // options: --name vmlinuz
			if f[0] == "--name" && len(f) > 1 {
				name = f[1]
				f = f[1:]
			}
			f = f[1:]
		}
		if len(f) > 0 {
			url, args = f[0], strings.Join(f[1:], " ")
		}
	}
	if found != 1 || url == "" {
		t.Fatalf("the iPXE script has %d %s commands, want one with a URL:\n%s", found, command, script)
	}
	return name, url, args
}

// checkIPXEScript checks a node's rendered iPXE script (named file): it loads kernelURL with
// initrd=<the initrd's name> and the node's cmdline, and initrdURL under that name. It returns
// the kernel's name and arguments.
func checkIPXEScript(t *testing.T, script, file, kernelURL, initrdURL, node, cmdline string) (kernelName, args string) {
	t.Helper()
	kernelName, kernel, args := ipxeImageLine(t, script, "kernel")
	initrdName, initrd, initrdArgs := ipxeImageLine(t, script, "initrd")
	if kernel != kernelURL || kernelName == "" {
		t.Errorf("%s loads kernel %q named %q, want %q, named", file, kernel, kernelName, kernelURL)
	}
	if initrd != initrdURL || initrdName != "initrd.img" || initrdArgs != "" {
		t.Errorf("%s loads initrd %q named %q (with %q), want %q named initrd.img", file, initrd, initrdName, initrdArgs, initrdURL)
	}
	if want := "initrd=" + initrdName + " " + cmdline; args != want {
		t.Errorf("%s passes\n  %q\nwant initrd=%s and nodes/%s/cmdline:\n  %q", file, args, initrdName, node, want)
	}
	return kernelName, args
}

// ipxeBootedCmdline checks the kernel booted from an iPXE script got the script's arguments as
// its command line, and returns it. With BIOS that is the arguments verbatim. With UEFI, iPXE
// starts the kernel as an EFI application (its EFI stub) whose LoadOptions are the image's name,
// then the arguments, as argv[0] (iPXE's efi_image_cmdline); Linux passes the name, an unknown
// word, to init as an argument. There the initrd is found only by the EFI stub's initrd=, which
// opens the file of that name on the file system iPXE's EFI build gives its images: this iPXE
// (1.0.0+git-20190125) has no LoadFile2 initrd, so without initrd= the kernel boots with no
// initramfs and panics. The initramfs printing the command line is what proves it was found.
func ipxeBootedCmdline(t *testing.T, console string, fw firmware, kernelName, args string) string {
	t.Helper()
	want := args
	if fw == uefi {
		want = kernelName + " " + args
	}
	if !cmdlineRE.MatchString(console) && strings.Contains(console, "Unable to mount root fs") {
		how := "iPXE did not hand it over"
		if fw == uefi {
			how = "the EFI stub did not load initrd="
		}
		t.Fatalf("the kernel found no initramfs (%s): %s", fw, how)
	}
	got := bootedCmdline(t, console)
	if got != want {
		t.Errorf("the kernel's /proc/cmdline is\n  %q\nwith %s the script passes\n  %q", got, fw, want)
	}
	return got
}

// firmware is what a guest boots with.
type firmware string

const (
	bios firmware = "SeaBIOS" // and iPXE's BIOS build, from the NIC's option ROM
	uefi firmware = "OVMF"    // and iPXE's EFI build, from the NIC's option ROM
)

// prefix is what a guest's name begins with.
func (f firmware) prefix() string {
	if f == uefi {
		return "uefi-"
	}
	return ""
}

// checkFirmware checks which build of iPXE ran, by the features its banner lists: the EFI
// build's include EFI; the BIOS build's include PXE and bzImage (its Linux loader), and not EFI.
func checkFirmware(t *testing.T, console string, fw firmware) {
	t.Helper()
	var features []string
	for _, line := range strings.Split(console, "\n") {
		if f, ok := strings.CutPrefix(line, "Features: "); ok {
			features = append(features, f)
		}
	}
	if len(features) != 1 {
		t.Errorf("the console shows %d iPXE banners, want 1", len(features))
		return
	}
	f := " " + features[0] + " "
	if efi := strings.Contains(f, " EFI "); efi != (fw == uefi) || !efi && !(strings.Contains(f, " PXE ") && strings.Contains(f, " bzImage ")) {
		t.Errorf("with %s, iPXE's features are %q", fw, features[0])
	}
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

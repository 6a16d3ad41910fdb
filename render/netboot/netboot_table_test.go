package netboot_test

import (
	"crypto/md5"
	"fmt"
	"strings"
	"testing"

	"github.com/mesosimg/mesosimg/config"
	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/plan"
	"github.com/mesosimg/mesosimg/render/netboot"
	"github.com/mesosimg/mesosimg/secrets"
)

// tblDescription is a valid description with an installer: section and the given node lines.
func tblDescription(os, installer, nodes string) string {
	return "cluster: lab\nos: " + os + "\ndomain: dc.lan\nnetwork: {gateway: 10.0.0.1, dns: [10.0.0.2, 10.0.0.3], interface: eno1}\n" +
		"admin: {ssh_authorized_keys: [ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMesosImgTestKeyOnlyForGoldenFilesAAAAAAAA ops@example]}\n" +
		"security: {admin_cidrs: [10.0.0.0/24]}\n" +
		"installer:\n" + installer + "nodes:\n" + nodes
}

// tblBoot loads a description and builds the network install of its first node.
func tblBoot(t *testing.T, yaml string) (netboot.Boot, error) {
	t.Helper()
	return tblBootChanged(t, yaml, func(*v1.Cluster) {})
}

// tblBootChanged is tblBoot with the loaded description changed past validation (which
// refuses what would overflow): the renderer's own exact checks must still hold.
func tblBootChanged(t *testing.T, yaml string, change func(*v1.Cluster)) (netboot.Boot, error) {
	t.Helper()
	c, rep := config.Load(config.Source{Name: "t.yaml", Data: []byte(yaml)})
	if c == nil {
		t.Fatalf("invalid description: %s", rep.Format("t.yaml"))
	}
	change(c)
	p, err := plan.Build(c, secrets.Fixed())
	if err != nil {
		t.Fatal(err)
	}
	n := p.Node(0)
	return netboot.NodeBoot(c, &n, "nodes/"+n.Name, []byte("answers of "+n.Name))
}

const tblNode = "  - {name: m1, ip: 10.0.0.11, roles: [zookeeper, master, agent], mac: \"0C:C4:7A:00:00:11\"}\n"

func TestCmdline(t *testing.T) {
	md5sum := fmt.Sprintf("%x", md5.Sum([]byte("answers of m1")))
	ubuntu := "  kernel_url: http://boot.lan/k\n  initrd_url: http://boot.lan/i\n  iso_url: http://boot.lan/live.iso\n"
	for _, tc := range []struct {
		name, os, installer, nodes string
		want                       string
	}{{
		name: "debian static", os: "debian-12",
		installer: "  answers_url: https://boot.lan/out/\n  kernel_args: [console=ttyS0]\n", nodes: tblNode,
		want: "auto=true priority=critical url=https://boot.lan/out/nodes/m1/preseed.cfg preseed/url/checksum=" + md5sum +
			" locale=en_US.UTF-8 keymap=us hostname=m1 domain=dc.lan interface=auto netcfg/disable_autoconfig=true" +
			" netcfg/get_ipaddress=10.0.0.11 netcfg/get_netmask=255.255.255.0 netcfg/get_gateway=10.0.0.1" +
			" netcfg/get_nameservers=10.0.0.2 netcfg/confirm_static=true BOOTIF=01-0c-c4-7a-00-00-11 --- console=ttyS0",
	}, {
		name: "debian dhcp, no mac", os: "debian-12",
		installer: "  answers_url: https://boot.lan/out\n  network: dhcp\n",
		nodes:     "  - {name: m1, ip: 10.0.0.11, prefix: 16, roles: [zookeeper, master, agent]}\n",
		want: "auto=true priority=critical url=https://boot.lan/out/nodes/m1/preseed.cfg preseed/url/checksum=" + md5sum +
			" locale=en_US.UTF-8 keymap=us hostname=m1 domain=dc.lan interface=auto",
	}, {
		name: "ubuntu 22.04 static", os: "ubuntu-22.04",
		installer: "  answers_url: https://boot.lan/out\n" + ubuntu,
		nodes:     "  - {name: m1, ip: 10.0.0.11, prefix: 20, roles: [zookeeper, master, agent], mac: \"0c:c4:7a:00:00:11\"}\n",
		want: "autoinstall root=/dev/ram0 ramdisk_size=1500000 ip=10.0.0.11::10.0.0.1:255.255.240.0:m1::none:10.0.0.2" +
			" url=http://boot.lan/live.iso cloud-config-url=/dev/null ds=nocloud-net;s=https://boot.lan/out/nodes/m1/autoinstall/" +
			" BOOTIF=01-0c-c4-7a-00-00-11",
	}, {
		name: "ubuntu 24.04 dhcp", os: "ubuntu-24.04",
		installer: "  answers_url: https://boot.lan/out\n  network: dhcp\n" + ubuntu, nodes: tblNode,
		want: "autoinstall root=/dev/ram0 ramdisk_size=1500000 ip=dhcp iso-url=http://boot.lan/live.iso" +
			" cloud-config-url=/dev/null ds=nocloud-net;s=https://boot.lan/out/nodes/m1/autoinstall/ BOOTIF=01-0c-c4-7a-00-00-11",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := tblBoot(t, tblDescription(tc.os, tc.installer, tc.nodes))
			if err != nil {
				t.Fatal(err)
			}
			if got := b.Cmdline(); got != tc.want {
				t.Errorf("cmdline\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestNodeFiles(t *testing.T) {
	b, err := tblBoot(t, tblDescription("debian-12", "  answers_url: https://boot.lan/out\n", tblNode))
	if err != nil {
		t.Fatal(err)
	}
	files, err := netboot.NodeFiles(b, "nodes/m1")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"nodes/m1/cmdline":                      b.Cmdline() + "\n",
		"pxe/mac-0c-c4-7a-00-00-11.ipxe":        "kernel --name vmlinuz " + b.Kernel + " initrd=initrd.img " + b.Cmdline() + "\n",
		"pxe/pxelinux.cfg/01-0c-c4-7a-00-00-11": "  APPEND initrd=" + b.Initrd + " " + b.Cmdline() + "\n",
	}
	if len(files) != len(want) {
		t.Errorf("%d files, want %d", len(files), len(want))
	}
	for _, f := range files {
		w, ok := want[f.Path]
		if !ok {
			t.Errorf("unexpected file %s", f.Path)
			continue
		}
		if !strings.Contains(string(f.Data), w) {
			t.Errorf("%s lacks %q:\n%s", f.Path, w, f.Data)
		}
		if f.Mode != 0o644 {
			t.Errorf("%s: mode %v", f.Path, f.Mode)
		}
	}
	if !strings.HasSuffix(b.Kernel, "/dists/bookworm/main/installer-amd64/current/images/netboot/debian-installer/amd64/linux") ||
		!strings.HasSuffix(b.Initrd, "/netboot/debian-installer/amd64/initrd.gz") {
		t.Errorf("debian-12 netboot defaults: kernel %s initrd %s", b.Kernel, b.Initrd)
	}

	// Without a MAC, only the command line: nothing can point a machine at it.
	b, err = tblBoot(t, tblDescription("debian-12", "  answers_url: https://boot.lan/out\n", "  - {name: m1, ip: 10.0.0.11, roles: [zookeeper, master, agent]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	files, err = netboot.NodeFiles(b, "nodes/m1")
	if err != nil || len(files) != 1 || files[0].Path != "nodes/m1/cmdline" {
		t.Errorf("no mac: %v, %v", files, err)
	}
}

func TestCmdlineLimits(t *testing.T) {
	desc := tblDescription("debian-12", "  answers_url: https://boot.lan/out\n", tblNode)
	long := func(c *v1.Cluster) { c.Installer.AnswersURL = "https://boot.lan/" + strings.Repeat("a", 1400) }
	if _, err := tblBootChanged(t, desc, long); err == nil || !strings.Contains(err.Error(), "over Linux's 2047") {
		t.Errorf("a 1.4 KB answers_url (with PXELINUX's additions): %v", err)
	}
	var args []string
	for i := 0; i < 14; i++ {
		args = append(args, fmt.Sprintf("opt%d=1", i))
	}
	many := func(c *v1.Cluster) { c.Installer.KernelArgs = args }
	if _, err := tblBootChanged(t, desc, many); err == nil || !strings.Contains(err.Error(), "name=value kernel parameters") {
		t.Errorf("17 + 14 name=value parameters: %v", err)
	}
	// Exactly what validation allows (MaxExtraEnvArgs) renders.
	fits := func(c *v1.Cluster) { c.Installer.KernelArgs = args[:v1.MaxExtraEnvArgs] }
	if _, err := tblBootChanged(t, desc, fits); err != nil {
		t.Errorf("%d name=value kernel_args: %v", v1.MaxExtraEnvArgs, err)
	}
	// Parameters with a dot in the name stay with the kernel and do not count.
	args = args[:0]
	for i := 0; i < 20; i++ {
		args = append(args, fmt.Sprintf("mod.opt%d=1", i))
	}
	dotted := func(c *v1.Cluster) { c.Installer.KernelArgs = args }
	if _, err := tblBootChanged(t, desc, dotted); err != nil {
		t.Errorf("module parameters: %v", err)
	}
}

func TestDispatcher(t *testing.T) {
	c := &v1.Cluster{Cluster: "lab", OS: "debian-12"}
	files, err := netboot.ClusterFiles(c)
	if err != nil || len(files) != 1 {
		t.Fatalf("%v %v", files, err)
	}
	s := string(files[0].Data)
	if files[0].Path != "pxe/boot.ipxe" || !strings.HasPrefix(s, "#!ipxe\n") || !strings.Contains(s, "imgfetch --name node mac-${netX/mac:hexhyp}.ipxe || goto unknown") {
		t.Errorf("boot.ipxe:\n%s", s)
	}
}

// TestWithinDeclaredLimits holds the renderer to what validation relies on (config/v1's
// cmdline.go): every parameter it writes is one kernel_args may not repeat, it writes at most
// v1.MaxGeneratedEnvParams environment parameters, and no command line is longer than
// v1.CmdlineBound says — here with the longest names and addresses a description can have.
func TestWithinDeclaredLimits(t *testing.T) {
	long := strings.Repeat("n", 63)
	domain := strings.Repeat("d", 60) + "." + strings.Repeat("e", 60) + "." + strings.Repeat("f", 60) + ".example"
	node := "  - {name: " + long + ", ip: 192.168.100.200, prefix: 25, roles: [zookeeper, master, agent], mac: \"0c:c4:7a:00:00:11\"}\n"
	net := "network: {gateway: 192.168.100.129, dns: [192.168.100.254]}\n"
	ubuntu := "  kernel_url: http://boot.lan/k\n  initrd_url: http://boot.lan/i\n  iso_url: http://boot.lan/live.iso\n"
	for _, tc := range []struct{ os, installer string }{
		{"debian-12", "  answers_url: https://boot.lan/out\n  locale: de_DE.UTF-8@euro\n  keyboard: dvorak\n  kernel_args: [console=ttyS0, a=1]\n"},
		{"debian-12", "  answers_url: https://boot.lan/out\n  network: dhcp\n  mirror: https://mirror.example.org/some/long/path/debian\n"},
		{"ubuntu-22.04", "  answers_url: https://boot.lan/out\n" + ubuntu},
		{"ubuntu-24.04", "  answers_url: https://boot.lan/out\n  network: dhcp\n" + ubuntu},
	} {
		desc := strings.Replace(tblDescription(tc.os, tc.installer, node), "domain: dc.lan\n", "domain: "+domain+"\n", 1)
		desc = strings.Replace(desc, "network: {gateway: 10.0.0.1, dns: [10.0.0.2, 10.0.0.3], interface: eno1}\n", net, 1)
		c, rep := config.Load(config.Source{Name: "t.yaml", Data: []byte(desc)})
		if c == nil {
			t.Fatalf("%s: %s", tc.os, rep.Format("t.yaml"))
		}
		b, err := tblBoot(t, desc)
		if err != nil {
			t.Fatal(err)
		}
		// The bound of the defaulted description: no larger than validation's (before defaults,
		// unset URLs are estimated from the longest mirror).
		if bound := v1.CmdlineBound(c); b.LoaderLen() > bound {
			t.Errorf("%s: %d bytes with PXELINUX's additions, over v1.CmdlineBound's %d", tc.os, b.LoaderLen(), bound)
		} else {
			t.Logf("%s: %d bytes, bound %d", tc.os, b.LoaderLen(), bound)
		}
		extra := 0
		for _, a := range c.Installer.KernelArgs {
			if v1.EnvParam(a) {
				extra++
			}
		}
		if got := b.EnvParams() - extra; got > v1.MaxGeneratedEnvParams {
			t.Errorf("%s: mesosimg writes %d environment parameters, over v1.MaxGeneratedEnvParams (%d)", tc.os, got, v1.MaxGeneratedEnvParams)
		}
		for _, a := range b.Args[:len(b.Args)-len(c.Installer.KernelArgs)] {
			name, _, _ := strings.Cut(a, "=")
			if a != "---" && !v1.GeneratedKernelArg(name) {
				t.Errorf("%s: writes %s, which v1.GeneratedKernelArg does not name (kernel_args could repeat it)", tc.os, name)
			}
		}
	}
	if !v1.GeneratedKernelArg("BOOT_IMAGE") || !v1.GeneratedKernelArg("initrd") {
		t.Error("the loaders' own BOOT_IMAGE= and initrd= are not reserved")
	}
}

package plan_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/internal/consumers"
	"github.com/mesosimg/mesosimg/internal/upstream"
	"github.com/mesosimg/mesosimg/plan"
)

// resumeScript is node n's bootcmd entry (sh -c SCRIPT NAME): the resume step.
func resumeScript(t *testing.T, n plan.Node) string {
	t.Helper()
	for _, c := range n.BootCmd {
		if len(c) == 4 && c[0] == "sh" && c[1] == "-c" && c[3] == "mesosimg-resume" {
			return c[2]
		}
	}
	t.Fatalf("node %s has no resume step in bootcmd: %q", n.Name, n.BootCmd)
	return ""
}

// prelude is script up to its end-of-definitions marker.
func prelude(t *testing.T, script string) string {
	t.Helper()
	head, _, ok := strings.Cut(script, "# ---- end of definitions")
	if !ok {
		t.Fatal("no end-of-definitions marker")
	}
	return head
}

// runSh runs script with shell (sh or bash) and returns its output and exit status.
func runSh(t *testing.T, shell, script string) (string, int) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "script.sh")
	if err := os.WriteFile(path, []byte(script), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(shell, path).CombinedOutput()
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("%s: %v\n%s", shell, err, out)
		}
		return string(out), ee.ExitCode()
	}
	return string(out), 0
}

func preinstalled(t *testing.T, addressCheck *bool) *plan.Cluster {
	t.Helper()
	c := &v1.Cluster{Cluster: "F", Install: v1.Install{Method: v1.MethodPreinstalled},
		Network: v1.Network{DNS: []string{"10.0.0.2"}, Interface: "eth0", AddressCheck: addressCheck}}
	for i, name := range []string{"m1", "m2", "m3"} {
		c.Nodes = append(c.Nodes, v1.Node{Name: name, IP: fmt.Sprintf("10.0.0.%d", 11+i), Roles: []string{"zookeeper", "master"}})
	}
	return built(t, c)
}

// semDir makes a stand-in for /var/lib/cloud/instances/<id>/sem holding the named semaphores.
func semDir(t *testing.T, names ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("1234: 1700000000.0\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	sort.Strings(out)
	return out
}

// TestResumeAfterPowerCut: the bootcmd step does nothing on the first boot itself (it only
// records that the first boot started) nor once the first boot has finished; after an
// interrupted one it removes exactly the semaphores of the first boot's modules, so that
// cloud-init runs them again, and says so on the console.
func TestResumeAfterPowerCut(t *testing.T) {
	n := preinstalled(t, nil).Node(2)
	script := resumeScript(t, n)
	head := prelude(t, script)
	if !strings.HasSuffix(strings.TrimSpace(script), "\nresume") {
		t.Fatal("the resume step does not call resume")
	}
	// Semaphores cloud-init writes in the init stage before bootcmd, and later ones not ours.
	others := []string{"config_seed_random", "config_set_hostname", "config_ssh", "config_users_groups"}
	ours := []string{"config_write_files", "config_runcmd", "config_write_files_deferred", "config_scripts_user"}
	for _, tc := range []struct {
		name     string
		sems     []string
		done     string
		wantLeft []string
		wantSay  string
	}{
		{"first boot", others[:1], "", others[:1], ""},
		{"cut during runcmd", append(append([]string{}, others...), ours...), "", others, "runs again: write_files runcmd write_files_deferred scripts_user"},
		{"cut before runcmd", append(append([]string{}, others...), ours[:2]...), "", others, "runs again: write_files runcmd"},
		{"finished", append(append([]string{}, others...), ours...), n.InstanceID, append(append([]string{}, others...), ours...), ""},
		{"finished as another instance", append(append([]string{}, others...), ours...), "mesosimg-f-old", others, "has not finished"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sems := semDir(t, tc.sems...)
			state := t.TempDir()
			if tc.done != "" {
				os.WriteFile(filepath.Join(state, "firstboot.done"), []byte(tc.done+"\n"), 0o644)
			}
			out, rc := runSh(t, "sh", head+"\niid="+n.InstanceID+"\nsem_dir="+sems+"\ndone_file="+state+"/firstboot.done\nstarted_file="+state+"/firstboot.started\nresume\n")
			if rc != 0 {
				t.Fatalf("resume exited %d\n%s", rc, out)
			}
			got := listDir(t, sems)
			want := append([]string{}, tc.wantLeft...)
			sort.Strings(want)
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("semaphores left: %v; want %v", got, want)
			}
			said := strings.Contains(out, "mesosimg: m3: the first boot of "+n.InstanceID+" has not finished") && strings.Contains(out, tc.wantSay)
			if tc.wantSay == "" && out != "" || tc.wantSay != "" && !said {
				t.Errorf("console: %q; want %q", out, tc.wantSay)
			}
			started, err := os.ReadFile(filepath.Join(state, "firstboot.started"))
			if tc.name == "first boot" && (err != nil || string(started) != n.InstanceID+"\n") {
				t.Errorf("the first boot's start is not recorded: %q %v", started, err)
			}
		})
	}
	// The instance-id and its semaphores come from cloud-init: bootcmd's INSTANCE_ID.
	sems := semDir(t, ours...)
	out, _ := runSh(t, "sh", "INSTANCE_ID=a/b\n"+head+"\necho \"$iid $sem_dir\"\n")
	if out != "a/b /var/lib/cloud/instances/a_b/sem\n" {
		t.Errorf("the semaphores of instance a/b are not looked for in /var/lib/cloud/instances/a_b/sem: %s", out)
	}
	out, _ = runSh(t, "sh", "unset INSTANCE_ID\n"+head+"\niid=\nsem_dir="+sems+"\nresume\n")
	if !strings.Contains(out, "no instance-id from cloud-init") || len(listDir(t, sems)) != len(ours) {
		t.Errorf("without an instance-id the resume step must say so and touch nothing: %q, left %v", out, listDir(t, sems))
	}
	path := filepath.Join(t.TempDir(), "resume.sh")
	os.WriteFile(path, []byte(script), 0o755)
	consumers.ShellCheck(t, path)
}

// TestResumeRepairsDpkg: on an apt node, the resume step finishes an interrupted dpkg, and
// installs again the packages of this first boot that are half-installed or whose files
// dpkg --verify finds damaged (cloud-init's apt-get passes --force-unsafe-io), after removing
// their damaged conffiles so that --force-confmiss restores them.
func TestResumeRepairsDpkg(t *testing.T) {
	n := cluster(t, "m1:zookeeper+master").Node(0)
	script := resumeScript(t, n)
	for _, s := range []string{"update_sources", "config_package_update_upgrade_install", "config_apt_configure"} {
		if !strings.Contains(script, s) {
			t.Errorf("an apt node's resume step does not clear %s", s)
		}
	}
	dir := t.TempDir()
	info := filepath.Join(dir, "info")
	os.MkdirAll(info, 0o755)
	started := filepath.Join(dir, "firstboot.started")
	os.WriteFile(started, []byte("x\n"), 0o644)
	// Installed before the first boot (older than started), and during it.
	os.WriteFile(filepath.Join(info, "base-files.list"), nil, 0o644)
	os.Chtimes(filepath.Join(info, "base-files.list"), timeAgo(3600), timeAgo(3600))
	os.Chtimes(started, timeAgo(60), timeAgo(60))
	for _, p := range []string{"zookeeper", "libzookeeper-java", "zookeeperd"} {
		os.WriteFile(filepath.Join(info, p+".list"), nil, 0o644)
	}
	conf := filepath.Join(dir, "environment")
	os.WriteFile(conf, nil, 0o644)
	log := filepath.Join(dir, "calls")
	bin := filepath.Join(dir, "bin")
	os.MkdirAll(bin, 0o755)
	for name, body := range map[string]string{
		"dpkg": `echo "dpkg $*" >>` + log + `
case "$*" in
--audit) echo "The following packages are only half configured" ;;
"--verify zookeeper") echo "??5??????   c ` + conf + `"; echo "??5??????     /usr/share/zookeeper/bin/zkServer.sh"; exit 1 ;;
"--verify base-files") echo "??5?????? /etc/issue"; exit 1 ;;
esac`,
		"dpkg-query": `echo "ii  zookeeperd"; echo "iHR libzookeeper-java"`,
		"apt-get":    `echo "apt-get $*" >>` + log,
	} {
		os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/sh\n"+body+"\n"), 0o755)
	}
	stubs := "\nPATH=" + bin + ":$PATH\n"
	sems := semDir(t, "config_package_update_upgrade_install", "update_sources")
	out, rc := runSh(t, "sh", prelude(t, script)+stubs+"\niid=x\nsem_dir="+sems+"\ndone_file="+dir+"/done\nstarted_file="+started+"\ndpkg_info="+info+"\nresume\n")
	if rc != 0 {
		t.Fatalf("resume exited %d\n%s", rc, out)
	}
	calls, _ := os.ReadFile(log)
	c := string(calls)
	if !strings.Contains(c, "dpkg --force-confold --configure -a") {
		t.Errorf("an interrupted dpkg is not finished; calls:\n%s", c)
	}
	if strings.Contains(c, "--verify base-files") {
		t.Errorf("a package older than the first boot is verified; calls:\n%s", c)
	}
	i := strings.Index(c, "apt-get ")
	if i < 0 || !strings.Contains(c[i:], "install --reinstall") || !strings.Contains(c[i:], "--force-confmiss") ||
		!strings.Contains(c[i:], " libzookeeper-java") || !strings.Contains(c[i:], " zookeeper") || strings.Contains(c[i:], "zookeeperd") {
		t.Errorf("want libzookeeper-java (half-installed) and zookeeper (damaged) installed again, and only they; calls:\n%s", c)
	}
	if _, err := os.Stat(conf); !os.IsNotExist(err) {
		t.Errorf("the damaged conffile %s is left (--force-confmiss would not restore it)", conf)
	}
	if !strings.Contains(out, "installed again: libzookeeper-java zookeeper") {
		t.Errorf("console: %q", out)
	}
	if strings.Contains(c, "apt-get --quiet update") {
		t.Errorf("the package lists are read again although the packages were installed again; calls:\n%s", c)
	}
	// The lists the cut boot fetched are gone: apt-get cannot find the packages until they are
	// read again, then installs them.
	os.WriteFile(log, nil, 0o644)
	os.WriteFile(filepath.Join(bin, "apt-get"), []byte("#!/bin/sh\necho \"apt-get $*\" >>"+log+"\n"+
		"case \"$*\" in *update*) touch "+dir+"/lists ;; *) [ -e "+dir+"/lists ] || exit 100 ;; esac\n"), 0o755)
	sems = semDir(t, "config_package_update_upgrade_install", "update_sources")
	os.WriteFile(conf, nil, 0o644)
	out, _ = runSh(t, "sh", prelude(t, script)+stubs+"\niid=x\nsem_dir="+sems+"\ndone_file="+dir+"/done\nstarted_file="+started+"\ndpkg_info="+info+"\nresume\n")
	calls, _ = os.ReadFile(log)
	if c := string(calls); strings.Count(c, "install --reinstall") != 2 || !strings.Contains(c, "apt-get --quiet update") || strings.Contains(out, "failed") {
		t.Errorf("without package lists: want install, update, install again; calls:\n%s\nconsole: %s", c, out)
	}
	if left := listDir(t, sems); len(left) != 0 {
		t.Errorf("semaphores left: %v", left)
	}
	path := filepath.Join(t.TempDir(), "resume.sh")
	os.WriteFile(path, []byte(script), 0o755)
	consumers.ShellCheck(t, path)
}

// TestResumeSemaphoresAreCloudInits: the semaphore names the resume step removes are the ones
// the installed cloud-init (Debian 12's 22.4.2 in `make deps`) writes for the modules of its
// Debian configuration, in the stages after bootcmd: canon_sem_name("config-" + module)
// (cloudinit/helpers.py:58-59, cloudinit/config/modules.py:238), and the distro's own
// "update-sources" runner (cloudinit/distros/debian.py:292-298).
func TestResumeSemaphoresAreCloudInits(t *testing.T) {
	consumers.Need(t, "cloud-init")
	script := resumeScript(t, cluster(t, "m1:zookeeper+master").Node(0))
	line := ""
	for _, l := range strings.Split(script, "\n") {
		if strings.HasPrefix(l, "sems='") {
			line = strings.Trim(strings.TrimPrefix(l, "sems="), "'")
		}
	}
	if line == "" {
		t.Fatal("no sems= line in the resume step")
	}
	// cloud-init's interpreter (another python3 may come first on PATH).
	out, err := exec.Command("/usr/bin/python3", "-c", `
import inspect, sys
from cloudinit import helpers, util
from cloudinit.distros import debian
cfg = util.read_conf("/etc/cloud/cloud.cfg")
init = [m if isinstance(m, str) else m[0] for m in cfg["cloud_init_modules"]]
later = init[init.index("bootcmd") + 1:]
for stage in ("cloud_config_modules", "cloud_final_modules"):
    later += [m if isinstance(m, str) else m[0] for m in cfg[stage]]
for m in later:
    print(helpers.canon_sem_name("config-" + m))
if '"update-sources"' in inspect.getsource(debian.Distro.update_package_sources):
    print(helpers.canon_sem_name("update-sources"))
`).CombinedOutput()
	if err != nil {
		t.Fatalf("python3 with cloudinit: %v\n%s", err, out)
	}
	known := map[string]bool{}
	for _, s := range strings.Fields(string(out)) {
		known[s] = true
	}
	for _, s := range strings.Fields(line) {
		if !known[s] {
			t.Errorf("%s is no semaphore cloud-init writes after bootcmd (it writes %s)", s, strings.Fields(string(out)))
		}
	}
}

// TestFirstBootRecordsTheEnd: runcmd runs the first-boot script itself; past its refusals it
// records, however it ends, the instance as finished (the instance-id cloud-init wrote for the
// boot) and keeps its exit status; a refusal of the seed (MAC, address) is not recorded, so the
// next boot tries again (the clone may be gone), while a retired machine's refusal is for good.
func TestFirstBootRecordsTheEnd(t *testing.T) {
	n := clusterWithMAC(t).Node(1)
	if len(n.FirstBoot) != 1 || n.FirstBoot[0] != plan.FirstBootPath {
		t.Fatalf("runcmd runs %q, not %s", n.FirstBoot, plan.FirstBootPath)
	}
	fb := file(t, n, plan.FirstBootPath)
	marker := "# ---- end of definitions"
	i := strings.Index(fb, marker)
	if i < 0 {
		t.Fatal("no end of definitions in the first-boot script")
	}
	defs, body := fb[:i], fb[i:]
	traps := "trap finished EXIT\ntrap 'trap - EXIT; exit 143' HUP INT TERM"
	if !strings.Contains(body, "\n"+traps+"\n") {
		t.Fatalf("the first-boot script does not set %q", traps)
	}
	for _, tc := range []struct {
		name string
		iid  bool
		exit int
		kill bool
	}{{"ready", true, 0, false}, {"not ready", true, 1, false}, {"no instance-id", false, 1, false}, {"killed", true, 143, true}} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if tc.iid {
				os.WriteFile(filepath.Join(dir, "instance-id"), []byte(n.InstanceID+"-g1\n"), 0o644)
			}
			s := strings.NewReplacer("'"+plan.FirstBootDonePath+"'", dir+"/state/firstboot.done",
				"'"+plan.InstanceIDRunPath+"'", dir+"/instance-id").Replace(defs)
			end := "exit " + fmt.Sprint(tc.exit)
			if tc.kill {
				end = "kill -TERM $$\nexit 0"
			}
			out, rc := runSh(t, "bash", s+"\n"+traps+"\n"+end+"\n")
			if rc != tc.exit {
				t.Errorf("exit %d; want the first boot's %d\n%s", rc, tc.exit, out)
			}
			d, err := os.ReadFile(filepath.Join(dir, "state/firstboot.done"))
			if tc.kill {
				if err == nil {
					t.Errorf("a first boot killed in the middle is recorded as finished: %q", d)
				}
				return
			}
			if tc.iid && string(d) != n.InstanceID+"-g1\n" {
				t.Errorf("firstboot.done = %q, %v; want %s-g1", d, err, n.InstanceID)
			}
			if !tc.iid && (err == nil || !strings.Contains(out, "cannot record that the first boot finished")) {
				t.Errorf("without an instance-id: firstboot.done %q (%v), console %q", d, err, out)
			}
		})
	}
	// The refusals come before the record; the retired machine's refusal records it.
	last := strings.LastIndex(body, "\ntrap finished EXIT\n")
	for _, call := range []string{"|| refuse_seed ", "|| refuse_address "} {
		if j := strings.Index(body, call); j < 0 || j > last {
			t.Errorf("%q is missing or comes after the first boot is recorded as finished", call)
		}
	}
	if strings.Contains(body[last:], "refuse") {
		t.Error("a refusal after the record: it would be recorded as finished")
	}
	retired := strings.Index(body, `echo "$node refused: retired"`)
	if j := strings.Index(body, "\ttrap finished EXIT\n\texit 1\n"); retired < 0 || j < retired || j > last {
		t.Error("the retired machine's refusal is not recorded as finished")
	}
}

// TestFaultFactsCited: every cloud-init behaviour the first boot under faults stands on is an
// operation fact of internal/upstream (cited, and read at its line by make upstream-check).
func TestFaultFactsCited(t *testing.T) {
	for _, id := range plan.FaultFacts {
		f := upstream.Operation(id)
		if f.Claim == "" || !f.Source.Valid() || f.Source.Repo != upstream.CloudInitRepo {
			t.Errorf("%s: %v is not a cited cloud-init fact", id, f)
		}
	}
}

func timeAgo(seconds int) time.Time { return time.Now().Add(-time.Duration(seconds) * time.Second) }

// addressCheckScript writes node n's rendered address-check into a temporary file.
func addressCheckScript(t *testing.T, n plan.Node) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "address-check")
	if err := os.WriteFile(path, []byte(file(t, n, plan.AddressCheckPath)), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestAddressConflictRules: which ARP packets show the node's address in use by another machine
// (RFC 5227 section 2.1.1): any packet whose sender address is ours from another MAC (a reply,
// an announcement, a request), and a probe for our address from another MAC (a machine
// checking the same address at the same moment); nothing from our own MAC, nothing about other
// addresses, nothing that is not Ethernet/IPv4 ARP.
func TestAddressConflictRules(t *testing.T) {
	script := addressCheckScript(t, preinstalled(t, nil).Node(0))
	out, err := exec.Command("/usr/bin/python3", "-c", `
import importlib.machinery, importlib.util, sys
loader = importlib.machinery.SourceFileLoader("ac", sys.argv[1])
ac = importlib.util.module_from_spec(importlib.util.spec_from_loader("ac", loader))
loader.exec_module(ac)
own, other = bytes.fromhex("525400000011"), bytes.fromhex("525400000099")
ip, ip2, zero = bytes([10, 0, 0, 11]), bytes([10, 0, 0, 12]), bytes(4)
def arp(op, sha, spa, tpa, eth=b"\x08\x06"):
    return b"\xff" * 6 + sha + eth + bytes([0, 1, 8, 0, 6, 4, 0, op]) + sha + spa + bytes(6) + tpa
cases = [
    ("reply from another MAC", arp(2, other, ip, ip2), "ARP reply"),
    ("announcement from another MAC", arp(1, other, ip, ip), "ARP announcement"),
    ("request from another MAC", arp(1, other, ip, ip2), "ARP request"),
    ("probe for our address from another MAC", arp(1, other, zero, ip), "ARP probe"),
    ("our own probe", arp(1, own, zero, ip), None),
    ("our own announcement", arp(1, own, ip, ip), None),
    ("probe for another address", arp(1, other, zero, ip2), None),
    ("reply about another address", arp(2, other, ip2, ip), None),
    ("not ARP", arp(2, other, ip, ip2, b"\x08\x00"), None),
    ("truncated", arp(2, other, ip, ip2)[:40], None),
    ("probe frame we send", ac.frame(own, zero, ip), None),
]
bad = 0
for name, data, want in cases:
    got = ac.conflict(data, ip, own)
    if (want is None) != (got is None) or (want and not got.startswith(want)):
        print("%s: conflict() = %r, want %r" % (name, got, want)); bad += 1
# The probes we send are what another machine's check must see as a probe for its address.
if not (ac.conflict(ac.frame(own, zero, ip), ip, other) or "").startswith("ARP probe"):
    print("our probe frame is not recognised as a probe by another machine"); bad += 1
if not (ac.conflict(ac.frame(own, ip, ip), ip, other) or "").startswith("ARP announcement"):
    print("our announcement is not recognised by another machine"); bad += 1
sys.exit(bad)
`, script).CombinedOutput()
	if err != nil {
		t.Errorf("%v\n%s", err, out)
	}
}

// TestAddressCheckOnALink runs the rendered address-check on a real link: a veth pair between
// two network namespaces (user namespaces: no root needed). With the other side on another
// address it passes (and takes the RFC's ~6-9 s); with the other side holding the same address
// it fails naming the other MAC; two checks started at the same moment on both sides both fail.
func TestAddressCheckOnALink(t *testing.T) {
	for _, tool := range []string{"unshare", "nsenter", "ip"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed (util-linux, iproute2)", tool)
		}
	}
	script := addressCheckScript(t, preinstalled(t, nil).Node(0))
	harness := `set -u
ip link set lo up
unshare --net --fork sleep 120 </dev/null >/dev/null 2>&1 & other=$!
for _ in $(seq 50); do [ "$(readlink /proc/$other/ns/net)" != "$(readlink /proc/self/ns/net)" ] && break; sleep 0.1; done
ip link add veth-a type veth peer name veth-b
ip link set veth-b netns "$other"
nsenter -t "$other" -n ip addr add "$OTHER_IP/24" dev veth-b
nsenter -t "$other" -n ip link set veth-b up
ip addr add 10.9.0.2/24 dev veth-a
ip link set veth-a up
sleep 1
if [ "$BOTH" = 1 ]; then nsenter -t "$other" -n "$CHECK" 10.9.0.2 >"$OUT.other"; echo $? >"$OUT.other.rc" & fi
start=$(date +%s)
"$CHECK" 10.9.0.2; rc=$?
echo "rc=$rc seconds=$(( $(date +%s) - start ))"
wait %2 2>/dev/null
kill "$other"
pkill -P "$other" 2>/dev/null
`
	for _, tc := range []struct {
		name, otherIP string
		both          bool
		rc            string
		say           string
	}{
		{"free", "10.9.0.3", false, "rc=0", "10.9.0.2 is free on veth-a"},
		{"in use", "10.9.0.2", false, "rc=1", "10.9.0.2 is in use by MAC "},
		{"both at once", "10.9.0.2", true, "rc=1", "10.9.0.2 is in use by MAC "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			outBase := filepath.Join(t.TempDir(), "out")
			args := []string{"--net", "--fork", "bash", "-c", harness}
			if os.Getuid() != 0 {
				args = append([]string{"--user", "--map-root-user"}, args...)
			}
			cmd := exec.Command("unshare", args...)
			both := "0"
			if tc.both {
				both = "1"
			}
			cmd.Env = append(os.Environ(), "CHECK="+script, "OTHER_IP="+tc.otherIP, "BOTH="+both, "OUT="+outBase)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("unshare (network namespaces, as root or in a user namespace): %v\n%s", err, out)
			}
			if !strings.Contains(string(out), tc.rc+" ") || !strings.Contains(string(out), tc.say) {
				t.Errorf("address-check said:\n%s\nwant %s and %q", out, tc.rc, tc.say)
			}
			if tc.rc == "rc=0" && !strings.Contains(string(out), "seconds=") {
				t.Errorf("no timing: %s", out)
			}
			if tc.both {
				other, _ := os.ReadFile(outBase + ".other")
				orc, _ := os.ReadFile(outBase + ".other.rc")
				if strings.TrimSpace(string(orc)) != "1" || !strings.Contains(string(other), "10.9.0.2 is in use by MAC ") {
					t.Errorf("the other side's check at the same moment: exit %q, said %q; want a conflict too", orc, other)
				}
			}
		})
	}
}

// TestAddressRefused: the first boot checks the address after the MAC and before anything
// starts; a conflict prints the refusal on the console, stops and disables every service,
// records "refused" and exits 1; network.address_check: false leaves the check out.
func TestAddressRefused(t *testing.T) {
	n := preinstalled(t, nil).Node(1)
	fb := file(t, n, plan.FirstBootPath)
	i, j := strings.Index(fb, "\naddress_free || refuse_address"), strings.Index(fb, "\nstart ")
	if i < 0 || j < 0 || i > j || strings.Contains(fb[:i], "\nsystemctl daemon-reload") {
		t.Fatalf("the address is not checked before the services start:\n%s", fb)
	}
	dir := t.TempDir()
	check := filepath.Join(dir, "check")
	os.WriteFile(check, []byte("#!/bin/sh\necho 'MAC 52:54:00:00:00:99: 10.0.0.12 is in use by MAC 52:54:00:00:00:12 (ARP reply on eth0)'\nexit 1\n"), 0o755)
	log := filepath.Join(dir, "systemctl.log")
	script := probePrelude(t, n) + "\nstate=" + dir + "\naddress_check=" + check + "\nsystemctl() { echo \"$*\" >>" + log + "; }\n" +
		"address_free || refuse_address \"$address_finding\"\necho not reached\n"
	out, rc := runSh(t, "bash", script)
	want := "mesosimg: refusing seed of m2 on a machine with MAC 52:54:00:00:00:99: 10.0.0.12 is in use by MAC 52:54:00:00:00:12 (ARP reply on eth0): no service started"
	if rc != 1 || !strings.Contains(out, want) || strings.Contains(out, "not reached") {
		t.Errorf("exit %d, console:\n%s\nwant exit 1 and %q, nothing after it", rc, out, want)
	}
	calls, _ := os.ReadFile(log)
	for _, u := range []string{"zookeeper", "mesos-master", "mesos-agent", "marathon"} {
		if !strings.Contains(string(calls), "disable --now "+u+".service") {
			t.Errorf("%s is not disabled and stopped; systemctl calls:\n%s", u, calls)
		}
	}
	if r, _ := os.ReadFile(filepath.Join(dir, "readiness")); !strings.HasPrefix(string(r), "m2 refused: MAC 52:54:00:00:00:99: 10.0.0.12 is in use") {
		t.Errorf("readiness file = %q", r)
	}
	// A free address goes on.
	os.WriteFile(check, []byte("#!/bin/sh\necho free\n"), 0o755)
	if out, rc := runSh(t, "bash", probePrelude(t, n)+"\naddress_check="+check+"\naddress_free && echo went-on\n"); rc != 0 || !strings.Contains(out, "went-on") {
		t.Errorf("a free address is refused: %d %s", rc, out)
	}
	off := false
	m := preinstalled(t, &off).Node(1)
	if strings.Contains(file(t, m, plan.FirstBootPath), "address_") {
		t.Error("network.address_check: false still checks the address")
	}
	for _, f := range m.Files {
		if f.Path == plan.AddressCheckPath {
			t.Error("network.address_check: false still writes address-check")
		}
	}
}

// TestWordsOfAMissingQuorum: with the members it needs absent, a service that is running but
// never ready reports timeout at the shared deadline, while what does not depend on them (here
// nftables) reports ok, a unit that stopped reports failed and an absent unit missing: the
// word comes from each service's own probe and unit, never from another's.
func TestWordsOfAMissingQuorum(t *testing.T) {
	n := preinstalled(t, nil).Node(0)
	stubs := `
deadline=$(( $(date +%s) + 2 ))
sleep() { command sleep 0.2; }
unit_exists() { [ "$1" != marathon ]; }
systemctl() {
	case "$*" in
	"show -p ActiveState --value mesos-agent.service") echo failed ;;
	"show -p ActiveState --value "*) echo active ;;
	"is-active --quiet "*) return 0 ;;
	esac
}
echo "nftables=$(status nftables true) zookeeper=$(status zookeeper false) mesos-master=$(status mesos-master false) mesos-agent=$(status mesos-agent false) marathon=$(status marathon true)"
`
	out, rc := runSh(t, "bash", probePrelude(t, n)+stubs)
	want := "nftables=ok zookeeper=timeout mesos-master=timeout mesos-agent=failed marathon=missing"
	if rc != 0 || strings.TrimSpace(out) != want {
		t.Errorf("got %q (exit %d); want %q", out, rc, want)
	}
}

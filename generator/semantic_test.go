package generator_test

// Semantic tests: what the rendered files do, as their consumers read them, so a renderer
// that drifts fails here and not only in a golden diff that `make golden-update` would bless.

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/generator"
	"github.com/mesosimg/mesosimg/internal/consumers"
	"github.com/mesosimg/mesosimg/internal/testcases"
	"github.com/mesosimg/mesosimg/plan"
	"github.com/mesosimg/mesosimg/secrets"
)

// rendered is one case's cloud-init files by path.
type rendered struct {
	c     *v1.Cluster
	files map[string][]byte
}

// renderCloudInit renders a case's cloud-init files only.
func renderCloudInit(t *testing.T, tc testcases.Case) rendered {
	t.Helper()
	c := testcases.Load(t, tc.Path)
	files, err := generator.GenerateAll(c, generator.Options{Secrets: secrets.Fixed(), Formats: []generator.Format{generator.FormatCloudInit}})
	if err != nil {
		t.Fatalf("render %s: %v", tc.Path, err)
	}
	r := rendered{c: c, files: map[string][]byte{}}
	for _, f := range files {
		r.files[f.Path] = f.Data
	}
	return r
}

// cloudConfig reads a node's user-data (gzip-compressed past 16 KB) as cloud-init's YAML.
func (r rendered) cloudConfig(t *testing.T, node string) map[string]any {
	t.Helper()
	data, ok := r.files["nodes/"+node+"/user-data"]
	if !ok {
		t.Fatalf("no user-data for %s", node)
	}
	if bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
		z, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		data, _ = io.ReadAll(z)
	}
	var cc map[string]any
	if err := yaml.Unmarshal(data, &cc); err != nil {
		t.Fatalf("%s user-data: %v", node, err)
	}
	return cc
}

// writeFile returns the content of the write_files entry for path ("" and false if none).
func writeFile(cc map[string]any, p string) (string, bool) {
	files, _ := cc["write_files"].([]any)
	for _, f := range files {
		wf, _ := f.(map[string]any)
		if wf["path"] == p {
			s, _ := wf["content"].(string)
			return s, true
		}
	}
	return "", false
}

func hasRole(n v1.Node, role string) bool { return slices.Contains(n.Roles, role) }

// ---- ZooKeeper's four-letter words ----

// properties reads a Java properties file as ZooKeeper does: key=value or key: value lines,
// # and ! comments, the last assignment of a key winning.
func properties(text string) map[string]string {
	out := map[string]string{}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' || line[0] == '!' {
			continue
		}
		i := strings.IndexAny(line, "=:")
		if i < 0 {
			out[line] = ""
			continue
		}
		out[strings.TrimSpace(line[:i])] = strings.TrimSpace(line[i+1:])
	}
	return out
}

// fourLetterWords are ZooKeeper 3.8's four-letter commands.
var fourLetterWords = []string{"conf", "cons", "crst", "dirs", "dump", "envi", "gtmk", "hash", "isro", "mntr", "ruok", "srst", "srvr", "stat", "stmk", "wchc", "wchp", "wchs"}

// reSent finds a word a shell script writes to a socket or pipe: printf srvr >&3, echo ruok | nc.
var reSent = regexp.MustCompile(`(?:printf|echo)(?:\s+-n)?\s+['"]?([a-z]{4})['"]?\s*(?:>&|\|)`)

// whitelist is the set of four-letter words ZooKeeper answers with this configuration: since
// 3.5, only srvr unless 4lw.commands.whitelist lists others ("*": all).
func whitelist(props map[string]string) map[string]bool {
	wl, ok := props["4lw.commands.whitelist"]
	if !ok {
		return map[string]bool{"srvr": true}
	}
	out := map[string]bool{}
	for _, w := range strings.Split(wl, ",") {
		if w = strings.TrimSpace(w); w == "*" {
			for _, all := range fourLetterWords {
				out[all] = true
			}
		} else if w != "" {
			out[w] = true
		}
	}
	return out
}

// TestZooKeeperAnswersTheFourLetterWords: every ZooKeeper member's zoo.cfg, read as ZooKeeper
// reads it, answers the four-letter words the README promises operators (srvr, ruok, mntr,
// stat) and every one the first boot sends; and keeps the AdminServer off where it would take
// Marathon's port 8080.
func TestZooKeeperAnswersTheFourLetterWords(t *testing.T) {
	documented := []string{"srvr", "ruok", "mntr", "stat"}
	members := 0
	for _, tc := range testcases.All(t, "..") {
		r := renderCloudInit(t, tc)
		for _, n := range r.c.Nodes {
			if !hasRole(n, v1.RoleZooKeeper) {
				continue
			}
			members++
			cc := r.cloudConfig(t, n.Name)
			cfg, ok := writeFile(cc, plan.ZooCfgPath)
			if !ok {
				t.Fatalf("%s/%s: no %s", tc.Name, n.Name, plan.ZooCfgPath)
			}
			props := properties(cfg)
			answers := whitelist(props)
			for _, w := range documented {
				if !answers[w] {
					t.Errorf("%s/%s: ZooKeeper does not answer %q with this zoo.cfg (4lw.commands.whitelist = %q)", tc.Name, n.Name, w, props["4lw.commands.whitelist"])
				}
			}
			boot, _ := writeFile(cc, plan.FirstBootPath)
			sent := 0
			for _, m := range reSent.FindAllStringSubmatch(boot, -1) {
				if w := m[1]; slices.Contains(fourLetterWords, w) {
					sent++
					if !answers[w] {
						t.Errorf("%s/%s: the first boot sends %q, which this zoo.cfg does not let ZooKeeper answer", tc.Name, n.Name, w)
					}
				}
			}
			if sent == 0 {
				t.Errorf("%s/%s: the first boot sends ZooKeeper no four-letter word: its readiness check is gone", tc.Name, n.Name)
			}
			if props["admin.enableServer"] != "false" {
				t.Errorf("%s/%s: the AdminServer is on (admin.enableServer = %q): it takes port 8080, Marathon's", tc.Name, n.Name, props["admin.enableServer"])
			}
		}
	}
	if members == 0 {
		t.Fatal("no ZooKeeper member in any case")
	}
}

// ---- which NIC gets the address ----

// nic is a network interface of a simulated machine.
type nic struct {
	kernel, mac string // the name the kernel gives it, its hardware address
	name        string // its name once the rendered configuration is applied
	addrs       []string
}

// applyENI applies cloud-init's ENI rendering (Debian) to the machine: udev rules rename NICs by
// MAC, then each "iface NAME inet static" stanza's address goes to the NIC so named.
func applyENI(t *testing.T, files map[string]string, nics []*nic) {
	reRule := regexp.MustCompile(`ATTR\{address\}=="([0-9a-f:]+)", NAME="([^"]+)"`)
	for _, m := range reRule.FindAllStringSubmatch(files["etc/udev/rules.d/70-persistent-net.rules"], -1) {
		for _, n := range nics {
			if n.mac == m[1] {
				n.name = m[2]
			}
		}
	}
	eni, ok := files["etc/network/interfaces.d/50-cloud-init"]
	if !ok {
		t.Fatalf("cloud-init wrote no ENI file: %v", files)
	}
	var cur *nic
	for _, line := range strings.Split(eni, "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) >= 2 && f[0] == "iface":
			cur = nil
			for _, n := range nics {
				if n.name == f[1] {
					cur = n
				}
			}
			if cur == nil && f[1] != "lo" {
				t.Errorf("ENI configures %s, which this machine has no NIC named", f[1])
			}
		case len(f) == 2 && f[0] == "address" && cur != nil:
			cur.addrs = append(cur.addrs, f[1])
		}
	}
}

// applyNetplan applies cloud-init's netplan rendering (Ubuntu): each ethernets entry takes the
// NICs its match selects (by MAC, by name glob, else by its own name as a NIC name) and gives
// them its addresses, and set-name renames the one it matched.
func applyNetplan(t *testing.T, files map[string]string, nics []*nic) {
	var np struct {
		Network struct {
			Ethernets map[string]struct {
				Match *struct {
					MACAddress string `yaml:"macaddress"`
					Name       string `yaml:"name"`
				} `yaml:"match"`
				SetName   string   `yaml:"set-name"`
				Addresses []string `yaml:"addresses"`
			} `yaml:"ethernets"`
		} `yaml:"network"`
	}
	if err := yaml.Unmarshal([]byte(files["etc/netplan/50-cloud-init.yaml"]), &np); err != nil || len(np.Network.Ethernets) == 0 {
		t.Fatalf("cloud-init wrote no netplan ethernets (%v): %v", err, files)
	}
	for id, e := range np.Network.Ethernets {
		var matched []*nic
		for _, n := range nics {
			switch {
			case e.Match == nil:
				if n.kernel == id {
					matched = append(matched, n)
				}
			case e.Match.MACAddress != "" && e.Match.MACAddress != n.mac:
			case e.Match.Name != "":
				if ok, _ := path.Match(e.Match.Name, n.kernel); ok {
					matched = append(matched, n)
				}
			default:
				matched = append(matched, n)
			}
		}
		if len(matched) == 0 {
			t.Errorf("netplan entry %s matches no NIC of this machine", id)
		}
		for _, n := range matched {
			n.addrs = append(n.addrs, e.Addresses...)
			if e.SetName != "" && len(matched) == 1 {
				n.name = e.SetName
			}
		}
	}
}

// TestAddressOnTheMeantNIC applies every node's network-config, rendered by cloud-init's own
// renderer for the node's OS (ENI on Debian, netplan on Ubuntu), to a machine like the one the
// description means, and checks where the address lands: with mac, on the NIC with that MAC,
// which the kernel named otherwise and which ends up named interface (default eth0), while a
// second NIC gets nothing; without mac, on the NIC named interface (or, on Ubuntu, the first
// Ethernet NIC).
func TestAddressOnTheMeantNIC(t *testing.T) {
	matchedByMAC := 0
	for _, tc := range testcases.All(t, "..") {
		r := renderCloudInit(t, tc)
		osInfo, _ := v1.LookupOS(r.c.OS)
		for _, n := range r.c.Nodes {
			t.Run(tc.Name+"/"+n.Name, func(t *testing.T) {
				want := n.Interface
				var meant *nic
				var machine []*nic
				switch {
				case n.MAC != "":
					matchedByMAC++
					if want == "" {
						want = "eth0"
					}
					meant = &nic{kernel: "nic7", mac: strings.ToLower(n.MAC)}
					machine = []*nic{{kernel: "nic3", mac: "02:00:00:00:00:01"}, meant}
				case want != "":
					meant = &nic{kernel: want, mac: "02:00:00:00:00:02"}
					machine = []*nic{meant}
				case osInfo.Distro == "debian":
					want = "eth0"
					meant = &nic{kernel: want, mac: "02:00:00:00:00:02"}
					machine = []*nic{meant}
				default:
					want = "ens3"
					meant = &nic{kernel: want, mac: "02:00:00:00:00:02"}
					machine = []*nic{meant}
				}
				for _, m := range machine {
					m.name = m.kernel
				}
				p := filepath.Join(t.TempDir(), "network-config")
				os.WriteFile(p, r.files["nodes/"+n.Name+"/network-config"], 0o644)
				macs := map[string]string{}
				for _, m := range machine {
					macs[m.kernel] = m.mac
				}
				files := consumers.NetConvertFiles(t, p, osInfo.Distro, macs)
				if osInfo.Distro == "debian" {
					applyENI(t, files, machine)
				} else {
					applyNetplan(t, files, machine)
				}
				addr := fmt.Sprintf("%s/%d", n.IP, *n.Prefix)
				for _, m := range machine {
					switch {
					case m == meant && (m.name != want || !slices.Equal(m.addrs, []string{addr})):
						t.Errorf("the NIC with MAC %s (kernel name %s) ends up named %q with %v; want %q with [%s]\n%v",
							m.mac, m.kernel, m.name, m.addrs, want, addr, files)
					case m != meant && (len(m.addrs) > 0 || m.name != m.kernel):
						t.Errorf("the other NIC (MAC %s, %s) ends up named %q with %v; want it left alone\n%v", m.mac, m.kernel, m.name, m.addrs, files)
					}
				}
			})
		}
	}
	if matchedByMAC == 0 {
		t.Fatal("no case matches a NIC by MAC")
	}
}

// ---- closed by default ----

// ruleset is an nftables input chain, read far enough to say who may reach which TCP port.
type ruleset struct {
	policy string
	rules  []rule
}

// rule accepts TCP to ports from sources (nil sources: from anywhere).
type rule struct {
	ports   [][2]int
	sources []netip.Prefix
	any     bool
}

// parseElements reads nftables set elements ("a", "a-b", "a/n") into prefixes.
func parseElements(t *testing.T, list string) []netip.Prefix {
	var out []netip.Prefix
	for _, e := range strings.Split(list, ",") {
		e = strings.TrimSpace(e)
		switch {
		case e == "":
		case strings.Contains(e, "/"):
			out = append(out, netip.MustParsePrefix(e).Masked())
		case strings.Contains(e, "-"):
			lo, hi, _ := strings.Cut(e, "-")
			for a := netip.MustParseAddr(lo); a.Compare(netip.MustParseAddr(hi)) <= 0; a = a.Next() {
				out = append(out, netip.PrefixFrom(a, 32))
			}
		default:
			out = append(out, netip.PrefixFrom(netip.MustParseAddr(e), 32))
		}
	}
	return out
}

var (
	reSet      = regexp.MustCompile(`(?s)set (\w+) \{.*?elements = \{([^}]*)\}`)
	reTCPRule  = regexp.MustCompile(`^tcp dport (\{[^}]*\}|\S+)(?: ip saddr (\{[^}]*\}|\S+))? accept$`)
	reKnownOK  = regexp.MustCompile(`^(ct state established,related accept|ct state invalid drop|iif "lo" accept|meta l4proto (icmp|ipv6-icmp) accept)$`)
	rePolicy   = regexp.MustCompile(`^type filter hook input priority \w+; policy (\w+);$`)
	reChainEnd = regexp.MustCompile(`(?s)chain input \{(.*?)\n\t\}`)
)

// parseRuleset reads the input chain of a rendered /etc/nftables.conf. A line it does not know
// fails the test, so nothing it cannot read can quietly accept traffic.
func parseRuleset(t *testing.T, text string) ruleset {
	t.Helper()
	sets := map[string][]netip.Prefix{}
	for _, m := range reSet.FindAllStringSubmatch(text, -1) {
		sets[m[1]] = parseElements(t, m[2])
	}
	chain := reChainEnd.FindStringSubmatch(text)
	if chain == nil {
		t.Fatalf("no input chain in:\n%s", text)
	}
	var rs ruleset
	for _, line := range strings.Split(chain[1], "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") || reKnownOK.MatchString(line) {
			continue
		}
		if m := rePolicy.FindStringSubmatch(line); m != nil {
			rs.policy = m[1]
			continue
		}
		m := reTCPRule.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("input chain: a rule this test cannot read: %q", line)
		}
		var r rule
		for _, p := range strings.Split(strings.Trim(m[1], "{} "), ",") {
			lo, hi, found := strings.Cut(strings.TrimSpace(p), "-")
			var a, b int
			fmt.Sscan(lo, &a)
			b = a
			if found {
				fmt.Sscan(hi, &b)
			}
			r.ports = append(r.ports, [2]int{a, b})
		}
		switch src := m[2]; {
		case src == "":
			r.any = true
		case strings.HasPrefix(src, "@"):
			s, ok := sets[src[1:]]
			if !ok {
				t.Fatalf("input chain: rule %q names an undefined set", line)
			}
			r.sources = s
		default:
			r.sources = parseElements(t, strings.Trim(src, "{}"))
		}
		rs.rules = append(rs.rules, r)
	}
	return rs
}

// admits reports whether the ruleset lets a TCP connection from ip reach port.
func (rs ruleset) admits(ip string, port int) bool {
	a := netip.MustParseAddr(ip)
	for _, r := range rs.rules {
		inPorts := false
		for _, p := range r.ports {
			inPorts = inPorts || p[0] <= port && port <= p[1]
		}
		if !inPorts {
			continue
		}
		if r.any {
			return true
		}
		for _, s := range r.sources {
			if s.Contains(a) {
				return true
			}
		}
	}
	return rs.policy == "accept"
}

// sources lists every address of the description's world (the nodes, an address in each
// admin_cidrs and task_cidrs network, an outsider) that the ruleset lets reach port.
func (rs ruleset) sources(world []string, port int) []string {
	var out []string
	for _, ip := range world {
		if rs.admits(ip, port) {
			out = append(out, ip)
		}
	}
	return out
}

// outsider is an address in no description's networks (TEST-NET-3).
const outsider = "203.0.113.77"

// TestClosedByDefault reads every node's firewall as nftables would apply it and its
// cloud-config as cloud-init would: the input policy drops; an address outside the cluster and
// its admin and task networks reaches no port; ZooKeeper's quorum ports answer only members,
// an agent only masters, SSH only administrators (or, without admin_cidrs, the nodes); every
// node reaches ZooKeeper and the masters, and administrators reach SSH and the Mesos UI; and
// root login and password authentication are off.
func TestClosedByDefault(t *testing.T) {
	for _, tc := range testcases.All(t, "..") {
		r := renderCloudInit(t, tc)
		c := r.c
		firewall := c.Security.Firewall == nil || *c.Security.Firewall
		var nodes, zks, masters []string
		for _, n := range c.Nodes {
			nodes = append(nodes, n.IP)
			if hasRole(n, v1.RoleZooKeeper) {
				zks = append(zks, n.IP)
			}
			if hasRole(n, v1.RoleMaster) {
				masters = append(masters, n.IP)
			}
		}
		admins := inside(c.Security.AdminCIDRs)
		world := append(append(append([]string(nil), nodes...), admins...), inside(c.Security.TaskCIDRs)...)
		world = append(world, outsider)
		for _, n := range c.Nodes {
			cc := r.cloudConfig(t, n.Name)
			where := tc.Name + "/" + n.Name
			if cc["ssh_pwauth"] != false || cc["disable_root"] != true {
				t.Errorf("%s: ssh_pwauth = %v, disable_root = %v; want false and true", where, cc["ssh_pwauth"], cc["disable_root"])
			}
			users, _ := cc["users"].([]any)
			for _, u := range users {
				if m, ok := u.(map[string]any); ok && (m["lock_passwd"] != true || m["passwd"] != nil || m["plain_text_passwd"] != nil || m["hashed_passwd"] != nil) {
					t.Errorf("%s: user %v may log in with a password", where, m["name"])
				}
			}
			text, ok := writeFile(cc, plan.NftablesPath)
			if !firewall {
				if ok {
					t.Errorf("%s: security.firewall is off, yet %s is written", where, plan.NftablesPath)
				}
				continue
			}
			if !ok {
				t.Fatalf("%s: no %s", where, plan.NftablesPath)
			}
			rs := parseRuleset(t, text)
			if rs.policy != "drop" {
				t.Errorf("%s: the input policy is %q; want drop", where, rs.policy)
			}
			for port := 1; port <= 65535; port++ {
				if rs.admits(outsider, port) {
					t.Errorf("%s: %s, in no network of the description, reaches port %d", where, outsider, port)
					break
				}
			}
			within := func(port int, allowed []string, what string) {
				for _, ip := range rs.sources(world, port) {
					if !slices.Contains(allowed, ip) {
						t.Errorf("%s: %s reaches port %d, open only to %s %v", where, ip, port, what, allowed)
					}
				}
			}
			reach := func(port int, from []string, what string) {
				for _, ip := range from {
					if !rs.admits(ip, port) {
						t.Errorf("%s: %s %s cannot reach port %d", where, what, ip, port)
					}
				}
			}
			if hasRole(n, v1.RoleZooKeeper) {
				reach(v1.ZooKeeperClientPort, nodes, "node")
				for _, port := range []int{v1.ZooKeeperQuorumPort, v1.ZooKeeperElectionPort} {
					reach(port, zks, "ZooKeeper member")
					within(port, zks, "ZooKeeper members")
				}
			}
			if hasRole(n, v1.RoleMaster) {
				reach(*c.Mesos.Master.Port, nodes, "node")
				reach(*c.Mesos.Master.Port, admins, "administrator")
			}
			if hasRole(n, v1.RoleAgent) {
				reach(*c.Mesos.Agent.Port, masters, "master")
				within(*c.Mesos.Agent.Port, append(append([]string(nil), masters...), n.IP), "masters")
			}
			if len(admins) > 0 {
				reach(22, admins, "administrator")
				within(22, append(append([]string(nil), admins...), nodes...), "administrators and nodes")
			} else {
				within(22, nodes, "the nodes (no admin_cidrs)")
			}
		}
	}
}

// inside picks one address inside each network (its first host).
func inside(cidrs []string) []string {
	var out []string
	for _, s := range cidrs {
		p, ok := v1.ParseCIDR(s)
		if !ok {
			continue
		}
		a := p.Addr()
		if p.Bits() < 31 {
			a = a.Next()
		}
		out = append(out, a.String())
	}
	return out
}

package v1

import (
	"fmt"
	"net/netip"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/mesosimg/mesosimg/internal/upstream"
	"github.com/mesosimg/mesosimg/report"
	"github.com/mesosimg/mesosimg/yamlpos"
)

// Patterns of values that end up in flag files, shell scripts or unit files.
// Every value is checked against one of them, so nothing a user types can
// break out of its place (no quotes, spaces, ';', '$', backticks or newlines).
var (
	reClusterName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$`)
	reLabel       = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
	reUser        = regexp.MustCompile(`^[a-z_][a-z0-9_-]{0,31}$`)
	reInterface   = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,15}$`)
	reMAC         = regexp.MustCompile(`^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$`)
	reSSHKey      = regexp.MustCompile(`^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/]+={0,3}( [^\x00-\x1f\x7f]*)?$`)
	reRepoName    = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)
	reSuite       = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._/-]*$`)
	rePackage     = regexp.MustCompile(`^[a-z0-9][a-z0-9+.-]+$`)
	reDebVersion  = regexp.MustCompile(`^([0-9]+:)?[0-9][A-Za-z0-9.+~-]*$`)
	reFingerprint = regexp.MustCompile(`^[0-9A-F]{40}$`)
	reSHA256      = regexp.MustCompile(`^[0-9a-f]{64}$`)
	reImage       = regexp.MustCompile(`^([a-z0-9.-]+(:[0-9]+)?/)?[a-z0-9]+([._/-][a-z0-9]+)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[0-9a-f]{64})?$`)
	// No quote, '#' (it would comment out the rest of an apt sources line), space, '$' or backtick.
	reURL       = regexp.MustCompile(`^(https?|file)://[A-Za-z0-9._~:/?\[\]@!&()*+,;=%-]+$`)
	reFlagName  = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	reFlagValue = regexp.MustCompile(`^[A-Za-z0-9_.,:/@%+=\[\]{}*-]*$`)
	reResName   = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)
	reScalar    = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`)
	reRanges    = regexp.MustCompile(`^\[[0-9]+-[0-9]+(,[0-9]+-[0-9]+)*\]$`)
	reSet       = regexp.MustCompile(`^\{[A-Za-z0-9_.-]+(,[A-Za-z0-9_.-]+)*\}$`)
	reAttrText  = regexp.MustCompile(`^[A-Za-z0-9_./-]+$`)
)

// authReason explains why authentication flags cannot be set by hand.
const authReason = "security.mesos_authentication is on; turn it off to manage authentication yourself"

// safeChars explains reFlagValue in error messages.
const safeChars = "letters, digits and _ . , : / @ % + = [ ] { } * -"

// Validate checks a decoded description and returns every problem found,
// each with the path of the field it is about. Positions are filled in by the caller.
func Validate(c *Cluster) report.Report {
	v := &validator{c: c}
	v.top()
	v.network("network", c.Network.Prefix, c.Network.Gateway, c.Network.DNS, c.Network.Interface)
	switch c.Network.EtcHosts {
	case "", EtcHostsAuto, EtcHostsAll, EtcHostsControlPlane:
	default:
		v.errorf("network.etc_hosts", "unknown etc_hosts %q%s; valid: auto, all, control-plane", c.Network.EtcHosts, didYouMean(c.Network.EtcHosts, []string{EtcHostsAuto, EtcHostsAll, EtcHostsControlPlane}))
	}
	for i, s := range c.Network.Search {
		v.dnsName(report.Index("network.search", i), s)
	}
	v.admin()
	v.ntp()
	v.install()
	v.mesos()
	v.marathon()
	v.security()
	v.image()
	v.installer()
	v.nodes()
	return v.rep
}

type validator struct {
	c   *Cluster
	rep report.Report
}

func (v *validator) errorf(path, format string, args ...any) { v.rep.Errorf(path, format, args...) }
func (v *validator) warnf(path, format string, args ...any)  { v.rep.Warnf(path, format, args...) }

func osIDs() string {
	var ids []string
	for _, o := range OSes {
		ids = append(ids, o.ID)
	}
	return strings.Join(ids, ", ")
}

func (v *validator) top() {
	c := v.c
	if c.Version != 0 && c.Version != 1 {
		v.errorf("version", "unsupported description version %d; this mesosimg reads version 1", c.Version)
	}
	switch {
	case c.Cluster == "":
		v.errorf("cluster", "missing cluster name (the Mesos --cluster), e.g. cluster: MyCluster")
	case !reClusterName.MatchString(c.Cluster):
		v.errorf("cluster", "cluster name %q is not valid: use 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit", c.Cluster)
	}
	if c.OS != "" {
		if _, ok := LookupOS(c.OS); !ok {
			v.errorf("os", "unknown os %q%s; valid: %s", c.OS, didYouMean(c.OS, osList()), osIDs())
		}
	}
	if c.Domain != "" {
		v.dnsName("domain", c.Domain)
	}
	if t := c.ReadinessTimeout; t != nil && (*t < 10 || *t > 86400) {
		v.errorf("readiness_timeout", "readiness_timeout %d is out of range: use 10 to 86400 seconds", *t)
	}
}

func osList() []string {
	var ids []string
	for _, o := range OSes {
		ids = append(ids, o.ID)
	}
	return ids
}

func didYouMean(word string, candidates []string) string {
	if s := yamlpos.Closest(word, candidates); s != "" {
		return fmt.Sprintf(" (did you mean %q?)", s)
	}
	return ""
}

// dnsName checks an RFC 1123 host or domain name.
func (v *validator) dnsName(path, s string) bool {
	if len(s) > 253 {
		v.errorf(path, "name is longer than 253 characters")
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if !reLabel.MatchString(label) {
			v.errorf(path, "%q is not a valid DNS name: use dot-separated labels of lower-case letters, digits and '-' (not at either end), 1-63 characters each", s)
			return false
		}
	}
	return true
}

// ipv4 parses an IPv4 address, reporting why it is not one.
func (v *validator) ipv4(path, s string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(s)
	switch {
	case err != nil:
		v.errorf(path, "%q is not an IPv4 address (expected four numbers 0-255 separated by dots, e.g. 192.168.1.101)", s)
		return a, false
	case a.Is6() && !a.Is4In6():
		v.errorf(path, "%q is an IPv6 address; this version supports IPv4 node addresses only", s)
		return a, false
	case a.Zone() != "":
		v.errorf(path, "%q has a zone; use a plain IPv4 address", s)
		return a, false
	}
	return a.Unmap(), true
}

func (v *validator) prefix(path string, p *int) {
	if p != nil && (*p < 1 || *p > 32) {
		v.errorf(path, "prefix %d is out of range: use 1 to 32 (e.g. 24 for a 255.255.255.0 netmask)", *p)
	}
}

func (v *validator) network(path string, prefix *int, gateway string, dns []string, iface string) {
	v.prefix(report.Field(path, "prefix"), prefix)
	if gateway != "" {
		v.ipv4(report.Field(path, "gateway"), gateway)
	}
	for i, d := range dns {
		v.ipv4(report.Index(report.Field(path, "dns"), i), d)
	}
	if iface != "" && !reInterface.MatchString(iface) {
		v.errorf(report.Field(path, "interface"), "%q is not a valid interface name: use 1-15 letters, digits, '_', '.' or '-' (e.g. eth0, ens3)", iface)
	}
}

func (v *validator) admin() {
	a := v.c.Admin
	if a.User != "" {
		switch {
		case !reUser.MatchString(a.User):
			v.errorf("admin.user", "%q is not a valid user name: use up to 32 lower-case letters, digits, '_' or '-', starting with a letter or '_'", a.User)
		case reservedUsers[a.User]:
			v.errorf("admin.user", "%q is a system account; choose another name (default %s)", a.User, DefaultAdminUser)
		}
	}
	for i, k := range a.SSHAuthorizedKeys {
		if !reSSHKey.MatchString(strings.TrimSpace(k)) {
			v.errorf(report.Index("admin.ssh_authorized_keys", i), "not an OpenSSH public key: expected one line \"ssh-ed25519 AAAA… comment\" (types ssh-ed25519, ssh-rsa, ecdsa-sha2-nistp256/384/521, sk-…)")
		}
	}
	if a.User != "" && len(a.SSHAuthorizedKeys) == 0 {
		v.warnf("admin.user", "admin.user is set but admin.ssh_authorized_keys is empty: the user is not created and nobody can log in with it")
	}
}

var reservedUsers = map[string]bool{
	"root": true, "daemon": true, "bin": true, "sys": true, "sync": true, "games": true, "man": true,
	"lp": true, "mail": true, "news": true, "uucp": true, "proxy": true, "www-data": true, "backup": true,
	"list": true, "irc": true, "nobody": true, "systemd-network": true, "systemd-resolve": true,
	"messagebus": true, "sshd": true, "zookeeper": true, "mesos": true, "marathon": true, "docker": true,
	"_apt": true, "syslog": true,
}

func (v *validator) ntp() {
	for _, list := range []struct {
		path  string
		hosts []string
	}{{"ntp.servers", v.c.NTP.Servers}, {"ntp.pools", v.c.NTP.Pools}} {
		for i, h := range list.hosts {
			v.host(report.Index(list.path, i), h)
		}
	}
}

// host accepts an IPv4 address or a DNS name.
func (v *validator) host(path, s string) {
	if _, err := netip.ParseAddr(s); err == nil {
		return
	}
	v.dnsName(path, s)
}

func (v *validator) url(path, s string) {
	if !reURL.MatchString(s) {
		v.errorf(path, "%q is not a valid URL: expected http://, https:// or file:// followed by no spaces, quotes, '#', '$' or backticks", s)
	}
}

func (v *validator) install() {
	in := v.c.Install
	switch in.Method {
	case "", MethodApt, MethodPreinstalled:
	default:
		v.errorf("install.method", "unknown install method %q%s; valid: apt (install at first boot), preinstalled (image built from out/packer)", in.Method, didYouMean(in.Method, []string{MethodApt, MethodPreinstalled}))
	}
	if in.Mirror != "" {
		v.url("install.mirror", in.Mirror)
	}
	if in.SecurityMirror != "" {
		v.url("install.security_mirror", in.SecurityMirror)
	}
	names := map[string]string{}
	for i, r := range in.Repositories {
		p := report.Index("install.repositories", i)
		switch {
		case r.Name == "":
			v.errorf(report.Field(p, "name"), "missing repository name (used as /etc/apt/sources.list.d/<name>.list)")
		case !reRepoName.MatchString(r.Name):
			v.errorf(report.Field(p, "name"), "%q is not a valid repository name: use lower-case letters, digits, '_' or '-'", r.Name)
		case names[r.Name] != "":
			v.errorf(report.Field(p, "name"), "repository name %q is already used by %s", r.Name, names[r.Name])
		default:
			names[r.Name] = p
		}
		if r.URL == "" {
			v.errorf(report.Field(p, "url"), "missing repository url, e.g. http://rpm.aventer.biz/Ubuntu/jammy")
		} else {
			v.url(report.Field(p, "url"), r.URL)
		}
		if r.Suite == "" {
			v.errorf(report.Field(p, "suite"), "missing repository suite, e.g. jammy")
		} else if !reSuite.MatchString(r.Suite) {
			v.errorf(report.Field(p, "suite"), "%q is not a valid suite: use letters, digits, '.', '_', '/' or '-'", r.Suite)
		}
		for j, comp := range r.Components {
			if !reSuite.MatchString(comp) {
				v.errorf(report.Index(report.Field(p, "components"), j), "%q is not a valid component: use letters, digits, '.', '_', '/' or '-'", comp)
			}
		}
		v.repoKey(p, r)
	}
	v.pkg("install.mesos", in.Mesos, "1.11.0-0.7.1.debian12")
	v.pkg("install.zookeeper", in.ZooKeeper, "3.8.0-11+deb12u2")
	v.pkg("install.docker", in.Docker, "24.0.7-0ubuntu2~22.04.1")
	v.pkg("install.java", in.Java, "2:1.17-74")
}

func (v *validator) repoKey(p string, r Repository) {
	set := 0
	for _, s := range []string{r.Key, r.KeyFile, r.KeyID} {
		if s != "" {
			set++
		}
	}
	if set != 1 {
		v.errorf(p, "repository %q needs exactly one signing key: key (ASCII-armoured), key_file (path to it) or keyid (40-digit fingerprint on a key server)", r.Name)
	}
	if r.Key != "" && !strings.Contains(r.Key, "-----BEGIN PGP PUBLIC KEY BLOCK-----") {
		v.errorf(report.Field(p, "key"), "key is not an ASCII-armoured OpenPGP public key (expected -----BEGIN PGP PUBLIC KEY BLOCK-----)")
	}
	if r.KeyID != "" && !reFingerprint.MatchString(r.KeyID) {
		v.errorf(report.Field(p, "keyid"), "keyid must be the full 40-digit upper-case hex fingerprint (short key ids can be forged), got %q", r.KeyID)
	}
	if r.KeyServer != "" {
		ks := strings.TrimPrefix(strings.TrimPrefix(r.KeyServer, "hkps://"), "hkp://")
		v.dnsName(report.Field(p, "keyserver"), ks)
	}
}

// pkg checks a package name and version; example is a version of that package, for the message.
func (v *validator) pkg(path string, p Package, example string) {
	if p.Package != "" && !rePackage.MatchString(p.Package) {
		v.errorf(report.Field(path, "package"), "%q is not a valid Debian package name: use lower-case letters, digits, '+', '.' or '-'", p.Package)
	}
	if p.Version != "" && !reDebVersion.MatchString(p.Version) {
		v.errorf(report.Field(path, "version"), "%q is not a valid Debian version (e.g. %s): an optional epoch and ':', then digits first, then letters, digits, '.', '+', '~', '-'", p.Version, example)
	}
}

func (v *validator) port(path string, p *int) {
	if p != nil && (*p < 1 || *p > 65535) {
		v.errorf(path, "port %d is out of range: use 1 to 65535", *p)
	}
}

func (v *validator) mesos() {
	m := v.c.Mesos
	v.port("mesos.master.port", m.Master.Port)
	auth := On(v.c.Security.MesosAuthentication)
	v.flags("mesos.master.flags", m.Master.Flags, MasterFlags, reserved(masterReserved, auth, authReason, masterAuthFlags), checkMesosFlag(upstream.MesosMaster))
	v.port("mesos.agent.port", m.Agent.Port)
	v.agent("mesos.agent", m.Agent.Containerizers, m.Agent.Resources, m.Agent.Attributes)
	agentR := reserved(agentReserved, auth, authReason, agentAuthFlags)
	agentR = reserved(agentR, v.c.Security.TLS != nil, "security.tls is on: executors get the libprocess TLS variables through it", []string{"executor_environment_variables"})
	v.flags("mesos.agent.flags", m.Agent.Flags, AgentFlags, agentR, checkMesosFlag(upstream.MesosAgent))
}

func (v *validator) agent(path string, containerizers []string, resources, attributes map[string]string) {
	seen := map[string]bool{}
	for i, c := range containerizers {
		p := report.Index(report.Field(path, "containerizers"), i)
		switch {
		case c != "mesos" && c != "docker":
			v.errorf(p, "unknown containerizer %q%s; valid: mesos, docker (e.g. [docker, mesos])", c, didYouMean(c, []string{"mesos", "docker"}))
		case seen[c]:
			v.errorf(p, "containerizer %q is listed twice", c)
		}
		seen[c] = true
	}
	for _, name := range sortedKeys(resources) {
		val := resources[name]
		p := report.Field(report.Field(path, "resources"), name)
		switch {
		case !reResName.MatchString(name):
			v.errorf(p, "%q is not a valid resource name: use lower-case letters, digits and '_' (e.g. cpus, mem, disk, ports, gpus)", name)
		case !reScalar.MatchString(val) && !reRanges.MatchString(val) && !reSet.MatchString(val):
			v.errorf(p, "resource %s: %q is not a Mesos resource value: use a number (cpus: \"4\", mem: \"8192\"), ranges (\"[31000-32000]\") or a set (\"{a,b}\")", name, val)
		}
	}
	for _, name := range sortedKeys(attributes) {
		val := attributes[name]
		p := report.Field(report.Field(path, "attributes"), name)
		switch {
		case !reResName.MatchString(name):
			v.errorf(p, "%q is not a valid attribute name: use lower-case letters, digits and '_' (e.g. rack, zone)", name)
		case !reAttrText.MatchString(val) && !reRanges.MatchString(val):
			v.errorf(p, "attribute %s: %q is not a valid value: use letters, digits, '_', '.', '/' or '-', or ranges like [1-10]", name, val)
		}
	}
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// flags checks extra daemon flags: a known name, not one mesosimg derives, a safe value, and
// one the daemon parses (check, from the daemon's upstream flag table).
func (v *validator) flags(path string, flags map[string]string, known []string, reserved map[string]string, check func(name, value string) error) {
	knownSet := make(map[string]bool, len(known))
	for _, k := range known {
		knownSet[k] = true
	}
	for _, name := range sortedKeys(flags) {
		val := flags[name]
		p := report.Field(path, name)
		switch {
		case !reFlagName.MatchString(name):
			v.errorf(p, "%q is not a flag name: write it without dashes, in lower case with '_' (e.g. max_agent_ping_timeouts)", name)
			continue
		case reserved[name] != "":
			v.errorf(p, "flag %s is set by mesosimg (%s); remove it here", name, reserved[name])
			continue
		case !knownSet[name]:
			v.errorf(p, "unknown flag %q%s", name, didYouMean(name, known))
			continue
		}
		if !reFlagValue.MatchString(val) {
			v.errorf(p, "value %q of flag %s has characters that could break out of its file: use only %s", val, name, safeChars)
			continue
		}
		if err := check(name, val); err != nil {
			v.errorf(p, "value %q: %v", val, err)
		}
	}
}

func (v *validator) marathon() {
	m := v.c.Marathon
	switch m.Runtime {
	case "", RuntimeContainer:
		if m.Tarball.URL != "" || m.Tarball.SHA256 != "" {
			v.warnf("marathon.tarball", "marathon.tarball is ignored: Marathon runs as the container image marathon.image")
		}
	case RuntimeTarball:
		// Marathon 1.11 needs Java 8 and a libmesos built with the Java (JNI) bindings; neither
		// exists on the supported systems (see internal/upstream: MarathonTarballFacts).
		v.errorf("marathon.runtime", "runtime tarball cannot work on %s: Marathon 1.11 needs Java 8 (the distribution's Java is 17; Marathon's Guice 4.1 fails on Java 16+) and a libmesos with the Java bindings, which aventer-mesos does not build; use runtime: container (the image carries Java 8 and its own libmesos)", orDefault(v.c.OS, DefaultOS))
	default:
		v.errorf("marathon.runtime", "unknown Marathon runtime %q; valid: container (the Docker image marathon.image, the default)", m.Runtime)
	}
	if m.Tarball.SHA256 != "" && !reSHA256.MatchString(m.Tarball.SHA256) {
		v.errorf("marathon.tarball.sha256", "%q is not a SHA-256 checksum: expected 64 lower-case hex digits", m.Tarball.SHA256)
	}
	if in := v.c.Install; in.Java.Package != "" || in.Java.Version != "" {
		v.warnf("install.java", "install.java is ignored: Marathon runs as a container image that carries its own Java")
	}
	if m.Image != "" && !reImage.MatchString(m.Image) {
		v.errorf("marathon.image", "%q is not a container image reference (e.g. mesosphere/marathon:v1.11.24 or registry.local:5000/marathon@sha256:…)", m.Image)
	}
	v.port("marathon.http_port", m.HTTPPort)
	v.port("marathon.libprocess_port", m.LibprocessPort)
	r := reserved(marathonReserved, On(v.c.Security.MesosAuthentication), authReason, marathonAuthFlags)
	r = reserved(r, On(v.c.Security.MarathonHTTPAuth), "security.marathon_http_auth is on, with generated credentials", marathonHTTPFlags)
	v.flags("marathon.flags", m.Flags, MarathonFlags, r, upstream.CheckMarathonFlag)
}

func (v *validator) nodes() {
	c := v.c
	if len(c.Nodes) == 0 {
		v.errorf("nodes", "missing nodes: list every machine with name, ip and roles (zookeeper, master, agent, marathon)")
		return
	}
	names := map[string]string{}
	ips := map[netip.Addr]string{}
	macs := map[string]string{}
	count := map[string]int{}
	for i, n := range c.Nodes {
		p := report.Index("nodes", i)
		switch {
		case n.Name == "":
			v.errorf(report.Field(p, "name"), "node has no name: add name: (a host name such as master1)")
		case !reLabel.MatchString(n.Name):
			v.errorf(report.Field(p, "name"), "%q is not a valid host name: use 1-63 lower-case letters, digits and '-' (not at either end)", n.Name)
		case names[n.Name] != "":
			v.errorf(report.Field(p, "name"), "duplicate node name %q (also %s)", n.Name, names[n.Name])
		default:
			names[n.Name] = p
		}
		var addr netip.Addr
		if n.IP == "" {
			v.errorf(report.Field(p, "ip"), "node %q has no ip: add ip: (the IPv4 address its services bind to)", n.Name)
		} else if a, ok := v.ipv4(report.Field(p, "ip"), n.IP); ok {
			addr = a
			switch {
			case a.IsLoopback() || a.IsUnspecified() || a.IsMulticast() || a.IsLinkLocalUnicast():
				v.errorf(report.Field(p, "ip"), "%s cannot be a node address (loopback, unspecified, multicast or link-local): use the address other nodes reach it on", n.IP)
			case ips[a] != "":
				v.errorf(report.Field(p, "ip"), "duplicate ip %s (also %s)", n.IP, ips[a])
			default:
				ips[a] = p
			}
		}
		v.roles(p, n, count)
		v.network(p, n.Prefix, n.Gateway, n.DNS, n.Interface)
		v.nodeAddress(p, n, addr)
		if n.MAC != "" {
			mac := strings.ToLower(n.MAC)
			switch {
			case !reMAC.MatchString(n.MAC):
				v.errorf(report.Field(p, "mac"), "%q is not a MAC address: expected six hex pairs separated by ':' (e.g. 52:54:00:12:34:56)", n.MAC)
			case macs[mac] != "":
				v.errorf(report.Field(p, "mac"), "duplicate mac %s (also %s)", n.MAC, macs[mac])
			default:
				macs[mac] = p
			}
		}
		if n.Agent != nil {
			if !hasRole(n, RoleAgent) {
				v.warnf(report.Field(p, "agent"), "node %q has agent settings but not the agent role; they are ignored", n.Name)
			}
			v.agent(report.Field(p, "agent"), n.Agent.Containerizers, n.Agent.Resources, n.Agent.Attributes)
		}
		v.ports(p, n)
		if c.OS == "debian-12" && n.MAC == "" && n.Interface == "" && c.Network.Interface == "" {
			v.warnf(p, "node %q: debian-12 (cloud-init 22.4, ENI renderer) configures the literal interface name; none is set, so eth0 is assumed. Set interface (ens3 on qemu/libvirt, ens18 on Proxmox, ens192 on VMware) or mac", n.Name)
		}
	}
	v.counts(count)
	if (c.Network.EtcHosts == "" || c.Network.EtcHosts == EtcHostsAuto) && len(c.Nodes) > AutoHostsLimit {
		v.warnf("nodes", "%d nodes: /etc/hosts lists each node itself and the zookeeper, master and marathon nodes only (set network.etc_hosts: all to list every node, or control-plane to silence this)", len(c.Nodes))
	}
	if c.Install.Method != MethodPreinstalled && c.Install.Mirror == "" {
		for i, n := range c.Nodes {
			if len(n.DNS) == 0 && len(c.Network.DNS) == 0 {
				v.warnf(report.Index("nodes", i), "node %q has a static address but no DNS servers (network.dns): apt at first boot cannot resolve repository names", n.Name)
				break
			}
		}
	}
}

func hasRole(n Node, role string) bool {
	for _, r := range n.Roles {
		if r == role {
			return true
		}
	}
	return false
}

func (v *validator) roles(p string, n Node, count map[string]int) {
	if len(n.Roles) == 0 {
		v.errorf(report.Field(p, "roles"), "node %q has no roles: add roles: with any of %s", n.Name, strings.Join(Roles, ", "))
		return
	}
	seen := map[string]bool{}
	for j, r := range n.Roles {
		rp := report.Index(report.Field(p, "roles"), j)
		known := false
		for _, k := range Roles {
			known = known || k == r
		}
		switch {
		case !known:
			v.errorf(rp, "unknown role %q%s; valid: %s", r, didYouMean(r, Roles), strings.Join(Roles, ", "))
		case seen[r]:
			v.errorf(rp, "role %q is listed twice", r)
		default:
			seen[r] = true
			count[r]++
		}
	}
}

// nodeAddress checks the gateway is reachable from the node's subnet.
func (v *validator) nodeAddress(p string, n Node, addr netip.Addr) {
	if !addr.IsValid() {
		return
	}
	bits := DefaultPrefix
	if n.Prefix != nil {
		bits = *n.Prefix
	} else if v.c.Network.Prefix != nil {
		bits = *v.c.Network.Prefix
	}
	if bits < 1 || bits > 32 {
		return
	}
	pfx := netip.PrefixFrom(addr, bits).Masked()
	if bits <= 30 && (addr == pfx.Addr() || addr == lastAddr(pfx)) {
		v.errorf(report.Field(p, "ip"), "%s is the network or broadcast address of %s; use a host address", addr, pfx)
	}
	gw := n.Gateway
	if gw == "" {
		gw = v.c.Network.Gateway
	}
	if g, err := netip.ParseAddr(gw); err == nil && g.Is4() && !pfx.Contains(g) {
		v.warnf(report.Field(p, "ip"), "gateway %s is outside the node's subnet %s", g, pfx)
	}
}

func lastAddr(p netip.Prefix) netip.Addr {
	a := p.Addr().As4()
	host := uint32(1)<<(32-p.Bits()) - 1
	n := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	n |= host
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)})
}

// ports reports two services of one node wanting the same port.
func (v *validator) ports(p string, n Node) {
	c := v.c
	get := func(ptr *int, def int) int {
		if ptr != nil {
			return *ptr
		}
		return def
	}
	used := map[int]string{}
	claim := func(port int, what string) {
		if other, ok := used[port]; ok {
			v.errorf(p, "node %q: %s and %s both use port %d; change one in the description", n.Name, other, what, port)
			return
		}
		used[port] = what
	}
	if hasRole(n, RoleZooKeeper) {
		claim(ZooKeeperClientPort, "zookeeper client")
		claim(ZooKeeperQuorumPort, "zookeeper quorum")
		claim(ZooKeeperElectionPort, "zookeeper election")
	}
	if hasRole(n, RoleMaster) {
		claim(get(c.Mesos.Master.Port, DefaultMasterPort), "mesos-master")
	}
	if hasRole(n, RoleAgent) {
		claim(get(c.Mesos.Agent.Port, DefaultAgentPort), "mesos-agent")
	}
	if hasRole(n, RoleMarathon) {
		claim(get(c.Marathon.HTTPPort, DefaultMarathonHTTPPort), "marathon http")
		claim(get(c.Marathon.LibprocessPort, DefaultLibprocessPort), "marathon libprocess")
	}
}

func (v *validator) counts(count map[string]int) {
	for _, r := range []struct {
		role, what, hint string
	}{
		{RoleMaster, "Mesos masters", "give 1, 3 or 5 nodes the master role"},
		{RoleZooKeeper, "ZooKeeper members", "give 1, 3 or 5 nodes the zookeeper role (usually the masters)"},
	} {
		n := count[r.role]
		switch {
		case n == 0:
			v.errorf("nodes", "no node has the %s role: %s", r.role, r.hint)
		case n%2 == 0:
			v.errorf("nodes", "%d %s tolerate %s, as %s: the extra one adds no tolerance, only a machine that can fail, and an even number risks split votes; use %d or %d", n, r.what, failures(n/2-1), do(n-1), n-1, n+1)
		case n > 7:
			v.warnf("nodes", "%d %s: more than 7 slows every write; 3 or 5 is the usual size", n, r.what)
		}
	}
	if count[RoleAgent] == 0 {
		v.warnf("nodes", "no node has the agent role: the cluster cannot run tasks")
	}
}

// failures says how many failures a majority quorum survives: "no failure", "1 failure", "2 failures".
func failures(n int) string {
	switch n {
	case 0:
		return "no failure"
	case 1:
		return "1 failure"
	}
	return fmt.Sprintf("%d failures", n)
}

// do is "1 does" or "3 do".
func do(n int) string {
	if n == 1 {
		return "1 does"
	}
	return fmt.Sprintf("%d do", n)
}

func (v *validator) security() {
	s := v.c.Security
	for _, off := range []struct {
		flag *bool
		path string
		risk string
	}{
		{s.MesosAuthentication, "security.mesos_authentication", "anyone who reaches a master on port 5050 can register a framework or an agent and run code on every agent"},
		{s.MarathonHTTPAuth, "security.marathon_http_auth", "anyone who reaches port 8080 can start applications on the cluster"},
		{s.ZooKeeperAuth, "security.zookeeper_auth", "anyone who reaches port 2181 can rewrite Mesos and Marathon state in ZooKeeper"},
		{s.Firewall, "security.firewall", "every port of every node is open to any network that reaches it"},
	} {
		if !On(off.flag) {
			v.warnf(off.path, "turned off: %s", off.risk)
		}
	}
	for _, list := range []struct {
		path  string
		cidrs []string
	}{{"security.admin_cidrs", s.AdminCIDRs}, {"security.task_cidrs", s.TaskCIDRs}} {
		for i, c := range list.cidrs {
			if _, ok := ParseCIDR(c); !ok {
				v.errorf(report.Index(list.path, i), "%q is not an IPv4 network: use an address or address/prefix (e.g. 192.168.1.0/24)", c)
			}
		}
	}
	if On(s.Firewall) && len(s.AdminCIDRs) == 0 {
		v.warnf("security", "security.admin_cidrs is empty: SSH, the Mesos UI (5050) and Marathon (8080) accept connections only from the cluster's own nodes; add the networks you administer from (e.g. admin_cidrs: [192.168.1.0/24])")
	}
	if s.SecretsFile != "" && !insideDir(s.SecretsFile) {
		v.errorf("security.secrets_file", "secrets_file must be a relative path inside the description's directory (no '..'); use --secrets for another place")
	}
	if t := s.TLS; t != nil {
		for _, f := range []struct{ key, path string }{{"ca_file", t.CAFile}, {"cert_dir", t.CertDir}} {
			if f.path != "" && !insideDir(f.path) {
				v.errorf(report.Field("security.tls", f.key), "%s must be a relative path inside the description's directory (no '..'), so a description cannot pull other keys into user-data", f.key)
			}
		}
	}
}

// ParseCIDR reads an IPv4 address or network; a bare address is a /32.
func ParseCIDR(s string) (netip.Prefix, bool) {
	if p, err := netip.ParsePrefix(s); err == nil && p.Addr().Is4() {
		return p.Masked(), true
	}
	if a, err := netip.ParseAddr(s); err == nil && a.Is4() {
		return netip.PrefixFrom(a, 32), true
	}
	return netip.Prefix{}, false
}

// Patterns of image: values. They end up in HCL strings (escaped by hclwrite), AMI names, file
// names and AWS tags; the patterns keep them to what those accept, and out of Packer's {{ }}.
var (
	reImageName    = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$`)
	reAWSRegion    = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]$`)
	reInstanceType = regexp.MustCompile(`^[a-z][a-z0-9-]*\.[a-z0-9]+$`)
	reARMInstance  = regexp.MustCompile(`^(a1|[a-z]+[0-9]+[a-z]*g[a-z]*)\.`)
	reAMIOwner     = regexp.MustCompile(`^([0-9]{12}|self|amazon|aws-marketplace)$`)
	reAMIName      = regexp.MustCompile(`^[A-Za-z0-9()\[\]./@_ *?-]{3,128}$`)
	reTagKey       = regexp.MustCompile(`^[A-Za-z0-9 _.:/=+@-]{1,128}$`)
	reTagValue     = regexp.MustCompile(`^[A-Za-z0-9 _.:/=+@-]{0,256}$`)
	reChecksum     = regexp.MustCompile(`^(sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})$`)
)

func (v *validator) image() {
	im := v.c.Image
	if im == nil {
		return
	}
	if im.Name != "" && !reImageName.MatchString(im.Name) {
		v.errorf("image.name", "%q is not a valid image name: use 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit (Packer appends -<timestamp>)", im.Name)
	}
	if d := im.DiskSize; d != nil && (*d < 8 || *d > 16384) {
		v.errorf("image.disk_size", "disk_size %d is out of range: use 8 to 16384 GiB (the cloud images need at least 8)", *d)
	}
	if a := im.AWS; a != nil {
		v.imageAWS(a)
	}
	v.imageQEMU(&im.QEMU)
	if v.c.Install.Method != MethodPreinstalled {
		v.warnf("image", "configures the Packer templates, but install.method is %s: nodes install their packages at first boot instead of using the baked image (set install.method: preinstalled to boot them from it)", orDefault(v.c.Install.Method, DefaultMethod))
	}
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func (v *validator) imageAWS(a *ImageAWS) {
	switch {
	case a.Region == "":
		v.errorf("image.aws.region", "missing region: the amazon-ebs source needs the AWS region to build the AMI in, e.g. region: eu-west-1 (remove image.aws to build only the qemu image)")
	case !reAWSRegion.MatchString(a.Region):
		v.errorf("image.aws.region", "%q is not an AWS region (e.g. eu-west-1, us-east-2)", a.Region)
	}
	switch {
	case a.InstanceType == "":
	case !reInstanceType.MatchString(a.InstanceType):
		v.errorf("image.aws.instance_type", "%q is not an EC2 instance type (e.g. %s)", a.InstanceType, DefaultAWSInstanceType)
	case reARMInstance.MatchString(a.InstanceType):
		v.warnf("image.aws.instance_type", "%q is an ARM (Graviton) instance type, but the source AMIs are amd64: the build cannot start; use an x86 type such as %s", a.InstanceType, DefaultAWSInstanceType)
	}
	if a.SourceAMIOwner != "" && !reAMIOwner.MatchString(a.SourceAMIOwner) {
		v.errorf("image.aws.source_ami_owner", "%q is not an AMI owner: use a 12-digit account id, self, amazon or aws-marketplace", a.SourceAMIOwner)
	}
	if a.SourceAMIName != "" && !reAMIName.MatchString(a.SourceAMIName) {
		v.errorf("image.aws.source_ami_name", "%q is not an AMI name filter: use 3-128 letters, digits, spaces and ( ) [ ] . / @ _ - with * and ? as wildcards", a.SourceAMIName)
	}
	if a.SSHUsername != "" && !reUser.MatchString(a.SSHUsername) {
		v.errorf("image.aws.ssh_username", "%q is not a valid user name: use up to 32 lower-case letters, digits, '_' or '-'", a.SSHUsername)
	}
	for _, k := range sortedKeys(a.Tags) {
		p := report.Field("image.aws.tags", k)
		switch {
		case !reTagKey.MatchString(k):
			v.errorf(p, "%q is not an AWS tag key: use 1-128 letters, digits, spaces and _ . : / = + @ -", k)
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			v.errorf(p, "tag keys starting with aws: are reserved by AWS")
		case strings.HasPrefix(k, "mesosimg:"):
			v.errorf(p, "tag %s is set by mesosimg; remove it here", k)
		case !reTagValue.MatchString(a.Tags[k]):
			v.errorf(p, "tag %s: %q is not an AWS tag value: use up to 256 letters, digits, spaces and _ . : / = + @ -", k, a.Tags[k])
		}
	}
}

func (v *validator) imageQEMU(q *ImageQEMU) {
	if q.SourceURL != "" {
		v.url("image.qemu.source_url", q.SourceURL)
		if q.SourceChecksum == "" {
			v.errorf("image.qemu.source_url", "source_url needs source_checksum: file:<URL of its SHA256SUMS> or sha256:<64 hex digits>, so Packer can verify the download")
		}
	}
	switch c := q.SourceChecksum; {
	case c == "":
	case c == "none":
		v.errorf("image.qemu.source_checksum", "source_checksum none would boot an unverified image: use file:<URL of its SHA256SUMS> or sha256:<64 hex digits>")
	case strings.HasPrefix(c, "file:"):
		v.url("image.qemu.source_checksum", strings.TrimPrefix(c, "file:"))
	case !reChecksum.MatchString(c):
		v.errorf("image.qemu.source_checksum", "%q is not a checksum: use file:<URL of a SHA256SUMS file>, sha256:<64 lower-case hex digits> or sha512:<128 hex digits>", c)
	}
	if m := q.Memory; m != nil && (*m < 512 || *m > 1048576) {
		v.errorf("image.qemu.memory", "memory %d is out of range: use 512 to 1048576 MiB", *m)
	}
	if n := q.CPUs; n != nil && (*n < 1 || *n > 256) {
		v.errorf("image.qemu.cpus", "cpus %d is out of range: use 1 to 256", *n)
	}
	if a := q.Accelerator; a != "" && !slices.Contains(QEMUAccelerators, a) {
		v.errorf("image.qemu.accelerator", "unknown accelerator %q%s; valid: %s", a, didYouMean(a, QEMUAccelerators), strings.Join(QEMUAccelerators, ", "))
	}
}

// Patterns of installer: values. They reach preseed lines (one line each) and the installers'
// shells, so they are kept to characters neither can misread.
var (
	reDisk     = regexp.MustCompile(`^/dev/((sd|vd|xvd)[a-z]{1,2}|hd[a-z]|nvme[0-9]{1,2}n[0-9]{1,2}|mmcblk[0-9]{1,2}|disk/by-(id|path)/[A-Za-z0-9][A-Za-z0-9._:+@-]{0,127})$`)
	reLocale   = regexp.MustCompile(`^[a-z]{2,3}(_[A-Z]{2})?(\.(UTF-8|utf8))?(@[a-z]+)?$`)
	reKeyboard = regexp.MustCompile(`^[a-z]{2,8}$`)
	reTimezone = regexp.MustCompile(`^([A-Z][A-Za-z0-9_+-]*)(/[A-Z][A-Za-z0-9_+-]*){0,2}$`)
	reHTTPURL  = regexp.MustCompile(`^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~/+-]*)?$`)
)

func (v *validator) installer() {
	in := v.c.Installer
	if in.Disk != "" && in.Disk != DiskLargest && !reDisk.MatchString(in.Disk) {
		v.errorf("installer.disk", "%q is not a disk: use largest (the largest fixed disk), /dev/sdX, /dev/vdX, /dev/xvdX, /dev/nvmeNnM (e.g. /dev/nvme0n1), /dev/mmcblkN or /dev/disk/by-id/<name> — a whole disk, not a partition", in.Disk)
	}
	mirror := in.Mirror
	if mirror != "" && !reHTTPURL.MatchString(mirror) {
		v.errorf("installer.mirror", "%q is not an installer mirror: use http:// or https://, a host (and port) and a directory, e.g. http://mirror.lan/debian (no user, query or spaces)", mirror)
	}
	if in.Offline && mirror == "" && !reHTTPURL.MatchString(v.c.Install.Mirror) {
		v.errorf("installer.offline", "an offline install needs a local archive: set installer.mirror (or an http:// install.mirror), e.g. http://mirror.lan/debian")
	}
	switch in.Network {
	case "", InstallerStatic, InstallerDHCP:
	default:
		v.errorf("installer.network", "unknown installer network %q%s; valid: static (the node's ip, default), dhcp", in.Network, didYouMean(in.Network, []string{InstallerStatic, InstallerDHCP}))
	}
	if in.Locale != "" && !reLocale.MatchString(in.Locale) {
		v.errorf("installer.locale", "%q is not a locale: use e.g. en_US.UTF-8 or de_DE.UTF-8", in.Locale)
	}
	if in.Keyboard != "" && !reKeyboard.MatchString(in.Keyboard) {
		v.errorf("installer.keyboard", "%q is not a keyboard layout: use an XKB layout such as us, de, fr or gb", in.Keyboard)
	}
	if in.Timezone != "" && !reTimezone.MatchString(in.Timezone) {
		v.errorf("installer.timezone", "%q is not a time zone: use a tz database name such as Etc/UTC or Europe/Berlin", in.Timezone)
	}
	// A description with an installer: section is meant for bare metal, where no platform hands
	// the default user a key: without one of its own, nobody can log in to an installed machine.
	if len(v.c.Admin.SSHAuthorizedKeys) == 0 && !reflect.ValueOf(in).IsZero() {
		path := "installer"
		if in.AnswersURL != "" {
			path = "installer.answers_url"
		}
		v.warnf(path, "admin.ssh_authorized_keys is empty: a machine installed from the installer answers (preseed.cfg, autoinstall.yaml) has no password login and no platform to give it a key, so nobody can log in to it; add the public keys you log in with")
	}
	v.installerTargets()
	v.netboot()
}

// rePartLink is a by-id/by-path link to a partition (udev's "-part%n" links).
var rePartLink = regexp.MustCompile(`^/dev/disk/by-(id|path)/.*-part[0-9]+$`)

// installerTargets checks what the installers themselves would refuse or misread: the disk,
// the admin user name (user-setup on debian-12, subiquity on Ubuntu). A description with an
// installer: section is meant for bare metal, so these are errors there; without one the
// answers are still rendered (format installer), so they are warnings. Sources:
// docs/upstream-installers.md.
func (v *validator) installerTargets() {
	in := v.c.Installer
	os, known := LookupOS(orDefault(v.c.OS, DefaultOS))
	if !known {
		return
	}
	bareMetal := !reflect.ValueOf(in).IsZero()
	finding := v.warnf
	if bareMetal {
		finding = v.errorf
	}
	if rePartLink.MatchString(in.Disk) {
		v.errorf("installer.disk", "%q is a partition: name the whole disk (the link without -partN), e.g. %s", in.Disk, strings.TrimSuffix(in.Disk, in.Disk[strings.LastIndex(in.Disk, "-part"):]))
	}
	// The Debian installer's switch for private-CA HTTPS: nothing on Ubuntu reads it.
	for i, a := range in.KernelArgs {
		if strings.HasPrefix(a, "debian-installer/allow_unauthenticated_ssl=") && os.Distro != "debian" {
			v.warnf(report.Index("installer.kernel_args", i), "only the Debian installer reads debian-installer/allow_unauthenticated_ssl; %s's live system verifies https:// answers against its CA bundle: serve them with a publicly trusted certificate, or over http:// on an isolated provisioning network", os.ID)
		}
	}
	// Names admin() refuses already are not reported twice.
	if u := v.c.Admin.User; u != "" && reUser.MatchString(u) && !reservedUsers[u] {
		path := "admin.user"
		switch {
		case os.Distro == "debian" && !reInstallerUserDebian.MatchString(u):
			finding(path, "%q is refused by the Debian installer (user-setup accepts only a lower-case letter followed by lower-case letters, digits and '-', no '_'): its preseed would stop at the user name question; choose e.g. %s", u, DefaultAdminUser)
		case installerReservedUsers[u]:
			installer := map[string]string{"debian": "the Debian installer's user-setup", "ubuntu": "subiquity"}[os.Distro]
			finding(path, "%q is a reserved system name for %s (its reserved-usernames list: an existing group or account): the installed machine would have no such login; choose another name, e.g. %s", u, installer, DefaultAdminUser)
		}
	}
}

// reInstallerUserDebian is what user-setup-ask accepts as a user name (expr '[a-z][-a-z0-9]*$',
// at most 32: user-setup user-setup-ask:122-123, Salsa mirror pipcet/debian-user-setup 831636a).
var reInstallerUserDebian = regexp.MustCompile(`^[a-z][-a-z0-9]{0,31}$`)

// installerReservedUsers are the names in user-setup's reserved-usernames (checked by
// user-setup-ask:131-139) and subiquity's (canonical/subiquity 24.04.3 reserved-usernames): the
// same list, subiquity adding input, kvm, maas, render, sgx.
var installerReservedUsers = func() map[string]bool {
	m := map[string]bool{}
	for _, u := range strings.Fields(`root daemon bin sys sync games man lp mail news uucp proxy www-data backup list irc gnats nobody
		adm tty disk kmem dialout fax voice cdrom floppy tape sudo audio dip operator src shadow utmp video sasl plugdev staff users nogroup
		netplan ftn mysql tac-plus alias qmail qmaild qmails qmailr qmailq qmaill qmailp asterisk vpopmail vchkpw slurm hacluster haclient
		grsec-tpe grsec-sock-all grsec-sock-clt grsec-sock-srv grsec-proc ceph opensrf libvirt-qemu admin
		Debian-exim bind crontab cupsys dcc dhcp dictd dnsmasq dovecot fetchmail firebird ftp fuse gdm haldaemon hplilp identd input
		jwhois klog kvm lpadmin maas messagebus mythtv netdev powerdev radvd render saned sbuild scanner sgx slocate ssh sshd ssl-cert
		sslwrap statd syslog telnetd tftpd`) {
		m[u] = true
	}
	return m
}()

// reUbuntuRelease finds an Ubuntu release number in a URL: .../ubuntu-24.04.3-live-server-amd64.iso or .../24.04/....
var reUbuntuRelease = regexp.MustCompile(`(?:ubuntu-|/)([0-9]{2}\.[0-9]{2})(?:\.[0-9]+)?(?:[-/]|$)`)

// ubuntuRelease is the supported Ubuntu release a URL names by its number or, as a path
// segment, its codename (.../noble/casper/vmlinuz).
func ubuntuRelease(url string) (OSInfo, bool) {
	m := reUbuntuRelease.FindStringSubmatch(url)
	for _, o := range OSes {
		if o.Distro != "ubuntu" {
			continue
		}
		if m != nil && m[1] == o.Version || strings.Contains(url, "/"+o.Codename+"/") {
			return o, true
		}
	}
	return OSInfo{}, false
}

// defaultNote is " (the default)" when os is not set.
func defaultNote(os string) string {
	if os == "" {
		return " (the default)"
	}
	return ""
}

// reKernelArg is one extra kernel parameter: no spaces, quotes or characters a boot loader or
// the installers' shells would read.
var reKernelArg = regexp.MustCompile(`^[A-Za-z0-9_.,:/=+@%-]{1,256}$`)

// netboot checks the network-install fields (installer.answers_url and what it needs).
func (v *validator) netboot() {
	in := v.c.Installer
	os, known := LookupOS(orDefault(v.c.OS, DefaultOS))
	for _, f := range []struct{ key, value string }{
		{"answers_url", in.AnswersURL}, {"kernel_url", in.KernelURL}, {"initrd_url", in.InitrdURL}, {"iso_url", in.ISOURL},
	} {
		if f.value != "" && !reHTTPURL.MatchString(f.value) {
			v.errorf("installer."+f.key, "%q is not a network-boot URL: use http:// or https://, a host (and port) and a path, e.g. https://boot.lan/metal (no user, query, spaces or ';')", f.value)
		}
	}
	for i, a := range in.KernelArgs {
		name, _, _ := strings.Cut(a, "=")
		switch {
		case !reKernelArg.MatchString(a) || a == "---" || a == "--":
			v.errorf(report.Index("installer.kernel_args", i), "%q is not a kernel parameter mesosimg passes on: use name or name=value of letters, digits and . , : / = + @ %% _ - (e.g. console=ttyS0,115200n8); not -- or ---", a)
		case GeneratedKernelArg(name):
			v.errorf(report.Index("installer.kernel_args", i), "%s is set by mesosimg on every node's command line (from the installer: section and the node); remove it from kernel_args", name)
		}
	}
	// Every node's command line must fit Linux's 2047 bytes with what the loaders add; render
	// checks each exactly, and this bound keeps it from ever failing there without a position.
	if in.AnswersURL != "" {
		if size := CmdlineBound(v.c); size > MaxCmdline {
			v.errorf("installer.answers_url", "the installers' kernel command line could reach %d bytes with these URLs, names and kernel_args, over Linux's %d: shorten installer.answers_url, kernel_url, initrd_url, iso_url, kernel_args, the domain or node names", size, MaxCmdline)
		}
		env := 0
		for _, a := range in.KernelArgs {
			if EnvParam(a) {
				env++
			}
		}
		if env > MaxExtraEnvArgs {
			v.errorf("installer.kernel_args", "%d name=value kernel_args: Linux passes at most 30 such parameters to the installer and mesosimg sets up to %d; use at most %d", env, 30-MaxExtraEnvArgs, MaxExtraEnvArgs)
		}
	}
	if in.AnswersURL == "" {
		for _, f := range []struct{ key, value string }{{"kernel_url", in.KernelURL}, {"initrd_url", in.InitrdURL}, {"iso_url", in.ISOURL}} {
			if f.value != "" {
				v.warnf("installer."+f.key, "installer.%s is only used for network installs, which need installer.answers_url (where the output directory is served)", f.key)
			}
		}
		if len(in.KernelArgs) > 0 {
			v.warnf("installer.kernel_args", "installer.kernel_args is only used for network installs, which need installer.answers_url")
		}
		return
	}
	if strings.HasPrefix(in.AnswersURL, "http://") {
		v.warnf("installer.answers_url", "the answers are served over plain HTTP: each node's preseed/autoinstall holds its user-data with the cluster's credentials, readable (and changeable) by anyone on that network; use https:// or an isolated provisioning network")
	}
	if (in.KernelURL == "") != (in.InitrdURL == "") {
		set, missing := "kernel_url", "initrd_url"
		if in.KernelURL == "" {
			set, missing = missing, set
		}
		v.errorf("installer."+set, "installer.%s is set without installer.%s: a kernel and its initrd come as a pair (the initrd's modules must match the kernel)", set, missing)
	}
	for _, f := range []struct{ key, value string }{{"kernel_url", in.KernelURL}, {"initrd_url", in.InitrdURL}} {
		if strings.HasPrefix(f.value, "https://") {
			v.warnf("installer."+f.key, "PXELINUX (lpxelinux.0) fetches only http:// and ftp://, so pxe/pxelinux.cfg/ cannot load this; iPXE can when built with HTTPS")
		}
	}
	if os.Distro == "debian" && in.KernelURL == "" && strings.HasPrefix(in.Mirror, "https://") {
		v.warnf("installer.mirror", "the netboot kernel and initrd default to this https:// mirror, which PXELINUX (lpxelinux.0) cannot fetch: set kernel_url and initrd_url to http:// copies for pxe/pxelinux.cfg/")
	}
	if os.Distro == "ubuntu" {
		for _, f := range []struct{ key, value, what string }{
			{"iso_url", in.ISOURL, "the live-server ISO, e.g. https://releases.ubuntu.com/" + os.Version + "/ubuntu-" + os.Version + "-live-server-amd64.iso (its point release's file name)"},
			{"kernel_url", in.KernelURL, "casper/vmlinuz from that ISO (or releases.ubuntu.com/" + os.Version + "/netboot/amd64/linux of the same point release)"},
			{"initrd_url", in.InitrdURL, "casper/initrd from that ISO"},
		} {
			if f.value == "" {
				v.errorf("installer.answers_url", "network installs of %s need installer.%s: %s", os.ID, f.key, f.what)
			}
		}
		if in.ISOURL != "" && !strings.HasSuffix(in.ISOURL, ".iso") {
			v.errorf("installer.iso_url", "%q does not end in .iso: Ubuntu's live installer (casper) downloads only URLs that do", in.ISOURL)
		}
		if strings.HasPrefix(in.ISOURL, "https://") {
			v.warnf("installer.iso_url", "casper downloads the ISO with the initramfs's busybox wget, which may not speak TLS: serve it over http:// (it holds no secrets)")
		}
		for _, f := range []struct{ key, value string }{{"iso_url", in.ISOURL}, {"kernel_url", in.KernelURL}, {"initrd_url", in.InitrdURL}} {
			if other, ok := ubuntuRelease(f.value); ok && other.ID != os.ID {
				// Once: kernel, initrd and ISO come from one build, and one of them says which.
				v.warnf("installer."+f.key, "installer.%s is of Ubuntu %s (%s), but os is %s%s: the installer would install another release than the seeds are rendered for; set os: %s, or use the %s live-server ISO and its kernel and initrd", f.key, other.Version, other.Codename, os.ID, defaultNote(v.c.OS), other.ID, os.Version)
				break
			}
		}
	} else if in.ISOURL != "" && known {
		v.warnf("installer.iso_url", "installer.iso_url is only used by Ubuntu's live installer; %s boots the netboot kernel and initrd", os.ID)
	}
	for i, n := range v.c.Nodes {
		if n.MAC == "" {
			v.warnf(report.Index("nodes", i), "node %q has no mac: pxe/ cannot point its MAC at its answers; boot it with the kernel command line in nodes/%s/cmdline", n.Name, n.Name)
		}
	}
}

// insideDir reports whether p is a relative path that stays inside its base directory.
func insideDir(p string) bool {
	if strings.ContainsAny(p, "\x00\n\\") || strings.HasPrefix(p, "/") {
		return false
	}
	for _, part := range strings.Split(p, "/") {
		if part == ".." {
			return false
		}
	}
	return true
}

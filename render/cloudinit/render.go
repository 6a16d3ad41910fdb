package cloudinit

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/mesosimg/mesosimg/plan"
	"github.com/mesosimg/mesosimg/render/yamlout"
)

// Header is the first line of every user-data.
const Header = "#cloud-config\n"

// Files are the NoCloud files of one node.
type Files struct {
	UserData, MetaData, NetworkConfig []byte
	// InstanceID is the seed's instance-id (in MetaData).
	InstanceID string
	// Secret marks user-data that holds credentials (written 0600).
	Secret bool
}

// Render renders the NoCloud files of node n.
func Render(n *plan.Node) (Files, error) {
	cc := UserData(n)
	// A path written twice would leave the node with whichever copy cloud-init wrote last.
	seen := map[string]bool{}
	for _, f := range cc.WriteFiles {
		if seen[f.Path] {
			return Files{}, fmt.Errorf("node %s: user-data would write %s twice", n.Name, f.Path)
		}
		seen[f.Path] = true
	}
	userData, err := marshalUserData(Header, cc)
	if err != nil {
		return Files{}, fmt.Errorf("node %s: user-data: %w", n.Name, err)
	}
	nc, err := Network(n).Marshal()
	if err != nil {
		return Files{}, fmt.Errorf("node %s: network-config: %w", n.Name, err)
	}
	id := InstanceID(n.InstanceID, userData, nc)
	md, err := MetaData{InstanceID: id, LocalHostname: n.Name}.Marshal()
	if err != nil {
		return Files{}, fmt.Errorf("node %s: meta-data: %w", n.Name, err)
	}
	secret := false
	for _, list := range [][]plan.File{n.EarlyFiles, n.Files} {
		for _, f := range list {
			secret = secret || f.Secret
		}
	}
	if len(userData) > MaxUserData {
		if userData, err = gzipBytes(userData); err != nil {
			return Files{}, fmt.Errorf("node %s: user-data: %w", n.Name, err)
		}
		if len(userData) > MaxUserData {
			return Files{}, fmt.Errorf("node %s: user-data is %d bytes even gzip-compressed; EC2 accepts at most %d "+
				"(list fewer hosts with network.etc_hosts: control-plane)", n.Name, len(userData), MaxUserData)
		}
	}
	return Files{UserData: userData, MetaData: md, NetworkConfig: nc, InstanceID: id, Secret: secret}, nil
}

// InstanceID is the instance-id of a seed: the node's stem (plan.InstanceID) and the
// configuration's generation, a digest of its user-data (uncompressed) and network-config.
// It changes exactly when they do, so cloud-init applies a changed seed to a running node,
// which it does only for an instance-id it has not recorded (canonical/cloud-init 22.4.2
// cloudinit/stages.py:420, per-instance semaphores cloudinit/helpers.py:153), and an
// unchanged render leaves running nodes alone.
func InstanceID(stem string, userData, networkConfig []byte) string {
	h := sha256.New()
	for _, part := range [][]byte{userData, networkConfig} {
		fmt.Fprintf(h, "%d\n", len(part))
		h.Write(part)
	}
	return stem + "-" + hex.EncodeToString(h.Sum(nil))[:GenerationDigits]
}

// GenerationDigits is the number of hex digits of the generation in an instance-id.
const GenerationDigits = 12

// MaxUserData is EC2's user-data limit (before base64). Larger user-data is gzip-compressed,
// which cloud-init recognises and expands, on every datasource.
const MaxUserData = 16384

// gzipBytes compresses deterministically: no file name, no time stamp.
func gzipBytes(data []byte) ([]byte, error) {
	var b bytes.Buffer
	w, err := gzip.NewWriterLevel(&b, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(data); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// UserData builds the cloud-config of node n.
func UserData(n *plan.Node) CloudConfig {
	cc := CloudConfig{
		Hostname: n.Name,
		FQDN:     n.FQDN,
		// mesosimg writes /etc/hosts itself: cloud-init's own would map the host to 127.0.1.1.
		ManageEtcHosts: false,
		DisableRoot:    true,
		SSHPwauth:      false,
		Users:          []any{"default"},
		RunCmd:         [][]string{n.FirstBoot},
	}
	if len(n.BootCmd) > 0 {
		keep := false
		cc.SSHDeleteKeys = &keep
		cc.BootCmd = [][]string{n.BootCmd}
	}
	if n.FQDN != "" {
		t := true
		cc.PreferFQDN = &t
	}
	if n.Admin != nil {
		cc.Users = []any{User{
			Name:              n.Admin.Name,
			Gecos:             "mesosimg administrator",
			Shell:             "/bin/bash",
			Sudo:              "ALL=(ALL) NOPASSWD:ALL",
			LockPasswd:        true,
			SSHAuthorizedKeys: n.Admin.AuthorizedKeys,
		}}
	}
	if len(n.NTPServers)+len(n.NTPPools) > 0 {
		cc.NTP = &NTP{Enabled: true, Servers: n.NTPServers, Pools: n.NTPPools}
	}
	if a := n.Apt; a != nil {
		apt := &Apt{PreserveSourcesList: a.PrimaryMirror == "" && a.SecurityMirror == ""}
		if a.PrimaryMirror != "" {
			apt.Primary = []Mirror{{Arches: []string{"default"}, URI: a.PrimaryMirror}}
		}
		if a.SecurityMirror != "" {
			apt.Security = []Mirror{{Arches: []string{"default"}, URI: a.SecurityMirror}}
		}
		if len(a.Sources) > 0 {
			apt.Sources = map[string]AptSource{}
			for _, s := range a.Sources {
				apt.Sources[s.Name] = AptSource{Source: s.Line, Key: s.Key, KeyID: s.KeyID, KeyServer: s.KeyServer}
			}
		}
		cc.Apt = apt
	}
	if len(n.Packages) > 0 {
		cc.PackageUpdate = true
		for _, p := range n.Packages {
			if p.Version != "" {
				cc.Packages = append(cc.Packages, []string{p.Name, p.Version})
			} else {
				cc.Packages = append(cc.Packages, p.Name)
			}
		}
	}
	for _, f := range n.EarlyFiles {
		cc.WriteFiles = append(cc.WriteFiles, writeFile(f, false))
	}
	for _, f := range n.Files {
		cc.WriteFiles = append(cc.WriteFiles, writeFile(f, true))
	}
	return cc
}

func writeFile(f plan.File, deferred bool) WriteFile {
	owner := f.Owner
	if owner == "" {
		owner = "root:root"
	}
	return WriteFile{
		Path:        f.Path,
		Owner:       owner,
		Permissions: fmt.Sprintf("%#o", f.Mode.Perm()),
		Defer:       deferred,
		Content:     f.Content,
	}
}

// Network builds the network-config of node n.
func Network(n *plan.Node) NetworkConfig {
	nw := n.Network
	eth := Ethernet{Addresses: []string{nw.Address}}
	switch {
	case nw.MAC != "":
		eth.Match = &Match{MACAddress: nw.MAC}
		eth.SetName = nw.Interface
	case nw.MatchName != "":
		eth.Match = &Match{Name: nw.MatchName}
	}
	switch {
	case nw.Gateway == "":
	case nw.GatewayKey:
		// cloud-init 22.4's ENI renderer turns routes into "post-up route add …", which needs
		// net-tools; gateway4 becomes ifupdown's own "gateway" line.
		eth.Gateway4 = nw.Gateway
	default:
		eth.Routes = []Route{{To: "0.0.0.0/0", Via: nw.Gateway}}
	}
	if len(nw.DNS)+len(nw.Search) > 0 {
		eth.Nameservers = &Nameservers{Addresses: nw.DNS, Search: nw.Search}
	}
	return NetworkConfig{Version: 2, Ethernets: map[string]Ethernet{nw.Interface: eth}}
}

// RetiredNetwork disables cloud-init's networking for the retired seed, so the machine keeps
// the network it has (canonical/cloud-init 22.4.2 cloudinit/stages.py:854,
// cloudinit/net/__init__.py:392).
type RetiredNetwork struct {
	Config string `yaml:"config"`
}

// RenderRetired renders the NoCloud files of the cluster's retired seed.
func RenderRetired(r plan.Retired) (Files, error) {
	ud, err := yamlout.Marshal(RetiredConfig{PreserveHostname: true, BootCmd: [][]string{r.BootCmd}})
	if err != nil {
		return Files{}, fmt.Errorf("retired seed: user-data: %w", err)
	}
	nc, err := yamlout.Marshal(RetiredNetwork{Config: "disabled"})
	if err != nil {
		return Files{}, fmt.Errorf("retired seed: network-config: %w", err)
	}
	userData := append([]byte(Header), ud...)
	id := InstanceID(r.InstanceID, userData, nc)
	md, err := yamlout.Marshal(struct {
		InstanceID string `yaml:"instance-id"`
	}{id})
	if err != nil {
		return Files{}, fmt.Errorf("retired seed: meta-data: %w", err)
	}
	return Files{UserData: userData, MetaData: md, NetworkConfig: nc, InstanceID: id}, nil
}

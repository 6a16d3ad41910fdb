package manifest

import (
	"bytes"
	"crypto/pbkdf2"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"path"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/plan"
	"github.com/mesosimg/mesosimg/render"
	"github.com/mesosimg/mesosimg/secrets"
)

// FileName is the manifest's name in the output directory.
const FileName = "manifest.json"

// FormatV1 is the value of the format field of this version of the manifest.
const FormatV1 = "mesosimg-manifest/v1"

// StageFirewall is the Stage of a render that only opens the running nodes' firewalls to the new ones.
const StageFirewall = "firewall"

// FingerprintIterations is the PBKDF2 iteration count of credential fingerprints (fixed by FormatV1).
const FingerprintIterations = 100000

// fingerprintSalt starts the salt of every credential fingerprint (fixed by FormatV1).
const fingerprintSalt = "mesosimg-credential/v1"

// Render is what a manifest records beyond the plan.
type Render struct {
	// Stage is the stage rendered (StageFirewall), or empty for the description itself.
	Stage string
	// DescriptionSHA256 is the digest of the description's bytes as read (see Sum); zero records none.
	DescriptionSHA256 Digest
	// Version is mesosimg's version; empty records none.
	Version string
	// Epoch is the time stamped into images.
	Epoch time.Time
	// Formats are the formats rendered, in render order.
	Formats []string
}

// NewFile records an output file: its path, size, mode and the SHA-256 of its content.
func NewFile(f render.File) File {
	return File{Path: f.Path, Size: int64(len(f.Data)), Mode: Mode(f.Mode.Perm()), SHA256: Sum(f.Data)}
}

// NewFiles records output files, sorted by path.
func NewFiles(files []render.File) []File {
	out := make([]File, len(files))
	for i, f := range files {
		out[i] = NewFile(f)
	}
	sortFiles(out)
	return out
}

func sortFiles(files []File) {
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
}

// NewNode records node n of a plan and the files rendered for it. It keeps their digests,
// never their content.
func NewNode(n *plan.Node, files []render.File) Node {
	out := Node{
		Name:           n.Name,
		FQDN:           n.FQDN,
		Address:        n.IP,
		Gateway:        n.Network.Gateway,
		Interface:      n.Network.Interface,
		InterfaceMatch: n.Network.MatchName,
		MAC:            n.Network.MAC,
		Roles:          roleNames(n.Roles),
		MyID:           n.ZooKeeperID,
		InstanceID:     n.InstanceID,
		Files:          NewFiles(files),
	}
	if _, p, ok := strings.Cut(n.Network.Address, "/"); ok {
		out.Prefix, _ = strconv.Atoi(p)
	}
	// What the daemons keep and are configured with, as the node's own files say it.
	onNode := map[string]string{}
	for _, list := range [][]plan.File{n.EarlyFiles, n.Files} {
		for _, f := range list {
			if !f.Secret {
				onNode[f.Path] = f.Content
			}
		}
	}
	value := func(p string) string { return strings.TrimSuffix(onNode[p], "\n") }
	if n.Roles.ZooKeeper {
		out.ZooKeeper = &ZooKeeperState{DataDir: zooCfgValue(onNode[plan.ZooCfgPath], "dataDir")}
	}
	if n.Roles.Master {
		out.Master = &MasterState{WorkDir: value(plan.MasterDir + "/work_dir")}
	}
	if n.Roles.Agent {
		out.Agent = &AgentState{
			WorkDir:    value(plan.AgentDir + "/work_dir"),
			Port:       atoi(value(plan.AgentDir + "/port")),
			Resources:  under(onNode, plan.AgentDir+"/resources"),
			Attributes: under(onNode, plan.AgentDir+"/attributes"),
		}
	}
	return out
}

// under maps the base names of the files directly in dir to their content (one value each).
func under(files map[string]string, dir string) map[string]string {
	var out map[string]string
	for p, content := range files {
		if path.Dir(p) == dir {
			if out == nil {
				out = map[string]string{}
			}
			out[path.Base(p)] = strings.TrimSuffix(content, "\n")
		}
	}
	return out
}

// zooCfgValue is the value of key in a zoo.cfg.
func zooCfgValue(cfg, key string) string {
	for _, line := range strings.Split(cfg, "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), "="); ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func roleNames(r plan.Roles) []string {
	out := []string{}
	for _, x := range []struct {
		on   bool
		name string
	}{{r.ZooKeeper, v1.RoleZooKeeper}, {r.Master, v1.RoleMaster}, {r.Agent, v1.RoleAgent}, {r.Marathon, v1.RoleMarathon}} {
		if x.on {
			out = append(out, x.name)
		}
	}
	return out
}

// Build assembles the manifest of a render of p: nodes are the records of every node of p in
// description order (see NewNode), files the cluster-level files (sorted here).
func Build(p *plan.Cluster, r Render, nodes []Node, files []File) (*Manifest, error) {
	if len(nodes) != p.NodeCount() {
		return nil, fmt.Errorf("manifest: %d node records for %d nodes", len(nodes), p.NodeCount())
	}
	for i := range nodes {
		if want := p.Description.Nodes[i].Name; nodes[i].Name != want {
			return nil, fmt.Errorf("manifest: node record %d is %s, not %s", i, nodes[i].Name, want)
		}
	}
	creds, err := Credentials(p.Secrets)
	if err != nil {
		return nil, err
	}
	m := &Manifest{
		Format:            FormatV1,
		MesosimgVersion:   r.Version,
		Stage:             r.Stage,
		DescriptionSHA256: r.DescriptionSHA256,
		SourceDateEpoch:   r.Epoch.Unix(),
		Formats:           append([]string{}, r.Formats...),
		Cluster: Cluster{
			Name:          p.Name,
			OS:            p.OS.ID,
			InstallMethod: p.Method,
			Ensemble:      []Member{},
			Masters:       []Master{},
			Quorum:        p.Quorum,
			ZK:            ZK{Mesos: p.ZKMesos, Marathon: p.ZKMarathon},
			Credentials:   creds,
			Files:         append([]File{}, files...),
		},
		Nodes: append([]Node{}, nodes...),
	}
	sortFiles(m.Cluster.Files)
	for _, z := range p.ZooKeepers {
		m.Cluster.Ensemble = append(m.Cluster.Ensemble, Member{MyID: z.ID, Name: z.Name, Address: z.IP})
	}
	sort.SliceStable(m.Cluster.Ensemble, func(i, j int) bool { return m.Cluster.Ensemble[i].MyID < m.Cluster.Ensemble[j].MyID })
	for _, x := range p.Masters {
		m.Cluster.Masters = append(m.Cluster.Masters, Master{Name: x.Name, Address: x.IP})
	}
	if v1.On(p.Description.Security.Firewall) {
		a := p.FirewallAdmits()
		m.Cluster.Firewall = &Firewall{Cluster: nonNil(a.Cluster), ZooKeepers: nonNil(a.ZooKeepers), Masters: nonNil(a.Masters), Marathons: nonNil(a.Marathons)}
	}
	if t := p.Description.Security.TLS; t != nil {
		m.Cluster.TLS = &TLS{CASHA256: certificateDigests([]byte(t.CA))}
	}
	return m, nil
}

// certificateDigests are the SHA-256 digests of the DER bytes of every certificate in PEM text.
func certificateDigests(text []byte) []Digest {
	out := []Digest{}
	for {
		var b *pem.Block
		b, text = pem.Decode(text)
		if b == nil {
			return out
		}
		if b.Type == "CERTIFICATE" {
			out = append(out, Sum(b.Bytes))
		}
	}
}

// Marshal writes the manifest as indented JSON with a final newline.
func (m *Manifest) Marshal() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Credentials are the fingerprints of the credentials a bundle holds, sorted by key (the
// credential's key in the secrets file); empty ones (a plan's unused credentials) are left out.
func Credentials(b *secrets.Bundle) ([]Credential, error) {
	out := []Credential{}
	if b == nil {
		return out, nil
	}
	v := reflect.ValueOf(b).Elem()
	for i := 0; i < v.NumField(); i++ {
		c, ok := v.Field(i).Interface().(secrets.Credential)
		if !ok || c == (secrets.Credential{}) {
			continue
		}
		key, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("yaml"), ",")
		fp, err := Fingerprint(key, c)
		if err != nil {
			return nil, err
		}
		out = append(out, Credential{Key: key, Name: c.Name, Fingerprint: fp})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// fingerprints caches Fingerprint by a digest of its input, so rendering the same cluster
// again in one process (tests, plan) does not derive the same keys again. It lives in
// memory only.
var fingerprints sync.Map

// Fingerprint identifies the credential stored under key without revealing its secret: the
// first 16 bytes, in hex, of PBKDF2-HMAC-SHA256 over the secret with the salt
// "mesosimg-credential/v1", key and name (NUL-separated) and FingerprintIterations
// iterations. The salt keeps equal secrets under different keys apart; the iterations make
// every guess at a short secret cost as much as 100000 HMACs.
func Fingerprint(key string, c secrets.Credential) (string, error) {
	salt := fingerprintSalt + "\x00" + key + "\x00" + c.Name
	id := sha256.Sum256([]byte(salt + "\x00" + c.Secret))
	if fp, ok := fingerprints.Load(id); ok {
		return fp.(string), nil
	}
	k, err := pbkdf2.Key(sha256.New, c.Secret, []byte(salt), FingerprintIterations, 16)
	if err != nil {
		return "", fmt.Errorf("fingerprint of credential %s: %w", key, err)
	}
	fp := hex.EncodeToString(k)
	fingerprints.Store(id, fp)
	return fp, nil
}

// atoi is the number s holds, 0 when it holds none.
func atoi(s string) int {
	v, _ := strconv.Atoi(s)
	return v
}

// nonNil is list, or an empty list for nil (JSON [] rather than null).
func nonNil(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}

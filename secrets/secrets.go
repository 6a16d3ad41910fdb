// Package secrets holds the credentials a cluster needs (Mesos principals,
// Marathon's HTTP login, ZooKeeper digest users). They are generated once,
// kept in a secrets file (mode 0600) that records the cluster it belongs to,
// and reused by every later render of that cluster, so credentials stay
// stable and output stays identical.
package secrets

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/mesosimg/mesosimg/render/yamlout"
	"github.com/mesosimg/mesosimg/report"
	"github.com/mesosimg/mesosimg/yamlpos"
)

// Credential is a name and its secret.
type Credential struct {
	// Name is the principal or user name.
	Name string `yaml:"name"`
	// Secret is the password (at least MinLength characters of [A-Za-z0-9._~-]).
	Secret string `yaml:"secret"`
}

// Bundle is the cluster a secrets file belongs to and its credentials (unused ones may be empty).
type Bundle struct {
	// Cluster is the name of the cluster (its description's cluster:) the credentials belong to.
	Cluster string `yaml:"cluster,omitempty"`
	// MesosAgent is the principal agents authenticate to masters with.
	MesosAgent Credential `yaml:"mesos_agent,omitempty"`
	// MesosMarathon is the principal Marathon registers with as a framework.
	MesosMarathon Credential `yaml:"mesos_marathon,omitempty"`
	// MarathonHTTP is the login of Marathon's API and UI.
	MarathonHTTP Credential `yaml:"marathon_http,omitempty"`
	// ZooKeeperMesos is the ZooKeeper digest user owning /mesos.
	ZooKeeperMesos Credential `yaml:"zookeeper_mesos,omitempty"`
	// ZooKeeperMarathon is the ZooKeeper digest user owning /marathon.
	ZooKeeperMarathon Credential `yaml:"zookeeper_marathon,omitempty"`
	// MesosHTTP is the operators' login of the Mesos masters' and agents' HTTP APIs
	// (--http_credentials), also used by HTTP API frameworks such as mesos-execute.
	MesosHTTP Credential `yaml:"mesos_http,omitempty"`
}

// Key names a credential by its key in the secrets file.
type Key string

// The keys of the credentials, as the secrets file spells them.
const (
	KeyMesosAgent        Key = "mesos_agent"
	KeyMesosMarathon     Key = "mesos_marathon"
	KeyMarathonHTTP      Key = "marathon_http"
	KeyZooKeeperMesos    Key = "zookeeper_mesos"
	KeyZooKeeperMarathon Key = "zookeeper_marathon"
	KeyMesosHTTP         Key = "mesos_http"
)

// AllKeys lists every credential's key, in the order of the secrets file.
func AllKeys() []Key {
	return []Key{KeyMesosAgent, KeyMesosMarathon, KeyMarathonHTTP, KeyZooKeeperMesos, KeyZooKeeperMarathon, KeyMesosHTTP}
}

// Get returns the credential stored under k, nil for a key that names none.
func (b *Bundle) Get(k Key) *Credential {
	for i, key := range AllKeys() {
		if key == k {
			return b.all()[i]
		}
	}
	return nil
}

// Only returns a copy of b that holds the credentials under keys and no other; b may be nil.
func (b *Bundle) Only(keys []Key) *Bundle {
	out := &Bundle{}
	if b == nil {
		return out
	}
	out.Cluster = b.Cluster
	for _, k := range keys {
		if c := b.Get(k); c != nil {
			*out.Get(k) = *c
		}
	}
	return out
}

// Missing lists the keys among keys whose credential lacks a name or a secret; b may be nil.
func (b *Bundle) Missing(keys []Key) []Key {
	var out []Key
	for _, k := range keys {
		if b == nil {
			out = append(out, k)
			continue
		}
		if c := b.Get(k); c == nil || c.Name == "" || c.Secret == "" {
			out = append(out, k)
		}
	}
	return out
}

// MaxFileSize is the largest secrets file read, in bytes.
const MaxFileSize = 64 << 10

var reYAMLLine = regexp.MustCompile(`line (\d+): `)

// MinLength is the shortest secret accepted (Marathon's Mesos secret needs 8).
const MinLength = 8

// generatedLength is the length of generated secrets (about 190 bits).
const generatedLength = 32

const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

var (
	reName   = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,31}$`)
	reSecret = regexp.MustCompile(`^[A-Za-z0-9._~-]+$`)
)

// defaults are the names of the credentials.
var defaults = Bundle{
	MesosAgent:        Credential{Name: "mesos-agent"},
	MesosMarathon:     Credential{Name: "marathon"},
	MarathonHTTP:      Credential{Name: "admin"},
	ZooKeeperMesos:    Credential{Name: "mesos"},
	ZooKeeperMarathon: Credential{Name: "marathon"},
	MesosHTTP:         Credential{Name: "operator"},
}

func (b *Bundle) all() []*Credential {
	return []*Credential{&b.MesosAgent, &b.MesosMarathon, &b.MarathonHTTP, &b.ZooKeeperMesos, &b.ZooKeeperMarathon, &b.MesosHTTP}
}

// Fill gives each credential under keys a default name and a random secret from r where it lacks one, reporting whether it added any.
func (b *Bundle) Fill(r io.Reader, keys []Key) (bool, error) {
	changed := false
	for _, k := range keys {
		c, def := b.Get(k), defaults.Get(k)
		if c == nil {
			return false, fmt.Errorf("no credential is stored under %q", k)
		}
		if c.Name == "" {
			c.Name = def.Name
			changed = true
		}
		if c.Secret == "" {
			s, err := random(r)
			if err != nil {
				return false, err
			}
			c.Secret = s
			changed = true
		}
	}
	return changed, nil
}

func random(r io.Reader) (string, error) {
	buf := make([]byte, generatedLength)
	out := make([]byte, 0, generatedLength)
	for len(out) < generatedLength {
		if _, err := io.ReadFull(r, buf); err != nil {
			return "", fmt.Errorf("generating a secret: %w", err)
		}
		for _, c := range buf {
			// Rejection sampling keeps the distribution uniform over the alphabet.
			if int(c) < 256-256%len(alphabet) && len(out) < generatedLength {
				out = append(out, alphabet[int(c)%len(alphabet)])
			}
		}
	}
	return string(out), nil
}

// Fixed is a deterministic bundle for tests and golden files; never use it for a real cluster.
func Fixed() *Bundle {
	b := defaults
	for i, c := range b.all() {
		c.Secret = fmt.Sprintf("test-secret-%d-not-for-production", i+1)
	}
	return &b
}

// Validate checks names and secrets; findings carry the key path for positions.
func (b *Bundle) Validate() report.Report {
	var rep report.Report
	for i, c := range b.all() {
		k := string(AllKeys()[i])
		if c.Name != "" && !reName.MatchString(c.Name) {
			rep.Errorf(k+".name", "%q is not a valid name: use up to 32 lower-case letters, digits, '_' or '-', starting with a letter", c.Name)
		}
		if c.Secret != "" && (len(c.Secret) < MinLength || !reSecret.MatchString(c.Secret)) {
			rep.Errorf(k+".secret", "secret must be at least %d characters of A-Z a-z 0-9 . _ ~ - (it goes into URLs and flag files); delete it to have one generated", MinLength)
		}
	}
	return rep
}

// header starts every secrets file.
const header = "# mesosimg secrets: generated credentials of the cluster named by cluster: below. Keep this\n" +
	"# file private (mode 0600) and next to its description: every render reuses it, so credentials\n" +
	"# stay stable; a render of another cluster refuses it. It holds the credentials the description's\n" +
	"# security switches use (and keeps those of a switch turned off, for when it is turned on again).\n" +
	"# Delete an entry to have it generated anew on the next render (then re-render every node).\n"

// Marshal writes the bundle as YAML with a header.
func (b *Bundle) Marshal() ([]byte, error) {
	data, err := yamlout.Marshal(b)
	if err != nil {
		return nil, err
	}
	return append([]byte(header), data...), nil
}

// Parse reads a secrets file's text for the named cluster into a bundle and positioned findings.
//
// A file of another cluster is an error at its cluster: key; a file naming none (written by a
// mesosimg before that key, which a render adopts) gives a warning.
func Parse(data []byte, cluster string) (*Bundle, report.Report) {
	var rep report.Report
	if len(data) > MaxFileSize {
		rep.Add(report.Entry{Pos: report.Pos{Line: 1, Column: 1}, Message: fmt.Sprintf("secrets file is %d bytes; the limit is %d", len(data), MaxFileSize)})
		return nil, rep
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		// Never quoted (report.Entry.Quote): the source lines may hold secrets.
		if se, ok := yamlpos.Syntax(data); ok {
			rep.Add(report.Entry{Pos: se.Pos, Message: "invalid YAML: " + se.Message})
			return nil, rep
		}
		line := 1
		if m := reYAMLLine.FindStringSubmatch(err.Error()); m != nil {
			fmt.Sscan(m[1], &line)
		}
		rep.Add(report.Entry{Pos: report.Pos{Line: line, Column: 1}, Message: "invalid YAML: " + reYAMLLine.ReplaceAllString(strings.TrimPrefix(err.Error(), "yaml: "), "")})
		return nil, rep
	}
	b := &Bundle{}
	start := report.Pos{Line: 1, Column: 1}
	if len(doc.Content) > 0 {
		root := doc.Content[0]
		start = report.Pos{Line: root.Line, Column: root.Column}
		pos, drep := yamlpos.Decode(root, b)
		rep.Merge(drep)
		rep.Merge(b.Validate())
		rep.Merge(b.checkCluster(cluster))
		rep.Correlate(func(path string) (report.Pos, bool) {
			if path == "" {
				return start, true
			}
			return pos.Lookup(path)
		})
	} else {
		rep.Merge(b.checkCluster(cluster))
		rep.Correlate(func(string) (report.Pos, bool) { return start, true })
	}
	rep.Sort()
	return b, rep
}

// checkCluster refuses credentials of another cluster and warns about a file that names none.
func (b *Bundle) checkCluster(cluster string) report.Report {
	var rep report.Report
	switch {
	case b.Cluster == "":
		rep.Warnf("", "no cluster: key (a file of an older mesosimg): render adopts these credentials for cluster %q and records cluster: %s in the file (--strict refuses: add that line yourself); if they belong to another cluster, give %s its own file with --secrets FILE or security.secrets_file", cluster, cluster, cluster)
	case b.Cluster != cluster:
		rep.Errorf("cluster", "these credentials belong to cluster %s, not to %q (the description's cluster:): give %s its own file with --secrets FILE or security.secrets_file (a missing file is created on the first render); to share them on purpose, copy this file and set cluster: %s in the copy", yamlpos.Quote(b.Cluster), cluster, cluster, cluster)
	}
	return rep
}

// Load reads the secrets file at path for the named cluster (see Parse); a missing one is empty, exists=false.
func Load(path, cluster string) (b *Bundle, exists bool, rep report.Report, err error) {
	info, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &Bundle{}, false, rep, nil
	}
	if err != nil {
		return nil, false, rep, err
	}
	if !info.Mode().IsRegular() {
		return nil, true, rep, fmt.Errorf("secrets file %s is not a regular file", path)
	}
	if info.Mode().Perm()&0o077 != 0 {
		return nil, true, rep, fmt.Errorf("secrets file %s is readable by others (mode %04o); run chmod 600 %s", path, info.Mode().Perm(), path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, true, rep, err
	}
	b, rep = Parse(data, cluster)
	return b, true, rep, nil
}

// Save writes the bundle to path atomically with mode 0600.
func Save(path string, b *Bundle) error {
	data, err := b.Marshal()
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".mesosimg-secrets-")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// Reader is the source of randomness for new secrets.
var Reader io.Reader = rand.Reader

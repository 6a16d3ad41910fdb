// Package secrets holds the credentials a cluster needs (Mesos principals,
// Marathon's HTTP login, ZooKeeper digest users). They are generated once,
// kept in a secrets file beside the description (mode 0600) and reused by
// every later render, so credentials stay stable and output stays identical.
package secrets

import (
	"crypto/rand"
	"errors"
	"fmt"
	"github.com/mesosimg/mesosimg/internal/yamlout"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

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

// Bundle is every credential of a cluster.
type Bundle struct {
	// MesosAgent is the principal agents authenticate to masters with.
	MesosAgent Credential `yaml:"mesos_agent"`
	// MesosMarathon is the principal Marathon registers with as a framework.
	MesosMarathon Credential `yaml:"mesos_marathon"`
	// MarathonHTTP is the login of Marathon's API and UI.
	MarathonHTTP Credential `yaml:"marathon_http"`
	// ZooKeeperMesos is the ZooKeeper digest user owning /mesos.
	ZooKeeperMesos Credential `yaml:"zookeeper_mesos"`
	// ZooKeeperMarathon is the ZooKeeper digest user owning /marathon.
	ZooKeeperMarathon Credential `yaml:"zookeeper_marathon"`
	// MesosHTTP is the operators' login of the Mesos masters' and agents' HTTP APIs
	// (--http_credentials), also used by HTTP API frameworks such as mesos-execute.
	MesosHTTP Credential `yaml:"mesos_http"`
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

func keys() []string {
	return []string{"mesos_agent", "mesos_marathon", "marathon_http", "zookeeper_mesos", "zookeeper_marathon", "mesos_http"}
}

// Fill gives every credential lacking a name or secret a default name and a
// fresh random secret from r. It reports whether anything was added.
func (b *Bundle) Fill(r io.Reader) (bool, error) {
	changed := false
	def := defaults.all()
	for i, c := range b.all() {
		if c.Name == "" {
			c.Name = def[i].Name
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
		k := keys()[i]
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
const header = "# mesosimg secrets: generated credentials of this cluster. Keep this file private (mode 0600)\n" +
	"# and next to its description: every render reuses it, so credentials stay stable.\n" +
	"# Delete an entry to have it generated anew on the next render (then re-render every node).\n"

// Marshal writes the bundle as YAML with a header.
func (b *Bundle) Marshal() ([]byte, error) {
	data, err := yamlout.Marshal(b)
	if err != nil {
		return nil, err
	}
	return append([]byte(header), data...), nil
}

// Parse reads a secrets file's text; the report holds positioned findings.
func Parse(data []byte) (*Bundle, report.Report) {
	var rep report.Report
	if len(data) > MaxFileSize {
		rep.Add(report.Entry{Pos: report.Pos{Line: 1, Column: 1}, Message: fmt.Sprintf("secrets file is %d bytes; the limit is %d", len(data), MaxFileSize)})
		return nil, rep
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line := 1
		if m := reYAMLLine.FindStringSubmatch(err.Error()); m != nil {
			fmt.Sscan(m[1], &line)
		}
		rep.Add(report.Entry{Pos: report.Pos{Line: line, Column: 1}, Message: "invalid YAML: " + reYAMLLine.ReplaceAllString(strings.TrimPrefix(err.Error(), "yaml: "), "")})
		return nil, rep
	}
	b := &Bundle{}
	if len(doc.Content) == 0 {
		return b, rep
	}
	pos, drep := yamlpos.Decode(doc.Content[0], b)
	rep.Merge(drep)
	v := b.Validate()
	rep.Merge(v)
	rep.Correlate(pos.Lookup)
	rep.Sort()
	return b, rep
}

// Load reads the secrets file at path; a missing file gives an empty bundle and exists=false.
func Load(path string) (b *Bundle, exists bool, rep report.Report, err error) {
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
	b, rep = Parse(data)
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

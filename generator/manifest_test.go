package generator_test

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/generator"
	"github.com/mesosimg/mesosimg/internal/testcases"
	"github.com/mesosimg/mesosimg/manifest"
	"github.com/mesosimg/mesosimg/output"
	"github.com/mesosimg/mesosimg/plan"
	"github.com/mesosimg/mesosimg/render/cloudinit"
	"github.com/mesosimg/mesosimg/secrets"
	"go.yaml.in/yaml/v3"
)

// manifestOf returns the manifest.json a render emitted, failing unless it is the last file.
func manifestOf(t *testing.T, files []generator.File) []byte {
	t.Helper()
	var data []byte
	for i, f := range files {
		if f.Path == manifest.FileName {
			data = f.Data
			if f.Mode != 0o644 {
				t.Errorf("%s has mode %v; want 0644", f.Path, f.Mode)
			}
			if i != len(files)-1 {
				t.Errorf("%s is file %d of %d; want it last (it records every file before it)", f.Path, i+1, len(files))
			}
		}
	}
	if data == nil {
		t.Fatalf("the render wrote no %s", manifest.FileName)
	}
	return data
}

// renderInOrder renders as the command line does, keeping the order files reach the sink.
func renderInOrder(t *testing.T, c *v1.Cluster, opts generator.Options) []generator.File {
	t.Helper()
	var files []generator.File
	if err := generator.Generate(c, opts, func(f generator.File) error {
		files = append(files, f)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return files
}

func parseManifest(t *testing.T, data []byte) *manifest.Manifest {
	t.Helper()
	m, err := manifest.Parse(manifest.FileName, data)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestManifestListsWhatWasWritten renders every case into a directory the way `mesosimg render`
// does and checks the manifest against the disk: every file written is listed once, in its
// node's list or the cluster's, with the size, mode and SHA-256 of the bytes on disk, and
// nothing else is listed (neither the manifest itself nor the output marker).
func TestManifestListsWhatWasWritten(t *testing.T) {
	for _, tc := range testcases.All(t, "..") {
		t.Run(tc.Name, func(t *testing.T) {
			desc := mustRead(t, tc.Path)
			c := testcases.Load(t, tc.Path)
			dir := filepath.Join(t.TempDir(), "out")
			d, err := output.Begin(dir, false)
			if err != nil {
				t.Fatal(err)
			}
			var order []string
			err = generator.Generate(c, generator.Options{Secrets: secrets.Fixed(), Description: desc, Version: "1.2.3-test"}, func(f generator.File) error {
				order = append(order, f.Path)
				return d.Add(f)
			})
			if err != nil {
				d.Abort()
				t.Fatal(err)
			}
			if err := d.Commit(); err != nil {
				t.Fatal(err)
			}
			if order[len(order)-1] != manifest.FileName {
				t.Errorf("the last file is %s; want %s", order[len(order)-1], manifest.FileName)
			}
			m, err := manifest.Read(dir)
			if err != nil {
				t.Fatal(err)
			}
			if m.Format != manifest.FormatV1 || m.MesosimgVersion != "1.2.3-test" {
				t.Errorf("format %q, version %q", m.Format, m.MesosimgVersion)
			}
			if want := sha256.Sum256(desc); m.DescriptionSHA256 != want {
				t.Errorf("description_sha256 %s; want %x", m.DescriptionSHA256, want)
			}
			if m.SourceDateEpoch != generator.DefaultEpoch.Unix() {
				t.Errorf("source_date_epoch %d; want %d", m.SourceDateEpoch, generator.DefaultEpoch.Unix())
			}
			listed := map[string]manifest.File{}
			list := func(owner string, files []manifest.File) {
				if !sort.SliceIsSorted(files, func(i, j int) bool { return files[i].Path < files[j].Path }) {
					t.Errorf("%s: files are not sorted by path", owner)
				}
				for _, f := range files {
					if _, dup := listed[f.Path]; dup {
						t.Errorf("%s is listed twice", f.Path)
					}
					listed[f.Path] = f
				}
			}
			if len(m.Nodes) != len(c.Nodes) {
				t.Fatalf("%d nodes in the manifest; want %d", len(m.Nodes), len(c.Nodes))
			}
			for i, n := range m.Nodes {
				list(n.Name, n.Files)
				if len(n.Files) == 0 {
					t.Errorf("node %s lists no file", n.Name)
				}
				for _, f := range n.Files {
					mac := strings.ReplaceAll(c.Nodes[i].MAC, ":", "-")
					if !strings.HasPrefix(f.Path, "nodes/"+n.Name+"/") && !(mac != "" && strings.HasPrefix(f.Path, "pxe/") && strings.Contains(strings.ToLower(f.Path), strings.ToLower(mac))) {
						t.Errorf("node %s lists %s, which is not its own", n.Name, f.Path)
					}
				}
			}
			list("cluster", m.Cluster.Files)
			for _, f := range m.Cluster.Files {
				if strings.HasPrefix(f.Path, "nodes/") {
					t.Errorf("cluster files list the node file %s", f.Path)
				}
			}
			onDisk := 0
			filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
				if err != nil {
					t.Fatal(err)
				}
				if e.IsDir() {
					return nil
				}
				rel, _ := filepath.Rel(dir, p)
				rel = filepath.ToSlash(rel)
				if rel == manifest.FileName || rel == output.Marker {
					return nil
				}
				onDisk++
				f, ok := listed[rel]
				if !ok {
					t.Errorf("%s was written but is not in the manifest", rel)
					return nil
				}
				data, _ := os.ReadFile(p)
				info, _ := e.Info()
				sum := sha256.Sum256(data)
				if f.Size != int64(len(data)) || f.Mode.String() != manifestMode(info.Mode()) || hex.EncodeToString(sum[:]) != f.SHA256.String() {
					t.Errorf("%s: manifest says size %d mode %s sha256 %s; the disk holds %d bytes, mode %s, sha256 %x",
						rel, f.Size, f.Mode, f.SHA256, len(data), manifestMode(info.Mode()), sum)
				}
				return nil
			})
			if onDisk != len(listed) {
				t.Errorf("the manifest lists %d files; %d were written beside it", len(listed), onDisk)
			}
			if _, self := listed[manifest.FileName]; self {
				t.Errorf("the manifest lists itself")
			}
		})
	}
}

func manifestMode(m fs.FileMode) string { return manifest.Mode(m.Perm()).String() }

// TestManifestMatchesPlan: the cluster and node records say what the plan derived (ensemble,
// masters, quorum, zk URLs, myids, instance-ids) and what the description set (addresses,
// prefixes, MACs, roles, agent resources and attributes).
func TestManifestMatchesPlan(t *testing.T) {
	sawResources, sawAttributes, sawTLS := false, false, false
	for _, tc := range testcases.All(t, "..") {
		t.Run(tc.Name, func(t *testing.T) {
			c := testcases.Load(t, tc.Path)
			p, err := plan.Build(c, secrets.Fixed())
			if err != nil {
				t.Fatal(err)
			}
			rendered := renderInOrder(t, c, generator.Options{Secrets: secrets.Fixed()})
			m := parseManifest(t, manifestOf(t, rendered))
			var ensemble []manifest.Member
			for _, z := range p.ZooKeepers {
				ensemble = append(ensemble, manifest.Member{MyID: z.ID, Name: z.Name, Address: z.IP})
			}
			if diff := cmp.Diff(ensemble, m.Cluster.Ensemble); diff != "" {
				t.Errorf("ensemble (-plan +manifest):\n%s", diff)
			}
			var masters []manifest.Master
			for _, x := range p.Masters {
				masters = append(masters, manifest.Master{Name: x.Name, Address: x.IP})
			}
			if diff := cmp.Diff(masters, m.Cluster.Masters); diff != "" {
				t.Errorf("masters (-plan +manifest):\n%s", diff)
			}
			if m.Cluster.Quorum != p.Quorum || m.Cluster.Quorum != len(masters)/2+1 {
				t.Errorf("quorum %d; the plan's is %d for %d masters", m.Cluster.Quorum, p.Quorum, len(masters))
			}
			if m.Cluster.ZK != (manifest.ZK{Mesos: p.ZKMesos, Marathon: p.ZKMarathon}) || strings.Contains(m.Cluster.ZK.Mesos+m.Cluster.ZK.Marathon, "@") {
				t.Errorf("zk %+v; want %s and %s, without credentials", m.Cluster.ZK, p.ZKMesos, p.ZKMarathon)
			}
			if m.Cluster.Name != c.Cluster || m.Cluster.OS != c.OS || m.Cluster.InstallMethod != c.Install.Method {
				t.Errorf("cluster %q os %q install %q", m.Cluster.Name, m.Cluster.OS, m.Cluster.InstallMethod)
			}
			if tls := c.Security.TLS; (tls != nil) != (m.Cluster.TLS != nil) {
				t.Errorf("tls %+v for security.tls %v", m.Cluster.TLS, tls != nil)
			} else if tls != nil {
				sawTLS = true
				// The CA's fingerprint, as openssl x509 -fingerprint -sha256 prints it.
				block, _ := pem.Decode([]byte(tls.CA))
				ca, err := x509.ParseCertificate(block.Bytes)
				if err != nil {
					t.Fatal(err)
				}
				if want := []manifest.Digest{sha256.Sum256(ca.Raw)}; !cmp.Equal(m.Cluster.TLS.CASHA256, want) {
					t.Errorf("tls.ca_sha256 %v; want %v", m.Cluster.TLS.CASHA256, want)
				}
			}
			myids := map[string]int{}
			for _, z := range ensemble {
				myids[z.Name] = z.MyID
			}
			for i, n := range m.Nodes {
				d := c.Nodes[i]
				if n.Name != d.Name || n.Address != d.IP || n.Prefix != *d.Prefix || n.MAC != strings.ToLower(d.MAC) || n.Gateway != d.Gateway {
					t.Errorf("node %d: %+v; the description says %s %s/%d mac %q gateway %q", i, n, d.Name, d.IP, *d.Prefix, d.MAC, d.Gateway)
				}
				if d.Interface != "" && n.Interface != d.Interface {
					t.Errorf("node %s: interface %q; the description says %q", n.Name, n.Interface, d.Interface)
				}
				if !sameSet(n.Roles, d.Roles) {
					t.Errorf("node %s: roles %v; the description says %v", n.Name, n.Roles, d.Roles)
				}
				if n.MyID != myids[n.Name] || (n.MyID != 0) != (n.ZooKeeper != nil) {
					t.Errorf("node %s: myid %d, zookeeper %+v; the ensemble says myid %d", n.Name, n.MyID, n.ZooKeeper, myids[n.Name])
				}
				if stem := plan.InstanceID(c.Cluster, n.Name) + "-"; !strings.HasPrefix(n.InstanceID, stem) || len(n.InstanceID) != len(stem)+cloudinit.GenerationDigits {
					t.Errorf("node %s: instance_id %q; want %s and the generation", n.Name, n.InstanceID, stem)
				}
				if md := metaDataOf(t, rendered, n.Name); md.InstanceID != n.InstanceID {
					t.Errorf("node %s: instance_id %q, but its meta-data says %q", n.Name, n.InstanceID, md.InstanceID)
				}
				if n.ZooKeeper != nil && n.ZooKeeper.DataDir != "/var/lib/zookeeper" {
					t.Errorf("node %s: zookeeper data_dir %q", n.Name, n.ZooKeeper.DataDir)
				}
				if (n.Master != nil) != contains(d.Roles, v1.RoleMaster) || n.Master != nil && n.Master.WorkDir != plan.MasterWorkDir {
					t.Errorf("node %s: master %+v", n.Name, n.Master)
				}
				if (n.Agent != nil) != contains(d.Roles, v1.RoleAgent) {
					t.Errorf("node %s: agent %+v for roles %v", n.Name, n.Agent, d.Roles)
				}
				if n.Agent == nil {
					continue
				}
				resources, attributes := c.Mesos.Agent.Resources, map[string]string{}
				for k, v := range c.Mesos.Agent.Attributes {
					attributes[k] = v
				}
				if o := d.Agent; o != nil {
					if o.Resources != nil {
						resources = o.Resources
					}
					for k, v := range o.Attributes {
						attributes[k] = v
					}
				}
				sawResources = sawResources || len(resources) > 0
				sawAttributes = sawAttributes || len(attributes) > 0
				if n.Agent.WorkDir != plan.AgentWorkDir || !cmp.Equal(n.Agent.Resources, resources, cmpEmpty) || !cmp.Equal(n.Agent.Attributes, attributes, cmpEmpty) {
					t.Errorf("node %s: agent %+v; the description says resources %v attributes %v", n.Name, n.Agent, resources, attributes)
				}
			}
		})
	}
	if !sawResources || !sawAttributes || !sawTLS {
		t.Errorf("no case gives an agent resources (%v) and attributes (%v), or sets security.tls (%v): the checks above checked nothing", sawResources, sawAttributes, sawTLS)
	}
}

// cmpEmpty treats nil and empty maps alike.
var cmpEmpty = cmp.Comparer(func(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
})

func sameSet(a, b []string) bool {
	x, y := append([]string{}, a...), append([]string{}, b...)
	sort.Strings(x)
	sort.Strings(y)
	return cmp.Equal(x, y)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestManifestHoldsNoSecret: no credential value, credential-bearing zk URL or TLS private key
// reaches the manifest, and a rotated credential shows as a changed fingerprint of that
// credential alone.
func TestManifestHoldsNoSecret(t *testing.T) {
	random := secrets.Bundle{}
	if _, err := random.Fill(rand.Reader, secrets.AllKeys()); err != nil {
		t.Fatal(err)
	}
	for _, tc := range testcases.All(t, "..") {
		t.Run(tc.Name, func(t *testing.T) {
			c := testcases.Load(t, tc.Path)
			for _, bundle := range []*secrets.Bundle{secrets.Fixed(), &random} {
				data := manifestOf(t, renderInOrder(t, c, generator.Options{Secrets: bundle, Description: mustRead(t, tc.Path)}))
				p, err := plan.Build(c, bundle)
				if err != nil {
					t.Fatal(err)
				}
				forbidden := []string{p.ZKMesosAuth, p.ZKMarathonAuth}
				if p.ZKMesosAuth == p.ZKMesos {
					forbidden = nil
				}
				for _, cred := range credentialsOf(bundle) {
					forbidden = append(forbidden, cred.Secret)
				}
				if tls := c.Security.TLS; tls != nil {
					for name, nc := range tls.Certs {
						// The base64 body of the private key (its first line after the header).
						lines := strings.Split(strings.TrimSpace(nc.Key), "\n")
						if len(lines) < 2 {
							t.Fatalf("node %s: key without a body", name)
						}
						forbidden = append(forbidden, lines[1])
					}
				}
				for _, s := range forbidden {
					if bytes.Contains(data, []byte(s)) {
						t.Errorf("the manifest holds the secret %q", s)
					}
				}
				m := parseManifest(t, data)
				if used := plan.UsedCredentials(c); len(m.Cluster.Credentials) != len(used) {
					t.Errorf("%d credential fingerprints for %d credentials in use", len(m.Cluster.Credentials), len(used))
				}
			}
		})
	}
	// Rotating one credential changes its fingerprint, and no other.
	c := testcases.Load(t, "../examples/two-node/cluster.yaml")
	before := parseManifest(t, manifestOf(t, renderInOrder(t, c, generator.Options{Secrets: secrets.Fixed()})))
	rotated := secrets.Fixed()
	rotated.ZooKeeperMesos.Secret = "rotated-secret-of-the-mesos-znodes"
	after := parseManifest(t, manifestOf(t, renderInOrder(t, c, generator.Options{Secrets: rotated})))
	changed := map[string]bool{}
	for i, cr := range before.Cluster.Credentials {
		if cr.Key != after.Cluster.Credentials[i].Key || cr.Name != after.Cluster.Credentials[i].Name {
			t.Fatalf("credential %d: %+v became %+v", i, cr, after.Cluster.Credentials[i])
		}
		if cr.Fingerprint != after.Cluster.Credentials[i].Fingerprint {
			changed[cr.Key] = true
		}
	}
	if !cmp.Equal(changed, map[string]bool{"zookeeper_mesos": true}) {
		t.Errorf("rotating zookeeper_mesos changed the fingerprints of %v", changed)
	}
}

// credentialsOf lists a bundle's credentials.
func credentialsOf(b *secrets.Bundle) []secrets.Credential {
	return []secrets.Credential{b.MesosAgent, b.MesosMarathon, b.MarathonHTTP, b.ZooKeeperMesos, b.ZooKeeperMarathon, b.MesosHTTP}
}

// TestManifestDeterministic: two renders write byte-identical manifests, whatever the number
// of workers, and the epoch is recorded.
func TestManifestDeterministic(t *testing.T) {
	for _, tc := range testcases.All(t, "..") {
		c := testcases.Load(t, tc.Path)
		opts := generator.Options{Secrets: secrets.Fixed(), Description: mustRead(t, tc.Path)}
		a := manifestOf(t, renderInOrder(t, c, opts))
		opts.Workers = 1
		b := manifestOf(t, renderInOrder(t, c, opts))
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two renders wrote different manifests:\n%s", tc.Name, cmp.Diff(string(a), string(b)))
		}
		if !bytes.HasSuffix(a, []byte("}\n")) || !bytes.HasPrefix(a, []byte("{\n  \"format\": \"mesosimg-manifest/v1\",\n")) {
			t.Errorf("%s: the manifest is not indented JSON starting with its format and ending in a newline", tc.Name)
		}
	}
}

// TestManifestFormats: a render restricted by --format records which formats it wrote, every
// node (with only the files written), and no file it did not write.
func TestManifestFormats(t *testing.T) {
	c := testcases.Load(t, "../examples/two-node/cluster.yaml")
	for _, tc := range []struct {
		formats      []generator.Format
		want         []string
		perNode      int
		clusterFiles bool
	}{
		{nil, []string{"cloud-init", "iso", "vfat", "installer", "packer"}, 7, true},     // no answers_url: no pxe
		{[]generator.Format{generator.FormatCloudInit}, []string{"cloud-init"}, 3, true}, // the retired seed
		{[]generator.Format{generator.FormatPacker}, []string{"packer"}, 0, true},
		{[]generator.Format{generator.FormatISO, generator.FormatCloudInit}, []string{"cloud-init", "iso"}, 4, true},
		{[]generator.Format{generator.FormatInstaller}, []string{"installer"}, 2, false}, // autoinstall.yaml and its seed
	} {
		files := renderInOrder(t, c, generator.Options{Secrets: secrets.Fixed(), Formats: tc.formats})
		m := parseManifest(t, manifestOf(t, files))
		if !cmp.Equal(m.Formats, tc.want) {
			t.Errorf("--format %v: formats %v; want %v", tc.formats, m.Formats, tc.want)
		}
		if len(m.Nodes) != len(c.Nodes) {
			t.Errorf("--format %v: %d nodes; want all %d", tc.formats, len(m.Nodes), len(c.Nodes))
		}
		listed := 0
		for _, n := range m.Nodes {
			if len(n.Files) != tc.perNode {
				t.Errorf("--format %v: node %s lists %d files; want %d", tc.formats, n.Name, len(n.Files), tc.perNode)
			}
			listed += len(n.Files)
		}
		if (len(m.Cluster.Files) > 0) != tc.clusterFiles {
			t.Errorf("--format %v: cluster files %v", tc.formats, m.Cluster.Files)
		}
		for _, f := range m.Cluster.Files {
			if !strings.HasPrefix(f.Path, generator.PackerDir+"/") && !strings.HasPrefix(f.Path, generator.RetiredDir+"/") {
				t.Errorf("--format %v: cluster file %s outside packer/ and retired/", tc.formats, f.Path)
			}
		}
		if listed += len(m.Cluster.Files); listed != len(files)-1 {
			t.Errorf("--format %v: %d files listed, %d rendered besides the manifest", tc.formats, listed, len(files)-1)
		}
	}
	// With answers_url, pxe is rendered and recorded, and its per-MAC files belong to their node.
	bm := testcases.Load(t, filepath.Join("..", "testdata", "cases", "bare-metal-debian.yaml"))
	m := parseManifest(t, manifestOf(t, renderInOrder(t, bm, generator.Options{Secrets: secrets.Fixed()})))
	if !contains(m.Formats, "pxe") {
		t.Errorf("bare-metal-debian: formats %v lack pxe", m.Formats)
	}
	pxeCluster := false
	for _, f := range m.Cluster.Files {
		pxeCluster = pxeCluster || path.Dir(f.Path) == "pxe"
	}
	if !pxeCluster {
		t.Errorf("bare-metal-debian: no pxe/ file among the cluster files %v", m.Cluster.Files)
	}
}

// metaDataOf parses node's rendered meta-data.
func metaDataOf(t *testing.T, files []generator.File, node string) cloudinit.MetaData {
	t.Helper()
	for _, f := range files {
		if f.Path == "nodes/"+node+"/meta-data" {
			var md cloudinit.MetaData
			if err := yaml.Unmarshal(f.Data, &md); err != nil {
				t.Fatalf("%s: %v", f.Path, err)
			}
			return md
		}
	}
	t.Fatalf("no meta-data rendered for %s", node)
	return cloudinit.MetaData{}
}

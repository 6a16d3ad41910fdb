package generator_test

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/generator"
	"github.com/mesosimg/mesosimg/internal/consumers"
	"github.com/mesosimg/mesosimg/internal/golden"
	"github.com/mesosimg/mesosimg/internal/testcases"
	"github.com/mesosimg/mesosimg/render/cloudinit"
	"github.com/mesosimg/mesosimg/render/installer"
	"github.com/mesosimg/mesosimg/render/netboot"
	"github.com/mesosimg/mesosimg/secrets"
)

func isImage(p string) bool {
	return strings.HasSuffix(p, generator.SeedISOName) || strings.HasSuffix(p, generator.SeedVFATName)
}

func render(t testing.TB, path string) []generator.File {
	t.Helper()
	// With the description's bytes, so the golden manifest.json records their digest.
	files, err := generator.GenerateAll(testcases.Load(t, path), generator.Options{Secrets: secrets.Fixed(), Description: mustRead(t, path)})
	if err != nil {
		t.Fatalf("render %s: %v", path, err)
	}
	return files
}

func TestGolden(t *testing.T) {
	for _, tc := range testcases.All(t, "..") {
		t.Run(tc.Name, func(t *testing.T) {
			dir := filepath.Join("..", "testdata", "golden", tc.Name)
			want := map[string]bool{}
			for _, f := range render(t, tc.Path) {
				p, data := filepath.FromSlash(f.Path), f.Data
				switch {
				case isImage(p):
					// Images are kept as their digest; their content is checked by the real readers.
					p, data = p+".sha256", []byte(fmt.Sprintf("%x\n", sha256.Sum256(data)))
				case bytes.HasPrefix(data, []byte{0x1f, 0x8b}):
					// gzip user-data (over 16 KB) is kept expanded, so a change reads as a diff.
					r, err := gzip.NewReader(bytes.NewReader(data))
					if err != nil {
						t.Fatal(err)
					}
					plain, _ := io.ReadAll(r)
					p, data = p+".gunzipped", plain
				}
				golden.Assert(t, filepath.Join(dir, p), data)
				want[p] = true
			}
			// No stale golden file may outlive the output it stood for.
			filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				rel, _ := filepath.Rel(dir, p)
				if !want[rel] {
					if golden.Updating() {
						return os.Remove(p)
					}
					t.Errorf("stale golden file %s: the render no longer writes it (go test -update removes it)", p)
				}
				return nil
			})
		})
	}
}

// TestRealConsumers hands every rendered file to the program that will read it.
func TestRealConsumers(t *testing.T) {
	for _, tc := range testcases.All(t, "..") {
		t.Run(tc.Name, func(t *testing.T) {
			c := testcases.Load(t, tc.Path)
			osInfo, _ := v1.LookupOS(c.OS)
			files, err := generator.GenerateAll(c, generator.Options{Secrets: secrets.Fixed()})
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			for _, f := range files {
				p := filepath.Join(dir, filepath.FromSlash(f.Path))
				os.MkdirAll(filepath.Dir(p), 0o755)
				if err := os.WriteFile(p, f.Data, 0o644); err != nil {
					t.Fatal(err)
				}
				switch filepath.Base(f.Path) {
				case "user-data":
					if filepath.Base(filepath.Dir(p)) == netboot.NoCloudDir {
						break // the live installer's seed: its autoinstall, checked below
					}
					checkUserData(t, p, f.Data)
				case "network-config":
					if strings.HasPrefix(f.Path, generator.RetiredDir+"/") {
						// The retired seed leaves the machine's network alone, as cloud-init reads it.
						consumers.NetworkDisabled(t, p)
						break
					}
					checkNetworkConfig(t, p, f.Data, osInfo.Distro, c)
				}
			}
			// Seeds are read after every file is on disk: they must hold the rendered files exactly.
			for _, f := range files {
				p := filepath.Join(dir, filepath.FromSlash(f.Path))
				nodeDir := filepath.Dir(p)
				switch filepath.Base(f.Path) {
				case generator.SeedISOName:
					consumers.CheckISOSeed(t, p, nodeDir)
				case generator.SeedVFATName:
					consumers.CheckVFATSeed(t, p, nodeDir)
				case generator.AutoinstallSeedName:
					// The cidata image of the live installer: the autoinstall as user-data.
					want := t.TempDir()
					os.WriteFile(filepath.Join(want, "user-data"), mustRead(t, filepath.Join(nodeDir, installer.AutoinstallName)), 0o644)
					os.WriteFile(filepath.Join(want, "meta-data"), installer.InstallMetaData(c.Cluster, filepath.Base(nodeDir)), 0o644)
					consumers.CheckISOFiles(t, p, want, "meta-data", "user-data")
				}
				if filepath.Base(nodeDir) == netboot.NoCloudDir && filepath.Base(p) == "user-data" {
					ai := mustRead(t, filepath.Join(filepath.Dir(nodeDir), installer.AutoinstallName))
					if !bytes.Equal(f.Data, ai) {
						t.Errorf("%s differs from the node's %s", f.Path, installer.AutoinstallName)
					}
				}
			}
			checkPacker(t, filepath.Join(dir, generator.PackerDir), c)
		})
	}
}

func checkUserData(t *testing.T, path string, data []byte) {
	if bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
		// Over EC2's 16 KB: gzip, which cloud-init expands before reading; check what it reads.
		if len(data) > cloudinit.MaxUserData {
			t.Errorf("%s: %d bytes gzipped, over %d", path, len(data), cloudinit.MaxUserData)
		}
		r, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		plain, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		path += ".plain"
		if err := os.WriteFile(path, plain, 0o644); err != nil {
			t.Fatal(err)
		}
		data = plain
	}
	if !bytes.HasPrefix(data, []byte("#cloud-config\n")) {
		t.Errorf("%s does not start with #cloud-config", path)
	}
	consumers.CloudInitSchema(t, path)
	// PyYAML (YAML 1.1, cloud-init's parser) must read exactly what yaml.v3 (YAML 1.2) wrote.
	byPy := consumers.PyYAMLReadsAsWritten(t, path, data)
	consumers.SchemaInProcess(t, path, byPy)
	// Every shell script in write_files passes shellcheck.
	doc := byPy.(map[string]any)
	// bootcmd's commands run as sh -c SCRIPT: each script passes shellcheck as sh.
	bootcmds, _ := doc["bootcmd"].([]any)
	for _, c := range bootcmds {
		argv, _ := c.([]any)
		if len(argv) < 3 || argv[0] != "sh" || argv[1] != "-c" {
			t.Errorf("%s: bootcmd %v is not sh -c SCRIPT", path, c)
			continue
		}
		script := filepath.Join(t.TempDir(), "bootcmd")
		os.WriteFile(script, []byte("#!/bin/sh\n"+argv[2].(string)), 0o755)
		consumers.ShellCheck(t, script)
	}
	writeFiles, _ := doc["write_files"].([]any)
	for _, f := range writeFiles {
		wf := f.(map[string]any)
		content, _ := wf["content"].(string)
		if wf["path"] == "/etc/nftables.conf" {
			if err := consumers.NftCheck(t, path, content); err != nil {
				t.Error(err)
			}
		}
		if strings.HasPrefix(content, "#!/bin/bash") || strings.HasPrefix(content, "#!/bin/sh") {
			script := filepath.Join(t.TempDir(), "script")
			os.WriteFile(script, []byte(content), 0o755)
			consumers.ShellCheck(t, script)
		}
	}
}

// checkNetworkConfig renders network-config with cloud-init's own renderer for the OS and
// checks the node's address and gateway came through on the right interface.
func checkNetworkConfig(t *testing.T, path string, data []byte, distro string, c *v1.Cluster) {
	node := filepath.Base(filepath.Dir(path))
	var n v1.Node
	for _, x := range c.Nodes {
		if x.Name == node {
			n = x
		}
	}
	iface := n.Interface
	if iface == "" {
		iface = "eth0"
	}
	mac := n.MAC
	if mac == "" {
		mac = "52:54:00:00:00:01"
	}
	out := consumers.NetConvert(t, path, distro, map[string]string{iface: strings.ToLower(mac)})
	addr := fmt.Sprintf("%s/%d", n.IP, *n.Prefix)
	if !strings.Contains(out, addr) {
		t.Errorf("%s: cloud-init's %s renderer output lacks %s:\n%s", path, distro, addr, out)
	}
	if distro == "debian" {
		if !strings.Contains(out, "iface "+iface+" inet static") {
			t.Errorf("%s: ENI output does not configure %s statically:\n%s", path, iface, out)
		}
		if n.Gateway != "" && !strings.Contains(out, "gateway "+n.Gateway) {
			t.Errorf("%s: ENI output lacks a native gateway line for %s:\n%s", path, n.Gateway, out)
		}
	}
}

func TestDeterministic(t *testing.T) {
	for _, tc := range testcases.All(t, "..") {
		a, b := render(t, tc.Path), render(t, tc.Path)
		if diff := cmp.Diff(a, b); diff != "" {
			t.Errorf("%s: two renders differ:\n%s", tc.Name, diff)
		}
	}
}

func TestModes(t *testing.T) {
	for _, tc := range testcases.All(t, "..") {
		for _, f := range render(t, tc.Path) {
			script := strings.HasPrefix(f.Path, generator.PackerDir+"/") && strings.HasSuffix(f.Path, ".sh")
			if f.Mode != 0o644 && f.Mode != 0o600 && !(script && f.Mode == 0o755) {
				t.Errorf("%s: %s has mode %v; want 0644, 0600 for secrets, 0755 for packer scripts", tc.Name, f.Path, f.Mode)
			}
		}
	}
}

// TestSecretModes: every file that carries a node's user-data (seeds, installer answers, the
// autoinstall seed and nocloud-net copy) is 0600 when that user-data holds secrets.
func TestSecretModes(t *testing.T) {
	carries := func(p string) bool {
		switch path.Base(p) {
		case "user-data", generator.SeedISOName, generator.SeedVFATName, generator.AutoinstallSeedName,
			installer.PreseedName, installer.AutoinstallName:
			return true
		}
		return false
	}
	seen := map[string]bool{}
	for _, tc := range testcases.All(t, "..") {
		files := render(t, tc.Path)
		// A node's user-data holds secrets when it is 0600 (TestModes and the plan tests pin that).
		secret := map[string]bool{}
		for _, f := range files {
			if strings.HasPrefix(f.Path, "nodes/") && path.Base(f.Path) == "user-data" && path.Base(path.Dir(f.Path)) != netboot.NoCloudDir {
				secret[path.Dir(f.Path)] = f.Mode == 0o600
			}
		}
		for _, f := range files {
			if !strings.HasPrefix(f.Path, "nodes/") || !carries(f.Path) {
				continue
			}
			nodeDir := strings.Join(strings.SplitN(f.Path, "/", 3)[:2], "/")
			seen[path.Base(f.Path)] = true
			if secret[nodeDir] {
				seen["secret "+path.Base(f.Path)] = true
			}
			if secret[nodeDir] && f.Mode != 0o600 {
				t.Errorf("%s: %s carries user-data with secrets but has mode %v", tc.Name, f.Path, f.Mode)
			}
		}
	}
	for _, name := range []string{"secret " + generator.AutoinstallSeedName, "secret " + installer.PreseedName, "secret user-data", "secret " + generator.SeedISOName} {
		if !seen[name] {
			t.Errorf("no case renders a %s", name)
		}
	}
}

// TestPXEAlone: --format pxe by itself writes every file the boot files point at.
func TestPXEAlone(t *testing.T) {
	for _, name := range []string{"bare-metal-debian", "bare-metal-ubuntu"} {
		c := testcases.Load(t, filepath.Join("..", "testdata", "cases", name+".yaml"))
		files, err := generator.GenerateAll(c, generator.Options{Formats: []generator.Format{generator.FormatPXE}, Secrets: secrets.Fixed()})
		if err != nil {
			t.Fatal(err)
		}
		written := map[string]bool{}
		var cmdlines []string
		for _, f := range files {
			written[f.Path] = true
			if path.Base(f.Path) == netboot.CmdlineName {
				cmdlines = append(cmdlines, string(f.Data))
			}
		}
		if len(cmdlines) == 0 {
			t.Fatalf("%s: no cmdline rendered", name)
		}
		base := c.Installer.AnswersURL + "/"
		for _, cl := range cmdlines {
			for _, arg := range strings.Fields(cl) {
				var u string
				if v, ok := strings.CutPrefix(arg, "url="); ok && strings.HasPrefix(v, base) {
					u = v
				} else if v, ok := strings.CutPrefix(arg, "ds=nocloud-net;s="); ok {
					u = v + "user-data"
				}
				if u == "" {
					continue
				}
				if !written[strings.TrimPrefix(u, base)] {
					t.Errorf("%s: the command line fetches %s, but --format pxe wrote no %s", name, u, strings.TrimPrefix(u, base))
				}
			}
		}
	}
}

func TestParseFormats(t *testing.T) {
	got, err := generator.ParseFormats(" cloud-init ,cloud-init")
	if err != nil || len(got) != 1 || got[0] != generator.FormatCloudInit {
		t.Errorf("ParseFormats = %v, %v", got, err)
	}
	for _, bad := range []string{"", ",", "cloudinit", "iso9660"} {
		if _, err := generator.ParseFormats(bad); err == nil || !strings.Contains(err.Error(), "valid:") {
			t.Errorf("ParseFormats(%q) error = %v; want a list of valid formats", bad, err)
		}
	}
}

// bigCluster is a description with n nodes: 3 masters (ZooKeeper members, Marathon on one), the rest agents.
func bigCluster(n int) *v1.Cluster {
	c := &v1.Cluster{Cluster: "big", Network: v1.Network{Gateway: "10.0.0.1", DNS: []string{"10.0.0.2"}}}
	for i := 0; i < n; i++ {
		node := v1.Node{Name: fmt.Sprintf("node%05d", i), IP: fmt.Sprintf("10.%d.%d.%d", (i+10)>>16, ((i+10)>>8)&255, (i+10)&255), Roles: []string{"agent"}}
		if i < 3 {
			node.Roles = []string{"zookeeper", "master"}
		}
		if i == 0 {
			node.Roles = append(node.Roles, "marathon")
		}
		prefix := 8
		node.Prefix = &prefix
		c.Nodes = append(c.Nodes, node)
	}
	return c
}

func TestBigClusterIsValid(t *testing.T) {
	c := bigCluster(1000)
	if rep := v1.Validate(c); rep.HasErrors() {
		t.Fatalf("bigCluster is invalid: %v", rep.Errors()[0])
	}
}

// BenchmarkRender10000 renders the user-data of a 10,000-node cluster.
func BenchmarkRender10000(b *testing.B) {
	benchmarkRender(b, generator.FormatCloudInit)
}

// BenchmarkRender10000WithSeeds renders the NoCloud files and ISO seeds of a 10,000-node cluster.
func BenchmarkRender10000WithSeeds(b *testing.B) {
	benchmarkRender(b, generator.FormatCloudInit, generator.FormatISO)
}

// BenchmarkRender10000AllFormats renders every format of a 10,000-node cluster, as mesosimg render
// does by default (scripts/bench-render.sh times the whole command against cp -a of its output).
func BenchmarkRender10000AllFormats(b *testing.B) {
	benchmarkRender(b)
}

func benchmarkRender(b *testing.B, formats ...generator.Format) {
	c := bigCluster(10000)
	if rep := v1.Validate(c); rep.HasErrors() {
		b.Fatalf("invalid: %v", rep.Errors()[0])
	}
	v1.ApplyDefaults(c)
	b.ReportAllocs()
	var bytes int64
	for i := 0; i < b.N; i++ {
		files := 0
		// The sink keeps nothing, as the CLI's: the generator may reuse image memory.
		err := generator.Generate(c, generator.Options{Formats: formats, Secrets: secrets.Fixed(), ReuseData: true}, func(f generator.File) error {
			files++
			bytes += int64(len(f.Data))
			return nil
		})
		if want := 3 * 10000; err != nil || files < want {
			b.Fatalf("got %d files, %v", files, err)
		}
	}
	b.ReportMetric(float64(bytes)/float64(b.N)/1e6, "MB-out/op")
}

// TestNftCheckBites shows the firewall check fails on a broken ruleset.
func TestNftCheckBites(t *testing.T) {
	bad := "table inet mesosimg {\n\tset a { type ipv4_addr; flags interval; elements = { 10.0.0.0/8, 10.1.2.3 } }\n}\n"
	if err := consumers.NftCheck(t, "overlapping intervals", bad); err == nil {
		t.Error("nft -c accepted overlapping set intervals")
	}
}

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestReuseDataChangesNoByte: with ReuseData, and a sink that copies each file before the next
// is rendered into the memory of an earlier one, every case and a 200-node cluster render byte
// for byte as without it.
func TestReuseDataChangesNoByte(t *testing.T) {
	type desc struct {
		name string
		c    *v1.Cluster
	}
	var descs []desc
	for _, tc := range testcases.All(t, "..") {
		descs = append(descs, desc{tc.Name, testcases.Load(t, tc.Path)})
	}
	big := bigCluster(200)
	v1.ApplyDefaults(big)
	descs = append(descs, desc{"big", big})
	for _, d := range descs {
		want, err := generator.GenerateAll(d.c, generator.Options{Secrets: secrets.Fixed()})
		if err != nil {
			t.Fatalf("%s: %v", d.name, err)
		}
		var got []generator.File
		err = generator.Generate(d.c, generator.Options{Secrets: secrets.Fixed(), ReuseData: true, Workers: 2}, func(f generator.File) error {
			f.Data = bytes.Clone(f.Data)
			got = append(got, f)
			return nil
		})
		if err != nil {
			t.Fatalf("%s: %v", d.name, err)
		}
		if len(got) != len(want) {
			t.Fatalf("%s: %d files, want %d", d.name, len(got), len(want))
		}
		byPath := map[string]generator.File{}
		for _, f := range got {
			byPath[f.Path] = f
		}
		for _, w := range want {
			if g := byPath[w.Path]; !bytes.Equal(g.Data, w.Data) || g.Mode != w.Mode {
				t.Errorf("%s: %s differs with ReuseData", d.name, w.Path)
			}
		}
	}
}

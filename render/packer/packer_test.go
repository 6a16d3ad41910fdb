package packer_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/mesosimg/mesosimg/config"
	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/internal/consumers"
	"github.com/mesosimg/mesosimg/plan"
	"github.com/mesosimg/mesosimg/render/packer"
	"github.com/mesosimg/mesosimg/secrets"
	"github.com/mesosimg/mesosimg/templates"
)

// image plans the base image of a description given as YAML.
func image(t *testing.T, desc string) *plan.Image {
	t.Helper()
	c, rep := config.Load(config.Source{Name: "c.yaml", Data: []byte(desc)})
	if c == nil {
		t.Fatalf("invalid description:\n%s", rep.Format("c.yaml"))
	}
	p, err := plan.Build(c, secrets.Fixed())
	if err != nil {
		t.Fatal(err)
	}
	return p.Image()
}

const nodes = `nodes:
  - {name: master1, ip: 10.0.0.11, roles: [zookeeper, master, marathon]}
  - {name: agent1, ip: 10.0.0.21, roles: [agent]}
`

// render writes the Packer files of desc into a directory and returns it.
func render(t *testing.T, desc string) string {
	t.Helper()
	files, err := packer.Render(image(t, desc))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, f.Data, f.Mode); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestBrokenTemplateFailsValidate: packer validate rejects an unknown argument in a formatted
// template, so the validation of every rendered template is known to bite.
func TestBrokenTemplateFailsValidate(t *testing.T) {
	path := filepath.Join("testdata", "broken", "unknown-argument.pkr.hcl")
	consumers.PackerFmtCheck(t, path)
	out, err := consumers.Packer(t, filepath.Dir(path), "validate", filepath.Base(path))
	if err == nil || !strings.Contains(out, "Unsupported argument") || !strings.Contains(out, "disk_sise") {
		t.Errorf("packer validate %s: err %v, want a failure naming disk_sise:\n%s", path, err, out)
	}
}

// TestUnformattedTemplateFailsFmt: packer fmt -check rejects a valid template it would reformat.
func TestUnformattedTemplateFailsFmt(t *testing.T) {
	path := filepath.Join("testdata", "broken", "unformatted.pkr.hcl")
	consumers.PackerValidate(t, path)
	if out, err := consumers.Packer(t, filepath.Dir(path), "fmt", "-check", filepath.Base(path)); err == nil {
		t.Errorf("packer fmt -check %s passed; want a failure:\n%s", path, out)
	}
}

// TestBrokenRenderFailsValidate: the rendered template with one argument misspelt is rejected.
func TestBrokenRenderFailsValidate(t *testing.T) {
	dir := render(t, "cluster: x\nimage:\n  qemu: {source_checksum: \"sha256:"+strings.Repeat("ab", 32)+"\"}\n"+nodes)
	path := filepath.Join(dir, packer.TemplateFile)
	consumers.PackerValidate(t, path)
	data, _ := os.ReadFile(path)
	os.WriteFile(path, []byte(strings.Replace(string(data), "disk_image ", "disk_imag ", 1)), 0o644)
	if out, err := consumers.Packer(t, dir, "validate", packer.TemplateFile); err == nil || !strings.Contains(out, "disk_imag") {
		t.Errorf("packer validate accepted a misspelt argument: %v\n%s", err, out)
	}
}

// TestSources: the amazon-ebs source and the amazon plugin come only with image.aws.
func TestSources(t *testing.T) {
	for _, tc := range []struct {
		name, image string
		aws         bool
	}{
		{"qemu only", "", false},
		{"with aws", "image:\n  aws: {region: us-east-2}\n", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			im := image(t, "cluster: x\n"+tc.image+nodes)
			main := string(packer.Template(im))
			if got := strings.Contains(main, `source "amazon-ebs"`); got != tc.aws {
				t.Errorf("amazon-ebs source rendered: %v; want %v", got, tc.aws)
			}
			plugins := parse(t, packer.Plugins(im))
			var got []string
			for _, b := range plugins.Blocks {
				if b.Type != "packer" {
					t.Errorf("plugins.pkr.hcl holds a %s block", b.Type)
					continue
				}
				if _, ok := b.Body.Attributes["required_version"]; !ok {
					t.Errorf("plugins.pkr.hcl lacks required_version")
				}
				for _, rp := range b.Body.Blocks {
					for name := range rp.Body.Attributes {
						got = append(got, name)
					}
				}
			}
			want := map[bool]string{false: "qemu", true: "amazon qemu"}[tc.aws]
			if strings.Join(sorted(got), " ") != want {
				t.Errorf("required_plugins = %v; want %s", got, want)
			}
		})
	}
}

func parse(t *testing.T, src []byte) *hclsyntax.Body {
	t.Helper()
	f, diags := hclparse.NewParser().ParseHCL(src, "plugins.pkr.hcl")
	if diags.HasErrors() {
		t.Fatalf("HCL: %v", diags)
	}
	return f.Body.(*hclsyntax.Body)
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// TestMirrors runs the script's sed expressions (GNU sed) over the apt sources of the cloud
// images: one-line lists and deb822, EC2 regional archives, security archives left alone when
// only the primary mirror is set.
func TestMirrors(t *testing.T) {
	for _, tc := range []struct {
		os, install, sources, want string
	}{
		{
			os:      "ubuntu-24.04",
			install: "install: {mirror: http://m.example/ubuntu/, security_mirror: http://s.example/ubuntu}",
			sources: "deb http://eu-west-1.ec2.archive.ubuntu.com/ubuntu/ noble main\ndeb http://security.ubuntu.com/ubuntu noble-security main\nTypes: deb\nURIs: http://archive.ubuntu.com/ubuntu/\n\nURIs: http://security.ubuntu.com/ubuntu/\n",
			want:    "deb http://m.example/ubuntu noble main\ndeb http://s.example/ubuntu noble-security main\nTypes: deb\nURIs: http://m.example/ubuntu\n\nURIs: http://s.example/ubuntu\n",
		},
		{
			os:      "debian-12",
			install: "install: {mirror: \"http://m.example/debian?a=1&b=2\"}",
			sources: "deb http://deb.debian.org/debian bookworm main\ndeb http://deb.debian.org/debian-security bookworm-security main\ndeb http://cdn-aws.deb.debian.org/debian bookworm-updates main\n",
			want:    "deb http://m.example/debian?a=1&b=2 bookworm main\ndeb http://deb.debian.org/debian-security bookworm-security main\ndeb http://m.example/debian?a=1&b=2 bookworm-updates main\n",
		},
	} {
		t.Run(tc.os, func(t *testing.T) {
			dir := render(t, "cluster: x\nos: "+tc.os+"\nnetwork: {interface: ens3}\n"+tc.install+"\n"+nodes)
			script, _ := os.ReadFile(filepath.Join(dir, filepath.FromSlash(packer.ScriptFile)))
			list := filepath.Join(t.TempDir(), "sources.list")
			os.WriteFile(list, []byte(tc.sources), 0o644)
			n := 0
			for _, line := range strings.Split(string(script), "\n") {
				if !strings.HasPrefix(strings.TrimSpace(line), "sed -i -E ") {
					continue
				}
				n++
				cmd := strings.Replace(strings.TrimSpace(line), `"$list"`, templates.ShellQuote(list), 1)
				if out, err := exec.Command("bash", "-c", cmd).CombinedOutput(); err != nil {
					t.Fatalf("%s: %v\n%s", cmd, err, out)
				}
			}
			if n == 0 {
				t.Fatalf("the script rewrites no apt source:\n%s", script)
			}
			if got, _ := os.ReadFile(list); string(got) != tc.want {
				t.Errorf("sources after the mirror expressions:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

// TestScriptQuotesKeys: an inline key reaches the script single-quoted, whatever it holds.
func TestScriptQuotesKeys(t *testing.T) {
	key := "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nx'y $(touch /tmp/pwned) `id` \"z\"\n-----END PGP PUBLIC KEY BLOCK-----\n"
	desc := "cluster: x\ninstall:\n  repositories:\n    - name: corp\n      url: http://apt.example/x\n      suite: jammy\n      key: |\n" +
		"        " + strings.ReplaceAll(strings.TrimSuffix(key, "\n"), "\n", "\n        ") + "\n" + nodes
	dir := render(t, desc)
	path := filepath.Join(dir, filepath.FromSlash(packer.ScriptFile))
	script, _ := os.ReadFile(path)
	if !strings.Contains(string(script), "put /etc/apt/keyrings/mesosimg-corp.asc 0644 "+templates.ShellQuote(key)) {
		t.Errorf("the key is not written single-quoted:\n%s", script)
	}
	if out, err := exec.Command("bash", "-n", path).CombinedOutput(); err != nil {
		t.Errorf("bash -n: %v\n%s", err, out)
	}
	consumers.ShellCheck(t, path)
}

// TestPackagesAndServices: the image holds every role's packages once, Docker only when a node
// runs it, and keeps the services off.
func TestPackagesAndServices(t *testing.T) {
	im := image(t, "cluster: x\n"+nodes)
	var names []string
	for _, p := range im.Packages {
		names = append(names, p.Name)
	}
	if got, want := strings.Join(names, " "), "zookeeperd aventer-mesos docker.io nftables curl cloud-init"; got != want {
		t.Errorf("packages = %s; want %s", got, want)
	}
	if im.MarathonImage != v1.DefaultMarathonImage {
		t.Errorf("Marathon image %q; want %q pulled into the image", im.MarathonImage, v1.DefaultMarathonImage)
	}
	// Installing docker.io enables it: the image must leave it off, like every other service.
	if got := strings.Join(im.Services, " "); got != "zookeeper mesos-master mesos-agent marathon docker" {
		t.Errorf("services = %s", got)
	}
	docker := image(t, "cluster: x\nmesos: {agent: {containerizers: [docker, mesos]}}\n"+nodes)
	if docker.MarathonImage != "mesosphere/marathon:v1.11.24" {
		t.Errorf("container runtime: image %q", docker.MarathonImage)
	}
	found := false
	for _, p := range docker.Packages {
		found = found || (p.Name == "docker.io" && p.Var == "docker_version")
	}
	if !found {
		t.Errorf("docker.io missing: %v", docker.Packages)
	}
}

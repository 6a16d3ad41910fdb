package generator_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/generator"
	"github.com/mesosimg/mesosimg/internal/consumers"
	"github.com/mesosimg/mesosimg/internal/testcases"
	"github.com/mesosimg/mesosimg/manifest"
	"github.com/mesosimg/mesosimg/render/packer"
	"github.com/mesosimg/mesosimg/secrets"
)

// offlineChecksum replaces a file: checksum, which packer validate downloads, with a pinned one.
var offlineChecksum = "qemu_source_checksum=sha256:" + strings.Repeat("0", 64)

// checkPacker hands the rendered packer/ directory to the real Packer and ShellCheck:
// `packer fmt -check` on both HCL files, `packer validate` on the template (Packer 1.6.6 rejects
// the required_plugins block of plugins.pkr.hcl, which is why it lives apart), `packer inspect`
// for the variables as Packer reads them, and shellcheck on the provisioning script.
func checkPacker(t *testing.T, dir string, c *v1.Cluster) {
	t.Helper()
	template := filepath.Join(dir, packer.TemplateFile)
	consumers.PackerFmtCheck(t, template)
	consumers.PackerFmtCheck(t, filepath.Join(dir, packer.PluginsFile))
	var vars []string
	if strings.HasPrefix(c.Image.QEMU.SourceChecksum, "file:") {
		vars = append(vars, offlineChecksum)
	}
	consumers.PackerValidate(t, template, vars...)
	consumers.ShellCheck(t, filepath.Join(dir, filepath.FromSlash(packer.ScriptFile)))

	inspect := consumers.PackerInspect(t, template)
	want := []string{
		fmt.Sprintf("var.image_name: %q", c.Image.Name),
		fmt.Sprintf("var.disk_size: \"%d\"", *c.Image.DiskSize),
		fmt.Sprintf("var.qemu_source_url: %q", c.Image.QEMU.SourceURL),
		fmt.Sprintf("var.qemu_source_checksum: %q", c.Image.QEMU.SourceChecksum),
		fmt.Sprintf("var.mesos_version: %q", c.Install.Mesos.Version),
		"qemu." + packer.SourceName,
	}
	if a := c.Image.AWS; a != nil {
		want = append(want,
			fmt.Sprintf("var.aws_region: %q", a.Region),
			fmt.Sprintf("var.aws_source_ami_name: %q", a.SourceAMIName),
			"amazon-ebs."+packer.SourceName)
		for k, v := range a.Tags {
			want = append(want, fmt.Sprintf(`\"%s\" = \"%s\"`, k, v))
		}
	} else if strings.Contains(inspect, "amazon-ebs") {
		t.Errorf("packer inspect: an amazon-ebs source without image.aws:\n%s", inspect)
	}
	for _, w := range want {
		if !strings.Contains(inspect, w) {
			t.Errorf("packer inspect %s lacks %s:\n%s", template, w, inspect)
		}
	}
}

// TestPackerOnly: --format packer writes packer/ alone, after every node, with scripts executable.
func TestPackerOnly(t *testing.T) {
	c := testcases.Load(t, "../examples/two-node/cluster.yaml")
	var paths []string
	err := generator.Generate(c, generator.Options{Formats: []generator.Format{generator.FormatPacker}, Secrets: secrets.Fixed()},
		func(f generator.File) error {
			if f.Path == manifest.FileName {
				return nil // the record of the render, checked in manifest_test.go
			}
			paths = append(paths, f.Path)
			want := 0o644
			if strings.HasSuffix(f.Path, ".sh") {
				want = 0o755
			}
			if int(f.Mode) != want {
				t.Errorf("%s: mode %v; want %#o", f.Path, f.Mode, want)
			}
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"packer/mesos.pkr.hcl", "packer/plugins.pkr.hcl", "packer/scripts/provision.sh",
		"packer/cidata/meta-data", "packer/cidata/user-data", "packer/README.md"}
	if strings.Join(paths, " ") != strings.Join(want, " ") {
		t.Errorf("packer files = %v; want %v", paths, want)
	}
	// With every format, packer/ comes once, after the last node (and before the manifest).
	var order []string
	generator.Generate(c, generator.Options{Secrets: secrets.Fixed()}, func(f generator.File) error {
		order = append(order, f.Path)
		return nil
	})
	if len(order) == 0 || order[len(order)-1] != manifest.FileName {
		t.Fatalf("the render does not end with %s: %v", manifest.FileName, order)
	}
	order = order[:len(order)-1]
	first := len(order)
	for i, p := range order {
		if strings.HasPrefix(p, "packer/") && first == len(order) {
			first = i
		}
		if i > first && !strings.HasPrefix(p, "packer/") {
			t.Errorf("%s comes after packer/ files", p)
		}
	}
	if n := len(order) - first; n != len(want) {
		t.Errorf("%d packer files in a full render; want %d", n, len(want))
	}
}

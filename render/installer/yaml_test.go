package installer

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/internal/testcases"
	"github.com/mesosimg/mesosimg/internal/yamlfuzz"
	"github.com/mesosimg/mesosimg/plan"
	"github.com/mesosimg/mesosimg/render/cloudinit"
	"github.com/mesosimg/mesosimg/render/yamlout"
	"github.com/mesosimg/mesosimg/secrets"
)

// checkAutoinstall holds the autoinstall's Block writer to yamlout.Marshal; it reports whether
// Block wrote it.
func checkAutoinstall(t *testing.T, name string, a AutoinstallFile) bool {
	t.Helper()
	w := yamlout.NewBlock("", 0)
	a.writeYAML(w)
	got, err := w.Bytes()
	if err != nil {
		return false
	}
	want, err := yamlout.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Fatalf("%s: Block differs from yamlout.Marshal (-Marshal +Block):\n%s", name, diff)
	}
	return true
}

// TestAutoinstallBlockOnEveryCase: the autoinstall of every node of every example and test case
// (as if it ran Ubuntu) is written by Block, byte for byte as yamlout.Marshal writes it.
func TestAutoinstallBlockOnEveryCase(t *testing.T) {
	for _, tc := range testcases.All(t, "../..") {
		c := testcases.Load(t, tc.Path)
		p, err := plan.Build(c, secrets.Fixed())
		if err != nil {
			t.Fatalf("%s: %v", tc.Name, err)
		}
		for _, disk := range []string{c.Installer.Disk, v1.DiskLargest, "/dev/disk/by-id/nvme-x"} {
			c.Installer.Disk = disk
			for i := 0; i < p.NodeCount(); i++ {
				n := p.Node(i)
				files, err := cloudinit.Render(&n)
				if err != nil {
					t.Fatal(err)
				}
				if !checkAutoinstall(t, tc.Name+"/"+n.Name, Autoinstall(c, &n, files)) {
					t.Errorf("%s/%s: Block falls back to yamlout.Marshal", tc.Name, n.Name)
				}
			}
		}
	}
}

// FuzzAutoinstallBlock fills every field of an autoinstall from the fuzzer's input and holds
// its Block writer to yamlout.Marshal; Block must write every autoinstall whose strings are
// valid UTF-8 without Unicode line or paragraph separators.
func FuzzAutoinstallBlock(f *testing.F) {
	for _, s := range yamlfuzz.Tricky {
		f.Add(s, []byte{0xff, 0x13, 0x77, 0x01})
	}
	f.Fuzz(func(t *testing.T, s string, shape []byte) {
		fill := yamlfuzz.New(s, shape)
		var a AutoinstallFile
		fill.Fill(&a, nil)
		if !checkAutoinstall(t, "fuzz", a) && fill.Usual() {
			t.Fatalf("Block fails on %#v", a)
		}
	})
}

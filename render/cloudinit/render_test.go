package cloudinit_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"strings"
	"testing"

	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/plan"
	"github.com/mesosimg/mesosimg/render/cloudinit"
	"github.com/mesosimg/mesosimg/render/yamlout"
	"github.com/mesosimg/mesosimg/secrets"
	"go.yaml.in/yaml/v3"
)

func bigPlan(t *testing.T, nodes int) *plan.Cluster {
	c := &v1.Cluster{Cluster: "big", Network: v1.Network{EtcHosts: v1.EtcHostsAll, DNS: []string{"10.0.0.2"}}}
	for i := 0; i < nodes; i++ {
		roles := []string{"agent"}
		if i == 0 {
			roles = []string{"zookeeper", "master"}
		}
		c.Nodes = append(c.Nodes, v1.Node{Name: fmt.Sprintf("node-with-a-long-name-%05d", i), IP: fmt.Sprintf("10.1.%d.%d", i/250, 1+i%250), Roles: roles})
	}
	v1.ApplyDefaults(c)
	p, err := plan.Build(c, secrets.Fixed())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestLargeUserDataIsGzipped: past EC2's 16 KB the user-data is gzip (which cloud-init expands)
// and expands to the same cloud-config.
func TestLargeUserDataIsGzipped(t *testing.T) {
	p := bigPlan(t, 600)
	n := p.Node(1)
	files, err := cloudinit.Render(&n)
	if err != nil {
		t.Fatal(err)
	}
	ud := files.UserData
	if len(ud) > cloudinit.MaxUserData || !bytes.HasPrefix(ud, []byte{0x1f, 0x8b}) {
		t.Fatalf("user-data is %d bytes, gzip: %v", len(ud), bytes.HasPrefix(ud, []byte{0x1f, 0x8b}))
	}
	r, err := gzip.NewReader(bytes.NewReader(ud))
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(r)
	if !bytes.HasPrefix(plain, []byte(cloudinit.Header)) || !strings.Contains(string(plain), "node-with-a-long-name-00599") {
		t.Errorf("gzip does not hold the cloud-config")
	}
	again, _ := cloudinit.Render(&n)
	if !bytes.Equal(again.UserData, ud) {
		t.Error("gzip output is not deterministic")
	}
	// Small: a preinstalled ZooKeeper member without firewall and address check (the first boot's
	// scripts alone bring most nodes past 16 KB).
	off := false
	c := &v1.Cluster{Cluster: "small", Install: v1.Install{Method: v1.MethodPreinstalled},
		Network: v1.Network{DNS: []string{"10.0.0.2"}, AddressCheck: &off}, Security: v1.Security{Firewall: &off}}
	c.Nodes = []v1.Node{{Name: "n1", IP: "10.0.0.11", Roles: []string{"zookeeper"}}}
	v1.ApplyDefaults(c)
	sp, err := plan.Build(c, secrets.Fixed())
	if err != nil {
		t.Fatal(err)
	}
	small := sp.Node(0)
	if f, _ := cloudinit.Render(&small); !bytes.HasPrefix(f.UserData, []byte(cloudinit.Header)) || len(f.UserData) > cloudinit.MaxUserData {
		t.Errorf("small user-data (%d bytes) must stay plain text", len(f.UserData))
	}
}

func TestHugeUserDataFails(t *testing.T) {
	p := bigPlan(t, 9000)
	n := p.Node(1)
	_, err := cloudinit.Render(&n)
	if err == nil || !strings.Contains(err.Error(), "node node-with-a-long-name-00001: user-data is") || !strings.Contains(err.Error(), "etc_hosts: control-plane") {
		t.Errorf("got %v", err)
	}
}

func TestDuplicatePathRefused(t *testing.T) {
	n := bigPlan(t, 2).Node(0)
	n.Files = append(n.Files, n.Files[0])
	if _, err := cloudinit.Render(&n); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("got %v", err)
	}
}

// TestAptSourcesWrittenWhole: every apt source is written with append: false, so that running
// apt_configure again (a first boot resumed after a power cut) leaves one line, not two:
// cloud-init appends unless told (canonical/cloud-init 22.4.2 cloudinit/config/cc_apt_configure.py:599-604).
func TestAptSourcesWrittenWhole(t *testing.T) {
	p := bigPlan(t, 2)
	n := p.Node(0)
	cc := cloudinit.UserData(&n)
	if cc.Apt == nil || len(cc.Apt.Sources) == 0 {
		t.Fatal("the test plan has no apt source")
	}
	b, err := yamlout.Marshal(cc)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Apt struct {
			Sources map[string]map[string]any `yaml:"sources"`
		} `yaml:"apt"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	for name, src := range doc.Apt.Sources {
		if v, ok := src["append"]; !ok || v != false {
			t.Errorf("apt source %s: append = %v (present: %v), want false", name, v, ok)
		}
	}
	if len(doc.Apt.Sources) == 0 {
		t.Error("no apt source in the marshalled user-data")
	}
}

// TestInstanceIDFollowsConfiguration: a node's instance-id is its stem and the generation of
// its configuration: the same render gives the same id (a running node is left alone), a
// change of user-data or of network-config gives a new one (cloud-init applies the new seed).
func TestInstanceIDFollowsConfiguration(t *testing.T) {
	p := bigPlan(t, 3)
	render := func(mutate func(n *plan.Node)) cloudinit.Files {
		t.Helper()
		n := p.Node(1)
		if mutate != nil {
			mutate(&n)
		}
		f, err := cloudinit.Render(&n)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(f.MetaData), "instance-id: "+f.InstanceID+"\n") {
			t.Fatalf("meta-data %q does not carry instance-id %s", f.MetaData, f.InstanceID)
		}
		return f
	}
	base := render(nil)
	stem := plan.InstanceID("big", "node-with-a-long-name-00001") + "-"
	if !strings.HasPrefix(base.InstanceID, stem) || len(base.InstanceID) != len(stem)+cloudinit.GenerationDigits {
		t.Fatalf("instance-id %q: want %s and %d hex digits", base.InstanceID, stem, cloudinit.GenerationDigits)
	}
	if again := render(nil); again.InstanceID != base.InstanceID {
		t.Errorf("the same configuration got instance-ids %s and %s", base.InstanceID, again.InstanceID)
	}
	for name, mutate := range map[string]func(n *plan.Node){
		"user-data":      func(n *plan.Node) { n.NTPServers = append(n.NTPServers, "10.0.0.9") },
		"network-config": func(n *plan.Node) { n.Network.Gateway = "10.1.0.254" },
	} {
		f := render(mutate)
		if f.InstanceID == base.InstanceID {
			t.Errorf("a changed %s kept instance-id %s", name, f.InstanceID)
		}
		if !strings.HasPrefix(f.InstanceID, stem) {
			t.Errorf("a changed %s gave instance-id %s, not of node's stem %s", name, f.InstanceID, stem)
		}
	}
}

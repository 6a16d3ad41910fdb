package config_test

import (
	"fmt"
	"testing"

	"github.com/mesosimg/mesosimg/config"
	v1 "github.com/mesosimg/mesosimg/config/v1"
)

// TestImageDefaults: the image section is filled per OS, the AWS part only when image.aws is given.
func TestImageDefaults(t *testing.T) {
	const nodes = "nodes:\n  - {name: m, ip: 10.0.0.1, roles: [zookeeper, master, agent], interface: ens3}\n"
	for _, tc := range []struct {
		os, image          string
		aws                bool
		owner, user, qemu  string
		checksumSuffix     string
		instanceType, name string
	}{
		{"ubuntu-22.04", "", false, "", "", "https://cloud-images.ubuntu.com/jammy/current/jammy-server-cloudimg-amd64.img", "jammy/current/SHA256SUMS", "", "mesos-my.cluster"},
		{"ubuntu-24.04", "image: {aws: {region: us-east-2}}\n", true, v1.CanonicalAMIOwner, "ubuntu", "https://cloud-images.ubuntu.com/noble/current/noble-server-cloudimg-amd64.img", "noble/current/SHA256SUMS", "t3.large", "mesos-my.cluster"},
		{"debian-12", "image: {name: base, aws: {region: eu-west-1, instance_type: c5.xlarge}}\n", true, v1.DebianAMIOwner, "admin", "https://cloud.debian.org/images/cloud/bookworm/latest/debian-12-genericcloud-amd64.qcow2", "bookworm/latest/SHA512SUMS", "c5.xlarge", "base"},
	} {
		t.Run(tc.os, func(t *testing.T) {
			src := fmt.Sprintf("cluster: My.Cluster\nos: %s\ninstall: {method: preinstalled}\nsecurity: {admin_cidrs: [10.0.0.0/8]}\n%s%s", tc.os, tc.image, nodes)
			c, rep := config.Load(config.Source{Name: "c.yaml", Data: []byte(src)})
			if c == nil {
				t.Fatal(rep.Format("c.yaml"))
			}
			im := c.Image
			if im == nil {
				t.Fatal("no image defaults")
			}
			q := im.QEMU
			type check struct {
				name      string
				got, want any
			}
			checks := []check{
				{"name", im.Name, tc.name},
				{"disk_size", *im.DiskSize, 20},
				{"qemu url", q.SourceURL, tc.qemu},
				{"qemu checksum", q.SourceChecksum[len(q.SourceChecksum)-len(tc.checksumSuffix):], tc.checksumSuffix},
				{"qemu memory", *q.Memory, 2048},
				{"qemu accelerator", q.Accelerator, "kvm"},
				{"aws", im.AWS != nil, tc.aws},
			}
			if im.AWS != nil {
				checks = append(checks,
					check{"owner", im.AWS.SourceAMIOwner, tc.owner},
					check{"user", im.AWS.SSHUsername, tc.user},
					check{"instance type", im.AWS.InstanceType, tc.instanceType})
			}
			for _, ch := range checks {
				if fmt.Sprint(ch.got) != fmt.Sprint(ch.want) {
					t.Errorf("%s = %v; want %v", ch.name, ch.got, ch.want)
				}
			}
			if len(rep.Entries) != 0 {
				t.Errorf("findings:\n%s", rep.Format("c.yaml"))
			}
		})
	}
}

// Package installer renders the bare-metal installer answers of a node: the Debian installer's
// preseed.cfg (debian-12) and subiquity's autoinstall.yaml (Ubuntu). Both install the OS
// unattended and end by writing the node's NoCloud files — the very bytes the cloud-init
// renderer produced — to /var/lib/cloud/seed/nocloud/ on the installed disk, so the first boot
// of a physical machine configures it exactly as a VM booted from seed.iso.
package installer

import (
	"encoding/base64"
	"fmt"
	"io/fs"
	"path"
	"strings"

	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/plan"
	"github.com/mesosimg/mesosimg/render/cloudinit"
)

// File names in each node's directory.
const (
	PreseedName     = "preseed.cfg"
	AutoinstallName = "autoinstall.yaml"
)

// SeedDir is where cloud-init's NoCloud datasource looks for a seed on the local disk.
const SeedDir = "/var/lib/cloud/seed/nocloud"

// Target is where both installers mount the installed system.
const Target = "/target"

// File is one rendered installer file, relative to the node's directory.
type File struct {
	Name string
	Data []byte
	Mode fs.FileMode
}

// Render renders the installer answers matching the node's OS. seed are the node's NoCloud
// files; the answers embed them, so they are as secret as user-data.
func Render(c *v1.Cluster, n *plan.Node, seed cloudinit.Files) (File, error) {
	osInfo, ok := v1.LookupOS(c.OS)
	if !ok {
		return File{}, fmt.Errorf("node %s: unknown os %q", n.Name, c.OS)
	}
	// Every answers file holds user-data (and the admin's keys): 0600 when user-data holds
	// secrets, like the seed images.
	mode := fs.FileMode(0o644)
	if seed.Secret {
		mode = 0o600
	}
	switch osInfo.Distro {
	case "debian":
		data, err := Preseed(c, osInfo, n, seed).Marshal()
		if err != nil {
			return File{}, fmt.Errorf("node %s: %s: %w", n.Name, PreseedName, err)
		}
		return File{Name: PreseedName, Data: data, Mode: mode}, nil
	case "ubuntu":
		data, err := Autoinstall(c, n, seed).Marshal()
		if err != nil {
			return File{}, fmt.Errorf("node %s: %s: %w", n.Name, AutoinstallName, err)
		}
		return File{Name: AutoinstallName, Data: data, Mode: mode}, nil
	}
	return File{}, fmt.Errorf("node %s: no installer for %s", n.Name, c.OS)
}

// InstallMetaData is the NoCloud meta-data of a node's installer session, beside its
// autoinstall on the autoinstall seed or nocloud-net directory (not the node's own: the
// installed system has its own instance-id).
func InstallMetaData(cluster, node string) []byte {
	b, err := cloudinit.MetaData{InstanceID: "mesosimg-install-" + cluster + "-" + node, LocalHostname: node}.Marshal()
	if err != nil {
		panic(err) // two strings always marshal
	}
	return b
}

// seedFile is a file (an absolute path on the installed system) and its mode there.
type seedFile struct {
	path string
	data []byte
	mode string
}

func seedFiles(seed cloudinit.Files) []seedFile {
	return []seedFile{
		{SeedDir + "/meta-data", seed.MetaData, "0644"},
		{SeedDir + "/network-config", seed.NetworkConfig, "0644"},
		{SeedDir + "/user-data", seed.UserData, "0600"},
	}
}

// seedCommands are shell commands that write files under root (the installed system's mount
// point). Contents travel base64-encoded in single quotes, so no byte of them is read by a
// shell; decode is the base64 decoder to run. Each write sets its own umask (subiquity runs
// every late-command in a shell of its own), so user-data is 0600 from its creation on.
func seedCommands(root, decode string, files []seedFile) []string {
	var cmds []string
	made := map[string]bool{}
	for _, f := range files {
		p := shellQuote(root + f.path)
		if dir := path.Dir(f.path); !made[dir] {
			made[dir] = true
			cmds = append(cmds, "mkdir -p "+shellQuote(root+dir))
		}
		cmds = append(cmds, writeCommand(f.data, decode, p, f.mode))
	}
	return cmds
}

// writeCommand is "umask 077 && echo '<data in base64>' | decode > path && chmod mode path"
// (path quoted), built in one string of its size: the base64 alphabet needs no quoting.
func writeCommand(data []byte, decode, path, mode string) string {
	const head = "umask 077 && echo '"
	tail := "' | " + decode + " > " + path + " && chmod " + mode + " " + path
	var b strings.Builder
	b.Grow(len(head) + base64.StdEncoding.EncodedLen(len(data)) + len(tail))
	b.WriteString(head)
	enc := base64.NewEncoder(base64.StdEncoding, &b)
	enc.Write(data) // a strings.Builder takes every write
	enc.Close()
	b.WriteString(tail)
	return b.String()
}

// shellQuote quotes s for a POSIX shell as one word.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'"
}

// ntpServer is the one server the installers' clock setup takes: the first ntp server, else
// the first pool; empty for the installer's default.
func ntpServer(c *v1.Cluster) string {
	if len(c.NTP.Servers) > 0 {
		return c.NTP.Servers[0]
	}
	if len(c.NTP.Pools) > 0 {
		return c.NTP.Pools[0]
	}
	return ""
}

// mirror splits the installer mirror URL into protocol, host[:port] and directory.
func mirror(u string) (proto, host, dir string) {
	proto, rest, _ := strings.Cut(u, "://")
	host, dir, _ = strings.Cut(rest, "/")
	dir = "/" + strings.TrimSuffix(dir, "/")
	return proto, host, dir
}

package cloudinit

import (
	"strings"

	"github.com/mesosimg/mesosimg/render/yamlout"
)

// The NoCloud documents are written once per node, so they are marshalled key by key through
// yamlout.Block, in the order and with the omissions of their yaml tags; a document Block cannot
// write exactly as yamlout.Marshal would goes through yamlout.Marshal. Tests and fuzz targets
// (yaml_test.go) hold each writer to yamlout.Marshal byte for byte.

// marshalUserData is prefix followed by cc as YAML.
func marshalUserData(prefix string, cc CloudConfig) ([]byte, error) {
	// Keys and short values, then each file with its content's lines indented by 6.
	size := len(prefix) + 1024
	for _, f := range cc.WriteFiles {
		size += 128 + len(f.Path) + len(f.Content) + 6*strings.Count(f.Content, "\n")
	}
	w := yamlout.NewBlock(prefix, size)
	cc.writeYAML(w)
	if b, err := w.Bytes(); err == nil {
		return b, nil
	}
	b, err := yamlout.Marshal(cc)
	if err != nil {
		return nil, err
	}
	return append([]byte(prefix), b...), nil
}

// Marshal writes the meta-data document.
func (m MetaData) Marshal() ([]byte, error) {
	w := yamlout.NewBlock("", 32+len(m.InstanceID)+len(m.LocalHostname))
	w.Key(0, "instance-id")
	w.String(0, m.InstanceID)
	w.Key(0, "local-hostname")
	w.String(0, m.LocalHostname)
	if b, err := w.Bytes(); err == nil {
		return b, nil
	}
	return yamlout.Marshal(m)
}

// Marshal writes the network-config document.
func (n NetworkConfig) Marshal() ([]byte, error) {
	w := yamlout.NewBlock("", 256)
	n.WriteYAML(w, 0)
	if b, err := w.Bytes(); err == nil {
		return b, nil
	}
	return yamlout.Marshal(n)
}

func (cc CloudConfig) writeYAML(w *yamlout.Block) {
	w.Key(0, "hostname")
	w.String(0, cc.Hostname)
	if cc.FQDN != "" {
		w.Key(0, "fqdn")
		w.String(0, cc.FQDN)
	}
	if cc.PreferFQDN != nil {
		w.Key(0, "prefer_fqdn_over_hostname")
		w.Bool(*cc.PreferFQDN)
	}
	w.Key(0, "manage_etc_hosts")
	w.Bool(cc.ManageEtcHosts)
	w.Key(0, "users")
	writeAnyList(w, 0, cc.Users)
	w.Key(0, "disable_root")
	w.Bool(cc.DisableRoot)
	w.Key(0, "ssh_pwauth")
	w.Bool(cc.SSHPwauth)
	if cc.SSHDeleteKeys != nil {
		w.Key(0, "ssh_deletekeys")
		w.Bool(*cc.SSHDeleteKeys)
	}
	if n := cc.NTP; n != nil {
		w.Key(0, "ntp")
		w.Key(2, "enabled")
		w.Bool(n.Enabled)
		if len(n.Servers) > 0 {
			w.Key(2, "servers")
			w.Strings(2, n.Servers)
		}
		if len(n.Pools) > 0 {
			w.Key(2, "pools")
			w.Strings(2, n.Pools)
		}
	}
	if cc.Apt != nil {
		w.Key(0, "apt")
		cc.Apt.writeYAML(w, 2)
	}
	if len(cc.BootCmd) > 0 {
		w.Key(0, "bootcmd")
		for _, cmd := range cc.BootCmd {
			w.Item(2)
			w.Strings(2, cmd)
		}
	}
	if cc.PackageUpdate {
		w.Key(0, "package_update")
		w.Bool(true)
	}
	if len(cc.Packages) > 0 {
		w.Key(0, "packages")
		writeAnyList(w, 0, cc.Packages)
	}
	w.Key(0, "write_files")
	if len(cc.WriteFiles) == 0 {
		w.EmptySeq()
	}
	for _, f := range cc.WriteFiles {
		w.Item(2)
		w.Key(4, "path")
		w.String(4, f.Path)
		w.Key(4, "owner")
		w.String(4, f.Owner)
		w.Key(4, "permissions")
		w.String(4, f.Permissions)
		if f.Defer {
			w.Key(4, "defer")
			w.Bool(true)
		}
		w.Key(4, "content")
		w.String(4, f.Content)
	}
	w.Key(0, "runcmd")
	if len(cc.RunCmd) == 0 {
		w.EmptySeq()
	}
	for _, cmd := range cc.RunCmd {
		w.Item(2)
		w.Strings(2, cmd)
	}
}

// writeAnyList writes the users and packages lists: strings, lists of strings (a pinned
// package) and users.
func writeAnyList(w *yamlout.Block, indent int, list []any) {
	if len(list) == 0 {
		w.EmptySeq()
	}
	for _, v := range list {
		w.Item(indent + 2)
		switch v := v.(type) {
		case string:
			w.String(indent+2, v)
		case []string:
			w.Strings(indent+2, v)
		case User:
			v.writeYAML(w, indent+4)
		case nil:
			w.Null()
		default:
			w.Fail()
		}
	}
}

func (u User) writeYAML(w *yamlout.Block, indent int) {
	w.Key(indent, "name")
	w.String(indent, u.Name)
	if u.Gecos != "" {
		w.Key(indent, "gecos")
		w.String(indent, u.Gecos)
	}
	w.Key(indent, "shell")
	w.String(indent, u.Shell)
	w.Key(indent, "sudo")
	w.String(indent, u.Sudo)
	w.Key(indent, "lock_passwd")
	w.Bool(u.LockPasswd)
	w.Key(indent, "ssh_authorized_keys")
	w.Strings(indent, u.SSHAuthorizedKeys)
}

func (a *Apt) writeYAML(w *yamlout.Block, indent int) {
	w.Key(indent, "preserve_sources_list")
	w.Bool(a.PreserveSourcesList)
	for _, m := range []struct {
		key     string
		mirrors []Mirror
	}{{"primary", a.Primary}, {"security", a.Security}} {
		if len(m.mirrors) == 0 {
			continue
		}
		w.Key(indent, m.key)
		for _, x := range m.mirrors {
			w.Item(indent + 2)
			w.Key(indent+4, "arches")
			w.Strings(indent+4, x.Arches)
			w.Key(indent+4, "uri")
			w.String(indent+4, x.URI)
		}
	}
	if len(a.Sources) > 0 {
		w.Key(indent, "sources")
		for _, name := range yamlout.SortedKeys(a.Sources) {
			s := a.Sources[name]
			w.Key(indent+2, name)
			w.Key(indent+4, "source")
			w.String(indent+4, s.Source)
			for _, f := range []struct{ key, value string }{{"key", s.Key}, {"keyid", s.KeyID}, {"keyserver", s.KeyServer}} {
				if f.value != "" {
					w.Key(indent+4, f.key)
					w.String(indent+4, f.value)
				}
			}
		}
	}
}

// WriteYAML writes the network-config document as the value of a key at column indent-2 (at
// the top level with indent 0), for documents that embed it.
func (n NetworkConfig) WriteYAML(w *yamlout.Block, indent int) {
	w.Key(indent, "version")
	w.Int(n.Version)
	w.Key(indent, "ethernets")
	if len(n.Ethernets) == 0 {
		w.EmptyMap()
	}
	for _, name := range yamlout.SortedKeys(n.Ethernets) {
		w.Key(indent+2, name)
		n.Ethernets[name].writeYAML(w, indent+4)
	}
}

func (e Ethernet) writeYAML(w *yamlout.Block, in int) {
	if m := e.Match; m != nil {
		w.Key(in, "match")
		if m.MACAddress == "" && m.Name == "" {
			w.EmptyMap()
		}
		if m.MACAddress != "" {
			w.Key(in+2, "macaddress")
			w.String(in+2, m.MACAddress)
		}
		if m.Name != "" {
			w.Key(in+2, "name")
			w.String(in+2, m.Name)
		}
	}
	if e.SetName != "" {
		w.Key(in, "set-name")
		w.String(in, e.SetName)
	}
	w.Key(in, "dhcp4")
	w.Bool(e.DHCP4)
	w.Key(in, "dhcp6")
	w.Bool(e.DHCP6)
	if len(e.Addresses) > 0 {
		w.Key(in, "addresses")
		w.Strings(in, e.Addresses)
	}
	if e.Gateway4 != "" {
		w.Key(in, "gateway4")
		w.String(in, e.Gateway4)
	}
	if len(e.Routes) > 0 {
		w.Key(in, "routes")
		for _, r := range e.Routes {
			w.Item(in + 2)
			w.Key(in+4, "to")
			w.String(in+4, r.To)
			w.Key(in+4, "via")
			w.String(in+4, r.Via)
		}
	}
	if ns := e.Nameservers; ns != nil {
		w.Key(in, "nameservers")
		if len(ns.Addresses)+len(ns.Search) == 0 {
			w.EmptyMap()
		}
		if len(ns.Addresses) > 0 {
			w.Key(in+2, "addresses")
			w.Strings(in+2, ns.Addresses)
		}
		if len(ns.Search) > 0 {
			w.Key(in+2, "search")
			w.Strings(in+2, ns.Search)
		}
	}
}

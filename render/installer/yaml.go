package installer

import "github.com/mesosimg/mesosimg/render/yamlout"

// writeYAML writes the autoinstall key by key through yamlout.Block, in the order and with the
// omissions of its yaml tags (held to yamlout.Marshal by yaml_test.go).
func (a AutoinstallFile) writeYAML(w *yamlout.Block) {
	c := a.Autoinstall
	w.Key(0, "autoinstall")
	w.Key(2, "version")
	w.Int(c.Version)
	w.Key(2, "locale")
	w.String(2, c.Locale)
	w.Key(2, "keyboard")
	w.Key(4, "layout")
	w.String(4, c.Keyboard.Layout)
	w.Key(2, "timezone")
	w.String(2, c.Timezone)
	w.Key(2, "network")
	c.Network.WriteYAML(w, 4)
	w.Key(2, "apt")
	w.Key(4, "geoip")
	w.Bool(c.Apt.Geoip)
	w.Key(4, "primary")
	if len(c.Apt.Primary) == 0 {
		w.EmptySeq()
	}
	for _, m := range c.Apt.Primary {
		w.Item(6)
		w.Key(8, "arches")
		w.Strings(8, m.Arches)
		w.Key(8, "uri")
		w.String(8, m.URI)
	}
	if c.Apt.Fallback != "" {
		w.Key(4, "fallback")
		w.String(4, c.Apt.Fallback)
	}
	w.Key(2, "storage")
	w.Key(4, "layout")
	w.Key(6, "name")
	w.String(6, c.Storage.Layout.Name)
	w.Key(6, "match")
	m := c.Storage.Layout.Match
	if m.Size == "" && m.Path == "" {
		w.EmptyMap()
	}
	if m.Size != "" {
		w.Key(8, "size")
		w.String(8, m.Size)
	}
	if m.Path != "" {
		w.Key(8, "path")
		w.String(8, m.Path)
	}
	w.Key(2, "identity")
	for _, f := range []struct{ key, value string }{{"hostname", c.Identity.Hostname}, {"username", c.Identity.Username},
		{"password", c.Identity.Password}, {"realname", c.Identity.Realname}} {
		w.Key(4, f.key)
		w.String(4, f.value)
	}
	w.Key(2, "ssh")
	w.Key(4, "install-server")
	w.Bool(c.SSH.InstallServer)
	w.Key(4, "authorized-keys")
	w.Strings(4, c.SSH.AuthorizedKeys)
	w.Key(4, "allow-pw")
	w.Bool(c.SSH.AllowPW)
	w.Key(2, "packages")
	w.Strings(2, c.Packages)
	if c.Updates != "" {
		w.Key(2, "updates")
		w.String(2, c.Updates)
	}
	if len(c.EarlyCommands) > 0 {
		w.Key(2, "early-commands")
		w.Strings(2, c.EarlyCommands)
	}
	w.Key(2, "late-commands")
	w.Strings(2, c.LateCommands)
}

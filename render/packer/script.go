package packer

import (
	"fmt"
	"github.com/mesosimg/mesosimg/render/yamlout"
	"strings"

	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/plan"
	"github.com/mesosimg/mesosimg/templates"
)

// KeyringDir holds the repository keys the image's apt sources are signed by.
const KeyringDir = "/etc/apt/keyrings"

// scriptVersion is a package version the script takes from the environment.
type scriptVersion struct{ Env, Default string }

// scriptSource is a repository as the script writes it.
type scriptSource struct {
	plan.AptSource
	// KeyPath is where the key is stored; Line is the deb line signed by it.
	KeyPath, Line string
}

// Script renders scripts/provision.sh. Every value from the description reaches the script
// validated (names, versions, paths) and single-quoted.
func Script(im *plan.Image) (string, error) {
	var versions []scriptVersion
	var packages, summary []string
	for _, p := range im.Packages {
		summary = append(summary, p.Name)
		switch {
		case p.Var != "":
			versions = append(versions, scriptVersion{Env: p.Env(), Default: p.Version})
			packages = append(packages, templates.ShellQuote(p.Name)+fmt.Sprintf(`"${%[1]s:+=$%[1]s}"`, p.Env()))
		case p.Version != "":
			packages = append(packages, templates.ShellQuote(p.Name+"="+p.Version))
		default:
			packages = append(packages, templates.ShellQuote(p.Name))
		}
	}
	if im.MarathonImage != "" {
		summary = append(summary, im.MarathonImage)
	}
	fetch := false
	var sources []scriptSource
	for _, s := range im.Apt.Sources {
		src := scriptSource{AptSource: s, KeyPath: KeyringDir + "/mesosimg-" + s.Name + ".asc"}
		if s.Key == "" {
			src.KeyPath = KeyringDir + "/mesosimg-" + s.Name + ".gpg"
			fetch = true
		}
		src.Line = strings.Replace(s.Line, "$KEY_FILE", src.KeyPath, 1) + "\n"
		sources = append(sources, src)
	}
	return templates.Render("provision.sh.tmpl", map[string]any{
		"Cluster":       im.Cluster,
		"OS":            im.OS.ID,
		"Versions":      versions,
		"PolicyRCDPath": plan.PolicyRCDPath,
		"PolicyRCD":     im.PolicyRCD,
		"Mirrors":       mirrorExprs(im),
		"Tools":         im.Tools,
		"FetchKeys":     fetch,
		"Sources":       sources,
		"AptPinPath":    plan.AptPinPath,
		"AptPin":        im.AptPin,
		"Packages":      packages,
		"MarathonImage": im.MarathonImage,
		"Services":      im.Services,
		"StateDirs":     im.StateDirs,
		"Summary":       summary,
	})
}

// Archive URLs of the distributions as sed -E patterns (without a trailing slash, with no
// alternation: '|' delimits the expressions, and install.mirror URLs cannot hold it).
var archives = map[string]struct{ primary, security string }{
	"ubuntu": {
		primary:  `https?://([a-z0-9-]+\.)*archive\.ubuntu\.com/ubuntu`,
		security: `https?://security\.ubuntu\.com/ubuntu`,
	},
	"debian": {
		primary:  `https?://([a-z0-9-]+\.)*deb\.debian\.org/debian`,
		security: `https?://([a-z0-9-]+\.)*debian\.org/debian-security`,
	},
}

// mirrorExprs are the sed scripts that point the distribution's apt sources (one-line and
// deb822 lists) at install.mirror and install.security_mirror, as cloud-init does at first boot.
func mirrorExprs(im *plan.Image) []string {
	a, ok := archives[im.OS.Distro]
	if !ok {
		return nil
	}
	var out []string
	for _, m := range []struct{ pattern, mirror string }{{a.primary, im.Apt.PrimaryMirror}, {a.security, im.Apt.SecurityMirror}} {
		if m.mirror == "" {
			continue
		}
		next := strings.Count(m.pattern, "(") + 1 // the group holding what follows the URL
		repl := strings.NewReplacer(`\`, `\\`, `&`, `\&`, `|`, `\|`).Replace(strings.TrimSuffix(m.mirror, "/"))
		out = append(out, fmt.Sprintf(`s|%[1]s/?([[:space:]])|%[2]s\%[3]d|g;s|%[1]s/?$|%[2]s|`, m.pattern, repl, next))
	}
	return out
}

// seedUser is the build user of the qemu build machine's cloud-config.
type seedUser struct {
	Name            string `yaml:"name"`
	Gecos           string `yaml:"gecos"`
	Shell           string `yaml:"shell"`
	Sudo            string `yaml:"sudo"`
	LockPasswd      bool   `yaml:"lock_passwd"`
	PlainTextPasswd string `yaml:"plain_text_passwd"`
}

// seedFile is a write_files entry.
type seedFile struct {
	Path        string `yaml:"path"`
	Owner       string `yaml:"owner"`
	Permissions string `yaml:"permissions"`
	Content     string `yaml:"content"`
}

// seedConfig is the qemu build machine's cloud-config.
type seedConfig struct {
	Users      []seedUser `yaml:"users"`
	WriteFiles []seedFile `yaml:"write_files"`
}

// seedMeta is the build machine's meta-data.
type seedMeta struct {
	InstanceID    string `yaml:"instance-id"`
	LocalHostname string `yaml:"local-hostname"`
}

// buildSeed renders the NoCloud user-data and meta-data of the qemu build machine.
func buildSeed(im *plan.Image) (userData, metaData []byte, err error) {
	cc := seedConfig{
		Users: []seedUser{{
			Name: BuildUser, Gecos: "mesosimg image build (deleted before the image is saved)",
			Shell: "/bin/bash", Sudo: "ALL=(ALL) NOPASSWD:ALL", PlainTextPasswd: BuildPassword,
		}},
		// Read before the cloud image's own "PasswordAuthentication no" (sshd takes the first value);
		// ssh_pwauth is left alone, or cloud-init would write its own file that outlives the build.
		WriteFiles: []seedFile{{Path: buildSSHConfig, Owner: "root:root", Permissions: "0644", Content: "PasswordAuthentication yes\n"}},
	}
	body, err := marshal(cc)
	if err != nil {
		return nil, nil, err
	}
	header := "#cloud-config\n" +
		"# The qemu build machine of mesosimg's Packer template, not a node: a throwaway user for\n" +
		"# Packer's SSH (port forwarded on 127.0.0.1 only), deleted by the shutdown command.\n"
	userData = append([]byte(header), body...)
	// localhost: sudo resolves it (a name missing from /etc/hosts makes it complain), and each
	// node's first boot sets the node's own name.
	metaData, err = marshal(seedMeta{InstanceID: "mesosimg-image-build-" + strings.ToLower(im.Cluster), LocalHostname: "localhost"})
	return userData, metaData, err
}

func marshal(v any) ([]byte, error) { return yamlout.Marshal(v) }

// readmeData is what README.md.tmpl shows.
func readmeData(im *plan.Image) map[string]any {
	var pkgs []string
	for _, p := range im.Packages {
		s := p.Name
		if p.Version != "" {
			s += " " + p.Version
		}
		pkgs = append(pkgs, s)
	}
	return map[string]any{
		"Cluster":       im.Cluster,
		"OS":            im.OS.ID,
		"AWS":           hasAWS(im),
		"Template":      TemplateFile,
		"Plugins":       PluginsFile,
		"Script":        ScriptFile,
		"SeedDir":       SeedDir,
		"Source":        SourceName,
		"Packages":      pkgs,
		"MarathonImage": im.MarathonImage,
		"Services":      im.Services,
		"Images":        DefaultImages,
		"BuildUser":     BuildUser,
		"Preinstalled":  v1.MethodPreinstalled,
		"FirstNode":     im.Nodes[0],
	}
}

// Package templates holds the prose and shell files mesosimg renders (unit
// files, zoo.cfg, first-boot scripts, Packer provisioning scripts). Data
// formats (cloud-config, network-config, HCL, JSON) are never templated: they
// are marshalled from typed values.
package templates

import (
	"embed"
	"fmt"
	"strings"
	"text/template"
)

//go:embed cloud-init/*.tmpl packer/*.tmpl netboot/*.tmpl
var files embed.FS

var funcs = template.FuncMap{
	"shquote": ShellQuote,
	"join":    strings.Join,
}

var all = template.Must(template.New("").Funcs(funcs).Option("missingkey=error").ParseFS(files, "cloud-init/*.tmpl", "packer/*.tmpl", "netboot/*.tmpl"))

// Render executes the template named name (e.g. "zoo.cfg.tmpl") with data.
func Render(name string, data any) (string, error) {
	var b strings.Builder // its String is the bytes written, not a copy
	if err := all.ExecuteTemplate(&b, name, data); err != nil {
		return "", fmt.Errorf("template %s: %w", name, err)
	}
	return b.String(), nil
}

// MustRender is Render for templates whose data is built by mesosimg itself;
// a failure is a programming error.
func MustRender(name string, data any) string {
	s, err := Render(name, data)
	if err != nil {
		panic(err)
	}
	return s
}

// ShellQuote quotes s for a POSIX shell as one word, always in single quotes.
func ShellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'"
}

// Script renders the shell or Python script template named name with data, as its node gets
// it: the shebang and the header comment block under it stay, and so do shellcheck
// directives and section markers ("# ---- "); the other whole-line comments (the citations and reasoning the template keeps
// for its readers) are dropped, to fit the cloud-config in the user-data limit. The scripts
// have no here-documents or multi-line strings whose lines begin with '#'
// (TestScriptsKeepTheirCode).
func Script(name string, data any) string {
	return StripComments(MustRender(name, data))
}

// StripComments drops the whole-line comments of a script after its header: the first line
// when it is a shebang, then the comment lines right under it. Lines that are shellcheck
// directives or section markers ("# ---- ") stay.
func StripComments(script string) string {
	lines := strings.SplitAfter(script, "\n")
	var b strings.Builder
	b.Grow(len(script))
	header := true
	for i, l := range lines {
		t := strings.TrimLeft(l, " \t")
		comment := strings.HasPrefix(t, "#")
		switch {
		case i == 0 && strings.HasPrefix(l, "#!"):
		case header && comment && !strings.HasPrefix(l, " ") && !strings.HasPrefix(l, "\t"):
		case comment && !strings.HasPrefix(t, "# shellcheck ") && !strings.HasPrefix(t, "# ---- "):
			header = false
			continue
		default:
			header = false
		}
		b.WriteString(l)
	}
	return b.String()
}

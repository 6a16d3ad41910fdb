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

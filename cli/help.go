package cli

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/spf13/pflag"

	"github.com/mesosimg/mesosimg/generator"
	"github.com/mesosimg/mesosimg/yamlpos"
)

// command is one subcommand: how it is called and what its help says.
type command struct {
	name string
	// synopsis follows the name in usage lines: "CLUSTER.yaml -o DIR [--format LIST] …".
	synopsis string
	// arg names the positional argument in messages ("" when the command takes none).
	arg string
	// summary is the one line the top-level help gives it.
	summary string
	// about is the help's paragraph under the usage line.
	about string
	// sections follow the flags in the command's help (formats, output, exit status, examples).
	sections func() string
	// run runs the command with its arguments.
	run func(args []string, env Env) int
}

// commands lists every subcommand, in the order the help shows them.
var commands []command

func init() {
	commands = []command{
		{
			name: "render", synopsis: "CLUSTER.yaml -o DIR [--format LIST] [--force] [--strict] [--secrets FILE] [--stage firewall]",
			arg:     "CLUSTER.yaml",
			summary: "render every output of every node into DIR",
			about: `Renders everything each node of the cluster described in CLUSTER.yaml (- reads standard
input) needs into DIR: its cloud-init files and seed images, bare-metal installer answers,
network-boot files, and the Packer template of a base image. DIR is written beside itself and
moved into place only when everything succeeded, so a failed render leaves it untouched. An
existing DIR is replaced only if it is empty or a previous mesosimg output (--force otherwise).
The credentials the description uses are generated on the first render into CLUSTER.secrets.yaml
(mode 0600) beside the description, which records its cluster, and reused by every later render
of that cluster, so output stays identical; another cluster's file is refused. From standard
input there is no such default: pass --secrets FILE (or set security.secrets_file).

--stage firewall renders the first stage of a rollout that mesosimg plan starts with it (new
ZooKeeper members behind the running members' firewalls): only the nodes DIR's last render has,
with the ZooKeeper ensemble and masters they run now, and firewalls that already admit the new
nodes. DIR must hold that render.`,
			sections: func() string { return formatsHelp() + outputHelp + renderExit + renderExamples },
			run:      runRender,
		},
		{
			name: "validate", synopsis: "CLUSTER.yaml [--strict] [--secrets FILE]",
			arg:     "CLUSTER.yaml",
			summary: "check a description; print every problem, nothing when it is valid",
			about: `Checks CLUSTER.yaml (- reads standard input) and, when it exists, the credentials file render
would use (its cluster and entries), and prints every problem at once on standard error, one per
line as FILE:LINE:COLUMN: message (a YAML syntax error is followed by its source lines, a caret
under the column). Warnings do not make it invalid unless --strict.`,
			sections: func() string {
				return "\nExit status:\n  0  valid (warnings, if any, on standard error)\n  1  invalid\n  2  usage error\n" +
					"\nExample:\n  mesosimg validate cluster.yaml\n"
			},
			run: runValidate,
		},
		planCommand(),
		{
			name: "init", synopsis: "[FILE] [--force]", arg: "FILE",
			summary: "write a commented starter description (default cluster.yaml; - for standard output)",
			about:   "Writes a commented starter description to FILE (default cluster.yaml; - writes it to standard\noutput). An existing FILE is kept unless --force.",
			sections: func() string {
				return "\nExit status:\n  0  written\n  1  FILE exists or cannot be written\n  2  usage error\n\nExample:\n  mesosimg init cluster.yaml\n"
			},
			run: runInit,
		},
		{
			name: "version", summary: "print the version (and the commit it was built from)",
			about:    "Prints mesosimg's version, the commit and date it was built from (when built from a git\ncheckout) and the description format it reads.",
			sections: func() string { return "" },
			run:      runVersion,
		},
		{
			name: "completion", synopsis: "bash|zsh|fish", arg: "SHELL",
			summary: "print the shell completion script for bash, zsh or fish",
			about:   "Prints a completion script for commands, flags, --format values and files.",
			sections: func() string {
				return "\nInstall (make install does this under PREFIX):\n" +
					"  bash  mesosimg completion bash >/etc/bash_completion.d/mesosimg, or source <(mesosimg completion bash)\n" +
					"  zsh   mesosimg completion zsh >\"${fpath[1]}/_mesosimg\"\n" +
					"  fish  mesosimg completion fish >~/.config/fish/completions/mesosimg.fish\n"
			},
			run: runCompletion,
		},
	}
}

// lookup returns the command named name.
func lookup(name string) (command, bool) {
	for _, c := range commands {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// usageLine is "mesosimg NAME SYNOPSIS".
func (c command) usageLine() string {
	return strings.TrimSpace("mesosimg " + c.name + " " + c.synopsis)
}

// formatHelp says what each format writes.
var formatHelp = map[generator.Format]string{
	generator.FormatCloudInit: "nodes/<node>/user-data, meta-data, network-config (cloud-init NoCloud)",
	generator.FormatISO:       "nodes/<node>/seed.iso: the NoCloud seed (label cidata) to attach as a CD-ROM",
	generator.FormatVFAT:      "nodes/<node>/seed-vfat.img: the same seed as a FAT disk image",
	generator.FormatInstaller: "nodes/<node>/preseed.cfg (debian-12), or autoinstall.yaml and autoinstall-seed.iso (Ubuntu)",
	generator.FormatPXE:       "nodes/<node>/cmdline, nodes/<node>/autoinstall/ and pxe/ (needs installer.answers_url)",
	generator.FormatPacker:    "packer/: the Packer template that bakes the cluster's packages into one image",
}

func formatsHelp() string {
	var b strings.Builder
	b.WriteString("\nFormats (--format, comma-separated; default all):\n")
	for _, f := range generator.Formats {
		fmt.Fprintf(&b, "  %-11s %s\n", f, formatHelp[f])
	}
	return b.String()
}

const outputHelp = `
Output (DIR):
  nodes/<node>/user-data            #cloud-config (0600: it holds credentials)
  nodes/<node>/meta-data            instance-id and local-hostname
  nodes/<node>/network-config       the node's static address (network-config version 2)
  nodes/<node>/seed.iso             NoCloud seed: ISO 9660, label cidata, the three files above
  nodes/<node>/seed-vfat.img        the same seed as a FAT image, for hypervisors that attach disks
  nodes/<node>/preseed.cfg          debian-12: Debian installer answers for bare metal
  nodes/<node>/autoinstall.yaml     ubuntu-*: subiquity autoinstall for bare metal
  nodes/<node>/autoinstall-seed.iso ubuntu-*: the autoinstall on a cidata ISO (USB, virtual media)
  nodes/<node>/cmdline              with installer.answers_url: the installer's kernel command line
  nodes/<node>/autoinstall/         ubuntu-*, with installer.answers_url: the live installer's seed
  pxe/boot.ipxe, pxe/mac-<mac>.ipxe with installer.answers_url: iPXE scripts, per MAC
  pxe/pxelinux.cfg/01-<mac>         with installer.answers_url: the same for PXELINUX
  packer/                           mesos.pkr.hcl, plugins.pkr.hcl, scripts/provision.sh, cidata/, README.md
  manifest.json                     the record of the render: every node and file with its sha256
`

const renderExit = `
Exit status:
  0  rendered
  1  invalid description or failed render (DIR untouched)
  2  usage error
`

const renderExamples = `
Examples:
  mesosimg render cluster.yaml -o out/
  mesosimg render cluster.yaml -o out/ --format cloud-init,iso
  mesosimg render - -o out/ --secrets prod.secrets.yaml <cluster.yaml
`

// topUsage is the help of mesosimg itself: what it writes, and every command.
func topUsage() string {
	var b strings.Builder
	b.WriteString(`mesosimg renders, from one cluster description (cluster.yaml), everything each node of an
Apache Mesos cluster (ZooKeeper, masters, agents, Marathon) needs to configure itself at first
boot, and what installs or boots it: cloud-init user-data, meta-data and network-config, NoCloud
seed images (ISO and FAT), bare-metal installer answers (Debian preseed, Ubuntu autoinstall),
network-boot files (iPXE, PXELINUX, kernel command lines), a Packer template that bakes the
packages into a base image, and manifest.json, the record of every file it wrote.

Usage:
`)
	for _, c := range commands {
		fmt.Fprintf(&b, "  %s\n", c.usageLine())
	}
	b.WriteString("  mesosimg help [COMMAND]\n\nCommands:\n")
	for _, c := range commands {
		fmt.Fprintf(&b, "  %-11s %s\n", c.name, c.summary)
	}
	b.WriteString(`
CLUSTER.yaml may be - for standard input. Errors are printed as FILE:LINE:COLUMN: message, all of
them at once. Run mesosimg COMMAND --help for a command's flags, formats and outputs.
Exit status: 0 ok, 1 invalid description or failed render (DIR untouched), 2 usage error;
plan: 3 changes planned, 1 also when it refuses a hazard.
`)
	return b.String()
}

// writeHelp prints the full help of the command whose flags fs holds.
func writeHelp(w io.Writer, c command, fs *pflag.FlagSet) {
	fmt.Fprintf(w, "Usage: %s\n\n%s\n", c.usageLine(), c.about)
	if fs != nil && fs.HasFlags() {
		fmt.Fprintf(w, "\nFlags:\n%s", flagUsages(fs))
	}
	fmt.Fprint(w, c.sections())
}

// flagUsages lists flags as "  -o, --output DIR   meaning": a switch shows no value (pflag's
// own listing writes --force[=true|false]).
func flagUsages(fs *pflag.FlagSet) string {
	type row struct{ left, usage string }
	var rows []row
	width := 0
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		left := "    "
		if f.Shorthand != "" {
			left = "-" + f.Shorthand + ", "
		}
		left += "--" + f.Name
		if v := flagValue(f); v != "" {
			left += " " + v
		}
		rows = append(rows, row{left, f.Usage})
		width = max(width, len(left))
	})
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, "  %-*s  %s\n", width, r.left, r.usage)
	}
	return b.String()
}

// valueNames name what a flag takes in the help and the completions, by the flag's name.
var valueNames = map[string]string{"output": "DIR", "format": "LIST", "secrets": "FILE", "from": "OUT", "accept": "HAZARD"}

// flagValue names what a flag takes ("" for a switch): DIR, LIST, FILE, else its type in capitals.
func flagValue(f *pflag.Flag) string {
	if f.Value.Type() == "bool" {
		return ""
	}
	if v, ok := valueNames[f.Name]; ok {
		return v
	}
	return strings.ToUpper(f.Value.Type())
}

// shortUsage is what a usage error prints after its message.
func shortUsage(w io.Writer, c command) {
	fmt.Fprintf(w, "usage: %s\nRun 'mesosimg %s --help' for its flags, formats and outputs.\n", c.usageLine(), c.name)
}

// cmdRender is the render command.
func cmdRender() command {
	c, _ := lookup("render")
	return c
}

// argCountError says what is wrong with the positional arguments rest of c, which takes n of
// them (at most n when optional); "" when nothing is.
func argCountError(c command, rest []string, n int, optional bool) string {
	arg := c.arg
	if arg == "" {
		arg = "argument"
	}
	switch {
	case len(rest) < n && !optional:
		if arg == "CLUSTER.yaml" {
			return "missing CLUSTER.yaml: the description to read (- reads standard input)"
		}
		return "missing " + arg
	case len(rest) > n && n == 0:
		return fmt.Sprintf("takes no arguments, got %d: %s", len(rest), strings.Join(rest, " "))
	case len(rest) > n:
		return fmt.Sprintf("takes one %s, got %d: %s", arg, len(rest), strings.Join(rest, " "))
	}
	return ""
}

// commandList lists the command names.
func commandList() []string {
	names := make([]string, len(commands))
	for i, c := range commands {
		names[i] = c.name
	}
	return append(names, "help")
}

// didYouMean is ` (did you mean "x"?)` for the command nearest to word, or "".
func didYouMean(word string, names []string) string {
	if best := yamlpos.Closest(word, names); best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return ""
}

// runHelp prints the help of mesosimg or of one command (mesosimg help render).
func runHelp(args []string, env Env) int {
	if len(args) == 0 {
		fmt.Fprint(env.Stdout, topUsage())
		return ExitOK
	}
	c, ok := lookup(args[0])
	if !ok || len(args) > 1 {
		fmt.Fprintf(env.Stderr, "mesosimg help: unknown command %q; commands: %s\n", strings.Join(args, " "), commandNames())
		return ExitUsage
	}
	writeHelp(env.Stdout, c, flagsOf(c))
	return ExitOK
}

// commandNames lists the commands, comma-separated.
func commandNames() string { return strings.Join(commandList(), ", ") }

// flagsOf returns the flags command c parses, as its run function defines them: it runs c with
// --help (which stops before anything is read or written) and keeps the flag set it made.
func flagsOf(c command) *pflag.FlagSet {
	var fs *pflag.FlagSet
	c.run([]string{"--help"}, Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard,
		Getenv: func(string) string { return "" }, flagSink: func(f *pflag.FlagSet) { fs = f }})
	return fs
}

// flagInfo is one flag as completion scripts see it.
type flagInfo struct {
	// Name, Short and Usage are the flag's long name, its one-letter name ("" if none) and its help.
	Name, Short, Usage string
	// Value names what the flag takes ("" for a switch): DIR, LIST, FILE.
	Value string
}

// flagList lists c's flags, sorted by name, with --help.
func flagList(c command) []flagInfo {
	out := []flagInfo{{Name: "help", Short: "h", Usage: "show this command's help"}}
	if fs := flagsOf(c); fs != nil {
		fs.VisitAll(func(f *pflag.Flag) {
			if !f.Hidden {
				out = append(out, flagInfo{Name: f.Name, Short: f.Shorthand, Usage: f.Usage, Value: flagValue(f)})
			}
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

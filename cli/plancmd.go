package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/generator"
	"github.com/mesosimg/mesosimg/manifest"
	"github.com/mesosimg/mesosimg/plan"
	"github.com/mesosimg/mesosimg/render/netboot"
	"github.com/mesosimg/mesosimg/report"
	"github.com/mesosimg/mesosimg/rollout"
	"github.com/mesosimg/mesosimg/secrets"
	"github.com/mesosimg/mesosimg/yamlpos"
)

// ExitChanges is plan's status when it plans changes (like terraform plan -detailed-exitcode).
const ExitChanges = 3

// planCommand is the plan command's entry in the command table.
func planCommand() command {
	return command{
		name: "plan", synopsis: "CLUSTER.yaml --from OUT [--accept HAZARD] [--json] [--strict] [--secrets FILE]",
		arg:     "CLUSTER.yaml",
		summary: "show what a changed description does to the cluster rendered in OUT, and how to roll it out",
		about: `Compares CLUSTER.yaml with the last render (--from: its output directory, or its manifest.json)
and prints, like terraform plan, each node as unchanged, reconfigure (which files of its seed
change, and what that does to its services), new or remove, and an ordered rollout with the
condition to wait for before each next step. It renders the new description in memory, with the
formats and SOURCE_DATE_EPOCH of the last render (SOURCE_DATE_EPOCH overrides), and writes nothing.

A change that would lose data or split the cluster is refused with its reason, at the key that
causes it, unless accepted by name with --accept (repeatable, or a comma list). See
docs/changing-a-cluster.md for every hazard and what to do.`,
		sections: func() string { return planHazardsHelp() + planExit + planExamples },
		run:      runPlan,
	}
}

func planHazardsHelp() string {
	var b strings.Builder
	b.WriteString("\nHazards (--accept NAME):\n")
	for _, h := range rollout.Hazards {
		fmt.Fprintf(&b, "  %-27s %s\n", h.Name, h.Risk)
	}
	return b.String()
}

const planExit = `
Exit status:
  0  nothing to do
  1  invalid description or manifest, or a hazard refused
  2  usage error
  3  changes planned
`

const planExamples = `
Examples:
  mesosimg plan cluster.yaml --from out/
  mesosimg plan cluster.yaml --from out/manifest.json --json
  mesosimg plan cluster.yaml --from out/ --accept wipe-replicated-log
`

func runPlan(args []string, env Env) int {
	fs := newFlags("plan", env)
	from := fs.String("from", "", "the last render: its output directory or its manifest.json (required)")
	accept := fs.StringSlice("accept", nil, "accept a hazard by name (repeatable, or a comma list)")
	asJSON := fs.Bool("json", false, "print the plan as JSON (format mesosimg-plan/v1)")
	strict := fs.Bool("strict", false, "treat warnings as errors")
	secretsFile := fs.String("secrets", "", "the credentials file render uses (default <description>.secrets.yaml beside it)")
	rest, code, ok := parse(fs, args, 1, false, env)
	if !ok {
		return code
	}
	c, _ := lookup("plan")
	if *from == "" {
		fmt.Fprintln(env.Stderr, "mesosimg plan: missing --from OUT: the output directory of the last render, or its manifest.json")
		shortUsage(env.Stderr, c)
		return ExitUsage
	}
	accepted, msg := parseAccept(*accept)
	if msg != "" {
		fmt.Fprintln(env.Stderr, "mesosimg plan: --accept: "+msg)
		shortUsage(env.Stderr, c)
		return ExitUsage
	}
	epochEnv := env.Getenv("SOURCE_DATE_EPOCH")
	epoch, err := sourceDateEpoch(epochEnv)
	if err != nil {
		fmt.Fprintf(env.Stderr, "mesosimg plan: %v\n", err)
		return ExitUsage
	}
	l := load(rest[0], *strict, env)
	if l == nil {
		return ExitInvalid
	}
	secPath := secretsPath(l, *secretsFile)
	keys := plan.UsedCredentials(l.cluster)
	if secPath == "" && len(keys) > 0 {
		fmt.Fprintln(env.Stderr, "mesosimg plan: the description comes from standard input and uses credentials: pass --secrets FILE, the file its render used")
		shortUsage(env.Stderr, c)
		return ExitUsage
	}
	bundle, _, ok := loadSecrets(secPath, l, false, *strict, env)
	if !ok {
		return ExitInvalid
	}
	var notes []string
	if missing := bundle.Missing(keys); len(missing) > 0 {
		// Render generates them: in memory here, so the plan shows what render would do.
		if _, err := bundle.Fill(secrets.Reader, keys); err != nil {
			fmt.Fprintf(env.Stderr, "%s: %v\n", secPath, err)
			return ExitInvalid
		}
		notes = append(notes, fmt.Sprintf("%s lacks %s: render generates them (new secrets)", secPath, keyList(missing)))
	}
	bundle.Cluster = l.cluster.Cluster
	old, err := manifest.Read(*from)
	if err != nil {
		fmt.Fprintln(env.Stderr, err)
		return ExitInvalid
	}
	opts := generator.Options{Secrets: bundle, Description: l.src.Data, Version: Version}
	opts.Formats, notes = formatsOf(old, l.cluster, notes)
	if epochEnv == "" {
		epoch = time.Unix(old.SourceDateEpoch, 0).UTC()
	} else if epoch.Unix() != old.SourceDateEpoch {
		notes = append(notes, fmt.Sprintf("SOURCE_DATE_EPOCH=%d differs from the last render's %d: every seed image changes", epoch.Unix(), old.SourceDateEpoch))
	}
	opts.Epoch = epoch
	renderedNew, err := generator.Manifest(l.cluster, opts)
	if err != nil {
		// What fails here follows from the description (validation has passed): name it.
		fmt.Fprintf(env.Stderr, "%s: %v\n", l.src.Name, err)
		return ExitInvalid
	}
	out := outDirOf(*from)
	ropts := rollout.Options{Accept: accepted, OutDir: out, SecretsFile: secPath, Notes: notes,
		RenderCommand: renderCommand(rest[0], out, *secretsFile, opts, epochEnv != "" || old.SourceDateEpoch != generator.DefaultEpoch.Unix())}
	if rollout.NeedsFirewallStage(old, renderedNew) {
		if ropts.FirewallStage, err = generator.Manifest(firewallStage(old, l.cluster, opts)); err != nil {
			fmt.Fprintf(env.Stderr, "%s: the firewall stage: %v\n", l.src.Name, err)
			return ExitInvalid
		}
	}
	p := rollout.Build(old, renderedNew, l.cluster, ropts)
	if refused := p.Refused(); len(refused) > 0 {
		printRefusals(refused, l, secPath, env)
		return ExitInvalid
	}
	if *asJSON {
		data, err := p.JSON()
		if err != nil {
			fmt.Fprintf(env.Stderr, "mesosimg plan: %v\n", err)
			return ExitInvalid
		}
		env.Stdout.Write(data)
	} else {
		fmt.Fprint(env.Stdout, p.Text(l.src.Name, out))
	}
	if p.Changed {
		return ExitChanges
	}
	return ExitOK
}

// parseAccept reads --accept values into hazard names; msg says what is wrong ("" when nothing).
func parseAccept(values []string) ([]rollout.HazardName, string) {
	var out []rollout.HazardName
	for _, v := range values {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		if !rollout.KnownHazard(v) {
			return nil, fmt.Sprintf("unknown hazard %q%s; hazards: %s", v, didYouMean(v, rollout.HazardNames()), strings.Join(rollout.HazardNames(), ", "))
		}
		out = append(out, rollout.HazardName(v))
	}
	return out, ""
}

// formatsOf are the formats to render the new description with: the last render's, so file
// digests compare like with like (nil when it rendered every format). pxe is dropped, with a
// note, when the new description no longer enables it.
func formatsOf(old *manifest.Manifest, c *v1.Cluster, notes []string) ([]generator.Format, []string) {
	rendered := map[string]bool{}
	for _, f := range old.Formats {
		rendered[f] = true
	}
	all := true
	var list []generator.Format
	for _, f := range generator.Formats {
		switch {
		case f == generator.FormatPXE && rendered[string(f)] && !netboot.Enabled(c):
			notes = append(notes, "the last render wrote pxe/, which the new description no longer enables (installer.answers_url): its files go")
		case rendered[string(f)]:
			list = append(list, f)
		case f != generator.FormatPXE:
			all = false
		}
	}
	if all {
		return nil, notes
	}
	return list, notes
}

// renderManifest renders the description in memory and returns the manifest of that render;
// firewallStage is the description of the firewall stage of a rollout from old to d, and
// the options that render it.
func firewallStage(old *manifest.Manifest, d *v1.Cluster, opts generator.Options) (*v1.Cluster, generator.Options) {
	stage, peers := rollout.FirewallStage(old, d)
	opts.Stage, opts.Admit = manifest.StageFirewall, peers
	return stage, opts
}

// stageOf is the description and options of the firewall stage of the rollout from the render
// in out to l's description (see rollout.FirewallStage); ok is false when there is none,
// after saying why.
func stageOf(out string, l *loaded, opts generator.Options, env Env) (*v1.Cluster, generator.Options, bool) {
	fail := func(format string, a ...any) (*v1.Cluster, generator.Options, bool) {
		fmt.Fprintf(env.Stderr, "mesosimg render --stage %s: %s\n", manifest.StageFirewall, fmt.Sprintf(format, a...))
		return nil, opts, false
	}
	old, err := manifest.Read(out)
	if err != nil {
		return fail("%v (the stage opens the firewalls of the cluster rendered in %s)", err, out)
	}
	next, err := generator.Manifest(l.cluster, opts)
	if err != nil {
		return fail("%s: %v", l.src.Name, err)
	}
	switch {
	case old.Stage != "":
		return fail("%s holds the %s stage already: render the description itself (without --stage), as the plan's next step says", out, old.Stage)
	case !rollout.NeedsFirewallStage(old, next):
		return fail("the rollout from the render in %s to %s needs no firewall stage (no firewall, no new ZooKeeper member, or the running members admit the new ones already): render the description itself", out, l.src.Name)
	}
	stage, opts := firewallStage(old, l.cluster, opts)
	m, err := generator.Manifest(stage, opts)
	if err != nil {
		return fail("%s: %v", l.src.Name, err)
	}
	if why := rollout.CheckFirewallStage(old, m); why != "" {
		return fail("no firewall stage of the render in %s keeps its nodes as they run: %s (mesosimg plan says what to do)", out, why)
	}
	return stage, opts, true
}

// outDirOf is the output directory --from names (the directory of a manifest.json).
func outDirOf(from string) string {
	if info, err := os.Stat(from); err == nil && info.IsDir() {
		return filepath.Clean(from)
	}
	return filepath.Dir(from)
}

// renderCommand is the render that makes the output the plan compares: same formats, epoch
// and credentials file.
func renderCommand(desc, out, secretsFlag string, opts generator.Options, epoch bool) string {
	var b strings.Builder
	if epoch {
		fmt.Fprintf(&b, "SOURCE_DATE_EPOCH=%d ", opts.Epoch.Unix())
	}
	fmt.Fprintf(&b, "mesosimg render %s -o %s", shellWord(desc), shellWord(out))
	if len(opts.Formats) > 0 {
		names := make([]string, len(opts.Formats))
		for i, f := range opts.Formats {
			names[i] = string(f)
		}
		fmt.Fprintf(&b, " --format %s", strings.Join(names, ","))
	}
	if secretsFlag != "" {
		fmt.Fprintf(&b, " --secrets %s", shellWord(secretsFlag))
	}
	return b.String()
}

// shellWord quotes s for a POSIX shell when it holds anything but safe characters.
func shellWord(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./+:=@%,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func keyList(keys []secrets.Key) string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = string(k)
	}
	return strings.Join(out, ", ")
}

// printRefusals prints every refused hazard as FILE:LINE:COLUMN: path: message, at the key of
// the description or of the secrets file that causes it.
func printRefusals(refused []rollout.Hazard, l *loaded, secPath string, env Env) {
	var desc, sec report.Report
	for _, h := range refused {
		e := report.Entry{Severity: report.Error, Path: h.Path, Message: h.Message()}
		if h.File == rollout.InSecrets {
			sec.Add(e)
		} else {
			desc.Add(e)
		}
	}
	desc.Correlate(positionsOf(l.src.Data, &v1.Cluster{}).Lookup)
	desc.Sort()
	fmt.Fprint(env.Stderr, desc.Format(l.src.Name))
	if len(sec.Entries) > 0 {
		data, _ := os.ReadFile(secPath) // a missing file (credentials render would generate) has no positions: 1:1
		sec.Correlate(positionsOf(data, &secrets.Bundle{}).Lookup)
		sec.Sort()
		fmt.Fprint(env.Stderr, sec.Format(secPath))
	}
}

// positionsOf are the positions of every value of a YAML document decoded as into (empty
// when it does not parse: the loader has already reported that).
func positionsOf(data []byte, into any) yamlpos.Positions {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return yamlpos.Positions{}
	}
	pos, _ := yamlpos.Decode(doc.Content[0], into)
	return pos
}

// Package cli is mesosimg's command line: it parses arguments, reads the
// description, calls the generator and writes output, and maps every outcome
// to an exit status (0 ok, 1 invalid input or failed render, 2 usage error).
package cli

import (
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"github.com/mesosimg/mesosimg/config"
	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/generator"
	"github.com/mesosimg/mesosimg/manifest"
	"github.com/mesosimg/mesosimg/output"
	"github.com/mesosimg/mesosimg/plan"
	"github.com/mesosimg/mesosimg/report"
	"github.com/mesosimg/mesosimg/secrets"
)

// Exit statuses.
const (
	ExitOK      = 0
	ExitInvalid = 1
	ExitUsage   = 2
)

// Version is set at build time with -ldflags "-X github.com/mesosimg/mesosimg/cli.Version=…".
var Version = devVersion

//go:embed starter.yaml
var starter []byte

// Starter returns the commented starter description `mesosimg init` writes.
func Starter() []byte { return append([]byte(nil), starter...) }

// Env is what a command may touch.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Getenv reads environment variables (SOURCE_DATE_EPOCH).
	Getenv func(string) string
	// flagSink, when set, receives each flag set a command makes (see flagsOf).
	flagSink func(*pflag.FlagSet)
}

// Run runs mesosimg with args (without the program name) and returns the exit status.
func Run(args []string, env Env) int {
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	if len(args) == 0 {
		fmt.Fprint(env.Stderr, topUsage())
		return ExitUsage
	}
	switch args[0] {
	case "render":
		return runRender(args[1:], env)
	case "validate":
		return runValidate(args[1:], env)
	case "plan":
		return runPlan(args[1:], env)
	case "init":
		return runInit(args[1:], env)
	case "version", "--version":
		return runVersion(args[1:], env)
	case "completion":
		return runCompletion(args[1:], env)
	case "help", "-h", "--help":
		return runHelp(args[1:], env)
	default:
		fmt.Fprintf(env.Stderr, "mesosimg: unknown command %q%s; commands: %s (mesosimg help shows what each does)\n", args[0], didYouMean(args[0], commandList()), commandNames())
		return ExitUsage
	}
}

func newFlags(name string, env Env) *pflag.FlagSet {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.SetInterspersed(true)
	fs.Usage = func() {} // parse prints the help (--help) or a short usage (errors) itself
	if env.flagSink != nil {
		env.flagSink(fs)
	}
	return fs
}

// parse parses flags and wants exactly n positional arguments (or at most n when optional).
// When it returns ok=false, code is the exit status: 0 after --help, 2 for a usage error.
func parse(fs *pflag.FlagSet, args []string, n int, optional bool, env Env) (rest []string, code int, ok bool) {
	c, _ := lookup(fs.Name())
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			writeHelp(env.Stdout, c, fs)
			return nil, ExitOK, false
		}
		fmt.Fprintf(env.Stderr, "mesosimg %s: %v\n", fs.Name(), err)
		shortUsage(env.Stderr, c)
		return nil, ExitUsage, false
	}
	rest = fs.Args()
	if msg := argCountError(c, rest, n, optional); msg != "" {
		fmt.Fprintf(env.Stderr, "mesosimg %s: %s\n", fs.Name(), msg)
		shortUsage(env.Stderr, c)
		return nil, ExitUsage, false
	}
	return rest, ExitOK, true
}

// loaded is a valid description and where it came from.
type loaded struct {
	cluster *v1.Cluster
	src     config.Source
}

// load reads and validates a description, printing its report. It returns nil when invalid.
func load(arg string, strict bool, env Env) *loaded {
	src := config.Source{Name: arg, ReadFile: config.ReadRegularFile}
	var err error
	if arg == "-" {
		src.Name = stdinName
		src.Dir, _ = os.Getwd()
		src.Data, err = io.ReadAll(io.LimitReader(env.Stdin, config.MaxSize+1))
	} else {
		src.Dir = filepath.Dir(arg)
		src.Data, err = readLimited(arg)
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "%s: %v\n", src.Name, err)
		return nil
	}
	c, rep := config.Load(src)
	if strict {
		for i := range rep.Entries {
			rep.Entries[i].Severity = report.Error
		}
	}
	// Each finding on one line as FILE:LINE:COLUMN: message; a syntax error followed by its source lines.
	fmt.Fprint(env.Stderr, rep.FormatSource(src.Name, src.Data))
	if rep.HasErrors() {
		return nil
	}
	return &loaded{cluster: c, src: src}
}

// secretsPath is where a description's credentials live: --secrets, else security.secrets_file
// (relative to the description; to the working directory for standard input), else
// <description>.secrets.yaml beside it. A description read from standard input has no such
// default (its directory is unknown, and one shared file would mix clusters): "" then.
func secretsPath(l *loaded, flag string) string {
	if flag != "" {
		return flag
	}
	if f := l.cluster.Security.SecretsFile; f != "" {
		if filepath.IsAbs(f) {
			return f
		}
		return filepath.Join(l.src.Dir, f)
	}
	if l.src.Name == stdinName {
		return ""
	}
	base := filepath.Base(l.src.Name)
	for _, ext := range []string{".yaml", ".yml"} {
		base = strings.TrimSuffix(base, ext)
	}
	return filepath.Join(l.src.Dir, base+".secrets.yaml")
}

// stdinName names standard input in messages.
const stdinName = "<stdin>"

// legacyStdinSecrets is the file mesosimg used for every description read from standard input
// before a secrets file recorded its cluster.
const legacyStdinSecrets = "cluster.secrets.yaml"

// stdinSecretsUsage is the usage error of a render from standard input that needs credentials
// but names no file for them.
func stdinSecretsUsage(keys []secrets.Key) string {
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = string(k)
	}
	msg := fmt.Sprintf("mesosimg render: the description comes from standard input and uses credentials (%s), which need a file of their own: pass --secrets FILE (created 0600 on the first render, reused by the later ones) or set security.secrets_file in the description (relative to the working directory)", strings.Join(names, ", "))
	if _, err := os.Lstat(legacyStdinSecrets); err == nil {
		msg += fmt.Sprintf("; %s here is the file earlier versions used for every description read from standard input: pass --secrets %s if it holds this cluster's credentials", legacyStdinSecrets, legacyStdinSecrets)
	}
	return msg
}

// loadSecrets reads the credentials file at path for l's cluster, printing positioned problems
// (--strict: warnings as errors). With create it fills in the credentials the description uses
// and lacks, and adopts a file that names no cluster; save says the caller must then write the
// bundle. Credentials the description does not use are kept as they are, never generated. A
// path of "" (standard input, nothing named) reads nothing.
func loadSecrets(path string, l *loaded, create, strict bool, env Env) (b *secrets.Bundle, save, ok bool) {
	cluster := l.cluster.Cluster
	if path == "" {
		return &secrets.Bundle{Cluster: cluster}, false, true
	}
	b, exists, rep, err := secrets.Load(path, cluster)
	if err != nil {
		fmt.Fprintf(env.Stderr, "%s: %v\n", path, err)
		return nil, false, false
	}
	if strict {
		for i := range rep.Entries {
			rep.Entries[i].Severity = report.Error
		}
	}
	fmt.Fprint(env.Stderr, rep.Format(path))
	if rep.HasErrors() {
		return nil, false, false
	}
	if !create {
		return b, false, true
	}
	keys := plan.UsedCredentials(l.cluster)
	missing := b.Missing(keys)
	added, err := b.Fill(secrets.Reader, keys)
	if err != nil {
		fmt.Fprintf(env.Stderr, "%s: %v\n", path, err)
		return nil, false, false
	}
	adopted := exists && b.Cluster == ""
	b.Cluster = cluster
	if added && exists {
		names := make([]string, len(missing))
		for i, k := range missing {
			names[i] = string(k)
		}
		fmt.Fprintf(env.Stderr, "%s: adding the credentials the description now uses: %s\n", path, strings.Join(names, ", "))
	}
	// A new file only when a credential is in use: a cluster whose switches are all off has none.
	return b, added || adopted, true
}

func readLimited(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if info.IsDir() {
		return nil, fmt.Errorf("is a directory, not a description file")
	}
	return io.ReadAll(io.LimitReader(f, config.MaxSize+1))
}

func runValidate(args []string, env Env) int {
	fs := newFlags("validate", env)
	strict := fs.Bool("strict", false, "treat warnings as errors")
	secretsFile := fs.String("secrets", "", "credentials file (default <description>.secrets.yaml beside it; none for standard input)")
	rest, code, ok := parse(fs, args, 1, false, env)
	if !ok {
		return code
	}
	l := load(rest[0], *strict, env)
	if l == nil {
		return ExitInvalid
	}
	if _, _, ok := loadSecrets(secretsPath(l, *secretsFile), l, false, *strict, env); !ok {
		return ExitInvalid
	}
	return ExitOK
}

func runRender(args []string, env Env) int {
	fs := newFlags("render", env)
	out := fs.StringP("output", "o", "", "output directory (required); replaced whole on success")
	formats := fs.String("format", "", "comma-separated formats to render (default all): "+formatNames())
	force := fs.Bool("force", false, "replace DIR even if it was not written by mesosimg")
	strict := fs.Bool("strict", false, "treat warnings as errors")
	secretsFile := fs.String("secrets", "", "credentials file, created 0600 on the first render and reused (default <description>.secrets.yaml beside it; required for standard input when credentials are in use)")
	stage := fs.String("stage", "", "render a stage of the rollout `mesosimg plan` prints instead of the description: "+manifest.StageFirewall)
	rest, code, ok := parse(fs, args, 1, false, env)
	if !ok {
		return code
	}
	if *out == "" {
		fmt.Fprintln(env.Stderr, "mesosimg render: missing -o DIR (the output directory)")
		shortUsage(env.Stderr, cmdRender())
		return ExitUsage
	}
	if *stage != "" && *stage != manifest.StageFirewall {
		fmt.Fprintf(env.Stderr, "mesosimg render: --stage: unknown stage %q; valid: %s\n", *stage, manifest.StageFirewall)
		return ExitUsage
	}
	opts := generator.Options{}
	if *formats != "" {
		list, err := generator.ParseFormats(*formats)
		if err != nil {
			fmt.Fprintf(env.Stderr, "mesosimg render: --format: %v\n", err)
			return ExitUsage
		}
		opts.Formats = list
	}
	epoch, err := sourceDateEpoch(env.Getenv("SOURCE_DATE_EPOCH"))
	if err != nil {
		fmt.Fprintf(env.Stderr, "mesosimg render: %v\n", err)
		return ExitUsage
	}
	opts.Epoch = epoch
	l := load(rest[0], *strict, env)
	if l == nil {
		return ExitInvalid
	}
	secPath := secretsPath(l, *secretsFile)
	if keys := plan.UsedCredentials(l.cluster); secPath == "" && len(keys) > 0 {
		fmt.Fprintln(env.Stderr, stdinSecretsUsage(keys))
		shortUsage(env.Stderr, cmdRender())
		return ExitUsage
	}
	bundle, changed, ok := loadSecrets(secPath, l, true, *strict, env)
	if !ok {
		return ExitInvalid
	}
	opts.Secrets = bundle
	opts.Description = l.src.Data // manifest.json records its sha256
	opts.Version = Version
	cluster := l.cluster
	if *stage != "" {
		if cluster, opts, ok = stageOf(*out, l, opts, env); !ok {
			return ExitInvalid
		}
	}
	opts.ReuseData = true // dir.Add writes each file before it returns and keeps none
	dir, err := output.Begin(*out, *force)
	if err != nil {
		fmt.Fprintf(env.Stderr, "mesosimg render: %v\n", err)
		return ExitInvalid
	}
	if err := generator.Generate(cluster, opts, dir.Add); err != nil {
		dir.Abort()
		// What fails here follows from the description (validation has passed): name it.
		fmt.Fprintf(env.Stderr, "%s: %v\n", l.src.Name, err)
		return ExitInvalid
	}
	if changed {
		_, statErr := os.Lstat(secPath)
		// Saved before the output lands, so no output ever holds credentials its file lacks.
		if err := secrets.Save(secPath, bundle); err != nil {
			dir.Abort()
			fmt.Fprintf(env.Stderr, "mesosimg render: saving credentials: %v (choose a writable place with --secrets FILE)\n", err)
			return ExitInvalid
		}
		if statErr != nil {
			fmt.Fprintf(env.Stderr, "wrote credentials to %s (mode 0600, cluster %s): keep it private and beside the description; renders of this cluster reuse it\n", secPath, l.cluster.Cluster)
		} else {
			fmt.Fprintf(env.Stderr, "updated %s (cluster: %s)\n", secPath, l.cluster.Cluster)
		}
	}
	if err := dir.Commit(); err != nil {
		fmt.Fprintf(env.Stderr, "mesosimg render: %v\n", err)
		return ExitInvalid
	}
	return ExitOK
}

func formatNames() string {
	s := make([]string, len(generator.Formats))
	for i, f := range generator.Formats {
		s[i] = string(f)
	}
	return strings.Join(s, ",")
}

func runInit(args []string, env Env) int {
	fs := newFlags("init", env)
	force := fs.Bool("force", false, "overwrite FILE if it exists")
	rest, code, ok := parse(fs, args, 1, true, env)
	if !ok {
		return code
	}
	name := "cluster.yaml"
	if len(rest) == 1 {
		name = rest[0]
	}
	if name == "-" {
		env.Stdout.Write(starter)
		return ExitOK
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if *force {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(name, flags, 0o644)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			fmt.Fprintf(env.Stderr, "mesosimg init: %s exists; pass --force to overwrite it\n", name)
		} else {
			fmt.Fprintf(env.Stderr, "mesosimg init: %v\n", err)
		}
		return ExitInvalid
	}
	if _, err := f.Write(starter); err != nil {
		f.Close()
		fmt.Fprintf(env.Stderr, "mesosimg init: %v\n", err)
		return ExitInvalid
	}
	if err := f.Close(); err != nil {
		fmt.Fprintf(env.Stderr, "mesosimg init: %v\n", err)
		return ExitInvalid
	}
	fmt.Fprintf(env.Stderr, "wrote %s: edit it, then run mesosimg render %s -o out/\n", name, name)
	return ExitOK
}

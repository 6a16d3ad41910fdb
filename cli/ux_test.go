package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mesosimg/mesosimg/cli"
	"github.com/mesosimg/mesosimg/generator"
)

// TestSyntaxErrorThroughTheCLI: a YAML syntax error prints as FILE:LINE:COLUMN: message at the
// fault, followed by the source lines of the opener and the fault with their markers.
func TestSyntaxErrorThroughTheCLI(t *testing.T) {
	desc := "cluster: demo\nnodes:\n  - name: master1\n    ip: 192.168.1.101\n    roles: [zookeeper, master\n  - name: agent1\n    ip: 192.168.1.102\n    roles: [agent]\n"
	r := run(t, desc, "validate", "-")
	lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
	if r.code != cli.ExitInvalid || len(lines) != 5 {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if want := "<stdin>:6:9: invalid YAML: did not find expected ',' or ']': the list opened with '[' at line 5, column 12 is not closed"; !strings.HasPrefix(lines[0], want) {
		t.Errorf("first line %q; want it to start with %q", lines[0], want)
	}
	if lines[1] != " 5 |     roles: [zookeeper, master" || lines[3] != " 6 |   - name: agent1" {
		t.Errorf("source lines:\n%s", r.stderr)
	}
	// Each marker under its column: '[' at 5:12, the fault at 6:9.
	if strings.Index(lines[2], "-") != strings.Index(lines[1], "[") || strings.Index(lines[4], "^") != strings.Index(lines[3], ":") {
		t.Errorf("markers not under their columns:\n%s", r.stderr)
	}
}

// TestRenderHelp: render --help (and help render) shows the synopsis, what render does, its flags
// without pflag's [=true|false], every format with what it writes, the outputs, the exit
// statuses and examples, on standard output.
func TestRenderHelp(t *testing.T) {
	r := run(t, "", "render", "--help")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("render --help: %+v", r)
	}
	for _, want := range []string{
		"Usage: mesosimg render CLUSTER.yaml -o DIR [--format LIST] [--force] [--strict] [--secrets FILE] [--stage firewall]\n",
		"\nFlags:\n", "  -o, --output DIR ", "      --format LIST ", "      --force ", "      --secrets FILE ",
		"\nFormats (--format, comma-separated; default all):\n",
		"\nOutput (DIR):\n", "nodes/<node>/user-data", "nodes/<node>/seed.iso", "packer/",
		"\nExit status:\n  0  rendered\n  1  invalid description or failed render (DIR untouched)\n  2  usage error\n",
		"\nExamples:\n  mesosimg render cluster.yaml -o out/\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("render --help lacks %q:\n%s", want, r.stdout)
		}
	}
	for _, f := range generator.Formats {
		if !regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(string(f)) + ` +\S.*\S$`).MatchString(r.stdout) {
			t.Errorf("render --help does not say what format %s writes:\n%s", f, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "[=true|false]") {
		t.Errorf("render --help shows pflag's [=true|false]:\n%s", r.stdout)
	}
	if h := run(t, "", "help", "render"); h.code != 0 || h.stdout != r.stdout {
		t.Errorf("help render differs from render --help: %+v", h)
	}
	for _, cmd := range []string{"validate", "init", "version", "completion"} {
		if h := run(t, "", cmd, "--help"); h.code != 0 || !strings.HasPrefix(h.stdout, "Usage: mesosimg "+cmd) {
			t.Errorf("%s --help: %+v", cmd, h)
		}
	}
}

// TestTopLevelHelp: mesosimg help names everything render writes and every command.
func TestTopLevelHelp(t *testing.T) {
	r := run(t, "", "help")
	if r.code != 0 {
		t.Fatalf("help: %+v", r)
	}
	for _, want := range []string{"user-data", "meta-data", "network-config", "seed images", "installer answers",
		"preseed", "autoinstall", "iPXE", "PXELINUX", "kernel command lines", "Packer", "manifest.json",
		"mesosimg render CLUSTER.yaml -o DIR", "mesosimg validate CLUSTER.yaml", "mesosimg init [FILE]",
		"mesosimg version", "mesosimg completion bash|zsh|fish", "mesosimg help [COMMAND]", "Exit status:"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("help lacks %q:\n%s", want, r.stdout)
		}
	}
	if none := run(t, ""); none.code != cli.ExitUsage || none.stderr != r.stdout {
		t.Errorf("mesosimg without a command: exit %d; want 2 and the help on stderr", none.code)
	}
}

// TestUsageErrorMessages: a usage error says what is missing or extra, never ends in a dangling
// colon, and points at --help.
func TestUsageErrorMessages(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"render"}, "mesosimg render: missing CLUSTER.yaml: the description to read (- reads standard input)\n"},
		{[]string{"validate"}, "mesosimg validate: missing CLUSTER.yaml: the description to read (- reads standard input)\n"},
		{[]string{"validate", "a.yaml", "b.yaml"}, "mesosimg validate: takes one CLUSTER.yaml, got 2: a.yaml b.yaml\n"},
		{[]string{"render", example}, "mesosimg render: missing -o DIR (the output directory)\n"},
		{[]string{"version", "now"}, "mesosimg version: takes no arguments, got 1: now\n"},
		{[]string{"completion"}, "mesosimg completion: missing SHELL\n"},
		{[]string{"completion", "tcsh"}, "mesosimg completion: unknown shell \"tcsh\"; valid: bash, zsh, fish\n"},
		{[]string{"completion", "Bash"}, "mesosimg completion: unknown shell \"Bash\" (did you mean \"bash\"?)"},
		{[]string{"rendr"}, "mesosimg: unknown command \"rendr\" (did you mean \"render\"?)"},
		{[]string{"render", "--forse"}, "mesosimg render: unknown flag: --forse\n"},
	} {
		r := run(t, "", tt.args...)
		if r.code != cli.ExitUsage || !strings.HasPrefix(r.stderr, tt.want) {
			t.Errorf("mesosimg %v: exit %d, stderr:\n%s\nwant 2 and a first line %q", tt.args, r.code, r.stderr, tt.want)
		}
		for _, l := range strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n") {
			if strings.HasSuffix(l, ":") || strings.HasSuffix(l, ": ") {
				t.Errorf("mesosimg %v: a line ends in a colon: %q", tt.args, l)
			}
		}
		if tt.args[0] == "render" && !strings.Contains(r.stderr, "Run 'mesosimg render --help'") {
			t.Errorf("mesosimg %v: the error does not point at --help:\n%s", tt.args, r.stderr)
		}
	}
}

// completionScript writes the script of a shell to a file.
func completionScript(t *testing.T, shell string) string {
	t.Helper()
	r := run(t, "", "completion", shell)
	if r.code != 0 || r.stdout == "" {
		t.Fatalf("completion %s: %+v", shell, r)
	}
	path := filepath.Join(t.TempDir(), "mesosimg."+shell)
	if err := os.WriteFile(path, []byte(r.stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func needShell(t *testing.T, shell string) string {
	t.Helper()
	p, err := exec.LookPath(shell)
	if err != nil {
		t.Fatalf("%s is not installed: run `make deps` (apt-get install %s)", shell, shell)
	}
	return p
}

// TestCompletionBash checks the bash script with bash -n, then sources it and calls its
// completion function for partial words, as bash does on Tab.
func TestCompletionBash(t *testing.T) {
	bash := needShell(t, "bash")
	script := completionScript(t, "bash")
	if out, err := exec.Command(bash, "-n", script).CombinedOutput(); err != nil {
		t.Fatalf("bash -n: %v\n%s", err, out)
	}
	dir := t.TempDir()
	for _, f := range []string{"prod.yaml", "lab.yml", "prod.txt", "out/x", "prodir/x"} {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(f)), 0o755)
		os.WriteFile(filepath.Join(dir, f), nil, 0o644)
	}
	for _, tt := range []struct {
		words string // the command line, split as bash splits it; the last word is completed
		want  string
	}{
		{"mesosimg ''", "completion help init plan render validate version"},
		{"mesosimg ren", "render"},
		{"mesosimg completion ''", "bash fish zsh"},
		{"mesosimg help va", "validate"},
		{"mesosimg render --fo", "--force --format"},
		{"mesosimg render -", "--force --format --help --output --secrets --stage --strict -h -o"},
		{"mesosimg validate --", "--help --secrets --strict"},
		{"mesosimg render --format ''", "cloud-init installer iso packer pxe vfat"},
		{"mesosimg render --format i", "installer iso"},
		{"mesosimg render --format cloud-init,i", "cloud-init,installer cloud-init,iso"},
		{"mesosimg render --format = p", "packer pxe"},
		{"mesosimg render x.yaml --format =", "cloud-init installer iso packer pxe vfat"},
		{"mesosimg render prod.yaml -o ''", "out prodir"},
		{"mesosimg render pro", "prod.yaml prodir"},
		{"mesosimg validate ''", "lab.yml out prod.yaml prodir"},
	} {
		cmd := exec.Command(bash, "-c", `source "$1"; eval "COMP_WORDS=($2)"; COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _mesosimg; printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' '`, "bash", script, tt.words)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if got := strings.TrimSpace(string(out)); err != nil || got != tt.want {
			t.Errorf("complete %q: got %q (%v); want %q", tt.words, got, err, tt.want)
		}
	}
}

// TestCompletionZsh: the zsh script parses (zsh -n) and, sourced after compinit, registers its
// function for mesosimg.
func TestCompletionZsh(t *testing.T) {
	zsh := needShell(t, "zsh")
	script := completionScript(t, "zsh")
	if out, err := exec.Command(zsh, "-n", script).CombinedOutput(); err != nil {
		t.Fatalf("zsh -n: %v\n%s", err, out)
	}
	check := `autoload -Uz compinit && compinit -u -d "$2" && source "$1" && [[ $_comps[mesosimg] == _mesosimg ]] && (( $+functions[_mesosimg_formats] )) && print ok`
	out, err := exec.Command(zsh, "-f", "-c", check, "zsh", script, filepath.Join(t.TempDir(), "zcompdump")).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "ok" {
		t.Errorf("zsh: sourcing the script after compinit: %v\n%s", err, out)
	}
}

// TestCompletionFish has fish complete partial command lines with the script loaded.
func TestCompletionFish(t *testing.T) {
	fish := needShell(t, "fish")
	script := completionScript(t, "fish")
	if out, err := exec.Command(fish, "--no-execute", script).CombinedOutput(); err != nil {
		t.Fatalf("fish --no-execute: %v\n%s", err, out)
	}
	for _, tt := range []struct{ line, want string }{
		{"mesosimg ren", "render"},
		{"mesosimg render --fo", "--force --format"},
		{"mesosimg render --format cloud-init,p", "cloud-init,packer cloud-init,pxe"},
		{"mesosimg completion ", "bash fish zsh"},
		{"mesosimg render --format=cloud-init,p", "--format=cloud-init,packer --format=cloud-init,pxe"},
	} {
		cmd := exec.Command(fish, "--no-config", "-c", `source $argv[1]; complete -C"$argv[2]" | cut -f1 | sort | tr '\n' ' '`, script, tt.line)
		cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
		out, err := cmd.CombinedOutput()
		if got := strings.TrimSpace(string(out)); err != nil || got != tt.want {
			t.Errorf("fish complete %q: got %q (%v); want %q", tt.line, got, err, tt.want)
		}
	}
}

// TestMakeInstall installs into a staging DESTDIR under a PREFIX: the binary (0755) and the three
// completion scripts (0644) land where each shell looks, the installed binary runs, and
// make uninstall removes them all.
func TestMakeInstall(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Fatal("make is not installed (apt-get install make)")
	}
	stage, build := t.TempDir(), t.TempDir()
	args := []string{"-C", "..", "--no-print-directory", "DESTDIR=" + stage, "PREFIX=/opt/mesosimg", "BIN=" + filepath.Join(build, "mesosimg")}
	if out, err := exec.Command("make", append(args, "install")...).CombinedOutput(); err != nil {
		t.Fatalf("make install: %v\n%s", err, out)
	}
	root := filepath.Join(stage, "opt", "mesosimg")
	files := map[string]os.FileMode{
		"bin/mesosimg": 0o755,
		"share/bash-completion/completions/mesosimg":    0o644,
		"share/zsh/site-functions/_mesosimg":            0o644,
		"share/fish/vendor_completions.d/mesosimg.fish": 0o644,
	}
	for f, mode := range files {
		info, err := os.Stat(filepath.Join(root, f))
		if err != nil || info.Mode().Perm() != mode {
			t.Errorf("%s: %v, mode %v; want %v", f, err, info, mode)
		}
	}
	if out, err := exec.Command(filepath.Join(root, "bin", "mesosimg"), "version").Output(); err != nil || !strings.HasPrefix(string(out), "mesosimg ") {
		t.Errorf("installed mesosimg version: %v %q", err, out)
	}
	if bash, _ := os.ReadFile(filepath.Join(root, "share/bash-completion/completions/mesosimg")); !strings.Contains(string(bash), "complete -F _mesosimg mesosimg") {
		t.Errorf("the installed bash completion is not the script")
	}
	if out, err := exec.Command("make", append(args, "uninstall")...).CombinedOutput(); err != nil {
		t.Fatalf("make uninstall: %v\n%s", err, out)
	}
	for f := range files {
		if _, err := os.Stat(filepath.Join(root, f)); err == nil {
			t.Errorf("make uninstall left %s", f)
		}
	}
}

// TestVersionFromGit builds the binary as `make build` does, from a plain clone of this
// checkout's HEAD, and finds the commit and its date in `mesosimg version`. The clone, not this
// directory: a linked worktree (.git is a file) is no VCS root to cmd/go before Go 1.27 (vcs.go
// declares git's root as a .git directory; golang/go#58218), which then stamps nothing.
func TestVersionFromGit(t *testing.T) {
	git := func(args ...string) string {
		out, err := exec.Command("git", args...).Output()
		if err != nil {
			t.Fatalf("git %v: %v (the test needs the git checkout and git)", args, err)
		}
		return strings.TrimSpace(string(out))
	}
	commit := git("rev-parse", "HEAD")
	sec, err := strconv.ParseInt(git("log", "-1", "--format=%ct"), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	date := time.Unix(sec, 0).UTC().Format(time.RFC3339)
	clone := filepath.Join(t.TempDir(), "clone")
	git("clone", "--quiet", "--shared", git("rev-parse", "--show-toplevel"), clone)
	bin := filepath.Join(t.TempDir(), "mesosimg")
	build := exec.Command("go", "build", "-buildvcs=auto", "-trimpath", "-o", bin, "./cmd/mesosimg")
	build.Dir = clone
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	want := regexp.MustCompile(`^mesosimg \S+ \(commit ` + commit[:12] + `, ` + regexp.QuoteMeta(date) + `; description format version 1\)\n$`)
	if !want.Match(out) {
		t.Errorf("version = %q; want commit %s and date %s", out, commit[:12], date)
	}
}

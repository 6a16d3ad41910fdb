package cli_test

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mesosimg/mesosimg/cli"
	"github.com/mesosimg/mesosimg/internal/golden"
	"github.com/mesosimg/mesosimg/rollout"
)

// planCases holds the description pairs: testdata/plan/<case>/{old.yaml,new.yaml}, rendered
// with testdata/plan/secrets.yaml (or the case's new.secrets.yaml for the new description).
const planCases = "../testdata/plan"

// planCase renders a case's old description into a temporary output directory and returns
// what plan needs: the directory, the new description and its secrets file.
type planCase struct {
	dir, out, desc, secrets string
}

func setupPlan(t *testing.T, name string) planCase {
	t.Helper()
	dir := filepath.Join(planCases, name)
	tmp := t.TempDir()
	c := planCase{dir: dir, out: filepath.Join(tmp, "out"), desc: filepath.Join(dir, "new.yaml"), secrets: filepath.Join(tmp, "new.secrets.yaml")}
	oldSecrets := filepath.Join(tmp, "old.secrets.yaml")
	copySecrets(t, filepath.Join(planCases, "secrets.yaml"), oldSecrets)
	newSecrets := filepath.Join(dir, "new.secrets.yaml")
	if _, err := os.Stat(newSecrets); err != nil {
		newSecrets = filepath.Join(planCases, "secrets.yaml")
	}
	copySecrets(t, newSecrets, c.secrets)
	if r := run(t, "", "render", filepath.Join(dir, "old.yaml"), "-o", c.out, "--secrets", oldSecrets); r.code != 0 {
		t.Fatalf("render old.yaml: exit %d\n%s", r.code, r.stderr)
	}
	return c
}

// copySecrets copies a fixture secrets file to path with mode 0600 (secrets.Load refuses others).
func copySecrets(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// plan runs mesosimg plan on the case with extra arguments.
func (c planCase) plan(t *testing.T, extra ...string) result {
	t.Helper()
	return run(t, "", append([]string{"plan", c.desc, "--from", c.out, "--secrets", c.secrets}, extra...)...)
}

// normalize replaces the temporary paths of a run by the names the golden files use.
func (c planCase) normalize(s string) string {
	s = strings.ReplaceAll(s, c.secrets, "cluster.secrets.yaml")
	s = strings.ReplaceAll(s, c.out, "out")
	return strings.ReplaceAll(s, c.dir+"/", "")
}

var refusedHazard = regexp.MustCompile(`refused \(([a-z-]+)\)`)

// TestPlanGolden plans every case: without --accept it prints the refusals (refused.txt, exit 1)
// or the plan; with every refused hazard accepted, the plan as text (plan.txt) and JSON
// (plan.json), exit 3 (0 for no change). go test -update rewrites the expected files.
func TestPlanGolden(t *testing.T) {
	entries, err := os.ReadDir(planCases)
	if err != nil {
		t.Fatal(err)
	}
	cases := 0
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		cases++
		t.Run(e.Name(), func(t *testing.T) {
			c := setupPlan(t, e.Name())
			first := c.plan(t)
			var accept []string
			refusedFile := filepath.Join(c.dir, "refused.txt")
			switch first.code {
			case cli.ExitInvalid:
				if first.stdout != "" {
					t.Errorf("a refused plan printed on stdout:\n%s", first.stdout)
				}
				golden.Assert(t, refusedFile, []byte(c.normalize(first.stderr)))
				for _, m := range refusedHazard.FindAllStringSubmatch(first.stderr, -1) {
					if !contains(accept, m[1]) {
						accept = append(accept, m[1])
					}
				}
				if len(accept) == 0 {
					t.Fatalf("exit 1 without a refused hazard:\n%s", first.stderr)
				}
			case cli.ExitOK, cli.ExitChanges:
				if _, err := os.Stat(refusedFile); err == nil && !golden.Updating() {
					t.Errorf("%s exists but nothing was refused", refusedFile)
				}
			default:
				t.Fatalf("plan: exit %d\n%s", first.code, first.stderr)
			}
			var extra []string
			if len(accept) > 0 {
				extra = []string{"--accept", strings.Join(accept, ",")}
			}
			text := c.plan(t, extra...)
			want := cli.ExitChanges
			if e.Name() == "no-change" {
				want = cli.ExitOK
			}
			if text.code != want {
				t.Fatalf("plan %v: exit %d, want %d\n%s", extra, text.code, want, text.stderr)
			}
			golden.Assert(t, filepath.Join(c.dir, "plan.txt"), []byte(c.normalize(text.stdout)))
			js := c.plan(t, append(extra, "--json")...)
			if js.code != want {
				t.Fatalf("plan --json: exit %d\n%s", js.code, js.stderr)
			}
			var doc struct {
				Format  string `json:"format"`
				Changed bool   `json:"changed"`
			}
			if err := json.Unmarshal([]byte(js.stdout), &doc); err != nil || doc.Format != "mesosimg-plan/v1" || doc.Changed != (want == cli.ExitChanges) {
				t.Errorf("plan --json: %v, format %q, changed %v", err, doc.Format, doc.Changed)
			}
			golden.Assert(t, filepath.Join(c.dir, "plan.json"), []byte(c.normalize(js.stdout)))
		})
	}
	if cases < 14 {
		t.Errorf("only %d plan cases under %s", cases, planCases)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestPlanExitCodes: 0 nothing to do, 1 refused or invalid, 2 usage error, 3 changes planned;
// --accept takes a comma list or repeats, and accepts only the hazards it names.
func TestPlanExitCodes(t *testing.T) {
	same := setupPlan(t, "no-change")
	if r := same.plan(t); r.code != cli.ExitOK || !strings.Contains(r.stdout, "No changes") {
		t.Errorf("no change: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	grow := setupPlan(t, "grow-zookeeper-3-to-5")
	if r := grow.plan(t); r.code != cli.ExitChanges {
		t.Errorf("3 -> 5: exit %d\n%s", r.code, r.stderr)
	}
	wipe := setupPlan(t, "one-to-three-masters")
	refused := wipe.plan(t)
	if refused.code != cli.ExitInvalid || refused.stdout != "" || !regexp.MustCompile(`(?m)^`+regexp.QuoteMeta(wipe.desc)+`:\d+:\d+: nodes\[1\]\.roles: refused \(wipe-replicated-log\)`).MatchString(refused.stderr) {
		t.Errorf("1 -> 3 without --accept: exit %d, stdout %q\n%s", refused.code, refused.stdout, refused.stderr)
	}
	for _, accept := range [][]string{
		{"--accept", "zookeeper-outage,wipe-replicated-log"},
		{"--accept", "wipe-replicated-log", "--accept", "zookeeper-outage"},
		{"--accept=zookeeper-outage, wipe-replicated-log"},
	} {
		if r := wipe.plan(t, accept...); r.code != cli.ExitChanges {
			t.Errorf("1 -> 3 %v: exit %d\n%s", accept, r.code, r.stderr)
		}
	}
	one := wipe.plan(t, "--accept", "wipe-replicated-log")
	if one.code != cli.ExitInvalid || strings.Contains(one.stderr, "(wipe-replicated-log)") || !strings.Contains(one.stderr, "(zookeeper-outage)") {
		t.Errorf("accepting one of two hazards: exit %d\n%s", one.code, one.stderr)
	}
	for _, args := range [][]string{
		{"plan", grow.desc},                                                 // no --from
		{"plan", "--from", grow.out},                                        // no description
		{"plan", grow.desc, "extra", "--from", grow.out},                    // two descriptions
		{"plan", grow.desc, "--from", grow.out, "--accept", "wipe-the-log"}, // unknown hazard
	} {
		if r := run(t, "", args...); r.code != cli.ExitUsage || r.stderr == "" {
			t.Errorf("mesosimg %v: exit %d, stderr %q; want 2 with a message", args, r.code, r.stderr)
		}
	}
	if r := grow.plan(t, "--accept", "wipe-replicated-lgo"); !strings.Contains(r.stderr, `did you mean "wipe-replicated-log"`) {
		t.Errorf("a misspelt hazard gets no suggestion: %s", r.stderr)
	}
}

// TestPlanBadManifest: a directory without a manifest, and a manifest that is not valid JSON,
// are invalid input (exit 1), the latter at its position.
func TestPlanBadManifest(t *testing.T) {
	c := setupPlan(t, "no-change")
	empty := t.TempDir()
	if r := run(t, "", "plan", c.desc, "--from", empty, "--secrets", c.secrets); r.code != cli.ExitInvalid || !strings.Contains(r.stderr, "no manifest here") {
		t.Errorf("no manifest: exit %d\n%s", r.code, r.stderr)
	}
	bad := filepath.Join(empty, "manifest.json")
	if err := os.WriteFile(bad, []byte("{\n  \"format\": \"mesosimg-manifest/v1\",\n  \"nodes\": [,]\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := run(t, "", "plan", c.desc, "--from", bad, "--secrets", c.secrets); r.code != cli.ExitInvalid || !strings.HasPrefix(r.stderr, bad+":3:") {
		t.Errorf("broken manifest: exit %d\n%s", r.code, r.stderr)
	}
	if r := run(t, "", "plan", filepath.Join(c.dir, "missing.yaml"), "--from", c.out, "--secrets", c.secrets); r.code != cli.ExitInvalid {
		t.Errorf("missing description: exit %d\n%s", r.code, r.stderr)
	}
}

// TestPlanWritesNothing: plan leaves the output directory as it was, and creates no secrets
// file when the description's is missing (it generates the credentials in memory only).
func TestPlanWritesNothing(t *testing.T) {
	c := setupPlan(t, "grow-zookeeper-3-to-5")
	before := treeDigest(t, c.out)
	missing := filepath.Join(t.TempDir(), "none.secrets.yaml")
	r := run(t, "", "plan", c.desc, "--from", c.out, "--secrets", missing, "--accept", "rotate-zookeeper-credential,rotate-credential")
	if r.code != cli.ExitChanges || !strings.Contains(r.stdout, "render generates them") {
		t.Errorf("plan with a missing secrets file: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("plan created the secrets file")
	}
	if after := treeDigest(t, c.out); after != before {
		t.Error("plan changed the output directory")
	}
}

// treeDigest is a digest of every file's path and content under dir.
func treeDigest(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		fmt.Fprintf(&b, "%s %x\n", p, sha256.Sum256(data))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestPlanHelp: the help lists every hazard and the four exit statuses.
func TestPlanHelp(t *testing.T) {
	r := run(t, "", "plan", "--help")
	if r.code != 0 {
		t.Fatalf("plan --help: exit %d", r.code)
	}
	for _, want := range []string{"--from OUT", "--accept HAZARD", "--json", "3  changes planned", "wipe-replicated-log", "rotate-zookeeper-credential"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("plan --help lacks %q:\n%s", want, r.stdout)
		}
	}
}

// TestChangingDocIsCurrent: docs/changing-a-cluster.md shows the worked example as it renders
// (both descriptions and the printed plan, byte for byte), and names every hazard, every need
// of the rollout and every platform.
func TestChangingDocIsCurrent(t *testing.T) {
	doc, err := os.ReadFile("../docs/changing-a-cluster.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(doc)
	// The worked example, and the one the rollout VM test (e2e/rollout.sh) follows.
	examples := map[string][]string{
		"grow-zookeeper-3-to-5": {"old.yaml", "new.yaml", "plan.txt"},
		"e2e-rollout":           {"new.yaml", "plan.txt"},
	}
	if golden.Updating() {
		for name := range examples {
			text = pasteExample(t, text, name)
		}
		if err := os.WriteFile("../docs/changing-a-cluster.md", []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for name, files := range examples {
		for _, f := range files {
			data, err := os.ReadFile(filepath.Join(planCases, name, f))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(text, string(data)) {
				t.Errorf("the doc does not show %s/%s as it is (paste it again after go test -update)", name, f)
			}
		}
	}
	for _, h := range rollout.Hazards {
		if !strings.Contains(text, "| `"+string(h.Name)+"` |") {
			t.Errorf("the doc's hazard table lacks %s", h.Name)
		}
	}
	for _, n := range []rollout.Need{rollout.NeedNewInstanceID, rollout.NeedRerunnableFirstBoot, rollout.NeedQuorumGate,
		rollout.NeedDropServices, rollout.NeedRemovalSeed, rollout.NeedWipeReplicatedLog, rollout.NeedNewAgentID} {
		if !strings.Contains(text, "| `"+string(n)+"` |") {
			t.Errorf("the doc's needs table lacks %s", n)
		}
	}
	lower := strings.ToLower(text)
	for _, p := range rollout.Platforms {
		name, _, _ := strings.Cut(strings.ToLower(p.Name), " (")
		if !strings.Contains(lower, "**"+name) {
			t.Errorf("the doc does not say how a seed reaches %s", p.Name)
		}
	}
}

// pasteExample replaces the doc's ```text block that follows testdata/plan/<name>/plan.txt's name
// by that file.
func pasteExample(t *testing.T, doc, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(planCases, name, "plan.txt"))
	if err != nil {
		t.Fatal(err)
	}
	mark := strings.Index(doc, name+"/plan.txt")
	open := strings.Index(doc[max(mark, 0):], "```text\n")
	if mark < 0 || open < 0 {
		t.Fatal("the doc has no ```text block after the example's name")
	}
	start := mark + open + len("```text\n")
	end := strings.Index(doc[start:], "```\n")
	if end < 0 {
		t.Fatal("the example's block is never closed")
	}
	return doc[:start] + string(data) + doc[start+end:]
}

package cli_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/mesosimg/mesosimg/cli"
)

// describe is a small description of cluster name with the given security: section body.
func describe(name, security string) string {
	return fmt.Sprintf("cluster: %s\nnetwork:\n  dns: [10.0.0.2]\nsecurity:\n  admin_cidrs: [10.0.0.0/24]\n%snodes:\n"+
		"  - {name: m1, ip: 10.0.0.11, roles: [zookeeper, master, marathon]}\n"+
		"  - {name: a1, ip: 10.0.0.12, roles: [agent]}\n", name, security)
}

// allOff turns every credential-using switch off.
const allOff = "  mesos_authentication: false\n  marathon_http_auth: false\n  zookeeper_auth: false\n"

// runRaw runs mesosimg exactly as given: no --secrets is added (see runEnv).
func runRaw(stdin string, args ...string) result {
	var out, errb bytes.Buffer
	code := cli.Run(args, cli.Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }})
	return result{code, out.String(), errb.String()}
}

// manifestCredentials reads the credential fingerprints of a render's manifest.json by key.
func manifestCredentials(t *testing.T, out string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Cluster struct {
			Credentials []struct{ Key, Fingerprint string } `json:"credentials"`
		} `json:"cluster"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, c := range m.Cluster.Credentials {
		got[c.Key] = c.Fingerprint
	}
	return got
}

// fileKeys lists the top-level keys of a secrets file.
func fileKeys(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return regexp.MustCompile(`(?m)^([a-z_]+):`).FindAllString(string(data), -1)
}

// TestSecretsFileBelongsToOneCluster: the file a render writes records its cluster; a render or
// validate of another cluster with that file is refused at its cluster: key, saying whose it is
// and what to do, and neither the file nor the output directory is touched.
func TestSecretsFileBelongsToOneCluster(t *testing.T) {
	dir := t.TempDir()
	sec := filepath.Join(dir, "shared.secrets.yaml")
	if r := run(t, describe("alpha", ""), "render", "-", "-o", filepath.Join(dir, "a"), "--format", "cloud-init", "--secrets", sec); r.code != 0 {
		t.Fatalf("render alpha: %+v", r)
	}
	before, _ := os.ReadFile(sec)
	line := 1 + strings.Count(string(before[:bytes.Index(before, []byte("\ncluster: alpha\n"))+1]), "\n")
	want := fmt.Sprintf("%s:%d:10: cluster: these credentials belong to cluster \"alpha\", not to \"beta\" (the description's cluster:): give beta its own file with --secrets FILE or security.secrets_file", sec, line)
	for _, args := range [][]string{
		{"render", "-", "-o", filepath.Join(dir, "b"), "--format", "cloud-init", "--secrets", sec},
		{"validate", "-", "--secrets", sec},
	} {
		r := run(t, describe("beta", ""), args...)
		if r.code != cli.ExitInvalid || !strings.Contains(r.stderr, want) {
			t.Errorf("%v: exit %d, stderr:\n%s\nwant a line starting %q", args[0], r.code, r.stderr, want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "b")); err == nil {
		t.Error("the refused render wrote its output")
	}
	if after, _ := os.ReadFile(sec); !bytes.Equal(after, before) {
		t.Error("the refused render changed the other cluster's file")
	}
	// The file is still good for its own cluster.
	if r := run(t, describe("alpha", ""), "validate", "-", "--secrets", sec); r.code != 0 || r.stderr != "" {
		t.Errorf("validate alpha: %+v", r)
	}
}

// TestStdinHasNoSharedDefault: a description read from standard input that uses credentials
// needs --secrets or security.secrets_file (usage error, exit 2, nothing written, the file
// earlier versions shared named but not read); security.secrets_file is taken relative to the
// working directory; a description that uses no credential renders from standard input with
// neither and writes no secrets file.
func TestStdinHasNoSharedDefault(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	r := runRaw(describe("alpha", ""), "render", "-", "-o", "out", "--format", "cloud-init")
	if r.code != cli.ExitUsage || !strings.Contains(r.stderr, "standard input") || !strings.Contains(r.stderr, "--secrets FILE") ||
		!strings.Contains(r.stderr, "security.secrets_file") || strings.Contains(r.stderr, "cluster.secrets.yaml") {
		t.Errorf("render - without a secrets file: %+v", r)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("the refused render wrote %v", entries)
	}
	// A file of an earlier version's shared default is named, and left alone.
	legacy := "mesos_agent:\n  name: mesos-agent\n  secret: legacy-secret-of-another-cluster\n"
	os.WriteFile("cluster.secrets.yaml", []byte(legacy), 0o600)
	r = runRaw(describe("beta", ""), "render", "-", "-o", "out", "--format", "cloud-init")
	if r.code != cli.ExitUsage || !strings.Contains(r.stderr, "pass --secrets cluster.secrets.yaml if it holds this cluster's credentials") {
		t.Errorf("render - beside the old shared file: %+v", r)
	}
	if got, _ := os.ReadFile("cluster.secrets.yaml"); string(got) != legacy {
		t.Error("the old shared file was changed")
	}
	if _, err := os.Stat("out"); err == nil {
		t.Error("the refused render wrote its output")
	}
	// validate reads no file it is not given.
	if r := runRaw(describe("beta", ""), "validate", "-"); r.code != 0 || r.stderr != "" {
		t.Errorf("validate -: %+v", r)
	}
	// security.secrets_file, relative to the working directory.
	os.Mkdir("keys", 0o755)
	r = runRaw(describe("gamma", "  secrets_file: keys/gamma.secrets.yaml\n"), "render", "-", "-o", "out", "--format", "cloud-init")
	if r.code != 0 || !strings.Contains(r.stderr, "wrote credentials to "+filepath.Join(dir, "keys", "gamma.secrets.yaml")) {
		t.Fatalf("render - with security.secrets_file: %+v", r)
	}
	if data, _ := os.ReadFile("keys/gamma.secrets.yaml"); !strings.Contains(string(data), "\ncluster: gamma\n") {
		t.Errorf("the new file does not record its cluster:\n%s", data)
	}
	// Nothing in use: no file needed, none written.
	r = runRaw(describe("delta", allOff), "render", "-", "-o", "out2", "--format", "cloud-init")
	if r.code != 0 || strings.Contains(r.stderr, "credentials") {
		t.Errorf("render - with every credential switch off: %+v", r)
	}
	if got := manifestCredentials(t, "out2"); len(got) != 0 {
		t.Errorf("the manifest lists credentials nothing uses: %v", got)
	}
	files, _ := filepath.Glob("*.secrets.yaml")
	more, _ := filepath.Glob("keys/*")
	if len(files) != 1 || len(more) != 1 {
		t.Errorf("secrets files after the renders: %v %v", files, more)
	}
}

// TestOldSecretsFileIsAdopted: a file without cluster: (written by an older mesosimg) gives a
// positioned warning and is adopted by a render (its credentials unchanged, cluster: recorded);
// validate only warns; --strict refuses it and leaves it as it was.
func TestOldSecretsFileIsAdopted(t *testing.T) {
	dir := t.TempDir()
	sec := filepath.Join(dir, "old.secrets.yaml")
	old := "# mesosimg secrets: generated credentials of this cluster.\nmesos_agent:\n  name: mesos-agent\n  secret: an-old-agent-secret-kept\n"
	os.WriteFile(sec, []byte(old), 0o600)
	warning := sec + `:2:1: warning: no cluster: key (a file of an older mesosimg): render adopts these credentials for cluster "alpha"`
	desc := describe("alpha", "")
	if r := run(t, desc, "validate", "-", "--secrets", sec); r.code != 0 || !strings.HasPrefix(r.stderr, warning) {
		t.Errorf("validate: %+v", r)
	}
	for _, cmd := range [][]string{{"validate", "-", "--strict"}, {"render", "-", "-o", filepath.Join(dir, "s"), "--strict", "--format", "cloud-init"}} {
		r := run(t, desc, append(cmd, "--secrets", sec)...)
		if r.code != cli.ExitInvalid || !strings.Contains(r.stderr, sec+":2:1: no cluster: key") || !strings.Contains(r.stderr, "add that line yourself") {
			t.Errorf("%v: %+v", cmd, r)
		}
	}
	if got, _ := os.ReadFile(sec); string(got) != old {
		t.Fatal("validate or a refused render changed the file")
	}
	r := run(t, desc, "render", "-", "-o", filepath.Join(dir, "o"), "--format", "cloud-init", "--secrets", sec)
	if r.code != 0 || !strings.HasPrefix(r.stderr, warning) {
		t.Fatalf("render: %+v", r)
	}
	data, _ := os.ReadFile(sec)
	if !strings.Contains(string(data), "\ncluster: alpha\n") || !strings.Contains(string(data), "secret: an-old-agent-secret-kept\n") {
		t.Errorf("the adopted file:\n%s", data)
	}
	if r := run(t, desc, "validate", "-", "--secrets", sec); r.code != 0 || r.stderr != "" {
		t.Errorf("validate after adoption: %+v", r)
	}
	if r := run(t, describe("beta", ""), "validate", "-", "--secrets", sec); r.code != cli.ExitInvalid {
		t.Errorf("the adopted file is accepted for another cluster: %+v", r)
	}
}

// TestOnlyUsedCredentials: the secrets file and the manifest hold the credentials the switches
// use and no other; a credential of a switch turned off stays in the file, out of the manifest,
// and comes back unchanged when the switch is turned on again.
func TestOnlyUsedCredentials(t *testing.T) {
	dir := t.TempDir()
	desc := filepath.Join(dir, "c.yaml")
	sec := filepath.Join(dir, "c.secrets.yaml")
	render := func(security string) map[string]string {
		t.Helper()
		os.WriteFile(desc, []byte(describe("c", security)), 0o644)
		out := filepath.Join(dir, "out")
		if r := runRaw("", "render", desc, "-o", out, "--format", "cloud-init"); r.code != 0 {
			t.Fatalf("render with\n%s: %+v", security, r)
		}
		return manifestCredentials(t, out)
	}
	keys := func(m map[string]string) string { return fmt.Sprint(slices.Sorted(maps.Keys(m))) }
	if got := render(allOff); len(got) != 0 {
		t.Errorf("every switch off: the manifest lists %v", got)
	}
	if _, err := os.Stat(sec); err == nil {
		t.Error("every switch off, yet a secrets file was written")
	}
	zk := render("  mesos_authentication: false\n  marathon_http_auth: false\n")
	if keys(zk) != "[zookeeper_marathon zookeeper_mesos]" {
		t.Errorf("zookeeper_auth alone: the manifest lists %v", keys(zk))
	}
	if got := fmt.Sprint(fileKeys(t, sec)); got != "[cluster: zookeeper_mesos: zookeeper_marathon:]" {
		t.Errorf("zookeeper_auth alone: the file holds %v", got)
	}
	all := render("")
	if keys(all) != "[marathon_http mesos_agent mesos_http mesos_marathon zookeeper_marathon zookeeper_mesos]" {
		t.Errorf("every switch on: the manifest lists %v", keys(all))
	}
	for _, k := range []string{"zookeeper_mesos", "zookeeper_marathon"} {
		if all[k] != zk[k] {
			t.Errorf("turning the other switches on rotated %s", k)
		}
	}
	mesosOnly := render("  marathon_http_auth: false\n  zookeeper_auth: false\n")
	if keys(mesosOnly) != "[mesos_agent mesos_http mesos_marathon]" {
		t.Errorf("mesos_authentication alone: the manifest lists %v", keys(mesosOnly))
	}
	if got := len(fileKeys(t, sec)); got != 7 {
		t.Errorf("switches turned off dropped credentials from the file: %d keys", got)
	}
	if again := render(""); fmt.Sprint(again) != fmt.Sprint(all) {
		t.Errorf("turning the switches on again rotated credentials:\n%v\n%v", all, again)
	}
}

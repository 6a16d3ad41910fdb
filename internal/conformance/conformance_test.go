package conformance_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/mesosimg/mesosimg/generator"
	"github.com/mesosimg/mesosimg/internal/conformance"
	"github.com/mesosimg/mesosimg/internal/testcases"
	"github.com/mesosimg/mesosimg/secrets"
)

// renderedNodes renders a description's cloud-init files and parses every node's user-data.
func renderedNodes(t *testing.T, path string) []*conformance.Node {
	t.Helper()
	files, err := generator.GenerateAll(testcases.Load(t, path), generator.Options{
		Formats: []generator.Format{generator.FormatCloudInit}, Secrets: secrets.Fixed()})
	if err != nil {
		t.Fatal(err)
	}
	var nodes []*conformance.Node
	for _, f := range files {
		dir, base := filepath.Split(f.Path)
		if base != "user-data" || !strings.HasPrefix(dir, "nodes/") {
			continue
		}
		n, err := conformance.ParseUserData(filepath.Base(dir), f.Data)
		if err != nil {
			t.Fatal(err)
		}
		nodes = append(nodes, n)
	}
	if len(nodes) == 0 {
		t.Fatalf("%s rendered no user-data", path)
	}
	return nodes
}

// cases are every bundled example, every case under testdata/cases and e2e's description.
func cases(t *testing.T) []testcases.Case {
	all := testcases.All(t, "../..")
	return append(all, testcases.Case{Name: "e2e", Path: "../../e2e/cluster.yaml"})
}

// TestEveryCaseConforms: every rendered case passes the conformance suite.
func TestEveryCaseConforms(t *testing.T) {
	checked := map[string]int{}
	for _, tc := range cases(t) {
		t.Run(tc.Name, func(t *testing.T) {
			for _, n := range renderedNodes(t, tc.Path) {
				for _, err := range conformance.Check(n) {
					t.Error(err)
				}
				for p := range n.Files {
					switch {
					case strings.HasPrefix(p, "/etc/mesos-master/"):
						checked["master flag files"]++
					case strings.HasPrefix(p, "/etc/mesos-agent/"):
						checked["agent flag files"]++
					case p == "/etc/default/marathon":
						checked["Marathon environments"]++
					case p == "/etc/default/mesos":
						checked["libprocess TLS environments"]++
					}
				}
			}
		})
	}
	// The suite must have had something to check in each family, or it proves nothing.
	for _, family := range []string{"master flag files", "agent flag files", "Marathon environments", "libprocess TLS environments"} {
		if checked[family] == 0 {
			t.Errorf("no case rendered any %s", family)
		}
	}
	t.Logf("checked: %v", checked)
}

// TestCheckCatchesBrokenOutput: each fault the review found in earlier output is caught.
func TestCheckCatchesBrokenOutput(t *testing.T) {
	base := renderedNodes(t, "../../examples/ha/cluster.yaml")
	var master *conformance.Node
	for _, n := range base {
		if n.Name == "master1" {
			master = n
		}
	}
	if master == nil {
		t.Fatal("examples/ha has no master1")
	}
	if errs := conformance.Check(master); len(errs) > 0 {
		t.Fatalf("the unbroken node does not conform: %v", errs)
	}
	edit := func(path string, f func(conformance.File) conformance.File) *conformance.Node {
		n := &conformance.Node{Name: master.Name, Files: map[string]conformance.File{}}
		for p, x := range master.Files {
			n.Files[p] = x
		}
		if _, ok := n.Files[path]; !ok {
			t.Fatalf("master1 has no %s", path)
		}
		n.Files[path] = f(n.Files[path])
		return n
	}
	replace := func(old, new string) func(conformance.File) conformance.File {
		return func(f conformance.File) conformance.File {
			if !strings.Contains(f.Content, old) {
				t.Fatalf("%s does not hold %q", f.Path, old)
			}
			f.Content = strings.Replace(f.Content, old, new, 1)
			return f
		}
	}
	tests := []struct {
		name string
		node *conformance.Node
		want string
	}{
		{"credential before every host in MARATHON_ZK", edit("/etc/default/marathon",
			replace("production@10.20.0.11:2181,10.20.0.12:2181,10.20.0.13:2181/marathon", "production@10.20.0.11:2181,marathon:test-secret-5-not-for-production@10.20.0.12:2181,10.20.0.13:2181/marathon")), "MARATHON_ZK"},
		{"Marathon's secret root-only", edit("/etc/marathon/mesos-secret", func(f conformance.File) conformance.File {
			f.Owner, f.Permissions = "root:root", "0600"
			return f
		}), "cannot read it"},
		{"unknown master flag", edit("/etc/mesos-master/quorum", func(f conformance.File) conformance.File {
			f.Path = "/etc/mesos-master/quorom"
			return f
		}), "unknown flag"},
		{"HTTP frameworks without an authenticator", edit("/etc/mesos-master/http_framework_authenticators", func(f conformance.File) conformance.File {
			f.Path = "" // removed
			return f
		}), "http_framework_authenticators"},
		{"quorum not a number", edit("/etc/mesos-master/quorum", replace("2", "two")), "quorum"},
		{"duration without a unit", edit("/etc/mesos-master/offer_timeout", replace("5mins", "5")), "offer_timeout"},
		{"credentials without principal", edit("/etc/mesos/credentials.json", replace(`"principal": "operator"`, `"name": "operator"`)), "principal"},
		{"unknown Marathon option", edit("/etc/default/marathon", replace("MARATHON_HTTP_PORT=8080", "MARATHON_HTTP_PORTS=8080")), "http_ports"},
		{"zk URL without a path", edit("/etc/mesos-master/zk", replace("/mesos\n", "\n")), "path"},
		{"zk URL without its scheme", edit("/etc/mesos-master/zk", replace("zk://", "zk:/")), "zk://"},
		{"Marathon secret not mounted", edit("/etc/systemd/system/marathon.service", replace("-v /etc/marathon:/etc/marathon:ro ", "")), "not mounted"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// A renamed file moves to its new path; one renamed to "" is removed.
			for p, f := range tc.node.Files {
				if f.Path != p {
					delete(tc.node.Files, p)
					if f.Path != "" {
						tc.node.Files[f.Path] = f
					}
				}
			}
			errs := conformance.Check(tc.node)
			found := false
			for _, err := range errs {
				found = found || strings.Contains(strings.ToLower(err.Error()), strings.ToLower(tc.want))
			}
			if !found {
				t.Errorf("no finding mentions %q; got %v", tc.want, errs)
			}
		})
	}
}

// TestCheckCatchesBrokenTLS: the TLS faults of earlier output are caught (five-masters has TLS).
func TestCheckCatchesBrokenTLS(t *testing.T) {
	var agent *conformance.Node
	for _, n := range renderedNodes(t, "../../testdata/cases/five-masters-ubuntu2404.yaml") {
		if _, ok := n.Files["/etc/mesos-agent/executor_environment_variables"]; ok {
			agent = n
		}
	}
	if agent == nil {
		t.Fatal("no agent of five-masters gives executors a TLS environment")
	}
	if errs := conformance.Check(agent); len(errs) > 0 {
		t.Fatalf("the unbroken node does not conform: %v", errs)
	}
	for _, tc := range []struct {
		name, path, old, new, want string
	}{
		{"no IP check under the openssl scheme", "/etc/default/mesos", "export LIBPROCESS_SSL_VERIFY_IPADD=true\n", "", "VERIFY_IPADD"},
		{"a name from the docs that libprocess ignores", "/etc/default/mesos", "LIBPROCESS_SSL_SUPPORT_DOWNGRADE", "LIBPROCESS_SSL_ENABLE_DOWNGRADE", "ENABLE_DOWNGRADE"},
		{"executors without the key", "/etc/mesos-agent/executor_environment_variables", "executor-key.pem", "missing-key.pem", "missing-key.pem"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := &conformance.Node{Name: agent.Name, Files: map[string]conformance.File{}}
			for p, f := range agent.Files {
				n.Files[p] = f
			}
			f := n.Files[tc.path]
			if !strings.Contains(f.Content, tc.old) {
				t.Fatalf("%s does not hold %q:\n%s", tc.path, tc.old, f.Content)
			}
			f.Content = strings.Replace(f.Content, tc.old, tc.new, 1)
			n.Files[tc.path] = f
			found := false
			errs := conformance.Check(n)
			for _, err := range errs {
				found = found || strings.Contains(err.Error(), tc.want)
			}
			if !found {
				t.Errorf("no finding mentions %q; got %v", tc.want, errs)
			}
		})
	}
}

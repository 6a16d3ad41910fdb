package plan_test

import (
	"fmt"
	"strings"
	"testing"

	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/plan"
	"github.com/mesosimg/mesosimg/secrets"
)

// switched is a defaulted description with the given credential switches and nodes.
func switched(mesosAuth, marathonHTTP, zkAuth bool, roles ...string) *v1.Cluster {
	c := &v1.Cluster{Cluster: "x", Security: v1.Security{MesosAuthentication: &mesosAuth, MarathonHTTPAuth: &marathonHTTP, ZooKeeperAuth: &zkAuth}}
	for i, r := range roles {
		c.Nodes = append(c.Nodes, v1.Node{Name: fmt.Sprintf("n%d", i+1), IP: fmt.Sprintf("10.0.0.%d", i+1), Roles: strings.Split(r, "+")})
	}
	v1.ApplyDefaults(c)
	return c
}

// allText is every file of every node of p.
func allText(p *plan.Cluster) string {
	var b strings.Builder
	for i := 0; i < p.NodeCount(); i++ {
		n := p.Node(i)
		for _, f := range append(append([]plan.File(nil), n.EarlyFiles...), n.Files...) {
			b.WriteString(f.Content)
		}
	}
	return b.String()
}

// TestUsedCredentials: each switch uses its own credentials, Marathon's only when a node runs
// Marathon; the plan builds from a bundle holding just those, keeps no other, and no file of it
// holds a credential that is not in use.
func TestUsedCredentials(t *testing.T) {
	full := []string{"zookeeper+master+marathon", "agent"}
	for _, tt := range []struct {
		name                string
		mesos, marathon, zk bool
		roles               []string
		want                string
	}{
		{"all off", false, false, false, full, "[]"},
		{"mesos_authentication", true, false, false, full, "[mesos_agent mesos_marathon mesos_http]"},
		{"marathon_http_auth", false, true, false, full, "[marathon_http]"},
		{"zookeeper_auth", false, false, true, full, "[zookeeper_mesos zookeeper_marathon]"},
		{"all on", true, true, true, full, "[mesos_agent mesos_marathon marathon_http zookeeper_mesos zookeeper_marathon mesos_http]"},
		{"all on, no Marathon", true, true, true, []string{"zookeeper+master", "agent"}, "[mesos_agent zookeeper_mesos mesos_http]"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := switched(tt.mesos, tt.marathon, tt.zk, tt.roles...)
			used := plan.UsedCredentials(c)
			if got := fmt.Sprint(used); got != tt.want {
				t.Fatalf("UsedCredentials = %s; want %s", got, tt.want)
			}
			fixed := secrets.Fixed()
			// Only the used credentials are needed...
			p, err := plan.Build(c, fixed.Only(used))
			if err != nil {
				t.Fatalf("Build with only the used credentials: %v", err)
			}
			// ...and given more, the plan keeps no other.
			pf, err := plan.Build(c, fixed)
			if err != nil {
				t.Fatal(err)
			}
			if *pf.Secrets != *fixed.Only(used) || *p.Secrets != *pf.Secrets {
				t.Errorf("the plan holds %+v", pf.Secrets)
			}
			text := allText(pf)
			for _, k := range secrets.AllKeys() {
				c := fixed.Get(k)
				inUse := strings.Contains(tt.want, string(k))
				if strings.Contains(text, c.Secret) != inUse {
					t.Errorf("%s (in use: %v): its secret in the rendered files: %v", k, inUse, !inUse)
				}
			}
			if allText(p) != text {
				t.Error("the plan differs with and without the unused credentials")
			}
			for _, k := range used {
				partial := fixed.Only(used)
				partial.Get(k).Secret = ""
				if _, err := plan.Build(c, partial); err == nil || !strings.Contains(err.Error(), string(k)) {
					t.Errorf("Build without %s: %v", k, err)
				}
			}
		})
	}
	other := secrets.Fixed()
	other.Cluster = "y"
	if _, err := plan.Build(switched(true, true, true, full...), other); err == nil || !strings.Contains(err.Error(), `belong to cluster "y"`) {
		t.Errorf("Build with another cluster's credentials: %v", err)
	}
}

// TestMesosCredentialsWithoutMarathon: without a Marathon node the masters accept no Marathon
// principal, only the agents' and the operators'.
func TestMesosCredentialsWithoutMarathon(t *testing.T) {
	p, err := plan.Build(switched(true, true, true, "zookeeper+master", "agent"), secrets.Fixed())
	if err != nil {
		t.Fatal(err)
	}
	creds := file(t, p.Node(0), plan.CredentialsPath)
	if strings.Contains(creds, `"marathon"`) || !strings.Contains(creds, `"mesos-agent"`) || !strings.Contains(creds, `"operator"`) {
		t.Errorf("credentials.json:\n%s", creds)
	}
}

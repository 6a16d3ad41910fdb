package rollout_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/mesosimg/mesosimg/config"
	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/generator"
	"github.com/mesosimg/mesosimg/manifest"
	"github.com/mesosimg/mesosimg/rollout"
	"github.com/mesosimg/mesosimg/secrets"
)

// rendered is a description and the manifest of its render.
type rendered struct {
	desc *v1.Cluster
	man  *manifest.Manifest
}

// render loads a description and renders its cloud-init files in memory with the fixed test
// credentials (changed by mod when not nil), returning its manifest.
func render(t testing.TB, text string, mod func(*secrets.Bundle)) rendered {
	t.Helper()
	r, err := tryRender(text, mod)
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	return r
}

// tryRender is render without a test: an invalid description is an error.
func tryRender(text string, mod func(*secrets.Bundle)) (rendered, error) {
	c, rep := config.Load(config.Source{Name: "test.yaml", Data: []byte(text)})
	if c == nil {
		return rendered{}, fmt.Errorf("invalid description:\n%s", rep.Format("test.yaml"))
	}
	b := secrets.Fixed()
	b.Cluster = c.Cluster
	if mod != nil {
		mod(b)
	}
	m, err := generator.Manifest(c, optionsOf(b, text))
	return rendered{c, m}, err
}

// optionsOf are the render options of the tests: cloud-init only, with credentials b.
func optionsOf(b *secrets.Bundle, text string) generator.Options {
	return generator.Options{Formats: []generator.Format{generator.FormatCloudInit}, Secrets: b, Description: []byte(text)}
}

// describe writes a description from a node list "m1:zmk m2:zmk a1:a" (z zookeeper, m master,
// a agent, k marathon); a node's address follows from its name (m<N>: .10<N>, a<N>: .2<N>,
// z<N>: .5<N>, k<N>: .15<N>, under 10.0.0.0/24). extra is appended at the top level.
func describe(nodes, extra string) string {
	var b strings.Builder
	security := "security:\n  admin_cidrs: [10.0.0.0/24]\n"
	if rest, ok := strings.CutPrefix(extra, "security:\n"); ok {
		// More keys of security: under the one this writes.
		security += rest
		extra = ""
	}
	b.WriteString("cluster: Test\nnetwork:\n  dns: [10.0.0.1]\n" + security)
	b.WriteString(extra)
	b.WriteString("nodes:\n")
	for _, n := range strings.Fields(nodes) {
		name, roles, _ := strings.Cut(n, ":")
		fmt.Fprintf(&b, "  - {name: %s, ip: %s, roles: [%s]}\n", name, addressOf(name), roleList(roles))
	}
	return b.String()
}

func addressOf(name string) string {
	n, _ := strconv.Atoi(name[1:])
	base := map[byte]int{'m': 100, 'a': 200, 'z': 50, 'k': 150}[name[0]]
	return fmt.Sprintf("10.0.0.%d", base+n)
}

func roleList(letters string) string {
	var out []string
	for _, l := range letters {
		out = append(out, map[rune]string{'z': v1.RoleZooKeeper, 'm': v1.RoleMaster, 'a': v1.RoleAgent, 'k': v1.RoleMarathon}[l])
	}
	return strings.Join(out, ", ")
}

// planOf plans the change from old to new with the hazards accepted, with the firewall
// stage when it needs one (as mesosimg plan does).
func planOf(old, new rendered, accept ...rollout.HazardName) *rollout.Plan {
	opts := rollout.Options{Accept: accept, RenderCommand: "mesosimg render new.yaml -o out", OutDir: "out"}
	if rollout.NeedsFirewallStage(old.man, new.man) {
		stage, peers := rollout.FirewallStage(old.man, new.desc)
		o := optionsOf(secrets.Fixed(), "")
		o.Secrets.Cluster, o.Stage, o.Admit = new.desc.Cluster, manifest.StageFirewall, peers
		var err error
		if opts.FirewallStage, err = generator.Manifest(stage, o); err != nil {
			panic(err)
		}
	}
	return rollout.Build(old.man, new.man, new.desc, opts)
}

// stepLine is a step in a few words: "reapply m1,m2,m3 one-at-a-time leader-last".
func stepLine(s rollout.Step) string {
	line := string(s.Kind)
	if len(s.Nodes) > 0 {
		line += " " + strings.Join(s.Nodes, ",")
	}
	if s.OneAtATime {
		line += " one-at-a-time"
	}
	if s.ZooKeeperLeaderLast {
		line += " leader-last"
	}
	if s.Stage != "" {
		line += " stage:" + s.Stage
	}
	for _, h := range s.Held {
		line += " held:" + h.Service + "@" + h.Node
	}
	for _, n := range s.Needs {
		if n != rollout.NeedNewInstanceID && n != rollout.NeedRerunnableFirstBoot {
			line += " needs:" + string(n)
		}
	}
	return line
}

func hazardNames(p *rollout.Plan) []string {
	var out []string
	for _, h := range p.Hazards {
		out = append(out, string(h.Name))
	}
	return out
}

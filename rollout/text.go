package rollout

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/mesosimg/mesosimg/manifest"
)

// symbols mark each action in the text, as terraform plan does.
var symbols = map[Action]string{Unchanged: "=", Reconfigure: "~", New: "+", Remove: "-"}

// JSON is the plan as indented JSON with a final newline (format mesosimg-plan/v1).
func (p *Plan) JSON() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(p); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Text is the plan for a person: the nodes, the cluster-wide changes, accepted hazards, the
// rollout, notes, how seeds reach nodes, and a summary line. desc and from name the
// description and the old render in the header.
func (p *Plan) Text(desc, from string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "mesosimg plan: %s against the render in %s (cluster %s)\n", desc, from, p.Cluster)
	if !p.Changed {
		b.WriteString("\nNo changes: every node's seed and every cluster file stays the same.\n")
		writeList(&b, "Notes", p.Notes)
		return b.String()
	}
	b.WriteString("\nNodes:\n")
	width := 0
	for _, n := range p.Nodes {
		width = max(width, len(n.Name))
	}
	for _, n := range p.Nodes {
		writeNode(&b, n, width)
	}
	p.writeCluster(&b)
	var accepted []string
	for _, h := range p.Hazards {
		if h.Accepted {
			accepted = append(accepted, fmt.Sprintf("%s (%s): %s [%s]", h.Name, where(h), h.Problem, shortCites(h.Sources)))
		}
	}
	writeList(&b, "Accepted hazards", accepted)
	b.WriteString("\nRollout (do a step only when the conditions of the one before hold):\n")
	for _, s := range p.Steps {
		writeStep(&b, s)
	}
	writeList(&b, "Notes", p.Notes)
	if p.boots() {
		b.WriteString("\nHow a new seed reaches a node:\n")
		for _, pl := range Platforms {
			fmt.Fprintf(&b, "  %s: %s [%s]\n", pl.Name, pl.How, shortCites(pl.Sources))
		}
	}
	fmt.Fprintf(&b, "\nPlan: %d new, %d to reconfigure, %d to remove, %d unchanged.\n",
		p.Summary.New, p.Summary.Reconfigure, p.Summary.Remove, p.Summary.Unchanged)
	return b.String()
}

func writeNode(b *strings.Builder, n NodeChange, width int) {
	fmt.Fprintf(b, "  %s %-*s  %-11s  %s  %s", symbols[n.Action], width, n.Name, n.Action, n.Address, strings.Join(n.Roles, ", "))
	if n.MyID > 0 {
		fmt.Fprintf(b, "  (myid %d)", n.MyID)
	}
	b.WriteByte('\n')
	pad := strings.Repeat(" ", width+5)
	if n.OldAddress != "" {
		fmt.Fprintf(b, "%saddress: %s -> %s\n", pad, n.OldAddress, n.Address)
	}
	if n.OldRoles != nil {
		fmt.Fprintf(b, "%sroles: %s -> %s\n", pad, strings.Join(n.OldRoles, ", "), strings.Join(n.Roles, ", "))
	}
	if len(n.Files) > 0 {
		var files []string
		for _, f := range n.Files {
			s := f.Path
			if f.Change != FileChanged {
				s += " (" + f.Change + ")"
			}
			files = append(files, s)
		}
		fmt.Fprintf(b, "%sfiles: %s\n", pad, strings.Join(files, ", "))
	}
	for _, c := range n.Consequences {
		fmt.Fprintf(b, "%s- %s\n", pad, c)
	}
}

func (p *Plan) writeCluster(b *strings.Builder) {
	var lines []string
	z := p.ZooKeeper
	if !sameMembers(z.Before, z.After) {
		lines = append(lines, fmt.Sprintf("ZooKeeper: %d -> %d members (tolerates %d -> %d failures): %s -> %s",
			len(z.Before), len(z.After), z.ToleratesBefore, z.ToleratesAfter, memberList(z.Before), memberList(z.After)))
	}
	m := p.Masters
	if !sameMasters(m.Before, m.After) || m.QuorumBefore != m.QuorumAfter {
		lines = append(lines, fmt.Sprintf("Mesos masters: %d -> %d, --quorum %d -> %d: %s -> %s",
			len(m.Before), len(m.After), m.QuorumBefore, m.QuorumAfter, masterList(m.Before), masterList(m.After)))
	}
	for _, c := range p.Credentials {
		use := ""
		if !c.InUse {
			use = " (not used by the new description)"
		}
		lines = append(lines, fmt.Sprintf("credential %s: %s%s", c.Key, map[string]string{FileChanged: "rotated", FileAdded: "new", FileRemoved: "gone"}[c.Change], use))
	}
	for _, f := range p.ClusterFiles {
		lines = append(lines, fmt.Sprintf("%s: %s", f.Path, f.Change))
	}
	writeList(b, "Cluster", lines)
}

func writeStep(b *strings.Builder, s Step) {
	fmt.Fprintf(b, "  %d. %s\n", s.Number, s.Do)
	for _, c := range s.Commands {
		fmt.Fprintf(b, "       $ %s\n", c)
	}
	if len(s.Held) > 0 {
		held := make([]string, len(s.Held))
		for i, h := range s.Held {
			held[i] = h.Service + " on " + h.Node
		}
		fmt.Fprintf(b, "       held: %s\n", strings.Join(held, ", "))
	}
	if s.Effect != "" {
		fmt.Fprintf(b, "       meanwhile: %s\n", s.Effect)
	}
	if len(s.Needs) > 0 {
		needs := make([]string, len(s.Needs))
		for i, n := range s.Needs {
			needs[i] = string(n)
		}
		fmt.Fprintf(b, "       needs: %s\n", strings.Join(needs, ", "))
	}
	lead := "wait for"
	if s.OneAtATime {
		lead = "after each, wait for"
	}
	for i, w := range s.WaitFor {
		if i == 0 {
			fmt.Fprintf(b, "       %s: %s\n", lead, w)
		} else {
			fmt.Fprintf(b, "       %s  %s\n", strings.Repeat(" ", len(lead)), w)
		}
	}
	if len(s.Sources) > 0 {
		fmt.Fprintf(b, "       per: %s\n", shortCites(s.Sources))
	}
}

func writeList(b *strings.Builder, title string, lines []string) {
	if len(lines) == 0 {
		return
	}
	fmt.Fprintf(b, "\n%s:\n", title)
	for _, l := range lines {
		fmt.Fprintf(b, "  - %s\n", l)
	}
}

// where names a hazard's place: "description nodes[3].ip".
func where(h Hazard) string {
	if h.Path == "" {
		return h.File
	}
	return h.File + " " + h.Path
}

// boots reports whether a step boots a node with a seed.
func (p *Plan) boots() bool {
	for _, s := range p.Steps {
		if s.Kind == StepBoot || s.Kind == StepReapply {
			return true
		}
	}
	return false
}

func memberList(ms []manifest.Member) string {
	if len(ms) == 0 {
		return "none"
	}
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = fmt.Sprintf("%d=%s", m.MyID, m.Name)
	}
	return strings.Join(out, " ")
}

func masterList(ms []manifest.Master) string {
	if len(ms) == 0 {
		return "none"
	}
	return strings.Join(masterNames(ms), " ")
}

func sameMembers(a, b []manifest.Member) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func sameMasters(a, b []manifest.Master) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// shortCites writes citations (repo@ref:path:line) for reading: each repository once, then the
// file names and lines cited in it ("apache/mesos@1.11.0 operational-guide.md:36, :57"). The
// JSON keeps them whole.
func shortCites(sources []string) string {
	var order []string
	files := map[string][]string{}
	for _, s := range sources {
		repo, rest, ok := strings.Cut(s, ":")
		if !ok {
			order = append(order, s)
			continue
		}
		if _, seen := files[repo]; !seen {
			order = append(order, repo)
		}
		file := rest
		if i := strings.LastIndexByte(rest[:strings.LastIndexByte(rest, ':')], '/'); i >= 0 {
			file = rest[i+1:]
		}
		files[repo] = append(files[repo], file)
	}
	out := make([]string, len(order))
	for i, repo := range order {
		out[i] = strings.TrimSpace(repo + " " + strings.Join(files[repo], ", "))
	}
	return strings.Join(out, "; ")
}

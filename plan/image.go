package plan

import (
	"strings"

	v1 "github.com/mesosimg/mesosimg/config/v1"
)

// Image is the plan of the base image every node of the cluster boots from with
// install.method preinstalled (out/packer). It holds what the nodes would install at first
// boot with install.method apt — the same repositories, keys, pins and versions — over every
// role of the cluster, so one image serves every node; per-node configuration stays in the
// user-data. The services are installed but disabled: first boot writes their configuration,
// then enables and starts them.
type Image struct {
	// Cluster is the Mesos cluster name.
	Cluster string
	// OS is the target system.
	OS v1.OSInfo
	// Settings is the description's image: section with its defaults applied.
	Settings v1.Image
	// Nodes are the names of the nodes that boot from the image.
	Nodes []string
	// Apt holds the repositories and mirrors a first boot configures.
	Apt *Apt
	// AptPin is the content of AptPinPath (ZooKeeper from the distribution), empty when no
	// extra repository could shadow it.
	AptPin string
	// PolicyRCD is the content of PolicyRCDPath, which keeps services stopped while packages install.
	PolicyRCD string
	// Tools are installed from the distribution before the repositories are set up.
	Tools []string
	// Packages are every package any node installs at first boot, in install order.
	Packages []ImagePackage
	// MarathonImage is the container image pulled into Docker's store, when Marathon runs as a container.
	MarathonImage string
	// Services are the units installed but left disabled and stopped until first boot.
	Services []string
	// StateDirs hold state a service may have written on the build machine; they are removed
	// so every node starts its own ensemble member, replicated log and agent.
	StateDirs []string
}

// ImagePackage is a package baked into the image.
type ImagePackage struct {
	Package
	// Var names the Packer variable that overrides Version ("mesos_version"); its environment
	// variable in the provisioning script is the same name in upper case. Empty: not overridable.
	Var string
}

// Env is the environment variable of the package's version in the provisioning script, or "".
func (p ImagePackage) Env() string { return strings.ToUpper(p.Var) }

// NeedsDocker reports whether node n runs Docker: Marathon (always a container), or an agent with
// the docker containerizer.
func (p *Cluster) NeedsDocker(n *v1.Node) bool {
	r := RolesOf(*n)
	return r.Marathon || (r.Agent && contains(p.agentSettings(n).Containerizers, "docker"))
}

// AllRoles is every role some node of the cluster holds.
func (p *Cluster) AllRoles() Roles {
	var all Roles
	for _, n := range p.Description.Nodes {
		r := RolesOf(n)
		all.ZooKeeper = all.ZooKeeper || r.ZooKeeper
		all.Master = all.Master || r.Master
		all.Agent = all.Agent || r.Agent
		all.Marathon = all.Marathon || r.Marathon
	}
	return all
}

// AnyNeedsDocker reports whether some node runs Docker.
func (p *Cluster) AnyNeedsDocker() bool {
	for i := range p.Description.Nodes {
		if p.NeedsDocker(&p.Description.Nodes[i]) {
			return true
		}
	}
	return false
}

// Image builds the plan of the cluster's base image.
func (p *Cluster) Image() *Image {
	c := p.Description
	im := &Image{
		Cluster:   c.Cluster,
		OS:        p.OS,
		Apt:       p.apt(),
		PolicyRCD: render("policy-rc.d.tmpl", nil),
		StateDirs: []string{"/var/lib/zookeeper/version-2", MasterWorkDir, AgentWorkDir},
	}
	if c.Image != nil {
		im.Settings = *c.Image
	}
	for _, n := range c.Nodes {
		im.Nodes = append(im.Nodes, n.Name)
	}
	roles := p.AllRoles()
	if origins := p.repoOrigins(); len(origins) > 0 && roles.ZooKeeper {
		im.AptPin = render("apt-preferences.tmpl", map[string]any{"Origins": origins})
	}
	for _, src := range im.Apt.Sources {
		if src.Key == "" && src.KeyID != "" {
			im.Tools = []string{"gnupg"}
		}
	}
	in := c.Install
	vars := map[string]string{
		in.ZooKeeper.Package: "zookeeper_version",
		in.Mesos.Package:     "mesos_version",
		in.Docker.Package:    "docker_version",
	}
	mesos := false
	for _, pkg := range p.packages(roles, p.AnyNeedsDocker()) {
		im.Packages = append(im.Packages, ImagePackage{Package: pkg, Var: vars[pkg.Name]})
		mesos = mesos || pkg.Name == in.Mesos.Package
	}
	// The image boots every node through cloud-init (cloud images ship it; this keeps it so).
	im.Packages = append(im.Packages, ImagePackage{Package: Package{Name: "cloud-init"}})
	if roles.Marathon {
		im.MarathonImage = c.Marathon.Image
	}
	if roles.ZooKeeper {
		im.Services = append(im.Services, "zookeeper")
	}
	if mesos {
		// One package holds both daemons: each node enables the ones it runs.
		im.Services = append(im.Services, "mesos-master", "mesos-agent")
	}
	if roles.Marathon {
		im.Services = append(im.Services, "marathon")
	}
	if p.AnyNeedsDocker() {
		// Installing docker.io enables and starts it; only the nodes that need it start it again.
		im.Services = append(im.Services, "docker")
	}
	return im
}

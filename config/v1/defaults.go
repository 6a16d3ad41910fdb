package v1

// Defaults applied when a field is absent.
const (
	DefaultOS               = "ubuntu-22.04"
	DefaultPrefix           = 24
	DefaultAdminUser        = "mesosadmin"
	DefaultMethod           = MethodApt
	DefaultMasterPort       = 5050
	DefaultAgentPort        = 5051
	DefaultMarathonRuntime  = RuntimeContainer
	DefaultMarathonImage    = "mesosphere/marathon:v1.11.24"
	DefaultMarathonHTTPPort = 8080
	// DefaultLibprocessPort is Marathon's fixed LIBPROCESS_PORT (DC/OS uses the same).
	DefaultLibprocessPort   = 15101
	DefaultReadinessTimeout = 600
	// AutoHostsLimit is the node count up to which etc_hosts: auto lists every node.
	AutoHostsLimit          = 256
	DefaultKeyServer        = "keyserver.ubuntu.com"
	DefaultMesosPackage     = "aventer-mesos"
	DefaultZooKeeperPackage = "zookeeperd"
	DefaultDockerPackage    = "docker.io"
	DefaultJavaPackage      = "default-jre-headless"
)

// Install methods.
const (
	MethodApt          = "apt"
	MethodPreinstalled = "preinstalled"
)

// etc_hosts choices.
const (
	EtcHostsAuto         = "auto"
	EtcHostsAll          = "all"
	EtcHostsControlPlane = "control-plane"
)

// Marathon runtimes.
const (
	RuntimeContainer = "container"
	RuntimeTarball   = "tarball"
)

// Roles a node can hold.
const (
	RoleZooKeeper = "zookeeper"
	RoleMaster    = "master"
	RoleAgent     = "agent"
	RoleMarathon  = "marathon"
)

// Roles lists every role in start order.
var Roles = []string{RoleZooKeeper, RoleMaster, RoleAgent, RoleMarathon}

// Fixed ZooKeeper ports (client, quorum, leader election).
const (
	ZooKeeperClientPort   = 2181
	ZooKeeperQuorumPort   = 2888
	ZooKeeperElectionPort = 3888
)

// OSInfo describes a supported target operating system.
type OSInfo struct {
	// ID is the description's name, e.g. ubuntu-22.04.
	ID string
	// Distro is ubuntu or debian.
	Distro string
	// Version is the release number, e.g. 22.04.
	Version string
	// Codename is the release codename, e.g. jammy.
	Codename string
	// AventerURL is the AVENTER apt repository for this release (suite = Codename).
	AventerURL string
}

// OSes lists the supported target systems.
var OSes = []OSInfo{
	{ID: "ubuntu-22.04", Distro: "ubuntu", Version: "22.04", Codename: "jammy", AventerURL: "http://rpm.aventer.biz/Ubuntu/jammy"},
	{ID: "ubuntu-24.04", Distro: "ubuntu", Version: "24.04", Codename: "noble", AventerURL: "http://rpm.aventer.biz/Ubuntu/noble"},
	{ID: "debian-12", Distro: "debian", Version: "12", Codename: "bookworm", AventerURL: "http://rpm.aventer.biz/Debian"},
}

// LookupOS returns the OS named id.
func LookupOS(id string) (OSInfo, bool) {
	for _, o := range OSes {
		if o.ID == id {
			return o, true
		}
	}
	return OSInfo{}, false
}

// DefaultMesosRepository is the AVENTER clusterd repository for os (maintained Mesos 1.11 builds).
func DefaultMesosRepository(os OSInfo) Repository {
	return Repository{
		Name:       "aventer",
		URL:        os.AventerURL,
		Suite:      os.Codename,
		Components: []string{"main"},
		KeyID:      AventerKeyFingerprint,
		KeyServer:  DefaultKeyServer,
	}
}

// AventerKeyFingerprint is the fingerprint of "AVENTER Support <support@aventer.biz>", the key
// that signs the AVENTER repository. Renewals keep the fingerprint, so fetching it by
// fingerprint from a key server gets the current expiry.
const AventerKeyFingerprint = "BA227EBC312D2E43498A533963F8CEE149ACA59E"

// ApplyDefaults fills every absent optional field of a valid description.
func ApplyDefaults(c *Cluster) {
	if c.Version == 0 {
		c.Version = 1
	}
	if c.OS == "" {
		c.OS = DefaultOS
	}
	setInt(&c.Network.Prefix, DefaultPrefix)
	if c.Network.EtcHosts == "" || c.Network.EtcHosts == EtcHostsAuto {
		c.Network.EtcHosts = EtcHostsAll
		if len(c.Nodes) > AutoHostsLimit {
			c.Network.EtcHosts = EtcHostsControlPlane
		}
	}
	if len(c.Network.Search) == 0 && c.Domain != "" {
		c.Network.Search = []string{c.Domain}
	}
	if c.Admin.User == "" {
		c.Admin.User = DefaultAdminUser
	}
	in := &c.Install
	if in.Method == "" {
		in.Method = DefaultMethod
	}
	if in.Repositories == nil {
		os, _ := LookupOS(c.OS)
		in.Repositories = []Repository{DefaultMesosRepository(os)}
	}
	for i := range in.Repositories {
		r := &in.Repositories[i]
		if len(r.Components) == 0 {
			r.Components = []string{"main"}
		}
		if r.KeyID != "" && r.KeyServer == "" {
			r.KeyServer = DefaultKeyServer
		}
	}
	setString(&in.Mesos.Package, DefaultMesosPackage)
	setString(&in.ZooKeeper.Package, DefaultZooKeeperPackage)
	setString(&in.Docker.Package, DefaultDockerPackage)
	setString(&in.Java.Package, DefaultJavaPackage)
	setInt(&c.Mesos.Master.Port, DefaultMasterPort)
	setInt(&c.Mesos.Agent.Port, DefaultAgentPort)
	if len(c.Mesos.Agent.Containerizers) == 0 {
		c.Mesos.Agent.Containerizers = []string{"mesos"}
	}
	m := &c.Marathon
	setString(&m.Runtime, DefaultMarathonRuntime)
	setString(&m.Image, DefaultMarathonImage)
	setInt(&m.HTTPPort, DefaultMarathonHTTPPort)
	setInt(&m.LibprocessPort, DefaultLibprocessPort)
	setInt(&c.ReadinessTimeout, DefaultReadinessTimeout)
	for i := range c.Nodes {
		n := &c.Nodes[i]
		if n.Prefix == nil {
			n.Prefix = c.Network.Prefix
		}
		setString(&n.Gateway, c.Network.Gateway)
		if n.DNS == nil {
			n.DNS = c.Network.DNS
		}
		setString(&n.Interface, c.Network.Interface)
	}
}

func setString(s *string, def string) {
	if *s == "" {
		*s = def
	}
}

func setInt(p **int, def int) {
	if *p == nil {
		v := def
		*p = &v
	}
}

package v1

import "strings"

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
	applyImageDefaults(c)
	applyInstallerDefaults(c)
	sec := &c.Security
	for _, b := range []**bool{&sec.MesosAuthentication, &sec.MarathonHTTPAuth, &sec.ZooKeeperAuth, &sec.Firewall} {
		if *b == nil {
			t := true
			*b = &t
		}
	}
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

// On reads an on-by-default switch: nil (absent) is on.
func On(b *bool) bool { return b == nil || *b }

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

// Image defaults (the image: section, out/packer).
const (
	DefaultImageDiskSize   = 20
	DefaultAWSInstanceType = "t3.large"
	DefaultQEMUMemory      = 2048
	DefaultQEMUCPUs        = 2
	DefaultQEMUAccelerator = "kvm"
	DefaultImageNamePrefix = "mesos-"
	CanonicalAMIOwner      = "099720109477"
	DebianAMIOwner         = "136693071363"
	ubuntuCloudImages      = "https://cloud-images.ubuntu.com/"
	debianCloudImages      = "https://cloud.debian.org/images/cloud/"
)

// QEMUAccelerators are the qemu accelerators image.qemu.accelerator accepts.
var QEMUAccelerators = []string{"kvm", "tcg", "hvf", "whpx", "none"}

// OSImage holds where the base image of an OS comes from: its AMI and its cloud image.
type OSImage struct {
	// AMIOwner owns the source AMIs; AMIName filters them by name; AMIUser logs in to them.
	AMIOwner, AMIName, AMIUser string
	// AMIRootDevice is the source AMI's root device (resized to image.disk_size).
	AMIRootDevice string
	// CloudImageURL is the current amd64 cloud image; CloudImageChecksum verifies it (file:<checksum list>).
	CloudImageURL, CloudImageChecksum string
}

// OSImages holds the image sources of every supported OS, by OS id.
var OSImages = map[string]OSImage{
	"ubuntu-22.04": {
		AMIOwner: CanonicalAMIOwner, AMIName: "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-*", AMIUser: "ubuntu", AMIRootDevice: "/dev/sda1",
		CloudImageURL:      ubuntuCloudImages + "jammy/current/jammy-server-cloudimg-amd64.img",
		CloudImageChecksum: "file:" + ubuntuCloudImages + "jammy/current/SHA256SUMS",
	},
	"ubuntu-24.04": {
		AMIOwner: CanonicalAMIOwner, AMIName: "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*", AMIUser: "ubuntu", AMIRootDevice: "/dev/sda1",
		CloudImageURL:      ubuntuCloudImages + "noble/current/noble-server-cloudimg-amd64.img",
		CloudImageChecksum: "file:" + ubuntuCloudImages + "noble/current/SHA256SUMS",
	},
	"debian-12": {
		AMIOwner: DebianAMIOwner, AMIName: "debian-12-amd64-*", AMIUser: "admin", AMIRootDevice: "/dev/xvda",
		CloudImageURL:      debianCloudImages + "bookworm/latest/debian-12-genericcloud-amd64.qcow2",
		CloudImageChecksum: "file:" + debianCloudImages + "bookworm/latest/SHA512SUMS",
	},
}

// DefaultImageName is the image name prefix of a cluster: mesos-<cluster in lower case>.
func DefaultImageName(cluster string) string {
	return DefaultImageNamePrefix + strings.ToLower(cluster)
}

// applyImageDefaults fills the image: section; it is filled (with the qemu source) even when absent.
func applyImageDefaults(c *Cluster) {
	if c.Image == nil {
		c.Image = &Image{}
	}
	im := c.Image
	osImage := OSImages[c.OS]
	setString(&im.Name, DefaultImageName(c.Cluster))
	setInt(&im.DiskSize, DefaultImageDiskSize)
	if a := im.AWS; a != nil {
		setString(&a.InstanceType, DefaultAWSInstanceType)
		setString(&a.SourceAMIOwner, osImage.AMIOwner)
		setString(&a.SourceAMIName, osImage.AMIName)
		setString(&a.SSHUsername, osImage.AMIUser)
	}
	q := &im.QEMU
	if q.SourceURL == "" {
		q.SourceURL = osImage.CloudImageURL
		setString(&q.SourceChecksum, osImage.CloudImageChecksum)
	}
	setInt(&q.Memory, DefaultQEMUMemory)
	setInt(&q.CPUs, DefaultQEMUCPUs)
	setString(&q.Accelerator, DefaultQEMUAccelerator)
}

// Installer defaults (the installer: section, nodes/<name>/preseed.cfg and autoinstall.yaml).
const (
	DiskLargest          = "largest"
	DefaultInstallerDisk = DiskLargest
	InstallerStatic      = "static"
	InstallerDHCP        = "dhcp"
	DefaultInstallerNet  = InstallerStatic
	DefaultLocale        = "en_US.UTF-8"
	DefaultKeyboard      = "us"
	DefaultTimezone      = "Etc/UTC"
	DefaultDebianArchive = "http://deb.debian.org/debian"
	DefaultUbuntuArchive = "http://archive.ubuntu.com/ubuntu"
)

// debianNetbootDir is where a Debian mirror keeps the netboot installer's linux and initrd.gz,
// below dists/<codename>.
const debianNetbootDir = "/main/installer-amd64/current/images/netboot/debian-installer/amd64/"

// DescribeDisk names an installer.disk value in prose, for the headers of installer files.
func DescribeDisk(disk string) string {
	if disk == DiskLargest {
		return "the largest fixed disk"
	}
	return disk
}

// applyInstallerDefaults fills the installer: section; it is filled even when absent.
func applyInstallerDefaults(c *Cluster) {
	in := &c.Installer
	setString(&in.Disk, DefaultInstallerDisk)
	if in.Mirror == "" && reHTTPURL.MatchString(c.Install.Mirror) {
		in.Mirror = c.Install.Mirror // a file:// mirror serves first boot only
	}
	if in.Mirror == "" {
		in.Mirror = DefaultDebianArchive
		if os, _ := LookupOS(c.OS); os.Distro == "ubuntu" {
			in.Mirror = DefaultUbuntuArchive
		}
	}
	setString(&in.Network, DefaultInstallerNet)
	setString(&in.Locale, DefaultLocale)
	setString(&in.Keyboard, DefaultKeyboard)
	setString(&in.Timezone, DefaultTimezone)
	in.AnswersURL = strings.TrimSuffix(in.AnswersURL, "/")
	if os, _ := LookupOS(c.OS); os.Distro == "debian" && in.AnswersURL != "" {
		netboot := strings.TrimSuffix(in.Mirror, "/") + "/dists/" + os.Codename + debianNetbootDir
		setString(&in.KernelURL, netboot+"linux")
		setString(&in.InitrdURL, netboot+"initrd.gz")
	}
}

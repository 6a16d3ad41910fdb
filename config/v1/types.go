// Package v1 holds version 1 of the cluster description: its types, their
// defaults and their validation. Once released, this package stays frozen; a
// new format version is a new package.
package v1

// Cluster is a version 1 cluster description (cluster.yaml).
type Cluster struct {
	// Version is the description format; 1 when absent.
	Version int `yaml:"version"`
	// Cluster is the Mesos cluster name (--cluster), shown in the master UI.
	Cluster string `yaml:"cluster"`
	// OS is the target operating system: ubuntu-22.04 (default), ubuntu-24.04 or debian-12.
	OS string `yaml:"os"`
	// Domain, when set, gives every node the FQDN <name>.<domain>.
	Domain string `yaml:"domain"`
	// Network holds addressing defaults shared by every node.
	Network Network `yaml:"network"`
	// Admin is the login user created on every node.
	Admin Admin `yaml:"admin"`
	// NTP lists time servers; empty keeps the image's own time sync settings.
	NTP NTP `yaml:"ntp"`
	// Install says where packages come from.
	Install Install `yaml:"install"`
	// Mesos holds settings of mesos-master and mesos-agent.
	Mesos Mesos `yaml:"mesos"`
	// Marathon holds settings of Marathon.
	Marathon Marathon `yaml:"marathon"`
	// Security holds authentication and firewall settings; everything is on by default.
	Security Security `yaml:"security"`
	// Image configures the Packer templates (out/packer) that bake every package into a base image.
	Image *Image `yaml:"image"`
	// Installer configures the bare-metal installer answers (preseed.cfg on debian-12, autoinstall.yaml on Ubuntu).
	Installer Installer `yaml:"installer"`
	// ReadinessTimeout is how many seconds the first boot waits for services before it reports; default 600.
	ReadinessTimeout *int `yaml:"readiness_timeout"`
	// Nodes lists every machine of the cluster.
	Nodes []Node `yaml:"nodes"`
}

// Network holds addressing defaults; a node's own fields override them.
type Network struct {
	// Prefix is the IPv4 prefix length of node addresses; default 24.
	Prefix *int `yaml:"prefix"`
	// Gateway is the default route.
	Gateway string `yaml:"gateway"`
	// DNS lists name server addresses.
	DNS []string `yaml:"dns"`
	// Search lists DNS search domains; default the domain, when set.
	Search []string `yaml:"search"`
	// Interface is the NIC name carrying the node address (see docs/describing-a-cluster.md: which NIC gets the address).
	Interface string `yaml:"interface"`
	// EtcHosts says which nodes every /etc/hosts lists: all, control-plane (the node itself
	// and every zookeeper, master and marathon node) or auto (default: all up to 256 nodes,
	// control-plane above, so user-data stays small and rendering linear in nodes).
	EtcHosts string `yaml:"etc_hosts"`
	// AddressCheck (default true): before starting any service, the first boot sends RFC 5227
	// ARP probes for the node's address and refuses the seed when another machine answers (a
	// clone, or another machine booted with this seed). Set false on networks where a proxy
	// answers every ARP request with its own MAC (Azure, Google Cloud): there every probe would
	// seem answered, and the platform keeps addresses unique itself.
	AddressCheck *bool `yaml:"address_check"`
}

// Admin is the administrator account created on every node.
type Admin struct {
	// User is the login name; default mesosadmin. It gets passwordless sudo, and no password.
	User string `yaml:"user"`
	// SSHAuthorizedKeys are the public keys allowed to log in as User. With none, no user is
	// created and the image's default user keeps the keys the platform gives it.
	SSHAuthorizedKeys []string `yaml:"ssh_authorized_keys"`
}

// NTP configures time synchronisation through cloud-init's ntp module.
type NTP struct {
	// Servers are NTP server host names or addresses.
	Servers []string `yaml:"servers"`
	// Pools are NTP pool host names.
	Pools []string `yaml:"pools"`
}

// Install says where every package comes from.
type Install struct {
	// Method is apt (default: install at first boot from the repositories below) or
	// preinstalled (the image, e.g. built from out/packer, already holds everything).
	Method string `yaml:"method"`
	// Mirror replaces the distribution's primary archive (e.g. a local apt mirror).
	Mirror string `yaml:"mirror"`
	// SecurityMirror replaces the distribution's security archive.
	SecurityMirror string `yaml:"security_mirror"`
	// Repositories are extra apt repositories; default the AVENTER clusterd repository for Mesos.
	Repositories []Repository `yaml:"repositories"`
	// Mesos is the package holding mesos-master and mesos-agent; default aventer-mesos (a
	// version looks like 1.11.0-0.7.1.debian12).
	Mesos Package `yaml:"mesos"`
	// ZooKeeper is the ZooKeeper server package; default the distribution's zookeeperd (a
	// version looks like 3.8.0-11+deb12u2 on debian-12).
	ZooKeeper Package `yaml:"zookeeper"`
	// Docker is the Docker engine package, installed where Marathon runs as a container or an
	// agent uses the docker containerizer; default the distribution's docker.io (a version looks
	// like 24.0.7-0ubuntu2~22.04.1 on ubuntu-22.04).
	Docker Package `yaml:"docker"`
	// Java is not used: Marathon runs as a container image that carries its own Java 8 (a
	// value here is ignored with a warning; kept so older descriptions still load).
	Java Package `yaml:"java"`
}

// Repository is an apt repository, signed by a key given inline, in a file, or by fingerprint.
type Repository struct {
	// Name names the sources file (/etc/apt/sources.list.d/<name>.list).
	Name string `yaml:"name"`
	// URL is the repository base URL (http, https or file).
	URL string `yaml:"url"`
	// Suite is the distribution suite, e.g. jammy.
	Suite string `yaml:"suite"`
	// Components are the archive components; default [main].
	Components []string `yaml:"components"`
	// Key is the ASCII-armoured public signing key.
	Key string `yaml:"key"`
	// KeyFile is a file holding the ASCII-armoured key, relative to the description.
	KeyFile string `yaml:"key_file"`
	// KeyID is the full key fingerprint (40 hex digits), fetched from KeyServer at first boot.
	KeyID string `yaml:"keyid"`
	// KeyServer is the key server for KeyID; default keyserver.ubuntu.com.
	KeyServer string `yaml:"keyserver"`
}

// Package names a Debian package and optionally pins its version.
type Package struct {
	// Package is the package name.
	Package string `yaml:"package"`
	// Version pins the package's exact Debian version, as `apt-cache policy <package>` lists it
	// on the target system (examples under each package above); empty takes the newest.
	Version string `yaml:"version"`
}

// Mesos holds settings of the Mesos daemons.
type Mesos struct {
	// Master holds mesos-master settings.
	Master Master `yaml:"master"`
	// Agent holds mesos-agent settings shared by every agent; nodes may override them.
	Agent Agent `yaml:"agent"`
}

// Master holds mesos-master settings.
type Master struct {
	// Port is the master port; default 5050.
	Port *int `yaml:"port"`
	// Flags are extra mesos-master flags (name without dashes → value).
	Flags map[string]string `yaml:"flags"`
}

// Agent holds mesos-agent settings.
type Agent struct {
	// Port is the agent port; default 5051.
	Port *int `yaml:"port"`
	// Containerizers is mesos (default) or docker,mesos.
	Containerizers []string `yaml:"containerizers"`
	// Resources are the agent's resources, e.g. cpus: "4", ports: "[31000-32000]"; default detected.
	Resources map[string]string `yaml:"resources"`
	// Attributes are the agent's attributes, e.g. rack: r1.
	Attributes map[string]string `yaml:"attributes"`
	// Flags are extra mesos-agent flags (name without dashes → value).
	Flags map[string]string `yaml:"flags"`
}

// Agent reconfiguration policies: what a restarting mesos-agent accepts as its old agent
// info (m3scluster/clusterd v1.11.0-0.7.1 src/slave/compatibility.cpp:35, :54).
const (
	// PolicyEqual accepts only the same agent info; the agent's default.
	PolicyEqual = "equal"
	// PolicyAdditive accepts added and grown resources and attributes.
	PolicyAdditive = "additive"
)

// ReconfigurationPolicy is the agents' --reconfiguration_policy: flags.reconfiguration_policy,
// else the agent's default, equal (clusterd src/slave/flags.cpp:603).
func (a Agent) ReconfigurationPolicy() string {
	if p := a.Flags["reconfiguration_policy"]; p != "" {
		return p
	}
	return PolicyEqual
}

// Marathon holds settings of Marathon.
type Marathon struct {
	// Runtime is container (default and only working value: the image below, run by Docker).
	// tarball is refused: Marathon 1.11 needs Java 8 and a libmesos with Java bindings, which
	// the supported systems and aventer-mesos lack.
	Runtime string `yaml:"runtime"`
	// Image is the container image; default mesosphere/marathon:v1.11.24.
	Image string `yaml:"image"`
	// Tarball is not used (the tarball runtime is refused); a value is ignored with a warning.
	Tarball Tarball `yaml:"tarball"`
	// HTTPPort is the API/UI port; default 8080.
	HTTPPort *int `yaml:"http_port"`
	// LibprocessPort is the fixed port the Mesos master connects back to; default 15101.
	LibprocessPort *int `yaml:"libprocess_port"`
	// Flags are extra Marathon flags (name without dashes → value), written as MARATHON_<FLAG>.
	Flags map[string]string `yaml:"flags"`
}

// Tarball is a downloadable archive pinned by its checksum.
type Tarball struct {
	// URL is where the archive is downloaded from at first boot.
	URL string `yaml:"url"`
	// SHA256 is the archive's checksum (64 hex digits); the download is refused on mismatch.
	SHA256 string `yaml:"sha256"`
}

// Node is one machine of the cluster.
type Node struct {
	// Name is the unique host name (an RFC 1123 label).
	Name string `yaml:"name"`
	// IP is the unique IPv4 address the node's services bind to and advertise.
	IP string `yaml:"ip"`
	// Roles are any of zookeeper, master, agent, marathon.
	Roles []string `yaml:"roles"`
	// Prefix overrides network.prefix.
	Prefix *int `yaml:"prefix"`
	// Gateway overrides network.gateway.
	Gateway string `yaml:"gateway"`
	// DNS overrides network.dns.
	DNS []string `yaml:"dns"`
	// Interface overrides network.interface: the NIC that carries IP.
	Interface string `yaml:"interface"`
	// MAC matches the NIC by hardware address (and names it Interface).
	MAC string `yaml:"mac"`
	// Agent overrides mesos.agent settings for this node.
	Agent *AgentOverride `yaml:"agent"`
}

// AgentOverride replaces mesos.agent settings on one node; unset fields keep the cluster's.
type AgentOverride struct {
	// Containerizers replaces mesos.agent.containerizers.
	Containerizers []string `yaml:"containerizers"`
	// Resources replaces mesos.agent.resources.
	Resources map[string]string `yaml:"resources"`
	// Attributes are merged over mesos.agent.attributes.
	Attributes map[string]string `yaml:"attributes"`
}

// Security closes the cluster by default; each switch can be turned off, with a warning.
type Security struct {
	// MesosAuthentication makes masters authenticate frameworks and agents (--authenticate_frameworks,
	// --authenticate_agents, credentials on masters, a credential on agents, Marathon's principal); default true.
	MesosAuthentication *bool `yaml:"mesos_authentication"`
	// MarathonHTTPAuth puts Marathon's API and UI behind --http_credentials; default true.
	MarathonHTTPAuth *bool `yaml:"marathon_http_auth"`
	// ZooKeeperAuth makes Mesos and Marathon use ZooKeeper digest credentials, so only they can
	// change their znodes; default true.
	ZooKeeperAuth *bool `yaml:"zookeeper_auth"`
	// Firewall writes an nftables ruleset on every node that admits only the traffic the cluster
	// needs; default true.
	Firewall *bool `yaml:"firewall"`
	// AdminCIDRs may reach SSH, the Mesos UI (5050) and Marathon (8080); default none (cluster only).
	AdminCIDRs []string `yaml:"admin_cidrs"`
	// TaskCIDRs may reach task ports (31000-32000) on agents; default the nodes and admin_cidrs.
	TaskCIDRs []string `yaml:"task_cidrs"`
	// SecretsFile holds the generated credentials (0600) of this cluster, created on the first render
	// and reused; relative to the description (to the working directory for standard input); default
	// <description name>.secrets.yaml beside the description, none for standard input (--secrets then).
	SecretsFile string `yaml:"secrets_file"`
	// TLS, when given, makes every Mesos daemon and Marathon's Mesos client speak TLS (LIBPROCESS_SSL_*).
	TLS *TLS `yaml:"tls"`
}

// TLS names the certificates of the cluster: one CA and, per node, a certificate whose
// subjectAltName holds the node's IP, with its key.
type TLS struct {
	// CAFile is the PEM CA certificate that signed every node certificate, relative to the description.
	CAFile string `yaml:"ca_file"`
	// CertDir holds <node>.pem (certificate) and <node>-key.pem (private key) for every node,
	// relative to the description.
	CertDir string `yaml:"cert_dir"`

	// CA is CAFile's content, read by the loader.
	CA string `yaml:"-"`
	// Certs are the nodes' certificates and keys by node name, read by the loader.
	Certs map[string]NodeCert `yaml:"-"`
}

// NodeCert is one node's PEM certificate and private key.
type NodeCert struct {
	Cert, Key string
}

// Image configures the Packer templates that bake the cluster's packages into one base image
// (out/packer). The qemu source is always rendered; the amazon-ebs source only when aws is given.
type Image struct {
	// Name prefixes the AMI name and the qcow2 file; Packer appends a UTC timestamp. Default mesos-<cluster>.
	Name string `yaml:"name"`
	// DiskSize is the image's disk (the AMI's root volume, the qcow2's virtual size) in GiB; default 20.
	DiskSize *int `yaml:"disk_size"`
	// AWS, when given, adds the amazon-ebs source that builds an AMI.
	AWS *ImageAWS `yaml:"aws"`
	// QEMU configures the qemu source that builds a qcow2 image from the distribution's cloud image.
	QEMU ImageQEMU `yaml:"qemu"`
}

// ImageAWS configures Packer's amazon-ebs source.
type ImageAWS struct {
	// Region is the AWS region the AMI is built in, e.g. eu-west-1; required.
	Region string `yaml:"region"`
	// InstanceType is the build instance's type; default t3.large.
	InstanceType string `yaml:"instance_type"`
	// SourceAMIOwner is the account owning the source AMI; default the OS vendor's (Canonical, Debian).
	SourceAMIOwner string `yaml:"source_ami_owner"`
	// SourceAMIName is the source AMI name filter (* matches anything); default the OS's amd64 server images.
	SourceAMIName string `yaml:"source_ami_name"`
	// SSHUsername is the source AMI's login user; default ubuntu (Ubuntu) or admin (Debian).
	SSHUsername string `yaml:"ssh_username"`
	// Tags are extra tags of the AMI and its snapshot (mesosimg adds mesosimg:cluster and mesosimg:os).
	Tags map[string]string `yaml:"tags"`
}

// ImageQEMU configures Packer's qemu source.
type ImageQEMU struct {
	// SourceURL is the cloud image the build starts from; default the OS's current amd64 cloud image.
	SourceURL string `yaml:"source_url"`
	// SourceChecksum verifies SourceURL: file:<URL of a SHA256SUMS/SHA512SUMS file>, sha256:<hex> or
	// sha512:<hex>; default the checksum file beside the default image. Required with source_url.
	SourceChecksum string `yaml:"source_checksum"`
	// Memory is the build VM's memory in MiB; default 2048.
	Memory *int `yaml:"memory"`
	// CPUs is the build VM's processor count; default 2.
	CPUs *int `yaml:"cpus"`
	// Accelerator is kvm (default), tcg (software emulation, slow), hvf, whpx or none.
	Accelerator string `yaml:"accelerator"`
}

// Installer configures the answers that install a node's OS unattended on bare metal: the Debian
// installer's preseed.cfg (debian-12) or subiquity's autoinstall.yaml (Ubuntu). The installed
// system boots the node's NoCloud seed from its own disk, so first boot matches a VM's.
type Installer struct {
	// Disk is the disk wiped and installed to: largest (default: the largest fixed disk), /dev/sdX, /dev/vdX, /dev/xvdX, /dev/nvmeNnM, /dev/mmcblkN or /dev/disk/by-id/… (by-path/…).
	Disk string `yaml:"disk"`
	// Mirror is the archive the installer installs from (http:// or https:// host and directory); default install.mirror when it is http(s), else the distribution's public archive.
	Mirror string `yaml:"mirror"`
	// Offline installs with no Internet access: everything comes from mirror (then required), no security archive unless install.security_mirror, NTP only from ntp:; default false.
	Offline bool `yaml:"offline"`
	// Network is static (default: the node's ip, prefix, gateway and dns) or dhcp during the install; the installed node always uses its network-config.
	Network string `yaml:"network"`
	// Locale is the system locale; default en_US.UTF-8.
	Locale string `yaml:"locale"`
	// Keyboard is the console keyboard layout (an XKB layout such as us, de, fr); default us.
	Keyboard string `yaml:"keyboard"`
	// Timezone is the system time zone (a tz database name); default Etc/UTC.
	Timezone string `yaml:"timezone"`
	// AnswersURL is where the render's output directory is served for network installs (http:// or https://; e.g. https://boot.lan/metal, with nodes/<name>/preseed.cfg beneath it). With it, render writes each node's kernel command line (nodes/<name>/cmdline) and pxe/: iPXE and PXELINUX files that point each node's MAC at its own answers. The answers hold the node's secrets: prefer https://.
	AnswersURL string `yaml:"answers_url"`
	// KernelURL is the installer kernel a network boot loads (http:// for PXELINUX); set with initrd_url or neither; default for debian-12 the netboot kernel under mirror (dists/bookworm/main/installer-amd64/current/images/netboot/debian-installer/amd64/linux); required for Ubuntu (casper/vmlinuz of the iso_url ISO).
	KernelURL string `yaml:"kernel_url"`
	// InitrdURL is the installer initrd a network boot loads; default for debian-12 the netboot initrd.gz beside the default kernel; required for Ubuntu (casper/initrd of the iso_url ISO).
	InitrdURL string `yaml:"initrd_url"`
	// ISOURL is the Ubuntu live-server ISO (ending in .iso, best http://) the network-booted installer downloads into memory (casper's url= on 22.04, iso-url= on 24.04; give the machine 4 GiB of RAM or more, 8 GiB for 24.04); kernel_url and initrd_url must come from the same ISO build; required for Ubuntu network installs, not used on debian-12.
	ISOURL string `yaml:"iso_url"`
	// KernelArgs are extra kernel parameters of every network install (e.g. console=ttyS0,115200n8; at most 13 of the name=value kind, none mesosimg sets itself); they follow "---", so the installers copy them to the installed system's boot loader.
	KernelArgs []string `yaml:"kernel_args"`
}

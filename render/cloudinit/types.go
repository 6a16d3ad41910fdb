// Package cloudinit renders a node plan as NoCloud files: user-data
// (#cloud-config), meta-data and network-config (version 2). Each is built as
// typed values and marshalled with yaml.v3.
package cloudinit

// CloudConfig is the subset of cloud-config mesosimg writes, in the order the
// keys appear in user-data.
type CloudConfig struct {
	Hostname       string `yaml:"hostname"`
	FQDN           string `yaml:"fqdn,omitempty"`
	PreferFQDN     *bool  `yaml:"prefer_fqdn_over_hostname,omitempty"`
	ManageEtcHosts bool   `yaml:"manage_etc_hosts"`
	Users          []any  `yaml:"users"`
	DisableRoot    bool   `yaml:"disable_root"`
	SSHPwauth      bool   `yaml:"ssh_pwauth"`
	// SSHDeleteKeys false keeps the SSH host keys when the node's seed is applied again; the
	// node's bootcmd removes them on a machine not yet set up as this node.
	SSHDeleteKeys *bool       `yaml:"ssh_deletekeys,omitempty"`
	NTP           *NTP        `yaml:"ntp,omitempty"`
	Apt           *Apt        `yaml:"apt,omitempty"`
	BootCmd       [][]string  `yaml:"bootcmd,omitempty"`
	PackageUpdate bool        `yaml:"package_update,omitempty"`
	Packages      []any       `yaml:"packages,omitempty"`
	WriteFiles    []WriteFile `yaml:"write_files"`
	RunCmd        [][]string  `yaml:"runcmd"`
}

// User is a cloud-config users entry.
type User struct {
	Name              string   `yaml:"name"`
	Gecos             string   `yaml:"gecos,omitempty"`
	Shell             string   `yaml:"shell"`
	Sudo              string   `yaml:"sudo"`
	LockPasswd        bool     `yaml:"lock_passwd"`
	SSHAuthorizedKeys []string `yaml:"ssh_authorized_keys"`
}

// NTP is the ntp module's configuration.
type NTP struct {
	Enabled bool     `yaml:"enabled"`
	Servers []string `yaml:"servers,omitempty"`
	Pools   []string `yaml:"pools,omitempty"`
}

// Apt is the apt module's configuration.
type Apt struct {
	PreserveSourcesList bool                 `yaml:"preserve_sources_list"`
	Primary             []Mirror             `yaml:"primary,omitempty"`
	Security            []Mirror             `yaml:"security,omitempty"`
	Sources             map[string]AptSource `yaml:"sources,omitempty"`
}

// Mirror is an apt primary/security mirror entry.
type Mirror struct {
	Arches []string `yaml:"arches"`
	URI    string   `yaml:"uri"`
}

// AptSource is one apt.sources entry.
type AptSource struct {
	Source    string `yaml:"source"`
	Key       string `yaml:"key,omitempty"`
	KeyID     string `yaml:"keyid,omitempty"`
	KeyServer string `yaml:"keyserver,omitempty"`
	// Append is always false: the .list file is written whole, so that running apt_configure again
	// (a first boot resumed after a power cut) leaves one line, not two. cloud-init appends by
	// default (canonical/cloud-init 22.4.2 cloudinit/config/cc_apt_configure.py:599-604).
	Append bool `yaml:"append"`
}

// WriteFile is one write_files entry.
type WriteFile struct {
	Path        string `yaml:"path"`
	Owner       string `yaml:"owner"`
	Permissions string `yaml:"permissions"`
	Defer       bool   `yaml:"defer,omitempty"`
	Content     string `yaml:"content"`
}

// MetaData is the NoCloud meta-data file.
type MetaData struct {
	InstanceID    string `yaml:"instance-id"`
	LocalHostname string `yaml:"local-hostname"`
}

// NetworkConfig is a network-config version 2 document.
type NetworkConfig struct {
	Version   int                 `yaml:"version"`
	Ethernets map[string]Ethernet `yaml:"ethernets"`
}

// Ethernet is one ethernets entry.
type Ethernet struct {
	Match       *Match       `yaml:"match,omitempty"`
	SetName     string       `yaml:"set-name,omitempty"`
	DHCP4       bool         `yaml:"dhcp4"`
	DHCP6       bool         `yaml:"dhcp6"`
	Addresses   []string     `yaml:"addresses,omitempty"`
	Gateway4    string       `yaml:"gateway4,omitempty"`
	Routes      []Route      `yaml:"routes,omitempty"`
	Nameservers *Nameservers `yaml:"nameservers,omitempty"`
}

// Match selects a NIC.
type Match struct {
	MACAddress string `yaml:"macaddress,omitempty"`
	Name       string `yaml:"name,omitempty"`
}

// Route is a static route. Default routes use 0.0.0.0/0: "default" crashes
// cloud-init 22.4's ENI renderer (Debian 12).
type Route struct {
	To  string `yaml:"to"`
	Via string `yaml:"via"`
}

// Nameservers are DNS settings.
type Nameservers struct {
	Addresses []string `yaml:"addresses,omitempty"`
	Search    []string `yaml:"search,omitempty"`
}

// RetiredConfig is the cloud-config of the retired seed: it leaves the machine's host name
// and SSH host keys as they are and masks mesosimg's services at every boot. (users is left
// out: cloud-init's schema refuses an empty list, and the image's default user stays.)
type RetiredConfig struct {
	PreserveHostname bool       `yaml:"preserve_hostname"`
	SSHDeleteKeys    bool       `yaml:"ssh_deletekeys"`
	BootCmd          [][]string `yaml:"bootcmd"`
}

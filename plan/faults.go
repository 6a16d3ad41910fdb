package plan

import (
	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/templates"
)

// Paths of the files that make the first boot survive faults: a power cut in the middle of it,
// another machine answering for the node's address.
const (
	// AddressCheckPath sends RFC 5227 ARP probes for the node's address (python3).
	AddressCheckPath = "/usr/local/lib/mesosimg/address-check"
	// ReadinessPath holds the readiness line (or "<node> refused: …").
	ReadinessPath = StateDir + "/readiness"
	// FirstBootDonePath names the instance whose first boot finished (the first-boot script
	// writes it on its way out, unless it refused the seed); until it does, every boot makes
	// cloud-init run the first boot's modules again (resume.sh.tmpl).
	FirstBootDonePath = StateDir + "/firstboot.done"
	// FirstBootStartedPath is written when the first boot starts: packages installed after it are
	// verified after a power cut.
	FirstBootStartedPath = StateDir + "/firstboot.started"
	// InstanceIDRunPath is where cloud-init writes the instance-id at every boot
	// (canonical/cloud-init 22.4.2 cloudinit/stages.py:394, helpers.py:337 and :360).
	InstanceIDRunPath = "/run/cloud-init/.instance-id"
)

// FaultFacts are the ids of the cloud-init behaviours (internal/upstream's operation facts, each
// cited at canonical/cloud-init 22.4.2) that the first boot under faults stands on: semaphores
// written before a module runs and kept after a cut, their names and directory, the instance-id
// bootcmd and the first-boot script read, bootcmd's one script and its place before write_files
// and ssh, apt sources appended by default, dpkg's unsafe I/O, files written without fsync, and
// what `cloud-init status` reads.
var FaultFacts = []string{
	"ci.sem.write", "ci.sem.before", "ci.sem.skip", "ci.sem.clear_on_fail", "ci.sem.modules",
	"ci.sem.config_name", "ci.sem.canon", "ci.instance.dir", "ci.instance.dir.safe",
	"ci.iid.run", "ci.iid.run.name", "ci.bootcmd", "ci.bootcmd.env", "ci.bootcmd.script",
	"ci.bootcmd.sh", "ci.order.bootcmd", "ci.order.ssh", "ci.apt.append", "ci.apt.unsafe_io",
	"ci.apt.update_sources", "ci.write_file.nosync", "ci.status.reset", "ci.status.error",
	"ci.gpg.dearmor", "ci.sem.before.24", "ci.bootcmd.env.24",
}

// resumeSemaphores are the cloud-init semaphores of the modules doing the first boot's work, in
// the order they run: config-<module> with '-' as '_' (canonical/cloud-init 22.4.2
// cloudinit/config/modules.py:238, cloudinit/helpers.py:58-59), and update_sources, apt-get
// update's own (cloudinit/distros/debian.py:292-298).
func resumeSemaphores(apt bool) []string {
	s := []string{"config_write_files"}
	if apt {
		s = append(s, "config_apt_configure")
	}
	s = append(s, "config_runcmd")
	if apt {
		s = append(s, "update_sources", "config_package_update_upgrade_install")
	}
	return append(s, "config_write_files_deferred", "config_scripts_user")
}

// resumeCommand is the bootcmd entry that finishes an interrupted first boot (resume.sh.tmpl).
// It runs in its own shell (sh -c), so that its exit ends nothing else of bootcmd.
func (p *Cluster) resumeCommand(n *Node) []string {
	apt := p.Description.Install.Method == v1.MethodApt
	script := templates.Script("resume.sh.tmpl", map[string]any{
		"Node":       n.Name,
		"Done":       FirstBootDonePath,
		"Started":    FirstBootStartedPath,
		"Semaphores": resumeSemaphores(apt),
		"Apt":        apt,
	})
	return []string{"sh", "-c", script, "mesosimg-resume"}
}

// faultFiles are, with network.address_check, the address prober.
func (p *Cluster) faultFiles(n *Node) []File {
	if p.addressCheck(n) == nil {
		return nil
	}
	return []File{{Path: AddressCheckPath, Mode: 0o755, Content: templates.Script("address-check.py.tmpl", nil)}}
}

// addressCheckData is what the first-boot script needs to probe the node's address.
type addressCheckData struct {
	Script, IP string
}

// addressCheck is the first-boot template's AddressCheck: nil without network.address_check.
func (p *Cluster) addressCheck(n *Node) *addressCheckData {
	if !v1.On(p.Description.Network.AddressCheck) {
		return nil
	}
	return &addressCheckData{Script: AddressCheckPath, IP: n.IP}
}

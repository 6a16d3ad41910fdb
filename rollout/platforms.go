package rollout

// Platform says how a new seed reaches a running node on one kind of platform.
type Platform struct {
	// Name names the platform.
	Name string
	// How says what to do, in a sentence or two.
	How string
	// Sources cite the cloud-init behaviour it rests on.
	Sources []string
}

// Platforms lists how a new seed reaches a node, per platform. cloud-init applies a seed's
// user-data only to an instance it takes for new: one whose instance-id differs from the one
// it recorded (canonical/cloud-init 22.4.2 cloudinit/stages.py:420); write_files and runcmd
// run once per instance (cc_write_files.py:112, cc_scripts_user.py:35).
var Platforms = []Platform{
	{"qemu/libvirt", "swap the CD and reboot: `virsh change-media NODE DEVICE SEED --update` (DEVICE: the CD-ROM as `virsh domblklist NODE` lists it), then `virsh reboot NODE`; plain qemu: `change ide1-cd0 SEED` in the monitor, then `system_reset`. With no seed directory on its disk, cloud-init reads the CD at every boot",
		cite("ci.nocloud.quick", "ci.nocloud.label", "ci.nocloud.check")},
	{"Proxmox", "upload the seed to an ISO storage, `qm set VMID --ide2 STORAGE:iso/NODE-seed.iso,media=cdrom`, then `qm reboot VMID`",
		cite("ci.nocloud.label")},
	{"hypervisors that attach disks (VMware, Hyper-V)", "replace the disk made from seed-vfat.img (a FAT filesystem labelled cidata) and reboot",
		cite("ci.nocloud.label")},
	{"bare metal booted from a medium", "a USB stick written with seed-vfat.img, or seed.iso as the BMC's virtual media: swap the medium and reboot",
		cite("ci.nocloud.label")},
	{"bare metal installed by mesosimg's installer", "its seed is on its disk in /var/lib/cloud/seed/nocloud, which cloud-init reads before any cidata device and whose instance-id wins and keeps the cached instance: a new medium is not enough. Write the new user-data, meta-data and network-config into that directory (from a rescue boot, or over SSH), then reboot; reinstalling wipes the disk, and with it ZooKeeper's data and the Mesos work_dir",
		cite("ci.nocloud.dirs", "ci.nocloud.quick", "ci.nocloud.merge", "ci.merge.noreplace")},
	{"EC2", "the instance-id is the EC2 instance id, so changed user-data on the same instance is the same instance: write_files and runcmd do not run again (bootcmd runs every boot). Replacing the instance is the only way: launch a new one with the node's new user-data and address (terminate the old one first, or move a secondary network interface), and attach the old one's data volume (ZooKeeper's dataDir, the Mesos work_dir) so the member keeps its data; without it the node starts empty, as a replaced master or a member without data",
		cite("ci.ec2.instance_id", "ci.ec2.instance_id.24", "ci.write_files", "ci.scripts_user", "ci.bootcmd", "zk.empty.votes")},
}

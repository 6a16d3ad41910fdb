package upstream

import (
	"fmt"
	"sort"
)

// Pinned references of the operating procedures `mesosimg plan` follows.
const (
	// ZooKeeperRepo is Apache ZooKeeper.
	ZooKeeperRepo = "apache/zookeeper"
	// ZooKeeperRef is the tag of the 3.8.0 release (commit 5a02a05e, "Prepared 3.8.0"), Debian 12's zookeeper.
	ZooKeeperRef = "release-3.8.0-1"
	// CloudInitRepo is cloud-init.
	CloudInitRepo = "canonical/cloud-init"
	// CloudInitRef is the cloud-init of Debian 12 (Ubuntu runs newer releases: see CloudInitEC2InstanceID24).
	CloudInitRef = "22.4.2"
)

// ZooKeeper cites ZooKeeper at ZooKeeperRef.
func ZooKeeper(path string, line int) Source { return Source{ZooKeeperRepo, ZooKeeperRef, path, line} }

// CloudInit cites cloud-init at CloudInitRef.
func CloudInit(path string, line int) Source { return Source{CloudInitRepo, CloudInitRef, path, line} }

// Paths cited by the operation facts.
const (
	opsGuide      = "docs/operational-guide.md"
	opsMaint      = "docs/maintenance.md"
	zkAdmin       = "zookeeper-docs/src/main/resources/markdown/zookeeperAdmin.md"
	zkReconfig    = "zookeeper-docs/src/main/resources/markdown/zookeeperReconfig.md"
	zkQuorum      = "zookeeper-server/src/main/java/org/apache/zookeeper/server/quorum/"
	zkFLE         = zkQuorum + "FastLeaderElection.java"
	agentFlags    = "src/slave/flags.cpp"
	agentCompat   = "src/slave/compatibility.cpp"
	ciStages      = "cloudinit/stages.py"
	ciHelpers     = "cloudinit/helpers.py"
	ciEC2         = "cloudinit/sources/DataSourceEc2.py"
	ciBootcmd     = "cloudinit/config/cc_bootcmd.py"
	ciCfg         = "config/cloud.cfg.tmpl"
	ciDebian      = "cloudinit/distros/debian.py"
	mthnZkConfOps = "src/main/scala/mesosphere/marathon/ZookeeperConf.scala"
)

// operationFact is a Fact with the text its cited line holds (the mirror test checks it).
type operationFact struct {
	Fact
	anchor string
}

func opF(claim string, src Source, anchor string) operationFact {
	return operationFact{Fact{claim, src}, anchor}
}

// operationTable holds the behaviours of Mesos, ZooKeeper, Marathon and cloud-init that
// `mesosimg plan` orders a rollout by, by a stable id ("area.topic").
var operationTable = map[string]operationFact{
	// Mesos masters: the replicated log and its quorum (operational guide).
	"mesos.quorum.abort": opF("A leading master aborts when it finds itself partitioned from the ZooKeeper quorum; a supervisor restarts it.",
		Mesos(opsGuide, 9), "the leading master will abort itself when it discovers it has been partitioned away from the Zookeeper quorum"),
	"mesos.quorum.majority": opF("Every master is a replica of the replicated log; --quorum is the majority of the masters.",
		Mesos(opsGuide, 14), "The `--quorum` flag determines a majority of the masters."),
	"mesos.quorum.extra": opF("More masters running than the quorum allows (2*quorum-1) violates the quorum and may corrupt the log.",
		Mesos(opsGuide, 29), "If additional masters are running, this violates the quorum and the log may be corrupted!"),
	"mesos.quorum.grow": opF("3 -> 5 masters: restart the 3 with --quorum=3, then start 2 more with --quorum=3.",
		Mesos(opsGuide, 36), "The following steps indicate how to increment the quorum size, using 3 -> 5 masters"),
	"mesos.quorum.grow.step": opF("To increase the quorum by N, repeat the increment N times.",
		Mesos(opsGuide, 42), "To increase the quorum by N, repeat this process to increment the quorum size N times."),
	"mesos.quorum.single": opF("Moving out of a single master requires wiping the replicated log (replicated_log under --work_dir), losing the registry: agents, maintenance, quota.",
		Mesos(opsGuide, 44), "NOTE: Currently, moving out of a single master setup requires wiping the replicated log"),
	"mesos.quorum.shrink": opF("5 -> 3 masters: remove 2 for good (they must not be restarted), then restart the 3 with --quorum=2.",
		Mesos(opsGuide, 57), "2. Remove 2 masters from the cluster, ensure they will not be restarted"),
	"mesos.quorum.shrink.step": opF("To decrease the quorum by N, repeat the decrement N times.",
		Mesos(opsGuide, 60), "To decrease the quorum by N, repeat this process to decrement the quorum size N times."),
	"mesos.master.replace": opF("A failed master may be replaced by a new one with an empty log, which catches up, as long as the failed one never rejoins.",
		Mesos(opsGuide, 63), "So long as the failed master is guaranteed to not re-join the ensemble"),
	"libprocess.send": opF("libprocess sends a message over a socket to the receiver's own address, which it connects itself when none is open: a master's calls reach an agent on the agent's port, and a framework on its libprocess port.",
		Clusterd("3rdparty/libprocess/src/process.cpp", 2027), "// No persistent or temporary socket to the socket address"),
	"mesos.drain": opF("The operator API call DRAIN_AGENT kills every task of the agent; draining is done when its drain_info.state is DRAINED.",
		Mesos(opsMaint, 53), `"type": "DRAIN_AGENT"`),
	"mesos.drain.done": opF("An agent is drained when its tasks are terminal and acknowledged: drain_info.state DRAINED.",
		Mesos(opsMaint, 67), "complete and the agent's drain state will transition to `DRAINED`."),
	"mesos.drain.gone": opF("DRAIN_AGENT with mark_gone removes the agent for good once drained (irreversible).",
		Mesos(opsMaint, 81), `"mark_gone": true`),

	"master.cluster": opF("The master uses --cluster only to show it: the cluster field of /state and /state-summary.",
		Clusterd("src/master/readonly_handler.cpp", 850), "if (master->flags.cluster.isSome()) {"),

	// Mesos agents (clusterd).
	"agent.policy": opF("--reconfiguration_policy (default equal) decides which changes of its agent info an agent accepts when it recovers.",
		Clusterd(agentFlags, 604), `"reconfiguration_policy",`),
	"agent.policy.master": opF("Whatever the policy, the master may reject an agent whose port or hostname changed.",
		Clusterd(agentFlags, 612), "the master may still reject the agent if it detects a change that it"),
	"agent.policy.equal": opF("Under equal the recovered agent info must equal the new one exactly, else \"Incompatible agent info detected\".",
		Clusterd(agentCompat, 35), "Try<Nothing> equal("),
	"agent.policy.additive": opF("Under additive the hostname, port and domain must stay; every old resource must still be there, scalars not smaller, ranges and sets included in the new ones; every old attribute must stay with the same type, text and scalar values equal, ranges included.",
		Clusterd(agentCompat, 54), "Try<Nothing> additive("),
	"agent.recover.fail": opF("An agent whose recovery fails exits; to start it with a new agent id, remove <work_dir>/meta/slaves/latest (it then does not recover its old executors).",
		Clusterd("src/slave/slave.cpp", 8373), "To restart this agent with a new agent id instead, do as follows:"),
	"agent.reboot.detect": opF("An agent knows its host rebooted when the boot id it checkpointed differs from the running kernel's.",
		Clusterd("src/slave/state.cpp", 100), `LOG(INFO) << "Agent host rebooted";`),
	"agent.reboot.recover": opF("After a reboot the agent recovers its agent ID when its agent info is compatible; otherwise it erases the old run and registers as a new agent (it does not exit).",
		Clusterd("src/slave/slave.cpp", 7959), "} else if (state->rebooted) {"),
	"agent.reboot.tasks": opF("Recovery does not restart executors and tasks that exited while the agent was down, as a reboot ends them all.",
		Mesos("docs/agent-recovery.md", 37), "Note that executors and tasks that exited between agent shutdown and restart"),
	"mesos.reactivate": opF("A drained agent gets no offers until it is reactivated with the operator API call REACTIVATE_AGENT.",
		Mesos(opsMaint, 92), "Once maintenance on an agent is complete, it must be reactivated so that it can"),
	"master.reregister": opF("Agents that do not reregister within --agent_reregister_timeout (default 10mins) after a leader change are marked unreachable; their non-partition-aware tasks are killed when they come back.",
		Clusterd("src/master/flags.cpp", 127), `"agent_reregister_timeout",`),

	"master.reregister.default": opF("--agent_reregister_timeout defaults to its minimum, 10 minutes.",
		Clusterd("src/master/constants.hpp", 79), "constexpr Duration MIN_AGENT_REREGISTER_TIMEOUT = Minutes(10);"),

	// Marathon.
	"marathon.zk.acl": opF("With a credential in --zk Marathon creates every znode with CREATOR_ALL_ACL: only that credential can read or change its state.",
		Marathon(mthnZkConfOps, 83), "lazy val zkDefaultCreationACL ="),

	// ZooKeeper.
	"zk.myid.unique": opF("A member's id (its myid file) must be unique within the ensemble.",
		ZooKeeper(zkAdmin, 220), "The id must be unique within the"),
	"zk.myid.identity": opF("A server finds which server.N it is by its myid file; the server list must be the same on every member and in every client.",
		ZooKeeper(zkAdmin, 1273), "starts up, it determines which server it is by looking for the"),
	"zk.tolerance": opF("An ensemble of N (odd) members tolerates N/2 failures (integer division).",
		ZooKeeper(zkAdmin, 325), "if N is odd, the ensemble is able to tolerate up to N/2"),
	"zk.datadir": opF("A changed dataDir is created empty at restart and the member serves an empty namespace: a split brain.",
		ZooKeeper(zkAdmin, 1911), "wherein the **dataDir** parameter"),
	"zk.empty.votes": opF("By default a member without data joins as a voting member with zxid 0 and may help elect a leader that misses transactions.",
		ZooKeeper(zkAdmin, 1955), "is found is to set zxid to zero and join the quorum as a"),
	"zk.reconfig.off": opF("reconfigEnabled defaults to false: membership is the static server.N list of zoo.cfg, changed by rolling restarts.",
		ZooKeeper(zkAdmin, 1377), "setReconfigEnabled method. The default value is false."),
	"zk.rolling": opF("ZooKeeper calls rolling restarts error-prone: they have caused data loss and inconsistency.",
		ZooKeeper(zkReconfig, 48), "and error-prone method of changing the configuration that has caused data"),
	"zk.joiners": opF("Joining servers do not know they join an existing ensemble: joiners that form a majority among themselves may form an independent quorum (split brain).",
		ZooKeeper(zkReconfig, 552), "are listed as participants they may form an independent quorum"),
	"zk.static.config": opF("With reconfig disabled a follower keeps its own zoo.cfg membership after syncing from the leader (ZOOKEEPER-2819): rolling restarts change membership.",
		ZooKeeper(zkQuorum+"Learner.java", 580), "ZOOKEEPER-2819: overwrite config node content extracted"),
	"zk.learner.outside": opF("A leader accepts a follower whose id is not in its configuration (a non-voting follower).",
		ZooKeeper(zkQuorum+"LearnerHandler.java", 506), `"Follower sid: {} not in the current config {}",`),
	"zk.fle.nonvoting": opF("A member answers a server outside its configuration with its current vote, so a new member learns the current leader.",
		ZooKeeper(zkFLE, 340), "If it is from a non-voting server (such as an observer or"),
	"zk.fle.join": opF("A starting server joins an established ensemble only when a majority of its own configuration follows the same leader.",
		ZooKeeper(zkFLE, 1162), "Before joining an established ensemble, verify that"),
	"zk.fle.voters": opF("Votes count only from, and for, members of the server's own configuration.",
		ZooKeeper(zkFLE, 1220), "private boolean validVoter(long sid) {"),
	"zk.digest": opF("A digest identity is user:base64(SHA-1(user:password)).",
		ZooKeeper("zookeeper-server/src/main/java/org/apache/zookeeper/server/auth/DigestAuthenticationProvider.java", 114), "public static String generateDigest(String idPassword)"),
	"zk.cli.setacl": opF("zkCli's setAcl takes -R to set the ACL of a whole subtree.",
		ZooKeeper("zookeeper-server/src/main/java/org/apache/zookeeper/cli/SetAclCommand.java", 50), `super("setAcl", "[-s] [-v version] [-R] path acl");`),

	// cloud-init: what makes first boot run again.
	"ci.new.instance": opF("cloud-init takes an instance for new when the datasource's instance-id differs from the one recorded in /var/lib/cloud/data/instance-id.",
		CloudInit(ciStages, 420), "def is_new_instance(self):"),
	"ci.instance.dir": opF("Per-instance state lives in /var/lib/cloud/instances/<instance-id>/ (/var/lib/cloud/instance links to it).",
		CloudInit(ciHelpers, 415), `ipath = os.path.join(self.cloud_dir, "instances", path_safe_iid)`),
	"ci.sem": opF("A per-instance module's semaphore is kept in that instance's sem/ directory: it runs once per instance-id.",
		CloudInit(ciHelpers, 153), "if freq == PER_INSTANCE:"),
	"ci.write_files": opF("write_files runs once per instance.",
		CloudInit("cloudinit/config/cc_write_files.py", 112), `"frequency": PER_INSTANCE,`),
	"ci.runcmd": opF("runcmd is written once per instance.",
		CloudInit("cloudinit/config/cc_runcmd.py", 60), `"frequency": PER_INSTANCE,`),
	"ci.scripts_user": opF("scripts_user, which runs runcmd's script, runs once per instance.",
		CloudInit("cloudinit/config/cc_scripts_user.py", 35), `"frequency": PER_INSTANCE,`),
	"ci.bootcmd": opF("bootcmd runs on every boot.",
		CloudInit("cloudinit/config/cc_bootcmd.py", 59), `"frequency": PER_ALWAYS,`),
	"ci.nocloud.check": opF("NoCloud checks its cached instance against the instance-id of the seed it finds: a seed with a new instance-id is a new instance.",
		CloudInit("cloudinit/sources/DataSourceNoCloud.py", 228), "def check_instance_id(self, sys_cfg):"),
	"ci.nocloud.dirs": opF("NoCloud reads the seed directories /var/lib/cloud/seed/nocloud and nocloud-net first.",
		CloudInit("cloudinit/sources/DataSourceNoCloud.py", 94), "for path in self.seed_dirs:"),
	"ci.nocloud.label": opF("Then NoCloud reads a filesystem labelled cidata (a CD-ROM, a USB stick, a disk image) and merges it over the seed directory's data.",
		CloudInit("cloudinit/sources/DataSourceNoCloud.py", 120), `label = self.ds_cfg.get("fs_label", "cidata")`),
	"ci.nocloud.merge": opF("Meta-data merged from a cidata device keeps the keys already read (the seed directory's instance-id wins).",
		CloudInit("cloudinit/sources/DataSourceNoCloud.py", 340), `ret["meta-data"] = util.mergemanydict([cur["meta-data"], newmd])`),
	"ci.merge.noreplace": opF("cloud-init's default dict merge does not replace keys already present.",
		CloudInit("cloudinit/mergers/m_dict.py", 7), `DEF_MERGE_TYPE = "no_replace"`),
	"ci.nocloud.quick": opF("At boot NoCloud keeps its cached instance when the instance-id in a seed directory (or on the kernel command line) equals it, without looking at devices; with none there it reads the seed again.",
		CloudInit("cloudinit/sources/DataSourceNoCloud.py", 238), "quick_id = _quick_read_instance_id(dirs=dirs)"),
	// cloud-init: what a power cut in the middle of the first boot leaves (first boot under faults,
	// plan/faults.go and templates/cloud-init/resume.sh.tmpl stand on these).
	"ci.sem.write": opF("A module's semaphore is a file written when its lock is acquired.",
		CloudInit(ciHelpers, 104), "util.write_file(sem_file, contents)"),
	"ci.sem.before": opF("The lock (and so the semaphore) is taken before the module's function runs: a module cut short is marked as run.",
		CloudInit(ciHelpers, 177), "with sem.lock(name, freq, clear_on_fail) as lk:"),
	"ci.sem.skip": opF("A module whose semaphore exists is skipped (\"already ran\").",
		CloudInit(ciHelpers, 174), "if sem.has_run(name, freq):"),
	"ci.sem.clear_on_fail": opF("The semaphore is removed only on an exception and only when the caller asks (clear_on_fail).",
		CloudInit(ciHelpers, 72), "if clear_on_fail:"),
	"ci.sem.modules": opF("Config modules run without clear_on_fail: a module that failed or was cut stays marked as run.",
		CloudInit("cloudinit/config/modules.py", 247), "run_name, mod.handle, func_args, freq=freq"),
	"ci.sem.config_name": opF("A config module's semaphore is named config-<module>.",
		CloudInit("cloudinit/config/modules.py", 238), `run_name = f"config-{name}"`),
	"ci.sem.canon": opF("Semaphore names have '-' replaced by '_'.",
		CloudInit(ciHelpers, 59), `return name.replace("-", "_")`),
	"ci.instance.dir.safe": opF("The instance directory's name is the instance-id with '/' replaced by '_'.",
		CloudInit(ciHelpers, 414), `path_safe_iid = str(iid).replace(os.sep, "_")`),
	"ci.iid.run": opF("At every boot cloud-init writes the instance-id to its run directory's .instance-id (/run/cloud-init/.instance-id).",
		CloudInit(ciStages, 394), `util.write_file(self.paths.get_runpath("instance_id"), "%s\n" % iid)`),
	"ci.iid.run.name": opF("The run file of the instance-id is .instance-id.",
		CloudInit(ciHelpers, 360), `"instance_id": ".instance-id",`),
	"ci.bootcmd.env": opF("bootcmd's commands get the instance-id in INSTANCE_ID.",
		CloudInit(ciBootcmd, 89), `env["INSTANCE_ID"] = str(iid)`),
	"ci.bootcmd.script": opF("Every bootcmd entry is written into one shell script, run by /bin/sh (ci.bootcmd.sh).",
		CloudInit(ciBootcmd, 78), `content = util.shellify(cfg["bootcmd"])`),
	"ci.bootcmd.sh": opF("bootcmd runs its script with /bin/sh: entries run in order, and the script's exit status (its last command's) decides whether bootcmd failed.",
		CloudInit(ciBootcmd, 90), `cmd = ["/bin/sh", tmpf.name]`),
	"ci.order.bootcmd": opF("bootcmd runs in the init stage right before write_files (Debian's cloud_init_modules).",
		CloudInit(ciCfg, 89), " - bootcmd"),
	"ci.order.ssh": opF("The ssh module (host keys) runs later in the same stage.",
		CloudInit(ciCfg, 112), " - ssh"),
	"ci.apt.append": opF("An apt source is appended to its .list file unless it says append: false.",
		CloudInit("cloudinit/config/cc_apt_configure.py", 601), `if "append" in ent and not ent["append"]:`),
	"ci.apt.unsafe_io": opF("cloud-init's apt-get passes --force-unsafe-io to dpkg (unpacked files renamed into place unsynced).",
		CloudInit(ciDebian, 26), `"--option=Dpkg::options::=--force-unsafe-io",`),
	"ci.apt.update_sources": opF("apt-get update runs once per instance under its own semaphore, update-sources.",
		CloudInit(ciDebian, 294), `"update-sources",`),
	"ci.write_file.nosync": opF("cloud-init writes files with a flush and no fsync.",
		CloudInit("cloudinit/util.py", 2174), "fh.flush()"),
	"ci.status.reset": opF("status.json is removed at every boot's init-local stage.",
		CloudInit("cloudinit/cmd/main.py", 734), `if mode == "init-local":`),
	"ci.status.error": opF("cloud-init status says error when a stage lists errors.",
		CloudInit("cloudinit/cmd/status.py", 250), "status = UXAppStatus.ERROR"),
	"ci.sem.before.24": opF("cloud-init 24.4 (Ubuntu 24.04) takes a module's lock, and writes its semaphore, before running it the same way (unchanged through 26.1).",
		Source{CloudInitRepo, "24.4", ciHelpers, 150}, "with sem.lock(name, freq, clear_on_fail) as lk:"),
	"ci.bootcmd.env.24": opF("cloud-init 24.4 gives bootcmd the instance-id in INSTANCE_ID too.",
		Source{CloudInitRepo, "24.4", ciBootcmd, 52}, `env = {"INSTANCE_ID": str(iid)} if iid else {}`),
	"ci.gpg.dearmor": opF("cloud-init dearmors an apt source's key with gpg.",
		CloudInit("cloudinit/gpg.py", 44), `return subp.subp(["gpg", "--dearmor"], data=key, decode=False).stdout`),

	"ci.ec2.instance_id": opF("On AWS the instance-id is the EC2 instance id from the instance identity document: changed user-data on the same instance is the same instance.",
		CloudInit(ciEC2, 239), `"instanceId", self.metadata["instance-id"]`),
	"ci.ec2.instance_id.24": opF("cloud-init 24.4 (Ubuntu 24.04) takes the EC2 instance id the same way.",
		Source{CloudInitRepo, "24.4", ciEC2, 276}, `"instanceId", self.metadata["instance-id"]`),
}

// Operation returns the operation fact id; it panics on an unknown id (a programming error).
func Operation(id string) Fact {
	f, ok := operationTable[id]
	if !ok {
		panic(fmt.Sprintf("upstream: no operation fact %q", id))
	}
	return f.Fact
}

// OperationIDs lists the ids of every operation fact, sorted.
func OperationIDs() []string {
	ids := make([]string, 0, len(operationTable))
	for id := range operationTable {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

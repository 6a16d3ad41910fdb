package upstream

// How libprocess TLS settings reach executors (and their tasks) on a clusterd agent, and who
// runs them. An executor is a libprocess program: with TLS on at the agent it must speak TLS
// too, read its own LIBPROCESS_SSL_* variables and be able to read the files they name.

const (
	agentSlaveCpp      = "src/slave/slave.cpp"
	agentFlagsCpp      = "src/slave/flags.cpp"
	agentContainerizer = "src/slave/containerizer/mesos/containerizer.cpp"
	agentLaunchCpp     = "src/slave/containerizer/mesos/launch.cpp"
	agentDockerCpp     = "src/slave/containerizer/docker.cpp"
)

// Facts about the executor environment.
var (
	ExecutorEnvBuilt = Fact{"the agent builds each executor's environment itself (executorEnvironment): " +
		"LIBPROCESS_IP from the agent's own environment, then every --executor_environment_variables entry, " +
		"then LIBPROCESS_PORT=0, MESOS_* and hook variables; nothing else of the agent's environment, so the " +
		"agent's LIBPROCESS_SSL_* never reach an executor", Clusterd(agentSlaveCpp, 11410)}
	ExecutorEnvLibprocessIP = Fact{"LIBPROCESS_IP is always passed on, even with --executor_environment_variables " +
		"(an entry in the flag overrides it)", Clusterd(agentSlaveCpp, 11427)}
	ExecutorEnvFlag = Fact{"--executor_environment_variables: a JSON object of string values; by default none, " +
		"\"Users have to define executor environment explicitly\"", Clusterd(agentFlagsCpp, 453)}
	ExecutorEnvFlagCopied = Fact{"each --executor_environment_variables entry is copied into the executor " +
		"environment", Clusterd(agentSlaveCpp, 11432)}
	ExecutorAgentIPFromFlag       = Fact{"the agent exports --ip as its own LIBPROCESS_IP", Clusterd("src/slave/main.cpp", 500)}
	ExecutorMesosContainerizerEnv = Fact{"Mesos containerizer: the executor's environment is the agent-provided " +
		"one, isolator variables and CommandInfo.environment, nothing inherited", Clusterd(agentContainerizer, 1916)}
	ExecutorLaunchOnlyGivenEnv = Fact{"the launch helper execs the executor with exactly the given environment " +
		"plus PATH=os::host_default_path() when PATH is absent; it inherits its own (the agent's) " +
		"environment only when no environment is given, which never happens for executors (MESOS_* are set)",
		Clusterd(agentLaunchCpp, 1200)}
	ExecutorLaunchDefaultPath = Fact{"PATH defaults to os::host_default_path() when the environment has none",
		Clusterd(agentLaunchCpp, 1224)}
	ExecutorHostDefaultPath = Fact{"os::host_default_path() is /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		Clusterd("3rdparty/stout/include/stout/posix/os.hpp", 474)}
	ExecutorDockerContainerizerEnv = Fact{"Docker containerizer: the executor gets the agent-provided environment, " +
		"ExecutorInfo's variables and GLOG_v; PATH defaults to os::host_default_path()", Clusterd(agentDockerCpp, 1472)}
	ExecutorDockerDefaultPath = Fact{"Docker containerizer: PATH=os::host_default_path() when absent",
		Clusterd(agentDockerCpp, 1498)}
	ExecutorTaskInheritsEnv = Fact{"the command executor starts its task with its own environment (then the " +
		"task's variables on top): tasks see the executor's LIBPROCESS_SSL_* too", Clusterd("src/launcher/executor.cpp", 653)}
	ExecutorDefaultExecutorHTTPS = Fact{"the default executor talks https to the agent when LIBPROCESS_SSL_ENABLED " +
		"(or SSL_ENABLED) is 1 or true", Clusterd("src/launcher/default_executor.cpp", 1732)}
	ExecutorRunsAsTaskUser = Fact{"the launch helper switches to the task's user (uid, gid and its supplementary " +
		"groups) before exec'ing the executor: files named by the executor's LIBPROCESS_SSL_* must be readable " +
		"by that user", Clusterd(agentLaunchCpp, 1102)}
	ExecutorUserGroups        = Fact{"the user's primary gid and getgrouplist() are used", Clusterd(agentLaunchCpp, 923)}
	ExecutorSwitchUserDefault = Fact{"--switch_user defaults to true: tasks run as FrameworkInfo.user", Clusterd(agentFlagsCpp, 382)}
	ExecutorMesosExecuteUser  = Fact{"mesos-execute registers as the user running it (os::user())",
		Clusterd("src/cli/execute.cpp", 990)}
	ExecutorMarathonUser = Fact{"Marathon's --mesos_user defaults to the JVM's user.name, the user running Marathon " +
		"(nobody in the Marathon image)", Marathon("src/main/scala/mesosphere/marathon/MarathonConf.scala", 271)}
	ExecutorMarathonImageUser = Fact{"the Marathon image runs as USER nobody",
		Marathon("tools/packager/docker/Dockerfile", 35)}
	ExecutorDocsNeedEnvAndFiles = Fact{"executors must be able to access the SSL environment variables and the files " +
		"they name: via CommandInfo.environment or the agent's --executor_environment_variables", Mesos(mesosSSLDoc, 271)}
	InitWrapperAllexport = Fact{"mesos-init-wrapper sources /etc/default/mesos (then mesos-master or mesos-agent) " +
		"with allexport: every assignment becomes the daemon's environment",
		Clusterd("support/packaging/common/mesos-init-wrapper.in", 74)}
)

// ExecutorFacts are the facts about the executor environment.
func ExecutorFacts() []Fact {
	return []Fact{
		ExecutorEnvBuilt, ExecutorEnvLibprocessIP, ExecutorEnvFlag, ExecutorEnvFlagCopied, ExecutorAgentIPFromFlag,
		ExecutorMesosContainerizerEnv, ExecutorLaunchOnlyGivenEnv, ExecutorLaunchDefaultPath, ExecutorHostDefaultPath,
		ExecutorDockerContainerizerEnv, ExecutorDockerDefaultPath, ExecutorTaskInheritsEnv, ExecutorDefaultExecutorHTTPS,
		ExecutorRunsAsTaskUser, ExecutorUserGroups, ExecutorSwitchUserDefault, ExecutorMesosExecuteUser,
		ExecutorMarathonUser, ExecutorMarathonImageUser, ExecutorDocsNeedEnvAndFiles, InitWrapperAllexport,
	}
}

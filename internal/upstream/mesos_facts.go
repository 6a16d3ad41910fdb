package upstream

import (
	"fmt"
	"sort"
	"strings"
)

// Paths cited often.
const (
	mesosStoutFlags    = "3rdparty/stout/include/stout/flags/flags.hpp"
	mesosStoutParse    = "3rdparty/stout/include/stout/flags/parse.hpp"
	mesosStoutFetch    = "3rdparty/stout/include/stout/flags/fetch.hpp"
	mesosAgentUnit     = "support/packaging/common/mesos-agent.service.in"
	mesosMasterUnit    = "support/packaging/common/mesos-master.service.in"
	mesosMasterHTTP    = "src/master/http.cpp"
	mesosMasterCPP     = "src/master/master.cpp"
	mesosAgentCPP      = "src/slave/slave.cpp"
	mesosAgentMain     = "src/slave/main.cpp"
	mesosMasterMain    = "src/master/main.cpp"
	mesosSystemdCPP    = "src/linux/systemd.cpp"
	mesosLibprocessCPP = "3rdparty/libprocess/src/process.cpp"
	// rapidjsonWriter is a file inside the bundled tarball 3rdparty/rapidjson-1.1.0.tar.gz.
	mesosRapidjsonWriter = "3rdparty/rapidjson-1.1.0.tar.gz!/rapidjson-1.1.0/include/rapidjson/writer.h"
	mesosRapidjsonDtoa   = "3rdparty/rapidjson-1.1.0.tar.gz!/rapidjson-1.1.0/include/rapidjson/internal/dtoa.h"
)

// MesosFacts are the behaviours of clusterd's Mesos (and Apache Mesos' documentation) that
// mesosimg's output relies on, by a stable id ("area.topic").
var MesosFacts = map[string]Fact{
	// The packaged init wrapper and units.
	"wrapper.shell":           {"mesos-init-wrapper is bash with errexit, nounset and pipefail: a failing command or an unset variable in a sourced /etc/default file stops the daemon's start (systemd restarts it after RestartSec).", mesosWrapperSrc(2)},
	"wrapper.locale":          {"The wrapper exports LC_ALL=en_US.UTF-8 before starting the daemon.", mesosWrapperSrc(55)},
	"wrapper.find":            {"Flag files are listed with find -maxdepth 1 ... -type f: sub-directories and symlinks are not flag files, *.dpkg-dist and *.rpmnew files are skipped.", mesosWrapperSrc(62)},
	"wrapper.defaults.agent":  {"For the agent the wrapper sources /etc/default/mesos, then /etc/default/mesos-agent, under set -o allexport: every assignment is exported without `export`, so MESOS_* variables reach mesos-agent, which loads known ones as flags.", mesosWrapperSrc(74)},
	"wrapper.defaults.master": {"For the master the wrapper sources /etc/default/mesos, then /etc/default/mesos-master, under set -o allexport.", mesosWrapperSrc(132)},
	"wrapper.ulimit":          {"A ULIMIT variable from those files runs `ulimit $ULIMIT` (unquoted) before the daemon starts.", mesosWrapperSrc(78)},
	"wrapper.env.agent":       {"Agent: variables MASTER, IP, LOGS, ISOLATION become --master, --ip, --log_dir, --isolation, placed before the file flags.", mesosWrapperSrc(79)},
	"wrapper.env.master":      {"Master: variables ZK, IP, PORT, CLUSTER, LOGS become --zk, --ip, --port, --cluster, --log_dir, placed before the file flags.", mesosWrapperSrc(137)},
	"wrapper.files.agent":     {"Each file of /etc/mesos-agent named ?name becomes --name (content unused; ?no-name gives --no-name); any other file becomes --name=\"$(cat file)\": the whole content with trailing newlines removed and inner newlines kept.", mesosWrapperSrc(88)},
	"wrapper.files.master":    {"The same for /etc/mesos-master: ?name gives --name, name gives --name=\"$(cat file)\".", mesosWrapperSrc(147)},
	"wrapper.unquoted":        {"The loop is `for f in $(find_files ...)`, unquoted: file names are word-split at whitespace and glob-expanded.", mesosWrapperSrc(83)},
	"wrapper.attributes":      {"Agent only: every non-empty file of /etc/mesos-agent/attributes/ becomes key:$(cat file); all are joined with ';' into one --attributes (empty files are skipped).", mesosWrapperSrc(96)},
	"wrapper.resources":       {"Agent only: every non-empty file of /etc/mesos-agent/resources/ becomes key:$(cat file), joined with ';' into one --resources; with a top-level resources (or attributes) file as well the flag is given twice, which stout refuses.", mesosWrapperSrc(104)},
	"wrapper.nologger":        {"?no-logger is the wrapper's own switch: the --no-logger argument is removed and the daemon exec'd directly; otherwise its stdout/stderr go to syslog through logger -t <binary>[pid].", mesosWrapperSrc(113)},
	"wrapper.logged":          {"Without ?no-logger, output goes to syslog (user.info for stdout, user.err for stderr) via process substitution.", mesosWrapperSrc(169)},
	"wrapper.zk.usage":        {"The wrapper's usage text says /etc/mesos/zk is picked up by agent and master, but the wrapper's code never reads it.", mesosWrapperSrc(12)},
	"packaging.zk.master":     {"Only the packaging file support/packaging/common/mesos-master (ZK=`cat /etc/mesos/zk`, PORT=5050) would read /etc/mesos/zk for the master.", Clusterd("support/packaging/common/mesos-master", 2)},
	"packaging.zk.agent":      {"Only the packaging file support/packaging/common/mesos-agent (MASTER=`cat /etc/mesos/zk`) would read /etc/mesos/zk for the agent.", Clusterd("support/packaging/common/mesos-agent", 1)},
	"packaging.defaults":      {"support/packaging/common/mesos sets LOGS=/var/log/mesos and ULIMIT=\"-n 16384\".", Clusterd("support/packaging/common/mesos", 1)},
	"packaging.install":       {"The CMake install, which CPack packages, installs mesos-master.service and mesos-agent.service to lib/systemd/system and mesos-init-wrapper to bin, and none of support/packaging/common/mesos, mesos-master, mesos-agent: the package ships no /etc/default/mesos* and no /etc/mesos/zk.", Clusterd("CMakeLists.txt", 175)},
	"packaging.prefix":        {"RUN_PATH is /usr: the units run /usr/bin/mesos-init-wrapper agent|master and the wrapper execs /usr/bin/mesos-agent|mesos-master.", Clusterd("CMakeLists.txt", 166)},
	"packaging.build":         {"The documented package build is cmake -DUNBUNDLED_LIBEVENT=true -DENABLE_SSL=true -DENABLE_LIBEVENT=true -DCMAKE_BUILD_TYPE=Release -DCPACK_BINARY_DEB=true (SSL on; optional isolators at their default, off).", Clusterd("README.md", 45)},
	"packaging.ssl":           {"ENABLE_SSL defines USE_SSL_SOCKET, which compiles --jwt_secret_key and --authenticate_http_executors into the agent.", Clusterd("cmake/CompilationConfigure.cmake", 609)},
	"unit.agent":              {"mesos-agent.service: ExecStart=/usr/bin/mesos-init-wrapper agent, KillMode=process, Restart=always, RestartSec=20, LimitNOFILE=16384, CPUAccounting, MemoryAccounting, Delegate=true.", Clusterd(mesosAgentUnit, 7)},
	"unit.agent.killmode":     {"mesos-agent.service has KillMode=process: stopping or restarting the unit kills only the agent, not executors left in its cgroup.", Clusterd(mesosAgentUnit, 8)},
	"unit.master":             {"mesos-master.service: ExecStart=/usr/bin/mesos-init-wrapper master, Restart=always, RestartSec=20, LimitNOFILE=16384 (default KillMode).", Clusterd(mesosMasterUnit, 7)},
	"unit.network":            {"Both units are After=network.target and Wants=network.target, not network-online.target.", Clusterd(mesosAgentUnit, 3)},

	// stout flag loading.
	"stout.load":              {"mesos-master loads flags with flags.load(\"MESOS_\", argc, argv): environment MESOS_<NAME> and the command line, unknown names refused.", Clusterd(mesosMasterMain, 163)},
	"stout.load.agent":        {"mesos-agent loads flags with flags.load(\"MESOS_\", argc, argv) and exits on a load error with 'See `mesos-agent --help`'.", Clusterd(mesosAgentMain, 437)},
	"stout.libprocess":        {"libprocess reads its own flags (LIBPROCESS_IP, LIBPROCESS_PORT, LIBPROCESS_SSL_* ...) only from the environment with prefix LIBPROCESS_: they are not command-line flags of mesos-master or mesos-agent.", Clusterd(mesosLibprocessCPP, 1076)},
	"stout.trim":              {"Every command-line argument is trimmed of \" \\t\\n\\r\" before it is split.", Clusterd(mesosStoutFlags, 585)},
	"stout.dashdash":          {"Parsing stops at a \"--\" argument; arguments not starting with \"--\" are skipped.", Clusterd(mesosStoutFlags, 588)},
	"stout.split":             {"--no-name and --name carry no value; --name=value splits at the first '='; the name is lowercased.", Clusterd(mesosStoutFlags, 600)},
	"stout.env":               {"MESOS_NAME or MESOS_name is taken (lowercased) only when name or no-name is a known flag; other MESOS_* variables are ignored silently.", Clusterd(mesosStoutFlags, 527)},
	"stout.env.precedence":    {"A flag given on the command line wins over the same name in the environment.", Clusterd(mesosStoutFlags, 738)},
	"stout.unknown":           {"An unknown flag name fails the load: \"Failed to load unknown flag\".", Clusterd(mesosStoutFlags, 754)},
	"stout.duplicate":         {"A flag loaded twice (same name twice, name and deprecated alias, name and no-name) fails: \"is already loaded via name\".", Clusterd(mesosStoutFlags, 765)},
	"stout.nonbool":           {"A non-boolean flag cannot be loaded as no-name and needs a value (\"Missing value\").", Clusterd(mesosStoutFlags, 772)},
	"stout.bool":              {"A boolean flag without a value or with an empty value is true (false as no-name); no-name with a non-empty value fails.", Clusterd(mesosStoutFlags, 785)},
	"stout.deprecated":        {"Loading a flag by its deprecated alias works and logs \"Loaded deprecated flag\".", Clusterd(mesosStoutFlags, 811)},
	"stout.required":          {"A non-Option flag added without default is required: \"is required, but it was not provided\".", Clusterd(mesosStoutFlags, 823)},
	"stout.validate":          {"After loading, every flag's validation function runs; an error fails the load.", Clusterd(mesosStoutFlags, 829)},
	"stout.noprefix":          {"No flag may be named no-...: that prefix is reserved for negation.", Clusterd(mesosStoutFlags, 504)},
	"stout.fetch":             {"For every type but Path and SecurePathOrValue, a value starting with file:// is replaced by that file's whole contents, untrimmed, before parsing.", Clusterd(mesosStoutFetch, 45)},
	"stout.fetch.path":        {"A Path flag never reads its file (no fetch); Path drops a leading file://.", Clusterd(mesosStoutFetch, 61)},
	"stout.path":              {"Path(value) removes an optional file:// prefix.", Clusterd("3rdparty/stout/include/stout/path.hpp", 219)},
	"stout.secure":            {"SecurePathOrValue (--zk, --master): file://path is read and its contents are the value; otherwise the value is taken as is.", Clusterd(mesosStoutParse, 171)},
	"stout.parse.generic":     {"int, size_t, uint16_t and double parse with istream >>: the whole text must be consumed (no trailing characters, not even a newline).", Clusterd(mesosStoutParse, 35)},
	"stout.parse.string":      {"A string flag takes its value as is.", Clusterd(mesosStoutParse, 50)},
	"stout.parse.bool":        {"A boolean value is exactly \"true\", \"1\", \"false\" or \"0\".", Clusterd(mesosStoutParse, 57)},
	"stout.parse.json":        {"A JSON::Object value starting with '/' is read as a file (deprecated form of file://); otherwise it is parsed as JSON.", Clusterd(mesosStoutParse, 115)},
	"stout.json.trailing":     {"stout's JSON parser refuses non-whitespace after the JSON value.", Clusterd("3rdparty/stout/include/stout/json.hpp", 1011)},
	"stout.json.type":         {"JSON::parse<T> fails with \"Unexpected JSON type parsed\" when the value is not a T (an object for JSON::Object).", Clusterd("3rdparty/stout/include/stout/json.hpp", 1034)},
	"stout.parse.set":         {"A set<string> value is comma-separated; a duplicate token fails.", Clusterd(mesosStoutParse, 253)},
	"stout.parse.uintlist":    {"A vector<unsigned int> value is comma-separated numbers.", Clusterd(mesosStoutParse, 228)},
	"stout.duration":          {"Duration: a number of digits and '.', then exactly ns, us, ms, secs, mins, hrs, days or weeks; no sign, no space, no bare number (\"Invalid duration\").", Clusterd("3rdparty/stout/include/stout/duration.hpp", 363)},
	"stout.bytes":             {"Bytes: decimal digits then B, KB, MB, GB or TB (upper-cased before comparison, powers of 1024); a fraction or a bare number fails.", Clusterd("3rdparty/stout/include/stout/bytes.hpp", 39)},
	"stout.protobuf.unknown":  {"JSON → protobuf ignores keys that name no field.", Clusterd("3rdparty/stout/include/stout/protobuf.hpp", 710)},
	"stout.protobuf.required": {"JSON → protobuf fails when a required field is missing (\"Missing required fields\").", Clusterd("3rdparty/stout/include/stout/protobuf.hpp", 753)},
	"stout.protobuf.null":     {"JSON null leaves a field unset.", Clusterd("3rdparty/stout/include/stout/protobuf.hpp", 691)},
	"stout.protobuf.number":   {"A JSON number for a string field fails (\"Not expecting a JSON number\").", Clusterd("3rdparty/stout/include/stout/protobuf.hpp", 649)},
	"stout.protobuf.repeated": {"A JSON object given for a repeated message field is taken as one element.", Clusterd("3rdparty/stout/include/stout/protobuf.hpp", 473)},

	// Flags of note.
	"agent.work_dir":            {"The agent's --work_dir has no default: it is required.", Clusterd("src/slave/flags.cpp", 326)},
	"agent.enable_cgroups_v2":   {"src/slave/flags.hpp declares enable_cgroups_v2 but src/slave/flags.cpp never adds it: --enable_cgroups_v2 is an unknown flag at v1.11.0-0.7.1 (its add() and the systemd cgroups-v2 skip were removed by commit af3e28681 \"merge-upstream (#76)\").", Clusterd("src/slave/flags.hpp", 79)},
	"changelog.cgroupv2":        {"The CHANGELOG of 0.4.0 still describes an agent flag --enable_cgroupv2; no such flag exists at 0.7.1.", Clusterd("CHANGELOG", 43)},
	"agent.http_authenticators": {"The agent's --http_authenticators has no default: it is basic, or basic,jwt when --authenticate_http_executors is set.", Clusterd(mesosAgentCPP, 336)},

	// ZooKeeper URLs.
	"zk.parse":            {"zookeeper::URL::parse trims the string and requires the zk:// prefix.", Clusterd("include/mesos/zookeeper/url.hpp", 77)},
	"zk.path":             {"The path is everything from the first '/' after zk:// (\"/\" when none): a '/' in a password cuts the credential.", Clusterd("include/mesos/zookeeper/url.hpp", 87)},
	"zk.auth":             {"Credentials are everything before the last '@' of the host part, used as-is for the digest scheme.", Clusterd("include/mesos/zookeeper/url.hpp", 102)},
	"zk.digest":           {"Only the digest authentication scheme exists.", Clusterd("include/mesos/zookeeper/authentication.hpp", 44)},
	"zk.chroot.detector":  {"The agent's master detector refuses a zk:// URL whose path is \"/\".", Clusterd("src/master/detector/detector.cpp", 67)},
	"zk.chroot.contender": {"The master's contender refuses a zk:// URL whose path is \"/\".", Clusterd("src/master/contender/contender.cpp", 58)},
	"zk.quorum":           {"With --zk and the replicated_log registry the master needs --quorum, and keeps the log replicas under <path>/log_replicas.", Clusterd(mesosMasterMain, 373)},
	"zk.acl":              {"With credentials Mesos creates its znodes with EVERYONE_READ_CREATOR_ALL, without them with OPEN_ACL_UNSAFE.", Clusterd("src/zookeeper/group.cpp", 98)},

	// Credentials files.
	"cred.read":              {"--credentials (and the agent's --http_credentials) is read as JSON into the Credentials protobuf; an empty file reads as no credentials. There is no text format.", Clusterd("src/credentials/credentials.hpp", 35)},
	"cred.perms":             {"A credentials file accessible by others only logs a warning.", Clusterd("src/credentials/credentials.hpp", 51)},
	"cred.credential":        {"The agent's --credential is read as one Credential JSON object.", Clusterd("src/credentials/credentials.hpp", 71)},
	"cred.proto":             {"Credential is {required string principal; optional string secret}; Credentials is {repeated Credential credentials}.", Clusterd("include/mesos/mesos.proto", 2933)},
	"cred.master.empty":      {"A master --credentials file that fails to parse, or is empty, makes the master exit.", Clusterd(mesosMasterCPP, 521)},
	"cred.agent.empty":       {"An agent --credential file that fails to parse, or is empty, makes the agent exit.", Clusterd(mesosAgentCPP, 305)},
	"cred.agent.http":        {"The agent's --http_credentials file is read like --credentials; empty or invalid makes the agent exit.", Clusterd(mesosAgentCPP, 322)},
	"cred.master.http":       {"Masters have no --http_credentials: the --credentials file also feeds the HTTP Basic authenticators of every enabled realm.", Clusterd(mesosMasterCPP, 595)},
	"http.basic.split":       {"HTTP Basic: the header must be \"Basic <base64>\", the decoded text split at ':' must give exactly two parts matching a credential: a principal or secret containing ':' can never authenticate over HTTP.", Clusterd("3rdparty/libprocess/src/authenticator.cpp", 109)},
	"http.basic.credentials": {"The basic HTTP authenticator of a realm cannot be created without credentials: enabling a realm without --credentials (master) or --http_credentials (agent) makes the daemon exit.", Clusterd("src/common/http.cpp", 1289)},

	// Executor environment.
	"execenv.validate":      {"--executor_environment_variables must be a JSON object whose values are all strings.", Clusterd("src/slave/flags.cpp", 463)},
	"execenv.libprocess_ip": {"The agent passes its own LIBPROCESS_IP to executors, even with --executor_environment_variables.", Clusterd(mesosAgentCPP, 11427)},
	"execenv.flag":          {"--executor_environment_variables entries are added to the executor's environment.", Clusterd(mesosAgentCPP, 11432)},
	"execenv.port":          {"Executors get LIBPROCESS_PORT=0.", Clusterd(mesosAgentCPP, 11445)},
	"execenv.native":        {"Executors get MESOS_NATIVE_JAVA_LIBRARY and MESOS_NATIVE_LIBRARY = <LIBDIR>/libmesos-1.11.0.so when that file exists.", Clusterd(mesosAgentCPP, 11452)},
	"execenv.mesos":         {"Executors get MESOS_FRAMEWORK_ID, MESOS_EXECUTOR_ID, MESOS_DIRECTORY, MESOS_SLAVE_ID, MESOS_SLAVE_PID, MESOS_AGENT_ENDPOINT, MESOS_CHECKPOINT, MESOS_HTTP_COMMAND_EXECUTOR, MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD (and recovery settings when checkpointing).", Clusterd(mesosAgentCPP, 11471)},
	"execenv.token":         {"With a JWT secret generator the agent passes MESOS_EXECUTOR_AUTHENTICATION_TOKEN.", Clusterd(mesosAgentCPP, 11510)},
	"execenv.compose":       {"The Mesos containerizer sets the launch environment to the composed one (agent-passed variables, MESOS_SANDBOX, isolator variables, CommandInfo.environment), so it is always set.", Clusterd("src/slave/containerizer/mesos/containerizer.cpp", 1957)},
	"execenv.replace":       {"mesos-containerizer launch execs the executor with exactly that environment, never the agent's own, adding PATH=os::host_default_path() when PATH is missing: the agent's LIBPROCESS_SSL_* do not reach executors.", Clusterd("src/slave/containerizer/mesos/launch.cpp", 1224)},
	"execenv.path":          {"The default PATH an executor gets is /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin.", Clusterd("3rdparty/stout/include/stout/posix/os.hpp", 476)},
	"execenv.switch_user":   {"--switch_user defaults to true: executors run as the task's user, who must be able to read any file their environment names (TLS key and certificates).", Clusterd("src/slave/flags.cpp", 382)},
	"execenv.docker":        {"The Docker containerizer starts mesos-docker-executor with the same agent-built variables plus ExecutorInfo's, GLOG_v, and a default PATH; not the agent's environment.", Clusterd("src/slave/containerizer/docker.cpp", 1472)},
	"execenv.ssl.doc":       {"Executors must be given the SSL environment variables (CommandInfo.environment or the agent's --executor_environment_variables) and be able to read the files they name.", Mesos("docs/ssl.md", 271)},

	// Readiness.
	"master.delegate":             {"The master initializes libprocess with delegate \"master\": /health is /master/health, /redirect is /master/redirect, /state is /master/state.", Clusterd(mesosMasterMain, 258)},
	"libprocess.delegate":         {"A request whose first path component names no process is routed to the delegate.", Clusterd(mesosLibprocessCPP, 2728)},
	"agent.delegate":              {"The agent's delegate is its process id slave(N): /health is /slave(1)/health.", Clusterd(mesosAgentMain, 592)},
	"master.health.route":         {"The master's /health route has no authentication realm.", Clusterd(mesosMasterCPP, 963)},
	"master.health":               {"The master's /health answers 200 OK unconditionally: it says nothing about election or recovery.", Clusterd(mesosMasterHTTP, 1542)},
	"master.redirect.route":       {"The master's /redirect route has no authentication realm.", Clusterd(mesosMasterCPP, 968)},
	"master.redirect.noleader":    {"/master/redirect answers 503 \"No leader elected\" when the master knows no leader.", Clusterd(mesosMasterHTTP, 1749)},
	"master.redirect.leader":      {"/master/redirect answers 307 to //<leader hostname>:<port> whenever a leader is known, on the leader itself too (it redirects to itself); the URL is protocol-relative.", Clusterd(mesosMasterHTTP, 1782)},
	"master.redirect.hostname":    {"The redirect uses the leader's MasterInfo hostname (--hostname, or the lookup of its IP).", Clusterd(mesosMasterHTTP, 1760)},
	"master.state":                {"/master/state on a non-leading master is answered by redirect(): 307 to the leader, or 503 when none is known; the leader serves it (readonly realm).", Clusterd(mesosMasterHTTP, 2303)},
	"master.opguide.redirect":     {"Requests to leader-only endpoints on a non-leading master get 307 with the leader's location, or 503 when no leader is known.", Mesos("docs/operational-guide.md", 69)},
	"metrics.elected":             {"Every master registers the gauge master/elected.", Clusterd("src/master/metrics.cpp", 51)},
	"metrics.elected.value":       {"master/elected is 1 on the leading master, 0 on the others.", Clusterd("src/master/master.hpp", 2323)},
	"metrics.recovered.prefix":    {"Every master with the replicated_log registry creates its Log with metrics prefix \"registrar/\".", Clusterd(mesosMasterMain, 392)},
	"metrics.recovered":           {"The Log registers <prefix>log/recovered (so registrar/log/recovered) in its constructor: present on every master.", Clusterd("src/log/metrics.cpp", 37)},
	"metrics.recovered.value":     {"log/recovered is 1 once the local replica has recovered, else 0.", Clusterd("src/log/log.cpp", 246)},
	"metrics.registered":          {"The agent registers the gauge slave/registered.", Clusterd("src/slave/metrics.cpp", 40)},
	"metrics.registered.value":    {"slave/registered is 1 when the agent knows a master (master.isSome()).", Clusterd("src/slave/slave.hpp", 751)},
	"metrics.registered.detected": {"The agent sets its master when a leader is detected, before registering: slave/registered = 1 proves detection, not registration.", Clusterd(mesosAgentCPP, 1473)},
	"metrics.realm":               {"/metrics/snapshot is in the readonly realm (mesos-master-readonly / mesos-agent-readonly).", Clusterd(mesosLibprocessCPP, 1207)},
	"metrics.snapshot.route":      {"The metrics process routes /snapshot with its realm.", Clusterd("3rdparty/libprocess/src/metrics/metrics.cpp", 97)},
	"metrics.json":                {"The snapshot is a map<string,double> written by jsonify.", Clusterd("3rdparty/libprocess/src/metrics/metrics.cpp", 220)},
	"json.rapidjson":              {"stout's jsonify writes through rapidjson's compact Writer.", Clusterd("3rdparty/stout/include/stout/jsonify.hpp", 37)},
	"json.slash":                  {"rapidjson escapes only '\"', '\\\\' and control characters: '/' is not escaped, \"master/elected\" appears as is.", Clusterd(mesosRapidjsonWriter, 352)},
	"json.double":                 {"rapidjson writes an integral double with \".0\": 1 as 1.0 (0 as 0.0).", Clusterd(mesosRapidjsonDtoa, 153)},
	"agent.health":                {"The agent's /health route has no realm and answers 200 OK unconditionally.", Clusterd(mesosAgentCPP, 897)},
	"agent.id.registered":         {"The agent stores the SlaveID the master gives it on registration.", Clusterd(mesosAgentCPP, 1712)},
	"agent.id.recovered":          {"On restart the agent takes its SlaveID from the checkpointed SlaveInfo, before registering again.", Clusterd(mesosAgentCPP, 7930)},
	"agent.state.id":              {"The agent's /state writes \"id\" from its SlaveInfo (empty until an ID is assigned or recovered).", Clusterd("src/slave/http.cpp", 1373)},

	// HTTP authentication.
	"realm.master":                 {"Master realms: mesos-master-readonly, mesos-master-readwrite, mesos-master-scheduler (HTTP frameworks).", Clusterd("src/master/constants.hpp", 160)},
	"realm.agent":                  {"Agent realms: mesos-agent-readonly, mesos-agent-readwrite, mesos-agent-executor, mesos-agent-resource-provider.", Clusterd("src/slave/constants.hpp", 178)},
	"realm.libprocess":             {"libprocess' own endpoints: /metrics/snapshot readonly; /logging/toggle, /profiler/*, /memory-profiler/* readwrite.", Clusterd(mesosLibprocessCPP, 1206)},
	"http.realm.only":              {"libprocess authenticates a request only when its route has a realm; a route without realm never looks at Authorization.", Clusterd(mesosLibprocessCPP, 3792)},
	"http.realm.noauthenticator":   {"A realm with no authenticator installed (its --authenticate_http_* off) serves every request, Authorization header or not, with no principal.", Clusterd("3rdparty/libprocess/src/authenticator_manager.cpp", 83)},
	"http.master.readonly":         {"--authenticate_http_readonly installs the --http_authenticators (default basic) for mesos-master-readonly.", Clusterd(mesosMasterCPP, 595)},
	"http.master.readwrite":        {"--authenticate_http_readwrite installs them for mesos-master-readwrite.", Clusterd(mesosMasterCPP, 606)},
	"http.master.frameworks":       {"--authenticate_http_frameworks requires --http_framework_authenticators (no default; the master exits without it) for mesos-master-scheduler.", Clusterd(mesosMasterCPP, 617)},
	"http.basic.default":           {"The default HTTP authenticator is named basic.", Clusterd("src/common/http.hpp", 76)},
	"http.agent.realms":            {"The agent installs authenticators for mesos-agent-readonly and mesos-agent-readwrite when --authenticate_http_readonly/--authenticate_http_readwrite are set, with --http_credentials.", Clusterd(mesosAgentCPP, 394)},
	"http.agent.executors":         {"--authenticate_http_executors requires --jwt_secret_key, else the agent exits.", Clusterd(mesosAgentCPP, 376)},
	"http.agent.jwtsecret":         {"With --jwt_secret_key the agent creates a JWT secret generator (tokens for executors).", Clusterd(mesosAgentMain, 719)},
	"http.agent.api":               {"The agent's /api/v1 (operator API, used by the default executor) is in the readwrite realm.", Clusterd(mesosAgentCPP, 779)},
	"http.agent.executorapi":       {"The agent's /api/v1/executor is in the mesos-agent-executor realm.", Clusterd(mesosAgentCPP, 856)},
	"http.default_executor.bearer": {"The default executor (task groups) authenticates to the agent only with \"Bearer <MESOS_EXECUTOR_AUTHENTICATION_TOKEN>\".", Clusterd("src/launcher/default_executor.cpp", 1807)},
	"http.executor.bearer":         {"The v1 executor library sends \"Bearer <token>\" when MESOS_EXECUTOR_AUTHENTICATION_TOKEN is set.", Clusterd("src/executor/executor.cpp", 384)},

	// Agent start-up on cgroup v2.
	"cgv2.main":            {"With --systemd_enable_support (default true) on a systemd host the agent calls systemd::initialize and exits \"Failed to initialize systemd: ...\" on error.", Clusterd(mesosAgentMain, 667)},
	"cgv2.default":         {"--systemd_enable_support defaults to true.", Clusterd("src/slave/flags.cpp", 785)},
	"cgv2.exists":          {"systemd::exists: /sbin/init resolves to a binary whose --version starts \"systemd <number>\".", Clusterd(mesosSystemdCPP, 198)},
	"cgv2.verify":          {"systemd::initialize creates and starts mesos_executors.slice, then verifies the systemd cgroup hierarchy and fails \"Failed to locate systemd cgroups hierarchy\" (unconditionally at 0.7.1).", Clusterd(mesosSystemdCPP, 183)},
	"cgv2.hierarchy":       {"The systemd hierarchy is <cgroups_hierarchy>/systemd, /sys/fs/cgroup/systemd by default (a cgroup v1 mount).", Clusterd(mesosSystemdCPP, 279)},
	"cgv2.cgverify":        {"cgroups::verify fails \"is not a valid hierarchy\" when the path is not a mounted hierarchy.", Clusterd("src/linux/cgroups.cpp", 416)},
	"cgv2.v1only":          {"Mounted hierarchies are the /proc/mounts entries of type \"cgroup\" (v1): a cgroup2-only host has no /sys/fs/cgroup/systemd hierarchy, so the agent exits.", Clusterd("src/linux/cgroups.cpp", 469)},
	"cgv2.cgroups2":        {"clusterd's cgroups v2 start-up (initializeCgroups2) runs only with --agent_subsystems and is separate from systemd support.", Clusterd(mesosAgentMain, 557)},
	"cgv2.launcher":        {"On cgroups v2 the Linux launcher uses no systemd hierarchy at all.", Clusterd("src/slave/containerizer/mesos/linux_launcher.cpp", 213)},
	"cgv2.extend.docker":   {"Only with systemd support enabled are Docker executors moved into mesos_executors.slice (extendLifetime); otherwise they stay in the agent unit's cgroup.", Clusterd("src/slave/containerizer/docker.cpp", 1572)},
	"cgv2.extend.launcher": {"Likewise the posix launcher's children.", Clusterd("src/slave/containerizer/mesos/launcher.cpp", 112)},
	"cgv2.extend.logger":   {"Likewise the logrotate container logger's processes.", Clusterd("src/slave/container_loggers/lib_logrotate.cpp", 179)},

	// mesos-execute.
	"execute.v1":         {"mesos-execute is a v1 HTTP API scheduler (mesos::v1::scheduler::Mesos).", Clusterd("src/cli/execute.cpp", 433)},
	"execute.credential": {"--principal sets FrameworkInfo.principal; with --secret too it builds the Credential given to the scheduler library.", Clusterd("src/cli/execute.cpp", 1144)},
	"execute.basic":      {"The scheduler library's default authenticatee adds \"Authorization: Basic base64(principal:secret)\" to every call when a credential is set, none otherwise.", Clusterd("src/authentication/http/basic_authenticatee.cpp", 61)},
	"execute.realm":      {"The master's /api/v1/scheduler is in the mesos-master-scheduler realm (--authenticate_http_frameworks).", Clusterd(mesosMasterCPP, 920)},
	"execute.detector":   {"The scheduler library resolves --master with MasterDetector::create: zk:// URLs work as well as host:port.", Clusterd("src/scheduler/scheduler.cpp", 199)},
	"execute.noenv":      {"mesos-execute loads its own flags from the command line only.", Clusterd("src/cli/execute.cpp", 924)},

	// JNI.
	"jni.hasjava":  {"The Java bindings are built only if HAS_JAVA, which nothing sets at v1.11.0-0.7.1 (commit df506035f removed the ENABLE_JAVA option).", Clusterd("src/CMakeLists.txt", 139)},
	"jni.separate": {"Even when built, the JNI code is its own library mesos-java, not part of libmesos.", Clusterd("src/java/CMakeLists.txt", 117)},
	"jni.install":  {"The install (so the package) holds the libraries mesos-protobufs and mesos, no libmesos-java: a Marathon tarball needs JNI symbols the package does not ship.", Clusterd("src/CMakeLists.txt", 689)},
	"jni.upstream": {"Apache Mesos 1.11.0's CMake had ENABLE_JAVA (off by default) to set HAS_JAVA.", Mesos("cmake/CompilationConfigure.cmake", 243)},
}

// Facts by area, sorted by id.
var (
	// MesosWrapperFacts: the packaged init wrapper, units and package contents.
	MesosWrapperFacts = mesosFactsWith("wrapper.", "packaging.", "unit.")
	// MesosStoutFacts: how stout loads flags and parses values.
	MesosStoutFacts = mesosFactsWith("stout.")
	// MesosZKFacts: Mesos' ZooKeeper URLs.
	MesosZKFacts = mesosFactsWith("zk.")
	// MesosCredentialFacts: credentials files.
	MesosCredentialFacts = mesosFactsWith("cred.")
	// MesosHTTPAuthFacts: HTTP authentication realms, authenticators, credentials.
	MesosHTTPAuthFacts = mesosFactsWith("realm.", "http.", "cred.master.http", "cred.agent.http", "metrics.realm")
	// MesosReadinessFacts: what /health, /redirect, /state and the metrics say, and how they are encoded.
	MesosReadinessFacts = mesosFactsWith("master.", "metrics.", "json.", "libprocess.", "agent.")
	// MesosExecutorEnvFacts: the environment executors get.
	MesosExecutorEnvFacts = mesosFactsWith("execenv.")
	// MesosCgroupV2Facts: agent start-up with systemd support on cgroup v2 hosts.
	MesosCgroupV2Facts = mesosFactsWith("cgv2.", "agent.enable_cgroups_v2", "changelog.")
	// MesosExecuteFacts: mesos-execute.
	MesosExecuteFacts = mesosFactsWith("execute.")
	// MesosJNIFacts: whether the package ships the Java bindings.
	MesosJNIFacts = mesosFactsWith("jni.")
)

func mesosFactsWith(prefixes ...string) []Fact {
	var ids []string
	for id := range MesosFacts {
		for _, p := range prefixes {
			if strings.HasPrefix(id, p) {
				ids = append(ids, id)
				break
			}
		}
	}
	sort.Strings(ids)
	out := make([]Fact, len(ids))
	for i, id := range ids {
		out[i] = MesosFacts[id]
	}
	return out
}

// MesosFact returns the fact with that id; it panics on an unknown id (a programming error).
func MesosFact(id string) Fact {
	f, ok := MesosFacts[id]
	if !ok {
		panic(fmt.Sprintf("upstream: no Mesos fact %q", id))
	}
	return f
}

// MesosRealm is an HTTP authentication realm and what turns it on.
type MesosRealm struct {
	// Name is the realm's name.
	Name string
	// EnabledBy is the flag that installs its authenticator ("" = never authenticated).
	EnabledBy string
}

// MesosEndpoint is an HTTP endpoint of a Mesos daemon and its realm.
type MesosEndpoint struct {
	// Binary is MesosMaster or MesosAgent.
	Binary string
	// Path is the path as clients use it (the delegate makes /master/x also /x on masters).
	Path string
	// Realm is the authentication realm (Name "" for none).
	Realm MesosRealm
	// Source is the route() call.
	Source Source
}

// The realms (src/master/constants.hpp:160-169, src/slave/constants.hpp:178-188).
var (
	// RealmNone marks routes without a realm: never authenticated.
	RealmNone = MesosRealm{}
	// RealmMasterReadonly is the master's read-only realm.
	RealmMasterReadonly = MesosRealm{"mesos-master-readonly", "authenticate_http_readonly"}
	// RealmMasterReadwrite is the master's read-write realm.
	RealmMasterReadwrite = MesosRealm{"mesos-master-readwrite", "authenticate_http_readwrite"}
	// RealmMasterScheduler is the master's HTTP framework realm.
	RealmMasterScheduler = MesosRealm{"mesos-master-scheduler", "authenticate_http_frameworks"}
	// RealmAgentReadonly is the agent's read-only realm.
	RealmAgentReadonly = MesosRealm{"mesos-agent-readonly", "authenticate_http_readonly"}
	// RealmAgentReadwrite is the agent's read-write realm.
	RealmAgentReadwrite = MesosRealm{"mesos-agent-readwrite", "authenticate_http_readwrite"}
	// RealmAgentExecutor is the agent's HTTP executor realm.
	RealmAgentExecutor = MesosRealm{"mesos-agent-executor", "authenticate_http_executors"}
)

func mesosEP(bin, path string, r MesosRealm, file string, line int) MesosEndpoint {
	return MesosEndpoint{bin, path, r, Clusterd(file, line)}
}

// MesosEndpoints lists the daemons' HTTP endpoints mesosimg may touch, with their realms.
var MesosEndpoints = []MesosEndpoint{
	mesosEP(MesosMaster, "/api/v1", RealmMasterReadwrite, mesosMasterCPP, 909),
	mesosEP(MesosMaster, "/api/v1/scheduler", RealmMasterScheduler, mesosMasterCPP, 920),
	mesosEP(MesosMaster, "/master/create-volumes", RealmMasterReadwrite, mesosMasterCPP, 928),
	mesosEP(MesosMaster, "/master/destroy-volumes", RealmMasterReadwrite, mesosMasterCPP, 936),
	mesosEP(MesosMaster, "/master/frameworks", RealmMasterReadonly, mesosMasterCPP, 944),
	mesosEP(MesosMaster, "/master/flags", RealmMasterReadonly, mesosMasterCPP, 955),
	mesosEP(MesosMaster, "/master/health", RealmNone, mesosMasterCPP, 963),
	mesosEP(MesosMaster, "/master/redirect", RealmNone, mesosMasterCPP, 968),
	mesosEP(MesosMaster, "/master/reserve", RealmMasterReadwrite, mesosMasterCPP, 973),
	mesosEP(MesosMaster, "/master/roles", RealmMasterReadonly, mesosMasterCPP, 981),
	mesosEP(MesosMaster, "/master/teardown", RealmMasterReadwrite, mesosMasterCPP, 989),
	mesosEP(MesosMaster, "/master/slaves", RealmMasterReadonly, mesosMasterCPP, 997),
	mesosEP(MesosMaster, "/master/state", RealmMasterReadonly, mesosMasterCPP, 1008),
	mesosEP(MesosMaster, "/master/state-summary", RealmMasterReadonly, mesosMasterCPP, 1019),
	mesosEP(MesosMaster, "/master/tasks", RealmMasterReadonly, mesosMasterCPP, 1030),
	mesosEP(MesosMaster, "/master/maintenance/schedule", RealmMasterReadwrite, mesosMasterCPP, 1041),
	mesosEP(MesosMaster, "/master/maintenance/status", RealmMasterReadonly, mesosMasterCPP, 1049),
	mesosEP(MesosMaster, "/master/machine/down", RealmMasterReadwrite, mesosMasterCPP, 1057),
	mesosEP(MesosMaster, "/master/machine/up", RealmMasterReadwrite, mesosMasterCPP, 1065),
	mesosEP(MesosMaster, "/master/unreserve", RealmMasterReadwrite, mesosMasterCPP, 1073),
	mesosEP(MesosMaster, "/master/weights", RealmMasterReadwrite, mesosMasterCPP, 1081),
	mesosEP(MesosMaster, "/master/quota", RealmMasterReadwrite, mesosMasterCPP, 1091),
	mesosEP(MesosMaster, "/metrics/snapshot", RealmMasterReadonly, mesosLibprocessCPP, 1207),
	mesosEP(MesosMaster, "/logging/toggle", RealmMasterReadwrite, mesosLibprocessCPP, 1211),
	mesosEP(MesosMaster, "/version", RealmNone, "src/version/version.cpp", 73),
	mesosEP(MesosAgent, "/api/v1", RealmAgentReadwrite, mesosAgentCPP, 779),
	mesosEP(MesosAgent, "/api/v1/executor", RealmAgentExecutor, mesosAgentCPP, 856),
	mesosEP(MesosAgent, "/slave(1)/state", RealmAgentReadonly, mesosAgentCPP, 878),
	mesosEP(MesosAgent, "/slave(1)/flags", RealmAgentReadonly, mesosAgentCPP, 889),
	mesosEP(MesosAgent, "/slave(1)/health", RealmNone, mesosAgentCPP, 897),
	mesosEP(MesosAgent, "/slave(1)/monitor/statistics", RealmAgentReadonly, mesosAgentCPP, 902),
	mesosEP(MesosAgent, "/slave(1)/containers", RealmAgentReadonly, mesosAgentCPP, 910),
	mesosEP(MesosAgent, "/metrics/snapshot", RealmAgentReadonly, mesosLibprocessCPP, 1207),
	mesosEP(MesosAgent, "/logging/toggle", RealmAgentReadwrite, mesosLibprocessCPP, 1211),
	mesosEP(MesosAgent, "/version", RealmNone, "src/version/version.cpp", 73),
}

// MesosEndpointRealm returns the realm of a binary's endpoint. A master serves /x as
// /master/x and an agent as /slave(1)/x when no process is named x (the delegate,
// 3rdparty/libprocess/src/process.cpp:2728), so both spellings are found.
func MesosEndpointRealm(binary, path string) (MesosRealm, bool) {
	delegate := map[string]string{MesosMaster: "/master", MesosAgent: "/slave(1)"}[binary]
	norm := func(p string) string { return strings.TrimPrefix(p, delegate) }
	for _, e := range MesosEndpoints {
		if e.Binary == binary && norm(e.Path) == norm(path) {
			return e.Realm, true
		}
	}
	return MesosRealm{}, false
}

package upstream

//go:generate go run ./cmd/genmarathonopts -o marathon_opts_gen.go

import "strings"

// MarathonKind is how Marathon's command line (scallop 3.3.2) reads an option's value.
type MarathonKind string

// The value kinds of MarathonOptions. Every duration of Marathon 1.11 is a plain Int or Long
// count (milliseconds or seconds, as each option's description says), never a unit string.
const (
	// MarathonString takes one argument, used as is.
	MarathonString MarathonKind = "string"
	// MarathonInt takes one argument read by java.lang.Integer.parseInt (optional sign, digits, 32 bits).
	MarathonInt MarathonKind = "int"
	// MarathonLong takes one argument read by java.lang.Long.parseLong (64 bits).
	MarathonLong MarathonKind = "long"
	// MarathonFlag is opt[Boolean]: present or absent, it takes no argument (scallop's flagConverter).
	MarathonFlag MarathonKind = "flag"
	// MarathonToggle is toggle(): --name sets it, --<Negation> clears it; neither takes an argument.
	MarathonToggle MarathonKind = "toggle"
	// MarathonURI takes one argument parsed by java.net.URI.
	MarathonURI MarathonKind = "uri"
	// MarathonZkURL takes one argument matching ZookeeperConf.ZkUrlPattern (see MatchMarathonZK).
	MarathonZkURL MarathonKind = "zk-url"
	// MarathonMaster is --master: a zk:// URL (ZkUrlPattern), an http(s):// URL, or host:port.
	MarathonMaster MarathonKind = "mesos-master"
	// MarathonList takes one argument, a comma-separated list.
	MarathonList MarathonKind = "list"
	// MarathonEnum takes one argument out of Values.
	MarathonEnum MarathonKind = "enum"
)

// MarathonOption is one command-line option of Marathon 1.11 (a scallop opt or toggle).
type MarathonOption struct {
	// Name is the long name: --Name.
	Name string
	// Kind is how the value is read.
	Kind MarathonKind
	// Type is the scallop type argument as written (Long, ZkUrl, …), or "toggle".
	Type string
	// Negation is a toggle's negative form (--disable_<Name> throughout Marathon); "" otherwise.
	Negation string
	// Default is the default as written in the source, without Some(…); "" when there is none.
	Default string
	// Required options must be given (only --master).
	Required bool
	// Hidden options are left out of --help (internal tuning).
	Hidden bool
	// Values are an enum's accepted values.
	Values []string
	// FoldCase says an enum's values are compared case-insensitively.
	FoldCase bool
	// ValuesSource is where Values were read.
	ValuesSource Source
	// Source is where the option is declared.
	Source Source
}

// Env is the MARATHON_* variable that Main.envToArgs turns into --Name.
func (o MarathonOption) Env() string { return "MARATHON_" + strings.ToUpper(o.Name) }

// EnvSettable reports whether Env reaches the option: envToArgs lower-cases the variable's
// name (Main.scala:230), so options named in camelCase (killsPerBatch) are unreachable.
func (o MarathonOption) EnvSettable() bool { return o.Name == strings.ToLower(o.Name) }

// LookupMarathonOption finds the option a long flag (without "--") names; negated is true
// for a toggle's --disable_ form.
func LookupMarathonOption(flag string) (o MarathonOption, negated, ok bool) {
	for _, o := range MarathonOptions {
		switch flag {
		case o.Name:
			return o, false, true
		case o.Negation:
			if o.Negation != "" {
				return o, true, true
			}
		}
	}
	return MarathonOption{}, false, false
}

// MarathonEnvArgs is Main.envToArgs for one variable: MARATHON_X=v becomes --x v, an empty
// value becomes --x alone, and anything not MARATHON_* (or MARATHON_APP_*) becomes nothing.
func MarathonEnvArgs(name, value string) []string {
	if !strings.HasPrefix(name, "MARATHON_") || strings.HasPrefix(name, "MARATHON_APP_") {
		return nil
	}
	arg := "--" + strings.ToLower(strings.TrimPrefix(name, "MARATHON_"))
	if value == "" {
		return []string{arg}
	}
	return []string{arg, value}
}

// Repositories cited beside Marathon: what runs it (the image's start script, docker, systemd)
// and the libraries whose behaviour its command line inherits.
const (
	marathonScallopRepo    = "scallop/scallop"
	marathonScallopRef     = "v3.3.2" // project/Dependencies.scala:134
	marathonPackagerRepo   = "sbt/sbt-native-packager"
	marathonPackagerRef    = "v1.3.9" // project/plugins.sbt:16
	marathonDockerCLIRepo  = "docker/cli"
	marathonDockerCLIRef   = "v20.10.24" // Debian 12's docker.io 20.10.24
	marathonSystemdRepo    = "systemd/systemd"
	marathonSystemdRef     = "0002453b101dc85db2be76703a85297a59c646a9"
	marathonBasePasswdRepo = "xaiki/base-passwd" // a copy of Debian's base-passwd; passwd.master is /usr/share/base-passwd/passwd.master
	marathonBasePasswdRef  = "10cef173aa60e5dba6ea103e9136f43cbb5fff7a"
	marathonMesosDebRepo   = "mesosphere/mesos-deb-packaging"
	marathonMesosDebRef    = "54ec74acbb3789757eee15061f26d253135cc1d6" // master
)

func marathonScallop(path string, line int) Source {
	return Source{marathonScallopRepo, marathonScallopRef, path, line}
}

func marathonPackager(path string, line int) Source {
	return Source{marathonPackagerRepo, marathonPackagerRef, path, line}
}

func marathonDockerCLI(path string, line int) Source {
	return Source{marathonDockerCLIRepo, marathonDockerCLIRef, path, line}
}

func marathonSystemd(path string, line int) Source {
	return Source{marathonSystemdRepo, marathonSystemdRef, path, line}
}

func marathonMesosDeb(path string, line int) Source {
	return Source{marathonMesosDebRepo, marathonMesosDebRef, path, line}
}

// The user the Marathon image runs as (tools/packager/docker/Dockerfile:35): the files it reads
// from the host (Mesos secret, TLS key, keystore) must be readable by this uid, and only by it.
const (
	// MarathonImageUser is the image's USER.
	MarathonImageUser = "nobody"
	// MarathonImageUID is nobody's uid in the image's Debian base (base-passwd), 65534 as on Debian and Ubuntu hosts.
	MarathonImageUID = 65534
	// MarathonImageGID is nobody's primary group (nogroup), 65534.
	MarathonImageGID = 65534
)

// MarathonImageUserFact is where MarathonImageUser is read.
var MarathonImageUserFact = Fact{
	Claim:  "The Marathon image runs as USER nobody, uid 65534 in its debian:stretch-slim base; it reads mounted files with that uid.",
	Source: Marathon(mthnDockerfile, 35),
}

// marathonFact is a Fact with the text its cited line holds, checked against the mirrors.
type marathonFact struct {
	Fact
	anchor string
}

func marathonF(claim string, src Source, anchor string) marathonFact {
	return marathonFact{Fact{claim, src}, anchor}
}

// Paths in mesosphere/marathon cited below.
const (
	mthnMain       = "src/main/scala/mesosphere/marathon/Main.scala"
	mthnConf       = "src/main/scala/mesosphere/marathon/MarathonConf.scala"
	mthnZkConf     = "src/main/scala/mesosphere/marathon/ZookeeperConf.scala"
	mthnHTTPConf   = "src/main/scala/mesosphere/marathon/HttpConf.scala"
	mthnHTTPModule = "src/main/scala/mesosphere/marathon/api/HttpModule.scala"
	mthnBindings   = "src/main/scala/mesosphere/marathon/api/HttpBindings.scala"
	mthnProxy      = "src/main/scala/mesosphere/marathon/api/LeaderProxyFilter.scala"
	mthnForwarder  = "src/main/scala/mesosphere/marathon/api/forwarder/AsyncUrlConnectionRequestForwarder.scala"
	mthnSystem     = "src/main/scala/mesosphere/marathon/api/SystemResource.scala"
	mthnLeader     = "src/main/scala/mesosphere/marathon/api/v2/LeaderResource.scala"
	mthnDriver     = "src/main/scala/mesosphere/marathon/MarathonSchedulerDriver.scala"
	mthnScheduler  = "src/main/scala/mesosphere/marathon/MarathonSchedulerService.scala"
	mthnElection   = "src/main/scala/mesosphere/marathon/core/election/ElectionService.scala"
	mthnCrash      = "src/main/scala/mesosphere/marathon/core/base/CrashStrategy.scala"
	mthnCurator    = "src/main/scala/mesosphere/marathon/core/storage/store/impl/zk/RichCuratorFramework.scala"
	mthnElectMod   = "src/main/scala/mesosphere/marathon/core/election/ElectionModule.scala"
	mthnModule     = "src/main/scala/mesosphere/marathon/MarathonModule.scala"
	mthnLibMesos   = "src/main/scala/mesosphere/mesos/LibMesos.scala"
	mthnDockerfile = "tools/packager/docker/Dockerfile"
	mthnDeps       = "project/Dependencies.scala"
	mthnDocsIndex  = "docs/docs/index.md"
	mthnFlagsDoc   = "docs/docs/command-line-flags.md"
)

// marathonFactTable holds every fact about Marathon 1.11 that mesosimg's output relies on.
var marathonFactTable = []marathonFact{
	// Environment → command line.
	marathonF("Main.main prepends envToArgs(sys.env) to the real arguments: the JVM itself, not a wrapper script, turns MARATHON_* variables into flags.",
		Marathon(mthnMain, 240), "envToArgs(sys.env) ++ args"),
	marathonF("Variables starting MARATHON_APP_ are ignored (they are what Marathon gives its own tasks).",
		Marathon(mthnMain, 224), `k.startsWith("MARATHON_APP_")`),
	marathonF("MARATHON_X=value becomes the two arguments --x value: the name after MARATHON_ lower-cased, the value one argument, never split or unquoted.",
		Marathon(mthnMain, 230), `s"--${k.drop(9).toLowerCase}"`),
	marathonF("An empty value becomes the argument --x alone: the only way to set a toggle or flag (MARATHON_HA=, MARATHON_DISABLE_HA=); a non-empty value for a toggle is an extra argument and fails.",
		Marathon(mthnMain, 231), "if (v.isEmpty)"),
	marathonF("Every toggle has a negative form --<prefix><name>; all of Marathon's toggles pass prefix = \"disable_\" (so MARATHON_DISABLE_X= exists for each toggle X).",
		marathonScallop("src/main/scala/org.rogach.scallop/CliOptions.scala", 189), "def longNames = List(name, prefix + name)"),
	marathonF("A toggle given in both forms, or twice, fails (wrong arguments format); so does a value given to it.",
		marathonScallop("src/main/scala/org.rogach.scallop/CliOptions.scala", 195), "s match {"),
	marathonF("A single-value option given twice, or with no value, fails: an option set both by MARATHON_X and on the command line is an error.",
		marathonScallop("src/main/scala/org.rogach.scallop/DefaultConverters.scala", 32), `Left("you should provide exactly one argument for this option")`),
	marathonF("opt[Boolean] (e.g. --disable_http, --leader_proxy_ssl_ignore_hostname) is a flag: present means true, it takes no value.",
		marathonScallop("src/main/scala/org.rogach.scallop/DefaultConverters.scala", 8), "implicit val flagConverter"),
	marathonF("An argument starting with '-' and a non-digit is read as an option name, never as a value: a value like -x cannot be passed.",
		marathonScallop("src/main/scala/org.rogach.scallop/Scallop.scala", 234), "private def isOptionName(s: String) ="),
	marathonF("An unknown option throws UnknownOption: any MARATHON_* variable that names no option stops Marathon.",
		marathonScallop("src/main/scala/org.rogach.scallop/Scallop.scala", 164), ".getOrElse(throw new UnknownOption(optName))"),
	marathonF("A command line AllConf rejects makes Marathon log \"Invalid command line flag\" and exit with status 112 (InvalidCommandLineFlag).",
		Marathon(mthnMain, 51), `logger.error("Invalid command line flag", e)`),
	marathonF("--mesos_authentication (or its --disable_ form) requires --mesos_authentication_principal on the same command line (dependsOnAll tests isSupplied).",
		Marathon(mthnConf, 287), "dependsOnAll(mesosAuthentication, List(mesosAuthenticationPrincipal))"),
	marathonF("--mesos_authentication_secret and --mesos_authentication_secret_file are mutually exclusive.",
		Marathon(mthnConf, 305), "mutuallyExclusive(mesosAuthenticationSecret, mesosAuthenticationSecretFile)"),
	marathonF("--plugin_conf and --plugin_dir are codependent: both or neither.",
		Marathon("src/main/scala/mesosphere/marathon/core/plugin/PluginManagerConfiguration.scala", 20), "codependent(pluginConf, pluginDir)"),
	marathonF("--default_accepted_resource_roles is refused by its validator in 1.11 (removed in 1.10); use --accepted_resource_roles_default_behavior.",
		Marathon(mthnConf, 185), "require("),
	marathonF("MESOSPHERE_HTTP_CREDENTIALS, MESOSPHERE_KEYSTORE_PATH and MESOSPHERE_KEYSTORE_PASS are read as the defaults of --http_credentials, --ssl_keystore_path and --ssl_keystore_password.",
		Marathon(mthnHTTPConf, 84), `val httpCredentialsEnvName: String = "MESOSPHERE_HTTP_CREDENTIALS"`),
	marathonF("The start script (bin/marathon) passes JAVA_OPTS to java word-split and unquoted, uses $JAVA_HOME/bin/java when executable, and passes the arguments through.",
		marathonPackager("src/main/resources/com/typesafe/sbt/packager/archetypes/scripts/bash-template", 244), `if [[ "$JAVA_OPTS" != "" ]]; then`),
	marathonF("The start script runs an executable $HOOK_MARATHON_START first and sources a .env file it leaves in the working directory.",
		Marathon("project/NativePackagerSettings/extra-defines.bash", 3), `if [ -x "$HOOK_MARATHON_START" ]; then`),
	marathonF("libmesos is loaded from MESOS_NATIVE_JAVA_LIBRARY (then the deprecated MESOS_NATIVE_LIBRARY), else System.loadLibrary(\"mesos\") searches java.library.path.",
		Mesos("src/java/generated/org/apache/mesos/MesosNativeLibrary.java.in", 176), `String path = System.getenv("MESOS_NATIVE_JAVA_LIBRARY");`),
	marathonF("Marathon loads libmesos before it parses its flags and exits 109 (IncompatibleLibMesos) below 1.5.0; a missing library is an UnsatisfiedLinkError it cannot handle.",
		Marathon(mthnMain, 39), "if (LibMesos.isCompatible) {"),
	marathonF("LIBPROCESS_IP must be set for libmesos to advertise the right address (README troubleshooting); Marathon's own code reads no LIBPROCESS_* variable.",
		Marathon("README.md", 138), "Make sure that `LIBPROCESS_IP` environment variable is set."),
	marathonF("DC/OS runs Marathon-on-Marathon with LIBPROCESS_SSL_ENABLED and friends in its environment: libprocess inside libmesos reads them, Marathon passes them through untouched.",
		Marathon("tests/system/fixtures/mom-ee-strict-1.5.json", 34), `"LIBPROCESS_SSL_ENABLED": "true"`),

	// ZooKeeper URLs.
	marathonF("ZkUrlPattern: ^zk://(?:(user):(pass)@)?(host(?::port)?(?:,host(?::port)?)*)(/node(?:/node)*)$ with user [^/:]+, pass [^@]+, host [A-z0-9-.]+, node [^/]+: one optional credential before the whole host list, a path of at least one node, no trailing slash.",
		Marathon(mthnZkConf, 95), "val ZkUrlPattern = {"),
	marathonF("ZkUrl.parse is the whole validation of --zk: a Scala Regex extractor, i.e. a full match (Matcher.matches), nothing else; the error reads \"... is not a valid zk url\".",
		Marathon(mthnZkConf, 169), "case ZkUrlPattern(user, pass, hosts, path) =>"),
	marathonF("--zk defaults to zk://localhost:2181/marathon.",
		Marathon(mthnZkConf, 30), `default = Some(ZkUrl.parse("zk://localhost:2181/marathon") match {`),
	marathonF("--master starting zk:// (any case) goes through the same ZkUrl.parse; http(s):// is a java.net.URL; anything else is accepted with a deprecation warning.",
		Marathon(mthnConf, 517), `if zkUrlString.take(5).equalsIgnoreCase("zk://") =>`),
	marathonF("The Mesos driver gets --master re-assembled as zk://user:pass@h1,h2/path (unredactedConnectionString): libmesos parses it again.",
		Marathon(mthnDriver, 125), "config.mesosMaster().unredactedConnectionString,"),
	marathonF("With a credential in --zk, Marathon authenticates with digest user:pass and creates every znode with ZooDefs.Ids.CREATOR_ALL_ACL (no world read); without one, OPEN_ACL_UNSAFE.",
		Marathon(mthnZkConf, 83), "lazy val zkDefaultCreationACL ="),
	marathonF("The state client adds the digest AuthInfo and the ACL provider: CREATOR_ALL_ACL for every path, plus world READ only for the legacy <zk>/leader-curator path.",
		Marathon(mthnCurator, 186), "conf.zooKeeperStateUrl.credentials.foreach { credentials =>"),
	marathonF("Leader election (curator) uses <zk>/leader through the same client, so its znodes carry the same ACL.",
		Marathon(mthnElectMod, 34), "config.zooKeeperLeaderUrl.path,"),
	marathonF("Marathon's ZooKeeper client is 3.4.11 (Curator 4.0.1 with the 3.5 client excluded).",
		Marathon(mthnDeps, 237), `val zk = Seq("org.apache.zookeeper" % "zookeeper" % "3.4.11")`),

	// The image.
	marathonF("The image is built FROM debian:stretch-slim with WORKDIR /marathon.",
		Marathon(mthnDockerfile, 1), "FROM debian:stretch-slim"),
	marathonF("The image's Java is OpenJDK 8 (openjdk-8-jre-headless), JAVA_HOME=/docker-java-home linking /usr/lib/jvm/java-8-openjdk-<arch>.",
		Marathon(mthnDockerfile, 20), "apt-get install -y openjdk-8-jdk-headless openjdk-8-jre-headless ca-certificates-java"),
	marathonF("The image's libmesos is Mesosphere's mesos=${MESOS_PKG_VERSION}.debian9 package; the version is MesosDebian in project/Dependencies.scala.",
		Marathon(mthnDockerfile, 28), "apt-get install --no-install-recommends -y mesos=${MESOS_PKG_VERSION}.debian9"),
	marathonF("MesosDebian (the image's Mesos package) is 1.11.0-0.1.1416.pre.20201006gitc28fd3a93.",
		Marathon(mthnDeps, 141), `val MesosDebian = "1.11.0-0.1.1416.pre.20201006gitc28fd3a93"`),
	marathonF("mesosphere/marathon:v<version> is built from this Dockerfile with --build-arg MESOS_PKG_VERSION read from project/Dependencies.scala (MesosDebian).",
		Marathon("tools/packager/Makefile", 205), "docker build --build-arg MESOS_PKG_VERSION=$(MESOS_PKG_VERSION) --tag mesosphere/marathon:v$(PKG_VER)"),
	marathonF("Mesosphere's package build adds no --enable-ssl of its own (only what --configure-flags passes): whether the image's libmesos honours LIBPROCESS_SSL_* is not settled by these sources.",
		marathonMesosDeb("build_mesos", 493), "function configure_opts {"),
	marathonF("Mesosphere's Mesos packages install with --prefix=/usr (libmesos.so in /usr/lib, on java.library.path) and link it from /usr/local/lib.",
		marathonMesosDeb("build_mesos", 494), `local options="--prefix=/usr"`),
	marathonF("The image runs as USER nobody (Debian's uid 65534, group nogroup 65534) with ENTRYPOINT [\"/marathon/bin/marathon\"] and CMD []: no entrypoint script maps MARATHON_* itself.",
		Marathon(mthnDockerfile, 35), "USER nobody"),
	marathonF("In Debian's base-passwd (the image's base and Debian/Ubuntu hosts alike) nobody is uid 65534, gid 65534 (nogroup).",
		Source{marathonBasePasswdRepo, marathonBasePasswdRef, "passwd.master", 18}, "nobody:*:65534:65534:nobody:/nonexistent:/usr/sbin/nologin"),
	marathonF("On shutdown Marathon waits up to --graceful_shutdown_timeout, 45 s by default, for its services to stop.",
		Marathon(mthnConf, 216), `lazy val gracefulShutdownTimeout = opt[Long](`),
	marathonF("Marathon reads --mesos_authentication_secret_file whole (ByteString.readFrom, UTF-8), untrimmed: a trailing newline is part of the secret.",
		Marathon(mthnDriver, 105), "ByteString.readFrom(new FileInputStream(secretFile)).toStringUtf8"),
	marathonF("The secret file is read only when the instance becomes leader and creates its driver (startLeadership → createDriver); a standby with an unreadable file runs until elected.",
		Marathon(mthnScheduler, 226), "driver = Some(driverFactory.createDriver())"),
	marathonF("An exception in startLeadership fails the leadership stream: Marathon exits 104 (LeadershipEndedFaulty) and the next instance is elected, and fails the same way.",
		Marathon(mthnElection, 254), "case Failure(ex) =>"),
	marathonF("Exit codes: 100/101 ZooKeeper connection failure/loss, 103 leadership loss, 104 leadership ended faulty, 107 uncaught exception, 109 incompatible libmesos, 111 binding error, 112 invalid command line flag.",
		Marathon(mthnCrash, 16), "case object ZookeeperConnectionFailure extends Reason { override val code: Int = 100 }"),
	marathonF("docker --env-file strips leading whitespace, skips lines starting with #, splits at the first '=', keeps the value verbatim (quotes and trailing spaces included), fails on a name with whitespace, and takes a line without '=' from the docker client's environment.",
		marathonDockerCLI("opts/file.go", 24), "func parseKeyValueFile(filename string, emptyFn func(string) (string, bool)) ([]string, error) {"),
	marathonF("systemd EnvironmentFile= strips whitespace around names and unquoted values, removes single and double quotes, honours backslash escapes and continuation lines, and treats # and ; at a line's start as comments; it drops assignments whose name is not a valid variable name (e.g. \"export X\").",
		marathonSystemd("src/basic/env-file.c", 22), "static int parse_env_file_internal("),

	// HTTP.
	marathonF("--http_credentials is split by \"(.+):(.+)\": greedily at the LAST colon, so a password must not contain ':' (the user name gets it); a value without a colon only logs an error and leaves the API without authentication.",
		Marathon(mthnHTTPModule, 169), `val credentialsPattern = "(.+):(.+)".r`),
	marathonF("With --http_credentials, Jetty Basic authentication (BasicAuthenticator) guards path spec \"/*\": every path including /ping, /v2/leader, /metrics and /ui answers 401 without credentials.",
		Marathon(mthnHTTPModule, 191), `cm.setPathSpec("/*")`),
	marathonF("The realm is --http_realm, default \"Mesosphere\".",
		Marathon(mthnHTTPConf, 54), `default = Option("Mesosphere"),`),
	marathonF("The leader-proxy filter is mapped to \"/*\", /ping included: a standby forwards every request to the leader.",
		Marathon(mthnBindings, 39), `addFilter("/*", leaderProxyFilter)`),
	marathonF("A standby that knows no leader (or only itself) waits 10×250 ms for consistent leadership, then answers 502 \"Could not determine the current leader\".",
		Marathon(mthnProxy, 87), "} else if (leaderDataOpt.forall(_ == myHostPort)) {"),
	marathonF("Forwarded requests keep their headers except Connection, Host, Content-Type, Content-Length and User-Agent: the Authorization header reaches the leader, which checks it again.",
		Marathon(mthnForwarder, 82), "private def proxiedRequestHeaders(request: jax.HttpServletRequest): Seq[HttpHeader] = {"),
	marathonF("GET /ping answers 200 \"pong\" (text/plain for no Accept, */* or text/*; \"\\\"pong\\\"\" for application/json) and 204 for an Accept it cannot meet.",
		Marathon(mthnSystem, 64), `@Path("ping")`),
	marathonF("GET /v2/leader answers 200 {\"leader\":\"host:port\"} or 404 {\"message\":\"There is no leader\"} — the 404 only where the proxy filter lets the request through; a standby without a leader answers 502 first.",
		Marathon(mthnLeader, 46), "electionService.leaderHostPort match {"),
	marathonF("The leader's host:port is --hostname and --http_port (--https_port when --disable_http): other instances proxy to it, so --hostname must be an address they reach.",
		Marathon(mthnModule, 120), "val port = if (http.disableHttp()) http.httpsPort() else http.httpPort()"),
	marathonF("--mesos_user defaults to the JVM's user.name: in the image that is nobody, so Marathon registers as user nobody unless MARATHON_MESOS_USER is set.",
		Marathon(mthnConf, 274), `default = new SystemProperties().get("user.name")`),
	marathonF("FrameworkInfo.user is --mesos_user: the agents run Marathon's command tasks as that user (when they switch users).",
		Marathon(mthnDriver, 26), ".setUser(config.mesosUser())"),
	marathonF("Marathon's own native package sets MARATHON_MESOS_USER=root in /etc/default/marathon.",
		Marathon("tools/packager/marathon.defaults", 7), "MARATHON_MESOS_USER=root"),
	marathonF("--hostname defaults to InetAddress.getLocalHost.getHostName (the host name, which Debian's /etc/hosts maps to 127.0.1.1).",
		Marathon(mthnConf, 126), "default = Some(MarathonConfHostNameCache.hostname)"),
	marathonF("HTTPS is served only when both --ssl_keystore_path and --ssl_keystore_password are set; the keystore must exist and be readable by Marathon's user.",
		Marathon(mthnHTTPModule, 116), "keystorePath <- conf.sslKeystorePath.toOption"),
	marathonF("Neither HTTP (--disable_http) nor HTTPS configured is refused: \"Neither HTTP nor HTTPS support has been configured\".",
		Marathon(mthnHTTPModule, 67), `throw new IllegalArgumentException("Invalid configuration: Neither HTTP nor HTTPS support has been configured.")`),

	// Java.
	marathonF("Marathon's installation requirements are JDK 1.8+ with the default JVM set to Java 8.",
		Marathon(mthnDocsIndex, 12), "* JDK 1.8+"),
	marathonF("Marathon's CI switches java to Java 8 before building and testing.",
		Marathon("Jenkinsfile", 24), "sudo update-alternatives --set java /usr/lib/jvm/java-8-openjdk-amd64/jre/bin/java"),
	marathonF("Marathon 1.11 builds on Guice 4.1.0, whose bundled cglib calls ClassLoader.defineClass reflectively: on Java 16+ (strong encapsulation) the injector fails unless java runs with --add-opens java.base/java.lang=ALL-UNNAMED.",
		Marathon(mthnDeps, 116), `val Guice = "4.1.0"`),
	marathonF("Marathon creates its Guice injector at start-up, before any service starts: the Java 16+ failure is immediate.",
		Marathon(mthnMain, 72), "val injector = Guice.createInjector(modules.asJava)"),
	marathonF("Marathon's documented tarball layout runs ./bin/marathon and finds libmesos through MESOS_NATIVE_JAVA_LIBRARY or /usr/lib, /usr/local/lib.",
		Marathon(mthnDocsIndex, 67), "`MESOS_NATIVE_JAVA_LIBRARY`: `bin/marathon` searches the common installation paths,"),
	marathonF("The documented JAVA_OPTS default is -Xmx512m.",
		Marathon(mthnFlagsDoc, 7), "* `JAVA_OPTS`  Default: `-Xmx512m`"),
	marathonF("Marathon's documentation: an option may not be given both as an environment variable and on the command line.",
		Marathon(mthnFlagsDoc, 23), "You may not both specify the same command-line parameter as an environment variable and an actual command-line parameter."),
	marathonF("The native package's unit runs as user marathon with EnvironmentFile=/etc/default/marathon, WorkingDirectory=/usr/share/marathon.",
		Marathon("tools/packager/scripts/marathon.systemd.service", 8), "EnvironmentFile=/etc/default/marathon"),
	marathonF("LibMesos requires libmesos ≥ 1.5.0 (the oldest master Marathon 1.11 supports).",
		Marathon(mthnLibMesos, 21), "val MesosMasterMinimumVersion: SemanticVersion = SemanticVersion(1, 5, 0)"),
}

// marathonTarballAnchors select the facts that decide whether Marathon 1.11 runs from its tarball
// on a host's own Java (see MarathonTarballFacts).
var marathonTarballAnchors = []string{"* JDK 1.8+", "sudo update-alternatives --set java", `val Guice = "4.1.0"`,
	"val injector = Guice.createInjector", "`MESOS_NATIVE_JAVA_LIBRARY`: `bin/marathon`", `String path = System.getenv("MESOS_NATIVE_JAVA_LIBRARY");`,
	"if (LibMesos.isCompatible) {"}

// MarathonTarballFacts are the facts against a tarball runtime on Debian 12 / Ubuntu 22.04+:
// upstream supports Java 8 only, Guice 4.1 breaks on Java 16+ without --add-opens, and the
// JVM needs a libmesos with the Java (JNI) bindings before it even parses its flags.
func MarathonTarballFacts() []Fact {
	var out []Fact
	for _, f := range marathonFactTable {
		for _, a := range marathonTarballAnchors {
			if strings.HasPrefix(f.anchor, a) {
				out = append(out, f.Fact)
			}
		}
	}
	return out
}

// MarathonFacts are the behaviours of Marathon 1.11 (and of what starts it) that mesosimg's
// output relies on, each with where it was read.
func MarathonFacts() []Fact {
	out := make([]Fact, len(marathonFactTable))
	for i, f := range marathonFactTable {
		out[i] = f.Fact
	}
	return out
}

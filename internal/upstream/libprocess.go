package upstream

// libprocess TLS, as built into clusterd's Mesos (ClusterdRef) and read by every libprocess
// program: mesos-master, mesos-agent, executors, mesos-execute and the libmesos inside
// Marathon. Paths below are relative to the clusterd repository unless cited otherwise.

const (
	libprocessSSLCpp  = "3rdparty/libprocess/src/openssl.cpp"
	libprocessSSLHpp  = "3rdparty/libprocess/src/openssl.hpp"
	libprocessSocket  = "3rdparty/libprocess/src/ssl/openssl_socket.cpp"
	libprocessNetwork = "3rdparty/libprocess/include/process/network.hpp"
	stoutFlags        = "3rdparty/stout/include/stout/flags/flags.hpp"
	stoutParse        = "3rdparty/stout/include/stout/flags/parse.hpp"
	stoutNet          = "3rdparty/stout/include/stout/posix/net.hpp"
	mesosSSLDoc       = "docs/ssl.md"
)

// LibprocessSSLPrefix is the prefix of libprocess's TLS environment variables; the rest of
// the name, lower-cased, is a libprocess SSL flag.
const LibprocessSSLPrefix = "LIBPROCESS_SSL_"

// LibprocessLegacyPrefix is the pre-1.0 prefix libprocess still reads; on a conflict the
// LIBPROCESS_SSL_ variable wins.
const LibprocessLegacyPrefix = "SSL_"

// LibprocessVarType is how libprocess parses a LIBPROCESS_SSL_* value.
type LibprocessVarType int

// The value types of the libprocess SSL flags.
const (
	// LibprocessBool is a stout bool: exactly true, 1, false or 0; an empty value means true.
	LibprocessBool LibprocessVarType = iota + 1
	// LibprocessPath is an optional path (Option<string>, no default).
	LibprocessPath
	// LibprocessUint is an unsigned int read with operator>>.
	LibprocessUint
	// LibprocessCipherList is an OpenSSL cipher string (SSL_CTX_set_cipher_list, TLS 1.2 and older).
	LibprocessCipherList
	// LibprocessCurveList is "auto" or a colon-separated list of curve names (SSL_CTX_set1_curves_list).
	LibprocessCurveList
	// LibprocessScheme is a hostname validation scheme, "legacy" or "openssl".
	LibprocessScheme
)

func (t LibprocessVarType) String() string {
	switch t {
	case LibprocessBool:
		return "bool"
	case LibprocessPath:
		return "path"
	case LibprocessUint:
		return "unsigned int"
	case LibprocessCipherList:
		return "cipher list"
	case LibprocessCurveList:
		return "curve list"
	case LibprocessScheme:
		return "hostname validation scheme"
	}
	return "unknown"
}

// LibprocessVar is one LIBPROCESS_SSL_* variable libprocess reads at ClusterdRef.
type LibprocessVar struct {
	// Name is the environment variable.
	Name string
	Type LibprocessVarType
	// Default is the value when the variable is unset; HasDefault is false for paths.
	Default    string
	HasDefault bool
	// AliasOf is the 1.11 name this deprecated name turns on (only when true).
	AliasOf string
	// Meaning says what the flag does, in libprocess's terms.
	Meaning string
	// Source is the flag's declaration (its add() call) in openssl.cpp.
	Source Source
}

// Names of the variables mesosimg renders or checks.
const (
	SSLEnabled                  = "LIBPROCESS_SSL_ENABLED"
	SSLSupportDowngrade         = "LIBPROCESS_SSL_SUPPORT_DOWNGRADE"
	SSLCertFile                 = "LIBPROCESS_SSL_CERT_FILE"
	SSLKeyFile                  = "LIBPROCESS_SSL_KEY_FILE"
	SSLVerifyCert               = "LIBPROCESS_SSL_VERIFY_CERT"
	SSLVerifyServerCert         = "LIBPROCESS_SSL_VERIFY_SERVER_CERT"
	SSLRequireCert              = "LIBPROCESS_SSL_REQUIRE_CERT"
	SSLRequireClientCert        = "LIBPROCESS_SSL_REQUIRE_CLIENT_CERT"
	SSLVerifyIPAdd              = "LIBPROCESS_SSL_VERIFY_IPADD"
	SSLVerificationDepth        = "LIBPROCESS_SSL_VERIFICATION_DEPTH"
	SSLCADir                    = "LIBPROCESS_SSL_CA_DIR"
	SSLCAFile                   = "LIBPROCESS_SSL_CA_FILE"
	SSLCiphers                  = "LIBPROCESS_SSL_CIPHERS"
	SSLECDHCurves               = "LIBPROCESS_SSL_ECDH_CURVES"
	SSLHostnameValidationScheme = "LIBPROCESS_SSL_HOSTNAME_VALIDATION_SCHEME"
	SSLEnableSSLv3              = "LIBPROCESS_SSL_ENABLE_SSL_V3"
	SSLEnableTLSv1_0            = "LIBPROCESS_SSL_ENABLE_TLS_V1_0"
	SSLEnableTLSv1_1            = "LIBPROCESS_SSL_ENABLE_TLS_V1_1"
	SSLEnableTLSv1_2            = "LIBPROCESS_SSL_ENABLE_TLS_V1_2"
	SSLEnableTLSv1_3            = "LIBPROCESS_SSL_ENABLE_TLS_V1_3"
)

// LibprocessDefaultCiphers is libprocess's default LIBPROCESS_SSL_CIPHERS (openssl.cpp:168-176):
// RSA key exchange and (EC-less) DHE with RSA or DSS authentication only. No suite in it can use
// an ECDSA certificate, so a P-256 PKI shares no cipher with it over TLS 1.2; libprocess also sets
// no DH parameters, so of these only AES128-SHA and AES256-SHA (RSA key exchange) can be
// negotiated with OpenSSL 3, and only with an RSA certificate.
const LibprocessDefaultCiphers = "AES128-SHA:AES256-SHA:RC4-SHA:DHE-RSA-AES128-SHA:DHE-DSS-AES128-SHA:" +
	"DHE-RSA-AES256-SHA:DHE-DSS-AES256-SHA"

// Hostname validation schemes.
const (
	SchemeLegacy  = "legacy"
	SchemeOpenSSL = "openssl"
)

// LibprocessVars are every LIBPROCESS_SSL_* variable libprocess reads at ClusterdRef: the
// flags declared in openssl::Flags::Flags(). (openssl.hpp's comment list omits
// HOSTNAME_VALIDATION_SCHEME and calls VERIFICATION_DEPTH "VERIFY_DEPTH"; the declarations win.)
var LibprocessVars = []LibprocessVar{
	{SSLEnabled, LibprocessBool, "false", true, "",
		"turns TLS on: every socket is TLS, outgoing and incoming", Clusterd(libprocessSSLCpp, 101)},
	{SSLSupportDowngrade, LibprocessBool, "false", true, "",
		"lets an accepting socket fall back to plain TCP when the peer does not start TLS", Clusterd(libprocessSSLCpp, 106)},
	{SSLCertFile, LibprocessPath, "", false, "",
		"this process's certificate (chain), presented as server and as client; required when enabled", Clusterd(libprocessSSLCpp, 113)},
	{SSLKeyFile, LibprocessPath, "", false, "",
		"the private key of CERT_FILE, unencrypted PEM; required when enabled", Clusterd(libprocessSSLCpp, 117)},
	{SSLVerifyCert, LibprocessBool, "false", true, SSLVerifyServerCert,
		"deprecated alias: true turns VERIFY_SERVER_CERT on", Clusterd(libprocessSSLCpp, 126)},
	{SSLVerifyServerCert, LibprocessBool, "false", true, "",
		"in client mode, require and verify the server's certificate (chain and hostname scheme)", Clusterd(libprocessSSLCpp, 131)},
	{SSLRequireCert, LibprocessBool, "false", true, SSLRequireClientCert,
		"deprecated alias: true turns REQUIRE_CLIENT_CERT on", Clusterd(libprocessSSLCpp, 137)},
	{SSLRequireClientCert, LibprocessBool, "false", true, "",
		"in server mode, require and verify a client certificate; implies VERIFY_SERVER_CERT", Clusterd(libprocessSSLCpp, 142)},
	{SSLVerifyIPAdd, LibprocessBool, "false", true, "",
		"let verification match the peer's IP against iPAddress subjectAltNames", Clusterd(libprocessSSLCpp, 148)},
	{SSLVerificationDepth, LibprocessUint, "4", true, "",
		"maximum certificate chain depth (SSL_CTX_set_verify_depth)", Clusterd(libprocessSSLCpp, 154)},
	{SSLCADir, LibprocessPath, "", false, "",
		"CA directory (hashed names) for verification", Clusterd(libprocessSSLCpp, 160)},
	{SSLCAFile, LibprocessPath, "", false, "",
		"CA file for verification; with neither CA_FILE nor CA_DIR OpenSSL's default paths are used", Clusterd(libprocessSSLCpp, 164)},
	{SSLCiphers, LibprocessCipherList, LibprocessDefaultCiphers, true, "",
		"OpenSSL cipher list for TLS 1.2 and older (SSL_CTX_set_cipher_list)", Clusterd(libprocessSSLCpp, 168)},
	{SSLECDHCurves, LibprocessCurveList, "auto", true, "",
		"ECDHE groups; auto lets OpenSSL choose", Clusterd(libprocessSSLCpp, 178)},
	{SSLHostnameValidationScheme, LibprocessScheme, SchemeLegacy, true, "",
		"how a verified certificate is matched to the peer: legacy or openssl", Clusterd(libprocessSSLCpp, 188)},
	{SSLEnableSSLv3, LibprocessBool, "false", true, "", "allow SSLv3", Clusterd(libprocessSSLCpp, 204)},
	{SSLEnableTLSv1_0, LibprocessBool, "false", true, "", "allow TLS 1.0", Clusterd(libprocessSSLCpp, 209)},
	{SSLEnableTLSv1_1, LibprocessBool, "false", true, "", "allow TLS 1.1", Clusterd(libprocessSSLCpp, 214)},
	{SSLEnableTLSv1_2, LibprocessBool, "true", true, "", "allow TLS 1.2", Clusterd(libprocessSSLCpp, 219)},
	{SSLEnableTLSv1_3, LibprocessBool, "false", true, "", "allow TLS 1.3", Clusterd(libprocessSSLCpp, 224)},
}

// LibprocessVarByName finds a variable by its exact name.
func LibprocessVarByName(name string) (LibprocessVar, bool) {
	for _, v := range LibprocessVars {
		if v.Name == name {
			return v, true
		}
	}
	return LibprocessVar{}, false
}

// LibprocessMisnamed are names the Mesos 1.11 documentation (or openssl.hpp) gives that
// libprocess does not declare; libprocess ignores them silently. Value: the real name.
var LibprocessMisnamed = map[string]Fact{
	"LIBPROCESS_SSL_VERIFY_DEPTH": {SSLVerificationDepth + ": docs/ssl.md and openssl.hpp say LIBPROCESS_SSL_VERIFY_DEPTH, the flag is verification_depth",
		Mesos(mesosSSLDoc, 150)},
	"LIBPROCESS_SSL_ECDH_CURVE": {SSLECDHCurves + ": docs/ssl.md says LIBPROCESS_SSL_ECDH_CURVE, the flag is ecdh_curves",
		Mesos(mesosSSLDoc, 179)},
	"LIBPROCESS_SSL_ENABLE_DOWNGRADE": {SSLSupportDowngrade + ": docs/ssl.md's warnings say LIBPROCESS_SSL_ENABLE_DOWNGRADE, the flag is support_downgrade",
		Mesos(mesosSSLDoc, 57)},
}

// Facts about how libprocess reads the variables.
var (
	LibprocessReadsLegacyPrefix = Fact{"libprocess loads SSL_* as well as LIBPROCESS_SSL_* variables; " +
		"when both name a flag the LIBPROCESS_SSL_ value wins (a mismatch is only logged)", Clusterd(libprocessSSLCpp, 457)}
	LibprocessBadValueExits = Fact{"a LIBPROCESS_SSL_* value that does not parse makes the process exit at start " +
		"(\"Failed to load flags from environment variables\")", Clusterd(libprocessSSLCpp, 471)}
	LibprocessUnknownIgnored = Fact{"environment variables with the prefix whose rest is not a declared flag are " +
		"ignored silently (only known flags are extracted)", Clusterd(stoutFlags, 531)}
	LibprocessNameLowercased = Fact{"the part after the prefix is lower-cased before lookup, so LIBPROCESS_SSL_enabled " +
		"also sets enabled", Clusterd(stoutFlags, 529)}
	LibprocessBoolValues    = Fact{"a bool flag accepts exactly true, 1, false or 0", Clusterd(stoutParse, 57)}
	LibprocessEmptyBoolTrue = Fact{"an empty value of a bool flag means true", Clusterd(stoutFlags, 785)}
	LibprocessAliasesTurnOn = Fact{"VERIFY_CERT=true sets verify_server_cert and REQUIRE_CERT=true sets " +
		"require_client_cert (each with a deprecation warning); the aliases cannot turn them off", Clusterd(libprocessSSLCpp, 559)}
	LibprocessNeedsKeyAndCert = Fact{"with TLS enabled, a missing KEY_FILE or CERT_FILE makes the process exit " +
		"(\"SSL requires key!\" / \"SSL requires certificate!\")", Clusterd(libprocessSSLCpp, 582)}
	LibprocessRequireImpliesVerify = Fact{"REQUIRE_CLIENT_CERT=true turns VERIFY_SERVER_CERT on", Clusterd(libprocessSSLCpp, 627)}
	LibprocessSchemeChecked        = Fact{"a HOSTNAME_VALIDATION_SCHEME other than legacy or openssl (case-sensitive) " +
		"makes the process exit", Clusterd(libprocessSSLCpp, 650)}
	LibprocessCALoadedOnlyWhenVerifying = Fact{"CA_FILE/CA_DIR are loaded only when verify_server_cert is on; " +
		"with neither set OpenSSL's default verify paths are used", Clusterd(libprocessSSLCpp, 668)}
	LibprocessKeyChecked = Fact{"the certificate chain and key are loaded and checked against each other at start; " +
		"a failure exits", Clusterd(libprocessSSLCpp, 731)}
	LibprocessCipherListTLS12 = Fact{"CIPHERS goes to SSL_CTX_set_cipher_list, the only cipher call in libprocess " +
		"(no SSL_CTX_set_ciphersuites): it governs TLS 1.2 and older, TLS 1.3 would use OpenSSL's default suites; " +
		"a list OpenSSL rejects exits", Clusterd(libprocessSSLCpp, 759)}
	LibprocessProtocolOptions = Fact{"every protocol is first cleared, then SSLv2 is always off and each " +
		"ENABLE_* switch that is false adds SSL_OP_NO_<protocol>; the server's cipher order is preferred", Clusterd(libprocessSSLCpp, 766)}
	LibprocessECDHAuto = Fact{"ECDH_CURVES=auto leaves the curve choice to OpenSSL (SSL_CTX_set_ecdh_auto); " +
		"otherwise the list goes to SSL_CTX_set1_curves_list and a rejected list exits", Clusterd(libprocessSSLCpp, 391)}
	LibprocessNoSNI = Fact{"libprocess never sets SNI (no SSL_set_tlsext_host_name anywhere): the client hello carries no server name; the connect " +
		"address is recorded as peer_ip for verification", Clusterd(libprocessSocket, 375)}
	LibprocessTLS13Unsupported = Fact{"TLS 1.3 is documented as not supported yet (MESOS-9730): do not enable it",
		Mesos(mesosSSLDoc, 175)}
	LibprocessRecommended = Fact{"recommended: ENABLED=true, VERIFY_SERVER_CERT=true, " +
		"HOSTNAME_VALIDATION_SCHEME=openssl, no downgrade", Mesos(mesosSSLDoc, 73)}
	LibprocessVerifyNeedsNoDowngrade = Fact{"certificate verification only means something without downgrade " +
		"(a peer can bypass it by not speaking TLS); libprocess logs a warning", Clusterd(libprocessSSLCpp, 573)}
)

// Verification: what is compared, per mode and scheme (openssl::verify and configure_socket).
var (
	VerifyClientOnlyWhenVerifyServerCert = Fact{"in client mode nothing is verified unless verify_server_cert; " +
		"in server mode nothing unless require_client_cert", Clusterd(libprocessSSLCpp, 843)}
	VerifyClientSetsVerifyPeer = Fact{"client mode with verify_server_cert: SSL_VERIFY_PEER, the server's chain " +
		"must verify against the CA", Clusterd(libprocessSSLCpp, 1042)}
	VerifyServerRequestsCert = Fact{"server mode with require_client_cert: SSL_VERIFY_PEER|FAIL_IF_NO_PEER_CERT; " +
		"without it the server requests no client certificate at all (SSL_CTX_set_verify NONE)", Clusterd(libprocessSSLCpp, 1049)}
	VerifyChainFirst           = Fact{"a peer without a certificate, or whose chain did not verify, is refused", Clusterd(libprocessSSLCpp, 859)}
	VerifyUPIDHostOnlyForNames = Fact{"a UPID's host (the TLS servername) is set only when the pid names a host " +
		"that is not an IP literal; Mesos pids carry IPs, so message connections have no hostname", Clusterd("3rdparty/libprocess/src/pid.cpp", 126)}
	VerifyMessageConnectServername = Fact{"message connections pass the UPID's host as servername", Clusterd("3rdparty/libprocess/src/process.cpp", 1697)}
	VerifyURLWithIPNoHostname      = Fact{"http::connect(URL) passes url.domain as the hostname: none for a URL built from an IP",
		Clusterd("3rdparty/libprocess/src/http.cpp", 1590)}
	VerifySchedulerURLIsIP = Fact{"the v1 scheduler library (mesos-execute) reaches the master at https://<master ip>:<port> " +
		"when libprocess TLS is enabled", Clusterd("src/scheduler/scheduler.cpp", 513)}
	// openssl scheme.
	VerifyOpenSSLClientHost = Fact{"openssl scheme, client mode: with a hostname, OpenSSL checks it against the " +
		"certificate (X509_VERIFY_PARAM_set1_host: DNS subjectAltNames, else CN) during the handshake", Clusterd(libprocessSSLCpp, 1079)}
	VerifyOpenSSLClientIP = Fact{"openssl scheme, client mode, no hostname: VERIFY_IPADD=false fails every connection " +
		"(\"No DNS name given and IP address verification is disabled\"); with VERIFY_IPADD=true OpenSSL checks the " +
		"connected IP against the iPAddress subjectAltNames (X509_VERIFY_PARAM_set1_ip_asc)", Clusterd(libprocessSSLCpp, 1084)}
	VerifyOpenSSLServerNoHost = Fact{"openssl scheme, server mode: no hostname or IP check; a client certificate " +
		"(when required) only has to verify against the CA", Clusterd(libprocessSSLCpp, 1063)}
	VerifyOpenSSLSkipsPostCheck = Fact{"openssl scheme: after the chain check verify() returns, no reverse DNS", Clusterd(libprocessSSLCpp, 873)}
	// legacy scheme.
	VerifyLegacyReverseDNS = Fact{"legacy scheme, client and server mode: the passed hostname is ignored and the " +
		"peer IP is looked up by reverse DNS (blocking the event loop; slow lookups logged, MESOS-9339)", Clusterd(libprocessSSLCpp, 877)}
	VerifyLegacyNumericFallback = Fact{"the reverse lookup (getnameinfo without NI_NAMEREQD) returns the IP's text " +
		"when no name is found, so the legacy \"hostname\" is then \"192.168.50.11\"", Clusterd(stoutNet, 40)}
	VerifyLegacyNoNameNoIPAdd = Fact{"legacy: no hostname and VERIFY_IPADD=false: refused when require_client_cert, " +
		"otherwise accepted unchecked", Clusterd(libprocessSSLCpp, 906)}
	VerifyLegacyDNSName = Fact{"legacy: the reverse-DNS name is compared with every dNSName subjectAltName (exact, " +
		"no wildcards)", Clusterd(libprocessSSLCpp, 931)}
	VerifyLegacyIPOnlyWithIPAdd = Fact{"legacy: iPAddress subjectAltNames are compared with the peer IP only when " +
		"VERIFY_IPADD=true, and only IPv4 (4-byte) entries", Clusterd(libprocessSSLCpp, 959)}
	VerifyLegacyCNFallback = Fact{"legacy: without a SAN match the reverse-DNS name must equal the subject CN, else " +
		"\"Presented Certificate Name ... does not match peer hostname\"", Clusterd(libprocessSSLCpp, 989)}
	VerifyLegacyServerUsesLocalAddress = Fact{"server side (openssl socket), the IP passed to verify() is " +
		"network::address(), the accepted socket's own address (getsockname), not the client's: legacy client " +
		"certificate checks compare against the server's own IP", Clusterd(libprocessSocket, 774)}
	VerifyAddressIsGetsockname = Fact{"network::address() is getsockname, network::peer() getpeername", Clusterd(libprocessNetwork, 79)}
	VerifySchemesDoc           = Fact{"docs: openssl checks the hostname or (VERIFY_IPADD) IP in client mode and nothing in " +
		"server mode; legacy does a reverse DNS lookup in both modes", Mesos(mesosSSLDoc, 192)}
)

// LibprocessFacts are every libprocess TLS fact above, the variables' declarations included.
func LibprocessFacts() []Fact {
	out := []Fact{
		LibprocessReadsLegacyPrefix, LibprocessBadValueExits, LibprocessUnknownIgnored, LibprocessNameLowercased,
		LibprocessBoolValues, LibprocessEmptyBoolTrue, LibprocessAliasesTurnOn, LibprocessNeedsKeyAndCert,
		LibprocessRequireImpliesVerify, LibprocessSchemeChecked, LibprocessCALoadedOnlyWhenVerifying,
		LibprocessKeyChecked, LibprocessCipherListTLS12, LibprocessProtocolOptions, LibprocessECDHAuto,
		LibprocessNoSNI, LibprocessTLS13Unsupported, LibprocessRecommended, LibprocessVerifyNeedsNoDowngrade,
		VerifyClientOnlyWhenVerifyServerCert, VerifyClientSetsVerifyPeer, VerifyServerRequestsCert, VerifyChainFirst,
		VerifyUPIDHostOnlyForNames, VerifyMessageConnectServername, VerifyURLWithIPNoHostname, VerifySchedulerURLIsIP,
		VerifyOpenSSLClientHost, VerifyOpenSSLClientIP, VerifyOpenSSLServerNoHost, VerifyOpenSSLSkipsPostCheck,
		VerifyLegacyReverseDNS, VerifyLegacyNumericFallback, VerifyLegacyNoNameNoIPAdd, VerifyLegacyDNSName,
		VerifyLegacyIPOnlyWithIPAdd, VerifyLegacyCNFallback, VerifyLegacyServerUsesLocalAddress,
		VerifyAddressIsGetsockname, VerifySchemesDoc,
	}
	for _, v := range LibprocessVars {
		out = append(out, Fact{v.Name + " (" + v.Type.String() + "): " + v.Meaning, v.Source})
	}
	for _, name := range []string{"LIBPROCESS_SSL_ECDH_CURVE", "LIBPROCESS_SSL_ENABLE_DOWNGRADE", "LIBPROCESS_SSL_VERIFY_DEPTH"} {
		out = append(out, LibprocessMisnamed[name])
	}
	return append(out, ExecutorFacts()...)
}

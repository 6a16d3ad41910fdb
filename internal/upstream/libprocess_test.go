package upstream

import (
	"strings"
	"testing"
)

// libprocessNeedles: a word each citation's line (or the next two) must contain, so a citation that
// drifts off its line fails. Keyed by Source.String().
var libprocessNeedles = map[string]string{
	LibprocessReadsLegacyPrefix.Source.String():          `extract("SSL_")`,
	LibprocessBadValueExits.Source.String():              "ssl_flags->load",
	LibprocessUnknownIgnored.Source.String():             "known flag",
	LibprocessNameLowercased.Source.String():             "strings::lower",
	LibprocessBoolValues.Source.String():                 "Try<bool> parse",
	LibprocessEmptyBoolTrue.Source.String():              `value.get() == ""`,
	LibprocessAliasesTurnOn.Source.String():              "verify_cert",
	LibprocessNeedsKeyAndCert.Source.String():            "key_file.isNone",
	LibprocessRequireImpliesVerify.Source.String():       "require_client_cert && !ssl_flags->verify_server_cert",
	LibprocessSchemeChecked.Source.String():              `hostname_validation_scheme != "legacy"`,
	LibprocessCALoadedOnlyWhenVerifying.Source.String():  "if (ssl_flags->verify_server_cert)",
	LibprocessKeyChecked.Source.String():                 "SSL_CTX_use_certificate_chain_file",
	LibprocessCipherListTLS12.Source.String():            "SSL_CTX_set_cipher_list",
	LibprocessProtocolOptions.Source.String():            "ssl_options",
	LibprocessECDHAuto.Source.String():                   "SSL_CTX_set_ecdh_auto",
	LibprocessNoSNI.Source.String():                      "peer_ip",
	LibprocessTLS13Unsupported.Source.String():           "TLS V1.3 is not supported",
	LibprocessRecommended.Source.String():                "HOSTNAME_VALIDATION_SCHEME=openssl",
	LibprocessVerifyNeedsNoDowngrade.Source.String():     "support_downgrade",
	VerifyClientOnlyWhenVerifyServerCert.Source.String(): "Mode::CLIENT && !ssl_flags->verify_server_cert",
	VerifyClientSetsVerifyPeer.Source.String():           "Mode::CLIENT && ssl_flags->verify_server_cert",
	VerifyServerRequestsCert.Source.String():             "Mode::SERVER && ssl_flags->require_client_cert",
	VerifyChainFirst.Source.String():                     "cert == nullptr",
	VerifyUPIDHostOnlyForNames.Source.String():           "pid.host = host",
	VerifyMessageConnectServername.Source.String():       "to.host",
	VerifyURLWithIPNoHostname.Source.String():            "url.ip.isSome",
	VerifySchedulerURLIsIP.Source.String():               `scheme = "https"`,
	VerifyOpenSSLClientHost.Source.String():              "X509_VERIFY_PARAM_set1_host",
	VerifyOpenSSLClientIP.Source.String():                "verify_ipadd",
	VerifyOpenSSLServerNoHost.Source.String():            "Mode::SERVER",
	VerifyOpenSSLSkipsPostCheck.Source.String():          `hostname_validation_scheme == "openssl"`,
	VerifyLegacyReverseDNS.Source.String():               "reverse DNS lookup",
	VerifyLegacyNumericFallback.Source.String():          "hostname for the provided IP",
	VerifyLegacyNoNameNoIPAdd.Source.String():            "peer_hostname.isNone",
	VerifyLegacyDNSName.Source.String():                  "GEN_DNS",
	VerifyLegacyIPOnlyWithIPAdd.Source.String():          "GEN_IPADD",
	VerifyLegacyCNFallback.Source.String():               "peer_hostname.isSome",
	VerifyLegacyServerUsesLocalAddress.Source.String():   "network::address(",
	VerifyAddressIsGetsockname.Source.String():           "address(int_fd s)",
	VerifySchemesDoc.Source.String():                     "`openssl`",
	// Executors.
	ExecutorEnvBuilt.Source.String():               "executorEnvironment(",
	ExecutorEnvLibprocessIP.Source.String():        `getenv("LIBPROCESS_IP")`,
	ExecutorEnvFlag.Source.String():                "executor_environment_variables",
	ExecutorEnvFlagCopied.Source.String():          "executor_environment_variables.isSome",
	ExecutorAgentIPFromFlag.Source.String():        "LIBPROCESS_IP",
	ExecutorMesosContainerizerEnv.Source.String():  "environment passed from agent",
	ExecutorLaunchOnlyGivenEnv.Source.String():     "inherit the environment",
	ExecutorLaunchDefaultPath.Source.String():      "PATH",
	ExecutorHostDefaultPath.Source.String():        "host_default_path",
	ExecutorDockerContainerizerEnv.Source.String(): "container->environment",
	ExecutorDockerDefaultPath.Source.String():      "PATH",
	ExecutorTaskInheritsEnv.Source.String():        "os::environment()",
	ExecutorDefaultExecutorHTTPS.Source.String():   "SSL_ENABLED",
	ExecutorRunsAsTaskUser.Source.String():         "Change user",
	ExecutorUserGroups.Source.String():             "launchInfo.has_user",
	ExecutorSwitchUserDefault.Source.String():      "switch_user",
	ExecutorMesosExecuteUser.Source.String():       "os::user()",
	ExecutorMarathonUser.Source.String():           "mesosUser",
	ExecutorMarathonImageUser.Source.String():      "USER nobody",
	ExecutorDocsNeedEnvAndFiles.Source.String():    "Executors must be able to access",
	InitWrapperAllexport.Source.String():           "allexport",
}

func TestLibprocessFactsCited(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range LibprocessFacts() {
		if f.Claim == "" || !f.Source.Valid() {
			t.Errorf("fact without claim or citation: %+v", f)
		}
		switch f.Source.Repo + "@" + f.Source.Ref {
		case ClusterdRepo + "@" + ClusterdRef, MesosRepo + "@" + MesosRef, MarathonRepo + "@" + MarathonRef:
		default:
			t.Errorf("%q cites %s, not a pinned ref", f.Claim, f.Source)
		}
		seen[f.Claim] = true
	}
	if len(seen) != len(LibprocessFacts()) {
		t.Error("two facts make the same claim")
	}
}

func libprocessVarBySource(s Source) (LibprocessVar, bool) {
	for _, v := range LibprocessVars {
		if v.Source == s {
			return v, true
		}
	}
	return LibprocessVar{}, false
}

func TestCheckLibprocessEnvValid(t *testing.T) {
	good := map[string]string{
		SSLEnabled: "true", SSLSupportDowngrade: "false", SSLCertFile: "/etc/mesos/ssl/node.pem",
		SSLKeyFile: "/etc/mesos/ssl/node-key.pem", SSLCAFile: "/etc/mesos/ssl/ca.pem", SSLVerifyServerCert: "true",
		SSLHostnameValidationScheme: SchemeOpenSSL, SSLVerifyIPAdd: "1", SSLCiphers: "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256",
		SSLEnableTLSv1_2: "true", SSLEnableTLSv1_3: "false", SSLVerificationDepth: "4", SSLECDHCurves: "auto",
		"LIBPROCESS_IP": "10.0.0.1", "PATH": "/usr/bin", "MESOS_WORK_DIR": "/var/lib/mesos",
	}
	if errs := CheckLibprocessEnv(good); len(errs) != 0 {
		t.Errorf("a good environment was refused: %v", errs)
	}
	if errs := CheckLibprocessEnv(map[string]string{"LIBPROCESS_PORT": "5051"}); len(errs) != 0 {
		t.Errorf("TLS off: %v", errs)
	}
}

func TestCheckLibprocessEnvRefuses(t *testing.T) {
	base := func() map[string]string {
		return map[string]string{SSLEnabled: "true", SSLCertFile: "/c.pem", SSLKeyFile: "/k.pem"}
	}
	for _, tc := range []struct {
		name string
		set  map[string]string
		del  []string
		want string
	}{
		{"documented but undeclared name", map[string]string{"LIBPROCESS_SSL_VERIFY_DEPTH": "4"}, nil, "LIBPROCESS_SSL_VERIFY_DEPTH: not a libprocess variable, libprocess ignores it (m3scluster/clusterd@v1.11.0-0.7.1:3rdparty/stout/include/stout/flags/flags.hpp:531); the flag is LIBPROCESS_SSL_VERIFICATION_DEPTH"},
		{"documented downgrade name", map[string]string{"LIBPROCESS_SSL_ENABLE_DOWNGRADE": "false"}, nil, "the flag is LIBPROCESS_SSL_SUPPORT_DOWNGRADE"},
		{"documented curve name", map[string]string{"LIBPROCESS_SSL_ECDH_CURVE": "auto"}, nil, "the flag is LIBPROCESS_SSL_ECDH_CURVES"},
		{"unknown", map[string]string{"LIBPROCESS_SSL_VERIFY_HOST": "true"}, nil, "LIBPROCESS_SSL_VERIFY_HOST: not a libprocess variable"},
		{"lower case", map[string]string{"LIBPROCESS_SSL_enabled": "true"}, nil, "LIBPROCESS_SSL_enabled: write LIBPROCESS_SSL_ENABLED"},
		{"deprecated alias", map[string]string{SSLVerifyCert: "true"}, nil, "LIBPROCESS_SSL_VERIFY_CERT: deprecated alias of LIBPROCESS_SSL_VERIFY_SERVER_CERT"},
		{"legacy prefix", map[string]string{"SSL_CA_FILE": "/ca.pem"}, nil, "SSL_CA_FILE: libprocess also reads the pre-1.0 SSL_ prefix"},
		{"bool", map[string]string{SSLVerifyIPAdd: "yes"}, nil, `LIBPROCESS_SSL_VERIFY_IPADD: "yes" is not a libprocess bool`},
		{"capital bool", map[string]string{SSLVerifyIPAdd: "True"}, nil, `"True" is not a libprocess bool`},
		{"empty bool", map[string]string{SSLSupportDowngrade: ""}, nil, "empty, which libprocess reads as true"},
		{"depth", map[string]string{SSLVerificationDepth: "-1"}, nil, `"-1" is not an unsigned integer`},
		{"scheme", map[string]string{SSLHostnameValidationScheme: "OpenSSL"}, nil, `"OpenSSL" is neither legacy nor openssl`},
		{"relative path", map[string]string{SSLCAFile: "ca.pem"}, nil, `"ca.pem" is not an absolute path`},
		{"ciphers", map[string]string{SSLCiphers: "ECDHE RSA"}, nil, "is not an OpenSSL cipher list"},
		{"curves", map[string]string{SSLECDHCurves: "P-256,P-384"}, nil, "neither auto nor a list of curve names"},
		{"no key", nil, []string{SSLKeyFile}, "LIBPROCESS_SSL_KEY_FILE: missing"},
		{"no cert", nil, []string{SSLCertFile}, "LIBPROCESS_SSL_CERT_FILE: missing"},
		{"openssl scheme without ipadd", map[string]string{SSLVerifyServerCert: "true", SSLHostnameValidationScheme: SchemeOpenSSL}, nil, "LIBPROCESS_SSL_VERIFY_IPADD: false under the openssl scheme"},
		{"require implies verify", map[string]string{SSLRequireClientCert: "1", SSLHostnameValidationScheme: SchemeOpenSSL, SSLVerifyIPAdd: "false"}, nil, "every connection to an IP"},
		{"verify with downgrade", map[string]string{SSLVerifyServerCert: "true", SSLSupportDowngrade: "true"}, nil, "a peer bypasses verification"},
		{"no protocol", map[string]string{SSLEnableTLSv1_2: "false"}, nil, "every protocol is disabled"},
	} {
		env := base()
		for k, v := range tc.set {
			env[k] = v
		}
		for _, k := range tc.del {
			delete(env, k)
		}
		var got []string
		for _, e := range CheckLibprocessEnv(env) {
			got = append(got, e.Error())
		}
		if !strings.Contains(strings.Join(got, "\n"), tc.want) {
			t.Errorf("%s: errors lack %q:\n%s", tc.name, tc.want, strings.Join(got, "\n"))
		}
	}
	// The openssl scheme with VERIFY_IPADD, or the legacy scheme, is fine.
	env := base()
	env[SSLVerifyServerCert], env[SSLHostnameValidationScheme], env[SSLVerifyIPAdd] = "true", SchemeOpenSSL, "true"
	if errs := CheckLibprocessEnv(env); len(errs) != 0 {
		t.Errorf("%v", errs)
	}
}

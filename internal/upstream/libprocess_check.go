package upstream

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

var (
	reCipherList = regexp.MustCompile(`^[A-Za-z0-9!+@=._-]+(:[A-Za-z0-9!+@=._-]+)*$`)
	reCurveList  = regexp.MustCompile(`^[A-Za-z0-9_-]+(:[A-Za-z0-9_-]+)*$`)
)

// CheckLibprocessEnv checks the libprocess TLS variables of one process's environment (other
// variables are ignored): every LIBPROCESS_SSL_* name must be one libprocess declares, in its
// 1.11 spelling, with a value libprocess parses; and the set must be one libprocess starts
// with and can connect with (key and certificate when enabled, VERIFY_IPADD under the openssl
// scheme when verifying, no downgrade when verifying, at least one protocol). Errors are sorted
// by variable name.
func CheckLibprocessEnv(env map[string]string) []error {
	var errs []error
	bad := func(name, format string, a ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", name, fmt.Sprintf(format, a...)))
	}
	names := make([]string, 0, len(env))
	for k := range env {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, name := range names {
		value := env[name]
		if !strings.HasPrefix(name, LibprocessSSLPrefix) {
			if rest, ok := strings.CutPrefix(name, LibprocessLegacyPrefix); ok {
				if _, known := LibprocessVarByName(LibprocessSSLPrefix + strings.ToUpper(rest)); known {
					bad(name, "libprocess also reads the pre-1.0 SSL_ prefix (%s); set %s%s instead", LibprocessReadsLegacyPrefix.Source, LibprocessSSLPrefix, strings.ToUpper(rest))
				}
			}
			continue
		}
		upper := LibprocessSSLPrefix + strings.ToUpper(strings.TrimPrefix(name, LibprocessSSLPrefix))
		v, known := LibprocessVarByName(upper)
		switch {
		case !known:
			if f, ok := LibprocessMisnamed[upper]; ok {
				bad(name, "not a libprocess variable, libprocess ignores it (%s); the flag is %s (%s)", LibprocessUnknownIgnored.Source, strings.SplitN(f.Claim, ":", 2)[0], f.Source)
			} else {
				bad(name, "not a libprocess variable, libprocess ignores it (%s)", LibprocessUnknownIgnored.Source)
			}
			continue
		case upper != name:
			bad(name, "write %s (libprocess lower-cases the name, %s, but two spellings of one flag conflict)", upper, LibprocessNameLowercased.Source)
			continue
		case v.AliasOf != "":
			bad(name, "deprecated alias of %s (%s)", v.AliasOf, LibprocessAliasesTurnOn.Source)
			continue
		}
		if msg := checkLibprocessValue(v, value); msg != "" {
			bad(name, "%s", msg)
		}
	}
	if boolOf(env, SSLEnabled) {
		errs = append(errs, checkLibprocessSet(env)...)
	}
	return errs
}

// checkLibprocessValue says what is wrong with value for v, or "".
func checkLibprocessValue(v LibprocessVar, value string) string {
	switch v.Type {
	case LibprocessBool:
		switch value {
		case "true", "false", "1", "0":
			return ""
		case "":
			return fmt.Sprintf("empty, which libprocess reads as true (%s): write true", LibprocessEmptyBoolTrue.Source)
		}
		return fmt.Sprintf("%q is not a libprocess bool (true, false, 1 or 0, %s); the process would exit (%s)", value, LibprocessBoolValues.Source, LibprocessBadValueExits.Source)
	case LibprocessPath:
		if !strings.HasPrefix(value, "/") || strings.ContainsAny(value, "\n\x00") {
			return fmt.Sprintf("%q is not an absolute path", value)
		}
	case LibprocessUint:
		if n, err := strconv.ParseUint(value, 10, 32); err != nil || strconv.FormatUint(n, 10) != value {
			return fmt.Sprintf("%q is not an unsigned integer; the process would exit (%s)", value, LibprocessBadValueExits.Source)
		}
	case LibprocessCipherList:
		if !reCipherList.MatchString(value) {
			return fmt.Sprintf("%q is not an OpenSSL cipher list (names separated by ':')", value)
		}
	case LibprocessCurveList:
		if value != "auto" && !reCurveList.MatchString(value) {
			return fmt.Sprintf("%q is neither auto nor a list of curve names separated by ':'", value)
		}
	case LibprocessScheme:
		if value != SchemeLegacy && value != SchemeOpenSSL {
			return fmt.Sprintf("%q is neither %s nor %s; the process would exit (%s)", value, SchemeLegacy, SchemeOpenSSL, LibprocessSchemeChecked.Source)
		}
	}
	return ""
}

// boolOf is the value libprocess reads for a bool variable: its default when unset (or
// unparsable, which is reported on its own), true for "" (LibprocessEmptyBoolTrue).
func boolOf(env map[string]string, name string) bool {
	v, _ := LibprocessVarByName(name)
	switch val, set := env[name]; {
	case !set:
	case val == "true" || val == "1" || val == "":
		return true
	case val == "false" || val == "0":
		return false
	}
	return v.Default == "true"
}

// effective is the value libprocess ends up with for a bool variable, aliases and
// implications applied (LibprocessAliasesTurnOn, LibprocessRequireImpliesVerify).
func effective(env map[string]string, name string) bool {
	switch name {
	case SSLVerifyServerCert:
		return boolOf(env, name) || boolOf(env, SSLVerifyCert) || effective(env, SSLRequireClientCert)
	case SSLRequireClientCert:
		return boolOf(env, name) || boolOf(env, SSLRequireCert)
	}
	return boolOf(env, name)
}

// checkLibprocessSet checks an enabled environment as a whole.
func checkLibprocessSet(env map[string]string) []error {
	var errs []error
	for _, n := range []string{SSLKeyFile, SSLCertFile} {
		if env[n] == "" {
			errs = append(errs, fmt.Errorf("%s: missing: with %s=true the process exits without it (%s)", n, SSLEnabled, LibprocessNeedsKeyAndCert.Source))
		}
	}
	verifying := effective(env, SSLVerifyServerCert) || effective(env, SSLRequireClientCert)
	scheme := env[SSLHostnameValidationScheme]
	if scheme == "" {
		scheme = SchemeLegacy
	}
	if verifying && scheme == SchemeOpenSSL && !effective(env, SSLVerifyIPAdd) {
		errs = append(errs, fmt.Errorf("%s: false under the openssl scheme with verification on: every connection to an IP (every Mesos pid) fails (%s)", SSLVerifyIPAdd, VerifyOpenSSLClientIP.Source))
	}
	if verifying && effective(env, SSLSupportDowngrade) {
		errs = append(errs, fmt.Errorf("%s: true with certificate verification on: a peer bypasses verification by not speaking TLS (%s)", SSLSupportDowngrade, LibprocessVerifyNeedsNoDowngrade.Source))
	}
	any := false
	for _, n := range []string{SSLEnableSSLv3, SSLEnableTLSv1_0, SSLEnableTLSv1_1, SSLEnableTLSv1_2, SSLEnableTLSv1_3} {
		any = any || effective(env, n)
	}
	if !any {
		errs = append(errs, fmt.Errorf("%s: every protocol is disabled, no handshake can succeed (%s)", SSLEnableTLSv1_2, LibprocessProtocolOptions.Source))
	}
	return errs
}

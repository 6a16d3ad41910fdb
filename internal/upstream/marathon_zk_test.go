package upstream

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"math/rand"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// marathonZKCases are zk URLs and whether Marathon 1.11 accepts them, with why.
var marathonZKCases = []struct {
	url, why string
	ok       bool
}{
	{"zk://10.0.0.1:2181/marathon", "single host", true},
	{"zk://10.0.0.1:2181,10.0.0.2:2181,10.0.0.3:2181/marathon", "several hosts", true},
	{"zk://zk1/marathon", "port is optional", true},
	{"zk://marathon:s3cret@10.0.0.1:2181,10.0.0.2:2181/marathon", "one credential before the host list", true},
	{"zk://mesos:test-secret-4-not-for-production@10.20.0.11:2181,10.20.0.12:2181,10.20.0.13:2181/mesos", "mesosimg's --master form", true},
	{"zk://u:p@h1:2181,u:p@h2:2181/marathon", "a credential before every host", false},
	{"zk://marathon:test-secret-5@10.20.0.11:2181,marathon:test-secret-5@10.20.0.12:2181/marathon", "today's golden MARATHON_ZK", false},
	{"zk://u:p@ss@h/marathon", "password with '@'", false},
	{"zk://u:p:ss@h/marathon", "password with ':' (the user ends at the first ':')", true},
	{"zk://u:p/ss@h/marathon", "password with '/'", true},
	{"zk://u@x:p@h/marathon", "user with '@' ([^/:]+ allows it)", true},
	{"zk://u/x:p@h/marathon", "user with '/': accepted, but read as host u and path /x:p@h/marathon", true},
	{"zk://u@h/marathon", "user without password", false},
	{"zk://:p@h/marathon", "empty user", false},
	{"zk://u:@h/marathon", "empty password", false},
	{"zk://ü:pä@h/marathon", "non-ASCII credential", true},
	{"zk://h1:2181", "missing path", false},
	{"zk://h1:2181/", "root path", false},
	{"zk://h1:2181/marathon/", "trailing slash", false},
	{"zk://h1:2181//marathon", "empty node", false},
	{"zk://h1:2181/a/b/c", "nested path", true},
	{"zk://h/m?x=1 y", "a node is anything but '/'", true},
	{"zk://h/marathon\n", "a trailing newline is part of the node (Java's $ and matches())", true},
	{"zk://h/marathon\r\n", "CR LF is part of the node", true},
	{"zk://[::1]:2181/marathon", "IPv6 in brackets", false},
	{"zk://fe80::1/marathon", "bare IPv6", false},
	{"zk://h_1:2181/marathon", "'_' lies in A-z", true},
	{"zk://h[1]^`\\:2181/marathon", "A-z also spans [ \\ ] ^ _ `", true},
	{"zk://héllo:2181/marathon", "non-ASCII host", false},
	{"zk://h:port/marathon", "non-numeric port", false},
	{"zk://h:/marathon", "empty port", false},
	{"zk://h:2181:2182/marathon", "two ports", false},
	{"zk://h:99999999/marathon", "the port is digits of any length", true},
	{"zk://h1,/marathon", "empty host", false},
	{"zk://,h1/marathon", "leading comma", false},
	{"zk://h1, h2/marathon", "space in the host list", false},
	{"ZK://h1/marathon", "the scheme is lower case", false},
	{" zk://h1/marathon", "leading space", false},
	{"zk://h1/marathon ", "trailing space ends up in the node", true},
	{"http://h1:5050/marathon", "not zk", false},
	{"", "empty", false},
}

func TestMatchMarathonZK(t *testing.T) {
	for _, c := range marathonZKCases {
		err := MatchMarathonZK(c.url)
		if (err == nil) != c.ok {
			t.Errorf("%q (%s): err = %v, want ok=%v", c.url, c.why, err, c.ok)
		}
		if err != nil && strings.Contains(c.url, "@") && strings.Contains(err.Error(), ":p@") {
			t.Errorf("%q: error leaks the credential: %v", c.url, err)
		}
	}
}

func TestParseMarathonZK(t *testing.T) {
	u, err := ParseMarathonZK("zk://marathon:p:w/x@10.0.0.1:2181,zk2/marathon/state")
	if err != nil {
		t.Fatal(err)
	}
	want := MarathonZK{User: "marathon", Password: "p:w/x", Hosts: []string{"10.0.0.1:2181", "zk2"}, Path: "/marathon/state"}
	if fmt.Sprint(u) != fmt.Sprint(want) {
		t.Errorf("got %+v, want %+v", u, want)
	}
	if got := u.String(); got != "zk://marathon:p:w/x@10.0.0.1:2181,zk2/marathon/state" {
		t.Errorf("String() = %q", got)
	}
	// A '/' in the user name is no error: the URL is read without a credential.
	u, err = ParseMarathonZK("zk://u/x:p@h/marathon")
	if err != nil || u.User != "" || u.Hosts[0] != "u" || u.Path != "/x:p@h/marathon" {
		t.Errorf("zk://u/x:p@h/marathon = %+v, %v", u, err)
	}
}

// TestMarathonZKAgreesWithJava runs MarathonZkURLPattern in a real JVM (java.util.regex,
// Matcher.matches as Scala's Regex extractor does) over the corpus and random strings, and
// requires the same verdict and the same groups as Go's RE2.
func TestMarathonZKAgreesWithJava(t *testing.T) {
	java, err := exec.LookPath("java")
	if err != nil {
		t.Fatal("java not found: install the Debian package openjdk-17-jdk-headless (a JDK 11+ runs Check.java as a single-file program)")
	}
	inputs := []string{}
	for _, c := range marathonZKCases {
		inputs = append(inputs, c.url)
	}
	inputs = append(inputs, marathonZKRandom(3000)...)

	var stdin bytes.Buffer
	enc := base64.StdEncoding
	stdin.WriteString(enc.EncodeToString([]byte(MarathonZkURLPattern)) + "\n")
	for _, s := range inputs {
		stdin.WriteString(enc.EncodeToString([]byte(s)) + "\n")
	}
	cmd := exec.Command(java, filepath.Join("testdata", "marathon_zk", "Check.java"))
	cmd.Stdin = &stdin
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("java Check.java: %v\n%s", err, stderr.String())
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(lines) != len(inputs) {
		t.Fatalf("java answered %d lines for %d inputs", len(lines), len(inputs))
	}
	matched := 0
	for i, s := range inputs {
		if lines[i] != "0" {
			matched++
		}
		if want := marathonZKGoVerdict(s); lines[i] != want {
			t.Errorf("%q: java %q, go %q", s, lines[i], want)
		}
	}
	if matched < 50 {
		t.Errorf("only %d of %d inputs match: the corpus does not exercise the groups", matched, len(inputs))
	}
}

// marathonZKGoVerdict is Check.java's answer computed with Go's regexp.
func marathonZKGoVerdict(s string) string {
	m := marathonZkURL.FindStringSubmatchIndex(s)
	if m == nil {
		return "0"
	}
	var b strings.Builder
	b.WriteString("1")
	for g := 1; g < len(m)/2; g++ {
		if m[2*g] < 0 {
			b.WriteString(" -")
		} else {
			b.WriteString(" +" + base64.StdEncoding.EncodeToString([]byte(s[m[2*g]:m[2*g+1]])))
		}
	}
	return b.String()
}

// marathonZKRandom makes n zk-like strings from the characters that matter to the grammar.
func marathonZKRandom(n int) []string {
	r := rand.New(rand.NewSource(1))
	parts := []string{"u", "p", ":", "@", ",", "/", "h", "10.0.0.1", "2181", "_", "-", ".", "[", "]", "é", " ", "\n", "m", "marathon", "Z"}
	out := make([]string, n)
	for i := range out {
		var b strings.Builder
		b.WriteString("zk://")
		for k := r.Intn(12); k >= 0; k-- {
			b.WriteString(parts[r.Intn(len(parts))])
		}
		if r.Intn(2) == 0 {
			b.WriteString("/marathon")
		}
		out[i] = b.String()
	}
	return out
}

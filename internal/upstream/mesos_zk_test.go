package upstream

import "testing"

// TestParseMesosZKUpstreamCases carries ZooKeeperURLTest.URL (src/tests/zookeeper_url_tests.cpp).
func TestParseMesosZKUpstreamCases(t *testing.T) {
	const file = "src/tests/zookeeper_url_tests.cpp"
	for _, c := range []struct {
		in                   string
		auth                 bool
		creds, servers, path string
		src                  Source
	}{
		{"zk://host1:port1", false, "", "host1:port1", "/", Clusterd(file, 26)},
		{"zk://jake:1@host1:port1", true, "jake:1", "host1:port1", "/", Clusterd(file, 33)},
		{"zk://jake:1@host1:port1/", true, "jake:1", "host1:port1", "/", Clusterd(file, 41)},
		{"zk://jake:1@host1:port1,host2:port2", true, "jake:1", "host1:port1,host2:port2", "/", Clusterd(file, 49)},
		{"zk://jake:1@host1:port1,host2:port2/", true, "jake:1", "host1:port1,host2:port2", "/", Clusterd(file, 57)},
		{"zk://jake:1@host1:port1,host2:port2/path/to/znode", true, "jake:1", "host1:port1,host2:port2", "/path/to/znode", Clusterd(file, 65)},
	} {
		if !c.src.Valid() {
			t.Fatalf("%q: invalid source", c.in)
		}
		u, err := ParseMesosZK(c.in)
		if err != nil {
			t.Errorf("%s: %q: %v", c.src, c.in, err)
			continue
		}
		if u.HasAuth != c.auth || u.Credentials != c.creds || u.Servers != c.servers || u.Path != c.path {
			t.Errorf("%s: %q = %+v", c.src, c.in, u)
		}
	}
}

func TestParseMesosZK(t *testing.T) {
	for _, c := range []struct {
		in                            string
		ok                            bool
		user, password, servers, path string
		checkOK                       bool // CheckMesosZK
	}{
		{"zk://10.0.0.1:2181,10.0.0.2:2181/mesos", true, "", "", "10.0.0.1:2181,10.0.0.2:2181", "/mesos", true},
		{"  zk://h:2181/mesos\n", true, "", "", "h:2181", "/mesos", true}, // trimmed (url.hpp:77)
		{"zk://u:p@h1:2181,h2:2181/mesos", true, "u", "p", "h1:2181,h2:2181", "/mesos", true},
		{"zk://u:p:q@h:2181/mesos", true, "u", "p:q", "h:2181", "/mesos", true},       // first ':' splits
		{"zk://u:p@x@h:2181/mesos", true, "u", "p@x", "h:2181", "/mesos", true},       // last '@' ends credentials
		{"zk://u:pa/ss@h:2181/mesos", true, "", "", "u:pa", "/ss@h:2181/mesos", true}, // '/' in a password starts the path
		{"zk://h:2181", true, "", "", "h:2181", "/", false},                           // no chroot: detector refuses
		{"zk://h:2181/", true, "", "", "h:2181", "/", false},
		{"zk:///mesos", true, "", "", "", "/mesos", false}, // Mesos parses empty servers; mesosimg refuses
		{"zk://nocolon@h:2181/mesos", true, "nocolon", "", "h:2181", "/mesos", false},
		{"ZK://h:2181/mesos", false, "", "", "", "", false},
		{"h:2181/mesos", false, "", "", "", "", false},
		{"file:///etc/mesos/zk", false, "", "", "", "", false},
		{"", false, "", "", "", "", false},
	} {
		u, err := ParseMesosZK(c.in)
		if (err == nil) != c.ok {
			t.Errorf("ParseMesosZK(%q) error = %v, want ok %v", c.in, err, c.ok)
			continue
		}
		if c.ok && (u.User != c.user || u.Password != c.password || u.Servers != c.servers || u.Path != c.path) {
			t.Errorf("ParseMesosZK(%q) = %+v", c.in, u)
		}
		if err := CheckMesosZK(c.in); (err == nil) != c.checkOK {
			t.Errorf("CheckMesosZK(%q) = %v, want ok %v", c.in, err, c.checkOK)
		}
	}
	u, _ := ParseMesosZK("zk://a:1,b:2,c:3/mesos")
	if l := u.ServerList(); len(l) != 3 || l[2] != "c:3" {
		t.Errorf("ServerList = %v", l)
	}
}

package upstream

import (
	"fmt"
	"strings"
)

// MesosZKURL is a ZooKeeper URL as Mesos reads it: zk://[credentials@]servers[/path]
// (include/mesos/zookeeper/url.hpp:31-45, parsed at 75-109).
type MesosZKURL struct {
	// HasAuth says credentials were given (everything before the last '@').
	HasAuth bool
	// Credentials is the digest credential as Mesos passes it to zoo_add_auth, "user:password".
	Credentials string
	// User and Password are Credentials split at its first ':' (Mesos itself does not split;
	// the split is how ZooKeeper's digest scheme reads "user:password").
	User, Password string
	// Servers is the host:port list as written, unchecked by Mesos.
	Servers string
	// Path is the znode path: everything from the first '/' after zk://, "/" when none.
	Path string
}

// ServerList splits Servers at commas.
func (u MesosZKURL) ServerList() []string { return strings.Split(u.Servers, ",") }

// ParseMesosZK parses s as zookeeper::URL::parse does (url.hpp:75-109): s is trimmed of
// whitespace, must start with "zk://"; the path starts at the first '/' after it (so a
// '/' in a password ends the credential); the credentials end at the last '@' before the
// path. Mesos checks nothing else: empty servers parse.
func ParseMesosZK(s string) (MesosZKURL, error) {
	t := strings.Trim(s, " \t\n\r")
	rest, ok := strings.CutPrefix(t, "zk://")
	if !ok {
		return MesosZKURL{}, fmt.Errorf("%q: expecting 'zk://' at the beginning of the URL", s)
	}
	u := MesosZKURL{Path: "/"}
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		u.Path, rest = rest[i:], rest[:i]
	}
	if i := strings.LastIndexByte(rest, '@'); i >= 0 {
		u.HasAuth, u.Credentials, rest = true, rest[:i], rest[i+1:]
		u.User, u.Password, _ = strings.Cut(u.Credentials, ":")
	}
	u.Servers = rest
	return u, nil
}

// CheckMesosZK checks a master --zk or agent --master ZooKeeper URL as the master
// contender and detector do: it must parse and name a chroot path, "/" is refused
// (src/master/detector/detector.cpp:62-70, src/master/contender/contender.cpp:53-61).
// mesosimg also refuses empty servers and a credential without ':'.
func CheckMesosZK(s string) error {
	u, err := ParseMesosZK(s)
	if err != nil {
		return err
	}
	if u.Path == "/" {
		return fmt.Errorf("%q: expecting a (chroot) path for ZooKeeper ('/' is not supported)", s)
	}
	if u.Servers == "" {
		return fmt.Errorf("%q: no ZooKeeper servers", s)
	}
	if u.HasAuth && !strings.Contains(u.Credentials, ":") {
		return fmt.Errorf("%q: the digest credential must be user:password", s)
	}
	return nil
}

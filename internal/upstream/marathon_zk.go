package upstream

import (
	"fmt"
	"regexp"
	"strings"
)

// MarathonZkURLPattern is ZookeeperConf.ZkUrlPattern as Scala composes it (ZookeeperConf.scala:95):
// user [^/:]+, password [^@]+, host [A-z0-9-.]+ with an optional :port, node [^/]+. It is a
// grammar fact; RE2 reads the same string, and TestMarathonZKAgreesWithJava runs it in a JVM.
const MarathonZkURLPattern = `^zk://(?:([^/:]+):([^@]+)@)?([A-z0-9-.]+(?::\d+)?(?:,[A-z0-9-.]+(?::\d+)?)*)(/[^/]+(?:/[^/]+)*)$`

var marathonZkURL = regexp.MustCompile(MarathonZkURLPattern)

// MarathonZK is a zk URL as ZkUrl.parse splits it (ZookeeperConf.scala:167).
type MarathonZK struct {
	// User and Password are the one digest credential; both empty when there is none.
	User, Password string
	// Hosts are the host[:port] entries, in order.
	Hosts []string
	// Path is the znode path, starting with '/'.
	Path string
}

// ParseMarathonZK parses url as Marathon 1.11 parses --zk and a zk:// --master: a full match of
// ZkUrlPattern and nothing more. The error is Marathon's (ZookeeperConf.scala:175), with
// everything before the last '@' redacted.
func ParseMarathonZK(url string) (MarathonZK, error) {
	m := marathonZkURL.FindStringSubmatch(url)
	if m == nil {
		shown := url
		if i := strings.LastIndexByte(url, '@'); i >= 0 {
			shown = "zk://xxxxxxxx:xxxxxxxx" + url[i:]
		}
		return MarathonZK{}, fmt.Errorf("%s is not a valid zk url; it should formatted like zk://user:pass@host1:port1,host2:port2/path, or zk://host1:port1,host2:port2/marathon", shown)
	}
	return MarathonZK{User: m[1], Password: m[2], Hosts: strings.Split(m[3], ","), Path: m[4]}, nil
}

// MatchMarathonZK reports whether Marathon 1.11 accepts url as --zk (or a zk:// --master).
func MatchMarathonZK(url string) error {
	_, err := ParseMarathonZK(url)
	return err
}

// String is the URL as Marathon hands it on (unredactedConnectionString, ZookeeperConf.scala:141).
func (u MarathonZK) String() string {
	auth := ""
	if u.User != "" {
		auth = u.User + ":" + u.Password + "@"
	}
	return "zk://" + auth + strings.Join(u.Hosts, ",") + u.Path
}

package conformance

import (
	"regexp"
	"strings"

	"github.com/mesosimg/mesosimg/internal/upstream"
)

// Where mesosimg puts Marathon's settings and unit; the conformance check reads them there.
const (
	marathonEnvPath  = "/etc/default/marathon"
	marathonUnitPath = "/etc/systemd/system/marathon.service"
)

var (
	reDockerRun = regexp.MustCompile(`(?m)^ExecStart=/usr/bin/docker run (.*)$`)
	reMount     = regexp.MustCompile(`(?:^| )-v ([^ :]+):([^ :]+):ro(?: |$)`)
	reEnvFile   = regexp.MustCompile(`(?:^| )--env-file ([^ ]+)(?: |$)`)
)

// marathon checks /etc/default/marathon against Marathon's options and the env → flag mapping,
// its zk URLs against ZkUrlPattern, its libprocess variables, and that every file it names is
// mounted into the container and readable by the image's user.
func (c *checker) marathon() {
	env, ok := c.node.Files[marathonEnvPath]
	if !ok {
		return
	}
	for _, err := range upstream.CheckMarathonEnv(env.Content) {
		c.errorf(env.Path, "%v", err)
	}
	entries, _ := upstream.ParseEnvFileDocker(env.Content)
	vars := map[string]string{}
	for _, e := range entries {
		vars[e.Name] = e.Value
	}
	if zk, ok := vars["MARATHON_ZK"]; !ok {
		c.errorf(env.Path, "MARATHON_ZK is not set: Marathon keeps its state in ZooKeeper")
	} else if err := upstream.MatchMarathonZK(zk); err != nil {
		c.errorf(env.Path, "MARATHON_ZK: %v", err)
	}
	if m, ok := vars["MARATHON_MASTER"]; ok && strings.HasPrefix(m, "zk://") {
		c.mesosZK(env.Path+" MARATHON_MASTER", m)
	}
	for _, err := range upstream.CheckLibprocessEnv(vars) {
		c.errorf(env.Path, "%v", err)
	}

	unit, ok := c.node.Files[marathonUnitPath]
	if !ok {
		c.errorf(marathonUnitPath, "missing: nothing runs Marathon")
		return
	}
	run := reDockerRun.FindStringSubmatch(unit.Content)
	if run == nil {
		c.errorf(unit.Path, "no ExecStart=/usr/bin/docker run line")
		return
	}
	if m := reEnvFile.FindStringSubmatch(run[1]); m == nil || m[1] != marathonEnvPath {
		c.errorf(unit.Path, "docker run does not take --env-file %s", marathonEnvPath)
	}
	mounts := map[string]string{}
	for _, m := range reMount.FindAllStringSubmatch(run[1], -1) {
		mounts[m[2]] = m[1]
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Value, "/") || !(strings.HasSuffix(e.Name, "_FILE") || strings.HasSuffix(e.Name, "_DIR")) {
			continue
		}
		c.readableInContainer(env.Path, e.Name, e.Value, mounts)
	}
}

// readableInContainer: the file named by variable name is written on the host, mounted at the
// same path, and readable by the user the image runs as.
func (c *checker) readableInContainer(from, name, p string, mounts map[string]string) {
	f, ok := c.node.Files[p]
	if !ok {
		c.errorf(from, "%s names %s, which the node does not get", name, p)
		return
	}
	mounted := false
	for inside, host := range mounts {
		if inside == host && (p == inside || strings.HasPrefix(p, strings.TrimSuffix(inside, "/")+"/")) {
			mounted = true
		}
	}
	if !mounted {
		c.errorf(from, "%s names %s, which is not mounted into the Marathon container", name, p)
	}
	mode, err := f.Mode()
	if err != nil {
		c.errorf(p, "permissions %q: %v", f.Permissions, err)
		return
	}
	user, _, _ := strings.Cut(f.Owner, ":")
	byOwner := user == upstream.MarathonImageUser && mode&0o400 != 0
	byOthers := mode&0o004 != 0
	if !byOwner && !byOthers {
		c.errorf(p, "owner %s mode %04o: the Marathon image runs as %s (uid %d) and cannot read it (%s)",
			f.Owner, mode, upstream.MarathonImageUser, upstream.MarathonImageUID, upstream.MarathonImageUserFact.Source)
	}
	if byOthers && mode&0o077 != 0 && strings.Contains(name, "SECRET") {
		c.errorf(p, "a secret readable by every user (mode %04o)", mode)
	}
}

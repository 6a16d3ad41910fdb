package rollout

import "fmt"

// zkRotation is an accepted change of a ZooKeeper credential: rotated, or out of use (off).
type zkRotation struct {
	key, znode, user string
	off              bool
}

// zkRotations are the changes of ZooKeeper credentials the plan accepted.
func (b *stepBuilder) zkRotations() []zkRotation {
	if !b.p.has(RotateZooKeeperCredential) {
		return nil
	}
	var out []zkRotation
	for _, x := range b.p.Credentials {
		if x.Key != keyZooKeeperMesos && x.Key != keyZooKeeperMarathon {
			continue
		}
		if (x.Change == FileChanged && x.InUse) || x.Change == FileRemoved {
			out = append(out, zkRotation{key: x.Key, znode: znodeOfKey(x.Key), user: b.c.credentialName(x.Key), off: x.Change == FileRemoved})
		}
	}
	return out
}

// aclGrant gives the new identity of a rotated ZooKeeper credential (or everyone, when the
// credential goes out of use) the rights on every znode, before any node changes.
func (b *stepBuilder) aclGrant() {
	for _, r := range b.zkRotations() {
		s := Step{Kind: StepACL, Sources: b.p.hazardSources(RotateZooKeeperCredential),
			Commands: b.aclCommands(r, true)}
		if r.off {
			s.Do = fmt.Sprintf("with the old credential, open every znode under %s to everyone, as daemons without a credential need (OLD_SECRET: %s.secret of the old secrets file); zkCli.sh is /usr/share/zookeeper/bin/zkCli.sh on Debian and Ubuntu", r.znode, r.key)
			s.WaitFor = []string{fmt.Sprintf("`getAcl %s` says world:anyone with cdrwa", r.znode)}
		} else {
			s.Do = fmt.Sprintf("with the old credential, give the new %s identity the same rights on every znode under %s (OLD_SECRET: %s.secret of the old secrets file; NEW_SECRET: the one in %s); zkCli.sh is /usr/share/zookeeper/bin/zkCli.sh on Debian and Ubuntu", r.key, r.znode, r.key, b.c.secretsFile())
			s.WaitFor = []string{fmt.Sprintf("`getAcl %s` lists both digest:%s identities", r.znode, r.user)}
		}
		b.add(s)
	}
}

// aclCleanup grants again (znodes created meanwhile carry only the old identity), then drops
// the old identity.
func (b *stepBuilder) aclCleanup() {
	for _, r := range b.zkRotations() {
		if r.off {
			continue
		}
		b.add(Step{Kind: StepACL, Sources: b.p.hazardSources(RotateZooKeeperCredential),
			Do:       fmt.Sprintf("give the new identity the znodes created under %s since the first ACL step, then drop the old identity", r.znode),
			Commands: append(b.aclCommands(r, true), b.aclCommands(r, false)[1:]...),
			WaitFor:  []string{fmt.Sprintf("`getAcl %s` lists only the new digest:%s identity", r.znode, r.user)}})
	}
}

// aclCommands set the ACL of every znode under the credential's znode: both identities
// (grant), the new one only (!grant), or everyone (off). A digest identity is
// user:base64(SHA-1(user:password)) (zk.digest).
func (b *stepBuilder) aclCommands(r zkRotation, grant bool) []string {
	world := "world:anyone:r,"
	if r.key == keyZooKeeperMarathon {
		world = "" // Marathon's znodes are CREATOR_ALL_ACL: no world read
	}
	digest := fmt.Sprintf(`digest() { printf '%%s' "%s:$1" | openssl dgst -binary -sha1 | openssl base64; }`, r.user)
	switch {
	case r.off:
		return []string{fmt.Sprintf(`printf 'addauth digest %s:%%s\nsetAcl -R %s world:anyone:cdrwa\n' "$OLD_SECRET" | zkCli.sh -server %s`,
			r.user, r.znode, hostsOf(b.c.old.Cluster.ZK.Mesos))}
	case grant:
		return []string{digest, fmt.Sprintf(`printf 'addauth digest %s:%%s\nsetAcl -R %s %sdigest:%s:%%s:cdrwa,digest:%s:%%s:cdrwa\n' "$OLD_SECRET" "$(digest "$OLD_SECRET")" "$(digest "$NEW_SECRET")" | zkCli.sh -server %s`,
			r.user, r.znode, world, r.user, r.user, hostsOf(b.c.old.Cluster.ZK.Mesos))}
	}
	return []string{digest, fmt.Sprintf(`printf 'addauth digest %s:%%s\nsetAcl -R %s %sdigest:%s:%%s:cdrwa\n' "$NEW_SECRET" "$(digest "$NEW_SECRET")" | zkCli.sh -server %s`,
		r.user, r.znode, world, r.user, hostsOf(b.c.new.Cluster.ZK.Mesos))}
}

// hazardSources are the citations of the plan's hazards of class name.
func (p *Plan) hazardSources(name HazardName) []string {
	for _, h := range p.Hazards {
		if h.Name == name {
			return h.Sources
		}
	}
	return nil
}

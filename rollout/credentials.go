package rollout

import (
	"fmt"
	"sort"
	"strings"

	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/internal/upstream"
	"github.com/mesosimg/mesosimg/manifest"
	"github.com/mesosimg/mesosimg/plan"
)

// Keys of the secrets file (package secrets).
const (
	keyZooKeeperMesos    = "zookeeper_mesos"
	keyZooKeeperMarathon = "zookeeper_marathon"
	keyMesosAgent        = "mesos_agent"
	keyMesosMarathon     = "mesos_marathon"
	keyMesosHTTP         = "mesos_http"
	keyMarathonHTTP      = "marathon_http"
)

// credentialRoles are the roles whose daemons use each credential.
var credentialRoles = map[string][]string{
	keyZooKeeperMesos:    {v1.RoleMaster, v1.RoleAgent, v1.RoleMarathon},
	keyZooKeeperMarathon: {v1.RoleMarathon},
	keyMesosAgent:        {v1.RoleMaster, v1.RoleAgent},
	keyMesosMarathon:     {v1.RoleMaster, v1.RoleMarathon},
	keyMesosHTTP:         {v1.RoleMaster, v1.RoleAgent},
	keyMarathonHTTP:      {v1.RoleMarathon},
}

// inUse says whether the new description's daemons use a credential.
func (c *comparison) inUse(key string) bool {
	for _, k := range plan.UsedCredentials(c.desc) {
		if string(k) == key {
			return true
		}
	}
	return false
}

// credentialChanges compares the fingerprints of the two renders, by key.
func (c *comparison) credentialChanges() []CredentialChange {
	before := map[string]manifest.Credential{}
	for _, x := range c.old.Cluster.Credentials {
		before[x.Key] = x
	}
	out := []CredentialChange{}
	seen := map[string]bool{}
	for _, x := range c.new.Cluster.Credentials {
		seen[x.Key] = true
		b, ok := before[x.Key]
		switch {
		case !ok:
			out = append(out, CredentialChange{Key: x.Key, Change: FileAdded, InUse: c.inUse(x.Key)})
		case b.Fingerprint != x.Fingerprint || b.Name != x.Name:
			out = append(out, CredentialChange{Key: x.Key, Change: FileChanged, InUse: c.inUse(x.Key)})
		}
	}
	for _, x := range c.old.Cluster.Credentials {
		if !seen[x.Key] {
			out = append(out, CredentialChange{Key: x.Key, Change: FileRemoved})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// rotatedKeys are the credentials in use whose secret changed.
func (c *comparison) rotatedKeys() []string {
	var out []string
	for _, x := range c.credentialChanges() {
		if x.Change == FileChanged && x.InUse {
			out = append(out, x.Key)
		}
	}
	return out
}

// usesCredential reports whether node n's daemons use credential key.
func usesCredential(n *manifest.Node, key string) bool {
	for _, r := range credentialRoles[key] {
		if hasRole(n, r) {
			return true
		}
	}
	return false
}

// credentialHazards refuses rotated credentials. ZooKeeper digest credentials own the znodes
// their daemons created: Mesos creates them EVERYONE_READ_CREATOR_ALL (clusterd
// src/zookeeper/group.cpp:98), Marathon CREATOR_ALL_ACL (mesosphere/marathon releases/1.11
// ZookeeperConf.scala:83), so daemons with a new secret can no longer change (Marathon: not
// even read) their state until the ACLs name the new identity too.
func (c *comparison) credentialHazards(changes []CredentialChange) {
	for _, x := range changes {
		zk := x.Key == keyZooKeeperMesos || x.Key == keyZooKeeperMarathon
		switch {
		case zk && x.Change == FileRemoved:
			znode := znodeOfKey(x.Key)
			c.hazards.add(RotateZooKeeperCredential, "security.zookeeper_auth", c.oldUsersOf(x.Key),
				fmt.Sprintf("the ZooKeeper credential %s goes out of use, but the znodes under %s belong to it: daemons connecting without it cannot change them (Marathon: not even read them)", x.Key, znode),
				fmt.Sprintf("keep security.zookeeper_auth on, or accept the hazard: the rollout first opens the znodes under %s to everyone with the old credential (zkCli setAcl -R), then re-applies the nodes", znode),
				c.aclSources(x.Key))
			continue
		case x.Change != FileChanged || !x.InUse:
			continue
		}
		nodes := c.usersOf(x.Key)
		path := x.Key + ".secret"
		if zk {
			znode := znodeOfKey(x.Key)
			acl := "Mesos creates its znodes EVERYONE_READ_CREATOR_ALL: with the new secret the masters can read but not create or change them (no leader election, no log replica group)"
			if x.Key == keyZooKeeperMarathon {
				acl = "Marathon creates its znodes CREATOR_ALL_ACL: with the new secret it can neither read nor change its state"
			}
			c.hazards.addSecret(RotateZooKeeperCredential, path, nodes,
				fmt.Sprintf("the ZooKeeper credential %s changes, but the znodes under %s belong to the old one: %s", x.Key, znode, acl),
				fmt.Sprintf("keep the old secret of %s; to rotate it, accept the hazard: the rollout first adds the new identity to every znode's ACL under %s with the old credential (zkCli setAcl -R), re-applies every node that uses it, then drops the old identity", x.Key, znode),
				c.aclSources(x.Key))
			continue
		}
		c.hazards.addSecret(RotateCredential, path, nodes,
			fmt.Sprintf("the credential %s changes: %s", x.Key, rotationEffect(x.Key)),
			fmt.Sprintf("keep the old secret of %s, or accept the hazard: the rollout re-applies the masters first, then the other nodes that use it, promptly", x.Key),
			cite("master.reregister", "master.reregister.default"))
	}
}

// aclSources cite who owns the znodes of a ZooKeeper credential, and the tools that change them.
func (c *comparison) aclSources(key string) []string {
	src := []string{citeFact(upstream.MesosFacts["zk.acl"])}
	if key == keyZooKeeperMarathon {
		src = cite("marathon.zk.acl")
	}
	return append(src, cite("zk.digest", "zk.cli.setacl")...)
}

// znodeOfKey is the znode a ZooKeeper credential owns (the paths mesosimg renders).
func znodeOfKey(key string) string {
	if key == keyZooKeeperMarathon {
		return "/marathon"
	}
	return "/mesos"
}

// oldUsersOf lists the old nodes that used credential key.
func (c *comparison) oldUsersOf(key string) []string {
	var out []string
	for i := range c.old.Nodes {
		if usesCredential(&c.old.Nodes[i], key) {
			out = append(out, c.old.Nodes[i].Name)
		}
	}
	return out
}

// rotationEffect says what a rotation of a Mesos or Marathon credential breaks meanwhile.
func rotationEffect(key string) string {
	switch key {
	case keyMesosAgent:
		return "masters accept only the new secret once re-applied, so agents still holding the old one cannot register again after a leader change; those not back within --agent_reregister_timeout (10 minutes) are marked unreachable and their tasks killed when they return"
	case keyMesosMarathon:
		return "masters accept only the new secret once re-applied: Marathon cannot register again until its node is re-applied too"
	case keyMesosHTTP:
		return "the operators' login and the readiness probes of the masters change: scripts using the old login fail"
	}
	return "Marathon's API login changes: every client of Marathon's API needs the new one"
}

// usersOf lists the new nodes that use credential key.
func (c *comparison) usersOf(key string) []string {
	var out []string
	for i := range c.new.Nodes {
		if usesCredential(&c.new.Nodes[i], key) {
			out = append(out, c.new.Nodes[i].Name)
		}
	}
	return out
}

// credentialName is the principal or user of a credential in the new render, else the old.
func (c *comparison) credentialName(key string) string {
	for _, list := range [][]manifest.Credential{c.new.Cluster.Credentials, c.old.Cluster.Credentials} {
		for _, x := range list {
			if x.Key == key {
				return x.Name
			}
		}
	}
	return strings.SplitN(key, "_", 2)[1]
}

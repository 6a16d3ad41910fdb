// Package upstream holds the facts about mesosimg's consumers (Mesos as packaged by
// clusterd, Marathon 1.11, ZooKeeper, libprocess TLS) that rendered output must satisfy,
// each with the place in the consumer's pinned source where it was read. Mesos and
// Marathon cannot run on the machines mesosimg is tested on, so their source is the
// consumer: the conformance tests hold every rendered case to these facts, and a fact
// without a Source is not accepted (TestEveryFactCited).
package upstream

import "fmt"

// Pinned upstream references (see ../shared/DOMAIN.md, "Upstream sources").
const (
	// ClusterdRepo is AVENTER's maintained Mesos 1.11 build, the source of aventer-mesos.
	ClusterdRepo = "m3scluster/clusterd"
	// ClusterdRef is the tag aventer-mesos 1.11.0-0.7.1 is built from.
	ClusterdRef = "v1.11.0-0.7.1"
	// MarathonRepo is Marathon's repository.
	MarathonRepo = "mesosphere/marathon"
	// MarathonRef is the branch of the 1.11 releases (1.11.24).
	MarathonRef = "releases/1.11"
	// MesosRepo is Apache Mesos (documentation and operator procedures).
	MesosRepo = "apache/mesos"
	// MesosRef is the 1.11.0 release tag.
	MesosRef = "1.11.0"
)

// Source is where a fact was read: repository, tag or branch, path and line.
type Source struct {
	Repo, Ref, Path string
	// Line is the 1-based line the fact starts on.
	Line int
}

// String is repo@ref:path:line.
func (s Source) String() string { return fmt.Sprintf("%s@%s:%s:%d", s.Repo, s.Ref, s.Path, s.Line) }

// Valid reports whether every part of the citation is set.
func (s Source) Valid() bool { return s.Repo != "" && s.Ref != "" && s.Path != "" && s.Line > 0 }

// Clusterd cites clusterd at ClusterdRef.
func Clusterd(path string, line int) Source { return Source{ClusterdRepo, ClusterdRef, path, line} }

// Marathon cites Marathon at MarathonRef.
func Marathon(path string, line int) Source { return Source{MarathonRepo, MarathonRef, path, line} }

// Mesos cites Apache Mesos at MesosRef.
func Mesos(path string, line int) Source { return Source{MesosRepo, MesosRef, path, line} }

// Fact is one behaviour of a consumer that the output relies on, in a sentence.
type Fact struct {
	// Claim says what the consumer does.
	Claim string
	// Source is where the claim was read.
	Source Source
}

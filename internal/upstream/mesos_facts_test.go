package upstream

import (
	"strings"
	"testing"
)

// TestEveryMesosFactCited: every Mesos fact and endpoint carries a full citation at a pinned ref.
func TestEveryMesosFactCited(t *testing.T) {
	for id, f := range MesosFacts {
		if !f.Source.Valid() || strings.TrimSpace(f.Claim) == "" {
			t.Errorf("fact %s: %+v", id, f)
		}
		if f.Source.Ref != ClusterdRef && f.Source.Ref != MesosRef {
			t.Errorf("fact %s: unpinned ref %q", id, f.Source.Ref)
		}
		if parts := strings.Split(id, "."); len(parts) < 2 {
			t.Errorf("fact id %q: want area.topic", id)
		}
	}
	for _, e := range MesosEndpoints {
		if !e.Source.Valid() || !strings.HasPrefix(e.Path, "/") {
			t.Errorf("endpoint %+v", e)
		}
		if e.Realm != RealmNone {
			tab, _ := MesosFlagsOf(e.Binary)
			if _, ok := tab[e.Realm.EnabledBy]; !ok {
				t.Errorf("endpoint %s %s: realm flag --%s unknown", e.Binary, e.Path, e.Realm.EnabledBy)
			}
		}
	}
}

func TestMesosFactGroups(t *testing.T) {
	for name, g := range map[string][]Fact{
		"wrapper": MesosWrapperFacts, "stout": MesosStoutFacts, "zk": MesosZKFacts, "cred": MesosCredentialFacts,
		"http": MesosHTTPAuthFacts, "readiness": MesosReadinessFacts, "execenv": MesosExecutorEnvFacts,
		"cgv2": MesosCgroupV2Facts, "execute": MesosExecuteFacts, "jni": MesosJNIFacts,
	} {
		if len(g) < 2 {
			t.Errorf("group %s has %d facts", name, len(g))
		}
	}
}

func TestMesosFact(t *testing.T) {
	if f := MesosFact("master.health"); !strings.Contains(f.Claim, "200") {
		t.Errorf("master.health = %+v", f)
	}
	defer func() {
		if recover() == nil {
			t.Error("MesosFact(unknown) should panic")
		}
	}()
	MesosFact("no.such.fact")
}

func TestMesosEndpointRealm(t *testing.T) {
	for _, c := range []struct {
		binary, path string
		realm        MesosRealm
		ok           bool
	}{
		{MesosMaster, "/health", RealmNone, true},
		{MesosMaster, "/master/health", RealmNone, true},
		{MesosMaster, "/redirect", RealmNone, true},
		{MesosMaster, "/state", RealmMasterReadonly, true},
		{MesosMaster, "/master/state", RealmMasterReadonly, true},
		{MesosMaster, "/metrics/snapshot", RealmMasterReadonly, true},
		{MesosMaster, "/api/v1/scheduler", RealmMasterScheduler, true},
		{MesosMaster, "/master/teardown", RealmMasterReadwrite, true},
		{MesosAgent, "/health", RealmNone, true},
		{MesosAgent, "/slave(1)/state", RealmAgentReadonly, true},
		{MesosAgent, "/api/v1", RealmAgentReadwrite, true},
		{MesosAgent, "/api/v1/executor", RealmAgentExecutor, true},
		{MesosAgent, "/metrics/snapshot", RealmAgentReadonly, true},
		{MesosMaster, "/nope", RealmNone, false},
	} {
		r, ok := MesosEndpointRealm(c.binary, c.path)
		if r != c.realm || ok != c.ok {
			t.Errorf("MesosEndpointRealm(%s, %s) = %+v, %v", c.binary, c.path, r, ok)
		}
	}
}

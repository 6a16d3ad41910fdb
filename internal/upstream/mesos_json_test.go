package upstream

import "testing"

func TestCheckCredentialsJSON(t *testing.T) {
	for _, c := range []struct {
		in string
		ok bool
	}{
		{`{"credentials": [{"principal": "sherman", "secret": "kitesurf"}]}`, true}, // the flag's own example
		{`{"credentials": [{"principal": "a", "secret": "x"}, {"principal": "b"}]}`, true},
		{`{"credentials": {"principal": "a", "secret": "x"}}`, true}, // one object for a repeated field
		{`{"credentials": [{"principal": "a", "secret": "x", "comment": 1}], "other": true}`, true},
		{"{\"credentials\": [{\"principal\": \"a\"}]}\n\n", true},
		{``, false},
		{`   `, false},
		{`{}`, false},
		{`{"credentials": []}`, false},
		{`{"credentials": null}`, false},
		{`{"credentials": [{"secret": "x"}]}`, false},
		{`{"credentials": [{"principal": null, "secret": "x"}]}`, false},
		{`{"credentials": [{"principal": 7}]}`, false},
		{`{"credentials": [{"principal": "a", "secret": 12345678}]}`, false},
		{`{"credentials": ["a:b"]}`, false},
		{`{"credentials": "a"}`, false},
		{`[{"principal": "a"}]`, false},
		{`{"credentials": [{"principal": "a"}]} x`, false},
		{"principal secret", false}, // no text format in 1.11
	} {
		if err := CheckCredentialsJSON([]byte(c.in)); (err == nil) != c.ok {
			t.Errorf("CheckCredentialsJSON(%q) = %v, want ok %v", c.in, err, c.ok)
		}
	}
}

func TestCheckCredentialJSON(t *testing.T) {
	for _, c := range []struct {
		in string
		ok bool
	}{
		{`{"principal": "mesos-agent", "secret": "s3cret"}`, true},
		{`{"principal": "mesos-agent"}`, true},
		{"{\n  \"principal\": \"a\",\n  \"secret\": \"b\"\n}\n", true},
		{``, false},
		{`{"secret": "x"}`, false},
		{`{"principal": ["a"]}`, false},
		{`{"credentials": [{"principal": "a"}]}`, false},
		{`"a"`, false},
	} {
		if err := CheckCredentialJSON([]byte(c.in)); (err == nil) != c.ok {
			t.Errorf("CheckCredentialJSON(%q) = %v, want ok %v", c.in, err, c.ok)
		}
	}
}

func TestCheckExecutorEnvJSON(t *testing.T) {
	for _, c := range []struct {
		in string
		ok bool
	}{
		{`{"PATH": "/bin:/usr/bin", "LD_LIBRARY_PATH": "/usr/local/lib"}`, true}, // the flag's own example
		{`{"LIBPROCESS_SSL_ENABLED": "true", "LIBPROCESS_SSL_CERT_FILE": "/etc/mesos/ssl/node.pem"}`, true},
		{`{}`, true},
		{`{"A": ""}`, true},
		{`{"LIBPROCESS_SSL_ENABLED": true}`, false},
		{`{"N": 1}`, false},
		{`{"N": null}`, false},
		{`{"N": ["a"]}`, false},
		{`{"N": {"a": "b"}}`, false},
		{`["A=B"]`, false},
		{`A=B`, false},
		{``, false},
	} {
		if err := CheckExecutorEnvJSON([]byte(c.in)); (err == nil) != c.ok {
			t.Errorf("CheckExecutorEnvJSON(%q) = %v, want ok %v", c.in, err, c.ok)
		}
	}
}

func TestCheckMesosHTTPBasicCredential(t *testing.T) {
	for _, c := range []struct {
		p, s string
		ok   bool
	}{
		{"operator", "s3cret-long", true},
		{"operator", "", true},
		{"op:erator", "s", false},
		{"operator", "a:b", false},
		{"", "s", false},
	} {
		if err := CheckMesosHTTPBasicCredential(c.p, c.s); (err == nil) != c.ok {
			t.Errorf("CheckMesosHTTPBasicCredential(%q, %q) = %v, want ok %v", c.p, c.s, err, c.ok)
		}
	}
}

func TestMesosMetricField(t *testing.T) {
	for _, c := range []struct {
		name  string
		value float64
		want  string
	}{
		{"master/elected", 1, `"master/elected":1.0`},
		{"master/elected", 0, `"master/elected":0.0`},
		{"registrar/log/recovered", 1, `"registrar/log/recovered":1.0`},
		{"slave/registered", 1, `"slave/registered":1.0`},
		{"master/cpus_percent", 0.25, `"master/cpus_percent":0.25`},
		{"master/uptime_secs", 12.5, `"master/uptime_secs":12.5`},
	} {
		got, err := MesosMetricField(c.name, c.value)
		if err != nil || got != c.want {
			t.Errorf("MesosMetricField(%q, %v) = %q, %v; want %q", c.name, c.value, got, err, c.want)
		}
	}
	if _, err := MesosMetricField("x", 1e-9); err == nil {
		t.Error("exponent form should not be modelled")
	}
}

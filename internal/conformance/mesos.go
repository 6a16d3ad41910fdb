package conformance

import (
	"encoding/json"
	"path"
	"sort"
	"strings"

	"github.com/mesosimg/mesosimg/internal/upstream"
)

// jsonFileFlags are the flags whose value is a file Mesos reads at start-up, with the checker
// of its content (see each checker's citation in package upstream).
var jsonFileFlags = map[string]func([]byte) error{
	"credentials":                    upstream.CheckCredentialsJSON,
	"credential":                     upstream.CheckCredentialJSON,
	"http_credentials":               upstream.CheckCredentialsJSON,
	"executor_environment_variables": upstream.CheckExecutorEnvJSON,
}

// mesosDefaults are the files mesos-init-wrapper sources before starting a daemon.
func mesosDefaults(binary string) []string {
	return []string{"/etc/default/mesos", "/etc/default/" + binary}
}

// mesos checks what mesos-init-wrapper makes of the node's flag directories: each file a
// valid flag (CheckFlagFile), the whole set loadable with every required flag
// (CheckWrapperConfig), the files the flags name present with a valid content, the zk URLs
// in Mesos's grammar, and libprocess's variables in the sourced /etc/default files.
func (c *checker) mesos() {
	if zk, ok := c.node.Files["/etc/mesos/zk"]; ok {
		c.mesosZK(zk.Path, strings.TrimRight(zk.Content, "\n"))
	}
	for _, binary := range []string{upstream.MesosMaster, upstream.MesosAgent} {
		dir, err := upstream.MesosFlagDir(binary)
		if err != nil {
			c.errorf(binary, "%v", err)
			continue
		}
		in := upstream.WrapperInput{Files: map[string]string{}, Env: map[string]string{}}
		var names []string
		for p, f := range c.node.Files {
			if rel, ok := strings.CutPrefix(p, dir+"/"); ok {
				in.Files[rel] = f.Content
				names = append(names, rel)
			}
		}
		if len(names) == 0 {
			continue
		}
		sort.Strings(names)
		for _, name := range names {
			if err := upstream.CheckFlagFile(binary, name, in.Files[name]); err != nil {
				c.errorf(path.Join(dir, name), "%v", err)
			}
		}
		for _, p := range mesosDefaults(binary) {
			if f, ok := c.node.Files[p]; ok {
				env := c.shellExports(f)
				for k, v := range env {
					in.Env[k] = v
				}
				for _, err := range upstream.CheckLibprocessEnv(env) {
					c.errorf(p, "%v", err)
				}
				c.libprocessFiles(p, env)
			}
		}
		if err := upstream.CheckWrapperConfig(binary, in); err != nil {
			c.errorf(dir, "%v", err)
		}
		args, err := upstream.WrapperArgs(binary, in)
		if err != nil {
			continue // reported above
		}
		c.mesosArgs(binary, dir, args)
		if binary == upstream.MesosMaster {
			c.masterHTTPAuth(dir, args)
		}
	}
}

// masterHTTPAuth: HTTP authentication the master starts with. --authenticate_http_frameworks
// without --http_framework_authenticators exits (clusterd v1.11.0-0.7.1
// src/master/master.cpp:617-624); the default basic authenticator of any HTTP realm needs
// --credentials (src/common/http.cpp:1287-1292, fed from master.cpp:519-532).
func (c *checker) masterHTTPAuth(dir string, args []string) {
	set := map[string]string{}
	for _, a := range args {
		name, value, _ := strings.Cut(strings.TrimPrefix(a, "--"), "=")
		set[name] = value
	}
	on := func(n string) bool { v, ok := set[n]; return ok && (v == "" || v == "true" || v == "1") }
	if on("authenticate_http_frameworks") && set["http_framework_authenticators"] == "" {
		c.errorf(dir, "--authenticate_http_frameworks without --http_framework_authenticators: the master exits")
	}
	for _, realm := range []string{"authenticate_http_readonly", "authenticate_http_readwrite", "authenticate_http_frameworks"} {
		if on(realm) && set["credentials"] == "" {
			c.errorf(dir, "--%s with the basic authenticator needs --credentials: the master exits", realm)
		}
	}
}

// mesosArgs checks the values of the daemon's arguments that name files or zk URLs.
func (c *checker) mesosArgs(binary, dir string, args []string) {
	for _, a := range args {
		name, value, ok := strings.Cut(strings.TrimPrefix(a, "--"), "=")
		if !ok {
			continue
		}
		where := path.Join(dir, name)
		// The master parses --zk as a zk URL and exits on a bad one (src/master/main.cpp:378-382);
		// an agent's --master is a zk URL when it starts "zk" (otherwise host:port).
		if (binary == upstream.MesosMaster && name == "zk") || (binary == upstream.MesosAgent && name == "master" && strings.HasPrefix(value, "zk")) {
			c.mesosZK(where, value)
		}
		check, isFile := jsonFileFlags[name]
		if !isFile {
			continue
		}
		flag, known := upstream.MasterOrAgentFlag(binary, name)
		if !known {
			continue // reported by CheckFlagFile
		}
		content := []byte(value)
		if p, reads := upstream.FlagValueFile(flag.Type, value); reads || flag.Type == upstream.MesosPath {
			f, ok := c.node.Files[p]
			if !ok {
				c.errorf(where, "names %s, which the node does not get", p)
				continue
			}
			content = []byte(f.Content)
			if mode, err := f.Mode(); err == nil && mode&0o077 != 0 && name != "executor_environment_variables" {
				c.errorf(p, "holds credentials but has mode %04o", mode)
			}
		}
		if err := check(content); err != nil {
			c.errorf(where, "%v", err)
			continue
		}
		if name == "executor_environment_variables" {
			env := map[string]string{}
			if err := json.Unmarshal(content, &env); err != nil {
				c.errorf(where, "%v", err)
				continue
			}
			for _, err := range upstream.CheckLibprocessEnv(env) {
				c.errorf(where, "executors: %v", err)
			}
			c.libprocessFiles(where, env)
		}
	}
}

// libprocessFiles: every file a libprocess environment names is written on the node.
func (c *checker) libprocessFiles(where string, env map[string]string) {
	names := make([]string, 0, len(env))
	for k := range env {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if v := env[k]; strings.HasPrefix(k, "LIBPROCESS_SSL_") && strings.HasSuffix(k, "_FILE") {
			if _, ok := c.node.Files[v]; !ok {
				c.errorf(where, "%s names %s, which the node does not get", k, v)
			}
		}
	}
}

// mesosZK checks a zk URL as Mesos reads it (the master contender and the agent's detector).
func (c *checker) mesosZK(where, url string) {
	if err := upstream.CheckMesosZK(url); err != nil {
		c.errorf(where, "%v", err)
	}
}

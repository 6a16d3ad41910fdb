package v1

// Flag names come from apache/mesos docs/configuration/{master-and-agent,master,agent}.md (1.11)
// and Marathon 1.11 command-line flags, written without dashes. Extra flags in a description
// must be one of them.

// MasterFlags are the mesos-master flags of Mesos 1.11.
var MasterFlags = []string{
	"acls", "advertise_ip", "advertise_port", "agent_ping_timeout", "agent_removal_rate_limit",
	"agent_reregister_timeout", "allocation_interval", "allocator", "authenticate", "authenticate_agents",
	"authenticate_frameworks", "authenticate_http_frameworks", "authenticate_http_readonly",
	"authenticate_http_readwrite", "authenticate_slaves", "authentication_v0_timeout", "authenticators",
	"authorizers", "cluster", "credentials", "domain", "external_log_file",
	"fair_sharing_excluded_resource_names", "filter_gpu_resources", "firewall_rules", "framework_sorter",
	"hooks", "hostname", "hostname_lookup", "http_authenticators", "http_framework_authenticators",
	"initialize_driver_logging", "ip", "ip_discovery_command", "log_auto_initialize", "log_dir", "logbufsecs",
	"logging_level", "master_contender", "master_detector", "max_agent_ping_timeouts",
	"max_completed_frameworks", "max_completed_tasks_per_framework", "max_executors_per_agent",
	"max_executors_per_slave", "max_operator_event_stream_subscribers", "max_slave_ping_timeouts",
	"max_unreachable_tasks_per_framework", "min_allocatable_resources", "modules", "modules_dir",
	"offer_constraints_re2_max_mem", "offer_constraints_re2_max_program_size", "offer_timeout", "port",
	"publish_per_framework_metrics", "quiet", "quorum", "rate_limits", "recovery_agent_removal_limit",
	"recovery_slave_removal_limit", "registry", "registry_fetch_timeout", "registry_gc_interval",
	"registry_max_agent_age", "registry_max_agent_count", "registry_store_timeout", "require_agent_domain",
	"role_sorter", "roles", "root_submissions", "slave_ping_timeout", "slave_removal_rate_limit",
	"slave_reregister_timeout", "version", "webui_dir", "weights", "whitelist", "work_dir", "zk",
	"zk_session_timeout",
}

// AgentFlags are the mesos-agent flags of Mesos 1.11.
var AgentFlags = []string{
	"acls", "advertise_ip", "advertise_port", "agent_features", "agent_subsystems", "allowed_devices",
	"appc_simple_discovery_uri_prefix", "appc_store_dir", "attributes", "authenticate_http_executors",
	"authenticate_http_readonly", "authenticate_http_readwrite", "authenticatee",
	"authentication_backoff_factor", "authentication_timeout_max", "authentication_timeout_min", "authorizer",
	"bounding_capabilities", "cgroups_cpu_enable_pids_and_tids_count", "cgroups_destroy_timeout",
	"cgroups_enable_cfs", "cgroups_hierarchy", "cgroups_limit_swap", "cgroups_net_cls_primary_handle",
	"cgroups_net_cls_secondary_handles", "cgroups_root", "check_agent_port_range_only",
	"container_disk_watch_interval", "container_logger", "container_ports_isolated_range",
	"container_ports_watch_interval", "containerizers", "credential", "csi_plugin_config_dir",
	"default_container_dns", "default_container_info", "default_container_shm_size", "default_role",
	"disallow_sharing_agent_ipc_namespace", "disallow_sharing_agent_pid_namespace", "disk_profile_adaptor",
	"disk_watch_interval", "docker", "docker_config", "docker_ignore_runtime", "docker_kill_orphans",
	"docker_mesos_image", "docker_registry", "docker_remove_delay", "docker_socket", "docker_stop_timeout",
	"docker_store_dir", "docker_volume_checkpoint_dir", "docker_volume_chown", "domain",
	"domain_socket_location", "effective_capabilities", "egress_flow_classifier_parent",
	"egress_rate_limit_per_container", "egress_unique_flow_per_container", "enforce_container_disk_quota",
	"enforce_container_ports", "ephemeral_ports_per_container", "eth0_name", "executor_environment_variables",
	"executor_registration_timeout", "executor_reregistration_retry_interval",
	"executor_reregistration_timeout", "executor_shutdown_grace_period", "external_log_file",
	"fetcher_cache_dir", "fetcher_cache_size", "fetcher_stall_timeout", "firewall_rules", "frameworks_home",
	"gc_delay", "gc_disk_headroom", "gc_non_executor_container_sandboxes", "hadoop_home", "hooks",
	"host_path_volume_force_creation", "hostname", "hostname_lookup", "http_authenticators",
	"http_command_executor", "http_credentials", "http_executor_domain_sockets", "http_heartbeat_interval",
	"image_gc_config", "image_providers", "image_provisioner_backend", "initialize_driver_logging", "ip", "ip6",
	"ip6_discovery_command", "ip_discovery_command", "isolation", "jwt_secret_key", "launcher", "launcher_dir",
	"lo_name", "log_dir", "logbufsecs", "logging_level", "master", "master_detector",
	"max_completed_executors_per_framework", "modules", "modules_dir", "network_cni_config_dir",
	"network_cni_metrics", "network_cni_plugins_dir", "network_cni_root_dir_persist",
	"network_enable_snmp_statistics", "network_enable_socket_statistics_details",
	"network_enable_socket_statistics_summary", "nvidia_gpu_devices", "oversubscribed_resources_interval",
	"perf_duration", "perf_events", "perf_interval", "port", "qos_controller", "qos_correction_interval_min",
	"quiet", "reconfiguration_policy", "recover", "recovery_timeout", "registration_backoff_factor",
	"resource_estimator", "resource_provider_config_dir", "resources", "revocable_cpu_low_priority",
	"runtime_dir", "sandbox_directory", "seccomp_config_dir", "seccomp_profile_name", "secret_resolver",
	"slave_subsystems", "strict", "switch_user", "systemd_enable_support", "systemd_runtime_directory",
	"version", "volume_gid_range", "work_dir", "xfs_project_range", "zk_session_timeout",
}

// MarathonFlags are Marathon 1.11's command-line flags.
var MarathonFlags = []string{
	"access_control_allow_origin", "assets_path", "backup_location", "checkpoint", "decline_offer_duration",
	"default_accepted_resource_roles", "default_network_name", "deprecated_features", "disable_checkpoint",
	"disable_ha", "disable_http", "disable_http_compression", "disable_maintenance_mode",
	"disable_mesos_authentication", "disable_revive_offers_for_new_apps", "disable_suppress_offers",
	"disable_tracing", "disable_zk_compression", "draining_seconds", "enable_features", "env_vars_prefix",
	"executor", "failover_timeout", "framework_name", "gpu_scheduling_behavior", "ha", "hostname",
	"http_address", "http_compression", "http_credentials", "http_max_concurrent_requests", "http_port",
	"http_realm", "https_address", "https_port", "kill_retry_timeout", "launch_token_refresh_interval",
	"launch_tokens", "leader_proxy_connection_timeout", "leader_proxy_max_open_connections",
	"leader_proxy_read_timeout", "leader_proxy_ssl_ignore_hostname", "local_port_max", "local_port_min",
	"logging_level", "logstash", "maintenance_mode", "master", "max_apps", "max_instances_per_offer",
	"max_running_deployments", "max_tasks_per_offer", "max_tasks_per_offer_cycle", "mesos_authentication",
	"mesos_authentication_principal", "mesos_authentication_secret", "mesos_authentication_secret_file",
	"mesos_bridge_name", "mesos_heartbeat_failure_threshold", "mesos_heartbeat_interval", "mesos_leader_ui_url",
	"mesos_role", "mesos_user", "metrics_datadog", "metrics_datadog_host", "metrics_datadog_port",
	"metrics_datadog_protocol", "metrics_datadog_transmission_interval_ms",
	"metrics_histogram_reservoir_reset_periodically", "metrics_histogram_reservoir_resetting_chunks",
	"metrics_histogram_reservoir_resetting_interval_ms", "metrics_histogram_reservoir_significant_digits",
	"metrics_name_prefix", "metrics_prometheus", "metrics_statsd", "metrics_statsd_host", "metrics_statsd_port",
	"metrics_statsd_transmission_interval_ms", "min_revive_offers_interval", "new_group_enforce_role",
	"offer_matching_timeout", "on_elected_prepare_timeout", "plugin_conf", "plugin_dir",
	"reconciliation_initial_delay", "reconciliation_interval", "revive_offers_repetitions",
	"scale_apps_initial_delay", "scale_apps_interval", "ssl_keystore_password", "ssl_keystore_path",
	"storage_compaction_interval", "store_cache", "suppress_offers", "task_launch_confirm_timeout",
	"task_launch_timeout", "task_lost_expunge_gc", "task_lost_expunge_initial_delay",
	"task_lost_expunge_interval", "tracing", "webui_url", "zk", "zk_compression", "zk_compression_threshold",
	"zk_connection_timeout", "zk_max_node_size", "zk_max_versions", "zk_session_timeout", "zk_timeout",
}

// Flags mesosimg derives from the description; a description cannot set them as extra flags.
var (
	masterReserved = map[string]string{
		"zk": "from the zookeeper nodes", "quorum": "floor(masters/2)+1", "work_dir": "/var/lib/mesos/master",
		"cluster": "from cluster", "ip": "from the node's ip", "hostname": "the node's ip",
		"hostname_lookup": "false", "port": "from mesos.master.port",
	}
	agentReserved = map[string]string{
		"master": "the masters' zk URL", "work_dir": "/var/lib/mesos/agent", "ip": "from the node's ip",
		"hostname": "the node's ip", "hostname_lookup": "false", "port": "from mesos.agent.port",
		"containerizers": "from mesos.agent.containerizers", "resources": "from mesos.agent.resources",
		"attributes":             "from mesos.agent.attributes",
		"systemd_enable_support": "false: the supported systems have no cgroup v1 systemd hierarchy, without which the agent exits",
	}
	marathonReserved = map[string]string{
		"master": "the masters' zk URL", "zk": "zk://…/marathon from the zookeeper nodes",
		"hostname": "the node's ip", "http_port": "from marathon.http_port",
	}
)

// Flags mesosimg sets when a security switch is on; with the switch off they are the user's.
var (
	masterAuthFlags = []string{"authenticate_agents", "authenticate_frameworks", "authenticate_http_frameworks",
		"authenticate_http_readwrite", "credentials", "http_framework_authenticators"}
	agentAuthFlags    = []string{"credential"}
	marathonAuthFlags = []string{"mesos_authentication", "mesos_authentication_principal", "mesos_authentication_secret_file"}
	marathonHTTPFlags = []string{"http_credentials"}
)

// reserved is base plus the flags a switch that is on claims.
func reserved(base map[string]string, on bool, why string, flags []string) map[string]string {
	out := make(map[string]string, len(base)+len(flags))
	for k, v := range base {
		out[k] = v
	}
	if on {
		for _, f := range flags {
			out[f] = why
		}
	}
	return out
}

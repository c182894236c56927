"""The Envoy configuration in README.md ("Envoy redis_proxy instead"): Envoy is not in Debian, so
it cannot be run here. This checks what can be checked without it: the block is well-formed YAML,
each message uses only fields that Envoy's v3 API reference names for it (redis_proxy.proto,
health_check.proto, the Redis health checker), the fields those mark required are there, the
catch-all route names a defined cluster, and that cluster hashes (RING_HASH or MAGLEV) over three
endpoints with the Redis health checker."""
import os
import re
import sys

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import servers  # noqa: E402

README = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "README.md")
MARKER = "<!-- envoy-lrukv.yaml: checked by tests/integration/readme_envoy_config_test.py -->"

# Field names per message, from Envoy's v3 API (redis_proxy.proto, health_check.proto,
# health_checkers/redis/v3/redis.proto; cluster, listener and address fields as the Redis
# sandbox's envoy.yaml uses them).
REDIS_PROXY = {"stat_prefix", "settings", "latency_in_micros", "prefix_routes",
               "downstream_auth_password", "downstream_auth_passwords", "faults",
               "downstream_auth_username", "@type"}
CONN_POOL_SETTINGS = {"op_timeout", "enable_hashtagging", "enable_redirection",
                      "dns_cache_config", "max_buffer_size_before_flush", "buffer_flush_timeout",
                      "max_upstream_unknown_connections", "enable_command_stats", "read_policy",
                      "connection_rate_limit"}
PREFIX_ROUTES = {"routes", "case_insensitive", "catch_all_route"}
ROUTE = {"prefix", "remove_prefix", "cluster", "request_mirror_policy", "key_formatter",
         "read_command_policy"}
HEALTH_CHECK_REQUIRED = {"timeout", "interval", "unhealthy_threshold", "healthy_threshold"}
HEALTH_CHECK = HEALTH_CHECK_REQUIRED | {"custom_health_check", "initial_jitter",
                                        "interval_jitter", "no_traffic_interval",
                                        "unhealthy_interval", "reuse_connection"}
CLUSTER = {"name", "type", "connect_timeout", "lb_policy", "ring_hash_lb_config",
           "maglev_lb_config", "load_assignment", "health_checks", "outlier_detection",
           "typed_extension_protocol_options"}


def envoy_block():
    with open(README) as f:
        text = f.read()
    assert text.count(MARKER) == 1, "the README's Envoy block marker is missing or repeated"
    after = text.split(MARKER, 1)[1]
    m = re.match(r"\s*```yaml\n(.*?)```", after, re.S)
    assert m, "no ```yaml block right after the marker"
    return yaml.safe_load(m.group(1))


def only_known(what, mapping, known):
    unknown = set(mapping) - known
    assert not unknown, f"{what}: fields Envoy's API does not name: {sorted(unknown)}"


def test_redis_proxy_filter():
    config = envoy_block()
    [listener] = config["static_resources"]["listeners"]
    assert listener["address"]["socket_address"]["port_value"] > 0
    [chain] = listener["filter_chains"]
    [flt] = chain["filters"]
    assert flt["name"] == "envoy.filters.network.redis_proxy"
    proxy = flt["typed_config"]
    assert proxy["@type"] == ("type.googleapis.com/"
                              "envoy.extensions.filters.network.redis_proxy.v3.RedisProxy")
    only_known("RedisProxy", proxy, REDIS_PROXY)
    assert proxy["stat_prefix"]
    only_known("ConnPoolSettings", proxy["settings"], CONN_POOL_SETTINGS)
    assert re.fullmatch(r"\d+(\.\d+)?s", proxy["settings"]["op_timeout"]), "op_timeout: a Duration"
    routes = proxy["prefix_routes"]
    only_known("PrefixRoutes", routes, PREFIX_ROUTES)
    only_known("catch_all_route", routes["catch_all_route"], ROUTE)
    clusters = {c["name"] for c in config["static_resources"]["clusters"]}
    targets = [routes["catch_all_route"]["cluster"]] + [r["cluster"] for r in routes.get("routes", [])]
    assert set(targets) <= clusters, (targets, clusters)


def test_cluster_of_three_hashed_nodes():
    [cluster] = envoy_block()["static_resources"]["clusters"]
    only_known("Cluster", cluster, CLUSTER)
    assert cluster["lb_policy"] in ("RING_HASH", "MAGLEV")
    assert re.fullmatch(r"\d+(\.\d+)?s", cluster["connect_timeout"])
    assert cluster["load_assignment"]["cluster_name"] == cluster["name"]
    [locality] = cluster["load_assignment"]["endpoints"]
    addresses = {(e["endpoint"]["address"]["socket_address"]["address"],
                  e["endpoint"]["address"]["socket_address"]["port_value"])
                 for e in locality["lb_endpoints"]}
    assert len(addresses) == 3, addresses
    [check] = cluster["health_checks"]
    only_known("HealthCheck", check, HEALTH_CHECK)
    assert HEALTH_CHECK_REQUIRED <= set(check), "HealthCheck lacks a required field"
    custom = check["custom_health_check"]
    assert custom["name"] == "envoy.health_checkers.redis"
    assert custom["typed_config"]["@type"] == ("type.googleapis.com/"
                                               "envoy.extensions.health_checkers.redis.v3.Redis")
    only_known("Redis health checker", custom["typed_config"], {"@type", "key"})


if __name__ == "__main__":
    servers.parse_args(__doc__)
    sys.exit(servers.run_test_functions(globals()))

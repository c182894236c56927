#!/usr/bin/env bash
# Starts twemproxy (Debian's nutcracker) in front of the lrukv listening on port $1 and runs
# redis-py, ioredis and node-redis through it with the README's client settings ("Client settings
# behind twemproxy"). Each script also turns those settings back to the client's defaults and
# checks that the proxy then closes the connection, as the README says. Called by tests/clients/run.
set -uo pipefail
node_port=${1:?usage: tests/clients/twemproxy_clients.sh LRUKV_PORT}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
proxy_port=$(free_port)

cat > "$work/nutcracker.yml" <<CONF
lrukv:
  listen: 127.0.0.1:$proxy_port
  hash: fnv1a_64
  distribution: ketama
  redis: true
  auto_eject_hosts: false
  timeout: 2000
  servers:
   - 127.0.0.1:$node_port:1
CONF
/usr/sbin/nutcracker -c "$work/nutcracker.yml" -s "$(free_port)" -a 127.0.0.1 -o "$work/nutcracker.log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do redis-cli -p "$proxy_port" PING >/dev/null 2>&1 && break; sleep 0.05; done

failed=0
run() {  # run <name> <command...>
  local name=$1; shift
  "$@" || { failed=1; echo "FAILED: $name behind twemproxy" >&2; }
}
run redis-py /usr/bin/python3 "$here/twemproxy_redis_py_test.py" "$proxy_port"
run ioredis node "$here/node/twemproxy_ioredis_test.js" "$proxy_port"
run node-redis node "$here/node/twemproxy_node_redis_test.js" "$proxy_port"

if ! kill -0 $pid 2>/dev/null; then
  echo "nutcracker died during the client tests; its log:" >&2; cat "$work/nutcracker.log" >&2
  failed=1
fi
exit $failed

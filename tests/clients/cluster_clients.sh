#!/usr/bin/env bash
# The cluster clients (redis-py RedisCluster, ioredis Cluster, node-redis createCluster) against
# a second lrukv started here with cluster-enabled yes. Usage: cluster_clients.sh SERVER [ARGS...]
# (extra server arguments, e.g. to break it on purpose). Called by tests/clients/run.
set -uo pipefail
server=$1; shift
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
"$server" --port "$port" --bind 127.0.0.1 --save "" --dir "$work" --cluster-enabled yes \
  --cluster-port "$(free_port)" "$@" > "$work/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do redis-cli -p "$port" PING >/dev/null 2>&1 && break; sleep 0.1; done

failed=0
for t in "/usr/bin/python3 $here/python_cluster_test.py" "node $here/node/ioredis_cluster_test.js" \
         "node $here/node/node_redis_cluster_test.js"; do
  timeout 60 $t "$port" || { failed=1; echo "FAILED: $t" >&2; }
done
kill -0 $pid 2>/dev/null || { echo "cluster lrukv-server died; its log:" >&2; cat "$work/server.log" >&2; failed=1; }
exit $failed

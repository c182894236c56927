#!/usr/bin/python3
"""redis-py's RedisCluster (Debian's python3-redis 4.3.4) against lrukv with cluster-enabled
yes: topology discovery (CLUSTER SLOTS), strings and TTLs, hash-tagged MSET/MGET, the client's
own splitting of DEL/EXISTS and of non-atomic MGET/MSET, a pipeline, a MULTI/EXEC on one slot,
SCAN over the cluster, the server's CROSSSLOT error and the CLUSTER info calls. Exits non-zero
on the first mismatch."""
import sys

import redis
from redis.cluster import RedisCluster
from redis.exceptions import ClusterCrossSlotError, RedisClusterException

port = int(sys.argv[1])
rc = RedisCluster(host="127.0.0.1", port=port, socket_timeout=10)
p = "{rp}:"  # every fixed key of this script in one slot

# Discovery: one master at the address the client connected to, owning every slot.
nodes = rc.get_nodes()
assert [(n.host, n.port, n.server_type) for n in nodes] == [("127.0.0.1", port, "primary")], \
    [(n.host, n.port, n.server_type) for n in nodes]
assert rc.get_node_from_key("foo").name == f"127.0.0.1:{port}"
assert rc.keyslot("foo") == 12182 and rc.cluster_keyslot("foo") == 12182

assert rc.ping() is True
assert rc.flushall() is True  # a server of its own: start empty
assert rc.set(p + "a", "hello") is True and rc.get(p + "a") == b"hello"
assert rc.expire(p + "a", 100) is True and 98 <= rc.ttl(p + "a") <= 100
assert rc.delete(p + "a") == 1 and rc.get(p + "a") is None
assert rc.incr(p + "n") == 1 and rc.incrby(p + "n", 4) == 5

assert rc.mset({p + "m1": "1", p + "m2": "2"}) is True
assert rc.mget([p + "m1", p + "m2", p + "none"]) == [b"1", b"2", None]
# Keys over many slots: the client splits them by slot itself.
spread = {f"spread:{i}": str(i) for i in range(50)}
assert len({rc.keyslot(k) for k in spread}) > 40
assert all(rc.mset_nonatomic(spread))
assert rc.mget_nonatomic(list(spread)) == [v.encode() for v in spread.values()]
assert rc.exists(*spread) == 50
try:
    rc.mget(list(spread))
    raise AssertionError("MGET across slots was accepted")
except RedisClusterException as e:
    assert "same key slot" in str(e), e

with rc.pipeline() as pipe:  # a cluster pipeline (no MULTI in redis-py 4.3)
    pipe.set(p + "pipe", 1).incr(p + "pipe").get(p + "pipe").set("elsewhere", "x")
    assert pipe.execute() == [True, 2, b"2", True]

# MULTI/EXEC on one slot, through the node's own connection.
node = rc.get_node_from_key(p + "tx")
with node.redis_connection.pipeline(transaction=True) as tx:
    tx.set(p + "tx", "v").incr(p + "n").get(p + "tx")
    assert tx.execute() == [True, 6, b"v"]
# The server's CROSSSLOT, surfaced to the caller.
try:
    node.redis_connection.mset({"a": "1", "b": "2"})
    raise AssertionError("MSET across slots was accepted")
except ClusterCrossSlotError as e:  # redis-py's class for -CROSSSLOT
    assert str(e) == "Keys in request don't hash to the same slot", e
with node.redis_connection.pipeline(transaction=True) as tx:
    tx.set("a", 1).set("b", 2)
    try:
        tx.execute()
        raise AssertionError("a transaction across slots ran")
    except ClusterCrossSlotError as e:
        assert str(e) == "Keys in request don't hash to the same slot", e

found = set(rc.scan_iter(match="spread:*", count=7))
assert found == {k.encode() for k in spread}, len(found)
assert rc.delete(*spread) == 50 and rc.exists(*spread) == 0

info = rc.cluster_info()
assert info["cluster_state"] == "ok" and int(info["cluster_slots_assigned"]) == 16384, info
slots = rc.cluster_slots()
assert list(slots) == [(0, 16383)] and slots[(0, 16383)]["primary"][:2] == ("127.0.0.1", port), slots
myid = rc.cluster_myid(rc.get_default_node())
assert len(myid) == 40, myid
assert rc.cluster_countkeysinslot(rc.keyslot(p + "m1")) >= 2
assert rc.cluster_get_keys_in_slot(rc.keyslot(p + "m1"), 100)
assert rc.readonly() is True and rc.readwrite() is True
rc.close()
print("redis-py RedisCluster: ok")

// node-redis (v6) createCluster against lrukv with cluster-enabled yes, in RESP2 and RESP3:
// discovery (CLUSTER SLOTS), strings and TTLs, hash-tagged MSET/MGET, a pipeline and a
// MULTI/EXEC on one slot, SCAN on every master, the server's CROSSSLOT error, CLUSTER calls.
// Exits non-zero on the first mismatch.
'use strict';
const assert = require('node:assert/strict');
const { createCluster } = require('redis');

const port = Number(process.argv[2]);
// A client that gives up without rejecting leaves nothing for node to wait on, and node would
// exit 0 half-way: only reaching the end counts as a pass.
let finished = false;
process.on('exit', (code) => {
  if (code === 0 && !finished) {
    console.error('node-redis createCluster: stopped before the end');
    process.exitCode = 1;
  }
});

async function exercise(resp) {
  const cluster = createCluster({
    rootNodes: [{ socket: { host: '127.0.0.1', port, reconnectStrategy: false } }],
    defaults: { RESP: resp, socket: { reconnectStrategy: false } },
  });
  cluster.on('error', (err) => { console.error(`node-redis cluster RESP${resp} error`, err); process.exitCode = 1; });
  await cluster.connect();
  assert.deepEqual(cluster.masters.map((m) => `${m.host}:${m.port}`), [`127.0.0.1:${port}`]);
  assert.equal(cluster.slots.length, 16384);
  assert.equal(await (await cluster.nodeClient(cluster.masters[0])).flushAll(), 'OK');  // start empty
  const p = `{nr${resp}}:`;

  assert.equal(await cluster.set(p + 'a', 'hello'), 'OK');
  assert.equal(await cluster.get(p + 'a'), 'hello');
  assert.equal(await cluster.expire(p + 'a', 100), 1);
  const ttl = await cluster.ttl(p + 'a');
  assert.ok(ttl > 98 && ttl <= 100, `ttl ${ttl}`);
  assert.equal(await cluster.del(p + 'a'), 1);
  assert.equal(await cluster.incr(p + 'n'), 1);

  assert.equal(await cluster.mSet([p + 'm1', 'x', p + 'm2', 'y']), 'OK');
  assert.deepEqual(await cluster.mGet([p + 'm1', p + 'm2', p + 'none']), ['x', 'y', null]);
  // Keys over two slots: node-redis splits MGET (and MSET) by slot itself; MSET sent on the
  // node's own connection reaches the server, which refuses it.
  assert.equal(await cluster.mSet(['a', '1', 'b', '2']), 'OK');
  assert.deepEqual(await cluster.mGet(['a', 'b']), ['1', '2']);
  const direct = await cluster.nodeClient(cluster.masters[0]);
  await assert.rejects(direct.sendCommand(['MSET', 'a', '3', 'b', '4']),
                       /CROSSSLOT Keys in request don't hash to the same slot/);
  assert.equal(await cluster.del('a'), 1);
  assert.equal(await cluster.del('b'), 1);

  const piped = await cluster.multi().incr(p + 'c').incr(p + 'c').get(p + 'c').execAsPipeline();
  assert.deepEqual(piped, [1, 2, '2']);
  const tx = await cluster.multi().set(p + 'tx', 'v').incr(p + 'n').get(p + 'tx').exec();
  assert.deepEqual(tx, ['OK', 2, 'v']);

  const spread = Array.from({ length: 40 }, (_, i) => `spread${resp}:${i}`);
  for (const k of spread) await cluster.set(k, k);
  const keys = new Set();
  for (const master of cluster.masters) {
    const client = await cluster.nodeClient(master);
    for await (const batch of client.scanIterator({ MATCH: `spread${resp}:*`, COUNT: 7 })) {
      batch.forEach((k) => keys.add(k));
    }
  }
  assert.deepEqual([...keys].sort(), [...spread].sort());

  const node = await cluster.nodeClient(cluster.masters[0]);
  const info = await node.clusterInfo();  // the text, as from Redis
  assert.match(info, /^cluster_state:ok\r\ncluster_slots_assigned:16384\r\n/);
  assert.equal(await node.clusterKeySlot('foo'), 12182);
  const myId = await node.clusterMyId();
  assert.match(myId, /^[0-9a-f]{40}$/);
  const nodes = await node.clusterNodes();
  assert.ok(nodes.startsWith(`${myId} 127.0.0.1:${port}@`), nodes);
  await cluster.close();
}

(async () => {
  await exercise(2);
  await exercise(3);
  finished = true;
  console.log('node-redis createCluster: ok');
})().catch((err) => { console.error(err); process.exit(1); });

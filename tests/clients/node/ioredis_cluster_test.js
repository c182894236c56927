// ioredis (v6) Cluster against lrukv with cluster-enabled yes: slot discovery (CLUSTER SLOTS,
// the CLUSTER INFO ready check), strings and TTLs, hash-tagged MSET/MGET, a pipeline and a
// MULTI/EXEC on one slot, SCAN on every master, the server's CROSSSLOT error for a command over
// two slots, and CLUSTER calls. Exits non-zero on the first mismatch.
'use strict';
const assert = require('node:assert/strict');
const Redis = require('ioredis');

const port = Number(process.argv[2]);
// A client that gives up without rejecting leaves nothing for node to wait on, and node would
// exit 0 half-way: only reaching the end counts as a pass.
let finished = false;
process.on('exit', (code) => {
  if (code === 0 && !finished) {
    console.error('ioredis Cluster: stopped before the end');
    process.exitCode = 1;
  }
});

(async () => {
  const cluster = new Redis.Cluster([{ host: '127.0.0.1', port }], {
    enableReadyCheck: true, lazyConnect: true, clusterRetryStrategy: () => null,
    redisOptions: { retryStrategy: () => null, maxRetriesPerRequest: 0 },
  });
  await cluster.connect();  // resolves once CLUSTER SLOTS is read and cluster_state is ok
  const masters = cluster.nodes('master');
  assert.deepEqual(masters.map((n) => `${n.options.host}:${n.options.port}`), [`127.0.0.1:${port}`]);
  await cluster.flushall();  // a server of its own: start empty
  const p = '{io}:';

  assert.equal(await cluster.set(p + 'a', 'hello', 'EX', 100), 'OK');
  assert.equal(await cluster.get(p + 'a'), 'hello');
  const ttl = await cluster.ttl(p + 'a');
  assert.ok(ttl > 98 && ttl <= 100, `ttl ${ttl}`);
  assert.equal(await cluster.expire(p + 'a', 50), 1);
  assert.equal(await cluster.del(p + 'a'), 1);
  assert.equal(await cluster.incr(p + 'n'), 1);

  assert.equal(await cluster.mset(p + 'm1', 'x', p + 'm2', 'y'), 'OK');
  assert.deepEqual(await cluster.mget(p + 'm1', p + 'm2', p + 'none'), ['x', 'y', null]);
  await assert.rejects(cluster.mget('a', 'b'), /CROSSSLOT Keys in request don't hash to the same slot/);
  await assert.rejects(cluster.mset('a', '1', 'b', '2'), /CROSSSLOT/);

  const piped = await cluster.pipeline().incr(p + 'c').incr(p + 'c').get(p + 'c').exec();
  assert.deepEqual(piped, [[null, 1], [null, 2], [null, '2']]);
  const tx = await cluster.multi().set(p + 'tx', 'v').incr(p + 'n').get(p + 'tx').exec();
  assert.deepEqual(tx, [[null, 'OK'], [null, 2], [null, 'v']]);

  const spread = Array.from({ length: 40 }, (_, i) => `spread:${i}`);
  for (const k of spread) await cluster.set(k, k);
  const keys = new Set();
  for (const node of cluster.nodes('master')) {
    await new Promise((resolve, reject) => {
      const stream = node.scanStream({ match: 'spread:*', count: 7 });
      stream.on('data', (batch) => batch.forEach((k) => keys.add(k)));
      stream.on('end', resolve);
      stream.on('error', reject);
    });
  }
  assert.deepEqual([...keys].sort(), [...spread].sort());

  const info = await cluster.cluster('INFO');
  assert.match(info, /^cluster_state:ok\r\n/);
  const slots = await cluster.cluster('SLOTS');
  assert.deepEqual(slots.map((s) => [s[0], s[1], s[2][0], s[2][1]]), [[0, 16383, '127.0.0.1', port]]);
  assert.equal(await cluster.cluster('KEYSLOT', 'foo'), 12182);
  assert.equal(await cluster.cluster('COUNTKEYSINSLOT', String(await cluster.cluster('KEYSLOT', p))), 5);  // n m1 m2 c tx
  cluster.disconnect();
  finished = true;
  console.log('ioredis Cluster: ok');
})().catch((err) => { console.error(err); process.exit(1); });

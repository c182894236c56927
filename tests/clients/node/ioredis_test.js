// ioredis (v6) against lrukv: its INFO ready check, strings, TTLs, MGET/MSET, pipelines with and
// without MULTI, scanStream, binary values. Exits non-zero on the first mismatch.
'use strict';
const assert = require('node:assert/strict');
const Redis = require('ioredis');

const port = Number(process.argv[2]);

(async () => {
  const redis = new Redis({ host: '127.0.0.1', port, enableReadyCheck: true, lazyConnect: true,
                            retryStrategy: () => null, maxRetriesPerRequest: 0 });
  await redis.connect();  // resolves only after the INFO ready check passed
  const p = 'ioredis:';

  assert.equal(await redis.ping(), 'PONG');
  assert.equal(await redis.set(p + 'a', 'hello', 'EX', 100), 'OK');
  assert.equal(await redis.get(p + 'a'), 'hello');
  const pttl = await redis.pttl(p + 'a');
  assert.ok(pttl > 98000 && pttl <= 100000, `pttl ${pttl}`);
  assert.equal(await redis.getdel(p + 'a'), 'hello');
  assert.equal(await redis.exists(p + 'a'), 0);

  const bytes = Buffer.from([...Array(256).keys()]);
  await redis.set(p + 'bin', bytes);
  assert.ok(bytes.equals(await redis.getBuffer(p + 'bin')));

  assert.equal(await redis.mset(p + 'm1', 'x', p + 'm2', 'y'), 'OK');
  assert.deepEqual(await redis.mget(p + 'm1', p + 'm2', p + 'none'), ['x', 'y', null]);

  const piped = await redis.pipeline().incr(p + 'c').incr(p + 'c').get(p + 'c').exec();
  assert.deepEqual(piped, [[null, 1], [null, 2], [null, '2']]);
  const tx = await redis.multi().set(p + 'tx', 'v').get(p + 'tx').exec();
  assert.deepEqual(tx, [[null, 'OK'], [null, 'v']]);
  await assert.rejects(redis.incr(p + 'm1'), /value is not an integer/);

  const keys = new Set();
  await new Promise((resolve, reject) => {
    const stream = redis.scanStream({ match: p + 'm*', count: 5 });
    stream.on('data', (batch) => batch.forEach((k) => keys.add(k)));
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  assert.deepEqual([...keys].sort(), [p + 'm1', p + 'm2']);

  assert.equal(await redis.del(p + 'bin', p + 'm1', p + 'm2', p + 'c', p + 'tx'), 5);
  redis.disconnect();
  console.log('ioredis: ok');
})().catch((err) => { console.error(err); process.exit(1); });

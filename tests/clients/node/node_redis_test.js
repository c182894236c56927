// node-redis (v6) against lrukv, in RESP2 and RESP3: connect (HELLO, CLIENT SETINFO), strings,
// TTLs, MGET/MSET, MULTI/EXEC, scanIterator, INFO. Exits non-zero on the first mismatch.
'use strict';
const assert = require('node:assert/strict');
const { createClient } = require('redis');

const port = Number(process.argv[2]);

async function exercise(resp) {
  const client = createClient({ socket: { host: '127.0.0.1', port, reconnectStrategy: false }, RESP: resp });
  client.on('error', (err) => { console.error(`node-redis RESP${resp} error`, err); process.exitCode = 1; });
  await client.connect();
  const p = `node-redis:${resp}:`;

  assert.equal(await client.ping(), 'PONG');
  assert.equal(await client.set(p + 'a', 'hello'), 'OK');
  assert.equal(await client.get(p + 'a'), 'hello');
  assert.equal(await client.get(p + 'missing'), null);
  assert.equal(await client.set(p + 'a', 'x', { condition: 'NX' }), null);
  assert.equal(await client.append(p + 'a', ' world'), 11);
  assert.equal(await client.strLen(p + 'a'), 11);
  assert.equal(await client.getRange(p + 'a', 0, 4), 'hello');
  assert.equal(await client.incrBy(p + 'n', 5), 5);
  assert.equal(Number(await client.incrByFloat(p + 'n', 1.5)), 6.5);

  assert.equal(await client.set(p + 't', 'v', { expiration: { type: 'EX', value: 100 } }), 'OK');
  const ttl = await client.ttl(p + 't');
  assert.ok(ttl > 98 && ttl <= 100, `ttl ${ttl}`);
  assert.equal(await client.persist(p + 't'), 1);
  assert.equal(await client.ttl(p + 't'), -1);

  assert.equal(await client.mSet([[p + 'm1', '1'], [p + 'm2', '2']]), 'OK');
  assert.deepEqual(await client.mGet([p + 'm1', p + 'nope', p + 'm2']), ['1', null, '2']);

  const results = await client.multi().set(p + 'tx', '1').incr(p + 'tx').get(p + 'tx').exec();
  assert.deepEqual(results, ['OK', 2, '2']);

  const seen = new Set();
  for await (const keys of client.scanIterator({ MATCH: p + 'm*', COUNT: 10 })) {
    for (const k of keys) seen.add(k);
  }
  assert.deepEqual([...seen].sort(), [p + 'm1', p + 'm2']);

  const info = await client.info('server');
  assert.match(info, /redis_version:7\.0\./);
  assert.match(info, /redis_mode:standalone/);
  assert.equal(await client.del([p + 'a', p + 'n', p + 't', p + 'm1', p + 'm2', p + 'tx']), 6);
  client.destroy();
  console.log(`node-redis RESP${resp}: ok`);
}

(async () => {
  await exercise(2);
  await exercise(3);
})().catch((err) => { console.error(err); process.exit(1); });

// ioredis (v6) through twemproxy (nutcracker) in front of lrukv, with the README's settings:
// ordinary work, a reconnect, then each setting turned back to its default one at a time (the
// proxy must close the connection, so connect() fails), and what a refused command does.
// Usage: node twemproxy_ioredis_test.js PROXY_PORT. Exits non-zero on the first mismatch.
'use strict';
const assert = require('node:assert/strict');
const Redis = require('ioredis');

const port = Number(process.argv[2]);
// A promise that never settles lets node exit with status 0 halfway: only the last line counts.
let finished = false;
process.on('exit', (code) => { if (!finished && code === 0) process.exitCode = 1; });
// The README's settings: no HELLO 3, no CLIENT SETINFO, no INFO ready check (db 0 and no
// connectionName are the defaults).
const behindTwemproxy = { protocol: 2, disableClientInfo: true, enableReadyCheck: false };

function client(options) {
  return new Redis({ host: '127.0.0.1', port, lazyConnect: true, ...options });
}

function within(ms, promise) {
  return Promise.race([promise, new Promise((resolve) => setTimeout(() => resolve('pending'), ms))]);
}

async function expectConnectClosedByProxy(what, options) {
  const redis = client({ ...behindTwemproxy, ...options, retryStrategy: () => null });
  redis.on('error', () => {});
  await assert.rejects(redis.connect(), /Connection is closed/, what);
  assert.equal(redis.status, 'end', what);
}

(async () => {
  const redis = client({ ...behindTwemproxy, retryStrategy: () => 20 });
  const events = [];
  for (const name of ['ready', 'close', 'reconnecting']) redis.on(name, () => events.push(name));
  redis.on('error', () => {});
  await redis.connect();
  const p = 'ioredis:twemproxy:';

  // ---- ordinary work with the settings ----
  assert.equal(await redis.ping(), 'PONG');
  const keys = Array.from({ length: 100 }, (_, i) => p + i);
  await redis.del(...keys, p + 'c');  // a rerun starts clean
  for (const [i, k] of keys.entries()) assert.equal(await redis.set(k, String(i)), 'OK');
  assert.deepEqual(await redis.mget(...keys), keys.map((_, i) => String(i)));
  assert.equal(await redis.expire(keys[0], 100), 1);
  const ttl = await redis.ttl(keys[0]);
  assert.ok(ttl > 98 && ttl <= 100, `ttl ${ttl}`);
  const piped = await redis.pipeline().incr(p + 'c').incr(p + 'c').get(p + 'c').mget(keys[1], keys[2]).exec();
  assert.deepEqual(piped, [[null, 1], [null, 2], [null, '2'], [null, ['1', '2']]]);
  assert.equal(await redis.del(...keys, p + 'c'), 101);

  // ---- a dropped connection: ioredis reconnects, and its handshake passes the proxy again ----
  redis.stream.destroy();
  assert.equal(await redis.set(p + 'after', 'v'), 'OK');  // queued until the reconnect is ready
  assert.equal(await redis.get(p + 'after'), 'v');
  assert.deepEqual(events, ['ready', 'close', 'reconnecting', 'ready']);

  // ---- a command the proxy refuses never settles: ioredis resends it after each reconnect
  // (autoResendUnfulfilledCommands, default true), the proxy closes again, and so on ----
  const before = events.length;
  const info = redis.info();
  info.catch(() => {});
  assert.ok(await within(500, info) === 'pending', 'the refused INFO settled');
  const reconnects = events.slice(before).filter((e) => e === 'reconnecting').length;
  assert.ok(reconnects >= 5, `only ${reconnects} reconnects in 500 ms`);
  redis.disconnect();  // ends the loop (the refused command may stay pending even then)

  // ---- each default the README warns about: the proxy closes the connection ----
  await expectConnectClosedByProxy('all defaults', { protocol: 3, disableClientInfo: false,
                                                     enableReadyCheck: true });
  await expectConnectClosedByProxy('protocol 3 (HELLO 3)', { protocol: 3 });
  await expectConnectClosedByProxy('disableClientInfo false (CLIENT SETINFO)', { disableClientInfo: false });
  await expectConnectClosedByProxy('enableReadyCheck true (INFO)', { enableReadyCheck: true });
  await expectConnectClosedByProxy('connectionName (CLIENT SETNAME)', { connectionName: 'app' });
  await expectConnectClosedByProxy('db 1 (SELECT 1)', { db: 1 });

  const check = client({ ...behindTwemproxy, retryStrategy: () => null });
  await check.connect();
  assert.equal(await check.getdel(p + 'after'), 'v');
  check.disconnect();
  finished = true;
  console.log('ioredis behind twemproxy: ok');
  process.exit(0);  // the abandoned refused command would hold the loop open for seconds
})().catch((err) => { console.error(err); process.exit(1); });

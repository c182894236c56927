// node-redis (v6) through twemproxy (nutcracker) in front of lrukv, with the README's settings:
// ordinary work, a refused command (the proxy closes: the command and those in flight with it
// reject, the client reconnects and goes on), then each setting turned back to its default one
// at a time (the proxy must close the connection, so connect() fails).
// Usage: node twemproxy_node_redis_test.js PROXY_PORT. Exits non-zero on the first mismatch.
'use strict';
const assert = require('node:assert/strict');
const { createClient } = require('redis');

const port = Number(process.argv[2]);
// A promise that never settles lets node exit with status 0 halfway: only the last line counts.
let finished = false;
process.on('exit', (code) => { if (!finished && code === 0) process.exitCode = 1; });
// The README's settings: no HELLO 3 (nor, with it, CLIENT MAINT_NOTIFICATIONS), no CLIENT
// SETINFO (database 0 and no name are the defaults).
const behindTwemproxy = { RESP: 2, disableClientInfo: true };

function client(options, reconnectStrategy) {
  return createClient({ socket: { host: '127.0.0.1', port, reconnectStrategy }, ...options });
}

async function expectConnectClosedByProxy(what, options) {
  const c = client({ ...behindTwemproxy, ...options }, false);
  c.on('error', () => {});
  await assert.rejects(c.connect(), /Socket closed unexpectedly/, what);
  assert.equal(c.isOpen, false, what);
}

(async () => {
  const c = client(behindTwemproxy, () => 20);
  const events = [];
  for (const name of ['ready', 'reconnecting']) c.on(name, () => events.push(name));
  c.on('error', (err) => events.push(`error: ${err.message}`));
  await c.connect();
  const p = 'node-redis:twemproxy:';

  // ---- ordinary work with the settings ----
  assert.equal(await c.ping(), 'PONG');
  const keys = Array.from({ length: 100 }, (_, i) => p + i);
  await c.del([...keys, p + 'c']);  // a rerun starts clean
  for (const [i, k] of keys.entries()) assert.equal(await c.set(k, String(i)), 'OK');
  assert.deepEqual(await c.mGet(keys), keys.map((_, i) => String(i)));
  assert.equal(await c.expire(keys[0], 100), 1);
  const ttl = await c.ttl(keys[0]);
  assert.ok(ttl > 98 && ttl <= 100, `ttl ${ttl}`);
  // multi().execAsPipeline() sends the commands without MULTI/EXEC.
  const piped = await c.multi().incr(p + 'c').incr(p + 'c').get(p + 'c').mGet([keys[1], keys[2]])
    .execAsPipeline();
  assert.deepEqual(piped, [1, 2, '2', ['1', '2']]);
  assert.equal(await c.del([...keys, p + 'c']), 101);
  assert.deepEqual(events, ['ready']);

  // ---- a refused command: the proxy closes; it and the GET sent with it reject, the client
  // reconnects (its handshake passes the proxy again) and goes on ----
  const refused = c.sendCommand(['ECHO', 'hi']);
  const inFlight = c.get(p + 'x');
  await assert.rejects(refused, /Socket closed unexpectedly/);
  await assert.rejects(inFlight, /Socket closed unexpectedly/);
  assert.equal(await c.set(p + 'after', 'v'), 'OK');
  assert.deepEqual(events, ['ready', 'error: Socket closed unexpectedly', 'reconnecting', 'ready']);
  // A transaction is refused the same way.
  await assert.rejects(c.multi().set(p + 'tx', '1').exec(), /Socket closed unexpectedly/);
  assert.equal(await c.getDel(p + 'after'), 'v');
  await c.close();

  // ---- each default the README warns about: the proxy closes the connection ----
  await expectConnectClosedByProxy('all defaults', { RESP: 3, disableClientInfo: false });
  await expectConnectClosedByProxy('RESP 3 (HELLO 3)', { RESP: 3 });
  await expectConnectClosedByProxy('disableClientInfo false (CLIENT SETINFO)', { disableClientInfo: false });
  await expectConnectClosedByProxy('name (CLIENT SETNAME)', { name: 'app' });
  await expectConnectClosedByProxy('database 1 (SELECT 1)', { database: 1 });
  finished = true;
  console.log('node-redis behind twemproxy: ok');
})().catch((err) => { console.error(err); process.exit(1); });

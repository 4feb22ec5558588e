// node-redis (npm `redis`) against a server on 127.0.0.1:PORT, with the
// client's default options.
//
// Usage: node node_redis_check.js PORT redis5|redis6
//
// node-redis 5 speaks RESP2 (no HELLO unless asked); node-redis 6 opens every
// connection with HELLO 3 (plus SETNAME when a name is given). Both pipeline
// CLIENT SETINFO LIB-VER / LIB-NAME and ignore its errors. Exits 0 only if
// every check passes; the same script passes against Debian's redis-server 7.0.
'use strict';

const h = require('./harness');

const port = h.parsePort(process.argv);
const pkg = process.argv[3] || 'redis6';
const mod = h.requireClient(pkg);
const version = require(`${pkg}/package.json`).version;
const expectedResp = Number(version.split('.')[0]) >= 6 ? 3 : 2;
const checks = new h.Checks(`${pkg} (node-redis ${version})`);
const url = `redis://127.0.0.1:${port}`;

async function connect(options = {}) {
  const client = mod.createClient({ url, ...options });
  const errors = [];
  client.on('error', (err) => errors.push(err));
  try {
    await client.connect();
  } catch (err) {
    client.destroy();
    throw err;
  }
  client.errorsSeen = errors;
  return client;
}

async function main() {
  let client;
  await checks.run('connect with defaults', async () => {
    client = await connect();
    h.expectEq(client.isReady, true, 'isReady');
  });
  if (!client) {
    checks.finish();
    return;
  }

  await checks.run(`protocol: RESP${expectedResp}`, async () => {
    const info = await client.sendCommand(['CLIENT', 'INFO']);
    h.expectEq(h.clientField(String(info), 'resp'), String(expectedResp),
               `CLIENT INFO resp (${String(info).trim()})`);
    const hello = await client.sendCommand(['HELLO']);
    if (expectedResp === 3) {
      // A RESP3 map arrives as a plain object.
      h.expectEq(hello.proto, 3, `HELLO proto (${JSON.stringify(hello)})`);
      h.expectEq(hello.server, 'redis', 'HELLO server');
    } else {
      h.expectTrue(Array.isArray(hello), `HELLO is an array in RESP2: ${JSON.stringify(hello)}`);
      h.expectEq(hello[hello.indexOf('proto') + 1], 2, 'HELLO proto');
    }
  });

  await checks.run('ping', async () => {
    h.expectEq(await client.ping(), 'PONG', 'PING');
    h.expectEq(await client.ping('hi'), 'hi', 'PING hi');
    h.expectEq(await client.flushAll(), 'OK', 'FLUSHALL');
  });

  await checks.run('set/get', async () => {
    h.expectEq(await client.set('greeting', 'hello'), 'OK', 'SET');
    h.expectEq(await client.get('greeting'), 'hello', 'GET');
    h.expectEq(await client.get('missing'), null, 'GET missing');
    h.expectEq(await client.set('greeting', 'x', { NX: true }), null, 'SET NX existing');
    h.expectEq(await client.set('greeting', 'y', { GET: true }), 'hello', 'SET GET');
    h.expectEq(await client.set('ttl', 'v', { EX: 100 }), 'OK', 'SET EX');
    h.expectEq(await client.ttl('ttl'), 100, 'TTL');
    h.expectEq(await client.expire('greeting', 50), 1, 'EXPIRE');
    h.expectEq(await client.ttl('greeting'), 50, 'TTL after EXPIRE');
    h.expectEq(await client.exists(['greeting', 'missing']), 1, 'EXISTS');
    h.expectEq(await client.del(['greeting', 'ttl', 'missing']), 2, 'DEL');
  });

  await checks.run('100 commands at once (auto-pipelined)', async () => {
    const sets = Array.from({ length: 50 }, (_, i) => client.set(`p:${i}`, String(i)));
    const gets = Array.from({ length: 50 }, (_, i) => client.get(`p:${i}`));
    const replies = await Promise.all([...sets, ...gets]);
    const expected = [...Array(50).fill('OK'), ...Array.from({ length: 50 }, (_, i) => String(i))];
    h.expectEq(replies, expected, 'replies');
  });

  await checks.run('explicit pipeline of 100 commands (execAsPipeline)', async () => {
    const multi = client.multi();
    for (let i = 0; i < 100; i++) multi.incr('pipelined');
    const replies = await multi.execAsPipeline();
    h.expectEq(replies, Array.from({ length: 100 }, (_, i) => i + 1), 'INCR replies');
  });

  await checks.run('MULTI/EXEC', async () => {
    const replies = await client.multi().set('tx', '1').incr('tx').incrBy('tx', 10).get('tx').del('tx').exec();
    h.expectEq(replies, ['OK', 2, 12, '12', 1], 'EXEC replies');
  });

  await checks.run('MULTI/EXEC with an error inside', async () => {
    await client.set('tx:s', 'abc');
    const err = await h.expectError(() => client.multi().incr('tx:s').set('tx:t', 'ok').exec(),
                                    /.*/, 'EXEC');
    h.expectEq(err.constructor.name, 'MultiErrorReply', 'error class');
    h.expectEq(err.replies.length, 2, 'reply count');
    h.expectEq(err.replies[0].message, 'ERR value is not an integer or out of range', 'INCR error');
    h.expectEq(err.replies[1], 'OK', 'SET in EXEC');
  });

  await checks.run('EXECABORT after a queueing error', async () => {
    await h.expectError(
        () => client.multi().set('a', '1').addCommand(['NOSUCHCOMMAND', 'x']).exec(),
        /EXECABORT Transaction discarded because of previous errors\.|ERR unknown command 'NOSUCHCOMMAND'/,
        'EXEC');
    h.expectEq(await client.get('a'), null, 'nothing ran');
  });

  await checks.run('error replies by text', async () => {
    await client.set('notanumber', 'abc');
    await h.expectError(() => client.incr('notanumber'),
                        'ERR value is not an integer or out of range', 'INCR');
    await h.expectError(() => client.sendCommand(['NOSUCHCOMMAND', 'a', 'b']),
                        "ERR unknown command 'NOSUCHCOMMAND', with args beginning with: 'a' 'b' ",
                        'unknown command');
    await h.expectError(() => client.sendCommand(['GET']),
                        "ERR wrong number of arguments for 'get' command", 'GET arity');
    h.expectEq(await client.ping(), 'PONG', 'PING after errors');
  });

  await checks.run('WATCH conflict aborts EXEC', async () => {
    const other = await connect();
    await client.set('watched', '1');
    h.expectEq(await client.watch('watched'), 'OK', 'WATCH');
    await other.set('watched', 'changed');
    const err = await h.expectError(() => client.multi().set('watched', '2').exec(), /.*/, 'EXEC');
    h.expectEq(err.constructor.name, 'WatchError', `error class (${err.message})`);
    h.expectEq(await client.get('watched'), 'changed', 'value');
    other.destroy();
  });

  await checks.run('client name', async () => {
    h.expectEq(await client.clientSetName('node-redis-check'), 'OK', 'CLIENT SETNAME');
    h.expectEq(await client.clientGetName(), 'node-redis-check', 'CLIENT GETNAME');
    // With `name`, node-redis 6 sends HELLO 3 SETNAME; node-redis 5 CLIENT SETNAME.
    const named = await connect({ name: 'from-options' });
    h.expectEq(await named.clientGetName(), 'from-options', 'name option');
    const list = String(await client.sendCommand(['CLIENT', 'LIST']));
    const names = list.trim().split('\n').map((line) => h.clientField(line, 'name'));
    h.expectTrue(names.includes('node-redis-check') && names.includes('from-options'),
                 `CLIENT LIST names: ${names}`);
    named.destroy();
  });

  await checks.run('INFO', async () => {
    await client.flushDb();
    await client.mSet({ k1: 'a', k2: 'b' });
    const info = await client.info();
    h.expectEq(typeof info, 'string', 'INFO type');
    h.expectTrue(info.startsWith('# Server\r\n'), `INFO starts with: ${JSON.stringify(info.slice(0, 20))}`);
    h.expectTrue(/\r\nredis_version:7\.[0-9.]+\r\n/.test(info), 'INFO redis_version');
    const keyspace = await client.info('keyspace');
    h.expectTrue(/^# Keyspace\r\ndb0:keys=2,expires=0,avg_ttl=\d+\r\n$/.test(keyspace),
                 `INFO keyspace: ${JSON.stringify(keyspace)}`);
  });

  await checks.run('CONFIG GET', async () => {
    h.expectEq({ ...(await client.configGet('port')) }, { port: String(port) }, 'configGet port');
    const raw = await client.sendCommand(['CONFIG', 'GET', 'port']);
    if (expectedResp === 3) {
      h.expectTrue(!Array.isArray(raw), `CONFIG GET is a map in RESP3: ${JSON.stringify(raw)}`);
      h.expectEq({ ...raw }, { port: String(port) }, 'CONFIG GET map');
    } else {
      h.expectEq(raw, ['port', String(port)], 'CONFIG GET is an array in RESP2');
    }
    const many = await client.configGet('maxmemory*');
    h.expectTrue('maxmemory' in many && 'maxmemory-policy' in many,
                 `CONFIG GET maxmemory*: ${JSON.stringify(many)}`);
  });

  await checks.run('MGET/MSET, SCAN', async () => {
    h.expectEq(await client.mSet({ m1: 'one', m2: 'two' }), 'OK', 'MSET');
    h.expectEq(await client.mGet(['m1', 'nope', 'm2']), ['one', null, 'two'], 'MGET');
    await Promise.all(Array.from({ length: 300 }, (_, i) => client.set(`scan:${i}`, 'v')));
    const seen = new Set();
    for await (const batch of client.scanIterator({ MATCH: 'scan:*', COUNT: 50 })) {
      for (const key of [].concat(batch)) seen.add(key);
    }
    h.expectEq(seen.size, 300, 'keys seen by scanIterator');
  });

  await checks.run('SELECT via the database option', async () => {
    const db3 = await connect({ database: 3 });
    await db3.flushDb();
    h.expectEq(await db3.set('only-in-3', 'x'), 'OK', 'SET in db 3');
    h.expectEq(await client.get('only-in-3'), null, 'db 0 does not see db 3');
    h.expectEq(await db3.dbSize(), 1, 'DBSIZE db 3');
    db3.destroy();
  });

  await checks.run('pub/sub: subscribe and pSubscribe listeners', async () => {
    const sub = await connect();
    const got = [];
    await sub.subscribe('orders', (message, channel) => got.push(['message', channel, message]));
    await sub.pSubscribe('ord*', (message, channel) => got.push(['pmessage', channel, message]));
    h.expectEq(await client.publish('orders', 'o1'), 2, 'PUBLISH receivers');
    for (let i = 0; i < 50 && got.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    h.expectEq(got, [['message', 'orders', 'o1'], ['pmessage', 'orders', 'o1']], 'listeners called');
    await sub.unsubscribe('orders');
    await sub.pUnsubscribe('ord*');
    h.expectEq(await client.publish('orders', 'o2'), 0, 'nobody left');
    h.expectEq(sub.errorsSeen.map(String), [], 'subscriber error events');
    sub.destroy();
  });

  if (expectedResp === 3 && mod.BasicClientSideCache) {
    await checks.run('client-side caching (clientSideCache, CLIENT TRACKING)', async () => {
      const cache = new mod.BasicClientSideCache({ ttl: 0, maxEntries: 0 });
      const cached = await connect({ RESP: 3, clientSideCache: cache });
      await client.set('csc:k', 'v1');
      h.expectEq(await cached.get('csc:k'), 'v1', 'first GET (from the server)');
      h.expectEq(await cached.get('csc:k'), 'v1', 'second GET (from the cache)');
      h.expectEq(cache.stats().hitCount, 1, 'one cache hit');
      await client.set('csc:k', 'v2');
      // The invalidation push arrives on the cached connection.
      let seen = null;
      for (let i = 0; i < 100 && seen !== 'v2'; i++) {
        seen = await cached.get('csc:k');
        if (seen !== 'v2') await new Promise((r) => setTimeout(r, 10));
      }
      h.expectEq(seen, 'v2', 'GET after the write (invalidated)');
      h.expectEq(cached.errorsSeen.map(String), [], 'cached client error events');
      cached.destroy();
    });
  }

  await checks.run('streams: xAdd, xReadGroup, xAck, xRead BLOCK served by xAdd', async () => {
    await client.del('orders');
    h.expectEq(await client.xAdd('orders', '1-1', { item: 'book', qty: '2' }), '1-1', 'xAdd');
    h.expectEq(await client.xAdd('orders', '2-1', { item: 'pen' }, { TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: 1000 } }),
               '2-1', 'xAdd with TRIM');
    h.expectEq(await client.xLen('orders'), 2, 'xLen');
    const range = await client.xRange('orders', '-', '+');
    h.expectEq(range.map((e) => [e.id, { ...e.message }]), [['1-1', { item: 'book', qty: '2' }], ['2-1', { item: 'pen' }]],
               'xRange');
    h.expectEq(await client.xGroupCreate('orders', 'billing', '0'), 'OK', 'xGroupCreate');
    const raw = await client.sendCommand(['XREADGROUP', 'GROUP', 'billing', 'w1', 'COUNT', '1', 'STREAMS', 'orders', '>']);
    const entries = [['1-1', ['item', 'book', 'qty', '2']]];
    if (expectedResp === 3) {
      h.expectEq({ ...raw }, { orders: entries }, 'XREADGROUP is a map in RESP3');
    } else {
      h.expectEq(raw, [['orders', entries]], 'XREADGROUP is an array in RESP2');
    }
    h.expectEq(await client.xAck('orders', 'billing', '1-1'), 1, 'xAck');
    const pending = await client.xPending('orders', 'billing');
    h.expectEq(pending.pending, 0, 'xPending count');
    const reader = await connect();
    const waiting = reader.sendCommand(['XREAD', 'BLOCK', '5000', 'STREAMS', 'orders', '$']);
    for (let i = 0; i < 100; i++) {
      if ((await client.clientList()).some((c) => c.cmd === 'xread')) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    await client.xAdd('orders', '3-1', { item: 'ink' });
    const served = await waiting;
    const late = [['3-1', ['item', 'ink']]];
    h.expectEq(expectedResp === 3 ? { ...served } : served, expectedResp === 3 ? { orders: late } : [['orders', late]],
               'XREAD BLOCK served');
    h.expectEq(await reader.sendCommand(['XREAD', 'BLOCK', '50', 'STREAMS', 'orders', '$']), null, 'XREAD BLOCK timeout');
    reader.destroy();
  });

  await checks.run('no connection errors', async () => {
    h.expectEq(client.errorsSeen.map(String), [], 'error events');
  });

  await checks.run('QUIT', async () => {
    h.expectEq(await client.quit(), 'OK', 'QUIT');
    h.expectEq(client.isOpen, false, 'isOpen after QUIT');
  });

  checks.finish();
}

main().catch((err) => {
  console.log(`FAIL ${pkg}: ${err && err.stack ? err.stack : err}`);
  process.exit(1);
});

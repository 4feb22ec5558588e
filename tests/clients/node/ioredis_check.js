// ioredis against a server on 127.0.0.1:PORT, with ioredis's default options.
//
// Usage: node ioredis_check.js PORT ioredis5|ioredis6
//
// ioredis 5 speaks RESP2; ioredis 6 opens every connection with HELLO 3
// (falling back to RESP2 only if HELLO is unknown). Both pipeline
// CLIENT SETINFO (errors ignored) and then run the ready check: INFO, parsed
// for loading:0, before the client is 'ready'. Exits 0 only if every check
// passes; the same script passes against Debian's redis-server 7.0.
'use strict';

const h = require('./harness');

const port = h.parsePort(process.argv);
const pkg = process.argv[3] || 'ioredis6';
const mod = h.requireClient(pkg);
const Redis = mod.default || mod;
const version = require(`${pkg}/package.json`).version;
const expectedResp = Number(version.split('.')[0]) >= 6 ? 3 : 2;
const checks = new h.Checks(`${pkg} (ioredis ${version})`);

// Record what the ready check (INFO) saw, to prove that path ran and passed.
const readyChecks = [];
const originalReadyCheck = Redis.prototype._readyCheck;
if (typeof originalReadyCheck === 'function') {
  Redis.prototype._readyCheck = function (callback) {
    return originalReadyCheck.call(this, (err, info) => {
      readyChecks.push({ err, info });
      callback(err, info);
    });
  };
}

function connect(options = {}) {
  const client = new Redis({ host: '127.0.0.1', port, ...options });
  return new Promise((resolve, reject) => {
    client.once('ready', () => resolve(client));
    client.once('error', (err) => {
      client.disconnect();
      reject(err);
    });
  });
}

async function main() {
  let redis;
  await checks.run('connect with defaults (ready check)', async () => {
    redis = await connect();
    h.expectEq(redis.status, 'ready', 'status');
    h.expectEq(redis.options.enableReadyCheck, true, 'enableReadyCheck default');
    h.expectTrue(typeof originalReadyCheck === 'function', 'Redis.prototype._readyCheck exists');
    h.expectEq(readyChecks.length, 1, 'ready checks run');
    const { err, info } = readyChecks[0];
    h.expectEq(err, null, 'ready check error');
    h.expectTrue(/^7\./.test(info.redis_version), `INFO redis_version: ${info.redis_version}`);
    h.expectEq(info.loading, '0', 'INFO loading (what the ready check waits on)');
  });
  if (!redis) {
    checks.finish();
    return;
  }

  await checks.run(`protocol: RESP${expectedResp}`, async () => {
    const info = await redis.client('INFO');
    h.expectEq(h.clientField(info, 'resp'), String(expectedResp), `CLIENT INFO resp (${info.trim()})`);
    const hello = await redis.call('HELLO');
    // HELLO with no arguments reports the current protocol; ioredis's default
    // reply mapping flattens a RESP3 map into [key, value, ...].
    const proto = hello[hello.indexOf('proto') + 1];
    h.expectEq(proto, expectedResp, 'HELLO proto');
    h.expectEq(hello[hello.indexOf('server') + 1], 'redis', 'HELLO server');
  });

  await checks.run('ping', async () => {
    h.expectEq(await redis.ping(), 'PONG', 'PING');
    h.expectEq(await redis.ping('hi'), 'hi', 'PING hi');
    h.expectEq(await redis.flushall(), 'OK', 'FLUSHALL');
  });

  await checks.run('set/get', async () => {
    h.expectEq(await redis.set('greeting', 'hello'), 'OK', 'SET');
    h.expectEq(await redis.get('greeting'), 'hello', 'GET');
    h.expectEq(await redis.get('missing'), null, 'GET missing');
    const bin = Buffer.from([0, 1, 255, 13, 10]);
    h.expectEq(await redis.set('bin', bin), 'OK', 'SET binary');
    h.expectEq(await redis.getBuffer('bin'), bin, 'GET binary');
    h.expectEq(await redis.set('greeting', 'x', 'NX'), null, 'SET NX existing');
    h.expectEq(await redis.set('ttl', 'v', 'EX', 100), 'OK', 'SET EX');
    h.expectEq(await redis.ttl('ttl'), 100, 'TTL');
    h.expectEq(await redis.del('greeting', 'bin', 'missing'), 2, 'DEL');
  });

  await checks.run('pipeline of 100 commands', async () => {
    const pipeline = redis.pipeline();
    for (let i = 0; i < 50; i++) pipeline.set(`p:${i}`, String(i));
    for (let i = 0; i < 50; i++) pipeline.get(`p:${i}`);
    const results = await pipeline.exec();
    h.expectEq(results.length, 100, 'reply count');
    const expected = [];
    for (let i = 0; i < 50; i++) expected.push([null, 'OK']);
    for (let i = 0; i < 50; i++) expected.push([null, String(i)]);
    h.expectEq(results, expected, 'pipeline replies');
  });

  await checks.run('100 commands in flight at once', async () => {
    const replies = await Promise.all(
      Array.from({ length: 100 }, (_, i) => redis.incr('concurrent')));
    h.expectEq(replies, Array.from({ length: 100 }, (_, i) => i + 1), 'INCR replies');
  });

  await checks.run('MULTI/EXEC', async () => {
    const results = await redis.multi().set('tx', '1').incr('tx').incrby('tx', 10).get('tx').del('tx').exec();
    h.expectEq(results, [[null, 'OK'], [null, 2], [null, 12], [null, '12'], [null, 1]], 'EXEC replies');
  });

  await checks.run('MULTI/EXEC with an error inside', async () => {
    await redis.set('tx:s', 'abc');
    const results = await redis.multi().incr('tx:s').set('tx:t', 'ok').exec();
    h.expectEq(results.length, 2, 'reply count');
    h.expectTrue(results[0][0] instanceof Error, `INCR in EXEC: ${results[0]}`);
    h.expectEq(results[0][0].message, 'ERR value is not an integer or out of range', 'INCR error');
    h.expectEq(results[1], [null, 'OK'], 'SET in EXEC');
  });

  await checks.run('EXECABORT after a queueing error', async () => {
    const err = await h.expectError(
      () => redis.multi().set('a', '1').call('NOSUCHCOMMAND', 'x').exec(),
      'EXECABORT Transaction discarded because of previous errors.', 'EXEC');
    const previous = (err.previousErrors || []).map((e) => e.message);
    h.expectEq(previous, ["ERR unknown command 'NOSUCHCOMMAND', with args beginning with: 'x' "],
               'previousErrors');
    h.expectEq(await redis.get('a'), null, 'nothing ran');
  });

  await checks.run('error replies by text', async () => {
    await redis.set('notanumber', 'abc');
    await h.expectError(() => redis.incr('notanumber'),
                        'ERR value is not an integer or out of range', 'INCR');
    await h.expectError(() => redis.call('NOSUCHCOMMAND', 'a', 'b'),
                        "ERR unknown command 'NOSUCHCOMMAND', with args beginning with: 'a' 'b' ",
                        'unknown command');
    await h.expectError(() => redis.call('GET'),
                        "ERR wrong number of arguments for 'get' command", 'GET arity');
    // The connection is still usable after errors.
    h.expectEq(await redis.ping(), 'PONG', 'PING after errors');
  });

  await checks.run('WATCH conflict aborts EXEC', async () => {
    const other = await connect();
    await redis.set('watched', '1');
    h.expectEq(await redis.watch('watched'), 'OK', 'WATCH');
    await other.set('watched', 'changed');
    h.expectEq(await redis.multi().set('watched', '2').exec(), null, 'EXEC after conflict');
    h.expectEq(await redis.get('watched'), 'changed', 'value');
    await other.quit();
  });

  await checks.run('client name', async () => {
    h.expectEq(await redis.client('SETNAME', 'ioredis-check'), 'OK', 'CLIENT SETNAME');
    h.expectEq(await redis.client('GETNAME'), 'ioredis-check', 'CLIENT GETNAME');
    const named = await connect({ connectionName: 'from-options' });
    h.expectEq(await named.client('GETNAME'), 'from-options', 'connectionName option');
    const list = await redis.client('LIST');
    const names = list.trim().split('\n').map((line) => h.clientField(line, 'name'));
    h.expectTrue(names.includes('ioredis-check') && names.includes('from-options'),
                 `CLIENT LIST names: ${names}`);
    await named.quit();
  });

  await checks.run('INFO', async () => {
    await redis.flushdb();
    await redis.mset('k1', 'a', 'k2', 'b');
    const info = await redis.info();
    h.expectEq(typeof info, 'string', 'INFO type');
    h.expectTrue(info.startsWith('# Server\r\n'), `INFO starts with: ${JSON.stringify(info.slice(0, 20))}`);
    h.expectTrue(/\r\nredis_version:7\.[0-9.]+\r\n/.test(info), 'INFO redis_version');
    const keyspace = await redis.info('keyspace');
    h.expectTrue(/^# Keyspace\r\ndb0:keys=2,expires=0,avg_ttl=\d+\r\n$/.test(keyspace),
                 `INFO keyspace: ${JSON.stringify(keyspace)}`);
  });

  await checks.run('CONFIG GET', async () => {
    h.expectEq(await redis.config('GET', 'port'), ['port', String(port)], 'CONFIG GET port');
    const many = await redis.config('GET', 'maxmemory*');
    h.expectTrue(many.includes('maxmemory') && many.includes('maxmemory-policy'),
                 `CONFIG GET maxmemory*: ${many}`);
  });

  await checks.run('MGET/MSET, SCAN', async () => {
    h.expectEq(await redis.mset({ m1: 'one', m2: 'two' }), 'OK', 'MSET');
    h.expectEq(await redis.mget('m1', 'nope', 'm2'), ['one', null, 'two'], 'MGET');
    const pipeline = redis.pipeline();
    for (let i = 0; i < 300; i++) pipeline.set(`scan:${i}`, 'v');
    await pipeline.exec();
    const seen = new Set();
    await new Promise((resolve, reject) => {
      redis.scanStream({ match: 'scan:*', count: 50 })
          .on('data', (keys) => keys.forEach((k) => seen.add(k)))
          .on('end', resolve)
          .on('error', reject);
    });
    h.expectEq(seen.size, 300, 'keys seen by scanStream');
  });

  await checks.run('lists: push, range, blpop that waits for a push', async () => {
    await redis.del('q:jobs', 'q:done');
    h.expectEq(await redis.rpush('q:jobs', 'a', 'b'), 2, 'RPUSH');
    h.expectEq(await redis.lrange('q:jobs', 0, -1), ['a', 'b'], 'LRANGE');
    h.expectEq(await redis.blpop('q:jobs', 0), ['q:jobs', 'a'], 'BLPOP with data');
    h.expectEq(await redis.lmove('q:jobs', 'q:done', 'LEFT', 'RIGHT'), 'b', 'LMOVE');
    const worker = await connect();
    const waiting = worker.blpop('q:jobs', 5);
    await new Promise((resolve) => setTimeout(resolve, 100));
    h.expectEq(await redis.lpush('q:jobs', 'late'), 1, 'LPUSH to the waiter');
    h.expectEq(await waiting, ['q:jobs', 'late'], 'BLPOP served by the push');
    h.expectEq(await worker.blpop('q:jobs', 0.05), null, 'BLPOP timeout');
    h.expectEq(await worker.brpoplpush('q:done', 'q:jobs', 1), 'b', 'BRPOPLPUSH');
    await worker.quit();
  });

  await checks.run('pub/sub: subscribe, psubscribe, messages, unsubscribe', async () => {
    const sub = await connect();
    const messages = [];
    sub.on('message', (channel, message) => messages.push(['message', channel, message]));
    sub.on('pmessage', (pattern, channel, message) => messages.push(['pmessage', pattern, channel, message]));
    h.expectEq(await sub.subscribe('chat', 'news'), 2, 'SUBSCRIBE count');
    h.expectEq(await sub.psubscribe('ch*'), 3, 'PSUBSCRIBE count');
    h.expectEq(await redis.publish('chat', 'hi'), 2, 'PUBLISH receivers');
    h.expectEq(await redis.publish('news', 'n1'), 1, 'PUBLISH receivers');
    for (let i = 0; i < 50 && messages.length < 3; i++) await new Promise((r) => setTimeout(r, 10));
    h.expectEq(messages, [['message', 'chat', 'hi'], ['pmessage', 'ch*', 'chat', 'hi'], ['message', 'news', 'n1']], 'messages in order');
    h.expectEq(await redis.pubsub('NUMSUB', 'chat'), ['chat', 1], 'PUBSUB NUMSUB');
    h.expectEq(await sub.unsubscribe('chat'), 2, 'UNSUBSCRIBE count');
    h.expectEq(await sub.punsubscribe('ch*'), 1, 'PUNSUBSCRIBE');
    await sub.quit();
  });

  await checks.run('streams: consumer group, XREADGROUP, XACK, XREAD BLOCK served by XADD', async () => {
    await redis.del('orders');
    h.expectEq(await redis.xadd('orders', 'MAXLEN', '~', 1000, '1-1', 'item', 'book', 'qty', '2'), '1-1', 'XADD');
    h.expectEq(await redis.xadd('orders', '2-1', 'item', 'pen', 'qty', '10'), '2-1', 'XADD');
    h.expectEq(await redis.xlen('orders'), 2, 'XLEN');
    h.expectEq(await redis.xrange('orders', '-', '+', 'COUNT', 1), [['1-1', ['item', 'book', 'qty', '2']]], 'XRANGE');
    h.expectEq(await redis.xgroup('CREATE', 'orders', 'billing', '0'), 'OK', 'XGROUP CREATE');
    const got = await redis.xreadgroup('GROUP', 'billing', 'w1', 'COUNT', 10, 'STREAMS', 'orders', '>');
    h.expectEq(got, [['orders', [['1-1', ['item', 'book', 'qty', '2']], ['2-1', ['item', 'pen', 'qty', '10']]]]],
               'XREADGROUP');
    h.expectEq(await redis.xack('orders', 'billing', '1-1'), 1, 'XACK');
    h.expectEq(await redis.xpending('orders', 'billing'), [1, '2-1', '2-1', [['w1', '1']]], 'XPENDING');
    const reader = await connect();
    const waiting = reader.xread('BLOCK', 5000, 'STREAMS', 'orders', '$');
    for (let i = 0; i < 100; i++) {
      const list = await redis.client('LIST');
      if (list.includes('cmd=xread')) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    await redis.xadd('orders', '3-1', 'item', 'ink');
    h.expectEq(await waiting, [['orders', [['3-1', ['item', 'ink']]]]], 'XREAD BLOCK served');
    h.expectEq(await reader.xread('BLOCK', 50, 'STREAMS', 'orders', '$'), null, 'XREAD BLOCK timeout');
    await reader.quit();
  });

  if (expectedResp === 3) {
    await checks.run('RESP3 replies (replyMapping: resp3)', async () => {
      const r3 = await connect({ protocol: 3, replyMapping: 'resp3' });
      h.expectEq(await r3.config('GET', 'port'), { port: String(port) }, 'CONFIG GET is a map');
      const hello = await r3.call('HELLO');
      h.expectEq(hello.proto, 3, 'HELLO map proto');
      h.expectEq(hello.server, 'redis', 'HELLO map server');
      h.expectEq(await r3.get('missing'), null, 'RESP3 null');
      const info = await r3.info('server');
      h.expectTrue(info.startsWith('# Server\r\n'), `INFO (verbatim string): ${JSON.stringify(info.slice(0, 20))}`);
      h.expectEq(await r3.exists('m1', 'm2'), 2, 'integer');
      await r3.quit();
    });
  }

  await checks.run('QUIT', async () => {
    h.expectEq(await redis.quit(), 'OK', 'QUIT');
    await new Promise((resolve) => (redis.status === 'end' ? resolve() : redis.once('end', resolve)));
    h.expectEq(redis.status, 'end', 'status after QUIT');
  });

  checks.finish();
}

main().catch((err) => {
  console.log(`FAIL ${pkg}: ${err && err.stack ? err.stack : err}`);
  process.exit(1);
});

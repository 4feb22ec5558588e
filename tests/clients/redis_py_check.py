#!/usr/bin/python3
"""redis-py (Debian's python3-redis) against a server on 127.0.0.1:PORT.

Usage: /usr/bin/python3 redis_py_check.py PORT

Every connection uses redis-py's defaults (RESP2, no handshake beyond what
the options ask for: SELECT for db=N). Runs every check, prints each failure
with what was expected and what came back, and exits 0 only if all pass.
The same script passes against Debian's redis-server 7.0.
"""

import sys
import time
import traceback

import redis

HOST = "127.0.0.1"
PORT = int(sys.argv[1])

failures = []
passed = 0


def check(name):
    """Runs the decorated function at once as one named check."""

    def run(fn):
        global passed
        try:
            fn()
            passed += 1
        except Exception:  # noqa: BLE001 - every failure is reported
            failures.append(name)
            print(f"FAIL {name}:")
            print("    " + traceback.format_exc().strip().replace("\n", "\n    "))
        return fn

    return run


def expect_eq(actual, expected, what=""):
    if actual != expected:
        raise AssertionError(f"{what}: expected {expected!r}, got {actual!r}")


def expect_error(fn, text):
    """fn() must raise redis.ResponseError whose message contains text."""
    try:
        result = fn()
    except redis.ResponseError as e:
        if text not in str(e):
            raise AssertionError(f"error {str(e)!r} does not contain {text!r}")
        return
    raise AssertionError(f"expected an error containing {text!r}, got reply {result!r}")


r = redis.Redis(host=HOST, port=PORT)
rs = redis.Redis(host=HOST, port=PORT, decode_responses=True)


@check("defaults: RESP2, no HELLO")
def _():
    # redis-py 4.3 speaks RESP2 and sends nothing on connect by default.
    # (redis-py 4.3 parses CLIENT INFO loosely: numbers become ints and the
    # last field keeps its newline.)
    info = rs.client_info()
    expect_eq(str(info.get("resp")).strip(), "2", "CLIENT INFO resp")
    expect_eq(str(info.get("db")), "0", "CLIENT INFO db")
    expect_eq(info.get("name"), "", "CLIENT INFO name")


@check("ping")
def _():
    expect_eq(r.ping(), True, "PING")
    expect_eq(r.echo("hi"), b"hi", "ECHO")


@check("flushall")
def _():
    expect_eq(r.flushall(), True, "FLUSHALL")
    expect_eq(r.dbsize(), 0, "DBSIZE")


@check("set/get bytes")
def _():
    expect_eq(r.set("greeting", b"hello\x00\xff"), True, "SET")
    expect_eq(r.get("greeting"), b"hello\x00\xff", "GET")
    expect_eq(r.get("missing"), None, "GET missing")
    expect_eq(r.set("greeting", "x", nx=True), None, "SET NX on existing")
    expect_eq(r.set("greeting", "other", get=True), b"hello\x00\xff", "SET GET")
    expect_eq(r.exists("greeting", "missing"), 1, "EXISTS")
    expect_eq(r.delete("greeting", "missing"), 1, "DEL")


@check("set/get decode_responses")
def _():
    expect_eq(rs.set("name", "résumé"), True, "SET")
    expect_eq(rs.get("name"), "résumé", "GET")
    expect_eq(rs.strlen("name"), len("résumé".encode()), "STRLEN")
    expect_eq(rs.append("name", "!"), len("résumé!".encode()), "APPEND")
    expect_eq(rs.getrange("name", 0, 0), "r", "GETRANGE")


@check("pipeline without transaction (100 commands)")
def _():
    pipe = r.pipeline(transaction=False)
    for i in range(50):
        pipe.set(f"p:{i}", i)
    for i in range(50):
        pipe.get(f"p:{i}")
    replies = pipe.execute()
    expect_eq(len(replies), 100, "reply count")
    expect_eq(replies[:50], [True] * 50, "SET replies")
    expect_eq(replies[50:], [str(i).encode() for i in range(50)], "GET replies")


@check("pipeline with transaction (MULTI/EXEC)")
def _():
    pipe = r.pipeline(transaction=True)
    pipe.set("tx:a", 1).incr("tx:a").incrby("tx:a", 10).get("tx:a").delete("tx:a")
    expect_eq(pipe.execute(), [True, 2, 12, b"12", 1], "EXEC replies")


@check("transaction with an error inside")
def _():
    r.set("tx:s", "abc")
    pipe = r.pipeline(transaction=True)
    pipe.incr("tx:s").set("tx:t", "ok")
    replies = pipe.execute(raise_on_error=False)
    expect_eq(len(replies), 2, "reply count")
    if not isinstance(replies[0], redis.ResponseError):
        raise AssertionError(f"INCR in EXEC: expected ResponseError, got {replies[0]!r}")
    expect_eq(str(replies[0]), "value is not an integer or out of range", "INCR error")
    expect_eq(replies[1], True, "SET in EXEC")


@check("error reply text")
def _():
    r.set("notanumber", "abc")
    expect_error(lambda: r.incr("notanumber"), "value is not an integer or out of range")
    expect_error(
        lambda: r.execute_command("NOSUCHCOMMAND", "a", "b"),
        "unknown command 'NOSUCHCOMMAND', with args beginning with: 'a' 'b' ",
    )
    expect_error(
        lambda: r.execute_command("GET"), "wrong number of arguments for 'get' command"
    )


@check("client setname/getname")
def _():
    expect_eq(rs.client_setname("respd-check"), True, "CLIENT SETNAME")
    expect_eq(rs.client_getname(), "respd-check", "CLIENT GETNAME")
    expect_eq(rs.client_info().get("name"), "respd-check", "CLIENT INFO name")
    expect_error(lambda: rs.client_setname("has space"), "Client names cannot contain spaces")
    named = redis.Redis(host=HOST, port=PORT, client_name="from-options", decode_responses=True)
    expect_eq(named.client_getname(), "from-options", "client_name= option")
    names = [c["name"] for c in rs.client_list()]
    if "from-options" not in names or "respd-check" not in names:
        raise AssertionError(f"CLIENT LIST names: {names!r}")
    named.close()


@check("info")
def _():
    # avg_ttl is active expiry's running estimate (hz 10 samples keys with a
    # TTL). Once no key has a TTL, the next cycle sets it back to 0 ...
    r.flushdb()
    r.set("plain", "v")
    r.set("short-lived", "v", ex=100)
    time.sleep(0.3)
    r.delete("short-lived")
    time.sleep(0.3)
    expect_eq(r.info("keyspace").get("db0"), {"keys": 1, "expires": 0, "avg_ttl": 0}, "db0 after DEL")
    # ... and FLUSHDB starts it over at once.
    r.set("short-lived", "v", ex=100)
    time.sleep(0.3)
    r.flushdb()
    r.mset({"i1": "a", "i2": "b", "i3": "c"})
    expect_eq(r.info("keyspace").get("db0"), {"keys": 3, "expires": 0, "avg_ttl": 0}, "db0 after FLUSHDB")
    r.expire("i1", 1000)
    info = r.info()
    version = info.get("redis_version")
    if not isinstance(version, str) or not version.startswith("7."):
        raise AssertionError(f"redis_version: {version!r}")
    expect_eq(info.get("db0", {}).get("keys"), 3, "db0 keys")
    expect_eq(info.get("db0", {}).get("expires"), 1, "db0 expires")
    if "tcp_port" in info:
        expect_eq(info["tcp_port"], PORT, "tcp_port")
    server = r.info("server")
    expect_eq(server.get("redis_version"), version, "INFO server redis_version")
    keyspace = r.info("keyspace")
    expect_eq(keyspace.get("db0", {}).get("keys"), 3, "INFO keyspace db0 keys")


@check("config get")
def _():
    expect_eq(rs.config_get("port"), {"port": str(PORT)}, "CONFIG GET port")
    expect_eq(rs.config_get("databases"), {"databases": "16"}, "CONFIG GET databases")
    many = rs.config_get("maxmemory*")
    if "maxmemory" not in many or "maxmemory-policy" not in many:
        raise AssertionError(f"CONFIG GET maxmemory*: {many!r}")
    expect_eq(rs.config_set("maxmemory-policy", "allkeys-lru"), True, "CONFIG SET")
    expect_eq(rs.config_get("maxmemory-policy"), {"maxmemory-policy": "allkeys-lru"}, "after SET")
    rs.config_set("maxmemory-policy", "noeviction")


@check("expire/ttl")
def _():
    r.set("ttlkey", "v")
    expect_eq(r.ttl("ttlkey"), -1, "TTL without expiry")
    expect_eq(r.ttl("nokey"), -2, "TTL missing")
    expect_eq(r.expire("ttlkey", 100), True, "EXPIRE")
    ttl = r.ttl("ttlkey")
    if not 99 <= ttl <= 100:
        raise AssertionError(f"TTL: {ttl!r}")
    pttl = r.pttl("ttlkey")
    if not 98000 < pttl <= 100000:
        raise AssertionError(f"PTTL: {pttl!r}")
    expect_eq(r.persist("ttlkey"), True, "PERSIST")
    expect_eq(r.ttl("ttlkey"), -1, "TTL after PERSIST")
    expect_eq(r.set("exkey", "v", ex=50), True, "SET EX")
    expect_eq(r.ttl("exkey"), 50, "TTL after SET EX")
    expect_eq(r.expire("nokey", 10), False, "EXPIRE missing")


@check("scan_iter over many keys")
def _():
    r.flushdb()
    expected = set()
    pipe = r.pipeline(transaction=False)
    for i in range(1000):
        key = f"scan:{i}".encode()
        expected.add(key)
        pipe.set(key, i)
    for i in range(200):
        pipe.set(f"other:{i}", i)
    pipe.execute()
    found = list(r.scan_iter(match="scan:*", count=50))
    expect_eq(set(found), expected, "SCAN MATCH scan:* keys")
    expect_eq(len(list(r.scan_iter())), 1200, "SCAN all keys")
    expect_eq(r.dbsize(), 1200, "DBSIZE")
    expect_eq(sorted(r.keys("other:1?")), sorted(f"other:1{d}".encode() for d in range(10)), "KEYS")


@check("mset/mget")
def _():
    expect_eq(r.mset({"m1": "one", "m2": "two", "m3": "three"}), True, "MSET")
    expect_eq(r.mget("m1", "missing", "m3"), [b"one", None, b"three"], "MGET")
    expect_eq(r.mget(["m2"]), [b"two"], "MGET list")
    expect_eq(r.msetnx({"m1": "x", "m4": "y"}), False, "MSETNX")
    expect_eq(r.get("m4"), None, "MSETNX set nothing")


@check("watch conflict -> WatchError")
def _():
    r.set("watched", "1")
    other = redis.Redis(host=HOST, port=PORT)
    with r.pipeline(transaction=True) as pipe:
        pipe.watch("watched")
        value = int(pipe.get("watched"))  # immediate mode after WATCH
        other.set("watched", "changed")  # another connection touches the key
        pipe.multi()
        pipe.set("watched", value + 1)
        try:
            pipe.execute()
            raise AssertionError("EXEC after a watched key changed did not fail")
        except redis.WatchError:
            pass
    expect_eq(r.get("watched"), b"changed", "value after aborted EXEC")
    other.close()


@check("watch without conflict -> EXEC runs")
def _():
    r.set("counter", "5")

    def incr(pipe):
        value = int(pipe.get("counter"))
        pipe.multi()
        pipe.set("counter", value + 1)

    expect_eq(r.transaction(incr, "counter"), [True], "transaction()")
    expect_eq(r.get("counter"), b"6", "counter")


@check("select db via Redis(db=3)")
def _():
    r3 = redis.Redis(host=HOST, port=PORT, db=3, decode_responses=True)
    r3.flushdb()
    expect_eq(r3.set("only-in-3", "x"), True, "SET in db 3")
    expect_eq(r3.get("only-in-3"), "x", "GET in db 3")
    expect_eq(r.get("only-in-3"), None, "db 0 does not see db 3")
    expect_eq(str(r3.client_info().get("db")), "3", "CLIENT INFO db")
    expect_eq(r3.dbsize(), 1, "DBSIZE db 3")
    expect_eq(r.info("keyspace").get("db3", {}).get("keys"), 1, "INFO keyspace db3")
    expect_eq(r3.flushdb(), True, "FLUSHDB db 3")
    expect_eq(r3.dbsize(), 0, "DBSIZE db 3 after FLUSHDB")
    r3.close()


@check("flushdb")
def _():
    r.set("before-flush", "x")
    expect_eq(r.flushdb(), True, "FLUSHDB")
    expect_eq(r.dbsize(), 0, "DBSIZE")
    expect_eq(r.flushdb(asynchronous=True), True, "FLUSHDB ASYNC")


@check("connection pool shared by several clients")
def _():
    pool = redis.ConnectionPool(host=HOST, port=PORT)
    clients = [redis.Redis(connection_pool=pool) for _ in range(5)]
    for i, c in enumerate(clients):
        c.set(f"pool:{i}", i)
    expect_eq(r.mget([f"pool:{i}" for i in range(5)]), [str(i).encode() for i in range(5)], "MGET")
    pool.disconnect()



@check("lists and blocking pops (a worker loop)")
def _():
    r.delete("jobs", "processing", "results")
    expect_eq(r.rpush("jobs", "j1", "j2", "j3"), 3, "RPUSH")
    expect_eq(r.lrange("jobs", 0, -1), [b"j1", b"j2", b"j3"], "LRANGE")
    # An RQ-style worker: move a job to processing, finish it, repeat.
    done = []
    while True:
        job = r.brpoplpush("jobs", "processing", timeout=0.05)
        if job is None:
            break
        r.rpush("results", job + b":ok")
        expect_eq(r.lrem("processing", 1, job), 1, "LREM from processing")
        done.append(job)
    expect_eq(done, [b"j3", b"j2", b"j1"], "jobs in BRPOPLPUSH order")
    expect_eq(r.llen("processing"), 0, "processing drained")
    expect_eq(r.blpop(["nothing", "results"], timeout=1), (b"results", b"j3:ok"), "BLPOP tuple")
    expect_eq(r.blpop("nothing", timeout=0.05), None, "BLPOP timeout")
    expect_eq(r.lpos("results", "j1:ok"), 1, "LPOS")
    expect_eq(r.lpop("results", 5), [b"j2:ok", b"j1:ok"], "LPOP count")
    expect_eq(r.lpop("results", 5), None, "LPOP count on a missing key")
    # A waiter served by another connection's push.
    import threading

    got = []
    waiter = redis.Redis(host=HOST, port=PORT)
    t = threading.Thread(target=lambda: got.append(waiter.blpop("wake", timeout=5)))
    t.start()
    for _ in range(200):
        if r.info("clients")["blocked_clients"] == 1:
            break
        time.sleep(0.01)
    r.rpush("wake", "up")
    t.join(5)
    expect_eq(got, [(b"wake", b"up")], "BLPOP served by a push")
    waiter.close()


@check("pub/sub: PubSub with get_message, patterns, keyspace notifications")
def _():
    p = rs.pubsub()
    p.subscribe("news", "sport")
    p.psubscribe("ne*")
    confirmations = [p.get_message(timeout=1) for _ in range(3)]
    expect_eq(
        [(m["type"], m["channel"], m["data"]) for m in confirmations],
        [("subscribe", "news", 1), ("subscribe", "sport", 2), ("psubscribe", "ne*", 3)],
        "confirmations in order",
    )
    expect_eq(rs.publish("news", "hello"), 2, "PUBLISH receivers (channel + pattern)")
    expect_eq(rs.pubsub_numsub("news", "nobody"), [("news", 1), ("nobody", 0)], "PUBSUB NUMSUB")
    expect_eq(rs.pubsub_numpat(), 1, "PUBSUB NUMPAT")
    m1 = p.get_message(timeout=1)
    m2 = p.get_message(timeout=1)
    expect_eq((m1["type"], m1["channel"], m1["data"]), ("message", "news", "hello"), "message")
    expect_eq(
        (m2["type"], m2["pattern"], m2["channel"], m2["data"]),
        ("pmessage", "ne*", "news", "hello"),
        "pmessage",
    )
    # The listen() loop of a worker, with a handler per channel.
    got = []
    p.subscribe(**{"jobs": lambda m: got.append(m["data"])})
    p.get_message(timeout=1)  # The confirmation (handlers get messages only).
    rs.publish("jobs", "j1")
    p.get_message(timeout=1)
    expect_eq(got, ["j1"], "subscribe handler")
    p.unsubscribe()
    p.punsubscribe()
    p.close()
    # Keyspace notifications, as a cache-invalidation listener uses them.
    rs.config_set("notify-keyspace-events", "KEA")
    try:
        k = rs.pubsub(ignore_subscribe_messages=True)
        k.psubscribe("__keyspace@0__:cache:*")
        k.get_message(timeout=1)
        rs.set("cache:user:1", "x", ex=100)
        rs.delete("cache:user:1")
        events = [k.get_message(timeout=1) for _ in range(3)]
        expect_eq(
            [(e["channel"], e["data"]) for e in events],
            [
                ("__keyspace@0__:cache:user:1", "set"),
                ("__keyspace@0__:cache:user:1", "expire"),
                ("__keyspace@0__:cache:user:1", "del"),
            ],
            "keyspace events",
        )
        k.close()
    finally:
        rs.config_set("notify-keyspace-events", "")


@check("streams: a consumer-group job queue")
def _():
    rs.delete("jobs:stream")
    ids = [rs.xadd("jobs:stream", {"job": str(i), "kind": "email"}, id=f"{i}-1") for i in range(1, 6)]
    expect_eq(ids, [f"{i}-1" for i in range(1, 6)], "XADD ids")
    expect_eq(rs.xlen("jobs:stream"), 5, "XLEN")
    expect_eq(rs.xrange("jobs:stream", "2", "3"), [("2-1", {"job": "2", "kind": "email"}),
                                                  ("3-1", {"job": "3", "kind": "email"})], "XRANGE")
    expect_eq(rs.xrevrange("jobs:stream", count=1)[0][0], "5-1", "XREVRANGE")
    expect_eq(rs.xgroup_create("jobs:stream", "workers", id="0"), True, "XGROUP CREATE")
    expect_error(lambda: rs.xgroup_create("jobs:stream", "workers", id="0"), "BUSYGROUP")
    got = rs.xreadgroup("workers", "w1", {"jobs:stream": ">"}, count=2)
    expect_eq(got, [["jobs:stream", [("1-1", {"job": "1", "kind": "email"}),
                                     ("2-1", {"job": "2", "kind": "email"})]]], "XREADGROUP >")
    rs.xreadgroup("workers", "w2", {"jobs:stream": ">"}, count=2)
    expect_eq(rs.xack("jobs:stream", "workers", "1-1", "9-9"), 1, "XACK")
    summary = rs.xpending("jobs:stream", "workers")
    expect_eq((summary["pending"], summary["min"], summary["max"]), (3, "2-1", "4-1"), "XPENDING")
    expect_eq(sorted((c["name"], c["pending"]) for c in summary["consumers"]),
              [("w1", 1), ("w2", 2)], "XPENDING consumers")
    rng = rs.xpending_range("jobs:stream", "workers", min="-", max="+", count=10, consumername="w2")
    expect_eq([(e["message_id"], e["consumer"], e["times_delivered"]) for e in rng],
              [("3-1", "w2", 1), ("4-1", "w2", 1)], "XPENDING range")
    claimed = rs.xclaim("jobs:stream", "workers", "w3", 0, ["3-1"], justid=True)
    expect_eq(claimed, ["3-1"], "XCLAIM JUSTID")
    rs.xdel("jobs:stream", "4-1")
    cursor, entries, deleted = rs.xautoclaim("jobs:stream", "workers", "w3", 0, "0-0", count=10)
    expect_eq((cursor, [e[0] for e in entries], deleted), ("0-0", ["2-1", "3-1"], ["4-1"]),
              "XAUTOCLAIM")
    info = rs.xinfo_stream("jobs:stream")
    expect_eq((info["length"], info["groups"], info["last-generated-id"],
               info["first-entry"][0]), (4, 1, "5-1", "1-1"), "XINFO STREAM")
    groups = rs.xinfo_groups("jobs:stream")
    expect_eq([(g["name"], g["consumers"], g["pending"], g["last-delivered-id"]) for g in groups],
              [("workers", 3, 2, "4-1")], "XINFO GROUPS")
    consumers = rs.xinfo_consumers("jobs:stream", "workers")
    expect_eq([(c["name"], c["pending"]) for c in consumers], [("w1", 0), ("w2", 0), ("w3", 2)],
              "XINFO CONSUMERS")
    expect_eq(rs.xtrim("jobs:stream", maxlen=2, approximate=False), 2, "XTRIM")
    expect_eq(rs.xlen("jobs:stream"), 2, "XLEN after XTRIM")


@check("streams: XREAD BLOCK woken by another client's XADD")
def _():
    import threading

    rs.delete("events")
    reader = redis.Redis(host=HOST, port=PORT, decode_responses=True)
    result = []
    t = threading.Thread(target=lambda: result.append(reader.xread({"events": "$"}, block=5000)))
    t.start()
    deadline = time.time() + 5
    while time.time() < deadline and not any(
        c.get("cmd") == "xread" for c in rs.client_list()
    ):
        time.sleep(0.01)
    rs.xadd("events", {"type": "signup"}, id="7-0")
    t.join(10)
    expect_eq(result, [[["events", [("7-0", {"type": "signup"})]]]], "XREAD BLOCK served")
    expect_eq(reader.xread({"events": "$"}, block=50), [], "XREAD BLOCK timeout")
    reader.close()

total = passed + len(failures)
if failures:
    print(f"redis-py {redis.__version__}: {len(failures)} of {total} checks failed: {', '.join(failures)}")
    sys.exit(1)
print(f"redis-py {redis.__version__}: all {total} checks ok")

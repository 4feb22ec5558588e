#!/usr/bin/env python3
"""Hashes, sets, lists and sorted sets side by side: respd against Debian's redis-server 7.0.

    python3 bench/aggregates.py [--rounds 3] [--quick] [--only SECTIONS]
                                [--binary build/respd] [--match NAME-PART]

Uses bench/run.py's servers, pinning and loaders (fresh servers per
measurement, no persistence, free loopback ports, servers on CPU 0 and load
generators on CPU 1). Sections:

  throughput  redis-benchmark -c 50 HSET, SADD, SPOP, LPUSH, RPUSH, LPOP,
              RPOP and LRANGE 0 99/299/599 at -P 1 and -P 16: rps and server
              CPU per request (SPOP pops from a set of ~2M members, LPOP/RPOP
              from a list of 1.3 n elements, LRANGE reads a 600-element list,
              all preloaded with redis-benchmark), and LPUSH at -P 16 with
              10,000 other clients blocked in BLPOP on other keys
  memory      used_memory and RSS per element after loading: one hash of 1M
              fields with 16-byte values, one set of 1M members, 200k hashes
              of 10 fields (listpack), 200k sets of 10 integers (intset), one
              list of 1M 16-byte elements
  latency     one connection: HGETALL of a 10k-field hash, SMEMBERS of a
              10k-member set and LRANGE 0 999 of a 1M-element list, median
              and p99 round trip over 300 calls (redis-benchmark -c 1 as the
              client)
  bitmaps     BITCOUNT of a 64 MiB string and BITOP AND of it with itself,
              median time over 20 calls (redis-benchmark -c 1)

Medians over rounds and respd/Redis ratios are printed and written to
build/bench-aggregates.md (raw: build/bench-aggregates.json).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402  (bench/run.py: servers, loaders, pinning)

THROUGHPUT = [
    #  name, -t test, -P, -n (full), -n (quick)
    ("HSET P1", "hset", 1, 150_000, 10_000),
    ("HSET P16", "hset", 16, 2_000_000, 50_000),
    ("SADD P1", "sadd", 1, 150_000, 10_000),
    ("SADD P16", "sadd", 16, 2_000_000, 50_000),
    ("SPOP P1", "spop", 1, 150_000, 10_000),
    ("SPOP P16", "spop", 16, 2_000_000, 50_000),
    ("LPUSH P1", "lpush", 1, 150_000, 10_000),
    ("LPUSH P16", "lpush", 16, 2_000_000, 50_000),
    ("RPUSH P1", "rpush", 1, 150_000, 10_000),
    ("RPUSH P16", "rpush", 16, 2_000_000, 50_000),
    ("LPOP P1", "lpop", 1, 150_000, 10_000),
    ("LPOP P16", "lpop", 16, 2_000_000, 50_000),
    ("RPOP P1", "rpop", 1, 150_000, 10_000),
    ("RPOP P16", "rpop", 16, 2_000_000, 50_000),
    ("LRANGE_100 P1", "lrange_100", 1, 100_000, 5_000),
    ("LRANGE_100 P16", "lrange_100", 16, 400_000, 20_000),
    ("LRANGE_300 P1", "lrange_300", 1, 60_000, 5_000),
    ("LRANGE_300 P16", "lrange_300", 16, 150_000, 10_000),
    ("LRANGE_600 P1", "lrange_600", 1, 40_000, 3_000),
    ("LRANGE_600 P16", "lrange_600", 16, 80_000, 5_000),
    ("LPUSH P16 +10k blocked", "lpush+blocked", 16, 2_000_000, 50_000),
    ("ZADD P1", "zadd", 1, 150_000, 10_000),
    ("ZADD P16", "zadd", 16, 2_000_000, 50_000),
    ("ZPOPMIN P1", "zpopmin", 1, 150_000, 10_000),
    ("ZPOPMIN P16", "zpopmin", 16, 2_000_000, 50_000),
]
BLOCKED_CLIENTS = 10_000


def resp(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def write_payload(path, commands):
    with open(path, "wb") as f:
        batch = []
        for c in commands:
            batch.append(c)
            if len(batch) == 10_000:
                f.write(b"".join(batch))
                batch.clear()
        f.write(b"".join(batch))


def shapes(workdir, quick):
    """name -> (payload path, commands in it, elements it creates)."""
    scale = 10 if quick else 1
    n_big = 1_000_000 // scale
    n_small = 200_000 // scale
    out = {}

    def make(name, commands_fn, count, elements):
        path = os.path.join(workdir, "agg-%s-%d.resp" % (name, count))
        if not os.path.exists(path):
            write_payload(path, commands_fn())
        out[name] = (path, count, elements)

    value = b"v" * 16
    make("hash 1M fields", lambda: (resp(b"HSET", b"bighash", b"field:%012d" % i, value)
                                    for i in range(n_big)), n_big, n_big)
    make("set 1M members", lambda: (resp(b"SADD", b"bigset", b"member:%012d" % i)
                                    for i in range(n_big)), n_big, n_big)
    fields = [b"f%d" % j for j in range(10)]

    def small_hashes():
        for i in range(n_small):
            args = [b"HSET", b"h:%012d" % i]
            for f in fields:
                args += [f, value]
            yield resp(*args)
    make("200k hashes x10", small_hashes, n_small, n_small * 10)
    make("200k intsets x10", lambda: (resp(b"SADD", b"s:%012d" % i, *[str(i * 10 + j)
                                                                       for j in range(10)])
                                      for i in range(n_small)), n_small, n_small * 10)
    make("zset 1M random scores", lambda: (resp(b"ZADD", b"bigzset",
                                                *[x for j in range(100) for x in
                                                  (b"%d" % ((i + j) * 2654435761 % 1000003),
                                                   b"member:%08d" % (i + j))])
                                           for i in range(0, n_big, 100)),
         n_big // 100, n_big)
    make("200k zsets x10", lambda: (resp(b"ZADD", b"z:%012d" % i,
                                         *[x for j in range(10) for x in
                                           (b"%d" % j, b"m%d" % j)])
                                    for i in range(n_small)), n_small, n_small * 10)
    make("list 1M x16B", lambda: (resp(b"RPUSH", b"biglist", *[b"element:%08d" % (i + j)
                                                                for j in range(100)])
                                  for i in range(0, n_big, 100)), n_big // 100, n_big)
    return out


def preload(server, test, requests):
    cmd = run.pinned([run.REDIS_BENCHMARK, "-h", "127.0.0.1", "-p", str(server.port),
                      "-c", "50", "-n", str(requests), "-r", "100000000", "-P", "16",
                      "-d", "3", "-t", test, "-q"], 1)
    subprocess.run(cmd, capture_output=True, timeout=600, check=True)


def block_clients(server, count):
    """`count` connections waiting in BLPOP on keys nobody pushes to."""
    socks = []
    for i in range(count):
        c = run.Conn(server.port)
        c.sock.sendall(run.Conn.encode("BLPOP", "waiting:%d" % i, "0"))
        socks.append(c)
    probe = run.Conn(server.port)
    for _ in range(3000):
        if int(probe.info("clients")["blocked_clients"]) == count:
            break
        time.sleep(0.01)
    else:
        raise RuntimeError("clients did not block")
    probe.close()
    return socks


def run_throughput(server, wl, quick):
    name, test, pipeline, n_full, n_quick = wl
    n = n_quick if quick else n_full
    server.extra_args = ["--maxclients", str(BLOCKED_CLIENTS + 200)] if "blocked" in test else []
    server.start()
    server.extra_args = []
    blocked = []
    try:
        if test in ("lpop", "rpop"):
            preload(server, "lpush", int(n * 1.3))  # Every pop pops something.
        if test.startswith("lrange_"):
            preload(server, "lpush", 600)
        if test == "lpush+blocked":
            blocked = block_clients(server, BLOCKED_CLIENTS)
        if test == "zpopmin":
            # A sorted set big enough that every ZPOPMIN pops something.
            pre = run.pinned([run.REDIS_BENCHMARK, "-h", "127.0.0.1", "-p", str(server.port),
                              "-c", "50", "-n", str(int(n * 1.3)), "-r", "100000000",
                              "-P", "16", "-t", "zadd", "-q"], 1)
            subprocess.run(pre, capture_output=True, timeout=600, check=True)
        if test == "spop":
            # A set big enough that every SPOP pops something.
            pre = run.pinned([run.REDIS_BENCHMARK, "-h", "127.0.0.1", "-p", str(server.port),
                              "-c", "50", "-n", str(int(n * 1.3)), "-r", "100000000",
                              "-P", "16", "-t", "sadd", "-q"], 1)
            subprocess.run(pre, capture_output=True, timeout=600, check=True)
        if test.startswith("lrange_"):
            # The command itself: redis-benchmark's -t lrange_N would first
            # run n LPUSHes, whose CPU would count too.
            last = str(int(test.split("_")[1]) - 1)
            cmd = run.benchmark_command(server.port, "x", pipeline, n, 3)[:-3]
            cmd += ["--csv", "LRANGE", "mylist", "0", last]
        else:
            cmd = run.benchmark_command(server.port, test.split("+")[0], pipeline, n, 3)
        cmd = run.pinned(cmd, 1)
        if test == "spop":
            cmd = [a if a != str(run.KEYSPACE) else "100000000" for a in cmd]
        cpu0 = server.cpu_seconds()
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        cpu1 = server.cpu_seconds()
        rows = run.parse_csv(p.stdout)
        row = rows[0] if rows else {}
        c = run.Conn(server.port)
        left = c.call("SCARD", "myset") if test == "spop" else None
        c.close()
        row.update({"n": n, "cpu_us_per_req": 1e6 * (cpu1 - cpu0) / n, "left": left})
        return row
    finally:
        for c in blocked:
            c.close()
        server.stop()


def run_memory(server, path, count, elements):
    server.start()
    try:
        time.sleep(0.3)
        c = run.Conn(server.port)
        rss0 = server.rss_bytes()
        used0 = int(c.info("memory")["used_memory"])
        run.load(path, server.port, count)
        time.sleep(0.5)
        rss1 = server.rss_bytes()
        used1 = int(c.info("memory")["used_memory"])
        c.close()
        return {"rss_per_element": (rss1 - rss0) / elements,
                "used_per_element": (used1 - used0) / elements}
    finally:
        server.stop()


def time_commands(server, commands, calls):
    """name -> p50/p99 round trip in us of each (name, argv) in `commands`,
    `calls` times on one connection. redis-benchmark is the client (-c 1): a
    Python parser would spend far longer on 20,000 bulk strings than either
    server does."""
    out = {}
    for name, cmd in commands:
        bench = run.pinned([run.REDIS_BENCHMARK, "-h", "127.0.0.1", "-p", str(server.port),
                            "-c", "1", "-n", str(calls), "--csv", *cmd], 1)
        p = subprocess.run(bench, capture_output=True, text=True, timeout=600, check=True)
        row = run.parse_csv(p.stdout)[0]
        out[name] = {"p50_us": 1000 * row["p50_ms"], "p99_us": 1000 * row["p99_ms"]}
    return out


def run_latency(server, calls):
    server.start()
    try:
        c = run.Conn(server.port)
        for lo in range(0, 10_000, 1000):
            args = ["HSET", "h"]
            for i in range(lo, lo + 1000):
                args += ["field:%06d" % i, "value:%08d" % i]
            c.call(*args)
            c.call("SADD", "s", *["member:%06d" % i for i in range(lo, lo + 1000)])
        for lo in range(0, 1_000_000, 1000):
            c.sock.sendall(run.Conn.encode("RPUSH", "l", *["element:%08d" % i
                                                          for i in range(lo, lo + 1000)]))
        for _ in range(0, 1_000_000, 1000):
            c.read_reply()
        for lo in range(0, 1_000_000, 1000):
            args = ["ZADD", "z"]
            for i in range(lo, lo + 1000):
                args += [str(i * 2654435761 % 1000003), "member:%08d" % i]
            c.sock.sendall(run.Conn.encode(*args))
        for _ in range(0, 1_000_000, 1000):
            c.read_reply()
        c.close()
        return time_commands(server, (("HGETALL 10k", ("HGETALL", "h")),
                                      ("SMEMBERS 10k", ("SMEMBERS", "s")),
                                      ("LRANGE 0 999 of 1M", ("LRANGE", "l", "0", "999")),
                                      ("ZRANGEBYSCORE 1000 of 1M",
                                       ("ZRANGEBYSCORE", "z", "500000", "+inf", "LIMIT", "0",
                                        "1000")),
                                      ("ZRANK in 1M", ("ZRANK", "z", "member:00500000"))),
                             calls)
    finally:
        server.stop()


def run_bitmaps(server, calls):
    server.start()
    try:
        c = run.Conn(server.port)
        chunk = bytes(range(256)) * 4096  # 1 MiB of every byte value
        for i in range(64):
            c.call("SETRANGE", "big", str(i * len(chunk)), chunk)
        c.close()
        return time_commands(server, (("BITCOUNT 64MiB", ("BITCOUNT", "big")),
                                      ("BITOP AND 64MiB", ("BITOP", "AND", "dest", "big", "big"))),
                             calls)
    finally:
        server.stop()


def write_report(name, lines, raw):
    """Prints the report and writes it to build/bench-<name>.md, the raw
    figures to build/bench-<name>.json."""
    report = "\n".join(lines) + "\n"
    print("\n" + report)
    os.makedirs(os.path.join(run.ROOT, "build"), exist_ok=True)
    with open(os.path.join(run.ROOT, "build", "bench-%s.md" % name), "w") as f:
        f.write(report)
    with open(os.path.join(run.ROOT, "build", "bench-%s.json" % name), "w") as f:
        json.dump(raw, f, indent=1, default=str)


def report_tables(throughput, memory, timed, element="el"):
    """The markdown tables of medians and respd/Redis ratios: throughput and
    CPU per request, memory per `element`, and p50/p99 of timed replies
    (each by name, then by server kind, a list of per-round rows)."""
    med = statistics.median
    lines = []
    if throughput:
        lines += ["| workload | rps respd | rps redis | rps ratio | CPU/req respd | CPU/req redis "
                  "| CPU ratio |", "|---|---|---|---|---|---|---|"]
        for name, by in throughput.items():
            rps = {k: med(float(x.get("rps", 0) or 0) for x in v) for k, v in by.items()}
            cpu = {k: med(x["cpu_us_per_req"] for x in v) for k, v in by.items()}
            lines.append("| %s | %.0f | %.0f | %.2f | %.2f us | %.2f us | %.2f |" % (
                name, rps["respd"], rps["redis"], rps["respd"] / rps["redis"], cpu["respd"],
                cpu["redis"], cpu["respd"] / cpu["redis"]))
        lines.append("")
    if memory:
        lines += ["| shape | used/{0} respd | used/{0} redis | ratio | RSS/{0} respd | RSS/{0} redis "
                  "| ratio |".format(element), "|---|---|---|---|---|---|---|"]
        for name, by in memory.items():
            u = {k: med(x["used_per_element"] for x in v) for k, v in by.items()}
            rs = {k: med(x["rss_per_element"] for x in v) for k, v in by.items()}
            lines.append("| %s | %.1f B | %.1f B | %.2f | %.1f B | %.1f B | %.2f |" % (
                name, u["respd"], u["redis"], u["respd"] / u["redis"], rs["respd"], rs["redis"],
                rs["respd"] / rs["redis"]))
        lines.append("")
    if timed:
        lines += ["| reply | p50 respd | p50 redis | ratio | p99 respd | p99 redis |",
                  "|---|---|---|---|---|---|"]
        for name, by in timed.items():
            p50 = {k: med(x["p50_us"] for x in v) for k, v in by.items()}
            p99 = {k: med(x["p99_us"] for x in v) for k, v in by.items()}
            lines.append("| %s | %.0f us | %.0f us | %.2f | %.0f us | %.0f us |" % (
                name, p50["respd"], p50["redis"], p50["respd"] / p50["redis"], p99["respd"],
                p99["redis"]))
    return lines


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", default="throughput,memory,latency,bitmaps")
    ap.add_argument("--binary", default=os.path.join(run.ROOT, "build", "respd"))
    ap.add_argument("--match", default="",
                    help="only workloads and shapes whose name contains one of these "
                         "comma-separated parts (e.g. PUSH,POP,LRANGE,list)")
    args = ap.parse_args()
    sections = set(args.only.split(","))
    parts = [p for p in args.match.split(",") if p]

    def matches(name):
        return not parts or any(p in name for p in parts)
    run.PINNING["enabled"] = (os.cpu_count() or 1) >= 2 and bool(run.shutil.which("taskset"))
    workdir = tempfile.mkdtemp(prefix="respd-agg-")
    servers = {"respd": run.Server("respd", args.binary, workdir),
               "redis": run.Server("redis", run.REDIS_SERVER, workdir)}
    raw = {"throughput": {}, "memory": {}, "latency": {}, "bitmaps": {}}
    payloads = shapes(workdir, args.quick) if "memory" in sections else {}
    try:
        for r in range(args.rounds):
            order = ["respd", "redis"] if r % 2 == 0 else ["redis", "respd"]
            for kind in order:
                s = servers[kind]
                if "throughput" in sections:
                    for wl in (w for w in THROUGHPUT if matches(w[0])):
                        row = run_throughput(s, wl, args.quick)
                        raw["throughput"].setdefault(wl[0], {}).setdefault(kind, []).append(row)
                        print("round %d %-5s %-9s rps %9.0f cpu/req %.2f us" %
                              (r + 1, kind, wl[0], float(row.get("rps", 0) or 0),
                               row["cpu_us_per_req"]), flush=True)
                if "memory" in sections:
                    for name, (path, count, elements) in payloads.items():
                        if not matches(name):
                            continue
                        m = run_memory(s, path, count, elements)
                        raw["memory"].setdefault(name, {}).setdefault(kind, []).append(m)
                        print("round %d %-5s %-18s used/el %6.1f  rss/el %6.1f" %
                              (r + 1, kind, name, m["used_per_element"], m["rss_per_element"]),
                              flush=True)
                for section, fn in (("latency", lambda: run_latency(s, 60 if args.quick else 300)),
                                    ("bitmaps", lambda: run_bitmaps(s, 20))):
                    if section not in sections:
                        continue
                    for name, v in fn().items():
                        raw[section].setdefault(name, {}).setdefault(kind, []).append(v)
                        print("round %d %-5s %-12s p50 %7.0f us  p99 %7.0f us" %
                              (r + 1, kind, name, v["p50_us"], v["p99_us"]), flush=True)
    finally:
        run.kill_all()

    lines = ["# Hashes, sets, lists and sorted sets, respd vs redis-server (medians of %d rounds)" %
             args.rounds, ""]
    lines += report_tables(raw["throughput"], raw["memory"], {**raw["latency"], **raw["bitmaps"]})
    write_report("aggregates", lines, raw)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Streams side by side: respd against Debian's redis-server 7.0.

    python3 bench/streams.py [--rounds 3] [--quick] [--only SECTIONS]
                             [--binary build/respd] [--match NAME-PART]

Uses bench/run.py's servers, pinning and loaders and bench/aggregates.py's
payload and timing helpers (fresh servers per measurement, no persistence,
free loopback ports, servers on CPU 0 and load generators on CPU 1).
Sections:

  throughput  redis-benchmark -c 50: XADD of 5 fields with an automatic ID
              to one stream, and XREADGROUP COUNT 10 of new entries by 50
              consumers of one group (names drawn from 50) (from a stream preloaded with enough
              entries that every read gets 10), at -P 1 and -P 16: rps and
              server CPU per request
  memory      used_memory and RSS per entry after loading one stream of 1M
              entries of 3 fields (16-byte values, explicit IDs, the same
              field names), and 1M entries whose field names vary
  latency     one connection: XRANGE and XREVRANGE of 1000 entries from the
              middle of a 10M-entry stream (1M with --quick; 3 fields, loaded
              by redis-benchmark), XREAD COUNT 1000 from there, and
              XINFO STREAM FULL COUNT 100 of it with a group of 100k pending
              entries; median and p99 round trip over 300 calls
              (redis-benchmark -c 1 as the client)

Medians over rounds and respd/Redis ratios are printed and written to
build/bench-streams.md (raw: build/bench-streams.json).
"""

import argparse
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import aggregates  # noqa: E402  (payloads, memory and latency helpers)
import run  # noqa: E402  (servers, loaders, pinning)

FIVE_FIELDS = ["XADD", "bench:stream", "*", "name", "alice", "email", "alice@example.com",
               "plan", "pro", "seats", "12", "region", "eu-west-1"]
THROUGHPUT = [
    #  name, command, -P, -n (full), -n (quick)
    ("XADD 5 fields P1", "xadd", 1, 150_000, 10_000),
    ("XADD 5 fields P16", "xadd", 16, 1_500_000, 50_000),
    ("XREADGROUP COUNT 10 P1", "xreadgroup", 1, 100_000, 5_000),
    ("XREADGROUP COUNT 10 P16", "xreadgroup", 16, 300_000, 20_000),
]


def stream_payload(workdir, name, entries, vary_fields=False):
    """One stream `name` of `entries` entries <i>-1 of 3 fields, one XADD each."""
    path = os.path.join(workdir, "streams-%s-%d-%d.resp" % (name, entries, vary_fields))
    if not os.path.exists(path):
        value = b"v" * 16

        def commands():
            for i in range(1, entries + 1):
                f = [b"a%d" % (i % 7), b"b", b"c"] if vary_fields else [b"a", b"b", b"c"]
                yield aggregates.resp(b"XADD", name.encode(), b"%d-1" % i, f[0], value, f[1],
                                      value, f[2], value)
        aggregates.write_payload(path, commands())
    return path


def run_throughput(server, wl, quick, workdir):
    name, test, pipeline, n_full, n_quick = wl
    n = n_quick if quick else n_full
    server.start()
    try:
        base = run.benchmark_command(server.port, "x", pipeline, n, 3)[:-3]
        if test == "xadd":
            cmd = base + ["--csv", *FIVE_FIELDS]
        else:
            # Every read gets 10 new entries: 10 n of them, and some spare.
            entries = int(n * 10 * 1.1)
            run.load(stream_payload(workdir, "bench:stream", entries), server.port, entries)
            c = run.Conn(server.port)
            c.call("XGROUP", "CREATE", "bench:stream", "g", "0")
            c.close()
            cmd = base + ["--csv", "XREADGROUP", "GROUP", "g", "consumer:__rand_int__", "COUNT",
                          "10", "STREAMS", "bench:stream", ">"]
            # 50 consumers (one per connection, as a worker pool has), not
            # one per request: -r bounds __rand_int__.
            cmd[cmd.index("-r") + 1] = "50"
        cmd = run.pinned(cmd, 1)
        cpu0 = server.cpu_seconds()
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
        cpu1 = server.cpu_seconds()
        rows = run.parse_csv(p.stdout)
        row = rows[0] if rows else {}
        c = run.Conn(server.port)
        row["length"] = c.call("XLEN", "bench:stream")
        c.close()
        row.update({"n": n, "cpu_us_per_req": 1e6 * (cpu1 - cpu0) / n})
        return row
    finally:
        server.stop()


def run_latency(server, entries, calls):
    server.start()
    try:
        # The stream, by redis-benchmark (automatic IDs, a few thousand per
        # millisecond): 10M entries from a payload file would be ~1 GB.
        load = run.pinned([run.REDIS_BENCHMARK, "-h", "127.0.0.1", "-p", str(server.port),
                           "-c", "50", "-n", str(entries), "-P", "16", "XADD", "s", "*",
                           "a", "v" * 16, "b", "v" * 16, "c", "v" * 16], 1)
        subprocess.run(load, capture_output=True, timeout=1800, check=True)
        c = run.Conn(server.port)
        first = int(c.call("XRANGE", "s", "-", "+", "COUNT", "1")[0][0].split(b"-")[0])
        last = int(c.call("XREVRANGE", "s", "+", "-", "COUNT", "1")[0][0].split(b"-")[0])
        c.call("XGROUP", "CREATE", "s", "g", "0")
        # 100k pending entries for XINFO STREAM FULL to walk past.
        for _ in range(100):
            c.call("XREADGROUP", "GROUP", "g", "c", "COUNT", "1000", "STREAMS", "s", ">")
        c.close()
        mid = str((first + last) // 2)
        n = "%dM" % (entries // 1_000_000) if entries >= 1_000_000 else "%dk" % (entries // 1000)
        return aggregates.time_commands(server, (
            ("XRANGE 1000 of %s" % n, ("XRANGE", "s", mid, "+", "COUNT", "1000")),
            ("XREVRANGE 1000 of %s" % n, ("XREVRANGE", "s", mid, "-", "COUNT", "1000")),
            ("XREAD COUNT 1000 of %s" % n, ("XREAD", "COUNT", "1000", "STREAMS", "s", mid)),
            ("XINFO STREAM FULL COUNT 100", ("XINFO", "STREAM", "s", "FULL", "COUNT", "100")),
        ), calls)
    finally:
        server.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", default="throughput,memory,latency")
    ap.add_argument("--binary", default=os.path.join(run.ROOT, "build", "respd"))
    ap.add_argument("--match", default="",
                    help="only throughput workloads whose name contains one of these "
                         "comma-separated parts (e.g. XREADGROUP)")
    args = ap.parse_args()
    parts = [p for p in args.match.split(",") if p]
    sections = set(args.only.split(","))
    run.PINNING["enabled"] = (os.cpu_count() or 1) >= 2 and bool(run.shutil.which("taskset"))
    workdir = tempfile.mkdtemp(prefix="respd-streams-")
    servers = {"respd": run.Server("respd", args.binary, workdir),
               "redis": run.Server("redis", run.REDIS_SERVER, workdir)}
    raw = {"throughput": {}, "memory": {}, "latency": {}}
    entries = 100_000 if args.quick else 1_000_000
    shapes = {}
    if "memory" in sections:
        shapes = {"1M entries x3 fields": stream_payload(workdir, "m", entries),
                  "1M entries, varying fields": stream_payload(workdir, "m", entries, True)}
    try:
        for r in range(args.rounds):
            order = ["respd", "redis"] if r % 2 == 0 else ["redis", "respd"]
            for kind in order:
                s = servers[kind]
                if "throughput" in sections:
                    for wl in (w for w in THROUGHPUT
                               if not parts or any(p in w[0] for p in parts)):
                        row = run_throughput(s, wl, args.quick, workdir)
                        raw["throughput"].setdefault(wl[0], {}).setdefault(kind, []).append(row)
                        print("round %d %-5s %-24s rps %9.0f cpu/req %.2f us" %
                              (r + 1, kind, wl[0], float(row.get("rps", 0) or 0),
                               row["cpu_us_per_req"]), flush=True)
                for name, path in shapes.items():
                    m = aggregates.run_memory(s, path, entries, entries)
                    raw["memory"].setdefault(name, {}).setdefault(kind, []).append(m)
                    print("round %d %-5s %-26s used/el %6.1f  rss/el %6.1f" %
                          (r + 1, kind, name, m["used_per_element"], m["rss_per_element"]),
                          flush=True)
                if "latency" in sections:
                    latency = run_latency(s, 1_000_000 if args.quick else 10_000_000,
                                          60 if args.quick else 300)
                    for name, v in latency.items():
                        raw["latency"].setdefault(name, {}).setdefault(kind, []).append(v)
                        print("round %d %-5s %-28s p50 %7.0f us  p99 %7.0f us" %
                              (r + 1, kind, name, v["p50_us"], v["p99_us"]), flush=True)
    finally:
        run.kill_all()

    lines = ["# Streams, respd vs redis-server (medians of %d rounds)" % args.rounds, ""]
    lines += aggregates.report_tables(raw["throughput"], raw["memory"], raw["latency"],
                                      element="entry")
    aggregates.write_report("streams", lines, raw)


if __name__ == "__main__":
    main()

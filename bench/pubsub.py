#!/usr/bin/env python3
"""PUBLISH fan-out side by side: respd against Debian's redis-server 7.0.

    python3 bench/pubsub.py [--rounds 3] [--quick] [--binary build/respd]

For 1, 100 and 1,000 subscribers of one channel: a reader process opens the
subscriber connections (SUBSCRIBE, then it only counts bytes), and
redis-benchmark -c 10 -P 16 publishes 16-byte messages to the channel. A
round ends when every subscriber has received every message. Reported:
messages delivered per second (publishes x subscribers over the time from
the first publish to the last byte received) and the server's CPU per
delivered message. Uses bench/run.py's servers and pinning (the server on
CPU 0; the publisher and the readers share CPU 1, the same for both
servers). Medians and ratios go to build/bench-pubsub.md.
"""

import argparse
import json
import os
import selectors
import socket
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402  (bench/run.py: servers, loaders, pinning)

CHANNEL = "bench:fanout"
PAYLOAD = "p" * 16
# subscribers, publishes (full), publishes (quick): about 2M deliveries each.
SHAPES = [(1, 2_000_000, 100_000), (100, 20_000, 2_000), (1000, 2_000, 300)]


def frame_size():
    parts = [b"message", CHANNEL.encode(), PAYLOAD.encode()]
    return len(b"*3\r\n") + sum(len(b"$%d\r\n" % len(p)) + len(p) + 2 for p in parts)


def reader_main(port, subscribers, publishes):
    """The subscriber side: prints "ready", then the seconds until done."""
    expected = publishes * frame_size()
    confirm = b"*3\r\n$9\r\nsubscribe\r\n$%d\r\n%s\r\n:1\r\n" % (len(CHANNEL), CHANNEL.encode())
    sel = selectors.DefaultSelector()
    left = {}
    for _ in range(subscribers):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(run.Conn.encode("SUBSCRIBE", CHANNEL))
        got = b""
        while len(got) < len(confirm):
            got += s.recv(len(confirm) - len(got))
        assert got == confirm, got
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ)
        left[s] = expected
    print("ready", flush=True)
    start = float(sys.stdin.readline())
    while left:
        for key, _ in sel.select(timeout=30):
            s = key.fileobj
            data = s.recv(1 << 20)
            if not data:
                raise SystemExit("a subscriber was disconnected")
            left[s] -= len(data)
            if left[s] <= 0:
                sel.unregister(s)
                del left[s]
    print(time.time() - start, flush=True)


def run_shape(server, subscribers, publishes):
    server.extra_args = ["--maxclients", str(subscribers + 200)]
    server.start()
    server.extra_args = []
    try:
        reader = subprocess.Popen(
            run.pinned([sys.executable, os.path.abspath(__file__), "--reader", str(server.port),
                        str(subscribers), str(publishes)], 1),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert reader.stdout.readline().strip() == "ready"
        cmd = run.pinned([run.REDIS_BENCHMARK, "-h", "127.0.0.1", "-p", str(server.port), "-c",
                          "10", "-P", "16", "-n", str(publishes), "-q", "PUBLISH", CHANNEL,
                          PAYLOAD], 1)
        cpu0 = server.cpu_seconds()
        start = time.time()
        reader.stdin.write("%r\n" % start)
        reader.stdin.flush()
        subprocess.run(cmd, capture_output=True, timeout=600, check=True)
        seconds = float(reader.stdout.readline())
        reader.wait(timeout=60)
        cpu1 = server.cpu_seconds()
        delivered = publishes * subscribers
        return {"delivered_per_s": delivered / seconds,
                "cpu_ns_per_delivery": 1e9 * (cpu1 - cpu0) / delivered}
    finally:
        server.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--binary", default=os.path.join(run.ROOT, "build", "respd"))
    ap.add_argument("--reader", nargs=3, type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.reader:
        reader_main(*args.reader)
        return
    run.PINNING["enabled"] = (os.cpu_count() or 1) >= 2 and bool(run.shutil.which("taskset"))
    workdir = tempfile.mkdtemp(prefix="respd-pubsub-")
    servers = {"respd": run.Server("respd", args.binary, workdir),
               "redis": run.Server("redis", run.REDIS_SERVER, workdir)}
    raw = {}
    try:
        for r in range(args.rounds):
            for kind in (["respd", "redis"] if r % 2 == 0 else ["redis", "respd"]):
                for subscribers, full, quick in SHAPES:
                    row = run_shape(servers[kind], subscribers, quick if args.quick else full)
                    raw.setdefault(subscribers, {}).setdefault(kind, []).append(row)
                    print("round %d %-5s %5d subscribers: %10.0f deliveries/s, %6.1f ns CPU each"
                          % (r + 1, kind, subscribers, row["delivered_per_s"],
                             row["cpu_ns_per_delivery"]), flush=True)
    finally:
        run.kill_all()
    med = statistics.median
    lines = ["# PUBLISH fan-out, respd vs redis-server (medians of %d rounds)" % args.rounds, "",
             "| subscribers | deliveries/s respd | deliveries/s redis | ratio | CPU/delivery respd "
             "| CPU/delivery redis | CPU ratio |", "|---|---|---|---|---|---|---|"]
    for subscribers, by in raw.items():
        d = {k: med(x["delivered_per_s"] for x in v) for k, v in by.items()}
        c = {k: med(x["cpu_ns_per_delivery"] for x in v) for k, v in by.items()}
        lines.append("| %d | %.0f | %.0f | %.2f | %.0f ns | %.0f ns | %.2f |" % (
            subscribers, d["respd"], d["redis"], d["respd"] / d["redis"], c["respd"], c["redis"],
            c["respd"] / c["redis"]))
    report = "\n".join(lines) + "\n"
    print("\n" + report)
    os.makedirs(os.path.join(run.ROOT, "build"), exist_ok=True)
    with open(os.path.join(run.ROOT, "build", "bench-pubsub.md"), "w") as f:
        f.write(report)
    with open(os.path.join(run.ROOT, "build", "bench-pubsub.json"), "w") as f:
        json.dump(raw, f, indent=1)


if __name__ == "__main__":
    main()

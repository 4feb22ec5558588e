#!/usr/bin/env python3
"""Instructions per request, counted by valgrind's callgrind: repeatable to a
fraction of a percent whatever else the machine does, so it shows a change
of a few instructions in a hot path that the timed benchmarks (bench/run.py)
cannot see through this machine's noise.

    python3 bench/instructions.py [--requests N] BINARY [BINARY ...]

Each binary (respd builds, or /usr/bin/redis-server) is started under
callgrind on a free 127.0.0.1 port; redis-benchmark sends N requests of each
workload (pipelined, 10 clients, 1000 keys), then the server is shut down.
A run with no requests is subtracted, so startup and shutdown do not count.
Only user-space instructions are counted (the kernel's share is the same
for any server of this shape: see bench/run.py's floor section).
"""

import argparse
import os
import shutil
import socket
import subprocess
import tempfile
import time

WORKLOADS = ["set", "get", "incr", "mset", "ping_mbulk"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(binary, test, requests, workdir):
    port = free_port()
    out = os.path.join(workdir, "callgrind.%d" % port)
    server = subprocess.Popen(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out, binary,
         "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--logfile", os.devnull],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    cli = shutil.which("redis-cli")
    for _ in range(200):
        if subprocess.run([cli, "-p", str(port), "ping"], capture_output=True).returncode == 0:
            break
        time.sleep(0.05)
    if requests:
        subprocess.run(["redis-benchmark", "-p", str(port), "-t", test, "-n", str(requests),
                        "-P", "16", "-c", "10", "-r", "1000", "-q"],
                       capture_output=True, check=True)
    subprocess.run([cli, "-p", str(port), "shutdown", "nosave"], capture_output=True)
    server.wait(timeout=120)
    with open(out) as f:
        for line in f:
            if line.startswith(("summary:", "totals:")):
                return int(line.split()[1])
    raise RuntimeError("no totals in " + out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=100000)
    ap.add_argument("binaries", nargs="+")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="instructions.") as workdir:
        print("| workload | " + " | ".join(args.binaries) + " |")
        print("|---|" + "---:|" * len(args.binaries))
        base = {b: run(b, "ping_mbulk", 0, workdir) for b in args.binaries}
        for test in WORKLOADS:
            cells = []
            for b in args.binaries:
                total = run(b, test, args.requests, workdir)
                cells.append("{:,}".format((total - base[b]) // args.requests))
            print("| %s | %s |" % (test, " | ".join(cells)))


if __name__ == "__main__":
    main()

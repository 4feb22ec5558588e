#!/usr/bin/env python3
"""Side-by-side benchmark: respd against Debian's redis-server 7.0.

    python3 bench/run.py [--rounds 3] [--quick] [--only SECTIONS] [--no-build]

Builds respd (Release, target respd only), then for each round runs every
workload against a fresh respd and a fresh redis-server (no persistence, free
loopback ports), in alternating order (round 1: respd first, round 2: redis
first, ...) so machine drift hits both alike. Servers are pinned to CPU 0 and
every load generator (redis-benchmark, redis-cli, this script) to CPU 1 when
taskset exists and the machine has 2+ CPUs.

Sections (--only takes a comma-separated subset):
  startup     time from spawn to the first PONG (median of 10 starts each)
  throughput  redis-benchmark -c 50: SET/GET/INCR/MSET at -P 1 and -P 16, GET
              with 1 KiB values, and SET/GET with 1000 idle clients open;
              rps, p50/p99 latency, server CPU (utime+stime) per request
  memory      RSS and INFO used_memory after loading 1M keys (16-byte keys,
              16-byte values), and again with 100-byte values: bytes per key
  growth      GET round-trip percentiles on one connection while another
              pipelines SETs of 2M new keys (incremental rehashing at work)
  floor       CPU per request of PING (inline) at -P 1 and -P 16 for respd,
              Redis and bench/floor_server.cc, a server with the same system
              calls per request and no work at all: the part of every figure
              that is the kernel's loopback TCP and epoll on this machine
  micro       Google Benchmark micro-benchmarks (bench/micro/), built into
              build-bench/ with -DRESPD_BUILD_BENCH=ON

Medians over rounds and ratios respd/Redis are printed and written to
build/bench-results.md (raw figures: build/bench-results.json). Every server
this script starts is killed when it ends, also on Ctrl-C or an error.

Python 3 standard library only.
"""

import argparse
import ctypes
import datetime
import json
import math
import os
import platform
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REDIS_SERVER = "/usr/bin/redis-server"
REDIS_BENCHMARK = shutil.which("redis-benchmark") or "/usr/bin/redis-benchmark"
REDIS_CLI = shutil.which("redis-cli") or "/usr/bin/redis-cli"
CLK_TCK = os.sysconf("SC_CLK_TCK")
SECTIONS = ("startup", "throughput", "floor", "memory", "growth", "micro")

# Workloads for redis-benchmark. n is chosen so a run takes ~3-5 s on the
# 2-core reference machine when quiet (both servers ~35-50k rps at -P 1,
# ~550k at -P 16, MSET ~35k / ~150-300k); about twice that when it is busy.
#   name, -t test, -P, -n (full), -n (quick), -d, preload keys, idle clients
WORKLOADS = [
    ("SET P1", "set", 1, 150_000, 10_000, 3, 0, 0),
    ("GET P1", "get", 1, 150_000, 10_000, 3, 100_000, 0),
    ("INCR P1", "incr", 1, 150_000, 10_000, 3, 0, 0),
    ("MSET10 P1", "mset", 1, 120_000, 5_000, 3, 0, 0),
    ("SET P16", "set", 16, 2_000_000, 50_000, 3, 0, 0),
    ("GET P16", "get", 16, 2_000_000, 50_000, 3, 100_000, 0),
    ("INCR P16", "incr", 16, 2_000_000, 50_000, 3, 0, 0),
    ("MSET10 P16", "mset", 16, 800_000, 20_000, 3, 0, 0),
    ("GET 1KiB P1", "get", 1, 150_000, 10_000, 1024, 100_000, 0),
    ("SET +1000 idle", "set", 1, 150_000, 10_000, 3, 0, 1000),
    ("GET +1000 idle", "get", 1, 150_000, 10_000, 3, 100_000, 1000),
]
# The floor section: redis-benchmark's inline PING, the one command the
# floor server answers like a Redis (same fields as WORKLOADS).
FLOOR_WORKLOADS = [
    ("PING P1", "ping_inline", 1, 150_000, 10_000, 3, 0, 0),
    ("PING P16", "ping_inline", 16, 2_000_000, 50_000, 3, 0, 0),
]
KEYSPACE = 100_000  # redis-benchmark -r
CLIENTS = 50

MEMORY_KEYS = 1_000_000
GROWTH_KEYS = 2_000_000
STARTUP_STARTS = 10

# ---------------------------------------------------------------------------
# Processes: everything started is tracked and killed on the way out.

_live = []  # Popen objects of servers still running
PINNING = {"enabled": False}


try:
    _prctl = ctypes.CDLL(None, use_errno=True).prctl
except Exception:
    _prctl = None


def _set_pdeathsig():
    # Runs in the child before exec: the server dies with this script even if
    # the script itself is SIGKILLed.
    if _prctl is not None:
        _prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def pinned(cmd, cpu):
    if PINNING["enabled"]:
        return ["taskset", "-c", str(cpu)] + cmd
    return cmd


def kill_all():
    while _live:
        p = _live.pop()
        stop_process(p)


def stop_process(p, timeout=10):
    if p.poll() is None:
        try:
            p.terminate()
            p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        except ProcessLookupError:
            pass
    if p in _live:
        _live.remove(p)


def _on_signal(signum, _frame):
    raise SystemExit(128 + signum)


def free_port():
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        # Also make sure the port is not in use by a listener on another address.
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) != 0:
                return port


# ---------------------------------------------------------------------------
# A tiny RESP client.

class Conn:
    def __init__(self, port, timeout=30):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def close(self):
        self.sock.close()

    def _line(self):
        while True:
            i = self.buf.find(b"\r\n")
            if i >= 0:
                line, self.buf = self.buf[:i], self.buf[i + 2:]
                return line
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("server closed the connection")
            self.buf += chunk

    def _exact(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(max(65536, n - len(self.buf)))
            if not chunk:
                raise ConnectionError("server closed the connection")
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def read_reply(self):
        line = self._line()
        t, rest = line[:1], line[1:]
        if t == b"+":
            return rest.decode()
        if t == b"-":
            raise RuntimeError("server error: " + rest.decode())
        if t == b":":
            return int(rest)
        if t == b"$":
            n = int(rest)
            if n < 0:
                return None
            data = self._exact(n + 2)
            return data[:-2]
        if t == b"*":
            n = int(rest)
            return None if n < 0 else [self.read_reply() for _ in range(n)]
        raise RuntimeError("unexpected reply %r" % line)

    @staticmethod
    def encode(*args):
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            if isinstance(a, str):
                a = a.encode()
            out.append(b"$%d\r\n%s\r\n" % (len(a), a))
        return b"".join(out)

    def call(self, *args):
        self.sock.sendall(self.encode(*args))
        return self.read_reply()

    def info(self, section=""):
        raw = self.call("INFO", section) if section else self.call("INFO")
        fields = {}
        for line in raw.decode().splitlines():
            if ":" in line and not line.startswith("#"):
                k, v = line.split(":", 1)
                fields[k] = v
        return fields


# ---------------------------------------------------------------------------
# Servers.

class Server:
    def __init__(self, kind, binary, workdir):
        self.kind = kind  # "respd" or "redis"
        self.binary = binary
        self.workdir = workdir
        self.proc = None
        self.port = None
        self.extra_args = []  # Directives a measurement adds (--maxclients ...).

    def command(self, port, pin=True):
        if self.kind == "floor":  # Takes --port only; loopback, nothing to save.
            cmd = [self.binary, "--port", str(port)]
        else:
            cmd = [self.binary, "--port", str(port), "--bind", "127.0.0.1",
                   "--save", "", "--appendonly", "no"] + self.extra_args
        return pinned(cmd, 0) if pin else cmd

    def start(self, timeout=15.0, guard=True):
        """Spawns the server and waits for PONG; returns seconds to first PONG.
        guard=False skips the parent-death signal: a preexec_fn makes Python
        fork instead of vfork and adds ~8 ms to every spawn, which the startup
        section should not measure (its servers are still killed on exit)."""
        self.port = free_port()
        log = open(os.path.join(self.workdir, "%s.log" % self.kind), "ab")
        t0 = time.perf_counter()
        # The startup section (guard=False) spawns the server itself, not
        # through taskset: exec'ing taskset first would add its own start
        # (~3 ms here) to both servers' figures.
        self.proc = subprocess.Popen(self.command(self.port, pin=guard), cwd=self.workdir,
                                     stdout=log,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     preexec_fn=_set_pdeathsig if guard else None)
        log.close()
        _live.append(self.proc)
        ping = Conn.encode("PING")
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError("%s exited with %s during startup (see %s/%s.log)" %
                                   (self.kind, self.proc.returncode, self.workdir, self.kind))
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.sendall(ping)
                    data = b""
                    while not data.endswith(b"\r\n"):
                        chunk = s.recv(64)
                        if not chunk:
                            break
                        data += chunk
                    if data.startswith(b"+PONG"):
                        return time.perf_counter() - t0
                    # -LOADING or similar: keep polling.
            except OSError:
                pass
            if time.perf_counter() - t0 > timeout:
                raise RuntimeError("%s did not answer PING within %.0f s" % (self.kind, timeout))
            time.sleep(0.001)

    def stop(self):
        if self.proc is not None:
            stop_process(self.proc)
            rc = self.proc.returncode
            self.proc = None
            return rc
        return None

    @property
    def pid(self):
        return self.proc.pid

    def cpu_seconds(self):
        with open("/proc/%d/stat" % self.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        # Fields after "(comm)": state is [0], utime is field 14 -> [11], stime [12].
        return (int(fields[11]) + int(fields[12])) / CLK_TCK

    def rss_bytes(self):
        with open("/proc/%d/status" % self.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        return 0

    def alive(self):
        return self.proc is not None and self.proc.poll() is None


# ---------------------------------------------------------------------------
# Loading data: RESP generated here, sent by redis-cli --pipe (fast, and the
# same for both servers). Payloads are cached in files under the work dir.

_payloads = {}


def payload_file(workdir, prefix, count, value_size):
    key = (prefix, count, value_size)
    if key in _payloads:
        return _payloads[key]
    assert len(prefix) == 4
    path = os.path.join(workdir, "load-%s-%d-%d.resp" % (prefix.strip(":"), count, value_size))
    value = b"v" * value_size
    tail = b"\r\n$%d\r\n%s\r\n" % (value_size, value)
    head = b"*3\r\n$3\r\nSET\r\n$16\r\n" + prefix.encode()
    with open(path, "wb") as f:
        step = 100_000
        for lo in range(0, count, step):
            f.write(b"".join(head + b"%012d" % i + tail for i in range(lo, min(count, lo + step))))
    _payloads[key] = path
    return path


def start_loader(path, port):
    """Starts redis-cli --pipe reading `path`; returns the Popen."""
    return subprocess.Popen(pinned([REDIS_CLI, "-h", "127.0.0.1", "-p", str(port), "--pipe"], 1),
                            stdin=open(path, "rb"), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)


def finish_loader(p, expected):
    out = p.communicate()[0].decode(errors="replace")
    if p.returncode != 0 or ("errors: 0, replies: %d" % expected) not in out:
        raise RuntimeError("redis-cli --pipe failed (rc %s): %s" % (p.returncode, out.strip()))


def load(path, port, expected):
    p = start_loader(path, port)
    finish_loader(p, expected)


# ---------------------------------------------------------------------------
# Sections.

def pct(sorted_values, q):
    if not sorted_values:
        return float("nan")
    i = max(0, min(len(sorted_values) - 1, math.ceil(q * len(sorted_values)) - 1))
    return sorted_values[i]


def run_startup(servers, results, log):
    times = {s.kind: [] for s in servers}
    # Servers are spawned without taskset here and inherit this script's
    # affinity: both CPUs while measuring, so server and prober do not share one.
    pinned_to = os.sched_getaffinity(0)
    os.sched_setaffinity(0, set(range(os.cpu_count() or 1)))
    try:
        for i in range(STARTUP_STARTS):
            order = servers if i % 2 == 0 else servers[::-1]
            for s in order:
                times[s.kind].append(s.start(guard=False))
                rc = s.stop()
                if rc not in (0, None) and s.kind == "respd":
                    log("  note: respd exited with %s after SIGTERM" % rc)
    finally:
        os.sched_setaffinity(0, pinned_to)
    results["startup"] = times
    for k, v in times.items():
        log("  startup %-5s median %.2f ms (min %.2f, max %.2f)" %
            (k, 1e3 * statistics.median(v), 1e3 * min(v), 1e3 * max(v)))


def parse_csv(text):
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith('"') or line.startswith('"test"'):
            continue
        cells = [c.strip('"') for c in line.split('","')]
        rows.append({"test": cells[0], "rps": float(cells[1]), "avg_ms": float(cells[2]),
                     "min_ms": float(cells[3]), "p50_ms": float(cells[4]),
                     "p95_ms": float(cells[5]), "p99_ms": float(cells[6]),
                     "max_ms": float(cells[7])})
    return rows


def benchmark_command(port, test, pipeline, n, datasize):
    return [REDIS_BENCHMARK, "-h", "127.0.0.1", "-p", str(port), "-c", str(CLIENTS),
            "-n", str(n), "-r", str(KEYSPACE), "-P", str(pipeline), "-d", str(datasize),
            "-t", test, "--csv"]


def run_workload(server, wl, quick, workdir):
    name, test, pipeline, n_full, n_quick, datasize, preload, idle = wl
    n = n_quick if quick else n_full
    server.start()
    idle_socks = []
    try:
        if preload:
            load(payload_file(workdir, "key:", preload, datasize), server.port, preload)
        for _ in range(idle):
            c = Conn(server.port)
            c.sock.sendall(Conn.encode("PING"))
            idle_socks.append(c)
        for c in idle_socks:  # every idle client is registered and answered
            if c.read_reply() != "PONG":
                raise RuntimeError("idle client did not get PONG")
        cmd = pinned(benchmark_command(server.port, test, pipeline, n, datasize), 1)
        cpu0 = server.cpu_seconds()
        t0 = time.perf_counter()
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        wall = time.perf_counter() - t0
        cpu1 = server.cpu_seconds()
        rows = parse_csv(p.stdout)
        problems = []
        if p.returncode != 0:
            problems.append("redis-benchmark exit %d" % p.returncode)
        stderr = p.stderr.strip()
        if server.kind == "floor":  # It answers CONFIG GET with PONG, as documented.
            stderr = stderr.replace("WARNING: Could not fetch server CONFIG", "").strip()
        if stderr:
            problems.append("stderr: " + stderr[:300])
        if len(rows) != 1:
            problems.append("expected 1 CSV row, got %d: %s" % (len(rows), p.stdout[:300]))
        if not server.alive():
            problems.append("server died (exit %s)" % server.proc.returncode)
        dbsize = None
        if server.kind != "floor":  # It has no keyspace to ask about.
            c = Conn(server.port)
            dbsize = c.call("DBSIZE")
            c.close()
        for s in idle_socks:  # idle clients must still be connected
            s.sock.sendall(Conn.encode("PING"))
        lost = 0
        for s in idle_socks:
            try:
                if s.read_reply() != "PONG":
                    lost += 1
            except (OSError, RuntimeError):
                lost += 1
        if lost:
            problems.append("%d idle clients lost" % lost)
        row = rows[0] if rows else {}
        row.update({"n": n, "wall_s": wall, "cpu_s": cpu1 - cpu0,
                    "cpu_us_per_req": 1e6 * (cpu1 - cpu0) / n, "dbsize": dbsize,
                    "problems": problems, "command": " ".join(cmd)})
        return row
    finally:
        for s in idle_socks:
            s.close()
        server.stop()


def run_memory(server, value_size, workdir):
    server.start()
    try:
        time.sleep(0.3)
        c = Conn(server.port)
        rss0 = server.rss_bytes()
        used0 = int(c.info("memory")["used_memory"])
        t0 = time.perf_counter()
        load(payload_file(workdir, "key:", MEMORY_KEYS, value_size), server.port, MEMORY_KEYS)
        load_s = time.perf_counter() - t0
        time.sleep(0.5)  # let the cron finish any rehash
        dbsize = c.call("DBSIZE")
        rss1 = server.rss_bytes()
        used1 = int(c.info("memory")["used_memory"])
        c.close()
        return {"rss_before": rss0, "rss_after": rss1, "used_before": used0, "used_after": used1,
                "rss_per_key": (rss1 - rss0) / MEMORY_KEYS,
                "used_per_key": (used1 - used0) / MEMORY_KEYS, "dbsize": dbsize,
                "load_s": load_s, "load_rps": MEMORY_KEYS / load_s}
    finally:
        server.stop()


def grow_loader_main(port, prefix, count, batch):
    """The growth section's writer, run as a child process (own GIL, CPU 1):
    SETs `count` keys `prefix%012d` with 16-byte values, `batch` per round trip
    (a bounded pipeline: the server never has more than one batch queued, so
    the probe's wait behind the writer is bounded and what remains is the
    server's own stalls). Prints "ready" once its batches are built, then
    "done <seconds>" at the end."""
    tail = b"\r\n$16\r\n" + b"v" * 16 + b"\r\n"
    head = b"*3\r\n$3\r\nSET\r\n$16\r\n" + prefix.encode()
    batches = [b"".join(head + b"%012d" % i + tail for i in range(lo, min(count, lo + batch)))
               for lo in range(0, count, batch)]
    c = Conn(port, timeout=60)
    print("ready", flush=True)
    t0 = time.perf_counter()
    sock = c.sock
    for lo, data in zip(range(0, count, batch), batches):
        n = min(count, lo + batch) - lo
        sock.sendall(data)
        want = 5 * n  # n x "+OK\r\n"
        got = bytearray()
        while len(got) < want:
            chunk = sock.recv(want - len(got))
            if not chunk:
                raise ConnectionError("server closed the loader connection")
            got += chunk
        if got != b"+OK\r\n" * n:
            raise RuntimeError("unexpected replies to SET: %r" % bytes(got[:200]))
    print("done %.3f" % (time.perf_counter() - t0), flush=True)


GROWTH_BATCH = 100


def probe_while(server, prefix):
    """Measures GET round trips on one connection while a child process SETs
    GROWTH_KEYS keys named prefix%012d; returns the loader's time and the
    sorted samples (ns)."""
    c = Conn(server.port)
    c.call("SET", "probe", "v" * 16)
    get = Conn.encode("GET", "probe")
    sock = c.sock
    loader = subprocess.Popen(pinned([sys.executable, os.path.abspath(__file__), "--grow-loader",
                                      str(server.port), prefix, str(GROWTH_KEYS),
                                      str(GROWTH_BATCH)], 1),
                              stdout=subprocess.PIPE, text=True)
    try:
        if loader.stdout.readline().strip() != "ready":
            raise RuntimeError("growth loader failed to start")
        samples = []
        clock = time.perf_counter_ns
        while True:
            for _ in range(100):
                t0 = clock()
                sock.sendall(get)
                data = sock.recv(256)
                while len(data) < 23:  # "$16\r\n" + 16 bytes + "\r\n"
                    more = sock.recv(256)
                    if not more:
                        raise ConnectionError("server closed the probe connection")
                    data += more
                samples.append(clock() - t0)
            if loader.poll() is not None:
                break
        out = loader.stdout.read().split()
        if loader.wait() != 0 or len(out) != 2 or out[0] != "done":
            raise RuntimeError("growth loader failed (exit %s)" % loader.returncode)
        dbsize = c.call("DBSIZE")
        c.close()
        return float(out[1]), sorted(samples), dbsize
    finally:
        if loader.poll() is None:
            loader.kill()
            loader.wait()


def run_growth(server):
    """GET latency while the keyspace grows 0 -> GROWTH_KEYS ("grow": every
    SET adds a key, so the table doubles and rehashes incrementally up to
    2^21 buckets), then, as a control, while the same keys are overwritten
    ("steady": same writes, no growth). Rehash stalls show as grow >> steady."""
    server.start()
    try:
        out = {}
        for phase in ("grow", "steady"):
            load_s, s, dbsize = probe_while(server, "grw:")
            us = lambda q: pct(s, q) / 1e3
            out[phase] = {"samples": len(s), "load_s": load_s, "dbsize": dbsize,
                          "p50_us": us(0.50), "p99_us": us(0.99), "p999_us": us(0.999),
                          "max_us": s[-1] / 1e3, "over_1ms": sum(1 for x in s if x > 1_000_000)}
        return out
    finally:
        server.stop()


def build_bench_targets(build_dir, targets):
    """Builds bench/ targets (Release, -DRESPD_BUILD_BENCH=ON) into build_dir;
    returns the directory holding the executables."""
    bdir = os.path.join(ROOT, build_dir)
    subprocess.run(["cmake", "-S", ROOT, "-B", bdir, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release",
                    "-DRESPD_BUILD_BENCH=ON", "-DRESPD_BUILD_TESTS=OFF"], check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", bdir, "--target"] + list(targets), check=True,
                   stdout=subprocess.DEVNULL)
    return os.path.join(bdir, "bench")


def run_micro(quick, build_dir, log):
    exe_dir = build_bench_targets(build_dir, ("parser_bench", "dict_bench", "reply_bench"))
    out = {}
    for name in ("parser_bench", "dict_bench", "reply_bench"):
        exe = os.path.join(exe_dir, name)
        cmd = pinned([exe, "--benchmark_format=json",
                      "--benchmark_min_time=%s" % ("0.05" if quick else "0.5")], 1)
        log("  " + " ".join(cmd))
        p = subprocess.run(cmd, capture_output=True, text=True, check=True)
        data = json.loads(p.stdout)
        rows = []
        for b in data["benchmarks"]:
            if b.get("error_occurred"):
                rows.append({"name": b["name"], "error": b.get("error_message", "")})
                continue
            unit = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}[b.get("time_unit", "ns")]
            rows.append({"name": b["name"], "real_ns": b["real_time"] * unit,
                         "cpu_ns": b["cpu_time"] * unit,
                         "items_per_second": b.get("items_per_second"),
                         "bytes_per_second": b.get("bytes_per_second")})
        out[name] = {"context": data.get("context", {}), "rows": rows}
    return out


# ---------------------------------------------------------------------------
# Reporting.

def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else float("nan")


def ratio(a, b):
    return a / b if b else float("nan")


def fmt(v, digits=2):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    if abs(v) >= 1000:
        return "{:,.0f}".format(v)
    return "{:.{}f}".format(v, digits)


def md_table(header, rows):
    out = ["| " + " | ".join(header) + " |",
           "|" + "|".join("---:" if i else "---" for i in range(len(header))) + "|"]
    for r in rows:
        out.append("| " + " | ".join(r) + " |")
    return "\n".join(out)


def machine_description():
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem = "?"
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal"):
                mem = "%.1f GiB" % (int(line.split()[1]) / 1024 / 1024)
    distro = "?"
    try:
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    distro = line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass

    def first_line(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True).stdout.splitlines()[0]
        except Exception:
            return "?"

    git = first_line(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"])
    dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    return {"nproc": os.cpu_count(), "cpu": model, "memory": mem, "kernel": platform.release(),
            "os": distro, "compiler": first_line(["c++", "--version"]),
            "redis": first_line([REDIS_SERVER, "--version"]),
            "redis_benchmark": first_line([REDIS_BENCHMARK, "--version"]),
            "git": git + (" (with uncommitted changes)" if dirty else "")}


def problems_seen(per_workload):
    """Markdown lines listing every run's problems ({workload: {kind: [rows]}}),
    or none when there were none."""
    problems = []
    for name, per in per_workload.items():
        for kind, runs in per.items():
            for i, r in enumerate(runs):
                for p in r.get("problems", []):
                    problems.append("%s / %s / run %d: %s" % (name, kind, i + 1, p))
    if not problems:
        return []
    return ["Problems seen:"] + ["- " + p for p in problems] + [""]


def report(res, args):
    md = []
    m = res["machine"]
    md.append("Run: %s, %d round(s)%s, %s." % (
        res["date"], res["rounds"], " (--quick)" if args.quick else "",
        "servers pinned to CPU 0, load generators to CPU 1 (taskset)" if res["pinned"]
        else "no CPU pinning"))
    md.append("")
    md.append("Machine: %s CPUs, %s, %s RAM, kernel %s, %s; %s; %s; respd at %s." % (
        m["nproc"], m["cpu"], m["memory"], m["kernel"], m["os"], m["compiler"], m["redis"],
        m["git"]))
    md.append("Load average (1/5/15 min): %s at start, %s at end." % (
        res["load_start"], res.get("load_end", "?")))
    md.append("")

    if res.get("throughput"):
        md.append("### Throughput (redis-benchmark, %d clients, -r %d)" % (CLIENTS, KEYSPACE))
        md.append("")
        md.append("Medians over rounds. Ratios are respd/Redis: above 1 is better for rps, "
                  "below 1 is better for latency and CPU. CPU = server utime+stime per request "
                  "(µs).")
        md.append("")
        rows = []
        for wl in WORKLOADS:
            name = wl[0]
            a = res["throughput"].get(name, {}).get("respd", [])
            b = res["throughput"].get(name, {}).get("redis", [])
            if not a and not b:
                continue
            get = lambda runs, k: med([r.get(k) for r in runs])
            ra, rb = get(a, "rps"), get(b, "rps")
            pa, pb = get(a, "p50_ms"), get(b, "p50_ms")
            qa, qb = get(a, "p99_ms"), get(b, "p99_ms")
            ca, cb = get(a, "cpu_us_per_req"), get(b, "cpu_us_per_req")
            rows.append([name, fmt(ra, 0), fmt(rb, 0), fmt(ratio(ra, rb)),
                         fmt(pa, 3), fmt(pb, 3), fmt(ratio(pa, pb)),
                         fmt(qa, 3), fmt(qb, 3), fmt(ratio(qa, qb)),
                         fmt(ca, 2), fmt(cb, 2), fmt(ratio(ca, cb))])
        md.append(md_table(["workload", "rps respd", "rps Redis", "ratio",
                            "p50 ms respd", "p50 ms Redis", "ratio",
                            "p99 ms respd", "p99 ms Redis", "ratio",
                            "CPU µs/req respd", "CPU µs/req Redis", "ratio"], rows))
        md.append("")
        md.extend(problems_seen(res["throughput"]))

    if res.get("floor"):
        md.append("### The kernel's floor (redis-benchmark -t ping_inline, %d clients)" % CLIENTS)
        md.append("")
        md.append("`floor` is bench/floor_server.cc: the same system calls per request as "
                  "Redis and respd (epoll_wait, one read per readable client, one write per "
                  "client with replies) and no other work. Its CPU per request is the cost of "
                  "loopback TCP and epoll here, which no server of this shape goes below. "
                  "Medians over rounds; CPU = server utime+stime per request (µs).")
        md.append("")
        rows = []
        for wl in FLOOR_WORKLOADS:
            per = res["floor"].get(wl[0], {})
            cpu = {k: med([r.get("cpu_us_per_req") for r in per.get(k, [])])
                   for k in ("floor", "respd", "redis")}
            rps = {k: med([r.get("rps") for r in per.get(k, [])])
                   for k in ("floor", "respd", "redis")}
            rows.append([wl[0], fmt(cpu["floor"]), fmt(cpu["respd"]), fmt(cpu["redis"]),
                         fmt(ratio(cpu["respd"], cpu["redis"])),
                         fmt(ratio(cpu["floor"], cpu["redis"])),
                         fmt(cpu["respd"] - cpu["floor"]), fmt(cpu["redis"] - cpu["floor"]),
                         fmt(rps["floor"], 0), fmt(rps["respd"], 0), fmt(rps["redis"], 0)])
        md.append(md_table(["workload", "CPU µs/req floor", "respd", "Redis", "respd/Redis",
                            "floor/Redis", "respd − floor", "Redis − floor", "rps floor",
                            "rps respd", "rps Redis"], rows))
        md.append("")
        md.extend(problems_seen(res["floor"]))

    if res.get("memory"):
        md.append("### Memory (%s keys of 16 bytes)" % "{:,}".format(MEMORY_KEYS))
        md.append("")
        rows = []
        for vs in sorted(res["memory"]):
            per = res["memory"][vs]
            a, b = per.get("respd", []), per.get("redis", [])
            for label, k in (("RSS bytes/key", "rss_per_key"), ("used_memory bytes/key",
                                                                "used_per_key")):
                va, vb = med([r[k] for r in a]), med([r[k] for r in b])
                rows.append(["%d-byte values" % int(vs), label, fmt(va, 1), fmt(vb, 1),
                             fmt(ratio(va, vb))])
            for label, k in (("RSS after load (MiB)", "rss_after"),
                             ("used_memory after load (MiB)", "used_after")):
                va = med([r[k] for r in a]) / 2**20
                vb = med([r[k] for r in b]) / 2**20
                rows.append(["%d-byte values" % int(vs), label, fmt(va, 1), fmt(vb, 1),
                             fmt(ratio(va, vb))])
            la, lb = med([r["load_rps"] for r in a]), med([r["load_rps"] for r in b])
            rows.append(["%d-byte values" % int(vs), "load rate (SET/s, redis-cli --pipe)",
                         fmt(la, 0), fmt(lb, 0), fmt(ratio(la, lb))])
        md.append(md_table(["data", "figure", "respd", "Redis", "ratio"], rows))
        md.append("")

    if res.get("growth"):
        md.append("### GET latency while the keyspace grows 0 → %s keys" %
                  "{:,}".format(GROWTH_KEYS))
        md.append("")
        md.append("One connection times GET round trips back to back; a second process "
                  "SETs %s new keys in batches of %d per round trip (grow), then "
                  "overwrites the same keys (steady: same writes, no table growth; the "
                  "control). Medians over rounds." % ("{:,}".format(GROWTH_KEYS), GROWTH_BATCH))
        md.append("")
        rows = []
        a, b = res["growth"].get("respd", []), res["growth"].get("redis", [])
        for label, k in (("p50 µs", "p50_us"), ("p99 µs", "p99_us"), ("p99.9 µs", "p999_us"),
                         ("max µs", "max_us"), ("GETs over 1 ms", "over_1ms"),
                         ("GET samples", "samples"), ("writer time s", "load_s")):
            cells = [label]
            for phase in ("grow", "steady"):
                va = med([r[phase][k] for r in a])
                vb = med([r[phase][k] for r in b])
                cells += [fmt(va, 1), fmt(vb, 1), fmt(ratio(va, vb))]
            rows.append(cells)
        md.append(md_table(["figure", "grow respd", "grow Redis", "ratio",
                            "steady respd", "steady Redis", "ratio"], rows))
        md.append("")

    if res.get("startup"):
        md.append("### Startup (spawn to first PONG, %d starts each)" % STARTUP_STARTS)
        md.append("")
        a, b = res["startup"]["respd"], res["startup"]["redis"]
        ma, mb = 1e3 * statistics.median(a), 1e3 * statistics.median(b)
        md.append(md_table(["figure", "respd", "Redis", "ratio"],
                           [["median ms", fmt(ma), fmt(mb), fmt(ratio(ma, mb))],
                            ["min ms", fmt(1e3 * min(a)), fmt(1e3 * min(b)),
                             fmt(ratio(min(a), min(b)))]]))
        md.append("")

    if res.get("micro"):
        md.append("### Micro-benchmarks (Google Benchmark, Release, CPU 1)")
        md.append("")
        rows = []
        for exe, data in res["micro"].items():
            for r in data["rows"]:
                if "error" in r:
                    rows.append([exe, r["name"], "error: " + r["error"], "", ""])
                    continue
                ips, bps = r.get("items_per_second"), r.get("bytes_per_second")
                per_item = 1e9 / ips if ips else r["cpu_ns"]
                rows.append([exe, r["name"], fmt(per_item, 1),
                             fmt(ips / 1e6, 2) if ips else "—",
                             fmt(bps / 2**20, 0) if bps else "—"])
        md.append(md_table(["binary", "benchmark", "ns per item", "M items/s", "MiB/s"], rows))
        md.append("")
        md.append("Items: a command (parser), a lookup/insert/step (dict), a reply (encoder); "
                  "`/1000` and `/1000000` are table sizes.")
        md.append("")

    md.append("### Commands")
    md.append("")
    md.append("```")
    md.append("python3 bench/run.py " + " ".join(sys.argv[1:]))
    md.append("cmake -B build -G Ninja -DCMAKE_BUILD_TYPE=Release && "
              "cmake --build build --target respd")
    md.append("%s --port PORT --bind 127.0.0.1 --save '' --appendonly no   # respd: build/respd" %
              (("taskset -c 0 " if res["pinned"] else "") + REDIS_SERVER))
    bc = " ".join(benchmark_command("PORT", "TEST", "P", "N", "D"))
    md.append(("taskset -c 1 " if res["pinned"] else "") + bc)
    md.append("redis-cli -p PORT --pipe < SETs of key:%012d (preload, memory)")
    md.append("```")
    md.append("")
    md.append("-n per workload: " + ", ".join(
        "%s %s" % (w[0], "{:,}".format(w[4] if args.quick else w[3]))
        for w in WORKLOADS + FLOOR_WORKLOADS) + ".")
    return "\n".join(md)


# ---------------------------------------------------------------------------

def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="1 round, small -n: a smoke test")
    ap.add_argument("--only", default=",".join(SECTIONS),
                    help="comma-separated sections: " + ",".join(SECTIONS))
    ap.add_argument("--no-build", action="store_true", help="use the existing build/respd")
    ap.add_argument("--build-dir", default="build")
    ap.add_argument("--bench-build-dir", default="build-bench")
    args = ap.parse_args()
    sections = [s for s in args.only.split(",") if s]
    for s in sections:
        if s not in SECTIONS:
            ap.error("unknown section %r" % s)
    rounds = 1 if args.quick else args.rounds

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGHUP, _on_signal)

    # Room for 1000 idle clients and the servers' own fds.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = 20000 if hard == resource.RLIM_INFINITY else min(hard, 20000)
    if soft != resource.RLIM_INFINITY and soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))

    PINNING["enabled"] = bool(shutil.which("taskset")) and (os.cpu_count() or 1) >= 2
    if PINNING["enabled"]:
        os.sched_setaffinity(0, {1})  # this script (the prober, the idle clients) too

    build_dir = os.path.join(ROOT, args.build_dir)
    workdir = os.path.join(build_dir, "bench-work")

    def log(msg):
        print(msg, flush=True)

    if not args.no_build:
        log("== building respd (Release)")
        subprocess.run(["cmake", "-S", ROOT, "-B", build_dir, "-G", "Ninja",
                        "-DCMAKE_BUILD_TYPE=Release"], check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["cmake", "--build", build_dir, "--target", "respd"], check=True)
    os.makedirs(workdir, exist_ok=True)
    for f in os.listdir(workdir):
        if f.endswith(".log"):
            os.remove(os.path.join(workdir, f))

    respd = Server("respd", os.path.join(build_dir, "respd"), workdir)
    redis = Server("redis", REDIS_SERVER, workdir)
    servers = [respd, redis]
    floor = None
    if "floor" in sections:
        log("== building the floor server")
        exe_dir = build_bench_targets(args.bench_build_dir, ("floor_server",))
        floor = Server("floor", os.path.join(exe_dir, "floor_server"), workdir)

    res = {"date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
           "rounds": rounds, "quick": args.quick, "pinned": PINNING["enabled"],
           "machine": machine_description(), "load_start": loadavg(),
           "throughput": {}, "floor": {}, "memory": {}, "growth": {}, "loads": []}
    t_begin = time.perf_counter()
    try:
        if "startup" in sections:
            log("== startup")
            run_startup(servers, res, log)
        for r in range(rounds):
            order = servers if r % 2 == 0 else servers[::-1]
            log("== round %d/%d (%s first), load %s" % (r + 1, rounds, order[0].kind, loadavg()))
            res["loads"].append(loadavg())
            if "throughput" in sections:
                for wl in WORKLOADS:
                    for s in order:
                        row = run_workload(s, wl, args.quick, workdir)
                        res["throughput"].setdefault(wl[0], {}).setdefault(s.kind, []).append(row)
                        log("  %-15s %-5s %9.0f rps  p50 %6.3f  p99 %6.3f ms  cpu %5.2f µs/req"
                            "  (%.1f s)%s" % (wl[0], s.kind, row.get("rps", float("nan")),
                                              row.get("p50_ms", float("nan")),
                                              row.get("p99_ms", float("nan")),
                                              row["cpu_us_per_req"], row["wall_s"],
                                              ("  PROBLEMS: " + "; ".join(row["problems"]))
                                              if row["problems"] else ""))
            if "floor" in sections:
                # The floor goes between the two servers, in either order.
                for wl in FLOOR_WORKLOADS:
                    for s in (order[0], floor, order[1]):
                        row = run_workload(s, wl, args.quick, workdir)
                        res["floor"].setdefault(wl[0], {}).setdefault(s.kind, []).append(row)
                        log("  %-15s %-5s %9.0f rps  cpu %5.2f µs/req  (%.1f s)%s" % (
                            wl[0], s.kind, row.get("rps", float("nan")),
                            row["cpu_us_per_req"], row["wall_s"],
                            ("  PROBLEMS: " + "; ".join(row["problems"]))
                            if row["problems"] else ""))
            if "memory" in sections:
                for vs in (16, 100):
                    for s in order:
                        m = run_memory(s, vs, workdir)
                        res["memory"].setdefault(vs, {}).setdefault(s.kind, []).append(m)
                        log("  memory %3dB   %-5s RSS %6.1f B/key  used_memory %6.1f B/key  "
                            "(dbsize %d, load %.1f s)" % (vs, s.kind, m["rss_per_key"],
                                                          m["used_per_key"], m["dbsize"],
                                                          m["load_s"]))
            if "growth" in sections:
                for s in order:
                    g = run_growth(s)
                    res["growth"].setdefault(s.kind, []).append(g)
                    for phase, x in g.items():
                        log("  %-12s %-5s GET p50 %.0f  p99 %.0f  p99.9 %.0f  max %.0f µs  "
                            "(%d samples, %.1f s, dbsize %d)" % (
                                "growth " + phase, s.kind, x["p50_us"], x["p99_us"],
                                x["p999_us"], x["max_us"], x["samples"], x["load_s"],
                                x["dbsize"]))
        if "micro" in sections:
            log("== micro-benchmarks")
            res["micro"] = run_micro(args.quick, args.bench_build_dir, log)
    finally:
        kill_all()
        for f in os.listdir(workdir) if os.path.isdir(workdir) else []:
            if f.endswith(".resp"):
                os.remove(os.path.join(workdir, f))

    res["load_end"] = loadavg()
    res["duration_s"] = time.perf_counter() - t_begin
    text = report(res, args)
    text += "\n\nDuration: %.0f s. Load average per round: %s.\n" % (
        res["duration_s"], "; ".join(res["loads"]) or "—")
    print()
    print(text)
    with open(os.path.join(build_dir, "bench-results.md"), "w") as f:
        f.write(text)
    with open(os.path.join(build_dir, "bench-results.json"), "w") as f:
        json.dump(res, f, indent=1, default=str)
    log("\nwritten: %s/bench-results.md, bench-results.json" % args.build_dir)


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--grow-loader":
        grow_loader_main(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
        sys.exit(0)
    try:
        main()
    except KeyboardInterrupt:
        kill_all()
        sys.exit(130)
    finally:
        kill_all()

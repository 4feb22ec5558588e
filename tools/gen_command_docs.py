#!/usr/bin/env python3
"""Generates server/commands/generated/command_docs.cc from the reference Redis server.

Starts /usr/bin/redis-server (7.0) on a free 127.0.0.1 port, asks it over
RESP3 for COMMAND INFO and COMMAND DOCS of every command and subcommand, and
writes each one's table row (arity, flags, legacy key positions, ACL
categories: what the dispatcher obeys) and its tips, key specifications and
docs as a flat node array (see server/dispatch/command_docs.h). Run from
anywhere:

    python3 tools/gen_command_docs.py [--redis-server PATH] [--output PATH]

The output depends only on the server's replies: commands are sorted by full
name, and fields inside each reply keep the order Redis sent them in.
Identical subtrees share their child blocks. RESP3 sets become kSet nodes.
"""

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUTPUT = os.path.join(REPO_ROOT, "server", "commands", "generated", "command_docs.cc")


class RespError(Exception):
    pass


class Connection:
    """A blocking RESP3 client over a raw socket."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.file = self.sock.makefile("rb")

    def close(self):
        self.file.close()
        self.sock.close()

    def send(self, *args):
        parts = [b"*%d\r\n" % len(args)]
        for arg in args:
            data = arg.encode() if isinstance(arg, str) else arg
            parts.append(b"$%d\r\n%s\r\n" % (len(data), data))
        self.sock.sendall(b"".join(parts))

    def call(self, *args):
        self.send(*args)
        return self.read()

    def read(self):
        """One reply as (type character, value); aggregates hold a list."""
        line = self.file.readline()
        if not line.endswith(b"\r\n"):
            raise RespError("connection closed")
        kind, rest = chr(line[0]), line[1:-2]
        if kind in "$=":
            length = int(rest)
            if length < 0:
                raise RespError("unexpected null bulk")
            data = self.file.read(length + 2)
            return (kind, data[:-2])
        if kind in "*~%":
            count = int(rest)
            if count < 0:
                raise RespError("unexpected null aggregate")
            if kind == "%":
                count *= 2
            return (kind, [self.read() for _ in range(count)])
        if kind == "+":
            return (kind, rest)
        if kind == ":":
            return (kind, int(rest))
        if kind == "-":
            raise RespError(rest.decode(errors="replace"))
        raise RespError("unsupported reply type %r" % kind)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(binary, workdir):
    port = free_port()
    proc = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "",
         "--appendonly", "no", "--dir", workdir, "--daemonize", "no",
         "--logfile", ""],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while True:
        try:
            return proc, Connection(port)
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError("%s did not start on port %d" % (binary, port))
            time.sleep(0.05)


def stop_server(proc, conn):
    try:
        conn.send("SHUTDOWN", "NOSAVE")
        conn.close()
        proc.wait(timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        proc.kill()
        proc.wait()


def bulk_text(reply):
    kind, value = reply
    if kind != "$":
        raise RespError("expected a bulk string, got %r" % kind)
    return value.decode()


def collect(conn):
    """Returns {fullname: (tips, key_specs, docs)} as raw RESP3 trees."""
    hello = conn.call("HELLO", "3")
    if hello[0] != "%":
        raise RespError("HELLO 3 did not return a map")
    fields = hello[1]
    info = {bulk_text(fields[i]): fields[i + 1][1] for i in range(0, len(fields), 2)}
    version = info.get("version", b"").decode()
    if not version.startswith("7.0."):
        print("warning: reference server is %s, not 7.0" % version, file=sys.stderr)

    names = []

    def walk(entry):
        kind, elements = entry
        if kind != "*" or len(elements) != 10:
            raise RespError("unexpected COMMAND entry")
        names.append(bulk_text(elements[0]))
        for sub in elements[9][1]:
            walk(sub)

    for entry in conn.call("COMMAND")[1]:
        walk(entry)
    names.sort()
    if len(set(names)) != len(names):
        raise RespError("duplicate command names")

    result = {}
    for name in names:
        kind, entries = conn.call("COMMAND", "INFO", name)
        if kind != "*" or len(entries) != 1 or entries[0][0] != "*":
            raise RespError("bad COMMAND INFO reply for %s" % name)
        elements = entries[0][1]
        if bulk_text(elements[0]) != name:
            raise RespError("COMMAND INFO %s answered for another command" % name)
        info = command_info(elements)
        tips, key_specs = elements[7], elements[8]

        kind, pairs = conn.call("COMMAND", "DOCS", name)
        if kind != "%" or len(pairs) != 2:
            raise RespError("bad COMMAND DOCS reply for %s" % name)
        kind, fields = pairs[1]
        if kind != "%":
            raise RespError("COMMAND DOCS %s is not a map" % name)
        kept = []
        for i in range(0, len(fields), 2):
            if fields[i] != ("$", b"subcommands"):
                kept += fields[i:i + 2]
        result[name] = (info, tips, key_specs, ("%", kept))
    return version, result


# COMMAND INFO's flag and ACL category names -> respd's constants
# (server/dispatch/command_table.h).
FLAG_CONSTANTS = {
    "write": "kCmdWrite", "readonly": "kCmdReadOnly", "denyoom": "kCmdDenyOom",
    "module": "kCmdModule", "admin": "kCmdAdmin", "pubsub": "kCmdPubSub",
    "noscript": "kCmdNoScript", "blocking": "kCmdBlocking", "loading": "kCmdLoading",
    "stale": "kCmdStale", "skip_monitor": "kCmdSkipMonitor",
    "skip_slowlog": "kCmdSkipSlowlog", "asking": "kCmdAsking", "fast": "kCmdFast",
    "no_auth": "kCmdNoAuth", "no_mandatory_keys": "kCmdNoMandatoryKeys",
    "no_async_loading": "kCmdNoAsyncLoading", "no_multi": "kCmdNoMulti",
    "movablekeys": "kCmdMovableKeys", "allow_busy": "kCmdAllowBusy",
}
ACL_CONSTANTS = {
    "keyspace": "kAclKeyspace", "read": "kAclRead", "write": "kAclWrite", "set": "kAclSet",
    "sortedset": "kAclSortedSet", "list": "kAclList", "hash": "kAclHash",
    "string": "kAclString", "bitmap": "kAclBitmap", "hyperloglog": "kAclHyperLogLog",
    "geo": "kAclGeo", "stream": "kAclStream", "pubsub": "kAclPubSub", "admin": "kAclAdmin",
    "fast": "kAclFast", "slow": "kAclSlow", "blocking": "kAclBlocking",
    "dangerous": "kAclDangerous", "connection": "kAclConnection",
    "transaction": "kAclTransaction", "scripting": "kAclScripting",
}


def command_info(elements):
    """(arity, flag constants, first key, last key, step, ACL constants)."""
    def integer(reply):
        kind, value = reply
        if kind != ":":
            raise RespError("expected an integer, got %r" % kind)
        return value

    def names(reply):
        kind, items = reply
        if kind not in "*~":
            raise RespError("expected a set, got %r" % kind)
        return [value.decode() for _, value in items]

    flags = []
    for flag in names(elements[2]):
        if flag not in FLAG_CONSTANTS:
            raise RespError("unknown command flag %r" % flag)
        flags.append(FLAG_CONSTANTS[flag])
    categories = []
    for category in names(elements[6]):
        category = category.lstrip("@")
        if category not in ACL_CONSTANTS:
            raise RespError("unknown ACL category %r" % category)
        categories.append(ACL_CONSTANTS[category])
    return (integer(elements[1]), flags, integer(elements[3]), integer(elements[4]),
            integer(elements[5]), categories)


def info_expr(info):
    arity, flags, first, last, step, categories = info
    return "{%d, %s, %d, %d, %d, %s}" % (arity, " | ".join(flags) or "0", first, last, step,
                                         " | ".join(categories) or "0")


class NodeTable:
    """Lays trees out as a flat node array, each node's children contiguous.

    A node is (kind, text, number, children block); identical children
    sequences share one block, so identical subtrees are stored once.
    """

    KINDS = {"%": "Map", "*": "Array", "~": "Set", "$": "Bulk", "+": "Status", ":": "Int"}

    def __init__(self):
        self.nodes = []      # [kind, value, first_child, child_count]
        self.blocks = {}     # tuple of node keys -> first index
        self.key_ids = {}    # (kind, value, children key ids) -> key id
        self.placed = {}     # key id -> index of a node with that key
        self.root_comments = {}

    def key(self, tree):
        kind, value = tree
        if kind not in self.KINDS:
            raise RespError("unsupported reply type %r" % kind)
        if kind in "%*~":
            key = (kind, None, tuple(self.key(child) for child in value))
        else:
            key = (kind, value, ())
        return self.key_ids.setdefault(key, len(self.key_ids))

    def place_block(self, trees):
        keys = tuple(self.key(t) for t in trees)
        if not keys:
            return 0
        if keys in self.blocks:
            return self.blocks[keys]
        first = len(self.nodes)
        self.blocks[keys] = first
        for tree, key in zip(trees, keys):
            self.placed.setdefault(key, len(self.nodes))
            self.nodes.append([tree[0], tree[1], 0, 0])
        for i, tree in enumerate(trees):
            if tree[0] in "%*~":
                node = self.nodes[first + i]
                node[1] = None
                node[2] = self.place_block(tree[1])
                node[3] = len(tree[1])
        return first

    def add_root(self, tree, comment):
        key = self.key(tree)
        if key not in self.placed:
            self.place_block([tree])
        index = self.placed[key]
        self.root_comments.setdefault(index, comment)
        return index


def cpp_string(data):
    if b"\0" in data:
        raise RespError("NUL byte in %r" % data)
    out = ['"']
    for byte in data:
        ch = chr(byte)
        if ch in '"\\':
            out.append("\\" + ch)
        elif 0x20 <= byte < 0x7F:
            out.append(ch)
        else:
            out.append("\\%03o" % byte)
    out.append('"')
    return "".join(out)


class TextPool:
    """Every distinct string once, concatenated into one char array: nodes
    hold (offset, size), so the tables hold no pointers, need no relocation
    at load time and stay in read-only pages that are touched only when
    used."""

    def __init__(self):
        self.offsets = {}
        self.strings = []
        self.size = 0

    def add(self, data):
        if data not in self.offsets:
            self.offsets[data] = self.size
            self.strings.append(data)
            self.size += len(data)
        return self.offsets[data], len(data)


def node_expr(node, pool):
    kind, value, first, count = node
    name = NodeTable.KINDS[kind]
    if kind in "%*~":
        return "%s(%d, %d)" % (name, first, count)
    if kind == ":":
        if not -2**31 <= value < 2**31:
            raise RespError("integer %d does not fit DocNode::number" % value)
        return "Int(%d)" % value
    offset, size = pool.add(value)
    return "%s(%d, %d)" % (name, offset, size)


def render(version, commands):
    table = NodeTable()
    # The empty array first, so index 0 is a harmless default.
    table.add_root(("*", []), "empty array")
    docs = []
    for name in sorted(commands):
        info, tips, key_specs, doc = commands[name]
        docs.append((name, info,
                     table.add_root(tips, name + " tips"),
                     table.add_root(key_specs, name + " key specs"),
                     table.add_root(doc, name + " docs")))

    pool = TextPool()
    node_lines = []
    for index, node in enumerate(table.nodes):
        comment = table.root_comments.get(index)
        if comment is None and node[0] in "$+":
            # Cut to fit a line; never end on a backslash, which would
            # continue the // comment onto the next node.
            comment = cpp_string(node[1])[:60].rstrip("\\")
        elif comment is not None:
            comment = "%d: %s" % (index, comment)
        suffix = "  // %s" % comment if comment else ""
        node_lines.append("    %s,%s" % (node_expr(node, pool), suffix))
    doc_lines = []
    for name, info, tips, key_specs, doc in docs:
        offset, size = pool.add(name.encode())
        doc_lines.append("    {%d, %d, %d, %d, %d, %s},  // %s"
                         % (offset, size, tips, key_specs, doc, info_expr(info), name))

    lines = []
    lines.append("// GENERATED by tools/gen_command_docs.py from the COMMAND INFO and COMMAND")
    lines.append("// DOCS replies of Redis %s. Do not edit by hand; to regenerate, run" % version)
    lines.append("//   python3 tools/gen_command_docs.py")
    lines.append("// (it starts /usr/bin/redis-server on a free 127.0.0.1 port, queries it and")
    lines.append("// rewrites this file, formatted with clang-format; scripts/check verifies")
    lines.append("// that doing so changes nothing).")
    lines.append("//")
    lines.append("// %d commands and subcommands, %d nodes, %d bytes of distinct text."
                 % (len(docs), len(table.nodes), pool.size))
    lines.append("")
    lines.append('#include "server/dispatch/command_docs.h"')
    lines.append("")
    lines.append("#include <algorithm>")
    lines.append("#include <iterator>")
    lines.append("")
    lines.append('#include "server/dispatch/command_table.h"')
    lines.append("")
    lines.append("namespace respd::server {")
    lines.append("namespace {")
    lines.append("")
    lines.append("// Every string below, once; nodes and docs refer to it by offset and size.")
    lines.append("constexpr char kText[] =")
    for data in pool.strings:
        lines.append("    %s" % cpp_string(data))
    lines.append("    ;")
    lines.append("")
    lines.append("constexpr DocNode Map(uint32_t first, uint32_t count) {")
    lines.append("  return {DocNode::kMap, 0, 0, 0, first, count};")
    lines.append("}")
    lines.append("constexpr DocNode Array(uint32_t first, uint32_t count) {")
    lines.append("  return {DocNode::kArray, 0, 0, 0, first, count};")
    lines.append("}")
    lines.append("constexpr DocNode Set(uint32_t first, uint32_t count) {")
    lines.append("  return {DocNode::kSet, 0, 0, 0, first, count};")
    lines.append("}")
    lines.append("constexpr DocNode Bulk(uint32_t offset, uint32_t size) {")
    lines.append("  return {DocNode::kBulk, 0, offset, size, 0, 0};")
    lines.append("}")
    lines.append("constexpr DocNode Status(uint32_t offset, uint32_t size) {")
    lines.append("  return {DocNode::kStatus, 0, offset, size, 0, 0};")
    lines.append("}")
    lines.append("constexpr DocNode Int(int32_t number) { return {DocNode::kInteger, number, 0, 0, 0, 0}; }")
    lines.append("")
    lines.append("constexpr DocNode kNodes[] = {")
    lines.extend(node_lines)
    lines.append("};")
    lines.append("")
    lines.append("// Sorted by fullname: name, tips, key specs, docs, {arity, flags, first key,")
    lines.append("// last key, step, ACL categories}. One row per line, for readable diffs.")
    lines.append("// clang-format off")
    lines.append("constexpr CommandDoc kDocs[] = {")
    lines.extend(doc_lines)
    lines.append("};")
    lines.append("// clang-format on")
    lines.append("")
    lines.append("}  // namespace")
    lines.append("")
    lines.append("std::string_view DocNode::text() const { return {kText + text_offset, text_size}; }")
    lines.append("")
    lines.append("std::string_view CommandDoc::fullname() const { return {kText + name_offset, name_size}; }")
    lines.append("")
    lines.append("std::span<const DocNode> DocNodes() { return kNodes; }")
    lines.append("")
    lines.append("std::span<const CommandDoc> CommandDocs() { return kDocs; }")
    lines.append("")
    lines.append("const CommandDoc* FindCommandDoc(std::string_view fullname) {")
    lines.append("  const CommandDoc* it = std::lower_bound(")
    lines.append("      std::begin(kDocs), std::end(kDocs), fullname,")
    lines.append("      [](const CommandDoc& doc, std::string_view name) { return doc.fullname() < name; });")
    lines.append("  return it != std::end(kDocs) && it->fullname() == fullname ? it : nullptr;")
    lines.append("}")
    lines.append("")
    lines.append("}  // namespace respd::server")
    return "\n".join(lines) + "\n", len(docs), len(table.nodes)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis-server", default="/usr/bin/redis-server")
    parser.add_argument("--output", default=DEFAULT_OUTPUT)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="gen_command_docs.") as workdir:
        proc, conn = start_server(args.redis_server, workdir)
        try:
            version, commands = collect(conn)
        finally:
            stop_server(proc, conn)

    text, command_count, node_count = render(version, commands)
    clang_format = shutil.which("clang-format")
    if clang_format:
        # Formatted as the file it becomes, wherever it is written: the
        # repository's .clang-format applies even to an output elsewhere
        # (scripts/check writes a temporary one to compare).
        text = subprocess.run(
            [clang_format, "--assume-filename=" + DEFAULT_OUTPUT],
            input=text, capture_output=True, text=True, check=True).stdout
    else:
        print("warning: clang-format not found; %s is not formatted" % args.output,
              file=sys.stderr)
    with open(args.output, "w") as out:
        out.write(text)
    print("wrote %s: %d commands, %d nodes" % (args.output, command_count, node_count))


if __name__ == "__main__":
    main()

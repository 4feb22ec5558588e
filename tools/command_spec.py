#!/usr/bin/env python3
"""Prints respd CommandSpec fields for Redis commands, read from a running
reference redis-server, so new table lines start from Redis's own arity,
flags, key positions and ACL categories:

    python3 tools/command_spec.py --port 6379 client config|get

(Subcommands as "parent|sub".) Reads RESP2 with redis-cli.
"""
import argparse
import subprocess

FLAGS = {
    "write": "kCmdWrite", "readonly": "kCmdReadOnly", "denyoom": "kCmdDenyOom",
    "module": "kCmdModule", "admin": "kCmdAdmin", "pubsub": "kCmdPubSub",
    "noscript": "kCmdNoScript", "blocking": "kCmdBlocking", "loading": "kCmdLoading",
    "stale": "kCmdStale", "skip_monitor": "kCmdSkipMonitor", "skip_slowlog": "kCmdSkipSlowlog",
    "asking": "kCmdAsking", "fast": "kCmdFast", "no_auth": "kCmdNoAuth",
    "no_mandatory_keys": "kCmdNoMandatoryKeys", "no_async_loading": "kCmdNoAsyncLoading",
    "no_multi": "kCmdNoMulti", "movablekeys": "kCmdMovableKeys", "allow_busy": "kCmdAllowBusy",
}
ACL = {
    "keyspace": "kAclKeyspace", "read": "kAclRead", "write": "kAclWrite", "set": "kAclSet",
    "sortedset": "kAclSortedSet", "list": "kAclList", "hash": "kAclHash",
    "string": "kAclString", "bitmap": "kAclBitmap", "hyperloglog": "kAclHyperLogLog",
    "geo": "kAclGeo", "stream": "kAclStream", "pubsub": "kAclPubSub", "admin": "kAclAdmin",
    "fast": "kAclFast", "slow": "kAclSlow", "blocking": "kAclBlocking",
    "dangerous": "kAclDangerous", "connection": "kAclConnection",
    "transaction": "kAclTransaction", "scripting": "kAclScripting",
}


def info(port, name):
    out = subprocess.run(["redis-cli", "-p", str(port), "--json", "COMMAND", "INFO", name],
                         capture_output=True, text=True, check=True).stdout
    import json
    return json.loads(out)[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=6379)
    ap.add_argument("names", nargs="+")
    args = ap.parse_args()
    for name in args.names:
        entry = info(args.port, name)
        if entry is None:
            print(f"// {name}: unknown")
            continue
        fullname, arity, flags, first, last, step, acl = entry[:7]
        subs = [s[0] for s in entry[9]] if len(entry) > 9 and entry[9] else []
        flag_expr = " | ".join(FLAGS[f] for f in flags if f in FLAGS) or "0"
        acl_expr = " | ".join(ACL[a.lstrip("@")] for a in acl) or "0"
        print(f'    {{.name = "{fullname.split("|")[-1]}", .arity = {arity}, .flags = {flag_expr},')
        if first or last or step:
            print(f"     .first_key = {first}, .last_key = {last}, .key_step = {step},")
        print(f"     .acl_categories = {acl_expr},")
        print(f"     .handler = nullptr}},  // {fullname}" + (f" subcommands: {' '.join(subs)}" if subs else ""))


if __name__ == "__main__":
    main()

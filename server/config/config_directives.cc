// The directive table behind config_directives.h.
//
// Design: kDirectives is a constexpr array with one row per directive Redis
// 7.0.15 accepts, sorted by name in ASCII order (checked at compile time), so
// FindDirective is a binary search on the case-folded name plus a linear scan
// of the few deprecated aliases. Rows are built with small constexpr helpers,
// one per DirectiveType, so each row reads as "name, default, bounds, flags".
//
// The facts come from probing the real redis-server 7.0.15 (CONFIG GET on a
// server started with no config file, out-of-range values on the command line,
// CONFIG SET on a running and on a loading server) and from src/config.c:
//   - Defaults are what CONFIG GET prints: memory in plain bytes, bools as
//     yes/no, "N%" only once a percentage was set (maxmemory-clients prints
//     "0" by default). `dir` has no fixed default: CONFIG GET prints the
//     working directory, so its row says "".
//   - Bounds are Redis's own: INT_MAX/LONG_MAX/UINT_MAX as on LP64. maxmemory
//     and cluster-link-sendbuf-limit are unsigned long long in Redis (upper
//     bound ULLONG_MAX); int64_t caps them at INT64_MAX here.
//   - kMultiArg marks exactly Redis's MULTI_ARG_CONFIGs. Given one argument
//     that contains spaces ("save '3600 1 300 100'"), Redis splits it.
//   - kFileOnly rows are the directives loadServerConfigFromString handles
//     itself: include, rename-command, user, loadmodule, sentinel, and the
//     three deprecated names Redis accepts and ignores (list-max-ziplist-
//     entries, list-max-ziplist-value, lua-replicate-commands). Module
//     configs ("module.name value") are not directives and have no row.
#include "server/config/config_directives.h"

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <limits>

namespace respd::server {
namespace {

constexpr int64_t kIntMin = std::numeric_limits<int32_t>::min();
constexpr int64_t kIntMax = std::numeric_limits<int32_t>::max();
constexpr int64_t kUIntMax = std::numeric_limits<uint32_t>::max();
constexpr int64_t kLongMax = std::numeric_limits<int64_t>::max();
// A kSpecial max_args meaning "no limit".
constexpr int64_t kAnyCount = std::numeric_limits<int64_t>::max();

constexpr DirectiveSpec Bool(std::string_view name, std::string_view def,
                             uint32_t flags = kDirectiveNone, std::string_view alias = {}) {
  return {name, alias, DirectiveType::kBool, def, 0, 0, {}, flags};
}

constexpr DirectiveSpec Int(std::string_view name, std::string_view def, int64_t min, int64_t max,
                            uint32_t flags = kDirectiveNone, std::string_view alias = {}) {
  return {name, alias, DirectiveType::kInt, def, min, max, {}, flags};
}

constexpr DirectiveSpec Memory(std::string_view name, std::string_view def, int64_t min,
                               int64_t max, uint32_t flags = kDirectiveNone,
                               std::string_view alias = {}) {
  return {name, alias, DirectiveType::kMemory, def, min, max, {}, flags};
}

// min is -(largest percentage), as Redis stores "N%" as -N.
constexpr DirectiveSpec PercentOrMemory(std::string_view name, std::string_view def, int64_t min,
                                        int64_t max, uint32_t flags = kDirectiveNone) {
  return {name, {}, DirectiveType::kPercentOrMemory, def, min, max, {}, flags};
}

constexpr DirectiveSpec Octal(std::string_view name, std::string_view def, int64_t min, int64_t max,
                              uint32_t flags = kDirectiveNone) {
  return {name, {}, DirectiveType::kOctal, def, min, max, {}, flags};
}

constexpr DirectiveSpec Enum(std::string_view name, std::string_view def, std::string_view values,
                             uint32_t flags = kDirectiveNone) {
  return {name, {}, DirectiveType::kEnum, def, 0, 0, values, flags};
}

constexpr DirectiveSpec EnumFlags(std::string_view name, std::string_view def,
                                  std::string_view values, uint32_t flags = kDirectiveNone) {
  return {name, {}, DirectiveType::kEnumFlags, def, 0, 0, values, flags};
}

constexpr DirectiveSpec String(std::string_view name, std::string_view def,
                               uint32_t flags = kDirectiveNone, std::string_view alias = {}) {
  return {name, alias, DirectiveType::kString, def, 0, 0, {}, flags};
}

constexpr DirectiveSpec Special(std::string_view name, std::string_view def, int64_t min_args,
                                int64_t max_args, uint32_t flags = kDirectiveNone,
                                std::string_view alias = {}) {
  return {name, alias, DirectiveType::kSpecial, def, min_args, max_args, {}, flags};
}

// A directive only a config file (or argv) may give; no CONFIG GET/SET value.
constexpr DirectiveSpec FileOnly(std::string_view name, int64_t min_args, int64_t max_args) {
  return {name, {}, DirectiveType::kSpecial, {}, min_args, max_args, {}, kFileOnly};
}

// Sorted by name (ASCII). Enum words are listed in Redis's order, which is
// also the order of its "must be one of the following" error.
constexpr DirectiveSpec kDirectives[] = {
    Enum("acl-pubsub-default", "resetchannels", "allchannels|resetchannels"),
    String("aclfile", "", kImmutable),
    Int("acllog-max-len", "128", 0, kLongMax),
    Int("active-defrag-cycle-max", "25", 1, 99),
    Int("active-defrag-cycle-min", "1", 1, 99),
    Memory("active-defrag-ignore-bytes", "104857600", 1, kLongMax),
    Int("active-defrag-max-scan-fields", "1000", 1, kLongMax),
    Int("active-defrag-threshold-lower", "10", 0, 1000),
    Int("active-defrag-threshold-upper", "100", 0, 1000),
    Int("active-expire-effort", "1", 1, 10),
    Bool("activedefrag", "no"),
    Bool("activerehashing", "yes"),
    Bool("always-show-logo", "no", kImmutable),
    Bool("aof-disable-auto-gc", "no"),
    Bool("aof-load-truncated", "yes"),
    Bool("aof-rewrite-incremental-fsync", "yes"),
    Bool("aof-timestamp-enabled", "no"),
    Bool("aof-use-rdb-preamble", "yes"),
    String("aof_rewrite_cpulist", "", kImmutable),
    String("appenddirname", "appendonlydir", kImmutable),
    String("appendfilename", "appendonly.aof", kImmutable),
    Enum("appendfsync", "everysec", "everysec|always|no"),
    Bool("appendonly", "no", kDenyLoading),
    Memory("auto-aof-rewrite-min-size", "67108864", 0, kLongMax),
    Int("auto-aof-rewrite-percentage", "100", 0, kIntMax),
    String("bgsave_cpulist", "", kImmutable),
    // Up to 16 addresses; a single "" means none. A later line replaces.
    Special("bind", "* -::*", 0, 16, kMultiArg),
    String("bind-source-addr", ""),
    String("bio_cpulist", "", kImmutable),
    Int("busy-reply-threshold", "5000", 0, kLongMax, kDirectiveNone, "lua-time-limit"),
    // Groups of <class> <hard> <soft> <seconds>; class normal, replica (or
    // slave) or pubsub; each group replaces that class's limits.
    Special("client-output-buffer-limit",
            "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60", 0, kAnyCount,
            kMultiArg),
    Memory("client-query-buffer-limit", "1073741824", 1048576, kLongMax),
    Bool("cluster-allow-pubsubshard-when-down", "yes"),
    Bool("cluster-allow-reads-when-down", "no"),
    Bool("cluster-allow-replica-migration", "yes"),
    Int("cluster-announce-bus-port", "0", 0, 65535),
    String("cluster-announce-hostname", ""),
    String("cluster-announce-ip", ""),
    Int("cluster-announce-port", "0", 0, 65535),
    Int("cluster-announce-tls-port", "0", 0, 65535),
    String("cluster-config-file", "nodes.conf", kImmutable),
    Bool("cluster-enabled", "no", kImmutable),
    Memory("cluster-link-sendbuf-limit", "0", 0, kLongMax),
    Int("cluster-migration-barrier", "1", 0, kIntMax),
    Int("cluster-node-timeout", "15000", 0, kLongMax),
    Int("cluster-port", "0", 0, 65535, kImmutable),
    Enum("cluster-preferred-endpoint-type", "ip", "ip|hostname|unknown-endpoint"),
    Bool("cluster-replica-no-failover", "no", kDirectiveNone, "cluster-slave-no-failover"),
    Int("cluster-replica-validity-factor", "10", 0, kIntMax, kDirectiveNone,
        "cluster-slave-validity-factor"),
    Bool("cluster-require-full-coverage", "yes"),
    Bool("crash-log-enabled", "yes"),
    Bool("crash-memcheck-enabled", "yes"),
    Bool("daemonize", "no", kImmutable),
    Int("databases", "16", 1, kIntMax, kImmutable),
    String("dbfilename", "dump.rdb", kProtected),
    // CONFIG GET prints the working directory; there is no fixed default.
    Special("dir", "", 1, 1, kProtected | kDenyLoading),
    Bool("disable-thp", "yes", kImmutable),
    Bool("dynamic-hz", "yes"),
    Enum("enable-debug-command", "no", "no|yes|local", kImmutable),
    Enum("enable-module-command", "no", "no|yes|local", kImmutable),
    Enum("enable-protected-configs", "no", "no|yes|local", kImmutable),
    Int("hash-max-listpack-entries", "512", 0, kLongMax, kDirectiveNone,
        "hash-max-ziplist-entries"),
    Memory("hash-max-listpack-value", "64", 0, kLongMax, kDirectiveNone, "hash-max-ziplist-value"),
    Memory("hll-sparse-max-bytes", "3000", 0, kLongMax),
    // Redis accepts 0..INT_MAX but clamps the value it uses to [1, 500].
    Int("hz", "10", 0, kIntMax),
    String("ignore-warnings", ""),
    FileOnly("include", 1, 1),
    Int("io-threads", "1", 1, 128, kImmutable),
    Bool("io-threads-do-reads", "no", kImmutable),
    Bool("jemalloc-bg-thread", "yes"),
    Int("key-load-delay", "0", kIntMin, kIntMax, kHidden),
    Int("latency-monitor-threshold", "0", 0, kLongMax),
    Bool("latency-tracking", "yes"),
    Special("latency-tracking-info-percentiles", "50 99 99.9", 0, kAnyCount, kMultiArg),
    Bool("lazyfree-lazy-eviction", "no"),
    Bool("lazyfree-lazy-expire", "no"),
    Bool("lazyfree-lazy-server-del", "no"),
    Bool("lazyfree-lazy-user-del", "no"),
    Bool("lazyfree-lazy-user-flush", "no"),
    Int("lfu-decay-time", "1", 0, kIntMax),
    Int("lfu-log-factor", "10", 0, kIntMax),
    Int("list-compress-depth", "0", 0, kIntMax),
    Int("list-max-listpack-size", "-2", kIntMin, kIntMax, kDirectiveNone, "list-max-ziplist-size"),
    // Removed in 7.0; Redis still accepts the line and ignores it.
    FileOnly("list-max-ziplist-entries", 1, 1),
    FileOnly("list-max-ziplist-value", 1, 1),
    Int("loading-process-events-interval-bytes", "2097152", 1024, kIntMax, kHidden),
    FileOnly("loadmodule", 1, kAnyCount),
    String("logfile", "", kImmutable),
    Enum("loglevel", "notice", "debug|verbose|notice|warning"),
    Bool("lua-enable-deprecated-api", "no", kImmutable | kHidden),
    // Removed in 7.0; Redis still accepts the line and ignores it.
    FileOnly("lua-replicate-commands", 1, 1),
    String("masterauth", "", kSensitive),
    String("masteruser", "", kSensitive),
    Int("maxclients", "10000", 1, kUIntMax),
    Memory("maxmemory", "0", 0, kLongMax),
    PercentOrMemory("maxmemory-clients", "0", -100, kLongMax),
    Int("maxmemory-eviction-tenacity", "10", 0, 100),
    Enum("maxmemory-policy", "noeviction",
         "volatile-lru|volatile-lfu|volatile-random|volatile-ttl|"
         "allkeys-lru|allkeys-lfu|allkeys-random|noeviction"),
    Int("maxmemory-samples", "5", 1, kIntMax),
    Int("min-replicas-max-lag", "10", 0, kIntMax, kDirectiveNone, "min-slaves-max-lag"),
    Int("min-replicas-to-write", "0", 0, kIntMax, kDirectiveNone, "min-slaves-to-write"),
    Bool("no-appendfsync-on-rewrite", "no"),
    Special("notify-keyspace-events", "", 1, 1),
    // "relative" is a synonym of "yes"; CONFIG GET then prints "yes".
    Enum("oom-score-adj", "no", "no|yes|relative|absolute"),
    Special("oom-score-adj-values", "0 200 800", 3, 3, kMultiArg),
    String("pidfile", "", kImmutable),
    Int("port", "6379", 0, 65535),
    String("proc-title-template", "{title} {listen-addr} {server-mode}"),
    Enum("propagation-error-behavior", "ignore", "ignore|panic|panic-on-replicas"),
    Bool("protected-mode", "yes"),
    Memory("proto-max-bulk-len", "536870912", 1048576, kLongMax),
    Bool("rdb-del-sync-files", "no"),
    Int("rdb-key-save-delay", "0", kIntMin, kIntMax, kHidden),
    Bool("rdb-save-incremental-fsync", "yes"),
    Bool("rdbchecksum", "yes", kImmutable),
    Bool("rdbcompression", "yes"),
    FileOnly("rename-command", 2, 2),
    Memory("repl-backlog-size", "1048576", 1, kLongMax),
    Int("repl-backlog-ttl", "3600", 0, kLongMax),
    Bool("repl-disable-tcp-nodelay", "no"),
    Enum("repl-diskless-load", "disabled", "disabled|on-empty-db|swapdb", kDenyLoading),
    Bool("repl-diskless-sync", "yes"),
    Int("repl-diskless-sync-delay", "5", 0, kIntMax),
    Int("repl-diskless-sync-max-replicas", "0", 0, kIntMax),
    Int("repl-ping-replica-period", "10", 1, kIntMax, kDirectiveNone, "repl-ping-slave-period"),
    Int("repl-timeout", "60", 1, kIntMax),
    String("replica-announce-ip", "", kDirectiveNone, "slave-announce-ip"),
    Int("replica-announce-port", "0", 0, 65535, kDirectiveNone, "slave-announce-port"),
    Bool("replica-announced", "yes"),
    Bool("replica-ignore-disk-write-errors", "no"),
    Bool("replica-ignore-maxmemory", "yes", kDirectiveNone, "slave-ignore-maxmemory"),
    Bool("replica-lazy-flush", "no", kDirectiveNone, "slave-lazy-flush"),
    Int("replica-priority", "100", 0, kIntMax, kDirectiveNone, "slave-priority"),
    Bool("replica-read-only", "yes", kDirectiveNone, "slave-read-only"),
    Bool("replica-serve-stale-data", "yes", kDirectiveNone, "slave-serve-stale-data"),
    Special("replicaof", "", 2, 2, kImmutable | kMultiArg, "slaveof"),
    String("requirepass", "", kSensitive),
    Enum("sanitize-dump-payload", "no", "no|yes|clients"),
    // Pairs of <seconds> <changes>, or a single "" for none. In a file, the
    // first save line replaces the defaults and later ones append.
    Special("save", "3600 1 300 100 60 10000", 0, kAnyCount, kMultiArg),
    // Bare "sentinel" is a no-op in a file; with arguments it is an error
    // unless the server runs in sentinel mode.
    FileOnly("sentinel", 0, kAnyCount),
    String("server_cpulist", "", kImmutable),
    Int("set-max-intset-entries", "512", 0, kLongMax),
    Bool("set-proc-title", "yes", kImmutable),
    // save and nosave exclude each other; CONFIG GET prints the set words in
    // this order, "default" only when no other word is set.
    EnumFlags("shutdown-on-sigint", "default", "default|save|nosave|now|force", kMultiArg),
    EnumFlags("shutdown-on-sigterm", "default", "default|save|nosave|now|force", kMultiArg),
    Int("shutdown-timeout", "10", 0, kIntMax),
    Int("slowlog-log-slower-than", "10000", -1, kLongMax),
    Int("slowlog-max-len", "128", 0, kLongMax),
    Int("socket-mark-id", "0", 0, kUIntMax, kImmutable),
    Bool("stop-writes-on-bgsave-error", "yes"),
    Memory("stream-node-max-bytes", "4096", 0, kLongMax),
    Int("stream-node-max-entries", "100", 0, kLongMax),
    Enum("supervised", "no", "upstart|systemd|auto|no", kImmutable),
    Bool("syslog-enabled", "no", kImmutable),
    Enum("syslog-facility", "local0",
         "user|local0|local1|local2|local3|local4|local5|local6|local7", kImmutable),
    String("syslog-ident", "redis", kImmutable),
    Int("tcp-backlog", "511", 0, kIntMax, kImmutable),
    Int("tcp-keepalive", "300", 0, kIntMax),
    Int("timeout", "0", 0, kIntMax),
    Enum("tls-auth-clients", "yes", "no|yes|optional"),
    String("tls-ca-cert-dir", ""),
    String("tls-ca-cert-file", ""),
    String("tls-cert-file", ""),
    String("tls-ciphers", ""),
    String("tls-ciphersuites", ""),
    String("tls-client-cert-file", ""),
    String("tls-client-key-file", ""),
    String("tls-client-key-file-pass", ""),
    Bool("tls-cluster", "no"),
    String("tls-dh-params-file", ""),
    String("tls-key-file", ""),
    String("tls-key-file-pass", ""),
    Int("tls-port", "0", 0, 65535),
    Bool("tls-prefer-server-ciphers", "no"),
    String("tls-protocols", ""),
    Bool("tls-replication", "no"),
    Int("tls-session-cache-size", "20480", 0, kIntMax),
    Int("tls-session-cache-timeout", "300", 0, kIntMax),
    Bool("tls-session-caching", "yes"),
    Int("tracking-table-max-keys", "1000000", 0, kLongMax),
    String("unixsocket", "", kImmutable),
    Octal("unixsocketperm", "0", 0, 0777, kImmutable),
    Bool("use-exit-on-panic", "no", kHidden),
    FileOnly("user", 1, kAnyCount),
    Int("watchdog-period", "0", 0, kIntMax, kHidden),
    Int("zset-max-listpack-entries", "128", 0, kLongMax, kDirectiveNone,
        "zset-max-ziplist-entries"),
    Memory("zset-max-listpack-value", "64", 0, kLongMax, kDirectiveNone, "zset-max-ziplist-value"),
};

constexpr char FoldAscii(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// Compares `query`, case-folded, with `name` (already lower case), as
// unsigned bytes: <0, 0 or >0.
constexpr int CompareFolded(std::string_view query, std::string_view name) {
  const size_t n = std::min(query.size(), name.size());
  for (size_t i = 0; i < n; ++i) {
    const auto a = static_cast<unsigned char>(FoldAscii(query[i]));
    const auto b = static_cast<unsigned char>(name[i]);
    if (a != b) return a < b ? -1 : 1;
  }
  if (query.size() == name.size()) return 0;
  return query.size() < name.size() ? -1 : 1;
}

constexpr bool IsLowerCase(std::string_view s) {
  for (char c : s) {
    if (c >= 'A' && c <= 'Z') return false;
  }
  return true;
}

// The invariants FindDirective relies on: names non-empty and strictly
// ascending, names and aliases lower case, no alias equal to any name or to
// another alias.
constexpr bool TableIsWellFormed() {
  const size_t n = std::size(kDirectives);
  for (size_t i = 0; i < n; ++i) {
    const DirectiveSpec& d = kDirectives[i];
    if (d.name.empty() || !IsLowerCase(d.name) || !IsLowerCase(d.alias)) return false;
    if (i > 0 && CompareFolded(kDirectives[i - 1].name, d.name) >= 0) return false;
    if (d.alias.empty()) continue;
    for (size_t j = 0; j < n; ++j) {
      if (kDirectives[j].name == d.alias) return false;
      if (j != i && kDirectives[j].alias == d.alias) return false;
    }
  }
  return true;
}
static_assert(TableIsWellFormed(), "kDirectives must be sorted, lower case, aliases unique");

}  // namespace

std::span<const DirectiveSpec> AllDirectives() { return kDirectives; }

const DirectiveSpec* FindDirective(std::string_view name) {
  const auto it = std::lower_bound(
      std::begin(kDirectives), std::end(kDirectives), name,
      [](const DirectiveSpec& d, std::string_view q) { return CompareFolded(q, d.name) > 0; });
  if (it != std::end(kDirectives) && CompareFolded(name, it->name) == 0) return &*it;
  for (const DirectiveSpec& d : kDirectives) {
    if (!d.alias.empty() && CompareFolded(name, d.alias) == 0) return &d;
  }
  return nullptr;
}

}  // namespace respd::server

// DEBUG, the subset test suites use: SLEEP, SET-ACTIVE-EXPIRE, OBJECT,
// SEGFAULT and HELP (Redis's text, word for word). Redis parses the
// subcommand in the handler, so DEBUG is not a container; the dispatcher
// enforces enable-debug-command (kCmdProtected).
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>
#include <thread>

#include "base/ascii.h"
#include "base/numbers.h"
#include "server/commands/families.h"
#include "server/config/config.h"
#include "server/core/server.h"
#include "server/dispatch/command_context.h"
#include "server/dispatch/errors.h"
#include "store/types/list.h"
#include "store/types/string.h"
#include "store/value.h"

namespace respd::server {
namespace {

using store::Database;
using store::KeyEntry;

// DEBUG HELP, as Redis 7.0.15 prints it.
constexpr std::string_view kDebugHelp[] = {
    "AOF-FLUSH-SLEEP <microsec>",
    "    Server will sleep before flushing the AOF, this is used for testing.",
    "ASSERT",
    "    Crash by assertion failed.",
    "CHANGE-REPL-ID",
    "    Change the replication IDs of the instance.",
    "    Dangerous: should be used only for testing the replication subsystem.",
    "CONFIG-REWRITE-FORCE-ALL",
    "    Like CONFIG REWRITE but writes all configuration options, including",
    "    keywords not listed in original configuration file or default values.",
    "CRASH-AND-RECOVER [<milliseconds>]",
    "    Hard crash and restart after a <milliseconds> delay (default 0).",
    "DIGEST",
    "    Output a hex signature representing the current DB content.",
    "DIGEST-VALUE <key> [<key> ...]",
    "    Output a hex signature of the values of all the specified keys.",
    "ERROR <string>",
    "    Return a Redis protocol error with <string> as message. Useful for clients",
    "    unit tests to simulate Redis errors.",
    "LEAK <string>",
    "    Create a memory leak of the input string.",
    "LOG <message>",
    "    Write <message> to the server log.",
    "HTSTATS <dbid>",
    "    Return hash table statistics of the specified Redis database.",
    "HTSTATS-KEY <key>",
    "    Like HTSTATS but for the hash table stored at <key>'s value.",
    "LOADAOF",
    "    Flush the AOF buffers on disk and reload the AOF in memory.",
    "REPLICATE <string>",
    "    Replicates the provided string to replicas, allowing data divergence.",
    "MALLCTL <key> [<val>]",
    "    Get or set a malloc tuning integer.",
    "MALLCTL-STR <key> [<val>]",
    "    Get or set a malloc tuning string.",
    "OBJECT <key>",
    "    Show low level info about `key` and associated value.",
    "DROP-CLUSTER-PACKET-FILTER <packet-type>",
    "    Drop all packets that match the filtered type. Set to -1 allow all packets.",
    "OOM",
    "    Crash the server simulating an out-of-memory error.",
    "PANIC",
    "    Crash the server simulating a panic.",
    "POPULATE <count> [<prefix>] [<size>]",
    "    Create <count> string keys named key:<num>. If <prefix> is specified then",
    "    it is used instead of the 'key' prefix. These are not propagated to",
    "    replicas. Cluster slots are not respected so keys not belonging to the",
    "    current node can be created in cluster mode.",
    "PROTOCOL <type>",
    "    Reply with a test value of the specified type. <type> can be: string,",
    "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
    "    true, false.",
    "RELOAD [option ...]",
    "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
    "    * MERGE: conflicting keys will be loaded from RDB.",
    "    * NOFLUSH: the existing database will not be removed before load, but",
    "      conflicting keys will generate an exception and kill the server.",
    "    * NOSAVE: the database will be loaded from an existing RDB file.",
    "    Examples:",
    "    * DEBUG RELOAD: verify that the server is able to persist, flush and reload",
    "      the database.",
    "    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an",
    "      existing RDB file.",
    "    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB",
    "      file to the database.",
    "RESTART [<milliseconds>]",
    "    Graceful restart: save config, db, restart after a <milliseconds> delay (default 0).",
    "SDSLEN <key>",
    "    Show low level SDS string info representing `key` and value.",
    "SEGFAULT",
    "    Crash the server with sigsegv.",
    "SET-ACTIVE-EXPIRE <0|1>",
    "    Setting it to 0 disables expiring keys in background when they are not",
    "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
    "    default.",
    "QUICKLIST-PACKED-THRESHOLD <size>",
    "    Sets the threshold for elements to be inserted as plain vs packed nodes",
    "    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.",
    "SET-SKIP-CHECKSUM-VALIDATION <0|1>",
    "    Enables or disables checksum checks for RDB files and RESTORE's payload.",
    "SLEEP <seconds>",
    "    Stop the server for <seconds>. Decimals allowed.",
    "STRINGMATCH-TEST",
    "    Run a fuzz tester against the stringmatchlen() function.",
    "STRUCTSIZE",
    "    Return the size of different Redis core C structures.",
    "LISTPACK <key>",
    "    Show low level info about the listpack encoding of <key>.",
    "QUICKLIST <key> [<0|1>]",
    "    Show low level info about the quicklist encoding of <key>.",
    "    The optional argument (0 by default) sets the level of detail",
    "CLIENT-EVICTION",
    "    Show low level client eviction pools info (maxmemory-clients).",
    "PAUSE-CRON <0|1>",
    "    Stop periodic cron job processing.",
    "REPLYBUFFER PEAK-RESET-TIME <NEVER||RESET|time>",
    "    Sets the time (in milliseconds) to wait between client reply buffer peak resets.",
    "    In case NEVER is provided the last observed peak will never be reset",
    "    In case RESET is provided the peak reset time will be restored to the default value",
    "REPLYBUFFER RESIZING <0|1>",
    "    Enable or disable the reply buffer resize cron job",
    "CLUSTERLINK KILL <to|from|all> <node-id>",
    "    Kills the link based on the direction to/from (both) with the provided node.",
};

// C's atoi(s) != 0: leading blanks, a sign, then digits up to the first
// non-digit (DEBUG SET-ACTIVE-EXPIRE reads its flag that way).
bool AtoiNonZero(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r'))) ++i;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
    if (s[i] != '0') return true;
  }
  return false;
}

// The length of an RDB length prefix (rdbSaveLen).
size_t RdbLenSize(uint64_t len) {
  if (len < (1 << 6)) return 1;
  if (len < (1 << 14)) return 2;
  if (len <= std::numeric_limits<uint32_t>::max()) return 5;
  return 9;
}

// The bytes of an integer stored as an RDB int (type byte + 1, 2 or 4
// bytes), or 0 if it does not fit in 32 bits.
size_t RdbIntSize(int64_t v) {
  if (v >= std::numeric_limits<int8_t>::min() && v <= std::numeric_limits<int8_t>::max()) return 2;
  if (v >= std::numeric_limits<int16_t>::min() && v <= std::numeric_limits<int16_t>::max()) {
    return 3;
  }
  if (v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max()) {
    return 5;
  }
  return 0;
}

// DEBUG OBJECT key: Redis's format. serializedlength is what the RDB
// encoding of the string takes before compression (Redis compresses values
// over 20 bytes with LZF when it can, so its figure is then smaller).
void DebugObject(CommandContext& ctx) {
  const KeyEntry* e = ctx.db.Find(ctx.argv[2], Database::Touch::kNo);
  if (e == nullptr) {
    ctx.Error(kErrNoSuchKey);
    return;
  }
  // Strings' serialized length is computed here until the RDB writer can
  // measure any value; a list's is its nodes' bytes (Redis's is after LZF).
  size_t serialized = 0;
  char extra[192] = "";
  if (e->type() == store::ValueType::kString) {
    const std::string_view value = store::StringBytes(*e);
    // The RDB writer stores a string that is a 32-bit integer (up to 11
    // bytes) as an int, whatever its in-memory encoding.
    int64_t v = 0;
    const bool parses = value.size() <= 11 && base::ParseInt64(value, &v);
    serialized = parses ? RdbIntSize(v) : 0;
    if (serialized == 0) serialized = RdbLenSize(value.size()) + value.size();
  } else if (e->type() == store::ValueType::kList) {
    const store::Quicklist& list = store::ListOf(*e);
    const store::Quicklist::Stats stats = list.GetStats();
    serialized = stats.uncompressed_bytes;
    std::snprintf(extra, sizeof(extra),
                  " ql_nodes:%zu ql_avg_node:%.2f ql_listpack_max:%d ql_compressed:%d"
                  " ql_uncompressed_size:%zu",
                  stats.nodes,
                  stats.nodes == 0 ? 0.0 : static_cast<double>(list.size()) / stats.nodes,
                  list.fill(), list.compress_depth() != 0 ? 1 : 0, stats.uncompressed_bytes);
  }
  char buf[512];
  std::snprintf(buf, sizeof(buf),
                "Value at:%p refcount:%d encoding:%s serializedlength:%zu lru:%" PRIu32
                " lru_seconds_idle:%" PRIu64 "%s",
                static_cast<const void*>(e), store::Refcount(*e),
                std::string(store::EncodingName(*e)).c_str(), serialized, e->lru(),
                ctx.db.IdleSeconds(e), extra);
  ctx.reply.SimpleString(buf);
}

// DEBUG SLEEP seconds: stops the whole server, as in Redis (decimals allowed;
// what strtod cannot read is 0).
void DebugSleep(CommandContext& ctx) {
  const std::string arg(ctx.argv[2]);
  const double seconds = std::strtod(arg.c_str(), nullptr);
  // Past this a microsecond count would overflow; Redis does not guard.
  constexpr double kMaxSeconds = 9.2e12;
  if (seconds > 0) {
    const auto us = static_cast<int64_t>(std::min(seconds, kMaxSeconds) * 1e6);
    std::this_thread::sleep_for(std::chrono::microseconds(us));
  }
  ctx.reply.Ok();
}

// DEBUG <subcommand> [args]
// (enable-debug-command is enforced by the dispatcher: kCmdProtected.)
void DebugCommand(CommandContext& ctx) {
  const std::string_view sub = ctx.argv[1];
  const size_t argc = ctx.argv.size();
  if (argc == 2 && base::EqualsIgnoreCase(sub, "segfault")) {
    // Crash on purpose, as Redis's DEBUG SEGFAULT: tests the crash report.
    volatile char* invalid = reinterpret_cast<volatile char*>(-1);
    *invalid = 'x';
  } else if (argc == 2 && base::EqualsIgnoreCase(sub, "help")) {
    ctx.ReplyHelp(kDebugHelp);
  } else if (argc == 3 && base::EqualsIgnoreCase(sub, "sleep")) {
    DebugSleep(ctx);
  } else if (argc == 3 && base::EqualsIgnoreCase(sub, "set-active-expire")) {
    ctx.server.set_active_expire_enabled(AtoiNonZero(ctx.argv[2]));
    ctx.reply.Ok();
  } else if (argc == 3 && base::EqualsIgnoreCase(sub, "object")) {
    DebugObject(ctx);
  } else if (argc == 3 && base::EqualsIgnoreCase(sub, "quicklist-packed-threshold")) {
    // Lists made from now on give elements this big a node of their own.
    const std::optional<uint64_t> bytes = ParseMemory(ctx.argv[2]);
    if (!bytes || *bytes > (uint64_t{1} << 32) - (uint64_t{1} << 20)) {
      ctx.Error("ERR argument must be a memory value bigger than 1 and smaller than 4gb");
      return;
    }
    ctx.server.set_list_packed_threshold(*bytes == 0 ? uint64_t{1} << 30 : *bytes);
    ctx.reply.Ok();
  } else {
    ctx.SubcommandSyntaxError();
  }
}

constexpr CommandSpec kDebugCommands[] = {
    // kCmdProtected as in Redis (hidden from COMMAND INFO): the dispatcher
    // checks enable-debug-command.
    {.name = "debug", .handler = &DebugCommand, .hidden_flags = kCmdProtected},
};

}  // namespace

std::span<const CommandSpec> DebugCommands() { return kDebugCommands; }

}  // namespace respd::server

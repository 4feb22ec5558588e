// Introspection and administration: TIME LASTSAVE SAVE BGSAVE SLOWLOG MEMORY
// FUNCTION SCRIPT LATENCY DEBUG.
//
// What respd does not have yet answers as a Redis 7.0 server in the same
// state would: no persistence (SAVE and BGSAVE succeed without writing, and
// say so once in the log), no functions or scripts (FUNCTION LIST is empty,
// SCRIPT EXISTS finds nothing, the flushes are no-ops), no latency monitor
// (no events are ever recorded: LATENCY answers as Redis does with none).
// HELP texts are Redis's, word for word, including the subcommands respd
// does not serve yet: clients and tests compare them.
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "base/ascii.h"
#include "base/numbers.h"
#include "server/commands/families.h"
#include "server/core/server.h"
#include "server/dispatch/command_context.h"
#include "server/dispatch/errors.h"
#include "server/object_encoding.h"
#include "server/sys/allocator.h"

namespace respd::server {
namespace {

using store::Database;
using store::KeyEntry;

void ReplyHelp(CommandContext& ctx, std::span<const std::string_view> lines) {
  ctx.reply.ArrayHeader(lines.size());
  for (std::string_view line : lines) ctx.reply.SimpleString(line);
}

// Redis's addReplySubcommandSyntaxError, for commands that parse their own
// subcommands (DEBUG) or their own argument counts (SLOWLOG GET, FUNCTION
// FLUSH): "unknown subcommand or wrong number of arguments for 'get'. Try
// SLOWLOG HELP." (the subcommand as sent, clipped to 128 bytes).
void SubcommandSyntaxError(CommandContext& ctx) {
  std::string out = "ERR unknown subcommand or wrong number of arguments for '";
  out += ctx.argv[1].substr(0, 128);
  out += "'. Try ";
  for (char c : ctx.argv[0]) out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
  out += " HELP.";
  ctx.Error(out);
}

// What was allocated when the command table was built, during server start
// (Redis's initial_memory_usage): MEMORY STATS' startup.allocated. One server
// per process, so one figure.
uint64_t g_startup_allocated = 0;

// SLOWLOG HELP, as Redis 7.0.15 prints it.
constexpr std::string_view kSlowlogHelp[] = {
    "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "GET [<count>]",
    "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
    "    Entries are made of:",
    "    id, timestamp, time in microseconds, arguments array, client IP and port,",
    "    client name",
    "LEN",
    "    Return the length of the slowlog.",
    "RESET",
    "    Reset the slowlog.",
    "HELP",
    "    Prints this help.",
};

// MEMORY HELP, as Redis 7.0.15 prints it.
constexpr std::string_view kMemoryHelp[] = {
    "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "DOCTOR",
    "    Return memory problems reports.",
    "MALLOC-STATS",
    "    Return internal statistics report from the memory allocator.",
    "PURGE",
    "    Attempt to purge dirty pages for reclamation by the allocator.",
    "STATS",
    "    Return information about the memory usage of the server.",
    "USAGE <key> [SAMPLES <count>]",
    "    Return memory in bytes used by <key> and its value. Nested values are",
    "    sampled up to <count> times (default: 5, 0 means sample all).",
    "HELP",
    "    Prints this help.",
};

// FUNCTION HELP, as Redis 7.0.15 prints it.
constexpr std::string_view kFunctionHelp[] = {
    "FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "LOAD [REPLACE] <FUNCTION CODE>",
    "    Create a new library with the given library name and code.",
    "DELETE <LIBRARY NAME>",
    "    Delete the given library.",
    "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
    "    Return general information on all the libraries:",
    "    * Library name",
    "    * The engine used to run the Library",
    "    * Library description",
    "    * Functions list",
    "    * Library code (if WITHCODE is given)",
    "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
    "STATS",
    "    Return information about the current function running:",
    "    * Function name",
    "    * Command used to run the function",
    "    * Duration in MS that the function is running",
    "    If no function is running, return nil",
    "    In addition, returns a list of available engines.",
    "KILL",
    "    Kill the current running function.",
    "FLUSH [ASYNC|SYNC]",
    "    Delete all the libraries.",
    "    When called without the optional mode argument, the behavior is determined by the",
    "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
    "    * ASYNC: Asynchronously flush the libraries.",
    "    * SYNC: Synchronously flush the libraries.",
    "DUMP",
    "    Return a serialized payload representing the current libraries, can be restored using "
    "FUNCTION RESTORE command",
    "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
    "    Restore the libraries represented by the given payload, it is possible to give a restore "
    "policy to",
    "    control how to handle existing libraries (default APPEND):",
    "    * FLUSH: delete all existing libraries.",
    "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
    "    * REPLACE: appends the restored libraries to the existing libraries, On collision, "
    "replace the old",
    "      libraries with the new libraries (notice that even on this option there is a chance of "
    "failure",
    "      in case of functions name collision with another library).",
    "HELP",
    "    Prints this help.",
};

// SCRIPT HELP, as Redis 7.0.15 prints it.
constexpr std::string_view kScriptHelp[] = {
    "SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "DEBUG (YES|SYNC|NO)",
    "    Set the debug mode for subsequent scripts executed.",
    "EXISTS <sha1> [<sha1> ...]",
    "    Return information about the existence of the scripts in the script cache.",
    "FLUSH [ASYNC|SYNC]",
    "    Flush the Lua scripts cache. Very dangerous on replicas.",
    "    When called without the optional mode argument, the behavior is determined by the",
    "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
    "    * ASYNC: Asynchronously flush the scripts cache.",
    "    * SYNC: Synchronously flush the scripts cache.",
    "KILL",
    "    Kill the currently executing Lua script.",
    "LOAD <script>",
    "    Load a script into the scripts cache without executing it.",
    "HELP",
    "    Prints this help.",
};

// LATENCY HELP, as Redis 7.0.15 prints it.
constexpr std::string_view kLatencyHelp[] = {
    "LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "DOCTOR",
    "    Return a human readable latency analysis report.",
    "GRAPH <event>",
    "    Return an ASCII latency graph for the <event> class.",
    "HISTORY <event>",
    "    Return time-latency samples for the <event> class.",
    "LATEST",
    "    Return the latest latency samples for all events.",
    "RESET [<event> ...]",
    "    Reset latency data of one or more <event> classes.",
    "    (default: reset all data for all event classes)",
    "HISTOGRAM [COMMAND ...]",
    "    Return a cumulative distribution of latencies in the format of a histogram for the "
    "specified command names.",
    "    If no commands are specified then all histograms are replied.",
    "HELP",
    "    Prints this help.",
};

// DEBUG HELP, as Redis 7.0.15 prints it.
constexpr std::string_view kDebugHelp[] = {
    "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
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
    "HELP",
    "    Prints this help.",
};

// ---------------------------------------------------------------------------
// TIME, LASTSAVE, SAVE, BGSAVE

// TIME
void TimeCommand(CommandContext& ctx) {
  const int64_t now_us = base::SystemTimeUs();
  ctx.reply.ArrayHeader(2);
  char buf[base::kInt64Digits];
  ctx.reply.Bulk({buf, base::FormatInt64(now_us / 1000000, buf)});
  ctx.reply.Bulk({buf, base::FormatInt64(now_us % 1000000, buf)});
}

// LASTSAVE: nothing has ever been saved, so the time the server started (as
// INFO persistence's rdb_last_save_time; Redis too starts from that).
void LastsaveCommand(CommandContext& ctx) {
  ctx.reply.Integer(ctx.server.start_time_unix_us() / 1000000);
}

// SAVE and BGSAVE answer as a Redis that saved successfully; the log says
// once that nothing was written.
void NotePersistenceMissing(Server& server) {
  static bool logged = false;
  if (logged) return;
  logged = true;
  server.logger().Log(LogLevel::kNotice,
                      "SAVE/BGSAVE requested: persistence is not implemented in respd yet, "
                      "nothing was written to disk");
}

// SAVE
void SaveCommand(CommandContext& ctx) {
  NotePersistenceMissing(ctx.server);
  ctx.reply.Ok();
}

// BGSAVE [SCHEDULE]
void BgsaveCommand(CommandContext& ctx) {
  if (ctx.argv.size() > 1 &&
      !(ctx.argv.size() == 2 && base::EqualsIgnoreCase(ctx.argv[1], "schedule"))) {
    ctx.Error(kErrSyntax);
    return;
  }
  NotePersistenceMissing(ctx.server);
  ctx.reply.SimpleString("Background saving started");
}

// ---------------------------------------------------------------------------
// SLOWLOG

// SLOWLOG GET [count]  (default 10; -1 = all)
void SlowlogGetCommand(CommandContext& ctx) {
  if (ctx.argv.size() > 3) {
    SubcommandSyntaxError(ctx);
    return;
  }
  const auto& entries = ctx.server.slowlog().entries();
  int64_t count = 10;
  if (ctx.argv.size() == 3) {
    if (!base::ParseInt64(ctx.argv[2], &count) || count < -1) {
      ctx.Error("ERR count should be greater than or equal to -1");
      return;
    }
    if (count == -1) count = static_cast<int64_t>(entries.size());
  }
  const size_t n = std::min(static_cast<size_t>(count), entries.size());
  ctx.reply.ArrayHeader(n);
  for (size_t i = 0; i < n; ++i) {
    const SlowlogEntry& e = entries[i];
    ctx.reply.ArrayHeader(6);
    ctx.reply.Integer(e.id);
    ctx.reply.Integer(e.unix_time);
    ctx.reply.Integer(e.duration_us);
    ctx.reply.ArrayHeader(e.argv.size());
    for (const std::string& arg : e.argv) ctx.reply.Bulk(arg);
    ctx.reply.Bulk(e.client_addr);
    ctx.reply.Bulk(e.client_name);
  }
}

// SLOWLOG LEN
void SlowlogLenCommand(CommandContext& ctx) {
  ctx.reply.Integer(static_cast<int64_t>(ctx.server.slowlog().entries().size()));
}

// SLOWLOG RESET
void SlowlogResetCommand(CommandContext& ctx) {
  ctx.server.slowlog().Reset();
  ctx.reply.Ok();
}

// SLOWLOG HELP
void SlowlogHelpCommand(CommandContext& ctx) { ReplyHelp(ctx, kSlowlogHelp); }

// ---------------------------------------------------------------------------
// MEMORY

// MEMORY USAGE key [SAMPLES count]
//
// The figure is respd's own memory for the key: its KeyEntry allocation (key,
// value, deadline and dict link in one block, as the allocator sized it)
// plus a fair share of the dict's bucket array (one 8-byte slot). It is
// smaller than what Redis reports for the same key (a dictEntry, an robj and
// two sds there), and SAMPLES changes nothing for strings.
void MemoryUsageCommand(CommandContext& ctx) {
  for (size_t j = 3; j < ctx.argv.size(); ++j) {
    if (base::EqualsIgnoreCase(ctx.argv[j], "samples") && j + 1 < ctx.argv.size()) {
      int64_t samples;
      if (!base::ParseInt64(ctx.argv[j + 1], &samples)) {
        ctx.Error(kErrNotInteger);
        return;
      }
      if (samples < 0) {
        ctx.Error(kErrSyntax);
        return;
      }
      ++j;
    } else {
      ctx.Error(kErrSyntax);
      return;
    }
  }
  const KeyEntry* e = ctx.db.Find(ctx.argv[2], Database::Touch::kNo);
  if (e == nullptr) {
    ctx.reply.Null();
    return;
  }
  constexpr size_t kBucketShare = sizeof(void*);
  ctx.reply.Integer(static_cast<int64_t>(e->MemoryUsage() + kBucketShare));
}

// The figures of MEMORY STATS and MEMORY DOCTOR (Redis's
// getMemoryOverheadData, for a libc-malloc build: the allocator's own
// figures are faked from the allocated total and the RSS, as Redis does when
// the allocator provides none).
struct MemoryOverhead {
  struct Db {
    int id;
    uint64_t main;
    uint64_t expires;
  };
  uint64_t total_allocated = 0;
  uint64_t startup_allocated = 0;
  uint64_t peak_allocated = 0;
  uint64_t clients_normal = 0;
  std::vector<Db> dbs;
  uint64_t overhead_total = 0;
  uint64_t keys = 0;
  uint64_t bytes_per_key = 0;
  uint64_t dataset = 0;
  float dataset_perc = 0;
  float peak_perc = 0;
  uint64_t rss = 0;
};

MemoryOverhead ComputeMemoryOverhead(Server& server) {
  MemoryOverhead m;
  m.total_allocated = AllocatedBytes();
  m.startup_allocated = g_startup_allocated;
  m.peak_allocated = server.NoteMemoryPeak(m.total_allocated);
  m.rss = ResidentSetBytes();
  for (const Client* c = server.clients_head(); c != nullptr; c = c->next) {
    m.clients_normal += sizeof(Client) + c->query.capacity() + c->output.MemoryUsage();
  }
  uint64_t overhead = m.startup_allocated + m.clients_normal;
  for (int i = 0; i < server.num_databases(); ++i) {
    Database& db = server.database(i);
    if (db.size() == 0) continue;
    // "main": the bucket arrays (respd's entries carry their own dict link,
    // so there is no separate dictEntry or robj to count); "expires": the
    // expires index's nodes (a link and an entry pointer each).
    const MemoryOverhead::Db d{i, db.TableMemoryUsage(), db.expires_size() * 2 * sizeof(void*)};
    overhead += d.main + d.expires;
    m.keys += db.size();
    m.dbs.push_back(d);
  }
  m.overhead_total = overhead;
  m.dataset = m.total_allocated > overhead ? m.total_allocated - overhead : 0;
  m.peak_perc = m.peak_allocated ? static_cast<float>(m.total_allocated) * 100 /
                                       static_cast<float>(m.peak_allocated)
                                 : 0;
  const uint64_t net_usage =
      m.total_allocated > m.startup_allocated ? m.total_allocated - m.startup_allocated : 1;
  m.dataset_perc = static_cast<float>(m.dataset) * 100 / static_cast<float>(net_usage);
  m.bytes_per_key = m.keys ? net_usage / m.keys : 0;
  return m;
}

// A ratio as Redis computes it: in single precision.
float Ratio(uint64_t a, uint64_t b) {
  return b ? static_cast<float>(a) / static_cast<float>(b) : 0;
}

// MEMORY STATS
void MemoryStatsCommand(CommandContext& ctx) {
  const MemoryOverhead m = ComputeMemoryOverhead(ctx.server);
  auto& r = ctx.reply;
  auto field = [&r](std::string_view name, int64_t value) {
    r.Bulk(name);
    r.Integer(value);
  };
  auto real = [&r](std::string_view name, float value) {
    r.Bulk(name);
    r.Double(static_cast<double>(value));
  };
  auto i64 = [](uint64_t v) { return static_cast<int64_t>(v); };
  // With libc malloc Redis takes allocator.allocated from its own count and
  // allocator.active and .resident from the RSS.
  const uint64_t allocated = m.total_allocated, active = m.rss, resident = m.rss;
  r.MapHeader(27 + m.dbs.size());
  field("peak.allocated", i64(m.peak_allocated));
  field("total.allocated", i64(m.total_allocated));
  field("startup.allocated", i64(m.startup_allocated));
  field("replication.backlog", 0);
  field("clients.slaves", 0);
  field("clients.normal", i64(m.clients_normal));
  field("cluster.links", 0);
  field("aof.buffer", 0);
  field("lua.caches", 0);
  field("functions.caches", 0);
  for (const MemoryOverhead::Db& d : m.dbs) {
    r.Bulk("db." + std::to_string(d.id));
    r.MapHeader(3);
    field("overhead.hashtable.main", i64(d.main));
    field("overhead.hashtable.expires", i64(d.expires));
    field("overhead.hashtable.slot-to-keys", 0);
  }
  field("overhead.total", i64(m.overhead_total));
  field("keys.count", i64(m.keys));
  field("keys.bytes-per-key", i64(m.bytes_per_key));
  field("dataset.bytes", i64(m.dataset));
  real("dataset.percentage", m.dataset_perc);
  real("peak.percentage", m.peak_perc);
  field("allocator.allocated", i64(allocated));
  field("allocator.active", i64(active));
  field("allocator.resident", i64(resident));
  real("allocator-fragmentation.ratio", Ratio(active, allocated));
  field("allocator-fragmentation.bytes", i64(active) - i64(allocated));
  real("allocator-rss.ratio", Ratio(resident, active));
  field("allocator-rss.bytes", i64(resident) - i64(active));
  real("rss-overhead.ratio", Ratio(m.rss, resident));
  field("rss-overhead.bytes", i64(m.rss) - i64(resident));
  real("fragmentation", Ratio(m.rss, m.total_allocated));
  field("fragmentation.bytes", i64(m.rss) - i64(m.total_allocated));
}

// MEMORY DOCTOR: Redis's report. Below 5 MB allocated its detector refuses
// to judge; respd has none of the other conditions it looks for (replicas,
// cached scripts) and does not second-guess glibc's fragmentation, so
// anything bigger gets the all-clear.
void MemoryDoctorCommand(CommandContext& ctx) {
  constexpr uint64_t kEmptyBelow = 5 * 1024 * 1024;
  if (AllocatedBytes() < kEmptyBelow) {
    ctx.reply.Verbatim(
        "Hi Sam, this instance is empty or is using very little memory, my issues detector can't "
        "be used in these conditions. Please, leave for your mission on Earth and fill it with "
        "some data. The new Sam and I will be back to our programming as soon as I finished "
        "rebooting.\n");
  } else {
    ctx.reply.Verbatim(
        "Hi Sam, I can't find any memory issue in your instance. I can only account for what "
        "occurs on this base.\n");
  }
}

// MEMORY MALLOC-STATS: jemalloc's report, or what a Redis built with libc
// malloc answers.
void MemoryMallocStatsCommand(CommandContext& ctx) {
  const std::string stats = AllocatorStatsText();
  ctx.reply.Bulk(stats.empty() ? "Stats not supported for the current allocator" : stats);
}

// MEMORY PURGE: gives free heap memory back to the system.
void MemoryPurgeCommand(CommandContext& ctx) {
  PurgeFreeMemory();
  ctx.reply.Ok();
}

// MEMORY HELP
void MemoryHelpCommand(CommandContext& ctx) { ReplyHelp(ctx, kMemoryHelp); }

// ---------------------------------------------------------------------------
// FUNCTION and SCRIPT: respd has no scripting engine, so no libraries and no
// cached scripts.

// FUNCTION LIST [WITHCODE] [LIBRARYNAME pattern]
void FunctionListCommand(CommandContext& ctx) {
  bool with_code = false, library_name = false;
  for (size_t i = 2; i < ctx.argv.size(); ++i) {
    if (!with_code && base::EqualsIgnoreCase(ctx.argv[i], "withcode")) {
      with_code = true;
      continue;
    }
    if (!library_name && base::EqualsIgnoreCase(ctx.argv[i], "libraryname")) {
      if (i + 1 >= ctx.argv.size()) {
        ctx.Error("ERR library name argument was not given");
        return;
      }
      library_name = true;
      ++i;
      continue;
    }
    ctx.Error("ERR Unknown argument " + std::string(ctx.argv[i]));
    return;
  }
  ctx.reply.ArrayHeader(0);
}

// FUNCTION FLUSH [ASYNC|SYNC]
void FunctionFlushCommand(CommandContext& ctx) {
  if (ctx.argv.size() > 3) {
    SubcommandSyntaxError(ctx);
    return;
  }
  if (ctx.argv.size() == 3 && !base::EqualsIgnoreCase(ctx.argv[2], "sync") &&
      !base::EqualsIgnoreCase(ctx.argv[2], "async")) {
    ctx.Error("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
    return;
  }
  ctx.reply.Ok();
}

// FUNCTION STATS: no script running; the engine list is Redis's (its Lua
// engine, with nothing loaded), which clients probe for.
void FunctionStatsCommand(CommandContext& ctx) {
  auto& r = ctx.reply;
  r.MapHeader(2);
  r.Bulk("running_script");
  r.Null();
  r.Bulk("engines");
  r.MapHeader(1);
  r.Bulk("LUA");
  r.MapHeader(2);
  r.Bulk("libraries_count");
  r.Integer(0);
  r.Bulk("functions_count");
  r.Integer(0);
}

// FUNCTION HELP
void FunctionHelpCommand(CommandContext& ctx) { ReplyHelp(ctx, kFunctionHelp); }

// SCRIPT FLUSH [ASYNC|SYNC]
void ScriptFlushCommand(CommandContext& ctx) {
  if (ctx.argv.size() == 3 && (base::EqualsIgnoreCase(ctx.argv[2], "sync") ||
                               base::EqualsIgnoreCase(ctx.argv[2], "async"))) {
    ctx.reply.Ok();
  } else if (ctx.argv.size() == 2) {
    ctx.reply.Ok();
  } else {
    ctx.Error("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
  }
}

// SCRIPT EXISTS sha1 [sha1 ...]
void ScriptExistsCommand(CommandContext& ctx) {
  ctx.reply.ArrayHeader(ctx.argv.size() - 2);
  for (size_t i = 2; i < ctx.argv.size(); ++i) ctx.reply.Integer(0);
}

// SCRIPT HELP
void ScriptHelpCommand(CommandContext& ctx) { ReplyHelp(ctx, kScriptHelp); }

// ---------------------------------------------------------------------------
// LATENCY: respd records no latency events, so every history is empty.

// LATENCY DOCTOR: Redis's report for no events, which depends only on
// whether monitoring is switched on.
void LatencyDoctorCommand(CommandContext& ctx) {
  const auto it = ctx.server.config().values.find("latency-monitor-threshold");
  const bool enabled = it != ctx.server.config().values.end() && it->second != "0";
  if (enabled) {
    ctx.reply.Verbatim(
        "Dave, no latency spike was observed during the lifetime of this Redis instance, not in "
        "the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, "
        "and think things over.\n");
  } else {
    ctx.reply.Verbatim(
        "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. "
        "You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable "
        "it. If we weren't in a deep space mission I'd suggest to take a look at "
        "https://redis.io/topics/latency-monitor.\n");
  }
}

// LATENCY LATEST, LATENCY HISTORY event
void LatencyEmptyCommand(CommandContext& ctx) { ctx.reply.ArrayHeader(0); }

// LATENCY RESET [event ...]: the number of event series reset.
void LatencyResetCommand(CommandContext& ctx) { ctx.reply.Integer(0); }

// LATENCY HELP
void LatencyHelpCommand(CommandContext& ctx) { ReplyHelp(ctx, kLatencyHelp); }

// ---------------------------------------------------------------------------
// DEBUG (a subset; Redis parses the subcommand in the handler, so DEBUG is
// not a container)

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
  const std::string_view value = e->string_value();
  const RedisStringObject object = DescribeStringObject(*e);
  // The RDB writer stores a string that is a 32-bit integer (up to 11
  // bytes) as an int, whatever its in-memory encoding.
  int64_t v = 0;
  const bool parses = value.size() <= 11 && base::ParseInt64(value, &v);
  size_t serialized = parses ? RdbIntSize(v) : 0;
  if (serialized == 0) serialized = RdbLenSize(value.size()) + value.size();
  char buf[256];
  std::snprintf(buf, sizeof(buf),
                "Value at:%p refcount:%d encoding:%s serializedlength:%zu lru:%" PRIu32
                " lru_seconds_idle:%" PRIu64,
                static_cast<const void*>(e), object.refcount, object.encoding, serialized, e->lru(),
                ctx.db.IdleSeconds(e));
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
    ReplyHelp(ctx, kDebugHelp);
  } else if (argc == 3 && base::EqualsIgnoreCase(sub, "sleep")) {
    DebugSleep(ctx);
  } else if (argc == 3 && base::EqualsIgnoreCase(sub, "set-active-expire")) {
    ctx.server.set_active_expire_enabled(AtoiNonZero(ctx.argv[2]));
    ctx.reply.Ok();
  } else if (argc == 3 && base::EqualsIgnoreCase(sub, "object")) {
    DebugObject(ctx);
  } else {
    SubcommandSyntaxError(ctx);
  }
}

// ---------------------------------------------------------------------------
// The table lines: Redis 7.0.15's COMMAND INFO (tools/command_spec.py).

constexpr uint32_t kAdminAcl = kAclAdmin | kAclSlow | kAclDangerous;

constexpr CommandSpec kSlowlogSubcommands[] = {
    {.name = "get",
     .arity = -2,
     .flags = kCmdAdmin | kCmdLoading | kCmdStale,
     .acl_categories = kAdminAcl,
     .handler = &SlowlogGetCommand},
    {.name = "len",
     .arity = 2,
     .flags = kCmdAdmin | kCmdLoading | kCmdStale,
     .acl_categories = kAdminAcl,
     .handler = &SlowlogLenCommand},
    {.name = "reset",
     .arity = 2,
     .flags = kCmdAdmin | kCmdLoading | kCmdStale,
     .acl_categories = kAdminAcl,
     .handler = &SlowlogResetCommand},
    {.name = "help",
     .arity = 2,
     .flags = kCmdLoading | kCmdStale,
     .acl_categories = kAclSlow,
     .handler = &SlowlogHelpCommand},
};

constexpr CommandSpec kMemorySubcommands[] = {
    {.name = "usage",
     .arity = -3,
     .flags = kCmdReadOnly,
     .first_key = 2,
     .last_key = 2,
     .key_step = 1,
     .acl_categories = kAclRead | kAclSlow,
     .handler = &MemoryUsageCommand},
    {.name = "stats",
     .arity = 2,
     .flags = 0,
     .acl_categories = kAclSlow,
     .handler = &MemoryStatsCommand},
    {.name = "doctor",
     .arity = 2,
     .flags = 0,
     .acl_categories = kAclSlow,
     .handler = &MemoryDoctorCommand},
    {.name = "malloc-stats",
     .arity = 2,
     .flags = 0,
     .acl_categories = kAclSlow,
     .handler = &MemoryMallocStatsCommand},
    {.name = "purge",
     .arity = 2,
     .flags = 0,
     .acl_categories = kAclSlow,
     .handler = &MemoryPurgeCommand},
    {.name = "help",
     .arity = 2,
     .flags = kCmdLoading | kCmdStale,
     .acl_categories = kAclSlow,
     .handler = &MemoryHelpCommand},
};

constexpr CommandSpec kFunctionSubcommands[] = {
    {.name = "list",
     .arity = -2,
     .flags = kCmdNoScript,
     .acl_categories = kAclSlow | kAclScripting,
     .handler = &FunctionListCommand},
    {.name = "flush",
     .arity = -2,
     .flags = kCmdWrite | kCmdNoScript,
     .acl_categories = kAclWrite | kAclSlow | kAclScripting,
     .handler = &FunctionFlushCommand},
    {.name = "stats",
     .arity = 2,
     .flags = kCmdNoScript | kCmdAllowBusy,
     .acl_categories = kAclSlow | kAclScripting,
     .handler = &FunctionStatsCommand},
    {.name = "help",
     .arity = 2,
     .flags = kCmdLoading | kCmdStale,
     .acl_categories = kAclSlow | kAclScripting,
     .handler = &FunctionHelpCommand},
};

constexpr CommandSpec kScriptSubcommands[] = {
    {.name = "flush",
     .arity = -2,
     .flags = kCmdNoScript,
     .acl_categories = kAclSlow | kAclScripting,
     .handler = &ScriptFlushCommand},
    {.name = "exists",
     .arity = -3,
     .flags = kCmdNoScript,
     .acl_categories = kAclSlow | kAclScripting,
     .handler = &ScriptExistsCommand},
    {.name = "help",
     .arity = 2,
     .flags = kCmdLoading | kCmdStale,
     .acl_categories = kAclSlow | kAclScripting,
     .handler = &ScriptHelpCommand},
};

constexpr uint32_t kLatencyFlags = kCmdAdmin | kCmdNoScript | kCmdLoading | kCmdStale;

constexpr CommandSpec kLatencySubcommands[] = {
    {.name = "doctor",
     .arity = 2,
     .flags = kLatencyFlags,
     .acl_categories = kAdminAcl,
     .handler = &LatencyDoctorCommand},
    {.name = "latest",
     .arity = 2,
     .flags = kLatencyFlags,
     .acl_categories = kAdminAcl,
     .handler = &LatencyEmptyCommand},
    {.name = "history",
     .arity = 3,
     .flags = kLatencyFlags,
     .acl_categories = kAdminAcl,
     .handler = &LatencyEmptyCommand},
    {.name = "reset",
     .arity = -2,
     .flags = kLatencyFlags,
     .acl_categories = kAdminAcl,
     .handler = &LatencyResetCommand},
    {.name = "help",
     .arity = 2,
     .flags = kCmdLoading | kCmdStale,
     .acl_categories = kAclSlow,
     .handler = &LatencyHelpCommand},
};

constexpr CommandSpec kIntrospectionCommands[] = {
    {.name = "time",
     .arity = 1,
     .flags = kCmdLoading | kCmdStale | kCmdFast,
     .acl_categories = kAclFast,
     .handler = &TimeCommand},
    {.name = "lastsave",
     .arity = 1,
     .flags = kCmdLoading | kCmdStale | kCmdFast,
     .acl_categories = kAclAdmin | kAclFast | kAclDangerous,
     .handler = &LastsaveCommand},
    {.name = "save",
     .arity = 1,
     .flags = kCmdAdmin | kCmdNoScript | kCmdNoAsyncLoading | kCmdNoMulti,
     .acl_categories = kAdminAcl,
     .handler = &SaveCommand},
    {.name = "bgsave",
     .arity = -1,
     .flags = kCmdAdmin | kCmdNoScript | kCmdNoAsyncLoading,
     .acl_categories = kAdminAcl,
     .handler = &BgsaveCommand},
    {.name = "slowlog",
     .arity = -2,
     .flags = 0,
     .acl_categories = kAclSlow,
     .handler = nullptr,
     .subcommands = kSlowlogSubcommands},
    {.name = "memory",
     .arity = -2,
     .flags = 0,
     .acl_categories = kAclSlow,
     .handler = nullptr,
     .subcommands = kMemorySubcommands},
    {.name = "function",
     .arity = -2,
     .flags = 0,
     .acl_categories = kAclSlow,
     .handler = nullptr,
     .subcommands = kFunctionSubcommands},
    {.name = "script",
     .arity = -2,
     .flags = 0,
     .acl_categories = kAclSlow,
     .handler = nullptr,
     .subcommands = kScriptSubcommands},
    {.name = "latency",
     .arity = -2,
     .flags = 0,
     .acl_categories = kAclSlow,
     .handler = nullptr,
     .subcommands = kLatencySubcommands},
    // kCmdProtected as in Redis (hidden from COMMAND INFO): the dispatcher
    // checks enable-debug-command.
    {.name = "debug",
     .arity = -2,
     .flags = kCmdAdmin | kCmdNoScript | kCmdLoading | kCmdStale | kCmdProtected,
     .acl_categories = kAdminAcl,
     .handler = &DebugCommand},
};

}  // namespace

void RegisterIntrospectionFamily(CommandTable& table) {
  // Registration happens while the server is being built: what is allocated
  // by now is the closest figure respd has to Redis's startup memory.
  g_startup_allocated = AllocatedBytes();
  table.Add(kIntrospectionCommands);
}

}  // namespace respd::server

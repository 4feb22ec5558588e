// MEMORY USAGE, STATS, DOCTOR, MALLOC-STATS, PURGE and HELP, with Redis
// 7.0's fields and texts; the figures are respd's own (its allocator, its
// entries, its clients).
#include <malloc.h>
#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <string>
#include <vector>

#include "base/ascii.h"
#include "base/numbers.h"
#include "server/commands/families.h"
#include "server/core/server.h"
#include "server/dispatch/command_context.h"
#include "server/dispatch/errors.h"
#include "server/sys/allocator.h"
#include "store/value.h"

namespace respd::server {
namespace {

using store::Database;
using store::KeyEntry;

// MEMORY HELP, as Redis 7.0.15 prints it.
constexpr std::string_view kMemoryHelp[] = {
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
};

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
  ctx.reply.Integer(static_cast<int64_t>(store::MemoryUsage(*e) + kBucketShare));
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
  m.startup_allocated = server.startup_allocated();
  m.peak_allocated = server.NoteMemoryPeak(m.total_allocated);
  m.rss = ResidentSetBytes();
  for (const Client* c = server.connections().head(); c != nullptr; c = c->next) {
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
void MemoryHelpCommand(CommandContext& ctx) { ctx.ReplyHelp(kMemoryHelp); }

constexpr CommandSpec kMemorySubcommands[] = {
    {.name = "usage", .handler = &MemoryUsageCommand},
    {.name = "stats", .handler = &MemoryStatsCommand},
    {.name = "doctor", .handler = &MemoryDoctorCommand},
    {.name = "malloc-stats", .handler = &MemoryMallocStatsCommand},
    {.name = "purge", .handler = &MemoryPurgeCommand},
    {.name = "help", .handler = &MemoryHelpCommand},
};

constexpr CommandSpec kMemoryCommands[] = {
    {.name = "memory", .handler = nullptr, .subcommands = kMemorySubcommands},
};

}  // namespace

std::span<const CommandSpec> MemoryCommands() { return kMemoryCommands; }

}  // namespace respd::server

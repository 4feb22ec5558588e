// Watching the server: TIME, SLOWLOG and LATENCY, with Redis 7.0's replies.
//
// respd records no latency events yet (issue 17 brings the monitor), so
// LATENCY answers as Redis does with none. HELP texts are Redis's, word for
// word, including subcommands respd does not serve yet: clients and tests
// compare them.
#include <cstdio>
#include <string>

#include "base/ascii.h"
#include "base/numbers.h"
#include "server/commands/families.h"
#include "server/core/server.h"
#include "server/dispatch/command_context.h"
#include "server/dispatch/errors.h"

namespace respd::server {
namespace {

// SLOWLOG HELP, as Redis 7.0.15 prints it.
constexpr std::string_view kSlowlogHelp[] = {
    "GET [<count>]",
    "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
    "    Entries are made of:",
    "    id, timestamp, time in microseconds, arguments array, client IP and port,",
    "    client name",
    "LEN",
    "    Return the length of the slowlog.",
    "RESET",
    "    Reset the slowlog.",
};

// LATENCY HELP, as Redis 7.0.15 prints it.
constexpr std::string_view kLatencyHelp[] = {
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
};

// TIME
// TIME
void TimeCommand(CommandContext& ctx) {
  const int64_t now_us = base::SystemTimeUs();
  ctx.reply.ArrayHeader(2);
  char buf[base::kInt64Digits];
  ctx.reply.Bulk({buf, base::FormatInt64(now_us / 1000000, buf)});
  ctx.reply.Bulk({buf, base::FormatInt64(now_us % 1000000, buf)});
}

// SLOWLOG GET [count]  (default 10; -1 = all)
void SlowlogGetCommand(CommandContext& ctx) {
  if (ctx.argv.size() > 3) {
    ctx.SubcommandSyntaxError();
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
void SlowlogHelpCommand(CommandContext& ctx) { ctx.ReplyHelp(kSlowlogHelp); }

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
void LatencyHelpCommand(CommandContext& ctx) { ctx.ReplyHelp(kLatencyHelp); }

constexpr CommandSpec kSlowlogSubcommands[] = {
    {.name = "get", .handler = &SlowlogGetCommand},
    {.name = "len", .handler = &SlowlogLenCommand},
    {.name = "reset", .handler = &SlowlogResetCommand},
    {.name = "help", .handler = &SlowlogHelpCommand},
};

constexpr CommandSpec kLatencySubcommands[] = {
    {.name = "doctor", .handler = &LatencyDoctorCommand},
    {.name = "latest", .handler = &LatencyEmptyCommand},
    {.name = "history", .handler = &LatencyEmptyCommand},
    {.name = "reset", .handler = &LatencyResetCommand},
    {.name = "help", .handler = &LatencyHelpCommand},
};

constexpr CommandSpec kIntrospectionCommands[] = {
    {.name = "time", .handler = &TimeCommand},
    {.name = "slowlog", .handler = nullptr, .subcommands = kSlowlogSubcommands},
    {.name = "latency", .handler = nullptr, .subcommands = kLatencySubcommands},
};

}  // namespace

std::span<const CommandSpec> IntrospectionCommands() { return kIntrospectionCommands; }

}  // namespace respd::server

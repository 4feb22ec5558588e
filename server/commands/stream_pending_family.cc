// Consumer groups' pending entries: XPENDING (summary and range forms),
// XCLAIM and XAUTOCLAIM, as Redis 7.0's t_stream.c parses and answers them.
// Redis notifies no event for a claim; one that creates its consumer
// notifies the creation. An entry deleted from the stream while pending
// leaves the PEL when a claim meets it.
#include <string>
#include <vector>

#include "base/ascii.h"
#include "base/numbers.h"
#include "server/commands/families.h"
#include "server/commands/stream_common.h"
#include "server/core/server.h"
#include "server/dispatch/command_context.h"
#include "server/dispatch/errors.h"
#include "store/types/stream.h"

namespace respd::server {
namespace {

using store::KeyEntry;
using store::KeyEvent;
using store::Stream;
using store::StreamConsumer;
using store::StreamGroup;
using store::StreamId;
using store::StreamNack;

// The stream and group XCLAIM, XAUTOCLAIM and XPENDING work on; nullptr
// after replying WRONGTYPE or NOGROUP.
StreamGroup* FindGroupOrReply(CommandContext& ctx, KeyEntry** entry) {
  auto found = store::FindStream(ctx.db, ctx.argv[1]);
  if (!found && found.status() != store::OpStatus::kKeyNotFound) {
    ctx.Error(OpStatusError(found.status()));
    return nullptr;
  }
  StreamGroup* group = found ? store::StreamOf(**found).FindGroup(ctx.argv[2]) : nullptr;
  if (group == nullptr) {
    ReplyNoKeyOrGroup(ctx, ctx.argv[1], ctx.argv[2]);
    return nullptr;
  }
  *entry = *found;
  return group;
}

// What a claim took: the IDs (JUSTID) or the entries, which exist.
void ReplyClaimed(CommandContext& ctx, const Stream& s, const std::vector<StreamId>& claimed,
                  bool justid) {
  ctx.reply.ArrayHeader(claimed.size());
  for (StreamId id : claimed) {
    if (justid) {
      ReplyStreamId(ctx.reply, id);
      continue;
    }
    store::StreamIterator it(s, id, id, /*reverse=*/false);
    it.Next();
    ReplyStreamEntry(ctx.reply, it);
  }
}

// ---------------------------------------------------------------------------
// XPENDING key group [[IDLE min-idle] start end count [consumer]]

void ReplyPendingSummary(CommandContext& ctx, const StreamGroup& group) {
  ctx.reply.ArrayHeader(4);
  ctx.reply.Integer(static_cast<int64_t>(group.pel.size()));
  if (group.pel.empty()) {
    ctx.reply.Null();
    ctx.reply.Null();
    ctx.reply.NullArray();
    return;
  }
  ReplyStreamId(ctx.reply, group.pel.begin()->first);
  ReplyStreamId(ctx.reply, group.pel.rbegin()->first);
  size_t with_pending = 0;
  for (const auto& [name, consumer] : group.consumers) with_pending += !consumer->pel.empty();
  ctx.reply.ArrayHeader(with_pending);
  for (const auto& [name, consumer] : group.consumers) {
    if (consumer->pel.empty()) continue;
    ctx.reply.ArrayHeader(2);
    ctx.reply.Bulk(name);
    char buf[base::kInt64Digits];
    ctx.reply.Bulk({buf, base::FormatUint64(consumer->pel.size(), buf)});
  }
}

// The pending entries of `pel` from `start` to `end`, at most `count`,
// idle at least `min_idle`: [id, consumer, idle ms, deliveries] each.
template <typename Pel>
void ReplyPendingRange(CommandContext& ctx, const Pel& pel, StreamId start, StreamId end,
                       int64_t count, int64_t min_idle) {
  auto idle_enough = [&](const StreamNack& nack) {
    return min_idle == 0 || ctx.now_ms - nack.delivery_time >= min_idle;
  };
  size_t n = 0;
  for (auto it = pel.lower_bound(start);
       it != pel.end() && it->first <= end && n < static_cast<size_t>(count); ++it) {
    n += idle_enough(*it->second);
  }
  ctx.reply.ArrayHeader(n);
  size_t done = 0;
  for (auto it = pel.lower_bound(start); done < n; ++it) {
    const StreamNack& nack = *it->second;
    if (!idle_enough(nack)) continue;
    ++done;
    ctx.reply.ArrayHeader(4);
    ReplyStreamId(ctx.reply, it->first);
    ctx.reply.Bulk(nack.consumer->name);
    ctx.reply.Integer(std::max<int64_t>(0, ctx.now_ms - nack.delivery_time));
    ctx.reply.Integer(static_cast<int64_t>(nack.delivery_count));
  }
}

void XPendingCommand(CommandContext& ctx) {
  const size_t argc = ctx.argv.size();
  if (argc != 3 && (argc < 6 || argc > 9)) {
    ctx.Error(kErrSyntax);
    return;
  }
  // The range's arguments are checked before the key is looked up.
  int64_t min_idle = 0, count = 0;
  StreamId start, end;
  std::string_view consumer_name;
  if (argc >= 6) {
    size_t at = 3;
    if (base::EqualsIgnoreCase(ctx.argv[3], "idle")) {
      if (!base::ParseInt64(ctx.argv[4], &min_idle)) {
        ctx.Error(kErrNotInteger);
        return;
      }
      if (argc < 8) {
        ctx.Error(kErrSyntax);
        return;
      }
      at += 2;
    }
    if (!base::ParseInt64(ctx.argv[at + 2], &count)) {
      ctx.Error(kErrNotInteger);
      return;
    }
    if (count < 0) count = 0;
    if (!ParseRangeStart(ctx, ctx.argv[at], &start)) return;
    if (!ParseRangeEnd(ctx, ctx.argv[at + 1], &end)) return;
    if (at + 3 < argc) consumer_name = ctx.argv[at + 3];
  }
  KeyEntry* e;
  StreamGroup* group = FindGroupOrReply(ctx, &e);
  if (group == nullptr) return;
  if (argc == 3) return ReplyPendingSummary(ctx, *group);
  if (consumer_name.data() == nullptr) {
    return ReplyPendingRange(ctx, group->pel, start, end, count, min_idle);
  }
  const StreamConsumer* consumer = group->FindConsumer(consumer_name);
  if (consumer == nullptr) {
    ctx.reply.ArrayHeader(0);
    return;
  }
  ReplyPendingRange(ctx, consumer->pel, start, end, count, min_idle);
}

// ---------------------------------------------------------------------------
// XCLAIM key group consumer min-idle id … [IDLE ms] [TIME unix-ms]
//        [RETRYCOUNT n] [FORCE] [JUSTID] [LASTID id]

bool ParseOptionInt(CommandContext& ctx, std::string_view arg, std::string_view error,
                    int64_t* out) {
  if (base::ParseInt64(arg, out)) return true;
  ctx.Error(error);
  return false;
}

void XClaimCommand(CommandContext& ctx) {
  KeyEntry* e;
  StreamGroup* group = FindGroupOrReply(ctx, &e);
  if (group == nullptr) return;
  const Stream& s = store::StreamOf(*e);
  int64_t min_idle;
  if (!ParseOptionInt(ctx, ctx.argv[4], "ERR Invalid min-idle-time argument for XCLAIM",
                      &min_idle)) {
    return;
  }
  if (min_idle < 0) min_idle = 0;
  // The IDs run up to the first argument that is not one: the options.
  std::vector<StreamId> ids;
  size_t j = 5;
  for (StreamId id; j < ctx.argv.size(); ++j) {
    if (!ParseStreamId(ctx, ctx.argv[j], 0, /*strict=*/true, &id, nullptr, /*reply=*/false)) {
      break;
    }
    ids.push_back(id);
  }
  bool force = false, justid = false;
  int64_t retry_count = -1, delivery_time = -1;
  StreamId last_id;
  for (; j < ctx.argv.size(); ++j) {
    const bool more = j + 1 < ctx.argv.size();
    const std::string_view opt = ctx.argv[j];
    if (base::EqualsIgnoreCase(opt, "force")) {
      force = true;
    } else if (base::EqualsIgnoreCase(opt, "justid")) {
      justid = true;
    } else if (base::EqualsIgnoreCase(opt, "idle") && more) {
      if (!ParseOptionInt(ctx, ctx.argv[++j], "ERR Invalid IDLE option argument for XCLAIM",
                          &delivery_time)) {
        return;
      }
      delivery_time = ctx.now_ms - delivery_time;
    } else if (base::EqualsIgnoreCase(opt, "time") && more) {
      if (!ParseOptionInt(ctx, ctx.argv[++j], "ERR Invalid TIME option argument for XCLAIM",
                          &delivery_time)) {
        return;
      }
    } else if (base::EqualsIgnoreCase(opt, "retrycount") && more) {
      if (!ParseOptionInt(ctx, ctx.argv[++j], "ERR Invalid RETRYCOUNT option argument for XCLAIM",
                          &retry_count)) {
        return;
      }
    } else if (base::EqualsIgnoreCase(opt, "lastid") && more) {
      if (!ParseStreamId(ctx, ctx.argv[++j], 0, /*strict=*/true, &last_id)) return;
    } else {
      std::string err = "ERR Unrecognized XCLAIM option '";
      err.append(opt).append("'");
      ctx.Error(err);
      return;
    }
  }
  if (last_id > group->last_id) group->last_id = last_id;
  // A bogus time (in the future, negative) is taken as now: clients
  // compute it from their own clocks.
  if (delivery_time < 0 || delivery_time > ctx.now_ms) delivery_time = ctx.now_ms;

  // Claimed: the IDs whose entries are answered (the reply's length first).
  std::vector<StreamId> claimed;
  StreamConsumer* consumer = nullptr;
  for (StreamId id : ids) {
    auto pending = group->pel.find(id);
    if (!s.Contains(id)) {
      // Gone from the stream: gone from the PEL too.
      if (pending != group->pel.end()) group->Acknowledge(id);
      continue;
    }
    if (pending == group->pel.end()) {
      if (!force) continue;
      // FORCE makes the entry pending (delivered once), with no owner yet.
      pending = group->pel.emplace(id, std::make_unique<StreamNack>()).first;
    }
    StreamNack& nack = *pending->second;
    if (nack.consumer != nullptr && min_idle != 0 && ctx.now_ms - nack.delivery_time < min_idle) {
      continue;
    }
    if (consumer == nullptr) consumer = SeenConsumer(ctx, ctx.argv[1], *group, ctx.argv[3]);
    StreamGroup::MoveNack(id, &nack, consumer);
    nack.delivery_time = delivery_time;
    if (retry_count >= 0) {
      nack.delivery_count = static_cast<uint64_t>(retry_count);
    } else if (!justid) {
      ++nack.delivery_count;
    }
    claimed.push_back(id);
  }
  ReplyClaimed(ctx, s, claimed, justid);
}

// ---------------------------------------------------------------------------
// XAUTOCLAIM key group consumer min-idle start [COUNT n] [JUSTID]
// → [next cursor, claimed entries, deleted IDs]

void XAutoClaimCommand(CommandContext& ctx) {
  int64_t min_idle;
  if (!ParseOptionInt(ctx, ctx.argv[4], "ERR Invalid min-idle-time argument for XAUTOCLAIM",
                      &min_idle)) {
    return;
  }
  if (min_idle < 0) min_idle = 0;
  StreamId start;
  if (!ParseRangeStart(ctx, ctx.argv[5], &start)) return;
  // Each claimed entry may cost ten looks at the PEL.
  constexpr int64_t kAttemptsFactor = 10;
  int64_t count = 100;
  bool justid = false;
  for (size_t j = 6; j < ctx.argv.size(); ++j) {
    const std::string_view opt = ctx.argv[j];
    if (base::EqualsIgnoreCase(opt, "count") && j + 1 < ctx.argv.size()) {
      constexpr int64_t kMaxCount = INT64_MAX / kAttemptsFactor;
      if (!base::ParseInt64(ctx.argv[++j], &count) || count < 1 || count > kMaxCount) {
        ctx.Error("ERR COUNT must be > 0");
        return;
      }
    } else if (base::EqualsIgnoreCase(opt, "justid")) {
      justid = true;
    } else {
      ctx.Error(kErrSyntax);
      return;
    }
  }
  KeyEntry* e;
  StreamGroup* group = FindGroupOrReply(ctx, &e);
  if (group == nullptr) return;
  const Stream& s = store::StreamOf(*e);

  int64_t attempts = count * kAttemptsFactor;
  std::vector<StreamId> claimed, deleted;
  StreamConsumer* consumer = nullptr;
  auto it = group->pel.lower_bound(start);
  while (attempts-- > 0 && count > 0 && it != group->pel.end()) {
    const StreamId id = it->first;
    StreamNack& nack = *it->second;
    if (!s.Contains(id)) {
      // Gone from the stream: dropped from the PEL and reported.
      ++it;
      group->Acknowledge(id);
      deleted.push_back(id);
      --count;
      continue;
    }
    if (min_idle != 0 && ctx.now_ms - nack.delivery_time < min_idle) {
      ++it;
      continue;
    }
    if (consumer == nullptr) consumer = SeenConsumer(ctx, ctx.argv[1], *group, ctx.argv[3]);
    StreamGroup::MoveNack(id, &nack, consumer);
    nack.delivery_time = ctx.now_ms;
    if (!justid) ++nack.delivery_count;
    claimed.push_back(id);
    --count;
    ++it;
  }
  // The cursor: the first pending entry not looked at, 0-0 at the end.
  ctx.reply.ArrayHeader(3);
  ReplyStreamId(ctx.reply, it == group->pel.end() ? StreamId::Min() : it->first);
  ReplyClaimed(ctx, s, claimed, justid);
  ctx.reply.ArrayHeader(deleted.size());
  for (StreamId id : deleted) ReplyStreamId(ctx.reply, id);
}

constexpr CommandSpec kStreamPendingCommands[] = {
    {.name = "xpending", .handler = &XPendingCommand},
    {.name = "xclaim", .handler = &XClaimCommand},
    {.name = "xautoclaim", .handler = &XAutoClaimCommand},
};

}  // namespace

std::span<const CommandSpec> StreamPendingCommands() { return kStreamPendingCommands; }

}  // namespace respd::server

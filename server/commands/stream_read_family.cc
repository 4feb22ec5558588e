// Reading streams: XREAD and XREADGROUP, with BLOCK (Redis 7.0's
// xreadCommand and serveClientsBlockedOnStreamKey).
//
// A read that finds nothing and may block waits on its keys, its command
// stored with every "$" replaced by the ID it stood for then. When one of
// the keys becomes ready (an XADD, the key created, its group destroyed),
// the blocking registry runs the command again with `serving_key` set: that
// run looks at that key only, serves it if the stream moved past the ID
// (XREADGROUP: past the group's last delivered ID) and replies with that
// one stream, as Redis does. XREADGROUP waiters are also woken when their
// key is deleted or changes type, to fail.
#include <optional>
#include <string>
#include <vector>

#include "base/ascii.h"
#include "base/numbers.h"
#include "server/blocking/blocking_registry.h"
#include "server/commands/families.h"
#include "server/commands/stream_common.h"
#include "server/core/server.h"
#include "server/dispatch/command_context.h"
#include "server/dispatch/errors.h"
#include "server/net/client.h"
#include "store/types/stream.h"

namespace respd::server {
namespace {

using store::KeyEntry;
using store::KeyEvent;
using store::Stream;
using store::StreamConsumer;
using store::StreamGroup;
using store::StreamId;

// What a blocked read without COUNT is served at most (Redis's
// XREAD_BLOCKED_DEFAULT_COUNT): a low ID must not flood the client.
constexpr int64_t kBlockedDefaultCount = 1000;

// ">" is held as the largest ID, as Redis holds it.
constexpr StreamId kNewEntriesOnly = StreamId::Max();

struct ReadOptions {
  bool group_read = false;  // XREADGROUP.
  bool block = false;
  int64_t deadline_ms = 0;
  int64_t count = 0;  // 0: no limit.
  bool noack = false;
  std::string_view group;
  std::string_view consumer;
  size_t keys_at = 0;  // argv index of the first key.
  size_t num_keys = 0;
  std::string_view key(CommandContext& ctx, size_t i) const { return ctx.argv[keys_at + i]; }
  std::string_view id_arg(CommandContext& ctx, size_t i) const {
    return ctx.argv[keys_at + num_keys + i];
  }
};

bool ParseReadOptions(CommandContext& ctx, bool group_read, ReadOptions* o) {
  o->group_read = group_read;
  const auto& argv = ctx.argv;
  for (size_t i = 1; i < argv.size(); ++i) {
    const size_t more = argv.size() - i - 1;
    const std::string_view opt = argv[i];
    if (base::EqualsIgnoreCase(opt, "block") && more > 0) {
      if (!ParseBlockingTimeout(ctx, argv[++i], TimeoutUnit::kMilliseconds, &o->deadline_ms)) {
        return false;
      }
      o->block = true;
    } else if (base::EqualsIgnoreCase(opt, "count") && more > 0) {
      if (!base::ParseInt64(argv[++i], &o->count)) {
        ctx.Error(kErrNotInteger);
        return false;
      }
      if (o->count < 0) o->count = 0;
    } else if (base::EqualsIgnoreCase(opt, "streams") && more > 0) {
      o->keys_at = i + 1;
      const size_t rest = argv.size() - o->keys_at;
      if (rest % 2 != 0) {
        // (Redis 7.0 names XREAD, and '$', for XREADGROUP too.)
        ctx.Error(
            "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be "
            "specified.");
        return false;
      }
      o->num_keys = rest / 2;
      break;
    } else if (base::EqualsIgnoreCase(opt, "group") && more >= 2) {
      if (!group_read) {
        ctx.Error(
            "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.");
        return false;
      }
      o->group = argv[i + 1];
      o->consumer = argv[i + 2];
      i += 2;
    } else if (base::EqualsIgnoreCase(opt, "noack")) {
      if (!group_read) {
        ctx.Error(
            "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.");
        return false;
      }
      o->noack = true;
    } else {
      ctx.Error(kErrSyntax);
      return false;
    }
  }
  if (o->keys_at == 0) {
    ctx.Error(kErrSyntax);
    return false;
  }
  if (group_read && o->group.data() == nullptr) {
    ctx.Error("ERR Missing GROUP option for XREADGROUP");
    return false;
  }
  return true;
}

// A stream's ID argument: "$" (the stream's last ID, XREAD only), ">" (new
// entries, XREADGROUP only) or a strict ID.
bool ParseReadId(CommandContext& ctx, const ReadOptions& o, std::string_view arg, const KeyEntry* e,
                 StreamId* id) {
  if (arg == "$") {
    if (o.group_read) {
      ctx.Error(
          "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the "
          "history of this consumer by specifying a proper ID, or use the > ID to get new "
          "messages. The $ ID would just return an empty result set.");
      return false;
    }
    *id = e != nullptr ? store::StreamOf(*e).last_id() : StreamId::Min();
    return true;
  }
  if (arg == ">") {
    if (!o.group_read) {
      ctx.Error(
          "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> "
          "<consumer> option.");
      return false;
    }
    *id = kNewEntriesOnly;
    return true;
  }
  return ParseStreamId(ctx, arg, 0, /*strict=*/true, id);
}

// One stream's part of the reply, decided (and its group updated) before
// anything is written, since the reply's length comes first.
struct Delivery {
  std::string_view key;
  const Stream* stream = nullptr;
  // New entries: `n` of them, the first where `first` is.
  size_t n = 0;
  std::optional<store::StreamIterator> first;
  // A consumer's history: these IDs of its pending entries.
  bool history = false;
  std::vector<StreamId> pending;
};

// The group's bookkeeping for delivering `id` (streamReplyWithRange): the
// last delivered ID and the read counter move on; unless NOACK the entry
// becomes pending for `consumer` (taken over from whoever had it, should
// XGROUP SETID have made the group deliver it again).
void Deliver(const Stream& s, StreamGroup& group, StreamConsumer* consumer, bool noack, StreamId id,
             int64_t now_ms) {
  if (id > group.last_id) {
    if (group.entries_read != store::kInvalidEntriesRead &&
        !s.RangeHasTombstones(id, StreamId::Max())) {
      ++group.entries_read;
    } else if (s.entries_added() > 0) {
      group.entries_read = s.EstimateEntriesRead(id);
    }
    group.last_id = id;
  }
  if (noack) return;
  // New entries come in ID order: most go at the end of both PELs, which a
  // hint makes O(1) instead of a descent through a tree of millions.
  auto& pel = group.pel;
  if (pel.empty() || pel.rbegin()->first < id) {
    auto nack =
        pel.emplace_hint(pel.end(), id, std::make_unique<store::StreamNack>())->second.get();
    nack->delivery_time = now_ms;
    nack->consumer = consumer;
    auto& mine = consumer->pel;
    if (mine.empty() || mine.rbegin()->first < id) {
      mine.emplace_hint(mine.end(), id, nack);
    } else {
      mine.emplace(id, nack);
    }
    return;
  }
  auto [it, inserted] = pel.try_emplace(id);
  if (inserted) {
    it->second = std::make_unique<store::StreamNack>();
    it->second->delivery_time = now_ms;
    it->second->consumer = consumer;
    consumer->pel.emplace(id, it->second.get());
    return;
  }
  store::StreamNack* nack = it->second.get();
  StreamGroup::MoveNack(id, nack, consumer);
  nack->delivery_time = now_ms;
  nack->delivery_count = 1;
}

// Entries after `start` (inclusive), at most `count`; for a group, each is
// delivered to `consumer`.
Delivery CollectNew(CommandContext& ctx, std::string_view key, const Stream& s, StreamId start,
                    int64_t count, StreamGroup* group, StreamConsumer* consumer, bool noack) {
  Delivery d{.key = key, .stream = &s};
  store::StreamIterator it(s, start, StreamId::Max(), /*reverse=*/false);
  while ((count == 0 || d.n < static_cast<size_t>(count)) && it.Next()) {
    if (d.n == 0) d.first.emplace(it);
    if (group != nullptr) Deliver(s, *group, consumer, noack, it.id(), ctx.now_ms);
    ++d.n;
  }
  return d;
}

// The consumer's pending entries from `start`, at most `count`; each counts
// as delivered again.
Delivery CollectHistory(CommandContext& ctx, std::string_view key, const Stream& s, StreamId start,
                        int64_t count, StreamConsumer& consumer) {
  Delivery d{.key = key, .stream = &s, .history = true};
  for (auto it = consumer.pel.lower_bound(start);
       it != consumer.pel.end() && (count == 0 || d.pending.size() < static_cast<size_t>(count));
       ++it) {
    d.pending.push_back(it->first);
    // An entry deleted since it was delivered is reported as [id, nil]
    // and not counted as delivered.
    if (s.Contains(it->first)) {
      it->second->delivery_time = ctx.now_ms;
      ++it->second->delivery_count;
    }
  }
  return d;
}

void ReplyDelivery(CommandContext& ctx, const Delivery& d) {
  if (!ctx.reply.resp3()) ctx.reply.ArrayHeader(2);
  ctx.reply.Bulk(d.key);
  if (!d.history) {
    if (d.n == 0) {
      ctx.reply.ArrayHeader(0);
    } else {
      ReplyStreamEntriesFrom(ctx.reply, *d.first, d.n);
    }
    return;
  }
  ctx.reply.ArrayHeader(d.pending.size());
  for (StreamId id : d.pending) {
    store::StreamIterator it(*d.stream, id, id, /*reverse=*/false);
    if (it.Next()) {
      ReplyStreamEntry(ctx.reply, it);
    } else {
      ctx.reply.ArrayHeader(2);
      ReplyStreamId(ctx.reply, id);
      ctx.reply.NullArray();
    }
  }
}

// One stream per key: an array of [key, entries] in RESP2, a map in RESP3.
void ReplyDeliveries(CommandContext& ctx, const std::vector<Delivery>& deliveries) {
  if (ctx.reply.resp3()) {
    ctx.reply.MapHeader(deliveries.size());
  } else {
    ctx.reply.ArrayHeader(deliveries.size());
  }
  for (const Delivery& d : deliveries) ReplyDelivery(ctx, d);
}

// The ID after `gt` (the smallest, past the largest, as streamIncrID wraps).
StreamId After(StreamId gt) { return gt.Increment() ? gt : StreamId::Min(); }

// A blocked read run again for `key`, which became ready.
void ServeBlocked(CommandContext& ctx, const ReadOptions& o, std::string_view key, StreamId gt) {
  auto keep_waiting = [&] {
    WaitOrReply(ctx, {}, store::ValueType::kStream, o.deadline_ms, [] {});
  };
  auto found = store::FindStream(ctx.db, key);
  if (!found) {
    if (!o.group_read) return keep_waiting();
    ctx.Error("UNBLOCKED the stream key no longer exists");
    return;
  }
  const Stream& s = store::StreamOf(**found);
  StreamGroup* group = nullptr;
  if (o.group_read) {
    group = s.FindGroup(o.group);
    if (group == nullptr) {
      ctx.Error("NOGROUP the consumer group this client was blocked on no longer exists");
      return;
    }
    gt = group->last_id;
  }
  // The last ID, not the last entry's: an entry added and deleted since
  // still serves the client (with no entries).
  if (!(s.last_id() > gt)) return keep_waiting();
  StreamConsumer* consumer =
      group != nullptr ? SeenConsumer(ctx, key, *group, o.consumer) : nullptr;
  const int64_t count = o.count != 0 ? o.count : kBlockedDefaultCount;
  std::vector<Delivery> one;
  one.push_back(CollectNew(ctx, key, s, After(gt), count, group, consumer, o.noack));
  ReplyDeliveries(ctx, one);
}

// Waits on the keys with the command as it will run again: "$" replaced by
// the ID it stood for now.
void Block(CommandContext& ctx, const ReadOptions& o, const std::vector<StreamId>& ids) {
  std::vector<std::string> resolved;
  std::vector<std::string_view> argv(ctx.argv.begin(), ctx.argv.end());
  resolved.reserve(o.num_keys);
  for (size_t i = 0; i < o.num_keys; ++i) {
    std::string_view& arg = argv[o.keys_at + o.num_keys + i];
    if (arg == "$") arg = resolved.emplace_back(ids[i].ToString());
  }
  const std::span<const std::string_view> original = ctx.argv;
  ctx.argv = argv;
  std::vector<std::string_view> keys(argv.begin() + static_cast<ptrdiff_t>(o.keys_at),
                                     argv.begin() + static_cast<ptrdiff_t>(o.keys_at + o.num_keys));
  WaitOrReply(
      ctx, keys, store::ValueType::kStream, o.deadline_ms, [&] { ctx.reply.NullArray(); },
      /*serve_when_gone=*/o.group_read);
  ctx.argv = original;
}

void ReadGeneric(CommandContext& ctx, bool group_read) {
  ReadOptions o;
  if (!ParseReadOptions(ctx, group_read, &o)) return;

  // Run again for a key that became ready: that key only.
  if (ctx.client.blocked) {
    const std::string_view serving = ctx.client.blocked->serving_key;
    for (size_t i = 0; i < o.num_keys; ++i) {
      if (o.key(ctx, i) != serving) continue;
      StreamId gt;
      if (!ParseReadId(ctx, o, o.id_arg(ctx, i), nullptr, &gt)) return;
      return ServeBlocked(ctx, o, serving, gt);
    }
    return WaitOrReply(ctx, {}, store::ValueType::kStream, o.deadline_ms, [] {});
  }

  // Every key, its group and its ID, in order, before anything is served.
  std::vector<KeyEntry*> entries(o.num_keys, nullptr);
  std::vector<StreamGroup*> groups(o.num_keys, nullptr);
  std::vector<StreamId> ids(o.num_keys);
  for (size_t i = 0; i < o.num_keys; ++i) {
    const std::string_view key = o.key(ctx, i);
    auto found = store::FindStream(ctx.db, key);
    if (!found && found.status() != store::OpStatus::kKeyNotFound) {
      ctx.Error(OpStatusError(found.status()));
      return;
    }
    if (found) entries[i] = *found;
    if (group_read) {
      if (entries[i] != nullptr) groups[i] = store::StreamOf(*entries[i]).FindGroup(o.group);
      if (groups[i] == nullptr) {
        return ReplyNoKeyOrGroup(ctx, key, o.group, " in XREADGROUP with GROUP option");
      }
    }
    if (!ParseReadId(ctx, o, o.id_arg(ctx, i), entries[i], &ids[i])) return;
  }

  std::vector<Delivery> deliveries;
  for (size_t i = 0; i < o.num_keys; ++i) {
    if (entries[i] == nullptr) continue;
    const std::string_view key = o.key(ctx, i);
    const Stream& s = store::StreamOf(*entries[i]);
    StreamId gt = ids[i];
    if (group_read) {
      StreamGroup& group = *groups[i];
      // An ID other than ">" reads the consumer's history, always at once;
      // ">" is served at once when the group has entries to deliver.
      const bool history = gt != kNewEntriesOnly;
      bool serve = history;
      if (!history && s.length() > 0 && *s.LastLiveId() > group.last_id) {
        serve = true;
        gt = group.last_id;
      }
      if (!serve) continue;
      // (Created only for a stream it is answered for.)
      StreamConsumer* consumer = SeenConsumer(ctx, key, group, o.consumer);
      if (history) {
        deliveries.push_back(CollectHistory(ctx, key, s, After(gt), o.count, *consumer));
      } else {
        deliveries.push_back(
            CollectNew(ctx, key, s, After(gt), o.count, &group, consumer, o.noack));
      }
    } else if (s.length() > 0 && *s.LastLiveId() > gt) {
      deliveries.push_back(CollectNew(ctx, key, s, After(gt), o.count, nullptr, nullptr, false));
    }
  }
  if (!deliveries.empty()) return ReplyDeliveries(ctx, deliveries);
  if (o.block) return Block(ctx, o, ids);
  ctx.reply.NullArray();
}

// XREAD [COUNT n] [BLOCK ms] STREAMS key … id …
void XReadCommand(CommandContext& ctx) { ReadGeneric(ctx, /*group_read=*/false); }

// XREADGROUP GROUP group consumer [COUNT n] [BLOCK ms] [NOACK] STREAMS key … id …
void XReadGroupCommand(CommandContext& ctx) { ReadGeneric(ctx, /*group_read=*/true); }

constexpr CommandSpec kStreamReadCommands[] = {
    {.name = "xread", .handler = &XReadCommand},
    {.name = "xreadgroup", .handler = &XReadGroupCommand},
};

}  // namespace

std::span<const CommandSpec> StreamReadCommands() { return kStreamReadCommands; }

}  // namespace respd::server

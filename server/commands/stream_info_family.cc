// XINFO STREAM [FULL [COUNT n]], XINFO GROUPS, XINFO CONSUMERS, XINFO HELP:
// Redis 7.0's views of a stream, its groups and their consumers, field for
// field (xinfoCommand).
#include <string>

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

using store::Stream;
using store::StreamGroup;
using store::StreamId;

// The stream at argv[2], or nullptr after "ERR no such key" / WRONGTYPE.
const Stream* StreamOrReply(CommandContext& ctx) {
  store::KeyEntry* e =
      ctx.EntryOrReply(store::FindStream(ctx.db, ctx.argv[2]), [&] { ctx.Error(kErrNoSuchKey); });
  return e == nullptr ? nullptr : &store::StreamOf(*e);
}

void ReplyEntriesRead(CommandContext& ctx, const StreamGroup& g) {
  if (g.entries_read == store::kInvalidEntriesRead) {
    ctx.reply.Null();
  } else {
    ctx.reply.Integer(g.entries_read);
  }
}

void ReplyLag(CommandContext& ctx, const Stream& s, const StreamGroup& g) {
  const std::optional<int64_t> lag = s.GroupLag(g);
  if (lag) {
    ctx.reply.Integer(*lag);
  } else {
    ctx.reply.Null();
  }
}

// The first or last entry, or nil.
void ReplyEdgeEntry(CommandContext& ctx, const Stream& s, bool last) {
  store::StreamIterator it(s, StreamId::Min(), StreamId::Max(), last);
  if (it.Next()) {
    ReplyStreamEntry(ctx.reply, it);
  } else {
    ctx.reply.Null();
  }
}

// Up to `count` (0: all) of a PEL's entries, each as `emit(id, nack)`.
template <typename Pel, typename Emit>
void ReplyPel(CommandContext& ctx, const Pel& pel, int64_t count, Emit&& emit) {
  const size_t n = count == 0 ? pel.size() : std::min(pel.size(), static_cast<size_t>(count));
  ctx.reply.ArrayHeader(n);
  auto it = pel.begin();
  for (size_t i = 0; i < n; ++i, ++it) emit(it->first, *it->second);
}

void ReplyFullGroups(CommandContext& ctx, const Stream& s, int64_t count) {
  ctx.reply.ArrayHeader(s.groups().size());
  for (const auto& [name, group] : s.groups()) {
    const StreamGroup& g = *group;
    ctx.reply.MapHeader(7);
    ctx.reply.Bulk("name");
    ctx.reply.Bulk(name);
    ctx.reply.Bulk("last-delivered-id");
    ReplyStreamId(ctx.reply, g.last_id);
    ctx.reply.Bulk("entries-read");
    ReplyEntriesRead(ctx, g);
    ctx.reply.Bulk("lag");
    ReplyLag(ctx, s, g);
    ctx.reply.Bulk("pel-count");
    ctx.reply.Integer(static_cast<int64_t>(g.pel.size()));
    ctx.reply.Bulk("pending");
    ReplyPel(ctx, g.pel, count, [&](StreamId id, const store::StreamNack& nack) {
      ctx.reply.ArrayHeader(4);
      ReplyStreamId(ctx.reply, id);
      ctx.reply.Bulk(nack.consumer->name);
      ctx.reply.Integer(nack.delivery_time);
      ctx.reply.Integer(static_cast<int64_t>(nack.delivery_count));
    });
    ctx.reply.Bulk("consumers");
    ctx.reply.ArrayHeader(g.consumers.size());
    for (const auto& [consumer_name, consumer] : g.consumers) {
      ctx.reply.MapHeader(4);
      ctx.reply.Bulk("name");
      ctx.reply.Bulk(consumer_name);
      ctx.reply.Bulk("seen-time");
      ctx.reply.Integer(consumer->seen_time);
      ctx.reply.Bulk("pel-count");
      ctx.reply.Integer(static_cast<int64_t>(consumer->pel.size()));
      ctx.reply.Bulk("pending");
      ReplyPel(ctx, consumer->pel, count, [&](StreamId id, const store::StreamNack& nack) {
        ctx.reply.ArrayHeader(3);
        ReplyStreamId(ctx.reply, id);
        ctx.reply.Integer(nack.delivery_time);
        ctx.reply.Integer(static_cast<int64_t>(nack.delivery_count));
      });
    }
  }
}

// XINFO STREAM key [FULL [COUNT n]]
void XInfoStreamCommand(CommandContext& ctx) {
  const Stream* s = StreamOrReply(ctx);
  if (s == nullptr) return;
  const size_t argc = ctx.argv.size();
  bool full = false;
  int64_t count = 10;  // FULL's default, so one call cannot stall the server.
  if (argc > 3) {
    if ((argc != 4 && argc != 6) || !base::EqualsIgnoreCase(ctx.argv[3], "full")) {
      ctx.SubcommandSyntaxError();
      return;
    }
    full = true;
    if (argc == 6) {
      if (!base::EqualsIgnoreCase(ctx.argv[4], "count")) {
        ctx.SubcommandSyntaxError();
        return;
      }
      if (!base::ParseInt64(ctx.argv[5], &count)) {
        ctx.Error(kErrNotInteger);
        return;
      }
      if (count < 0) count = 10;
    }
  }
  ctx.reply.MapHeader(full ? 9 : 10);
  ctx.reply.Bulk("length");
  ctx.reply.Integer(static_cast<int64_t>(s->length()));
  ctx.reply.Bulk("radix-tree-keys");
  ctx.reply.Integer(static_cast<int64_t>(s->node_count()));
  ctx.reply.Bulk("radix-tree-nodes");
  ctx.reply.Integer(static_cast<int64_t>(s->RaxNodeCount()));
  ctx.reply.Bulk("last-generated-id");
  ReplyStreamId(ctx.reply, s->last_id());
  ctx.reply.Bulk("max-deleted-entry-id");
  ReplyStreamId(ctx.reply, s->max_deleted_entry_id());
  ctx.reply.Bulk("entries-added");
  ctx.reply.Integer(static_cast<int64_t>(s->entries_added()));
  ctx.reply.Bulk("recorded-first-entry-id");
  ReplyStreamId(ctx.reply, s->first_id());
  if (!full) {
    ctx.reply.Bulk("groups");
    ctx.reply.Integer(static_cast<int64_t>(s->groups().size()));
    ctx.reply.Bulk("first-entry");
    ReplyEdgeEntry(ctx, *s, /*last=*/false);
    ctx.reply.Bulk("last-entry");
    ReplyEdgeEntry(ctx, *s, /*last=*/true);
    return;
  }
  ctx.reply.Bulk("entries");
  ReplyStreamRange(ctx.reply, *s, StreamId::Min(), StreamId::Max(), static_cast<size_t>(count),
                   /*reverse=*/false);
  ctx.reply.Bulk("groups");
  ReplyFullGroups(ctx, *s, count);
}

// XINFO GROUPS key
void XInfoGroupsCommand(CommandContext& ctx) {
  const Stream* s = StreamOrReply(ctx);
  if (s == nullptr) return;
  ctx.reply.ArrayHeader(s->groups().size());
  for (const auto& [name, group] : s->groups()) {
    ctx.reply.MapHeader(6);
    ctx.reply.Bulk("name");
    ctx.reply.Bulk(name);
    ctx.reply.Bulk("consumers");
    ctx.reply.Integer(static_cast<int64_t>(group->consumers.size()));
    ctx.reply.Bulk("pending");
    ctx.reply.Integer(static_cast<int64_t>(group->pel.size()));
    ctx.reply.Bulk("last-delivered-id");
    ReplyStreamId(ctx.reply, group->last_id);
    ctx.reply.Bulk("entries-read");
    ReplyEntriesRead(ctx, *group);
    ctx.reply.Bulk("lag");
    ReplyLag(ctx, *s, *group);
  }
}

// XINFO CONSUMERS key group
void XInfoConsumersCommand(CommandContext& ctx) {
  const Stream* s = StreamOrReply(ctx);
  if (s == nullptr) return;
  const StreamGroup* group = s->FindGroup(ctx.argv[3]);
  if (group == nullptr) {
    ReplyNoSuchGroup(ctx, ctx.argv[2], ctx.argv[3]);
    return;
  }
  ctx.reply.ArrayHeader(group->consumers.size());
  for (const auto& [name, consumer] : group->consumers) {
    ctx.reply.MapHeader(3);
    ctx.reply.Bulk("name");
    ctx.reply.Bulk(name);
    ctx.reply.Bulk("pending");
    ctx.reply.Integer(static_cast<int64_t>(consumer->pel.size()));
    ctx.reply.Bulk("idle");
    ctx.reply.Integer(std::max<int64_t>(0, ctx.now_ms - consumer->seen_time));
  }
}

void XInfoHelpCommand(CommandContext& ctx) {
  static constexpr std::string_view kHelp[] = {
      "CONSUMERS <key> <groupname>",
      "    Show consumers of <groupname>.",
      "GROUPS <key>",
      "    Show the stream consumer groups.",
      "STREAM <key> [FULL [COUNT <count>]",
      "    Show information about the stream.",
  };
  ctx.ReplyHelp(kHelp);
}

constexpr CommandSpec kXInfoSubcommands[] = {
    {.name = "stream", .handler = &XInfoStreamCommand},
    {.name = "groups", .handler = &XInfoGroupsCommand},
    {.name = "consumers", .handler = &XInfoConsumersCommand},
    {.name = "help", .handler = &XInfoHelpCommand},
};

constexpr CommandSpec kStreamInfoCommands[] = {
    {.name = "xinfo", .handler = nullptr, .subcommands = kXInfoSubcommands},
};

}  // namespace

std::span<const CommandSpec> StreamInfoCommands() { return kStreamInfoCommands; }

}  // namespace respd::server

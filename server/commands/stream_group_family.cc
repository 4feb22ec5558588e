// Consumer groups: XGROUP (CREATE SETID DESTROY CREATECONSUMER DELCONSUMER
// HELP) and XACK, as Redis 7.0's t_stream.c parses and answers them (XACK
// notifies no event). The pending entries' commands (XPENDING, XCLAIM,
// XAUTOCLAIM) are in stream_pending_family.cc; reading through a group is
// XREADGROUP (stream_read_family.cc).
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
using store::StreamGroup;
using store::StreamId;

// ---------------------------------------------------------------------------
// XGROUP

// What every XGROUP subcommand but HELP starts with: the options after
// argv[4], the key (which must exist unless MKSTREAM), the group (which
// SETID, CREATECONSUMER and DELCONSUMER need).
struct GroupTarget {
  KeyEntry* entry = nullptr;  // Null: no key (CREATE … MKSTREAM).
  StreamGroup* group = nullptr;
  bool mkstream = false;
  int64_t entries_read = store::kInvalidEntriesRead;
};

bool ResolveGroupTarget(CommandContext& ctx, GroupTarget* t) {
  const std::string_view sub = ctx.argv[1];
  const bool create = base::EqualsIgnoreCase(sub, "create");
  const bool setid = base::EqualsIgnoreCase(sub, "setid");
  for (size_t i = 5; i < ctx.argv.size();) {
    if (create && base::EqualsIgnoreCase(ctx.argv[i], "mkstream")) {
      t->mkstream = true;
      ++i;
    } else if ((create || setid) && base::EqualsIgnoreCase(ctx.argv[i], "entriesread") &&
               i + 1 < ctx.argv.size()) {
      if (!base::ParseInt64(ctx.argv[i + 1], &t->entries_read)) {
        ctx.Error(kErrNotInteger);
        return false;
      }
      if (t->entries_read < 0 && t->entries_read != store::kInvalidEntriesRead) {
        ctx.Error("ERR value for ENTRIESREAD must be positive or -1");
        return false;
      }
      i += 2;
    } else {
      ctx.SubcommandSyntaxError();
      return false;
    }
  }
  auto found = store::FindStreamForWrite(ctx.db, ctx.argv[2]);
  if (!found && found.status() != store::OpStatus::kKeyNotFound) {
    ctx.Error(OpStatusError(found.status()));
    return false;
  }
  if (found) t->entry = *found;
  if (t->mkstream) return true;
  if (t->entry == nullptr) {
    ctx.Error(
        "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want "
        "to use the MKSTREAM option to create an empty stream automatically.");
    return false;
  }
  t->group = store::StreamOf(*t->entry).FindGroup(ctx.argv[3]);
  if (t->group == nullptr && !create && !base::EqualsIgnoreCase(sub, "destroy")) {
    ReplyNoSuchGroup(ctx, ctx.argv[2], ctx.argv[3]);
    return false;
  }
  return true;
}

// XGROUP CREATE key group id|$ [MKSTREAM] [ENTRIESREAD n]
void XGroupCreateCommand(CommandContext& ctx) {
  GroupTarget t;
  if (!ResolveGroupTarget(ctx, &t)) return;
  if (ctx.argv.size() > 8) return ctx.SubcommandSyntaxError();
  StreamId id;
  if (ctx.argv[4] == "$") {
    if (t.entry != nullptr) id = store::StreamOf(*t.entry).last_id();
  } else if (!ParseStreamId(ctx, ctx.argv[4], 0, /*strict=*/true, &id)) {
    return;
  }
  if (t.entry == nullptr) t.entry = store::CreateStream(ctx.db, ctx.argv[2]);
  Stream& s = store::MutableStreamOf(*t.entry);
  if (s.CreateGroup(ctx.argv[3], id, t.entries_read) == nullptr) {
    ctx.Error("BUSYGROUP Consumer Group name already exists");
    return;
  }
  ctx.reply.Ok();
  ctx.db.Emit(KeyEvent::kXGroupCreate, ctx.argv[2]);
}

// XGROUP SETID key group id|$ [ENTRIESREAD n]
void XGroupSetIdCommand(CommandContext& ctx) {
  GroupTarget t;
  if (!ResolveGroupTarget(ctx, &t)) return;
  if (ctx.argv.size() != 5 && ctx.argv.size() != 7) return ctx.SubcommandSyntaxError();
  StreamId id;
  if (ctx.argv[4] == "$") {
    id = store::StreamOf(*t.entry).last_id();
  } else if (!ParseStreamId(ctx, ctx.argv[4], 0, /*strict=*/false, &id)) {
    return;
  }
  t.group->last_id = id;
  t.group->entries_read = t.entries_read;
  ctx.reply.Ok();
  ctx.db.Emit(KeyEvent::kXGroupSetId, ctx.argv[2]);
}

// XGROUP DESTROY key group
void XGroupDestroyCommand(CommandContext& ctx) {
  GroupTarget t;
  if (!ResolveGroupTarget(ctx, &t)) return;
  if (t.group == nullptr) {
    ctx.reply.Integer(0);
    return;
  }
  store::MutableStreamOf(*t.entry).DestroyGroup(ctx.argv[3]);
  ctx.reply.Integer(1);
  // Also wakes the group's blocked readers, to fail.
  ctx.db.Emit(KeyEvent::kXGroupDestroy, ctx.argv[2]);
}

// XGROUP CREATECONSUMER key group consumer
void XGroupCreateConsumerCommand(CommandContext& ctx) {
  GroupTarget t;
  if (!ResolveGroupTarget(ctx, &t)) return;
  const bool created = t.group->CreateConsumer(ctx.argv[4], ctx.now_ms) != nullptr;
  ctx.reply.Integer(created ? 1 : 0);
  if (created) ctx.db.Emit(KeyEvent::kXGroupCreateConsumer, ctx.argv[2]);
}

// XGROUP DELCONSUMER key group consumer: its pending count.
void XGroupDelConsumerCommand(CommandContext& ctx) {
  GroupTarget t;
  if (!ResolveGroupTarget(ctx, &t)) return;
  if (t.group->FindConsumer(ctx.argv[4]) == nullptr) {
    ctx.reply.Integer(0);
    return;
  }
  ctx.reply.Integer(static_cast<int64_t>(t.group->DeleteConsumer(ctx.argv[4])));
  ctx.db.Emit(KeyEvent::kXGroupDelConsumer, ctx.argv[2]);
}

void XGroupHelpCommand(CommandContext& ctx) {
  static constexpr std::string_view kHelp[] = {
      "CREATE <key> <groupname> <id|$> [option]",
      "    Create a new consumer group. Options are:",
      "    * MKSTREAM",
      "      Create the empty stream if it does not exist.",
      "    * ENTRIESREAD entries_read",
      "      Set the group's entries_read counter (internal use).",
      "CREATECONSUMER <key> <groupname> <consumer>",
      "    Create a new consumer in the specified group.",
      "DELCONSUMER <key> <groupname> <consumer>",
      "    Remove the specified consumer.",
      "DESTROY <key> <groupname>",
      "    Remove the specified group.",
      "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
      "    Set the current group ID and entries_read counter.",
  };
  ctx.ReplyHelp(kHelp);
}

// ---------------------------------------------------------------------------
// XACK key group id …

void XAckCommand(CommandContext& ctx) {
  auto found = store::FindStream(ctx.db, ctx.argv[1]);
  if (!found && found.status() != store::OpStatus::kKeyNotFound) {
    ctx.Error(OpStatusError(found.status()));
    return;
  }
  StreamGroup* group = found ? store::StreamOf(**found).FindGroup(ctx.argv[2]) : nullptr;
  // No key or group: nothing to acknowledge, whatever the IDs.
  if (group == nullptr) {
    ctx.reply.Integer(0);
    return;
  }
  // All IDs are parsed first: an error acknowledges nothing.
  std::vector<StreamId> ids(ctx.argv.size() - 3);
  for (size_t j = 3; j < ctx.argv.size(); ++j) {
    if (!ParseStreamId(ctx, ctx.argv[j], 0, /*strict=*/true, &ids[j - 3])) return;
  }
  int64_t acknowledged = 0;
  for (StreamId id : ids) acknowledged += group->Acknowledge(id);
  ctx.reply.Integer(acknowledged);
}

constexpr CommandSpec kXGroupSubcommands[] = {
    {.name = "create", .handler = &XGroupCreateCommand},
    {.name = "setid", .handler = &XGroupSetIdCommand},
    {.name = "destroy", .handler = &XGroupDestroyCommand},
    {.name = "createconsumer", .handler = &XGroupCreateConsumerCommand},
    {.name = "delconsumer", .handler = &XGroupDelConsumerCommand},
    {.name = "help", .handler = &XGroupHelpCommand},
};

constexpr CommandSpec kStreamGroupCommands[] = {
    {.name = "xgroup", .handler = nullptr, .subcommands = kXGroupSubcommands},
    {.name = "xack", .handler = &XAckCommand},
};

}  // namespace

std::span<const CommandSpec> StreamGroupCommands() { return kStreamGroupCommands; }

}  // namespace respd::server

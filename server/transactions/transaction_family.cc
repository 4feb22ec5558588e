// Transactions: MULTI EXEC DISCARD WATCH UNWATCH.
#include "server/commands/families.h"
#include "server/core/server.h"
#include "server/dispatch/command_context.h"
#include "server/net/client.h"

namespace respd::server {
namespace {

// MULTI
void MultiCommand(CommandContext& ctx) {
  if (ctx.client.in_multi) {
    ctx.Error("ERR MULTI calls can not be nested");
    return;
  }
  ctx.client.in_multi = true;
  ctx.reply.Ok();
}

// EXEC
void ExecCommand(CommandContext& ctx) {
  Client& c = ctx.client;
  if (!c.in_multi) {
    ctx.Error("ERR EXEC without MULTI");
    return;
  }
  if (ctx.server.WatchedKeyExpired(c)) c.watch_dirty = true;
  if (c.multi_error || c.watch_dirty) {
    if (c.multi_error) {
      ctx.Error("EXECABORT Transaction discarded because of previous errors.");
    } else {
      ctx.reply.NullArray();
    }
    ctx.server.DiscardTransaction(c);
    return;
  }
  // Unwatch before running: the transaction's own writes must not mark it.
  ctx.server.UnwatchAllKeys(c);
  std::vector<Client::QueuedCommand> queue = std::move(c.multi_queue);
  c.multi_queue.clear();
  c.in_multi = false;
  ctx.reply.ArrayHeader(queue.size());
  std::vector<std::string_view> argv;
  for (const Client::QueuedCommand& q : queue) {
    argv.assign(q.argv.begin(), q.argv.end());
    ctx.server.Call(c, *q.command, argv);
  }
  ctx.server.DiscardTransaction(c);
}

// DISCARD
void DiscardCommand(CommandContext& ctx) {
  if (!ctx.client.in_multi) {
    ctx.Error("ERR DISCARD without MULTI");
    return;
  }
  ctx.server.DiscardTransaction(ctx.client);
  ctx.reply.Ok();
}

// WATCH key [key ...]
void WatchCommand(CommandContext& ctx) {
  if (ctx.client.in_multi) {
    ctx.Error("ERR WATCH inside MULTI is not allowed");
    return;
  }
  // Already dirty: EXEC will fail anyway, watching more changes nothing.
  if (!ctx.client.watch_dirty) {
    for (size_t j = 1; j < ctx.argv.size(); ++j) ctx.server.WatchKey(ctx.client, ctx.argv[j]);
  }
  ctx.reply.Ok();
}

// UNWATCH
void UnwatchCommand(CommandContext& ctx) {
  ctx.server.UnwatchAllKeys(ctx.client);
  ctx.client.watch_dirty = false;
  ctx.reply.Ok();
}

constexpr uint32_t kControl = kCmdNoScript | kCmdLoading | kCmdStale | kCmdFast | kCmdAllowBusy;

constexpr CommandSpec kTransactionCommands[] = {
    {.name = "multi",
     .arity = 1,
     .flags = kControl | kCmdTransactionControl,
     .acl_categories = kAclFast | kAclTransaction,
     .handler = &MultiCommand},
    {.name = "exec",
     .arity = 1,
     .flags = kCmdNoScript | kCmdLoading | kCmdStale | kCmdSkipSlowlog | kCmdTransactionControl,
     .acl_categories = kAclSlow | kAclTransaction,
     .handler = &ExecCommand},
    {.name = "discard",
     .arity = 1,
     .flags = kControl | kCmdTransactionControl,
     .acl_categories = kAclFast | kAclTransaction,
     .handler = &DiscardCommand},
    {.name = "watch",
     .arity = -2,
     .flags = kControl | kCmdTransactionControl,
     .first_key = 1,
     .last_key = -1,
     .key_step = 1,
     .acl_categories = kAclFast | kAclTransaction,
     .handler = &WatchCommand},
    {.name = "unwatch",
     .arity = 1,
     .flags = kControl,
     .acl_categories = kAclFast | kAclTransaction,
     .handler = &UnwatchCommand},
};

}  // namespace

void RegisterTransactionFamily(CommandTable& table) { table.Add(kTransactionCommands); }

}  // namespace respd::server

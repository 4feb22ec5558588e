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
  if (ctx.server.watches().AnyWatchedKeyExpired(c)) c.watch_dirty = true;
  if (c.multi_error || c.watch_dirty) {
    if (c.multi_error) {
      ctx.Error("EXECABORT Transaction discarded because of previous errors.");
    } else {
      ctx.reply.NullArray();
    }
    DiscardTransaction(ctx.server.watches(), c);
    return;
  }
  // Unwatch before running: the transaction's own writes must not mark it.
  ctx.server.watches().UnwatchAll(c);
  std::vector<Client::QueuedCommand> queue = std::move(c.multi_queue);
  c.multi_queue.clear();
  c.in_multi = false;
  ctx.reply.ArrayHeader(queue.size());
  std::vector<std::string_view> argv;
  // Blocking commands answer at once inside a transaction, as if timed out.
  const bool could_block = !c.deny_blocking;
  c.deny_blocking = true;
  for (const Client::QueuedCommand& q : queue) {
    argv.assign(q.argv.begin(), q.argv.end());
    ctx.server.dispatcher().Call(c, *q.command, argv);
  }
  if (could_block) c.deny_blocking = false;
  DiscardTransaction(ctx.server.watches(), c);
}

// DISCARD
void DiscardCommand(CommandContext& ctx) {
  if (!ctx.client.in_multi) {
    ctx.Error("ERR DISCARD without MULTI");
    return;
  }
  DiscardTransaction(ctx.server.watches(), ctx.client);
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
    for (size_t j = 1; j < ctx.argv.size(); ++j)
      ctx.server.watches().Watch(ctx.client, ctx.argv[j]);
  }
  ctx.reply.Ok();
}

// UNWATCH
void UnwatchCommand(CommandContext& ctx) {
  ctx.server.watches().UnwatchAll(ctx.client);
  ctx.client.watch_dirty = false;
  ctx.reply.Ok();
}

constexpr CommandSpec kTransactionCommands[] = {
    {.name = "multi", .handler = &MultiCommand, .hidden_flags = kCmdTransactionControl},
    {.name = "exec", .handler = &ExecCommand, .hidden_flags = kCmdTransactionControl},
    {.name = "discard", .handler = &DiscardCommand, .hidden_flags = kCmdTransactionControl},
    {.name = "watch", .handler = &WatchCommand, .hidden_flags = kCmdTransactionControl},
    {.name = "unwatch", .handler = &UnwatchCommand},
};

}  // namespace

std::span<const CommandSpec> TransactionCommands() { return kTransactionCommands; }

}  // namespace respd::server

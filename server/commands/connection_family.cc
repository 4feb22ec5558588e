// Connection: PING ECHO QUIT SELECT AUTH.
#include "protocol/numbers.h"
#include "server/client.h"
#include "server/command_context.h"
#include "server/commands/families.h"
#include "server/errors.h"
#include "server/server.h"

namespace respd::server {
namespace {

// Compares secrets in time that depends only on their lengths, so a client
// cannot find a password byte by byte by timing AUTH.
bool SecretsEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

// PING [message]
void PingCommand(CommandContext& ctx) {
  if (ctx.argv.size() > 2) {
    ctx.WrongArity();
    return;
  }
  if (ctx.argv.size() == 1) {
    ctx.reply.SimpleString("PONG");
  } else {
    ctx.reply.Bulk(ctx.argv[1]);
  }
}

// ECHO message
void EchoCommand(CommandContext& ctx) { ctx.reply.Bulk(ctx.argv[1]); }

// QUIT  (any arguments are ignored, as Redis 7.0 ignores them)
void QuitCommand(CommandContext& ctx) {
  ctx.reply.Ok();
  ctx.client.close_after_reply = true;
}

// SELECT index
void SelectCommand(CommandContext& ctx) {
  int64_t index;
  if (!protocol::ParseInt64(ctx.argv[1], &index) || index < INT32_MIN || index > INT32_MAX) {
    ctx.Error(kErrNotInteger);
    return;
  }
  if (index < 0 || index >= ctx.server.num_databases()) {
    ctx.Error(kErrDbIndex);
    return;
  }
  ctx.client.db_index = static_cast<int>(index);
  ctx.reply.Ok();
}

// AUTH [username] password
void AuthCommand(CommandContext& ctx) {
  if (ctx.argv.size() > 3) {
    ctx.Error(kErrSyntax);
    return;
  }
  const std::string& required = ctx.server.config().requirepass;
  std::string_view user = "default";
  std::string_view password = ctx.argv[1];
  if (ctx.argv.size() == 3) {
    user = ctx.argv[1];
    password = ctx.argv[2];
  } else if (required.empty()) {
    ctx.Error(kErrAuthNoPassword);
    return;
  }
  // respd has one user, "default", whose password is requirepass; without
  // one, it takes any password (Redis's "nopass").
  if (user != "default" || (!required.empty() && !SecretsEqual(password, required))) {
    ctx.Error(kErrWrongPass);
    return;
  }
  ctx.client.authenticated = true;
  ctx.client.parser.set_authenticated(true);
  ctx.reply.Ok();
}

constexpr CommandSpec kConnectionCommands[] = {
    {.name = "ping",
     .arity = -1,
     .flags = kCmdFast,
     .acl_categories = kAclFast | kAclConnection,
     .handler = &PingCommand},
    {.name = "echo",
     .arity = 2,
     .flags = kCmdLoading | kCmdStale | kCmdFast,
     .acl_categories = kAclFast | kAclConnection,
     .handler = &EchoCommand},
    {.name = "quit",
     .arity = -1,
     .flags = kCmdNoScript | kCmdLoading | kCmdStale | kCmdFast | kCmdNoAuth | kCmdAllowBusy,
     .acl_categories = kAclFast | kAclConnection,
     .handler = &QuitCommand},
    {.name = "select",
     .arity = 2,
     .flags = kCmdLoading | kCmdStale | kCmdFast,
     .acl_categories = kAclFast | kAclConnection,
     .handler = &SelectCommand},
    {.name = "auth",
     .arity = -2,
     .flags = kCmdNoScript | kCmdLoading | kCmdStale | kCmdFast | kCmdNoAuth | kCmdAllowBusy,
     .acl_categories = kAclFast | kAclConnection,
     .handler = &AuthCommand},
};

}  // namespace

void RegisterConnectionFamily(CommandTable& table) { table.Add(kConnectionCommands); }

}  // namespace respd::server

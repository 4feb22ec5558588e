// Connection: PING ECHO QUIT SELECT AUTH HELLO.
#include "base/ascii.h"
#include "base/numbers.h"
#include "server/commands/families.h"
#include "server/core/server.h"
#include "server/dispatch/command_context.h"
#include "server/dispatch/errors.h"
#include "server/net/client.h"
#include "server/sys/version.h"

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
  // Subscribed in RESP2: a frame-shaped ["pong", message] (Redis's
  // pingCommand), since the client reads arrays only.
  if (ctx.client.pubsub_mode() && !ctx.reply.resp3()) {
    ctx.reply.ArrayHeader(2);
    ctx.reply.Bulk("pong");
    ctx.reply.Bulk(ctx.argv.size() == 1 ? std::string_view("") : ctx.argv[1]);
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
  if (!base::ParseInt64(ctx.argv[1], &index) || index < INT32_MIN || index > INT32_MAX) {
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

// Checks user and password as AUTH does: respd has one user, "default",
// whose password is requirepass; without one, it takes any password (Redis's
// "nopass"). On success the client is authenticated.
bool Authenticate(CommandContext& ctx, std::string_view user, std::string_view password) {
  const std::string& required = ctx.server.config().requirepass;
  if (user != "default" || (!required.empty() && !SecretsEqual(password, required))) {
    return false;
  }
  ctx.client.authenticated = true;
  ctx.client.parser.set_authenticated(true);
  return true;
}

// AUTH [username] password
void AuthCommand(CommandContext& ctx) {
  if (ctx.argv.size() > 3) {
    ctx.Error(kErrSyntax);
    return;
  }
  std::string_view user = "default";
  std::string_view password = ctx.argv[1];
  if (ctx.argv.size() == 3) {
    user = ctx.argv[1];
    password = ctx.argv[2];
  } else if (ctx.server.config().requirepass.empty()) {
    ctx.Error(kErrAuthNoPassword);
    return;
  }
  if (!Authenticate(ctx, user, password)) {
    ctx.Error(kErrWrongPass);
    return;
  }
  ctx.reply.Ok();
}

// Redis's client-name rule: printable ASCII without spaces.
bool ValidClientName(std::string_view name) {
  for (char c : name) {
    if (c < '!' || c > '~') return false;
  }
  return true;
}

// HELLO [protover [AUTH username password] [SETNAME clientname]]
void HelloCommand(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  int64_t version = 0;
  size_t next = 1;
  if (argv.size() >= 2) {
    if (!base::ParseInt64(argv[next++], &version)) {
      ctx.Error("ERR Protocol version is not an integer or out of range");
      return;
    }
    if (version < 2 || version > 3) {
      ctx.Error("NOPROTO unsupported protocol version");
      return;
    }
  }
  std::string_view user, password, name;
  bool has_auth = false, has_name = false;
  for (size_t j = next; j < argv.size(); ++j) {
    const size_t more = argv.size() - 1 - j;
    if (base::EqualsIgnoreCase(argv[j], "auth") && more >= 2) {
      has_auth = true;
      user = argv[j + 1];
      password = argv[j + 2];
      j += 2;
    } else if (base::EqualsIgnoreCase(argv[j], "setname") && more >= 1) {
      has_name = true;
      name = argv[j + 1];
      if (!ValidClientName(name)) {
        ctx.Error("ERR Client names cannot contain spaces, newlines or special characters.");
        return;
      }
      ++j;
    } else {
      ctx.Error("ERR Syntax error in HELLO option '" + std::string(argv[j]) + "'");
      return;
    }
  }
  if (has_auth && !Authenticate(ctx, user, password)) {
    ctx.Error(kErrWrongPass);
    return;
  }
  if (!ctx.client.authenticated) {
    ctx.Error(
        "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO "
        "AUTH <user> <pass> option can be used to authenticate the client and select the RESP "
        "protocol version at the same time");
    return;
  }
  if (has_name) ctx.client.name = std::string(name);
  if (version != 0) ctx.reply.set_resp3(version == 3);
  // Clients read these to learn what they talk to: respd answers as the
  // Redis version it matches.
  ctx.reply.MapHeader(7);
  ctx.reply.Bulk("server");
  ctx.reply.Bulk("redis");
  ctx.reply.Bulk("version");
  ctx.reply.Bulk(kRedisCompatVersion);
  ctx.reply.Bulk("proto");
  ctx.reply.Integer(ctx.reply.resp3() ? 3 : 2);
  ctx.reply.Bulk("id");
  ctx.reply.Integer(static_cast<int64_t>(ctx.client.id));
  ctx.reply.Bulk("mode");
  ctx.reply.Bulk("standalone");
  ctx.reply.Bulk("role");
  ctx.reply.Bulk("master");
  ctx.reply.Bulk("modules");
  ctx.reply.ArrayHeader(0);
}

constexpr CommandSpec kConnectionCommands[] = {
    {.name = "ping", .handler = &PingCommand},
    {.name = "echo", .handler = &EchoCommand},
    {.name = "quit", .handler = &QuitCommand, .hidden_flags = kCmdTransactionControl},
    {.name = "select", .handler = &SelectCommand},
    {.name = "auth", .handler = &AuthCommand},
    {.name = "hello", .handler = &HelloCommand},
};

}  // namespace

std::span<const CommandSpec> ConnectionCommands() { return kConnectionCommands; }

}  // namespace respd::server

// Client: CLIENT (ID SETNAME GETNAME SETINFO INFO LIST KILL REPLY NO-EVICT
// NO-TOUCH UNBLOCK PAUSE UNPAUSE HELP), RESET, READONLY, READWRITE, MONITOR.
#include <cinttypes>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "ae/event_loop.h"
#include "base/ascii.h"
#include "base/numbers.h"
#include "server/commands/families.h"
#include "server/core/server.h"
#include "server/dispatch/command_context.h"
#include "server/dispatch/errors.h"
#include "server/net/client.h"
#include "server/pubsub/tracking_commands.h"

namespace respd::server {
namespace {

constexpr std::string_view kErrBadName =
    "ERR Client names cannot contain spaces, newlines or special characters.";

// Redis's rule for names and library info: printable ASCII, no spaces.
bool ValidName(std::string_view name) {
  for (char c : name) {
    if (c < '!' || c > '~') return false;
  }
  return true;
}

// The CLIENT LIST/INFO line of `c` (Redis 7.0's fields, plus 7.2's lib-name
// and lib-ver), without the trailing newline.
std::string ClientInfoLine(Server& server, const Client& c) {
  const int64_t now = ae::EventLoop::MonotonicMs();
  std::string flags;
  if (c.monitor) flags += 'O';
  if (c.pubsub_mode()) flags += 'P';
  if (c.in_multi) flags += 'x';
  if (c.blocked) flags += 'b';
  if (c.tracking != nullptr) {
    flags += 't';
    if (c.tracking->broken_redirect) flags += 'R';
    if (c.tracking->bcast) flags += 'B';
  }
  if (c.watch_dirty) flags += 'd';
  if (c.close_after_reply) flags += 'c';
  if (c.close_asap) flags += 'A';
  if (c.no_evict) flags += 'e';
  if (c.no_touch) flags += 'T';
  if (flags.empty()) flags = "N";
  std::string events;
  if (!c.close_asap) events += 'r';
  if (c.write_handler_installed) events += 'w';
  const size_t qbuf = c.query.size();
  const size_t qbuf_free = c.query.capacity() - qbuf;
  const size_t argv_mem = c.parser.MemoryUsage();
  size_t multi_mem = 0;
  for (const Client::QueuedCommand& q : c.multi_queue) {
    for (const std::string& a : q.argv) multi_mem += a.size();
  }
  const size_t reply_mem = c.output.MemoryUsage();
  const Subscriptions* subs = c.subscriptions.get();
  const size_t tot_mem = c.query.capacity() + argv_mem + multi_mem + reply_mem + sizeof(Client);
  (void)server;
  char buf[1024];
  std::snprintf(
      buf, sizeof(buf),
      "id=%" PRIu64
      " addr=%s laddr=%s fd=%d name=%s age=%lld idle=%lld flags=%s db=%d sub=%zu psub=%zu ssub=%zu "
      "multi=%d qbuf=%zu qbuf-free=%zu argv-mem=%zu multi-mem=%zu rbs=%zu rbp=%zu obl=%zu "
      "oll=0 omem=%zu tot-mem=%zu events=%s cmd=%s user=default redir=%lld resp=%d",
      c.id, c.addr.c_str(), c.laddr.c_str(), c.fd, c.name.c_str(),
      static_cast<long long>((now - c.created_ms) / 1000),
      static_cast<long long>((now - c.last_interaction_ms) / 1000), flags.c_str(), c.db_index,
      subs != nullptr ? subs->channels.size() : 0, subs != nullptr ? subs->patterns.size() : 0,
      subs != nullptr ? subs->shard_channels.size() : 0,
      c.in_multi ? static_cast<int>(c.multi_queue.size()) : -1, qbuf, qbuf_free, argv_mem,
      multi_mem, reply_mem, reply_mem, c.output.size(), c.output.size(), tot_mem, events.c_str(),
      c.last_command != nullptr ? c.last_command->fullname.c_str() : "NULL",
      c.tracking != nullptr ? static_cast<long long>(c.tracking->redirect) : -1LL,
      c.reply.resp3() ? 3 : 2);
  std::string line = buf;
  line += " lib-name=" + c.lib_name + " lib-ver=" + c.lib_ver;
  return line;
}

// CLIENT ID
void ClientIdCommand(CommandContext& ctx) {
  ctx.reply.Integer(static_cast<int64_t>(ctx.client.id));
}

// CLIENT SETNAME connection-name
void ClientSetnameCommand(CommandContext& ctx) {
  if (!ValidName(ctx.argv[2])) {
    ctx.Error(kErrBadName);
    return;
  }
  ctx.client.name = std::string(ctx.argv[2]);
  ctx.reply.Ok();
}

// CLIENT GETNAME
void ClientGetnameCommand(CommandContext& ctx) {
  if (ctx.client.name.empty()) {
    ctx.reply.Null();
  } else {
    ctx.reply.Bulk(ctx.client.name);
  }
}

// CLIENT SETINFO <LIB-NAME libname | LIB-VER libver>  (Redis 7.2; clients
// send it during their handshake)
void ClientSetinfoCommand(CommandContext& ctx) {
  const std::string_view attr = ctx.argv[2];
  const std::string_view value = ctx.argv[3];
  std::string* field = nullptr;
  if (base::EqualsIgnoreCase(attr, "lib-name")) {
    field = &ctx.client.lib_name;
  } else if (base::EqualsIgnoreCase(attr, "lib-ver")) {
    field = &ctx.client.lib_ver;
  } else {
    ctx.Error("ERR Unrecognized option '" + std::string(attr) + "'");
    return;
  }
  if (!ValidName(value)) {
    ctx.Error("ERR " + base::AsciiLowerCopy(attr) +
              " cannot contain spaces, newlines or special characters.");
    return;
  }
  *field = std::string(value);
  ctx.reply.Ok();
}

// The classes of CLIENT LIST/KILL TYPE (Redis's getClientType): respd has
// no master or replicas, so those match nobody; a subscriber is pubsub and
// a MONITOR client is normal.
enum class ClientClass : uint8_t { kNormal, kPubSub, kNobody };

std::optional<ClientClass> ParseClientClass(std::string_view type) {
  if (base::EqualsIgnoreCase(type, "normal")) return ClientClass::kNormal;
  if (base::EqualsIgnoreCase(type, "pubsub")) return ClientClass::kPubSub;
  if (base::EqualsIgnoreCase(type, "master") || base::EqualsIgnoreCase(type, "replica") ||
      base::EqualsIgnoreCase(type, "slave")) {
    return ClientClass::kNobody;
  }
  return std::nullopt;
}

bool InClass(const Client& c, ClientClass k) {
  return k != ClientClass::kNobody && c.pubsub_mode() == (k == ClientClass::kPubSub);
}

// CLIENT INFO
void ClientInfoCommand(CommandContext& ctx) {
  ctx.reply.Verbatim(ClientInfoLine(ctx.server, ctx.client) + "\n");
}

// CLIENT LIST [TYPE NORMAL|MASTER|REPLICA|PUBSUB] [ID client-id ...]
void ClientListCommand(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  std::vector<uint64_t> ids;
  std::optional<ClientClass> type;
  if (argv.size() == 4 && base::EqualsIgnoreCase(argv[2], "type")) {
    type = ParseClientClass(argv[3]);
    if (!type) {
      ctx.Error("ERR Unknown client type '" + std::string(argv[3]) + "'");
      return;
    }
  } else if (argv.size() > 3 && base::EqualsIgnoreCase(argv[2], "id")) {
    for (size_t j = 3; j < argv.size(); ++j) {
      int64_t id;
      if (!base::ParseInt64(argv[j], &id) || id <= 0) {
        ctx.Error("ERR Invalid client ID");
        return;
      }
      ids.push_back(static_cast<uint64_t>(id));
    }
  } else if (argv.size() != 2) {
    ctx.Error(kErrSyntax);
    return;
  }
  std::string out;
  // Oldest first, as Redis lists them.
  std::vector<const Client*> all;
  ctx.server.connections().ForEachClient([&all](const Client& c) { all.push_back(&c); });
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    if (!ids.empty() && std::find(ids.begin(), ids.end(), (*it)->id) == ids.end()) continue;
    if (type && !InClass(**it, *type)) continue;
    out += ClientInfoLine(ctx.server, **it);
    out += '\n';
  }
  ctx.reply.Verbatim(out);
}

// CLIENT KILL ip:port
// CLIENT KILL [ID id] [TYPE type] [USER username] [ADDR ip:port]
//             [LADDR ip:port] [SKIPME yes|no] ...
void ClientKillCommand(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  std::string_view addr, laddr;
  bool filter_addr = false, filter_laddr = false, skipme = true;
  std::optional<ClientClass> type;
  uint64_t id = 0;
  if (argv.size() == 3) {
    addr = argv[2];
    filter_addr = true;
    skipme = false;  // The old form may kill the caller.
  } else {
    for (size_t i = 2; i < argv.size(); i += 2) {
      const bool more = i + 1 < argv.size();
      const std::string_view opt = argv[i];
      if (base::EqualsIgnoreCase(opt, "id") && more) {
        int64_t v;
        if (!base::ParseInt64(argv[i + 1], &v) || v < 1) {
          ctx.Error("ERR client-id should be greater than 0");
          return;
        }
        id = static_cast<uint64_t>(v);
      } else if (base::EqualsIgnoreCase(opt, "type") && more) {
        type = ParseClientClass(argv[i + 1]);
        if (!type) {
          ctx.Error("ERR Unknown client type '" + std::string(argv[i + 1]) + "'");
          return;
        }
      } else if (base::EqualsIgnoreCase(opt, "addr") && more) {
        addr = argv[i + 1];
        filter_addr = true;
      } else if (base::EqualsIgnoreCase(opt, "laddr") && more) {
        laddr = argv[i + 1];
        filter_laddr = true;
      } else if (base::EqualsIgnoreCase(opt, "user") && more) {
        if (argv[i + 1] != "default") {
          ctx.Error("ERR No such user '" + std::string(argv[i + 1]) + "'");
          return;
        }
      } else if (base::EqualsIgnoreCase(opt, "skipme") && more) {
        if (base::EqualsIgnoreCase(argv[i + 1], "yes")) {
          skipme = true;
        } else if (base::EqualsIgnoreCase(argv[i + 1], "no")) {
          skipme = false;
        } else {
          ctx.Error(kErrSyntax);
          return;
        }
      } else {
        ctx.Error(kErrSyntax);
        return;
      }
    }
  }
  int64_t killed = 0;
  bool kill_self = false;
  std::vector<Client*> victims;
  ctx.server.connections().ForEachClient([&](Client& c) {
    if (type && !InClass(c, *type)) return;
    if (filter_addr && c.addr != addr) return;
    if (filter_laddr && c.laddr != laddr) return;
    if (id != 0 && c.id != id) return;
    if (&c == &ctx.client && skipme) return;
    ++killed;
    if (&c == &ctx.client) {
      kill_self = true;
    } else {
      victims.push_back(&c);
    }
  });
  for (Client* c : victims) ctx.server.connections().FreeClientAsync(c);
  if (argv.size() == 3) {
    if (killed == 0) {
      ctx.Error("ERR No such client");
    } else {
      ctx.reply.Ok();
    }
  } else {
    ctx.reply.Integer(killed);
  }
  // Only after the reply is queued: it still reaches the caller.
  if (kill_self) ctx.client.close_after_reply = true;
}

// CLIENT REPLY ON|OFF|SKIP
void ClientReplyCommand(CommandContext& ctx) {
  const std::string_view mode = ctx.argv[2];
  Client& c = ctx.client;
  if (base::EqualsIgnoreCase(mode, "on")) {
    c.reply_off = c.reply_skip = c.reply_skip_next = false;
    ctx.reply.Ok();
  } else if (base::EqualsIgnoreCase(mode, "off")) {
    c.reply_off = true;
  } else if (base::EqualsIgnoreCase(mode, "skip")) {
    if (!c.reply_off) c.reply_skip_next = true;
  } else {
    ctx.Error(kErrSyntax);
  }
}

// Parses ON|OFF for NO-EVICT and NO-TOUCH.
void SetOnOff(CommandContext& ctx, bool* flag) {
  if (base::EqualsIgnoreCase(ctx.argv[2], "on")) {
    *flag = true;
  } else if (base::EqualsIgnoreCase(ctx.argv[2], "off")) {
    *flag = false;
  } else {
    ctx.Error(kErrSyntax);
    return;
  }
  ctx.reply.Ok();
}

// CLIENT NO-EVICT ON|OFF
void ClientNoEvictCommand(CommandContext& ctx) { SetOnOff(ctx, &ctx.client.no_evict); }

// CLIENT NO-TOUCH ON|OFF  (Redis 7.2)
void ClientNoTouchCommand(CommandContext& ctx) { SetOnOff(ctx, &ctx.client.no_touch); }

// CLIENT UNBLOCK client-id [TIMEOUT|ERROR]: the reason is checked first.
void ClientUnblockCommand(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  BlockingRegistry::Unblock how = BlockingRegistry::Unblock::kTimeout;
  if (argv.size() == 4) {
    if (base::EqualsIgnoreCase(argv[3], "error")) {
      how = BlockingRegistry::Unblock::kError;
    } else if (!base::EqualsIgnoreCase(argv[3], "timeout")) {
      ctx.Error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
      return;
    }
  }
  int64_t id;
  if (!base::ParseInt64(argv[2], &id)) {
    ctx.Error(kErrNotInteger);
    return;
  }
  bool unblocked = false;
  ctx.server.connections().ForEachClient([&](Client& c) {
    if (!unblocked && c.id == static_cast<uint64_t>(id)) {
      unblocked = ctx.server.blocking().UnblockClient(c, how);
    }
  });
  ctx.reply.Integer(unblocked ? 1 : 0);
}

// CLIENT PAUSE timeout [WRITE|ALL]: the mode is checked first.
void ClientPauseCommand(CommandContext& ctx) {
  ClientPause::Mode mode = ClientPause::Mode::kAll;
  if (ctx.argv.size() == 4) {
    if (base::EqualsIgnoreCase(ctx.argv[3], "write")) {
      mode = ClientPause::Mode::kWrite;
    } else if (!base::EqualsIgnoreCase(ctx.argv[3], "all")) {
      ctx.Error("ERR CLIENT PAUSE mode must be WRITE or ALL");
      return;
    }
  }
  int64_t end_ms;
  if (!ParseBlockingTimeout(ctx, ctx.argv[2], TimeoutUnit::kMilliseconds, &end_ms)) return;
  ctx.server.pause().Pause(end_ms, mode);
  ctx.reply.Ok();
}

// CLIENT UNPAUSE
void ClientUnpauseCommand(CommandContext& ctx) {
  ctx.server.pause().Unpause();
  ctx.reply.Ok();
}

// CLIENT HELP
void ClientHelpCommand(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "CACHING (YES|NO)",
      "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
      "GETREDIR",
      "    Return the client ID we are redirecting to when tracking is enabled.",
      "GETNAME",
      "    Return the name of the current connection.",
      "ID",
      "    Return the ID of the current connection.",
      "INFO",
      "    Return information about the current client connection.",
      "KILL <ip:port>",
      "    Kill connection made from <ip:port>.",
      "KILL <option> <value> [<option> <value> [...]]",
      "    Kill connections. Options are:",
      "    * ADDR (<ip:port>|<unixsocket>:0)",
      "      Kill connections made from the specified address",
      "    * LADDR (<ip:port>|<unixsocket>:0)",
      "      Kill connections made to specified local address",
      "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
      "      Kill connections by type.",
      "    * USER <username>",
      "      Kill connections authenticated by <username>.",
      "    * SKIPME (YES|NO)",
      "      Skip killing current connection (default: yes).",
      "LIST [options ...]",
      "    Return information about client connections. Options:",
      "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
      "      Return clients of specified type.",
      "UNPAUSE",
      "    Stop the current client pause, resuming traffic.",
      "PAUSE <timeout> [WRITE|ALL]",
      "    Suspend all, or just write, clients for <timeout> milliseconds.",
      "REPLY (ON|OFF|SKIP)",
      "    Control the replies sent to the current connection.",
      "SETNAME <name>",
      "    Assign the name <name> to the current connection.",
      "UNBLOCK <clientid> [TIMEOUT|ERROR]",
      "    Unblock the specified blocked client.",
      "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
      "         [OPTIN] [OPTOUT] [NOLOOP]",
      "    Control server assisted client side caching.",
      "TRACKINGINFO",
      "    Report tracking status for the current connection.",
      "NO-EVICT (ON|OFF)",
      "    Protect current client connection from eviction.",
  };
  ctx.ReplyHelp(kLines);
}

// RESET
void ResetCommand(CommandContext& ctx) {
  Client& c = ctx.client;
  DiscardTransaction(ctx.server.watches(), c);
  if (c.monitor) ctx.server.dispatcher().RemoveMonitor(&c);
  ctx.server.pubsub().ForgetClient(c);
  ctx.server.tracking().Disable(c);
  c.db_index = 0;
  c.name.clear();
  c.reply_off = c.reply_skip = c.reply_skip_next = false;
  c.no_evict = c.no_touch = false;
  c.authenticated = !ctx.server.requires_auth();
  c.parser.set_authenticated(c.authenticated);
  c.reply.set_resp3(false);
  ctx.reply.SimpleString("RESET");
}

// READONLY / READWRITE: cluster commands; a standalone server refuses them
// with Redis's words.
void ClusterOnlyCommand(CommandContext& ctx) {
  ctx.Error("ERR This instance has cluster support disabled");
}

// MONITOR
void MonitorCommand(CommandContext& ctx) {
  if (ctx.client.monitor) return;  // Already monitoring: Redis ignores it.
  ctx.server.dispatcher().AddMonitor(&ctx.client);
  ctx.reply.Ok();
}

// Redis 7.2's rows for the two subcommands 7.0 lacks (current client
// libraries send them on connect; see the README).
constexpr CommandInfo kClientSetInfoInfo = {
    4, kCmdNoScript | kCmdLoading | kCmdStale, 0, 0, 0, kAclSlow | kAclConnection};
constexpr CommandInfo kClientNoTouchInfo = {
    3, kCmdNoScript | kCmdLoading | kCmdStale, 0, 0, 0, kAclSlow | kAclConnection};

constexpr CommandSpec kClientSubcommands[] = {
    {.name = "id", .handler = &ClientIdCommand},
    {.name = "setname", .handler = &ClientSetnameCommand},
    {.name = "getname", .handler = &ClientGetnameCommand},
    {.name = "setinfo", .handler = &ClientSetinfoCommand, .own_info = &kClientSetInfoInfo},
    {.name = "info", .handler = &ClientInfoCommand},
    {.name = "list", .handler = &ClientListCommand},
    {.name = "kill", .handler = &ClientKillCommand},
    {.name = "reply", .handler = &ClientReplyCommand},
    {.name = "no-evict", .handler = &ClientNoEvictCommand},
    {.name = "no-touch", .handler = &ClientNoTouchCommand, .own_info = &kClientNoTouchInfo},
    {.name = "unblock", .handler = &ClientUnblockCommand},
    {.name = "pause", .handler = &ClientPauseCommand},
    {.name = "unpause", .handler = &ClientUnpauseCommand},
    {.name = "tracking", .handler = &ClientTrackingCommand},
    {.name = "caching", .handler = &ClientCachingCommand},
    {.name = "getredir", .handler = &ClientGetredirCommand},
    {.name = "trackinginfo", .handler = &ClientTrackingInfoCommand},
    {.name = "help", .handler = &ClientHelpCommand},
};

constexpr CommandSpec kClientCommands[] = {
    {.name = "client", .handler = nullptr, .subcommands = kClientSubcommands},
    {.name = "reset", .handler = &ResetCommand, .hidden_flags = kCmdTransactionControl},
    {.name = "readonly", .handler = &ClusterOnlyCommand},
    {.name = "readwrite", .handler = &ClusterOnlyCommand},
    {.name = "monitor", .handler = &MonitorCommand},
};

}  // namespace

std::span<const CommandSpec> ClientCommands() { return kClientCommands; }

}  // namespace respd::server

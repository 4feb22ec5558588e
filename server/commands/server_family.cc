// Server: DBSIZE FLUSHDB FLUSHALL INFO SHUTDOWN COMMAND (COUNT, INFO, DOCS,
// HELP).
#include <vector>

#include "base/ascii.h"
#include "base/glob.h"
#include "server/commands/families.h"
#include "server/core/info.h"
#include "server/core/server.h"
#include "server/dispatch/command_context.h"
#include "server/dispatch/command_reply.h"
#include "server/dispatch/errors.h"
#include "server/dispatch/key_specs.h"
#include "store/keyspace.h"

namespace respd::server {
namespace {

// DBSIZE
void DbsizeCommand(CommandContext& ctx) { ctx.reply.Integer(static_cast<int64_t>(ctx.db.size())); }

// FLUSHDB/FLUSHALL's optional ASYNC|SYNC: whether to hand the contents to
// the reclaimer (without either, lazyfree-lazy-user-flush decides, as in
// Redis 7.0). Replies "syntax error" and returns false for anything else.
bool ParseFlushAsync(CommandContext& ctx, bool* async) {
  *async = ctx.server.keyspace().lazyfree_policy().user_flush;
  if (ctx.argv.size() == 1) return true;
  if (ctx.argv.size() == 2 && base::EqualsIgnoreCase(ctx.argv[1], "async")) {
    *async = true;
    return true;
  }
  if (ctx.argv.size() == 2 && base::EqualsIgnoreCase(ctx.argv[1], "sync")) {
    *async = false;
    return true;
  }
  ctx.Error(kErrSyntax);
  return false;
}

// FLUSHDB [ASYNC | SYNC]
void FlushdbCommand(CommandContext& ctx) {
  bool async;
  if (!ParseFlushAsync(ctx, &async)) return;
  ctx.server.keyspace().Flush(ctx.client.db_index, async);
  ctx.reply.Ok();
}

// FLUSHALL [ASYNC | SYNC]
void FlushallCommand(CommandContext& ctx) {
  bool async;
  if (!ParseFlushAsync(ctx, &async)) return;
  for (int i = 0; i < ctx.server.num_databases(); ++i) ctx.server.keyspace().Flush(i, async);
  ctx.reply.Ok();
}

// INFO [section ...]
void InfoCommand(CommandContext& ctx) {
  ctx.reply.Verbatim(BuildInfo(ctx.server, ctx.argv.subspan(1)));
}

// SHUTDOWN [NOSAVE | SAVE] [NOW] [FORCE] [ABORT]
void ShutdownCommand(CommandContext& ctx) {
  bool save = false, nosave = false, now = false, force = false, abort = false;
  for (size_t j = 1; j < ctx.argv.size(); ++j) {
    const std::string_view opt = ctx.argv[j];
    if (base::EqualsIgnoreCase(opt, "nosave")) {
      nosave = true;
    } else if (base::EqualsIgnoreCase(opt, "save")) {
      save = true;
    } else if (base::EqualsIgnoreCase(opt, "now")) {
      now = true;
    } else if (base::EqualsIgnoreCase(opt, "force")) {
      force = true;
    } else if (base::EqualsIgnoreCase(opt, "abort")) {
      abort = true;
    } else {
      ctx.Error(kErrSyntax);
      return;
    }
  }
  if ((abort && (save || nosave || now || force)) || (save && nosave)) {
    ctx.Error(kErrSyntax);
    return;
  }
  if (abort) {
    // respd shuts down at once, so there is never one in progress.
    ctx.Error("ERR No shutdown in progress.");
    return;
  }
  if (save) {
    ctx.server.logger().Log(LogLevel::kWarning,
                            "SHUTDOWN SAVE: respd has no persistence yet; nothing is saved.");
  }
  // No reply: like Redis, the server exits and the connection closes.
  ctx.server.RequestShutdown();
}

// Finds a command by full name ("get", "config|get"), as COMMAND INFO/DOCS
// accept it.
const Command* FindByFullName(CommandTable& table, std::string_view name) {
  const size_t bar = name.find('|');
  if (bar == std::string_view::npos) return table.Find(name);
  const Command* parent = table.Find(name.substr(0, bar));
  if (parent == nullptr) return nullptr;
  return parent->FindSubcommand(name.substr(bar + 1));
}

// COMMAND
void CommandCommand(CommandContext& ctx) {
  const auto& all = ctx.server.commands().commands();
  ctx.reply.ArrayHeader(all.size());
  for (const auto& cmd : all) ReplyCommandInfo(*cmd, ctx.reply);
}

// COMMAND COUNT
void CommandCountCommand(CommandContext& ctx) {
  ctx.reply.Integer(static_cast<int64_t>(ctx.server.commands().size()));
}

// COMMAND INFO [command-name ...]
void CommandInfoCommand(CommandContext& ctx) {
  if (ctx.argv.size() == 2) {
    CommandCommand(ctx);
    return;
  }
  ctx.reply.ArrayHeader(ctx.argv.size() - 2);
  for (size_t j = 2; j < ctx.argv.size(); ++j) {
    const Command* cmd = FindByFullName(ctx.server.commands(), ctx.argv[j]);
    if (cmd != nullptr) {
      ReplyCommandInfo(*cmd, ctx.reply);
    } else {
      ctx.reply.Null();
    }
  }
}

// COMMAND DOCS [command-name ...]
void CommandDocsCommand(CommandContext& ctx) {
  std::vector<const Command*> found;
  if (ctx.argv.size() == 2) {
    for (const auto& cmd : ctx.server.commands().commands()) found.push_back(cmd.get());
  } else {
    // Names Redis does not know are left out of the map.
    for (size_t j = 2; j < ctx.argv.size(); ++j) {
      if (const Command* cmd = FindByFullName(ctx.server.commands(), ctx.argv[j])) {
        found.push_back(cmd);
      }
    }
  }
  ctx.reply.MapHeader(found.size());
  for (const Command* cmd : found) {
    ctx.reply.Bulk(cmd->fullname);
    ReplyCommandDocs(*cmd, ctx.reply);
  }
}

// COMMAND LIST [FILTERBY MODULE module-name | ACLCAT category | PATTERN pattern]
void CommandListCommand(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  enum class Filter { kNone, kModule, kAclCat, kPattern } filter = Filter::kNone;
  std::string_view arg;
  if (argv.size() == 5 && base::EqualsIgnoreCase(argv[2], "filterby")) {
    arg = argv[4];
    if (base::EqualsIgnoreCase(argv[3], "module")) {
      filter = Filter::kModule;
    } else if (base::EqualsIgnoreCase(argv[3], "aclcat")) {
      filter = Filter::kAclCat;
    } else if (base::EqualsIgnoreCase(argv[3], "pattern")) {
      filter = Filter::kPattern;
    } else {
      ctx.Error(kErrSyntax);
      return;
    }
  } else if (argv.size() != 2) {
    ctx.Error(kErrSyntax);
    return;
  }
  uint32_t category = 0;
  if (filter == Filter::kAclCat) {
    const auto names = AclCategoryNames();
    for (size_t i = 0; i < names.size(); ++i) {
      if (base::EqualsIgnoreCase(names[i], arg)) category = 1u << i;
    }
  }
  std::vector<const Command*> matched;
  auto consider = [&](const Command& cmd) {
    switch (filter) {
      case Filter::kNone:
        break;
      case Filter::kModule:
        return;  // respd has no modules.
      case Filter::kAclCat:
        if (!(cmd.acl_categories & category)) return;
        break;
      case Filter::kPattern:
        if (!base::GlobMatch(arg, cmd.fullname, /*nocase=*/true)) return;
        break;
    }
    matched.push_back(&cmd);
  };
  for (const auto& cmd : ctx.server.commands().commands()) {
    consider(*cmd);
    for (const auto& sub : cmd->subcommands) consider(*sub);
  }
  ctx.reply.ArrayHeader(matched.size());
  for (const Command* cmd : matched) ctx.reply.Bulk(cmd->fullname);
}

// COMMAND GETKEYS command [arg ...] / COMMAND GETKEYSANDFLAGS command [arg ...]
void GetKeys(CommandContext& ctx, bool with_flags) {
  const auto args = ctx.argv.subspan(2);
  const Command* cmd = ctx.server.commands().Lookup(args);
  if (cmd == nullptr) {
    ctx.Error("ERR Invalid command specified");
    return;
  }
  if (!CommandHasKeySpecs(*cmd)) {
    ctx.Error("ERR The command has no key arguments");
    return;
  }
  if (!cmd->ArityOk(args.size())) {
    ctx.Error("ERR Invalid number of arguments specified for command");
    return;
  }
  std::vector<KeyRef> keys;
  if (!GetKeysFromSpecs(*cmd, args, &keys)) {
    if (cmd->flags & kCmdNoMandatoryKeys) {
      ctx.reply.ArrayHeader(0);
    } else {
      ctx.Error("ERR Invalid arguments specified for command");
    }
    return;
  }
  ctx.reply.ArrayHeader(keys.size());
  for (const KeyRef& key : keys) {
    if (with_flags) ctx.reply.ArrayHeader(2);
    ctx.reply.Bulk(args[key.index]);
    if (with_flags) {
      ctx.reply.SetHeader(key.flags.size());
      for (std::string_view f : key.flags) ctx.reply.SimpleString(f);
    }
  }
}

void CommandGetkeysCommand(CommandContext& ctx) { GetKeys(ctx, false); }
void CommandGetkeysandflagsCommand(CommandContext& ctx) { GetKeys(ctx, true); }

// COMMAND HELP
void CommandHelpCommand(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "(no subcommand)",
      "    Return details about all Redis commands.",
      "COUNT",
      "    Return the total number of commands in this Redis server.",
      "LIST",
      "    Return a list of all commands in this Redis server.",
      "INFO [<command-name> ...]",
      "    Return details about multiple Redis commands.",
      "    If no command names are given, documentation details for all",
      "    commands are returned.",
      "DOCS [<command-name> ...]",
      "    Return documentation details about multiple Redis commands.",
      "    If no command names are given, documentation details for all",
      "    commands are returned.",
      "GETKEYS <full-command>",
      "    Return the keys from a full Redis command.",
      "GETKEYSANDFLAGS <full-command>",
      "    Return the keys and the access flags from a full Redis command.",
  };
  ctx.ReplyHelp(kLines);
}

constexpr CommandSpec kCommandSubcommands[] = {
    {.name = "count", .handler = &CommandCountCommand},
    {.name = "docs", .handler = &CommandDocsCommand},
    {.name = "info", .handler = &CommandInfoCommand},
    {.name = "help", .handler = &CommandHelpCommand},
    {.name = "list", .handler = &CommandListCommand},
    {.name = "getkeys", .handler = &CommandGetkeysCommand},
    {.name = "getkeysandflags", .handler = &CommandGetkeysandflagsCommand},
};

constexpr CommandSpec kServerCommands[] = {
    {.name = "dbsize", .handler = &DbsizeCommand},
    {.name = "flushdb", .handler = &FlushdbCommand},
    {.name = "flushall", .handler = &FlushallCommand},
    {.name = "info", .handler = &InfoCommand},
    {.name = "shutdown", .handler = &ShutdownCommand},
    {.name = "command", .handler = &CommandCommand, .subcommands = kCommandSubcommands},
};

}  // namespace

std::span<const CommandSpec> ServerCommands() { return kServerCommands; }

}  // namespace respd::server

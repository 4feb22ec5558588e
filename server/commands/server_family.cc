// Server: DBSIZE FLUSHDB FLUSHALL COMMAND (COUNT, INFO, DOCS, HELP).
#include <vector>

#include "server/command_context.h"
#include "server/command_reply.h"
#include "server/commands/families.h"
#include "server/errors.h"
#include "server/server.h"
#include "server/string_util.h"

namespace respd::server {
namespace {

// DBSIZE
void DbsizeCommand(CommandContext& ctx) { ctx.reply.Integer(static_cast<int64_t>(ctx.db.size())); }

// Checks FLUSHDB/FLUSHALL's optional ASYNC|SYNC. respd always flushes at
// once: with no background thread, ASYNC is served synchronously.
bool ParseFlushMode(CommandContext& ctx) {
  if (ctx.argv.size() == 1) return true;
  if (ctx.argv.size() == 2 &&
      (EqualsIgnoreCase(ctx.argv[1], "async") || EqualsIgnoreCase(ctx.argv[1], "sync"))) {
    return true;
  }
  ctx.Error(kErrSyntax);
  return false;
}

// FLUSHDB [ASYNC | SYNC]
void FlushdbCommand(CommandContext& ctx) {
  if (!ParseFlushMode(ctx)) return;
  ctx.server.TouchWatchedKeysInDb(ctx.client.db_index);
  ctx.db.Clear();
  ctx.reply.Ok();
}

// FLUSHALL [ASYNC | SYNC]
void FlushallCommand(CommandContext& ctx) {
  if (!ParseFlushMode(ctx)) return;
  for (int i = 0; i < ctx.server.num_databases(); ++i) {
    ctx.server.TouchWatchedKeysInDb(i);
    ctx.server.database(i).Clear();
  }
  ctx.reply.Ok();
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

// COMMAND HELP
void CommandHelpCommand(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
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
      "HELP",
      "    Prints this help.",
  };
  ctx.reply.ArrayHeader(std::size(kLines));
  for (std::string_view line : kLines) ctx.reply.SimpleString(line);
}

constexpr uint32_t kCommandFlags = kCmdLoading | kCmdStale;
constexpr uint32_t kCommandAcl = kAclSlow | kAclConnection;

constexpr CommandSpec kCommandSubcommands[] = {
    {.name = "count",
     .arity = 2,
     .flags = kCommandFlags,
     .acl_categories = kCommandAcl,
     .handler = &CommandCountCommand},
    {.name = "docs",
     .arity = -2,
     .flags = kCommandFlags,
     .acl_categories = kCommandAcl,
     .handler = &CommandDocsCommand},
    {.name = "info",
     .arity = -2,
     .flags = kCommandFlags,
     .acl_categories = kCommandAcl,
     .handler = &CommandInfoCommand},
    {.name = "help",
     .arity = 2,
     .flags = kCommandFlags,
     .acl_categories = kCommandAcl,
     .handler = &CommandHelpCommand},
};

constexpr CommandSpec kServerCommands[] = {
    {.name = "dbsize",
     .arity = 1,
     .flags = kCmdReadOnly | kCmdFast,
     .acl_categories = kAclKeyspace | kAclRead | kAclFast,
     .handler = &DbsizeCommand},
    {.name = "flushdb",
     .arity = -1,
     .flags = kCmdWrite,
     .acl_categories = kAclKeyspace | kAclWrite | kAclSlow | kAclDangerous,
     .handler = &FlushdbCommand},
    {.name = "flushall",
     .arity = -1,
     .flags = kCmdWrite,
     .acl_categories = kAclKeyspace | kAclWrite | kAclSlow | kAclDangerous,
     .handler = &FlushallCommand},
    {.name = "command",
     .arity = -1,
     .flags = kCommandFlags,
     .acl_categories = kCommandAcl,
     .handler = &CommandCommand,
     .subcommands = kCommandSubcommands},
};

}  // namespace

void RegisterServerFamily(CommandTable& table) { table.Add(kServerCommands); }

}  // namespace respd::server

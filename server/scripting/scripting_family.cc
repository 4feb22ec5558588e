// FUNCTION and SCRIPT as a Redis 7.0 with no libraries and no cached scripts
// answers them: respd has no scripting engine yet (issue 13 brings Lua).
// FUNCTION LIST is empty, SCRIPT EXISTS finds nothing, the flushes are
// no-ops; HELP texts are Redis's, word for word.
#include <string>

#include "base/ascii.h"
#include "base/numbers.h"
#include "server/commands/families.h"
#include "server/core/server.h"
#include "server/dispatch/command_context.h"
#include "server/dispatch/errors.h"

namespace respd::server {
namespace {

// FUNCTION HELP, as Redis 7.0.15 prints it.
constexpr std::string_view kFunctionHelp[] = {
    "LOAD [REPLACE] <FUNCTION CODE>",
    "    Create a new library with the given library name and code.",
    "DELETE <LIBRARY NAME>",
    "    Delete the given library.",
    "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
    "    Return general information on all the libraries:",
    "    * Library name",
    "    * The engine used to run the Library",
    "    * Library description",
    "    * Functions list",
    "    * Library code (if WITHCODE is given)",
    "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
    "STATS",
    "    Return information about the current function running:",
    "    * Function name",
    "    * Command used to run the function",
    "    * Duration in MS that the function is running",
    "    If no function is running, return nil",
    "    In addition, returns a list of available engines.",
    "KILL",
    "    Kill the current running function.",
    "FLUSH [ASYNC|SYNC]",
    "    Delete all the libraries.",
    "    When called without the optional mode argument, the behavior is determined by the",
    "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
    "    * ASYNC: Asynchronously flush the libraries.",
    "    * SYNC: Synchronously flush the libraries.",
    "DUMP",
    "    Return a serialized payload representing the current libraries, can be restored using "
    "FUNCTION RESTORE command",
    "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
    "    Restore the libraries represented by the given payload, it is possible to give a restore "
    "policy to",
    "    control how to handle existing libraries (default APPEND):",
    "    * FLUSH: delete all existing libraries.",
    "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
    "    * REPLACE: appends the restored libraries to the existing libraries, On collision, "
    "replace the old",
    "      libraries with the new libraries (notice that even on this option there is a chance of "
    "failure",
    "      in case of functions name collision with another library).",
};

// SCRIPT HELP, as Redis 7.0.15 prints it.
constexpr std::string_view kScriptHelp[] = {
    "DEBUG (YES|SYNC|NO)",
    "    Set the debug mode for subsequent scripts executed.",
    "EXISTS <sha1> [<sha1> ...]",
    "    Return information about the existence of the scripts in the script cache.",
    "FLUSH [ASYNC|SYNC]",
    "    Flush the Lua scripts cache. Very dangerous on replicas.",
    "    When called without the optional mode argument, the behavior is determined by the",
    "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
    "    * ASYNC: Asynchronously flush the scripts cache.",
    "    * SYNC: Synchronously flush the scripts cache.",
    "KILL",
    "    Kill the currently executing Lua script.",
    "LOAD <script>",
    "    Load a script into the scripts cache without executing it.",
};

// FUNCTION LIST [WITHCODE] [LIBRARYNAME pattern]
void FunctionListCommand(CommandContext& ctx) {
  bool with_code = false, library_name = false;
  for (size_t i = 2; i < ctx.argv.size(); ++i) {
    if (!with_code && base::EqualsIgnoreCase(ctx.argv[i], "withcode")) {
      with_code = true;
      continue;
    }
    if (!library_name && base::EqualsIgnoreCase(ctx.argv[i], "libraryname")) {
      if (i + 1 >= ctx.argv.size()) {
        ctx.Error("ERR library name argument was not given");
        return;
      }
      library_name = true;
      ++i;
      continue;
    }
    ctx.Error("ERR Unknown argument " + std::string(ctx.argv[i]));
    return;
  }
  ctx.reply.ArrayHeader(0);
}

// FUNCTION FLUSH [ASYNC|SYNC]
void FunctionFlushCommand(CommandContext& ctx) {
  if (ctx.argv.size() > 3) {
    ctx.SubcommandSyntaxError();
    return;
  }
  if (ctx.argv.size() == 3 && !base::EqualsIgnoreCase(ctx.argv[2], "sync") &&
      !base::EqualsIgnoreCase(ctx.argv[2], "async")) {
    ctx.Error("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
    return;
  }
  ctx.reply.Ok();
}

// FUNCTION STATS: no script running; the engine list is Redis's (its Lua
// engine, with nothing loaded), which clients probe for.
void FunctionStatsCommand(CommandContext& ctx) {
  auto& r = ctx.reply;
  r.MapHeader(2);
  r.Bulk("running_script");
  r.Null();
  r.Bulk("engines");
  r.MapHeader(1);
  r.Bulk("LUA");
  r.MapHeader(2);
  r.Bulk("libraries_count");
  r.Integer(0);
  r.Bulk("functions_count");
  r.Integer(0);
}

// FUNCTION HELP
void FunctionHelpCommand(CommandContext& ctx) { ctx.ReplyHelp(kFunctionHelp); }

// SCRIPT FLUSH [ASYNC|SYNC]
void ScriptFlushCommand(CommandContext& ctx) {
  if (ctx.argv.size() == 3 && (base::EqualsIgnoreCase(ctx.argv[2], "sync") ||
                               base::EqualsIgnoreCase(ctx.argv[2], "async"))) {
    ctx.reply.Ok();
  } else if (ctx.argv.size() == 2) {
    ctx.reply.Ok();
  } else {
    ctx.Error("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
  }
}

// SCRIPT EXISTS sha1 [sha1 ...]
void ScriptExistsCommand(CommandContext& ctx) {
  ctx.reply.ArrayHeader(ctx.argv.size() - 2);
  for (size_t i = 2; i < ctx.argv.size(); ++i) ctx.reply.Integer(0);
}

// SCRIPT HELP
void ScriptHelpCommand(CommandContext& ctx) { ctx.ReplyHelp(kScriptHelp); }

constexpr CommandSpec kFunctionSubcommands[] = {
    {.name = "list", .handler = &FunctionListCommand},
    {.name = "flush", .handler = &FunctionFlushCommand},
    {.name = "stats", .handler = &FunctionStatsCommand},
    {.name = "help", .handler = &FunctionHelpCommand},
};

constexpr CommandSpec kScriptSubcommands[] = {
    {.name = "flush", .handler = &ScriptFlushCommand},
    {.name = "exists", .handler = &ScriptExistsCommand},
    {.name = "help", .handler = &ScriptHelpCommand},
};

constexpr CommandSpec kScriptingCommands[] = {
    {.name = "function", .handler = nullptr, .subcommands = kFunctionSubcommands},
    {.name = "script", .handler = nullptr, .subcommands = kScriptSubcommands},
};

}  // namespace

std::span<const CommandSpec> ScriptingCommands() { return kScriptingCommands; }

}  // namespace respd::server

// CONFIG GET SET RESETSTAT REWRITE HELP.
#include <unistd.h>

#include <climits>
#include <set>
#include <vector>

#include "base/ascii.h"
#include "base/glob.h"
#include "server/commands/families.h"
#include "server/config/config_directives.h"
#include "server/config/config_rewrite.h"
#include "server/core/server.h"
#include "server/dispatch/command_context.h"
#include "server/dispatch/errors.h"

namespace respd::server {
namespace {

bool IsGlob(std::string_view pattern) {
  return pattern.find_first_of("*?[") != std::string_view::npos;
}

// The value CONFIG GET shows: the stored canonical form, except for values
// that live in the process rather than the config (the working directory).
std::string CurrentValue(Server& server, const DirectiveSpec& spec) {
  if (spec.name == "dir") {
    char cwd[PATH_MAX];
    return getcwd(cwd, sizeof(cwd)) != nullptr ? cwd : "";
  }
  auto it = server.config().values.find(spec.name);
  return it != server.config().values.end() ? it->second : std::string(spec.default_value);
}

// CONFIG GET parameter [parameter ...]
void ConfigGetCommand(CommandContext& ctx) {
  // (name as shown, directive): a plain name is shown as the client wrote
  // it and may name a hidden directive; a glob matches visible names and
  // aliases. Each name once, in the order found.
  std::vector<std::pair<std::string, const DirectiveSpec*>> found;
  std::set<std::string> seen;
  auto add = [&](std::string shown, const DirectiveSpec* spec) {
    if (seen.insert(base::AsciiLowerCopy(shown)).second) found.emplace_back(std::move(shown), spec);
  };
  for (size_t j = 2; j < ctx.argv.size(); ++j) {
    const std::string_view pattern = ctx.argv[j];
    if (!IsGlob(pattern)) {
      const DirectiveSpec* spec = FindDirective(pattern);
      if (spec != nullptr && !(spec->flags & kFileOnly)) add(std::string(pattern), spec);
      continue;
    }
    for (const DirectiveSpec& spec : AllDirectives()) {
      if (spec.flags & (kFileOnly | kHidden)) continue;
      if (base::GlobMatch(pattern, spec.name, /*nocase=*/true)) add(std::string(spec.name), &spec);
      if (!spec.alias.empty() && base::GlobMatch(pattern, spec.alias, true)) {
        add(std::string(spec.alias), &spec);
      }
    }
  }
  ctx.reply.MapHeader(found.size());
  for (const auto& [shown, spec] : found) {
    ctx.reply.Bulk(shown);
    ctx.reply.Bulk(CurrentValue(ctx.server, *spec));
  }
}

// CONFIG SET parameter value [parameter value ...]
void ConfigSetCommand(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  if (argv.size() % 2 != 0) {
    ctx.Error(kErrSyntax);
    return;
  }
  // Check every name first, as Redis does: one bad name fails them all.
  std::vector<std::pair<const DirectiveSpec*, std::string_view>> changes;
  for (size_t j = 2; j < argv.size(); j += 2) {
    const DirectiveSpec* spec = FindDirective(argv[j]);
    if (spec == nullptr || (spec->flags & kFileOnly)) {
      ctx.Error("ERR Unknown option or number of arguments for CONFIG SET - '" +
                std::string(argv[j]) + "'");
      return;
    }
    changes.emplace_back(spec, argv[j + 1]);
  }
  for (size_t i = 0; i < changes.size(); ++i) {
    const std::string arg(argv[2 + 2 * i]);
    std::string problem;
    if (changes[i].first->flags & kImmutable) {
      problem = "can't set immutable config";
    } else if (changes[i].first->flags & kProtected) {
      problem = "can't set protected config";
    }
    for (size_t k = 0; k < i && problem.empty(); ++k) {
      if (changes[k].first == changes[i].first) problem = "duplicate parameter";
    }
    if (!problem.empty()) {
      ctx.Error("ERR CONFIG SET failed (possibly related to argument '" + arg + "') - " + problem);
      return;
    }
  }
  // Apply to a copy; the server adopts it only if every value (and its
  // effect: new listeners, a new directory…) works out.
  Config next = ctx.server.config();
  next.save_points_set = false;  // CONFIG SET save replaces, never adds.
  for (const auto& [spec, value] : changes) {
    const std::string error = ApplyDirective({std::string(spec->name), std::string(value)}, &next);
    if (!error.empty()) {
      ctx.Error("ERR CONFIG SET failed (possibly related to argument '" + std::string(spec->name) +
                "') - " + error);
      return;
    }
  }
  std::string failed_name;
  const std::string error = ctx.server.ApplyConfig(std::move(next), &failed_name);
  if (!error.empty()) {
    ctx.Error("ERR CONFIG SET failed (possibly related to argument '" + failed_name + "') - " +
              error);
    return;
  }
  ctx.reply.Ok();
}

// CONFIG RESETSTAT
void ConfigResetstatCommand(CommandContext& ctx) {
  ctx.server.ResetStats();
  ctx.reply.Ok();
}

// CONFIG REWRITE
void ConfigRewriteCommand(CommandContext& ctx) {
  const Config& config = ctx.server.config();
  if (config.config_file.empty()) {
    ctx.Error("ERR The server is running without a config file");
    return;
  }
  char cwd[PATH_MAX];
  const std::string dir = getcwd(cwd, sizeof(cwd)) != nullptr ? cwd : "";
  const std::string error = RewriteConfigFile(config, dir);
  if (!error.empty()) {
    ctx.server.logger().Log(LogLevel::kWarning, "CONFIG REWRITE failed: %s", error.c_str());
    ctx.Error("ERR Rewriting config file: " + error);
    return;
  }
  ctx.server.logger().Log(LogLevel::kNotice, "CONFIG REWRITE executed with success.");
  ctx.reply.Ok();
}

// CONFIG HELP
void ConfigHelpCommand(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "GET <pattern>",
      "    Return parameters matching the glob-like <pattern> and their values.",
      "SET <directive> <value>",
      "    Set the configuration <directive> to <value>.",
      "RESETSTAT",
      "    Reset statistics reported by the INFO command.",
      "REWRITE",
      "    Rewrite the configuration file.",
  };
  ctx.ReplyHelp(kLines);
}

constexpr CommandSpec kConfigSubcommands[] = {
    {.name = "get", .handler = &ConfigGetCommand},
    {.name = "set", .handler = &ConfigSetCommand},
    {.name = "resetstat", .handler = &ConfigResetstatCommand},
    {.name = "rewrite", .handler = &ConfigRewriteCommand},
    {.name = "help", .handler = &ConfigHelpCommand},
};

constexpr CommandSpec kConfigCommands[] = {
    {.name = "config", .handler = nullptr, .subcommands = kConfigSubcommands},
};

}  // namespace

std::span<const CommandSpec> ConfigCommands() { return kConfigCommands; }

}  // namespace respd::server

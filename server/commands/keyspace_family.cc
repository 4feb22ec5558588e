// Keys: DEL EXISTS.
#include "server/command_context.h"
#include "server/commands/families.h"

namespace respd::server {
namespace {

// DEL key [key ...]
void DelCommand(CommandContext& ctx) {
  int64_t deleted = 0;
  for (size_t j = 1; j < ctx.argv.size(); ++j) deleted += ctx.db.Delete(ctx.argv[j]) ? 1 : 0;
  ctx.reply.Integer(deleted);
}

// EXISTS key [key ...]  (a key named twice counts twice, as in Redis)
void ExistsCommand(CommandContext& ctx) {
  int64_t found = 0;
  for (size_t j = 1; j < ctx.argv.size(); ++j) found += ctx.db.FindForRead(ctx.argv[j]) ? 1 : 0;
  ctx.reply.Integer(found);
}

constexpr CommandSpec kKeyspaceCommands[] = {
    {.name = "del",
     .arity = -2,
     .flags = kCmdWrite,
     .first_key = 1,
     .last_key = -1,
     .key_step = 1,
     .acl_categories = kAclKeyspace | kAclWrite | kAclSlow,
     .handler = &DelCommand},
    {.name = "exists",
     .arity = -2,
     .flags = kCmdReadOnly | kCmdFast,
     .first_key = 1,
     .last_key = -1,
     .key_step = 1,
     .acl_categories = kAclKeyspace | kAclRead | kAclFast,
     .handler = &ExistsCommand},
};

}  // namespace

void RegisterKeyspaceFamily(CommandTable& table) { table.Add(kKeyspaceCommands); }

}  // namespace respd::server

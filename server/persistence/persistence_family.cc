// SAVE, BGSAVE and LASTSAVE. respd writes no files yet (issue 15 brings RDB
// and AOF): SAVE and BGSAVE answer as a Redis that saved successfully and the
// log says, once, that nothing was written.
#include "base/ascii.h"
#include "base/numbers.h"
#include "server/commands/families.h"
#include "server/core/server.h"
#include "server/dispatch/command_context.h"
#include "server/dispatch/errors.h"

namespace respd::server {
namespace {

// LASTSAVE  (unix seconds of the last save; the start time until one is done)
void LastsaveCommand(CommandContext& ctx) {
  ctx.reply.Integer(ctx.server.persistence().last_save_unix_s());
}

// SAVE
void SaveCommand(CommandContext& ctx) {
  ctx.server.persistence().NoteSaveRequested(ctx.server.logger());
  ctx.reply.Ok();
}

// BGSAVE [SCHEDULE]
void BgsaveCommand(CommandContext& ctx) {
  if (ctx.argv.size() > 1 &&
      !(ctx.argv.size() == 2 && base::EqualsIgnoreCase(ctx.argv[1], "schedule"))) {
    ctx.Error(kErrSyntax);
    return;
  }
  ctx.server.persistence().NoteSaveRequested(ctx.server.logger());
  ctx.reply.SimpleString("Background saving started");
}

constexpr CommandSpec kPersistenceCommands[] = {
    {.name = "lastsave", .handler = &LastsaveCommand},
    {.name = "save", .handler = &SaveCommand},
    {.name = "bgsave", .handler = &BgsaveCommand},
};

}  // namespace

std::span<const CommandSpec> PersistenceCommands() { return kPersistenceCommands; }

}  // namespace respd::server

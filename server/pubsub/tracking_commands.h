// CLIENT TRACKING, CLIENT CACHING, CLIENT GETREDIR and CLIENT TRACKINGINFO:
// the client-side caching subcommands of CLIENT (listed in its table in
// server/commands/client_family.cc), with Redis 7.0's checks and errors.
#pragma once

#include "server/dispatch/command_context.h"

namespace respd::server {

void ClientTrackingCommand(CommandContext& ctx);
void ClientCachingCommand(CommandContext& ctx);
void ClientGetredirCommand(CommandContext& ctx);
void ClientTrackingInfoCommand(CommandContext& ctx);

}  // namespace respd::server

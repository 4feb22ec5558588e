// INFO: the server's state as Redis's "# Section" / "field:value" text.
// Fields clients and launchers read (redis_version, redis_mode, tcp_port,
// run_id, connected_clients, used_memory, maxmemory_policy, loading, role,
// dbN:keys=…) have their Redis meaning; respd adds respd_version.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "server/core/server.h"

namespace respd::server {

// The INFO text for the requested sections (none = the default set; "all",
// "everything" and "default" as in Redis 7.0). Unknown sections add nothing.
std::string BuildInfo(Server& server, std::span<const std::string_view> sections);

}  // namespace respd::server

// Process-level chores of a Unix daemon, as redis-server does them:
// daemonizing, the pid file, the open-files limit and signal dispositions.
#pragma once

#include <string>

#include "server/sys/log.h"

namespace respd::server {

// fork(), the parent exits; setsid(); stdin/stdout/stderr to /dev/null.
void Daemonize();

bool WritePidFile(const std::string& path);

// Raises RLIMIT_NOFILE to fit maxclients plus the server's own descriptors;
// when the system refuses, lowers *maxclients to what fits and logs why, as
// Redis does. Returns false (after logging) when not even a handful fit.
bool AdjustOpenFilesLimit(int* maxclients, Logger& log);

// Descriptors the server keeps for itself beyond its clients (listeners,
// epoll, log files): Redis's CONFIG_MIN_RESERVED_FDS.
inline constexpr int kReservedFds = 32;

}  // namespace respd::server

// What the server says about itself as it starts: the logo block or the
// one-line "Running mode=" notice, by Redis 7.0's rule (redisAsciiArt): the
// logo when `always-show-logo yes`, or when logging to a terminal. Launchers
// and Redis's own test suite wait for the logo's " PID: <pid>" line.
#pragma once

#include <string>

#include "server/sys/log.h"

namespace respd::server {

// respd's logo block (its own drawing; the information lines are Redis's:
// version, mode, port and pid), ending in a blank line.
std::string StartupLogo(int port, long pid);

// Logs the logo or the "Running mode=standalone, port=N." line.
void LogStartupBanner(Logger& logger, bool always_show_logo, bool logfile_is_stdout, int port);

}  // namespace respd::server

#include "server/sys/startup_banner.h"

#include <unistd.h>

#include <cstdio>

#include "server/sys/version.h"

namespace respd::server {

std::string StartupLogo(int port, long pid) {
  char buf[1024];
  std::snprintf(buf, sizeof(buf),
                "\n"
                "        .---------------.\n"
                "        |  respd        |        respd %s (Redis %s compatible) %d bit\n"
                "        |  > PING       |\n"
                "        |  < PONG       |        Running in standalone mode\n"
                "        '---------------'        Port: %d\n"
                "                                 PID: %ld\n"
                "\n",
                kRespdVersion, kRedisCompatVersion, static_cast<int>(sizeof(long) * 8), port, pid);
  return buf;
}

void LogStartupBanner(Logger& logger, bool always_show_logo, bool logfile_is_stdout, int port) {
  const bool show_logo = always_show_logo || (logfile_is_stdout && isatty(STDOUT_FILENO));
  if (show_logo) {
    logger.LogRaw(LogLevel::kNotice, StartupLogo(port, static_cast<long>(getpid())));
  } else {
    logger.Log(LogLevel::kNotice, "Running mode=standalone, port=%d.", port);
  }
}

}  // namespace respd::server

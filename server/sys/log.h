// The server log, in redis-server's line format, which operators and
// launchers grep ("Ready to accept connections"):
//
//   <pid>:<role> <dd Mon yyyy hh:mm:ss.mmm> <level mark> <message>
//
// role is 'C' while starting up and 'M' once serving (a master); the level
// marks are '.' debug, '-' verbose, '*' notice, '#' warning. A log file is
// opened per line, as Redis does, so it can be rotated under a running
// server; "" logs to standard output.
#pragma once

#include <string>
#include <string_view>

#include "server/config/config.h"

namespace respd::server {

class Logger {
 public:
  void Configure(LogLevel level, std::string path) {
    level_ = level;
    path_ = std::move(path);
  }
  void set_role(char role) { role_ = role; }
  bool Enabled(LogLevel level) const { return level >= level_; }

  void Log(LogLevel level, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
  // Writes `text` as it is, without the line prefix (Redis's LL_RAW: the
  // startup logo), if `level` is enabled.
  void LogRaw(LogLevel level, std::string_view text);

 private:
  void Write(LogLevel level, const char* message) const;
  // One write(2) of `bytes` to the log.
  void Emit(std::string_view bytes) const;

  LogLevel level_ = LogLevel::kNotice;
  std::string path_;
  char role_ = 'C';
};

}  // namespace respd::server

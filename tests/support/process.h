// Real servers for tests: the built respd and Debian's redis-server, each
// started as a child process on a free 127.0.0.1 port, with its log in a
// temporary directory, and stopped (SIGTERM, then SIGKILL) when the test ends.
#pragma once

#include <hiredis/hiredis.h>
#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace respd::test {

// A port on 127.0.0.1 that was free a moment ago.
int FreePort();

// A fresh temporary directory (removed by the caller's fixture or left in
// /tmp for post-mortems).
std::string MakeTempDir();

class ServerProcess {
 public:
  enum class Kind { kRespd, kRedis };

  // Starts the server with `args` after the config file (if any) and waits
  // until it answers PING. Adds --port, --bind 127.0.0.1, --daemonize no,
  // --logfile "" (stdout goes to log_path()) and, for redis-server, no
  // persistence. Returns nullptr (after ADD_FAILURE) if it does not come up.
  static std::unique_ptr<ServerProcess> Start(Kind kind, std::vector<std::string> args = {},
                                              const std::string& config_file = "");
  static std::unique_ptr<ServerProcess> StartRespd(std::vector<std::string> args = {}) {
    return Start(Kind::kRespd, std::move(args));
  }
  static std::unique_ptr<ServerProcess> StartRedis(std::vector<std::string> args = {}) {
    return Start(Kind::kRedis, std::move(args));
  }

  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::string& dir() const { return dir_; }
  const std::string& log_path() const { return log_path_; }
  std::string ReadLog() const;

  // Sends `sig` and waits up to timeout_ms for the exit; returns the exit
  // status as waitpid reports it, or nullopt if it did not exit in time.
  std::optional<int> Stop(int sig = 15, int timeout_ms = 10000);
  bool Alive();

 private:
  ServerProcess() = default;

  pid_t pid_ = -1;
  int port_ = 0;
  std::string dir_;
  std::string log_path_;
};

// Runs a program to completion with a time limit, feeding it `input` on
// stdin; returns its exit status and what it printed (stdout and stderr).
struct ProgramResult {
  int status = -1;  // waitpid status; -1 if it could not run or timed out.
  std::string output;
};
ProgramResult RunProgram(const std::vector<std::string>& argv, const std::string& input = "",
                         int timeout_ms = 60000);

// hiredis connections.
struct RedisContextDeleter {
  void operator()(redisContext* c) const { redisFree(c); }
};
using RedisConnection = std::unique_ptr<redisContext, RedisContextDeleter>;
RedisConnection Connect(int port);

struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;
// redisCommandArgv with the arguments as strings (binary-safe).
Reply Command(redisContext* c, const std::vector<std::string>& args);

}  // namespace respd::test

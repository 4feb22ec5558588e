// The dispatcher: what happens to a command between the parser and its
// handler, and the accounting after it (Redis's processCommand and call()):
//
//   lookup result -> arity, protected-command, auth and MULTI checks (Redis's
//   exact errors) -> queue inside MULTI, or Call: the command's time
//   snapshot, the handler, MONITOR feed, commandstats, slow log, error stats
//   and the write counter.
//
// It also owns the clock commands see: one "now" per command (Redis's
// cached mstime), which the keyspace reads for expiry.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "server/dispatch/command_table.h"
#include "server/net/client.h"

namespace respd::server {

class Server;

class Dispatcher {
 public:
  explicit Dispatcher(Server& server);
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // The time snapshot of the running command, and of expiry outside
  // commands (unix ms).
  const base::Clock& clock() const { return clock_; }
  int64_t now_ms() const { return clock_.NowMs(); }
  // Takes a fresh snapshot of the system clock (the cron's expiry).
  void RefreshClock() { clock_.Set(base::SystemTimeMs()); }

  // Runs one command for `c`: the checks, MULTI queueing or Call, and CLIENT
  // REPLY OFF/SKIP. `cmd` is the table's Lookup(argv), null for an unknown
  // command: the caller looks it up, once (a batch needs it earlier).
  void ProcessCommand(Client& c, std::span<const std::string_view> argv, const Command* cmd);
  // Calls a command's handler and accounts for it (also used by EXEC).
  void Call(Client& c, const Command& cmd, std::span<const std::string_view> argv);
  // Runs a blocked client's command again to serve it (BlockingRegistry):
  // the handler with a fresh time snapshot, without the accounting, which
  // the first run did.
  void Rerun(Client& c, const Command& cmd, std::span<const std::string_view> argv);
  // The client whose command is running (the outermost one), or null.
  Client* current_client() const { return current_client_; }
  // Whether `c` may run a kCmdProtected command (enable-debug-command).
  bool ProtectedCommandAllowed(const Client& c) const;

  // A pipelined batch is running: consecutive commands share clock reads
  // (one command's end is the next one's start).
  void BeginBatch() {
    in_batch_ = true;
    batch_clock_us_ = 0;
  }
  void EndBatch() {
    in_batch_ = false;
    batch_clock_us_ = 0;
  }

  // MONITOR: `c` receives every command run from now on.
  void AddMonitor(Client* c);
  void RemoveMonitor(Client* c);

  // INFO errorstats: error code -> replies sent with it.
  const std::map<std::string, uint64_t, std::less<>>& error_stats() const { return error_stats_; }
  // CONFIG RESETSTAT: the error and command statistics start again.
  void ResetStats();

 private:
  // Arity, auth and MULTI checks of the looked-up `cmd`, then Call.
  void Dispatch(Client& c, std::span<const std::string_view> argv, const Command* cmd);
  // Sends `argv` to the MONITOR clients, Redis's way.
  void FeedMonitors(const Client& c, std::span<const std::string_view> argv, int64_t start_us);
  // Counts the error replies `c` sent since the last count (errorstats).
  // Returns how many there were.
  uint64_t AccountErrors(Client& c);

  Server& server_;
  base::ManualClock clock_;
  // While a batch runs: the end time of the last command (see Call).
  bool in_batch_ = false;
  int64_t batch_clock_us_ = 0;
  std::vector<Client*> monitors_;
  Client* current_client_ = nullptr;
  std::map<std::string, uint64_t, std::less<>> error_stats_;
};

}  // namespace respd::server

// The process's server: owns the event loop, the listeners, the clients, the
// databases and the command table, and runs the data flow of DESIGN.md:
//
//   readable -> query buffer -> parser -> command table -> handler -> reply
//   buffer -> (BeforeSleep) write directly -> WRITABLE event only if the
//   socket is full -> removed once drained.
//
// Single-threaded: everything runs on the loop. Handlers registered with the
// loop are static trampolines that never throw.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "ae/event_loop.h"
#include "base/clock.h"
#include "base/siphash.h"
#include "protocol/request_parser.h"
#include "server/config/config.h"
#include "server/core/slowlog.h"
#include "server/dispatch/command_table.h"
#include "server/net/client.h"
#include "server/persistence/persistence.h"
#include "server/sys/log.h"
#include "store/database.h"

namespace respd::server {

struct ServerStats {
  uint64_t total_connections_received = 0;
  uint64_t total_commands_processed = 0;
  uint64_t rejected_connections = 0;
  uint64_t net_input_bytes = 0;
  uint64_t net_output_bytes = 0;
  uint64_t total_error_replies = 0;
  uint64_t total_reads_processed = 0;
  uint64_t total_writes_processed = 0;
  // Successful write commands since the server started (Redis's "dirty",
  // counted per command rather than per key changed).
  uint64_t dirty = 0;
  // Largest query/reply buffer seen in the recent cron runs (INFO clients).
  size_t recent_max_input_buffer = 0;
  size_t recent_max_output_buffer = 0;
};

// A rate sampled by the cron, as Redis's instantaneous_ops_per_sec: the mean
// of the last 16 samples taken 100 ms apart.
class InstantaneousMetric {
 public:
  void Sample(int64_t now_ms, uint64_t total);
  double PerSecond() const;

 private:
  static constexpr int kSamples = 16;
  int64_t last_ms_ = 0;
  uint64_t last_total_ = 0;
  double samples_[kSamples] = {};
  int index_ = 0;
};

class Server : public store::KeyspaceObserver {
 public:
  Server(Config config, Logger* logger);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Creates the loop and listens on every configured address. On failure
  // logs the reason and returns false (main exits 1).
  bool Start();
  // Serves until shutdown is requested (SHUTDOWN, SIGTERM, SIGINT).
  void Run();

  // Asks the loop to shut down cleanly at the next opportunity.
  void RequestShutdown() { shutdown_requested_ = true; }

  const Config& config() const { return config_; }
  // CONFIG SET: adopts `next` and carries out what changed (listeners,
  // directory, open-files limit, log level). On failure nothing changes,
  // *failed_name names the culprit and the reason is returned.
  std::string ApplyConfig(Config next, std::string* failed_name);
  Logger& logger() { return *logger_; }
  CommandTable& commands() { return commands_; }
  const ServerStats& stats() const { return stats_; }
  ServerStats& mutable_stats() { return stats_; }
  // INFO errorstats: error code -> replies sent with it.
  const std::map<std::string, uint64_t, std::less<>>& error_stats() const { return error_stats_; }
  void ResetStats();
  Slowlog& slowlog() { return slowlog_; }
  Persistence& persistence() { return persistence_; }
  // What was allocated once the server was built (Redis's
  // initial_memory_usage): MEMORY STATS' startup.allocated.
  uint64_t startup_allocated() const { return startup_allocated_; }
  const std::string& run_id() const { return run_id_; }
  const std::string& replication_id() const { return replication_id_; }
  int64_t start_time_unix_us() const { return start_time_unix_us_; }
  int64_t uptime_seconds() const { return (ae::EventLoop::MonotonicMs() - start_time_ms_) / 1000; }
  double instantaneous_ops() const { return ops_metric_.PerSecond(); }
  // Records `used` bytes and returns the peak seen (INFO used_memory_peak).
  uint64_t NoteMemoryPeak(uint64_t used) {
    if (used > memory_peak_) memory_peak_ = used;
    return memory_peak_;
  }
  double instantaneous_input_kbps() const { return input_metric_.PerSecond() / 1024; }
  double instantaneous_output_kbps() const { return output_metric_.PerSecond() / 1024; }
  const Client* clients_head() const { return clients_head_; }
  // DEBUG SET-ACTIVE-EXPIRE: whether the cron reclaims expired keys nobody reads.
  void set_active_expire_enabled(bool enabled) { active_expire_enabled_ = enabled; }
  bool active_expire_enabled() const { return active_expire_enabled_; }
  // The time snapshot of the running command (unix ms).
  int64_t now_ms() const { return command_clock_.NowMs(); }
  int num_databases() const { return static_cast<int>(databases_.size()); }
  store::Database& database(int index) { return *databases_[static_cast<size_t>(index)]; }
  size_t num_clients() const { return num_clients_; }
  uint64_t next_client_id() const { return next_client_id_; }
  bool requires_auth() const { return !config_.requirepass.empty(); }
  // The TCP port actually listened on.
  int port() const { return config_.port; }

  // Marks a client for closing; it is freed in BeforeSleep.
  void FreeClientAsync(Client* c);
  // Notes that `c` has replies to send (done for the sender automatically).
  void QueueWrite(Client* c);
  // Runs `input` as the requests of a client that has no socket and returns
  // the bytes it would have been sent: the whole command path (parser,
  // dispatcher, handlers, replies) without the event loop. For the fuzzer
  // and tests; works before Start().
  std::string RunDetachedClient(std::string_view input);

  // Runs one command for `c` (the dispatcher: arity, auth, MULTI queueing,
  // call). `cmd` is commands_.Lookup(argv), nullptr for an unknown command:
  // the caller looks it up, once (a batch needs it earlier, to warm keys).
  void ProcessCommand(Client& c, std::span<const std::string_view> argv, const Command* cmd);
  // Calls a command's handler and accounts for it (also used by EXEC).
  void Call(Client& c, const Command& cmd, std::span<const std::string_view> argv);
  // Arity, auth and MULTI checks of the looked-up `cmd`, then Call.
  void Dispatch(Client& c, std::span<const std::string_view> argv, const Command* cmd);
  // Whether `c` may run a kCmdProtected command (enable-debug-command).
  bool ProtectedCommandAllowed(const Client& c) const;

  // MONITOR: `c` receives every command run from now on.
  void AddMonitor(Client* c);
  void RemoveMonitor(Client* c);
  // Every client, newest first (CLIENT LIST, CLIENT KILL).
  template <typename Fn>
  void ForEachClient(Fn&& fn) {
    for (Client* c = clients_head_; c != nullptr; c = c->next) {
      if (!c->close_asap) fn(*c);
    }
  }

  // Transactions (server/transactions.cc).
  void WatchKey(Client& c, std::string_view key);
  void UnwatchAllKeys(Client& c);
  // EXEC must fail if a key watched while alive is now past its deadline.
  bool WatchedKeyExpired(const Client& c);
  void DiscardTransaction(Client& c);
  // FLUSHDB/FLUSHALL empty `emptied`; SWAPDB replaces its contents with
  // those of `replaced_with`: clients watching keys that change are marked.
  void TouchWatchedKeysInDb(int emptied, int replaced_with = -1);
  // store::KeyspaceObserver: a key changed; break the WATCHes on it.
  void OnKeyModified(store::Database& db, std::string_view key) override;

 private:
  // ae trampolines.
  static void OnAcceptable(ae::EventLoop& loop, int fd, void* data, int mask) noexcept;
  static void OnReadable(ae::EventLoop& loop, int fd, void* data, int mask) noexcept;
  static void OnWritable(ae::EventLoop& loop, int fd, void* data, int mask) noexcept;
  static void OnBeforeSleep(ae::EventLoop& loop, void* data) noexcept;
  static int64_t OnCron(ae::EventLoop& loop, int64_t id, void* data) noexcept;

  bool Listen();
  // Listens on `config`'s port and addresses, appending to *fds. False (with
  // everything it opened closed) if an address that must work fails.
  bool OpenListeners(const Config& config, std::vector<int>* fds);
  void CloseListeners(std::vector<int>* fds);
  bool WatchListeners();
  void AcceptClients(int listen_fd);
  void CreateClient(int fd, const std::string& ip, int port);
  void ReadFromClient(Client& c);
  void ProcessInput(Client& c);
  // Runs the commands parsed into batch_ for `c`, prefetching their keys.
  void ExecuteBatch(Client& c);
  // Writes what the kernel takes (at most kMaxWritePerEvent unless it is the
  // last bit). Returns false if the client was closed.
  bool WriteToClient(Client& c);
  void HandlePendingWrites();
  // client-output-buffer-limit: closes `c` (async) when its pending replies
  // are over its class's hard limit, or over the soft one for long enough.
  void CloseIfOutputLimitReached(Client& c);
  const OutputBufferLimit& OutputLimitOf(const Client& c) const;
  void FreeClient(Client* c);
  void FreeClosingClients();
  // Sends `argv` to the MONITOR clients, Redis's way.
  void FeedMonitors(const Client& c, std::span<const std::string_view> argv, int64_t start_us);
  void BeforeSleep();
  void Cron();
  void ClientsCron(int64_t now_ms);
  void DatabasesCron();
  void ActiveExpireCycle();
  void FinishShutdown();
  void ApplyRenamedCommands();
  // Counts the error replies `c` sent since the last count (errorstats).
  // Returns how many there were.
  uint64_t AccountErrors(Client& c);

  Config config_;
  Logger* logger_;
  std::unique_ptr<ae::EventLoop> loop_;
  std::vector<int> listeners_;
  protocol::ParserLimits parser_limits_;
  base::HashSeed hash_seed_;
  base::ManualClock command_clock_;  // The time snapshot commands see.
  std::vector<std::unique_ptr<store::Database>> databases_;
  CommandTable commands_;

  // Per database: watched key -> the clients watching it.
  std::vector<std::unordered_map<std::string, std::vector<Client*>>> watched_keys_;

  Client* clients_head_ = nullptr;  // All clients, newest first.
  size_t num_clients_ = 0;
  uint64_t next_client_id_ = 1;
  // ProcessInput's batch of parsed commands (reused; the loop is single-
  // threaded, and a batch never outlives one ProcessInput call).
  struct BatchedCommand {
    size_t first_arg;
    size_t argc;
    const Command* cmd;  // Looked up by ExecuteBatch.
  };
  struct Batch {
    std::vector<BatchedCommand> commands;
    std::vector<std::string_view> args;
    std::vector<uint64_t> hashes;
    unsigned sink = 0;  // Keeps ExecuteBatch's warming loads alive.
  } batch_;
  // While ExecuteBatch runs: the end time of the last command (see Call).
  bool in_batch_ = false;
  int64_t batch_clock_us_ = 0;
  std::vector<Client*> pending_writes_;
  std::vector<Client*> monitors_;
  std::vector<Client*> clients_to_close_;
  Client* cron_cursor_ = nullptr;  // Where ClientsCron resumes.

  int expire_db_cursor_ = 0;  // Where ActiveExpireCycle resumes.
  // DEBUG SET-ACTIVE-EXPIRE.
  bool active_expire_enabled_ = true;
  bool shutdown_requested_ = false;
  bool pidfile_written_ = false;
  int64_t start_time_ms_ = 0;
  ServerStats stats_;
  Slowlog slowlog_;
  uint64_t startup_allocated_ = 0;
  std::map<std::string, uint64_t, std::less<>> error_stats_;
  std::string run_id_;
  std::string replication_id_;
  int64_t start_time_unix_us_ = 0;
  Persistence persistence_;  // After start_time_unix_us_: built from it.
  int64_t last_metric_sample_ms_ = 0;
  uint64_t memory_peak_ = 0;
  InstantaneousMetric ops_metric_, input_metric_, output_metric_;
};

// Set by SIGTERM/SIGINT; the loop checks it every iteration.
void InstallSignalHandlers();
bool ShutdownSignalReceived();
int ShutdownSignal();

}  // namespace respd::server

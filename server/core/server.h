// The process's server: owns the event loop, the config, the keyspace and
// the command table, and composes the parts that do the work, each with one
// job:
//
//   Connections   listeners, clients, reading, parsing, writing (net/)
//   Dispatcher    checks, MULTI queueing, calls and their accounting (dispatch/)
//   WatchRegistry WATCH keys and whom a change makes dirty (transactions/)
//   BlockingRegistry  clients waiting in blocking commands (blocking/)
//   ClientPause   CLIENT PAUSE: which commands wait, and until when (blocking/)
//   Persistence   what SAVE/LASTSAVE/INFO persistence know (persistence/)
//
// The server itself runs the lifecycle (start, serve, shut down), the cron
// (metrics, clients, expiry, rehashing), BeforeSleep, the lazy reclaimer's
// timer, and CONFIG SET's effects. Single-threaded: everything runs on the
// loop. Nothing here is global; main owns the one Server.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "ae/event_loop.h"
#include "base/siphash.h"
#include "server/blocking/blocking_registry.h"
#include "server/blocking/client_pause.h"
#include "server/config/config.h"
#include "server/core/slowlog.h"
#include "server/dispatch/command_table.h"
#include "server/dispatch/dispatcher.h"
#include "server/net/connections.h"
#include "server/persistence/persistence.h"
#include "server/pubsub/keyspace_notifier.h"
#include "server/pubsub/pubsub.h"
#include "server/pubsub/tracking.h"
#include "server/sys/log.h"
#include "server/sys/supervision.h"
#include "server/transactions/watch_registry.h"
#include "store/keyspace.h"
#include "store/type_limits.h"

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

class Server {
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
  // directory, open-files limit, log level, type limits, lazy free). On
  // failure nothing changes, *failed_name names the culprit and the reason
  // is returned.
  std::string ApplyConfig(Config next, std::string* failed_name);
  Logger& logger() { return *logger_; }

  // The parts.
  bool has_loop() const { return loop_ != nullptr; }
  ae::EventLoop& loop() { return *loop_; }
  CommandTable& commands() { return commands_; }
  store::Keyspace& keyspace() { return keyspace_; }
  Connections& connections() { return connections_; }
  const Connections& connections() const { return connections_; }
  Dispatcher& dispatcher() { return dispatcher_; }
  WatchRegistry& watches() { return watches_; }
  BlockingRegistry& blocking() { return blocking_; }
  ClientPause& pause() { return pause_; }
  PubSub& pubsub() { return pubsub_; }
  const PubSub& pubsub() const { return pubsub_; }
  Tracking& tracking() { return tracking_; }
  const Tracking& tracking() const { return tracking_; }
  Persistence& persistence() { return persistence_; }
  Slowlog& slowlog() { return slowlog_; }
  // The encoding thresholds the types convert at (from the config).
  const store::TypeLimits& type_limits() const { return config_.type_limits; }
  // DEBUG QUICKLIST-PACKED-THRESHOLD (not a directive: CONFIG SET keeps it).
  void set_list_packed_threshold(uint64_t bytes) {
    config_.type_limits.list_packed_threshold = bytes;
  }

  int num_databases() const { return keyspace_.size(); }
  store::Database& database(int index) { return keyspace_.db(index); }
  bool requires_auth() const { return !config_.requirepass.empty(); }

  // Statistics (INFO).
  const ServerStats& stats() const { return stats_; }
  ServerStats& mutable_stats() { return stats_; }
  // CONFIG RESETSTAT.
  void ResetStats();
  const std::string& run_id() const { return run_id_; }
  const std::string& replication_id() const { return replication_id_; }
  int64_t start_time_unix_us() const { return start_time_unix_us_; }
  int64_t uptime_seconds() const { return (ae::EventLoop::MonotonicMs() - start_time_ms_) / 1000; }
  double instantaneous_ops() const { return ops_metric_.PerSecond(); }
  double instantaneous_input_kbps() const { return input_metric_.PerSecond() / 1024; }
  double instantaneous_output_kbps() const { return output_metric_.PerSecond() / 1024; }
  // Records `used` bytes and returns the peak seen (INFO used_memory_peak).
  uint64_t NoteMemoryPeak(uint64_t used) {
    if (used > memory_peak_) memory_peak_ = used;
    return memory_peak_;
  }
  // What was allocated once the server was built (Redis's
  // initial_memory_usage): MEMORY STATS' startup.allocated.
  uint64_t startup_allocated() const { return startup_allocated_; }

  // DEBUG SET-ACTIVE-EXPIRE: whether the cron reclaims expired keys nobody reads.
  void set_active_expire_enabled(bool enabled) { active_expire_enabled_ = enabled; }
  bool active_expire_enabled() const { return active_expire_enabled_; }

 private:
  // ae trampolines.
  static void OnBeforeSleep(ae::EventLoop& loop, void* data) noexcept;
  static int64_t OnCron(ae::EventLoop& loop, int64_t id, void* data) noexcept;
  static int64_t OnReclaim(ae::EventLoop& loop, int64_t id, void* data) noexcept;

  void BeforeSleep();
  void Cron();
  void DatabasesCron();
  void ActiveExpireCycle();
  // Frees a slice of what the reclaimer holds; returns the timer's next
  // period, or -1 (stop) when nothing is left.
  int64_t Reclaim();
  void FinishShutdown();
  void ApplyRenamedCommands();

  Config config_;
  Logger* logger_;
  std::unique_ptr<ae::EventLoop> loop_;
  base::HashSeed hash_seed_;
  CommandTable commands_;
  // Declared in dependency order: each part may use those above it.
  Dispatcher dispatcher_;  // Owns the clock the keyspace reads.
  store::Keyspace keyspace_;
  WatchRegistry watches_;
  BlockingRegistry blocking_;
  ClientPause pause_;
  Connections connections_;
  PubSub pubsub_;
  KeyspaceNotifier notifier_;
  Tracking tracking_;

  int expire_db_cursor_ = 0;  // Where ActiveExpireCycle resumes.
  // DEBUG SET-ACTIVE-EXPIRE.
  bool active_expire_enabled_ = true;
  bool shutdown_requested_ = false;
  bool pidfile_written_ = false;
  bool reclaim_timer_armed_ = false;
  Supervisor supervisor_ = Supervisor::kNone;
  int64_t start_time_ms_ = 0;
  ServerStats stats_;
  Slowlog slowlog_;
  uint64_t startup_allocated_ = 0;
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

// Server lifecycle, BeforeSleep, the cron and the reclaimer's timer; the
// parts are in net/, dispatch/ and transactions/.
#include "server/core/server.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>

#include "ae/anet.h"
#include "base/ascii.h"
#include "server/commands/families.h"
#include "server/dispatch/command_context.h"
#include "server/dispatch/errors.h"
#include "server/sys/allocator.h"
#include "server/sys/crash_report.h"
#include "server/sys/process.h"
#include "server/sys/startup_banner.h"
#include "server/sys/version.h"

namespace respd::server {
namespace {

volatile std::sig_atomic_t g_shutdown_signal = 0;

extern "C" void HandleShutdownSignal(int sig) { g_shutdown_signal = sig; }

// Redis's ACTIVE_EXPIRE_CYCLE_* defaults (effort 1).
constexpr size_t kExpireKeysPerStep = 20;
constexpr int kExpireAcceptableStalePercent = 10;
constexpr int kExpireSlowTimePercent = 25;
// Databases looked at per cron call (CRON_DBS_PER_CALL).
constexpr int kDbsPerCron = 16;
// Rehash in 1 ms slices, 100 buckets at a time (as dictRehashMilliseconds).
constexpr int64_t kRehashSliceUs = 1000;
constexpr size_t kRehashBucketsPerStep = 100;
// The lazy reclaimer frees in slices of at most this long, then lets the
// loop serve clients: no command waits more than about this for it.
constexpr int64_t kReclaimSliceUs = 1000;
// Units freed between clock reads within a slice.
constexpr size_t kReclaimUnitsPerCheck = 256;

}  // namespace

void InstallSignalHandlers() {
  struct sigaction sa {};
  sa.sa_handler = HandleShutdownSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  // A peer that closed its socket must cost us an EPIPE, not the process.
  std::signal(SIGPIPE, SIG_IGN);
}

bool ShutdownSignalReceived() { return g_shutdown_signal != 0; }
int ShutdownSignal() { return g_shutdown_signal; }

namespace {

// 40 random hex digits: a run id or a replication id.
std::string RandomHexId() {
  base::HashSeed a = base::RandomHashSeed(), b = base::RandomHashSeed();
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (int i = 0; i < 20; ++i) {
    const uint8_t byte = i < 16 ? a.bytes[i] : b.bytes[i - 16];
    id.push_back(kHex[byte >> 4]);
    id.push_back(kHex[byte & 15]);
  }
  return id;
}

}  // namespace

Server::Server(Config config, Logger* logger)
    : config_(std::move(config)),
      logger_(logger),
      hash_seed_(base::RandomHashSeed()),
      dispatcher_(*this),
      keyspace_(config_.databases, dispatcher_.clock(), hash_seed_),
      watches_(keyspace_),
      blocking_(*this),
      pause_(*this),
      connections_(*this),
      pubsub_(*this),
      notifier_(keyspace_.events(), pubsub_),
      tracking_(*this),
      run_id_(RandomHexId()),
      replication_id_(RandomHexId()),
      start_time_unix_us_(base::SystemTimeUs()),
      persistence_(start_time_unix_us_ / 1000000) {
  keyspace_.set_lazyfree_policy(config_.lazyfree);
  notifier_.Configure(config_.notify_keyspace_events);
  RegisterAllCommands(commands_);
  ApplyRenamedCommands();
  startup_allocated_ = AllocatedBytes();
}

Server::~Server() = default;

void Server::ApplyRenamedCommands() {
  for (const auto& [from, to] : config_.renamed_commands) {
    if (!commands_.Rename(from, to)) {
      logger_->Log(LogLevel::kWarning, "rename-command: no command '%s' to rename to '%s'",
                   from.c_str(), to.c_str());
    }
  }
}

bool Server::Start() {
  start_time_ms_ = ae::EventLoop::MonotonicMs();
  if (!config_.ineffective.empty()) {
    std::string names;
    for (const std::string& n : config_.ineffective) names += (names.empty() ? "" : ", ") + n;
    logger_->Log(LogLevel::kNotice,
                 "These directives are accepted for compatibility but have no effect in respd: "
                 "%s",
                 names.c_str());
  }
  std::string error;
  loop_ = ae::EventLoop::Create(config_.maxclients + kReservedFds + 96, &error);
  if (!loop_) {
    logger_->Log(LogLevel::kWarning, "Failed creating the event loop. Error message: '%s'",
                 error.c_str());
    return false;
  }
  logger_->set_role('M');
  supervisor_ = StartSupervision(config_.values.at("supervised"), *logger_);
  LogStartupBanner(*logger_, config_.values.at("always-show-logo") == "yes",
                   config_.logfile.empty(), config_.port);
  if (!connections_.Listen()) return false;
  loop_->SetBeforeSleep(&Server::OnBeforeSleep, this);
  loop_->CreateTimeEvent(1, &Server::OnCron, this);
  if (config_.daemonize || !config_.pidfile.empty()) {
    if (config_.pidfile.empty()) config_.pidfile = "/var/run/respd.pid";
    pidfile_written_ = WritePidFile(config_.pidfile);
    if (!pidfile_written_) {
      logger_->Log(LogLevel::kWarning, "Failed to write PID file: %s", std::strerror(errno));
    }
  }
  logger_->Log(LogLevel::kNotice, "Server initialized");
  logger_->Log(LogLevel::kNotice, "Ready to accept connections tcp");
  NotifySupervisorReady(supervisor_, *logger_);
  return true;
}

std::string Server::ApplyConfig(Config next, std::string* failed_name) {
  if (next.maxclients != config_.maxclients) {
    int adjusted = next.maxclients;
    if (!AdjustOpenFilesLimit(&adjusted, *logger_) || adjusted != next.maxclients) {
      *failed_name = "maxclients";
      return "The operating system is not able to handle the specified number of clients, try "
             "with " +
             std::to_string(adjusted);
    }
    const int setsize = next.maxclients + kReservedFds + 96;
    if (loop_->setsize() < setsize && !loop_->Resize(setsize)) {
      *failed_name = "maxclients";
      return "The event loop API used by Redis is not able to handle the specified number of "
             "clients";
    }
  }
  if (next.dir != config_.dir && !next.dir.empty() && chdir(next.dir.c_str()) != 0) {
    *failed_name = "dir";
    return std::strerror(errno);
  }
  if (next.port != config_.port || next.bind != config_.bind) {
    std::string error = connections_.Relisten(next, failed_name);
    if (!error.empty()) return error;
  }
  logger_->Configure(next.loglevel, next.logfile);
  connections_.set_max_bulk_len(next.proto_max_bulk_len);
  keyspace_.set_lazyfree_policy(next.lazyfree);
  slowlog_.Trim(static_cast<size_t>(next.slowlog_max_len));
  notifier_.Configure(next.notify_keyspace_events);
  config_ = std::move(next);
  return "";
}

void Server::Run() { loop_->Run(); }

void Server::ResetStats() {
  stats_ = ServerStats{};
  dispatcher_.ResetStats();
  for (int i = 0; i < keyspace_.size(); ++i) keyspace_.db(i).ResetStats();
}

void InstantaneousMetric::Sample(int64_t now_ms, uint64_t total) {
  const int64_t elapsed = now_ms - last_ms_;
  if (last_ms_ != 0 && elapsed > 0) {
    samples_[index_] =
        static_cast<double>(total - last_total_) * 1000.0 / static_cast<double>(elapsed);
    index_ = (index_ + 1) % kSamples;
  }
  last_ms_ = now_ms;
  last_total_ = total;
}

double InstantaneousMetric::PerSecond() const {
  double sum = 0;
  for (double s : samples_) sum += s;
  return sum / kSamples;
}

void Server::OnBeforeSleep(ae::EventLoop&, void* data) noexcept {
  static_cast<Server*>(data)->BeforeSleep();
}

void Server::BeforeSleep() {
  // Blocked clients first: what they are sent goes out with the rest.
  if (blocking_.has_ready_keys()) blocking_.ServeReadyKeys();
  blocking_.ProcessUnblockedClients();
  tracking_.BroadcastPending();
  connections_.HandlePendingWrites();
  connections_.FreeClosingClients();
  // A command handed work to the reclaimer: free it between client events.
  if (!reclaim_timer_armed_ && keyspace_.lazy_free().pending()) {
    loop_->CreateTimeEvent(0, &Server::OnReclaim, this);
    reclaim_timer_armed_ = true;
  }
  if (shutdown_requested_ || ShutdownSignalReceived()) {
    FinishShutdown();
    loop_->Stop();
  }
}

void Server::FinishShutdown() {
  if (ShutdownSignalReceived()) {
    logger_->Log(LogLevel::kWarning, "Received %s scheduling shutdown...",
                 ShutdownSignal() == SIGINT ? "SIGINT" : "SIGTERM");
  }
  logger_->Log(LogLevel::kWarning, "User requested shutdown...");
  NotifySupervisorStopping(supervisor_, *logger_);
  // Stop accepting; what clients still have queued was written (as far as
  // their sockets took it) by this iteration's HandlePendingWrites.
  connections_.CloseListeners();
  if (pidfile_written_) {
    logger_->Log(LogLevel::kNotice, "Removing the pid file.");
    unlink(config_.pidfile.c_str());
  }
  logger_->Log(LogLevel::kWarning, "respd is now ready to exit, bye bye...");
}

int64_t Server::OnCron(ae::EventLoop&, int64_t, void* data) noexcept {
  auto* server = static_cast<Server*>(data);
  server->Cron();
  return 1000 / server->config_.EffectiveHz();
}

void Server::Cron() {
  const int64_t now = ae::EventLoop::MonotonicMs();
  if (now - last_metric_sample_ms_ >= 100) {
    last_metric_sample_ms_ = now;
    ops_metric_.Sample(now, stats_.total_commands_processed);
    input_metric_.Sample(now, stats_.net_input_bytes);
    output_metric_.Sample(now, stats_.net_output_bytes);
  }
  connections_.Cron(now);
  DatabasesCron();
}

int64_t Server::OnReclaim(ae::EventLoop&, int64_t, void* data) noexcept {
  return static_cast<Server*>(data)->Reclaim();
}

int64_t Server::Reclaim() {
  store::LazyFree& lazy = keyspace_.lazy_free();
  const int64_t deadline = base::MonotonicUs() + kReclaimSliceUs;
  bool more = lazy.pending();
  while (more && base::MonotonicUs() < deadline) more = lazy.Step(kReclaimUnitsPerCheck);
  if (more) return 0;  // Again on the next loop iteration, after the clients.
  reclaim_timer_armed_ = false;
  return ae::kNoMore;
}

void Server::DatabasesCron() {
  ActiveExpireCycle();
  const int n = num_databases();
  if (config_.activerehashing) {
    // At most 1 ms per call: enough to finish big rehashes quickly without
    // a visible pause.
    const int64_t deadline = base::SystemTimeUs() + kRehashSliceUs;
    for (int i = 0; i < n; ++i) {
      while (keyspace_.db(i).RehashStep(kRehashBucketsPerStep)) {
        if (base::SystemTimeUs() >= deadline) return;
      }
    }
  }
  for (int i = 0; i < n; ++i) keyspace_.db(i).ShrinkIfSparse();
}

void Server::ActiveExpireCycle() {
  // A paused server keeps its dataset as it is (CLIENT PAUSE).
  if (!active_expire_enabled_ || pause_.paused()) return;
  const int n = num_databases();
  // A quarter of the cron period, as Redis's slow cycle.
  const int64_t limit_us = 1000000 * kExpireSlowTimePercent / config_.EffectiveHz() / 100;
  const int64_t start = base::SystemTimeUs();
  for (int visited = 0; visited < std::min(n, kDbsPerCron); ++visited) {
    store::Database& db = keyspace_.db(expire_db_cursor_);
    expire_db_cursor_ = (expire_db_cursor_ + 1) % n;
    store::ExpireStepResult r;
    do {
      if (db.expires_size() == 0) break;
      dispatcher_.RefreshClock();
      r = db.ActiveExpireStep(kExpireKeysPerStep);
      if (base::SystemTimeUs() - start > limit_us) return;
      // Go on while more than 10% of what we looked at had expired.
    } while (r.sampled > 0 &&
             r.expired * 100 > r.sampled * static_cast<size_t>(kExpireAcceptableStalePercent));
  }
}

}  // namespace respd::server

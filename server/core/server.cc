// Server lifecycle, the dispatcher, BeforeSleep and the cron. The socket side
// (accept, read, write, free) is in networking.cc.
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
// A client idle this long gives its buffers back to the allocator.
constexpr int64_t kIdleBufferReleaseMs = 2000;
// Clients looked at per cron call at least (CLIENTS_CRON_MIN_ITERATIONS).
constexpr size_t kClientsCronMinIterations = 5;

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
      run_id_(RandomHexId()),
      replication_id_(RandomHexId()),
      start_time_unix_us_(base::SystemTimeUs()),
      persistence_(start_time_unix_us_ / 1000000) {
  parser_limits_.max_bulk_len = config_.proto_max_bulk_len;
  for (int i = 0; i < config_.databases; ++i) {
    databases_.push_back(std::make_unique<store::Database>(i, command_clock_, hash_seed_));
  }
  watched_keys_.resize(databases_.size());
  RegisterAllCommands(commands_);
  ApplyRenamedCommands();
  startup_allocated_ = AllocatedBytes();
}

Server::~Server() {
  while (clients_head_ != nullptr) {
    Client* c = clients_head_;
    clients_head_ = c->next;
    close(c->fd);
    delete c;
  }
  for (int fd : listeners_) close(fd);
}

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
  logger_->Log(LogLevel::kNotice, "Running mode=standalone, port=%d.", config_.port);
  if (!Listen()) return false;
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
  return true;
}

bool Server::OpenListeners(const Config& config, std::vector<int>* fds) {
  if (config.port == 0) return true;
  for (const std::string& configured : config.bind) {
    // "-addr" means: skip it quietly if the address does not exist here.
    const bool optional = !configured.empty() && configured[0] == '-';
    const std::string addr = optional ? configured.substr(1) : configured;
    std::string error;
    const int fd = ae::TcpListen(addr, config.port, config.tcp_backlog, &error);
    if (fd == -1) {
      const int err = errno;
      logger_->Log(LogLevel::kWarning,
                   "Warning: Could not create server TCP listening socket %s:%d: %s", addr.c_str(),
                   config.port, error.c_str());
      // An address family or address this host lacks is skipped, like
      // Redis does; anything else (the port is taken…) is fatal.
      if (err == EADDRNOTAVAIL || err == EAFNOSUPPORT || err == EPROTONOSUPPORT ||
          err == ESOCKTNOSUPPORT || err == EPFNOSUPPORT || err == ENOPROTOOPT) {
        continue;
      }
      CloseListeners(fds);
      return false;
    }
    fds->push_back(fd);
  }
  return true;
}

void Server::CloseListeners(std::vector<int>* fds) {
  for (int fd : *fds) {
    if (loop_) loop_->DeleteFileEvent(fd, ae::kReadable);
    close(fd);
  }
  fds->clear();
}

bool Server::WatchListeners() {
  for (int fd : listeners_) {
    if (!loop_->CreateFileEvent(fd, ae::kReadable, &Server::OnAcceptable, this)) {
      logger_->Log(LogLevel::kWarning, "Unrecoverable error creating TCP socket accept handler.");
      return false;
    }
  }
  return true;
}

bool Server::Listen() {
  if (!OpenListeners(config_, &listeners_)) {
    logger_->Log(LogLevel::kWarning, "Failed listening on port %d (tcp), aborting.", config_.port);
    return false;
  }
  if (listeners_.empty()) {
    logger_->Log(LogLevel::kWarning, "Configured to not listen anywhere, exiting.");
    return false;
  }
  return WatchListeners();
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
    // Open the new listeners before closing the old: on failure nothing
    // changes.
    std::vector<int> fresh;
    if (!OpenListeners(next, &fresh)) {
      const bool port_changed = next.port != config_.port;
      *failed_name = port_changed ? "port" : "bind";
      return port_changed ? "Unable to listen on this port"
                          : "Failed to bind to specified addresses.";
    }
    CloseListeners(&listeners_);
    listeners_ = std::move(fresh);
    WatchListeners();
  }
  logger_->Configure(next.loglevel, next.logfile);
  parser_limits_.max_bulk_len = next.proto_max_bulk_len;
  slowlog_.Trim(static_cast<size_t>(next.slowlog_max_len));
  config_ = std::move(next);
  return "";
}

void Server::Run() { loop_->Run(); }

void Server::ProcessCommand(Client& c, std::span<const std::string_view> argv, const Command* cmd) {
  // CLIENT REPLY OFF/SKIP: run as usual, then take the reply back.
  const size_t reply_mark = c.output.size();
  Dispatch(c, argv, cmd);
  if (c.reply_off || c.reply_skip) c.output.TruncateTo(reply_mark);
  c.reply_skip = c.reply_skip_next;
  c.reply_skip_next = false;
}

void Server::Dispatch(Client& c, std::span<const std::string_view> argv, const Command* cmd) {
  // A command refused here also dooms an open transaction (EXECABORT).
  auto reject = [this, &c](std::string_view error) {
    c.reply.Error(error);
    AccountErrors(c);
    if (c.in_multi) c.multi_error = true;
  };
  if (cmd == nullptr) {
    const Command* base = commands_.Find(argv[0]);
    if (base != nullptr && base->IsContainer()) {
      reject(UnknownSubcommandError(argv[0], argv[1]));
    } else {
      reject(UnknownCommandError(argv[0], argv.data() + 1, argv.size() - 1));
    }
    return;
  }
  if (!cmd->ArityOk(argv.size())) {
    ++cmd->rejected_calls;
    reject(WrongArityError(cmd->fullname));
    return;
  }
  const uint32_t flags = cmd->flags;
  if ((flags & kCmdProtected) && !ProtectedCommandAllowed(c)) {
    ++cmd->rejected_calls;
    reject(
        "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", "
        "you can run it from a local connection, otherwise you need to set this option in the "
        "configuration file, and then restart the server.");
    return;
  }
  if (!c.authenticated && !(flags & kCmdNoAuth)) {
    ++cmd->rejected_calls;
    reject(kErrNoAuth);
    return;
  }
  if (c.in_multi) {
    if (flags & kCmdNoMulti) {
      ++cmd->rejected_calls;
      reject("ERR Command not allowed inside a transaction");
      return;
    }
    // Everything but the transaction's own controls is queued for EXEC.
    if (!(flags & kCmdTransactionControl)) {
      Client::QueuedCommand queued{cmd, {}};
      queued.argv.assign(argv.begin(), argv.end());
      c.multi_queue.push_back(std::move(queued));
      c.reply.SimpleString("QUEUED");
      return;
    }
  }
  Call(c, *cmd, argv);
}

bool Server::ProtectedCommandAllowed(const Client& c) const {
  // enable-debug-command: "yes", or "local" for loopback clients (DEBUG is
  // respd's only protected command; MODULE does not exist).
  const std::string& mode = config_.values.at("enable-debug-command");
  return mode == "yes" || (mode == "local" && c.local);
}

void Server::Call(Client& c, const Command& cmd, std::span<const std::string_view> argv) {
  c.last_command = &cmd;  // CLIENT LIST shows the running command as "cmd".
  // One clock read gives both the command's time snapshot and its start;
  // within a batch, the previous command's end is this one's start (they
  // are nanoseconds apart), which halves the clock reads of a pipeline.
  const int64_t start_us = batch_clock_us_ != 0 ? batch_clock_us_ : base::SystemTimeUs();
  command_clock_.Set(start_us / 1000);
  CommandContext ctx{*this,
                     c,
                     cmd,
                     argv,
                     *databases_[static_cast<size_t>(c.db_index)],
                     c.reply,
                     command_clock_.NowMs()};
  if (c.no_touch) ctx.db.set_touch_disabled(cmd.spec->name != "touch");
  SetCrashContext(&c, argv);
  cmd.spec->handler(ctx);
  SetCrashContext(nullptr, {});
  if (c.no_touch) ctx.db.set_touch_disabled(false);
  const int64_t end_us = base::SystemTimeUs();
  const int64_t duration_us = end_us - start_us;
  if (in_batch_) batch_clock_us_ = end_us;
  if (!monitors_.empty() && !(cmd.flags & (kCmdAdmin | kCmdSkipMonitor))) {
    FeedMonitors(c, argv, start_us);
  }
  ++cmd.calls;
  cmd.microseconds += static_cast<uint64_t>(duration_us);
  if (!(cmd.flags & kCmdSkipSlowlog)) {
    slowlog_.MaybeRecord(duration_us, config_.slowlog_log_slower_than,
                         static_cast<size_t>(config_.slowlog_max_len), argv, c.addr, c.name,
                         start_us / 1000000);
  }
  ++stats_.total_commands_processed;
  // Errors of commands run inside (EXEC) were counted by their own Call.
  if (AccountErrors(c) > 0) {
    ++cmd.failed_calls;
  } else if (cmd.flags & kCmdWrite) {
    ++stats_.dirty;
  }
}

void Server::AddMonitor(Client* c) {
  if (c->monitor) return;
  c->monitor = true;
  monitors_.push_back(c);
}

void Server::RemoveMonitor(Client* c) {
  if (!c->monitor) return;
  c->monitor = false;
  std::erase(monitors_, c);
}

namespace {

// An argument as Redis's sdscatrepr shows it: quoted, with escapes.
void AppendRepr(std::string& out, std::string_view s) {
  out.push_back('"');
  for (unsigned char ch : s) {
    switch (ch) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\a':
        out += "\\a";
        break;
      case '\b':
        out += "\\b";
        break;
      default:
        if (ch >= 32 && ch < 127) {
          out.push_back(static_cast<char>(ch));
        } else {
          char hex[8];
          std::snprintf(hex, sizeof(hex), "\\x%02x", ch);
          out += hex;
        }
    }
  }
  out.push_back('"');
}

}  // namespace

void Server::FeedMonitors(const Client& c, std::span<const std::string_view> argv,
                          int64_t start_us) {
  char stamp[64];
  std::snprintf(stamp, sizeof(stamp), "%lld.%06lld [%d ",
                static_cast<long long>(start_us / 1000000),
                static_cast<long long>(start_us % 1000000), c.db_index);
  std::string line = stamp;
  line += c.addr;
  line += "]";
  // Secrets stay out of the feed, as Redis redacts them: AUTH's arguments,
  // and the user and password after HELLO's AUTH.
  std::vector<bool> redacted(argv.size(), false);
  if (base::EqualsIgnoreCase(argv[0], "auth")) {
    for (size_t i = 1; i < argv.size(); ++i) redacted[i] = true;
  } else if (base::EqualsIgnoreCase(argv[0], "hello")) {
    for (size_t i = 2; i + 2 < argv.size(); ++i) {
      if (base::EqualsIgnoreCase(argv[i], "auth")) {
        redacted[i + 1] = redacted[i + 2] = true;
        i += 2;
      }
    }
  }
  for (size_t i = 0; i < argv.size(); ++i) {
    line.push_back(' ');
    if (redacted[i]) {
      line += "\"(redacted)\"";
    } else {
      AppendRepr(line, argv[i]);
    }
  }
  for (Client* m : monitors_) {
    if (m->close_asap) continue;
    m->reply.SimpleString(line);
    QueueWrite(m);
    CloseIfOutputLimitReached(*m);
  }
}

uint64_t Server::AccountErrors(Client& c) {
  const uint64_t total = c.reply.error_count();
  const uint64_t fresh = total - c.errors_accounted;
  if (fresh == 0) return 0;
  c.errors_accounted = total;
  stats_.total_error_replies += fresh;
  auto it = error_stats_.find(c.reply.last_error_code());
  if (it == error_stats_.end()) {
    error_stats_.emplace(std::string(c.reply.last_error_code()), fresh);
  } else {
    it->second += fresh;
  }
  return fresh;
}

void Server::ResetStats() {
  stats_ = ServerStats{};
  error_stats_.clear();
  for (const auto& cmd : commands_.commands()) {
    cmd->calls = cmd->microseconds = cmd->rejected_calls = cmd->failed_calls = 0;
    for (const auto& sub : cmd->subcommands) {
      sub->calls = sub->microseconds = sub->rejected_calls = sub->failed_calls = 0;
    }
  }
  for (auto& db : databases_) db->ResetStats();
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
  HandlePendingWrites();
  FreeClosingClients();
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
  // Stop accepting; what clients still have queued was written (as far as
  // their sockets took it) by this iteration's HandlePendingWrites.
  CloseListeners(&listeners_);
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
  ClientsCron(now);
  DatabasesCron();
}

void Server::ClientsCron(int64_t now_ms) {
  if (num_clients_ == 0) return;
  // Visit every client about once a second, a slice per call, resuming where
  // the previous call stopped (as Redis's clientsCron).
  size_t budget = std::max(num_clients_ / static_cast<size_t>(config_.EffectiveHz()),
                           kClientsCronMinIterations);
  Client* const start = cron_cursor_ != nullptr ? cron_cursor_ : clients_head_;
  Client* c = start;
  while (budget-- > 0 && c != nullptr) {
    const int64_t idle_ms = now_ms - c->last_interaction_ms;
    if (config_.timeout > 0 && idle_ms > static_cast<int64_t>(config_.timeout) * 1000 &&
        !c->close_asap) {
      logger_->Log(LogLevel::kVerbose, "Closing idle client");
      FreeClientAsync(c);  // Unlinked later, so c->next stays valid here.
    } else if (!c->output.empty()) {
      CloseIfOutputLimitReached(*c);  // Soft limits expire with time alone.
    } else if (idle_ms > kIdleBufferReleaseMs) {
      if (c->query.empty()) c->query.ShrinkToFit();
      c->output.ReleaseIdleMemory();
    }
    c = c->next != nullptr ? c->next : clients_head_;
    if (c == start) break;  // Went all the way round.
  }
  cron_cursor_ = c;
}

void Server::DatabasesCron() {
  ActiveExpireCycle();
  const int n = num_databases();
  if (config_.activerehashing) {
    // At most 1 ms per call: enough to finish big rehashes quickly without
    // a visible pause.
    const int64_t deadline = base::SystemTimeUs() + kRehashSliceUs;
    for (int i = 0; i < n; ++i) {
      while (databases_[static_cast<size_t>(i)]->RehashStep(kRehashBucketsPerStep)) {
        if (base::SystemTimeUs() >= deadline) return;
      }
    }
  }
  for (int i = 0; i < n; ++i) databases_[static_cast<size_t>(i)]->ShrinkIfSparse();
}

void Server::ActiveExpireCycle() {
  if (!active_expire_enabled_) return;
  const int n = num_databases();
  // A quarter of the cron period, as Redis's slow cycle.
  const int64_t limit_us = 1000000 * kExpireSlowTimePercent / config_.EffectiveHz() / 100;
  const int64_t start = base::SystemTimeUs();
  for (int visited = 0; visited < std::min(n, kDbsPerCron); ++visited) {
    store::Database& db = *databases_[static_cast<size_t>(expire_db_cursor_)];
    expire_db_cursor_ = (expire_db_cursor_ + 1) % n;
    store::ExpireStepResult r;
    do {
      if (db.expires_size() == 0) break;
      command_clock_.Set(base::SystemTimeMs());
      r = db.ActiveExpireStep(kExpireKeysPerStep);
      if (base::SystemTimeUs() - start > limit_us) return;
      // Go on while more than 10% of what we looked at had expired.
    } while (r.sampled > 0 &&
             r.expired * 100 > r.sampled * static_cast<size_t>(kExpireAcceptableStalePercent));
  }
}

}  // namespace respd::server

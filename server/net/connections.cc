#include "server/net/connections.h"

#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "ae/anet.h"
#include "server/core/server.h"
#include "server/dispatch/errors.h"
#include "server/transactions/watch_registry.h"

namespace respd::server {
namespace {

// Connections accepted per readable event on a listener (MAX_ACCEPTS_PER_CALL):
// a connection storm cannot starve the clients already connected.
constexpr int kMaxAcceptsPerCall = 1000;
// Bytes read per readable event (PROTO_IOBUF_LEN), unless a big argument is
// being received, which is then read to its end in one go.
constexpr size_t kReadChunk = 16 * 1024;
constexpr size_t kBigArgument = 32 * 1024;  // PROTO_MBULK_BIG_ARG
// Bytes written to one client per event before moving on to the next one
// (NET_MAX_WRITES_PER_EVENT): one huge reply cannot starve the others.
constexpr size_t kMaxWritePerEvent = 64 * 1024;
constexpr size_t kMaxIov = 16;
// Commands parsed ahead and prefetched together: enough to overlap the
// cache misses of a pipeline, few enough that the keys stay cached.
constexpr size_t kMaxBatch = 32;

// A client idle this long gives its buffers back to the allocator.
constexpr int64_t kIdleBufferReleaseMs = 2000;
// Clients looked at per cron call at least (CLIENTS_CRON_MIN_ITERATIONS).
constexpr size_t kClientsCronMinIterations = 5;

}  // namespace

Connections::Connections(Server& server) : server_(server) {
  parser_limits_.max_bulk_len = server.config().proto_max_bulk_len;
}

Connections::~Connections() {
  while (clients_head_ != nullptr) {
    Client* c = clients_head_;
    clients_head_ = c->next;
    close(c->fd);
    delete c;
  }
  for (int fd : listeners_) close(fd);
}

bool Connections::OpenListeners(const Config& config, std::vector<int>* fds) {
  if (config.port == 0) return true;
  for (const std::string& configured : config.bind) {
    // "-addr" means: skip it quietly if the address does not exist here.
    const bool optional = !configured.empty() && configured[0] == '-';
    const std::string addr = optional ? configured.substr(1) : configured;
    std::string error;
    const int fd = ae::TcpListen(addr, config.port, config.tcp_backlog, &error);
    if (fd == -1) {
      const int err = errno;
      server_.logger().Log(LogLevel::kWarning,
                           "Warning: Could not create server TCP listening socket %s:%d: %s",
                           addr.c_str(), config.port, error.c_str());
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

void Connections::CloseListeners(std::vector<int>* fds) {
  for (int fd : *fds) {
    if (server_.has_loop()) server_.loop().DeleteFileEvent(fd, ae::kReadable);
    close(fd);
  }
  fds->clear();
}

bool Connections::WatchListeners() {
  for (int fd : listeners_) {
    if (!server_.loop().CreateFileEvent(fd, ae::kReadable, &Connections::OnAcceptable, this)) {
      server_.logger().Log(LogLevel::kWarning,
                           "Unrecoverable error creating TCP socket accept handler.");
      return false;
    }
  }
  return true;
}

bool Connections::Listen() {
  if (!OpenListeners(server_.config(), &listeners_)) {
    server_.logger().Log(LogLevel::kWarning, "Failed listening on port %d (tcp), aborting.",
                         server_.config().port);
    return false;
  }
  if (listeners_.empty()) {
    server_.logger().Log(LogLevel::kWarning, "Configured to not listen anywhere, exiting.");
    return false;
  }
  return WatchListeners();
}

std::string Connections::Relisten(const Config& next, std::string* failed_name) {
  // Open the new listeners before closing the old: on failure nothing
  // changes.
  std::vector<int> fresh;
  if (!OpenListeners(next, &fresh)) {
    const bool port_changed = next.port != server_.config().port;
    *failed_name = port_changed ? "port" : "bind";
    return port_changed ? "Unable to listen on this port"
                        : "Failed to bind to specified addresses.";
  }
  CloseListeners(&listeners_);
  listeners_ = std::move(fresh);
  WatchListeners();
  return "";
}

void Connections::OnAcceptable(ae::EventLoop&, int fd, void* data, int) noexcept {
  static_cast<Connections*>(data)->AcceptClients(fd);
}

void Connections::OnReadable(ae::EventLoop&, int, void* data, int) noexcept {
  auto* c = static_cast<Client*>(data);
  c->connections->ReadFromClient(*c);
}

void Connections::OnWritable(ae::EventLoop&, int, void* data, int) noexcept {
  auto* c = static_cast<Client*>(data);
  c->connections->WriteToClient(*c);
}

void Connections::AcceptClients(int listen_fd) {
  for (int i = 0; i < kMaxAcceptsPerCall; ++i) {
    std::string ip;
    int port = 0;
    const int fd = ae::TcpAccept(listen_fd, &ip, &port);
    if (fd == -1) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ECONNABORTED) {
        server_.logger().Log(LogLevel::kWarning, "Accepting client connection: %s",
                             std::strerror(errno));
      }
      return;
    }
    server_.logger().Log(LogLevel::kVerbose, "Accepted %s", ae::FormatAddress(ip, port).c_str());
    CreateClient(fd, ip, port);
  }
}

void Connections::CreateClient(int fd, const std::string& ip, int port) {
  if (num_clients_ >= static_cast<size_t>(server_.config().maxclients)) {
    // Best effort: the socket is fresh, so the error almost surely fits.
    static constexpr char kReply[] = "-ERR max number of clients reached\r\n";
    [[maybe_unused]] ssize_t n = write(fd, kReply, sizeof(kReply) - 1);
    ++server_.mutable_stats().rejected_connections;
    close(fd);
    return;
  }
  // Protected mode (Redis 7.0's rule): with no password, only loopback
  // clients are served, whatever the bind addresses.
  if (server_.config().protected_mode && server_.config().requirepass.empty() &&
      !ae::IsLoopbackAddress(ip)) {
    static constexpr char kDenied[] =
        "-DENIED Redis is running in protected mode because protected mode is enabled and no "
        "password is set for the default user. In this mode connections are only accepted from "
        "the loopback interface. If you want to connect from external computers to Redis you may "
        "adopt one of the following solutions: 1) Just disable protected mode sending the command "
        "'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from "
        "the same host the server is running, however MAKE SURE Redis is not publicly accessible "
        "from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) "
        "Alternatively you can just disable the protected mode by editing the Redis configuration "
        "file, and setting the protected mode option to 'no', and then restarting the server. 3) "
        "If you started the server manually just for testing, restart it with the "
        "'--protected-mode no' option. 4) Setup a an authentication password for the default "
        "user. NOTE: You only need to do one of the above things in order for the server to start "
        "accepting connections from the outside.\r\n";
    [[maybe_unused]] ssize_t n = write(fd, kDenied, sizeof(kDenied) - 1);
    ++server_.mutable_stats().rejected_connections;
    close(fd);
    return;
  }
  ae::SetNoDelay(fd);
  if (server_.config().tcp_keepalive > 0) ae::SetKeepAlive(fd, server_.config().tcp_keepalive);
  auto* c = new Client(next_client_id_++, fd, parser_limits_);
  c->connections = this;
  c->addr = ae::FormatAddress(ip, port);
  c->local = ae::IsLoopbackAddress(ip);
  std::string local_ip;
  int local_port = 0;
  if (ae::LocalAddress(fd, &local_ip, &local_port)) {
    c->laddr = ae::FormatAddress(local_ip, local_port);
  }
  c->authenticated = !server_.requires_auth();
  c->parser.set_authenticated(c->authenticated);
  c->created_ms = c->last_interaction_ms = ae::EventLoop::MonotonicMs();
  if (!server_.loop().CreateFileEvent(fd, ae::kReadable, &Connections::OnReadable, c)) {
    server_.logger().Log(LogLevel::kWarning, "Error registering fd event for the new client: %s",
                         std::strerror(errno));
    close(fd);
    delete c;
    return;
  }
  c->next = clients_head_;
  if (clients_head_ != nullptr) clients_head_->prev = c;
  clients_head_ = c;
  by_id_.emplace(c->id, c);
  ++num_clients_;
  ++server_.mutable_stats().total_connections_received;
}

void Connections::ReadFromClient(Client& c) {
  if (c.close_asap) return;
  size_t want = kReadChunk;
  // Inside a big argument, read exactly what is missing of it: one read,
  // and the buffer grows once to the size it needs.
  const size_t pending = c.parser.BulkBytesPending(c.query.size());
  if (pending >= kBigArgument) want = pending;
  char* dst = c.query.PrepareWrite(want);
  const ssize_t n = read(c.fd, dst, want);
  if (n == -1) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
    server_.logger().Log(LogLevel::kVerbose, "Reading from client: %s", std::strerror(errno));
    FreeClientAsync(&c);
    return;
  }
  if (n == 0) {
    server_.logger().Log(LogLevel::kVerbose, "Client closed connection");
    FreeClientAsync(&c);
    return;
  }
  c.query.Commit(static_cast<size_t>(n));
  server_.mutable_stats().net_input_bytes += static_cast<uint64_t>(n);
  c.last_interaction_ms = ae::EventLoop::MonotonicMs();
  // The argument table of a command in progress counts too: a flood of tiny
  // arguments must hit the limit as surely as one huge one.
  if (c.query.size() + c.parser.MemoryUsage() >
      static_cast<uint64_t>(server_.config().client_query_buffer_limit)) {
    server_.logger().Log(LogLevel::kWarning,
                         "Closing client that reached max query buffer length: id=%llu addr=%s "
                         "(qbuf=%zu)",
                         static_cast<unsigned long long>(c.id), c.addr.c_str(), c.query.size());
    FreeClientAsync(&c);
    return;
  }
  ProcessInput(c);
}

void Connections::ProcessInput(Client& c) {
  // Pipelined commands are parsed into a batch before any of them runs, so
  // the keys they touch can be prefetched together (ExecuteBatch). Their
  // arguments are views into the query buffer, which nothing changes until
  // the batch has run and its bytes are consumed.
  size_t parsed = 0;  // Bytes of the query buffer the batch covers.
  auto run_batch = [&] {
    const size_t ran = ExecuteBatch(c);
    if (c.blocked) {
      // A blocking command waits: what followed it is parsed again once
      // the client is unblocked (ResumeInput).
      c.query.Consume(ran);
      c.parser.Reset();
    } else {
      c.query.Consume(parsed);
    }
    parsed = 0;
  };
  while (!c.close_asap && !c.close_after_reply && !c.blocked) {
    const std::string_view rest = c.query.data().substr(parsed);
    if (rest.empty()) break;
    size_t consumed = 0;
    const protocol::ParseStatus status = c.parser.Parse(rest, &consumed);
    if (status == protocol::ParseStatus::kNeedMore) {
      parsed += consumed;  // Skipped empty lines; the partial command stays.
      break;
    }
    if (status == protocol::ParseStatus::kError) {
      run_batch();  // What came before the bad request still runs.
      if (c.close_asap || c.close_after_reply || c.blocked) break;
      const std::string text = c.parser.ErrorText();
      server_.logger().Log(LogLevel::kVerbose, "Protocol error (%s) from client: id=%llu addr=%s",
                           text.c_str(), static_cast<unsigned long long>(c.id), c.addr.c_str());
      c.reply.Error("ERR " + text);
      c.close_after_reply = true;
      c.query.Clear();
      c.parser.Reset();
      break;
    }
    const auto args = c.parser.args();
    if (c.parser.args_inline()) {
      // Inline arguments live in the parser until its next Parse: run the
      // batch, then this command, now.
      run_batch();
      // Blocked in the batch: this command is parsed again later.
      if (c.close_asap || c.close_after_reply || c.blocked) break;
      server_.dispatcher().ProcessCommand(c, args, server_.commands().Lookup(args));
      CloseIfOutputLimitReached(c);
      if (!c.blocked || !c.blocked->postponed) c.query.Consume(consumed);
      if (c.blocked) c.parser.Reset();
      continue;
    }
    parsed += consumed;
    batch_.commands.push_back({batch_.args.size(), args.size(), nullptr, parsed});
    batch_.args.insert(batch_.args.end(), args.begin(), args.end());
    if (batch_.commands.size() == kMaxBatch) run_batch();
  }
  run_batch();
  if (!c.output.empty()) QueueWrite(&c);
}

size_t Connections::ExecuteBatch(Client& c) {
  // Each command is looked up once, here: warming needs its key position,
  // and ProcessCommand takes the result.
  const bool warm = batch_.commands.size() > 1;
  store::Database& db = server_.keyspace().db(c.db_index);
  batch_.hashes.clear();
  for (BatchedCommand& b : batch_.commands) {
    const std::span<const std::string_view> argv(&batch_.args[b.first_arg], b.argc);
    b.cmd = server_.commands().Lookup(argv);
    const int first_key = warm && b.cmd != nullptr ? b.cmd->first_key : 0;
    if (first_key > 0 && static_cast<size_t>(first_key) < b.argc) {
      batch_.hashes.push_back(db.PrefetchSlot(argv[static_cast<size_t>(first_key)]));
    }
  }
  // Two passes over the batch's keys: bucket slots (above), then entries.
  unsigned sink = 0;
  for (uint64_t h : batch_.hashes) sink += db.TouchEntry(h);
  batch_.sink += sink;
  server_.dispatcher().BeginBatch();
  size_t ran = 0;  // Bytes of the commands run.
  for (const BatchedCommand& b : batch_.commands) {
    if (c.close_asap || c.close_after_reply) break;  // QUIT, a kill: the rest is dropped.
    server_.dispatcher().ProcessCommand(
        c, std::span<const std::string_view>(&batch_.args[b.first_arg], b.argc), b.cmd);
    CloseIfOutputLimitReached(c);
    if (c.blocked) {
      // The rest waits until it is unblocked; a command CLIENT PAUSE
      // held is itself part of the rest.
      if (!c.blocked->postponed) ran = b.end;
      break;
    }
    ran = b.end;
  }
  server_.dispatcher().EndBatch();
  batch_.commands.clear();
  batch_.args.clear();
  return ran;
}

const OutputBufferLimit& Connections::OutputLimitOf(const Client& c) const {
  // Redis's getClientType: a subscriber is of the pubsub class; a MONITOR
  // client, though Redis marks it a replica, counts as a normal client.
  return c.pubsub_mode() ? server_.config().pubsub_output_limit
                         : server_.config().normal_output_limit;
}

void Connections::CloseIfOutputLimitReached(Client& c) {
  if (c.close_asap) return;
  const OutputBufferLimit& limit = OutputLimitOf(c);
  const uint64_t used = c.output.size();
  bool reached = limit.hard > 0 && used >= limit.hard;
  if (!reached && limit.soft > 0 && used >= limit.soft) {
    const int64_t now = ae::EventLoop::MonotonicMs();
    if (c.soft_limit_since_ms == 0) {
      c.soft_limit_since_ms = now;
    } else {
      reached = now - c.soft_limit_since_ms >= limit.soft_seconds * 1000;
    }
  } else if (!reached) {
    c.soft_limit_since_ms = 0;
  }
  if (!reached) return;
  server_.logger().Log(
      LogLevel::kWarning,
      "Client id=%llu addr=%s name=%s scheduled to be closed ASAP for overcoming of "
      "output buffer limits.",
      static_cast<unsigned long long>(c.id), c.addr.c_str(), c.name.c_str());
  FreeClientAsync(&c);
}

void Connections::QueueWrite(Client* c) {
  // A client waiting on WRITABLE is drained by that event; others are
  // written directly before the loop sleeps.
  if (c->pending_write || c->close_asap || c->write_handler_installed) return;
  c->pending_write = true;
  pending_writes_.push_back(c);
}

void Connections::HandlePendingWrites() {
  // Index-based: nothing here queues more, but stay correct if it did.
  for (size_t i = 0; i < pending_writes_.size(); ++i) {
    Client* c = pending_writes_[i];
    c->pending_write = false;
    if (c->close_asap) continue;
    if (!WriteToClient(*c)) continue;
    if (!c->output.empty() && !c->write_handler_installed) {
      // The socket is full: let the loop tell us when it drains.
      if (server_.loop().CreateFileEvent(c->fd, ae::kWritable, &Connections::OnWritable, c)) {
        c->write_handler_installed = true;
      } else {
        FreeClientAsync(c);
      }
    }
  }
  pending_writes_.clear();
}

bool Connections::WriteToClient(Client& c) {
  if (c.close_asap) return false;
  size_t total = 0;
  iovec iov[kMaxIov];
  while (!c.output.empty()) {
    const size_t count = c.output.Segments(iov);
    // One segment (the usual reply batch) goes with write(2): cheaper than
    // writev's iovec handling in the kernel.
    const ssize_t n = count == 1 ? write(c.fd, iov[0].iov_base, iov[0].iov_len)
                                 : writev(c.fd, iov, static_cast<int>(count));
    if (n == -1) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) break;
      server_.logger().Log(LogLevel::kVerbose, "Error writing to client: %s", std::strerror(errno));
      FreeClientAsync(&c);
      return false;
    }
    c.output.Consume(static_cast<size_t>(n));
    total += static_cast<size_t>(n);
    if (total >= kMaxWritePerEvent) break;
  }
  server_.mutable_stats().net_output_bytes += total;
  if (total > 0) c.last_interaction_ms = ae::EventLoop::MonotonicMs();
  if (c.output.empty()) {
    if (c.write_handler_installed) {
      server_.loop().DeleteFileEvent(c.fd, ae::kWritable);
      c.write_handler_installed = false;
    }
    if (c.close_after_reply) {
      FreeClientAsync(&c);
      return false;
    }
  }
  return true;
}

void Connections::FreeClientAsync(Client* c) {
  if (c->close_asap) return;
  c->close_asap = true;
  if (c->fd < 0) return;  // A detached client (RunDetachedClient): no socket.
  // Silence the fd now: no handler may see this client again.
  server_.loop().DeleteFileEvent(c->fd, ae::kReadable | ae::kWritable);
  clients_to_close_.push_back(c);
}

std::unique_ptr<Client> Connections::NewDetachedClient() {
  auto c = std::make_unique<Client>(next_client_id_++, -1, parser_limits_);
  c->connections = this;
  c->addr = "detached:0";
  c->local = true;
  c->authenticated = !server_.requires_auth();
  c->parser.set_authenticated(c->authenticated);
  c->created_ms = c->last_interaction_ms = ae::EventLoop::MonotonicMs();
  // Not linked into the client list: invisible to CLIENT LIST/KILL and the
  // cron, and never queued for writing.
  c->pending_write = true;
  return c;
}

std::string Connections::RunOnDetachedClient(Client& c, std::string_view input) {
  if (!input.empty()) {
    std::memcpy(c.query.PrepareWrite(input.size()), input.data(), input.size());
    c.query.Commit(input.size());
  }
  ProcessInput(c);
  std::string out;
  iovec iov[16];
  while (!c.output.empty()) {
    const size_t n = c.output.Segments(iov);
    size_t taken = 0;
    for (size_t i = 0; i < n; ++i) {
      out.append(static_cast<const char*>(iov[i].iov_base), iov[i].iov_len);
      taken += iov[i].iov_len;
    }
    c.output.Consume(taken);
  }
  return out;
}

void Connections::ReleaseDetachedClient(Client& c) { ForgetClient(c); }

std::string Connections::RunDetachedClient(std::string_view input) {
  std::unique_ptr<Client> c = NewDetachedClient();
  std::string out = RunOnDetachedClient(*c, input);
  ReleaseDetachedClient(*c);
  return out;
}

void Connections::ResumeInput(Client& c) { ProcessInput(c); }

void Connections::FreeClosingClients() {
  for (Client* c : clients_to_close_) FreeClient(c);
  clients_to_close_.clear();
}

void Connections::ForgetClient(Client& c) {
  server_.blocking().ForgetClient(c);
  server_.watches().UnwatchAll(c);
  server_.dispatcher().RemoveMonitor(&c);
  server_.pubsub().ForgetClient(c);
  server_.tracking().Disable(c);
}

void Connections::FreeClient(Client* c) {
  ForgetClient(*c);
  if (cron_cursor_ == c) cron_cursor_ = c->next;
  if (c->prev != nullptr) c->prev->next = c->next;
  if (c->next != nullptr) c->next->prev = c->prev;
  if (clients_head_ == c) clients_head_ = c->next;
  by_id_.erase(c->id);
  --num_clients_;
  close(c->fd);
  delete c;
}

void Connections::Cron(int64_t now_ms) {
  if (num_clients_ == 0) return;
  // Visit every client about once a second, a slice per call, resuming where
  // the previous call stopped (as Redis's clientsCron).
  size_t budget = std::max(num_clients_ / static_cast<size_t>(server_.config().EffectiveHz()),
                           kClientsCronMinIterations);
  Client* const start = cron_cursor_ != nullptr ? cron_cursor_ : clients_head_;
  Client* c = start;
  while (budget-- > 0 && c != nullptr) {
    const int64_t idle_ms = now_ms - c->last_interaction_ms;
    if (server_.config().timeout > 0 &&
        idle_ms > static_cast<int64_t>(server_.config().timeout) * 1000 && !c->close_asap) {
      server_.logger().Log(LogLevel::kVerbose, "Closing idle client");
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

}  // namespace respd::server

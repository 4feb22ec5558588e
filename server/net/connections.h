// Connections: the listeners and every client, and the socket side of the
// data flow (DESIGN.md):
//
//   readable -> query buffer -> parser -> batch (keys warmed together) ->
//   Dispatcher -> reply buffer -> (BeforeSleep) write directly -> WRITABLE
//   event only if the socket is full -> removed once drained.
//
// Clients are created on accept and freed only here, from BeforeSleep
// (FreeClientAsync marks them), never inside one of their own handlers.
// Handlers registered with the loop are static trampolines that never throw.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ae/event_loop.h"
#include "protocol/request_parser.h"
#include "server/config/config.h"
#include "server/dispatch/command_table.h"
#include "server/net/client.h"

namespace respd::server {

class Server;

class Connections {
 public:
  explicit Connections(Server& server);
  // Closes every client socket and listener.
  ~Connections();
  Connections(const Connections&) = delete;
  Connections& operator=(const Connections&) = delete;

  // Listens on the configured port and addresses and watches the listeners
  // on the server's loop. False (logged) if that fails.
  bool Listen();
  // CONFIG SET port/bind: listens as `next` says, opening the new listeners
  // before closing the old so that on failure nothing changes; returns
  // Redis's error text ("" on success) and the culprit in *failed_name.
  std::string Relisten(const Config& next, std::string* failed_name);
  // Stops accepting (shutdown).
  void CloseListeners() { CloseListeners(&listeners_); }

  // The parser limits new and existing clients share (proto-max-bulk-len).
  void set_max_bulk_len(int64_t bytes) { parser_limits_.max_bulk_len = bytes; }

  // Marks a client for closing; it is freed in BeforeSleep.
  void FreeClientAsync(Client* c);
  // Notes that `c` has replies to send (done for the sender automatically).
  void QueueWrite(Client* c);
  // client-output-buffer-limit: closes `c` (async) when its pending replies
  // are over its class's hard limit, or over the soft one for long enough.
  void CloseIfOutputLimitReached(Client& c);

  // Runs what `c` sent while it was blocked (BlockingRegistry).
  void ResumeInput(Client& c);
  // BeforeSleep's part: write what is pending, then free closing clients.
  void HandlePendingWrites();
  void FreeClosingClients();
  // The clients cron (Redis's clientsCron): idle timeouts, soft output
  // limits, and giving idle buffers back, a slice of the clients per call.
  void Cron(int64_t now_ms);

  // Runs `input` as the requests of a client that has no socket and returns
  // the bytes it would have been sent: the whole command path (parser,
  // dispatcher, handlers, replies) without the event loop. For the fuzzer
  // and tests; works before Listen().
  std::string RunDetachedClient(std::string_view input);
  // The same in parts, for tests that interleave clients: a detached client
  // that lives across runs (its session state, WATCHes and transaction
  // with it), what one run of input returns, and forgetting it (WATCH,
  // MONITOR) before it is destroyed.
  std::unique_ptr<Client> NewDetachedClient();
  std::string RunOnDetachedClient(Client& c, std::string_view input);
  void ReleaseDetachedClient(Client& c);

  size_t size() const { return num_clients_; }
  uint64_t next_client_id() const { return next_client_id_; }
  const Client* head() const { return clients_head_; }
  // The connected client with this id (closing ones too), or nullptr.
  Client* FindClient(uint64_t id) const {
    auto it = by_id_.find(id);
    return it == by_id_.end() ? nullptr : it->second;
  }
  // Every client that is not closing, newest first (CLIENT LIST, KILL).
  template <typename Fn>
  void ForEachClient(Fn&& fn) {
    for (Client* c = clients_head_; c != nullptr; c = c->next) {
      if (!c->close_asap) fn(*c);
    }
  }

 private:
  // ae trampolines.
  static void OnAcceptable(ae::EventLoop& loop, int fd, void* data, int mask) noexcept;
  static void OnReadable(ae::EventLoop& loop, int fd, void* data, int mask) noexcept;
  static void OnWritable(ae::EventLoop& loop, int fd, void* data, int mask) noexcept;

  // Listens on `config`'s port and addresses, appending to *fds. False (with
  // everything it opened closed) if an address that must work fails.
  bool OpenListeners(const Config& config, std::vector<int>* fds);
  void CloseListeners(std::vector<int>* fds);
  bool WatchListeners();
  void AcceptClients(int listen_fd);
  void CreateClient(int fd, const std::string& ip, int port);
  void ReadFromClient(Client& c);
  void ProcessInput(Client& c);
  // Runs the commands parsed into batch_ for `c`, prefetching their keys,
  // up to one that blocks. Returns the query bytes of the commands it ran.
  size_t ExecuteBatch(Client& c);
  // Writes what the kernel takes (at most kMaxWritePerEvent unless it is the
  // last bit). Returns false if the client was closed.
  bool WriteToClient(Client& c);
  const OutputBufferLimit& OutputLimitOf(const Client& c) const;
  // Unlinks and deletes `c`, after the other parts forget it.
  void FreeClient(Client* c);
  // What every part must forget of a client that goes away.
  void ForgetClient(Client& c);

  Server& server_;
  std::vector<int> listeners_;
  protocol::ParserLimits parser_limits_;
  Client* clients_head_ = nullptr;               // All clients, newest first.
  std::unordered_map<uint64_t, Client*> by_id_;  // The same clients, by id.
  size_t num_clients_ = 0;
  uint64_t next_client_id_ = 1;
  // ProcessInput's batch of parsed commands (reused; the loop is single-
  // threaded, and a batch never outlives one ProcessInput call).
  struct BatchedCommand {
    size_t first_arg;
    size_t argc;
    const Command* cmd;  // Looked up by ExecuteBatch.
    size_t end;          // Query buffer bytes up to the end of this command.
  };
  struct Batch {
    std::vector<BatchedCommand> commands;
    std::vector<std::string_view> args;
    std::vector<uint64_t> hashes;
    unsigned sink = 0;  // Keeps ExecuteBatch's warming loads alive.
  } batch_;
  std::vector<Client*> pending_writes_;
  std::vector<Client*> clients_to_close_;
  Client* cron_cursor_ = nullptr;  // Where Cron resumes.
};

}  // namespace respd::server

// One connection: its socket, what it has sent (query buffer + parser state),
// what it will be sent (reply buffer), and its session state (selected
// database, authentication, protocol version, name).
//
// Lifetime: the Server creates a Client on accept and is the only one to
// delete it, and only from BeforeSleep (close_asap), never inside one of the
// client's own event handlers. A closing client's events are unregistered at
// once, so no handler sees it again.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "protocol/output_buffer.h"
#include "protocol/query_buffer.h"
#include "protocol/reply_builder.h"
#include "protocol/request_parser.h"
#include "server/blocking/blocked_state.h"
#include "server/pubsub/client_tracking.h"
#include "server/pubsub/subscriptions.h"

namespace respd::server {

struct Command;
class Connections;

struct Client {
  Client(uint64_t id, int fd, const protocol::ParserLimits& limits)
      : id(id), fd(fd), parser(limits), reply(&output) {}
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  Connections* connections = nullptr;  // The owner, for the loop's trampolines.
  const uint64_t id;                   // Unique for the process's lifetime (CLIENT ID).
  const int fd;
  std::string addr;      // Peer "ip:port".
  std::string laddr;     // Local "ip:port".
  bool local = false;    // Connected from a loopback address.
  std::string name;      // CLIENT SETNAME.
  std::string lib_name;  // CLIENT SETINFO LIB-NAME.
  std::string lib_ver;   // CLIENT SETINFO LIB-VER.

  protocol::QueryBuffer query;
  protocol::RequestParser parser;
  protocol::OutputBuffer output;
  protocol::ReplyBuilder reply;

  int db_index = 0;
  // reply.error_count() up to which the server has counted errors (INFO).
  uint64_t errors_accounted = 0;
  bool authenticated = false;

  // Reply, then close: QUIT, a protocol error. No more input is processed.
  bool close_after_reply = false;
  // Being closed: no more reads, writes or commands; freed in BeforeSleep.
  bool close_asap = false;
  // In the server's pending-writes list.
  bool pending_write = false;
  // A WRITABLE event is registered because the socket was full.
  bool write_handler_installed = false;

  // CLIENT REPLY: OFF sends nothing; SKIP drops the next command's reply
  // (reply_skip_next becomes reply_skip when that command starts).
  bool reply_off = false;
  bool reply_skip = false;
  bool reply_skip_next = false;
  bool no_evict = false;  // CLIENT NO-EVICT.
  bool no_touch = false;  // CLIENT NO-TOUCH: reads leave keys' access clocks alone.
  bool monitor = false;   // MONITOR: receives every command the server runs.

  // MULTI: commands queued for EXEC, with their own copies of the arguments
  // (the query buffer they came from is gone by then).
  struct QueuedCommand {
    const Command* command;
    std::vector<std::string> argv;
  };
  bool in_multi = false;
  bool multi_error = false;  // A command failed to queue: EXEC aborts.
  bool watch_dirty = false;  // A watched key changed: EXEC returns nil.
  std::vector<QueuedCommand> multi_queue;
  // WATCH: the keys this client watches. `expired` is set when the key was
  // already past its deadline at WATCH time (its deletion is then no change).
  struct WatchedKey {
    int db;
    std::string key;
    bool expired;
  };
  std::vector<WatchedKey> watched;

  // Waiting in a blocking command (BLPOP …): what it waits for. Nothing more
  // of its input runs until it is unblocked.
  std::unique_ptr<BlockedState> blocked;
  // May not block (EXEC running its queue, a script): blocking commands
  // answer at once, as Redis's CLIENT_DENY_BLOCKING.
  bool deny_blocking = false;

  // Pub/sub: what the client is subscribed to (made on the first
  // subscription; PubSub keeps it).
  std::unique_ptr<Subscriptions> subscriptions;
  // Redis's CLIENT_PUBSUB: subscribed to anything. In RESP2 it restricts
  // the commands the client may run; it selects the pubsub output-buffer
  // class and CLIENT LIST's flag P.
  bool pubsub_mode() const { return subscriptions != nullptr && subscriptions->total() > 0; }

  // CLIENT TRACKING ON: its options (Tracking keeps it); null when off.
  std::unique_ptr<ClientTracking> tracking;

  // While a command of this client runs: where its reply starts in
  // `output` (CLIENT REPLY OFF/SKIP drops what follows; pub/sub frames move
  // it past themselves). kNoReplyMark otherwise.
  static constexpr size_t kNoReplyMark = ~size_t{0};
  size_t reply_mark = kNoReplyMark;

  int64_t created_ms = 0;           // Monotonic.
  int64_t soft_limit_since_ms = 0;  // When output first passed the soft limit.
  int64_t last_interaction_ms = 0;  // Monotonic; for `timeout`.
  const Command* last_command = nullptr;

  // The server's list of all clients (intrusive, for cron and CLIENT LIST).
  Client* prev = nullptr;
  Client* next = nullptr;
};

}  // namespace respd::server

// CLIENT PAUSE timeout [WRITE|ALL] and CLIENT UNPAUSE, as Redis 7.0:
//
// - ALL holds every command of every client; WRITE holds commands that may
//   change data or propagate (flags write or may_replicate, and an EXEC
//   whose queue holds one). The check runs before MULTI queueing, so a
//   write sent inside a transaction is held too; arity errors are not.
// - A held client is postponed (BlockingRegistry::Postpone): it counts in
//   blocked_clients and shows `b`, and its command stays unread in its
//   query buffer, run as if just received once the pause ends.
// - A pause only grows: a second PAUSE keeps the later end and the
//   stronger mode. It ends at its deadline (a timer) or with UNPAUSE.
// - While paused, keys past their deadline read as absent but stay (no
//   `expired` deletions), and active expiry waits, so the dataset does not
//   change under a paused server.
#pragma once

#include <cstdint>

#include "ae/event_loop.h"

namespace respd::server {

class Server;
struct Client;
struct Command;

class ClientPause {
 public:
  enum class Mode : uint8_t { kNone, kWrite, kAll };

  explicit ClientPause(Server& server) : server_(server) {}
  ~ClientPause();
  ClientPause(const ClientPause&) = delete;
  ClientPause& operator=(const ClientPause&) = delete;

  // CLIENT PAUSE: pauses until `end_ms` (unix ms), or extends the pause.
  void Pause(int64_t end_ms, Mode mode);
  // CLIENT UNPAUSE, and the deadline: held clients run again.
  void Unpause();

  bool paused() const { return mode_ != Mode::kNone; }
  // Whether `c` must wait before `cmd` runs.
  bool Holds(const Client& c, const Command& cmd) const;

 private:
  static int64_t OnTimer(ae::EventLoop& loop, int64_t id, void* data) noexcept;

  Server& server_;
  Mode mode_ = Mode::kNone;
  int64_t end_ms_ = 0;
  int64_t timer_id_ = -1;
};

}  // namespace respd::server

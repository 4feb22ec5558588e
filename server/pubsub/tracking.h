// Client-side caching (CLIENT TRACKING), as Redis 7.0's tracking.c.
//
// Default mode: the keys a tracking client reads (a read-only command's keys
// by its key specs, under OPTIN only after CLIENT CACHING yes, under OPTOUT
// unless CLIENT CACHING no) go into one table, key -> client ids, shared by
// all databases as Redis's. A change to the key (any key-change event:
// writes, deletes, expiry) sends each of them one invalidation and forgets
// the key, so the next read registers it again. BCAST mode: clients
// register prefixes instead; keys changed under a prefix are collected and
// broadcast before the loop sleeps, one message per prefix.
//
// Messages: RESP3 pushes ["invalidate", [keys]] on the connection, or, with
// REDIRECT to a RESP2 client subscribed to __redis__:invalidate, a pub/sub
// message on that channel. FLUSHDB/FLUSHALL send every tracking client a
// null invalidation (once per command) and empty the table. A message to
// the client whose command caused it waits until that command (and an
// enclosing EXEC) has replied. NOLOOP skips changes a client made itself.
//
// The table is bounded by tracking-table-max-keys: past it, keys are
// dropped (their clients invalidated) after the command that added them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/string_hash.h"
#include "server/net/client.h"
#include "store/key_events.h"

namespace respd::server {

class Server;
struct Command;

class Tracking : public store::KeyEventListener {
 public:
  explicit Tracking(Server& server);
  Tracking(const Tracking&) = delete;
  Tracking& operator=(const Tracking&) = delete;
  ~Tracking() override;

  // CLIENT TRACKING ON with validated options (a change of options of a
  // client already tracking keeps its mode, adds prefixes).
  void Enable(Client& c, const ClientTracking& options);
  // CLIENT TRACKING OFF, RESET, and a closing client.
  void Disable(Client& c);

  // After each command `c` ran (not inside EXEC): remembers the keys a
  // read-only command read, and ends CLIENT CACHING's one-command scope.
  void AfterCall(Client& c, const Command& cmd, std::span<const std::string_view> argv);
  // After the outermost command of `c` (`cmd`, null if unknown) has
  // replied: CLIENT CACHING's scope ends (unless it was a CLIENT command or
  // a queued one), the invalidations it caused to itself and a flush's
  // null invalidations go out.
  // Inline: every command passes here, and almost none has anything to do.
  void AfterCommand(Client& c, const Command* cmd) {
    if (c.tracking != nullptr || deferred_for_ == &c || flush_pending_) FinishCommand(c, cmd);
  }
  // Before the loop sleeps: BCAST's collected keys, then the table limit.
  void BroadcastPending();

  // INFO: tracking_clients, tracking_total_keys / items / prefixes.
  size_t clients() const { return clients_; }
  size_t total_keys() const { return table_.size(); }
  size_t total_items() const { return total_items_; }
  size_t total_prefixes() const { return prefixes_.size(); }

  void OnKeyEvent(store::Database& db, std::string_view key, store::KeyEvent event) override;
  void OnFlush(store::Database& db) override;

 private:
  struct PrefixState {
    std::set<Client*> clients;
    // Keys changed since the last broadcast, with the client that made the
    // last change (for NOLOOP), in byte order.
    std::map<std::string, const Client*> changed;
  };

  // AfterCommand's work when there is some.
  void FinishCommand(Client& c, const Command* cmd);
  void Invalidate(std::string_view key);
  // Sends `value` (a RESP array of keys or a null, already encoded for
  // `owner`'s protocol) to `owner` or its redirect target.
  void Send(Client& owner, std::string_view value);
  // The client running a command now (for NOLOOP and deferred messages).
  Client* Current() const;
  void Listen(bool on);

  Server& server_;
  size_t clients_ = 0;
  bool listening_ = false;
  std::unordered_map<std::string, std::vector<uint64_t>, base::StringHash, std::equal_to<>> table_;
  size_t total_items_ = 0;
  std::map<std::string, PrefixState> prefixes_;
  // Messages for the client whose command is running, sent after it.
  std::vector<std::string> deferred_;
  Client* deferred_for_ = nullptr;
  bool flush_pending_ = false;
};

}  // namespace respd::server

// Blocking commands (BLPOP, BLMOVE, BLMPOP, BZPOPMIN, XREAD(GROUP) BLOCK):
// which clients wait on which keys, serving them when a key is ready, and
// timing them out. Redis's blocked.c, generic over the types:
//
// - A command that finds nothing calls WaitOrReply: the client waits on its
//   keys, FIFO per key, with a copy of its command. Its connection reads on
//   but runs nothing more until it is unblocked.
// - A key-change listener (subscribed while anyone waits): a waited-on key
//   that is created (kNew: a push, LMOVE, RENAME onto it, MULTI/EXEC, …) is
//   queued as ready, once; so is a stream that grows (kXAdd) or loses a
//   group (kXGroupDestroy), and, for XREADGROUP's waiters, a key deleted,
//   flushed or retyped. SWAPDB queues every waited key of both databases.
// - ServeReadyKeys, after each top-level command (and in BeforeSleep), runs
//   the blocked command again for the key's waiters in order, while the key
//   still holds the type they wait for (or, for serve_when_gone waiters,
//   whatever it holds), with the key in BlockedState::serving_key: a run
//   that replies is done (the
//   client is unblocked), a run that finds nothing leaves it waiting. Keys a
//   run makes ready (BLMOVE's destination) are served in the same pass.
// - Deadlines sit in an ordered set driven by one timer armed for the
//   earliest: nobody is polled, and a timed-out client gets a null array.
// - Unblocked clients run what they had pipelined from BeforeSleep.
//
// Clients that may not block (EXEC running its queue, scripts) get their
// command's "nothing" reply at once, as Redis's CLIENT_DENY_BLOCKING.
#pragma once

#include <cstdint>
#include <functional>
#include <list>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "ae/event_loop.h"
#include "base/string_hash.h"
#include "server/net/client.h"
#include "store/key_events.h"
#include "store/keyspace.h"
#include "store/value_type.h"

namespace respd::server {

class Server;
struct CommandContext;

class BlockingRegistry : public store::KeyEventListener {
 public:
  explicit BlockingRegistry(Server& server);
  ~BlockingRegistry() override;
  BlockingRegistry(const BlockingRegistry&) = delete;
  BlockingRegistry& operator=(const BlockingRegistry&) = delete;

  // `ctx`'s client waits on `keys` (duplicates count once) of its database
  // for a key of `type`, until `deadline_ms` (unix ms; 0: forever). With
  // `serve_when_gone`, a waited key that is deleted or changes type runs
  // the command again too (so XREADGROUP can fail).
  void Block(CommandContext& ctx, std::span<const std::string_view> keys, store::ValueType type,
             int64_t deadline_ms, bool serve_when_gone = false);
  // How a waiting client stops waiting without being served.
  enum class Unblock : uint8_t { kTimeout, kError };
  // CLIENT UNBLOCK and timeouts: replies (null array, or -UNBLOCKED) and
  // unblocks. False if `c` was not blocked.
  bool UnblockClient(Client& c, Unblock how);
  // A client that goes away stops waiting (no reply).
  void ForgetClient(Client& c);
  // CLIENT PAUSE holds `c` before `cmd` (which stays in its query buffer).
  void Postpone(Client& c, const Command& cmd);
  // The pause ended: held clients run their input again, in the order they
  // were held (from BeforeSleep).
  void ResumePostponed();

  bool has_ready_keys() const { return !ready_.empty(); }
  void ServeReadyKeys();
  // Runs the pipelined input of clients unblocked since the last call.
  void ProcessUnblockedClients();

  size_t blocked_clients() const { return blocked_count_; }
  // Of those, the ones with a deadline (INFO clients_in_timeout_table).
  size_t clients_with_deadline() const { return deadlines_.size(); }

  // store::KeyEventListener.
  void OnKeyEvent(store::Database& db, std::string_view key, store::KeyEvent event) override;
  void OnFlush(store::Database& db) override;
  void OnSwap(store::Database& a, store::Database& b) override;

 private:
  static int64_t OnTimer(ae::EventLoop& loop, int64_t id, void* data) noexcept;
  // Times out every client whose deadline passed; returns ms to the next.
  int64_t ExpireTimeouts();
  void ArmTimer();
  // Runs `c`'s blocked command again for the ready `key`; true if it was
  // served (replied).
  bool Rerun(Client& c, std::string_view key);
  // Whether a waiter on `key` of `db` wants to hear that it is gone.
  bool HasServeWhenGone(int db, std::string_view key) const;
  // Takes `c` off every key and the deadline set, and queues its input.
  void Release(Client& c);
  void MarkReady(int db, std::string_view key);

  Server& server_;
  using Waiters = std::list<Client*>;
  // Per database: key -> its waiters in blocking order.
  std::vector<std::unordered_map<std::string, Waiters, base::StringHash, std::equal_to<>>> waiting_;
  // (deadline ms, client id) of clients with a deadline.
  std::set<std::pair<int64_t, uint64_t>> deadlines_;
  std::unordered_map<uint64_t, Client*> by_id_;  // Clients with a deadline.
  // Keys made ready, in order, and the same as a set per database.
  std::vector<std::pair<int, std::string>> ready_;
  std::vector<std::unordered_set<std::string>> ready_set_;
  std::vector<Client*> unblocked_;
  std::vector<Client*> postponed_;  // In the order CLIENT PAUSE held them.
  size_t blocked_count_ = 0;
  // Of those, the serve_when_gone ones (XREADGROUP): with none, a change
  // other than a creation or a stream's growth costs nothing to look at.
  size_t serve_when_gone_count_ = 0;
  int64_t timer_id_ = -1;
  int64_t timer_when_ms_ = 0;
};

// The timeout of a blocking command (Redis's getTimeoutFromObjectOrReply):
// seconds as a decimal (BLPOP) or whole milliseconds (XREAD BLOCK), as an
// absolute deadline from the command's clock; 0 stays 0 (forever). Redis
// 7.0 has no "out of range": too big is negative, or forever.
// Replies Redis's error and returns false when it is not valid.
enum class TimeoutUnit : uint8_t { kSeconds, kMilliseconds };
bool ParseBlockingTimeout(CommandContext& ctx, std::string_view arg, TimeoutUnit unit,
                          int64_t* deadline_ms);

// The end of a blocking command that found nothing: wait on `keys`; or, run
// again for a client already waiting, keep waiting; or, where the client may
// not block, reply `denied()` (its command's "nothing", e.g. a null array).
void WaitOrReply(CommandContext& ctx, std::span<const std::string_view> keys, store::ValueType type,
                 int64_t deadline_ms, const std::function<void()>& denied,
                 bool serve_when_gone = false);

}  // namespace respd::server

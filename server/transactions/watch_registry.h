// WATCH bookkeeping for MULTI/EXEC: which client watches which key, and
// marking the clients whose watched keys changed (Redis's multi.c rules).
//
// A key-change listener (store/key_events.h): subscribed only while some key
// is watched, so a server where nobody watches pays nothing per write. Any
// event on a watched key marks its watchers dirty, with Redis's one
// exception: a key that was already expired when watched and is now deleted
// has not logically changed.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/net/client.h"
#include "store/key_events.h"
#include "store/keyspace.h"

namespace respd::server {

class WatchRegistry : public store::KeyEventListener {
 public:
  explicit WatchRegistry(store::Keyspace& keyspace);
  ~WatchRegistry() override;
  WatchRegistry(const WatchRegistry&) = delete;
  WatchRegistry& operator=(const WatchRegistry&) = delete;

  // WATCH: `c` watches `key` in its selected database (once).
  void Watch(Client& c, std::string_view key);
  // UNWATCH, and what EXEC, DISCARD, RESET and a closing client do.
  void UnwatchAll(Client& c);
  // EXEC fails if a key watched while alive is now past its deadline.
  bool AnyWatchedKeyExpired(const Client& c);

  // store::KeyEventListener.
  void OnKeyEvent(store::Database& db, std::string_view key, store::KeyEvent event) override;
  void OnFlush(store::Database& db) override;
  void OnSwap(store::Database& a, store::Database& b) override;

 private:
  // The watchers of keys in `db` whose contents are being replaced by those
  // of `replaced_with` (nullptr: emptied) are marked, as Redis's
  // touchAllWatchedKeysInDb.
  void TouchAllInDb(store::Database& db, store::Database* replaced_with);

  store::Keyspace& keyspace_;
  // Per database: watched key -> the clients watching it.
  std::vector<std::unordered_map<std::string, std::vector<Client*>>> watched_;
  size_t watched_count_ = 0;  // Keys watched in all databases: subscribed while > 0.
};

// Ends `c`'s transaction, if any: drops the queue and every WATCH.
void DiscardTransaction(WatchRegistry& watches, Client& c);

}  // namespace respd::server

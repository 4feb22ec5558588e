// WATCH bookkeeping for MULTI/EXEC: which client watches which key, and
// marking clients whose watched keys changed (Redis's multi.c semantics).
// The commands themselves are in commands/transaction_family.cc.
#include <algorithm>

#include "server/core/server.h"

namespace respd::server {

void Server::WatchKey(Client& c, std::string_view key) {
  for (const Client::WatchedKey& wk : c.watched) {
    if (wk.db == c.db_index && wk.key == key) return;  // Already watched.
  }
  store::Database& db = database(c.db_index);
  auto& watchers = watched_keys_[static_cast<size_t>(c.db_index)];
  watchers[std::string(key)].push_back(&c);
  // Only databases with watched keys pay for change notifications.
  db.set_observer(this);
  // Looked at without deleting, as Redis's keyIsExpired: a key watched while
  // already dead may then be reclaimed without that counting as a change.
  c.watched.push_back({c.db_index, std::string(key), db.IsKeyExpired(key)});
}

void Server::UnwatchAllKeys(Client& c) {
  for (const Client::WatchedKey& wk : c.watched) {
    auto& watchers = watched_keys_[static_cast<size_t>(wk.db)];
    auto it = watchers.find(wk.key);
    if (it == watchers.end()) continue;
    std::erase(it->second, &c);
    if (it->second.empty()) watchers.erase(it);
    if (watchers.empty()) database(wk.db).set_observer(nullptr);
  }
  c.watched.clear();
}

bool Server::WatchedKeyExpired(const Client& c) {
  for (const Client::WatchedKey& wk : c.watched) {
    if (wk.expired) continue;
    store::Database& db = database(wk.db);
    // Looked up without deleting: an expired key must still be seen here.
    if (db.IsKeyExpired(wk.key)) return true;
  }
  return false;
}

void Server::DiscardTransaction(Client& c) {
  c.multi_queue.clear();
  c.in_multi = false;
  c.multi_error = false;
  c.watch_dirty = false;
  UnwatchAllKeys(c);
}

void Server::OnKeyModified(store::Database& db, std::string_view key) {
  auto& watchers = watched_keys_[static_cast<size_t>(db.id())];
  auto it = watchers.find(std::string(key));
  if (it == watchers.end()) return;
  // Mark first, unwatch after: unwatching edits the list being walked.
  std::vector<Client*> dirty;
  for (Client* c : it->second) {
    bool skip = false;
    for (Client::WatchedKey& wk : c->watched) {
      if (wk.db != db.id() || wk.key != key || !wk.expired) continue;
      // Watched while already expired, and now deleted: no logical change.
      if (db.Find(key, store::Database::Touch::kNo) == nullptr) {
        wk.expired = false;
        skip = true;
      }
    }
    if (!skip) dirty.push_back(c);
  }
  for (Client* c : dirty) {
    c->watch_dirty = true;
    // A dirty client's EXEC fails whatever else changes: stop watching.
    UnwatchAllKeys(*c);
  }
}

void Server::TouchWatchedKeysInDb(int emptied, int replaced_with) {
  auto& watchers = watched_keys_[static_cast<size_t>(emptied)];
  if (watchers.empty()) return;
  store::Database& db = database(emptied);
  store::Database* other = replaced_with >= 0 ? &database(replaced_with) : nullptr;
  std::vector<Client*> dirty;
  for (auto& [key, clients] : watchers) {
    const bool in_emptied = db.ContainsKey(key);
    const bool in_other = other != nullptr && other->ContainsKey(key);
    if (!in_emptied && !in_other) continue;
    for (Client* c : clients) {
      for (Client::WatchedKey& wk : c->watched) {
        if (wk.db != emptied || wk.key != key) continue;
        if (wk.expired) {
          if (!in_other) {
            wk.expired = false;  // An expired key is now deleted: no change.
            continue;
          }
          if (other->IsKeyExpired(key)) continue;  // Expired stays expired.
        } else if (!in_emptied && other->IsKeyExpired(key)) {
          wk.expired = true;  // Nothing replaced by something expired.
          continue;
        }
        dirty.push_back(c);
      }
    }
  }
  for (Client* c : dirty) c->watch_dirty = true;
}

}  // namespace respd::server

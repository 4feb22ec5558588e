#include "server/transactions/watch_registry.h"

#include <algorithm>

namespace respd::server {

WatchRegistry::WatchRegistry(store::Keyspace& keyspace)
    : keyspace_(keyspace), watched_(static_cast<size_t>(keyspace.size())) {}

WatchRegistry::~WatchRegistry() {
  if (watched_count_ > 0) keyspace_.events().Unsubscribe(this);
}

void WatchRegistry::Watch(Client& c, std::string_view key) {
  for (const Client::WatchedKey& wk : c.watched) {
    if (wk.db == c.db_index && wk.key == key) return;  // Already watched.
  }
  store::Database& db = keyspace_.db(c.db_index);
  auto& watchers = watched_[static_cast<size_t>(c.db_index)];
  auto [it, inserted] = watchers.try_emplace(std::string(key));
  it->second.push_back(&c);
  if (inserted && watched_count_++ == 0) keyspace_.events().Subscribe(this);
  // Looked at without deleting, as Redis's keyIsExpired: a key watched while
  // already dead may then be reclaimed without that counting as a change.
  c.watched.push_back({c.db_index, std::string(key), db.IsKeyExpired(key)});
}

void WatchRegistry::UnwatchAll(Client& c) {
  for (const Client::WatchedKey& wk : c.watched) {
    auto& watchers = watched_[static_cast<size_t>(wk.db)];
    auto it = watchers.find(wk.key);
    if (it == watchers.end()) continue;
    std::erase(it->second, &c);
    if (!it->second.empty()) continue;
    watchers.erase(it);
    if (--watched_count_ == 0) keyspace_.events().Unsubscribe(this);
  }
  c.watched.clear();
}

bool WatchRegistry::AnyWatchedKeyExpired(const Client& c) {
  for (const Client::WatchedKey& wk : c.watched) {
    if (wk.expired) continue;
    // Looked up without deleting: an expired key must still be seen here.
    if (keyspace_.db(wk.db).IsKeyExpired(wk.key)) return true;
  }
  return false;
}

void WatchRegistry::OnKeyEvent(store::Database& db, std::string_view key, store::KeyEvent event) {
  if (!store::KeyEventModifiesKey(event)) return;  // A read, or metadata only.
  auto& watchers = watched_[static_cast<size_t>(db.id())];
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
    UnwatchAll(*c);
  }
}

void WatchRegistry::OnFlush(store::Database& db) { TouchAllInDb(db, nullptr); }

void WatchRegistry::OnSwap(store::Database& a, store::Database& b) {
  // Each database's contents are replaced by the other's.
  TouchAllInDb(a, &b);
  TouchAllInDb(b, &a);
}

void WatchRegistry::TouchAllInDb(store::Database& db, store::Database* other) {
  auto& watchers = watched_[static_cast<size_t>(db.id())];
  if (watchers.empty()) return;
  std::vector<Client*> dirty;
  for (auto& [key, clients] : watchers) {
    const bool in_emptied = db.ContainsKey(key);
    const bool in_other = other != nullptr && other->ContainsKey(key);
    if (!in_emptied && !in_other) continue;
    for (Client* c : clients) {
      for (Client::WatchedKey& wk : c->watched) {
        if (wk.db != db.id() || wk.key != key) continue;
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

void DiscardTransaction(WatchRegistry& watches, Client& c) {
  c.multi_queue.clear();
  c.in_multi = false;
  c.multi_error = false;
  c.watch_dirty = false;
  watches.UnwatchAll(c);
}

}  // namespace respd::server

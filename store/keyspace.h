// The keyspace: every database, and what they share — the clock, the hash
// seed, the key-change events, the lazy reclaimer and its policy. Operations
// on whole databases (FLUSHDB, FLUSHALL, SWAPDB) live here, since listeners
// must hear of them and the reclaimer may take the contents.
#pragma once

#include <memory>
#include <vector>

#include "base/clock.h"
#include "base/siphash.h"
#include "store/database.h"
#include "store/key_events.h"
#include "store/lazy_free.h"
#include "store/lazy_free_policy.h"

namespace respd::store {

class Keyspace {
 public:
  // `databases` empty databases whose time is `clock` (which must outlive
  // the keyspace) and whose dicts hash with `seed`.
  Keyspace(int databases, const base::Clock& clock, const base::HashSeed& seed);
  ~Keyspace();
  Keyspace(const Keyspace&) = delete;
  Keyspace& operator=(const Keyspace&) = delete;

  int size() const { return static_cast<int>(databases_.size()); }
  Database& db(int index) { return *databases_[static_cast<size_t>(index)]; }
  // CLIENT PAUSE: expired keys stay until the pause ends (every database).
  void set_expiry_paused(bool paused) {
    for (auto& db : databases_) db->set_expiry_paused(paused);
  }
  const base::Clock& clock() const { return *clock_; }
  const base::HashSeed& seed() const { return seed_; }
  KeyEvents& events() { return events_; }
  LazyFree& lazy_free() { return lazy_free_; }
  const LazyFreePolicy& lazyfree_policy() const { return policy_; }
  void set_lazyfree_policy(const LazyFreePolicy& policy) { policy_ = policy; }

  // Empties database `index` (FLUSHDB). Listeners hear OnFlush first; with
  // `async` the contents go to the reclaimer in O(1).
  void Flush(int index, bool async);
  // SWAPDB: listeners hear OnSwap first.
  void Swap(int a, int b);

  // Frees an unlinked entry: through the reclaimer when `lazy` and its value
  // is big (Redis's freeObjAsync rule), else now.
  void Dispose(KeyEntry* e, bool lazy);

 private:
  const base::Clock* clock_;
  const base::HashSeed seed_;
  KeyEvents events_;
  LazyFreePolicy policy_;
  // Declared before the databases: destroyed after them, so it can free
  // what they hand over until the end.
  LazyFree lazy_free_;
  std::vector<std::unique_ptr<Database>> databases_;
};

}  // namespace respd::store

// The reclaimer: frees what commands hand over — unlinked entries with big
// values, whole databases emptied by FLUSHDB/FLUSHALL ASYNC — a bounded amount
// at a time, so no command pays for freeing a large value at once. Redis does
// this on a background thread; respd is single-threaded, so the server calls
// Step between client events (a timer that runs while work is pending) and
// freeing interleaves with serving.
//
// Work is counted in units: about one allocation freed (see ValueOps and
// DetachedTable::FreeSome). Objects are counted as Redis's INFO counts them:
// one per key handed over.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>

#include "store/database.h"
#include "store/key_entry.h"

namespace respd::store {

class LazyFree {
 public:
  LazyFree() = default;
  // Frees whatever is still pending (the server is going away).
  ~LazyFree();
  LazyFree(const LazyFree&) = delete;
  LazyFree& operator=(const LazyFree&) = delete;

  // Takes `e`, unlinked from every index, to free it and its value.
  void AddEntry(KeyEntry* e);
  // Takes a database's detached contents.
  void AddDatabase(DetachedDatabase db);

  bool pending() const { return pending_objects_ > 0 || !databases_.empty(); }
  // INFO's lazyfree_pending_objects and lazyfreed_objects.
  size_t pending_objects() const { return pending_objects_; }
  uint64_t freed_objects() const { return freed_objects_; }

  // Frees for at most `budget` units; returns true while work remains.
  bool Step(size_t budget);

 private:
  // Frees one key of a detached database: now if it is cheap, else later as
  // an entry of its own.
  void FreeKey(KeyEntry* e);

  std::deque<KeyEntry*> entries_;
  std::deque<DetachedDatabase> databases_;
  size_t pending_objects_ = 0;
  uint64_t freed_objects_ = 0;
};

}  // namespace respd::store

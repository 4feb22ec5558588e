#include "store/lazy_free.h"

#include <utility>

#include "store/value.h"

namespace respd::store {

LazyFree::~LazyFree() {
  while (Step(static_cast<size_t>(-1))) {
  }
}

void LazyFree::AddEntry(KeyEntry* e) {
  entries_.push_back(e);
  ++pending_objects_;
}

void LazyFree::AddDatabase(DetachedDatabase db) {
  pending_objects_ += db.keys.size();
  databases_.push_back(std::move(db));
}

void LazyFree::FreeKey(KeyEntry* e) {
  if (FreeEffort(*e) > kLazyFreeThreshold) {
    entries_.push_back(e);  // Counted as pending already: it stays so.
    return;
  }
  DestroyEntry(e);
  --pending_objects_;
  ++freed_objects_;
}

bool LazyFree::Step(size_t budget) {
  while (budget > 0 && (!entries_.empty() || !databases_.empty())) {
    if (!entries_.empty()) {
      if (!DestroyEntrySome(entries_.front(), &budget)) break;  // Spent inside one value.
      entries_.pop_front();
      --pending_objects_;
      ++freed_objects_;
      continue;
    }
    DetachedDatabase& db = databases_.front();
    // The index nodes first: they point at entries, never the other way.
    budget -= db.expires.FreeSome(budget, [](ExpireRef* r) { delete r; });
    if (db.expires.empty()) {
      // One unit per key; a key with a big value is set aside in entries_.
      budget -= db.keys.FreeSome(budget, [this](KeyEntry* e) { FreeKey(e); });
    }
    if (db.keys.empty() && db.expires.empty()) databases_.pop_front();
  }
  return pending();
}

}  // namespace respd::store

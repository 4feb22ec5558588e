#include "store/keyspace.h"

#include "store/value.h"

namespace respd::store {

Keyspace::Keyspace(int databases, const base::Clock& clock, const base::HashSeed& seed)
    : clock_(&clock), seed_(seed) {
  databases_.reserve(static_cast<size_t>(databases));
  for (int i = 0; i < databases; ++i) databases_.push_back(std::make_unique<Database>(i, *this));
}

Keyspace::~Keyspace() {
  // The databases' destructors free their keys; the reclaimer (destroyed
  // last) frees what they had handed over.
  databases_.clear();
}

void Keyspace::Flush(int index, bool async) {
  Database& d = db(index);
  events_.EmitFlush(d);
  if (async) {
    lazy_free_.AddDatabase(d.Detach());
  } else {
    d.Clear();
  }
}

void Keyspace::Swap(int a, int b) {
  events_.EmitSwap(db(a), db(b));
  db(a).SwapWith(db(b));
}

void Keyspace::Dispose(KeyEntry* e, bool lazy) {
  if (lazy && FreeEffort(*e) > kLazyFreeThreshold) {
    lazy_free_.AddEntry(e);
  } else {
    DestroyEntry(e);
  }
}

}  // namespace respd::store

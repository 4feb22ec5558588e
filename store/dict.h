// The dict: a chained hash table with incremental rehashing, a SCAN cursor
// that survives rehashing, and random sampling — what Redis semantics need and
// general-purpose maps do not give.
//
// Intrusive: the dict stores pointers to the caller's entries and links them
// through a `next` field inside each entry, so an entry is one allocation
// (key, value and link together) and the table adds 8 bytes per bucket. The
// caller owns the entries; the dict never allocates or frees one.
//
// `Traits` supplies:
//   using Entry = ...;
//   static std::string_view Key(const Entry*);
//   static Entry*& Next(Entry*);
//
// Incremental rehashing: growing or shrinking allocates the new table and
// then moves one bucket per lookup/insert/delete (visiting at most ten empty
// buckets), plus whatever RehashFor() is given by the server's cron. No call
// moves more than that, so a 10M-key table grows without a latency spike.
//
// SCAN (Redis's reverse-binary cursor): every entry present for the whole scan
// is returned at least once, even when the table grows or shrinks between
// calls; entries may be returned more than once.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <utility>

#include "base/siphash.h"

namespace respd::store {

// A dict's tables taken out whole (Dict::Detach), to be emptied a bounded
// amount at a time: the lazy free of a flushed database. Owns the bucket
// arrays, not the entries: FreeSome hands each entry to the caller, and the
// owner must drain it (FreeSome until empty) before destroying it.
template <typename Traits>
class DetachedTable {
 public:
  using Entry = typename Traits::Entry;

  DetachedTable() = default;
  DetachedTable(Entry** tables[2], const size_t sizes[2], size_t count)
      : tables_{tables[0], tables[1]}, size_{sizes[0], sizes[1]}, left_(count) {}
  DetachedTable(DetachedTable&& other) noexcept { *this = std::move(other); }
  DetachedTable& operator=(DetachedTable&& other) noexcept {
    std::swap(tables_, other.tables_);
    std::swap(size_, other.size_);
    std::swap(left_, other.left_);
    std::swap(table_, other.table_);
    std::swap(bucket_, other.bucket_);
    return *this;
  }
  ~DetachedTable() {
    std::free(tables_[0]);
    std::free(tables_[1]);
  }

  // Entries not yet handed out.
  size_t size() const { return left_; }
  bool empty() const { return left_ == 0; }

  // Hands entries to free_entry(Entry*), bucket by bucket, resuming where
  // the last call stopped, for at most `budget` units of work (an entry is
  // one unit, 16 empty buckets are one), and returns the units used. Frees
  // the bucket arrays once the last entry is out.
  template <typename Fn>
  size_t FreeSome(size_t budget, Fn&& free_entry) {
    size_t used = 0;
    size_t empty_buckets = 0;
    while (table_ < 2) {
      if (left_ == 0) {
        std::free(tables_[0]);
        std::free(tables_[1]);
        tables_[0] = tables_[1] = nullptr;
        table_ = 2;
        break;
      }
      if (used >= budget) break;
      if (bucket_ >= size_[table_]) {
        ++table_;
        bucket_ = 0;
        continue;
      }
      Entry*& head = tables_[table_][bucket_];
      if (head == nullptr) {
        ++bucket_;
        if (++empty_buckets % 16 == 0) ++used;
        continue;
      }
      Entry* e = head;
      head = Traits::Next(e);
      free_entry(e);
      --left_;
      ++used;
    }
    return used;
  }

 private:
  Entry** tables_[2] = {nullptr, nullptr};
  size_t size_[2] = {0, 0};
  size_t left_ = 0;
  int table_ = 0;
  size_t bucket_ = 0;
};

template <typename Traits>
class Dict {
 public:
  using Entry = typename Traits::Entry;

  // Where an entry is linked: the pointer that points at it (a bucket or the
  // previous entry's `next`). Valid until the dict is next modified.
  struct Slot {
    Entry** link = nullptr;
    int table = 0;
    explicit operator bool() const { return link != nullptr; }
    Entry* entry() const { return *link; }
  };

  static constexpr size_t kInitialSize = 4;
  // Redis's HASHTABLE_MIN_FILL: shrink when less than 10% of buckets are used.
  static constexpr size_t kMinFillPercent = 10;

  explicit Dict(const base::HashSeed& seed)
      : seed_(&seed), rng_(seed.bytes[0] * 0x9E3779B97F4A7C15ULL + 1) {}
  ~Dict() {
    std::free(tables_[0]);
    std::free(tables_[1]);
  }
  Dict(const Dict&) = delete;
  Dict& operator=(const Dict&) = delete;

  // Exchanges contents with `other` (SWAPDB). Both must share a seed.
  void Swap(Dict& other) {
    std::swap(tables_, other.tables_);
    std::swap(size_, other.size_);
    std::swap(used_, other.used_);
    std::swap(rehash_idx_, other.rehash_idx_);
  }

  size_t size() const { return used_[0] + used_[1]; }
  bool empty() const { return size() == 0; }
  size_t bucket_count() const { return size_[0] + size_[1]; }
  bool rehashing() const { return rehash_idx_ >= 0; }
  // Bytes of bucket arrays (the entries are the caller's).
  size_t MemoryUsage() const { return bucket_count() * sizeof(Entry*); }

  uint64_t Hash(std::string_view key) const { return base::HashKey(key, *seed_); }

  // Warming, for callers about to look up several keys (a pipeline): first
  // the bucket slots of all of them, then the entries those slots point at,
  // so the cache misses of many lookups overlap instead of queueing one
  // after another. They change nothing.
  void PrefetchSlot(uint64_t h) const {
    for (int t = 0; t <= 1 && size_[t] != 0; ++t) {
      __builtin_prefetch(&tables_[t][h & (size_[t] - 1)]);
      if (!rehashing()) break;
    }
  }
  // Returns a byte of the entry (or 0) that the caller folds into a value it
  // keeps: a real load, not a prefetch instruction. On the machines measured
  // (KVM guests) prefetch hints for random heap lines were dropped, while
  // plain independent loads overlap in the out-of-order core.
  unsigned TouchEntry(uint64_t h) const {
    unsigned sink = 0;
    for (int t = 0; t <= 1 && size_[t] != 0; ++t) {
      const Entry* e = tables_[t][h & (size_[t] - 1)];
      if (e != nullptr) {
        // The key's last byte: the lookup compares the key, which may start
        // on the entry's first cache line and end on its second.
        const std::string_view key = Traits::Key(e);
        if (!key.empty()) sink += static_cast<unsigned char>(key.back());
      }
      if (!rehashing()) break;
    }
    return sink;
  }

  Entry* Find(std::string_view key) {
    Slot s = FindSlot(key);
    return s ? *s.link : nullptr;
  }

  Slot FindSlot(std::string_view key) {
    if (empty()) return {};
    RehashStep();
    const uint64_t h = Hash(key);
    for (int t = 0; t <= 1; ++t) {
      if (size_[t] == 0) break;
      Entry** link = &tables_[t][h & (size_[t] - 1)];
      while (*link != nullptr) {
        if (Traits::Key(*link) == key) return {link, t};
        link = &Traits::Next(*link);
      }
      if (!rehashing()) break;
    }
    return {};
  }

  // Links `e` in. Its key must not be present (callers look up first).
  void Insert(Entry* e) {
    RehashStep();
    ExpandIfNeeded();
    const int t = rehashing() ? 1 : 0;
    Entry*& bucket = tables_[t][Hash(Traits::Key(e)) & (size_[t] - 1)];
    Traits::Next(e) = bucket;
    bucket = e;
    ++used_[t];
  }

  // Unlinks the entry at `slot` (from FindSlot) and returns it.
  Entry* Unlink(Slot slot) {
    Entry* e = *slot.link;
    *slot.link = Traits::Next(e);
    Traits::Next(e) = nullptr;
    --used_[slot.table];
    return e;
  }

  // Unlinks the entry with `key`; returns it, or nullptr if absent.
  Entry* Remove(std::string_view key) {
    Slot s = FindSlot(key);
    return s ? Unlink(s) : nullptr;
  }

  // Puts `replacement` where the entry at `slot` was: for an entry that was
  // reallocated (moved). `replacement` must carry the old entry's `next`.
  static void Replace(Slot slot, Entry* replacement) { *slot.link = replacement; }

  // Unlinks every entry, calling free_entry(Entry*) on each, and releases the
  // tables.
  template <typename Fn>
  void Clear(Fn&& free_entry) {
    for (int t = 0; t <= 1; ++t) {
      for (size_t i = 0; i < size_[t]; ++i) {
        Entry* e = tables_[t][i];
        while (e != nullptr) {
          Entry* next = Traits::Next(e);
          free_entry(e);
          e = next;
        }
      }
      std::free(tables_[t]);
      tables_[t] = nullptr;
      size_[t] = used_[t] = 0;
    }
    rehash_idx_ = -1;
  }

  // Takes every entry out with the tables, leaving the dict empty (as new),
  // in O(1): the caller frees them from the DetachedTable at its own pace.
  DetachedTable<Traits> Detach() {
    DetachedTable<Traits> out(tables_, size_, size());
    tables_[0] = tables_[1] = nullptr;
    size_[0] = size_[1] = used_[0] = used_[1] = 0;
    rehash_idx_ = -1;
    return out;
  }

  // Calls fn(Entry*) for every entry. fn must not modify the dict.
  template <typename Fn>
  void ForEach(Fn&& fn) {
    ++pause_rehash_;
    for (int t = 0; t <= 1; ++t) {
      for (size_t i = 0; i < size_[t]; ++i) {
        for (Entry* e = tables_[t][i]; e != nullptr; e = Traits::Next(e)) fn(e);
      }
    }
    --pause_rehash_;
  }

  // One SCAN step: calls fn(Entry*) for the entries of the bucket(s) at
  // `cursor` and returns the next cursor (0 when the scan is complete). fn
  // must not modify the dict.
  template <typename Fn>
  uint64_t Scan(uint64_t cursor, Fn&& fn) {
    if (empty()) return 0;
    ++pause_rehash_;
    uint64_t v = cursor;
    if (!rehashing()) {
      const uint64_t m0 = size_[0] - 1;
      EmitBucket(tables_[0][v & m0], fn);
      v = NextCursor(v, m0);
    } else {
      // Visit the bucket in the smaller table, then every bucket of the
      // larger table that it expands to.
      const int small = size_[0] <= size_[1] ? 0 : 1;
      const int large = 1 - small;
      const uint64_t m0 = size_[small] - 1;
      const uint64_t m1 = size_[large] - 1;
      EmitBucket(tables_[small][v & m0], fn);
      do {
        EmitBucket(tables_[large][v & m1], fn);
        v = NextCursor(v, m1);
      } while (v & (m0 ^ m1));
    }
    --pause_rehash_;
    return v;
  }

  // A random entry, or nullptr if empty. Buckets are chosen uniformly, then
  // an entry within the chain: close to uniform while chains stay short.
  Entry* RandomEntry() {
    if (empty()) return nullptr;
    RehashStep();
    Entry* head = nullptr;
    if (rehashing()) {
      // Buckets below rehash_idx_ in table 0 are empty by construction.
      const size_t skip = static_cast<size_t>(rehash_idx_);
      const size_t span = size_[0] + size_[1] - skip;
      do {
        const size_t h = skip + static_cast<size_t>(NextRandom() % span);
        head = h >= size_[0] ? tables_[1][h - size_[0]] : tables_[0][h];
      } while (head == nullptr);
    } else {
      do {
        head = tables_[0][NextRandom() & (size_[0] - 1)];
      } while (head == nullptr);
    }
    size_t len = 0;
    for (Entry* e = head; e != nullptr; e = Traits::Next(e)) ++len;
    size_t pick = static_cast<size_t>(NextRandom() % len);
    Entry* e = head;
    while (pick-- > 0) e = Traits::Next(e);
    return e;
  }

  // Fills out[0..count) with up to `count` distinct entries from a random
  // stretch of buckets (fast, not uniform: for sampling such as active expiry
  // or eviction). Returns how many were stored.
  //
  // Each bucket index is walked at most once per call, wrapping around, so no
  // entry is stored twice: a caller may delete every entry it was given. (A
  // walk that jumps to random places, as Redis's dictGetSomeKeys does, can
  // land on buckets it already took; while a shrink is in progress it kept
  // jumping back to rehash_idx_ and returned one entry several times.)
  size_t Sample(Entry** out, size_t count) {
    count = std::min(count, size());
    if (count == 0) return 0;
    for (size_t i = 0; i < count && rehashing(); ++i) RehashStep();
    const int tables = rehashing() ? 2 : 1;
    const uint64_t max_mask = std::max(size_[0], tables == 2 ? size_[1] : 0) - 1;
    const auto moved = static_cast<uint64_t>(tables == 2 ? rehash_idx_ : 0);
    uint64_t i = NextRandom() & max_mask;
    uint64_t left = max_mask + 1;  // Indexes not walked yet.
    size_t empty_budget = count * 10;
    size_t stored = 0;
    while (left > 0 && empty_budget > 0) {
      if (i < moved && i >= size_[1]) {
        // Table 0 was moved up to rehash_idx_ and table 1 (the smaller, in
        // a shrink) has no such bucket: nothing lives here; skip ahead.
        const uint64_t skip = std::min(moved - i, left);
        left -= skip;
        i = (i + skip) & max_mask;
        continue;
      }
      bool found = false;
      for (int t = 0; t < tables; ++t) {
        if (i >= size_[t] || (t == 0 && i < moved)) continue;
        for (Entry* e = tables_[t][i]; e != nullptr; e = Traits::Next(e)) {
          found = true;
          out[stored++] = e;
          if (stored == count) return stored;
        }
      }
      if (!found) --empty_budget;
      --left;
      i = (i + 1) & max_mask;
    }
    return stored;
  }

  // Moves up to n buckets to the new table. Returns true while more remain.
  bool Rehash(size_t n) {
    if (!rehashing()) return false;
    size_t empty_visits = n * 10;
    while (n-- > 0 && used_[0] != 0) {
      while (tables_[0][rehash_idx_] == nullptr) {
        ++rehash_idx_;
        if (--empty_visits == 0) return true;
      }
      Entry* e = tables_[0][rehash_idx_];
      while (e != nullptr) {
        Entry* next = Traits::Next(e);
        Entry*& bucket = tables_[1][Hash(Traits::Key(e)) & (size_[1] - 1)];
        Traits::Next(e) = bucket;
        bucket = e;
        --used_[0];
        ++used_[1];
        e = next;
      }
      tables_[0][rehash_idx_++] = nullptr;
    }
    if (used_[0] == 0) {
      std::free(tables_[0]);
      tables_[0] = tables_[1];
      size_[0] = size_[1];
      used_[0] = used_[1];
      tables_[1] = nullptr;
      size_[1] = used_[1] = 0;
      rehash_idx_ = -1;
      return false;
    }
    return true;
  }

  // Shrinks the table when it is mostly empty (the server's cron calls this);
  // the move itself is incremental. Returns true if a resize started.
  bool ShrinkIfSparse() {
    if (rehashing() || size_[0] <= kInitialSize) return false;
    if (used_[0] * 100 / size_[0] >= kMinFillPercent) return false;
    return Resize(std::max(used_[0], kInitialSize));
  }

  // Starts a resize to the smallest power of two >= `min_size`. Fails while
  // rehashing, or if the entries would not fit.
  bool Resize(size_t min_size) {
    if (rehashing() || used_[0] > min_size) return false;
    const size_t real = std::bit_ceil(std::max(min_size, kInitialSize));
    if (real == size_[0]) return false;
    auto* table = static_cast<Entry**>(std::calloc(real, sizeof(Entry*)));
    if (table == nullptr) std::abort();  // Out of memory: nothing sane to do.
    if (tables_[0] == nullptr) {
      tables_[0] = table;
      size_[0] = real;
      return true;
    }
    tables_[1] = table;
    size_[1] = real;
    rehash_idx_ = 0;
    return true;
  }

 private:
  static uint64_t NextCursor(uint64_t v, uint64_t mask) {
    // Increment the cursor's reversed bits: the high bits of an index change
    // fastest, so buckets that split or merge when the table doubles or halves
    // are visited together and the scan neither misses nor loops.
    v |= ~mask;
    v = ReverseBits(v);
    ++v;
    return ReverseBits(v);
  }

  static uint64_t ReverseBits(uint64_t v) {
    v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
    v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
    v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((v & 0x0F0F0F0F0F0F0F0FULL) << 4);
    return __builtin_bswap64(v);
  }

  template <typename Fn>
  static void EmitBucket(Entry* e, Fn& fn) {
    while (e != nullptr) {
      Entry* next = Traits::Next(e);
      fn(e);
      e = next;
    }
  }

  void RehashStep() {
    if (pause_rehash_ == 0 && rehashing()) Rehash(1);
  }

  void ExpandIfNeeded() {
    if (rehashing()) return;
    if (size_[0] == 0) {
      Resize(kInitialSize);
      return;
    }
    if (used_[0] >= size_[0]) Resize(used_[0] + 1);
  }

  uint64_t NextRandom() {
    // xorshift64*: fast, and good enough to pick buckets.
    rng_ ^= rng_ >> 12;
    rng_ ^= rng_ << 25;
    rng_ ^= rng_ >> 27;
    return rng_ * 0x2545F4914F6CDD1DULL;
  }

  const base::HashSeed* seed_;
  Entry** tables_[2] = {nullptr, nullptr};
  size_t size_[2] = {0, 0};
  size_t used_[2] = {0, 0};
  int64_t rehash_idx_ = -1;  // Next bucket of table 0 to move; -1 when not rehashing.
  int pause_rehash_ = 0;
  uint64_t rng_;
};

}  // namespace respd::store

// One keyspace (Redis's "database"): the keys, their values and their expiry.
//
// Two dicts, as in Redis: `keys_` holds every KeyEntry; `expires_` indexes the
// entries that have a deadline, so active expiry samples only keys that can
// expire. The deadline itself lives inside the entry (a key without one pays
// nothing for it), and an index node is just a pointer to the entry.
//
// Expiry is lazy and active: any lookup of a key whose deadline has passed
// deletes it and reports it absent; ActiveExpireStep() samples the index and
// deletes what has expired, for the server's cron to call within a time
// budget. Time comes from the injected Clock.
//
// The store speaks in values and OpStatus, never in protocol.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "store/dict.h"
#include "store/key_entry.h"
#include "store/op_result.h"

namespace respd::store {

struct DatabaseStats {
  uint64_t expired_keys = 0;     // Keys deleted because their deadline passed.
  uint64_t keyspace_hits = 0;    // Reads (FindForRead, GetString) that found the key…
  uint64_t keyspace_misses = 0;  // …and that did not.
};

class Database;

// Told of every change to a key, so the server can break WATCHes. Installed
// per database only while someone cares (no cost otherwise).
class KeyspaceObserver {
 public:
  virtual ~KeyspaceObserver() = default;
  // `key` was written, deleted or expired in `db`; called after the change.
  virtual void OnKeyModified(Database& db, std::string_view key) = 0;
};

struct ExpireStepResult {
  size_t sampled = 0;
  size_t expired = 0;
};

class Database {
 public:
  Database(int id, const base::Clock& clock, const base::HashSeed& seed);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Keys held, including expired ones not yet reclaimed (as Redis's DBSIZE).
  size_t size() const { return keys_.size(); }
  size_t expires_size() const { return expires_.size(); }
  const DatabaseStats& stats() const { return stats_; }
  void ResetStats() { stats_ = DatabaseStats{}; }
  // Estimated mean remaining TTL of keys with one, in ms (INFO keyspace
  // avg_ttl): a running average over what active expiry samples, as Redis.
  int64_t avg_ttl_ms() const { return expires_.empty() ? 0 : avg_ttl_ms_; }
  int id() const { return id_; }
  void set_observer(KeyspaceObserver* observer) { observer_ = observer; }
  // While set, lookups leave access clocks alone (CLIENT NO-TOUCH).
  void set_touch_disabled(bool disabled) { touch_disabled_ = disabled; }
  KeyspaceObserver* observer() const { return observer_; }

  // Cache warming for a batch of lookups (see Dict::PrefetchSlot): call
  // PrefetchSlot for every key, then TouchEntry with the hashes it gave.
  uint64_t PrefetchSlot(std::string_view key) const {
    const uint64_t h = keys_.Hash(key);
    keys_.PrefetchSlot(h);
    return h;
  }
  unsigned TouchEntry(uint64_t hash) const { return keys_.TouchEntry(hash); }

  // How Find treats the key's access clock (OBJECT IDLETIME, LRU): most
  // commands touch it; OBJECT, TYPE, EXISTS and TTL do not, as in Redis.
  enum class Touch : uint8_t { kYes, kNo };

  // The entry for `key`, or nullptr. A key past its deadline is deleted here
  // and reported absent. The pointer is valid until the next write.
  KeyEntry* Find(std::string_view key, Touch touch = Touch::kYes);
  // As Find, for commands that read the key: counts a keyspace hit or miss.
  KeyEntry* FindForRead(std::string_view key, Touch touch = Touch::kYes);

  // The access clock now (seconds modulo 2^24), and the idle seconds of an
  // entry by it (OBJECT IDLETIME).
  uint32_t LruClock() const {
    return static_cast<uint32_t>(clock_->NowMs() / 1000) & KeyEntry::kLruClockMax;
  }
  uint64_t IdleSeconds(const KeyEntry* e) const;

  // The string at `key` (a read, so counted like FindForRead): kKeyNotFound,
  // or kWrongType for another type. The view is valid until the next write.
  OpResult<std::string_view> GetString(std::string_view key);

  enum class TtlMode : uint8_t {
    kClear,  // The new value has no deadline (plain SET).
    kKeep,   // Keep the old deadline, if any (SET … KEEPTTL).
    kSet,    // Use expire_at (SET … EX/PX/EXAT/PXAT).
  };
  // Stores a string under `key`, replacing any value of any type, and
  // returns its entry (valid until the next write), written whole.
  KeyEntry* SetString(std::string_view key, std::string_view value, TtlMode mode,
                      int64_t expire_at = KeyEntry::kNoExpire);

  // Resizes the string at `key` (which must exist and be a string) to
  // `new_len` bytes, keeping its prefix and deadline, and returns the entry
  // so the caller can write the value bytes (APPEND, SETRANGE, INCR).
  // `greedy` reserves room for further growth.
  KeyEntry* ResizeString(std::string_view key, size_t new_len, bool greedy);

  // Deletes `key`; false if it was absent (or had just expired).
  bool Delete(std::string_view key);

  // Sets the deadline (unix ms) of an existing key; false if absent.
  bool SetExpire(std::string_view key, int64_t expire_at);
  // Removes the deadline; false if the key is absent or had none.
  bool Persist(std::string_view key);

  // Deletes every key (observers are not told: FLUSHDB's caller knows).
  void Clear();

  // RENAME / RENAMENX: moves the value and deadline of `src` to `dst`,
  // replacing what `dst` held unless `only_if_absent`.
  enum class RenameResult : uint8_t { kRenamed, kNoSuchKey, kSameKey, kTargetExists };
  RenameResult Rename(std::string_view src, std::string_view dst, bool only_if_absent);
  // MOVE: moves `key` (value and deadline) to `dst`. False if it is absent
  // here or already present there.
  bool MoveTo(std::string_view key, Database& dst);
  // COPY: copies `src` to `dst_key` in `dst` (which may be this database).
  // kKeyNotFound if `src` is absent; false if `dst_key` exists and not
  // `replace`.
  OpResult<bool> CopyTo(std::string_view src, Database& dst, std::string_view dst_key,
                        bool replace);
  // SWAPDB: exchanges all keys with `other` (ids and observers stay).
  void SwapWith(Database& other);

  // Whether `key` is in the table, expired or not; never deletes (WATCH).
  bool ContainsKey(std::string_view key) { return keys_.Find(key) != nullptr; }
  // Whether `key` is in the table but past its deadline; never deletes.
  bool IsKeyExpired(std::string_view key) {
    const KeyEntry* e = keys_.Find(key);
    return e != nullptr && IsExpired(e);
  }

  bool IsExpired(const KeyEntry* e) const {
    return e->has_expire() && clock_->NowMs() > e->expire_at();
  }

  // One SCAN step over the keys; see Dict::Scan. fn(const KeyEntry*) may not
  // write to the database; expired keys are passed too (filter with IsExpired).
  template <typename Fn>
  uint64_t Scan(uint64_t cursor, Fn&& fn) {
    return keys_.Scan(cursor, [&fn](KeyEntry* e) { fn(static_cast<const KeyEntry*>(e)); });
  }
  // Calls fn(const KeyEntry*) for every key, expired ones included.
  template <typename Fn>
  void ForEach(Fn&& fn) {
    keys_.ForEach([&fn](KeyEntry* e) { fn(static_cast<const KeyEntry*>(e)); });
  }

  // A random live key, or nullptr when there is none. Expired keys met on
  // the way are deleted.
  const KeyEntry* RandomKey();

  // Looks at about `count` keys that have a deadline (the next ones in a
  // cursor walk of the index) and deletes the expired ones among them. The
  // server repeats this while many were expired.
  ExpireStepResult ActiveExpireStep(size_t count);

  // Background maintenance for the cron: moves up to `buckets` buckets of any
  // table being rehashed; true while more remain.
  bool RehashStep(size_t buckets);
  // Starts shrinking tables that are mostly empty.
  void ShrinkIfSparse();

  // Bytes held by the tables and entries (approximate: allocator-reported).
  size_t TableMemoryUsage() const { return keys_.MemoryUsage() + expires_.MemoryUsage(); }

 private:
  // A node of the expires index: the dict link and the entry it stands for.
  struct ExpireRef {
    ExpireRef* next;
    KeyEntry* entry;
  };
  struct ExpireRefTraits {
    using Entry = ExpireRef;
    static std::string_view Key(const ExpireRef* r) { return r->entry->key(); }
    static ExpireRef*& Next(ExpireRef* r) { return r->next; }
  };

  // After `old_entry` (linked at `slot`) was replaced by `e` — possibly the
  // same address, possibly with a different deadline — point the keyspace
  // and the expires index at `e`. `ref` is the index node found before the
  // change, or nullptr if the old entry had no deadline.
  void Relink(Dict<KeyEntryTraits>::Slot slot, KeyEntry* e, ExpireRef* ref);
  // Links a new entry (whose key is absent) into both dicts.
  void Link(KeyEntry* e);
  // Unlinks the entry at `slot` from both dicts and returns it.
  KeyEntry* UnlinkAt(Dict<KeyEntryTraits>::Slot slot);
  void Notify(std::string_view key) {
    if (observer_ != nullptr) observer_->OnKeyModified(*this, key);
  }
  void DeleteAt(Dict<KeyEntryTraits>::Slot slot);
  // Deletes the entry if it is past its deadline; true if it did.
  bool ExpireIfNeeded(Dict<KeyEntryTraits>::Slot slot);

  const int id_;
  const base::Clock* clock_;
  KeyspaceObserver* observer_ = nullptr;
  bool touch_disabled_ = false;
  Dict<KeyEntryTraits> keys_;
  Dict<ExpireRefTraits> expires_;
  DatabaseStats stats_;
  uint64_t expire_cursor_ = 0;            // Where active expiry resumes.
  int64_t avg_ttl_ms_ = 0;                // See avg_ttl_ms().
  std::vector<ExpireRef*> expire_batch_;  // Reused by ActiveExpireStep.
};

}  // namespace respd::store

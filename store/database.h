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
// budget. Time comes from the Keyspace's clock.
//
// The database is type-agnostic: values are created and changed by the type
// APIs (store/types/), which find a key with FindForWrite, change or replace
// its entry, Commit it, and Emit their event. Generic operations (delete,
// expire, rename, move, copy) emit theirs here. Every change reaches the
// Keyspace's KeyEvents listeners after it is made.
//
// The store speaks in values and OpStatus, never in protocol.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "store/dict.h"
#include "store/key_entry.h"
#include "store/key_events.h"
#include "store/op_result.h"

namespace respd::store {

class Keyspace;

struct DatabaseStats {
  uint64_t expired_keys = 0;     // Keys deleted because their deadline passed.
  uint64_t keyspace_hits = 0;    // Reads (FindForRead) that found the key…
  uint64_t keyspace_misses = 0;  // …and that did not.
};

struct ExpireStepResult {
  size_t sampled = 0;
  size_t expired = 0;
};

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

// A database's contents taken out whole, for the lazy reclaimer.
struct DetachedDatabase {
  DetachedTable<KeyEntryTraits> keys;
  DetachedTable<ExpireRefTraits> expires;
};

class Database {
 public:
  Database(int id, Keyspace& keyspace);
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
  Keyspace& keyspace() const { return *keyspace_; }
  // While set, lookups leave access clocks alone (CLIENT NO-TOUCH).
  void set_touch_disabled(bool disabled) { touch_disabled_ = disabled; }
  // While set (CLIENT PAUSE), reads do not delete expired keys: they report
  // them absent. Writes still do, so a key is never in the table twice.
  void set_expiry_paused(bool paused) { expiry_paused_ = paused; }
  bool expiry_paused() const { return expiry_paused_; }

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
  KeyEntry* Find(std::string_view key, Touch touch = Touch::kYes) {
    auto slot = keys_.FindSlot(key);
    if (!slot) return nullptr;
    KeyEntry* e = slot.entry();
    // While clients are paused an expired key reads as absent but stays.
    if (e->has_expire() && (expiry_paused_ ? IsExpired(e) : ExpireIfNeeded(slot))) return nullptr;
    if (touch == Touch::kYes && !touch_disabled_) e->set_lru(LruClock());
    return e;
  }
  // Whether a read that finds nothing emits kKeyMiss (Redis's
  // LOOKUP_NONOTIFY is kNo: OBJECT's lookups).
  enum class MissEvent : uint8_t { kYes, kNo };
  // As Find, for commands that read the key: counts a keyspace hit or miss.
  KeyEntry* FindForRead(std::string_view key, Touch touch = Touch::kYes,
                        MissEvent miss = MissEvent::kYes) {
    KeyEntry* e = Find(key, touch);
    if (e != nullptr) {
      ++stats_.keyspace_hits;
    } else {
      ++stats_.keyspace_misses;
      if (miss == MissEvent::kYes) Emit(KeyEvent::kKeyMiss, key);
    }
    return e;
  }

  // The access clock now (seconds modulo 2^24), and the idle seconds of an
  // entry by it (OBJECT IDLETIME).
  uint32_t LruClock() const {
    return static_cast<uint32_t>(NowMs() / 1000) & KeyEntry::kLruClockMax;
  }
  uint64_t IdleSeconds(const KeyEntry* e) const;

  // --- Writing values (the type APIs' primitives) -------------------------

  // A key looked up for writing, as Redis's lookupKeyWrite: a key past its
  // deadline is deleted first. Valid until the database next changes: the
  // caller changes the entry, then Commits or Overwrites, and touches no
  // other key in between.
  class WriteSlot {
   public:
    // The live entry, or nullptr when the key is absent.
    KeyEntry* entry() const { return slot_ ? slot_.entry() : nullptr; }
    explicit operator bool() const { return static_cast<bool>(slot_); }

   private:
    friend class Database;
    Dict<KeyEntryTraits>::Slot slot_;
    ExpireRef* ref_ = nullptr;  // The index node, if the entry had a deadline.
  };
  WriteSlot FindForWrite(std::string_view key) {
    WriteSlot w;
    w.slot_ = keys_.FindSlot(key);
    if (w.slot_ && w.slot_.entry()->has_expire()) FindForWriteWithDeadline(key, &w);
    return w;
  }

  // Makes `e` the key's entry: for a found key, `e` is its entry after an
  // in-place change (the same address, or where KeyEntry moved it); for an
  // absent key, a new entry for it (which emits kNew). Indexes the deadline,
  // touches the access clock, and returns `e`.
  KeyEntry* Commit(WriteSlot& slot, KeyEntry* e) {
    e->set_lru(LruClock());
    if (slot.slot_ && slot.ref_ == nullptr && !e->has_expire()) {
      Dict<KeyEntryTraits>::Replace(slot.slot_, e);  // Nothing to index.
      slot = {};                                     // Spent: the dict may change from here on.
    } else {
      CommitSlow(slot, e);
    }
    return e;
  }
  // Replaces the found key's entry by `fresh` (another value, or the same
  // value rebuilt), freeing the old one (through the reclaimer when
  // lazyfree-lazy-server-del says so and it is big). Returns `fresh`.
  KeyEntry* Overwrite(WriteSlot& slot, KeyEntry* fresh);

  // Tells the listeners that `key` changed as `event` says (no cost when
  // nobody listens). The type APIs call this after committing.
  void Emit(KeyEvent event, std::string_view key) {
    if (!events_->empty()) events_->Emit(*this, key, event);
  }

  // --- Generic operations --------------------------------------------------

  // Deletes `key` (emits kDel); false if it was absent (or had just
  // expired). A big value is freed by the reclaimer when `lazy` (UNLINK,
  // lazyfree-lazy-user-del).
  bool Delete(std::string_view key, bool lazy = false);

  // Sets the deadline (unix ms) of an existing key (emits kExpire); false if
  // absent.
  bool SetExpire(std::string_view key, int64_t expire_at);
  // Removes the deadline (emits kPersist); false if the key is absent or had
  // none.
  bool Persist(std::string_view key);

  // RENAME / RENAMENX: moves the value and deadline of `src` to `dst` in
  // O(1) whatever the value's size, replacing what `dst` held unless
  // `only_if_absent` (emits rename_from, rename_to).
  enum class RenameResult : uint8_t { kRenamed, kNoSuchKey, kSameKey, kTargetExists };
  RenameResult Rename(std::string_view src, std::string_view dst, bool only_if_absent);
  // MOVE: moves `key` (its entry, as it is) to `dst`. False if it is absent
  // here or already present there (emits move_from, move_to).
  bool MoveTo(std::string_view key, Database& dst);
  // COPY: copies `src` to `dst_key` in `dst` (which may be this database).
  // kKeyNotFound if `src` is absent; false if `dst_key` exists and not
  // `replace` (emits copy_to).
  OpResult<bool> CopyTo(std::string_view src, Database& dst, std::string_view dst_key,
                        bool replace);

  // Deletes every key now, without per-key events (Keyspace::Flush tells the
  // listeners).
  void Clear();
  // Takes every key out in O(1), leaving the database empty, for the
  // reclaimer to free (Keyspace::Flush with async).
  DetachedDatabase Detach();
  // SWAPDB: exchanges all keys with `other` (ids stay; Keyspace::Swap tells
  // the listeners).
  void SwapWith(Database& other);

  // Whether `key` is in the table, expired or not; never deletes (WATCH).
  bool ContainsKey(std::string_view key) { return keys_.Find(key) != nullptr; }
  // Whether `key` is in the table but past its deadline; never deletes.
  bool IsKeyExpired(std::string_view key) {
    const KeyEntry* e = keys_.Find(key);
    return e != nullptr && IsExpired(e);
  }
  bool IsExpired(const KeyEntry* e) const { return e->has_expire() && NowMs() > e->expire_at(); }

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

  // Bytes held by the tables (the bucket arrays; entries are counted per key).
  size_t TableMemoryUsage() const { return keys_.MemoryUsage() + expires_.MemoryUsage(); }

 private:
  // After the entry at `slot` was replaced by `e` — possibly the same
  // address, possibly with a different deadline — point the keyspace and the
  // expires index at `e`. `ref` is the index node found before the change,
  // or nullptr if the old entry had no deadline.
  void Relink(Dict<KeyEntryTraits>::Slot slot, KeyEntry* e, ExpireRef* ref);
  // Links a new entry (whose key is absent) into both dicts; emits kNew.
  void Link(KeyEntry* e);
  // Unlinks the entry at `slot` from both dicts and returns it.
  KeyEntry* UnlinkAt(Dict<KeyEntryTraits>::Slot slot);
  // Unlinks and frees the entry at `slot` (through the reclaimer if `lazy`
  // and big), then emits `event` for its key.
  void DeleteAt(Dict<KeyEntryTraits>::Slot slot, KeyEvent event, bool lazy);
  // Deletes the entry if it is past its deadline (emits kExpired); true if
  // it did.
  bool ExpireIfNeeded(Dict<KeyEntryTraits>::Slot slot);
  int64_t NowMs() const { return clock_->NowMs(); }
  // FindForWrite's and Commit's rarer cases: a key with a deadline (it may
  // have expired; its index node must be found), and a commit that changes
  // the index or adds a key. Out of line: the common SET of a key without a
  // deadline stays a few inlined instructions.
  void FindForWriteWithDeadline(std::string_view key, WriteSlot* w);
  void CommitSlow(WriteSlot& slot, KeyEntry* e);

  const int id_;
  Keyspace* keyspace_;
  const base::Clock* clock_;  // The keyspace's, read on every lookup.
  KeyEvents* events_;
  bool touch_disabled_ = false;
  bool expiry_paused_ = false;
  Dict<KeyEntryTraits> keys_;
  Dict<ExpireRefTraits> expires_;
  DatabaseStats stats_;
  uint64_t expire_cursor_ = 0;            // Where active expiry resumes.
  int64_t avg_ttl_ms_ = 0;                // See avg_ttl_ms().
  std::vector<ExpireRef*> expire_batch_;  // Reused by ActiveExpireStep.
};

}  // namespace respd::store

#include "store/database.h"

#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace respd::store {

Database::Database(int id, const base::Clock& clock, const base::HashSeed& seed)
    : id_(id), clock_(&clock), keys_(seed), expires_(seed) {}

Database::~Database() { Clear(); }

void Database::Clear() {
  avg_ttl_ms_ = 0;
  expire_cursor_ = 0;
  expires_.Clear([](ExpireRef* r) { delete r; });
  keys_.Clear([](KeyEntry* e) { KeyEntry::Destroy(e); });
}

void Database::Link(KeyEntry* e) {
  keys_.Insert(e);
  if (e->has_expire()) expires_.Insert(new ExpireRef{nullptr, e});
}

KeyEntry* Database::UnlinkAt(Dict<KeyEntryTraits>::Slot slot) {
  KeyEntry* e = keys_.Unlink(slot);
  // The index node is found by the entry's key, so remove it while the
  // entry (whose bytes the lookup reads) is still alive.
  if (e->has_expire()) delete expires_.Remove(e->key());
  return e;
}

void Database::DeleteAt(Dict<KeyEntryTraits>::Slot slot) {
  KeyEntry* e = UnlinkAt(slot);
  if (observer_ == nullptr) {
    KeyEntry::Destroy(e);
    return;
  }
  // Observers hear of a deletion once it is done, by a key that outlives
  // the entry.
  const std::string key(e->key());
  KeyEntry::Destroy(e);
  Notify(key);
}

bool Database::ExpireIfNeeded(Dict<KeyEntryTraits>::Slot slot) {
  if (!IsExpired(slot.entry())) return false;
  DeleteAt(slot);
  ++stats_.expired_keys;
  return true;
}

KeyEntry* Database::Find(std::string_view key, Touch touch) {
  auto slot = keys_.FindSlot(key);
  if (!slot || ExpireIfNeeded(slot)) return nullptr;
  KeyEntry* e = slot.entry();
  if (touch == Touch::kYes && !touch_disabled_) e->set_lru(LruClock());
  return e;
}

KeyEntry* Database::FindForRead(std::string_view key, Touch touch) {
  KeyEntry* e = Find(key, touch);
  ++(e != nullptr ? stats_.keyspace_hits : stats_.keyspace_misses);
  return e;
}

OpResult<std::string_view> Database::GetString(std::string_view key) {
  const KeyEntry* e = FindForRead(key);
  if (e == nullptr) return OpStatus::kKeyNotFound;
  if (e->type() != ValueType::kString) return OpStatus::kWrongType;
  return e->string_value();
}

void Database::Relink(Dict<KeyEntryTraits>::Slot slot, KeyEntry* e, ExpireRef* ref) {
  Dict<KeyEntryTraits>::Replace(slot, e);
  if (ref != nullptr) {
    // First point the node at the live entry: the index's own lookups read
    // keys through it, and the old address may already be freed.
    ref->entry = e;
    if (!e->has_expire()) delete expires_.Remove(e->key());
  } else if (e->has_expire()) {
    expires_.Insert(new ExpireRef{nullptr, e});
  }
}

KeyEntry* Database::SetString(std::string_view key, std::string_view value, TtlMode mode,
                              int64_t expire_at) {
  auto slot = keys_.FindSlot(key);
  // A key past its deadline is gone before the write, as Redis's
  // lookupKeyWrite has it: otherwise SET … KEEPTTL would carry the dead
  // deadline over and the new value would vanish on its next read.
  if (slot && ExpireIfNeeded(slot)) slot = {};
  if (!slot) {
    KeyEntry* e =
        KeyEntry::CreateString(key, value, mode == TtlMode::kSet ? expire_at : KeyEntry::kNoExpire);
    e->set_lru(LruClock());
    Link(e);
    Notify(key);
    return e;
  }
  KeyEntry* e = slot.entry();
  ExpireRef* ref = e->has_expire() ? expires_.Find(key) : nullptr;
  int64_t new_expire = KeyEntry::kNoExpire;
  if (mode == TtlMode::kSet) new_expire = expire_at;
  if (mode == TtlMode::kKeep) new_expire = e->expire_at();
  if (e->type() == ValueType::kString) {
    // Overwrite in place when the allocation fits: the common SET of a hot
    // key then costs no malloc at all.
    e = KeyEntry::ResizeValue(e, value.size(), /*greedy=*/false);
    if (!value.empty()) std::memcpy(e->mutable_value(), value.data(), value.size());
    e->set_string_form(KeyEntry::StringForm::kWhole);
    e = KeyEntry::SetExpire(e, new_expire);
  } else {
    KeyEntry* fresh = KeyEntry::CreateString(key, value, new_expire);
    fresh->next() = e->next();
    KeyEntry::Destroy(e);
    e = fresh;
  }
  e->set_lru(LruClock());
  Relink(slot, e, ref);
  Notify(key);
  return e;
}

KeyEntry* Database::ResizeString(std::string_view key, size_t new_len, bool greedy) {
  auto slot = keys_.FindSlot(key);
  if (!slot) return nullptr;
  KeyEntry* e = slot.entry();
  ExpireRef* ref = e->has_expire() ? expires_.Find(key) : nullptr;
  e = KeyEntry::ResizeValue(e, new_len, greedy);
  e->set_lru(LruClock());
  Relink(slot, e, ref);
  Notify(key);
  return e;
}

bool Database::Delete(std::string_view key) {
  auto slot = keys_.FindSlot(key);
  if (!slot || ExpireIfNeeded(slot)) return false;
  DeleteAt(slot);
  return true;
}

bool Database::SetExpire(std::string_view key, int64_t expire_at) {
  auto slot = keys_.FindSlot(key);
  if (!slot || ExpireIfNeeded(slot)) return false;
  KeyEntry* e = slot.entry();
  ExpireRef* ref = e->has_expire() ? expires_.Find(key) : nullptr;
  Relink(slot, KeyEntry::SetExpire(e, expire_at), ref);
  Notify(key);
  return true;
}

bool Database::Persist(std::string_view key) {
  auto slot = keys_.FindSlot(key);
  if (!slot || ExpireIfNeeded(slot)) return false;
  KeyEntry* e = slot.entry();
  if (!e->has_expire()) return false;
  ExpireRef* ref = expires_.Find(key);
  Relink(slot, KeyEntry::SetExpire(e, KeyEntry::kNoExpire), ref);
  Notify(key);
  return true;
}

uint64_t Database::IdleSeconds(const KeyEntry* e) const {
  // The clock wraps every 2^24 s (194 days), as Redis's LRU clock.
  const uint32_t now = LruClock();
  const uint32_t then = e->lru();
  return now >= then ? now - then : (KeyEntry::kLruClockMax - then) + now;
}

Database::RenameResult Database::Rename(std::string_view src, std::string_view dst,
                                        bool only_if_absent) {
  auto slot = keys_.FindSlot(src);
  if (!slot || ExpireIfNeeded(slot)) return RenameResult::kNoSuchKey;
  if (src == dst) return RenameResult::kSameKey;
  if (auto target = keys_.FindSlot(dst); target && !ExpireIfNeeded(target)) {
    if (only_if_absent) return RenameResult::kTargetExists;
    KeyEntry::Destroy(UnlinkAt(target));
    // The source's slot may have moved (an unlink can take a rehash step).
    slot = keys_.FindSlot(src);
  }
  KeyEntry* e = UnlinkAt(slot);
  KeyEntry* renamed = KeyEntry::CloneWithKey(e, dst);
  KeyEntry::Destroy(e);
  Link(renamed);
  Notify(src);
  Notify(dst);
  return RenameResult::kRenamed;
}

bool Database::MoveTo(std::string_view key, Database& dst) {
  auto slot = keys_.FindSlot(key);
  if (!slot || ExpireIfNeeded(slot)) return false;
  if (dst.Find(key, Touch::kNo) != nullptr) return false;
  // The entry itself moves: no copy of the value.
  dst.Link(UnlinkAt(keys_.FindSlot(key)));
  Notify(key);
  dst.Notify(key);
  return true;
}

OpResult<bool> Database::CopyTo(std::string_view src, Database& dst, std::string_view dst_key,
                                bool replace) {
  const KeyEntry* e = FindForRead(src);
  if (e == nullptr) return OpStatus::kKeyNotFound;
  KeyEntry* copy = KeyEntry::CloneWithKey(e, dst_key);
  copy->set_lru(dst.LruClock());
  if (auto target = dst.keys_.FindSlot(dst_key); target && !dst.ExpireIfNeeded(target)) {
    if (!replace) {
      KeyEntry::Destroy(copy);
      return false;
    }
    KeyEntry::Destroy(dst.UnlinkAt(target));
  }
  dst.Link(copy);
  dst.Notify(dst_key);
  return true;
}

void Database::SwapWith(Database& other) {
  keys_.Swap(other.keys_);
  expires_.Swap(other.expires_);
  std::swap(expire_cursor_, other.expire_cursor_);
}

const KeyEntry* Database::RandomKey() {
  while (!keys_.empty()) {
    KeyEntry* e = keys_.RandomEntry();
    if (!IsExpired(e)) return e;
    // Copy the key out: deleting frees the bytes the view points at.
    const std::string key(e->key());
    auto slot = keys_.FindSlot(key);
    ExpireIfNeeded(slot);
  }
  return nullptr;
}

ExpireStepResult Database::ActiveExpireStep(size_t count) {
  ExpireStepResult result;
  if (expires_.empty()) {
    avg_ttl_ms_ = 0;  // As Redis: no keys with a TTL, no average.
    return result;
  }
  // Walk the index with a SCAN cursor kept across calls, as Redis 7.0 does:
  // every key with a deadline is looked at in turn, none twice in one step,
  // and empty buckets are bounded (20 per wanted key).
  std::vector<ExpireRef*>& batch = expire_batch_;
  batch.clear();
  size_t buckets_left = count * 20;
  do {
    expire_cursor_ = expires_.Scan(expire_cursor_, [&batch](ExpireRef* r) { batch.push_back(r); });
  } while (batch.size() < count && expire_cursor_ != 0 && --buckets_left > 0);
  result.sampled = batch.size();
  const int64_t now = clock_->NowMs();
  int64_t ttl_sum = 0;
  int64_t ttl_samples = 0;
  for (ExpireRef* ref : batch) {
    // Nodes stay where they are while others are deleted, so the batch's
    // pointers hold until each one's own deletion.
    if (now <= ref->entry->expire_at()) {
      ttl_sum += ref->entry->expire_at() - now;
      ++ttl_samples;
      continue;
    }
    auto slot = keys_.FindSlot(ref->entry->key());
    if (!slot) std::abort();  // The index only ever holds live keys.
    DeleteAt(slot);
    ++stats_.expired_keys;
    ++result.expired;
  }
  if (ttl_samples > 0) {
    // Redis's estimator: the new sample weighs 2%, so the figure moves
    // smoothly as the cycle walks the keys.
    const int64_t avg = ttl_sum / ttl_samples;
    avg_ttl_ms_ = avg_ttl_ms_ == 0 ? avg : (avg_ttl_ms_ / 50) * 49 + avg / 50;
  }
  if (expires_.empty()) avg_ttl_ms_ = 0;
  return result;
}

bool Database::RehashStep(size_t buckets) {
  const bool keys_more = keys_.Rehash(buckets);
  const bool expires_more = expires_.Rehash(buckets);
  return keys_more || expires_more;
}

void Database::ShrinkIfSparse() {
  keys_.ShrinkIfSparse();
  expires_.ShrinkIfSparse();
}

}  // namespace respd::store

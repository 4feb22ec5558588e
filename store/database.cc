#include "store/database.h"

#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "store/keyspace.h"
#include "store/value.h"

namespace respd::store {

Database::Database(int id, Keyspace& keyspace)
    : id_(id),
      keyspace_(&keyspace),
      clock_(&keyspace.clock()),
      events_(&keyspace.events()),
      keys_(keyspace.seed()),
      expires_(keyspace.seed()) {}

Database::~Database() { Clear(); }

void Database::Clear() {
  avg_ttl_ms_ = 0;
  expire_cursor_ = 0;
  expires_.Clear([](ExpireRef* r) { delete r; });
  keys_.Clear([](KeyEntry* e) { DestroyEntry(e); });
}

DetachedDatabase Database::Detach() {
  avg_ttl_ms_ = 0;
  expire_cursor_ = 0;
  return {keys_.Detach(), expires_.Detach()};
}

void Database::Link(KeyEntry* e) {
  keys_.Insert(e);
  if (e->has_expire()) expires_.Insert(new ExpireRef{nullptr, e});
  Emit(KeyEvent::kNew, e->key());
}

KeyEntry* Database::UnlinkAt(Dict<KeyEntryTraits>::Slot slot) {
  KeyEntry* e = keys_.Unlink(slot);
  // The index node is found by the entry's key, so remove it while the
  // entry (whose bytes the lookup reads) is still alive.
  if (e->has_expire()) delete expires_.Remove(e->key());
  return e;
}

void Database::DeleteAt(Dict<KeyEntryTraits>::Slot slot, KeyEvent event, bool lazy) {
  KeyEntry* e = UnlinkAt(slot);
  if (events_->empty()) {
    keyspace_->Dispose(e, lazy);
    return;
  }
  // Listeners hear of a deletion once it is done, by a key that outlives
  // the entry.
  const std::string key(e->key());
  keyspace_->Dispose(e, lazy);
  events_->Emit(*this, key, event);
}

bool Database::ExpireIfNeeded(Dict<KeyEntryTraits>::Slot slot) {
  if (!IsExpired(slot.entry())) return false;
  DeleteAt(slot, KeyEvent::kExpired, keyspace_->lazyfree_policy().expire);
  ++stats_.expired_keys;
  return true;
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

void Database::FindForWriteWithDeadline(std::string_view key, WriteSlot* w) {
  // A key past its deadline is gone before the write, as Redis's
  // lookupKeyWrite has it: otherwise SET … KEEPTTL would carry the dead
  // deadline over and the new value would vanish on its next read.
  if (ExpireIfNeeded(w->slot_)) {
    w->slot_ = {};
    return;
  }
  w->ref_ = expires_.Find(key);
}

void Database::CommitSlow(WriteSlot& slot, KeyEntry* e) {
  if (slot.slot_) {
    Relink(slot.slot_, e, slot.ref_);
  } else {
    Link(e);
  }
  slot = {};  // Spent: the dict may have changed.
}

KeyEntry* Database::Overwrite(WriteSlot& slot, KeyEntry* fresh) {
  KeyEntry* old = slot.slot_.entry();
  fresh->next() = old->next();
  // The index node reads its key through the entry: point it at the fresh
  // one before the old is freed.
  Relink(slot.slot_, fresh, slot.ref_);
  fresh->set_lru(LruClock());
  old->next() = nullptr;
  keyspace_->Dispose(old, keyspace_->lazyfree_policy().server_del);
  slot = {};
  return fresh;
}

bool Database::Delete(std::string_view key, bool lazy) {
  auto slot = keys_.FindSlot(key);
  if (!slot || ExpireIfNeeded(slot)) return false;
  DeleteAt(slot, KeyEvent::kDel, lazy);
  return true;
}

bool Database::SetExpire(std::string_view key, int64_t expire_at) {
  auto slot = keys_.FindSlot(key);
  if (!slot || ExpireIfNeeded(slot)) return false;
  KeyEntry* e = slot.entry();
  ExpireRef* ref = e->has_expire() ? expires_.Find(key) : nullptr;
  Relink(slot, KeyEntry::SetExpire(e, expire_at), ref);
  Emit(KeyEvent::kExpire, key);
  return true;
}

bool Database::Persist(std::string_view key) {
  auto slot = keys_.FindSlot(key);
  if (!slot || ExpireIfNeeded(slot)) return false;
  KeyEntry* e = slot.entry();
  if (!e->has_expire()) return false;
  ExpireRef* ref = expires_.Find(key);
  Relink(slot, KeyEntry::SetExpire(e, KeyEntry::kNoExpire), ref);
  Emit(KeyEvent::kPersist, key);
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
    keyspace_->Dispose(UnlinkAt(target), keyspace_->lazyfree_policy().server_del);
  }
  // Find the source again: any lookup since (of the target, by a listener)
  // may have taken a rehash step that moved its bucket, and an unlink may
  // have changed the link before it.
  slot = keys_.FindSlot(src);
  if (!slot) std::abort();  // It was alive above, and nothing deletes it.
  // Copied first: the views die with the entries.
  const bool tell = !events_->empty();
  const std::string src_key = tell ? std::string(src) : std::string();
  KeyEntry* renamed = RekeyEntry(UnlinkAt(slot), dst);
  Link(renamed);
  if (tell) {
    Emit(KeyEvent::kRenameFrom, src_key);
    Emit(KeyEvent::kRenameTo, renamed->key());
  }
  return RenameResult::kRenamed;
}

bool Database::MoveTo(std::string_view key, Database& dst) {
  auto slot = keys_.FindSlot(key);
  if (!slot || ExpireIfNeeded(slot)) return false;
  if (dst.Find(key, Touch::kNo) != nullptr) return false;
  // The entry itself moves: no copy of the value.
  KeyEntry* e = UnlinkAt(keys_.FindSlot(key));
  dst.Link(e);
  Emit(KeyEvent::kMoveFrom, e->key());
  dst.Emit(KeyEvent::kMoveTo, e->key());
  return true;
}

OpResult<bool> Database::CopyTo(std::string_view src, Database& dst, std::string_view dst_key,
                                bool replace) {
  const KeyEntry* e = FindForRead(src);
  if (e == nullptr) return OpStatus::kKeyNotFound;
  if (auto target = dst.keys_.FindSlot(dst_key); target && !dst.ExpireIfNeeded(target)) {
    if (!replace) return false;
    dst.keyspace_->Dispose(dst.UnlinkAt(target), dst.keyspace_->lazyfree_policy().server_del);
  }
  KeyEntry* copy = CopyEntry(*e, dst_key);
  copy->set_lru(dst.LruClock());
  dst.Link(copy);
  dst.Emit(KeyEvent::kCopyTo, dst_key);
  return true;
}

void Database::SwapWith(Database& other) {
  keys_.Swap(other.keys_);
  expires_.Swap(other.expires_);
  std::swap(expire_cursor_, other.expire_cursor_);
  std::swap(avg_ttl_ms_, other.avg_ttl_ms_);
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
  const int64_t now = NowMs();
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
    DeleteAt(slot, KeyEvent::kExpired, keyspace_->lazyfree_policy().expire);
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

#include "store/types/zset.h"

#include <algorithm>
#include <cmath>
#include <type_traits>
#include <unordered_set>

#include "base/numbers.h"
#include "base/random.h"
#include "store/encodings/listpack.h"
#include "store/encodings/skiplist.h"
#include "store/encodings/zset_listpack.h"
#include "store/keyspace.h"

namespace respd::store {
namespace {

namespace zl = zset_listpack;
using Buf = char[listpack::kIntBufferSize];

uint8_t* ListpackOf(const KeyEntry& e) { return static_cast<uint8_t*>(e.object()); }
SkipList* SkipListOf(const KeyEntry& e) { return static_cast<SkipList*>(e.object()); }
bool IsListpack(const KeyEntry& e) { return e.encoding() == kZSetListpack; }

// ---------------------------------------------------------------------------
// The value dispatch row.

std::string_view ZSetEncodingName(const KeyEntry& e) {
  return IsListpack(e) ? "listpack" : "skiplist";
}
int ZSetRefcount(const KeyEntry&) { return 1; }
size_t ZSetObjectMemory(const KeyEntry& e) {
  return IsListpack(e) ? listpack::AllocationSize(ListpackOf(e))
                       : sizeof(SkipList) + SkipListOf(e)->MemoryUsage();
}
void* CopyZSetObject(const KeyEntry& e) {
  return IsListpack(e) ? static_cast<void*>(listpack::Copy(ListpackOf(e)))
                       : static_cast<void*>(SkipListOf(e)->Copy());
}
// Redis's lazyfreeGetFreeEffort: a skiplist is one allocation per member.
size_t ZSetFreeEffort(const KeyEntry& e) { return IsListpack(e) ? 1 : SkipListOf(e)->size(); }
bool FreeZSetObject(KeyEntry& e, size_t* budget) {
  if (IsListpack(e)) {
    listpack::Free(ListpackOf(e));
    if (*budget > 0) --*budget;
    return true;
  }
  if (!SkipListOf(e)->FreeSome(budget)) return false;
  delete SkipListOf(e);
  return true;
}

// ---------------------------------------------------------------------------
// Encodings.

bool FitsListpack(size_t size, size_t longest_member, const TypeLimits& limits) {
  return static_cast<int64_t>(size) <= limits.zset_max_listpack_entries &&
         static_cast<int64_t>(longest_member) <= limits.zset_max_listpack_value;
}

void ConvertToSkipList(Database& db, KeyEntry* e) {
  uint8_t* lp = ListpackOf(*e);
  auto* sl = new SkipList(db.keyspace().seed());
  Buf buf;
  for (size_t at = zl::FirstMember(lp); at != 0; at = zl::NextMember(lp, at)) {
    sl->Insert(zl::MemberAt(lp, at, buf), zl::ScoreAt(lp, at));
  }
  listpack::Free(lp);
  e->set_object(sl);
  e->set_encoding(kZSetSkipList);
}

// A new, empty sorted set for `key`, in the encoding a first write of
// `size_hint` members, the longest `longest` bytes, calls for
// (zsetTypeCreate).
KeyEntry* NewZSet(Database& db, std::string_view key, size_t size_hint, size_t longest,
                  const TypeLimits& limits) {
  if (FitsListpack(size_hint, longest, limits)) {
    return KeyEntry::CreateWithObject(key, listpack::New(), KeyEntry::kNoExpire, ValueType::kZSet,
                                      kZSetListpack);
  }
  return KeyEntry::CreateWithObject(key, new SkipList(db.keyspace().seed()), KeyEntry::kNoExpire,
                                    ValueType::kZSet, kZSetSkipList);
}

void DeleteIfEmpty(Database& db, std::string_view key, const KeyEntry* e) {
  if (ZSetLength(*e) == 0) db.Delete(key);
}

// One element of zsetAdd. Returns false for a NaN (nothing changed);
// *added / *updated / *noop say what happened, *score the score it has.
struct AddOutcome {
  bool added = false, updated = false, noop = false;
};
bool AddOne(Database& db, KeyEntry* e, double score, std::string_view member, const ZAddOptions& o,
            const TypeLimits& limits, AddOutcome* out, double* new_score) {
  if (std::isnan(score)) return false;
  double current;
  bool found;
  if (IsListpack(*e)) {
    const size_t at = zl::Find(ListpackOf(*e), member, &current);
    found = at != 0;
  } else {
    const SkipList::Node* n = SkipListOf(*e)->Find(member);
    found = n != nullptr;
    if (found) current = SkipList::Score(n);
  }
  if (found) {
    if (o.nx) {
      out->noop = true;
      return true;
    }
    if (o.incr) {
      score += current;
      if (std::isnan(score)) return false;
    }
    if ((o.lt && score >= current) || (o.gt && score <= current)) {
      out->noop = true;
      return true;
    }
    *new_score = score;
    if (score != current) {
      if (IsListpack(*e)) {
        uint8_t* lp = ListpackOf(*e);
        lp = zl::DeleteAt(lp, zl::Find(lp, member, nullptr));
        e->set_object(zl::Insert(lp, member, score));
      } else {
        SkipList* sl = SkipListOf(*e);
        sl->UpdateScore(sl->Find(member), score);
      }
      out->updated = true;
    }
    return true;
  }
  if (o.xx) {
    out->noop = true;
    return true;
  }
  if (IsListpack(*e)) {
    // Converted before an insert would pass a limit.
    const uint8_t* lp = ListpackOf(*e);
    if (!FitsListpack(zl::Length(lp) + 1, member.size(), limits) ||
        !listpack::SafeToAdd(lp, member.size())) {
      ConvertToSkipList(db, e);
    }
  }
  if (IsListpack(*e)) {
    e->set_object(zl::Insert(ListpackOf(*e), member, score));
  } else {
    SkipListOf(*e)->Insert(member, score);
  }
  *new_score = score;
  out->added = true;
  return true;
}

// Calls fn for the elements from listpack member `at` on, forward or
// backward, while `keep` and fn say so.
void WalkListpack(const uint8_t* lp, size_t at, bool reverse,
                  const std::function<bool(std::string_view, double)>& fn) {
  Buf buf;
  for (; at != 0; at = reverse ? zl::PrevMember(lp, at) : zl::NextMember(lp, at)) {
    if (!fn(zl::MemberAt(lp, at, buf), zl::ScoreAt(lp, at))) return;
  }
}
void WalkSkipList(const SkipList::Node* n, bool reverse,
                  const std::function<bool(std::string_view, double)>& fn) {
  for (; n != nullptr; n = reverse ? SkipList::Prev(n) : SkipList::Next(n)) {
    if (!fn(SkipList::Member(n), SkipList::Score(n))) return;
  }
}

// Ranged walks shared by score and lex ranges: from the range's first (or
// last) element, skipping `offset`, emitting at most `limit` while `inside`.
template <typename Range>
void RangeWalk(const KeyEntry& e, const Range& range, bool reverse, int64_t offset, int64_t limit,
               const std::function<bool(std::string_view, double)>& inside,
               const ZSetElementFn& fn) {
  if (offset < 0) return;  // Redis skips past the end: nothing.
  auto step = [&](std::string_view m, double s) {
    if (offset > 0) {
      --offset;
      return true;
    }
    if (limit == 0 || !inside(m, s)) return false;
    if (limit > 0) --limit;
    return fn(m, s);
  };
  if (IsListpack(e)) {
    const uint8_t* lp = ListpackOf(e);
    WalkListpack(lp, reverse ? zl::LastInRange(lp, range) : zl::FirstInRange(lp, range), reverse,
                 step);
  } else {
    const SkipList* sl = SkipListOf(e);
    WalkSkipList(reverse ? sl->LastInRange(range) : sl->FirstInRange(range), reverse, step);
  }
}

KeyEvent PopEvent(bool max) { return max ? KeyEvent::kZPopMax : KeyEvent::kZPopMin; }

}  // namespace

const ValueOps kZSetValueOps = {
    .type_name = "zset",
    .encoding_name = &ZSetEncodingName,
    .refcount = &ZSetRefcount,
    .object_memory = &ZSetObjectMemory,
    .copy_object = &CopyZSetObject,
    .free_effort = &ZSetFreeEffort,
    .free_some = &FreeZSetObject,
};

// ---------------------------------------------------------------------------
// Reads.

OpResult<KeyEntry*> FindZSet(Database& db, std::string_view key) {
  KeyEntry* e = db.FindForRead(key);
  if (e == nullptr) return OpStatus::kKeyNotFound;
  if (e->type() != ValueType::kZSet) return OpStatus::kWrongType;
  return e;
}

OpResult<KeyEntry*> FindZSetForWrite(Database& db, std::string_view key) {
  KeyEntry* e = db.Find(key);
  if (e == nullptr) return OpStatus::kKeyNotFound;
  if (e->type() != ValueType::kZSet) return OpStatus::kWrongType;
  return e;
}

size_t ZSetLength(const KeyEntry& e) {
  return IsListpack(e) ? zl::Length(ListpackOf(e)) : SkipListOf(e)->size();
}

std::optional<double> ZSetScore(const KeyEntry& e, std::string_view member) {
  if (IsListpack(e)) {
    double score;
    if (zl::Find(ListpackOf(e), member, &score) == 0) return std::nullopt;
    return score;
  }
  const SkipList::Node* n = SkipListOf(e)->Find(member);
  if (n == nullptr) return std::nullopt;
  return SkipList::Score(n);
}

std::optional<size_t> ZSetRank(const KeyEntry& e, std::string_view member, bool reverse) {
  const size_t n = ZSetLength(e);
  size_t rank;
  if (IsListpack(e)) {
    const uint8_t* lp = ListpackOf(e);
    const listpack::Needle needle(member);
    rank = 0;
    size_t at = zl::FirstMember(lp);
    for (; at != 0 && !needle.Matches(lp, at); at = zl::NextMember(lp, at)) ++rank;
    if (at == 0) return std::nullopt;
  } else {
    const SkipList* sl = SkipListOf(e);
    const SkipList::Node* node = sl->Find(member);
    if (node == nullptr) return std::nullopt;
    rank = sl->Rank(node);
  }
  return reverse ? n - 1 - rank : rank;
}

void ZSetRangeByRank(const KeyEntry& e, size_t first, size_t last, bool reverse,
                     const ZSetElementFn& fn) {
  const size_t n = ZSetLength(e);
  if (first > last || first >= n) return;
  size_t left = std::min(last, n - 1) - first + 1;
  auto step = [&](std::string_view m, double s) { return left-- > 0 && fn(m, s); };
  const size_t start = reverse ? n - 1 - first : first;  // Rank from the lowest.
  if (IsListpack(e)) {
    const uint8_t* lp = ListpackOf(e);
    WalkListpack(lp, zl::MemberByRank(lp, start), reverse, step);
  } else {
    WalkSkipList(SkipListOf(e)->ByRank(start), reverse, step);
  }
}

void ZSetRangeByScore(const KeyEntry& e, const ScoreRange& range, bool reverse, int64_t offset,
                      int64_t limit, const ZSetElementFn& fn) {
  RangeWalk(
      e, range, reverse, offset, limit,
      [&](std::string_view, double s) { return reverse ? range.AboveMin(s) : range.BelowMax(s); },
      fn);
}

void ZSetRangeByLex(const KeyEntry& e, const LexRange& range, bool reverse, int64_t offset,
                    int64_t limit, const ZSetElementFn& fn) {
  RangeWalk(
      e, range, reverse, offset, limit,
      [&](std::string_view m, double) { return reverse ? range.AboveMin(m) : range.BelowMax(m); },
      fn);
}

namespace {

// Elements in a range: two rank lookups in a skiplist (O(log n) whatever
// the range holds), a walk of a listpack.
template <typename Range>
size_t CountInRange(const KeyEntry& e, const Range& range) {
  if (!IsListpack(e)) {
    const SkipList* sl = SkipListOf(e);
    const SkipList::Node* first = sl->FirstInRange(range);
    if (first == nullptr) return 0;
    return sl->Rank(sl->LastInRange(range)) - sl->Rank(first) + 1;
  }
  const uint8_t* lp = ListpackOf(e);
  size_t count = 0;
  Buf buf;
  for (size_t at = zl::FirstInRange(lp, range); at != 0; at = zl::NextMember(lp, at)) {
    bool inside;
    if constexpr (std::is_same_v<Range, ScoreRange>) {
      inside = range.BelowMax(zl::ScoreAt(lp, at));
    } else {
      inside = range.BelowMax(zl::MemberAt(lp, at, buf));
    }
    if (!inside) break;
    ++count;
  }
  return count;
}

}  // namespace

size_t ZSetCount(const KeyEntry& e, const ScoreRange& range) { return CountInRange(e, range); }

size_t ZSetLexCount(const KeyEntry& e, const LexRange& range) { return CountInRange(e, range); }

uint64_t ZSetScan(const KeyEntry& e, uint64_t cursor,
                  const std::function<void(std::string_view, double)>& fn) {
  if (IsListpack(e)) {
    ZSetForEach(e, [&fn](std::string_view m, double s) {
      fn(m, s);
      return true;
    });
    return 0;
  }
  return SkipListOf(e)->Scan(
      cursor, [&fn](const SkipList::Node* n) { fn(SkipList::Member(n), SkipList::Score(n)); });
}

void ZSetRandomOne(const KeyEntry& e, const std::function<void(std::string_view, double)>& fn) {
  if (IsListpack(e)) {
    const uint8_t* lp = ListpackOf(e);
    const size_t at = zl::MemberByRank(lp, base::RandomBelow(zl::Length(lp)));
    Buf buf;
    fn(zl::MemberAt(lp, at, buf), zl::ScoreAt(lp, at));
    return;
  }
  const SkipList::Node* n = SkipListOf(e)->Random();
  fn(SkipList::Member(n), SkipList::Score(n));
}

void ZSetRandomWithRepeats(const KeyEntry& e, size_t count,
                           const std::function<void(std::string_view, double)>& fn) {
  for (size_t i = 0; i < count; ++i) ZSetRandomOne(e, fn);
}

void ZSetRandomDistinct(const KeyEntry& e, size_t count,
                        const std::function<void(std::string_view, double)>& fn) {
  const size_t size = ZSetLength(e);
  if (count >= size) {
    // The whole set, from the highest score down, as Redis 7.0 replies it.
    ZSetRangeByRank(e, 0, size - 1, /*reverse=*/true, [&fn](std::string_view m, double s) {
      fn(m, s);
      return true;
    });
    return;
  }
  if (IsListpack(e)) {
    // Selection sampling: exactly `count`, uniformly.
    const uint8_t* lp = ListpackOf(e);
    size_t needed = count;
    size_t left = size;
    Buf buf;
    for (size_t at = zl::FirstMember(lp); at != 0 && needed > 0; at = zl::NextMember(lp, at)) {
      if (base::RandomBelow(left--) < needed) {
        fn(zl::MemberAt(lp, at, buf), zl::ScoreAt(lp, at));
        --needed;
      }
    }
    return;
  }
  const SkipList* sl = SkipListOf(e);
  std::unordered_set<const SkipList::Node*> seen;
  seen.reserve(count);
  while (seen.size() < count) {
    const SkipList::Node* n = sl->Random();
    if (seen.insert(n).second) fn(SkipList::Member(n), SkipList::Score(n));
  }
}

// ---------------------------------------------------------------------------
// Writes.

void ZSetConvertToSkipList(Database& db, KeyEntry* e) {
  if (IsListpack(*e)) ConvertToSkipList(db, e);
}

OpResult<ZAddResult> ZSetAdd(Database& db, std::string_view key, std::span<const double> scores,
                             std::span<const std::string_view> members, const ZAddOptions& options,
                             const TypeLimits& limits) {
  ZAddResult result;
  Database::WriteSlot slot = db.FindForWrite(key);
  KeyEntry* e = slot.entry();
  if (e == nullptr) {
    if (options.xx) return result;  // Nothing to update, nothing created.
    // Redis 7.0 looks at the first member alone; later ones convert as
    // they are inserted.
    e = NewZSet(db, key, 1, members[0].size(), limits);
  } else if (e->type() != ValueType::kZSet) {
    return OpStatus::kWrongType;
  }
  const bool created = slot.entry() == nullptr;
  for (size_t i = 0; i < members.size(); ++i) {
    AddOutcome out;
    double score = scores[i];
    if (!AddOne(db, e, scores[i], members[i], options, limits, &out, &score)) {
      result.nan = true;
      break;
    }
    result.added += out.added;
    result.updated += out.updated;
    if (!out.noop) result.score = score;
  }
  if (created && ZSetLength(*e) == 0) {
    DestroyEntry(e);  // A NaN on the first element: nothing to keep.
    return result;
  }
  db.Commit(slot, e);
  if (result.added > 0 || result.updated > 0) {
    db.Emit(options.incr ? KeyEvent::kZIncr : KeyEvent::kZAdd, e->key());
  }
  return result;
}

OpResult<size_t> ZSetRemove(Database& db, std::string_view key,
                            std::span<const std::string_view> members) {
  OpResult<KeyEntry*> found = FindZSetForWrite(db, key);
  if (!found) return found.status();
  KeyEntry* e = *found;
  size_t removed = 0;
  for (std::string_view m : members) {
    if (IsListpack(*e)) {
      uint8_t* lp = ListpackOf(*e);
      const size_t at = zl::Find(lp, m, nullptr);
      if (at == 0) continue;
      e->set_object(zl::DeleteAt(lp, at));
      ++removed;
    } else {
      removed += SkipListOf(*e)->Delete(m);
    }
    if (ZSetLength(*e) == 0) break;
  }
  if (removed > 0) {
    db.Emit(KeyEvent::kZRem, key);
    DeleteIfEmpty(db, key, e);
  }
  return removed;
}

OpResult<size_t> ZSetRemoveRankRange(Database& db, std::string_view key, size_t first,
                                     size_t last) {
  OpResult<KeyEntry*> found = FindZSetForWrite(db, key);
  if (!found) return found.status();
  KeyEntry* e = *found;
  const size_t n = ZSetLength(*e);
  if (first > last || first >= n) return size_t{0};
  last = std::min(last, n - 1);
  if (IsListpack(*e)) {
    e->set_object(zl::DeleteRankRange(ListpackOf(*e), first, last));
  } else {
    SkipListOf(*e)->DeleteRankRange(first, last);
  }
  db.Emit(KeyEvent::kZRemByRank, key);
  DeleteIfEmpty(db, key, e);
  return last - first + 1;
}

namespace {

template <typename Range>
OpResult<size_t> RemoveRange(Database& db, std::string_view key, const Range& range,
                             KeyEvent event) {
  OpResult<KeyEntry*> found = FindZSetForWrite(db, key);
  if (!found) return found.status();
  KeyEntry* e = *found;
  size_t removed;
  if (IsListpack(*e)) {
    e->set_object(zl::DeleteRange(ListpackOf(*e), range, &removed));
  } else {
    removed = SkipListOf(*e)->DeleteRange(range);
  }
  if (removed > 0) {
    db.Emit(event, key);
    DeleteIfEmpty(db, key, e);
  }
  return removed;
}

}  // namespace

OpResult<size_t> ZSetRemoveRange(Database& db, std::string_view key, const ScoreRange& range) {
  return RemoveRange(db, key, range, KeyEvent::kZRemByScore);
}

OpResult<size_t> ZSetRemoveRange(Database& db, std::string_view key, const LexRange& range) {
  return RemoveRange(db, key, range, KeyEvent::kZRemByLex);
}

OpResult<size_t> ZSetPop(Database& db, std::string_view key, bool max, size_t count,
                         const std::function<void(std::string_view, double)>& fn) {
  OpResult<KeyEntry*> found = FindZSetForWrite(db, key);
  if (!found) return found.status();
  KeyEntry* e = *found;
  size_t popped = 0;
  while (popped < count && ZSetLength(*e) > 0) {
    if (IsListpack(*e)) {
      uint8_t* lp = ListpackOf(*e);
      const size_t at = max ? zl::LastMember(lp) : zl::FirstMember(lp);
      Buf buf;
      fn(zl::MemberAt(lp, at, buf), zl::ScoreAt(lp, at));
      e->set_object(zl::DeleteAt(lp, at));
    } else {
      SkipList* sl = SkipListOf(*e);
      const SkipList::Node* n = max ? sl->Last() : sl->First();
      fn(SkipList::Member(n), SkipList::Score(n));
      sl->DeleteRankRange(max ? sl->size() - 1 : 0, max ? sl->size() - 1 : 0);
    }
    ++popped;
  }
  if (popped > 0) {
    db.Emit(PopEvent(max), key);
    DeleteIfEmpty(db, key, e);
  }
  return popped;
}

void ZSetStore(Database& db, std::string_view dst,
               const std::vector<std::pair<std::string, double>>& elements, KeyEvent event,
               const TypeLimits& limits) {
  if (elements.empty()) {
    db.Delete(dst);
    return;
  }
  size_t longest = 0;
  for (const auto& [m, s] : elements) longest = std::max(longest, m.size());
  KeyEntry* fresh = NewZSet(db, dst, elements.size(), longest, limits);
  if (IsListpack(*fresh)) {
    // In order already: each pair goes at the end.
    uint8_t* lp = ListpackOf(*fresh);
    char digits[base::kMaxDoubleChars];
    for (const auto& [m, s] : elements) {
      const std::string_view pair[] = {m, {digits, base::FormatDouble(s == 0 ? 0.0 : s, digits)}};
      lp = listpack::Append(lp, pair);
    }
    fresh->set_object(lp);
  } else {
    SkipList* sl = SkipListOf(*fresh);
    for (const auto& [m, s] : elements) sl->Insert(m, s);
  }
  Database::WriteSlot slot = db.FindForWrite(dst);
  if (slot.entry() != nullptr) {
    db.Overwrite(slot, fresh);
  } else {
    db.Commit(slot, fresh);
  }
  db.Emit(event, dst);
}

}  // namespace respd::store

#include "store/types/set.h"

#include <algorithm>
#include <cstdlib>

#include "base/numbers.h"
#include "base/random.h"
#include "store/keyspace.h"

namespace respd::store {
namespace {

uint8_t* IntsetOf(const SetObject& s) { return static_cast<uint8_t*>(s.object); }
StringMap* MapOf(const SetObject& s) { return static_cast<StringMap*>(s.object); }
SetObject ObjectOf(const KeyEntry& e) { return {e.object(), e.encoding()}; }
void WriteBack(KeyEntry* e, const SetObject& s) {
  e->set_object(s.object);
  e->set_encoding(s.encoding);
}

// isSdsRepresentableAsLongLong: the strict string2ll.
bool AsInteger(std::string_view member, int64_t* v) {
  return member.size() <= base::kInt64Digits && base::ParseInt64(member, v);
}

SetObject NewSet() { return {intset::New(), kSetIntset}; }

size_t Size(const SetObject& s) {
  return s.encoding == kSetTable ? MapOf(s)->size() : intset::Length(IntsetOf(s));
}

void Destroy(SetObject& s) {
  if (s.encoding == kSetTable) {
    delete MapOf(s);
  } else {
    intset::Free(IntsetOf(s));
  }
  s.object = nullptr;
}

void ConvertToTable(SetObject& s, const base::HashSeed& seed) {
  uint8_t* is = IntsetOf(s);
  auto* map = new StringMap(seed);
  const size_t n = intset::Length(is);
  map->Reserve(n);
  char digits[base::kInt64Digits];
  for (size_t i = 0; i < n; ++i) {
    map->Add({digits, base::FormatInt64(intset::Get(is, i), digits)}, {});
  }
  intset::Free(is);
  s = {map, kSetTable};
}

// setTypeAdd.
bool Add(SetObject& s, std::string_view member, const TypeLimits& limits,
         const base::HashSeed& seed) {
  if (s.encoding == kSetIntset) {
    int64_t v;
    if (AsInteger(member, &v)) {
      bool added;
      s.object = intset::Add(IntsetOf(s), v, &added);
      if (added &&
          static_cast<int64_t>(intset::Length(IntsetOf(s))) > limits.set_max_intset_entries) {
        ConvertToTable(s, seed);
      }
      return added;
    }
    ConvertToTable(s, seed);
  }
  return MapOf(s)->Add(member, {});
}

bool Remove(SetObject& s, std::string_view member) {
  if (s.encoding == kSetTable) return MapOf(s)->Delete(member);
  int64_t v;
  if (!AsInteger(member, &v)) return false;
  bool removed;
  s.object = intset::Remove(IntsetOf(s), v, &removed);
  return removed;
}

bool Contains(const SetObject& s, std::string_view member) {
  if (s.encoding == kSetTable) return MapOf(s)->Find(member) != nullptr;
  int64_t v;
  return AsInteger(member, &v) && intset::Contains(IntsetOf(s), v);
}

void ForEach(const SetObject& s, const MemberFn& fn) {
  if (s.encoding == kSetTable) {
    MapOf(s)->ForEach([&fn](const StringMapEntry& p) { fn(p.field()); });
    return;
  }
  const uint8_t* is = IntsetOf(s);
  char digits[base::kInt64Digits];
  for (size_t i = 0, n = intset::Length(is); i < n; ++i) {
    fn({digits, base::FormatInt64(intset::Get(is, i), digits)});
  }
}

// One random member, as its bytes (intset members are formatted).
std::string RandomMember(const SetObject& s) {
  if (s.encoding == kSetTable) return std::string(MapOf(s)->Random()->field());
  const uint8_t* is = IntsetOf(s);
  return std::to_string(intset::Get(is, base::RandomBelow(intset::Length(is))));
}

// ---------------------------------------------------------------------------
// The value dispatch row.

std::string_view SetEncodingName(const KeyEntry& e) {
  return e.encoding() == kSetTable ? "hashtable" : "intset";
}
int SetRefcount(const KeyEntry&) { return 1; }
size_t SetObjectMemory(const KeyEntry& e) {
  return e.encoding() == kSetTable ? MapOf(ObjectOf(e))->MemoryUsage()
                                   : intset::AllocationSize(IntsetOf(ObjectOf(e)));
}
void* CopySetObject(const KeyEntry& e) {
  if (e.encoding() == kSetTable) return MapOf(ObjectOf(e))->Copy();
  return intset::Copy(IntsetOf(ObjectOf(e)));
}
size_t SetFreeEffort(const KeyEntry& e) {
  return e.encoding() == kSetTable ? MapOf(ObjectOf(e))->size() : 1;
}
bool FreeSetObject(KeyEntry& e, size_t* budget) {
  SetObject s = ObjectOf(e);
  if (s.encoding == kSetTable && !MapOf(s)->FreeSome(budget)) return false;
  Destroy(s);
  if (*budget > 0) --*budget;
  return true;
}

// The set at the slot for writing: the found entry, or kWrongType; nullptr
// when absent.
OpResult<KeyEntry*> SetForWrite(const Database::WriteSlot& slot) {
  KeyEntry* e = slot.entry();
  if (e != nullptr && e->type() != ValueType::kSet) return OpStatus::kWrongType;
  return e;
}

KeyEntry* NewSetEntry(std::string_view key) {
  const SetObject s = NewSet();
  return KeyEntry::CreateWithObject(key, s.object, KeyEntry::kNoExpire, ValueType::kSet,
                                    s.encoding);
}

}  // namespace

const ValueOps kSetValueOps = {
    .type_name = "set",
    .encoding_name = &SetEncodingName,
    .refcount = &SetRefcount,
    .object_memory = &SetObjectMemory,
    .copy_object = &CopySetObject,
    .free_effort = &SetFreeEffort,
    .free_some = &FreeSetObject,
};

// ---------------------------------------------------------------------------
// SetValue.

SetValue::SetValue(const base::HashSeed& seed) : seed_(&seed), set_(NewSet()) {}
SetValue::~SetValue() {
  if (set_.object != nullptr) Destroy(set_);
}
SetValue::SetValue(SetValue&& other) noexcept : seed_(other.seed_), set_(other.set_) {
  other.set_.object = nullptr;
}
SetValue& SetValue::operator=(SetValue&& other) noexcept {
  std::swap(seed_, other.seed_);
  std::swap(set_, other.set_);
  return *this;
}
SetObject SetValue::Release() {
  const SetObject out = set_;
  set_ = NewSet();
  return out;
}
bool SetValue::Add(std::string_view member, const TypeLimits& limits) {
  return store::Add(set_, member, limits, *seed_);
}
bool SetValue::Remove(std::string_view member) { return store::Remove(set_, member); }
bool SetValue::Contains(std::string_view member) const { return store::Contains(set_, member); }
size_t SetValue::size() const { return Size(set_); }
void SetValue::ForEach(const MemberFn& fn) const { store::ForEach(set_, fn); }

size_t SetValue::StoreAt(Database& db, std::string_view key, KeyEvent event) {
  const size_t n = size();
  if (n == 0) {
    db.Delete(key);
    return 0;
  }
  const SetObject s = Release();
  KeyEntry* fresh =
      KeyEntry::CreateWithObject(key, s.object, KeyEntry::kNoExpire, ValueType::kSet, s.encoding);
  Database::WriteSlot slot = db.FindForWrite(key);
  if (slot.entry() != nullptr) {
    db.Overwrite(slot, fresh);
  } else {
    db.Commit(slot, fresh);
  }
  db.Emit(event, key);
  return n;
}

// ---------------------------------------------------------------------------
// Reads.

OpResult<KeyEntry*> FindSet(Database& db, std::string_view key) {
  KeyEntry* e = db.FindForRead(key);
  if (e == nullptr) return OpStatus::kKeyNotFound;
  if (e->type() != ValueType::kSet) return OpStatus::kWrongType;
  return e;
}

size_t SetLength(const KeyEntry& e) { return Size(ObjectOf(e)); }
bool SetContains(const KeyEntry& e, std::string_view member) {
  return Contains(ObjectOf(e), member);
}
void SetForEach(const KeyEntry& e, const MemberFn& fn) { ForEach(ObjectOf(e), fn); }

uint64_t SetScan(const KeyEntry& e, uint64_t cursor, const MemberFn& fn) {
  const SetObject s = ObjectOf(e);
  if (s.encoding == kSetTable) {
    return MapOf(s)->Scan(cursor, [&fn](const StringMapEntry& p) { fn(p.field()); });
  }
  ForEach(s, fn);
  return 0;
}

void SetRandomMember(const KeyEntry& e, const MemberFn& fn) { fn(RandomMember(ObjectOf(e))); }

void SetRandomWithRepeats(const KeyEntry& e, size_t count, const MemberFn& fn) {
  for (size_t i = 0; i < count; ++i) SetRandomMember(e, fn);
}

void SetRandomDistinct(const KeyEntry& e, size_t count, const MemberFn& fn) {
  const SetObject s = ObjectOf(e);
  const size_t size = Size(s);
  if (count >= size) {
    ForEach(s, fn);
    return;
  }
  if (s.encoding == kSetIntset) {
    // Selection sampling: exactly `count`, uniformly, in order.
    const uint8_t* is = IntsetOf(s);
    size_t needed = count;
    char digits[base::kInt64Digits];
    for (size_t i = 0; i < size && needed > 0; ++i) {
      if (base::RandomBelow(size - i) < needed) {
        fn({digits, base::FormatInt64(intset::Get(is, i), digits)});
        --needed;
      }
    }
    return;
  }
  MapOf(s)->RandomDistinct(count, [&fn](const StringMapEntry& p) { fn(p.field()); });
}

// ---------------------------------------------------------------------------
// Writes.

OpResult<size_t> SetAdd(Database& db, std::string_view key,
                        std::span<const std::string_view> members, const TypeLimits& limits) {
  Database::WriteSlot slot = db.FindForWrite(key);
  OpResult<KeyEntry*> found = SetForWrite(slot);
  if (!found) return found.status();
  KeyEntry* e = *found != nullptr ? *found : NewSetEntry(key);
  SetObject s = ObjectOf(*e);
  const base::HashSeed& seed = db.keyspace().seed();
  size_t added = 0;
  for (std::string_view m : members) added += Add(s, m, limits, seed);
  WriteBack(e, s);
  db.Commit(slot, e);
  if (added > 0) db.Emit(KeyEvent::kSAdd, key);
  return added;
}

OpResult<size_t> SetRemove(Database& db, std::string_view key,
                           std::span<const std::string_view> members) {
  Database::WriteSlot slot = db.FindForWrite(key);
  OpResult<KeyEntry*> found = SetForWrite(slot);
  if (!found) return found.status();
  KeyEntry* e = *found;
  if (e == nullptr) return OpStatus::kKeyNotFound;
  SetObject s = ObjectOf(*e);
  size_t removed = 0;
  for (std::string_view m : members) {
    removed += Remove(s, m);
    if (Size(s) == 0) break;
  }
  WriteBack(e, s);
  db.Commit(slot, e);
  if (removed == 0) return removed;
  db.Emit(KeyEvent::kSRem, key);
  if (Size(s) == 0) db.Delete(key);
  return removed;
}

OpResult<std::vector<std::string>> SetPop(Database& db, std::string_view key, size_t count,
                                          const TypeLimits& limits) {
  Database::WriteSlot slot = db.FindForWrite(key);
  OpResult<KeyEntry*> found = SetForWrite(slot);
  if (!found) return found.status();
  KeyEntry* e = *found;
  if (e == nullptr) return OpStatus::kKeyNotFound;
  std::vector<std::string> popped;
  if (count == 0) return popped;
  SetObject s = ObjectOf(*e);
  const size_t size = Size(s);
  db.Emit(KeyEvent::kSPop, key);
  if (count >= size) {
    // Case 1: the whole set, and the key with it.
    popped.reserve(size);
    ForEach(s, [&popped](std::string_view m) { popped.emplace_back(m); });
    db.Delete(key);
    return popped;
  }
  const size_t remaining = size - count;
  // Redis's SPOP_MOVE_STRATEGY_MUL: popping one by one is cheaper unless
  // few members stay, in which case those few are moved to a new set.
  if (remaining * 5 > count) {
    popped.reserve(count);
    for (size_t i = 0; i < count; ++i) {
      popped.push_back(RandomMember(s));
      Remove(s, popped.back());
    }
    WriteBack(e, s);
    db.Commit(slot, e);
    return popped;
  }
  SetValue kept(db.keyspace().seed());
  for (size_t i = 0; i < remaining; ++i) {
    const std::string m = RandomMember(s);
    kept.Add(m, limits);
    Remove(s, m);
  }
  popped.reserve(count);
  ForEach(s, [&popped](std::string_view m) { popped.emplace_back(m); });
  Destroy(s);
  WriteBack(e, kept.Release());
  db.Commit(slot, e);
  return popped;
}

OpResult<bool> SetMove(Database& db, std::string_view src, std::string_view dst,
                       std::string_view member, const TypeLimits& limits) {
  KeyEntry* from = db.Find(src);
  KeyEntry* to = db.Find(dst);
  if (from == nullptr) return OpStatus::kKeyNotFound;
  if (from->type() != ValueType::kSet || (to != nullptr && to->type() != ValueType::kSet)) {
    return OpStatus::kWrongType;
  }
  if (src == dst) return SetContains(*from, member);
  // Remove from the source (which may then go), then add to the target.
  const std::string_view one[] = {member};
  auto removed = SetRemove(db, src, one);
  if (!removed.ok() || *removed == 0) return false;
  auto added = SetAdd(db, dst, one, limits);
  return added.ok();
}

// ---------------------------------------------------------------------------
// Algebra.

SetValue SetInter(std::span<KeyEntry* const> sets, const base::HashSeed& seed,
                  const TypeLimits& limits, size_t limit) {
  SetValue result(seed);
  if (sets.empty() || std::find(sets.begin(), sets.end(), nullptr) != sets.end()) return result;
  std::vector<KeyEntry*> by_size(sets.begin(), sets.end());
  std::stable_sort(by_size.begin(), by_size.end(), [](const KeyEntry* a, const KeyEntry* b) {
    return SetLength(*a) < SetLength(*b);
  });
  SetForEach(*by_size[0], [&](std::string_view m) {
    if (limit != 0 && result.size() >= limit) return;
    for (size_t j = 1; j < by_size.size(); ++j) {
      // The same set twice (SINTER k k) always contains its own members.
      if (by_size[j] != by_size[0] && !SetContains(*by_size[j], m)) return;
    }
    result.Add(m, limits);
  });
  return result;
}

SetValue SetUnion(std::span<KeyEntry* const> sets, const base::HashSeed& seed,
                  const TypeLimits& limits) {
  SetValue result(seed);
  for (const KeyEntry* e : sets) {
    if (e != nullptr) SetForEach(*e, [&](std::string_view m) { result.Add(m, limits); });
  }
  return result;
}

SetValue SetDiff(std::span<KeyEntry* const> sets, const base::HashSeed& seed,
                 const TypeLimits& limits) {
  SetValue result(seed);
  if (sets.empty() || sets[0] == nullptr) return result;
  // Redis's estimate: algorithm 1 checks each member of the first set
  // against the others (half of them on average); algorithm 2 adds the
  // first set and removes every member of the others.
  size_t work_one = 0, work_two = 0;
  for (const KeyEntry* e : sets) {
    if (e == nullptr) continue;
    work_one += SetLength(*sets[0]);
    work_two += SetLength(*e);
  }
  work_one /= 2;
  if (work_one <= work_two) {
    // Biggest sets first: a member is most likely found early there.
    std::vector<KeyEntry*> others(sets.begin() + 1, sets.end());
    std::stable_sort(others.begin(), others.end(), [](const KeyEntry* a, const KeyEntry* b) {
      return (a != nullptr ? SetLength(*a) : 0) > (b != nullptr ? SetLength(*b) : 0);
    });
    SetForEach(*sets[0], [&](std::string_view m) {
      for (const KeyEntry* o : others) {
        if (o == nullptr) continue;
        if (o == sets[0] || SetContains(*o, m)) return;
      }
      result.Add(m, limits);
    });
    return result;
  }
  SetForEach(*sets[0], [&](std::string_view m) { result.Add(m, limits); });
  for (size_t j = 1; j < sets.size() && result.size() > 0; ++j) {
    if (sets[j] == nullptr) continue;
    if (sets[j] == sets[0]) {
      result = SetValue(seed);
      break;
    }
    SetForEach(*sets[j], [&](std::string_view m) { result.Remove(m); });
  }
  return result;
}

}  // namespace respd::store

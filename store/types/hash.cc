#include "store/types/hash.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <vector>

#include "base/numbers.h"
#include "base/random.h"
#include "store/keyspace.h"

namespace respd::store {
namespace {

uint8_t* ListpackOf(const KeyEntry& e) { return static_cast<uint8_t*>(e.object()); }
StringMap* MapOf(const KeyEntry& e) { return static_cast<StringMap*>(e.object()); }

// ---------------------------------------------------------------------------
// The value dispatch row.

std::string_view HashEncodingName(const KeyEntry& e) {
  return e.encoding() == kHashTable ? "hashtable" : "listpack";
}

int HashRefcount(const KeyEntry&) { return 1; }

size_t HashObjectMemory(const KeyEntry& e) {
  return e.encoding() == kHashTable ? MapOf(e)->MemoryUsage()
                                    : listpack::AllocationSize(ListpackOf(e));
}

void* CopyHashObject(const KeyEntry& e) {
  if (e.encoding() == kHashTable) return MapOf(e)->Copy();
  return listpack::Copy(ListpackOf(e));
}

// Redis's lazyfreeGetFreeEffort: a listpack is one allocation, a table one
// per field.
size_t HashFreeEffort(const KeyEntry& e) {
  return e.encoding() == kHashTable ? MapOf(e)->size() : 1;
}

bool FreeHashObject(KeyEntry& e, size_t* budget) {
  if (e.encoding() == kHashTable) {
    if (!MapOf(e)->FreeSome(budget)) return false;
    delete MapOf(e);
    return true;
  }
  listpack::Free(ListpackOf(e));
  if (*budget > 0) --*budget;
  return true;
}

// ---------------------------------------------------------------------------
// Encodings.

// The listpack offset of `field`'s value, or 0.
size_t FindValueOffset(const uint8_t* lp, std::string_view field) {
  const size_t at = listpack::Find(lp, listpack::First(lp), listpack::Needle(field), 1);
  return at == 0 ? 0 : listpack::Next(lp, at);
}

// Rebuilds a listpack hash as a StringMap, in place of the entry's object.
void ConvertToTable(Database& db, KeyEntry* e) {
  uint8_t* lp = ListpackOf(*e);
  auto* map = new StringMap(db.keyspace().seed());
  map->Reserve(listpack::Length(lp) / 2);
  HashForEach(*e, [map](std::string_view f, std::string_view v) { map->Add(f, v); });
  listpack::Free(lp);
  e->set_object(map);
  e->set_encoding(kHashTable);
}

// hashTypeTryConversion: any argument longer than hash-max-listpack-value,
// or a sum that would take the listpack past its safe size, converts before
// anything is written.
void ConvertIfArgumentsTooLong(Database& db, KeyEntry* e, std::span<const std::string_view> args,
                               const TypeLimits& limits) {
  if (e->encoding() != kHashListpack) return;
  size_t sum = 0;
  for (std::string_view a : args) {
    if (static_cast<int64_t>(a.size()) > limits.hash_max_listpack_value) {
      ConvertToTable(db, e);
      return;
    }
    sum += a.size();
  }
  if (!listpack::SafeToAdd(ListpackOf(*e), sum)) ConvertToTable(db, e);
}

void ConvertIfTooMany(Database& db, KeyEntry* e, const TypeLimits& limits) {
  if (e->encoding() == kHashListpack && static_cast<int64_t>(listpack::Length(ListpackOf(*e)) / 2) >
                                            limits.hash_max_listpack_entries) {
    ConvertToTable(db, e);
  }
}

// Sets one field in whatever encoding the entry has (hashTypeSet without
// the conversions); true if the field is new.
bool SetField(KeyEntry* e, std::string_view field, std::string_view value) {
  if (e->encoding() == kHashTable) return MapOf(*e)->Set(field, value);
  uint8_t* lp = ListpackOf(*e);
  const size_t at = FindValueOffset(lp, field);
  if (at != 0) {
    e->set_object(listpack::Replace(lp, at, value));
    return false;
  }
  const std::string_view pair[] = {field, value};
  e->set_object(listpack::Append(lp, pair));
  return true;
}

// The hash at the slot for writing: the found entry, a new empty listpack
// hash (not yet committed) when absent, or kWrongType.
OpResult<KeyEntry*> HashForWrite(Database::WriteSlot& slot, std::string_view key) {
  KeyEntry* e = slot.entry();
  if (e == nullptr) {
    return KeyEntry::CreateWithObject(key, listpack::New(), KeyEntry::kNoExpire, ValueType::kHash,
                                      kHashListpack);
  }
  if (e->type() != ValueType::kHash) return OpStatus::kWrongType;
  return e;
}

// Writes one computed value (HINCRBY*): hashTypeSet converts when the field
// or the value is too long, then by length.
void SetComputed(Database& db, KeyEntry* e, std::string_view field, std::string_view value,
                 const TypeLimits& limits) {
  if (e->encoding() == kHashListpack &&
      (static_cast<int64_t>(field.size()) > limits.hash_max_listpack_value ||
       static_cast<int64_t>(value.size()) > limits.hash_max_listpack_value)) {
    ConvertToTable(db, e);
  }
  if (SetField(e, field, value)) ConvertIfTooMany(db, e, limits);
}

using PairFn = std::function<void(std::string_view, std::string_view)>;

// The pair at listpack element index 2*i.
void EmitListpackPair(const uint8_t* lp, size_t i, const PairFn& fn) {
  HashScratch fbuf, vbuf;
  const size_t at = listpack::Seek(lp, static_cast<int64_t>(2 * i));
  fn(listpack::Get(lp, at, fbuf), listpack::Get(lp, listpack::Next(lp, at), vbuf));
}

}  // namespace

const ValueOps kHashValueOps = {
    .type_name = "hash",
    .encoding_name = &HashEncodingName,
    .refcount = &HashRefcount,
    .object_memory = &HashObjectMemory,
    .copy_object = &CopyHashObject,
    .free_effort = &HashFreeEffort,
    .free_some = &FreeHashObject,
};

OpResult<KeyEntry*> FindHash(Database& db, std::string_view key) {
  KeyEntry* e = db.FindForRead(key);
  if (e == nullptr) return OpStatus::kKeyNotFound;
  if (e->type() != ValueType::kHash) return OpStatus::kWrongType;
  return e;
}

size_t HashLength(const KeyEntry& e) {
  return e.encoding() == kHashTable ? MapOf(e)->size() : listpack::Length(ListpackOf(e)) / 2;
}

std::optional<std::string_view> HashGet(const KeyEntry& e, std::string_view field,
                                        HashScratch& scratch) {
  if (e.encoding() == kHashTable) {
    const StringMapEntry* p = MapOf(e)->Find(field);
    if (p == nullptr) return std::nullopt;
    return p->value();
  }
  const uint8_t* lp = ListpackOf(e);
  const size_t at = FindValueOffset(lp, field);
  if (at == 0) return std::nullopt;
  return listpack::Get(lp, at, scratch);
}

void HashRandomPair(KeyEntry& e, const PairFn& fn) {
  if (e.encoding() == kHashTable) {
    const StringMapEntry* p = MapOf(e)->Random();
    fn(p->field(), p->value());
    return;
  }
  const uint8_t* lp = ListpackOf(e);
  EmitListpackPair(lp, base::RandomBelow(listpack::Length(lp) / 2), fn);
}

void HashRandomWithRepeats(KeyEntry& e, size_t count, const PairFn& fn) {
  for (size_t i = 0; i < count; ++i) HashRandomPair(e, fn);
}

void HashRandomDistinct(KeyEntry& e, size_t count, const PairFn& fn) {
  const size_t size = HashLength(e);
  if (count >= size) {
    // Redis's case 1: the whole hash, in its order.
    HashForEach(e, fn);
    return;
  }
  if (e.encoding() == kHashListpack) {
    // Selection sampling: each pair is taken with probability
    // still-needed / still-left, which yields exactly `count`, uniformly.
    const uint8_t* lp = ListpackOf(e);
    size_t needed = count;
    size_t left = size;
    HashScratch fbuf, vbuf;
    for (size_t at = listpack::First(lp); at != 0 && needed > 0; --left) {
      const size_t value_at = listpack::Next(lp, at);
      if (base::RandomBelow(left) < needed) {
        fn(listpack::Get(lp, at, fbuf), listpack::Get(lp, value_at, vbuf));
        --needed;
      }
      at = listpack::Next(lp, value_at);
    }
    return;
  }
  MapOf(e)->RandomDistinct(count, [&fn](const StringMapEntry& p) { fn(p.field(), p.value()); });
}

OpResult<size_t> HashSet(Database& db, std::string_view key,
                         std::span<const std::string_view> pairs, const TypeLimits& limits) {
  Database::WriteSlot slot = db.FindForWrite(key);
  OpResult<KeyEntry*> found = HashForWrite(slot, key);
  if (!found) return found.status();
  KeyEntry* e = *found;
  ConvertIfArgumentsTooLong(db, e, pairs, limits);
  size_t created = 0;
  for (size_t i = 0; i + 1 < pairs.size(); i += 2) created += SetField(e, pairs[i], pairs[i + 1]);
  ConvertIfTooMany(db, e, limits);
  db.Commit(slot, e);
  db.Emit(KeyEvent::kHSet, e->key());
  return created;
}

OpResult<bool> HashSetIfAbsent(Database& db, std::string_view key, std::string_view field,
                               std::string_view value, const TypeLimits& limits) {
  Database::WriteSlot slot = db.FindForWrite(key);
  OpResult<KeyEntry*> found = HashForWrite(slot, key);
  if (!found) return found.status();
  KeyEntry* e = *found;
  if (slot.entry() != nullptr) {
    HashScratch scratch;
    if (HashGet(*e, field, scratch)) return false;
  }
  const std::string_view args[] = {field, value};
  ConvertIfArgumentsTooLong(db, e, args, limits);
  SetField(e, field, value);
  ConvertIfTooMany(db, e, limits);
  db.Commit(slot, e);
  db.Emit(KeyEvent::kHSet, e->key());
  return true;
}

OpResult<size_t> HashDelete(Database& db, std::string_view key,
                            std::span<const std::string_view> fields) {
  Database::WriteSlot slot = db.FindForWrite(key);
  KeyEntry* e = slot.entry();
  if (e == nullptr) return OpStatus::kKeyNotFound;
  if (e->type() != ValueType::kHash) return OpStatus::kWrongType;
  size_t deleted = 0;
  for (std::string_view field : fields) {
    if (e->encoding() == kHashTable) {
      deleted += MapOf(*e)->Delete(field);
    } else {
      uint8_t* lp = ListpackOf(*e);
      const size_t at = listpack::Find(lp, listpack::First(lp), listpack::Needle(field), 1);
      if (at == 0) continue;
      e->set_object(listpack::Delete(lp, at, 2));
      ++deleted;
    }
    if (HashLength(*e) == 0) break;
  }
  db.Commit(slot, e);
  if (deleted == 0) return deleted;
  db.Emit(KeyEvent::kHDel, key);
  if (HashLength(*e) == 0) db.Delete(key);
  return deleted;
}

OpResult<int64_t> HashIncrBy(Database& db, std::string_view key, std::string_view field,
                             int64_t incr, const TypeLimits& limits) {
  Database::WriteSlot slot = db.FindForWrite(key);
  OpResult<KeyEntry*> found = HashForWrite(slot, key);
  if (!found) return found.status();
  KeyEntry* e = *found;
  int64_t value = 0;
  HashScratch scratch;
  if (slot.entry() != nullptr) {
    if (auto current = HashGet(*e, field, scratch)) {
      if (!base::ParseInt64(*current, &value)) return OpStatus::kNotAnInteger;
    }
  }
  if ((incr < 0 && value < 0 && incr < std::numeric_limits<int64_t>::min() - value) ||
      (incr > 0 && value > 0 && incr > std::numeric_limits<int64_t>::max() - value)) {
    if (slot.entry() == nullptr) DestroyEntry(e);
    return OpStatus::kOverflow;
  }
  value += incr;
  char digits[base::kInt64Digits];
  SetComputed(db, e, field, {digits, base::FormatInt64(value, digits)}, limits);
  db.Commit(slot, e);
  db.Emit(KeyEvent::kHIncrBy, e->key());
  return value;
}

OpResult<std::string_view> HashIncrByFloat(Database& db, std::string_view key,
                                           std::string_view field, long double incr,
                                           const TypeLimits& limits, char* buf) {
  Database::WriteSlot slot = db.FindForWrite(key);
  OpResult<KeyEntry*> found = HashForWrite(slot, key);
  if (!found) return found.status();
  KeyEntry* e = *found;
  long double value = 0;
  HashScratch scratch;
  if (slot.entry() != nullptr) {
    if (auto current = HashGet(*e, field, scratch)) {
      if (!base::ParseLongDouble(*current, &value)) return OpStatus::kNotAFloat;
    }
  }
  value += incr;
  if (std::isnan(value) || std::isinf(value)) {
    if (slot.entry() == nullptr) DestroyEntry(e);
    return OpStatus::kNotFinite;
  }
  const std::string_view formatted(buf, base::FormatLongDouble(value, buf));
  SetComputed(db, e, field, formatted, limits);
  db.Commit(slot, e);
  db.Emit(KeyEvent::kHIncrByFloat, e->key());
  return formatted;
}

}  // namespace respd::store

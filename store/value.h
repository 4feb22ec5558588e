// The value dispatch: the one place that knows every type (Redis's object.c
// role). Each type registers its ValueOps here (value.cc's table) and nowhere
// else; everything that must treat a value without knowing its type — TYPE,
// SCAN TYPE, OBJECT ENCODING/REFCOUNT, DEBUG OBJECT, MEMORY USAGE, DEL,
// COPY, RENAME, lazy free — goes through these functions.
//
// An unknown type or encoding is a broken invariant and aborts, as Redis's
// serverPanic("Unknown encoding").
#pragma once

#include <cstddef>
#include <string_view>

#include "store/key_entry.h"

namespace respd::store {

// What a type provides. Functions that concern an entry's object are called
// only for entries that hold one (KeyEntry::holds_object), and may then
// switch on the entry's encoding.
struct ValueOps {
  std::string_view type_name;  // TYPE's answer: "string", "hash", …
  // OBJECT ENCODING's answer, with Redis's names ("int", "listpack", …).
  std::string_view (*encoding_name)(const KeyEntry& e);
  // OBJECT REFCOUNT's answer: what Redis 7.0 would report (shared integers).
  int (*refcount)(const KeyEntry& e);
  // Heap bytes the object holds (as the allocator sized them).
  size_t (*object_memory)(const KeyEntry& e);
  // A deep copy of the object (COPY).
  void* (*copy_object)(const KeyEntry& e);
  // Redis's lazyfreeGetFreeEffort: about how many allocations freeing the
  // object takes (1 for a single block).
  size_t (*free_effort)(const KeyEntry& e);
  // Frees up to *budget units of the object, lowering *budget by what it
  // did; true once the object is gone, false only with *budget at 0. A
  // type whose objects are freed in one step frees them whole.
  bool (*free_some)(KeyEntry& e, size_t* budget);
};

// The table row of `type`; aborts for a type nothing registered.
const ValueOps& OpsOf(ValueType type);

inline std::string_view TypeName(const KeyEntry& e) { return OpsOf(e.type()).type_name; }
inline std::string_view EncodingName(const KeyEntry& e) { return OpsOf(e.type()).encoding_name(e); }
inline int Refcount(const KeyEntry& e) { return OpsOf(e.type()).refcount(e); }

// Bytes the key really holds: its entry's allocation plus its object's.
size_t MemoryUsage(const KeyEntry& e);
// The work freeing `e` would take (1 for anything inline).
size_t FreeEffort(const KeyEntry& e);
// Above this effort a value is worth handing to the lazy reclaimer, as
// Redis's LAZYFREE_THRESHOLD.
inline constexpr size_t kLazyFreeThreshold = 64;

// Frees `e` and everything its value holds. `e` must be unlinked.
void DestroyEntry(KeyEntry* e);
// Frees up to *budget units of `e`'s value, then, once it is all gone, the
// entry itself (returning true). For the lazy reclaimer.
bool DestroyEntrySome(KeyEntry* e, size_t* budget);

// A deep copy of `e` under `key` (COPY): same value, deadline, encoding and
// access clock; no next link.
KeyEntry* CopyEntry(const KeyEntry& e, std::string_view key);

// The value of `e` under `key`, in O(1) whatever its size (RENAME): the
// object moves by pointer (KeyEntry::Rekey). `e` is consumed.
inline KeyEntry* RekeyEntry(KeyEntry* e, std::string_view key) { return KeyEntry::Rekey(e, key); }

}  // namespace respd::store

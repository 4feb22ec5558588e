// Lists: Redis's t_list.c without the protocol. The list family
// (server/commands/list_family.cc) parses and replies; this layer creates
// and deletes keys, and emits "lpush", "rpush", "lpop", "rpop", "linsert",
// "lset", "lrem", "ltrim" (and "del" when the last element goes).
//
// One encoding, as Redis 7.0: a quicklist (store/encodings/quicklist.h)
// whose fill, compress depth and packed threshold are the TypeLimits of the
// moment the list was created. OBJECT ENCODING always says "quicklist".
//
// Write commands look their key up as Redis's lookupKeyWrite (no keyspace
// hit or miss); reads as lookupKeyRead (FindList).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "store/database.h"
#include "store/encodings/quicklist.h"
#include "store/index_range.h"
#include "store/key_entry.h"
#include "store/op_result.h"
#include "store/type_limits.h"
#include "store/value.h"

namespace respd::store {

extern const ValueOps kListValueOps;

using ListEnd = Quicklist::End;

// The list at `key` as a read (counts a hit or miss): kKeyNotFound, or
// kWrongType for another type.
OpResult<KeyEntry*> FindList(Database& db, std::string_view key);
// The same as a write would look it up (no hit or miss counted).
OpResult<KeyEntry*> FindListForWrite(Database& db, std::string_view key);

// Reads go through the quicklist itself (Get, ForRange, FindAll); views it
// hands out are valid during the callback.
inline const Quicklist& ListOf(const KeyEntry& e) {
  return *static_cast<const Quicklist*>(e.object());
}
inline size_t ListLength(const KeyEntry& e) { return ListOf(e).size(); }

// LPUSH / RPUSH (and the X forms with `only_if_exists`): the new length;
// kKeyNotFound (X forms), kWrongType. Emits "lpush" / "rpush".
OpResult<size_t> ListPush(Database& db, std::string_view key,
                          std::span<const std::string_view> elements, ListEnd end,
                          bool only_if_exists, const TypeLimits& limits);
// LPOP / RPOP: fn(element) for up to `count` elements from `end`; how many.
// kKeyNotFound, kWrongType. Emits "lpop" / "rpop", and "del" if it empties.
OpResult<size_t> ListPop(Database& db, std::string_view key, ListEnd end, size_t count,
                         const std::function<void(std::string_view)>& fn);
// LSET: kKeyNotFound, kWrongType, kOutOfRange. Emits "lset".
OpStatus ListSet(Database& db, std::string_view key, int64_t index, std::string_view element);
// LINSERT: the new length, or -1 if `pivot` is not there; kKeyNotFound,
// kWrongType. Emits "linsert".
OpResult<int64_t> ListInsert(Database& db, std::string_view key, bool after, std::string_view pivot,
                             std::string_view element);
// LREM: removes |count| (0: all) elements equal to `element`, from the tail
// when count < 0; how many went. Emits "lrem" (and "del").
OpResult<size_t> ListRemove(Database& db, std::string_view key, int64_t count,
                            std::string_view element);
// LTRIM with Redis's index rules. Emits "ltrim" (and "del").
OpStatus ListTrim(Database& db, std::string_view key, int64_t start, int64_t end);
// LMOVE / RPOPLPUSH: pops from `src`'s `from` end and pushes onto `dst`'s
// `to` end (src == dst rotates); the element moved, or nullopt when `src`
// is absent. kWrongType if either key holds another type (checked before
// anything moves). Emits dst's push, then src's pop (and "del").
OpResult<std::optional<std::string>> ListMove(Database& db, std::string_view src,
                                              std::string_view dst, ListEnd from, ListEnd to,
                                              const TypeLimits& limits);

// SORT … STORE: makes `key` a list of `elements` (not empty), replacing
// whatever it held. Emits "sortstore".
void ListStore(Database& db, std::string_view key, std::span<const std::string_view> elements,
               const TypeLimits& limits);

}  // namespace respd::store

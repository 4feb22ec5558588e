// Hashes: Redis's t_hash.c without the protocol. The hash family
// (server/commands/hash_family.cc) parses and replies; this layer chooses and
// switches encodings, deletes a key when its last field goes, and emits
// "hset", "hdel", "hincrby", "hincrbyfloat".
//
// Encodings, as Redis 7.0: a listpack of field, value pairs in insertion
// order (an update replaces the value in place) while the hash has at most
// hash-max-listpack-entries fields and no field or value longer than
// hash-max-listpack-value; past either it becomes a StringMap ("hashtable")
// and never goes back. The conversion checks run where Redis runs them: HSET
// and HSETNX look at every argument before writing, HINCRBY* at the field
// and the new value, and any insert at the resulting length.
//
// Reads take the entry a lookup returned (FindHash); views they hand out are
// valid until the next write to the database.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string_view>

#include "store/database.h"
#include "store/encodings/listpack.h"
#include "store/encodings/string_map.h"
#include "store/key_entry.h"
#include "store/op_result.h"
#include "store/type_limits.h"
#include "store/value.h"

namespace respd::store {

extern const ValueOps kHashValueOps;

// Room for an integer field or value read back from a listpack.
using HashScratch = char[listpack::kIntBufferSize];

// The hash at `key` as a read (counts a hit or miss): kKeyNotFound, or
// kWrongType for another type.
OpResult<KeyEntry*> FindHash(Database& db, std::string_view key);

size_t HashLength(const KeyEntry& e);
// The value of `field`, or nullopt.
std::optional<std::string_view> HashGet(const KeyEntry& e, std::string_view field,
                                        HashScratch& scratch);

// fn(field, value) for every pair: insertion order for a listpack, table
// order for a hashtable. fn must not write to the database.
template <typename Fn>
void HashForEach(const KeyEntry& e, Fn&& fn) {
  if (e.encoding() == kHashTable) {
    static_cast<StringMap*>(e.object())->ForEach([&fn](const StringMapEntry& p) {
      fn(p.field(), p.value());
    });
    return;
  }
  const auto* lp = static_cast<const uint8_t*>(e.object());
  HashScratch fbuf, vbuf;
  for (size_t at = listpack::First(lp); at != 0;) {
    const std::string_view field = listpack::Get(lp, at, fbuf);
    at = listpack::Next(lp, at);
    fn(field, listpack::Get(lp, at, vbuf));
    at = listpack::Next(lp, at);
  }
}

// One HSCAN step: fn(field, value) for the pairs at `cursor`; the next
// cursor, 0 when done. A listpack is returned whole in one step (cursor 0),
// a hashtable with SCAN's guarantee across rehashing.
template <typename Fn>
uint64_t HashScan(const KeyEntry& e, uint64_t cursor, Fn&& fn) {
  if (e.encoding() == kHashTable) {
    return static_cast<StringMap*>(e.object())->Scan(cursor, [&fn](const StringMapEntry& p) {
      fn(p.field(), p.value());
    });
  }
  HashForEach(e, fn);
  return 0;
}

// HRANDFIELD's three cases: one random pair; `count` distinct pairs (all
// of them when count >= the length) in random order; `count` pairs with
// repeats allowed. fn(field, value) is called once per pair returned.
void HashRandomPair(KeyEntry& e, const std::function<void(std::string_view, std::string_view)>& fn);
void HashRandomDistinct(KeyEntry& e, size_t count,
                        const std::function<void(std::string_view, std::string_view)>& fn);
void HashRandomWithRepeats(KeyEntry& e, size_t count,
                           const std::function<void(std::string_view, std::string_view)>& fn);

// HSET / HMSET: `pairs` is field, value, field, value…; creates the key.
// Returns how many fields were new, or kWrongType. Emits "hset".
OpResult<size_t> HashSet(Database& db, std::string_view key,
                         std::span<const std::string_view> pairs, const TypeLimits& limits);
// HSETNX: true if the field was set (it was absent). Emits "hset" then.
OpResult<bool> HashSetIfAbsent(Database& db, std::string_view key, std::string_view field,
                               std::string_view value, const TypeLimits& limits);
// HDEL: how many of `fields` were removed; the key goes with its last
// field. kKeyNotFound, kWrongType. Emits "hdel" (and "del").
OpResult<size_t> HashDelete(Database& db, std::string_view key,
                            std::span<const std::string_view> fields);
// HINCRBY: the new value; kWrongType, kNotAnInteger (the field's value is
// not one), kOverflow. Emits "hincrby".
OpResult<int64_t> HashIncrBy(Database& db, std::string_view key, std::string_view field,
                             int64_t incr, const TypeLimits& limits);
// HINCRBYFLOAT: the new value as stored (Redis's ld2string), written to
// `buf` (base::kMaxLongDoubleChars); kWrongType, kNotAFloat, kNotFinite.
// Emits "hincrbyfloat".
OpResult<std::string_view> HashIncrByFloat(Database& db, std::string_view key,
                                           std::string_view field, long double incr,
                                           const TypeLimits& limits, char* buf);

}  // namespace respd::store

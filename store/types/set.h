// Sets: Redis's t_set.c without the protocol. The set family
// (server/commands/set_family.cc) parses and replies; this layer chooses and
// switches encodings, computes SINTER/SUNION/SDIFF as Redis does, deletes a
// key when its last member goes, and emits "sadd", "srem", "spop",
// "sinterstore", "sunionstore", "sdiffstore".
//
// Encodings, as Redis 7.0: an intset (sorted integers) while every member is
// a canonical int64 ("1", not "01" or "+1") and there are at most
// set-max-intset-entries of them; then a StringMap with empty values
// ("hashtable"), for good. Every new set starts as an intset and converts on
// its first non-integer member, so a set made of integers is an intset
// however it was made (SADD, SMOVE, the *STORE commands, SPOP's rebuild).
//
// Views handed out are valid until the next write to the database.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/database.h"
#include "store/encodings/intset.h"
#include "store/encodings/string_map.h"
#include "store/key_entry.h"
#include "store/op_result.h"
#include "store/type_limits.h"
#include "store/value.h"

namespace respd::store {

extern const ValueOps kSetValueOps;

using MemberFn = std::function<void(std::string_view)>;

// A set's object and encoding, wherever it lives (in an entry, or in a
// SetValue being built).
struct SetObject {
  void* object;
  uint8_t encoding;
};

// A set not in any database: the result of set algebra, built with Redis's
// rules, to be replied or stored.
class SetValue {
 public:
  explicit SetValue(const base::HashSeed& seed);
  ~SetValue();
  SetValue(SetValue&& other) noexcept;
  SetValue(const SetValue&) = delete;
  SetValue& operator=(const SetValue&) = delete;
  SetValue& operator=(SetValue&& other) noexcept;

  // setTypeAdd: true if the member is new.
  bool Add(std::string_view member, const TypeLimits& limits);
  bool Remove(std::string_view member);
  bool Contains(std::string_view member) const;
  size_t size() const;
  void ForEach(const MemberFn& fn) const;
  uint8_t encoding() const { return set_.encoding; }
  // Hands the object over (to become a key's value), leaving an empty set.
  SetObject Release();

  // Makes this set the value of `key` (replacing any value and deadline;
  // emits `event`), or deletes `key` when empty (emits "del" if it
  // existed). Returns the stored size. The SetValue is left empty.
  size_t StoreAt(Database& db, std::string_view key, KeyEvent event);

 private:
  const base::HashSeed* seed_;
  SetObject set_;
};

// The set at `key` as a read: kKeyNotFound, or kWrongType.
OpResult<KeyEntry*> FindSet(Database& db, std::string_view key);

size_t SetLength(const KeyEntry& e);
bool SetContains(const KeyEntry& e, std::string_view member);
// Every member: ascending for an intset, table order for a hashtable.
void SetForEach(const KeyEntry& e, const MemberFn& fn);
// One SSCAN step: an intset is returned whole (cursor 0), a hashtable with
// SCAN's guarantee across rehashing.
uint64_t SetScan(const KeyEntry& e, uint64_t cursor, const MemberFn& fn);

// SRANDMEMBER's cases: one random member; `count` distinct ones (all when
// count >= size); `count` with repeats allowed.
void SetRandomMember(const KeyEntry& e, const MemberFn& fn);
void SetRandomDistinct(const KeyEntry& e, size_t count, const MemberFn& fn);
void SetRandomWithRepeats(const KeyEntry& e, size_t count, const MemberFn& fn);

// SADD: how many members were new; creates the key. kWrongType.
OpResult<size_t> SetAdd(Database& db, std::string_view key,
                        std::span<const std::string_view> members, const TypeLimits& limits);
// SREM: how many were removed; the key goes with its last member.
// kKeyNotFound, kWrongType.
OpResult<size_t> SetRemove(Database& db, std::string_view key,
                           std::span<const std::string_view> members);
// SPOP: removes up to `count` random members and returns them (the whole
// set, and the key, when count >= its size). kKeyNotFound, kWrongType.
OpResult<std::vector<std::string>> SetPop(Database& db, std::string_view key, size_t count,
                                          const TypeLimits& limits);
// SMOVE: true if `member` moved from `src` to `dst` (created if absent).
// kKeyNotFound (src absent), kWrongType (either is another type). With src
// == dst, whether the member is there.
OpResult<bool> SetMove(Database& db, std::string_view src, std::string_view dst,
                       std::string_view member, const TypeLimits& limits);

// Set algebra over looked-up sets (nullptr for a missing key, an empty set).
// SINTER: iterates the smallest set, as Redis, so a tiny set against a huge
// one costs the tiny one. `limit` (SINTERCARD) stops once that many are
// found (0: no limit).
SetValue SetInter(std::span<KeyEntry* const> sets, const base::HashSeed& seed,
                  const TypeLimits& limits, size_t limit = 0);
SetValue SetUnion(std::span<KeyEntry* const> sets, const base::HashSeed& seed,
                  const TypeLimits& limits);
// SDIFF: with Redis's choice between its two algorithms by estimated work
// (the choice decides whether a big intermediate result converts).
SetValue SetDiff(std::span<KeyEntry* const> sets, const base::HashSeed& seed,
                 const TypeLimits& limits);

}  // namespace respd::store

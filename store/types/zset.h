// Sorted sets: Redis's t_zset.c without the protocol. The zset family
// (server/commands/zset_family.cc) parses and replies; this layer chooses and
// switches encodings, deletes a key when its last member goes, and emits
// "zadd", "zincr", "zrem", "zremrangebyrank", "zremrangebyscore",
// "zremrangebylex", "zpopmin", "zpopmax", "zrangestore" (and "del").
//
// Encodings, as Redis 7.0: a listpack of member, score pairs in score order
// (store/encodings/zset_listpack.h) while the set has at most
// zset-max-listpack-entries members none longer than zset-max-listpack-value,
// then a SkipList (store/encodings/skiplist.h), for good. A new key starts
// as a listpack unless the limit is 0 or its first member is too long; a
// listpack converts before an insert would pass either limit. Stored results
// (ZRANGESTORE) get the encoding their size and longest member call for.
//
// Views handed to callbacks are valid during the callback.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/database.h"
#include "store/encodings/zset_range.h"
#include "store/key_entry.h"
#include "store/op_result.h"
#include "store/type_limits.h"
#include "store/value.h"

namespace respd::store {

extern const ValueOps kZSetValueOps;

// The sorted set at `key` as a read (counts a hit or miss), or as a write
// would look it up: kKeyNotFound, or kWrongType for another type.
OpResult<KeyEntry*> FindZSet(Database& db, std::string_view key);
OpResult<KeyEntry*> FindZSetForWrite(Database& db, std::string_view key);

size_t ZSetLength(const KeyEntry& e);
std::optional<double> ZSetScore(const KeyEntry& e, std::string_view member);
// 0-based, from the lowest score (from the highest when `reverse`).
std::optional<size_t> ZSetRank(const KeyEntry& e, std::string_view member, bool reverse);

// fn(member, score) per element; returning false stops.
using ZSetElementFn = std::function<bool(std::string_view member, double score)>;
// Ranks first..last (inclusive, in range), from the lowest (or highest).
void ZSetRangeByRank(const KeyEntry& e, size_t first, size_t last, bool reverse,
                     const ZSetElementFn& fn);
// Members in a range, lowest first (highest first when `reverse`), after
// skipping `offset` of them, at most `limit` (negative: all).
void ZSetRangeByScore(const KeyEntry& e, const ScoreRange& range, bool reverse, int64_t offset,
                      int64_t limit, const ZSetElementFn& fn);
void ZSetRangeByLex(const KeyEntry& e, const LexRange& range, bool reverse, int64_t offset,
                    int64_t limit, const ZSetElementFn& fn);
size_t ZSetCount(const KeyEntry& e, const ScoreRange& range);
size_t ZSetLexCount(const KeyEntry& e, const LexRange& range);

// fn for every element, in score order.
inline void ZSetForEach(const KeyEntry& e, const ZSetElementFn& fn) {
  const size_t n = ZSetLength(e);
  if (n > 0) ZSetRangeByRank(e, 0, n - 1, false, fn);
}
// One ZSCAN step: a listpack whole (cursor 0), a skiplist through its
// member index with SCAN's guarantees.
uint64_t ZSetScan(const KeyEntry& e, uint64_t cursor,
                  const std::function<void(std::string_view, double)>& fn);
// ZRANDMEMBER's three cases, as HRANDFIELD's: one; `count` distinct (all
// when count >= the size, highest score first) in random order; `count`
// with repeats.
void ZSetRandomOne(const KeyEntry& e, const std::function<void(std::string_view, double)>& fn);
void ZSetRandomDistinct(const KeyEntry& e, size_t count,
                        const std::function<void(std::string_view, double)>& fn);
void ZSetRandomWithRepeats(const KeyEntry& e, size_t count,
                           const std::function<void(std::string_view, double)>& fn);

// SORT turns a listpack sorted set into a skiplist for good, as Redis 7.0's
// sortCommand does (OBJECT ENCODING shows it); no-op for a skiplist.
void ZSetConvertToSkipList(Database& db, KeyEntry* e);

// ZADD's options (ZINCRBY is ZADD INCR).
struct ZAddOptions {
  bool nx = false, xx = false, gt = false, lt = false, ch = false, incr = false;
};
struct ZAddResult {
  size_t added = 0;
  size_t updated = 0;
  // INCR: the new score, or nullopt when NX/XX/GT/LT left it alone.
  std::optional<double> score;
  // INCR made a NaN (inf + -inf): nothing was changed.
  bool nan = false;
};
// ZADD key [options] score member…: `scores` and `members` pair up.
// kWrongType. Emits "zadd" (or "zincr") when something was added or updated.
OpResult<ZAddResult> ZSetAdd(Database& db, std::string_view key, std::span<const double> scores,
                             std::span<const std::string_view> members, const ZAddOptions& options,
                             const TypeLimits& limits);
// ZREM: how many of `members` went. Emits "zrem" (and "del").
OpResult<size_t> ZSetRemove(Database& db, std::string_view key,
                            std::span<const std::string_view> members);
// ZREMRANGEBYRANK (first..last inclusive, in range), BYSCORE, BYLEX: how
// many went. Emit "zremrangebyrank"/"…byscore"/"…bylex" (and "del").
OpResult<size_t> ZSetRemoveRankRange(Database& db, std::string_view key, size_t first, size_t last);
OpResult<size_t> ZSetRemoveRange(Database& db, std::string_view key, const ScoreRange& range);
OpResult<size_t> ZSetRemoveRange(Database& db, std::string_view key, const LexRange& range);
// ZPOPMIN / ZPOPMAX: fn(member, score) for up to `count` elements from the
// lowest (or highest); how many. Emits "zpopmin"/"zpopmax" (and "del").
OpResult<size_t> ZSetPop(Database& db, std::string_view key, bool max, size_t count,
                         const std::function<void(std::string_view, double)>& fn);
// ZRANGESTORE (and later the algebra STOREs): makes `dst` the sorted set of
// `elements` (in score order, members distinct), in the encoding its size
// calls for, replacing what it held; an empty result deletes `dst`. Emits
// `event` for a stored set, "del" for a deleted one.
void ZSetStore(Database& db, std::string_view dst,
               const std::vector<std::pair<std::string, double>>& elements, KeyEvent event,
               const TypeLimits& limits);

}  // namespace respd::store

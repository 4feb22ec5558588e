// Sorted sets: ZADD ZINCRBY ZCARD ZSCORE ZMSCORE ZREM ZRANK ZREVRANK ZCOUNT
// ZLEXCOUNT ZRANGE ZRANGEBYSCORE ZREVRANGEBYSCORE ZRANGEBYLEX ZREVRANGEBYLEX
// ZREVRANGE ZRANGESTORE ZREMRANGEBYRANK ZREMRANGEBYSCORE ZREMRANGEBYLEX
// ZPOPMIN ZPOPMAX ZMPOP ZRANDMEMBER ZSCAN, and the blocking BZPOPMIN
// BZPOPMAX BZMPOP, with Redis 7.0's replies and error texts (src/t_zset.c).
//
// The family parses arguments, calls the sorted-set type API
// (store/types/zset.h) and replies; encodings are the type API's business.
// Scores are replied as Redis's addReplyDouble: "%.17g" bulk strings in
// RESP2, doubles in RESP3, and WITHSCORES pairs nest in RESP3.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "base/ascii.h"
#include "base/glob.h"
#include "base/numbers.h"
#include "server/blocking/blocking_registry.h"
#include "server/commands/families.h"
#include "server/commands/scan_options.h"
#include "server/core/server.h"
#include "server/dispatch/command_context.h"
#include "server/dispatch/errors.h"
#include "store/index_range.h"
#include "store/types/zset.h"

namespace respd::server {
namespace {

using store::KeyEntry;
using store::LexBound;
using store::LexRange;
using store::OpStatus;
using store::ScoreRange;

constexpr std::string_view kErrNotFloat = "ERR value is not a valid float";
constexpr std::string_view kErrNan = "ERR resulting score is not a number (NaN)";
constexpr std::string_view kErrMinMaxFloat = "ERR min or max is not a float";
constexpr std::string_view kErrMinMaxLex = "ERR min or max not valid string range item";
constexpr std::string_view kErrNumkeys = "ERR numkeys should be greater than 0";
constexpr std::string_view kErrCountPositive = "ERR count should be greater than 0";

bool ParseInteger(CommandContext& ctx, std::string_view arg, int64_t* value) {
  if (base::ParseInt64(arg, value)) return true;
  ctx.Error(kErrNotInteger);
  return false;
}

// One bound of a score range (zslParseRange): "(" makes it exclusive; the
// rest is read by strtod, which must reach the end (an empty rest is 0, as
// in Redis) and not give NaN.
bool ParseScoreBound(std::string_view arg, double* value, bool* exclusive) {
  *exclusive = !arg.empty() && arg[0] == '(';
  if (*exclusive) arg.remove_prefix(1);
  const std::string text(arg);  // strtod needs the terminator; it stops at NUL as Redis's does.
  char* end;
  *value = std::strtod(text.c_str(), &end);
  return *end == '\0' && !std::isnan(*value);
}

bool ParseScoreRange(std::string_view min, std::string_view max, ScoreRange* range) {
  return ParseScoreBound(min, &range->min, &range->min_exclusive) &&
         ParseScoreBound(max, &range->max, &range->max_exclusive);
}

// zslParseLexRangeItem: "+", "-", "[value" or "(value".
bool ParseLexBound(std::string_view arg, LexBound* bound) {
  if (arg.empty()) return false;
  switch (arg[0]) {
    case '+':
      if (arg.size() != 1) return false;
      bound->kind = LexBound::Kind::kPlusInfinity;
      return true;
    case '-':
      if (arg.size() != 1) return false;
      bound->kind = LexBound::Kind::kMinusInfinity;
      return true;
    case '(':
    case '[':
      bound->kind = LexBound::Kind::kValue;
      bound->exclusive = arg[0] == '(';
      bound->value = arg.substr(1);
      return true;
    default:
      return false;
  }
}

bool ParseLexRange(std::string_view min, std::string_view max, LexRange* range) {
  return ParseLexBound(min, &range->min) && ParseLexBound(max, &range->max);
}

// A member and its score as a WITHSCORES reply element: flat in RESP2, a
// [member, score] pair in RESP3.
void ReplyScored(CommandContext& ctx, std::string_view member, double score, bool withscores) {
  if (withscores && ctx.reply.resp3()) ctx.reply.ArrayHeader(2);
  ctx.reply.Bulk(member);
  if (withscores) ctx.reply.Double(score);
}
void ReplyScoredHeader(CommandContext& ctx, size_t n, bool withscores) {
  ctx.reply.ArrayHeader(withscores && !ctx.reply.resp3() ? 2 * n : n);
}

// ---------------------------------------------------------------------------
// ZADD and ZINCRBY.

void ZAddGeneric(CommandContext& ctx, bool incr) {
  const auto& argv = ctx.argv;
  store::ZAddOptions o;
  o.incr = incr;
  size_t at = 2;
  for (; at < argv.size(); ++at) {
    const std::string_view opt = argv[at];
    if (base::EqualsIgnoreCase(opt, "nx")) {
      o.nx = true;
    } else if (base::EqualsIgnoreCase(opt, "xx")) {
      o.xx = true;
    } else if (base::EqualsIgnoreCase(opt, "ch")) {
      o.ch = true;
    } else if (base::EqualsIgnoreCase(opt, "incr")) {
      o.incr = true;
    } else if (base::EqualsIgnoreCase(opt, "gt")) {
      o.gt = true;
    } else if (base::EqualsIgnoreCase(opt, "lt")) {
      o.lt = true;
    } else {
      break;
    }
  }
  const size_t args = argv.size() - at;
  if (args == 0 || args % 2 != 0) {
    ctx.Error(kErrSyntax);
    return;
  }
  if (o.nx && o.xx) {
    ctx.Error("ERR XX and NX options at the same time are not compatible");
    return;
  }
  if ((o.gt && o.nx) || (o.lt && o.nx) || (o.gt && o.lt)) {
    ctx.Error("ERR GT, LT, and/or NX options at the same time are not compatible");
    return;
  }
  const size_t elements = args / 2;
  if (o.incr && elements > 1) {
    ctx.Error("ERR INCR option supports a single increment-element pair");
    return;
  }
  std::vector<double> scores(elements);
  std::vector<std::string_view> members(elements);
  for (size_t j = 0; j < elements; ++j) {
    if (!base::ParseDouble(argv[at + 2 * j], &scores[j])) {
      ctx.Error(kErrNotFloat);
      return;
    }
    members[j] = argv[at + 2 * j + 1];
  }
  auto result = store::ZSetAdd(ctx.db, argv[1], scores, members, o, ctx.server.type_limits());
  if (!result) {
    ctx.Error(OpStatusError(result.status()));
  } else if (result->nan) {
    ctx.Error(kErrNan);
  } else if (o.incr) {
    if (result->score) {
      ctx.reply.Double(*result->score);
    } else {
      ctx.reply.Null();
    }
  } else {
    ctx.reply.Integer(static_cast<int64_t>(o.ch ? result->added + result->updated : result->added));
  }
}
void ZAddCommand(CommandContext& ctx) { ZAddGeneric(ctx, false); }
void ZIncrByCommand(CommandContext& ctx) { ZAddGeneric(ctx, true); }

// ---------------------------------------------------------------------------
// Point reads and ZREM.

// ZCARD key
void ZCardCommand(CommandContext& ctx) {
  KeyEntry* e =
      ctx.EntryOrReply(store::FindZSet(ctx.db, ctx.argv[1]), [&] { ctx.reply.Integer(0); });
  if (e != nullptr) ctx.reply.Integer(static_cast<int64_t>(store::ZSetLength(*e)));
}

// ZSCORE key member
void ZScoreCommand(CommandContext& ctx) {
  KeyEntry* e = ctx.EntryOrReply(store::FindZSet(ctx.db, ctx.argv[1]), [&] { ctx.reply.Null(); });
  if (e == nullptr) return;
  if (auto score = store::ZSetScore(*e, ctx.argv[2])) {
    ctx.reply.Double(*score);
  } else {
    ctx.reply.Null();
  }
}

// ZMSCORE key member [member ...]: a missing key is all nils.
void ZMScoreCommand(CommandContext& ctx) {
  auto found = store::FindZSet(ctx.db, ctx.argv[1]);
  if (!found && found.status() != OpStatus::kKeyNotFound) {
    ctx.Error(OpStatusError(found.status()));
    return;
  }
  const auto members = ctx.argv.subspan(2);
  ctx.reply.ArrayHeader(members.size());
  for (std::string_view m : members) {
    std::optional<double> score;
    if (found) score = store::ZSetScore(**found, m);
    if (score) {
      ctx.reply.Double(*score);
    } else {
      ctx.reply.Null();
    }
  }
}

// ZREM key member [member ...]
void ZRemCommand(CommandContext& ctx) {
  ctx.ReplyCount(store::ZSetRemove(ctx.db, ctx.argv[1], ctx.argv.subspan(2)));
}

// ZRANK / ZREVRANK key member
void ZRankGeneric(CommandContext& ctx, bool reverse) {
  KeyEntry* e = ctx.EntryOrReply(store::FindZSet(ctx.db, ctx.argv[1]), [&] { ctx.reply.Null(); });
  if (e == nullptr) return;
  if (auto rank = store::ZSetRank(*e, ctx.argv[2], reverse)) {
    ctx.reply.Integer(static_cast<int64_t>(*rank));
  } else {
    ctx.reply.Null();
  }
}
void ZRankCommand(CommandContext& ctx) { ZRankGeneric(ctx, false); }
void ZRevRankCommand(CommandContext& ctx) { ZRankGeneric(ctx, true); }

// ZCOUNT key min max
void ZCountCommand(CommandContext& ctx) {
  ScoreRange range;
  if (!ParseScoreRange(ctx.argv[2], ctx.argv[3], &range)) {
    ctx.Error(kErrMinMaxFloat);
    return;
  }
  KeyEntry* e =
      ctx.EntryOrReply(store::FindZSet(ctx.db, ctx.argv[1]), [&] { ctx.reply.Integer(0); });
  if (e != nullptr) ctx.reply.Integer(static_cast<int64_t>(store::ZSetCount(*e, range)));
}

// ZLEXCOUNT key min max
void ZLexCountCommand(CommandContext& ctx) {
  LexRange range;
  if (!ParseLexRange(ctx.argv[2], ctx.argv[3], &range)) {
    ctx.Error(kErrMinMaxLex);
    return;
  }
  KeyEntry* e =
      ctx.EntryOrReply(store::FindZSet(ctx.db, ctx.argv[1]), [&] { ctx.reply.Integer(0); });
  if (e != nullptr) ctx.reply.Integer(static_cast<int64_t>(store::ZSetLexCount(*e, range)));
}

// ---------------------------------------------------------------------------
// The ZRANGE family (zrangeGenericCommand).

enum class RangeType : uint8_t { kAuto, kRank, kScore, kLex };
enum class Direction : uint8_t { kAuto, kForward, kReverse };

// ZRANGE, ZREVRANGE, Z[REV]RANGEBY{SCORE,LEX} and ZRANGESTORE: the source key
// is argv[first], its range the next two; options follow.
void RangeGeneric(CommandContext& ctx, size_t first, bool store, RangeType type,
                  Direction direction) {
  const auto& argv = ctx.argv;
  bool withscores = false;
  int64_t offset = 0, limit = -1;
  for (size_t j = first + 3; j < argv.size(); ++j) {
    const size_t left = argv.size() - j - 1;
    if (!store && base::EqualsIgnoreCase(argv[j], "withscores")) {
      withscores = true;
    } else if (base::EqualsIgnoreCase(argv[j], "limit") && left >= 2) {
      if (!ParseInteger(ctx, argv[j + 1], &offset) || !ParseInteger(ctx, argv[j + 2], &limit)) {
        return;
      }
      j += 2;
    } else if (direction == Direction::kAuto && base::EqualsIgnoreCase(argv[j], "rev")) {
      direction = Direction::kReverse;
    } else if (type == RangeType::kAuto && base::EqualsIgnoreCase(argv[j], "bylex")) {
      type = RangeType::kLex;
    } else if (type == RangeType::kAuto && base::EqualsIgnoreCase(argv[j], "byscore")) {
      type = RangeType::kScore;
    } else {
      ctx.Error(kErrSyntax);
      return;
    }
  }
  if (direction == Direction::kAuto) direction = Direction::kForward;
  if (type == RangeType::kAuto) type = RangeType::kRank;
  if (limit != -1 && type == RangeType::kRank) {
    ctx.Error(
        "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
    return;
  }
  if (withscores && type == RangeType::kLex) {
    ctx.Error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
    return;
  }
  const bool reverse = direction == Direction::kReverse;
  // Reversed score and lex ranges are given as max, min.
  std::string_view min = argv[first + 1], max = argv[first + 2];
  if (reverse && type != RangeType::kRank) std::swap(min, max);
  int64_t start = 0, end = 0;
  ScoreRange score_range;
  LexRange lex_range;
  switch (type) {
    case RangeType::kAuto:
    case RangeType::kRank:
      if (!ParseInteger(ctx, min, &start) || !ParseInteger(ctx, max, &end)) return;
      break;
    case RangeType::kScore:
      if (!ParseScoreRange(min, max, &score_range)) {
        ctx.Error(kErrMinMaxFloat);
        return;
      }
      break;
    case RangeType::kLex:
      if (!ParseLexRange(min, max, &lex_range)) {
        ctx.Error(kErrMinMaxLex);
        return;
      }
      break;
  }
  auto found = store::FindZSet(ctx.db, argv[first]);
  if (!found && found.status() != OpStatus::kKeyNotFound) {
    ctx.Error(OpStatusError(found.status()));
    return;
  }
  // ZRANGESTORE collects; the others stream (after counting, for the header).
  std::vector<std::pair<std::string, double>> stored;
  auto emit = [&](std::string_view m, double s) {
    if (store) {
      stored.emplace_back(m, s);
    } else {
      ReplyScored(ctx, m, s, withscores);
    }
    return true;
  };
  auto header = [&](size_t n) {
    if (!store) ReplyScoredHeader(ctx, n, withscores);
  };
  const KeyEntry* e = found ? *found : nullptr;
  const auto length = static_cast<int64_t>(e != nullptr ? store::ZSetLength(*e) : 0);
  switch (type) {
    case RangeType::kAuto:
    case RangeType::kRank:
      if (e == nullptr || !store::ClampIndexRange(length, &start, &end)) {
        header(0);
        break;
      }
      header(static_cast<size_t>(end - start + 1));
      store::ZSetRangeByRank(*e, static_cast<size_t>(start), static_cast<size_t>(end), reverse,
                             emit);
      break;
    case RangeType::kScore:
    case RangeType::kLex: {
      if (e == nullptr || offset < 0) {
        header(0);
        break;
      }
      const size_t total = type == RangeType::kScore ? store::ZSetCount(*e, score_range)
                                                     : store::ZSetLexCount(*e, lex_range);
      size_t n = static_cast<uint64_t>(offset) >= total ? 0 : total - static_cast<size_t>(offset);
      if (limit >= 0) n = std::min(n, static_cast<size_t>(limit));
      header(n);
      if (n == 0) break;
      if (type == RangeType::kScore) {
        store::ZSetRangeByScore(*e, score_range, reverse, offset, limit, emit);
      } else {
        store::ZSetRangeByLex(*e, lex_range, reverse, offset, limit, emit);
      }
      break;
    }
  }
  if (store) {
    // Rank order of a reversed range is the reverse of score order.
    if (reverse) std::reverse(stored.begin(), stored.end());
    const size_t n = stored.size();
    store::ZSetStore(ctx.db, argv[1], stored, store::KeyEvent::kZRangeStore,
                     ctx.server.type_limits());
    ctx.reply.Integer(static_cast<int64_t>(n));
  }
}

void ZRangeCommand(CommandContext& ctx) {
  RangeGeneric(ctx, 1, false, RangeType::kAuto, Direction::kAuto);
}
void ZRevRangeCommand(CommandContext& ctx) {
  RangeGeneric(ctx, 1, false, RangeType::kRank, Direction::kReverse);
}
void ZRangeByScoreCommand(CommandContext& ctx) {
  RangeGeneric(ctx, 1, false, RangeType::kScore, Direction::kForward);
}
void ZRevRangeByScoreCommand(CommandContext& ctx) {
  RangeGeneric(ctx, 1, false, RangeType::kScore, Direction::kReverse);
}
void ZRangeByLexCommand(CommandContext& ctx) {
  RangeGeneric(ctx, 1, false, RangeType::kLex, Direction::kForward);
}
void ZRevRangeByLexCommand(CommandContext& ctx) {
  RangeGeneric(ctx, 1, false, RangeType::kLex, Direction::kReverse);
}
void ZRangeStoreCommand(CommandContext& ctx) {
  RangeGeneric(ctx, 2, true, RangeType::kAuto, Direction::kAuto);
}

// ZREMRANGEBYRANK / ZREMRANGEBYSCORE / ZREMRANGEBYLEX key min max: the range
// is parsed before the key is looked up.
void ZRemRangeByRankCommand(CommandContext& ctx) {
  int64_t start, end;
  if (!ParseInteger(ctx, ctx.argv[2], &start) || !ParseInteger(ctx, ctx.argv[3], &end)) return;
  auto found = store::FindZSetForWrite(ctx.db, ctx.argv[1]);
  if (!found) {
    ctx.ReplyCount(found.status());
    return;
  }
  if (!store::ClampIndexRange(static_cast<int64_t>(store::ZSetLength(**found)), &start, &end)) {
    ctx.reply.Integer(0);
    return;
  }
  ctx.ReplyCount(store::ZSetRemoveRankRange(ctx.db, ctx.argv[1], static_cast<size_t>(start),
                                            static_cast<size_t>(end)));
}

void ZRemRangeByScoreCommand(CommandContext& ctx) {
  ScoreRange range;
  if (!ParseScoreRange(ctx.argv[2], ctx.argv[3], &range)) {
    ctx.Error(kErrMinMaxFloat);
    return;
  }
  ctx.ReplyCount(store::ZSetRemoveRange(ctx.db, ctx.argv[1], range));
}

void ZRemRangeByLexCommand(CommandContext& ctx) {
  LexRange range;
  if (!ParseLexRange(ctx.argv[2], ctx.argv[3], &range)) {
    ctx.Error(kErrMinMaxLex);
    return;
  }
  ctx.ReplyCount(store::ZSetRemoveRange(ctx.db, ctx.argv[1], range));
}

// ---------------------------------------------------------------------------
// Pops (genericZpopCommand).

// How a pop's reply is shaped.
enum class PopShape : uint8_t {
  kFlat,        // ZPOPMIN/MAX: member, score… (RESP3 with a count: pairs)
  kKeyed,       // BZPOPMIN/MAX: key, member, score
  kKeyedNested  // ZMPOP/BZMPOP: [key, [[member, score]…]]
};

// Pops up to `count` (-1: one, unnamed) from the first of `keys` that
// exists. Returns false with nothing replied when none exists; WRONGTYPE for
// the first key of another type.
enum class PopOutcome : uint8_t { kServed, kNothing, kError };
PopOutcome PopFirst(CommandContext& ctx, std::span<const std::string_view> keys, bool max,
                    int64_t count, PopShape shape) {
  for (std::string_view key : keys) {
    auto found = store::FindZSetForWrite(ctx.db, key);
    if (!found) {
      if (found.status() == OpStatus::kKeyNotFound) continue;
      ctx.Error(OpStatusError(found.status()));
      return PopOutcome::kError;
    }
    const bool nested = shape == PopShape::kKeyedNested ||
                        (shape == PopShape::kFlat && ctx.reply.resp3() && count != -1);
    if (count == 0) {
      ctx.reply.ArrayHeader(0);
      return PopOutcome::kServed;
    }
    const size_t n =
        std::min(static_cast<size_t>(count == -1 ? 1 : count), store::ZSetLength(**found));
    switch (shape) {
      case PopShape::kFlat:
        ctx.reply.ArrayHeader(nested ? n : 2 * n);
        break;
      case PopShape::kKeyed:
        ctx.reply.ArrayHeader(2 * n + 1);
        ctx.reply.Bulk(key);
        break;
      case PopShape::kKeyedNested:
        ctx.reply.ArrayHeader(2);
        ctx.reply.Bulk(key);
        ctx.reply.ArrayHeader(n);
        break;
    }
    store::ZSetPop(ctx.db, key, max, n, [&](std::string_view m, double s) {
      if (nested) ctx.reply.ArrayHeader(2);
      ctx.reply.Bulk(m);
      ctx.reply.Double(s);
    });
    return PopOutcome::kServed;
  }
  return PopOutcome::kNothing;
}

// ZPOPMIN / ZPOPMAX key [count]
void ZPopGeneric(CommandContext& ctx, bool max) {
  if (ctx.argv.size() > 3) {
    ctx.Error(kErrSyntax);
    return;
  }
  int64_t count = -1;
  if (ctx.argv.size() == 3 && (!base::ParseInt64(ctx.argv[2], &count) || count < 0)) {
    ctx.Error(kErrMustBePositive);
    return;
  }
  if (PopFirst(ctx, ctx.argv.subspan(1, 1), max, count, PopShape::kFlat) == PopOutcome::kNothing) {
    ctx.reply.ArrayHeader(0);
  }
}
void ZPopMinCommand(CommandContext& ctx) { ZPopGeneric(ctx, false); }
void ZPopMaxCommand(CommandContext& ctx) { ZPopGeneric(ctx, true); }

// ZMPOP's and BZMPOP's arguments from `numkeys_at`: numkeys key… MIN|MAX
// [COUNT count].
struct MultiPopArgs {
  std::span<const std::string_view> keys;
  bool max = false;
  int64_t count = 1;
};
bool ParseMultiPop(CommandContext& ctx, size_t numkeys_at, MultiPopArgs* out) {
  const auto& argv = ctx.argv;
  int64_t numkeys;
  if (!base::ParseInt64(argv[numkeys_at], &numkeys) || numkeys < 1) {
    ctx.Error(kErrNumkeys);
    return false;
  }
  if (static_cast<uint64_t>(numkeys) >= argv.size() - numkeys_at - 1) {
    ctx.Error(kErrSyntax);
    return false;
  }
  const size_t where_at = numkeys_at + 1 + static_cast<size_t>(numkeys);
  out->keys = argv.subspan(numkeys_at + 1, static_cast<size_t>(numkeys));
  if (base::EqualsIgnoreCase(argv[where_at], "min")) {
    out->max = false;
  } else if (base::EqualsIgnoreCase(argv[where_at], "max")) {
    out->max = true;
  } else {
    ctx.Error(kErrSyntax);
    return false;
  }
  bool have_count = false;
  for (size_t j = where_at + 1; j < argv.size(); ++j) {
    if (!have_count && j + 1 < argv.size() && base::EqualsIgnoreCase(argv[j], "count")) {
      if (!base::ParseInt64(argv[++j], &out->count) || out->count < 1) {
        ctx.Error(kErrCountPositive);
        return false;
      }
      have_count = true;
    } else {
      ctx.Error(kErrSyntax);
      return false;
    }
  }
  return true;
}

// ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]
void ZMPopCommand(CommandContext& ctx) {
  MultiPopArgs args;
  if (!ParseMultiPop(ctx, 1, &args)) return;
  if (PopFirst(ctx, args.keys, args.max, args.count, PopShape::kKeyedNested) ==
      PopOutcome::kNothing) {
    ctx.reply.NullArray();
  }
}

// BZPOPMIN / BZPOPMAX key [key ...] timeout
void BZPopGeneric(CommandContext& ctx, bool max) {
  int64_t deadline;
  if (!ParseBlockingTimeout(ctx, ctx.argv.back(), TimeoutUnit::kSeconds, &deadline)) return;
  const auto keys = ctx.argv.subspan(1, ctx.argv.size() - 2);
  if (PopFirst(ctx, keys, max, -1, PopShape::kKeyed) != PopOutcome::kNothing) return;
  WaitOrReply(ctx, keys, store::ValueType::kZSet, deadline, [&] { ctx.reply.NullArray(); });
}
void BZPopMinCommand(CommandContext& ctx) { BZPopGeneric(ctx, false); }
void BZPopMaxCommand(CommandContext& ctx) { BZPopGeneric(ctx, true); }

// BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]: the arguments
// after the timeout are checked first.
void BZMPopCommand(CommandContext& ctx) {
  MultiPopArgs args;
  if (!ParseMultiPop(ctx, 2, &args)) return;
  int64_t deadline;
  if (!ParseBlockingTimeout(ctx, ctx.argv[1], TimeoutUnit::kSeconds, &deadline)) return;
  if (PopFirst(ctx, args.keys, args.max, args.count, PopShape::kKeyedNested) !=
      PopOutcome::kNothing) {
    return;
  }
  WaitOrReply(ctx, args.keys, store::ValueType::kZSet, deadline, [&] { ctx.reply.NullArray(); });
}

// ---------------------------------------------------------------------------
// ZRANDMEMBER and ZSCAN.

// ZRANDMEMBER key [count [WITHSCORES]]
void ZRandMemberCommand(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  if (argv.size() == 2) {
    KeyEntry* e = ctx.EntryOrReply(store::FindZSet(ctx.db, argv[1]), [&] { ctx.reply.Null(); });
    if (e != nullptr)
      store::ZSetRandomOne(*e, [&](std::string_view m, double) { ctx.reply.Bulk(m); });
    return;
  }
  int64_t count;
  if (!ParseInteger(ctx, argv[2], &count)) return;
  if (count == std::numeric_limits<int64_t>::min()) {
    ctx.Error(kErrRandomCountRange);
    return;
  }
  if (argv.size() > 4 || (argv.size() == 4 && !base::EqualsIgnoreCase(argv[3], "withscores"))) {
    ctx.Error(kErrSyntax);
    return;
  }
  const bool withscores = argv.size() == 4;
  // Each pair is two replies: keep the reply's length representable.
  if (withscores && (count < -std::numeric_limits<int64_t>::max() / 2 ||
                     count > std::numeric_limits<int64_t>::max() / 2)) {
    ctx.Error("ERR value is out of range");
    return;
  }
  KeyEntry* e =
      ctx.EntryOrReply(store::FindZSet(ctx.db, argv[1]), [&] { ctx.reply.ArrayHeader(0); });
  if (e == nullptr) return;
  if (count == 0) {
    ctx.reply.ArrayHeader(0);
    return;
  }
  auto emit = [&](std::string_view m, double s) { ReplyScored(ctx, m, s, withscores); };
  const bool repeats = count < 0 || count == 1;
  const auto n = static_cast<size_t>(count < 0 ? -count : count);
  if (repeats) {
    ReplyScoredHeader(ctx, n, withscores);
    ctx.EmitBounded(n, [&](size_t k) { store::ZSetRandomWithRepeats(*e, k, emit); });
    return;
  }
  ReplyScoredHeader(ctx, std::min(n, store::ZSetLength(*e)), withscores);
  store::ZSetRandomDistinct(*e, n, emit);
}

// ZSCAN key cursor [MATCH pattern] [COUNT count]: a member and its score
// count as two items toward COUNT, scores as d2string writes them.
void ZScanCommand(CommandContext& ctx) {
  uint64_t cursor;
  if (!ParseScanCursor(ctx.argv[2], &cursor)) {
    ctx.Error(kErrInvalidCursor);
    return;
  }
  KeyEntry* e =
      ctx.EntryOrReply(store::FindZSet(ctx.db, ctx.argv[1]), [&] { ReplyEmptyScan(ctx); });
  if (e == nullptr) return;
  ScanOptions options;
  if (!ParseScanOptions(ctx, ctx.argv.subspan(3), /*allow_type=*/false, &options)) return;
  std::vector<std::string> items;
  cursor = RunScanSteps(cursor, options.count, [&](uint64_t at, size_t* collected) {
    return store::ZSetScan(*e, at, [&](std::string_view member, double score) {
      *collected += 2;
      if (options.use_pattern && !base::GlobMatch(options.pattern, member)) return;
      items.emplace_back(member);
      char digits[base::kMaxDoubleChars];
      items.emplace_back(digits, base::FormatDouble(score, digits));
    });
  });
  ReplyScan(ctx, cursor, items);
}

constexpr CommandSpec kZSetCommands[] = {
    {.name = "zadd", .handler = &ZAddCommand},
    {.name = "zincrby", .handler = &ZIncrByCommand},
    {.name = "zcard", .handler = &ZCardCommand},
    {.name = "zscore", .handler = &ZScoreCommand},
    {.name = "zmscore", .handler = &ZMScoreCommand},
    {.name = "zrem", .handler = &ZRemCommand},
    {.name = "zrank", .handler = &ZRankCommand},
    {.name = "zrevrank", .handler = &ZRevRankCommand},
    {.name = "zcount", .handler = &ZCountCommand},
    {.name = "zlexcount", .handler = &ZLexCountCommand},
    {.name = "zrange", .handler = &ZRangeCommand},
    {.name = "zrevrange", .handler = &ZRevRangeCommand},
    {.name = "zrangebyscore", .handler = &ZRangeByScoreCommand},
    {.name = "zrevrangebyscore", .handler = &ZRevRangeByScoreCommand},
    {.name = "zrangebylex", .handler = &ZRangeByLexCommand},
    {.name = "zrevrangebylex", .handler = &ZRevRangeByLexCommand},
    {.name = "zrangestore", .handler = &ZRangeStoreCommand},
    {.name = "zremrangebyrank", .handler = &ZRemRangeByRankCommand},
    {.name = "zremrangebyscore", .handler = &ZRemRangeByScoreCommand},
    {.name = "zremrangebylex", .handler = &ZRemRangeByLexCommand},
    {.name = "zpopmin", .handler = &ZPopMinCommand},
    {.name = "zpopmax", .handler = &ZPopMaxCommand},
    {.name = "zmpop", .handler = &ZMPopCommand},
    {.name = "bzpopmin", .handler = &BZPopMinCommand},
    {.name = "bzpopmax", .handler = &BZPopMaxCommand},
    {.name = "bzmpop", .handler = &BZMPopCommand},
    {.name = "zrandmember", .handler = &ZRandMemberCommand},
    {.name = "zscan", .handler = &ZScanCommand},
};

}  // namespace

std::span<const CommandSpec> ZSetCommands() { return kZSetCommands; }

}  // namespace respd::server

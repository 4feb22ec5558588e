// Lists: LPUSH RPUSH LPUSHX RPUSHX LLEN LINDEX LRANGE LSET LINSERT LREM LTRIM
// LPOS LPOP RPOP LMOVE RPOPLPUSH LMPOP, and the blocking BLPOP BRPOP BLMOVE
// BRPOPLPUSH BLMPOP, with Redis 7.0's replies and error texts (src/t_list.c).
//
// The family parses arguments, calls the list type API (store/types/list.h)
// and replies. A blocking command first does what its plain form would; if
// every key is empty it waits (server/blocking/), and is run again when one
// of its keys is created: that run either serves it or leaves it waiting.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/ascii.h"
#include "base/numbers.h"
#include "server/blocking/blocking_registry.h"
#include "server/commands/families.h"
#include "server/core/server.h"
#include "server/dispatch/command_context.h"
#include "server/dispatch/errors.h"
#include "store/types/list.h"

namespace respd::server {
namespace {

using store::KeyEntry;
using store::ListEnd;
using store::OpStatus;

constexpr std::string_view kErrRankZero =
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use "
    "negative to start from the end of the list";
constexpr std::string_view kErrNumkeys = "ERR numkeys should be greater than 0";
constexpr std::string_view kErrCountPositive = "ERR count should be greater than 0";

// LEFT / RIGHT (getListPositionFromObjectOrReply).
bool ParseEnd(CommandContext& ctx, std::string_view arg, ListEnd* end) {
  if (base::EqualsIgnoreCase(arg, "left")) {
    *end = ListEnd::kHead;
  } else if (base::EqualsIgnoreCase(arg, "right")) {
    *end = ListEnd::kTail;
  } else {
    ctx.Error(kErrSyntax);
    return false;
  }
  return true;
}

bool ParseInteger(CommandContext& ctx, std::string_view arg, int64_t* value) {
  if (base::ParseInt64(arg, value)) return true;
  ctx.Error(kErrNotInteger);
  return false;
}

// Redis's getRangeLongFromObjectOrReply with a message: one text for a
// non-integer and for a value outside [min, max].
bool ParseRanged(CommandContext& ctx, std::string_view arg, int64_t min, int64_t max,
                 std::string_view error, int64_t* value) {
  if (base::ParseInt64(arg, value) && *value >= min && *value <= max) return true;
  ctx.Error(error);
  return false;
}

// A pop with a count from the list `e` at `key`: the elements as an array,
// each written as it is popped.
void ReplyPopped(CommandContext& ctx, const KeyEntry& e, std::string_view key, ListEnd end,
                 size_t count) {
  ctx.reply.ArrayHeader(std::min(count, store::ListLength(e)));
  store::ListPop(ctx.db, key, end, count, [&](std::string_view v) { ctx.reply.Bulk(v); });
}

// ---------------------------------------------------------------------------
// Pushes and reads.

void PushGeneric(CommandContext& ctx, ListEnd end, bool only_if_exists) {
  auto length = store::ListPush(ctx.db, ctx.argv[1], ctx.argv.subspan(2), end, only_if_exists,
                                ctx.server.type_limits());
  ctx.ReplyCount(length);
}
void LPushCommand(CommandContext& ctx) { PushGeneric(ctx, ListEnd::kHead, false); }
void RPushCommand(CommandContext& ctx) { PushGeneric(ctx, ListEnd::kTail, false); }
void LPushXCommand(CommandContext& ctx) { PushGeneric(ctx, ListEnd::kHead, true); }
void RPushXCommand(CommandContext& ctx) { PushGeneric(ctx, ListEnd::kTail, true); }

// LLEN key
void LLenCommand(CommandContext& ctx) {
  KeyEntry* e =
      ctx.EntryOrReply(store::FindList(ctx.db, ctx.argv[1]), [&] { ctx.reply.Integer(0); });
  if (e != nullptr) ctx.reply.Integer(static_cast<int64_t>(store::ListLength(*e)));
}

// LINDEX key index: the key is looked up before the index is parsed.
void LIndexCommand(CommandContext& ctx) {
  KeyEntry* e = ctx.EntryOrReply(store::FindList(ctx.db, ctx.argv[1]), [&] { ctx.reply.Null(); });
  if (e == nullptr) return;
  int64_t index;
  if (!ParseInteger(ctx, ctx.argv[2], &index)) return;
  if (!store::ListOf(*e).Get(index, [&](std::string_view v) { ctx.reply.Bulk(v); })) {
    ctx.reply.Null();
  }
}

// LRANGE key start stop: streamed from the quicklist, nothing copied.
void LRangeCommand(CommandContext& ctx) {
  int64_t start, end;
  if (!ParseInteger(ctx, ctx.argv[2], &start) || !ParseInteger(ctx, ctx.argv[3], &end)) return;
  KeyEntry* e =
      ctx.EntryOrReply(store::FindList(ctx.db, ctx.argv[1]), [&] { ctx.reply.ArrayHeader(0); });
  if (e == nullptr) return;
  const store::Quicklist& list = store::ListOf(*e);
  if (!store::ClampIndexRange(static_cast<int64_t>(list.size()), &start, &end)) {
    ctx.reply.ArrayHeader(0);
    return;
  }
  const auto n = static_cast<size_t>(end - start + 1);
  ctx.reply.ArrayHeader(n);
  list.ForRange(start, n, /*reverse=*/false, [&](std::string_view v) {
    ctx.reply.Bulk(v);
    return true;
  });
}

// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
void LPosCommand(CommandContext& ctx) {
  int64_t rank = 1, count = -1, maxlen = 0;
  const auto& argv = ctx.argv;
  for (size_t j = 3; j < argv.size(); ++j) {
    const bool more = j + 1 < argv.size();
    if (more && base::EqualsIgnoreCase(argv[j], "rank")) {
      if (!base::ParseInt64(argv[++j], &rank)) {
        ctx.Error(kErrNotInteger);
        return;
      }
      if (rank == 0) {
        ctx.Error(kErrRankZero);
        return;
      }
    } else if (more && base::EqualsIgnoreCase(argv[j], "count")) {
      if (!ParseRanged(ctx, argv[++j], 0, INT64_MAX, "ERR COUNT can't be negative", &count)) return;
    } else if (more && base::EqualsIgnoreCase(argv[j], "maxlen")) {
      if (!ParseRanged(ctx, argv[++j], 0, INT64_MAX, "ERR MAXLEN can't be negative", &maxlen)) {
        return;
      }
    } else {
      ctx.Error(kErrSyntax);
      return;
    }
  }
  const bool reverse = rank < 0;
  // RANK INT64_MIN stays negative when Redis negates it: every match
  // qualifies and COUNT never stops the scan.
  const bool rank_overflows = rank == INT64_MIN;
  const uint64_t skip =
      rank_overflows ? 0
                     : (reverse ? static_cast<uint64_t>(-rank) : static_cast<uint64_t>(rank)) - 1;
  KeyEntry* e = ctx.EntryOrReply(store::FindList(ctx.db, argv[1]), [&] {
    if (count != -1) {
      ctx.reply.ArrayHeader(0);
    } else {
      ctx.reply.Null();
    }
  });
  if (e == nullptr) return;
  std::vector<int64_t> found;
  uint64_t matches = 0;
  const size_t wanted =
      count == -1 ? 1 : (rank_overflows ? 0 : static_cast<size_t>(count));  // 0: all.
  store::ListOf(*e).FindAll(argv[2], reverse, static_cast<size_t>(maxlen), [&](size_t index) {
    if (matches++ < skip) return true;
    found.push_back(static_cast<int64_t>(index));
    return wanted == 0 || found.size() < wanted;
  });
  if (count == -1) {
    if (found.empty()) {
      ctx.reply.Null();
    } else {
      ctx.reply.Integer(found[0]);
    }
    return;
  }
  ctx.reply.ArrayHeader(found.size());
  for (int64_t i : found) ctx.reply.Integer(i);
}

// ---------------------------------------------------------------------------
// Writes in place.

// LSET key index element: the key is looked up before the index is parsed.
void LSetCommand(CommandContext& ctx) {
  auto found = store::FindListForWrite(ctx.db, ctx.argv[1]);
  if (!found) {
    ctx.Error(OpStatusError(found.status()));
    return;
  }
  int64_t index;
  if (!ParseInteger(ctx, ctx.argv[2], &index)) return;
  const OpStatus status = store::ListSet(ctx.db, ctx.argv[1], index, ctx.argv[3]);
  if (status != OpStatus::kOk) {
    ctx.Error(OpStatusError(status));
    return;
  }
  ctx.reply.Ok();
}

// LINSERT key BEFORE|AFTER pivot element
void LInsertCommand(CommandContext& ctx) {
  bool after;
  if (base::EqualsIgnoreCase(ctx.argv[2], "after")) {
    after = true;
  } else if (base::EqualsIgnoreCase(ctx.argv[2], "before")) {
    after = false;
  } else {
    ctx.Error(kErrSyntax);
    return;
  }
  auto length = store::ListInsert(ctx.db, ctx.argv[1], after, ctx.argv[3], ctx.argv[4]);
  if (length) {
    ctx.reply.Integer(*length);
  } else if (length.status() == OpStatus::kKeyNotFound) {
    ctx.reply.Integer(0);
  } else {
    ctx.Error(OpStatusError(length.status()));
  }
}

// LREM key count element
void LRemCommand(CommandContext& ctx) {
  int64_t count;
  if (!ParseInteger(ctx, ctx.argv[2], &count)) return;
  ctx.ReplyCount(store::ListRemove(ctx.db, ctx.argv[1], count, ctx.argv[3]));
}

// LTRIM key start stop
void LTrimCommand(CommandContext& ctx) {
  int64_t start, end;
  if (!ParseInteger(ctx, ctx.argv[2], &start) || !ParseInteger(ctx, ctx.argv[3], &end)) return;
  const OpStatus status = store::ListTrim(ctx.db, ctx.argv[1], start, end);
  if (status == OpStatus::kOk || status == OpStatus::kKeyNotFound) {
    ctx.reply.Ok();
  } else {
    ctx.Error(OpStatusError(status));
  }
}

// ---------------------------------------------------------------------------
// Pops and moves.

// LPOP/RPOP key [count]: nil (RESP2 null bulk, or null array with a count)
// for a missing key; an empty array for count 0 on an existing one.
void PopGeneric(CommandContext& ctx, ListEnd end) {
  if (ctx.argv.size() > 3) {
    ctx.WrongArity();
    return;
  }
  int64_t count = 0;
  const bool with_count = ctx.argv.size() == 3;
  if (with_count && !ParseRanged(ctx, ctx.argv[2], 0, INT64_MAX, kErrMustBePositive, &count)) {
    return;
  }
  KeyEntry* e = ctx.EntryOrReply(store::FindListForWrite(ctx.db, ctx.argv[1]), [&] {
    if (with_count) {
      ctx.reply.NullArray();
    } else {
      ctx.reply.Null();
    }
  });
  if (e == nullptr) return;
  if (!with_count) {
    store::ListPop(ctx.db, ctx.argv[1], end, 1, [&](std::string_view v) { ctx.reply.Bulk(v); });
    return;
  }
  if (count == 0) {
    ctx.reply.ArrayHeader(0);
    return;
  }
  ReplyPopped(ctx, *e, ctx.argv[1], end, static_cast<size_t>(count));
}
void LPopCommand(CommandContext& ctx) { PopGeneric(ctx, ListEnd::kHead); }
void RPopCommand(CommandContext& ctx) { PopGeneric(ctx, ListEnd::kTail); }

// The move itself, replying with the element or nil; false (nothing
// replied) when the source is absent and `reply_missing` is off.
bool MoveAndReply(CommandContext& ctx, ListEnd from, ListEnd to, bool reply_missing) {
  auto moved =
      store::ListMove(ctx.db, ctx.argv[1], ctx.argv[2], from, to, ctx.server.type_limits());
  if (!moved) {
    ctx.Error(OpStatusError(moved.status()));
  } else if (moved->has_value()) {
    ctx.reply.Bulk(**moved);
  } else if (reply_missing) {
    ctx.reply.Null();
  } else {
    return false;
  }
  return true;
}

// LMOVE source destination LEFT|RIGHT LEFT|RIGHT
void LMoveCommand(CommandContext& ctx) {
  ListEnd from, to;
  if (!ParseEnd(ctx, ctx.argv[3], &from) || !ParseEnd(ctx, ctx.argv[4], &to)) return;
  MoveAndReply(ctx, from, to, /*reply_missing=*/true);
}

// RPOPLPUSH source destination
void RPopLPushCommand(CommandContext& ctx) {
  MoveAndReply(ctx, ListEnd::kTail, ListEnd::kHead, /*reply_missing=*/true);
}

// LMPOP's and BLMPOP's arguments from `numkeys_at`: numkeys key… LEFT|RIGHT
// [COUNT count].
struct MultiPopArgs {
  std::span<const std::string_view> keys;
  ListEnd end = ListEnd::kHead;
  int64_t count = 1;
};
bool ParseMultiPop(CommandContext& ctx, size_t numkeys_at, MultiPopArgs* out) {
  const auto& argv = ctx.argv;
  int64_t numkeys;
  if (!ParseRanged(ctx, argv[numkeys_at], 1, INT64_MAX, kErrNumkeys, &numkeys)) return false;
  if (static_cast<uint64_t>(numkeys) >= argv.size() - numkeys_at - 1) {
    ctx.Error(kErrSyntax);
    return false;
  }
  const size_t where_at = numkeys_at + 1 + static_cast<size_t>(numkeys);
  out->keys = argv.subspan(numkeys_at + 1, static_cast<size_t>(numkeys));
  if (!ParseEnd(ctx, argv[where_at], &out->end)) return false;
  bool have_count = false;
  for (size_t j = where_at + 1; j < argv.size(); ++j) {
    if (!have_count && j + 1 < argv.size() && base::EqualsIgnoreCase(argv[j], "count")) {
      if (!ParseRanged(ctx, argv[++j], 1, INT64_MAX, kErrCountPositive, &out->count)) return false;
      have_count = true;
    } else {
      ctx.Error(kErrSyntax);
      return false;
    }
  }
  return true;
}

// The first non-empty list among `keys`, popped as [key, [elements]]; false
// (nothing replied) when all are absent. WRONGTYPE stops at the first key of
// another type. With `single`, [key, element] (BLPOP/BRPOP).
enum class PopFirst : uint8_t { kServed, kNothing, kError };
PopFirst PopFromFirstNonEmpty(CommandContext& ctx, std::span<const std::string_view> keys,
                              ListEnd end, int64_t count, bool single) {
  for (std::string_view key : keys) {
    auto found = store::FindListForWrite(ctx.db, key);
    if (!found) {
      if (found.status() == OpStatus::kKeyNotFound) continue;
      ctx.Error(OpStatusError(found.status()));
      return PopFirst::kError;
    }
    ctx.reply.ArrayHeader(2);
    ctx.reply.Bulk(key);
    if (single) {
      store::ListPop(ctx.db, key, end, 1, [&](std::string_view v) { ctx.reply.Bulk(v); });
    } else {
      ReplyPopped(ctx, **found, key, end, static_cast<size_t>(count));
    }
    return PopFirst::kServed;
  }
  return PopFirst::kNothing;
}

// LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]
void LMPopCommand(CommandContext& ctx) {
  MultiPopArgs args;
  if (!ParseMultiPop(ctx, 1, &args)) return;
  if (PopFromFirstNonEmpty(ctx, args.keys, args.end, args.count, false) == PopFirst::kNothing) {
    ctx.reply.NullArray();
  }
}

// ---------------------------------------------------------------------------
// Blocking forms.

// The timeout argument in seconds (getTimeoutFromObjectOrReply): an
// absolute unix-ms deadline, 0 for none.
bool ParseTimeout(CommandContext& ctx, std::string_view arg, int64_t* deadline_ms) {
  return ParseBlockingTimeout(ctx, arg, TimeoutUnit::kSeconds, deadline_ms);
}

// BLPOP/BRPOP key [key ...] timeout
void BlockingPopGeneric(CommandContext& ctx, ListEnd end) {
  int64_t deadline;
  if (!ParseTimeout(ctx, ctx.argv.back(), &deadline)) return;
  const auto keys = ctx.argv.subspan(1, ctx.argv.size() - 2);
  if (PopFromFirstNonEmpty(ctx, keys, end, 1, true) != PopFirst::kNothing) return;
  WaitOrReply(ctx, keys, store::ValueType::kList, deadline, [&] { ctx.reply.NullArray(); });
}
void BLPopCommand(CommandContext& ctx) { BlockingPopGeneric(ctx, ListEnd::kHead); }
void BRPopCommand(CommandContext& ctx) { BlockingPopGeneric(ctx, ListEnd::kTail); }

// BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]: the
// arguments after the timeout are checked first.
void BLMPopCommand(CommandContext& ctx) {
  MultiPopArgs args;
  if (!ParseMultiPop(ctx, 2, &args)) return;
  int64_t deadline;
  if (!ParseTimeout(ctx, ctx.argv[1], &deadline)) return;
  if (PopFromFirstNonEmpty(ctx, args.keys, args.end, args.count, false) != PopFirst::kNothing) {
    return;
  }
  WaitOrReply(ctx, args.keys, store::ValueType::kList, deadline, [&] { ctx.reply.NullArray(); });
}

// BLMOVE's and BRPOPLPUSH's common part: the move if the source has
// elements, else wait on the source (nil at once where blocking is denied).
void BlockingMoveGeneric(CommandContext& ctx, ListEnd from, ListEnd to, int64_t deadline) {
  if (MoveAndReply(ctx, from, to, /*reply_missing=*/false)) return;
  WaitOrReply(ctx, ctx.argv.subspan(1, 1), store::ValueType::kList, deadline,
              [&] { ctx.reply.Null(); });
}

// BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout
void BLMoveCommand(CommandContext& ctx) {
  ListEnd from, to;
  if (!ParseEnd(ctx, ctx.argv[3], &from) || !ParseEnd(ctx, ctx.argv[4], &to)) return;
  int64_t deadline;
  if (!ParseTimeout(ctx, ctx.argv[5], &deadline)) return;
  BlockingMoveGeneric(ctx, from, to, deadline);
}

// BRPOPLPUSH source destination timeout
void BRPopLPushCommand(CommandContext& ctx) {
  int64_t deadline;
  if (!ParseTimeout(ctx, ctx.argv[3], &deadline)) return;
  BlockingMoveGeneric(ctx, ListEnd::kTail, ListEnd::kHead, deadline);
}

constexpr CommandSpec kListCommands[] = {
    {.name = "lpush", .handler = &LPushCommand},
    {.name = "rpush", .handler = &RPushCommand},
    {.name = "lpushx", .handler = &LPushXCommand},
    {.name = "rpushx", .handler = &RPushXCommand},
    {.name = "llen", .handler = &LLenCommand},
    {.name = "lindex", .handler = &LIndexCommand},
    {.name = "lrange", .handler = &LRangeCommand},
    {.name = "lpos", .handler = &LPosCommand},
    {.name = "lset", .handler = &LSetCommand},
    {.name = "linsert", .handler = &LInsertCommand},
    {.name = "lrem", .handler = &LRemCommand},
    {.name = "ltrim", .handler = &LTrimCommand},
    {.name = "lpop", .handler = &LPopCommand},
    {.name = "rpop", .handler = &RPopCommand},
    {.name = "lmove", .handler = &LMoveCommand},
    {.name = "rpoplpush", .handler = &RPopLPushCommand},
    {.name = "lmpop", .handler = &LMPopCommand},
    {.name = "blpop", .handler = &BLPopCommand},
    {.name = "brpop", .handler = &BRPopCommand},
    {.name = "blmpop", .handler = &BLMPopCommand},
    {.name = "blmove", .handler = &BLMoveCommand},
    {.name = "brpoplpush", .handler = &BRPopLPushCommand},
};

}  // namespace

std::span<const CommandSpec> ListCommands() { return kListCommands; }

}  // namespace respd::server

// Strings: GET SET SETNX SETEX PSETEX GETSET GETDEL GETEX MGET MSET MSETNX
// APPEND STRLEN INCR DECR INCRBY DECRBY INCRBYFLOAT GETRANGE SUBSTR SETRANGE
// LCS, with Redis 7.0's replies and error texts (src/t_string.c).
//
// The family parses arguments, calls the string type API
// (store/types/string.h) and replies; how a string is kept, how numbers are
// parsed and written back, which writes keep the deadline and what OBJECT
// ENCODING will say are the type API's business.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "base/ascii.h"
#include "base/numbers.h"
#include "server/commands/families.h"
#include "server/core/server.h"
#include "server/dispatch/command_context.h"
#include "server/dispatch/errors.h"
#include "store/types/string.h"

namespace respd::server {
namespace {

using store::Database;
using store::KeyEntry;
using store::OpStatus;
using store::TtlMode;
using store::ValueType;

// Texts only this family sends (the shared ones are in errors.h).
constexpr std::string_view kErrDecrementOverflow = "ERR decrement would overflow";
constexpr std::string_view kErrOffsetOutOfRange = "ERR offset is out of range";
constexpr std::string_view kErrLcsNotString = "ERR The specified keys must contain string values";
constexpr std::string_view kErrLcsLenAndIdx =
    "ERR If you want both the length and indexes, please just use IDX.";
constexpr std::string_view kErrLcsTooLong = "ERR String too long for LCS";
constexpr std::string_view kErrLcsOverLimit =
    "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len";
constexpr std::string_view kErrLcsNoMemory =
    "ERR Insufficient memory, failed allocating transient memory for LCS";

// Replies with the string at `key` (or nil). Returns false after replying
// with an error (wrong type), so SET … GET can stop.
bool ReplyStringValue(CommandContext& ctx, std::string_view key) {
  auto value = store::StringGet(ctx.db, key);
  if (value) {
    ctx.reply.Bulk(*value);
    return true;
  }
  ctx.ReplyNilOrError(value.status());
  return value.status() == OpStatus::kKeyNotFound;
}

// proto-max-bulk-len: no string may grow past it (Redis's checkStringLength).
uint64_t MaxStringLength(CommandContext& ctx) {
  return static_cast<uint64_t>(ctx.server.config().proto_max_bulk_len);
}

// Replies with a write's result: the integer, or the status's error.
void ReplyLengthOrError(CommandContext& ctx, const store::OpResult<size_t>& result) {
  if (result) {
    ctx.reply.Integer(static_cast<int64_t>(*result));
  } else {
    ctx.Error(OpStatusError(result.status()));
  }
}

// GET key
void GetCommand(CommandContext& ctx) { ReplyStringValue(ctx, ctx.argv[1]); }

// The options of SET and GETEX, as bits (Redis's OBJ_* flags).
enum SetFlag : uint32_t {
  kSetNx = 1 << 0,
  kSetXx = 1 << 1,
  kSetGet = 1 << 2,
  kSetKeepTtl = 1 << 3,
  kSetEx = 1 << 4,
  kSetPx = 1 << 5,
  kSetExAt = 1 << 6,
  kSetPxAt = 1 << 7,
  kSetPersist = 1 << 8,  // GETEX only.
};
constexpr uint32_t kSetAnyExpire = kSetEx | kSetPx | kSetExAt | kSetPxAt;
// An expiry form excludes KEEPTTL, PERSIST and the other expiry forms (not
// itself: "EX 1 EX 2" is accepted, the last one wins).
constexpr uint32_t ConflictsOf(uint32_t expire_form) {
  return kSetKeepTtl | kSetPersist | (kSetAnyExpire & ~expire_form);
}

// Converts the EX/PX/EXAT/PXAT argument to an absolute unix-ms deadline, or
// replies with Redis's error and returns false.
bool ParseSetExpire(CommandContext& ctx, std::string_view arg, uint32_t flags, int64_t* when) {
  int64_t v;
  if (!base::ParseInt64(arg, &v)) {
    ctx.Error(kErrNotInteger);
    return false;
  }
  const bool seconds = flags & (kSetEx | kSetExAt);
  if (v <= 0 || (seconds && v > std::numeric_limits<int64_t>::max() / 1000)) {
    ctx.Error(InvalidExpireError(ctx.command.fullname));
    return false;
  }
  if (seconds) v *= 1000;
  if (flags & (kSetEx | kSetPx)) {
    // Redis's sum would overflow into a negative deadline and be refused as
    // invalid; refuse it before overflowing.
    if (v > std::numeric_limits<int64_t>::max() - ctx.now_ms) {
      ctx.Error(InvalidExpireError(ctx.command.fullname));
      return false;
    }
    v += ctx.now_ms;
  }
  *when = v;
  return true;
}

// Parses one expiry option of SET/GETEX at argv[*j] (EX, PX, EXAT, PXAT,
// with its argument at argv[*j + 1]) into *flags and *expire_arg. False if
// argv[*j] is not one, is excluded by an earlier option, or lacks its
// argument: the caller then answers "syntax error".
bool ParseExpireOption(std::span<const std::string_view> argv, size_t* j, uint32_t* flags,
                       std::string_view* expire_arg) {
  static constexpr struct {
    std::string_view name;
    uint32_t flag;
  } kForms[] = {{"ex", kSetEx}, {"px", kSetPx}, {"exat", kSetExAt}, {"pxat", kSetPxAt}};
  if (*j + 1 >= argv.size()) return false;
  for (const auto& form : kForms) {
    if (!base::EqualsIgnoreCase(argv[*j], form.name)) continue;
    if (*flags & ConflictsOf(form.flag)) return false;
    *flags |= form.flag;
    *expire_arg = argv[++*j];
    return true;
  }
  return false;
}

// SET key value [NX | XX] [GET] [EX seconds | PX milliseconds |
//     EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL]
void SetCommand(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  uint32_t flags = 0;
  std::string_view expire_arg;
  // Option rules as Redis's parseExtendedStringArgumentsOrReply: an option may
  // repeat, but NX/XX and the expiry forms exclude each other.
  for (size_t j = 3; j < argv.size(); ++j) {
    const std::string_view opt = argv[j];
    if (base::EqualsIgnoreCase(opt, "nx") && !(flags & kSetXx)) {
      flags |= kSetNx;
    } else if (base::EqualsIgnoreCase(opt, "xx") && !(flags & kSetNx)) {
      flags |= kSetXx;
    } else if (base::EqualsIgnoreCase(opt, "get")) {
      flags |= kSetGet;
    } else if (base::EqualsIgnoreCase(opt, "keepttl") && !(flags & kSetAnyExpire)) {
      flags |= kSetKeepTtl;
    } else if (!ParseExpireOption(argv, &j, &flags, &expire_arg)) {
      ctx.Error(kErrSyntax);
      return;
    }
  }

  int64_t when = KeyEntry::kNoExpire;
  if ((flags & kSetAnyExpire) && !ParseSetExpire(ctx, expire_arg, flags, &when)) return;

  const std::string_view key = argv[1];
  // The old value goes into the reply before the new one overwrites it.
  if ((flags & kSetGet) && !ReplyStringValue(ctx, key)) return;
  if (flags & (kSetNx | kSetXx)) {
    const bool found = ctx.db.Find(key) != nullptr;
    if (((flags & kSetNx) && found) || ((flags & kSetXx) && !found)) {
      if (!(flags & kSetGet)) ctx.reply.Null();
      return;
    }
  }
  TtlMode mode = TtlMode::kClear;
  if (flags & kSetAnyExpire) {
    mode = TtlMode::kSet;
  } else if (flags & kSetKeepTtl) {
    mode = TtlMode::kKeep;
  }
  store::StringSet(ctx.db, key, argv[2], mode, when);
  if (!(flags & kSetGet)) ctx.reply.Ok();
}

// SETNX key value  (1 if set, 0 if the key existed)
void SetNxCommand(CommandContext& ctx) {
  if (ctx.db.Find(ctx.argv[1]) != nullptr) {
    ctx.reply.Integer(0);
    return;
  }
  store::StringSet(ctx.db, ctx.argv[1], ctx.argv[2]);
  ctx.reply.Integer(1);
}

// SETEX and PSETEX: SET key value EX/PX ttl; `form` is kSetEx or kSetPx.
void SetWithTtl(CommandContext& ctx, uint32_t form) {
  int64_t when;
  if (!ParseSetExpire(ctx, ctx.argv[2], form, &when)) return;
  store::StringSet(ctx.db, ctx.argv[1], ctx.argv[3], TtlMode::kSet, when);
  ctx.reply.Ok();
}

// SETEX key seconds value
void SetExCommand(CommandContext& ctx) { SetWithTtl(ctx, kSetEx); }

// PSETEX key milliseconds value
void PSetExCommand(CommandContext& ctx) { SetWithTtl(ctx, kSetPx); }

// GETSET key value  (the old value or nil; the new one has no deadline)
void GetSetCommand(CommandContext& ctx) {
  if (!ReplyStringValue(ctx, ctx.argv[1])) return;
  store::StringSet(ctx.db, ctx.argv[1], ctx.argv[2]);
}

// GETDEL key
void GetDelCommand(CommandContext& ctx) {
  if (!ReplyStringValue(ctx, ctx.argv[1])) return;
  ctx.db.Delete(ctx.argv[1]);
}

// GETEX key [EX seconds | PX milliseconds | EXAT unix-time-seconds |
//     PXAT unix-time-milliseconds | PERSIST]
void GetExCommand(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  uint32_t flags = 0;
  std::string_view expire_arg;
  for (size_t j = 2; j < argv.size(); ++j) {
    if (base::EqualsIgnoreCase(argv[j], "persist") && !(flags & kSetAnyExpire)) {
      flags |= kSetPersist;
    } else if (!ParseExpireOption(argv, &j, &flags, &expire_arg)) {
      ctx.Error(kErrSyntax);
      return;
    }
  }

  const std::string_view key = argv[1];
  auto value = store::StringGet(ctx.db, key);
  if (!value) {
    ctx.ReplyNilOrError(value.status());
    return;
  }
  // As Redis, the expiry argument is only judged once the key is found: a
  // missing key answers nil even to "EX 0".
  int64_t when = KeyEntry::kNoExpire;
  if ((flags & kSetAnyExpire) && !ParseSetExpire(ctx, expire_arg, flags, &when)) return;
  // The value goes out before the key may be deleted.
  ctx.reply.Bulk(*value);
  if ((flags & (kSetExAt | kSetPxAt)) && when <= ctx.now_ms) {
    // An absolute deadline already past deletes the key now (Redis's
    // checkAlreadyExpired).
    ctx.db.Delete(key);
  } else if (flags & kSetAnyExpire) {
    ctx.db.SetExpire(key, when);
  } else if (flags & kSetPersist) {
    ctx.db.Persist(key);
  }
}

// MGET key [key ...]  (nil for a missing key or one of another type)
void MGetCommand(CommandContext& ctx) {
  ctx.reply.ArrayHeader(ctx.argv.size() - 1);
  for (size_t j = 1; j < ctx.argv.size(); ++j) {
    auto value = store::StringGet(ctx.db, ctx.argv[j]);
    if (value) {
      ctx.reply.Bulk(*value);
    } else {
      ctx.reply.Null();
    }
  }
}

// MSET and MSETNX: key value pairs; with `only_if_none_exists`, nothing is
// set if any of the keys exists.
void MSetGeneric(CommandContext& ctx, bool only_if_none_exists) {
  const auto& argv = ctx.argv;
  if (argv.size() % 2 == 0) {
    ctx.WrongArity();
    return;
  }
  if (only_if_none_exists) {
    for (size_t j = 1; j < argv.size(); j += 2) {
      if (ctx.db.Find(argv[j]) != nullptr) {
        ctx.reply.Integer(0);
        return;
      }
    }
  }
  // A key named twice takes its last value, as in Redis.
  for (size_t j = 1; j < argv.size(); j += 2) {
    store::StringSet(ctx.db, argv[j], argv[j + 1]);
  }
  if (only_if_none_exists) {
    ctx.reply.Integer(1);
  } else {
    ctx.reply.Ok();
  }
}

// MSET key value [key value ...]
void MSetCommand(CommandContext& ctx) { MSetGeneric(ctx, false); }

// MSETNX key value [key value ...]  (1 if all were set, 0 if none was)
void MSetNxCommand(CommandContext& ctx) { MSetGeneric(ctx, true); }

// APPEND key value  (the new length)
void AppendCommand(CommandContext& ctx) {
  ReplyLengthOrError(ctx,
                     store::StringAppend(ctx.db, ctx.argv[1], ctx.argv[2], MaxStringLength(ctx)));
}

// STRLEN key  (0 for a missing key)
void StrLenCommand(CommandContext& ctx) {
  auto value = store::StringGet(ctx.db, ctx.argv[1]);
  if (value) {
    ctx.reply.Integer(static_cast<int64_t>(value->size()));
  } else if (value.status() == OpStatus::kKeyNotFound) {
    ctx.reply.Integer(0);
  } else {
    ctx.Error(OpStatusError(value.status()));
  }
}

// INCR, DECR, INCRBY, DECRBY: adds `incr` to the integer at argv[1] (a
// missing key counts as 0), keeping the key's deadline, as Redis's
// incrDecrCommand.
void IncrDecr(CommandContext& ctx, int64_t incr) {
  auto value = store::StringIncrBy(ctx.db, ctx.argv[1], incr);
  if (value) {
    ctx.reply.Integer(*value);
  } else {
    ctx.Error(OpStatusError(value.status()));
  }
}

// INCR key
void IncrCommand(CommandContext& ctx) { IncrDecr(ctx, 1); }

// DECR key
void DecrCommand(CommandContext& ctx) { IncrDecr(ctx, -1); }

// INCRBY key increment
void IncrByCommand(CommandContext& ctx) {
  int64_t incr;
  if (!base::ParseInt64(ctx.argv[2], &incr)) {
    ctx.Error(kErrNotInteger);
    return;
  }
  IncrDecr(ctx, incr);
}

// DECRBY key decrement
void DecrByCommand(CommandContext& ctx) {
  int64_t decr;
  if (!base::ParseInt64(ctx.argv[2], &decr)) {
    ctx.Error(kErrNotInteger);
    return;
  }
  // -INT64_MIN does not exist.
  if (decr == std::numeric_limits<int64_t>::min()) {
    ctx.Error(kErrDecrementOverflow);
    return;
  }
  IncrDecr(ctx, -decr);
}

// INCRBYFLOAT key increment  (the new value as a bulk string; the deadline
// is kept)
void IncrByFloatCommand(CommandContext& ctx) {
  long double incr;
  // The key's type and value are judged first, as Redis does; a bad
  // increment gets the same text either way.
  const bool incr_ok = base::ParseLongDouble(ctx.argv[2], &incr);
  if (!incr_ok) {
    const KeyEntry* e = ctx.db.Find(ctx.argv[1]);
    ctx.Error(e != nullptr && e->type() != ValueType::kString ? kErrWrongType : kErrNotFloat);
    return;
  }
  auto value = store::StringIncrByFloat(ctx.db, ctx.argv[1], incr);
  if (value) {
    ctx.reply.Bulk(*value);
  } else {
    ctx.Error(OpStatusError(value.status()));
  }
}

// GETRANGE key start end  (inclusive; negative counts from the end)
// SUBSTR key start end    (the same, under its old name)
void GetRangeCommand(CommandContext& ctx) {
  int64_t start, end;
  if (!base::ParseInt64(ctx.argv[2], &start) || !base::ParseInt64(ctx.argv[3], &end)) {
    ctx.Error(kErrNotInteger);
    return;
  }
  auto value = store::StringGet(ctx.db, ctx.argv[1]);
  if (!value) {
    if (value.status() == OpStatus::kKeyNotFound) {
      ctx.reply.Bulk("");
    } else {
      ctx.Error(OpStatusError(value.status()));
    }
    return;
  }
  const auto len = static_cast<int64_t>(value->size());
  // Redis 7.0's clamping, quirks included: both negative with start > end is
  // empty, but "0 -100" on a short string clamps end to 0 and returns the
  // first byte.
  if (start < 0 && end < 0 && start > end) {
    ctx.reply.Bulk("");
    return;
  }
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len == 0) {
    ctx.reply.Bulk("");
    return;
  }
  ctx.reply.Bulk(value->substr(static_cast<size_t>(start), static_cast<size_t>(end - start + 1)));
}

// SETRANGE key offset value  (the new length; zero bytes fill any gap)
void SetRangeCommand(CommandContext& ctx) {
  int64_t offset;
  if (!base::ParseInt64(ctx.argv[2], &offset)) {
    ctx.Error(kErrNotInteger);
    return;
  }
  if (offset < 0) {
    ctx.Error(kErrOffsetOutOfRange);
    return;
  }
  ReplyLengthOrError(ctx, store::StringSetRange(ctx.db, ctx.argv[1], static_cast<uint64_t>(offset),
                                                ctx.argv[3], MaxStringLength(ctx)));
}

// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN min-match-len] [WITHMATCHLEN]
//
// The longest common subsequence by the textbook dynamic programme over a
// (len1 + 1) x (len2 + 1) table, walked back from the end as Redis walks it,
// so the matches come out in the same order (last first) with the same
// ranges. IDX answers a map {matches: [[[a_start, a_end], [b_start, b_end]
// (, len)], ...], len: n}.
void LcsCommand(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  // Both keys are looked up (and counted) before either is judged. The first
  // value is copied: the second lookup may expire and free it when both
  // name the same key.
  auto first = store::StringGet(ctx.db, argv[1]);
  const std::string a = first ? std::string(*first) : std::string();
  auto second = store::StringGet(ctx.db, argv[2]);
  if ((!first && first.status() == OpStatus::kWrongType) ||
      (!second && second.status() == OpStatus::kWrongType)) {
    ctx.Error(kErrLcsNotString);
    return;
  }
  const std::string_view b = second ? *second : std::string_view();

  bool get_len = false, get_idx = false, with_match_len = false;
  int64_t min_match_len = 0;
  for (size_t j = 3; j < argv.size(); ++j) {
    const std::string_view opt = argv[j];
    if (base::EqualsIgnoreCase(opt, "idx")) {
      get_idx = true;
    } else if (base::EqualsIgnoreCase(opt, "len")) {
      get_len = true;
    } else if (base::EqualsIgnoreCase(opt, "withmatchlen")) {
      with_match_len = true;
    } else if (base::EqualsIgnoreCase(opt, "minmatchlen") && j + 1 < argv.size()) {
      if (!base::ParseInt64(argv[++j], &min_match_len)) {
        ctx.Error(kErrNotInteger);
        return;
      }
      if (min_match_len < 0) min_match_len = 0;
    } else {
      ctx.Error(kErrSyntax);
      return;
    }
  }
  if (get_len && get_idx) {
    ctx.Error(kErrLcsLenAndIdx);
    return;
  }
  // Lengths and table indexes are 32-bit, as in Redis.
  constexpr size_t kMaxLen = std::numeric_limits<uint32_t>::max() - 1;
  if (a.size() >= kMaxLen || b.size() >= kMaxLen) {
    ctx.Error(kErrLcsTooLong);
    return;
  }
  const auto alen = static_cast<uint32_t>(a.size());
  const auto blen = static_cast<uint32_t>(b.size());
  const uint64_t cells = (uint64_t{alen} + 1) * (uint64_t{blen} + 1);
  // The table is transient memory bounded like any string (Redis 7.0.x).
  if (cells * sizeof(uint32_t) > static_cast<uint64_t>(ctx.server.config().proto_max_bulk_len)) {
    ctx.Error(kErrLcsOverLimit);
    return;
  }
  std::unique_ptr<uint32_t[]> table(new (std::nothrow) uint32_t[cells]);
  if (!table) {
    ctx.Error(kErrLcsNoMemory);
    return;
  }
  // lcs(i, j): the LCS length of a[0, i) and b[0, j).
  auto lcs = [&table, blen](uint32_t i, uint32_t j) -> uint32_t& {
    return table[j + static_cast<uint64_t>(i) * (blen + 1)];
  };
  for (uint32_t i = 0; i <= alen; ++i) {
    for (uint32_t j = 0; j <= blen; ++j) {
      if (i == 0 || j == 0) {
        lcs(i, j) = 0;
      } else if (a[i - 1] == b[j - 1]) {
        lcs(i, j) = lcs(i - 1, j - 1) + 1;
      } else {
        lcs(i, j) = std::max(lcs(i - 1, j), lcs(i, j - 1));
      }
    }
  }
  const uint32_t total = lcs(alen, blen);
  if (get_len) {
    ctx.reply.Integer(total);
    return;
  }

  struct Match {
    uint32_t a_start, a_end, b_start, b_end;
  };
  std::vector<Match> matches;
  std::string result(total, '\0');
  uint32_t idx = total;
  // a_start == alen marks "no range open", as in Redis.
  uint32_t a_start = alen, a_end = 0, b_start = 0, b_end = 0;
  uint32_t i = alen, j = blen;
  while (i > 0 && j > 0) {
    bool emit = false;
    if (a[i - 1] == b[j - 1]) {
      result[--idx] = a[i - 1];
      if (a_start == alen) {
        a_start = a_end = i - 1;
        b_start = b_end = j - 1;
      } else if (a_start == i && b_start == j) {
        // Contiguous with the open range: extend it backwards.
        --a_start;
        --b_start;
      } else {
        emit = true;
      }
      // The first byte of either string ends the walk: close the range.
      if (a_start == 0 || b_start == 0) emit = true;
      --i;
      --j;
    } else {
      if (lcs(i - 1, j) > lcs(i, j - 1)) {
        --i;
      } else {
        --j;
      }
      if (a_start != alen) emit = true;
    }
    if (emit) {
      const uint32_t match_len = a_end - a_start + 1;
      if (get_idx && (min_match_len == 0 || match_len >= min_match_len)) {
        matches.push_back({a_start, a_end, b_start, b_end});
      }
      a_start = alen;
    }
  }
  if (!get_idx) {
    ctx.reply.Bulk(result);
    return;
  }
  ctx.reply.MapHeader(2);
  ctx.reply.Bulk("matches");
  ctx.reply.ArrayHeader(matches.size());
  for (const Match& m : matches) {
    ctx.reply.ArrayHeader(with_match_len ? 3 : 2);
    ctx.reply.ArrayHeader(2);
    ctx.reply.Integer(m.a_start);
    ctx.reply.Integer(m.a_end);
    ctx.reply.ArrayHeader(2);
    ctx.reply.Integer(m.b_start);
    ctx.reply.Integer(m.b_end);
    if (with_match_len) ctx.reply.Integer(m.a_end - m.a_start + 1);
  }
  ctx.reply.Bulk("len");
  ctx.reply.Integer(total);
}

constexpr CommandSpec kStringCommands[] = {
    {.name = "get", .handler = &GetCommand},
    {.name = "set", .handler = &SetCommand},
    {.name = "setnx", .handler = &SetNxCommand},
    {.name = "setex", .handler = &SetExCommand},
    {.name = "psetex", .handler = &PSetExCommand},
    {.name = "getset", .handler = &GetSetCommand},
    {.name = "getdel", .handler = &GetDelCommand},
    {.name = "getex", .handler = &GetExCommand},
    {.name = "mget", .handler = &MGetCommand},
    {.name = "mset", .handler = &MSetCommand},
    {.name = "msetnx", .handler = &MSetNxCommand},
    {.name = "append", .handler = &AppendCommand},
    {.name = "strlen", .handler = &StrLenCommand},
    {.name = "incr", .handler = &IncrCommand},
    {.name = "decr", .handler = &DecrCommand},
    {.name = "incrby", .handler = &IncrByCommand},
    {.name = "decrby", .handler = &DecrByCommand},
    {.name = "incrbyfloat", .handler = &IncrByFloatCommand},
    {.name = "getrange", .handler = &GetRangeCommand},
    {.name = "substr", .handler = &GetRangeCommand},
    {.name = "setrange", .handler = &SetRangeCommand},
    {.name = "lcs", .handler = &LcsCommand},
};

}  // namespace

std::span<const CommandSpec> StringCommands() { return kStringCommands; }

}  // namespace respd::server

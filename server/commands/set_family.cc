// Sets: SADD SREM SCARD SISMEMBER SMISMEMBER SMEMBERS SMOVE SPOP SRANDMEMBER
// SSCAN SINTER SINTERCARD SINTERSTORE SUNION SUNIONSTORE SDIFF SDIFFSTORE,
// with Redis 7.0's replies and error texts (src/t_set.c).
//
// The family parses arguments, calls the set type API (store/types/set.h)
// and replies; encodings, conversions and the algebra's algorithms are the
// type API's business.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "base/ascii.h"
#include "base/glob.h"
#include "base/numbers.h"
#include "server/commands/families.h"
#include "server/commands/scan_options.h"
#include "server/core/server.h"
#include "server/dispatch/command_context.h"
#include "server/dispatch/errors.h"
#include "store/keyspace.h"
#include "store/types/set.h"

namespace respd::server {
namespace {

using store::KeyEntry;
using store::OpStatus;

constexpr std::string_view kErrNumkeys = "ERR numkeys should be greater than 0";
constexpr std::string_view kErrTooManyKeys =
    "ERR Number of keys can't be greater than number of args";
constexpr std::string_view kErrLimitNegative = "ERR LIMIT can't be negative";

void ReplyMembers(CommandContext& ctx, const store::SetValue& set) {
  ctx.reply.SetHeader(set.size());
  set.ForEach([&ctx](std::string_view m) { ctx.reply.Bulk(m); });
}

// SADD key member [member ...]
void SAddCommand(CommandContext& ctx) {
  ctx.ReplyCount(store::SetAdd(ctx.db, ctx.argv[1], ctx.argv.subspan(2), ctx.server.type_limits()));
}

// SREM key member [member ...]
void SRemCommand(CommandContext& ctx) {
  ctx.ReplyCount(store::SetRemove(ctx.db, ctx.argv[1], ctx.argv.subspan(2)));
}

// SCARD key
void SCardCommand(CommandContext& ctx) {
  KeyEntry* e =
      ctx.EntryOrReply(store::FindSet(ctx.db, ctx.argv[1]), [&] { ctx.reply.Integer(0); });
  if (e != nullptr) ctx.reply.Integer(static_cast<int64_t>(store::SetLength(*e)));
}

// SISMEMBER key member
void SIsMemberCommand(CommandContext& ctx) {
  KeyEntry* e =
      ctx.EntryOrReply(store::FindSet(ctx.db, ctx.argv[1]), [&] { ctx.reply.Integer(0); });
  if (e != nullptr) ctx.reply.Integer(store::SetContains(*e, ctx.argv[2]) ? 1 : 0);
}

// SMISMEMBER key member [member ...]: a missing key has no members.
void SMIsMemberCommand(CommandContext& ctx) {
  auto found = store::FindSet(ctx.db, ctx.argv[1]);
  if (!found && found.status() != OpStatus::kKeyNotFound) {
    ctx.Error(OpStatusError(found.status()));
    return;
  }
  const auto members = ctx.argv.subspan(2);
  ctx.reply.ArrayHeader(members.size());
  for (std::string_view m : members) {
    ctx.reply.Integer(found && store::SetContains(**found, m) ? 1 : 0);
  }
}

// SMEMBERS key
void SMembersCommand(CommandContext& ctx) {
  KeyEntry* e =
      ctx.EntryOrReply(store::FindSet(ctx.db, ctx.argv[1]), [&] { ctx.reply.SetHeader(0); });
  if (e == nullptr) return;
  ctx.reply.SetHeader(store::SetLength(*e));
  store::SetForEach(*e, [&ctx](std::string_view m) { ctx.reply.Bulk(m); });
}

// SMOVE source destination member
void SMoveCommand(CommandContext& ctx) {
  auto moved =
      store::SetMove(ctx.db, ctx.argv[1], ctx.argv[2], ctx.argv[3], ctx.server.type_limits());
  if (moved) {
    ctx.reply.Integer(*moved ? 1 : 0);
  } else if (moved.status() == OpStatus::kKeyNotFound) {
    ctx.reply.Integer(0);
  } else {
    ctx.Error(OpStatusError(moved.status()));
  }
}

// SPOP key [count]
void SPopCommand(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  if (argv.size() > 3) {
    ctx.Error(kErrSyntax);
    return;
  }
  int64_t count = 1;
  const bool with_count = argv.size() == 3;
  if (with_count) {
    // getPositiveLongFromObjectOrReply: one text for both failures.
    if (!base::ParseInt64(argv[2], &count) || count < 0) {
      ctx.Error(kErrMustBePositive);
      return;
    }
  }
  auto popped =
      store::SetPop(ctx.db, argv[1], static_cast<size_t>(count), ctx.server.type_limits());
  if (!popped) {
    if (popped.status() != OpStatus::kKeyNotFound) {
      ctx.Error(OpStatusError(popped.status()));
    } else if (with_count) {
      ctx.reply.SetHeader(0);
    } else {
      ctx.reply.Null();
    }
    return;
  }
  if (!with_count) {
    ctx.reply.Bulk(popped->front());
    return;
  }
  ctx.reply.SetHeader(popped->size());
  for (const std::string& m : *popped) ctx.reply.Bulk(m);
}

// SRANDMEMBER key [count]
void SRandMemberCommand(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  if (argv.size() > 3) {
    ctx.Error(kErrSyntax);
    return;
  }
  if (argv.size() == 2) {
    KeyEntry* e = ctx.EntryOrReply(store::FindSet(ctx.db, argv[1]), [&] { ctx.reply.Null(); });
    if (e != nullptr) store::SetRandomMember(*e, [&ctx](std::string_view m) { ctx.reply.Bulk(m); });
    return;
  }
  int64_t count;
  if (!base::ParseInt64(argv[2], &count)) {
    ctx.Error(kErrNotInteger);
    return;
  }
  if (count == std::numeric_limits<int64_t>::min()) {
    ctx.Error(kErrRandomCountRange);
    return;
  }
  KeyEntry* e =
      ctx.EntryOrReply(store::FindSet(ctx.db, argv[1]), [&] { ctx.reply.ArrayHeader(0); });
  if (e == nullptr) return;
  if (count == 0) {
    ctx.reply.ArrayHeader(0);
    return;
  }
  const auto emit = [&ctx](std::string_view m) { ctx.reply.Bulk(m); };
  const auto n = static_cast<size_t>(count < 0 ? -count : count);
  if (count < 0 || count == 1) {
    ctx.reply.ArrayHeader(n);
    ctx.EmitBounded(n, [&](size_t k) { store::SetRandomWithRepeats(*e, k, emit); });
    return;
  }
  ctx.reply.ArrayHeader(std::min(n, store::SetLength(*e)));
  store::SetRandomDistinct(*e, n, emit);
}

// SSCAN key cursor [MATCH pattern] [COUNT count]
void SScanCommand(CommandContext& ctx) {
  uint64_t cursor;
  if (!ParseScanCursor(ctx.argv[2], &cursor)) {
    ctx.Error(kErrInvalidCursor);
    return;
  }
  KeyEntry* e = ctx.EntryOrReply(store::FindSet(ctx.db, ctx.argv[1]), [&] { ReplyEmptyScan(ctx); });
  if (e == nullptr) return;
  ScanOptions options;
  if (!ParseScanOptions(ctx, ctx.argv.subspan(3), /*allow_type=*/false, &options)) return;
  std::vector<std::string> members;
  cursor = RunScanSteps(cursor, options.count, [&](uint64_t at, size_t* collected) {
    return store::SetScan(*e, at, [&](std::string_view m) {
      ++*collected;
      if (!options.use_pattern || base::GlobMatch(options.pattern, m)) members.emplace_back(m);
    });
  });
  ReplyScan(ctx, cursor, members);
}

// Looks up every key of a set-algebra command: nullptr for a missing key;
// false after replying WRONGTYPE for any key of another type (all are
// checked before anything is computed, as Redis).
bool LookUpSets(CommandContext& ctx, std::span<const std::string_view> keys,
                std::vector<KeyEntry*>* sets) {
  sets->reserve(keys.size());
  for (std::string_view key : keys) {
    auto found = store::FindSet(ctx.db, key);
    if (!found && found.status() == OpStatus::kWrongType) {
      ctx.Error(kErrWrongType);
      return false;
    }
    sets->push_back(found ? *found : nullptr);
  }
  return true;
}

enum class SetOp : uint8_t { kInter, kUnion, kDiff };

store::SetValue Compute(CommandContext& ctx, SetOp op, std::span<KeyEntry* const> sets) {
  const base::HashSeed& seed = ctx.db.keyspace().seed();
  const store::TypeLimits& limits = ctx.server.type_limits();
  switch (op) {
    case SetOp::kInter:
      return store::SetInter(sets, seed, limits);
    case SetOp::kUnion:
      return store::SetUnion(sets, seed, limits);
    case SetOp::kDiff:
      break;
  }
  return store::SetDiff(sets, seed, limits);
}

// SINTER / SUNION / SDIFF key [key ...]
void SetAlgebra(CommandContext& ctx, SetOp op) {
  std::vector<KeyEntry*> sets;
  if (!LookUpSets(ctx, ctx.argv.subspan(1), &sets)) return;
  ReplyMembers(ctx, Compute(ctx, op, sets));
}
void SInterCommand(CommandContext& ctx) { SetAlgebra(ctx, SetOp::kInter); }
void SUnionCommand(CommandContext& ctx) { SetAlgebra(ctx, SetOp::kUnion); }
void SDiffCommand(CommandContext& ctx) { SetAlgebra(ctx, SetOp::kDiff); }

// SINTERSTORE / SUNIONSTORE / SDIFFSTORE destination key [key ...]
void SetAlgebraStore(CommandContext& ctx, SetOp op, store::KeyEvent event) {
  std::vector<KeyEntry*> sets;
  if (!LookUpSets(ctx, ctx.argv.subspan(2), &sets)) return;
  store::SetValue result = Compute(ctx, op, sets);
  ctx.reply.Integer(static_cast<int64_t>(result.StoreAt(ctx.db, ctx.argv[1], event)));
}
void SInterStoreCommand(CommandContext& ctx) {
  SetAlgebraStore(ctx, SetOp::kInter, store::KeyEvent::kSInterStore);
}
void SUnionStoreCommand(CommandContext& ctx) {
  SetAlgebraStore(ctx, SetOp::kUnion, store::KeyEvent::kSUnionStore);
}
void SDiffStoreCommand(CommandContext& ctx) {
  SetAlgebraStore(ctx, SetOp::kDiff, store::KeyEvent::kSDiffStore);
}

// SINTERCARD numkeys key [key ...] [LIMIT limit]
void SInterCardCommand(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  int64_t numkeys;
  if (!base::ParseInt64(argv[1], &numkeys) || numkeys < 1) {
    ctx.Error(kErrNumkeys);  // Also for a non-integer, as Redis.
    return;
  }
  if (static_cast<uint64_t>(numkeys) > argv.size() - 2) {
    ctx.Error(kErrTooManyKeys);
    return;
  }
  int64_t limit = 0;
  for (size_t i = 2 + static_cast<size_t>(numkeys); i < argv.size(); ++i) {
    if (base::EqualsIgnoreCase(argv[i], "limit") && i + 1 < argv.size()) {
      if (!base::ParseInt64(argv[++i], &limit) || limit < 0) {
        ctx.Error(kErrLimitNegative);
        return;
      }
    } else {
      ctx.Error(kErrSyntax);
      return;
    }
  }
  std::vector<KeyEntry*> sets;
  if (!LookUpSets(ctx, argv.subspan(2, static_cast<size_t>(numkeys)), &sets)) return;
  const store::SetValue result = store::SetInter(
      sets, ctx.db.keyspace().seed(), ctx.server.type_limits(), static_cast<size_t>(limit));
  ctx.reply.Integer(static_cast<int64_t>(result.size()));
}

constexpr CommandSpec kSetCommands[] = {
    {.name = "sadd", .handler = &SAddCommand},
    {.name = "srem", .handler = &SRemCommand},
    {.name = "scard", .handler = &SCardCommand},
    {.name = "sismember", .handler = &SIsMemberCommand},
    {.name = "smismember", .handler = &SMIsMemberCommand},
    {.name = "smembers", .handler = &SMembersCommand},
    {.name = "smove", .handler = &SMoveCommand},
    {.name = "spop", .handler = &SPopCommand},
    {.name = "srandmember", .handler = &SRandMemberCommand},
    {.name = "sscan", .handler = &SScanCommand},
    {.name = "sinter", .handler = &SInterCommand},
    {.name = "sintercard", .handler = &SInterCardCommand},
    {.name = "sinterstore", .handler = &SInterStoreCommand},
    {.name = "sunion", .handler = &SUnionCommand},
    {.name = "sunionstore", .handler = &SUnionStoreCommand},
    {.name = "sdiff", .handler = &SDiffCommand},
    {.name = "sdiffstore", .handler = &SDiffStoreCommand},
};

}  // namespace

std::span<const CommandSpec> SetCommands() { return kSetCommands; }

}  // namespace respd::server

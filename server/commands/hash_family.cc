// Hashes: HSET HSETNX HMSET HGET HMGET HDEL HLEN HSTRLEN HEXISTS HINCRBY
// HINCRBYFLOAT HKEYS HVALS HGETALL HRANDFIELD HSCAN, with Redis 7.0's replies
// and error texts (src/t_hash.c).
//
// The family parses arguments, calls the hash type API (store/types/hash.h)
// and replies; encodings and their conversions are the type API's business.
#include <cmath>
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
#include "store/types/hash.h"

namespace respd::server {
namespace {

using store::KeyEntry;
using store::OpStatus;

constexpr std::string_view kErrHashNotInteger = "ERR hash value is not an integer";
constexpr std::string_view kErrHashNotFloat = "ERR hash value is not a float";
constexpr std::string_view kErrNanOrInfinityArgument = "ERR value is NaN or Infinity";
constexpr std::string_view kErrOutOfRange = "ERR value is out of range";

// HSET key field value [field value ...]  /  HMSET (replies OK)
void HSetGeneric(CommandContext& ctx, bool reply_count) {
  if (ctx.argv.size() % 2 == 1) {
    ctx.WrongArity();
    return;
  }
  auto created = store::HashSet(ctx.db, ctx.argv[1], ctx.argv.subspan(2), ctx.server.type_limits());
  if (!created) {
    ctx.Error(OpStatusError(created.status()));
  } else if (reply_count) {
    ctx.reply.Integer(static_cast<int64_t>(*created));
  } else {
    ctx.reply.Ok();
  }
}
void HSetCommand(CommandContext& ctx) { HSetGeneric(ctx, /*reply_count=*/true); }
void HMSetCommand(CommandContext& ctx) { HSetGeneric(ctx, /*reply_count=*/false); }

// HSETNX key field value
void HSetNxCommand(CommandContext& ctx) {
  auto set = store::HashSetIfAbsent(ctx.db, ctx.argv[1], ctx.argv[2], ctx.argv[3],
                                    ctx.server.type_limits());
  if (!set) {
    ctx.Error(OpStatusError(set.status()));
    return;
  }
  ctx.reply.Integer(*set ? 1 : 0);
}

// HGET key field
void HGetCommand(CommandContext& ctx) {
  KeyEntry* e = ctx.EntryOrReply(store::FindHash(ctx.db, ctx.argv[1]), [&] { ctx.reply.Null(); });
  if (e == nullptr) return;
  store::HashScratch scratch;
  if (auto value = store::HashGet(*e, ctx.argv[2], scratch)) {
    ctx.reply.Bulk(*value);
  } else {
    ctx.reply.Null();
  }
}

// HMGET key field [field ...]: a missing key is all nils.
void HMGetCommand(CommandContext& ctx) {
  auto found = store::FindHash(ctx.db, ctx.argv[1]);
  if (!found && found.status() != OpStatus::kKeyNotFound) {
    ctx.Error(OpStatusError(found.status()));
    return;
  }
  const auto fields = ctx.argv.subspan(2);
  ctx.reply.ArrayHeader(fields.size());
  store::HashScratch scratch;
  for (std::string_view field : fields) {
    std::optional<std::string_view> value;
    if (found) value = store::HashGet(**found, field, scratch);
    if (value) {
      ctx.reply.Bulk(*value);
    } else {
      ctx.reply.Null();
    }
  }
}

// HDEL key field [field ...]
void HDelCommand(CommandContext& ctx) {
  ctx.ReplyCount(store::HashDelete(ctx.db, ctx.argv[1], ctx.argv.subspan(2)));
}

// HLEN key
void HLenCommand(CommandContext& ctx) {
  KeyEntry* e =
      ctx.EntryOrReply(store::FindHash(ctx.db, ctx.argv[1]), [&] { ctx.reply.Integer(0); });
  if (e != nullptr) ctx.reply.Integer(static_cast<int64_t>(store::HashLength(*e)));
}

// HSTRLEN key field
void HStrLenCommand(CommandContext& ctx) {
  KeyEntry* e =
      ctx.EntryOrReply(store::FindHash(ctx.db, ctx.argv[1]), [&] { ctx.reply.Integer(0); });
  if (e == nullptr) return;
  store::HashScratch scratch;
  auto value = store::HashGet(*e, ctx.argv[2], scratch);
  ctx.reply.Integer(value ? static_cast<int64_t>(value->size()) : 0);
}

// HEXISTS key field
void HExistsCommand(CommandContext& ctx) {
  KeyEntry* e =
      ctx.EntryOrReply(store::FindHash(ctx.db, ctx.argv[1]), [&] { ctx.reply.Integer(0); });
  if (e == nullptr) return;
  store::HashScratch scratch;
  ctx.reply.Integer(store::HashGet(*e, ctx.argv[2], scratch) ? 1 : 0);
}

// HINCRBY key field increment
void HIncrByCommand(CommandContext& ctx) {
  int64_t incr;
  if (!base::ParseInt64(ctx.argv[3], &incr)) {
    ctx.Error(kErrNotInteger);
    return;
  }
  auto value = store::HashIncrBy(ctx.db, ctx.argv[1], ctx.argv[2], incr, ctx.server.type_limits());
  if (value) {
    ctx.reply.Integer(*value);
  } else if (value.status() == OpStatus::kNotAnInteger) {
    ctx.Error(kErrHashNotInteger);
  } else {
    ctx.Error(OpStatusError(value.status()));
  }
}

// HINCRBYFLOAT key field increment
void HIncrByFloatCommand(CommandContext& ctx) {
  long double incr;
  if (!base::ParseLongDouble(ctx.argv[3], &incr)) {
    ctx.Error(kErrNotFloat);
    return;
  }
  if (std::isnan(incr) || std::isinf(incr)) {
    ctx.Error(kErrNanOrInfinityArgument);
    return;
  }
  std::string buf(base::kMaxLongDoubleChars, '\0');
  auto value = store::HashIncrByFloat(ctx.db, ctx.argv[1], ctx.argv[2], incr,
                                      ctx.server.type_limits(), buf.data());
  if (value) {
    ctx.reply.Bulk(*value);
  } else if (value.status() == OpStatus::kNotAFloat) {
    ctx.Error(kErrHashNotFloat);
  } else {
    ctx.Error(OpStatusError(value.status()));
  }
}

// HKEYS / HVALS / HGETALL: which parts of each pair they reply.
enum class PairParts : uint8_t { kFields, kValues, kBoth };

void ReplyAllPairs(CommandContext& ctx, PairParts parts) {
  KeyEntry* e = ctx.EntryOrReply(store::FindHash(ctx.db, ctx.argv[1]), [&] {
    if (parts == PairParts::kBoth) {
      ctx.reply.MapHeader(0);
    } else {
      ctx.reply.ArrayHeader(0);
    }
  });
  if (e == nullptr) return;
  const size_t n = store::HashLength(*e);
  if (parts == PairParts::kBoth) {
    ctx.reply.MapHeader(n);
  } else {
    ctx.reply.ArrayHeader(n);
  }
  store::HashForEach(*e, [&](std::string_view field, std::string_view value) {
    if (parts != PairParts::kValues) ctx.reply.Bulk(field);
    if (parts != PairParts::kFields) ctx.reply.Bulk(value);
  });
}
void HKeysCommand(CommandContext& ctx) { ReplyAllPairs(ctx, PairParts::kFields); }
void HValsCommand(CommandContext& ctx) { ReplyAllPairs(ctx, PairParts::kValues); }
void HGetAllCommand(CommandContext& ctx) { ReplyAllPairs(ctx, PairParts::kBoth); }

// HRANDFIELD key [count [WITHVALUES]]
void HRandFieldCommand(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  if (argv.size() == 2) {
    KeyEntry* e = ctx.EntryOrReply(store::FindHash(ctx.db, argv[1]), [&] { ctx.reply.Null(); });
    if (e == nullptr) return;
    store::HashRandomPair(*e,
                          [&](std::string_view field, std::string_view) { ctx.reply.Bulk(field); });
    return;
  }
  // getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX), before the key.
  int64_t count;
  if (!base::ParseInt64(argv[2], &count)) {
    ctx.Error(kErrNotInteger);
    return;
  }
  if (count == std::numeric_limits<int64_t>::min()) {
    ctx.Error(kErrRandomCountRange);
    return;
  }
  const bool with_values = argv.size() == 4;
  if (argv.size() > 4 || (with_values && !base::EqualsIgnoreCase(argv[3], "withvalues"))) {
    ctx.Error(kErrSyntax);
    return;
  }
  // Each pair is two replies: keep the count's double representable.
  if (with_values && (count < -std::numeric_limits<int64_t>::max() / 2 ||
                      count > std::numeric_limits<int64_t>::max() / 2)) {
    ctx.Error(kErrOutOfRange);
    return;
  }
  KeyEntry* e =
      ctx.EntryOrReply(store::FindHash(ctx.db, argv[1]), [&] { ctx.reply.ArrayHeader(0); });
  if (e == nullptr) return;
  if (count == 0) {
    ctx.reply.ArrayHeader(0);
    return;
  }
  const bool resp3 = ctx.reply.resp3();
  const auto emit = [&](std::string_view field, std::string_view value) {
    if (with_values && resp3) ctx.reply.ArrayHeader(2);
    ctx.reply.Bulk(field);
    if (with_values) ctx.reply.Bulk(value);
  };
  const bool repeats = count < 0 || count == 1;
  const auto n = static_cast<size_t>(count < 0 ? -count : count);
  const size_t replied = repeats ? n : std::min(n, store::HashLength(*e));
  ctx.reply.ArrayHeader(with_values && !resp3 ? replied * 2 : replied);
  if (repeats) {
    ctx.EmitBounded(n, [&](size_t k) { store::HashRandomWithRepeats(*e, k, emit); });
  } else {
    store::HashRandomDistinct(*e, n, emit);
  }
}

// HSCAN key cursor [MATCH pattern] [COUNT count]
void HScanCommand(CommandContext& ctx) {
  uint64_t cursor;
  if (!ParseScanCursor(ctx.argv[2], &cursor)) {
    ctx.Error(kErrInvalidCursor);
    return;
  }
  KeyEntry* e =
      ctx.EntryOrReply(store::FindHash(ctx.db, ctx.argv[1]), [&] { ReplyEmptyScan(ctx); });
  if (e == nullptr) return;
  ScanOptions options;
  if (!ParseScanOptions(ctx, ctx.argv.subspan(3), /*allow_type=*/false, &options)) return;
  // As Redis, a field and its value count as two items toward COUNT.
  std::vector<std::string> items;
  cursor = RunScanSteps(cursor, options.count, [&](uint64_t at, size_t* collected) {
    return store::HashScan(*e, at, [&](std::string_view field, std::string_view value) {
      *collected += 2;
      if (options.use_pattern && !base::GlobMatch(options.pattern, field)) return;
      items.emplace_back(field);
      items.emplace_back(value);
    });
  });
  ReplyScan(ctx, cursor, items);
}

constexpr CommandSpec kHashCommands[] = {
    {.name = "hset", .handler = &HSetCommand},
    {.name = "hsetnx", .handler = &HSetNxCommand},
    {.name = "hmset", .handler = &HMSetCommand},
    {.name = "hget", .handler = &HGetCommand},
    {.name = "hmget", .handler = &HMGetCommand},
    {.name = "hdel", .handler = &HDelCommand},
    {.name = "hlen", .handler = &HLenCommand},
    {.name = "hstrlen", .handler = &HStrLenCommand},
    {.name = "hexists", .handler = &HExistsCommand},
    {.name = "hincrby", .handler = &HIncrByCommand},
    {.name = "hincrbyfloat", .handler = &HIncrByFloatCommand},
    {.name = "hkeys", .handler = &HKeysCommand},
    {.name = "hvals", .handler = &HValsCommand},
    {.name = "hgetall", .handler = &HGetAllCommand},
    {.name = "hrandfield", .handler = &HRandFieldCommand},
    {.name = "hscan", .handler = &HScanCommand},
};

}  // namespace

std::span<const CommandSpec> HashCommands() { return kHashCommands; }

}  // namespace respd::server

// Keys: DEL UNLINK EXISTS TOUCH TYPE KEYS SCAN RANDOMKEY RENAME RENAMENX COPY
// MOVE SWAPDB EXPIRE PEXPIRE EXPIREAT PEXPIREAT TTL PTTL EXPIRETIME
// PEXPIRETIME PERSIST OBJECT (ENCODING REFCOUNT IDLETIME FREQ HELP), with
// Redis 7.0's replies and error texts (src/db.c, src/expire.c, src/object.c).
//
// Lookups follow Redis's choice per command: reads go through FindForRead
// (keyspace hits/misses, lookupKeyRead), writes through Find (lookupKeyWrite);
// OBJECT, TYPE, EXISTS and the TTL family do not touch the access clock
// (LOOKUP_NOTOUCH). Every lookup deletes a key found past its deadline, as
// Redis's does; KEYS alone skips such keys without deleting them.
#include <cctype>
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
#include "store/value.h"

namespace respd::server {
namespace {

using store::Database;
using store::KeyEntry;

constexpr Database::Touch kNoTouch = Database::Touch::kNo;

// The type name Redis's getObjectTypeName gives an entry (nullptr: "none").
std::string_view TypeName(const KeyEntry* e) { return e == nullptr ? "none" : store::TypeName(*e); }

// Parses a database index as Redis's getIntFromObjectOrReply: an int64 (else
// `msg`, or the not-an-integer error), then within int (else `msg`, or the
// range error). Replies and returns false on failure.
bool ParseIntOrReply(CommandContext& ctx, std::string_view arg, std::string_view msg, int* out) {
  int64_t v;
  if (!base::ParseInt64(arg, &v)) {
    ctx.Error(msg.empty() ? kErrNotInteger : msg);
    return false;
  }
  if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max()) {
    ctx.Error(msg.empty() ? kErrNotInt32 : msg);
    return false;
  }
  *out = static_cast<int>(v);
  return true;
}

bool ValidDbIndex(CommandContext& ctx, int index) {
  return index >= 0 && index < ctx.server.num_databases();
}

// DEL and UNLINK: replies with how many of the keys existed. With `lazy`,
// big values are left to the reclaimer.
void DelGeneric(CommandContext& ctx, bool lazy) {
  int64_t deleted = 0;
  for (size_t j = 1; j < ctx.argv.size(); ++j) deleted += ctx.db.Delete(ctx.argv[j], lazy) ? 1 : 0;
  ctx.reply.Integer(deleted);
}

// DEL key [key ...]  (lazily under lazyfree-lazy-user-del)
void DelCommand(CommandContext& ctx) {
  DelGeneric(ctx, ctx.server.keyspace().lazyfree_policy().user_del);
}

// UNLINK key [key ...]  (big values go to the reclaimer)
void UnlinkCommand(CommandContext& ctx) { DelGeneric(ctx, /*lazy=*/true); }

// EXISTS key [key ...]  (a key named twice counts twice, as in Redis)
void ExistsCommand(CommandContext& ctx) {
  int64_t found = 0;
  for (size_t j = 1; j < ctx.argv.size(); ++j) {
    found += ctx.db.FindForRead(ctx.argv[j], kNoTouch) ? 1 : 0;
  }
  ctx.reply.Integer(found);
}

// TOUCH key [key ...]  (counts the keys that exist; their access clock is
// set to now)
void TouchCommand(CommandContext& ctx) {
  int64_t touched = 0;
  for (size_t j = 1; j < ctx.argv.size(); ++j) touched += ctx.db.FindForRead(ctx.argv[j]) ? 1 : 0;
  ctx.reply.Integer(touched);
}

// TYPE key
void TypeCommand(CommandContext& ctx) {
  ctx.reply.SimpleString(TypeName(ctx.db.FindForRead(ctx.argv[1], kNoTouch)));
}

// KEYS pattern
void KeysCommand(CommandContext& ctx) {
  const std::string_view pattern = ctx.argv[1];
  // A lone "*" is "every key", the empty key included (which GlobMatch, like
  // stringmatchlen, would not match).
  const bool all = pattern == "*";
  std::vector<const KeyEntry*> found;
  ctx.db.ForEach([&](const KeyEntry* e) {
    // Expired keys are skipped but left for lazy or active expiry.
    if ((all || base::GlobMatch(pattern, e->key())) && !ctx.db.IsExpired(e)) found.push_back(e);
  });
  ctx.reply.ArrayHeader(found.size());
  for (const KeyEntry* e : found) ctx.reply.Bulk(e->key());
}

// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
void ScanCommand(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  uint64_t cursor;
  if (!ParseScanCursor(argv[1], &cursor)) {
    ctx.Error(kErrInvalidCursor);
    return;
  }
  ScanOptions options;
  if (!ParseScanOptions(ctx, argv.subspan(2), /*allow_type=*/true, &options)) return;
  const int64_t count = options.count;
  const std::string_view pattern = options.pattern, type = options.type;
  const bool use_pattern = options.use_pattern, use_type = options.use_type;

  std::vector<std::string> keys;
  cursor = RunScanSteps(cursor, count, [&](uint64_t at, size_t* collected) {
    return ctx.db.Scan(at, [&](const KeyEntry* e) {
      keys.emplace_back(e->key());
      ++*collected;
    });
  });

  // Filter as Redis does, in its order: pattern, then type (a lookup, which
  // reclaims an expired key and then sees "none"), then expiry (reclaiming).
  const auto keep = [&](const std::string& key) {
    if (use_pattern && !base::GlobMatch(pattern, key)) return false;
    if (use_type) {
      const KeyEntry* e = ctx.db.FindForRead(key, kNoTouch);
      if (!base::EqualsIgnoreCase(type, TypeName(e))) return false;
      // TYPE none keeps a key just reclaimed: Redis's expiry check that
      // follows no longer finds it.
      if (e == nullptr) return true;
    }
    return ctx.db.Find(key, kNoTouch) != nullptr;
  };
  std::erase_if(keys, [&](const std::string& key) { return !keep(key); });

  ReplyScan(ctx, cursor, keys);
}

// RANDOMKEY
void RandomkeyCommand(CommandContext& ctx) {
  const KeyEntry* e = ctx.db.RandomKey();
  if (e == nullptr) {
    ctx.reply.Null();
    return;
  }
  ctx.reply.Bulk(e->key());
}

// RENAME key newkey / RENAMENX key newkey
void RenameGeneric(CommandContext& ctx, bool nx) {
  // The source is looked up for writing first (touching it), so a missing
  // key is an error even when both names are the same.
  if (ctx.db.Find(ctx.argv[1]) == nullptr) {
    ctx.Error(kErrNoSuchKey);
    return;
  }
  switch (ctx.db.Rename(ctx.argv[1], ctx.argv[2], nx)) {
    case Database::RenameResult::kNoSuchKey:
      ctx.Error(kErrNoSuchKey);
      return;
    case Database::RenameResult::kSameKey:
      nx ? ctx.reply.Integer(0) : ctx.reply.Ok();
      return;
    case Database::RenameResult::kTargetExists:
      ctx.reply.Integer(0);
      return;
    case Database::RenameResult::kRenamed:
      nx ? ctx.reply.Integer(1) : ctx.reply.Ok();
      return;
  }
}

// RENAME key newkey
void RenameCommand(CommandContext& ctx) { RenameGeneric(ctx, /*nx=*/false); }

// RENAMENX key newkey
void RenamenxCommand(CommandContext& ctx) { RenameGeneric(ctx, /*nx=*/true); }

// COPY source destination [DB destination-db] [REPLACE]
void CopyCommand(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  bool replace = false;
  int dbid = ctx.client.db_index;
  for (size_t j = 3; j < argv.size(); ++j) {
    if (base::EqualsIgnoreCase(argv[j], "replace")) {
      replace = true;
    } else if (base::EqualsIgnoreCase(argv[j], "db") && j + 1 < argv.size()) {
      if (!ParseIntOrReply(ctx, argv[j + 1], {}, &dbid)) return;
      if (!ValidDbIndex(ctx, dbid)) {
        ctx.Error(kErrDbIndex);
        return;
      }
      ++j;
    } else {
      ctx.Error(kErrSyntax);
      return;
    }
  }
  Database& dst = ctx.server.database(dbid);
  if (&dst == &ctx.db && argv[1] == argv[2]) {
    ctx.Error(kErrSameObject);
    return;
  }
  auto copied = ctx.db.CopyTo(argv[1], dst, argv[2], replace);
  if (!copied) {
    ctx.reply.Integer(0);
    return;
  }
  // Redis found the existing destination with a write lookup, touching it.
  if (!*copied) dst.Find(argv[2]);
  ctx.reply.Integer(*copied ? 1 : 0);
}

// MOVE key db
void MoveCommand(CommandContext& ctx) {
  int dbid;
  if (!ParseIntOrReply(ctx, ctx.argv[2], {}, &dbid)) return;
  if (!ValidDbIndex(ctx, dbid)) {
    ctx.Error(kErrDbIndex);
    return;
  }
  Database& dst = ctx.server.database(dbid);
  if (&dst == &ctx.db) {
    ctx.Error(kErrSameObject);
    return;
  }
  // Write lookups on both sides, as Redis (they touch what they find).
  if (ctx.db.Find(ctx.argv[1]) == nullptr || dst.Find(ctx.argv[1]) != nullptr) {
    ctx.reply.Integer(0);
    return;
  }
  ctx.reply.Integer(ctx.db.MoveTo(ctx.argv[1], dst) ? 1 : 0);
}

// SWAPDB index1 index2
void SwapdbCommand(CommandContext& ctx) {
  int a, b;
  if (!ParseIntOrReply(ctx, ctx.argv[1], kErrInvalidFirstDb, &a)) return;
  if (!ParseIntOrReply(ctx, ctx.argv[2], kErrInvalidSecondDb, &b)) return;
  if (!ValidDbIndex(ctx, a) || !ValidDbIndex(ctx, b)) {
    ctx.Error(kErrDbIndex);
    return;
  }
  if (a != b) ctx.server.keyspace().Swap(a, b);
  ctx.reply.Ok();
}

// The conditions of EXPIRE and friends (Redis's EXPIRE_NX … EXPIRE_LT).
enum ExpireFlag : uint32_t {
  kExpireNx = 1 << 0,
  kExpireXx = 1 << 1,
  kExpireGt = 1 << 2,
  kExpireLt = 1 << 3,
};

// EXPIRE, PEXPIRE, EXPIREAT and PEXPIREAT, as Redis's expireGenericCommand:
// the deadline is argv[2] in seconds or ms, plus `basetime` (now, or 0 for
// the *AT forms). A deadline not in the future deletes the key.
void ExpireGeneric(CommandContext& ctx, int64_t basetime, bool seconds) {
  const auto& argv = ctx.argv;
  // Options are checked before the number.
  uint32_t flags = 0;
  for (size_t j = 3; j < argv.size(); ++j) {
    if (base::EqualsIgnoreCase(argv[j], "nx")) {
      flags |= kExpireNx;
    } else if (base::EqualsIgnoreCase(argv[j], "xx")) {
      flags |= kExpireXx;
    } else if (base::EqualsIgnoreCase(argv[j], "gt")) {
      flags |= kExpireGt;
    } else if (base::EqualsIgnoreCase(argv[j], "lt")) {
      flags |= kExpireLt;
    } else {
      // Redis formats the option with %s: it ends at a NUL byte.
      const std::string_view opt = argv[j].substr(0, argv[j].find('\0'));
      ctx.Error("ERR Unsupported option " + std::string(opt));
      return;
    }
  }
  if ((flags & kExpireNx) && (flags & (kExpireXx | kExpireGt | kExpireLt))) {
    ctx.Error(kErrExpireNxConflict);
    return;
  }
  if ((flags & kExpireGt) && (flags & kExpireLt)) {
    ctx.Error(kErrExpireGtLt);
    return;
  }

  int64_t when;
  if (!base::ParseInt64(argv[2], &when)) {
    ctx.Error(kErrNotInteger);
    return;
  }
  // Negative values are allowed; only overflow is refused.
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  if (seconds) {
    if (when > kMax / 1000 || when < kMin / 1000) {
      ctx.Error(InvalidExpireError(ctx.command.fullname));
      return;
    }
    when *= 1000;
  }
  if (when > kMax - basetime) {
    ctx.Error(InvalidExpireError(ctx.command.fullname));
    return;
  }
  when += basetime;

  const KeyEntry* e = ctx.db.Find(argv[1]);
  if (e == nullptr) {
    ctx.reply.Integer(0);
    return;
  }
  // kNoExpire is -1, Redis's "no deadline" from getExpire.
  const int64_t current = e->expire_at();
  const bool has_ttl = current != KeyEntry::kNoExpire;
  if (((flags & kExpireNx) && has_ttl) || ((flags & kExpireXx) && !has_ttl) ||
      // No TTL counts as an infinite one: GT never beats it, LT always does.
      ((flags & kExpireGt) && (!has_ttl || when <= current)) ||
      ((flags & kExpireLt) && has_ttl && when >= current)) {
    ctx.reply.Integer(0);
    return;
  }
  if (when <= ctx.now_ms) {
    ctx.db.Delete(argv[1], ctx.server.keyspace().lazyfree_policy().expire);
  } else {
    ctx.db.SetExpire(argv[1], when);
  }
  ctx.reply.Integer(1);
}

// EXPIRE key seconds [NX | XX | GT | LT]
void ExpireCommand(CommandContext& ctx) { ExpireGeneric(ctx, ctx.now_ms, /*seconds=*/true); }

// PEXPIRE key milliseconds [NX | XX | GT | LT]
void PexpireCommand(CommandContext& ctx) { ExpireGeneric(ctx, ctx.now_ms, /*seconds=*/false); }

// EXPIREAT key unix-time-seconds [NX | XX | GT | LT]
void ExpireatCommand(CommandContext& ctx) { ExpireGeneric(ctx, 0, /*seconds=*/true); }

// PEXPIREAT key unix-time-milliseconds [NX | XX | GT | LT]
void PexpireatCommand(CommandContext& ctx) { ExpireGeneric(ctx, 0, /*seconds=*/false); }

// TTL, PTTL, EXPIRETIME and PEXPIRETIME: -2 for a missing key, -1 for no
// deadline, else the time left (or the deadline) in ms or rounded seconds.
void TtlGeneric(CommandContext& ctx, bool in_ms, bool absolute) {
  const KeyEntry* e = ctx.db.FindForRead(ctx.argv[1], kNoTouch);
  if (e == nullptr) {
    ctx.reply.Integer(-2);
    return;
  }
  if (!e->has_expire()) {
    ctx.reply.Integer(-1);
    return;
  }
  int64_t ttl = absolute ? e->expire_at() : e->expire_at() - ctx.now_ms;
  if (ttl < 0) ttl = 0;
  if (in_ms) {
    ctx.reply.Integer(ttl);
    return;
  }
  // Redis's (ttl+500)/1000, computed without overflowing near INT64_MAX (as
  // the compiled Redis effectively does).
  ctx.reply.Integer(static_cast<int64_t>((static_cast<uint64_t>(ttl) + 500) / 1000));
}

// TTL key
void TtlCommand(CommandContext& ctx) { TtlGeneric(ctx, /*in_ms=*/false, /*absolute=*/false); }

// PTTL key
void PttlCommand(CommandContext& ctx) { TtlGeneric(ctx, /*in_ms=*/true, /*absolute=*/false); }

// EXPIRETIME key
void ExpiretimeCommand(CommandContext& ctx) { TtlGeneric(ctx, /*in_ms=*/false, /*absolute=*/true); }

// PEXPIRETIME key
void PexpiretimeCommand(CommandContext& ctx) { TtlGeneric(ctx, /*in_ms=*/true, /*absolute=*/true); }

// PERSIST key
void PersistCommand(CommandContext& ctx) {
  const bool removed = ctx.db.Find(ctx.argv[1]) != nullptr && ctx.db.Persist(ctx.argv[1]);
  ctx.reply.Integer(removed ? 1 : 0);
}

// OBJECT's lookup: no touch, counted as a read but no keymiss event; nil
// for a missing key.
const KeyEntry* ObjectLookupOrReply(CommandContext& ctx) {
  const KeyEntry* e = ctx.db.FindForRead(ctx.argv[2], kNoTouch, store::Database::MissEvent::kNo);
  if (e == nullptr) ctx.reply.Null();
  return e;
}

// OBJECT ENCODING key
void ObjectEncodingCommand(CommandContext& ctx) {
  const KeyEntry* e = ObjectLookupOrReply(ctx);
  if (e == nullptr) return;
  ctx.reply.Bulk(store::EncodingName(*e));
}

// OBJECT REFCOUNT key
void ObjectRefcountCommand(CommandContext& ctx) {
  const KeyEntry* e = ObjectLookupOrReply(ctx);
  if (e == nullptr) return;
  ctx.reply.Integer(store::Refcount(*e));
}

// OBJECT IDLETIME key
void ObjectIdletimeCommand(CommandContext& ctx) {
  const KeyEntry* e = ObjectLookupOrReply(ctx);
  if (e == nullptr) return;
  ctx.reply.Integer(static_cast<int64_t>(ctx.db.IdleSeconds(e)));
}

// OBJECT FREQ key  (respd has no LFU policy, so this is Redis's error for
// an LRU or no-eviction server)
void ObjectFreqCommand(CommandContext& ctx) {
  if (ObjectLookupOrReply(ctx) == nullptr) return;
  ctx.Error(kErrLfuNotSelected);
}

// OBJECT HELP
void ObjectHelpCommand(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "ENCODING <key>",
      "    Return the kind of internal representation used in order to store the value",
      "    associated with a <key>.",
      "FREQ <key>",
      "    Return the access frequency index of the <key>. The returned integer is",
      "    proportional to the logarithm of the recent access frequency of the key.",
      "IDLETIME <key>",
      "    Return the idle time of the <key>, that is the approximated number of",
      "    seconds elapsed since the last access to the key.",
      "REFCOUNT <key>",
      "    Return the number of references of the value associated with the specified",
      "    <key>.",
  };
  ctx.ReplyHelp(kLines);
}

constexpr CommandSpec kObjectSubcommands[] = {
    {.name = "help", .handler = &ObjectHelpCommand},
    {.name = "refcount", .handler = &ObjectRefcountCommand},
    {.name = "encoding", .handler = &ObjectEncodingCommand},
    {.name = "idletime", .handler = &ObjectIdletimeCommand},
    {.name = "freq", .handler = &ObjectFreqCommand},
};

constexpr CommandSpec kKeyspaceCommands[] = {
    {.name = "del", .handler = &DelCommand},
    {.name = "unlink", .handler = &UnlinkCommand},
    {.name = "exists", .handler = &ExistsCommand},
    {.name = "touch", .handler = &TouchCommand},
    {.name = "type", .handler = &TypeCommand},
    {.name = "keys", .handler = &KeysCommand},
    {.name = "scan", .handler = &ScanCommand},
    {.name = "randomkey", .handler = &RandomkeyCommand},
    {.name = "rename", .handler = &RenameCommand},
    {.name = "renamenx", .handler = &RenamenxCommand},
    {.name = "copy", .handler = &CopyCommand},
    {.name = "move", .handler = &MoveCommand},
    {.name = "swapdb", .handler = &SwapdbCommand},
    {.name = "expire", .handler = &ExpireCommand},
    {.name = "pexpire", .handler = &PexpireCommand},
    {.name = "expireat", .handler = &ExpireatCommand},
    {.name = "pexpireat", .handler = &PexpireatCommand},
    {.name = "ttl", .handler = &TtlCommand},
    {.name = "pttl", .handler = &PttlCommand},
    {.name = "expiretime", .handler = &ExpiretimeCommand},
    {.name = "pexpiretime", .handler = &PexpiretimeCommand},
    {.name = "persist", .handler = &PersistCommand},
    {.name = "object", .handler = nullptr, .subcommands = kObjectSubcommands},
};

}  // namespace

std::span<const CommandSpec> KeyspaceCommands() { return kKeyspaceCommands; }

}  // namespace respd::server

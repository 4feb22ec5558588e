// Strings: GET SET.
#include <limits>

#include "protocol/numbers.h"
#include "server/command_context.h"
#include "server/commands/families.h"
#include "server/errors.h"
#include "server/string_util.h"

namespace respd::server {
namespace {

using store::Database;
using store::OpStatus;

// Replies with the string at `key` (or nil). Returns false after replying
// with an error (wrong type), so SET … GET can stop.
bool ReplyStringValue(CommandContext& ctx, std::string_view key) {
  auto value = ctx.db.GetString(key);
  if (value) {
    ctx.reply.Bulk(*value);
    return true;
  }
  if (value.status() == OpStatus::kKeyNotFound) {
    ctx.reply.Null();
    return true;
  }
  ctx.Error(OpStatusError(value.status()));
  return false;
}

// GET key
void GetCommand(CommandContext& ctx) { ReplyStringValue(ctx, ctx.argv[1]); }

// The options of SET, as bits (Redis's OBJ_SET_* flags).
enum SetFlag : uint32_t {
  kSetNx = 1 << 0,
  kSetXx = 1 << 1,
  kSetGet = 1 << 2,
  kSetKeepTtl = 1 << 3,
  kSetEx = 1 << 4,
  kSetPx = 1 << 5,
  kSetExAt = 1 << 6,
  kSetPxAt = 1 << 7,
};
constexpr uint32_t kSetAnyExpire = kSetEx | kSetPx | kSetExAt | kSetPxAt;
// An expiry form excludes KEEPTTL and the other expiry forms (not itself).
constexpr uint32_t ConflictsOf(uint32_t expire_form) {
  return kSetKeepTtl | (kSetAnyExpire & ~expire_form);
}

// Converts the EX/PX/EXAT/PXAT argument to an absolute unix-ms deadline, or
// replies with Redis's error and returns false.
bool ParseSetExpire(CommandContext& ctx, std::string_view arg, uint32_t flags, int64_t* when) {
  int64_t v;
  if (!protocol::ParseInt64(arg, &v)) {
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
    const bool has_next = j + 1 < argv.size();
    if (EqualsIgnoreCase(opt, "nx") && !(flags & kSetXx)) {
      flags |= kSetNx;
    } else if (EqualsIgnoreCase(opt, "xx") && !(flags & kSetNx)) {
      flags |= kSetXx;
    } else if (EqualsIgnoreCase(opt, "get")) {
      flags |= kSetGet;
    } else if (EqualsIgnoreCase(opt, "keepttl") && !(flags & kSetAnyExpire)) {
      flags |= kSetKeepTtl;
    } else if (EqualsIgnoreCase(opt, "ex") && !(flags & ConflictsOf(kSetEx)) && has_next) {
      flags |= kSetEx;
      expire_arg = argv[++j];
    } else if (EqualsIgnoreCase(opt, "px") && !(flags & ConflictsOf(kSetPx)) && has_next) {
      flags |= kSetPx;
      expire_arg = argv[++j];
    } else if (EqualsIgnoreCase(opt, "exat") && !(flags & ConflictsOf(kSetExAt)) && has_next) {
      flags |= kSetExAt;
      expire_arg = argv[++j];
    } else if (EqualsIgnoreCase(opt, "pxat") && !(flags & ConflictsOf(kSetPxAt)) && has_next) {
      flags |= kSetPxAt;
      expire_arg = argv[++j];
    } else {
      ctx.Error(kErrSyntax);
      return;
    }
  }

  int64_t when = store::KeyEntry::kNoExpire;
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
  Database::TtlMode mode = Database::TtlMode::kClear;
  if (flags & kSetAnyExpire) {
    mode = Database::TtlMode::kSet;
  } else if (flags & kSetKeepTtl) {
    mode = Database::TtlMode::kKeep;
  }
  ctx.db.SetString(key, argv[2], mode, when);
  if (!(flags & kSetGet)) ctx.reply.Ok();
}

constexpr CommandSpec kStringCommands[] = {
    {.name = "get",
     .arity = 2,
     .flags = kCmdReadOnly | kCmdFast,
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .acl_categories = kAclRead | kAclString | kAclFast,
     .handler = &GetCommand},
    {.name = "set",
     .arity = -3,
     .flags = kCmdWrite | kCmdDenyOom,
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .acl_categories = kAclWrite | kAclString | kAclSlow,
     .handler = &SetCommand},
};

}  // namespace

void RegisterStringFamily(CommandTable& table) { table.Add(kStringCommands); }

}  // namespace respd::server

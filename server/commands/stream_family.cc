// Streams: XADD XRANGE XREVRANGE XLEN XDEL XTRIM XSETID, with Redis 7.0's
// ID rules, replies and error texts (src/t_stream.c). Reading (XREAD,
// XREADGROUP), groups and XINFO are in the other stream families.
#include <vector>

#include "base/ascii.h"
#include "base/numbers.h"
#include "server/commands/families.h"
#include "server/commands/stream_common.h"
#include "server/core/server.h"
#include "server/dispatch/command_context.h"
#include "server/dispatch/errors.h"
#include "store/types/stream.h"

namespace respd::server {
namespace {

using store::KeyEntry;
using store::KeyEvent;
using store::OpStatus;
using store::Stream;
using store::StreamId;

// The ID XADD gives the entry (streamAppendItem): the given one, the
// given millisecond with the next sequence, or the clock's (never going
// back: past the last ID's millisecond, the next ID up).
enum class NextIdResult : uint8_t { kOk, kNotAbove, kSequenceExhausted };
NextIdResult NextId(const Stream& s, const StreamAddTrimArgs& args, int64_t now_ms, StreamId* id) {
  const StreamId last = s.last_id();
  if (args.id_given && args.seq_given) {
    *id = args.id;
  } else if (args.id_given) {
    if (last.ms == args.id.ms) {
      // "<ms>-*" where <ms> has no sequence left: Redis fails the append
      // without saying why, and XADD reports it as too large.
      if (last.seq == UINT64_MAX) return NextIdResult::kSequenceExhausted;
      *id = {last.ms, last.seq + 1};
    } else {
      *id = {args.id.ms, 0};
    }
  } else {
    const auto ms = static_cast<uint64_t>(now_ms);
    *id = last;
    if (ms > last.ms) {
      *id = {ms, 0};
    } else {
      id->Increment();  // Not at Max: XADD refused an exhausted stream.
    }
  }
  return *id > last ? NextIdResult::kOk : NextIdResult::kNotAbove;
}

constexpr std::string_view kErrTooLarge = "ERR Elements are too large to be stored";

// XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value …
void XAddCommand(CommandContext& ctx) {
  StreamAddTrimArgs args;
  const int id_pos = ParseAddTrimArgs(ctx, /*xadd=*/true, &args);
  if (id_pos < 0) return;
  const auto fields = ctx.argv.subspan(static_cast<size_t>(id_pos) + 1);
  if (fields.size() < 2 || fields.size() % 2 == 1) {
    ctx.WrongArity();
    return;
  }
  // Refused before the key is created.
  if (args.id_given && args.seq_given && args.id == StreamId{}) {
    ctx.Error("ERR The ID specified in XADD must be greater than 0-0");
    return;
  }
  const std::string_view key = ctx.argv[1];
  auto found = store::FindStreamForWrite(ctx.db, key);
  KeyEntry* e = nullptr;
  if (found) {
    e = *found;
  } else if (found.status() != OpStatus::kKeyNotFound) {
    ctx.Error(OpStatusError(found.status()));
    return;
  } else if (args.no_mkstream) {
    ctx.reply.Null();
    return;
  } else {
    e = store::CreateStream(ctx.db, key);
  }
  Stream& s = store::MutableStreamOf(*e);
  if (s.last_id() == StreamId::Max()) {
    ctx.Error("ERR The stream has exhausted the last possible ID, unable to add more items");
    return;
  }
  StreamId id;
  switch (NextId(s, args, ctx.now_ms, &id)) {
    case NextIdResult::kOk:
      break;
    case NextIdResult::kNotAbove:
      ctx.Error("ERR The ID specified in XADD is equal or smaller than the target stream top item");
      return;
    case NextIdResult::kSequenceExhausted:
      ctx.Error(kErrTooLarge);
      return;
  }
  if (!s.Append(id, fields, ctx.server.type_limits())) {
    ctx.Error(kErrTooLarge);
    return;
  }
  ReplyStreamId(ctx.reply, id);
  ctx.db.Emit(KeyEvent::kXAdd, key);
  if (s.Trim(args.trim) > 0) ctx.db.Emit(KeyEvent::kXTrim, key);
}

// XRANGE key start end [COUNT n]  /  XREVRANGE key end start [COUNT n]
void RangeGeneric(CommandContext& ctx, bool reverse) {
  StreamId start, end;
  if (!ParseRangeStart(ctx, ctx.argv[reverse ? 3 : 2], &start)) return;
  if (!ParseRangeEnd(ctx, ctx.argv[reverse ? 2 : 3], &end)) return;
  int64_t count = -1;
  for (size_t j = 4; j < ctx.argv.size(); ++j) {
    if (base::EqualsIgnoreCase(ctx.argv[j], "count") && j + 1 < ctx.argv.size()) {
      if (!base::ParseInt64(ctx.argv[++j], &count)) {
        ctx.Error(kErrNotInteger);
        return;
      }
      if (count < 0) count = 0;
    } else {
      ctx.Error(kErrSyntax);
      return;
    }
  }
  KeyEntry* e =
      ctx.EntryOrReply(store::FindStream(ctx.db, ctx.argv[1]), [&] { ctx.reply.ArrayHeader(0); });
  if (e == nullptr) return;
  if (count == 0) {
    ctx.reply.NullArray();
    return;
  }
  ReplyStreamRange(ctx.reply, store::StreamOf(*e), start, end,
                   count < 0 ? 0 : static_cast<size_t>(count), reverse);
}
void XRangeCommand(CommandContext& ctx) { RangeGeneric(ctx, /*reverse=*/false); }
void XRevRangeCommand(CommandContext& ctx) { RangeGeneric(ctx, /*reverse=*/true); }

// XLEN key
void XLenCommand(CommandContext& ctx) {
  KeyEntry* e =
      ctx.EntryOrReply(store::FindStream(ctx.db, ctx.argv[1]), [&] { ctx.reply.Integer(0); });
  if (e != nullptr) ctx.reply.Integer(static_cast<int64_t>(store::StreamOf(*e).length()));
}

// XDEL key id [id …]: every ID is parsed before anything is deleted.
void XDelCommand(CommandContext& ctx) {
  KeyEntry* e = ctx.EntryOrReply(store::FindStreamForWrite(ctx.db, ctx.argv[1]),
                                 [&] { ctx.reply.Integer(0); });
  if (e == nullptr) return;
  std::vector<StreamId> ids(ctx.argv.size() - 2);
  for (size_t j = 2; j < ctx.argv.size(); ++j) {
    if (!ParseStreamId(ctx, ctx.argv[j], 0, /*strict=*/true, &ids[j - 2])) return;
  }
  Stream& s = store::MutableStreamOf(*e);
  int64_t deleted = 0;
  for (StreamId id : ids) deleted += s.Delete(id) ? 1 : 0;
  if (deleted > 0) ctx.db.Emit(KeyEvent::kXDel, ctx.argv[1]);
  ctx.reply.Integer(deleted);
}

// XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count]
void XTrimCommand(CommandContext& ctx) {
  StreamAddTrimArgs args;
  if (ParseAddTrimArgs(ctx, /*xadd=*/false, &args) < 0) return;
  KeyEntry* e = ctx.EntryOrReply(store::FindStreamForWrite(ctx.db, ctx.argv[1]),
                                 [&] { ctx.reply.Integer(0); });
  if (e == nullptr) return;
  const int64_t deleted = store::MutableStreamOf(*e).Trim(args.trim);
  if (deleted > 0) ctx.db.Emit(KeyEvent::kXTrim, ctx.argv[1]);
  ctx.reply.Integer(deleted);
}

// XSETID key last-id [ENTRIESADDED n] [MAXDELETEDID id]
void XSetIdCommand(CommandContext& ctx) {
  StreamId id, max_deleted;
  if (!ParseStreamId(ctx, ctx.argv[2], 0, /*strict=*/true, &id)) return;
  int64_t entries_added = -1;
  for (size_t i = 3; i < ctx.argv.size(); i += 2) {
    const bool more = i + 1 < ctx.argv.size();
    if (base::EqualsIgnoreCase(ctx.argv[i], "entriesadded") && more) {
      if (!base::ParseInt64(ctx.argv[i + 1], &entries_added)) {
        ctx.Error(kErrNotInteger);
        return;
      }
      if (entries_added < 0) {
        ctx.Error("ERR entries_added must be positive");
        return;
      }
    } else if (base::EqualsIgnoreCase(ctx.argv[i], "maxdeletedid") && more) {
      if (!ParseStreamId(ctx, ctx.argv[i + 1], 0, /*strict=*/true, &max_deleted)) return;
      if (id < max_deleted) {
        ctx.Error(
            "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
        return;
      }
    } else {
      ctx.Error(kErrSyntax);
      return;
    }
  }
  KeyEntry* e = ctx.EntryOrReply(store::FindStreamForWrite(ctx.db, ctx.argv[1]),
                                 [&] { ctx.Error(kErrNoSuchKey); });
  if (e == nullptr) return;
  Stream& s = store::MutableStreamOf(*e);
  // Redis 7.0 does not compare `id` with the stream's current
  // max_deleted_entry_id (7.2 does): an XSETID below it is accepted.
  if (s.length() > 0) {
    if (id < *s.LastLiveId()) {
      ctx.Error("ERR The ID specified in XSETID is smaller than the target stream top item");
      return;
    }
    if (entries_added != -1 && s.length() > static_cast<uint64_t>(entries_added)) {
      ctx.Error(
          "ERR The entries_added specified in XSETID is smaller than the target stream length");
      return;
    }
  }
  s.SetLastId(id);
  if (entries_added != -1) s.SetEntriesAdded(static_cast<uint64_t>(entries_added));
  if (max_deleted != StreamId{}) s.SetMaxDeletedEntryId(max_deleted);
  ctx.reply.Ok();
  ctx.db.Emit(KeyEvent::kXSetId, ctx.argv[1]);
}

constexpr CommandSpec kStreamCommands[] = {
    {.name = "xadd", .handler = &XAddCommand},
    {.name = "xrange", .handler = &XRangeCommand},
    {.name = "xrevrange", .handler = &XRevRangeCommand},
    {.name = "xlen", .handler = &XLenCommand},
    {.name = "xdel", .handler = &XDelCommand},
    {.name = "xtrim", .handler = &XTrimCommand},
    {.name = "xsetid", .handler = &XSetIdCommand},
};

}  // namespace

std::span<const CommandSpec> StreamCommands() { return kStreamCommands; }

}  // namespace respd::server

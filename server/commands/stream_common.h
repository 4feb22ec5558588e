// What the stream families share: Redis 7.0's stream ID argument forms
// (streamGenericParseIDOrReply and friends), the XADD/XTRIM trimming
// options, and the entry reply ([id, [field, value, …]]).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "server/dispatch/command_context.h"
#include "store/encodings/stream_id.h"
#include "store/types/stream.h"

namespace respd::server {

inline constexpr std::string_view kErrInvalidStreamId =
    "ERR Invalid stream ID specified as stream command argument";

// An ID argument: "<ms>-<seq>", "<ms>" (seq `missing_seq`), and unless
// `strict`, "-" and "+" (the smallest and largest IDs). With `seq_given`
// set, "<ms>-*" is accepted too and reported as no sequence given.
// Replies the error (when `reply`) and returns false for anything else.
bool ParseStreamId(CommandContext& ctx, std::string_view arg, uint64_t missing_seq, bool strict,
                   store::StreamId* id, bool* seq_given = nullptr, bool reply = true);
// A range bound: as ParseStreamId (not strict), or "(<id>" for an exclusive
// bound, which it turns inclusive (the next ID up for a start, down for an
// end), replying "ERR invalid start|end ID for the interval" at the edge.
bool ParseRangeStart(CommandContext& ctx, std::string_view arg, store::StreamId* id);
bool ParseRangeEnd(CommandContext& ctx, std::string_view arg, store::StreamId* id);

// XADD's and XTRIM's options (streamParseAddOrTrimArgsOrReply).
struct StreamAddTrimArgs {
  store::StreamTrimSpec trim;
  bool id_given = false;   // XADD: an ID other than "*".
  bool seq_given = false;  // …with its sequence ("5-*" has none).
  store::StreamId id;
  bool no_mkstream = false;
};
// Parses from argv[2]; for XADD returns the position of the ID argument
// (the fields follow it), for XTRIM argc. -1 after replying an error.
int ParseAddTrimArgs(CommandContext& ctx, bool xadd, StreamAddTrimArgs* args);

// "-NOGROUP No such key '<key>' or consumer group '<group>'<suffix>".
void ReplyNoKeyOrGroup(CommandContext& ctx, std::string_view key, std::string_view group,
                       std::string_view suffix = {});
// "-NOGROUP No such consumer group '<group>' for key name '<key>'".
void ReplyNoSuchGroup(CommandContext& ctx, std::string_view key, std::string_view group);

// The group's consumer `name`, created (and its creation notified on `key`)
// if new; either way seen now (Redis's lookup with refresh).
store::StreamConsumer* SeenConsumer(CommandContext& ctx, std::string_view key,
                                    store::StreamGroup& group, std::string_view name);

// An ID as a bulk string.
void ReplyStreamId(protocol::ReplyBuilder& reply, store::StreamId id);
// The iterator's current entry: [id, [field, value, …]].
void ReplyStreamEntry(protocol::ReplyBuilder& reply, const store::StreamIterator& it);
// The entries from `start` to `end` (inclusive), at most `count` (0: all),
// as an array of entries; returns how many.
size_t ReplyStreamRange(protocol::ReplyBuilder& reply, const store::Stream& s,
                        store::StreamId start, store::StreamId end, size_t count, bool reverse);
// `n` entries (at least 1) from `it`, which is at the first of them.
void ReplyStreamEntriesFrom(protocol::ReplyBuilder& reply, store::StreamIterator it, size_t n);

}  // namespace respd::server

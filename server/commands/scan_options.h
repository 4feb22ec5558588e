// The arguments SCAN, HSCAN, SSCAN and ZSCAN share (Redis's
// parseScanCursorOrReply and scanGenericCommand's option loop), parsed in one
// place so the four agree on every error.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "server/dispatch/command_context.h"

namespace respd::server {

// Parses a cursor as Redis's parseScanCursorOrReply (strtoul: an optional
// sign, a '-' wraps around; the empty string is 0). False if invalid.
bool ParseScanCursor(std::string_view s, uint64_t* cursor);

struct ScanOptions {
  int64_t count = 10;
  std::string_view pattern;
  bool use_pattern = false;  // False for no MATCH and for MATCH "*".
  std::string_view type;
  bool use_type = false;
};

// Parses `[MATCH p] [COUNT n] [TYPE t]` from `args` (each may repeat, the
// last wins; TYPE only when `allow_type`, as only SCAN has it). On an error
// replies with Redis's text and returns false.
bool ParseScanOptions(CommandContext& ctx, std::span<const std::string_view> args, bool allow_type,
                      ScanOptions* options);

// The cursor as SCAN replies it: a bulk string of its decimal digits.
void ReplyScanCursor(CommandContext& ctx, uint64_t cursor);
// The whole reply: [cursor, [items...]].
void ReplyScan(CommandContext& ctx, uint64_t cursor, const std::vector<std::string>& items);
// The reply for a missing key: cursor 0 and nothing.
void ReplyEmptyScan(CommandContext& ctx);

// scanGenericCommand's loop: calls step(cursor, &collected) — one scan step
// that adds how many items it produced (before any MATCH filter) and
// returns the next cursor — until COUNT items are collected, the scan ends,
// or ten times COUNT steps pass (a sparse table must not stall the loop).
// Returns the cursor to reply.
template <typename Step>
uint64_t RunScanSteps(uint64_t cursor, int64_t count, Step&& step) {
  size_t collected = 0;
  int64_t steps = count > INT64_MAX / 10 ? count : count * 10;
  do {
    cursor = step(cursor, &collected);
  } while (cursor != 0 && steps-- > 0 && collected < static_cast<uint64_t>(count));
  return cursor;
}

}  // namespace respd::server

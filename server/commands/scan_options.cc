#include "server/commands/scan_options.h"

#include <cctype>
#include <limits>

#include "base/ascii.h"
#include "base/numbers.h"
#include "server/dispatch/errors.h"

namespace respd::server {

bool ParseScanCursor(std::string_view s, uint64_t* cursor) {
  if (!s.empty() && std::isspace(static_cast<unsigned char>(s[0]))) return false;
  s = s.substr(0, s.find('\0'));  // strtoul sees a C string.
  if (s.empty()) {
    *cursor = 0;
    return true;
  }
  size_t i = 0;
  const bool negative = s[0] == '-';
  if (s[0] == '+' || s[0] == '-') ++i;
  if (i == s.size()) return false;  // No digits: strtoul stops at the sign.
  uint64_t v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    const uint64_t digit = static_cast<uint64_t>(s[i] - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - digit) / 10) return false;  // ERANGE
    v = v * 10 + digit;
  }
  *cursor = negative ? 0 - v : v;
  return true;
}

bool ParseScanOptions(CommandContext& ctx, std::span<const std::string_view> args, bool allow_type,
                      ScanOptions* options) {
  for (size_t i = 0; i < args.size(); i += 2) {
    const bool has_value = i + 1 < args.size();
    if (base::EqualsIgnoreCase(args[i], "count") && has_value) {
      if (!base::ParseInt64(args[i + 1], &options->count)) {
        ctx.Error(kErrNotInteger);
        return false;
      }
      if (options->count < 1) {
        ctx.Error(kErrSyntax);
        return false;
      }
    } else if (base::EqualsIgnoreCase(args[i], "match") && has_value) {
      options->pattern = args[i + 1];
      options->use_pattern = options->pattern != "*";  // "*" matches everything, "" included.
    } else if (allow_type && base::EqualsIgnoreCase(args[i], "type") && has_value) {
      options->type = args[i + 1];
      options->use_type = true;
    } else {
      ctx.Error(kErrSyntax);
      return false;
    }
  }
  return true;
}

void ReplyScanCursor(CommandContext& ctx, uint64_t cursor) {
  char digits[base::kInt64Digits];
  ctx.reply.Bulk({digits, base::FormatUint64(cursor, digits)});
}

void ReplyScan(CommandContext& ctx, uint64_t cursor, const std::vector<std::string>& items) {
  ctx.reply.ArrayHeader(2);
  ReplyScanCursor(ctx, cursor);
  ctx.reply.ArrayHeader(items.size());
  for (const std::string& item : items) ctx.reply.Bulk(item);
}

void ReplyEmptyScan(CommandContext& ctx) { ReplyScan(ctx, 0, {}); }

}  // namespace respd::server

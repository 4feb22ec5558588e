// Integer conversions with Redis's exact rules, shared by the parser (bulk and
// multibulk lengths) and by every command that takes or returns a number.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace respd::protocol {

// Parses a base-10 int64 the way Redis's string2ll does: an optional '-', no
// '+', no spaces, no leading zeros ("0" itself is fine, "-0" is not), nothing
// after the digits, and no overflow. Returns false on any violation.
bool ParseInt64(std::string_view s, int64_t* value);

// Like ParseInt64 for unsigned values (string2ull): no sign at all.
bool ParseUint64(std::string_view s, uint64_t* value);

// Enough room for any int64 in base 10, with sign.
inline constexpr size_t kInt64Digits = 20;

// Writes `value` in base 10 to buf (at least kInt64Digits bytes, not
// NUL-terminated) and returns the number of bytes written.
size_t FormatInt64(int64_t value, char* buf);
size_t FormatUint64(uint64_t value, char* buf);

}  // namespace respd::protocol

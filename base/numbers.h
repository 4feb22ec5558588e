// Number conversions with Redis's exact rules (util.c's string2ll,
// string2ull, ll2string, string2ld, ld2string and d2string), shared by the
// parser (bulk and multibulk lengths), the store (integer-encoded strings)
// and every command that takes or returns a number.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace respd::base {

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

// Redis's MAX_LONG_DOUBLE_CHARS: the longest float text it reads, and room
// for any long double in "%.17Lf" (the largest has 4,933 integer digits).
inline constexpr size_t kMaxLongDoubleChars = 5 * 1024;

// Redis's string2ld: the whole of `s` must be a strtold number (decimal, hex,
// "inf"; no leading space, not NaN, no overflow, no underflow to zero).
bool ParseLongDouble(std::string_view s, long double* value);

// Redis's getDoubleFromObject (ZADD scores, ZINCRBY): the whole of `s` must
// be a strtod number ("inf" too); no leading space, not NaN, no overflow to
// ±HUGE_VAL, no underflow to zero.
bool ParseDouble(std::string_view s, double* value);

// Redis's ld2string in human mode (INCRBYFLOAT, HINCRBYFLOAT): "%.17Lf" with
// trailing zeros and a bare point trimmed, "-0" written "0". `value` must be
// finite; `buf` holds kMaxLongDoubleChars. Returns the length.
size_t FormatLongDouble(long double value, char* buf);

// Enough room for any FormatDouble result ("%.17g" is at most 24 bytes).
inline constexpr size_t kMaxDoubleChars = 32;

// Redis 7.0's d2string (sorted-set scores, INFO): "nan", "inf", "-inf",
// "0" or "-0"; an integral value of magnitude below 2^52 as an integer;
// anything else as "%.17g". Writes to buf (kMaxDoubleChars), returns the
// length.
size_t FormatDouble(double value, char* buf);

}  // namespace respd::base

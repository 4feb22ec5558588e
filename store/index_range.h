// Redis's rules for a start..end pair of indexes into a sequence of
// `length` elements (LRANGE, LTRIM, ZRANGE, ZREMRANGEBYRANK, …): negative
// indexes count from the end, start clamps at 0 and end at length - 1.
#pragma once

#include <cstdint>

namespace respd::store {

// False when the range is empty (start past end, or past the last element).
inline bool ClampIndexRange(int64_t length, int64_t* start, int64_t* end) {
  if (*start < 0) *start += length;
  if (*end < 0) *end += length;
  if (*start < 0) *start = 0;
  if (*start > *end || *start >= length) return false;
  if (*end >= length) *end = length - 1;
  return true;
}

}  // namespace respd::store

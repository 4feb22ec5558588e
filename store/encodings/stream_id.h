// A stream entry ID: <milliseconds>-<sequence>, two unsigned 64-bit halves
// ordered as a pair (Redis's streamID). Knows its text form ("1526919030474-55")
// and its 16-byte big-endian form (the key of a stream node, in memory and in
// RDB files), nothing of streams.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace respd::store {

struct StreamId {
  uint64_t ms = 0;
  uint64_t seq = 0;

  friend constexpr auto operator<=>(const StreamId&, const StreamId&) = default;

  static constexpr StreamId Min() { return {0, 0}; }
  static constexpr StreamId Max() { return {UINT64_MAX, UINT64_MAX}; }

  // The next ID up (seq, then ms); false, and unchanged, at Max().
  bool Increment();
  // The next ID down; false, and unchanged, at Min().
  bool Decrement();

  // "<ms>-<seq>", at most kMaxChars bytes into `buf`; returns the length.
  static constexpr size_t kMaxChars = 41;
  size_t Format(char* buf) const;
  std::string ToString() const;

  // Parses "<ms>-<seq>" or "<ms>" (seq then `missing_seq`), both halves
  // plain unsigned decimals as Redis's string2ull reads them. False for
  // anything else ("-", "+", "*", "1-", "a-1", …): the callers decide what
  // those mean.
  static bool Parse(std::string_view s, uint64_t missing_seq, StreamId* id);

  // The 16-byte big-endian form: bytes compare as IDs do.
  static constexpr size_t kEncodedSize = 16;
  void Encode(uint8_t* out) const;
  static StreamId Decode(const uint8_t* in);
};

}  // namespace respd::store

// Bit operations on byte strings, as Redis's bitops.c defines them: bit 0
// is the most significant bit of byte 0. Pure functions over bytes, shared
// by the bitmap commands (SETBIT … BITFIELD) and, later, HyperLogLog.
#pragma once

#include <cstddef>
#include <cstdint>

namespace respd::store::bitops {

// Set bits in p[0, n): the popcnt instruction when the CPU has it (checked
// once), a table otherwise; four accumulators keep the pipeline full.
uint64_t PopCount(const uint8_t* p, size_t n);

// The first bit equal to `bit` (0 or 1) in bits [from, to] (inclusive,
// absolute positions) of p, or -1.
int64_t FindBit(const uint8_t* p, uint64_t from, uint64_t to, int bit);

// The bit at `offset` (0 past the end of n bytes).
inline int GetBit(const uint8_t* p, size_t n, uint64_t offset) {
  const uint64_t byte = offset >> 3;
  if (byte >= n) return 0;
  return (p[byte] >> (7 - (offset & 7))) & 1;
}
// Sets the bit at `offset`, which must be inside the bytes; returns the old bit.
inline int SetBit(uint8_t* p, uint64_t offset, int value) {
  uint8_t& b = p[offset >> 3];
  const uint8_t mask = static_cast<uint8_t>(1u << (7 - (offset & 7)));
  const int old = (b & mask) != 0;
  b = static_cast<uint8_t>(value ? (b | mask) : (b & ~mask));
  return old;
}

// BITFIELD's unsigned and signed reads and writes of `bits` bits (1..64) at
// bit `offset`, big-endian as Redis (bits past n read as 0; writes must be
// inside the bytes).
uint64_t GetUnsigned(const uint8_t* p, size_t n, uint64_t offset, int bits);
int64_t GetSigned(const uint8_t* p, size_t n, uint64_t offset, int bits);
void SetField(uint8_t* p, uint64_t offset, int bits, uint64_t value);

// BITOP over `count` sources (missing ones are empty), into `out` of the
// longest source's length (zero-padding the shorter ones).
enum class BitOp : uint8_t { kAnd, kOr, kXor, kNot };
void Combine(BitOp op, const uint8_t* const* sources, const size_t* lengths, size_t count,
             uint8_t* out, size_t out_len);

}  // namespace respd::store::bitops

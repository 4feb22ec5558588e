// HyperLogLog in Redis 7.0's exact representation (hyperloglog.c's
// format), so PFCOUNT gives Redis's numbers for the same inputs and a key
// moves between respd and Redis as it is:
//
//   "HYLL" | encoding (0 dense, 1 sparse) | 3 unused bytes |
//   8-byte little-endian cached cardinality (its top bit set: stale) |
//   registers
//
// Dense: 16384 six-bit registers packed little-endian (12,288 bytes).
// Sparse: run-length opcodes — ZERO 00xxxxxx (1..64 zero registers), XZERO
// 01xxxxxx yyyyyyyy (1..16384), VAL 1vvvvvxx (1..4 registers of value
// 1..32) — updated in place by the same splits and merges as Redis's
// hllSparseSet, so the bytes are Redis's too; past hll-sparse-max-bytes or a
// value above 32 the HLL becomes dense. Elements are hashed with
// MurmurHash64A (seed 0xadc83b19), 14 bits for the register, the rest for
// the run of zeros; cardinality is Ertl's estimator, as Redis 5+.
//
// Values are the bytes of a string key, hostile until checked: LooksValid
// is Redis's isHLLObjectOrReply; a sparse HLL whose runs do not cover
// exactly 16384 registers is reported corrupt (never read out of bounds).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace respd::store::hll {

inline constexpr int kRegisters = 16384;
inline constexpr size_t kHeaderSize = 16;
inline constexpr size_t kDenseSize = kHeaderSize + (kRegisters * 6 + 7) / 8;
inline constexpr uint8_t kDense = 0;
inline constexpr uint8_t kSparse = 1;

// A new, empty HLL (sparse: one XZERO covering every register).
std::string New();
// The header checks of isHLLObjectOrReply: magic, a known encoding, and a
// dense HLL's exact size.
bool LooksValid(std::string_view hll);
inline uint8_t EncodingOf(std::string_view hll) { return static_cast<uint8_t>(hll[4]); }

// hllAdd: 1 if a register changed, 0 if not, -1 if the HLL is corrupt.
int Add(std::string& hll, std::string_view element, size_t sparse_max_bytes);
// Add for a dense HLL in place (its kDenseSize bytes at `hll`): PFADD's
// common case without copying the 12 KiB. Returns 1 if a register changed
// (the cache is then invalidated), else 0.
int AddToDense(char* hll, std::string_view element);
// hllSet for one register (PFMERGE's writes): as Add.
int SetRegister(std::string& hll, int index, uint8_t count, size_t sparse_max_bytes);

// The cached cardinality, if valid.
bool CachedCount(std::string_view hll, uint64_t* card);
void SetCachedCount(std::string& hll, uint64_t card);
void InvalidateCache(std::string& hll);
// hllCount from the registers; false if corrupt.
bool Count(std::string_view hll, uint64_t* card);
// hllMerge: max[i] = MAX(max[i], register i); false if corrupt.
bool MergeInto(std::string_view hll, uint8_t* max);
// The cardinality of raw registers (one byte each; PFCOUNT of several keys).
uint64_t CountRaw(const uint8_t* registers);

// hllSparseToDense (a dense HLL is left alone); false if corrupt.
bool ToDense(std::string& hll);
// A dense HLL's register.
int DenseRegister(std::string_view hll, int index);
// PFDEBUG DECODE's text for a sparse HLL ("Z:16384", "z:3 v:2,1 …").
std::string Decode(std::string_view hll);

// MurmurHash64A as Redis uses it (little-endian blocks).
uint64_t MurmurHash64A(std::string_view key, uint64_t seed);

}  // namespace respd::store::hll

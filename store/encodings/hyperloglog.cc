#include "store/encodings/hyperloglog.h"

#include <cmath>
#include <cstring>

namespace respd::store::hll {
namespace {

constexpr int kP = 14;
constexpr int kQ = 64 - kP;
constexpr uint64_t kPMask = kRegisters - 1;
constexpr int kBits = 6;
constexpr uint8_t kRegisterMax = 63;
constexpr int kValMaxValue = 32;
constexpr int kValMaxLen = 4;
constexpr int kZeroMaxLen = 64;
constexpr uint64_t kSeed = 0xadc83b19ULL;
constexpr double kAlphaInf = 0.721347520444481703680;  // 0.5 / ln(2)

// Sparse opcodes.
bool IsZero(uint8_t b) { return (b & 0xc0) == 0; }
bool IsXZero(uint8_t b) { return (b & 0xc0) == 0x40; }
bool IsVal(uint8_t b) { return (b & 0x80) != 0; }
int ZeroLen(uint8_t b) { return (b & 0x3f) + 1; }
int XZeroLen(uint8_t b0, uint8_t b1) { return (((b0 & 0x3f) << 8) | b1) + 1; }
int ValValue(uint8_t b) { return ((b >> 2) & 0x1f) + 1; }
int ValLen(uint8_t b) { return (b & 0x3) + 1; }
uint8_t ValOp(int value, int len) {
  return static_cast<uint8_t>(((value - 1) << 2 | (len - 1)) | 0x80);
}
uint8_t ZeroOp(int len) { return static_cast<uint8_t>(len - 1); }
void XZeroOp(uint8_t* p, int len) {
  const int l = len - 1;
  p[0] = static_cast<uint8_t>((l >> 8) | 0x40);
  p[1] = static_cast<uint8_t>(l & 0xff);
}

// An XZERO's second byte. A value cut after the first reads 0 there, as
// Redis reads its sds terminator: corrupt input behaves as it does in Redis,
// without reading outside the value.
uint8_t SecondByte(const uint8_t* b, size_t p, size_t end) { return p + 1 < end ? b[p + 1] : 0; }

uint8_t* Bytes(std::string& s) { return reinterpret_cast<uint8_t*>(s.data()); }
const uint8_t* Bytes(std::string_view s) { return reinterpret_cast<const uint8_t*>(s.data()); }

// Dense registers. The second byte of the last register is past the end
// (Redis reads its sds terminator there): treated as 0 and never written.
int GetDense(const uint8_t* regs, size_t size, int index) {
  const size_t byte = static_cast<size_t>(index) * kBits / 8;
  const unsigned fb = static_cast<unsigned>(index) * kBits & 7;
  const unsigned b0 = regs[byte];
  const unsigned b1 = byte + 1 < size ? regs[byte + 1] : 0;
  return static_cast<int>(((b0 >> fb) | (b1 << (8 - fb))) & kRegisterMax);
}
void SetDense(uint8_t* regs, size_t size, int index, unsigned value) {
  const size_t byte = static_cast<size_t>(index) * kBits / 8;
  const unsigned fb = static_cast<unsigned>(index) * kBits & 7;
  const unsigned fb8 = 8 - fb;
  regs[byte] = static_cast<uint8_t>((regs[byte] & ~(kRegisterMax << fb)) | (value << fb));
  if (byte + 1 < size) {
    regs[byte + 1] =
        static_cast<uint8_t>((regs[byte + 1] & ~(kRegisterMax >> fb8)) | (value >> fb8));
  }
}
constexpr size_t kDenseRegisterBytes = kDenseSize - kHeaderSize;

// hllPatLen: the register an element lands in, and its run length.
int PatternLength(std::string_view element, int* reg) {
  uint64_t hash = MurmurHash64A(element, kSeed);
  *reg = static_cast<int>(hash & kPMask);
  hash >>= kP;
  hash |= uint64_t{1} << kQ;  // The loop ends, with count <= Q + 1.
  uint64_t bit = 1;
  int count = 1;
  while ((hash & bit) == 0) {
    ++count;
    bit <<= 1;
  }
  return count;
}

int DenseSet(std::string& hll, int index, uint8_t count) {
  uint8_t* regs = Bytes(hll) + kHeaderSize;
  if (count <= GetDense(regs, kDenseRegisterBytes, index)) return 0;
  SetDense(regs, kDenseRegisterBytes, index, count);
  return 1;
}

// hllSparseSet, step for step (the same splits and merges, so the same
// bytes). -1 if the sparse HLL is corrupt.
int SparseSet(std::string& hll, int index, uint8_t count, size_t sparse_max_bytes) {
  if (count > kValMaxValue) {
    if (!ToDense(hll)) return -1;
    return DenseSet(hll, index, count);
  }
  // Step 1: the opcode covering `index`.
  size_t p = kHeaderSize;
  size_t end = hll.size();
  size_t prev = 0;  // 0: none.
  bool has_prev = false;
  int64_t first = 0;
  int64_t span = 0;
  const uint8_t* b = Bytes(hll);
  while (p < end) {
    size_t oplen = 1;
    if (IsZero(b[p])) {
      span = ZeroLen(b[p]);
    } else if (IsVal(b[p])) {
      span = ValLen(b[p]);
    } else {
      span = XZeroLen(b[p], SecondByte(b, p, end));
      oplen = 2;
    }
    if (index <= first + span - 1) break;
    prev = p;
    has_prev = true;
    p += oplen;
    first += span;
  }
  if (span == 0 || p >= end) return -1;
  const bool is_zero = IsZero(b[p]);
  const bool is_xzero = IsXZero(b[p]);
  const bool is_val = IsVal(b[p]);
  const int64_t runlen = is_zero    ? ZeroLen(b[p])
                         : is_xzero ? XZeroLen(b[p], SecondByte(b, p, end))
                                    : ValLen(b[p]);

  // Step 2: the trivial cases in place, else a split into up to 5 bytes.
  bool updated = false;
  if (is_val) {
    if (ValValue(b[p]) >= count) return 0;  // Case A.
    if (runlen == 1) {                      // Case B.
      hll[p] = static_cast<char>(ValOp(count, 1));
      updated = true;
    }
  }
  if (!updated && is_zero && runlen == 1) {  // Case C.
    hll[p] = static_cast<char>(ValOp(count, 1));
    updated = true;
  }
  if (!updated) {
    uint8_t seq[5];
    uint8_t* n = seq;
    const int64_t last = first + span - 1;
    if (is_zero || is_xzero) {
      const auto zeros = [&n](int64_t len) {
        if (len > kZeroMaxLen) {
          XZeroOp(n, static_cast<int>(len));
          n += 2;
        } else {
          *n++ = ZeroOp(static_cast<int>(len));
        }
      };
      if (index != first) zeros(index - first);
      *n++ = ValOp(count, 1);
      if (index != last) zeros(last - index);
    } else {
      const int current = ValValue(b[p]);
      if (index != first) *n++ = ValOp(current, static_cast<int>(index - first));
      *n++ = ValOp(count, 1);
      if (index != last) *n++ = ValOp(current, static_cast<int>(last - index));
    }
    // Step 3: put the sequence in place of the opcode.
    const size_t seqlen = static_cast<size_t>(n - seq);
    const size_t oldlen = is_xzero ? 2 : 1;
    if (seqlen > oldlen && hll.size() + (seqlen - oldlen) > sparse_max_bytes) {
      if (!ToDense(hll)) return -1;
      return DenseSet(hll, index, count);
    }
    // Redis grows the value by the difference and writes the sequence at
    // the opcode: an XZERO cut short (a corrupt value) loses the last byte.
    const size_t new_size = hll.size() + seqlen - oldlen;
    hll.replace(p, oldlen, reinterpret_cast<const char*>(seq), seqlen);
    hll.resize(new_size);
    end = hll.size();
  }

  // Step 4: merge adjacent VAL opcodes of the same value, scanning up to
  // five opcodes from the previous one.
  size_t q = has_prev ? prev : kHeaderSize;
  int scanlen = 5;
  while (q < end && scanlen-- > 0) {
    const uint8_t op = static_cast<uint8_t>(hll[q]);
    if (IsXZero(op)) {
      q += 2;
      continue;
    }
    if (IsZero(op)) {
      ++q;
      continue;
    }
    if (q + 1 < end && IsVal(static_cast<uint8_t>(hll[q + 1]))) {
      const uint8_t next = static_cast<uint8_t>(hll[q + 1]);
      if (ValValue(op) == ValValue(next)) {
        const int len = ValLen(op) + ValLen(next);
        if (len <= kValMaxLen) {
          hll[q + 1] = static_cast<char>(ValOp(ValValue(op), len));
          hll.erase(q, 1);
          --end;
          continue;  // The merged opcode may merge again.
        }
      }
    }
    ++q;
  }
  InvalidateCache(hll);
  return 1;
}

// Ertl's sigma and tau (hllSigma, hllTau).
double Sigma(double x) {
  if (x == 1.) return INFINITY;
  double z_prime;
  double y = 1;
  double z = x;
  do {
    x *= x;
    z_prime = z;
    z += x * y;
    y += y;
  } while (z_prime != z);
  return z;
}

double Tau(double x) {
  if (x == 0. || x == 1.) return 0.;
  double z_prime;
  double y = 1.0;
  double z = 1 - x;
  do {
    x = std::sqrt(x);
    z_prime = z;
    y *= 0.5;
    z -= std::pow(1 - x, 2) * y;
  } while (z_prime != z);
  return z / 3;
}

uint64_t Estimate(const int* histogram) {
  const double m = kRegisters;
  double z = m * Tau((m - histogram[kQ + 1]) / m);
  for (int j = kQ; j >= 1; --j) {
    z += histogram[j];
    z *= 0.5;
  }
  z += m * Sigma(histogram[0] / m);
  return static_cast<uint64_t>(std::llroundl(static_cast<long double>(kAlphaInf * m * m / z)));
}

// Walks a sparse HLL's runs: fn(first register, run length, value) for
// each; false if the runs are malformed or do not cover every register.
template <typename Fn>
bool ForEachRun(std::string_view hll, Fn&& fn) {
  const uint8_t* b = Bytes(hll);
  size_t p = kHeaderSize;
  const size_t end = hll.size();
  int64_t idx = 0;
  while (p < end) {
    int runlen, value = 0;
    if (IsZero(b[p])) {
      runlen = ZeroLen(b[p]);
      ++p;
    } else if (IsXZero(b[p])) {
      runlen = XZeroLen(b[p], SecondByte(b, p, end));
      p += 2;
    } else {
      runlen = ValLen(b[p]);
      value = ValValue(b[p]);
      ++p;
    }
    if (idx + runlen > kRegisters) return false;
    fn(static_cast<int>(idx), runlen, value);
    idx += runlen;
  }
  return idx == kRegisters;
}

}  // namespace

uint64_t MurmurHash64A(std::string_view key, uint64_t seed) {
  const uint64_t m = 0xc6a4a7935bd1e995ULL;
  const int r = 47;
  const size_t len = key.size();
  uint64_t h = seed ^ (static_cast<uint64_t>(static_cast<int>(len)) * m);
  const auto* data = reinterpret_cast<const uint8_t*>(key.data());
  const uint8_t* end = data + (len - (len & 7));
  while (data != end) {
    uint64_t k;
    std::memcpy(&k, data, 8);  // Little-endian hosts, as Redis on x86.
    k *= m;
    k ^= k >> r;
    k *= m;
    h ^= k;
    h *= m;
    data += 8;
  }
  switch (len & 7) {
    case 7:
      h ^= static_cast<uint64_t>(data[6]) << 48;
      [[fallthrough]];
    case 6:
      h ^= static_cast<uint64_t>(data[5]) << 40;
      [[fallthrough]];
    case 5:
      h ^= static_cast<uint64_t>(data[4]) << 32;
      [[fallthrough]];
    case 4:
      h ^= static_cast<uint64_t>(data[3]) << 24;
      [[fallthrough]];
    case 3:
      h ^= static_cast<uint64_t>(data[2]) << 16;
      [[fallthrough]];
    case 2:
      h ^= static_cast<uint64_t>(data[1]) << 8;
      [[fallthrough]];
    case 1:
      h ^= static_cast<uint64_t>(data[0]);
      h *= m;
  }
  h ^= h >> r;
  h *= m;
  h ^= h >> r;
  return h;
}

std::string New() {
  std::string hll(kHeaderSize + 2, '\0');
  std::memcpy(hll.data(), "HYLL", 4);
  hll[4] = static_cast<char>(kSparse);
  XZeroOp(Bytes(hll) + kHeaderSize, kRegisters);
  return hll;
}

bool LooksValid(std::string_view hll) {
  if (hll.size() < kHeaderSize || hll.substr(0, 4) != "HYLL") return false;
  const uint8_t encoding = EncodingOf(hll);
  if (encoding > kSparse) return false;
  return encoding != kDense || hll.size() == kDenseSize;
}

int SetRegister(std::string& hll, int index, uint8_t count, size_t sparse_max_bytes) {
  if (EncodingOf(hll) == kDense) return DenseSet(hll, index, count);
  return SparseSet(hll, index, count, sparse_max_bytes);
}

int Add(std::string& hll, std::string_view element, size_t sparse_max_bytes) {
  int index;
  const int count = PatternLength(element, &index);
  return SetRegister(hll, index, static_cast<uint8_t>(count), sparse_max_bytes);
}

int AddToDense(char* hll, std::string_view element) {
  int index;
  const auto count = static_cast<unsigned>(PatternLength(element, &index));
  auto* regs = reinterpret_cast<uint8_t*>(hll) + kHeaderSize;
  if (count <= static_cast<unsigned>(GetDense(regs, kDenseRegisterBytes, index))) return 0;
  SetDense(regs, kDenseRegisterBytes, index, count);
  hll[15] = static_cast<char>(hll[15] | 0x80);
  return 1;
}

bool CachedCount(std::string_view hll, uint64_t* card) {
  const uint8_t* c = Bytes(hll) + 8;
  if (c[7] & 0x80) return false;
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | c[i];
  *card = v;
  return true;
}

void SetCachedCount(std::string& hll, uint64_t card) {
  for (int i = 0; i < 8; ++i) hll[8 + i] = static_cast<char>((card >> (8 * i)) & 0xff);
}

void InvalidateCache(std::string& hll) { hll[15] = static_cast<char>(hll[15] | 0x80); }

bool Count(std::string_view hll, uint64_t* card) {
  int histogram[64] = {0};
  if (EncodingOf(hll) == kDense) {
    const uint8_t* regs = Bytes(hll) + kHeaderSize;
    for (int i = 0; i < kRegisters; ++i) ++histogram[GetDense(regs, kDenseRegisterBytes, i)];
  } else if (!ForEachRun(hll, [&](int, int runlen, int value) { histogram[value] += runlen; })) {
    return false;
  }
  *card = Estimate(histogram);
  return true;
}

uint64_t CountRaw(const uint8_t* registers) {
  int histogram[64] = {0};
  for (int i = 0; i < kRegisters; ++i) ++histogram[registers[i] & 63];
  return Estimate(histogram);
}

bool MergeInto(std::string_view hll, uint8_t* max) {
  if (EncodingOf(hll) == kDense) {
    const uint8_t* regs = Bytes(hll) + kHeaderSize;
    for (int i = 0; i < kRegisters; ++i) {
      const auto v = static_cast<uint8_t>(GetDense(regs, kDenseRegisterBytes, i));
      if (v > max[i]) max[i] = v;
    }
    return true;
  }
  return ForEachRun(hll, [&](int first, int runlen, int value) {
    for (int i = first; i < first + runlen; ++i) {
      if (value > max[i]) max[i] = static_cast<uint8_t>(value);
    }
  });
}

bool ToDense(std::string& hll) {
  if (EncodingOf(hll) == kDense) return true;
  std::string dense(kDenseSize, '\0');
  std::memcpy(dense.data(), hll.data(), kHeaderSize);  // Magic and cached cardinality.
  dense[4] = static_cast<char>(kDense);
  uint8_t* regs = Bytes(dense) + kHeaderSize;
  const bool ok = ForEachRun(hll, [&](int first, int runlen, int value) {
    if (value == 0) return;
    for (int i = first; i < first + runlen; ++i) {
      SetDense(regs, kDenseRegisterBytes, i, static_cast<unsigned>(value));
    }
  });
  if (!ok) return false;
  hll = std::move(dense);
  return true;
}

int DenseRegister(std::string_view hll, int index) {
  return GetDense(Bytes(hll) + kHeaderSize, kDenseRegisterBytes, index);
}

std::string Decode(std::string_view hll) {
  std::string out;
  const uint8_t* b = Bytes(hll);
  for (size_t p = kHeaderSize; p < hll.size();) {
    if (IsZero(b[p])) {
      out += "z:" + std::to_string(ZeroLen(b[p])) + " ";
      ++p;
    } else if (IsXZero(b[p])) {
      out += "Z:" + std::to_string(XZeroLen(b[p], SecondByte(b, p, hll.size()))) + " ";
      p += 2;
    } else {
      out += "v:" + std::to_string(ValValue(b[p])) + "," + std::to_string(ValLen(b[p])) + " ";
      ++p;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace respd::store::hll

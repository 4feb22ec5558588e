// The HyperLogLog representation on its own: an empty HLL's bytes, the
// sparse form turning dense, both forms counting alike, merges taking
// register maxima, corrupt sparse runs reported, never read past. The
// byte-for-byte agreement with Redis is the compat corpus's
// (hyperloglog.txt) and the differential test's.
#include "store/encodings/hyperloglog.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace respd::store::hll {
namespace {

TEST(HyperLogLog, EmptyIsOneXZeroRun) {
  const std::string h = New();
  EXPECT_EQ(h, std::string("HYLL\x01\0\0\0\0\0\0\0\0\0\0\0\x7f\xff", 18));
  EXPECT_TRUE(LooksValid(h));
  uint64_t card = 1;
  EXPECT_TRUE(CachedCount(h, &card));
  EXPECT_EQ(card, 0u);
  EXPECT_TRUE(Count(h, &card));
  EXPECT_EQ(card, 0u);
  EXPECT_EQ(Decode(h), "Z:16384");
}

TEST(HyperLogLog, SparseAndDenseCountAlikeAndMerge) {
  std::string sparse = New();
  std::string dense = New();
  ASSERT_TRUE(ToDense(dense));
  EXPECT_EQ(dense.size(), kDenseSize);
  for (int i = 0; i < 20000; ++i) {
    const std::string e = "element:" + std::to_string(i);
    ASSERT_GE(Add(sparse, e, 3000), 0);
    ASSERT_GE(Add(dense, e, 3000), 0);
    if (i == 100) {
      EXPECT_EQ(EncodingOf(sparse), kSparse);
      uint64_t a, b;
      ASSERT_TRUE(Count(sparse, &a));
      ASSERT_TRUE(Count(dense, &b));
      EXPECT_EQ(a, b);
      EXPECT_NEAR(static_cast<double>(a), 101, 5);
    }
  }
  EXPECT_EQ(EncodingOf(sparse), kDense) << "past hll-sparse-max-bytes";
  EXPECT_EQ(sparse.substr(kHeaderSize), dense.substr(kHeaderSize));
  uint64_t card;
  ASSERT_TRUE(Count(dense, &card));
  EXPECT_NEAR(static_cast<double>(card), 20000, 20000 * 0.05);

  std::vector<uint8_t> max(kRegisters, 0);
  ASSERT_TRUE(MergeInto(dense, max.data()));
  EXPECT_EQ(CountRaw(max.data()), card);
  for (int j = 0; j < kRegisters; ++j)
    EXPECT_EQ(max[static_cast<size_t>(j)], DenseRegister(dense, j));
}

TEST(HyperLogLog, CacheIsValidUntilInvalidated) {
  std::string h = New();
  SetCachedCount(h, 0x0102030405060708ULL);
  uint64_t card;
  ASSERT_TRUE(CachedCount(h, &card));
  EXPECT_EQ(card, 0x0102030405060708ULL);
  InvalidateCache(h);
  EXPECT_FALSE(CachedCount(h, &card));
}

TEST(HyperLogLog, CorruptSparseRunsAreReported) {
  std::string h = New();
  h.back() = '\xfe';  // XZERO of 16383: one register uncovered.
  uint64_t card;
  EXPECT_FALSE(Count(h, &card));
  std::vector<uint8_t> max(kRegisters, 0);
  EXPECT_FALSE(MergeInto(h, max.data()));
  std::string over = New();
  over += '\x80';  // A VAL past the last register.
  EXPECT_FALSE(Count(over, &card));
  EXPECT_FALSE(ToDense(over));
  std::string cut = New();
  cut.pop_back();  // An XZERO without its second byte.
  EXPECT_FALSE(Count(cut, &card));
  EXPECT_FALSE(LooksValid("HYLL"));
  EXPECT_FALSE(
      LooksValid(std::string("HYLL\x00", 5) + std::string(11, '\0')));  // Dense, wrong size.
  EXPECT_FALSE(
      LooksValid(std::string("HYLL\x02", 5) + std::string(13, '\0')));  // Unknown encoding.
}

// Redis's own bytes for hashed elements are the corpus's business; here:
// every tail length (0..7 bytes after the 8-byte blocks) reaches the hash.
TEST(HyperLogLog, MurmurHash64AHashesEveryTailLength) {
  EXPECT_NE(MurmurHash64A("a", 0xadc83b19ULL), MurmurHash64A("b", 0xadc83b19ULL));
  std::vector<uint64_t> seen;
  for (size_t n = 0; n < 17; ++n) {
    const uint64_t h = MurmurHash64A(std::string(n, 'x'), 0xadc83b19ULL);
    for (uint64_t s : seen) EXPECT_NE(h, s) << n;
    seen.push_back(h);
  }
}

}  // namespace
}  // namespace respd::store::hll

// ByteBuffer against a std::string model: every resize keeps the prefix,
// greedy growth reallocates O(log n) times, and a non-greedy shrink gives
// room back.
#include "store/encodings/byte_buffer.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>

namespace respd::store {
namespace {

TEST(ByteBuffer, HoldsBinaryBytes) {
  const std::string bytes(
      "\0\r\n\xff"
      "abc",
      7);
  ByteBuffer* b = ByteBuffer::Create(bytes);
  EXPECT_EQ(b->view(), bytes);
  EXPECT_EQ(b->size(), 7u);
  EXPECT_GE(b->capacity(), 7u);
  ByteBuffer::Destroy(b);
  ByteBuffer* empty = ByteBuffer::Create({});
  EXPECT_EQ(empty->size(), 0u);
  EXPECT_EQ(empty->view(), "");
  ByteBuffer::Destroy(empty);
}

TEST(ByteBuffer, RandomResizesMatchAStringModel) {
  std::mt19937_64 rng(7);
  std::string model = "seed";
  ByteBuffer* b = ByteBuffer::Create(model);
  for (int step = 0; step < 2000; ++step) {
    const bool greedy = rng() % 2 == 0;
    const size_t len = rng() % 4 == 0 ? rng() % 50000 : model.size() + rng() % 300;
    b = ByteBuffer::Resize(b, len, greedy);
    const size_t keep = std::min(model.size(), len);
    model.resize(len);
    ASSERT_EQ(b->view().substr(0, keep), std::string_view(model).substr(0, keep));
    // Fill the new tail as a caller would.
    for (size_t i = keep; i < len; ++i) model[i] = static_cast<char>('a' + (i + step) % 26);
    if (len > keep) std::memcpy(b->data() + keep, model.data() + keep, len - keep);
    ASSERT_EQ(b->view(), model);
    ASSERT_GE(b->capacity(), b->size());
  }
  ByteBuffer::Destroy(b);
}

TEST(ByteBuffer, GreedyGrowthReallocatesLogarithmically) {
  ByteBuffer* b = ByteBuffer::Create("x");
  size_t moves = 0;
  const void* last = b;
  for (size_t len = 2; len <= 200000; ++len) {
    b = ByteBuffer::Resize(b, len, /*greedy=*/true);
    b->data()[len - 1] = 'y';
    if (b != last) ++moves;
    last = b;
  }
  // Doubling to 1 MiB: about log2(200000) reallocations, not 200000.
  EXPECT_LT(moves, 40u);
  ByteBuffer::Destroy(b);
}

TEST(ByteBuffer, NonGreedyShrinkReleasesRoom) {
  ByteBuffer* b = ByteBuffer::Create(std::string(100000, 'z'));
  b = ByteBuffer::Resize(b, 10, /*greedy=*/false);
  EXPECT_EQ(b->view(), std::string(10, 'z'));
  EXPECT_LT(b->capacity(), 1000u);
  ByteBuffer::Destroy(b);
}

}  // namespace
}  // namespace respd::store

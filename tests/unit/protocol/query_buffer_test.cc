#include "protocol/query_buffer.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>

namespace respd::protocol {
namespace {

std::string Pattern(size_t n, size_t seed) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 37 + seed * 101 + i / 253) & 0xff);
  return s;
}

// Writes `bytes` the way a read() would: PrepareWrite, copy, Commit.
void Write(QueryBuffer* q, std::string_view bytes) {
  char* dst = q->PrepareWrite(bytes.size());
  ASSERT_GE(q->free_tail(), bytes.size());
  if (!bytes.empty()) std::memcpy(dst, bytes.data(), bytes.size());
  q->Commit(bytes.size());
}

TEST(QueryBuffer, StartsEmptyWithoutStorage) {
  QueryBuffer q;
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.size(), 0u);
  EXPECT_EQ(q.capacity(), 0u);
  EXPECT_EQ(q.data(), "");
}

TEST(QueryBuffer, CommitExposesWrittenBytes) {
  QueryBuffer q;
  char* dst = q.PrepareWrite(100);
  EXPECT_GE(q.capacity(), 100u);
  EXPECT_GE(q.free_tail(), 100u);
  std::memcpy(dst, "hello", 5);
  q.Commit(5);  // Fewer bytes than prepared, as a short read gives.
  EXPECT_EQ(q.data(), "hello");
  EXPECT_EQ(q.size(), 5u);
  EXPECT_FALSE(q.empty());
  // The next write lands right after, without moving anything.
  const size_t capacity = q.capacity();
  EXPECT_EQ(q.PrepareWrite(10), q.data().data() + 5);
  EXPECT_EQ(q.capacity(), capacity);
}

TEST(QueryBuffer, ConsumeKeepsViewsOfTheRestValid) {
  QueryBuffer q;
  Write(&q, "GET a\r\nGET b\r\n");
  const char* second = q.data().data() + 7;
  q.Consume(7);
  EXPECT_EQ(q.data(), "GET b\r\n");
  EXPECT_EQ(q.data().data(), second);  // Consuming moves no bytes.
}

TEST(QueryBuffer, ConsumingEverythingRewindsToTheFront) {
  QueryBuffer q;
  Write(&q, "abc");
  const size_t capacity = q.capacity();
  q.Consume(3);
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.free_tail(), capacity);
  Write(&q, "xyz");
  EXPECT_EQ(q.data(), "xyz");
}

TEST(QueryBuffer, SlidesUnreadBytesToTheFrontWhenThereIsRoom) {
  QueryBuffer q;
  q.PrepareWrite(1000);
  const size_t capacity = q.capacity();
  const std::string all = Pattern(capacity, 1);
  Write(&q, all);
  EXPECT_EQ(q.free_tail(), 0u);
  q.Consume(capacity - 10);
  char* dst = q.PrepareWrite(20);
  EXPECT_EQ(q.capacity(), capacity);  // Compacted, not grown.
  EXPECT_EQ(q.data(), all.substr(capacity - 10));
  EXPECT_EQ(dst, q.data().data() + 10);
  std::memcpy(dst, "0123456789abcdefghij", 20);
  q.Commit(20);
  EXPECT_EQ(q.data(), all.substr(capacity - 10) + "0123456789abcdefghij");
}

TEST(QueryBuffer, GrowsKeepingUnreadBytes) {
  QueryBuffer q;
  const std::string a = Pattern(1000, 2);
  Write(&q, a);
  q.Consume(100);
  const size_t capacity = q.capacity();
  const std::string b = Pattern(capacity * 3, 3);
  Write(&q, b);
  EXPECT_GE(q.capacity(), 900 + b.size());
  EXPECT_EQ(q.data(), a.substr(100) + b);
}

TEST(QueryBuffer, GrowsAtLeastByDoubling) {
  QueryBuffer q;
  Write(&q, Pattern(4096, 4));
  const size_t capacity = q.capacity();
  q.PrepareWrite(q.free_tail() + 1);
  EXPECT_GE(q.capacity(), 2 * capacity);
  EXPECT_EQ(q.data(), Pattern(4096, 4));
}

TEST(QueryBuffer, MatchesAModelUnderRandomUse) {
  std::mt19937 rng(11);
  QueryBuffer q;
  std::string model;
  for (int i = 0; i < 5000; ++i) {
    switch (rng() % 4) {
      case 0:
      case 1: {
        const size_t len = rng() % 8 == 0 ? rng() % 100000 : rng() % 500;
        const std::string piece = Pattern(len, static_cast<size_t>(i));
        Write(&q, piece);
        model += piece;
        break;
      }
      case 2: {
        const size_t k = model.empty() ? 0 : rng() % (model.size() + 1);
        q.Consume(k);
        model.erase(0, k);
        break;
      }
      case 3:
        if (rng() % 8 == 0) q.ShrinkToFit();
        break;
    }
    ASSERT_EQ(q.size(), model.size());
    ASSERT_EQ(q.data(), model) << "step " << i;
    ASSERT_GE(q.capacity(), q.size());
  }
}

TEST(QueryBuffer, ShrinkToFitFreesAnEmptyBuffer) {
  QueryBuffer q;
  Write(&q, Pattern(50000, 5));
  q.Consume(50000);
  q.ShrinkToFit();
  EXPECT_EQ(q.capacity(), 0u);
  EXPECT_TRUE(q.empty());
  Write(&q, "after");
  EXPECT_EQ(q.data(), "after");
}

TEST(QueryBuffer, ShrinkToFitShrinksAMostlyEmptyBuffer) {
  QueryBuffer q;
  const std::string big = Pattern(100000, 6);
  Write(&q, big);
  q.Consume(big.size() - 100);
  q.ShrinkToFit();
  EXPECT_LT(q.capacity(), 1000u);
  EXPECT_EQ(q.data(), big.substr(big.size() - 100));
  Write(&q, "more");
  EXPECT_EQ(q.data(), big.substr(big.size() - 100) + "more");
}

TEST(QueryBuffer, ShrinkToFitKeepsAWellUsedBuffer) {
  QueryBuffer q;
  Write(&q, Pattern(1000, 7));
  const size_t capacity = q.capacity();
  const char* data = q.data().data();
  q.ShrinkToFit();
  EXPECT_EQ(q.capacity(), capacity);
  EXPECT_EQ(q.data().data(), data);
  EXPECT_EQ(q.data(), Pattern(1000, 7));
}

TEST(QueryBuffer, ClearEmptiesButKeepsStorage) {
  QueryBuffer q;
  Write(&q, "abc");
  const size_t capacity = q.capacity();
  q.Clear();
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.capacity(), capacity);
  EXPECT_EQ(q.free_tail(), capacity);
}

}  // namespace
}  // namespace respd::protocol

#include "protocol/output_buffer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <random>
#include <string>
#include <vector>

namespace respd::protocol {
namespace {

constexpr size_t kInline = OutputBuffer::kInlineSize;

// Distinct bytes per position, so a reordering or a lost byte shows.
std::string Pattern(size_t n, size_t seed) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + seed * 7919 + i / 251) & 0xff);
  return s;
}

// All pending bytes, in order, without consuming them.
std::string Contents(const OutputBuffer& out) {
  std::array<iovec, 64> iov;
  const size_t n = out.Segments(iov);
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    EXPECT_GT(iov[i].iov_len, 0u) << "empty segment " << i;
    s.append(static_cast<const char*>(iov[i].iov_base), iov[i].iov_len);
  }
  EXPECT_EQ(s.size(), out.size());
  return s;
}

// Drains the buffer the way the writer does: up to `max_iov` segments per
// writev, of which the "kernel" takes at most `step` bytes.
std::string Drain(OutputBuffer* out, size_t max_iov, size_t step) {
  std::string got;
  std::vector<iovec> iov(max_iov);
  while (!out->empty()) {
    const size_t n = out->Segments(iov);
    EXPECT_GT(n, 0u);
    size_t budget = step;
    size_t taken = 0;
    for (size_t i = 0; i < n && budget > 0; ++i) {
      const size_t k = std::min(budget, iov[i].iov_len);
      got.append(static_cast<const char*>(iov[i].iov_base), k);
      budget -= k;
      taken += k;
    }
    const size_t before = out->size();
    out->Consume(taken);
    EXPECT_EQ(out->size(), before - taken);
  }
  return got;
}

TEST(OutputBuffer, StartsEmptyWithoutMemory) {
  OutputBuffer out;
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(out.size(), 0u);
  EXPECT_EQ(out.MemoryUsage(), 0u);
  std::array<iovec, 4> iov;
  EXPECT_EQ(out.Segments(iov), 0u);
}

TEST(OutputBuffer, SmallAppendsStayInTheInlineChunk) {
  OutputBuffer out;
  out.Append("+OK\r\n");
  out.Append(":1\r\n");
  EXPECT_EQ(out.size(), 9u);
  EXPECT_EQ(out.MemoryUsage(), kInline);
  std::array<iovec, 4> iov;
  ASSERT_EQ(out.Segments(iov), 1u);
  EXPECT_EQ(Contents(out), "+OK\r\n:1\r\n");
}

TEST(OutputBuffer, ExactlyFillingTheInlineChunkNeedsNoList) {
  OutputBuffer out;
  const std::string a = Pattern(kInline - 1, 1);
  out.Append(a);
  out.Append("x");
  EXPECT_EQ(out.MemoryUsage(), kInline);
  out.Append("y");  // The first byte that does not fit.
  EXPECT_GT(out.MemoryUsage(), kInline);
  EXPECT_EQ(Contents(out), a + "xy");
}

TEST(OutputBuffer, EmptyAppendIsANoOp) {
  OutputBuffer out;
  out.Append(std::string_view());
  out.Append("", 0);
  EXPECT_TRUE(out.empty());
  out.Append("a");
  out.Append(std::string_view());
  EXPECT_EQ(Contents(out), "a");
}

TEST(OutputBuffer, BigAppendSpillsFromInlineIntoAChunk) {
  OutputBuffer out;
  const std::string big = Pattern(40000, 2);
  out.Append(big);
  EXPECT_EQ(out.size(), big.size());
  std::array<iovec, 8> iov;
  ASSERT_EQ(out.Segments(iov), 2u);
  EXPECT_EQ(iov[0].iov_len, kInline);
  EXPECT_EQ(iov[1].iov_len, big.size() - kInline);
  EXPECT_EQ(Contents(out), big);
  EXPECT_GE(out.MemoryUsage(), big.size());
}

TEST(OutputBuffer, PreservesOrderAcrossInlineAndChunks) {
  OutputBuffer out;
  std::string expected;
  size_t seed = 0;
  for (size_t len : {1, 100, 16383, 5, 20000, 3, 16384, 16385, 7, 1, 70000, 2, 9000, 9000}) {
    const std::string piece = Pattern(len, ++seed);
    out.Append(piece);
    expected += piece;
    ASSERT_EQ(Contents(out), expected) << "after appending " << len;
  }
  EXPECT_EQ(Drain(&out, 16, SIZE_MAX), expected);
  EXPECT_TRUE(out.empty());
}

TEST(OutputBuffer, AppendsContinueAfterPartialInlineConsume) {
  OutputBuffer out;
  const std::string a = Pattern(100, 1);
  out.Append(a);
  out.Consume(40);
  EXPECT_EQ(Contents(out), a.substr(40));
  const std::string b = Pattern(50, 2);
  out.Append(b);
  EXPECT_EQ(Contents(out), a.substr(40) + b);
  // Spill past the inline chunk while its front is consumed.
  const std::string c = Pattern(kInline, 3);
  out.Append(c);
  const std::string expected = a.substr(40) + b + c;
  EXPECT_EQ(Contents(out), expected);
  EXPECT_EQ(Drain(&out, 4, 1000), expected);
}

TEST(OutputBuffer, SmallAppendAfterInlineDrainsGoesBehindTheList) {
  // The inline chunk empties (and is reused) while the list still holds
  // bytes: a small append must still go after them.
  OutputBuffer out;
  const std::string a = Pattern(kInline - 10, 1);
  const std::string b = Pattern(100, 2);  // 10 inline, 90 in the list.
  out.Append(a);
  out.Append(b);
  out.Consume(kInline);  // Exactly the inline chunk.
  EXPECT_EQ(Contents(out), b.substr(10));
  out.Append("tail");
  EXPECT_EQ(Contents(out), b.substr(10) + "tail");
  out.Consume(90);
  EXPECT_EQ(Contents(out), "tail");
  // Once the list is gone, small appends use the inline chunk again.
  out.Append("more");
  EXPECT_EQ(Contents(out), "tailmore");
  out.Consume(8);
  EXPECT_TRUE(out.empty());
  out.Append("x");
  std::array<iovec, 4> iov;
  ASSERT_EQ(out.Segments(iov), 1u);
  EXPECT_EQ(out.MemoryUsage(), kInline);
}

// A buffer holding inline bytes and several list chunks, with `expected`.
void Build(OutputBuffer* out, std::string* expected) {
  expected->clear();
  size_t seed = 10;
  for (size_t len : {5000, 11000, 3, 20000, 16384, 1, 2, 30000, 4}) {
    const std::string piece = Pattern(len, ++seed);
    out->Append(piece);
    *expected += piece;
  }
}

TEST(OutputBuffer, ConsumeAtEverySegmentBoundary) {
  std::string expected;
  std::vector<size_t> points;
  {
    OutputBuffer out;
    Build(&out, &expected);
    std::array<iovec, 64> iov;
    const size_t n = out.Segments(iov);
    ASSERT_GE(n, 4u);
    size_t at = 0;
    for (size_t i = 0; i < n; ++i) {
      for (size_t d : {0, 1, 2}) {
        if (at >= d) points.push_back(at - d);
        points.push_back(at + d);
      }
      at += iov[i].iov_len;
    }
    points.push_back(at - 1);
    points.push_back(at);
  }
  for (size_t k : points) {
    OutputBuffer out;
    Build(&out, &expected);
    out.Consume(k);
    ASSERT_EQ(Contents(out), expected.substr(std::min(k, expected.size()))) << "consumed " << k;
    const std::string more = Pattern(3000, k);
    out.Append(more);
    ASSERT_EQ(Drain(&out, 3, 7777), expected.substr(std::min(k, expected.size())) + more)
        << "consumed " << k;
  }
}

TEST(OutputBuffer, DrainsWithAnyWriteSize) {
  for (size_t step : {size_t{1}, size_t{7}, size_t{4096}, kInline - 1, kInline, kInline + 1,
                      size_t{65536}, SIZE_MAX}) {
    for (size_t max_iov : {1, 2, 16}) {
      OutputBuffer out;
      std::string expected;
      Build(&out, &expected);
      ASSERT_EQ(Drain(&out, max_iov, step), expected) << step << " " << max_iov;
    }
  }
}

TEST(OutputBuffer, SegmentsFillsOnlyTheGivenEntries) {
  OutputBuffer out;
  std::string expected;
  Build(&out, &expected);
  std::array<iovec, 2> iov;
  ASSERT_EQ(out.Segments(iov), 2u);
  std::string first(static_cast<const char*>(iov[0].iov_base), iov[0].iov_len);
  first.append(static_cast<const char*>(iov[1].iov_base), iov[1].iov_len);
  EXPECT_EQ(first, expected.substr(0, first.size()));
  EXPECT_EQ(out.Segments(std::span<iovec>()), 0u);
}

TEST(OutputBuffer, InterleavedAppendAndConsumeMatchAModel) {
  std::mt19937 rng(7);
  OutputBuffer out;
  std::string model;
  for (int i = 0; i < 3000; ++i) {
    if (rng() % 3 != 0) {
      const size_t len = rng() % 8 == 0 ? rng() % 40000 : rng() % 300;
      const std::string piece = Pattern(len, static_cast<size_t>(i));
      out.Append(piece);
      model += piece;
    } else {
      const size_t k = model.empty() ? 0 : rng() % (model.size() + 1);
      out.Consume(k);
      model.erase(0, k);
    }
    ASSERT_EQ(out.size(), model.size());
    if (i % 50 == 0) {
      ASSERT_EQ(Contents(out), model) << "step " << i;
    }
  }
  EXPECT_EQ(Drain(&out, 5, 5000), model);
}

TEST(OutputBuffer, ConsumeMoreThanPendingEmptiesIt) {
  OutputBuffer out;
  out.Append(Pattern(50000, 1));
  out.Consume(1 << 20);
  EXPECT_TRUE(out.empty());
  std::array<iovec, 4> iov;
  EXPECT_EQ(out.Segments(iov), 0u);
  out.Append("ok");
  EXPECT_EQ(Contents(out), "ok");
}

TEST(OutputBuffer, ClearDropsEverything) {
  OutputBuffer out;
  out.Append(Pattern(50000, 1));
  out.Clear();
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(out.MemoryUsage(), kInline);  // Chunks freed, inline kept.
  out.Append("a");
  EXPECT_EQ(Contents(out), "a");
}

TEST(OutputBuffer, MemoryUsageFollowsTheList) {
  OutputBuffer out;
  out.Append(Pattern(100000, 1));
  EXPECT_GE(out.MemoryUsage(), 100000u);
  out.Consume(out.size());
  EXPECT_EQ(out.MemoryUsage(), kInline);  // Drained chunks are freed.
}

TEST(OutputBuffer, ManySmallAppendsPastInlineShareChunks) {
  OutputBuffer out;
  for (int i = 0; i < 10000; ++i) out.Append("0123456789");  // 100 KB.
  // Without sharing, each 10-byte append past the inline chunk would cost a
  // 16 KiB chunk.
  EXPECT_LT(out.MemoryUsage(), 2 * 100000u);
  EXPECT_EQ(out.size(), 100000u);
}

TEST(OutputBuffer, ReleaseIdleMemoryFreesOnlyWhenEmpty) {
  OutputBuffer out;
  out.Append("hello");
  out.ReleaseIdleMemory();  // Not idle: nothing changes.
  EXPECT_EQ(out.MemoryUsage(), kInline);
  EXPECT_EQ(Contents(out), "hello");
  out.Consume(5);
  out.ReleaseIdleMemory();
  EXPECT_EQ(out.MemoryUsage(), 0u);
  EXPECT_TRUE(out.empty());
  // The inline chunk comes back with the next append, for small and big.
  out.Append("again");
  EXPECT_EQ(out.MemoryUsage(), kInline);
  EXPECT_EQ(Contents(out), "again");
  out.Consume(5);
  out.ReleaseIdleMemory();
  const std::string big = Pattern(30000, 4);
  out.Append(big);
  EXPECT_EQ(Contents(out), big);
}

}  // namespace
}  // namespace respd::protocol

namespace respd::protocol {
namespace {

std::string Pending(const OutputBuffer& b) {
  iovec iov[64];
  const size_t n = b.Segments(iov);
  std::string out;
  for (size_t i = 0; i < n; ++i)
    out.append(static_cast<const char*>(iov[i].iov_base), iov[i].iov_len);
  return out;
}

TEST(OutputBufferTruncate, TakesBackTheNewestBytes) {
  for (size_t first : {size_t{10}, size_t{20000}, size_t{40000}}) {
    for (size_t added : {size_t{0}, size_t{5}, size_t{16384}, size_t{50000}}) {
      OutputBuffer b;
      const std::string a(first, 'a');
      b.Append(a);
      b.Consume(3);  // Part of the kept bytes is already sent.
      const size_t mark = b.size();
      b.Append(std::string(added, 'z'));
      b.TruncateTo(mark);
      EXPECT_EQ(b.size(), mark);
      EXPECT_EQ(Pending(b), a.substr(3)) << first << "+" << added;
      b.Append("tail");  // Appends still land after the kept bytes.
      EXPECT_EQ(Pending(b), a.substr(3) + "tail");
    }
  }
}

TEST(OutputBufferTruncate, ToEmpty) {
  OutputBuffer b;
  b.Append(std::string(30000, 'x'));
  b.TruncateTo(0);
  EXPECT_TRUE(b.empty());
  b.Append("ok");
  EXPECT_EQ(Pending(b), "ok");
}

}  // namespace
}  // namespace respd::protocol

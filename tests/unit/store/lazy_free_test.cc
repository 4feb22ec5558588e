// The lazy reclaimer: what FLUSHDB/FLUSHALL ASYNC and UNLINK hand over is
// freed over bounded steps, counted as Redis's INFO counts it, and nothing
// leaks (the sanitizer build checks) whether it finishes or is destroyed
// with work pending.
#include "store/lazy_free.h"

#include <gtest/gtest.h>

#include <string>

#include "base/clock.h"
#include "store/keyspace.h"
#include "store/types/string.h"
#include "store/value.h"

namespace respd::store {
namespace {

base::HashSeed Seed() {
  base::HashSeed seed;
  for (int i = 0; i < 16; ++i) seed.bytes[i] = static_cast<uint8_t>(i + 1);
  return seed;
}

class LazyFreeTest : public ::testing::Test {
 protected:
  void Fill(Database& db, int n, bool with_ttl) {
    for (int i = 0; i < n; ++i) {
      const std::string k = "key:" + std::to_string(i);
      StringSet(db, k, i % 10 == 0 ? std::string(kMaxInlineStringBytes + 1, 'b') : "v",
                with_ttl && i % 3 == 0 ? TtlMode::kSet : TtlMode::kClear, 1'800'000'000'000);
    }
  }

  base::ManualClock clock_{1'700'000'000'000};
  Keyspace keyspace_{2, clock_, Seed()};
};

TEST_F(LazyFreeTest, AsyncFlushEmptiesAtOnceAndFreesInSteps) {
  Fill(keyspace_.db(0), 10000, /*with_ttl=*/true);
  LazyFree& lazy = keyspace_.lazy_free();
  EXPECT_FALSE(lazy.pending());
  keyspace_.Flush(0, /*async=*/true);
  // The database is empty and usable at once.
  EXPECT_EQ(keyspace_.db(0).size(), 0u);
  EXPECT_EQ(keyspace_.db(0).expires_size(), 0u);
  StringSet(keyspace_.db(0), "key:1", "fresh");
  EXPECT_EQ(StringGet(keyspace_.db(0), "key:1").value(), "fresh");
  // The old contents wait for the reclaimer.
  EXPECT_TRUE(lazy.pending());
  EXPECT_EQ(lazy.pending_objects(), 10000u);
  size_t steps = 0;
  size_t last = lazy.pending_objects();
  while (lazy.Step(100)) {
    // Each step frees at most its budget.
    EXPECT_LE(last - lazy.pending_objects(), 100u);
    last = lazy.pending_objects();
    ASSERT_LT(++steps, 100000u);
  }
  EXPECT_GT(steps, 10000u / 100 / 2);
  EXPECT_EQ(lazy.pending_objects(), 0u);
  EXPECT_EQ(lazy.freed_objects(), 10000u);
  EXPECT_FALSE(lazy.pending());
}

TEST_F(LazyFreeTest, SyncFlushFreesNow) {
  Fill(keyspace_.db(1), 1000, /*with_ttl=*/true);
  keyspace_.Flush(1, /*async=*/false);
  EXPECT_EQ(keyspace_.db(1).size(), 0u);
  EXPECT_FALSE(keyspace_.lazy_free().pending());
  EXPECT_EQ(keyspace_.lazy_free().freed_objects(), 0u);
}

TEST_F(LazyFreeTest, EntriesHandedOverAreFreedAndCounted) {
  LazyFree& lazy = keyspace_.lazy_free();
  lazy.AddEntry(KeyEntry::CreateWithObject("a", ByteBuffer::Create(std::string(10000, 'x')),
                                           KeyEntry::kNoExpire, ValueType::kString, kStringHeap));
  lazy.AddEntry(KeyEntry::CreateInline("b", "v", 5, ValueType::kString, kStringWhole));
  EXPECT_EQ(lazy.pending_objects(), 2u);
  EXPECT_TRUE(lazy.Step(1));  // One unit: part of the work.
  while (lazy.Step(1)) {
  }
  EXPECT_EQ(lazy.pending_objects(), 0u);
  EXPECT_EQ(lazy.freed_objects(), 2u);
}

TEST_F(LazyFreeTest, CheapValuesAreNeverDeferred) {
  // Strings are one allocation (effort 1): even a "lazy" free is done now,
  // as Redis's freeObjAsync does below LAZYFREE_THRESHOLD.
  StringSet(keyspace_.db(0), "big", std::string(100000, 'b'));
  EXPECT_EQ(FreeEffort(*keyspace_.db(0).Find("big")), 1u);
  EXPECT_TRUE(keyspace_.db(0).Delete("big", /*lazy=*/true));
  EXPECT_FALSE(keyspace_.lazy_free().pending());
}

TEST_F(LazyFreeTest, PendingWorkIsFreedWhenTheKeyspaceGoes) {
  auto keyspace = std::make_unique<Keyspace>(1, clock_, Seed());
  Fill(keyspace->db(0), 5000, /*with_ttl=*/true);
  keyspace->Flush(0, /*async=*/true);
  keyspace->lazy_free().Step(10);
  EXPECT_TRUE(keyspace->lazy_free().pending());
  keyspace.reset();  // LeakSanitizer fails the sanitizer build if this leaks.
}

}  // namespace
}  // namespace respd::store

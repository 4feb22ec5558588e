// Database: strings, TTL modes, lazy and active expiry on a base::ManualClock (no
// sleeping), random keys, SCAN, stats, and a randomized run against a shadow
// map.
#include "store/database.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <random>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "store/keyspace.h"
#include "store/types/string.h"
#include "store/value.h"

namespace respd::store {
namespace {

constexpr int64_t kNoExpire = KeyEntry::kNoExpire;
constexpr int64_t kStart = 1'700'000'000'000;  // Unix ms: a plausible "now".

base::HashSeed TestSeed() {
  base::HashSeed seed;
  for (int i = 0; i < 16; ++i) seed.bytes[i] = static_cast<uint8_t>(0xA0 + i);
  return seed;
}

class DatabaseTest : public ::testing::Test {
 protected:
  // The value at key, or "<missing>" when StringGet reports kKeyNotFound.
  std::string Get(std::string_view key) {
    auto r = StringGet(db_, key);
    if (!r.ok()) {
      EXPECT_EQ(r.status(), OpStatus::kKeyNotFound);
      return "<missing>";
    }
    return std::string(*r);
  }
  int64_t ExpireOf(std::string_view key) {
    const KeyEntry* e = db_.Find(key);
    return e == nullptr ? -2 : e->expire_at();
  }
  // Runs active expiry until a step finds nothing to expire and the index
  // has been walked; returns how many steps it took.
  int ExpireAll(size_t per_step, int max_steps) {
    int steps = 0;
    while (steps < max_steps && db_.stats().expired_keys < expected_expired_) {
      ExpireStepResult r = db_.ActiveExpireStep(per_step);
      EXPECT_LE(r.expired, r.sampled);
      ++steps;
    }
    return steps;
  }

  base::ManualClock clock_{kStart};
  base::HashSeed seed_ = TestSeed();
  Keyspace keyspace_{1, clock_, seed_};
  Database& db_ = keyspace_.db(0);
  uint64_t expected_expired_ = 0;
};

TEST_F(DatabaseTest, SetAndGetString) {
  EXPECT_EQ(db_.size(), 0u);
  EXPECT_EQ(StringGet(db_, "k").status(), OpStatus::kKeyNotFound);
  StringSet(db_, "k", "v", TtlMode::kClear);
  EXPECT_EQ(Get("k"), "v");
  EXPECT_EQ(db_.size(), 1u);
  StringSet(db_, "k", "a much longer value than before", TtlMode::kClear);
  EXPECT_EQ(Get("k"), "a much longer value than before");
  StringSet(db_, "k", "", TtlMode::kClear);  // Empty is not missing.
  auto r = StringGet(db_, "k");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "");
  const std::string binary("\0a\r\n\xff", 5);
  StringSet(db_, binary, binary, TtlMode::kClear);
  EXPECT_EQ(Get(binary), binary);
  EXPECT_EQ(db_.size(), 2u);
  StringSet(db_, "big", std::string(100000, 'x'), TtlMode::kClear);
  EXPECT_EQ(Get("big"), std::string(100000, 'x'));
  StringSet(db_, "big", "small", TtlMode::kClear);
  EXPECT_EQ(Get("big"), "small");
  EXPECT_EQ(db_.size(), 3u);
  EXPECT_EQ(db_.expires_size(), 0u);
}

TEST_F(DatabaseTest, SetStringResetsTheStringForm) {
  // APPEND makes the string raw, INCRBYFLOAT built; a plain SET in place
  // makes it whole again.
  StringSet(db_, "k", "v");
  ASSERT_TRUE(StringAppend(db_, "k", "w", 1 << 20).ok());
  EXPECT_EQ(db_.Find("k")->encoding(), kStringRaw);
  KeyEntry* e = StringSet(db_, "k", "x", TtlMode::kKeep);
  EXPECT_EQ(e, db_.Find("k"));
  EXPECT_EQ(e->encoding(), kStringWhole);
  ASSERT_TRUE(StringIncrByFloat(db_, "n", 1.5L).ok());
  EXPECT_EQ(db_.Find("n")->encoding(), kStringBuilt);
  EXPECT_EQ(StringSet(db_, "n", "2")->encoding(), kStringWhole);
}

TEST_F(DatabaseTest, TtlModeSetClearKeep) {
  // kSet on a new key.
  StringSet(db_, "k", "1", TtlMode::kSet, kStart + 1000);
  EXPECT_EQ(ExpireOf("k"), kStart + 1000);
  EXPECT_EQ(db_.expires_size(), 1u);
  // kKeep keeps it, with a new value.
  StringSet(db_, "k", "2", TtlMode::kKeep);
  EXPECT_EQ(ExpireOf("k"), kStart + 1000);
  EXPECT_EQ(Get("k"), "2");
  EXPECT_EQ(db_.expires_size(), 1u);
  // kSet replaces it.
  StringSet(db_, "k", "3", TtlMode::kSet, kStart + 5000);
  EXPECT_EQ(ExpireOf("k"), kStart + 5000);
  EXPECT_EQ(db_.expires_size(), 1u);
  // kClear drops it.
  StringSet(db_, "k", "4", TtlMode::kClear);
  EXPECT_EQ(ExpireOf("k"), kNoExpire);
  EXPECT_EQ(Get("k"), "4");
  EXPECT_EQ(db_.expires_size(), 0u);
  // kKeep of a key without a deadline: still none.
  StringSet(db_, "k", "5", TtlMode::kKeep);
  EXPECT_EQ(ExpireOf("k"), kNoExpire);
  EXPECT_EQ(db_.expires_size(), 0u);
  // kKeep and kClear on a new key: no deadline; the expire_at is ignored.
  StringSet(db_, "n1", "x", TtlMode::kKeep, kStart + 10);
  StringSet(db_, "n2", "x", TtlMode::kClear, kStart + 10);
  EXPECT_EQ(ExpireOf("n1"), kNoExpire);
  EXPECT_EQ(ExpireOf("n2"), kNoExpire);
  EXPECT_EQ(db_.expires_size(), 0u);
  // kSet on an existing key without one adds it to the index.
  StringSet(db_, "n1", "y", TtlMode::kSet, kStart + 10);
  EXPECT_EQ(db_.expires_size(), 1u);
}

TEST_F(DatabaseTest, TtlModesAcrossValueSizes) {
  // Overwrites that move the entry (small <-> wide layouts) keep the index in
  // step with the entry: active expiry must still find and reclaim it.
  const std::string sizes[] = {"a", std::string(300, 'b'), std::string(5000, 'c'), "d", ""};
  for (const std::string& v : sizes) {
    StringSet(db_, "k", v, TtlMode::kKeep);
    if (db_.expires_size() == 0) StringSet(db_, "k", v, TtlMode::kSet, kStart + 50);
    EXPECT_EQ(Get("k"), v);
    EXPECT_EQ(ExpireOf("k"), kStart + 50);
    EXPECT_EQ(db_.expires_size(), 1u);
  }
  clock_.Set(kStart + 51);
  ExpireStepResult r = db_.ActiveExpireStep(20);
  EXPECT_EQ(r.expired, 1u);
  EXPECT_EQ(db_.size(), 0u);
  EXPECT_EQ(db_.expires_size(), 0u);
}

TEST_F(DatabaseTest, KeyExpiresOnlyAfterItsDeadline) {
  StringSet(db_, "k", "v", TtlMode::kSet, kStart + 100);
  clock_.Set(kStart + 99);
  EXPECT_EQ(Get("k"), "v");
  clock_.Set(kStart + 100);  // now == deadline: still alive, as in Redis.
  EXPECT_EQ(Get("k"), "v");
  EXPECT_FALSE(db_.IsExpired(db_.Find("k")));
  clock_.Set(kStart + 101);
  EXPECT_EQ(Get("k"), "<missing>");
  EXPECT_EQ(db_.size(), 0u);
  EXPECT_EQ(db_.expires_size(), 0u);
  EXPECT_EQ(db_.stats().expired_keys, 1u);
}

TEST_F(DatabaseTest, SizeCountsExpiredKeysUntilReclaimed) {
  StringSet(db_, "a", "v", TtlMode::kSet, kStart + 10);
  StringSet(db_, "b", "v", TtlMode::kClear);
  clock_.Advance(1000);
  EXPECT_EQ(db_.size(), 2u);  // DBSIZE counts it until something reclaims it.
  EXPECT_EQ(db_.expires_size(), 1u);
  EXPECT_EQ(db_.Find("a"), nullptr);
  EXPECT_EQ(db_.size(), 1u);
  EXPECT_EQ(db_.expires_size(), 0u);
}

TEST_F(DatabaseTest, EveryAccessExpiresLazily) {
  struct Access {
    const char* name;
    bool (*fn)(Database&);  // True if the access reported the key present.
  };
  const Access accesses[] = {
      {"Find", [](Database& db) { return db.Find("k") != nullptr; }},
      {"FindForRead", [](Database& db) { return db.FindForRead("k") != nullptr; }},
      {"GetString", [](Database& db) { return StringGet(db, "k").ok(); }},
      {"Delete", [](Database& db) { return db.Delete("k"); }},
      {"SetExpire", [](Database& db) { return db.SetExpire("k", kStart + 1'000'000); }},
      {"Persist", [](Database& db) { return db.Persist("k"); }},
  };
  uint64_t expired = 0;
  for (const Access& a : accesses) {
    SCOPED_TRACE(a.name);
    StringSet(db_, "k", "v", TtlMode::kSet, clock_.NowMs() + 5);
    StringSet(db_, "other", "v", TtlMode::kSet, clock_.NowMs() + 1'000'000);
    ASSERT_EQ(db_.size(), 2u);
    ASSERT_EQ(db_.expires_size(), 2u);
    clock_.Advance(6);
    EXPECT_FALSE(a.fn(db_));
    ++expired;
    EXPECT_EQ(db_.stats().expired_keys, expired);
    EXPECT_EQ(db_.size(), 1u);
    EXPECT_EQ(db_.expires_size(), 1u);
    EXPECT_NE(db_.Find("other"), nullptr);
    // A second access finds nothing more to expire.
    EXPECT_FALSE(a.fn(db_));
    EXPECT_EQ(db_.stats().expired_keys, expired);
  }
}

TEST_F(DatabaseTest, KeepTtlOnAnExpiredKeyStartsAFreshKey) {
  // Redis expires the old key on the write's lookup, so SET … KEEPTTL over a
  // dead key stores a key without a deadline.
  StringSet(db_, "k", "old", TtlMode::kSet, kStart + 10);
  clock_.Set(kStart + 11);
  StringSet(db_, "k", "new", TtlMode::kKeep);
  EXPECT_EQ(db_.stats().expired_keys, 1u);
  EXPECT_EQ(ExpireOf("k"), kNoExpire);
  EXPECT_EQ(db_.expires_size(), 0u);
  clock_.Advance(1'000'000);
  EXPECT_EQ(Get("k"), "new");
}

TEST_F(DatabaseTest, OverwritingAnExpiredKeyCountsItAsExpired) {
  StringSet(db_, "k", "old", TtlMode::kSet, kStart + 10);
  clock_.Set(kStart + 11);
  StringSet(db_, "k", "new", TtlMode::kSet, kStart + 100);
  EXPECT_EQ(db_.stats().expired_keys, 1u);
  EXPECT_EQ(ExpireOf("k"), kStart + 100);
  EXPECT_EQ(db_.expires_size(), 1u);
  EXPECT_EQ(db_.size(), 1u);
}

TEST_F(DatabaseTest, SetExpireAndPersistTrackTheIndex) {
  EXPECT_FALSE(db_.SetExpire("missing", kStart + 10));
  EXPECT_FALSE(db_.Persist("missing"));
  StringSet(db_, "k", "value", TtlMode::kClear);
  EXPECT_FALSE(db_.Persist("k"));  // No deadline to remove.
  EXPECT_TRUE(db_.SetExpire("k", kStart + 10));
  EXPECT_EQ(db_.expires_size(), 1u);
  EXPECT_EQ(ExpireOf("k"), kStart + 10);
  EXPECT_TRUE(db_.SetExpire("k", kStart + 20));  // Change.
  EXPECT_EQ(db_.expires_size(), 1u);
  EXPECT_EQ(ExpireOf("k"), kStart + 20);
  EXPECT_TRUE(db_.Persist("k"));
  EXPECT_EQ(db_.expires_size(), 0u);
  EXPECT_EQ(ExpireOf("k"), kNoExpire);
  EXPECT_FALSE(db_.Persist("k"));
  EXPECT_EQ(Get("k"), "value");
  // A deadline in the past takes effect on the next access.
  EXPECT_TRUE(db_.SetExpire("k", kStart - 1));
  EXPECT_EQ(Get("k"), "<missing>");
  EXPECT_EQ(db_.stats().expired_keys, 1u);
}

TEST_F(DatabaseTest, DeleteRemovesKeyAndDeadline) {
  StringSet(db_, "a", "1", TtlMode::kSet, kStart + 100);
  StringSet(db_, "b", "2", TtlMode::kClear);
  EXPECT_TRUE(db_.Delete("a"));
  EXPECT_FALSE(db_.Delete("a"));
  EXPECT_TRUE(db_.Delete("b"));
  EXPECT_EQ(db_.size(), 0u);
  EXPECT_EQ(db_.expires_size(), 0u);
  EXPECT_EQ(db_.stats().expired_keys, 0u);
}

TEST_F(DatabaseTest, AppendKeepsTtlAndPrefixAcrossLayouts) {
  StringSet(db_, "k", "hello", TtlMode::kSet, kStart + 100);
  std::string shadow = "hello";
  // Append across the small/wide boundary, past the inline limit (the value
  // moves to the heap) and far beyond.
  for (int i = 0; i < 700; ++i) {
    const std::string piece(static_cast<size_t>(1 + i % 17), static_cast<char>('a' + i % 26));
    auto len = StringAppend(db_, "k", piece, 1 << 30);
    ASSERT_TRUE(len.ok());
    shadow += piece;
    ASSERT_EQ(*len, shadow.size());
    ASSERT_EQ(Get("k"), shadow);
    ASSERT_EQ(ExpireOf("k"), kStart + 100);
    ASSERT_EQ(db_.expires_size(), 1u);
  }
  ASSERT_GT(shadow.size(), kMaxInlineStringBytes);
  EXPECT_EQ(db_.Find("k")->encoding(), kStringHeap);
  // The index still points at the live entry: persist and expire work.
  EXPECT_TRUE(db_.Persist("k"));
  EXPECT_TRUE(db_.SetExpire("k", kStart + 200));
  clock_.Set(kStart + 201);
  ExpireStepResult r = db_.ActiveExpireStep(20);
  EXPECT_EQ(r.expired, 1u);
  EXPECT_EQ(db_.size(), 0u);
  EXPECT_EQ(db_.expires_size(), 0u);
}

TEST_F(DatabaseTest, SetRangeGrowsAndFillsWithZeros) {
  EXPECT_EQ(StringSetRange(db_, "k", 10, "", 1 << 20).value(), 0u);  // Creates nothing.
  EXPECT_EQ(db_.size(), 0u);
  EXPECT_EQ(StringSetRange(db_, "k", 2, "ab", 1 << 20).value(), 4u);
  EXPECT_EQ(Get("k"), std::string("\0\0ab", 4));
  EXPECT_EQ(db_.Find("k")->encoding(), kStringRaw);
  // Past the inline limit: to the heap, prefix kept.
  EXPECT_EQ(StringSetRange(db_, "k", 9000, "z", 1 << 20).value(), 9001u);
  const std::string v = Get("k");
  EXPECT_EQ(v.substr(0, 4), std::string("\0\0ab", 4));
  EXPECT_EQ(v.substr(4, 8996), std::string(8996, '\0'));
  EXPECT_EQ(v.back(), 'z');
  EXPECT_EQ(StringSetRange(db_, "k", 0, "AB", 1 << 20).value(), 9001u);
  EXPECT_EQ(Get("k").substr(0, 4), "ABab");
  EXPECT_EQ(StringSetRange(db_, "k", 100, "x", 50).status(), OpStatus::kTooLarge);
  EXPECT_EQ(ExpireOf("k"), kNoExpire);
}

TEST_F(DatabaseTest, StringsMoveBetweenInlineAndHeap) {
  const std::string big(kMaxInlineStringBytes + 1, 'b');
  KeyEntry* e = StringSet(db_, "k", big, TtlMode::kSet, kStart + 100);
  EXPECT_EQ(e->encoding(), kStringHeap);
  EXPECT_EQ(Get("k"), big);
  // A big overwrite reuses the heap buffer: the entry stays where it is.
  const std::string bigger(3 * kMaxInlineStringBytes, 'c');
  EXPECT_EQ(StringSet(db_, "k", bigger, TtlMode::kKeep), e);
  EXPECT_EQ(Get("k"), bigger);
  EXPECT_EQ(ExpireOf("k"), kStart + 100);
  // Back to a small value: inline again.
  EXPECT_EQ(StringSet(db_, "k", "small", TtlMode::kKeep)->encoding(), kStringWhole);
  EXPECT_EQ(Get("k"), "small");
  EXPECT_EQ(ExpireOf("k"), kStart + 100);
  EXPECT_EQ(db_.expires_size(), 1u);
  // Exactly at the limit stays inline.
  EXPECT_FALSE(StringSet(db_, "k", std::string(kMaxInlineStringBytes, 'x'))->holds_object());
}

TEST_F(DatabaseTest, ActiveExpireReclaimsExpiredKeysAndKeepsLiveOnes) {
  const int n = 10000;
  for (int i = 0; i < n; ++i) {
    const std::string k = "key:" + std::to_string(i);
    if (i % 2 == 0) {
      StringSet(db_, k, "dead", TtlMode::kSet, kStart + 100 + i % 50);
    } else if (i % 4 == 1) {
      StringSet(db_, k, "live", TtlMode::kSet, kStart + 1'000'000);
    } else {
      StringSet(db_, k, "live", TtlMode::kClear);
    }
  }
  ASSERT_EQ(db_.expires_size(), static_cast<size_t>(n / 2 + n / 4));
  // Nothing is due yet: a step expires nothing.
  ExpireStepResult r = db_.ActiveExpireStep(20);
  EXPECT_GT(r.sampled, 0u);
  EXPECT_EQ(r.expired, 0u);
  EXPECT_EQ(db_.size(), static_cast<size_t>(n));

  clock_.Set(kStart + 200);
  expected_expired_ = n / 2;
  // 7,500 keys have a deadline; 20 per step walks the index in about 375
  // steps, with room for bucket granularity.
  const int steps = ExpireAll(20, 2000);
  EXPECT_LT(steps, 2000);
  EXPECT_EQ(db_.stats().expired_keys, static_cast<uint64_t>(n / 2));
  EXPECT_EQ(db_.size(), static_cast<size_t>(n / 2));
  EXPECT_EQ(db_.expires_size(), static_cast<size_t>(n / 4));
  for (int i = 0; i < n; ++i) {
    const std::string k = "key:" + std::to_string(i);
    const KeyEntry* e = db_.Find(k);
    if (i % 2 == 0) {
      ASSERT_EQ(e, nullptr) << k;
    } else {
      ASSERT_NE(e, nullptr) << k;
      ASSERT_EQ(e->inline_value(), "live");
    }
  }
  // Lazy lookups above found nothing left to expire.
  EXPECT_EQ(db_.stats().expired_keys, static_cast<uint64_t>(n / 2));
}

TEST_F(DatabaseTest, ActiveExpireSurvivesTheIndexGrowingAndShrinking) {
  // Keys are added with deadlines between steps (the index grows under the
  // cursor), then most are deleted and the tables shrink: every expired key
  // is still reclaimed.
  int next = 0;
  for (int round = 0; round < 50; ++round) {
    for (int i = 0; i < 200; ++i, ++next) {
      StringSet(db_, "k" + std::to_string(next), "v", TtlMode::kSet, kStart + 10 + next % 7);
    }
    db_.ActiveExpireStep(20);
  }
  for (int i = 0; i < next; i += 3) db_.Delete("k" + std::to_string(i));
  db_.ShrinkIfSparse();
  while (db_.RehashStep(1)) db_.ActiveExpireStep(5);
  clock_.Set(kStart + 1000);
  expected_expired_ = db_.size();
  const int steps = ExpireAll(20, 5000);
  EXPECT_LT(steps, 5000);
  EXPECT_EQ(db_.size(), 0u);
  EXPECT_EQ(db_.expires_size(), 0u);
}

TEST_F(DatabaseTest, ActiveExpireWithoutDeadlinesDoesNothing) {
  for (int i = 0; i < 100; ++i) StringSet(db_, std::to_string(i), "v", TtlMode::kClear);
  ExpireStepResult r = db_.ActiveExpireStep(20);
  EXPECT_EQ(r.sampled, 0u);
  EXPECT_EQ(r.expired, 0u);
  EXPECT_EQ(db_.size(), 100u);
}

TEST_F(DatabaseTest, RandomKeyNeverReturnsAnExpiredKey) {
  EXPECT_EQ(db_.RandomKey(), nullptr);
  for (int i = 0; i < 100; ++i) {
    const std::string k = "k" + std::to_string(i);
    if (i < 90) {
      StringSet(db_, k, "dead", TtlMode::kSet, kStart + 10);
    } else {
      StringSet(db_, k, "live", TtlMode::kClear);
    }
  }
  clock_.Set(kStart + 11);
  std::set<std::string> seen;
  for (int i = 0; i < 500; ++i) {
    const KeyEntry* e = db_.RandomKey();
    ASSERT_NE(e, nullptr);
    ASSERT_FALSE(db_.IsExpired(e));
    ASSERT_EQ(e->inline_value(), "live");
    seen.insert(std::string(e->key()));
  }
  EXPECT_EQ(seen.size(), 10u);  // All live keys come up.
  // Expired keys met on the way were reclaimed.
  EXPECT_EQ(db_.size(), 10u + (90u - db_.stats().expired_keys));
}

TEST_F(DatabaseTest, RandomKeyIsNullWhenAllKeysExpired) {
  for (int i = 0; i < 50; ++i) {
    StringSet(db_, "k" + std::to_string(i), "v", TtlMode::kSet, kStart + 10);
  }
  clock_.Set(kStart + 11);
  EXPECT_EQ(db_.RandomKey(), nullptr);
  EXPECT_EQ(db_.size(), 0u);
  EXPECT_EQ(db_.expires_size(), 0u);
  EXPECT_EQ(db_.stats().expired_keys, 50u);
}

TEST_F(DatabaseTest, ScanVisitsEveryKeyIncludingExpiredOnes) {
  std::set<std::string> want;
  for (int i = 0; i < 1000; ++i) {
    const std::string k = "k" + std::to_string(i);
    StringSet(db_, k, "v", TtlMode::kSet, kStart + (i % 2 == 0 ? 10 : 100000));
    want.insert(k);
  }
  clock_.Set(kStart + 11);
  std::set<std::string> seen;
  size_t expired_seen = 0;
  uint64_t cursor = 0;
  do {
    cursor = db_.Scan(cursor, [&](const KeyEntry* e) {
      seen.insert(std::string(e->key()));
      if (db_.IsExpired(e)) ++expired_seen;
    });
  } while (cursor != 0);
  EXPECT_EQ(seen, want);
  EXPECT_EQ(expired_seen, 500u);
  size_t each = 0;
  db_.ForEach([&](const KeyEntry*) { ++each; });
  EXPECT_EQ(each, 1000u);
}

TEST_F(DatabaseTest, ClearDeletesEverything) {
  for (int i = 0; i < 5000; ++i) {
    StringSet(db_, "k" + std::to_string(i), "v", TtlMode::kSet, i % 2 ? kStart + 10 : kNoExpire);
  }
  db_.Clear();
  EXPECT_EQ(db_.size(), 0u);
  EXPECT_EQ(db_.expires_size(), 0u);
  EXPECT_EQ(db_.Find("k1"), nullptr);
  EXPECT_EQ(db_.RandomKey(), nullptr);
  EXPECT_EQ(db_.ActiveExpireStep(20).sampled, 0u);
  EXPECT_EQ(db_.stats().expired_keys, 0u);
  // Usable again.
  StringSet(db_, "k1", "again", TtlMode::kSet, kStart + 10);
  EXPECT_EQ(Get("k1"), "again");
  EXPECT_EQ(db_.expires_size(), 1u);
}

TEST_F(DatabaseTest, KeyspaceHitsAndMisses) {
  StringSet(db_, "k", "v", TtlMode::kSet, kStart + 10);
  EXPECT_NE(db_.FindForRead("k"), nullptr);
  EXPECT_TRUE(StringGet(db_, "k").ok());
  EXPECT_EQ(db_.FindForRead("nope"), nullptr);
  EXPECT_FALSE(StringGet(db_, "nope").ok());
  EXPECT_FALSE(StringGet(db_, "nope").ok());
  EXPECT_EQ(db_.stats().keyspace_hits, 2u);
  EXPECT_EQ(db_.stats().keyspace_misses, 3u);
  // Plain Find and writes are not reads.
  db_.Find("k");
  db_.Find("nope");
  StringSet(db_, "x", "y", TtlMode::kClear);
  db_.Delete("x");
  EXPECT_EQ(db_.stats().keyspace_hits, 2u);
  EXPECT_EQ(db_.stats().keyspace_misses, 3u);
  // A read of an expired key is a miss.
  clock_.Set(kStart + 11);
  EXPECT_FALSE(StringGet(db_, "k").ok());
  EXPECT_EQ(db_.stats().keyspace_misses, 4u);
}

TEST_F(DatabaseTest, ShrinkAndRehashReleaseTableMemory) {
  for (int i = 0; i < 20000; ++i) {
    StringSet(db_, "k" + std::to_string(i), "v", TtlMode::kSet, kStart + 1'000'000);
  }
  while (db_.RehashStep(1000)) {
  }
  const size_t big = db_.TableMemoryUsage();
  for (int i = 10; i < 20000; ++i) ASSERT_TRUE(db_.Delete("k" + std::to_string(i)));
  db_.ShrinkIfSparse();
  int steps = 0;
  while (db_.RehashStep(1)) ++steps;
  EXPECT_GT(steps, 0);
  EXPECT_LT(db_.TableMemoryUsage(), big / 100);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(Get("k" + std::to_string(i)), "v");
  EXPECT_EQ(db_.expires_size(), 10u);
}

TEST_F(DatabaseTest, RandomizedOperationsMatchAShadowMap) {
  struct Value {
    std::string data;
    int64_t expire_at;
  };
  std::unordered_map<std::string, Value> shadow;
  std::mt19937_64 rng(20240601);
  auto rand = [&](uint64_t n) { return rng() % n; };
  auto make_value = [&](size_t len) {
    std::string v(len, '\0');
    for (char& c : v) c = static_cast<char>(rand(256));
    return v;
  };
  // Whether `k` is live now; forgets keys whose deadline has passed, which
  // any access to the database would also do.
  auto live = [&](const std::string& k) -> Value* {
    auto it = shadow.find(k);
    if (it == shadow.end()) return nullptr;
    if (it->second.expire_at != kNoExpire && clock_.NowMs() > it->second.expire_at) {
      shadow.erase(it);
      return nullptr;
    }
    return &it->second;
  };

  const int kKeys = 100000;
  const int kOps = 400000;
  for (int op = 0; op < kOps; ++op) {
    const std::string k = "key:" + std::to_string(rand(kKeys));
    const uint64_t what = rand(100);
    if (what < 30) {
      const std::string v = make_value(rand(4) == 0 ? rand(600) : rand(20));
      StringSet(db_, k, v, TtlMode::kClear);
      shadow[k] = {v, kNoExpire};
    } else if (what < 45) {
      const std::string v = make_value(rand(40));
      const int64_t at = clock_.NowMs() + static_cast<int64_t>(rand(2000));
      StringSet(db_, k, v, TtlMode::kSet, at);
      shadow[k] = {v, at};
    } else if (what < 52) {
      const std::string v = make_value(rand(300));
      Value* old = live(k);
      const int64_t at = old != nullptr ? old->expire_at : kNoExpire;
      StringSet(db_, k, v, TtlMode::kKeep);
      shadow[k] = {v, at};
    } else if (what < 62) {
      const bool present = live(k) != nullptr;
      ASSERT_EQ(db_.Delete(k), present) << k;
      shadow.erase(k);
    } else if (what < 80) {
      Value* v = live(k);
      auto r = StringGet(db_, k);
      ASSERT_EQ(r.ok(), v != nullptr) << k;
      if (v != nullptr) {
        ASSERT_EQ(*r, v->data) << k;
        ASSERT_EQ(ExpireOf(k), v->expire_at) << k;
      }
    } else if (what < 87) {
      Value* v = live(k);
      if (v == nullptr) continue;
      const std::string piece = make_value(1 + rand(rand(5) == 0 ? 300 : 8));
      const size_t old = v->data.size();
      ASSERT_EQ(StringAppend(db_, k, piece, 1 << 30).value(), old + piece.size()) << k;
      v->data += piece;
    } else if (what < 92) {
      Value* v = live(k);
      const int64_t at = clock_.NowMs() + static_cast<int64_t>(rand(2000));
      ASSERT_EQ(db_.SetExpire(k, at), v != nullptr) << k;
      if (v != nullptr) v->expire_at = at;
    } else if (what < 95) {
      Value* v = live(k);
      const bool had = v != nullptr && v->expire_at != kNoExpire;
      ASSERT_EQ(db_.Persist(k), had) << k;
      if (v != nullptr) v->expire_at = kNoExpire;
    } else if (what < 98) {
      clock_.Advance(static_cast<int64_t>(rand(5)));
    } else if (what < 99) {
      db_.ActiveExpireStep(20);
    } else {
      if (rand(10) == 0) db_.ShrinkIfSparse();
      db_.RehashStep(1 + rand(4));
    }
  }

  // Everything the database holds is either in the shadow, equal, or dead.
  size_t live_in_db = 0;
  size_t with_deadline = 0;
  db_.ForEach([&](const KeyEntry* e) {
    const std::string k(e->key());
    if (e->has_expire()) ++with_deadline;
    if (db_.IsExpired(e)) {
      auto it = shadow.find(k);
      EXPECT_TRUE(it == shadow.end() ||
                  (it->second.expire_at != kNoExpire && clock_.NowMs() > it->second.expire_at))
          << k;
      return;
    }
    ++live_in_db;
    auto it = shadow.find(k);
    ASSERT_NE(it, shadow.end()) << k;
    EXPECT_EQ(e->inline_value(), it->second.data) << k;
    EXPECT_EQ(e->expire_at(), it->second.expire_at) << k;
  });
  EXPECT_EQ(with_deadline, db_.expires_size());
  size_t live_in_shadow = 0;
  for (const auto& [k, v] : shadow) {
    if (v.expire_at == kNoExpire || clock_.NowMs() <= v.expire_at) ++live_in_shadow;
  }
  EXPECT_EQ(live_in_db, live_in_shadow);
  EXPECT_GT(live_in_db, 10000u);  // The run really built a big keyspace.
}

}  // namespace
}  // namespace respd::store

namespace respd::store {
namespace {

// Records what a listener is told.
class RecordingListener : public KeyEventListener {
 public:
  void OnKeyEvent(Database& db, std::string_view key, KeyEvent event) override {
    events.push_back({db.id(), std::string(key), std::string(KeyEventName(event))});
  }
  void OnFlush(Database& db) override { events.push_back({db.id(), "", "<flush>"}); }
  void OnSwap(Database& a, Database& b) override {
    events.push_back({a.id(), std::to_string(b.id()), "<swap>"});
  }
  struct Event {
    int db;
    std::string key;
    std::string name;
    bool operator==(const Event&) const = default;
  };
  std::vector<Event> events;
};

class DatabaseMoves : public ::testing::Test {
 protected:
  base::ManualClock clock_{kStart};
  base::HashSeed seed_ = TestSeed();
  Keyspace keyspace_{2, clock_, seed_};
  Database& a_ = keyspace_.db(0);
  Database& b_ = keyspace_.db(1);
};

TEST_F(DatabaseMoves, RenameMovesValueAndDeadline) {
  StringSet(a_, "src", "value", TtlMode::kSet, kStart + 5000);
  EXPECT_EQ(a_.Rename("src", "dst", false), Database::RenameResult::kRenamed);
  EXPECT_EQ(a_.Find("src"), nullptr);
  const KeyEntry* e = a_.Find("dst");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->inline_value(), "value");
  EXPECT_EQ(e->expire_at(), kStart + 5000);
  EXPECT_EQ(a_.expires_size(), 1u);
  EXPECT_EQ(a_.size(), 1u);
}

TEST_F(DatabaseMoves, RenameOverwritesUnlessAskedNotTo) {
  StringSet(a_, "src", "new", TtlMode::kClear);
  StringSet(a_, "dst", "old", TtlMode::kSet, kStart + 100);
  EXPECT_EQ(a_.Rename("src", "dst", true), Database::RenameResult::kTargetExists);
  EXPECT_EQ(StringGet(a_, "dst").value(), "old");
  EXPECT_EQ(a_.Rename("src", "dst", false), Database::RenameResult::kRenamed);
  EXPECT_EQ(StringGet(a_, "dst").value(), "new");
  EXPECT_EQ(a_.Find("dst")->expire_at(), KeyEntry::kNoExpire);  // The target's TTL goes too.
  EXPECT_EQ(a_.expires_size(), 0u);
  EXPECT_EQ(a_.Rename("missing", "x", false), Database::RenameResult::kNoSuchKey);
  EXPECT_EQ(a_.Rename("dst", "dst", false), Database::RenameResult::kSameKey);
}

// Found by fuzz_command_path: RENAME kept the source's dict slot across the
// lookup of the target, which can take a rehash step and move the source's
// bucket; unlinking through the stale slot lost an entry from the table.
TEST_F(DatabaseMoves, RenameWhileTheTableRehashesKeepsEveryKey) {
  std::set<std::string> live;
  int next = 0;
  for (int round = 0; round < 3000; ++round) {
    // Grow the table (so rehashes keep starting), then rename the oldest
    // key to a fresh name, or onto another live key.
    const std::string k = "k" + std::to_string(next++);
    StringSet(a_, k, "v");
    live.insert(k);
    const std::string src = *live.begin();
    const std::string dst =
        round % 3 == 0 && live.size() > 2 ? *std::next(live.begin()) : "r" + std::to_string(next++);
    ASSERT_EQ(a_.Rename(src, dst, false), Database::RenameResult::kRenamed);
    live.erase(src);
    live.insert(dst);
    ASSERT_EQ(a_.size(), live.size());
    if (round % 100 == 0) {
      for (const std::string& key : live) ASSERT_NE(a_.Find(key), nullptr) << key;
    }
  }
  size_t seen = 0;
  a_.ForEach([&](const KeyEntry*) { ++seen; });
  EXPECT_EQ(seen, live.size());
  for (const std::string& key : live) EXPECT_NE(a_.Find(key), nullptr) << key;
}

TEST_F(DatabaseMoves, RenameOntoAnExpiredKeyIsNotBlockedByIt) {
  StringSet(a_, "src", "v", TtlMode::kClear);
  StringSet(a_, "dst", "dead", TtlMode::kSet, kStart + 10);
  clock_.Advance(11);
  EXPECT_EQ(a_.Rename("src", "dst", true), Database::RenameResult::kRenamed);
  EXPECT_EQ(StringGet(a_, "dst").value(), "v");
}

TEST_F(DatabaseMoves, MoveToAnotherDatabase) {
  StringSet(a_, "k", "v", TtlMode::kSet, kStart + 1000);
  EXPECT_TRUE(a_.MoveTo("k", b_));
  EXPECT_EQ(a_.size(), 0u);
  EXPECT_EQ(a_.expires_size(), 0u);
  EXPECT_EQ(StringGet(b_, "k").value(), "v");
  EXPECT_EQ(b_.Find("k")->expire_at(), kStart + 1000);
  EXPECT_EQ(b_.expires_size(), 1u);
  StringSet(a_, "k", "other", TtlMode::kClear);
  EXPECT_FALSE(a_.MoveTo("k", b_));  // Present there already.
  EXPECT_FALSE(a_.MoveTo("missing", b_));
  EXPECT_EQ(StringGet(a_, "k").value(), "other");
}

TEST_F(DatabaseMoves, CopyKeepsTheSourceAndHonoursReplace) {
  StringSet(a_, "k", "v", TtlMode::kSet, kStart + 1000);
  ASSERT_TRUE(a_.CopyTo("k", b_, "k2", false).value());
  EXPECT_EQ(StringGet(a_, "k").value(), "v");
  EXPECT_EQ(StringGet(b_, "k2").value(), "v");
  EXPECT_EQ(b_.Find("k2")->expire_at(), kStart + 1000);
  StringSet(a_, "k", "changed", TtlMode::kClear);
  EXPECT_FALSE(a_.CopyTo("k", b_, "k2", false).value());
  EXPECT_EQ(StringGet(b_, "k2").value(), "v");
  EXPECT_TRUE(a_.CopyTo("k", b_, "k2", true).value());
  EXPECT_EQ(StringGet(b_, "k2").value(), "changed");
  EXPECT_EQ(b_.expires_size(), 0u);
  EXPECT_EQ(a_.CopyTo("missing", b_, "x", true).status(), OpStatus::kKeyNotFound);
  EXPECT_TRUE(a_.CopyTo("k", a_, "k3", false).value());  // Within one database.
  EXPECT_EQ(StringGet(a_, "k3").value(), "changed");
}

TEST_F(DatabaseMoves, SwapExchangesEverything) {
  StringSet(a_, "a", "1", TtlMode::kSet, kStart + 100);
  StringSet(b_, "b", "2", TtlMode::kClear);
  StringSet(b_, "c", "3", TtlMode::kClear);
  a_.SwapWith(b_);
  EXPECT_EQ(a_.size(), 2u);
  EXPECT_EQ(b_.size(), 1u);
  EXPECT_EQ(StringGet(a_, "b").value(), "2");
  EXPECT_EQ(StringGet(b_, "a").value(), "1");
  EXPECT_EQ(b_.expires_size(), 1u);
  EXPECT_EQ(a_.expires_size(), 0u);
  EXPECT_EQ(a_.id(), 0);  // Ids stay with the database objects.
}

TEST_F(DatabaseMoves, ListenersHearEveryChangeByRedisName) {
  RecordingListener l;
  keyspace_.events().Subscribe(&l);
  StringSet(a_, "k", "v");
  a_.SetExpire("k", kStart + 10);
  a_.Persist("k");
  ASSERT_TRUE(StringAppend(a_, "k", "w", 1 << 20).ok());
  ASSERT_TRUE(StringIncrBy(a_, "n", 2).ok());
  ASSERT_TRUE(StringIncrByFloat(a_, "n", 0.5L).ok());
  ASSERT_TRUE(StringSetRange(a_, "n", 0, "9", 1 << 20).ok());
  a_.Rename("k", "r", false);
  a_.MoveTo("r", b_);
  b_.CopyTo("r", a_, "c", false);
  a_.Delete("c");
  StringSet(b_, "e", "v", TtlMode::kSet, kStart + 5);
  clock_.Advance(6);
  EXPECT_EQ(b_.Find("e"), nullptr);  // Lazy expiry is a change too.
  keyspace_.Swap(0, 1);
  keyspace_.Flush(1, /*async=*/false);
  using E = RecordingListener::Event;
  const std::vector<E> want = {
      {0, "k", "new"},      {0, "k", "set"},       {0, "k", "expire"},      {0, "k", "persist"},
      {0, "k", "append"},   {0, "n", "new"},       {0, "n", "incrby"},      {0, "n", "incrbyfloat"},
      {0, "n", "setrange"}, {0, "r", "new"},       {0, "k", "rename_from"}, {0, "r", "rename_to"},
      {1, "r", "new"},      {0, "r", "move_from"}, {1, "r", "move_to"},     {0, "c", "new"},
      {0, "c", "copy_to"},  {0, "c", "del"},       {1, "e", "new"},         {1, "e", "set"},
      {1, "e", "expire"},   {1, "e", "expired"},   {0, "1", "<swap>"},      {1, "", "<flush>"},
  };
  EXPECT_EQ(l.events, want);
  // Reads are not changes.
  l.events.clear();
  StringSet(a_, "x", "v");
  l.events.clear();
  StringGet(a_, "x");
  a_.Find("x");
  a_.FindForRead("x", Database::Touch::kNo);
  EXPECT_TRUE(l.events.empty());
  keyspace_.events().Unsubscribe(&l);
  StringSet(a_, "y", "v");
  EXPECT_TRUE(l.events.empty());
}

TEST_F(DatabaseMoves, RenameMovesABigValueWithoutCopyingIt) {
  const std::string big(100 * kMaxInlineStringBytes, 'v');
  StringSet(a_, "src", big);
  const void* object = a_.Find("src")->object();
  EXPECT_EQ(a_.Rename("src", "dst", false), Database::RenameResult::kRenamed);
  const KeyEntry* e = a_.Find("dst");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->object(), object);  // The same buffer, moved by pointer.
  EXPECT_EQ(StringBytes(*e), big);
}

TEST_F(DatabaseMoves, CopyOfABigValueIsDeep) {
  const std::string big(2 * kMaxInlineStringBytes, 'v');
  StringSet(a_, "src", big);
  ASSERT_TRUE(a_.CopyTo("src", b_, "dst", false).value());
  EXPECT_NE(b_.Find("dst")->object(), a_.Find("src")->object());
  ASSERT_TRUE(StringAppend(a_, "src", "!", 1 << 30).ok());
  EXPECT_EQ(StringBytes(*b_.Find("dst")), big);
}

TEST_F(DatabaseMoves, AccessClockTracksIdleTime) {
  StringSet(a_, "k", "v", TtlMode::kClear);
  clock_.Advance(10'000);
  EXPECT_EQ(a_.IdleSeconds(a_.Find("k", Database::Touch::kNo)), 10u);
  a_.Find("k");  // A touch resets it.
  EXPECT_EQ(a_.IdleSeconds(a_.Find("k", Database::Touch::kNo)), 0u);
  clock_.Advance(3'000);
  StringSet(a_, "k2", "v", TtlMode::kClear);
  a_.CopyTo("k", a_, "k3", false);
  EXPECT_EQ(a_.IdleSeconds(a_.Find("k3", Database::Touch::kNo)), 0u);
}

}  // namespace
}  // namespace respd::store

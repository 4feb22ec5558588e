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
  // The value at key, or "<missing>" when GetString reports kKeyNotFound.
  std::string Get(std::string_view key) {
    auto r = db_.GetString(key);
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
  Database db_{0, clock_, seed_};
  uint64_t expected_expired_ = 0;
};

TEST_F(DatabaseTest, SetAndGetString) {
  EXPECT_EQ(db_.size(), 0u);
  EXPECT_EQ(db_.GetString("k").status(), OpStatus::kKeyNotFound);
  db_.SetString("k", "v", Database::TtlMode::kClear);
  EXPECT_EQ(Get("k"), "v");
  EXPECT_EQ(db_.size(), 1u);
  db_.SetString("k", "a much longer value than before", Database::TtlMode::kClear);
  EXPECT_EQ(Get("k"), "a much longer value than before");
  db_.SetString("k", "", Database::TtlMode::kClear);  // Empty is not missing.
  auto r = db_.GetString("k");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "");
  const std::string binary("\0a\r\n\xff", 5);
  db_.SetString(binary, binary, Database::TtlMode::kClear);
  EXPECT_EQ(Get(binary), binary);
  EXPECT_EQ(db_.size(), 2u);
  db_.SetString("big", std::string(100000, 'x'), Database::TtlMode::kClear);
  EXPECT_EQ(Get("big"), std::string(100000, 'x'));
  db_.SetString("big", "small", Database::TtlMode::kClear);
  EXPECT_EQ(Get("big"), "small");
  EXPECT_EQ(db_.size(), 3u);
  EXPECT_EQ(db_.expires_size(), 0u);
}

TEST_F(DatabaseTest, SetStringResetsTheStringForm) {
  for (KeyEntry::StringForm form : {KeyEntry::StringForm::kRaw, KeyEntry::StringForm::kBuilt}) {
    db_.SetString("k", "v", Database::TtlMode::kClear)->set_string_form(form);
    KeyEntry* e = db_.SetString("k", "w", Database::TtlMode::kKeep);  // Overwritten in place.
    EXPECT_EQ(e, db_.Find("k"));
    EXPECT_EQ(e->string_value(), "w");
    EXPECT_EQ(e->string_form(), KeyEntry::StringForm::kWhole);
  }
}

TEST_F(DatabaseTest, TtlModeSetClearKeep) {
  // kSet on a new key.
  db_.SetString("k", "1", Database::TtlMode::kSet, kStart + 1000);
  EXPECT_EQ(ExpireOf("k"), kStart + 1000);
  EXPECT_EQ(db_.expires_size(), 1u);
  // kKeep keeps it, with a new value.
  db_.SetString("k", "2", Database::TtlMode::kKeep);
  EXPECT_EQ(ExpireOf("k"), kStart + 1000);
  EXPECT_EQ(Get("k"), "2");
  EXPECT_EQ(db_.expires_size(), 1u);
  // kSet replaces it.
  db_.SetString("k", "3", Database::TtlMode::kSet, kStart + 5000);
  EXPECT_EQ(ExpireOf("k"), kStart + 5000);
  EXPECT_EQ(db_.expires_size(), 1u);
  // kClear drops it.
  db_.SetString("k", "4", Database::TtlMode::kClear);
  EXPECT_EQ(ExpireOf("k"), kNoExpire);
  EXPECT_EQ(Get("k"), "4");
  EXPECT_EQ(db_.expires_size(), 0u);
  // kKeep of a key without a deadline: still none.
  db_.SetString("k", "5", Database::TtlMode::kKeep);
  EXPECT_EQ(ExpireOf("k"), kNoExpire);
  EXPECT_EQ(db_.expires_size(), 0u);
  // kKeep and kClear on a new key: no deadline; the expire_at is ignored.
  db_.SetString("n1", "x", Database::TtlMode::kKeep, kStart + 10);
  db_.SetString("n2", "x", Database::TtlMode::kClear, kStart + 10);
  EXPECT_EQ(ExpireOf("n1"), kNoExpire);
  EXPECT_EQ(ExpireOf("n2"), kNoExpire);
  EXPECT_EQ(db_.expires_size(), 0u);
  // kSet on an existing key without one adds it to the index.
  db_.SetString("n1", "y", Database::TtlMode::kSet, kStart + 10);
  EXPECT_EQ(db_.expires_size(), 1u);
}

TEST_F(DatabaseTest, TtlModesAcrossValueSizes) {
  // Overwrites that move the entry (small <-> wide layouts) keep the index in
  // step with the entry: active expiry must still find and reclaim it.
  const std::string sizes[] = {"a", std::string(300, 'b'), std::string(5000, 'c'), "d", ""};
  for (const std::string& v : sizes) {
    db_.SetString("k", v, Database::TtlMode::kKeep);
    if (db_.expires_size() == 0) db_.SetString("k", v, Database::TtlMode::kSet, kStart + 50);
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
  db_.SetString("k", "v", Database::TtlMode::kSet, kStart + 100);
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
  db_.SetString("a", "v", Database::TtlMode::kSet, kStart + 10);
  db_.SetString("b", "v", Database::TtlMode::kClear);
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
      {"GetString", [](Database& db) { return db.GetString("k").ok(); }},
      {"Delete", [](Database& db) { return db.Delete("k"); }},
      {"SetExpire", [](Database& db) { return db.SetExpire("k", kStart + 1'000'000); }},
      {"Persist", [](Database& db) { return db.Persist("k"); }},
  };
  uint64_t expired = 0;
  for (const Access& a : accesses) {
    SCOPED_TRACE(a.name);
    db_.SetString("k", "v", Database::TtlMode::kSet, clock_.NowMs() + 5);
    db_.SetString("other", "v", Database::TtlMode::kSet, clock_.NowMs() + 1'000'000);
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
  db_.SetString("k", "old", Database::TtlMode::kSet, kStart + 10);
  clock_.Set(kStart + 11);
  db_.SetString("k", "new", Database::TtlMode::kKeep);
  EXPECT_EQ(db_.stats().expired_keys, 1u);
  EXPECT_EQ(ExpireOf("k"), kNoExpire);
  EXPECT_EQ(db_.expires_size(), 0u);
  clock_.Advance(1'000'000);
  EXPECT_EQ(Get("k"), "new");
}

TEST_F(DatabaseTest, OverwritingAnExpiredKeyCountsItAsExpired) {
  db_.SetString("k", "old", Database::TtlMode::kSet, kStart + 10);
  clock_.Set(kStart + 11);
  db_.SetString("k", "new", Database::TtlMode::kSet, kStart + 100);
  EXPECT_EQ(db_.stats().expired_keys, 1u);
  EXPECT_EQ(ExpireOf("k"), kStart + 100);
  EXPECT_EQ(db_.expires_size(), 1u);
  EXPECT_EQ(db_.size(), 1u);
}

TEST_F(DatabaseTest, SetExpireAndPersistTrackTheIndex) {
  EXPECT_FALSE(db_.SetExpire("missing", kStart + 10));
  EXPECT_FALSE(db_.Persist("missing"));
  db_.SetString("k", "value", Database::TtlMode::kClear);
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
  db_.SetString("a", "1", Database::TtlMode::kSet, kStart + 100);
  db_.SetString("b", "2", Database::TtlMode::kClear);
  EXPECT_TRUE(db_.Delete("a"));
  EXPECT_FALSE(db_.Delete("a"));
  EXPECT_TRUE(db_.Delete("b"));
  EXPECT_EQ(db_.size(), 0u);
  EXPECT_EQ(db_.expires_size(), 0u);
  EXPECT_EQ(db_.stats().expired_keys, 0u);
}

TEST_F(DatabaseTest, ResizeStringKeepsTtlAndPrefix) {
  EXPECT_EQ(db_.ResizeString("missing", 10, true), nullptr);
  db_.SetString("k", "hello", Database::TtlMode::kSet, kStart + 100);
  std::string shadow = "hello";
  // Append across the small/wide boundary and far past it: the entry moves.
  for (int i = 0; i < 200; ++i) {
    const size_t old = shadow.size();
    const std::string piece(static_cast<size_t>(1 + i % 17), static_cast<char>('a' + i % 26));
    KeyEntry* e = db_.ResizeString("k", old + piece.size(), /*greedy=*/true);
    ASSERT_NE(e, nullptr);
    std::memcpy(e->mutable_value() + old, piece.data(), piece.size());
    shadow += piece;
    ASSERT_EQ(Get("k"), shadow);
    ASSERT_EQ(ExpireOf("k"), kStart + 100);
    ASSERT_EQ(db_.expires_size(), 1u);
  }
  // Shrink it too.
  KeyEntry* e = db_.ResizeString("k", 3, /*greedy=*/false);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(Get("k"), "hel");
  EXPECT_EQ(ExpireOf("k"), kStart + 100);
  // The index still points at the moved entry: persist and expire work.
  EXPECT_TRUE(db_.Persist("k"));
  EXPECT_TRUE(db_.SetExpire("k", kStart + 200));
  clock_.Set(kStart + 201);
  ExpireStepResult r = db_.ActiveExpireStep(20);
  EXPECT_EQ(r.expired, 1u);
  EXPECT_EQ(db_.size(), 0u);
  EXPECT_EQ(db_.expires_size(), 0u);
}

TEST_F(DatabaseTest, ResizeStringOfAKeyWithoutTtl) {
  db_.SetString("k", "ab", Database::TtlMode::kClear);
  KeyEntry* e = db_.ResizeString("k", 400, /*greedy=*/false);
  ASSERT_NE(e, nullptr);
  std::memset(e->mutable_value() + 2, 'z', 398);
  EXPECT_EQ(Get("k"), "ab" + std::string(398, 'z'));
  EXPECT_EQ(ExpireOf("k"), kNoExpire);
  EXPECT_EQ(db_.expires_size(), 0u);
}

TEST_F(DatabaseTest, ActiveExpireReclaimsExpiredKeysAndKeepsLiveOnes) {
  const int n = 10000;
  for (int i = 0; i < n; ++i) {
    const std::string k = "key:" + std::to_string(i);
    if (i % 2 == 0) {
      db_.SetString(k, "dead", Database::TtlMode::kSet, kStart + 100 + i % 50);
    } else if (i % 4 == 1) {
      db_.SetString(k, "live", Database::TtlMode::kSet, kStart + 1'000'000);
    } else {
      db_.SetString(k, "live", Database::TtlMode::kClear);
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
      ASSERT_EQ(e->string_value(), "live");
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
      db_.SetString("k" + std::to_string(next), "v", Database::TtlMode::kSet,
                    kStart + 10 + next % 7);
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
  for (int i = 0; i < 100; ++i) db_.SetString(std::to_string(i), "v", Database::TtlMode::kClear);
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
      db_.SetString(k, "dead", Database::TtlMode::kSet, kStart + 10);
    } else {
      db_.SetString(k, "live", Database::TtlMode::kClear);
    }
  }
  clock_.Set(kStart + 11);
  std::set<std::string> seen;
  for (int i = 0; i < 500; ++i) {
    const KeyEntry* e = db_.RandomKey();
    ASSERT_NE(e, nullptr);
    ASSERT_FALSE(db_.IsExpired(e));
    ASSERT_EQ(e->string_value(), "live");
    seen.insert(std::string(e->key()));
  }
  EXPECT_EQ(seen.size(), 10u);  // All live keys come up.
  // Expired keys met on the way were reclaimed.
  EXPECT_EQ(db_.size(), 10u + (90u - db_.stats().expired_keys));
}

TEST_F(DatabaseTest, RandomKeyIsNullWhenAllKeysExpired) {
  for (int i = 0; i < 50; ++i) {
    db_.SetString("k" + std::to_string(i), "v", Database::TtlMode::kSet, kStart + 10);
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
    db_.SetString(k, "v", Database::TtlMode::kSet, kStart + (i % 2 == 0 ? 10 : 100000));
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
    db_.SetString("k" + std::to_string(i), "v", Database::TtlMode::kSet,
                  i % 2 ? kStart + 10 : kNoExpire);
  }
  db_.Clear();
  EXPECT_EQ(db_.size(), 0u);
  EXPECT_EQ(db_.expires_size(), 0u);
  EXPECT_EQ(db_.Find("k1"), nullptr);
  EXPECT_EQ(db_.RandomKey(), nullptr);
  EXPECT_EQ(db_.ActiveExpireStep(20).sampled, 0u);
  EXPECT_EQ(db_.stats().expired_keys, 0u);
  // Usable again.
  db_.SetString("k1", "again", Database::TtlMode::kSet, kStart + 10);
  EXPECT_EQ(Get("k1"), "again");
  EXPECT_EQ(db_.expires_size(), 1u);
}

TEST_F(DatabaseTest, KeyspaceHitsAndMisses) {
  db_.SetString("k", "v", Database::TtlMode::kSet, kStart + 10);
  EXPECT_NE(db_.FindForRead("k"), nullptr);
  EXPECT_TRUE(db_.GetString("k").ok());
  EXPECT_EQ(db_.FindForRead("nope"), nullptr);
  EXPECT_FALSE(db_.GetString("nope").ok());
  EXPECT_FALSE(db_.GetString("nope").ok());
  EXPECT_EQ(db_.stats().keyspace_hits, 2u);
  EXPECT_EQ(db_.stats().keyspace_misses, 3u);
  // Plain Find and writes are not reads.
  db_.Find("k");
  db_.Find("nope");
  db_.SetString("x", "y", Database::TtlMode::kClear);
  db_.Delete("x");
  EXPECT_EQ(db_.stats().keyspace_hits, 2u);
  EXPECT_EQ(db_.stats().keyspace_misses, 3u);
  // A read of an expired key is a miss.
  clock_.Set(kStart + 11);
  EXPECT_FALSE(db_.GetString("k").ok());
  EXPECT_EQ(db_.stats().keyspace_misses, 4u);
}

TEST_F(DatabaseTest, ShrinkAndRehashReleaseTableMemory) {
  for (int i = 0; i < 20000; ++i) {
    db_.SetString("k" + std::to_string(i), "v", Database::TtlMode::kSet, kStart + 1'000'000);
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
      db_.SetString(k, v, Database::TtlMode::kClear);
      shadow[k] = {v, kNoExpire};
    } else if (what < 45) {
      const std::string v = make_value(rand(40));
      const int64_t at = clock_.NowMs() + static_cast<int64_t>(rand(2000));
      db_.SetString(k, v, Database::TtlMode::kSet, at);
      shadow[k] = {v, at};
    } else if (what < 52) {
      const std::string v = make_value(rand(300));
      Value* old = live(k);
      const int64_t at = old != nullptr ? old->expire_at : kNoExpire;
      db_.SetString(k, v, Database::TtlMode::kKeep);
      shadow[k] = {v, at};
    } else if (what < 62) {
      const bool present = live(k) != nullptr;
      ASSERT_EQ(db_.Delete(k), present) << k;
      shadow.erase(k);
    } else if (what < 80) {
      Value* v = live(k);
      auto r = db_.GetString(k);
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
      KeyEntry* e = db_.ResizeString(k, old + piece.size(), /*greedy=*/true);
      ASSERT_NE(e, nullptr);
      std::memcpy(e->mutable_value() + old, piece.data(), piece.size());
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
    EXPECT_EQ(e->string_value(), it->second.data) << k;
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

// Records what an observer is told.
class RecordingObserver : public KeyspaceObserver {
 public:
  void OnKeyModified(Database& db, std::string_view key) override {
    events.emplace_back(db.id(), std::string(key));
  }
  std::vector<std::pair<int, std::string>> events;
};

class DatabaseMoves : public ::testing::Test {
 protected:
  base::ManualClock clock_{kStart};
  base::HashSeed seed_ = TestSeed();
  Database a_{0, clock_, seed_};
  Database b_{1, clock_, seed_};
};

TEST_F(DatabaseMoves, RenameMovesValueAndDeadline) {
  a_.SetString("src", "value", Database::TtlMode::kSet, kStart + 5000);
  EXPECT_EQ(a_.Rename("src", "dst", false), Database::RenameResult::kRenamed);
  EXPECT_EQ(a_.Find("src"), nullptr);
  const KeyEntry* e = a_.Find("dst");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->string_value(), "value");
  EXPECT_EQ(e->expire_at(), kStart + 5000);
  EXPECT_EQ(a_.expires_size(), 1u);
  EXPECT_EQ(a_.size(), 1u);
}

TEST_F(DatabaseMoves, RenameOverwritesUnlessAskedNotTo) {
  a_.SetString("src", "new", Database::TtlMode::kClear);
  a_.SetString("dst", "old", Database::TtlMode::kSet, kStart + 100);
  EXPECT_EQ(a_.Rename("src", "dst", true), Database::RenameResult::kTargetExists);
  EXPECT_EQ(a_.GetString("dst").value(), "old");
  EXPECT_EQ(a_.Rename("src", "dst", false), Database::RenameResult::kRenamed);
  EXPECT_EQ(a_.GetString("dst").value(), "new");
  EXPECT_EQ(a_.Find("dst")->expire_at(), KeyEntry::kNoExpire);  // The target's TTL goes too.
  EXPECT_EQ(a_.expires_size(), 0u);
  EXPECT_EQ(a_.Rename("missing", "x", false), Database::RenameResult::kNoSuchKey);
  EXPECT_EQ(a_.Rename("dst", "dst", false), Database::RenameResult::kSameKey);
}

TEST_F(DatabaseMoves, RenameOntoAnExpiredKeyIsNotBlockedByIt) {
  a_.SetString("src", "v", Database::TtlMode::kClear);
  a_.SetString("dst", "dead", Database::TtlMode::kSet, kStart + 10);
  clock_.Advance(11);
  EXPECT_EQ(a_.Rename("src", "dst", true), Database::RenameResult::kRenamed);
  EXPECT_EQ(a_.GetString("dst").value(), "v");
}

TEST_F(DatabaseMoves, MoveToAnotherDatabase) {
  a_.SetString("k", "v", Database::TtlMode::kSet, kStart + 1000);
  EXPECT_TRUE(a_.MoveTo("k", b_));
  EXPECT_EQ(a_.size(), 0u);
  EXPECT_EQ(a_.expires_size(), 0u);
  EXPECT_EQ(b_.GetString("k").value(), "v");
  EXPECT_EQ(b_.Find("k")->expire_at(), kStart + 1000);
  EXPECT_EQ(b_.expires_size(), 1u);
  a_.SetString("k", "other", Database::TtlMode::kClear);
  EXPECT_FALSE(a_.MoveTo("k", b_));  // Present there already.
  EXPECT_FALSE(a_.MoveTo("missing", b_));
  EXPECT_EQ(a_.GetString("k").value(), "other");
}

TEST_F(DatabaseMoves, CopyKeepsTheSourceAndHonoursReplace) {
  a_.SetString("k", "v", Database::TtlMode::kSet, kStart + 1000);
  ASSERT_TRUE(a_.CopyTo("k", b_, "k2", false).value());
  EXPECT_EQ(a_.GetString("k").value(), "v");
  EXPECT_EQ(b_.GetString("k2").value(), "v");
  EXPECT_EQ(b_.Find("k2")->expire_at(), kStart + 1000);
  a_.SetString("k", "changed", Database::TtlMode::kClear);
  EXPECT_FALSE(a_.CopyTo("k", b_, "k2", false).value());
  EXPECT_EQ(b_.GetString("k2").value(), "v");
  EXPECT_TRUE(a_.CopyTo("k", b_, "k2", true).value());
  EXPECT_EQ(b_.GetString("k2").value(), "changed");
  EXPECT_EQ(b_.expires_size(), 0u);
  EXPECT_EQ(a_.CopyTo("missing", b_, "x", true).status(), OpStatus::kKeyNotFound);
  EXPECT_TRUE(a_.CopyTo("k", a_, "k3", false).value());  // Within one database.
  EXPECT_EQ(a_.GetString("k3").value(), "changed");
}

TEST_F(DatabaseMoves, SwapExchangesEverything) {
  a_.SetString("a", "1", Database::TtlMode::kSet, kStart + 100);
  b_.SetString("b", "2", Database::TtlMode::kClear);
  b_.SetString("c", "3", Database::TtlMode::kClear);
  a_.SwapWith(b_);
  EXPECT_EQ(a_.size(), 2u);
  EXPECT_EQ(b_.size(), 1u);
  EXPECT_EQ(a_.GetString("b").value(), "2");
  EXPECT_EQ(b_.GetString("a").value(), "1");
  EXPECT_EQ(b_.expires_size(), 1u);
  EXPECT_EQ(a_.expires_size(), 0u);
  EXPECT_EQ(a_.id(), 0);  // Ids stay with the database objects.
}

TEST_F(DatabaseMoves, ObserverHearsOfEveryChange) {
  RecordingObserver obs;
  a_.set_observer(&obs);
  b_.set_observer(&obs);
  a_.SetString("k", "v", Database::TtlMode::kClear);
  a_.SetExpire("k", kStart + 10);
  a_.Persist("k");
  a_.ResizeString("k", 3, true);
  a_.Rename("k", "r", false);
  a_.MoveTo("r", b_);
  b_.CopyTo("r", a_, "c", false);
  a_.Delete("c");
  b_.SetString("e", "v", Database::TtlMode::kSet, kStart + 5);
  clock_.Advance(6);
  EXPECT_EQ(b_.Find("e"), nullptr);  // Lazy expiry is a change too.
  const std::vector<std::pair<int, std::string>> want = {{0, "k"}, {0, "k"}, {0, "k"}, {0, "k"},
                                                         {0, "k"}, {0, "r"}, {0, "r"}, {1, "r"},
                                                         {0, "c"}, {0, "c"}, {1, "e"}, {1, "e"}};
  EXPECT_EQ(obs.events, want);
  // Reads are not changes.
  obs.events.clear();
  a_.SetString("x", "v", Database::TtlMode::kClear);
  obs.events.clear();
  a_.GetString("x");
  a_.Find("x");
  a_.FindForRead("x", Database::Touch::kNo);
  EXPECT_TRUE(obs.events.empty());
}

TEST_F(DatabaseMoves, AccessClockTracksIdleTime) {
  a_.SetString("k", "v", Database::TtlMode::kClear);
  clock_.Advance(10'000);
  EXPECT_EQ(a_.IdleSeconds(a_.Find("k", Database::Touch::kNo)), 10u);
  a_.Find("k");  // A touch resets it.
  EXPECT_EQ(a_.IdleSeconds(a_.Find("k", Database::Touch::kNo)), 0u);
  clock_.Advance(3'000);
  a_.SetString("k2", "v", Database::TtlMode::kClear);
  a_.CopyTo("k", a_, "k3", false);
  EXPECT_EQ(a_.IdleSeconds(a_.Find("k3", Database::Touch::kNo)), 0u);
}

}  // namespace
}  // namespace respd::store

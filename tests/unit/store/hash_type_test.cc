// The hash type API against a model: random HSET/HSETNX/HDEL/HINCRBY on
// small thresholds, so hashes cross from listpack to hashtable mid-run; the
// listpack keeps insertion order, the conversion keeps every pair, a key
// goes with its last field. Then the StringMap on its own, its SCAN
// guarantee while it grows, and COPY / lazy free of a big hash.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/numbers.h"
#include "store/keyspace.h"
#include "store/types/hash.h"

namespace respd::store {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

Pairs PairsOf(const KeyEntry& e) {
  Pairs out;
  HashForEach(e, [&out](std::string_view f, std::string_view v) { out.emplace_back(f, v); });
  return out;
}

class HashTypeTest : public ::testing::Test {
 protected:
  KeyEntry* Find(std::string_view key) {
    auto found = FindHash(db_, key);
    return found ? *found : nullptr;
  }

  base::ManualClock clock_{1'700'000'000'000};
  base::HashSeed seed_{};
  Keyspace keyspace_{1, clock_, seed_};
  Database& db_ = keyspace_.db(0);
  TypeLimits limits_;
};

TEST_F(HashTypeTest, RandomOperationsMatchTheModel) {
  limits_.hash_max_listpack_entries = 16;
  limits_.hash_max_listpack_value = 8;
  std::mt19937_64 rng(7);
  // The model: insertion order (what a listpack shows) and the contents.
  std::map<std::string, Pairs> model;
  const auto field = [&rng] { return "f" + std::to_string(rng() % 40); };
  const auto value = [&rng]() -> std::string {
    if (rng() % 20 == 0) return std::string(9 + rng() % 5, 'L');  // Past the value limit.
    return std::to_string(static_cast<int64_t>(rng() % 2000) - 1000);
  };
  const auto set_in_model = [](Pairs& pairs, const std::string& f, const std::string& v) {
    for (auto& [pf, pv] : pairs) {
      if (pf == f) {
        pv = v;
        return false;
      }
    }
    pairs.emplace_back(f, v);
    return true;
  };
  for (int step = 0; step < 20000; ++step) {
    const std::string key = "k" + std::to_string(rng() % 5);
    Pairs& m = model[key];
    switch (rng() % 4) {
      case 0: {
        const std::string f1 = field(), v1 = value(), f2 = field(), v2 = value();
        const std::string_view args[] = {f1, v1, f2, v2};
        size_t expected = set_in_model(m, f1, v1);
        expected += set_in_model(m, f2, v2);
        auto created = HashSet(db_, key, args, limits_);
        ASSERT_TRUE(created.ok());
        ASSERT_EQ(*created, expected) << step;
        break;
      }
      case 1: {
        const std::string f = field(), v = value();
        bool absent = std::none_of(m.begin(), m.end(), [&](auto& p) { return p.first == f; });
        if (absent) m.emplace_back(f, v);
        auto set = HashSetIfAbsent(db_, key, f, v, limits_);
        ASSERT_TRUE(set.ok());
        ASSERT_EQ(*set, absent) << step;
        break;
      }
      case 2: {
        const std::string f1 = field(), f2 = field();
        const std::string_view args[] = {f1, f2};
        size_t expected = 0;
        for (const std::string& f : {f1, f2}) {
          auto it = std::find_if(m.begin(), m.end(), [&](auto& p) { return p.first == f; });
          if (it != m.end()) {
            m.erase(it);
            ++expected;
          }
        }
        auto deleted = HashDelete(db_, key, args);
        if (!deleted.ok()) {
          ASSERT_EQ(deleted.status(), OpStatus::kKeyNotFound);
          ASSERT_EQ(expected, 0u);
        } else {
          ASSERT_EQ(*deleted, expected) << step;
        }
        break;
      }
      default: {
        const std::string f = field();
        auto it = std::find_if(m.begin(), m.end(), [&](auto& p) { return p.first == f; });
        int64_t current = 0;
        if (it != m.end() && !base::ParseInt64(it->second, &current)) {
          ASSERT_EQ(HashIncrBy(db_, key, f, 3, limits_).status(), OpStatus::kNotAnInteger);
          break;
        }
        auto v = HashIncrBy(db_, key, f, 3, limits_);
        ASSERT_TRUE(v.ok());
        ASSERT_EQ(*v, current + 3);
        set_in_model(m, f, std::to_string(current + 3));
      }
    }
    KeyEntry* e = Find(key);
    if (m.empty()) {
      ASSERT_EQ(e, nullptr) << "an empty hash must not stay, step " << step;
      continue;
    }
    ASSERT_NE(e, nullptr);
    ASSERT_EQ(HashLength(*e), m.size());
    Pairs got = PairsOf(*e);
    if (e->encoding() == kHashListpack) {
      ASSERT_EQ(got, m) << "listpack order, step " << step;
    } else {
      Pairs sorted = m;
      std::sort(sorted.begin(), sorted.end());
      std::sort(got.begin(), got.end());
      ASSERT_EQ(got, sorted) << step;
    }
    for (const auto& [f, v] : m) {
      HashScratch scratch;
      auto read = HashGet(*e, f, scratch);
      ASSERT_TRUE(read.has_value());
      ASSERT_EQ(*read, v);
    }
  }
}

TEST_F(HashTypeTest, ConvertsAtTheThresholdsAndNeverBack) {
  limits_.hash_max_listpack_entries = 3;
  const std::string_view three[] = {"a", "1", "b", "2", "c", "3"};
  ASSERT_TRUE(HashSet(db_, "h", three, limits_).ok());
  EXPECT_EQ(EncodingName(*Find("h")), "listpack");
  const std::string_view fourth[] = {"d", "4"};
  ASSERT_TRUE(HashSet(db_, "h", fourth, limits_).ok());
  EXPECT_EQ(EncodingName(*Find("h")), "hashtable");
  const std::string_view gone[] = {"a", "b", "c"};
  ASSERT_EQ(*HashDelete(db_, "h", gone), 3u);
  EXPECT_EQ(EncodingName(*Find("h")), "hashtable");
  EXPECT_EQ(PairsOf(*Find("h")), (Pairs{{"d", "4"}}));
}

TEST_F(HashTypeTest, WrongTypeIsRefusedWithoutChange) {
  const std::string_view pair[] = {"f", "v"};
  ASSERT_TRUE(HashSet(db_, "h", pair, limits_).ok());
  KeyEntry* fresh =
      KeyEntry::CreateInline("s", "x", KeyEntry::kNoExpire, ValueType::kString, kStringWhole);
  auto slot = db_.FindForWrite("s");
  db_.Commit(slot, fresh);
  EXPECT_EQ(HashSet(db_, "s", pair, limits_).status(), OpStatus::kWrongType);
  EXPECT_EQ(HashDelete(db_, "s", pair).status(), OpStatus::kWrongType);
  EXPECT_EQ(HashIncrBy(db_, "s", "f", 1, limits_).status(), OpStatus::kWrongType);
  EXPECT_EQ(FindHash(db_, "s").status(), OpStatus::kWrongType);
}

TEST_F(HashTypeTest, CopyIsDeepAndLazyFreeFreesInSlices) {
  for (int i = 0; i < 5000; ++i) {
    const std::string f = "field" + std::to_string(i);
    const std::string_view pair[] = {f, "value"};
    ASSERT_TRUE(HashSet(db_, "big", pair, limits_).ok());
  }
  KeyEntry* big = Find("big");
  ASSERT_EQ(EncodingName(*big), "hashtable");
  EXPECT_EQ(FreeEffort(*big), 5000u);
  EXPECT_GT(MemoryUsage(*big), 5000u * 20);
  KeyEntry* copy = CopyEntry(*big, "copy");
  EXPECT_EQ(EncodingName(*copy), "hashtable");
  EXPECT_EQ(PairsOf(*copy).size(), 5000u);
  // The same pairs; the original's table may still be mid-rehash (two
  // bucket arrays), the copy's was sized once.
  EXPECT_LE(MemoryUsage(*copy), MemoryUsage(*big));
  EXPECT_GT(MemoryUsage(*copy), 5000u * 20);
  // Freed a bounded amount at a time, as the reclaimer does.
  int slices = 0;
  while (true) {
    size_t budget = 1000;
    ++slices;
    if (DestroyEntrySome(copy, &budget)) break;
    EXPECT_EQ(budget, 0u);
    ASSERT_LT(slices, 100);
  }
  EXPECT_GE(slices, 5);
  EXPECT_EQ(HashLength(*Find("big")), 5000u);  // The original is untouched.
}

TEST(StringMap, ScanReturnsEveryPairPresentThroughoutWhileItGrows) {
  base::HashSeed seed{};
  StringMap map(seed);
  for (int i = 0; i < 1000; ++i) map.Set("a" + std::to_string(i), "v");
  std::set<std::string> seen;
  uint64_t cursor = 0;
  int added = 0;
  do {
    cursor =
        map.Scan(cursor, [&seen](const StringMapEntry& p) { seen.insert(std::string(p.field())); });
    // Grow the table under the scan (several resizes happen before it
    // ends), but less than it visits, or the scan would never end.
    if (added < 20000) {
      for (int i = 0; i < 50; ++i) map.Set("b" + std::to_string(added++), "v");
    }
  } while (cursor != 0);
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(seen.count("a" + std::to_string(i))) << i;
}

TEST(StringMap, ValuesChangeSizeInPlaceOfTheirPair) {
  base::HashSeed seed{};
  StringMap map(seed);
  EXPECT_TRUE(map.Set("f", "short"));
  const size_t small = map.MemoryUsage();
  EXPECT_FALSE(map.Set("f", std::string(300, 'x')));  // Wide lengths.
  EXPECT_EQ(map.Find("f")->value(), std::string(300, 'x'));
  EXPECT_GT(map.MemoryUsage(), small);
  EXPECT_FALSE(map.Set("f", "tiny"));
  EXPECT_EQ(map.Find("f")->value(), "tiny");
  EXPECT_FALSE(map.Add("f", "other"));
  EXPECT_TRUE(map.Add(std::string(300, 'k'), ""));
  EXPECT_EQ(map.Find(std::string(300, 'k'))->value(), "");
  EXPECT_EQ(map.size(), 2u);
  EXPECT_TRUE(map.Delete("f"));
  EXPECT_FALSE(map.Delete("f"));
  EXPECT_EQ(map.size(), 1u);
}

}  // namespace
}  // namespace respd::store

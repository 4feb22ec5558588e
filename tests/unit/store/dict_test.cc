// Dict: lookups through incremental rehashing, shrinking, random sampling and
// the SCAN guarantee (every key present for the whole scan is returned, while
// the table grows, shrinks or is half-way through a rehash).
#include "store/dict.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace respd::store {
namespace {

struct TestEntry {
  std::string key;
  TestEntry* next = nullptr;
};

struct TestTraits {
  using Entry = TestEntry;
  static std::string_view Key(const TestEntry* e) { return e->key; }
  static TestEntry*& Next(TestEntry* e) { return e->next; }
};

base::HashSeed FixedSeed(uint8_t salt = 0) {
  base::HashSeed seed;
  for (int i = 0; i < 16; ++i) seed.bytes[i] = static_cast<uint8_t>(i * 7 + 3 + salt);
  return seed;
}

std::string Key(int i) { return "key:" + std::to_string(i); }

// A dict that owns its entries, with a shadow set of what it should hold.
class TestDict {
 public:
  explicit TestDict(uint8_t salt = 0) : seed_(FixedSeed(salt)), dict_(seed_) {}
  ~TestDict() {
    dict_.Clear([](TestEntry* e) { delete e; });
  }

  Dict<TestTraits>& dict() { return dict_; }
  const std::set<std::string>& keys() const { return keys_; }

  void Add(const std::string& key) {
    ASSERT_EQ(dict_.Find(key), nullptr) << key;
    dict_.Insert(new TestEntry{key});
    keys_.insert(key);
  }
  void AddRange(int from, int to) {
    for (int i = from; i < to; ++i) Add(Key(i));
  }
  bool Del(const std::string& key) {
    TestEntry* e = dict_.Remove(key);
    if (e == nullptr) return false;
    EXPECT_EQ(e->key, key);
    EXPECT_EQ(e->next, nullptr);
    delete e;
    keys_.erase(key);
    return true;
  }
  // Finishes any rehash in progress.
  void FinishRehash() {
    while (dict_.Rehash(1 << 20)) {
    }
  }
  // Checks the dict holds exactly the shadow set.
  void ExpectConsistent() {
    ASSERT_EQ(dict_.size(), keys_.size());
    for (const std::string& k : keys_) {
      TestEntry* e = dict_.Find(k);
      ASSERT_NE(e, nullptr) << k;
      ASSERT_EQ(e->key, k);
    }
    std::multiset<std::string> seen;
    dict_.ForEach([&](TestEntry* e) { seen.insert(e->key); });
    ASSERT_EQ(seen, std::multiset<std::string>(keys_.begin(), keys_.end()));
  }

 private:
  base::HashSeed seed_;  // Before dict_: the dict keeps a pointer to it.
  Dict<TestTraits> dict_;
  std::set<std::string> keys_;
};

// Runs a whole SCAN, calling between(step) after each call, and returns every
// key emitted (with multiplicity). Fails if the scan does not terminate.
std::multiset<std::string> ScanAll(Dict<TestTraits>& dict,
                                   const std::function<void(int)>& between = nullptr) {
  std::multiset<std::string> seen;
  uint64_t cursor = 0;
  int steps = 0;
  do {
    cursor = dict.Scan(cursor, [&](TestEntry* e) { seen.insert(e->key); });
    if (between) between(steps);
    ++steps;
    if (steps > (1 << 20)) {
      ADD_FAILURE() << "scan did not terminate";
      break;
    }
  } while (cursor != 0);
  return seen;
}

void ExpectAllSeen(const std::set<std::string>& stable, const std::multiset<std::string>& seen) {
  size_t missing = 0;
  for (const std::string& k : stable) {
    if (seen.count(k) == 0) {
      if (++missing <= 5) ADD_FAILURE() << "scan missed " << k;
    }
  }
  EXPECT_EQ(missing, 0u);
}

// Inserts keys until a growth rehash starts; returns the size of the old table.
size_t GrowUntilRehashing(TestDict& d, int* next_key) {
  for (;;) {
    d.Add(Key((*next_key)++));
    if (d.dict().rehashing()) return d.dict().bucket_count() / 3;
  }
}

TEST(Dict, EmptyDictFindsNothing) {
  TestDict d;
  EXPECT_TRUE(d.dict().empty());
  EXPECT_EQ(d.dict().size(), 0u);
  EXPECT_EQ(d.dict().Find("a"), nullptr);
  EXPECT_EQ(d.dict().Remove("a"), nullptr);
  EXPECT_FALSE(d.dict().FindSlot("a"));
  EXPECT_EQ(d.dict().RandomEntry(), nullptr);
  TestEntry* out[4];
  EXPECT_EQ(d.dict().Sample(out, 4), 0u);
  EXPECT_EQ(d.dict().Scan(0, [](TestEntry*) { ADD_FAILURE(); }), 0u);
  EXPECT_FALSE(d.dict().Rehash(10));
  EXPECT_FALSE(d.dict().rehashing());
}

TEST(Dict, InsertFindRemove) {
  TestDict d;
  d.Add("a");
  d.Add("b");
  d.Add("c");
  d.Add("");  // The empty key is a key like any other.
  EXPECT_EQ(d.dict().size(), 4u);
  for (const char* k : {"a", "b", "c", ""}) {
    TestEntry* e = d.dict().Find(k);
    ASSERT_NE(e, nullptr) << k;
    EXPECT_EQ(e->key, k);
  }
  EXPECT_EQ(d.dict().Find("d"), nullptr);
  EXPECT_EQ(d.dict().Find("aa"), nullptr);
  EXPECT_TRUE(d.Del("b"));
  EXPECT_FALSE(d.Del("b"));
  EXPECT_EQ(d.dict().Find("b"), nullptr);
  EXPECT_EQ(d.dict().size(), 3u);
  EXPECT_TRUE(d.Del(""));
  d.ExpectConsistent();
}

TEST(Dict, KeysAreBinarySafe) {
  TestDict d;
  const std::string a("a\0b", 3);
  const std::string b("a\0c", 3);
  d.Add(a);
  d.Add(b);
  d.Add("a");
  EXPECT_EQ(d.dict().Find(a)->key, a);
  EXPECT_EQ(d.dict().Find(b)->key, b);
  EXPECT_EQ(d.dict().Find("a")->key, "a");
  EXPECT_EQ(d.dict().Find(std::string("a\0", 2)), nullptr);
}

TEST(Dict, UnlinkAtFoundSlot) {
  TestDict d;
  d.AddRange(0, 100);
  auto slot = d.dict().FindSlot(Key(42));
  ASSERT_TRUE(slot);
  EXPECT_EQ(slot.entry()->key, Key(42));
  TestEntry* e = d.dict().Unlink(slot);
  EXPECT_EQ(e->key, Key(42));
  EXPECT_EQ(e->next, nullptr);
  delete e;
  EXPECT_EQ(d.dict().size(), 99u);
  EXPECT_EQ(d.dict().Find(Key(42)), nullptr);
  for (int i = 0; i < 100; ++i) {
    if (i != 42) {
      EXPECT_NE(d.dict().Find(Key(i)), nullptr) << i;
    }
  }
}

TEST(Dict, ReplacePutsAMovedEntryInPlace) {
  TestDict d;
  d.AddRange(0, 50);
  for (int i = 0; i < 50; i += 7) {
    auto slot = d.dict().FindSlot(Key(i));
    ASSERT_TRUE(slot);
    TestEntry* old = slot.entry();
    auto* moved = new TestEntry{old->key, old->next};
    Dict<TestTraits>::Replace(slot, moved);
    delete old;
    EXPECT_EQ(d.dict().Find(Key(i)), moved);
  }
  EXPECT_EQ(d.dict().size(), 50u);
  for (int i = 0; i < 50; ++i) EXPECT_NE(d.dict().Find(Key(i)), nullptr) << i;
}

TEST(Dict, GrowthRehashesIncrementally) {
  TestDict d;
  int next = 0;
  // Build a table big enough that the next growth takes many steps.
  d.AddRange(0, 1 << 12);
  next = 1 << 12;
  d.FinishRehash();
  const size_t buckets_before = d.dict().bucket_count();
  EXPECT_GE(buckets_before, size_t{1} << 12);
  const size_t old_size = GrowUntilRehashing(d, &next);
  EXPECT_EQ(old_size, buckets_before);
  EXPECT_EQ(d.dict().bucket_count(), old_size * 3);  // Both tables, old and twice as big.
  EXPECT_EQ(d.dict().MemoryUsage(), d.dict().bucket_count() * sizeof(TestEntry*));

  // A handful of operations moves a handful of buckets: still rehashing.
  for (int i = 0; i < 10; ++i) ASSERT_NE(d.dict().Find(Key(i)), nullptr);
  EXPECT_TRUE(d.dict().rehashing());

  // Inserts, deletes and lookups while rehashing stay correct.
  std::mt19937 rng(1);
  int ops_while_rehashing = 0;
  while (d.dict().rehashing()) {
    ++ops_while_rehashing;
    switch (rng() % 3) {
      case 0:
        d.Add(Key(next++));
        break;
      case 1: {
        const std::string k = Key(static_cast<int>(rng() % static_cast<uint32_t>(next)));
        const bool present = d.keys().count(k) != 0;
        EXPECT_EQ(d.Del(k), present) << k;
        break;
      }
      default: {
        const std::string k = Key(static_cast<int>(rng() % static_cast<uint32_t>(next)));
        TestEntry* e = d.dict().Find(k);
        EXPECT_EQ(e != nullptr, d.keys().count(k) != 0) << k;
        if (e != nullptr) {
          EXPECT_EQ(e->key, k);
        }
      }
    }
    ASSERT_LT(ops_while_rehashing, 1 << 20) << "rehash never finished";
  }
  // One bucket per operation: it took many operations, and it did finish.
  EXPECT_GT(ops_while_rehashing, 100);
  EXPECT_EQ(d.dict().bucket_count(), old_size * 2);
  d.ExpectConsistent();
}

TEST(Dict, BucketCountStaysProportionalToSize) {
  TestDict d;
  for (int i = 0; i < 100000; ++i) {
    d.Add(Key(i));
    if (!d.dict().rehashing()) {
      // Load factor at most 1 once settled, and never more than 4x empty.
      EXPECT_GE(d.dict().bucket_count(), d.dict().size());
      EXPECT_LE(d.dict().bucket_count(), std::max<size_t>(4, d.dict().size() * 4));
    }
  }
  d.ExpectConsistent();
}

TEST(Dict, RehashIsBoundedPerCall) {
  TestDict d;
  int next = 0;
  d.AddRange(0, 1 << 13);
  next = 1 << 13;
  d.FinishRehash();
  const size_t old_size = GrowUntilRehashing(d, &next);
  // Each Rehash(1) moves at most one non-empty bucket and looks at most at
  // ten empty ones, so it advances at most 11 buckets and at least 1.
  size_t calls = 0;
  while (d.dict().Rehash(1)) ++calls;
  ++calls;
  EXPECT_GE(calls, old_size / 12);
  EXPECT_LE(calls, old_size);
  EXPECT_FALSE(d.dict().rehashing());
  EXPECT_FALSE(d.dict().Rehash(1));  // Nothing left to do.
  d.ExpectConsistent();

  // A big enough n finishes in one call.
  const size_t old2 = GrowUntilRehashing(d, &next);
  EXPECT_FALSE(d.dict().Rehash(old2));
  EXPECT_FALSE(d.dict().rehashing());
  d.ExpectConsistent();
}

TEST(Dict, RehashZeroDoesNothing) {
  TestDict d;
  int next = 0;
  d.AddRange(0, 1 << 10);
  next = 1 << 10;
  d.FinishRehash();
  GrowUntilRehashing(d, &next);
  EXPECT_TRUE(d.dict().Rehash(0));
  EXPECT_TRUE(d.dict().rehashing());
}

TEST(Dict, ShrinkIfSparse) {
  TestDict d;
  d.AddRange(0, 1000);
  d.FinishRehash();
  EXPECT_FALSE(d.dict().ShrinkIfSparse());  // Full enough.
  const size_t big = d.dict().bucket_count();
  EXPECT_EQ(big, 1024u);
  for (int i = 10; i < 1000; ++i) ASSERT_TRUE(d.Del(Key(i)));
  d.FinishRehash();
  ASSERT_EQ(d.dict().size(), 10u);
  EXPECT_TRUE(d.dict().ShrinkIfSparse());
  EXPECT_TRUE(d.dict().rehashing());
  EXPECT_FALSE(d.dict().ShrinkIfSparse());  // Not while rehashing.
  // Still correct half-way.
  d.ExpectConsistent();
  d.FinishRehash();
  EXPECT_EQ(d.dict().bucket_count(), 16u);  // The smallest power of two >= 10.
  d.ExpectConsistent();
  EXPECT_FALSE(d.dict().ShrinkIfSparse());
}

TEST(Dict, ShrinkIfSparseKeepsTheMinimumSize) {
  TestDict d;
  d.AddRange(0, 3);
  d.FinishRehash();
  EXPECT_EQ(d.dict().bucket_count(), 4u);
  d.Del(Key(0));
  d.Del(Key(1));
  d.Del(Key(2));
  EXPECT_FALSE(d.dict().ShrinkIfSparse());
  EXPECT_EQ(d.dict().bucket_count(), 4u);
  d.Add("x");
  d.ExpectConsistent();
}

TEST(Dict, ShrinkingWhileInsertingStaysCorrect) {
  TestDict d;
  d.AddRange(0, 4096);
  d.FinishRehash();
  for (int i = 100; i < 4096; ++i) d.Del(Key(i));
  d.FinishRehash();
  ASSERT_TRUE(d.dict().ShrinkIfSparse());
  int next = 10000;
  while (d.dict().rehashing()) d.Add(Key(next++));
  d.ExpectConsistent();
}

TEST(Dict, ResizeRefusesWhatWouldNotFit) {
  TestDict d;
  d.AddRange(0, 100);
  d.FinishRehash();
  EXPECT_FALSE(d.dict().Resize(50));
  EXPECT_FALSE(d.dict().rehashing());
  EXPECT_TRUE(d.dict().Resize(1000));
  EXPECT_TRUE(d.dict().rehashing());
  EXPECT_FALSE(d.dict().Resize(5000));  // Not while rehashing.
  d.FinishRehash();
  EXPECT_EQ(d.dict().bucket_count(), 1024u);
  d.ExpectConsistent();
}

TEST(Dict, ScanReturnsEveryKeyExactlyOnceWithoutResize) {
  for (int n : {1, 3, 4, 5, 100, 1000, 5000}) {
    TestDict d;
    d.AddRange(0, n);
    d.FinishRehash();
    const auto seen = ScanAll(d.dict());
    EXPECT_EQ(seen, std::multiset<std::string>(d.keys().begin(), d.keys().end())) << n;
  }
}

TEST(Dict, ScanReturnsEveryKeyWhenTheTableGrowsDuringTheScan) {
  for (int per_step : {1, 7, 50, 500}) {
    for (bool finish_rehash : {false, true}) {
      TestDict d;
      d.AddRange(0, 200);
      d.FinishRehash();
      const std::set<std::string> stable = d.keys();
      int next = 1000000;
      const size_t buckets_before = d.dict().bucket_count();
      // Growth is capped: a table that grows faster than the cursor moves
      // would keep any SCAN (Redis's too) going forever.
      const auto seen = ScanAll(d.dict(), [&](int) {
        for (int i = 0; i < per_step && d.dict().size() < 10000; ++i) d.Add(Key(next++));
        if (finish_rehash) d.FinishRehash();
      });
      d.FinishRehash();
      EXPECT_GE(d.dict().bucket_count(), buckets_before * 2);
      SCOPED_TRACE("per_step=" + std::to_string(per_step) +
                   " finish_rehash=" + std::to_string(finish_rehash));
      ExpectAllSeen(stable, seen);
    }
  }
}

TEST(Dict, ScanReturnsEveryKeyWhenTheTableShrinksDuringTheScan) {
  for (int shrink_after : {0, 1, 5, 40, 300}) {
    for (bool finish_rehash : {false, true}) {
      TestDict d;
      d.AddRange(0, 4096);
      d.FinishRehash();
      std::set<std::string> stable;
      for (int i = 0; i < 4096; i += 64) stable.insert(Key(i));
      const auto seen = ScanAll(d.dict(), [&](int step) {
        if (step != shrink_after) return;
        for (int i = 0; i < 4096; ++i) {
          if (i % 64 != 0) d.Del(Key(i));
        }
        d.FinishRehash();
        ASSERT_TRUE(d.dict().ShrinkIfSparse());
        if (finish_rehash) {
          d.FinishRehash();
        } else {
          d.dict().Rehash(3);
          ASSERT_TRUE(d.dict().rehashing());
        }
      });
      SCOPED_TRACE("shrink_after=" + std::to_string(shrink_after) +
                   " finish_rehash=" + std::to_string(finish_rehash));
      ExpectAllSeen(stable, seen);
    }
  }
}

TEST(Dict, ScanReturnsEveryKeyWhileRehashing) {
  // The whole scan runs with the rehash frozen half-way (Scan itself never
  // moves buckets).
  {
    TestDict d;
    int next = 0;
    d.AddRange(0, 2000);
    next = 2000;
    d.FinishRehash();
    GrowUntilRehashing(d, &next);
    d.dict().Rehash(200);
    ASSERT_TRUE(d.dict().rehashing());
    const auto seen = ScanAll(d.dict());
    EXPECT_TRUE(d.dict().rehashing());
    ExpectAllSeen(d.keys(), seen);
    // No resize between calls: nothing is returned twice.
    EXPECT_EQ(seen.size(), d.keys().size());
  }
  // The rehash progresses, and completes, between calls.
  {
    TestDict d;
    int next = 0;
    d.AddRange(0, 2000);
    next = 2000;
    d.FinishRehash();
    GrowUntilRehashing(d, &next);
    const std::set<std::string> stable = d.keys();
    bool saw_rehashing = false;
    const auto seen = ScanAll(d.dict(), [&](int) {
      saw_rehashing |= d.dict().rehashing();
      d.dict().Rehash(20);
    });
    EXPECT_TRUE(saw_rehashing);
    EXPECT_FALSE(d.dict().rehashing());
    ExpectAllSeen(stable, seen);
  }
  // A shrink in progress when the scan starts.
  {
    TestDict d;
    d.AddRange(0, 4096);
    d.FinishRehash();
    for (int i = 0; i < 4096; ++i) {
      if (i % 50 != 0) d.Del(Key(i));
    }
    d.FinishRehash();
    ASSERT_TRUE(d.dict().ShrinkIfSparse());
    d.dict().Rehash(5);
    ASSERT_TRUE(d.dict().rehashing());
    const std::set<std::string> stable = d.keys();
    const auto frozen = ScanAll(d.dict());
    EXPECT_EQ(frozen, std::multiset<std::string>(stable.begin(), stable.end()));
    const auto moving = ScanAll(d.dict(), [&](int) { d.dict().Rehash(2); });
    ExpectAllSeen(stable, moving);
  }
}

TEST(Dict, ScanReturnsEveryStableKeyUnderRandomChurn) {
  // Random inserts and deletes of other keys, shrinks and rehash steps
  // between SCAN calls: the keys never touched are always all returned.
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    std::mt19937 rng(seed);
    TestDict d(static_cast<uint8_t>(seed));
    const int stable_count = 1 + static_cast<int>(rng() % 300);
    for (int i = 0; i < stable_count; ++i) d.Add("stable:" + std::to_string(i));
    const std::set<std::string> stable = d.keys();
    std::vector<std::string> churn;
    int next = 0;
    const int initial = static_cast<int>(rng() % 3000);
    for (int i = 0; i < initial; ++i) {
      churn.push_back(Key(next++));
      d.Add(churn.back());
    }
    const auto seen = ScanAll(d.dict(), [&](int) {
      switch (rng() % 6) {
        case 0:
        case 1: {  // Grow.
          const int n = static_cast<int>(rng() % 200);
          for (int i = 0; i < n && d.dict().size() < 20000; ++i) {
            churn.push_back(Key(next++));
            d.Add(churn.back());
          }
          break;
        }
        case 2: {  // Delete a lot.
          const size_t n = rng() % (churn.size() + 1);
          for (size_t i = 0; i < n && !churn.empty(); ++i) {
            const size_t at = rng() % churn.size();
            d.Del(churn[at]);
            churn[at] = churn.back();
            churn.pop_back();
          }
          break;
        }
        case 3:
          d.dict().ShrinkIfSparse();
          break;
        case 4:
          d.dict().Rehash(rng() % 64);
          break;
        default:
          d.FinishRehash();
          d.dict().ShrinkIfSparse();
          d.dict().Rehash(rng() % 4);
      }
    });
    SCOPED_TRACE("seed=" + std::to_string(seed));
    ExpectAllSeen(stable, seen);
    d.ExpectConsistent();
  }
}

TEST(Dict, ScanDoesNotAdvanceTheRehash) {
  TestDict d;
  int next = 0;
  d.AddRange(0, 1 << 12);
  next = 1 << 12;
  d.FinishRehash();
  GrowUntilRehashing(d, &next);
  // A full scan over a table mid-rehash leaves it mid-rehash: Scan pauses
  // rehashing so its cursor math sees fixed tables.
  for (int i = 0; i < 3; ++i) ScanAll(d.dict());
  EXPECT_TRUE(d.dict().rehashing());
}

TEST(Dict, ScanResumesFromAnyReturnedCursor) {
  TestDict d;
  d.AddRange(0, 500);
  d.FinishRehash();
  std::vector<uint64_t> cursors;
  uint64_t c = 0;
  do {
    cursors.push_back(c);
    c = d.dict().Scan(c, [](TestEntry*) {});
  } while (c != 0);
  // Starting over from a cursor met half-way gives the rest, which together
  // with the first half is everything.
  const uint64_t mid = cursors[cursors.size() / 2];
  std::multiset<std::string> first, rest;
  c = 0;
  while (c != mid) c = d.dict().Scan(c, [&](TestEntry* e) { first.insert(e->key); });
  do {
    c = d.dict().Scan(c, [&](TestEntry* e) { rest.insert(e->key); });
  } while (c != 0);
  first.insert(rest.begin(), rest.end());
  EXPECT_EQ(first, std::multiset<std::string>(d.keys().begin(), d.keys().end()));
}

TEST(Dict, RandomEntryReturnsMembersAndCoversAll) {
  TestDict d;
  d.AddRange(0, 10);
  std::map<std::string, int> hits;
  for (int i = 0; i < 5000; ++i) {
    TestEntry* e = d.dict().RandomEntry();
    ASSERT_NE(e, nullptr);
    ASSERT_EQ(d.keys().count(e->key), 1u) << e->key;
    ++hits[e->key];
  }
  EXPECT_EQ(hits.size(), 10u);
  // Roughly fair: no key gets less than a fifth of its share.
  for (const auto& [k, n] : hits) EXPECT_GT(n, 100) << k;
}

TEST(Dict, RandomEntryWorksWhileRehashingAndWhenSparse) {
  TestDict d;
  int next = 0;
  d.AddRange(0, 1 << 12);
  next = 1 << 12;
  d.FinishRehash();
  GrowUntilRehashing(d, &next);
  std::set<std::string> got;
  for (int i = 0; i < 500; ++i) {
    TestEntry* e = d.dict().RandomEntry();
    ASSERT_NE(e, nullptr);
    ASSERT_EQ(d.keys().count(e->key), 1u);
    got.insert(e->key);
  }
  EXPECT_TRUE(d.dict().rehashing());
  EXPECT_GT(got.size(), 400u);

  // Sparse: two keys left in a big table.
  for (int i = 2; i < next; ++i) d.Del(Key(i));
  std::set<std::string> left;
  for (int i = 0; i < 200; ++i) {
    TestEntry* e = d.dict().RandomEntry();
    ASSERT_NE(e, nullptr);
    left.insert(e->key);
  }
  EXPECT_EQ(left, (std::set<std::string>{Key(0), Key(1)}));
}

// Samples `want` entries and checks they are distinct live members; returns
// how many came back.
size_t ExpectValidSample(TestDict& d, size_t want) {
  std::vector<TestEntry*> out(want + 1, nullptr);
  const size_t n = d.dict().Sample(out.data(), want);
  EXPECT_LE(n, want);
  EXPECT_LE(n, d.dict().size());
  std::set<TestEntry*> distinct;
  for (size_t i = 0; i < n; ++i) {
    if (out[i] == nullptr) {
      ADD_FAILURE() << "null entry at " << i;
      return n;
    }
    EXPECT_EQ(d.keys().count(out[i]->key), 1u);
    EXPECT_EQ(d.dict().Find(out[i]->key), out[i]);
    distinct.insert(out[i]);
  }
  EXPECT_EQ(distinct.size(), n) << "Sample returned an entry twice";
  EXPECT_EQ(out[want], nullptr) << "Sample wrote past count";
  return n;
}

TEST(Dict, SampleReturnsDistinctMembers) {
  TestDict d;
  d.AddRange(0, 1000);
  d.FinishRehash();
  for (size_t want : {1, 5, 20, 100, 999, 1000}) {
    for (int rep = 0; rep < 50; ++rep) ExpectValidSample(d, want);
  }
  // On a full table, a sample of count is count entries.
  std::vector<TestEntry*> out(20);
  EXPECT_EQ(d.dict().Sample(out.data(), 20), 20u);
}

TEST(Dict, SampleNeverExceedsTheSize) {
  TestDict d;
  d.AddRange(0, 7);
  for (int rep = 0; rep < 100; ++rep) ExpectValidSample(d, 50);
  std::vector<TestEntry*> out(50);
  EXPECT_LE(d.dict().Sample(out.data(), 50), 7u);
}

TEST(Dict, SampleIsDistinctOnASparseTable) {
  // Few entries in a big table: the sampler jumps after runs of empty
  // buckets, and must not come back to an entry it already took.
  TestDict d;
  d.AddRange(0, 4096);
  d.FinishRehash();
  for (int i = 0; i < 4096; ++i) {
    if (i % 512 != 0) d.Del(Key(i));
  }
  ASSERT_EQ(d.dict().size(), 8u);
  for (size_t want : {1, 2, 3, 8}) {
    for (int rep = 0; rep < 500; ++rep) ExpectValidSample(d, want);
  }
}

TEST(Dict, SampleWorksWhileRehashing) {
  for (bool shrink : {false, true}) {
    SCOPED_TRACE(shrink ? "shrinking" : "growing");
    TestDict d;
    int next = 0;
    d.AddRange(0, 1 << 12);
    next = 1 << 12;
    d.FinishRehash();
    if (shrink) {
      for (int i = 0; i < next; ++i) {
        if (i % 40 != 0) d.Del(Key(i));
      }
      d.FinishRehash();
      ASSERT_TRUE(d.dict().ShrinkIfSparse());
    } else {
      GrowUntilRehashing(d, &next);
    }
    bool saw_rehashing = false;
    size_t total = 0;
    for (int rep = 0; rep < 200; ++rep) {
      saw_rehashing |= d.dict().rehashing();
      total += ExpectValidSample(d, 1 + static_cast<size_t>(rep % 16));
    }
    EXPECT_TRUE(saw_rehashing);
    EXPECT_GT(total, 0u);
  }
}

TEST(Dict, ForEachVisitsEveryEntryOnce) {
  TestDict d;
  int next = 0;
  d.AddRange(0, 3000);
  next = 3000;
  d.FinishRehash();
  GrowUntilRehashing(d, &next);
  ASSERT_TRUE(d.dict().rehashing());
  std::multiset<std::string> seen;
  d.dict().ForEach([&](TestEntry* e) { seen.insert(e->key); });
  EXPECT_EQ(seen, std::multiset<std::string>(d.keys().begin(), d.keys().end()));
  EXPECT_TRUE(d.dict().rehashing());  // ForEach does not move buckets.
}

TEST(Dict, ClearFreesEveryEntry) {
  for (bool rehashing : {false, true}) {
    base::HashSeed seed = FixedSeed();
    Dict<TestTraits> dict(seed);
    int n = 0;
    while (n < 5000 || (rehashing && !dict.rehashing())) {
      dict.Insert(new TestEntry{Key(n++)});
    }
    if (!rehashing) {
      while (dict.Rehash(1000)) {
      }
    }
    EXPECT_EQ(dict.rehashing(), rehashing);
    std::unordered_set<TestEntry*> freed;
    dict.Clear([&](TestEntry* e) {
      EXPECT_TRUE(freed.insert(e).second) << "freed twice";
      delete e;
    });
    EXPECT_EQ(freed.size(), static_cast<size_t>(n));
    EXPECT_TRUE(dict.empty());
    EXPECT_FALSE(dict.rehashing());
    EXPECT_EQ(dict.bucket_count(), 0u);
    EXPECT_EQ(dict.Find(Key(0)), nullptr);
    // Usable again afterwards.
    auto* e = new TestEntry{"again"};
    dict.Insert(e);
    EXPECT_EQ(dict.Find("again"), e);
    int count = 0;
    dict.Clear([&](TestEntry* x) {
      ++count;
      delete x;
    });
    EXPECT_EQ(count, 1);
  }
}

TEST(Dict, RandomizedOperationsMatchAShadowSet) {
  TestDict d;
  std::mt19937 rng(12345);
  for (int op = 0; op < 200000; ++op) {
    const std::string k = Key(static_cast<int>(rng() % 20000));
    switch (rng() % 8) {
      case 0:
      case 1:
      case 2:
        if (d.keys().count(k) == 0) d.Add(k);
        break;
      case 3:
      case 4: {
        const bool present = d.keys().count(k) != 0;
        EXPECT_EQ(d.Del(k), present);
        break;
      }
      case 5:
        if (rng() % 100 == 0) d.dict().ShrinkIfSparse();
        break;
      case 6:
        if (rng() % 10 == 0) d.dict().Rehash(rng() % 8);
        break;
      default: {
        TestEntry* e = d.dict().Find(k);
        ASSERT_EQ(e != nullptr, d.keys().count(k) != 0) << k;
      }
    }
  }
  d.ExpectConsistent();
}

TEST(Dict, DetachTakesEverythingAndLeavesAWorkingEmptyDict) {
  for (bool mid_rehash : {false, true}) {
    SCOPED_TRACE(mid_rehash ? "while rehashing" : "settled");
    TestDict t;
    t.AddRange(0, 5000);
    if (!mid_rehash) t.FinishRehash();
    if (mid_rehash) {
      // Force a resize and leave it half done.
      t.FinishRehash();
      t.dict().Resize(1 << 14);
      t.dict().Rehash(100);
      ASSERT_TRUE(t.dict().rehashing());
    }
    DetachedTable<TestTraits> detached = t.dict().Detach();
    EXPECT_EQ(detached.size(), 5000u);
    EXPECT_TRUE(t.dict().empty());
    EXPECT_EQ(t.dict().bucket_count(), 0u);
    EXPECT_EQ(t.dict().Find(Key(1)), nullptr);
    // The dict is usable at once.
    t.dict().Insert(new TestEntry{"after"});
    EXPECT_NE(t.dict().Find("after"), nullptr);
    // The detached entries come out a bounded number at a time, each once.
    std::set<std::string> freed;
    size_t calls = 0;
    while (!detached.empty()) {
      const size_t used = detached.FreeSome(64, [&](TestEntry* e) {
        EXPECT_TRUE(freed.insert(e->key).second) << e->key;
        delete e;
      });
      EXPECT_LE(used, 64u);
      ++calls;
      ASSERT_LT(calls, 100000u);
    }
    EXPECT_EQ(freed.size(), 5000u);
    EXPECT_GE(calls, 5000u / 64);
    EXPECT_EQ(detached.FreeSome(10, [](TestEntry*) { FAIL(); }), 0u);
    // Leave the shadow consistent for the fixture's own cleanup.
    delete t.dict().Remove("after");
  }
}

TEST(Dict, DetachedTableKeepsToItsBudgetInASparseTable) {
  TestDict t;
  t.AddRange(0, 40);
  t.FinishRehash();
  // Mostly empty buckets: walking them is work too, within the budget.
  t.dict().Resize(1 << 16);
  t.FinishRehash();
  DetachedTable<TestTraits> detached = t.dict().Detach();
  EXPECT_EQ(detached.FreeSome(0, [](TestEntry*) { FAIL(); }), 0u);
  EXPECT_EQ(detached.size(), 40u);
  size_t freed = 0, calls = 0;
  while (!detached.empty()) {
    const size_t used = detached.FreeSome(4, [&](TestEntry* e) {
      ++freed;
      delete e;
    });
    EXPECT_LE(used, 4u);
    ASSERT_LT(++calls, 100000u);
  }
  EXPECT_EQ(freed, 40u);
  // The 40 keys spread over 2^16 buckets (all in the first tenth has odds
  // of 10^-40): tens of thousands of buckets walked at 16 a unit and 4
  // units a call take hundreds of calls, where counting only entries would
  // take 10.
  EXPECT_GT(calls, 100u);
}

}  // namespace
}  // namespace respd::store

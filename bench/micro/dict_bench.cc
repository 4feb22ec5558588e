// The dict alone (store::Dict over KeyEntry, the keyspace's own traits), and
// the same operations one level up through store::Database (allocation, LRU
// clock and stats included). Keys are 16 bytes ("key:%012d"), values 16.
//
// Tables of 1K keys stay in cache; 1M keys do not, which is what a real
// keyspace sees (a lookup is then dominated by cache misses).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/siphash.h"
#include "store/database.h"
#include "store/dict.h"
#include "store/key_entry.h"
#include "store/keyspace.h"
#include "store/types/string.h"

namespace {

using respd::base::HashSeed;
using respd::base::ManualClock;
using respd::store::Database;
using respd::store::Dict;
using respd::store::KeyEntry;
using respd::store::KeyEntryTraits;
using respd::store::Keyspace;
using respd::store::kStringWhole;
using respd::store::StringGet;
using respd::store::StringSet;
using respd::store::ValueType;

using KeyDict = Dict<KeyEntryTraits>;

const respd::base::HashSeed& Seed() {
  static const respd::base::HashSeed seed = respd::base::RandomHashSeed();
  return seed;
}

std::vector<std::string> MakeKeys(size_t n, const char* fmt = "key:%012zu") {
  std::vector<std::string> keys(n);
  char buf[32];
  for (size_t i = 0; i < n; ++i) {
    std::snprintf(buf, sizeof(buf), fmt, i);
    keys[i] = buf;
  }
  return keys;
}

// Writes "key:%012zu" (or another 4-byte prefix) into buf[16]. Lookups
// format their key on the fly: a vector of std::string would add two cache
// misses per lookup on a 1M table (the string object and its heap bytes:
// 16 bytes is past the SSO limit) and measure the benchmark, not the dict.
inline std::string_view FormatKey(char* buf, size_t i, const char* prefix = "key:") {
  std::memcpy(buf, prefix, 4);
  for (int d = 15; d >= 4; --d) {
    buf[d] = static_cast<char>('0' + i % 10);
    i /= 10;
  }
  return {buf, 16};
}

// A shuffled visiting order, so lookups do not walk memory in insertion order.
std::vector<uint32_t> Shuffled(size_t n) {
  std::vector<uint32_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = static_cast<uint32_t>(i);
  std::mt19937 rng(42);
  std::shuffle(order.begin(), order.end(), rng);
  return order;
}

const std::string kValue16 = "vvvvvvvvvvvvvvvv";

// A filled dict that owns its entries, rehash finished.
struct FilledDict {
  explicit FilledDict(size_t n) : dict(Seed()), keys(MakeKeys(n)) {
    entries.reserve(n);
    for (const auto& k : keys) {
      entries.push_back(KeyEntry::CreateInline(k, kValue16, KeyEntry::kNoExpire, ValueType::kString,
                                               kStringWhole));
      dict.Insert(entries.back());
    }
    while (dict.Rehash(1000)) {
    }
  }
  ~FilledDict() {
    dict.Clear([](KeyEntry*) {});
    for (KeyEntry* e : entries) KeyEntry::Free(e);
  }
  KeyDict dict;
  std::vector<std::string> keys;
  std::vector<KeyEntry*> entries;
};

void BM_DictGetHit(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  FilledDict d(n);
  const auto order = Shuffled(n);
  size_t i = 0, found = 0;
  char buf[16];
  for (auto _ : state) {
    found += d.dict.Find(FormatKey(buf, order[i])) != nullptr;
    if (++i == n) i = 0;
  }
  if (found != static_cast<size_t>(state.iterations())) state.SkipWithError("missing key");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DictGetHit)->Arg(1000)->Arg(1000000);

void BM_DictGetMiss(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  FilledDict d(n);
  const auto order = Shuffled(n);
  size_t i = 0, found = 0;
  char buf[16];
  for (auto _ : state) {
    found += d.dict.Find(FormatKey(buf, order[i], "nok:")) != nullptr;
    if (++i == n) i = 0;
  }
  if (found != 0) state.SkipWithError("found a missing key");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DictGetMiss)->Arg(1000)->Arg(1000000);

// Inserting n new keys into an empty dict: every growth and its incremental
// rehash included. Entries are made beforehand (this is the table's cost).
void BM_DictInsertNew(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const auto keys = MakeKeys(n);
  std::vector<KeyEntry*> entries;
  for (const auto& k : keys)
    entries.push_back(KeyEntry::CreateInline(k, kValue16, -1, ValueType::kString, kStringWhole));
  for (auto _ : state) {
    KeyDict dict(Seed());
    for (KeyEntry* e : entries) dict.Insert(e);
    benchmark::DoNotOptimize(dict.size());
    state.PauseTiming();
    dict.Clear([](KeyEntry*) {});
    state.ResumeTiming();
  }
  for (KeyEntry* e : entries) KeyEntry::Free(e);
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(n));
}
BENCHMARK(BM_DictInsertNew)->Arg(1000)->Arg(1000000)->Unit(benchmark::kMillisecond);

// Remove + reinsert of an existing key (the table's part of a delete; the
// reinsert keeps the table the same size).
void BM_DictRemoveReinsert(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  FilledDict d(n);
  const auto order = Shuffled(n);
  size_t i = 0;
  char buf[16];
  for (auto _ : state) {
    KeyEntry* e = d.dict.Remove(FormatKey(buf, order[i]));
    d.dict.Insert(e);
    if (++i == n) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DictRemoveReinsert)->Arg(1000)->Arg(1000000);

// One Rehash(100) step (the unit the cron's 1 ms budget is spent in) on a
// table of 1M keys, moving back and forth between 2^21 and 2^22 buckets (so
// about 0.25-0.5 entries per source bucket).
void BM_DictRehash100(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  FilledDict d(n);
  const size_t small = std::bit_ceil(n) * 2, large = small * 2;
  d.dict.Resize(small);
  while (d.dict.Rehash(1000)) {
  }
  size_t target = large;
  d.dict.Resize(target);
  for (auto _ : state) {
    if (!d.dict.Rehash(100)) {
      state.PauseTiming();
      target = target == small ? large : small;
      d.dict.Resize(target);
      state.ResumeTiming();
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DictRehash100)->Arg(1000000)->Unit(benchmark::kMicrosecond);

// A whole rehash of n keys (2^21 <-> 2^22 buckets), in Rehash(100) steps:
// ns per entry moved.
void BM_DictRehashPerEntry(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  FilledDict d(n);
  const size_t small = std::bit_ceil(n) * 2, large = small * 2;
  d.dict.Resize(small);
  while (d.dict.Rehash(1000)) {
  }
  size_t target = small;
  for (auto _ : state) {
    target = target == small ? large : small;
    d.dict.Resize(target);
    while (d.dict.Rehash(100)) {
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(n));
}
BENCHMARK(BM_DictRehashPerEntry)->Arg(1000000)->Unit(benchmark::kMillisecond);

// The same through store::Database: what a SET/GET/DEL handler calls.
struct Db {
  respd::base::ManualClock clock{1700000000000};
  Keyspace keyspace{1, clock, Seed()};
  Database& db = keyspace.db(0);
};

// A database holding n keys (16-byte values), fully rehashed, and a shuffled
// order to visit them in.
struct FilledDb : Db {
  explicit FilledDb(size_t n) : order(Shuffled(n)) {
    for (const auto& k : MakeKeys(n)) StringSet(db, k, kValue16);
    while (db.RehashStep(1000)) {
    }
  }
  std::vector<uint32_t> order;
};

void BM_DbGetStringHit(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  FilledDb d(n);
  const auto& order = d.order;
  size_t i = 0;
  char buf[16];
  for (auto _ : state) {
    auto r = StringGet(d.db, FormatKey(buf, order[i]));
    benchmark::DoNotOptimize(r);
    if (++i == n) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DbGetStringHit)->Arg(1000)->Arg(1000000);

void BM_DbSetStringNew(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const auto keys = MakeKeys(n);
  for (auto _ : state) {
    Db d;
    for (const auto& k : keys) StringSet(d.db, k, kValue16);
    state.PauseTiming();
    d.db.Clear();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(n));
}
BENCHMARK(BM_DbSetStringNew)->Arg(1000)->Arg(1000000)->Unit(benchmark::kMillisecond);

void BM_DbSetStringOverwrite(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  FilledDb d(n);
  const auto& order = d.order;
  const std::string other = "wwwwwwwwwwwwwwww";
  size_t i = 0;
  char buf[16];
  for (auto _ : state) {
    StringSet(d.db, FormatKey(buf, order[i]), (i & 1) ? kValue16 : other);
    if (++i == n) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DbSetStringOverwrite)->Arg(1000)->Arg(1000000);

// DEL of an existing key, then SET it back (untimed would cost more than the
// operation; the pair is reported, see BM_DbSetStringOverwrite for SET alone).
void BM_DbDeleteAndSet(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  FilledDb d(n);
  const auto& order = d.order;
  size_t i = 0;
  char buf[16];
  for (auto _ : state) {
    const std::string_view k = FormatKey(buf, order[i]);
    if (!d.db.Delete(k)) state.SkipWithError("key missing");
    StringSet(d.db, k, kValue16);
    if (++i == n) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DbDeleteAndSet)->Arg(1000)->Arg(1000000);

}  // namespace

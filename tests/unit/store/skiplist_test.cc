// The skiplist encoding against a model (a member -> score map and the
// (score, member) order): random inserts, score updates that move the node
// and ones that leave it in place, deletes of present and absent members,
// lookups, ranks both ways, walks both ways, the first and last node of
// score and lex ranges, and deleting by score, lex and rank range, all
// checked after every step; the byte order of members under one score
// (prefixes, "", \0, \xff); Copy's deep, independent copy; MemoryUsage
// following inserts and deletes; Random, Sample and Scan giving only members
// that are there (Scan every one of them); FreeSome draining the list; and
// ranks over 200k members, where the spans of the upper levels matter.
#include "store/encodings/skiplist.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

namespace respd::store {
namespace {

using Node = SkipList::Node;
using Entry = std::pair<double, std::string>;  // (score, member), the order.
using Kind = LexBound::Kind;

constexpr double kInf = std::numeric_limits<double>::infinity();

base::HashSeed Seed() {
  base::HashSeed seed;
  for (int i = 0; i < 16; ++i) seed.bytes[i] = static_cast<uint8_t>(0x30 + i * 7);
  return seed;
}

// The model: the member index and the order.
struct Model {
  std::map<std::string, double> scores;
  std::set<Entry> order;

  size_t size() const { return scores.size(); }
  bool Has(const std::string& m) const { return scores.count(m) != 0; }
  void Insert(const std::string& m, double s) {
    scores.emplace(m, s);
    order.emplace(s, m);
  }
  void Erase(const std::string& m) {
    const auto it = scores.find(m);
    order.erase(Entry{it->second, m});
    scores.erase(it);
  }
  void Update(const std::string& m, double s) {
    Erase(m);
    Insert(m, s);
  }
  size_t RankOf(const std::string& m) const {
    return static_cast<size_t>(std::distance(order.begin(), order.find(Entry{scores.at(m), m})));
  }
  std::vector<Entry> Vec() const { return {order.begin(), order.end()}; }
};

Entry Of(const Node* n) { return {SkipList::Score(n), std::string(SkipList::Member(n))}; }

std::vector<Entry> Forward(const SkipList& sl) {
  std::vector<Entry> out;
  for (const Node* n = sl.First(); n != nullptr; n = SkipList::Next(n)) out.push_back(Of(n));
  return out;
}

std::vector<Entry> Backward(const SkipList& sl) {
  std::vector<Entry> out;
  for (const Node* n = sl.Last(); n != nullptr; n = SkipList::Prev(n)) out.push_back(Of(n));
  std::reverse(out.begin(), out.end());
  return out;
}

std::vector<std::string> Members(const SkipList& sl) {
  std::vector<std::string> out;
  for (const Node* n = sl.First(); n != nullptr; n = SkipList::Next(n)) {
    out.emplace_back(SkipList::Member(n));
  }
  return out;
}

// Everything the list says agrees with the model: size, both walks, the
// ends, and for every node its rank, the node at that rank and the index.
::testing::AssertionResult Matches(const SkipList& sl, const Model& m) {
  const std::vector<Entry> want = m.Vec();
  if (sl.size() != want.size()) {
    return ::testing::AssertionFailure() << "size " << sl.size() << ", model " << want.size();
  }
  if (want.empty() && (sl.First() != nullptr || sl.Last() != nullptr)) {
    return ::testing::AssertionFailure() << "empty list with a First or Last";
  }
  if (Forward(sl) != want) return ::testing::AssertionFailure() << "forward walk differs";
  if (Backward(sl) != want) return ::testing::AssertionFailure() << "backward walk differs";
  size_t r = 0;
  for (const Node* n = sl.First(); n != nullptr; n = SkipList::Next(n), ++r) {
    if (sl.Rank(n) != r) {
      return ::testing::AssertionFailure() << "Rank of " << ::testing::PrintToString(want[r])
                                           << " is " << sl.Rank(n) << ", want " << r;
    }
    if (sl.ByRank(r) != n) return ::testing::AssertionFailure() << "ByRank(" << r << ") differs";
    if (sl.Find(SkipList::Member(n)) != n) {
      return ::testing::AssertionFailure() << "Find of " << ::testing::PrintToString(want[r]);
    }
  }
  for (const auto& [member, score] : m.scores) {
    const Node* n = sl.Find(member);
    if (n == nullptr || SkipList::Score(n) != score) {
      return ::testing::AssertionFailure() << "index lost " << ::testing::PrintToString(member);
    }
  }
  return ::testing::AssertionSuccess();
}

// Every string of up to four bytes over {\0, a, b, \xff} (so many members
// are prefixes of others, "" included), and some longer ones.
std::vector<std::string> MemberPool() {
  const char alphabet[] = {'\0', 'a', 'b', '\xff'};
  std::vector<std::string> pool = {""};
  for (size_t from = 0, len = 1; len <= 4; ++len) {
    const size_t to = pool.size();
    for (size_t i = from; i < to; ++i) {
      for (char c : alphabet) pool.push_back(pool[i] + c);
    }
    from = to;
  }
  for (int i = 0; i < 20; ++i) {
    pool.push_back(std::string(30 + i, 'a') + static_cast<char>('a' + i % 3));
  }
  return pool;
}

// Scores with many ties, and the infinities.
constexpr double kScores[] = {-kInf, -2, -1, -0.5, 0, 0.5, 1, 1.5, 2, 3, kInf};

double PickScore(std::mt19937_64& rng) {
  if (rng() % 4 == 0) return std::uniform_real_distribution<double>(-3, 3)(rng);
  return kScores[rng() % std::size(kScores)];
}

ScoreRange RandomScoreRange(std::mt19937_64& rng) {
  ScoreRange r;
  r.min = PickScore(rng);
  r.max = PickScore(rng);
  if (r.min > r.max && rng() % 4 != 0) std::swap(r.min, r.max);  // Mostly not empty.
  r.min_exclusive = rng() % 2 == 0;
  r.max_exclusive = rng() % 2 == 0;
  return r;
}

// A lex bound whose value (if any) lives in *storage.
LexBound RandomLexBound(std::mt19937_64& rng, const std::vector<std::string>& pool,
                        std::string* storage) {
  LexBound b;
  switch (rng() % 8) {
    case 0:
      b.kind = Kind::kMinusInfinity;
      return b;
    case 1:
      b.kind = Kind::kPlusInfinity;
      return b;
    case 2:
      *storage = pool[rng() % pool.size()] + 'c';  // Mostly absent.
      break;
    default:
      *storage = pool[rng() % pool.size()];
      break;
  }
  b.value = *storage;
  b.exclusive = rng() % 2 == 0;
  return b;
}

LexRange RandomLexRange(std::mt19937_64& rng, const std::vector<std::string>& pool,
                        std::string* min_storage, std::string* max_storage) {
  LexRange r;
  r.min = RandomLexBound(rng, pool, min_storage);
  r.max = RandomLexBound(rng, pool, max_storage);
  if (r.min.kind == Kind::kValue && r.max.kind == Kind::kValue && r.min.value > r.max.value &&
      rng() % 4 != 0) {
    std::swap(r.min.value, r.max.value);
  }
  return r;
}

std::string Describe(const ScoreRange& r) {
  return std::string(r.min_exclusive ? "(" : "[") + std::to_string(r.min) + ", " +
         std::to_string(r.max) + (r.max_exclusive ? ")" : "]");
}

std::string Describe(const LexBound& b) {
  switch (b.kind) {
    case Kind::kMinusInfinity:
      return "-";
    case Kind::kPlusInfinity:
      return "+";
    case Kind::kValue:
      break;
  }
  return (b.exclusive ? "(" : "[") + ::testing::PrintToString(std::string(b.value));
}

std::string Describe(const LexRange& r) { return Describe(r.min) + " .. " + Describe(r.max); }

// The first and last model positions whose entry `in` admits.
template <typename In>
std::pair<std::optional<size_t>, std::optional<size_t>> ModelRange(const std::vector<Entry>& v,
                                                                   In in) {
  std::optional<size_t> first;
  std::optional<size_t> last;
  for (size_t i = 0; i < v.size(); ++i) {
    if (!in(v[i])) continue;
    if (!first) first = i;
    last = i;
  }
  return {first, last};
}

::testing::AssertionResult SameNode(const SkipList& sl, const Node* got,
                                    const std::vector<Entry>& want, std::optional<size_t> at) {
  if (!at) {
    if (got == nullptr) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << "got " << ::testing::PrintToString(Of(got)) << ", want nullptr";
  }
  if (got == nullptr) {
    return ::testing::AssertionFailure()
           << "got nullptr, want " << ::testing::PrintToString(want[*at]) << " at " << *at;
  }
  if (Of(got) != want[*at] || sl.Rank(got) != *at) {
    return ::testing::AssertionFailure()
           << "got " << ::testing::PrintToString(Of(got)) << " at " << sl.Rank(got) << ", want "
           << ::testing::PrintToString(want[*at]) << " at " << *at;
  }
  return ::testing::AssertionSuccess();
}

void ExpectScoreRange(const SkipList& sl, const Model& m, const ScoreRange& r) {
  const std::vector<Entry> v = m.Vec();
  const auto [first, last] = ModelRange(v, [&r](const Entry& e) { return r.Contains(e.first); });
  EXPECT_TRUE(SameNode(sl, sl.FirstInRange(r), v, first)) << "FirstInRange " << Describe(r);
  EXPECT_TRUE(SameNode(sl, sl.LastInRange(r), v, last)) << "LastInRange " << Describe(r);
}

// For a list whose scores are all equal (the lex commands' precondition).
void ExpectLexRange(const SkipList& sl, const Model& m, const LexRange& r) {
  const std::vector<Entry> v = m.Vec();
  const auto [first, last] = ModelRange(v, [&r](const Entry& e) { return r.Contains(e.second); });
  EXPECT_TRUE(SameNode(sl, sl.FirstInRange(r), v, first)) << "FirstInRange " << Describe(r);
  EXPECT_TRUE(SameNode(sl, sl.LastInRange(r), v, last)) << "LastInRange " << Describe(r);
}

// A score that leaves `n` where it is: strictly between its neighbours'
// scores when they differ, else its own.
double ScoreInPlace(const Node* n) {
  const Node* p = SkipList::Prev(n);
  const Node* q = SkipList::Next(n);
  const double lo = p == nullptr ? -kInf : SkipList::Score(p);
  const double hi = q == nullptr ? kInf : SkipList::Score(q);
  double s = SkipList::Score(n);
  if (lo < hi) {
    if (lo == -kInf && hi == kInf) {
      s = 0.25;
    } else if (lo == -kInf) {
      s = hi - 1;
    } else if (hi == kInf) {
      s = lo + 1;
    } else {
      s = lo + (hi - lo) / 2;
    }
    if (!(lo < s && s < hi)) s = SkipList::Score(n);
  }
  return s;
}

// Random operations against the model. With `one_score` every member has
// the same score, so lex ranges apply.
void RunRandomOps(uint64_t seed, bool one_score, int ops) {
  std::mt19937_64 rng(seed);
  const base::HashSeed hs = Seed();
  const std::vector<std::string> pool = MemberPool();
  const double the_score = kScores[seed % std::size(kScores)];
  const auto new_score = [&] { return one_score ? the_score : PickScore(rng); };
  SkipList sl(hs);
  Model m;
  size_t max_size = 0;
  for (int op = 0; op < ops; ++op) {
    SCOPED_TRACE(::testing::Message() << "seed " << seed << " op " << op << " size " << m.size());
    const std::string& member = pool[rng() % pool.size()];
    uint64_t what = rng() % 100;
    // A thousand ops of growing (no deletes) in every three thousand, so the
    // list reaches most of the pool and several levels.
    if ((op / 1000) % 3 == 0 && ((what >= 58 && what < 72) || what >= 94)) what = 0;
    if (what < 35) {  // Insert (an absent member).
      if (m.Has(member)) {
        const Node* n = sl.Find(member);
        ASSERT_NE(n, nullptr);
        ASSERT_EQ(SkipList::Score(n), m.scores.at(member));
      } else {
        const double s = new_score();
        const Node* n = sl.Insert(member, s);
        m.Insert(member, s);
        ASSERT_NE(n, nullptr);
        ASSERT_EQ(SkipList::Member(n), member);
        ASSERT_EQ(SkipList::Score(n), s);
        ASSERT_EQ(sl.Find(member), n);
        ASSERT_EQ(sl.Rank(n), m.RankOf(member));
      }
    } else if (what < 50) {  // UpdateScore, moving (or, by chance, not).
      if (m.size() == 0) continue;
      const Node* n = sl.ByRank(rng() % m.size());
      ASSERT_NE(n, nullptr);
      const std::string mem(SkipList::Member(n));
      const double s = new_score();
      sl.UpdateScore(n, s);
      m.Update(mem, s);
      ASSERT_EQ(sl.Find(mem), n) << "the node moved";
      ASSERT_EQ(SkipList::Score(n), s);
      ASSERT_EQ(SkipList::Member(n), mem);
      ASSERT_EQ(sl.Rank(n), m.RankOf(mem));
    } else if (what < 58) {  // UpdateScore keeping the place.
      if (m.size() == 0) continue;
      const size_t r = rng() % m.size();
      const Node* n = sl.ByRank(r);
      ASSERT_NE(n, nullptr);
      const Node* prev = SkipList::Prev(n);
      const Node* next = SkipList::Next(n);
      const std::string mem(SkipList::Member(n));
      const double s = one_score ? the_score : ScoreInPlace(n);
      sl.UpdateScore(n, s);
      m.Update(mem, s);
      ASSERT_EQ(SkipList::Score(n), s);
      ASSERT_EQ(sl.Rank(n), r);
      ASSERT_EQ(m.RankOf(mem), r);
      ASSERT_EQ(SkipList::Prev(n), prev);
      ASSERT_EQ(SkipList::Next(n), next);
    } else if (what < 72) {  // Delete, present or absent.
      const bool had = m.Has(member);
      ASSERT_EQ(sl.Delete(member), had) << ::testing::PrintToString(member);
      if (had) m.Erase(member);
      ASSERT_EQ(sl.Find(member), nullptr);
    } else if (what < 77) {  // Find.
      const Node* n = sl.Find(member);
      ASSERT_EQ(n != nullptr, m.Has(member));
      if (n != nullptr) {
        ASSERT_EQ(SkipList::Member(n), member);
        ASSERT_EQ(SkipList::Score(n), m.scores.at(member));
      }
    } else if (what < 82) {  // ByRank and the neighbours.
      if (m.size() == 0) continue;
      const std::vector<Entry> v = m.Vec();
      const size_t r = rng() % v.size();
      const Node* n = sl.ByRank(r);
      ASSERT_NE(n, nullptr);
      ASSERT_EQ(Of(n), v[r]);
      ASSERT_EQ(sl.Rank(n), r);
      const Node* prev = SkipList::Prev(n);
      const Node* next = SkipList::Next(n);
      ASSERT_EQ(prev == nullptr, r == 0);
      ASSERT_EQ(next == nullptr, r + 1 == v.size());
      if (prev != nullptr) {
        ASSERT_EQ(Of(prev), v[r - 1]);
      }
      if (next != nullptr) {
        ASSERT_EQ(Of(next), v[r + 1]);
      }
    } else if (what < 88) {  // First and last in a score range.
      ExpectScoreRange(sl, m, RandomScoreRange(rng));
    } else if (what < 94) {  // First and last in a lex range.
      if (!one_score) {
        ExpectScoreRange(sl, m, RandomScoreRange(rng));
        continue;
      }
      std::string lo;
      std::string hi;
      ExpectLexRange(sl, m, RandomLexRange(rng, pool, &lo, &hi));
    } else if (what < 96) {  // DeleteRange(ScoreRange).
      const ScoreRange r = RandomScoreRange(rng);
      std::vector<std::string> gone;
      for (const auto& [s, mem] : m.order) {
        if (r.Contains(s)) gone.push_back(mem);
      }
      ASSERT_EQ(sl.DeleteRange(r), gone.size()) << Describe(r);
      for (const std::string& g : gone) m.Erase(g);
    } else if (what < 98 && one_score) {  // DeleteRange(LexRange).
      std::string lo;
      std::string hi;
      const LexRange r = RandomLexRange(rng, pool, &lo, &hi);
      std::vector<std::string> gone;
      for (const auto& [s, mem] : m.order) {
        if (r.Contains(mem)) gone.push_back(mem);
      }
      ASSERT_EQ(sl.DeleteRange(r), gone.size()) << Describe(r);
      for (const std::string& g : gone) m.Erase(g);
    } else {  // DeleteRankRange.
      if (m.size() == 0) continue;
      const size_t first = rng() % m.size();
      const size_t room = m.size() - first;
      const size_t last =
          first + (rng() % 3 == 0 ? rng() % room : rng() % std::min<size_t>(room, 8));
      const std::vector<Entry> v = m.Vec();
      ASSERT_EQ(sl.DeleteRankRange(first, last), last - first + 1) << first << ".." << last;
      for (size_t i = first; i <= last; ++i) m.Erase(v[i].second);
    }
    max_size = std::max(max_size, m.size());
    ASSERT_TRUE(Matches(sl, m));
  }
  EXPECT_GT(max_size, 250u) << "the sequence should grow the list";
}

TEST(SkipList, RandomOperations) {
  for (uint64_t seed : {1, 2, 3, 4}) RunRandomOps(seed, false, 6000);
}

TEST(SkipList, RandomOperationsUnderOneScore) {
  for (uint64_t seed : {11, 15, 20, 21}) RunRandomOps(seed, true, 6000);  // -inf, 0, 3, +inf.
}

TEST(SkipList, Empty) {
  const base::HashSeed hs = Seed();
  SkipList sl(hs);
  EXPECT_EQ(sl.size(), 0u);
  EXPECT_EQ(sl.First(), nullptr);
  EXPECT_EQ(sl.Last(), nullptr);
  EXPECT_EQ(sl.Find(""), nullptr);
  EXPECT_FALSE(sl.Delete(""));
  EXPECT_EQ(sl.FirstInRange(ScoreRange{-kInf, kInf}), nullptr);
  EXPECT_EQ(sl.LastInRange(ScoreRange{-kInf, kInf}), nullptr);
  const LexRange all{{Kind::kMinusInfinity, {}, false}, {Kind::kPlusInfinity, {}, false}};
  EXPECT_EQ(sl.FirstInRange(all), nullptr);
  EXPECT_EQ(sl.LastInRange(all), nullptr);
  EXPECT_EQ(sl.DeleteRange(ScoreRange{-kInf, kInf}), 0u);
  EXPECT_EQ(sl.DeleteRange(all), 0u);
  EXPECT_EQ(sl.DeleteRankRange(0, 10), 0u);
  EXPECT_EQ(sl.Sample(nullptr, 0), 0u);
  const Node* out[4];
  EXPECT_EQ(sl.Sample(out, 4), 0u);
  int calls = 0;
  EXPECT_EQ(sl.Scan(0, [&calls](const Node*) { ++calls; }), 0u);
  EXPECT_EQ(calls, 0);

  // One member, then none again.
  const Node* n = sl.Insert("x", 1);
  EXPECT_EQ(sl.First(), n);
  EXPECT_EQ(sl.Last(), n);
  EXPECT_EQ(SkipList::Next(n), nullptr);
  EXPECT_EQ(SkipList::Prev(n), nullptr);
  EXPECT_EQ(sl.Rank(n), 0u);
  EXPECT_EQ(sl.ByRank(0), n);
  EXPECT_EQ(sl.Random(), n);
  EXPECT_EQ(sl.Sample(out, 4), 1u);
  EXPECT_EQ(out[0], n);
  EXPECT_TRUE(sl.Delete("x"));
  EXPECT_EQ(sl.size(), 0u);
  EXPECT_EQ(sl.First(), nullptr);
  EXPECT_EQ(sl.Last(), nullptr);
}

// Under one score members sort by their bytes as unsigned, a prefix first:
// "" before everything, "a" before "a\0" before "aa", "a\xff" after "ab",
// "\x80" and "\xff" after "b".
TEST(SkipList, EqualScoresSortByBytes) {
  using namespace std::string_literals;
  const std::vector<std::string> want = {""s,     "\0"s,   "\0\0"s, "\0a"s,    "a"s,       "a\0"s,
                                         "aa"s,   "aaa"s,  "ab"s,   "a\xff"s,  "b"s,       "ba"s,
                                         "\x7f"s, "\x80"s, "\xff"s, "\xff\0"s, "\xff\xff"s};
  std::vector<std::string> shuffled = want;
  std::mt19937_64 rng(7);
  const base::HashSeed hs = Seed();
  for (int round = 0; round < 20; ++round) {
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    SkipList sl(hs);
    Model m;
    for (const std::string& s : shuffled) {
      sl.Insert(s, 5);
      m.Insert(s, 5);
    }
    ASSERT_EQ(Members(sl), want);
    ASSERT_TRUE(Matches(sl, m));
    for (size_t i = 0; i < want.size(); ++i) {
      ASSERT_EQ(sl.Rank(sl.Find(want[i])), i) << ::testing::PrintToString(want[i]);
    }
  }

  SkipList sl(hs);
  Model m;
  for (const std::string& s : want) {
    sl.Insert(s, 5);
    m.Insert(s, 5);
  }
  struct Case {
    LexRange range;
    std::vector<std::string> in;
  };
  const auto value = [](std::string_view v, bool exclusive) {
    return LexBound{Kind::kValue, v, exclusive};
  };
  const LexBound minus{Kind::kMinusInfinity, {}, false};
  const LexBound plus{Kind::kPlusInfinity, {}, false};
  const std::string a = "a";
  const std::string b = "b";
  const std::string aa = "aa";
  const std::string aa0 = "aa\0"s;
  const std::string nul = "\0"s;
  const std::string ff = "\xff";
  const std::string empty;
  const std::string c = "c";
  const std::string x7f = "\x7f";
  const std::vector<Case> cases = {
      {{value(a, false), value(b, true)}, {"a", "a\0"s, "aa", "aaa", "ab", "a\xff"}},
      {{value(a, true), value(b, false)}, {"a\0"s, "aa", "aaa", "ab", "a\xff", "b"}},
      {{minus, value(a, true)}, {"", "\0"s, "\0\0"s, "\0a"s}},
      {{value(ff, false), plus}, {"\xff", "\xff\0"s, "\xff\xff"}},
      {{value(empty, true), value(nul, false)}, {"\0"s}},
      {{value(empty, false), value(empty, false)}, {""}},
      {{value(nul, false), value(nul, false)}, {"\0"s}},
      {{value(nul, true), value(nul, true)}, {}},
      {{value(nul, false), value(nul, true)}, {}},
      {{value(c, false), value(x7f, true)}, {}},
      {{value(aa, false), value(aa0, false)}, {"aa"}},
      {{value(b, false), value(a, false)}, {}},
      {{plus, minus}, {}},
      {{plus, plus}, {}},
      {{minus, minus}, {}},
      {{minus, plus}, want},
  };
  for (const Case& k : cases) {
    SCOPED_TRACE(Describe(k.range));
    std::vector<std::string> got;
    const Node* first = sl.FirstInRange(k.range);
    const Node* last = sl.LastInRange(k.range);
    ASSERT_EQ(first == nullptr, last == nullptr);
    if (first != nullptr) {
      for (const Node* n = first;; n = SkipList::Next(n)) {
        got.emplace_back(SkipList::Member(n));
        if (n == last) break;
      }
    }
    EXPECT_EQ(got, k.in);
    ExpectLexRange(sl, m, k.range);
  }

  // Deleting a lex range takes exactly its members.
  EXPECT_EQ(sl.DeleteRange(LexRange{value(a, false), value(b, true)}), 6u);
  for (const std::string& s : cases[0].in) m.Erase(s);
  EXPECT_TRUE(Matches(sl, m));
  EXPECT_EQ(sl.DeleteRange(LexRange{minus, value(empty, false)}), 1u);
  m.Erase("");
  EXPECT_TRUE(Matches(sl, m));
  EXPECT_EQ(sl.DeleteRange(LexRange{value(ff, true), plus}), 2u);
  m.Erase("\xff\0"s);
  m.Erase("\xff\xff");
  EXPECT_TRUE(Matches(sl, m));
  EXPECT_EQ(sl.DeleteRange(LexRange{plus, minus}), 0u);
  EXPECT_TRUE(Matches(sl, m));
}

// Score first, bytes only among equal scores; infinite scores at the ends;
// ranges by score with each kind of bound.
TEST(SkipList, ScoreOrderAndRanges) {
  const base::HashSeed hs = Seed();
  SkipList sl(hs);
  Model m;
  const std::vector<Entry> entries = {{1, "z"},     {2, "a"},    {2, "m"},  {2, ""},
                                      {-kInf, "b"}, {kInf, "c"}, {0.0, "n"}};
  for (const auto& [score, member] : entries) {
    sl.Insert(member, score);
    m.Insert(member, score);
  }
  ASSERT_EQ(Members(sl), (std::vector<std::string>{"b", "n", "z", "", "a", "m", "c"}));
  ASSERT_TRUE(Matches(sl, m));
  const auto members_in = [&sl](const ScoreRange& r) {
    std::vector<std::string> got;
    const Node* last = sl.LastInRange(r);
    for (const Node* n = sl.FirstInRange(r); n != nullptr; n = SkipList::Next(n)) {
      got.emplace_back(SkipList::Member(n));
      if (n == last) break;
    }
    return got;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(members_in({1, 2, true, false}), (V{"", "a", "m"}));
  EXPECT_EQ(members_in({1, 2, false, true}), (V{"z"}));
  EXPECT_EQ(members_in({-kInf, -kInf, false, false}), (V{"b"}));
  EXPECT_EQ(members_in({-kInf, 1, true, true}), (V{"n"}));
  EXPECT_EQ(members_in({2, kInf, true, false}), (V{"c"}));
  EXPECT_EQ(members_in({kInf, kInf, false, false}), (V{"c"}));
  EXPECT_EQ(members_in({-kInf, kInf, false, false}), (V{"b", "n", "z", "", "a", "m", "c"}));
  EXPECT_EQ(members_in({-kInf, kInf, true, true}), (V{"n", "z", "", "a", "m"}));
  EXPECT_EQ(members_in({1.2, 1.8, false, false}), V{});
  EXPECT_EQ(members_in({2, 2, true, false}), V{});
  EXPECT_EQ(members_in({2, 2, false, false}), (V{"", "a", "m"}));
  EXPECT_EQ(members_in({3, 1, false, false}), V{});
  EXPECT_EQ(members_in({3, 4, false, false}), V{});
  EXPECT_EQ(members_in({-5, -4, false, false}), V{});
  for (const ScoreRange& r : std::vector<ScoreRange>{{1, 2, true, false}, {1, 2}, {0, 0}}) {
    ExpectScoreRange(sl, m, r);
  }

  // A score update that keeps the place (strictly between the neighbours)
  // and ones that move the node, to either end and among equal scores.
  const Node* z = sl.Find("z");
  sl.UpdateScore(z, 1.5);
  m.Update("z", 1.5);
  EXPECT_TRUE(Matches(sl, m));
  sl.UpdateScore(z, 2);  // Among the 2s: after "m".
  m.Update("z", 2);
  EXPECT_TRUE(Matches(sl, m));
  EXPECT_EQ(sl.Rank(z), 5u);
  sl.UpdateScore(z, -kInf);  // After "b".
  m.Update("z", -kInf);
  EXPECT_TRUE(Matches(sl, m));
  EXPECT_EQ(sl.Rank(z), 1u);
  const Node* a = sl.Find("a");
  sl.UpdateScore(a, 2);  // The same score, equal neighbours.
  EXPECT_TRUE(Matches(sl, m));
  EXPECT_EQ(sl.Find("a"), a);

  EXPECT_EQ(sl.DeleteRange(ScoreRange{1, 2, true, false}), 3u);
  m.Erase("");
  m.Erase("a");
  m.Erase("m");
  EXPECT_TRUE(Matches(sl, m));
  EXPECT_EQ(sl.DeleteRange(ScoreRange{2, 1}), 0u);
  EXPECT_EQ(sl.DeleteRange(ScoreRange{kInf, kInf, true, false}), 0u);
  EXPECT_TRUE(Matches(sl, m));
  EXPECT_EQ(sl.DeleteRankRange(0, 0), 1u);  // "b"; "z", "n", "c" are left.
  m.Erase("b");
  EXPECT_TRUE(Matches(sl, m));
  EXPECT_EQ(sl.DeleteRankRange(1, 2), 2u);  // "n", "c".
  m.Erase("n");
  m.Erase("c");
  EXPECT_TRUE(Matches(sl, m));
  EXPECT_EQ(Members(sl), (V{"z"}));
}

// The copy holds the same members in the same order, and the two change
// independently afterwards.
TEST(SkipList, CopyIsDeepAndIndependent) {
  const base::HashSeed hs = Seed();
  std::mt19937_64 rng(99);
  {
    SkipList empty(hs);
    std::unique_ptr<SkipList> copy(empty.Copy());
    EXPECT_EQ(copy->size(), 0u);
    EXPECT_EQ(copy->First(), nullptr);
    copy->Insert("a", 1);
    EXPECT_EQ(empty.size(), 0u);
  }
  auto original = std::make_unique<SkipList>(hs);
  Model m;
  for (int i = 0; i < 1000; ++i) {
    const std::string member = "m" + std::to_string(rng() % 5000);
    if (m.Has(member)) continue;
    const double s = static_cast<double>(rng() % 20);
    original->Insert(member, s);
    m.Insert(member, s);
  }
  std::unique_ptr<SkipList> copy(original->Copy());
  ASSERT_TRUE(Matches(*copy, m));
  ASSERT_TRUE(Matches(*original, m));
  for (const Node* n = copy->First(); n != nullptr; n = SkipList::Next(n)) {
    ASSERT_NE(n, original->Find(SkipList::Member(n))) << "a node shared";
  }
  EXPECT_GE(copy->MemoryUsage(), m.size() * 2);

  // Change each differently.
  Model cm = m;
  const std::vector<Entry> v = m.Vec();
  for (size_t i = 0; i < v.size(); i += 3) {
    ASSERT_TRUE(original->Delete(v[i].second));
    m.Erase(v[i].second);
  }
  for (size_t i = 1; i < v.size(); i += 3) {
    copy->UpdateScore(copy->Find(v[i].second), -v[i].first);
    cm.Update(v[i].second, -v[i].first);
  }
  for (int i = 0; i < 200; ++i) {
    const std::string member = "new" + std::to_string(i);
    copy->Insert(member, i % 7);
    cm.Insert(member, i % 7);
  }
  EXPECT_EQ(copy->DeleteRankRange(10, 19), 10u);
  {
    const std::vector<Entry> cv = cm.Vec();
    for (size_t i = 10; i <= 19; ++i) cm.Erase(cv[i].second);
  }
  ASSERT_TRUE(Matches(*original, m));
  ASSERT_TRUE(Matches(*copy, cm));

  // A copy of a copy, then the first copy gone.
  std::unique_ptr<SkipList> copy2(copy->Copy());
  copy.reset();
  ASSERT_TRUE(Matches(*copy2, cm));
  ASSERT_TRUE(Matches(*original, m));
  original.reset();
  ASSERT_TRUE(Matches(*copy2, cm));
}

// MemoryUsage counts each node (its member bytes included) while it is
// there: up with every insert, down with every delete by what that node
// costs, back to just the index's table once all are gone.
TEST(SkipList, MemoryUsageFollowsTheMembers) {
  const base::HashSeed hs = Seed();
  SkipList sl(hs);
  const size_t empty = sl.MemoryUsage();
  std::vector<std::string> members;
  for (int i = 0; i < 2000; ++i) {
    members.push_back(i % 100 == 0 ? std::string(1000 + i, 'x') : "member:" + std::to_string(i));
  }
  // Not strictly up with each insert: one that ends a rehash frees the old
  // table. But never below what the nodes hold, and up by at least a long
  // member's bytes.
  size_t least = empty;
  for (size_t i = 0; i < members.size(); ++i) {
    const size_t before = sl.MemoryUsage();
    sl.Insert(members[i], static_cast<double>(i % 13));
    least += members[i].size() + sizeof(double);
    const size_t after = sl.MemoryUsage();
    ASSERT_GE(after, least) << i;
    if (members[i].size() >= 1000) {
      ASSERT_GE(after, before + members[i].size()) << i;
    }
  }
  const size_t peak = sl.MemoryUsage();
  EXPECT_GE(peak, empty + 2000 * 24);
  // Delete in a shuffled order, with absent deletes and updates in between
  // (which must not change the count; no rehash is under way by now, and
  // deletes do not start one).
  std::mt19937_64 rng(5);
  std::shuffle(members.begin(), members.end(), rng);
  size_t freed = 0;
  for (const std::string& mem : members) {
    const size_t at = sl.MemoryUsage();
    ASSERT_FALSE(sl.Delete(mem + "-absent"));
    if (sl.size() > 1) sl.UpdateScore(sl.ByRank(rng() % sl.size()), static_cast<double>(rng() % 5));
    ASSERT_EQ(sl.MemoryUsage(), at);
    ASSERT_TRUE(sl.Delete(mem));
    const size_t now = sl.MemoryUsage();
    ASSERT_GE(at, now + mem.size() + sizeof(double)) << ::testing::PrintToString(mem);
    freed += at - now;
  }
  EXPECT_EQ(sl.size(), 0u);
  const size_t left = sl.MemoryUsage();
  EXPECT_EQ(peak - freed, left);
  // What is left is the index's table: a bucket pointer per slot, no more
  // than twice the largest size rounded up.
  EXPECT_LE(left, empty + 2 * 4096 * sizeof(void*));
  EXPECT_LT(left, peak / 5);

  // Range deletes give the memory back too.
  for (int i = 0; i < 500; ++i) sl.Insert("r" + std::to_string(i), i);
  const size_t full = sl.MemoryUsage();
  EXPECT_EQ(sl.DeleteRange(ScoreRange{0, 99}), 100u);
  const size_t after_score = sl.MemoryUsage();
  EXPECT_LT(after_score, full);
  EXPECT_EQ(sl.DeleteRankRange(0, 99), 100u);
  const size_t after_rank = sl.MemoryUsage();
  EXPECT_LT(after_rank, after_score);
  EXPECT_EQ(sl.DeleteRange(ScoreRange{-kInf, kInf}), 300u);
  EXPECT_EQ(sl.MemoryUsage(), left) << "the table did not need to grow again";
}

// Random and Sample give nodes of the list (Sample distinct ones), through
// growth, shrinking by deletes and while the index rehashes.
TEST(SkipList, RandomAndSampleGivePresentMembers) {
  const base::HashSeed hs = Seed();
  SkipList sl(hs);
  std::mt19937_64 rng(17);
  std::vector<const Node*> out(600);
  // Sample may come back short from a sparse table, never empty from a
  // dense one.
  const auto check = [&](size_t expected_size, bool dense) {
    ASSERT_EQ(sl.size(), expected_size);
    std::unordered_set<const Node*> seen;
    for (int i = 0; i < 200; ++i) {
      const Node* n = sl.Random();
      ASSERT_NE(n, nullptr);
      ASSERT_EQ(sl.Find(SkipList::Member(n)), n);
      seen.insert(n);
    }
    if (expected_size >= 100) {
      EXPECT_GT(seen.size(), 50u) << "Random is hardly random";
    }
    size_t total = 0;
    for (size_t count : {size_t{1}, size_t{3}, size_t{20}, size_t{100}, size_t{600}}) {
      const size_t got = sl.Sample(out.data(), count);
      total += got;
      ASSERT_LE(got, std::min(count, expected_size));
      std::unordered_set<const Node*> distinct(out.begin(), out.begin() + got);
      ASSERT_EQ(distinct.size(), got) << "Sample repeated a node";
      for (size_t i = 0; i < got; ++i) ASSERT_EQ(sl.Find(SkipList::Member(out[i])), out[i]);
    }
    if (dense) {
      EXPECT_GT(total, 0u);
    }
  };
  for (int i = 0; i < 500; ++i) {
    sl.Insert("k" + std::to_string(i), static_cast<double>(rng() % 10));
    if (i % 7 == 0 || i < 20) {
      ASSERT_NO_FATAL_FAILURE(check(static_cast<size_t>(i) + 1, true));
    }
  }
  for (int i = 0; i < 495; ++i) {
    ASSERT_TRUE(sl.Delete("k" + std::to_string(i)));
    if (i % 7 == 0 || i > 480) {
      ASSERT_NO_FATAL_FAILURE(check(500 - static_cast<size_t>(i) - 1, false));
    }
  }
}

std::vector<std::string> ScanAll(const SkipList& sl) {
  std::vector<std::string> out;
  uint64_t cursor = 0;
  int steps = 0;
  do {
    cursor = sl.Scan(cursor, [&out](const Node* n) { out.emplace_back(SkipList::Member(n)); });
    EXPECT_LT(++steps, 1 << 20) << "the scan does not end";
  } while (cursor != 0 && steps < (1 << 20));
  return out;
}

// A full scan returns every member (and only members) at every size, also
// when the list grows and shrinks between its steps: what was there all
// along comes back at least once.
TEST(SkipList, ScanReturnsEveryMember) {
  const base::HashSeed hs = Seed();
  SkipList sl(hs);
  Model m;
  for (int i = 0; i < 400; ++i) {
    const std::string member = "s" + std::to_string(i);
    sl.Insert(member, i % 3);
    m.Insert(member, i % 3);
    const std::vector<std::string> got = ScanAll(sl);
    std::set<std::string> got_set(got.begin(), got.end());
    for (const std::string& g : got) ASSERT_TRUE(m.Has(g)) << g;
    ASSERT_EQ(got_set.size(), m.size()) << "after " << i + 1 << " inserts";
  }

  // Scans with inserts (the table grows under the scan: one a step, as a
  // busy key might see) and deletes (of members outside the kept set)
  // between the steps.
  std::mt19937_64 rng(23);
  for (int round = 0; round < 12; ++round) {
    const bool grow = round % 3 == 0 && m.size() < 3000;
    std::set<std::string> kept;
    std::vector<std::string> removable;
    for (const auto& [member, score] : m.scores) {
      if (rng() % 2 == 0) {
        kept.insert(member);
      } else {
        removable.push_back(member);
      }
    }
    std::set<std::string> seen;
    uint64_t cursor = 0;
    int next = 0;
    int steps = 0;
    do {
      cursor = sl.Scan(cursor, [&](const Node* n) {
        const std::string member(SkipList::Member(n));
        EXPECT_TRUE(m.Has(member)) << ::testing::PrintToString(member);
        seen.insert(member);
      });
      if (grow || steps % 2 == 0) {
        const std::string member = "r" + std::to_string(round) + ":" + std::to_string(next++);
        sl.Insert(member, 1);
        m.Insert(member, 1);
        removable.push_back(member);
      }
      for (int k = 0; k < (grow ? 0 : 2) && !removable.empty(); ++k) {
        const size_t i = rng() % removable.size();
        std::swap(removable[i], removable.back());
        ASSERT_TRUE(sl.Delete(removable.back()));
        m.Erase(removable.back());
        removable.pop_back();
      }
      ASSERT_LT(++steps, 1 << 20);
    } while (cursor != 0);
    for (const std::string& k : kept) ASSERT_EQ(seen.count(k), 1u) << "missed " << k;
    ASSERT_TRUE(Matches(sl, m));
  }
}

// FreeSome takes up to the budget's worth of nodes a call, lowering it, and
// says true once none is left; then the list is destroyed.
TEST(SkipList, FreeSomeDrainsTheList) {
  const base::HashSeed hs = Seed();
  {
    SkipList sl(hs);
    size_t budget = 5;
    EXPECT_TRUE(sl.FreeSome(&budget));
    EXPECT_EQ(budget, 5u);
  }
  {
    SkipList sl(hs);
    const Node* n = sl.Insert("only", 1);
    (void)n;
    size_t budget = 0;
    EXPECT_FALSE(sl.FreeSome(&budget));
    budget = 1;
    EXPECT_TRUE(sl.FreeSome(&budget));
    EXPECT_EQ(budget, 0u);
  }
  std::mt19937_64 rng(31);
  for (size_t n : {size_t{2}, size_t{10}, size_t{1000}, size_t{5000}}) {
    SCOPED_TRACE(n);
    auto sl = std::make_unique<SkipList>(hs);
    for (size_t i = 0; i < n; ++i) {
      sl->Insert(std::string(i % 50, 'p') + std::to_string(i), static_cast<double>(rng() % 100));
    }
    // Some churn first, so the links are not just those of the inserts.
    for (size_t i = 0; i < n / 4; ++i) {
      sl->UpdateScore(sl->ByRank(rng() % sl->size()), static_cast<double>(rng() % 100));
    }
    size_t freed = 0;
    int calls = 0;
    size_t budget = 0;
    EXPECT_FALSE(sl->FreeSome(&budget));
    for (bool done = false; !done;) {
      budget = 1 + rng() % 7;
      const size_t given = budget;
      done = sl->FreeSome(&budget);
      ASSERT_LE(budget, given);
      freed += given - budget;
      if (!done) {
        ASSERT_EQ(budget, 0u) << "stopped with budget left";
      }
      ASSERT_LE(freed, n);
      ASSERT_LT(++calls, 1 << 20);
    }
    EXPECT_EQ(freed, n);
    budget = 3;
    EXPECT_TRUE(sl->FreeSome(&budget));
    EXPECT_EQ(budget, 3u);
    sl.reset();
  }
  {
    auto sl = std::make_unique<SkipList>(hs);
    for (int i = 0; i < 300; ++i) sl->Insert("q" + std::to_string(i), i % 4);
    size_t budget = 1000;
    EXPECT_TRUE(sl->FreeSome(&budget));
    EXPECT_EQ(budget, 700u);
  }
}

// 200k members: ranks and ByRank of a sample against the model, the whole
// walk both ways, then again after big range deletes, deletes, updates and
// more inserts, to catch span bugs at the higher levels.
TEST(SkipList, RanksAtScale) {
  const base::HashSeed hs = Seed();
  SkipList sl(hs);
  Model m;
  std::mt19937_64 rng(2024);
  const auto random_member = [&rng] {
    std::string s = std::to_string(rng() % 100000000);
    if (rng() % 8 == 0) s.resize(s.size() / 2);  // Prefixes of others.
    return s;
  };
  while (m.size() < 200000) {
    const std::string member = random_member();
    if (m.Has(member)) continue;
    const double s = static_cast<double>(rng() % 60000) * 0.5;  // Some ties.
    sl.Insert(member, s);
    m.Insert(member, s);
  }
  const auto check = [&](const char* when) {
    SCOPED_TRACE(when);
    const std::vector<Entry> want = m.Vec();
    ASSERT_EQ(sl.size(), want.size());
    ASSERT_EQ(Forward(sl), want);
    ASSERT_EQ(Backward(sl), want);
    for (int i = 0; i < 3000; ++i) {
      const size_t r = rng() % want.size();
      const Node* n = sl.ByRank(r);
      ASSERT_NE(n, nullptr);
      ASSERT_EQ(Of(n), want[r]) << "ByRank(" << r << ")";
      const Node* f = sl.Find(want[r].second);
      ASSERT_EQ(f, n);
      ASSERT_EQ(sl.Rank(f), r);
    }
    ASSERT_EQ(sl.Rank(sl.First()), 0u);
    ASSERT_EQ(sl.Rank(sl.Last()), want.size() - 1);
    ASSERT_EQ(sl.ByRank(want.size() - 1), sl.Last());
    size_t r = 0;
    for (const Node* n = sl.First(); n != nullptr; n = SkipList::Next(n), ++r) {
      if (r % 97 == 0) {
        ASSERT_EQ(sl.Rank(n), r);
      }
    }
    for (int i = 0; i < 200; ++i) {
      ScoreRange range{static_cast<double>(rng() % 30000), static_cast<double>(rng() % 30000),
                       rng() % 2 == 0, rng() % 2 == 0};
      if (range.min > range.max) std::swap(range.min, range.max);
      const auto lo = std::partition_point(
          want.begin(), want.end(), [&range](const Entry& e) { return !range.AboveMin(e.first); });
      const auto hi = std::partition_point(
          want.begin(), want.end(), [&range](const Entry& e) { return range.BelowMax(e.first); });
      std::optional<size_t> first;
      std::optional<size_t> last;
      if (lo < hi) {
        first = static_cast<size_t>(lo - want.begin());
        last = static_cast<size_t>(hi - want.begin()) - 1;
      }
      ASSERT_TRUE(SameNode(sl, sl.FirstInRange(range), want, first)) << Describe(range);
      ASSERT_TRUE(SameNode(sl, sl.LastInRange(range), want, last)) << Describe(range);
    }
  };
  ASSERT_NO_FATAL_FAILURE(check("after the inserts"));

  // A rank range in the middle, a score range, single deletes and updates.
  {
    const std::vector<Entry> want = m.Vec();
    ASSERT_EQ(sl.DeleteRankRange(1000, 50999), 50000u);
    for (size_t i = 1000; i <= 50999; ++i) m.Erase(want[i].second);
  }
  {
    const ScoreRange range{20000, 21000, true, false};
    std::vector<std::string> gone;
    for (const auto& [score, member] : m.order) {
      if (range.Contains(score)) gone.push_back(member);
    }
    ASSERT_EQ(sl.DeleteRange(range), gone.size());
    for (const std::string& g : gone) m.Erase(g);
  }
  ASSERT_NO_FATAL_FAILURE(check("after the range deletes"));
  for (int i = 0; i < 20000; ++i) {
    const Node* n = sl.ByRank(rng() % sl.size());
    const std::string member(SkipList::Member(n));
    if (i % 2 == 0) {
      ASSERT_TRUE(sl.Delete(member));
      m.Erase(member);
    } else {
      const double s = static_cast<double>(rng() % 60000) * 0.5;
      sl.UpdateScore(n, s);
      m.Update(member, s);
    }
  }
  for (int added = 0; added < 20000;) {
    const std::string member = random_member();
    if (m.Has(member)) continue;
    const double s = static_cast<double>(rng() % 60000) * 0.5;
    sl.Insert(member, s);
    m.Insert(member, s);
    ++added;
  }
  ASSERT_NO_FATAL_FAILURE(check("after deletes, updates and inserts"));
  EXPECT_EQ(sl.DeleteRankRange(0, sl.size() - 1), m.size());
  EXPECT_EQ(sl.size(), 0u);
  EXPECT_EQ(sl.First(), nullptr);
  EXPECT_EQ(sl.Last(), nullptr);
}

}  // namespace
}  // namespace respd::store

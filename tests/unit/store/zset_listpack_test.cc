// The listpack encoding of a sorted set (the zzl* layer) against a model (a
// member -> score map and the (score, member) order): random inserts of
// absent members, lookups, deletes through Find, walks both ways, every
// rank, the first and last member of score and lex ranges, and deleting by
// score, lex and rank range, with Validate after every write; Redis's
// bytes for a known set; every score kind read back bit for bit (-0 as +0)
// and stored as d2string writes it; integer-looking and binary members
// round-tripping; Find looking only at members, never at scores.
#include "store/encodings/zset_listpack.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/numbers.h"

namespace respd::store {
namespace {

namespace zl = zset_listpack;
namespace lp = listpack;

using Entry = std::pair<double, std::string>;  // (score, member), the order.
using Kind = LexBound::Kind;
using Buf = char[lp::kIntBufferSize];

constexpr double kInf = std::numeric_limits<double>::infinity();

// Owns one listpack; every write goes through `l = zl::…(l, …)`.
struct Zl {
  uint8_t* l = lp::New();
  Zl() = default;
  Zl(const Zl&) = delete;
  Zl& operator=(const Zl&) = delete;
  ~Zl() { lp::Free(l); }
};

std::string_view AsBytes(const uint8_t* l) {
  return {reinterpret_cast<const char*>(l), lp::Bytes(l)};
}

// What a score reads back as: itself, but +0 for -0.
uint64_t Bits(double s) { return std::bit_cast<uint64_t>(s == 0 ? 0.0 : s); }

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
  std::vector<Entry> Vec() const { return {order.begin(), order.end()}; }
  size_t RankOf(const std::string& m) const {
    return static_cast<size_t>(std::distance(order.begin(), order.find(Entry{scores.at(m), m})));
  }
};

Entry At(const uint8_t* l, size_t at) {
  Buf buf;
  return {zl::ScoreAt(l, at), std::string(zl::MemberAt(l, at, buf))};
}

std::vector<Entry> Forward(const uint8_t* l) {
  std::vector<Entry> out;
  for (size_t at = zl::FirstMember(l); at != 0; at = zl::NextMember(l, at)) {
    out.push_back(At(l, at));
  }
  return out;
}

std::vector<Entry> Backward(const uint8_t* l) {
  std::vector<Entry> out;
  for (size_t at = zl::LastMember(l); at != 0; at = zl::PrevMember(l, at)) {
    out.push_back(At(l, at));
  }
  std::reverse(out.begin(), out.end());
  return out;
}

// Same members in the same order, and the scores bit for bit (-0 as +0).
::testing::AssertionResult SameEntries(const std::vector<Entry>& got,
                                       const std::vector<Entry>& want, const char* what) {
  if (got.size() != want.size()) {
    return ::testing::AssertionFailure()
           << what << ": " << got.size() << " members, model " << want.size();
  }
  for (size_t i = 0; i < got.size(); ++i) {
    if (got[i].second != want[i].second || Bits(got[i].first) != Bits(want[i].first)) {
      return ::testing::AssertionFailure()
             << what << " at " << i << ": got " << ::testing::PrintToString(got[i]) << ", want "
             << ::testing::PrintToString(want[i]);
    }
  }
  return ::testing::AssertionSuccess();
}

// The listpack is well formed and holds what the model does, walked both
// ways. `full` also checks every rank and Find of every member (quadratic).
::testing::AssertionResult Matches(const uint8_t* l, const Model& m, bool full) {
  if (!lp::Validate(AsBytes(l), 2 * m.size())) {
    return ::testing::AssertionFailure() << "Validate fails (model " << m.size() << " members)";
  }
  if (zl::Length(l) != m.size()) {
    return ::testing::AssertionFailure() << "Length " << zl::Length(l) << ", model " << m.size();
  }
  if (m.size() == 0 && (zl::FirstMember(l) != 0 || zl::LastMember(l) != 0)) {
    return ::testing::AssertionFailure() << "empty with a first or last member";
  }
  const std::vector<Entry> want = m.Vec();
  if (auto r = SameEntries(Forward(l), want, "forward walk"); !r) return r;
  if (auto r = SameEntries(Backward(l), want, "backward walk"); !r) return r;
  if (!full) return ::testing::AssertionSuccess();
  size_t r = 0;
  for (size_t at = zl::FirstMember(l); at != 0; at = zl::NextMember(l, at), ++r) {
    if (zl::MemberByRank(l, r) != at) {
      return ::testing::AssertionFailure() << "MemberByRank(" << r << ") is not the walk's";
    }
    double score = 12345;
    if (zl::Find(l, want[r].second, &score) != at || Bits(score) != Bits(want[r].first)) {
      return ::testing::AssertionFailure()
             << "Find of " << ::testing::PrintToString(want[r]) << " gives score " << score;
    }
    if (zl::Find(l, want[r].second, nullptr) != at) {
      return ::testing::AssertionFailure()
             << "Find without a score of " << ::testing::PrintToString(want[r].second);
    }
  }
  if (zl::MemberByRank(l, m.size()) != 0) {
    return ::testing::AssertionFailure() << "MemberByRank(size) is not 0";
  }
  return ::testing::AssertionSuccess();
}

// Strings of up to three bytes over {\0, a, b, \xff} (prefixes of each
// other, "" included); integer-looking ones, canonical (stored as listpack
// integers) and not; long ones of every string width.
std::vector<std::string> MemberPool() {
  const char alphabet[] = {'\0', 'a', 'b', '\xff'};
  std::vector<std::string> pool = {""};
  for (size_t from = 0, len = 1; len <= 3; ++len) {
    const size_t to = pool.size();
    for (size_t i = from; i < to; ++i) {
      for (char c : alphabet) pool.push_back(pool[i] + c);
    }
    from = to;
  }
  for (int i = -20; i <= 130; i += 3) pool.push_back(std::to_string(i));
  for (const char* s :
       {"012", "+5", "-0", "00", " 1", "1 ", "-", "9223372036854775807", "9223372036854775808",
        "-9223372036854775808", "-9223372036854775809", "4096", "-4097", "65536", "1e3", "0x10"}) {
    pool.emplace_back(s);
  }
  for (int i = 0; i < 12; ++i) {
    pool.push_back(std::string(60 + i, 'a') + static_cast<char>('a' + i % 3));
  }
  pool.push_back(std::string(5000, 'z'));  // The 32-bit string length.
  pool.push_back(std::string(5000, 'z') + '\0');
  return pool;
}

// Scores with many ties: the infinities, subnormals, non-integral ones,
// integers up to 2^53 and beyond (strings past 1e17).
constexpr double kScores[] = {-kInf,
                              -1e308,
                              -9007199254740993.0,  // Rounds to 2^53.
                              -4503599627370496.0,
                              -2.5,
                              -1,
                              -1e-310,
                              -0.0,
                              0,
                              5e-324,
                              0.1,
                              1.0 / 3,
                              1,
                              2,
                              4503599627370495.0,
                              4503599627370496.0,
                              9007199254740992.0,
                              9007199254740994.0,
                              1e17,
                              9223372036854775808.0,
                              1e308,
                              kInf};

// A double from random bits (any exponent, subnormals too), not NaN.
double RandomDouble(std::mt19937_64& rng) {
  for (;;) {
    const double d = std::bit_cast<double>(rng());
    if (!std::isnan(d)) return d;
  }
}

double PickScore(std::mt19937_64& rng) {
  switch (rng() % 6) {
    case 0:
      return RandomDouble(rng);
    case 1:
      return std::uniform_real_distribution<double>(-3, 3)(rng);
    case 2:
      return static_cast<double>(static_cast<int64_t>(rng() % 2001) - 1000);
    default:
      return kScores[rng() % std::size(kScores)];
  }
}

ScoreRange RandomScoreRange(std::mt19937_64& rng) {
  ScoreRange r;
  r.min = PickScore(rng);
  r.max = PickScore(rng);
  if (r.min > r.max && rng() % 4 != 0) std::swap(r.min, r.max);  // Mostly not empty.
  if (rng() % 8 == 0) r.max = r.min;
  r.min_exclusive = rng() % 2 == 0;
  r.max_exclusive = rng() % 2 == 0;
  return r;
}

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
  return std::string(r.min_exclusive ? "(" : "[") + ::testing::PrintToString(r.min) + ", " +
         ::testing::PrintToString(r.max) + (r.max_exclusive ? ")" : "]");
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

// The first and last model positions `in` admits.
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

::testing::AssertionResult SameMember(const uint8_t* l, size_t got, const std::vector<Entry>& want,
                                      std::optional<size_t> rank) {
  if (!rank) {
    if (got == 0) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << "got " << ::testing::PrintToString(At(l, got)) << ", want none";
  }
  if (got == 0) {
    return ::testing::AssertionFailure()
           << "got none, want " << ::testing::PrintToString(want[*rank]) << " at rank " << *rank;
  }
  if (got != zl::MemberByRank(l, *rank)) {
    return ::testing::AssertionFailure()
           << "got " << ::testing::PrintToString(At(l, got)) << ", want "
           << ::testing::PrintToString(want[*rank]) << " at rank " << *rank;
  }
  return ::testing::AssertionSuccess();
}

void ExpectScoreRange(const uint8_t* l, const Model& m, const ScoreRange& r) {
  const std::vector<Entry> v = m.Vec();
  const auto [first, last] = ModelRange(v, [&r](const Entry& e) { return r.Contains(e.first); });
  EXPECT_TRUE(SameMember(l, zl::FirstInRange(l, r), v, first)) << "FirstInRange " << Describe(r);
  EXPECT_TRUE(SameMember(l, zl::LastInRange(l, r), v, last)) << "LastInRange " << Describe(r);
}

// For a list whose scores are all equal (the lex commands' precondition).
void ExpectLexRange(const uint8_t* l, const Model& m, const LexRange& r) {
  const std::vector<Entry> v = m.Vec();
  const auto [first, last] = ModelRange(v, [&r](const Entry& e) { return r.Contains(e.second); });
  EXPECT_TRUE(SameMember(l, zl::FirstInRange(l, r), v, first)) << "FirstInRange " << Describe(r);
  EXPECT_TRUE(SameMember(l, zl::LastInRange(l, r), v, last)) << "LastInRange " << Describe(r);
}

// Random operations against the model. With `one_score` every member has
// that score, so lex ranges apply.
void RunRandomOps(uint64_t seed, std::optional<double> one_score, int ops) {
  std::mt19937_64 rng(seed);
  const std::vector<std::string> pool = MemberPool();
  const auto new_score = [&] { return one_score ? *one_score : PickScore(rng); };
  Zl z;
  Model m;
  size_t max_size = 0;
  for (int op = 0; op < ops; ++op) {
    SCOPED_TRACE(::testing::Message() << "seed " << seed << " op " << op << " size " << m.size());
    const std::string& member = pool[rng() % pool.size()];
    uint64_t what = rng() % 100;
    // Five hundred ops of growing (no deletes) in every fifteen hundred, so
    // the list reaches most of the pool.
    if ((op / 500) % 3 == 0 && what >= 35 && what < 50) what = 0;
    if ((op / 500) % 3 == 0 && what >= 90) what = 0;
    if (what < 35) {  // Insert (an absent member).
      double score = 12345;
      const size_t found = zl::Find(z.l, member, &score);
      if (m.Has(member)) {
        ASSERT_NE(found, 0u) << ::testing::PrintToString(member);
        ASSERT_EQ(Bits(score), Bits(m.scores.at(member)));
        continue;
      }
      ASSERT_EQ(found, 0u) << ::testing::PrintToString(member);
      const double s = new_score();
      z.l = zl::Insert(z.l, member, s);
      m.Insert(member, s);
      const size_t at = zl::Find(z.l, member, &score);
      ASSERT_NE(at, 0u) << ::testing::PrintToString(member) << " " << s;
      ASSERT_EQ(Bits(score), Bits(s)) << s;
      Buf buf;
      ASSERT_EQ(zl::MemberAt(z.l, at, buf), member);
      ASSERT_EQ(zl::MemberByRank(z.l, m.RankOf(member)), at);
    } else if (what < 50) {  // DeleteAt(Find(…)), present or absent.
      const size_t at = zl::Find(z.l, member, nullptr);
      ASSERT_EQ(at != 0, m.Has(member)) << ::testing::PrintToString(member);
      if (at != 0) {
        z.l = zl::DeleteAt(z.l, at);
        m.Erase(member);
      }
      ASSERT_EQ(zl::Find(z.l, member, nullptr), 0u);
    } else if (what < 55) {  // Find.
      double score = 12345;
      const size_t at = zl::Find(z.l, member, &score);
      ASSERT_EQ(at != 0, m.Has(member)) << ::testing::PrintToString(member);
      if (at != 0) {
        ASSERT_EQ(Bits(score), Bits(m.scores.at(member)));
        ASSERT_EQ(At(z.l, at).second, member);
      } else {
        ASSERT_EQ(score, 12345) << "a miss wrote the score";
      }
    } else if (what < 60) {  // MemberByRank and the neighbours.
      if (m.size() == 0) continue;
      const std::vector<Entry> v = m.Vec();
      const size_t r = rng() % v.size();
      const size_t at = zl::MemberByRank(z.l, r);
      ASSERT_NE(at, 0u);
      ASSERT_TRUE(SameEntries({At(z.l, at)}, {v[r]}, "MemberByRank"));
      const size_t prev = zl::PrevMember(z.l, at);
      const size_t next = zl::NextMember(z.l, at);
      ASSERT_EQ(prev == 0, r == 0);
      ASSERT_EQ(next == 0, r + 1 == v.size());
      if (prev != 0) {
        ASSERT_EQ(prev, zl::MemberByRank(z.l, r - 1));
      }
      if (next != 0) {
        ASSERT_EQ(next, zl::MemberByRank(z.l, r + 1));
      }
    } else if (what < 75) {  // First and last in a score range.
      ExpectScoreRange(z.l, m, RandomScoreRange(rng));
      continue;
    } else if (what < 90) {  // First and last in a lex range.
      if (!one_score) {
        ExpectScoreRange(z.l, m, RandomScoreRange(rng));
        continue;
      }
      std::string lo;
      std::string hi;
      ExpectLexRange(z.l, m, RandomLexRange(rng, pool, &lo, &hi));
      continue;
    } else if (what < 94) {  // DeleteRange(ScoreRange).
      const ScoreRange r = RandomScoreRange(rng);
      std::vector<std::string> gone;
      for (const auto& [s, mem] : m.order) {
        if (r.Contains(s)) gone.push_back(mem);
      }
      size_t deleted = 12345;
      z.l = zl::DeleteRange(z.l, r, &deleted);
      ASSERT_EQ(deleted, gone.size()) << Describe(r);
      for (const std::string& g : gone) m.Erase(g);
    } else if (what < 97 && one_score) {  // DeleteRange(LexRange).
      std::string lo;
      std::string hi;
      const LexRange r = RandomLexRange(rng, pool, &lo, &hi);
      std::vector<std::string> gone;
      for (const auto& [s, mem] : m.order) {
        if (r.Contains(mem)) gone.push_back(mem);
      }
      size_t deleted = 12345;
      z.l = zl::DeleteRange(z.l, r, &deleted);
      ASSERT_EQ(deleted, gone.size()) << Describe(r);
      for (const std::string& g : gone) m.Erase(g);
    } else {  // DeleteRankRange.
      if (m.size() == 0) continue;
      const size_t first = rng() % m.size();
      const size_t room = m.size() - first;
      const size_t last =
          first + (rng() % 3 == 0 ? rng() % room : rng() % std::min<size_t>(room, 8));
      const std::vector<Entry> v = m.Vec();
      z.l = zl::DeleteRankRange(z.l, first, last);
      for (size_t i = first; i <= last; ++i) m.Erase(v[i].second);
    }
    max_size = std::max(max_size, m.size());
    ASSERT_TRUE(Matches(z.l, m, op % 97 == 0));
  }
  ASSERT_TRUE(Matches(z.l, m, true));
  EXPECT_GT(max_size, 100u) << "the sequence should grow the list";
}

TEST(ZsetListpack, RandomOperations) {
  for (uint64_t seed : {1, 2, 3, 4}) RunRandomOps(seed, std::nullopt, 3000);
}

TEST(ZsetListpack, RandomOperationsUnderOneScore) {
  uint64_t seed = 10;
  for (double s : {0.0, -0.0, 3.0, 1.0 / 3, -kInf, kInf, 1e17}) RunRandomOps(++seed, s, 2000);
}

TEST(ZsetListpack, Empty) {
  Zl z;
  EXPECT_EQ(zl::Length(z.l), 0u);
  EXPECT_EQ(zl::FirstMember(z.l), 0u);
  EXPECT_EQ(zl::LastMember(z.l), 0u);
  EXPECT_EQ(zl::MemberByRank(z.l, 0), 0u);
  double score = 7;
  EXPECT_EQ(zl::Find(z.l, "", &score), 0u);
  EXPECT_EQ(zl::Find(z.l, "1", &score), 0u);
  EXPECT_EQ(score, 7);
  const ScoreRange all_scores{-kInf, kInf};
  const LexRange all{{Kind::kMinusInfinity, {}, false}, {Kind::kPlusInfinity, {}, false}};
  EXPECT_EQ(zl::FirstInRange(z.l, all_scores), 0u);
  EXPECT_EQ(zl::LastInRange(z.l, all_scores), 0u);
  EXPECT_EQ(zl::FirstInRange(z.l, all), 0u);
  EXPECT_EQ(zl::LastInRange(z.l, all), 0u);
  size_t deleted = 99;
  z.l = zl::DeleteRange(z.l, all_scores, &deleted);
  EXPECT_EQ(deleted, 0u);
  deleted = 99;
  z.l = zl::DeleteRange(z.l, all, &deleted);
  EXPECT_EQ(deleted, 0u);
  EXPECT_TRUE(lp::Validate(AsBytes(z.l), 0));

  // One member, then none again.
  z.l = zl::Insert(z.l, "x", 1.5);
  EXPECT_TRUE(lp::Validate(AsBytes(z.l), 2));
  const size_t at = zl::FirstMember(z.l);
  EXPECT_NE(at, 0u);
  EXPECT_EQ(zl::LastMember(z.l), at);
  EXPECT_EQ(zl::NextMember(z.l, at), 0u);
  EXPECT_EQ(zl::PrevMember(z.l, at), 0u);
  EXPECT_EQ(zl::MemberByRank(z.l, 0), at);
  EXPECT_EQ(zl::MemberByRank(z.l, 1), 0u);
  EXPECT_EQ(zl::Length(z.l), 1u);
  EXPECT_EQ(zl::ScoreAt(z.l, at), 1.5);
  EXPECT_EQ(zl::Find(z.l, "x", &score), at);
  EXPECT_EQ(score, 1.5);
  z.l = zl::DeleteAt(z.l, at);
  EXPECT_TRUE(lp::Validate(AsBytes(z.l), 0));
  EXPECT_EQ(zl::Length(z.l), 0u);
  EXPECT_EQ(zl::FirstMember(z.l), 0u);
  EXPECT_EQ(zl::LastMember(z.l), 0u);
}

// The listpack inside Redis 7.0's DUMP of `ZADD z 1 a 2.5 b -3 c`:
// c, -3, a, 1, b, "2.5".
TEST(ZsetListpack, EncodesAsRedis) {
  Zl z;
  z.l = zl::Insert(z.l, "a", 1);
  z.l = zl::Insert(z.l, "b", 2.5);
  z.l = zl::Insert(z.l, "c", -3);
  const std::string expected(
      "\x1a\x00\x00\x00"  // 26 bytes
      "\x06\x00"          // 6 elements
      "\x81"
      "c\x02"         // "c"
      "\xdf\xfd\x02"  // 13-bit int -3
      "\x81"
      "a\x02"     // "a"
      "\x01\x01"  // 7-bit uint 1
      "\x81"
      "b\x02"  // "b"
      "\x83"
      "2.5\x04"  // "2.5"
      "\xff",
      26);
  EXPECT_EQ(AsBytes(z.l), expected);
}

// Every kind of double reads back bit for bit (-0 as +0, signbit clear),
// stored as d2string writes it: integral ones below 2^52 (and any whose
// %.17g is a canonical integer) as listpack integers.
TEST(ZsetListpack, ScoresRoundTripExactly) {
  std::vector<double> scores(std::begin(kScores), std::end(kScores));
  for (double d : {0.1,
                   1.0 / 3,
                   2.0 / 3,
                   1e-300,
                   -1e-310,
                   5e-324,
                   -5e-324,
                   std::numeric_limits<double>::max(),
                   -std::numeric_limits<double>::max(),
                   std::numeric_limits<double>::min(),
                   std::numeric_limits<double>::denorm_min(),
                   std::numeric_limits<double>::epsilon(),
                   123456789.125,
                   -0.5,
                   1e16,
                   1e16 + 2,
                   12345678901234568.0,
                   99999999999999984.0,
                   1e18,
                   1e19,
                   1e22,
                   1e23,
                   -9223372036854775808.0,
                   18446744073709551616.0,
                   4503599627370497.0,
                   -4503599627370497.0,
                   -4503599627370495.0,
                   4503599627370495.5,
                   0.30000000000000004}) {
    scores.push_back(d);
  }
  for (int64_t i = -300; i <= 300; i += 7) scores.push_back(static_cast<double>(i));
  for (int e = 0; e <= 64; ++e) {
    const double p = std::ldexp(1.0, e);
    for (double d : {p, p - 1, p + 1, -p, -p + 1, -p - 1}) scores.push_back(d);
  }
  std::mt19937_64 rng(42);
  for (int i = 0; i < 400; ++i) scores.push_back(RandomDouble(rng));

  // A few at a time, so every one is read from a list of several kinds.
  for (size_t from = 0; from < scores.size(); from += 40) {
    Zl z;
    Model m;
    for (size_t i = from; i < std::min(scores.size(), from + 40); ++i) {
      const double s = scores[i];
      SCOPED_TRACE(::testing::Message() << "score " << ::testing::PrintToString(s));
      const std::string member = "m" + std::to_string(i);
      z.l = zl::Insert(z.l, member, s);
      m.Insert(member, s);
      ASSERT_TRUE(lp::Validate(AsBytes(z.l), 2 * m.size()));
      double got = 12345;
      const size_t at = zl::Find(z.l, member, &got);
      ASSERT_NE(at, 0u);
      EXPECT_EQ(Bits(got), Bits(s)) << "read back " << ::testing::PrintToString(got);
      EXPECT_EQ(Bits(zl::ScoreAt(z.l, at)), Bits(s));
      EXPECT_FALSE(std::signbit(got) && got == 0) << "-0 must read back as +0";

      // The stored bytes are d2string's (of +0 for -0).
      char digits[base::kMaxDoubleChars];
      const std::string_view want(digits, base::FormatDouble(s == 0 ? 0.0 : s, digits));
      Buf buf;
      const size_t score_at = lp::Next(z.l, at);
      EXPECT_EQ(lp::Get(z.l, score_at, buf), want);
      int64_t v;
      const bool is_int = lp::GetInt(z.l, score_at, &v);
      if (std::isfinite(s) && std::fabs(s) < 4503599627370496.0 && s == std::trunc(s)) {
        ASSERT_TRUE(is_int) << "an integral score is a listpack integer";
        EXPECT_EQ(static_cast<double>(v), s);
      }
      if (!std::isfinite(s) || s != std::trunc(s)) {
        EXPECT_FALSE(is_int);
      }
    }
    ASSERT_TRUE(Matches(z.l, m, true));
  }
}

TEST(ZsetListpack, NegativeZeroIsStoredAsZero) {
  Zl z;
  z.l = zl::Insert(z.l, "a", -0.0);
  z.l = zl::Insert(z.l, "b", 0.0);
  z.l = zl::Insert(z.l, "0", -0.0);
  ASSERT_TRUE(lp::Validate(AsBytes(z.l), 6));
  // Ties under 0 by bytes: "0" < "a" < "b".
  const std::vector<std::string> want = {"0", "a", "b"};
  size_t i = 0;
  for (size_t at = zl::FirstMember(z.l); at != 0; at = zl::NextMember(z.l, at), ++i) {
    ASSERT_LT(i, want.size());
    EXPECT_EQ(At(z.l, at).second, want[i]);
    const double s = zl::ScoreAt(z.l, at);
    EXPECT_EQ(s, 0);
    EXPECT_FALSE(std::signbit(s));
    int64_t v = 1;
    EXPECT_TRUE(lp::GetInt(z.l, lp::Next(z.l, at), &v));
    EXPECT_EQ(v, 0);
  }
  EXPECT_EQ(i, want.size());
  // A -0 range bound is 0.
  const ScoreRange zero{-0.0, -0.0};
  EXPECT_EQ(zl::FirstInRange(z.l, zero), zl::MemberByRank(z.l, 0));
  EXPECT_EQ(zl::LastInRange(z.l, zero), zl::MemberByRank(z.l, 2));
}

// Under one score members sort by their bytes as unsigned, a prefix first,
// integer-looking ones (stored as listpack integers) by their digits too:
// "-7" < "12" < "9".
TEST(ZsetListpack, EqualScoresSortByBytes) {
  using namespace std::string_literals;
  const std::vector<std::string> want = {""s,
                                         "\0"s,
                                         "\0\0"s,
                                         "\0a"s,
                                         "-7"s,
                                         "-9223372036854775808"s,
                                         "0"s,
                                         "012"s,
                                         "1"s,
                                         "12"s,
                                         "120"s,
                                         "9"s,
                                         "9223372036854775807"s,
                                         "9223372036854775808"s,
                                         "a"s,
                                         "a\0"s,
                                         "aa"s,
                                         "ab"s,
                                         "a\xff"s,
                                         "b"s,
                                         "\x7f"s,
                                         "\x80"s,
                                         "\xff"s,
                                         "\xff\0"s,
                                         "\xff\xff"s};
  ASSERT_TRUE(std::is_sorted(want.begin(), want.end()));
  std::mt19937_64 rng(7);
  for (double score : {2.0, 0.25, -kInf}) {
    for (int round = 0; round < 10; ++round) {
      std::vector<std::string> shuffled = want;
      std::shuffle(shuffled.begin(), shuffled.end(), rng);
      Zl z;
      Model m;
      for (const std::string& s : shuffled) {
        z.l = zl::Insert(z.l, s, score);
        m.Insert(s, score);
        ASSERT_TRUE(lp::Validate(AsBytes(z.l), 2 * m.size()));
      }
      ASSERT_TRUE(Matches(z.l, m, true));
    }
  }
}

// Members that look like integers are stored as listpack integers only when
// canonical, and every one reads back as its bytes; binary ones too. Find
// tells "12" from "012", "-0" from "0".
TEST(ZsetListpack, MembersRoundTrip) {
  using namespace std::string_literals;
  struct Case {
    std::string member;
    bool is_int;
  };
  const std::vector<Case> cases = {
      {"12", true},
      {"-7", true},
      {"0", true},
      {"012", false},
      {"-0", false},
      {"+12", false},
      {" 12", false},
      {"12 ", false},
      {"1.5", false},
      {"9223372036854775807", true},
      {"-9223372036854775808", true},
      {"9223372036854775808", false},
      {"-9223372036854775809", false},
      {"99999999999999999999", false},
      {"", false},
      {"\0"s, false},
      {"\xff"s, false},
      {"\0\xff\0"s, false},
      {"1\0"s, false},
      {std::string(63, 'x'), false},
      {std::string(64, 'x'), false},
      {std::string(4095, '\xff'), false},
      {std::string(4096, '\0'), false},
  };
  Zl z;
  Model m;
  double score = 0;
  for (const Case& c : cases) {
    z.l = zl::Insert(z.l, c.member, score);
    m.Insert(c.member, score);
    score += 0.5;  // Kept in insertion order.
    ASSERT_TRUE(lp::Validate(AsBytes(z.l), 2 * m.size()));
  }
  ASSERT_TRUE(Matches(z.l, m, true));
  size_t rank = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(c.member));
    const size_t at = zl::Find(z.l, c.member, nullptr);
    ASSERT_NE(at, 0u);
    EXPECT_EQ(at, zl::MemberByRank(z.l, rank));
    Buf buf;
    EXPECT_EQ(zl::MemberAt(z.l, at, buf), c.member);
    int64_t v;
    EXPECT_EQ(lp::GetInt(z.l, at, &v), c.is_int);
    EXPECT_EQ(zl::ScoreAt(z.l, at), 0.5 * static_cast<double>(rank));
    ++rank;
  }
  // Near misses of present members are absent.
  for (const std::string& miss : {"012 "s, "00"s, "-00"s, "13"s, "+0"s, "\0\0"s, "1"s, "x"s,
                                  "9223372036854775806"s, std::string(62, 'x')}) {
    EXPECT_EQ(zl::Find(z.l, miss, nullptr), 0u) << ::testing::PrintToString(miss);
  }
}

// Find looks at members only: a score with the bytes of the needle is not
// a match, whether an integer ("7") or a string ("2.5", "inf").
TEST(ZsetListpack, FindSkipsScores) {
  Zl z;
  z.l = zl::Insert(z.l, "x", 7);
  z.l = zl::Insert(z.l, "y", 2.5);
  z.l = zl::Insert(z.l, "z", kInf);
  z.l = zl::Insert(z.l, "1", 2);
  z.l = zl::Insert(z.l, "2", 1);
  for (const char* s : {"7", "2.5", "inf"}) {
    EXPECT_EQ(zl::Find(z.l, s, nullptr), 0u) << s;
  }
  double score = 0;
  EXPECT_NE(zl::Find(z.l, "1", &score), 0u);
  EXPECT_EQ(score, 2);
  EXPECT_NE(zl::Find(z.l, "2", &score), 0u);
  EXPECT_EQ(score, 1);
  EXPECT_EQ(zl::Find(z.l, "2", nullptr), zl::FirstMember(z.l));
}

// Score ranges over known contents: bounds inclusive and exclusive, ties at
// the bounds, the infinities, empty and reversed ranges.
TEST(ZsetListpack, ScoreRanges) {
  Zl z;
  Model m;
  const std::vector<Entry> entries = {{-kInf, "ninf"}, {-1, "a"},  {1, "b"}, {1, "c"},
                                      {1, "d"},        {2.5, "e"}, {3, "f"}, {kInf, "pinf"}};
  for (const auto& [s, mem] : entries) {
    z.l = zl::Insert(z.l, mem, s);
    m.Insert(mem, s);
  }
  ASSERT_TRUE(Matches(z.l, m, true));
  const auto rank_of = [&](size_t at) -> std::optional<size_t> {
    if (at == 0) return std::nullopt;
    for (size_t r = 0; r < entries.size(); ++r) {
      if (zl::MemberByRank(z.l, r) == at) return r;
    }
    return 999;
  };
  struct Case {
    ScoreRange range;
    std::optional<size_t> first;
    std::optional<size_t> last;
  };
  const std::vector<Case> cases = {
      {{1, 1}, 2, 4},
      {{1, 1, true, false}, std::nullopt, std::nullopt},
      {{1, 1, false, true}, std::nullopt, std::nullopt},
      {{1, 2.5}, 2, 5},
      {{1, 2.5, true, false}, 5, 5},
      {{1, 2.5, false, true}, 2, 4},
      {{1, 2.5, true, true}, std::nullopt, std::nullopt},
      {{-kInf, kInf}, 0, 7},
      {{-kInf, kInf, true, true}, 1, 6},
      {{-kInf, -kInf}, 0, 0},
      {{kInf, kInf}, 7, 7},
      {{kInf, kInf, true, false}, std::nullopt, std::nullopt},
      {{3, 1}, std::nullopt, std::nullopt},  // Reversed.
      {{0, 0.5}, std::nullopt, std::nullopt},
      {{-0.5, 0.5}, std::nullopt, std::nullopt},
      {{-1, -1}, 1, 1},
      {{-2, 0}, 1, 1},
      {{2, 2.9}, 5, 5},
      {{3, 100}, 6, 6},
      {{3.5, 100}, std::nullopt, std::nullopt},
      {{-100, -1, false, true}, std::nullopt, std::nullopt},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(rank_of(zl::FirstInRange(z.l, c.range)), c.first) << Describe(c.range);
    EXPECT_EQ(rank_of(zl::LastInRange(z.l, c.range)), c.last) << Describe(c.range);
    ExpectScoreRange(z.l, m, c.range);
  }
  // DeleteRange of each, on a fresh copy.
  for (const Case& c : cases) {
    Zl copy;
    lp::Free(copy.l);
    copy.l = lp::Copy(z.l);
    Model cm = m;
    size_t deleted = 99;
    copy.l = zl::DeleteRange(copy.l, c.range, &deleted);
    const size_t want = c.first ? *c.last - *c.first + 1 : 0;
    EXPECT_EQ(deleted, want) << Describe(c.range);
    if (c.first) {
      for (size_t r = *c.first; r <= *c.last; ++r) cm.Erase(entries[r].second);
    }
    EXPECT_TRUE(Matches(copy.l, cm, true)) << Describe(c.range);
  }
}

// Lex ranges under one score: "-" and "+", inclusive and exclusive bounds,
// bounds that are and are not members, empty and reversed ranges.
TEST(ZsetListpack, LexRanges) {
  using namespace std::string_literals;
  const std::vector<std::string> members = {""s, "\0"s, "1"s, "12"s, "a"s, "ab"s, "b"s, "\xff"s};
  Zl z;
  Model m;
  for (const std::string& s : members) {
    z.l = zl::Insert(z.l, s, 5);
    m.Insert(s, 5);
  }
  ASSERT_TRUE(Matches(z.l, m, true));
  const auto rank_of = [&](size_t at) -> std::optional<size_t> {
    if (at == 0) return std::nullopt;
    for (size_t r = 0; r < members.size(); ++r) {
      if (zl::MemberByRank(z.l, r) == at) return r;
    }
    return 999;
  };
  const LexBound minus{Kind::kMinusInfinity, {}, false};
  const LexBound plus{Kind::kPlusInfinity, {}, false};
  const auto in = [](std::string_view v) { return LexBound{Kind::kValue, v, false}; };
  const auto ex = [](std::string_view v) { return LexBound{Kind::kValue, v, true}; };
  struct Case {
    LexRange range;
    std::optional<size_t> first;
    std::optional<size_t> last;
  };
  const std::string nul = "\0"s;
  const std::string ff = "\xff"s;
  const std::string a_nul = "a\0"s;  // Named: a bound only views its bytes.
  const std::vector<Case> cases = {
      {{minus, plus}, 0, 7},
      {{plus, minus}, std::nullopt, std::nullopt},
      {{plus, plus}, std::nullopt, std::nullopt},
      {{minus, minus}, std::nullopt, std::nullopt},
      {{in(""), in("")}, 0, 0},
      {{ex(""), plus}, 1, 7},
      {{minus, ex(nul)}, 0, 0},
      {{in("1"), in("12")}, 2, 3},
      {{ex("1"), in("12")}, 3, 3},
      {{in("1"), ex("12")}, 2, 2},
      {{ex("1"), ex("12")}, std::nullopt, std::nullopt},
      {{in("a"), in("a")}, 4, 4},
      {{ex("a"), in("a")}, std::nullopt, std::nullopt},
      {{in("b"), in("a")}, std::nullopt, std::nullopt},  // Reversed.
      {{in("aa"), in("az")}, 5, 5},
      {{in("2"), in("9")}, std::nullopt, std::nullopt},
      {{in("11"), plus}, 3, 7},
      {{ex(ff), plus}, std::nullopt, std::nullopt},
      {{in(ff), plus}, 7, 7},
      {{minus, in(a_nul)}, 0, 4},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(rank_of(zl::FirstInRange(z.l, c.range)), c.first) << Describe(c.range);
    EXPECT_EQ(rank_of(zl::LastInRange(z.l, c.range)), c.last) << Describe(c.range);
    ExpectLexRange(z.l, m, c.range);
  }
  for (const Case& c : cases) {
    Zl copy;
    lp::Free(copy.l);
    copy.l = lp::Copy(z.l);
    Model cm = m;
    size_t deleted = 99;
    copy.l = zl::DeleteRange(copy.l, c.range, &deleted);
    const size_t want = c.first ? *c.last - *c.first + 1 : 0;
    EXPECT_EQ(deleted, want) << Describe(c.range);
    if (c.first) {
      for (size_t r = *c.first; r <= *c.last; ++r) cm.Erase(members[r]);
    }
    EXPECT_TRUE(Matches(copy.l, cm, true)) << Describe(c.range);
  }
}

// Every first..last of a ten-member list.
TEST(ZsetListpack, DeleteRankRangeEverySpan) {
  constexpr size_t kN = 10;
  for (size_t first = 0; first < kN; ++first) {
    for (size_t last = first; last < kN; ++last) {
      SCOPED_TRACE(::testing::Message() << first << ".." << last);
      Zl z;
      Model m;
      for (size_t i = 0; i < kN; ++i) {
        const std::string member = "m" + std::to_string(i);
        const double s = static_cast<double>(i % 4) + (i % 3 == 0 ? 0.5 : 0);
        z.l = zl::Insert(z.l, member, s);
        m.Insert(member, s);
      }
      const std::vector<Entry> v = m.Vec();
      z.l = zl::DeleteRankRange(z.l, first, last);
      for (size_t r = first; r <= last; ++r) m.Erase(v[r].second);
      ASSERT_TRUE(Matches(z.l, m, true));
    }
  }
}

}  // namespace
}  // namespace respd::store

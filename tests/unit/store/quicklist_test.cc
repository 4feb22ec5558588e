// The quicklist against a model (a deque of strings): random pushes, pops,
// index and value edits and walks for every fill and compress depth, with and
// without plain nodes; every node boundary of a small-fill list; the layout
// the header promises (a fill caps a node, a large element gets a node of its
// own, every inner node and only those is compressed, plain ones and split
// ones included, and reads leave them so); the node counts Redis's pushes
// give; FreeSome; and Copy's deep, independent copy.
#include "store/encodings/quicklist.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <limits>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace respd::store {
namespace {

using End = Quicklist::End;
using Model = std::deque<std::string>;

constexpr size_t kNoStop = std::numeric_limits<size_t>::max();

std::vector<std::string> Vec(const Model& m) { return {m.begin(), m.end()}; }

std::vector<std::string> Contents(const Quicklist& ql) {
  std::vector<std::string> out;
  ql.ForEach([&out](std::string_view e) {
    out.emplace_back(e);
    return true;
  });
  return out;
}

std::vector<std::string> ContentsBackwards(const Quicklist& ql) {
  std::vector<std::string> out;
  if (!ql.empty()) {
    ql.ForRange(-1, ql.size(), true, [&out](std::string_view e) {
      out.emplace_back(e);
      return true;
    });
  }
  std::reverse(out.begin(), out.end());
  return out;
}

// The element at `index` (nullopt when Get says out of range); fn must be
// called exactly when Get returns true.
std::optional<std::string> GetAt(const Quicklist& ql, int64_t index) {
  std::optional<std::string> out;
  int calls = 0;
  const bool found = ql.Get(index, [&](std::string_view e) {
    out.emplace(e);
    ++calls;
  });
  EXPECT_EQ(calls, found ? 1 : 0) << "Get(" << index << ")";
  if (!found) return std::nullopt;
  return out;
}

std::optional<std::string> ModelAt(const Model& m, int64_t index) {
  const auto n = static_cast<int64_t>(m.size());
  if (index < 0) index += n;
  if (index < 0 || index >= n) return std::nullopt;
  return m[static_cast<size_t>(index)];
}

size_t Resolve(size_t n, int64_t index) {
  return index < 0 ? n - static_cast<size_t>(-index) : static_cast<size_t>(index);
}

std::vector<std::string> ForRangeOf(const Quicklist& ql, int64_t start, size_t count, bool reverse,
                                    size_t stop_after) {
  std::vector<std::string> out;
  ql.ForRange(start, count, reverse, [&](std::string_view e) {
    out.emplace_back(e);
    return out.size() < stop_after;
  });
  return out;
}

std::vector<std::string> ModelForRange(const Model& m, int64_t start, size_t count, bool reverse,
                                       size_t stop_after) {
  std::vector<std::string> out;
  auto i = static_cast<int64_t>(Resolve(m.size(), start));
  for (size_t k = 0; k < count && i >= 0 && i < static_cast<int64_t>(m.size()); ++k) {
    out.push_back(m[static_cast<size_t>(i)]);
    if (out.size() >= stop_after) break;
    i += reverse ? -1 : 1;
  }
  return out;
}

std::vector<size_t> FindAllOf(const Quicklist& ql, std::string_view e, bool reverse, size_t maxlen,
                              size_t stop_after) {
  std::vector<size_t> out;
  ql.FindAll(e, reverse, maxlen, [&](size_t index) {
    out.push_back(index);
    return out.size() < stop_after;
  });
  return out;
}

std::vector<size_t> ModelFindAll(const Model& m, std::string_view e, bool reverse, size_t maxlen,
                                 size_t stop_after) {
  std::vector<size_t> out;
  const size_t n = m.size();
  const size_t look = maxlen == 0 ? n : std::min(maxlen, n);
  for (size_t k = 0; k < look; ++k) {
    const size_t i = reverse ? n - 1 - k : k;
    if (m[i] == e) {
      out.push_back(i);
      if (out.size() >= stop_after) break;
    }
  }
  return out;
}

// LINSERT on the model: false (and no change) without the pivot.
bool ModelInsert(Model* m, std::string_view pivot, const std::string& e, bool after) {
  const auto it = std::find(m->begin(), m->end(), pivot);
  if (it == m->end()) return false;
  m->insert(after ? it + 1 : it, e);
  return true;
}

// LREM on the model.
size_t ModelRemove(Model* m, std::string_view e, size_t limit, bool reverse) {
  Model kept;
  size_t removed = 0;
  if (!reverse) {
    for (auto& x : *m) {
      if (x == e && (limit == 0 || removed < limit)) {
        ++removed;
      } else {
        kept.push_back(std::move(x));
      }
    }
  } else {
    for (auto it = m->rbegin(); it != m->rend(); ++it) {
      if (*it == e && (limit == 0 || removed < limit)) {
        ++removed;
      } else {
        kept.push_front(std::move(*it));
      }
    }
  }
  *m = std::move(kept);
  return removed;
}

// What the header promises of the layout, whatever the history:
// - GetStats().nodes is node_count(), and no node is empty;
// - only inner nodes (all but `depth` at each end) are ever compressed;
// - an element of `threshold` bytes or more has a node of its own, so the
//   small elements between two such are in nodes of their own, and with a
//   positive fill F each of those nodes holds at most F elements;
// - every non-integer byte (any element longer than 20 bytes is a string)
//   is in some node's data.
::testing::AssertionResult LayoutHolds(const Quicklist& ql, const Model& m, size_t threshold) {
  if (ql.size() != m.size()) {
    return ::testing::AssertionFailure() << "size " << ql.size() << ", model " << m.size();
  }
  const Quicklist::Stats s = ql.GetStats();
  const size_t nodes = ql.node_count();
  if (s.nodes != nodes) {
    return ::testing::AssertionFailure() << "stats nodes " << s.nodes << ", node_count " << nodes;
  }
  if (nodes > ql.size() || (ql.empty() && nodes != 0)) {
    return ::testing::AssertionFailure() << nodes << " nodes for " << ql.size() << " elements";
  }
  const auto depth = static_cast<size_t>(ql.compress_depth());
  const size_t max_compressed = depth == 0 || nodes <= 2 * depth ? 0 : nodes - 2 * depth;
  if (s.compressed_nodes > max_compressed) {
    return ::testing::AssertionFailure()
           << s.compressed_nodes << " compressed of " << nodes << " nodes at depth " << depth;
  }
  const int fill = ql.fill();
  size_t min_nodes = 0;
  size_t run = 0;
  size_t string_bytes = 0;
  const auto close_run = [&] {
    if (run > 0) min_nodes += fill > 0 ? (run + fill - 1) / static_cast<size_t>(fill) : 1;
    run = 0;
  };
  for (const std::string& e : m) {
    if (e.size() >= threshold) {
      close_run();
      ++min_nodes;
    } else {
      ++run;
    }
    if (e.size() > 20) string_bytes += e.size();
  }
  close_run();
  if (nodes < min_nodes) {
    return ::testing::AssertionFailure()
           << nodes << " nodes, but fill " << fill << " and plain nodes need " << min_nodes;
  }
  if (s.uncompressed_bytes < string_bytes) {
    return ::testing::AssertionFailure() << "uncompressed_bytes " << s.uncompressed_bytes
                                         << " under the " << string_bytes << " string bytes held";
  }
  if (!m.empty() && ql.MemoryUsage() == 0) {
    return ::testing::AssertionFailure() << "MemoryUsage 0 for a non-empty list";
  }
  return ::testing::AssertionSuccess();
}

void ExpectMatches(const Quicklist& ql, const Model& m, size_t threshold) {
  EXPECT_EQ(ql.size(), m.size());
  EXPECT_EQ(ql.empty(), m.empty());
  EXPECT_EQ(Contents(ql), Vec(m));
  EXPECT_EQ(ContentsBackwards(ql), Vec(m));
  EXPECT_TRUE(LayoutHolds(ql, m, threshold));
}

// Compressible bytes that are not one repeated character.
std::string Pattern(size_t n, char base = 'a') {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>(base + (i * 7 + i / 13) % 26);
  return s;
}

std::string Show(std::string_view e) {
  if (e.size() <= 24) return "\"" + std::string(e) + "\"";
  return "<" + std::to_string(e.size()) + " bytes, " + std::string(e.substr(0, 4)) + "...>";
}

// A small alphabet, so that value lookups hit: integer-looking and not,
// around the plain-node threshold of 64 and well past it.
const std::vector<std::string>& Alphabet() {
  static const auto* values = new std::vector<std::string>{"1",
                                                           "-7",
                                                           "12345678901",
                                                           "0",
                                                           "-0",
                                                           "9223372036854775807",
                                                           "9223372036854775808",
                                                           "a",
                                                           "012",
                                                           "",
                                                           "b c",
                                                           std::string(63, 'm'),
                                                           std::string(64, 'm'),
                                                           std::string(100, 'x'),
                                                           Pattern(1000),
                                                           std::string(3000, 'z')};
  return *values;
}
constexpr size_t kSmallValues = 11;  // Alphabet()'s first 11 are short.

std::string RandomElement(std::mt19937_64& rng) {
  const uint64_t r = rng() % 100;
  const auto& alphabet = Alphabet();
  if (r < 75) return alphabet[rng() % kSmallValues];
  if (r < 87) return alphabet[kSmallValues + rng() % (alphabet.size() - kSmallValues)];
  // A one-off long string, 100 to 3000 bytes, compressible or not.
  std::string s(100 + rng() % 2901, '\0');
  if (rng() % 2 == 0) {
    std::fill(s.begin(), s.end(), static_cast<char>('a' + rng() % 26));
  } else {
    for (char& c : s) c = static_cast<char>(rng());
  }
  return s;
}

// --- Random operations against the model, over the options grid -----------

using Options = std::tuple<int, int, size_t>;  // fill, compress depth, packed threshold

class QuicklistRandom : public ::testing::TestWithParam<Options> {};

TEST_P(QuicklistRandom, MatchesTheModel) {
  const auto [fill, depth, threshold] = GetParam();
  std::mt19937_64 rng(static_cast<uint64_t>(1000 + (fill + 5) * 31 + depth * 7) +
                      (threshold < 1000 ? 5000 : 0));
  Quicklist ql(fill, depth, threshold);
  ASSERT_EQ(ql.fill(), fill);
  ASSERT_EQ(ql.compress_depth(), depth);
  Model m;
  constexpr int kSteps = 4000;
  std::string op;
  for (int step = 0; step < kSteps; ++step) {
    // Grow to a few hundred elements (several nodes even at fill -5), shrink
    // to a few, grow again, then drain.
    const size_t target = step < 1800 ? 500 : step < 2400 ? 20 : step < 3600 ? 500 : 0;
    const size_t n = m.size();
    const bool grow = n < target;
    const auto valid_index = [&]() -> int64_t {
      const auto i = static_cast<int64_t>(rng() % n);
      return rng() % 2 == 0 ? i : i - static_cast<int64_t>(n);
    };
    const auto any_index = [&]() -> int64_t {
      return static_cast<int64_t>(rng() % (2 * n + 4)) - static_cast<int64_t>(n + 2);
    };
    const uint64_t r = rng() % 100;
    const bool at_head = rng() % 2 == 0;
    const End end = at_head ? End::kHead : End::kTail;
    if (r < 20 ? grow : r < 30 || (r < 38 && grow && rng() % 2 == 0)) {  // Push.
      const std::string e = RandomElement(rng);
      op = std::string("Push(") + (at_head ? "head" : "tail") + ", " + Show(e) + ")";
      ql.Push(end, e);
      if (at_head) {
        m.push_front(e);
      } else {
        m.push_back(e);
      }
    } else if (r < 38) {  // Pop.
      op = std::string("Pop(") + (at_head ? "head" : "tail") + ")";
      std::string got;
      int calls = 0;
      bool popped;
      if (rng() % 2 == 0) {
        popped = ql.Pop(end, [&](std::string_view e) {
          got.assign(e);
          ++calls;
        });
      } else {
        popped = ql.Pop(end, &got);
        calls = popped ? 1 : 0;
      }
      ASSERT_EQ(popped, n > 0) << "step " << step << ": " << op;
      ASSERT_EQ(calls, popped ? 1 : 0) << "step " << step << ": " << op;
      if (popped) {
        ASSERT_EQ(got, at_head ? m.front() : m.back()) << "step " << step << ": " << op;
        if (at_head) {
          m.pop_front();
        } else {
          m.pop_back();
        }
      }
    } else if (r < 46) {  // Get, in range or not.
      const int64_t index = any_index();
      op = "Get(" + std::to_string(index) + ")";
      ASSERT_EQ(GetAt(ql, index), ModelAt(m, index)) << "step " << step << ": " << op;
    } else if (r < 53) {  // Replace, in range or not.
      const int64_t index = any_index();
      const std::string e = RandomElement(rng);
      op = "Replace(" + std::to_string(index) + ", " + Show(e) + ")";
      const bool in_range = ModelAt(m, index).has_value();
      ASSERT_EQ(ql.Replace(index, e), in_range) << "step " << step << ": " << op;
      if (in_range) m[Resolve(n, index)] = e;
    } else if (r < 58) {  // DeleteRange.
      if (n == 0) continue;
      const int64_t start = valid_index();
      const uint64_t c = rng() % 100;
      const size_t count = grow     ? 1 + rng() % 2
                           : c < 75 ? 1 + rng() % 4
                           : c < 95 ? rng() % 21
                                    : rng() % (n + 5);
      op = "DeleteRange(" + std::to_string(start) + ", " + std::to_string(count) + ")";
      const size_t from = Resolve(n, start);
      const size_t expected = std::min(count, n - from);
      ASSERT_EQ(ql.DeleteRange(start, count), expected) << "step " << step << ": " << op;
      m.erase(m.begin() + static_cast<std::ptrdiff_t>(from),
              m.begin() + static_cast<std::ptrdiff_t>(from + expected));
    } else if (r < 66) {  // ForRange.
      if (n == 0) continue;
      const int64_t start = valid_index();
      const size_t count = rng() % (n + 3);
      const bool reverse = rng() % 2 == 0;
      const size_t stop = rng() % 3 == 0 ? 1 + rng() % (count + 1) : kNoStop;
      op = "ForRange(" + std::to_string(start) + ", " + std::to_string(count) + ", " +
           (reverse ? "reverse" : "forward") + ", stop after " + std::to_string(stop) + ")";
      ASSERT_EQ(ForRangeOf(ql, start, count, reverse, stop),
                ModelForRange(m, start, count, reverse, stop))
          << "step " << step << ": " << op;
    } else if (r < 74) {  // FindAll.
      const std::string e = RandomElement(rng);
      const bool reverse = rng() % 2 == 0;
      const size_t maxlen = rng() % 2 == 0 ? 0 : rng() % (n + 3);
      const size_t stop = rng() % 3 == 0 ? 1 + rng() % 3 : kNoStop;
      op = "FindAll(" + Show(e) + ", " + (reverse ? "reverse" : "forward") + ", maxlen " +
           std::to_string(maxlen) + ", stop after " + std::to_string(stop) + ")";
      ASSERT_EQ(FindAllOf(ql, e, reverse, maxlen, stop), ModelFindAll(m, e, reverse, maxlen, stop))
          << "step " << step << ": " << op;
    } else if (r < 86) {  // InsertAtPivot, mostly at a pivot that is there.
      if (!grow && rng() % 2 == 0) continue;
      const std::string pivot = n > 0 && rng() % 4 != 0 ? m[rng() % n] : RandomElement(rng);
      const std::string e = RandomElement(rng);
      const bool after = rng() % 2 == 0;
      op = "InsertAtPivot(" + Show(pivot) + ", " + Show(e) + ", " + (after ? "after" : "before") +
           ")";
      const bool expected = ModelInsert(&m, pivot, e, after);
      ASSERT_EQ(ql.InsertAtPivot(pivot, e, after), expected) << "step " << step << ": " << op;
    } else if (r < 93) {  // RemoveMatching.
      const std::string e = n > 0 && rng() % 2 == 0 ? m[rng() % n] : RandomElement(rng);
      const size_t limit = grow ? 1 : rng() % 2 == 0 ? 0 : 1 + rng() % 5;
      const bool reverse = rng() % 2 == 0;
      op = "RemoveMatching(" + Show(e) + ", " + std::to_string(limit) + ", " +
           (reverse ? "reverse" : "forward") + ")";
      const size_t expected = ModelRemove(&m, e, limit, reverse);
      ASSERT_EQ(ql.RemoveMatching(e, limit, reverse), expected) << "step " << step << ": " << op;
    } else {  // Get every element by its negative index, on a small list.
      op = "Get(all, negative)";
      if (n > 30) continue;
      for (size_t i = 1; i <= n; ++i) {
        const auto index = -static_cast<int64_t>(i);
        ASSERT_EQ(GetAt(ql, index), ModelAt(m, index)) << "step " << step << ": " << i;
      }
    }
    ASSERT_EQ(ql.size(), m.size()) << "step " << step << ": " << op;
    ASSERT_EQ(ql.empty(), m.empty()) << "step " << step << ": " << op;
    if (step % 4 == 0) {
      ASSERT_TRUE(LayoutHolds(ql, m, threshold)) << "step " << step << ": " << op;
      if (depth == 0) {
        ASSERT_EQ(ql.GetStats().compressed_nodes, 0u) << "step " << step << ": " << op;
      }
    }
    if (step % 32 == 0 || m.size() < 12) {
      ASSERT_EQ(Contents(ql), Vec(m)) << "step " << step << ": " << op;
    }
    if (step % 256 == 0) {
      ASSERT_EQ(ContentsBackwards(ql), Vec(m)) << "step " << step << ": " << op;
    }
    if (step % 1000 == 999) {  // A copy is equal and independent.
      std::unique_ptr<Quicklist> copy(ql.Copy());
      ASSERT_EQ(copy->node_count(), ql.node_count()) << "step " << step;
      ASSERT_EQ(Contents(*copy), Vec(m)) << "step " << step;
      copy->Push(End::kHead, "copy only");
      copy->Push(End::kTail, std::string(2000, 'c'));
      if (!m.empty()) {
        copy->Replace(static_cast<int64_t>(m.size() / 2), "changed");
        copy->DeleteRange(0, 3);
      }
      ASSERT_EQ(Contents(ql), Vec(m)) << "step " << step;
    }
  }
  EXPECT_EQ(Contents(ql), Vec(m));
  EXPECT_EQ(ContentsBackwards(ql), Vec(m));
  EXPECT_TRUE(LayoutHolds(ql, m, threshold));
}

std::string OptionsName(const ::testing::TestParamInfo<Options>& info) {
  const auto [fill, depth, threshold] = info.param;
  std::string name = fill < 0 ? "FillMinus" + std::to_string(-fill) : "Fill" + std::to_string(fill);
  name += "Depth" + std::to_string(depth);
  name += threshold < 1000 ? "Plain" + std::to_string(threshold) : "";
  return name;
}

INSTANTIATE_TEST_SUITE_P(
    Options, QuicklistRandom,
    ::testing::Combine(::testing::Values(-5, -2, -1, 1, 2, 3, 8, 128), ::testing::Values(0, 1, 2),
                       ::testing::Values(Quicklist::kDefaultPackedThreshold, size_t{64})),
    OptionsName);

// --- Fixed cases --------------------------------------------------------------

TEST(Quicklist, ClampsOptionsAsRedis) {
  EXPECT_EQ(Quicklist(-100, -1).fill(), Quicklist::kMinFill);
  EXPECT_EQ(Quicklist(-100, -1).compress_depth(), 0);
  EXPECT_EQ(Quicklist(100000, 100000).fill(), Quicklist::kMaxFill);
  EXPECT_EQ(Quicklist(100000, 100000).compress_depth(), 65535);
}

TEST(Quicklist, EmptyList) {
  Quicklist ql(-2, 1);
  EXPECT_TRUE(ql.empty());
  EXPECT_EQ(ql.size(), 0u);
  EXPECT_EQ(ql.node_count(), 0u);
  EXPECT_EQ(ql.GetStats().nodes, 0u);
  EXPECT_EQ(ql.GetStats().compressed_nodes, 0u);
  EXPECT_EQ(GetAt(ql, 0), std::nullopt);
  EXPECT_EQ(GetAt(ql, -1), std::nullopt);
  EXPECT_FALSE(ql.Replace(0, "x"));
  std::string out = "untouched";
  EXPECT_FALSE(ql.Pop(End::kHead, &out));
  EXPECT_FALSE(ql.Pop(End::kTail, [](std::string_view) { ADD_FAILURE() << "popped nothing"; }));
  EXPECT_EQ(out, "untouched");
  EXPECT_FALSE(ql.InsertAtPivot("a", "b", false));
  EXPECT_EQ(ql.RemoveMatching("a", 0, false), 0u);
  EXPECT_TRUE(FindAllOf(ql, "a", false, 0, kNoStop).empty());
  EXPECT_TRUE(Contents(ql).empty());
  std::unique_ptr<Quicklist> copy(ql.Copy());
  EXPECT_TRUE(copy->empty());
  EXPECT_EQ(copy->node_count(), 0u);
  EXPECT_EQ(copy->fill(), -2);
  EXPECT_EQ(copy->compress_depth(), 1);
  // Emptied by pops: no node left behind.
  ql.Push(End::kTail, "a");
  ql.Push(End::kHead, "1");
  EXPECT_TRUE(ql.Pop(End::kTail, &out));
  EXPECT_EQ(out, "a");
  EXPECT_TRUE(ql.Pop(End::kTail, &out));
  EXPECT_EQ(out, "1");
  EXPECT_TRUE(ql.empty());
  EXPECT_EQ(ql.node_count(), 0u);
}

std::string Value(size_t i) { return "e" + std::to_string(i) + std::string(30, '.'); }

struct Built {
  std::unique_ptr<Quicklist> ql;
  Model m;
};

// n distinct elements, pushed at the tail (or the head), fill 4: a node
// boundary every 4 elements.
Built Build(size_t n, int depth, bool from_head) {
  Built b{std::make_unique<Quicklist>(4, depth), {}};
  for (size_t k = 0; k < n; ++k) {
    const size_t i = from_head ? n - 1 - k : k;
    b.ql->Push(from_head ? End::kHead : End::kTail, Value(i));
    if (from_head) {
      b.m.push_front(Value(i));
    } else {
      b.m.push_back(Value(i));
    }
  }
  return b;
}

// Get, Replace, DeleteRange, InsertAtPivot and ForRange at every index of
// lists of 0 to 20 elements in nodes of 4, so at and around every boundary.
TEST(Quicklist, EveryNodeBoundary) {
  const size_t kThreshold = Quicklist::kDefaultPackedThreshold;
  for (int depth : {0, 1}) {
    for (bool from_head : {false, true}) {
      for (size_t n = 0; n <= 20; ++n) {
        SCOPED_TRACE("depth=" + std::to_string(depth) + " from_head=" + std::to_string(from_head) +
                     " n=" + std::to_string(n));
        const auto sn = static_cast<int64_t>(n);
        {
          Built b = Build(n, depth, from_head);
          ExpectMatches(*b.ql, b.m, kThreshold);
          for (int64_t i = 0; i < sn; ++i) {
            EXPECT_EQ(GetAt(*b.ql, i), b.m[i]) << i;
            EXPECT_EQ(GetAt(*b.ql, i - sn), b.m[i]) << i - sn;
            EXPECT_EQ(ForRangeOf(*b.ql, i, n, false, kNoStop),
                      ModelForRange(b.m, i, n, false, kNoStop))
                << i;
            EXPECT_EQ(ForRangeOf(*b.ql, i - sn, n, true, kNoStop),
                      ModelForRange(b.m, i - sn, n, true, kNoStop))
                << i;
          }
          EXPECT_EQ(GetAt(*b.ql, sn), std::nullopt);
          EXPECT_EQ(GetAt(*b.ql, -sn - 1), std::nullopt);
          EXPECT_FALSE(b.ql->Replace(sn, "x"));
          EXPECT_FALSE(b.ql->Replace(-sn - 1, "x"));
          EXPECT_FALSE(b.ql->InsertAtPivot("missing", "x", true));
          ExpectMatches(*b.ql, b.m, kThreshold);
        }
        for (size_t i = 0; i < n; ++i) {
          for (const std::string& e : {std::string("r"), std::string("7"), std::string(200, 'R')}) {
            Built b = Build(n, depth, from_head);
            ASSERT_TRUE(b.ql->Replace(static_cast<int64_t>(i), e)) << i;
            b.m[i] = e;
            ExpectMatches(*b.ql, b.m, kThreshold);
          }
          for (size_t count = 1; count <= 3; ++count) {
            for (bool negative : {false, true}) {
              Built b = Build(n, depth, from_head);
              const int64_t start = static_cast<int64_t>(i) - (negative ? sn : 0);
              const size_t expected = std::min(count, n - i);
              ASSERT_EQ(b.ql->DeleteRange(start, count), expected) << start << " " << count;
              b.m.erase(b.m.begin() + static_cast<std::ptrdiff_t>(i),
                        b.m.begin() + static_cast<std::ptrdiff_t>(i + expected));
              ExpectMatches(*b.ql, b.m, kThreshold);
            }
          }
          for (bool after : {false, true}) {
            Built b = Build(n, depth, from_head);
            ASSERT_TRUE(b.ql->InsertAtPivot(Value(i), "new", after)) << i << " " << after;
            ModelInsert(&b.m, Value(i), "new", after);
            ExpectMatches(*b.ql, b.m, kThreshold);
            // And a second one next to it, into the node the first may have split.
            ASSERT_TRUE(b.ql->InsertAtPivot("new", "newer", !after)) << i << " " << after;
            ModelInsert(&b.m, "new", "newer", !after);
            ExpectMatches(*b.ql, b.m, kThreshold);
          }
        }
      }
    }
  }
}

// An element of the threshold or more gets a node of its own ("plain"); a
// shorter one goes in a listpack. Both mix in one list through every edit.
TEST(Quicklist, PlainNodesMixWithPackedOnes) {
  constexpr size_t kThreshold = 64;
  const std::string s63(63, 'p');
  const std::string s64(64, 'q');
  const std::string s1000 = Pattern(1000);
  {  // The threshold is inclusive.
    Quicklist packed(-2, 0, kThreshold);
    Quicklist plain(-2, 0, kThreshold);
    Model m63, m64;
    for (int i = 0; i < 10; ++i) {
      packed.Push(End::kTail, s63);
      m63.push_back(s63);
      plain.Push(End::kTail, s64);
      m64.push_back(s64);
    }
    ExpectMatches(packed, m63, kThreshold);
    ExpectMatches(plain, m64, kThreshold);
    EXPECT_EQ(plain.node_count(), 10u);
    EXPECT_LT(packed.node_count(), 10u);
  }
  for (int fill : {-2, 1, 3}) {
    for (int depth : {0, 1}) {
      SCOPED_TRACE("fill=" + std::to_string(fill) + " depth=" + std::to_string(depth));
      Quicklist ql(fill, depth, kThreshold);
      Model m;
      const auto push = [&](End end, const std::string& e) {
        ql.Push(end, e);
        if (end == End::kHead) {
          m.push_front(e);
        } else {
          m.push_back(e);
        }
        ExpectMatches(ql, m, kThreshold);
      };
      const auto insert = [&](const std::string& pivot, const std::string& e, bool after) {
        SCOPED_TRACE("InsertAtPivot(" + Show(pivot) + ", " + Show(e) + ")");
        const bool expected = ModelInsert(&m, pivot, e, after);
        EXPECT_EQ(ql.InsertAtPivot(pivot, e, after), expected);
        ExpectMatches(ql, m, kThreshold);
      };
      push(End::kHead, s64);
      push(End::kTail, s63);
      push(End::kTail, s1000);
      push(End::kHead, "1");
      push(End::kTail, "a");
      push(End::kHead, s63);
      push(End::kTail, s64);
      push(End::kHead, s1000);
      // m: s1000 s63 1 s64 s63 s1000 a s64
      insert(s63, s64, true);      // A plain node splitting a packed one.
      insert("a", s1000, false);   // Between a plain node and a packed one.
      insert(s64, "x", true);      // Small after a plain node.
      insert(s1000, "y", false);   // Small before the head, a plain node.
      insert(s64, s63, false);     // Small before a plain node.
      insert(s1000, s1000, true);  // Plain after plain.
      insert("y", std::string(5000, 'w'), true);
      insert("nope", s1000, true);  // No pivot.
      // Every element replaced by a small one, a large one and each size at
      // the threshold, then restored.
      for (size_t i = 0; i < m.size(); ++i) {
        for (const std::string& e : {s1000, std::string("2"), s63, s64, std::string("b")}) {
          const std::string old = m[i];
          ASSERT_TRUE(ql.Replace(static_cast<int64_t>(i), e)) << i;
          m[i] = e;
          ExpectMatches(ql, m, kThreshold);
          ASSERT_TRUE(ql.Replace(static_cast<int64_t>(i), old)) << i;
          m[i] = old;
          ExpectMatches(ql, m, kThreshold);
        }
      }
      for (const std::string& e : {s63, s64, s1000, std::string("a")}) {
        for (bool reverse : {false, true}) {
          for (size_t maxlen : {size_t{0}, size_t{3}, size_t{7}}) {
            EXPECT_EQ(FindAllOf(ql, e, reverse, maxlen, kNoStop),
                      ModelFindAll(m, e, reverse, maxlen, kNoStop))
                << Show(e) << " " << reverse << " " << maxlen;
          }
        }
      }
      {
        std::unique_ptr<Quicklist> copy(ql.Copy());
        ExpectMatches(*copy, m, kThreshold);
        copy->Replace(0, "changed");
        copy->RemoveMatching(s1000, 0, false);
        ExpectMatches(ql, m, kThreshold);
      }
      EXPECT_EQ(ql.DeleteRange(1, 4), 4u);
      m.erase(m.begin() + 1, m.begin() + 5);
      ExpectMatches(ql, m, kThreshold);
      EXPECT_EQ(ql.DeleteRange(-3, 2), 2u);
      m.erase(m.end() - 3, m.end() - 1);
      ExpectMatches(ql, m, kThreshold);
      EXPECT_EQ(ql.RemoveMatching(s63, 1, true), ModelRemove(&m, s63, 1, true));
      ExpectMatches(ql, m, kThreshold);
      EXPECT_EQ(ql.RemoveMatching(s1000, 0, false), ModelRemove(&m, s1000, 0, false));
      ExpectMatches(ql, m, kThreshold);
      for (bool head = true; !m.empty(); head = !head) {
        std::string got;
        ASSERT_TRUE(ql.Pop(head ? End::kHead : End::kTail, &got));
        EXPECT_EQ(got, head ? m.front() : m.back());
        if (head) {
          m.pop_front();
        } else {
          m.pop_back();
        }
        ExpectMatches(ql, m, kThreshold);
      }
      EXPECT_EQ(ql.node_count(), 0u);
    }
  }
}

// Pushes fill nodes as Redis's do, so DEBUG OBJECT's ql_nodes matches: a
// positive fill counts elements (and 8 KiB caps bytes), a negative one caps
// a node's listpack at 4 << (-fill - 1) KiB.
TEST(Quicklist, PushesFillNodesAsRedisDoes) {
  for (int fill : {1, 2, 3, 8, 128}) {
    for (End end : {End::kHead, End::kTail}) {
      Quicklist ql(fill, 0);
      Model m;
      for (int i = 0; i < 1000; ++i) {
        ql.Push(end, "1");
        m.push_back("1");
      }
      EXPECT_EQ(ql.node_count(), (1000 + static_cast<size_t>(fill) - 1) / fill) << fill;
      EXPECT_TRUE(LayoutHolds(ql, m, Quicklist::kDefaultPackedThreshold));
    }
  }
  {  // Fill 0 (kept as Redis keeps it): a node per element.
    Quicklist ql(0, 0);
    for (int i = 0; i < 10; ++i) ql.Push(End::kTail, "1");
    EXPECT_EQ(ql.node_count(), 10u);
  }
  // 1000-byte elements take 1004 listpack bytes each.
  const std::string big = Pattern(1000);
  struct Case {
    int fill;
    size_t per_node;
  };
  for (const Case c :
       {Case{128, 8}, Case{-1, 4}, Case{-2, 8}, Case{-3, 16}, Case{-4, 32}, Case{-5, 65}}) {
    for (End end : {End::kHead, End::kTail}) {
      Quicklist ql(c.fill, 0);
      for (int i = 0; i < 200; ++i) ql.Push(end, big);
      EXPECT_EQ(ql.node_count(), (200 + c.per_node - 1) / c.per_node) << c.fill;
      EXPECT_GE(ql.GetStats().uncompressed_bytes, 200u * 1000);
      EXPECT_EQ(ql.GetStats().compressed_nodes, 0u);
    }
  }
}

// Lists of 200 compressible 100-byte strings in nodes of 8: every node but
// the `depth` at each end is compressed, reads leave them compressed, writes
// compress them again, and the list takes less memory than uncompressed.
TEST(Quicklist, CompressesInnerNodes) {
  const std::string a100(100, 'a');
  for (int depth : {1, 2, 3}) {
    for (int build = 0; build < 3; ++build) {  // At the tail, the head, alternating.
      SCOPED_TRACE("depth=" + std::to_string(depth) + " build=" + std::to_string(build));
      Quicklist raw(8, 0);
      Quicklist packed(8, depth);
      Model m;
      for (int i = 0; i < 200; ++i) {
        const bool head = build == 1 || (build == 2 && i % 2 == 0);
        for (Quicklist* ql : {&raw, &packed}) ql->Push(head ? End::kHead : End::kTail, a100);
        m.push_back(a100);
      }
      ASSERT_EQ(packed.node_count(), raw.node_count());
      const size_t nodes = packed.node_count();
      ASSERT_GT(nodes, 2u * depth + 1);
      const Quicklist::Stats raw_stats = raw.GetStats();
      const Quicklist::Stats stats = packed.GetStats();
      EXPECT_EQ(raw_stats.compressed_nodes, 0u);
      EXPECT_GT(stats.compressed_nodes, 0u);
      EXPECT_EQ(stats.compressed_nodes, nodes - 2 * depth);
      EXPECT_EQ(stats.uncompressed_bytes, raw_stats.uncompressed_bytes);
      EXPECT_LT(packed.MemoryUsage(), raw.MemoryUsage());
      ExpectMatches(packed, m, Quicklist::kDefaultPackedThreshold);
      // Reads decompress into scratch space only.
      for (int64_t i = 0; i < 200; ++i) ASSERT_EQ(GetAt(packed, i), a100) << i;
      EXPECT_EQ(FindAllOf(packed, a100, true, 0, kNoStop).size(), 200u);
      EXPECT_EQ(packed.GetStats().compressed_nodes, nodes - 2 * depth);
      // Writes in the middle: the touched nodes are compressed again.
      ASSERT_TRUE(packed.Replace(100, "pivot"));
      m[100] = "pivot";
      ASSERT_TRUE(packed.InsertAtPivot("pivot", a100, true));
      ModelInsert(&m, "pivot", a100, true);
      EXPECT_EQ(packed.DeleteRange(50, 3), 3u);
      m.erase(m.begin() + 50, m.begin() + 53);
      ASSERT_TRUE(packed.Replace(-100, Pattern(100)));
      m[m.size() - 100] = Pattern(100);
      ExpectMatches(packed, m, Quicklist::kDefaultPackedThreshold);
      EXPECT_EQ(packed.GetStats().compressed_nodes, packed.node_count() - 2 * depth);
      // Shrunk to within the depth at each end: nothing compressed.
      while (packed.node_count() > 2 * static_cast<size_t>(depth)) {
        std::string out;
        ASSERT_TRUE(packed.Pop(End::kTail, &out));
        m.pop_back();
        EXPECT_TRUE(LayoutHolds(packed, m, Quicklist::kDefaultPackedThreshold));
      }
      EXPECT_EQ(packed.GetStats().compressed_nodes, 0u);
      ExpectMatches(packed, m, Quicklist::kDefaultPackedThreshold);
    }
  }
}

// An insert into the middle of a full inner node splits it: every part of
// it is compressed again, whichever half (or a node between them) takes
// the element.
TEST(Quicklist, CompressesEveryPartOfASplitNode) {
  for (int depth : {1, 2}) {
    SCOPED_TRACE("depth=" + std::to_string(depth));
    const auto inner = [depth](const Quicklist& ql) { return ql.node_count() - 2 * depth; };
    {  // Nodes full by bytes (4 KiB, 4 elements of 1000 bytes); 3000 bytes fit neither half.
      Quicklist ql(-1, depth);
      Model m;
      for (int i = 0; i < 40; ++i) {
        const std::string e(1000, static_cast<char>('0' + i));
        ql.Push(End::kTail, e);
        m.push_back(e);
      }
      ASSERT_GT(ql.node_count(), 2u * depth + 4);
      EXPECT_EQ(ql.GetStats().compressed_nodes, inner(ql));
      for (const auto& [pivot, after] : {std::pair{17, true}, std::pair{30, false}}) {
        const std::string at = m[static_cast<size_t>(pivot)];
        ASSERT_TRUE(ql.InsertAtPivot(at, std::string(3000, 'z'), after));
        ModelInsert(&m, at, std::string(3000, 'z'), after);
        ExpectMatches(ql, m, Quicklist::kDefaultPackedThreshold);
        EXPECT_EQ(ql.GetStats().compressed_nodes, inner(ql)) << pivot;
      }
    }
    {  // Nodes full by count (fill 4).
      Built b = Build(40, depth, false);
      EXPECT_EQ(b.ql->GetStats().compressed_nodes, inner(*b.ql));
      for (const auto& [pivot, after] : {std::pair{17, true}, std::pair{30, false}}) {
        ASSERT_TRUE(b.ql->InsertAtPivot(Value(pivot), "new", after));
        ModelInsert(&b.m, Value(pivot), "new", after);
        ExpectMatches(*b.ql, b.m, Quicklist::kDefaultPackedThreshold);
        EXPECT_EQ(b.ql->GetStats().compressed_nodes, inner(*b.ql)) << pivot;
      }
    }
  }
}

// Nodes under 48 bytes, or that LZF does not shrink by 8, stay raw.
TEST(Quicklist, KeepsIncompressibleNodesRaw) {
  Quicklist tiny(2, 1);
  for (int i = 0; i < 100; ++i) tiny.Push(End::kTail, "1");
  EXPECT_EQ(tiny.node_count(), 50u);
  EXPECT_EQ(tiny.GetStats().compressed_nodes, 0u);

  std::mt19937_64 rng(7);
  Quicklist noise(8, 1);
  Model m;
  for (int i = 0; i < 100; ++i) {
    std::string s(100, '\0');
    for (char& c : s) c = static_cast<char>(rng());
    noise.Push(End::kTail, s);
    m.push_back(s);
  }
  EXPECT_GT(noise.node_count(), 3u);
  EXPECT_EQ(noise.GetStats().compressed_nodes, 0u);
  ExpectMatches(noise, m, Quicklist::kDefaultPackedThreshold);
}

// Plain nodes are nodes like the others: inner ones are compressed too.
TEST(Quicklist, CompressesInnerPlainNodes) {
  for (int depth : {1, 2}) {
    SCOPED_TRACE("depth=" + std::to_string(depth));
    Quicklist raw(-2, 0, 64);
    Quicklist packed(-2, depth, 64);
    Model m;
    for (int i = 0; i < 10; ++i) {
      const std::string e(1000, static_cast<char>('a' + i));
      raw.Push(End::kTail, e);
      packed.Push(End::kTail, e);
      m.push_back(e);
    }
    ASSERT_EQ(packed.node_count(), 10u);
    EXPECT_EQ(packed.GetStats().compressed_nodes, 10u - 2 * depth);
    EXPECT_EQ(packed.GetStats().uncompressed_bytes, raw.GetStats().uncompressed_bytes);
    EXPECT_LT(packed.MemoryUsage(), raw.MemoryUsage());
    ExpectMatches(packed, m, 64);
  }
}

// Random edits of a list whose every node compresses well (elements of one
// repeated byte, 48 bytes or more, some of them plain): after each, exactly
// the nodes past `depth` from each end are compressed.
void EditCompressibleList(int fill, int depth, size_t threshold) {
  SCOPED_TRACE("fill=" + std::to_string(fill) + " depth=" + std::to_string(depth) +
               " threshold=" + std::to_string(threshold));
  std::vector<std::string> alphabet;
  for (size_t len : {48, 63, 64, 200, 1000, 3000}) {
    for (char c : {'a', 'b'}) alphabet.emplace_back(len, c);
  }
  std::mt19937_64 rng(static_cast<uint64_t>(77 + fill * 13 + depth) + threshold % 1000);
  Quicklist ql(fill, depth, threshold);
  Model m;
  const auto pick = [&]() -> const std::string& { return alphabet[rng() % alphabet.size()]; };
  std::string op;
  for (int step = 0; step < 1500; ++step) {
    const size_t n = m.size();
    const bool grow = n < (step < 1000 ? 150u : 5u);
    const uint64_t r = rng() % 100;
    const bool at_head = rng() % 2 == 0;
    if (r < 35 ? grow : r < 45) {
      const std::string& e = pick();
      op = std::string("Push(") + (at_head ? "head" : "tail") + ", " + Show(e) + ")";
      ql.Push(at_head ? End::kHead : End::kTail, e);
      if (at_head) {
        m.push_front(e);
      } else {
        m.push_back(e);
      }
    } else if (r < 55) {
      op = std::string("Pop(") + (at_head ? "head" : "tail") + ")";
      std::string got;
      ASSERT_EQ(ql.Pop(at_head ? End::kHead : End::kTail, &got), n > 0) << op;
      if (n > 0) {
        ASSERT_EQ(got, at_head ? m.front() : m.back()) << "step " << step << ": " << op;
        if (at_head) {
          m.pop_front();
        } else {
          m.pop_back();
        }
      }
    } else if (r < 70) {
      if (n == 0) continue;
      const size_t i = rng() % n;
      const std::string& e = pick();
      op = "Replace(" + std::to_string(i) + ", " + Show(e) + ")";
      ASSERT_TRUE(ql.Replace(static_cast<int64_t>(i), e)) << op;
      m[i] = e;
    } else if (r < 78) {
      if (n == 0) continue;
      const size_t i = rng() % n;
      const size_t count = 1 + rng() % (grow ? 2 : 10);
      op = "DeleteRange(" + std::to_string(i) + ", " + std::to_string(count) + ")";
      const size_t expected = std::min(count, n - i);
      ASSERT_EQ(ql.DeleteRange(static_cast<int64_t>(i), count), expected) << op;
      m.erase(m.begin() + static_cast<std::ptrdiff_t>(i),
              m.begin() + static_cast<std::ptrdiff_t>(i + expected));
    } else if (r < 93) {
      const std::string pivot = n > 0 ? m[rng() % n] : pick();
      const std::string& e = pick();
      const bool after = rng() % 2 == 0;
      op = "InsertAtPivot(" + Show(pivot) + ", " + Show(e) + ", " + (after ? "after" : "before") +
           ")";
      const bool expected = ModelInsert(&m, pivot, e, after);
      ASSERT_EQ(ql.InsertAtPivot(pivot, e, after), expected) << op;
    } else {
      const std::string& e = pick();
      const size_t limit = grow ? 1 : rng() % 3;
      const bool reverse = rng() % 2 == 0;
      op = "RemoveMatching(" + Show(e) + ", " + std::to_string(limit) + ", " +
           (reverse ? "reverse" : "forward") + ")";
      const size_t expected = ModelRemove(&m, e, limit, reverse);
      ASSERT_EQ(ql.RemoveMatching(e, limit, reverse), expected) << op;
    }
    ASSERT_TRUE(LayoutHolds(ql, m, threshold)) << "step " << step << ": " << op;
    const size_t nodes = ql.node_count();
    const size_t inner = nodes > 2 * static_cast<size_t>(depth) ? nodes - 2 * depth : 0;
    ASSERT_EQ(ql.GetStats().compressed_nodes, inner) << "step " << step << ": " << op;
    if (step % 16 == 0) {
      ASSERT_EQ(Contents(ql), Vec(m)) << "step " << step << ": " << op;
    }
  }
  EXPECT_EQ(Contents(ql), Vec(m));
}

TEST(Quicklist, KeepsEveryInnerNodeCompressed) {
  for (int fill : {-2, -1, 3, 128}) {
    for (int depth : {1, 2}) {
      for (size_t threshold : {Quicklist::kDefaultPackedThreshold, size_t{64}}) {
        EditCompressibleList(fill, depth, threshold);
      }
    }
  }
}

// FreeSome (the lazy reclaimer's) frees whole nodes from the head, as many
// as the budget allows, and says when the list is gone.
TEST(Quicklist, FreeSomeFreesNodesFromTheHead) {
  for (int depth : {0, 1}) {
    SCOPED_TRACE("depth=" + std::to_string(depth));
    Built b = Build(40, depth, false);  // 10 nodes of 4.
    ASSERT_EQ(b.ql->node_count(), 10u);
    size_t budget = 0;
    EXPECT_FALSE(b.ql->FreeSome(&budget));
    EXPECT_EQ(b.ql->node_count(), 10u);
    EXPECT_EQ(b.ql->size(), 40u);
    budget = 3;
    EXPECT_FALSE(b.ql->FreeSome(&budget));
    EXPECT_EQ(budget, 0u);
    EXPECT_EQ(b.ql->node_count(), 7u);
    EXPECT_EQ(b.ql->size(), 28u);
    EXPECT_EQ(Contents(*b.ql), std::vector<std::string>(b.m.begin() + 12, b.m.end()));
    budget = 100;
    EXPECT_TRUE(b.ql->FreeSome(&budget));
    EXPECT_EQ(budget, 93u);
    EXPECT_TRUE(b.ql->empty());
    EXPECT_EQ(b.ql->node_count(), 0u);
    budget = 5;
    EXPECT_TRUE(b.ql->FreeSome(&budget));
    EXPECT_EQ(budget, 5u);
  }
}

// Copy: the same options, layout and contents, and no shared state either
// way (the sanitizers catch a shallow copy once the original is gone).
TEST(Quicklist, CopyIsDeepAndIndependent) {
  for (int depth : {0, 1, 2}) {
    for (size_t threshold : {Quicklist::kDefaultPackedThreshold, size_t{64}}) {
      SCOPED_TRACE("depth=" + std::to_string(depth) + " threshold=" + std::to_string(threshold));
      auto original = std::make_unique<Quicklist>(8, depth, threshold);
      Model m;
      for (int i = 0; i < 200; ++i) {
        const std::string e = i % 10 == 3 ? Pattern(300, 'a' + i % 5) : std::string(100, 'a');
        original->Push(End::kTail, e);
        m.push_back(e);
      }
      std::unique_ptr<Quicklist> copy(original->Copy());
      EXPECT_EQ(copy->fill(), 8);
      EXPECT_EQ(copy->compress_depth(), depth);
      EXPECT_EQ(copy->node_count(), original->node_count());
      EXPECT_EQ(copy->GetStats().nodes, original->GetStats().nodes);
      EXPECT_EQ(copy->GetStats().compressed_nodes, original->GetStats().compressed_nodes);
      EXPECT_EQ(copy->GetStats().uncompressed_bytes, original->GetStats().uncompressed_bytes);
      ExpectMatches(*copy, m, threshold);

      Model copied = m;
      // Mutating the copy (ends and compressed inner nodes) leaves the original.
      copy->Push(End::kHead, "head");
      copied.push_front("head");
      std::string out;
      ASSERT_TRUE(copy->Pop(End::kTail, &out));
      copied.pop_back();
      ASSERT_TRUE(copy->Replace(100, "middle"));
      copied[100] = "middle";
      ASSERT_TRUE(copy->InsertAtPivot("middle", Pattern(2000), false));
      ModelInsert(&copied, "middle", Pattern(2000), false);
      EXPECT_EQ(copy->DeleteRange(20, 30), 30u);
      copied.erase(copied.begin() + 20, copied.begin() + 50);
      const std::string removed = Pattern(300, 'a' + 3);
      EXPECT_EQ(copy->RemoveMatching(removed, 0, false), ModelRemove(&copied, removed, 0, false));
      ExpectMatches(*copy, copied, threshold);
      ExpectMatches(*original, m, threshold);
      // And the other way.
      ASSERT_TRUE(original->Replace(150, "original"));
      m[150] = "original";
      original->Push(End::kTail, "tail");
      m.push_back("tail");
      ExpectMatches(*original, m, threshold);
      ExpectMatches(*copy, copied, threshold);
      // The copy outlives the original.
      original.reset();
      ExpectMatches(*copy, copied, threshold);
      std::unique_ptr<Quicklist> second(copy->Copy());
      copy.reset();
      ExpectMatches(*second, copied, threshold);
    }
  }
}

}  // namespace
}  // namespace respd::store

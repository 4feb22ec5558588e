// Streams below the protocol: the ID's text and byte forms; a node's
// listpack, element by element, in Redis's layout; and the stream against a
// model (an ordered map of ID to fields) through random appends, deletions,
// exact and approximate trims and ranges in both directions, with node
// limits small enough that every operation crosses node boundaries.
#include "store/types/stream.h"

#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "store/encodings/listpack.h"

namespace respd::store {
namespace {

StreamId Id(uint64_t ms, uint64_t seq) { return StreamId{ms, seq}; }

TEST(StreamIdTest, ParsesTheFormsRedisAccepts) {
  StreamId id;
  ASSERT_TRUE(StreamId::Parse("1526919030474-55", 0, &id));
  EXPECT_EQ(id, Id(1526919030474, 55));
  ASSERT_TRUE(StreamId::Parse("7", 0, &id));
  EXPECT_EQ(id, Id(7, 0));
  ASSERT_TRUE(StreamId::Parse("7", UINT64_MAX, &id));
  EXPECT_EQ(id, Id(7, UINT64_MAX));
  ASSERT_TRUE(StreamId::Parse("18446744073709551615-18446744073709551615", 0, &id));
  EXPECT_EQ(id, StreamId::Max());
  // strtoull's leniency, which string2ull falls back to: leading blanks
  // and a plus sign.
  ASSERT_TRUE(StreamId::Parse(" 1", 0, &id));
  EXPECT_EQ(id, Id(1, 0));
  ASSERT_TRUE(StreamId::Parse("+2- 3", 0, &id));
  EXPECT_EQ(id, Id(2, 3));
  for (std::string_view bad : {"", "-", "+", "*", "1-", "-1", "a-1", "1-a", "1-2-3",
                               "18446744073709551616", "1-18446744073709551616", "1.5"}) {
    EXPECT_FALSE(StreamId::Parse(bad, 0, &id)) << bad;
  }
}

TEST(StreamIdTest, FormatsAndEncodesInOrder) {
  EXPECT_EQ(Id(0, 0).ToString(), "0-0");
  EXPECT_EQ(StreamId::Max().ToString(), "18446744073709551615-18446744073709551615");
  EXPECT_EQ(StreamId::Max().ToString().size(), StreamId::kMaxChars);

  const StreamId ids[] = {Id(0, 0),   Id(0, 1),       Id(0, 256), Id(1, 0), Id(255, UINT64_MAX),
                          Id(256, 0), StreamId::Max()};
  uint8_t prev[StreamId::kEncodedSize] = {};
  for (size_t i = 0; i < std::size(ids); ++i) {
    uint8_t buf[StreamId::kEncodedSize];
    ids[i].Encode(buf);
    EXPECT_EQ(StreamId::Decode(buf), ids[i]);
    if (i > 0) {
      EXPECT_LT(std::memcmp(prev, buf, sizeof buf), 0) << ids[i].ToString();
    }
    std::memcpy(prev, buf, sizeof buf);
  }
}

TEST(StreamIdTest, StepsAcrossTheHalves) {
  StreamId id = Id(1, UINT64_MAX);
  ASSERT_TRUE(id.Increment());
  EXPECT_EQ(id, Id(2, 0));
  ASSERT_TRUE(id.Decrement());
  EXPECT_EQ(id, Id(1, UINT64_MAX));
  StreamId max = StreamId::Max();
  EXPECT_FALSE(max.Increment());
  EXPECT_EQ(max, StreamId::Max());
  StreamId min = StreamId::Min();
  EXPECT_FALSE(min.Decrement());
  EXPECT_EQ(min, StreamId::Min());
}

// The node's listpack elements as text (integers in decimal).
std::vector<std::string> Elements(const uint8_t* lp) {
  std::vector<std::string> out;
  for (size_t at = listpack::First(lp); at != 0; at = listpack::Next(lp, at)) {
    char buf[listpack::kIntBufferSize];
    out.emplace_back(listpack::Get(lp, at, buf));
  }
  return out;
}

TEST(StreamNodeTest, LaysEntriesOutAsRedisDoes) {
  const std::string_view first[] = {"name", "ada", "age", "36"};
  uint8_t* lp = stream_node::Create(Id(100, 5), first);
  // Same fields: flags 2 (same-fields), the ID as differences, the values,
  // lp-count = fields + 3.
  const std::string_view same[] = {"name", "bob", "age", "7"};
  lp = stream_node::Append(lp, Id(100, 5), Id(102, 1), same);
  // Other fields: flags 0, the field count and the pairs, lp-count 2n + 4.
  const std::string_view other[] = {"x", "y"};
  lp = stream_node::Append(lp, Id(100, 5), Id(102, 2), other);
  EXPECT_EQ(Elements(lp),
            (std::vector<std::string>{"3", "0", "2",  "name", "age", "0",          // master
                                      "2", "0", "0",  "ada",  "36",  "5",          // 100-5
                                      "2", "2", "-4", "bob",  "7",   "5",          // 102-1
                                      "0", "2", "-3", "1",    "x",   "y", "6"}));  // 102-2

  // XDEL marks: the flag gains 1, the counts move; nothing else changes.
  size_t at = stream_node::NextEntry(
      lp, stream_node::ReadEntry(lp, stream_node::FirstEntry(lp), Id(100, 5)));
  lp = stream_node::MarkDeleted(lp, at);
  EXPECT_EQ(stream_node::LiveCount(lp), 2);
  EXPECT_EQ(stream_node::DeletedCount(lp), 1);
  EXPECT_EQ(Elements(lp)[12], "3");
  EXPECT_TRUE(
      listpack::Validate(std::string_view(reinterpret_cast<const char*>(lp), listpack::Bytes(lp))));

  // Walking backwards from the last entry finds every entry.
  std::vector<std::string> ids;
  for (size_t e = stream_node::LastEntry(lp); e != 0; e = stream_node::PrevEntry(lp, e)) {
    ids.push_back(stream_node::ReadEntry(lp, e, Id(100, 5)).id.ToString());
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"102-2", "102-1", "100-5"}));
  listpack::Free(lp);
}

using Fields = std::vector<std::string>;
using Model = std::map<StreamId, Fields>;

std::vector<std::pair<StreamId, Fields>> Range(const Stream& s, StreamId start, StreamId end,
                                               bool reverse) {
  std::vector<std::pair<StreamId, Fields>> out;
  StreamIterator it(s, start, end, reverse);
  while (it.Next()) {
    Fields f;
    it.ForEachField([&](std::string_view k, std::string_view v) {
      f.emplace_back(k);
      f.emplace_back(v);
    });
    EXPECT_EQ(f.size(), 2 * it.num_fields());
    out.emplace_back(it.id(), std::move(f));
  }
  return out;
}

std::vector<std::pair<StreamId, Fields>> ModelRange(const Model& m, StreamId start, StreamId end,
                                                    bool reverse) {
  std::vector<std::pair<StreamId, Fields>> out;
  for (auto it = m.lower_bound(start); it != m.end() && it->first <= end; ++it) {
    out.emplace_back(it->first, it->second);
  }
  if (reverse) std::reverse(out.begin(), out.end());
  return out;
}

class StreamModelTest : public ::testing::TestWithParam<std::tuple<int64_t, int64_t>> {};

TEST_P(StreamModelTest, MatchesAnOrderedMap) {
  TypeLimits limits;
  limits.stream_node_max_entries = std::get<0>(GetParam());
  limits.stream_node_max_bytes = std::get<1>(GetParam());
  std::mt19937_64 rng(0x5eed + limits.stream_node_max_entries);
  auto pick = [&](uint64_t n) { return rng() % n; };

  Stream s;
  Model m;
  StreamId last;
  uint64_t added = 0;
  auto random_id_near = [&]() {
    // Mostly IDs in or just outside the stream's range.
    return Id(pick(last.ms + 3), pick(4));
  };
  for (int step = 0; step < 4000; ++step) {
    const uint64_t op = pick(100);
    if (op < 55) {
      StreamId id = pick(3) == 0 ? Id(last.ms + 1 + pick(3), 0) : Id(last.ms, last.seq + 1);
      Fields f;
      const size_t n = 1 + pick(3);
      const bool same = pick(2) == 0;
      for (size_t i = 0; i < n; ++i) {
        f.push_back(same ? "f" + std::to_string(i) : "g" + std::to_string(pick(5)));
        f.push_back(pick(2) == 0 ? std::to_string(static_cast<int64_t>(rng()) >> pick(64))
                                 : std::string(pick(40), 'v'));
      }
      std::vector<std::string_view> views(f.begin(), f.end());
      ASSERT_TRUE(s.Append(id, views, limits));
      m[id] = f;
      last = id;
      ++added;
    } else if (op < 80) {
      StreamId id = random_id_near();
      if (!m.empty() && pick(2) == 0) {
        auto it = m.begin();
        std::advance(it, pick(m.size()));
        id = it->first;
      }
      EXPECT_EQ(s.Delete(id), m.erase(id) == 1) << id.ToString();
    } else if (op < 90) {
      StreamTrimSpec spec;
      spec.approx = pick(2) == 0;
      if (pick(2) == 0) {
        spec.strategy = StreamTrimSpec::Strategy::kMaxLen;
        spec.maxlen = static_cast<int64_t>(pick(m.size() + 2));
      } else {
        spec.strategy = StreamTrimSpec::Strategy::kMinId;
        spec.minid = random_id_near();
      }
      if (spec.approx && pick(2) == 0) spec.limit = 1 + static_cast<int64_t>(pick(20));
      const size_t before = m.size();
      const int64_t removed = s.Trim(spec);
      ASSERT_EQ(static_cast<size_t>(removed), before - s.length());
      // Trimming removes the oldest entries only, and never too many.
      for (int64_t i = 0; i < removed; ++i) {
        if (spec.strategy == StreamTrimSpec::Strategy::kMinId) {
          EXPECT_LT(m.begin()->first, spec.minid);
        }
        m.erase(m.begin());
      }
      if (spec.strategy == StreamTrimSpec::Strategy::kMaxLen) {
        EXPECT_GE(m.size(), std::min<size_t>(before, spec.maxlen));
        if (!spec.approx) {
          EXPECT_EQ(m.size(), std::min<size_t>(before, spec.maxlen));
        }
      } else if (!spec.approx) {
        EXPECT_TRUE(m.empty() || m.begin()->first >= spec.minid);
      }
    } else {
      StreamId a = random_id_near(), b = random_id_near();
      if (b < a) std::swap(a, b);
      if (pick(4) == 0) a = StreamId::Min();
      if (pick(4) == 0) b = StreamId::Max();
      const bool reverse = pick(2) == 0;
      ASSERT_EQ(Range(s, a, b, reverse), ModelRange(m, a, b, reverse))
          << a.ToString() << " " << b.ToString();
      const size_t in_model = ModelRange(m, a, b, false).size();
      const size_t limit = pick(3) == 0 ? 0 : 1 + pick(300);
      ASSERT_EQ(s.CountRange(a, b, limit), limit == 0 ? in_model : std::min(in_model, limit))
          << a.ToString() << " " << b.ToString() << " limit " << limit;
    }
    ASSERT_EQ(s.length(), m.size());
    ASSERT_EQ(s.last_id(), last);
    ASSERT_EQ(s.entries_added(), added);
    if (m.empty()) {
      EXPECT_FALSE(s.FirstLiveId().has_value());
    } else {
      ASSERT_EQ(s.FirstLiveId(), m.begin()->first);
      ASSERT_EQ(s.LastLiveId(), m.rbegin()->first);
      ASSERT_EQ(s.first_id(), m.begin()->first);
    }
    if (step % 50 == 0) {
      // The cached radix-tree node count is the one a fresh stream computes.
      std::unique_ptr<Stream> copy(s.Copy());
      const size_t cached = s.RaxNodeCount();
      ASSERT_EQ(cached, copy->RaxNodeCount());
    }
  }
  ASSERT_EQ(Range(s, StreamId::Min(), StreamId::Max(), false),
            ModelRange(m, StreamId::Min(), StreamId::Max(), false));
}

INSTANTIATE_TEST_SUITE_P(NodeLimits, StreamModelTest,
                         ::testing::Values(std::make_tuple(1, 4096), std::make_tuple(3, 4096),
                                           std::make_tuple(100, 4096), std::make_tuple(0, 120),
                                           std::make_tuple(0, 0)));

TEST(StreamTest, ApproximateTrimsDropWholeNodesOnly) {
  TypeLimits limits;
  limits.stream_node_max_entries = 10;
  Stream s;
  for (uint64_t i = 1; i <= 95; ++i) {
    const std::string_view f[] = {"k", "v"};
    ASSERT_TRUE(s.Append(Id(i, 0), f, limits));
  }
  EXPECT_EQ(s.node_count(), 10u);
  StreamTrimSpec spec;
  spec.strategy = StreamTrimSpec::Strategy::kMaxLen;
  spec.approx = true;
  spec.maxlen = 50;
  // Nodes of 10: dropping four leaves 55; a fifth would leave 45 < 50.
  EXPECT_EQ(s.Trim(spec), 40);
  EXPECT_EQ(s.first_id(), Id(41, 0));
  spec.approx = false;
  EXPECT_EQ(s.Trim(spec), 5);
  EXPECT_EQ(s.FirstLiveId(), Id(46, 0));
  // Exact trimming inside a node marks entries: the node stays.
  EXPECT_EQ(s.node_count(), 6u);
}

TEST(StreamTest, DeletionKeepsTheCountersRedisReports) {
  TypeLimits limits;
  Stream s;
  for (uint64_t i = 1; i <= 3; ++i) {
    const std::string_view f[] = {"k", "v"};
    ASSERT_TRUE(s.Append(Id(i, 0), f, limits));
  }
  EXPECT_TRUE(s.Delete(Id(2, 0)));
  EXPECT_EQ(s.max_deleted_entry_id(), Id(2, 0));
  EXPECT_TRUE(s.RangeHasTombstones(Id(1, 0), StreamId::Max()));
  EXPECT_FALSE(s.RangeHasTombstones(Id(3, 0), StreamId::Max()));
  EXPECT_TRUE(s.Delete(Id(1, 0)));
  EXPECT_EQ(s.first_id(), Id(3, 0));
  EXPECT_EQ(s.max_deleted_entry_id(), Id(2, 0));
  EXPECT_FALSE(s.Delete(Id(1, 0)));
  EXPECT_TRUE(s.Delete(Id(3, 0)));
  EXPECT_EQ(s.length(), 0u);
  EXPECT_EQ(s.node_count(), 0u);
  EXPECT_EQ(s.RaxNodeCount(), 1u);
  EXPECT_EQ(s.max_deleted_entry_id(), Id(3, 0));
  EXPECT_EQ(s.entries_added(), 3u);
}

TEST(StreamGroupTest, ConsumersAreFoundByNameAndListedInOrder) {
  StreamGroup g;
  ASSERT_NE(g.CreateConsumer("consumer:0002", 5), nullptr);
  ASSERT_NE(g.CreateConsumer("consumer:0001", 6), nullptr);
  EXPECT_EQ(g.CreateConsumer("consumer:0001", 7), nullptr);  // Exists.
  EXPECT_EQ(g.FindConsumer("consumer:0001")->seen_time, 6);
  EXPECT_EQ(g.FindConsumer("consumer:0003"), nullptr);
  EXPECT_EQ(g.consumers.begin()->first, "consumer:0001");
  auto nack = std::make_unique<StreamNack>();
  nack->consumer = g.FindConsumer("consumer:0002");
  nack->consumer->pel.emplace(Id(1, 0), nack.get());
  g.pel.emplace(Id(1, 0), std::move(nack));
  std::unique_ptr<StreamGroup> copy = g.Copy();
  EXPECT_EQ(g.DeleteConsumer("consumer:0002"), 1u);
  EXPECT_EQ(g.FindConsumer("consumer:0002"), nullptr);
  EXPECT_TRUE(g.pel.empty());
  // The copy is independent, its index its own.
  ASSERT_NE(copy->FindConsumer("consumer:0002"), nullptr);
  EXPECT_EQ(copy->FindConsumer("consumer:0002")->pel.size(), 1u);
  EXPECT_EQ(copy->pel.begin()->second->consumer, copy->FindConsumer("consumer:0002"));
}

TEST(StreamTest, FreesInBoundedSteps) {
  TypeLimits limits;
  limits.stream_node_max_entries = 2;
  auto* s = new Stream;
  for (uint64_t i = 1; i <= 100; ++i) {
    const std::string_view f[] = {"k", "v"};
    ASSERT_TRUE(s->Append(Id(i, 0), f, limits));
  }
  StreamGroup* g = s->CreateGroup("g", StreamId::Min(), kInvalidEntriesRead);
  StreamConsumer* c = g->CreateConsumer("c", 0);
  for (uint64_t i = 1; i <= 30; ++i) {
    auto nack = std::make_unique<StreamNack>();
    nack->consumer = c;
    c->pel.emplace(Id(i, 0), nack.get());
    g->pel.emplace(Id(i, 0), std::move(nack));
  }
  KeyEntry* e =
      KeyEntry::CreateWithObject("s", s, KeyEntry::kNoExpire, ValueType::kStream, kStreamListpacks);
  // Effort: 50 nodes, the group and its 30 pending entries, the object.
  EXPECT_EQ(FreeEffort(*e), 82u);
  size_t steps = 0;
  for (;;) {
    size_t budget = 10;
    const bool done = OpsOf(ValueType::kStream).free_some(*e, &budget);
    ++steps;
    if (done) break;
    EXPECT_EQ(budget, 0u);  // A step that is not the last uses all it may.
    ASSERT_LT(steps, 100u);
  }
  // 30 consumer links, 30 pending entries, the group, 50 nodes: 111 units.
  EXPECT_EQ(steps, 12u);
  KeyEntry::Free(e);
}

}  // namespace
}  // namespace respd::store

// The set family in process: what the corpus cannot compare byte for byte —
// SPOP and SRANDMEMBER's random replies (counts, distinctness, membership,
// what is left), SSCAN's cursor walk over a hashtable, SINTER's cost going
// to the smallest set, and big sets through RENAME, COPY and UNLINK.
#include <set>
#include <string>
#include <vector>

#include "tests/unit/server/in_process.h"

namespace respd::server::testing {
namespace {

class SetFamily : public InProcessServer {
 protected:
  void Fill(std::string_view key, int n, std::string_view prefix = "") {
    for (int i = 0; i < n; ++i) {
      ASSERT_EQ(Run({"SADD", key, std::string(prefix) + std::to_string(i)}), Int(1));
    }
  }
};

TEST_F(SetFamily, RandomMemberCountsAsRedis) {
  Fill("ints", 50);
  Fill("strs", 700, "m");
  for (const std::string key : {"ints", "strs"}) {
    const int size = key == "ints" ? 50 : 700;
    for (const int count : {2, 10, size - 1, size, size + 5}) {
      const auto members = BulkStrings(Run({"SRANDMEMBER", key, std::to_string(count)}));
      ASSERT_EQ(members.size(), static_cast<size_t>(std::min(count, size)));
      EXPECT_EQ(std::set<std::string>(members.begin(), members.end()).size(), members.size());
      for (const auto& m : members) EXPECT_EQ(Run({"SISMEMBER", key, m}), Int(1));
    }
    EXPECT_EQ(BulkStrings(Run({"SRANDMEMBER", key, "-2000"})).size(), 2000u);
  }
}

TEST_F(SetFamily, PopRemovesWhatItReturns) {
  for (const int pop : {1, 5, 150, 190}) {  // Redis's second and third cases.
    Run({"DEL", "s"});
    Fill("s", 200, pop % 2 ? "x" : "");
    const auto popped = BulkStrings(Run({"SPOP", "s", std::to_string(pop)}));
    ASSERT_EQ(popped.size(), static_cast<size_t>(pop));
    EXPECT_EQ(std::set<std::string>(popped.begin(), popped.end()).size(), popped.size());
    for (const auto& m : popped) EXPECT_EQ(Run({"SISMEMBER", "s", m}), Int(0));
    EXPECT_EQ(Run({"SCARD", "s"}), Int(200 - pop));
  }
  // The survivors of a big pop are rebuilt: integers make an intset again.
  Run({"DEL", "s"});
  Fill("s", 600);
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "s"}), Bulk("hashtable"));
  Run({"SPOP", "s", "550"});
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "s"}), Bulk("intset"));
  Run({"SPOP", "s", "5"});
  EXPECT_EQ(Run({"SCARD", "s"}), Int(45));
}

TEST_F(SetFamily, ScanWalksAHashtableWithACursor) {
  Fill("s", 1000, "m");
  std::set<std::string> seen;
  std::string cursor = "0";
  int calls = 0;
  do {
    const auto items = BulkStrings(Run({"SSCAN", "s", cursor, "COUNT", "10"}));
    cursor = items[0];
    seen.insert(items.begin() + 1, items.end());
    ++calls;
  } while (cursor != "0");
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_GT(calls, 20);
}

TEST_F(SetFamily, InterIteratesTheSmallestSet) {
  Fill("huge", 20000, "m");
  Fill("tiny", 3, "m");
  EXPECT_EQ(Run({"SINTERCARD", "2", "huge", "tiny"}), Int(3));
  EXPECT_EQ(Run({"SINTERCARD", "2", "tiny", "huge", "LIMIT", "2"}), Int(2));
  EXPECT_EQ(BulkStrings(Run({"SINTER", "huge", "tiny"})).size(), 3u);
  EXPECT_EQ(Run({"SINTERSTORE", "d", "huge", "tiny"}), Int(3));
  EXPECT_EQ(Run({"SDIFFSTORE", "d", "huge", "tiny"}), Int(19997));
  EXPECT_EQ(Run({"SUNIONSTORE", "d", "huge", "tiny"}), Int(20000));
}

TEST_F(SetFamily, BigSetsMoveAndGoLazily) {
  Fill("s", 3000, "m");
  const std::string usage = Run({"MEMORY", "USAGE", "s"});
  EXPECT_EQ(Run({"RENAME", "s", "r"}), Ok());
  EXPECT_EQ(Run({"MEMORY", "USAGE", "r"}), usage);
  EXPECT_EQ(Run({"COPY", "r", "c"}), Int(1));
  EXPECT_EQ(Run({"SREM", "c", "m0"}), Int(1));
  EXPECT_EQ(Run({"SISMEMBER", "r", "m0"}), Int(1));
  EXPECT_EQ(Run({"UNLINK", "r"}), Int(1));
  EXPECT_EQ(InfoField("lazyfree_pending_objects"), "1");
  EXPECT_EQ(Run({"SCARD", "c"}), Int(2999));
}

TEST_F(SetFamily, WatchIsBrokenByEverySetWrite) {
  for (const auto& write :
       std::vector<std::vector<std::string>>{{"SADD", "w", "2"},
                                             {"SREM", "w", "1"},
                                             {"SPOP", "w"},
                                             {"SMOVE", "w", "other", "1"},
                                             {"SINTERSTORE", "w", "w", "w"},
                                             {"SUNIONSTORE", "w", "w"},
                                             {"SDIFFSTORE", "w", "w", "nokey"}}) {
    Run({"DEL", "w"});
    Run({"SADD", "w", "1"});
    auto watcher = Client();
    EXPECT_EQ(watcher->Run({"WATCH", "w"}), Ok());
    auto other = Client();
    other->Run(write);
    EXPECT_EQ(watcher->Run({"MULTI"}), Ok());
    EXPECT_EQ(watcher->Run({"PING"}), Status("QUEUED"));
    EXPECT_EQ(watcher->Run({"EXEC"}), "*-1\r\n") << write[0];
  }
}

}  // namespace
}  // namespace respd::server::testing

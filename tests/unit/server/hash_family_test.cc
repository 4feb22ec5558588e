// The hash family in process: what the compatibility corpus cannot compare
// byte for byte — random replies (HRANDFIELD's counts, distinctness and
// membership), HSCAN's cursor walk over a hashtable, and big hashes through
// RENAME, COPY and UNLINK.
#include <set>
#include <string>
#include <vector>

#include "tests/unit/server/in_process.h"

namespace respd::server::testing {
namespace {

using HashFamily = InProcessServer;

class HashFamilyBig : public HashFamily {
 protected:
  void Fill(std::string_view key, int n) {
    for (int i = 0; i < n; ++i) {
      const std::string f = "f" + std::to_string(i);
      ASSERT_EQ(Run({"HSET", key, f, std::to_string(i)}), Int(1));
    }
  }
};

TEST_F(HashFamilyBig, RandomFieldCountsAsRedis) {
  for (const int size : {5, 600}) {  // listpack, hashtable
    const std::string key = "h" + std::to_string(size);
    Fill(key, size);
    for (const int count : {1, 3, 4, size - 1, size, size + 10}) {
      const std::string c = std::to_string(count);
      const auto fields = BulkStrings(Run({"HRANDFIELD", key, c}));
      ASSERT_EQ(fields.size(), static_cast<size_t>(std::min(count, size))) << key << " " << c;
      const std::set<std::string> distinct(fields.begin(), fields.end());
      EXPECT_EQ(distinct.size(), fields.size()) << "a positive count never repeats";
      for (const auto& f : fields) EXPECT_EQ(f[0], 'f');
      const auto with = BulkStrings(Run({"HRANDFIELD", key, c, "WITHVALUES"}));
      ASSERT_EQ(with.size(), 2 * fields.size());
      for (size_t i = 0; i < with.size(); i += 2) EXPECT_EQ("f" + with[i + 1], with[i]);
    }
    // Negative: exactly |count|, repeats allowed (and, for 50 of 5, certain).
    const auto repeated = BulkStrings(Run({"HRANDFIELD", key, "-50"}));
    EXPECT_EQ(repeated.size(), 50u);
    if (size == 5) {
      EXPECT_LT(std::set<std::string>(repeated.begin(), repeated.end()).size(), 50u);
    }
    // Every field turns up over enough single draws.
    if (size == 5) {
      std::set<std::string> seen;
      for (int i = 0; i < 200; ++i) seen.insert(BulkStrings(Run({"HRANDFIELD", key}))[0]);
      EXPECT_EQ(seen.size(), 5u);
    }
  }
}

TEST_F(HashFamilyBig, ScanWalksAHashtableWithACursor) {
  Fill("h", 1000);
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "h"}), Bulk("hashtable"));
  std::set<std::string> seen;
  std::string cursor = "0";
  int calls = 0;
  do {
    const auto items = BulkStrings(Run({"HSCAN", "h", cursor, "COUNT", "20"}));
    ASSERT_FALSE(items.empty());
    cursor = items[0];
    ASSERT_EQ((items.size() - 1) % 2, 0u);
    for (size_t i = 1; i < items.size(); i += 2) {
      seen.insert(items[i]);
      EXPECT_EQ("f" + items[i + 1], items[i]);
    }
    ++calls;
  } while (cursor != "0");
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_GT(calls, 10) << "COUNT bounds each call's work";
  const auto matched = BulkStrings(Run({"HSCAN", "h", "0", "MATCH", "f99*", "COUNT", "5000"}));
  EXPECT_EQ(matched[0], "0");
  EXPECT_EQ(matched.size(), 1u + 2 * 11);  // f99, f990..f999
}

TEST_F(HashFamilyBig, RenameMoveAndCopyKeepABigHash) {
  Fill("h", 2000);
  const std::string usage = Run({"MEMORY", "USAGE", "h"});
  EXPECT_EQ(Run({"RENAME", "h", "r"}), Ok());
  EXPECT_EQ(Run({"MEMORY", "USAGE", "r"}), usage);
  EXPECT_EQ(Run({"HLEN", "r"}), Int(2000));
  EXPECT_EQ(Run({"COPY", "r", "c"}), Int(1));
  EXPECT_EQ(Run({"HSET", "c", "f0", "changed"}), Int(0));
  EXPECT_EQ(Run({"HGET", "r", "f0"}), Bulk("0"));
  EXPECT_EQ(Run({"HGET", "c", "f0"}), Bulk("changed"));
  EXPECT_EQ(Run({"MOVE", "c", "1"}), Int(1));
  EXPECT_EQ(Session({{"SELECT", "1"}, {"HLEN", "c"}}), Ok() + Int(2000));
}

TEST_F(HashFamilyBig, UnlinkOfABigHashGoesToTheReclaimer) {
  Fill("h", 3000);
  EXPECT_EQ(Run({"UNLINK", "h"}), Int(1));
  EXPECT_EQ(Run({"EXISTS", "h"}), Int(0));
  EXPECT_EQ(InfoField("lazyfree_pending_objects"), "1");
  Fill("small", 10);
  EXPECT_EQ(Run({"UNLINK", "small"}), Int(1));
  EXPECT_EQ(InfoField("lazyfree_pending_objects"), "1") << "a listpack is freed at once";
}

TEST_F(HashFamily, WatchIsBrokenByEveryHashWrite) {
  for (const auto& write : std::vector<std::vector<std::string>>{{"HSET", "w", "f", "2"},
                                                                 {"HSETNX", "w", "g", "1"},
                                                                 {"HDEL", "w", "f"},
                                                                 {"HINCRBY", "w", "n", "1"},
                                                                 {"HINCRBYFLOAT", "w", "n", "1.5"},
                                                                 {"HMSET", "w", "f", "3"}}) {
    Run({"HSET", "w", "f", "1"});  // Whatever the last write left.
    auto watcher = Client();
    EXPECT_EQ(watcher->Run({"WATCH", "w"}), Ok());
    auto other = Client();
    other->Run(write);
    EXPECT_EQ(watcher->Run({"MULTI"}), Ok());
    EXPECT_EQ(watcher->Run({"PING"}), Status("QUEUED"));
    EXPECT_EQ(watcher->Run({"EXEC"}), "*-1\r\n") << write[0];
  }
}

// A count the client chooses cannot make the server build a reply nobody
// will receive: past the output limit the client is cut off, as Redis cuts
// it off, and the reply stops growing.
TEST_F(HashFamily, AHugeRandomReplyStopsAtTheOutputLimit) {
  EXPECT_EQ(Run({"CONFIG", "SET", "client-output-buffer-limit", "normal 1mb 0 0"}), Ok());
  EXPECT_EQ(Run({"HSET", "h", "f", "v"}), Int(1));
  EXPECT_EQ(Run({"SADD", "s", "m"}), Int(1));
  for (const auto& command : {std::vector<std::string>{"HRANDFIELD", "h", "-1000000000000"},
                              std::vector<std::string>{"SRANDMEMBER", "s", "-1000000000000"}}) {
    const std::string reply = Run(command);
    EXPECT_GT(reply.size(), 1u << 20) << command[0];
    EXPECT_LT(reply.size(), 2u << 20) << command[0];
  }
  EXPECT_EQ(Run({"HLEN", "h"}), Int(1));
}

}  // namespace
}  // namespace respd::server::testing

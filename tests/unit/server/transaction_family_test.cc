// WATCH through the key-change events: every kind of change to a watched
// key makes EXEC fail, reads do not, and the registry stops listening once
// nothing is watched (so writes cost nothing then).
#include <string>
#include <vector>

#include "tests/unit/server/in_process.h"

namespace respd::server::testing {
namespace {

using Transactions = InProcessServer;

const std::string kExecNil = "*-1\r\n";
const std::string kExecOneOk = "*1\r\n+OK\r\n";

// The setup and the change another client makes while `k` is watched.
struct Change {
  std::string name;
  std::vector<std::vector<std::string>> setup;
  std::vector<std::string> change;
};

std::string RunArgs(TestClient& c, const std::vector<std::string>& args) {
  switch (args.size()) {
    case 1:
      return c.Run({args[0]});
    case 2:
      return c.Run({args[0], args[1]});
    case 3:
      return c.Run({args[0], args[1], args[2]});
    case 4:
      return c.Run({args[0], args[1], args[2], args[3]});
    default:
      return c.Run({args[0], args[1], args[2], args[3], args[4]});
  }
}

TEST_F(Transactions, EveryKindOfChangeBreaksAWatch) {
  const std::vector<Change> changes = {
      {"set", {}, {"SET", "k", "2"}},
      {"append", {}, {"APPEND", "k", "x"}},
      {"incr", {}, {"INCR", "k"}},
      {"incrbyfloat", {}, {"INCRBYFLOAT", "k", "1.5"}},
      {"setrange", {}, {"SETRANGE", "k", "0", "9"}},
      {"expire", {}, {"EXPIRE", "k", "100"}},
      {"persist", {{"EXPIRE", "k", "100"}}, {"PERSIST", "k"}},
      {"del", {}, {"DEL", "k"}},
      {"unlink", {}, {"UNLINK", "k"}},
      {"getdel", {}, {"GETDEL", "k"}},
      {"rename from", {}, {"RENAME", "k", "other"}},
      {"rename to", {{"SET", "src", "v"}}, {"RENAME", "src", "k"}},
      {"move", {}, {"MOVE", "k", "1"}},
      {"copy onto", {{"SET", "src", "v"}}, {"COPY", "src", "k", "REPLACE"}},
      {"flushdb async", {}, {"FLUSHDB", "ASYNC"}},
      {"flushall", {}, {"FLUSHALL"}},
      {"swapdb", {}, {"SWAPDB", "0", "1"}},
      {"big value", {}, {"SETRANGE", "k", "10000", "x"}},
  };
  for (const Change& change : changes) {
    SCOPED_TRACE(change.name);
    Run({"FLUSHALL", "SYNC"});
    Run({"SET", "k", "1"});
    auto other = Client();
    for (const auto& args : change.setup) RunArgs(*other, args);
    auto watcher = Client();
    EXPECT_EQ(watcher->Run({"WATCH", "k"}), Ok());
    RunArgs(*other, change.change);
    EXPECT_EQ(watcher->Run({"MULTI"}), Ok());
    EXPECT_EQ(watcher->Run({"SET", "result", "x"}), Status("QUEUED"));
    EXPECT_EQ(watcher->Run({"EXEC"}), kExecNil);
  }
}

TEST_F(Transactions, ReadsAndOtherKeysLeaveAWatchAlone) {
  Run({"SET", "k", "1"});
  auto watcher = Client();
  auto other = Client();
  EXPECT_EQ(watcher->Run({"WATCH", "k"}), Ok());
  other->Run({"GET", "k"});
  other->Run({"EXISTS", "k"});
  other->Run({"TTL", "k"});
  other->Run({"OBJECT", "ENCODING", "k"});
  other->Run({"SET", "unrelated", "v"});
  other->Run({"SELECT", "1"});
  other->Run({"SET", "k", "in another db"});
  EXPECT_EQ(watcher->Run({"MULTI"}), Ok());
  EXPECT_EQ(watcher->Run({"SET", "k", "2"}), Status("QUEUED"));
  EXPECT_EQ(watcher->Run({"EXEC"}), kExecOneOk);
}

TEST_F(Transactions, TheRegistryListensOnlyWhileSomethingIsWatched) {
  EXPECT_TRUE(server_.keyspace().events().empty());
  {
    auto watcher = Client();
    EXPECT_EQ(watcher->Run({"WATCH", "a", "b"}), Ok());
    EXPECT_FALSE(server_.keyspace().events().empty());
    EXPECT_EQ(watcher->Run({"UNWATCH"}), Ok());
    EXPECT_TRUE(server_.keyspace().events().empty());
    EXPECT_EQ(watcher->Run({"WATCH", "a"}), Ok());
    EXPECT_FALSE(server_.keyspace().events().empty());
    // A dirty watch is dropped at once.
    Run({"SET", "a", "1"});
    EXPECT_TRUE(server_.keyspace().events().empty());
    EXPECT_EQ(watcher->Run({"WATCH", "a"}), Ok());
  }
  // A client that goes away stops watching.
  EXPECT_TRUE(server_.keyspace().events().empty());
}

TEST_F(Transactions, AKeyWatchedWhileExpiredIsNoChangeWhenReclaimed) {
  Run({"DEBUG", "SET-ACTIVE-EXPIRE", "0"});
  Run({"SET", "k", "v", "PX", "1"});
  // Wait out the millisecond deadline on the real clock commands read.
  const int64_t until = base::SystemTimeMs() + 5;
  while (base::SystemTimeMs() < until) {
  }
  auto watcher = Client();
  EXPECT_EQ(watcher->Run({"WATCH", "k"}), Ok());
  Run({"GET", "k"});  // Reclaims it: deleted, but it was dead already.
  EXPECT_EQ(watcher->Run({"MULTI"}), Ok());
  EXPECT_EQ(watcher->Run({"SET", "x", "1"}), Status("QUEUED"));
  EXPECT_EQ(watcher->Run({"EXEC"}), kExecOneOk);
}

}  // namespace
}  // namespace respd::server::testing

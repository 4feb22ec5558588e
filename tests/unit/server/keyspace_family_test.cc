// The keyspace family in process: the value dispatch behind TYPE, OBJECT,
// MEMORY USAGE and DEBUG OBJECT, RENAME/COPY/MOVE of big values (moved by
// pointer, copied deep), and DEL/UNLINK under the lazyfree policy.
#include <string>

#include "store/types/string.h"
#include "tests/unit/server/in_process.h"

namespace respd::server::testing {
namespace {

using KeyspaceFamily = InProcessServer;

const std::string kBig(3 * store::kMaxInlineStringBytes, 'v');

TEST_F(KeyspaceFamily, TypeAndEncodingComeFromTheDispatch) {
  EXPECT_EQ(Run({"TYPE", "missing"}), Status("none"));
  EXPECT_EQ(Run({"SET", "small", "1"}), Ok());
  EXPECT_EQ(Run({"SET", "big", kBig}), Ok());
  EXPECT_EQ(Run({"TYPE", "small"}), Status("string"));
  EXPECT_EQ(Run({"TYPE", "big"}), Status("string"));
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "small"}), Bulk("int"));
  EXPECT_EQ(Run({"OBJECT", "REFCOUNT", "small"}), Int(2147483647));
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "big"}), Bulk("raw"));
  EXPECT_EQ(Run({"OBJECT", "REFCOUNT", "big"}), Int(1));
  const std::string scan = Run({"SCAN", "0", "TYPE", "string", "COUNT", "100"});
  EXPECT_TRUE(scan == "*2\r\n" + Bulk("0") + "*2\r\n" + Bulk("small") + Bulk("big") ||
              scan == "*2\r\n" + Bulk("0") + "*2\r\n" + Bulk("big") + Bulk("small"))
      << scan;
  EXPECT_EQ(Run({"SCAN", "0", "TYPE", "hash", "COUNT", "100"}), "*2\r\n" + Bulk("0") + "*0\r\n");
  const std::string debug = Run({"DEBUG", "OBJECT", "big"});
  EXPECT_NE(debug.find("encoding:raw"), std::string::npos) << debug;
  EXPECT_NE(debug.find("serializedlength:" + std::to_string(kBig.size() + 2)), std::string::npos)
      << debug;
}

TEST_F(KeyspaceFamily, MemoryUsageCountsTheHeapValue) {
  EXPECT_EQ(Run({"SET", "small", "x"}), Ok());
  EXPECT_EQ(Run({"SET", "big", kBig}), Ok());
  const std::string small = Run({"MEMORY", "USAGE", "small"});
  const std::string big = Run({"MEMORY", "USAGE", "big"});
  const int64_t small_bytes = std::stoll(small.substr(1));
  const int64_t big_bytes = std::stoll(big.substr(1));
  EXPECT_LT(small_bytes, 64);
  EXPECT_GE(big_bytes, static_cast<int64_t>(kBig.size()));
  EXPECT_LT(big_bytes, static_cast<int64_t>(kBig.size()) * 2);
}

TEST_F(KeyspaceFamily, RenameCopyAndMoveOfBigValues) {
  EXPECT_EQ(Run({"SET", "a", kBig, "EX", "100"}), Ok());
  EXPECT_EQ(Run({"RENAME", "a", "b"}), Ok());
  EXPECT_EQ(Run({"GET", "b"}), Bulk(kBig));
  EXPECT_EQ(Run({"TTL", "b"}), Int(100));
  EXPECT_EQ(Run({"COPY", "b", "c"}), Int(1));
  EXPECT_EQ(Run({"APPEND", "c", "!"}), Int(static_cast<int64_t>(kBig.size()) + 1));
  EXPECT_EQ(Run({"STRLEN", "b"}), Int(static_cast<int64_t>(kBig.size())));
  EXPECT_EQ(Run({"MOVE", "c", "2"}), Int(1));
  EXPECT_EQ(Session({{"SELECT", "2"}, {"GETRANGE", "c", "-2", "-1"}}), Ok() + Bulk("v!"));
  EXPECT_EQ(Run({"COPY", "b", "d", "DB", "3"}), Int(1));
  EXPECT_EQ(Session({{"SELECT", "3"}, {"STRLEN", "d"}}),
            Ok() + Int(static_cast<int64_t>(kBig.size())));
  // Over an existing key, RENAME replaces it whole.
  EXPECT_EQ(Run({"SET", "e", "old"}), Ok());
  EXPECT_EQ(Run({"RENAME", "b", "e"}), Ok());
  EXPECT_EQ(Run({"STRLEN", "e"}), Int(static_cast<int64_t>(kBig.size())));
  EXPECT_EQ(Run({"EXISTS", "b"}), Int(0));
}

TEST_F(KeyspaceFamily, DelAndUnlinkCountWhatExisted) {
  EXPECT_EQ(Run({"MSET", "a", "1", "b", "2"}), Ok());
  EXPECT_EQ(Run({"SET", "big", kBig}), Ok());
  EXPECT_EQ(Run({"UNLINK", "a", "big", "missing"}), Int(2));
  EXPECT_EQ(Run({"CONFIG", "SET", "lazyfree-lazy-user-del", "yes"}), Ok());
  EXPECT_TRUE(server_.keyspace().lazyfree_policy().user_del);
  EXPECT_EQ(Run({"DEL", "b", "b"}), Int(1));
  EXPECT_EQ(Run({"DBSIZE"}), Int(0));
  // Strings free in one step: nothing was left to the reclaimer.
  EXPECT_FALSE(server_.keyspace().lazy_free().pending());
}

}  // namespace
}  // namespace respd::server::testing

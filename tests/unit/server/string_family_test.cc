// The string family in process: replies for values on both sides of the
// inline limit (4 KiB inline, heap beyond), the number commands, and the
// events and encodings the type API gives them.
#include <string>

#include "store/types/string.h"
#include "tests/unit/server/in_process.h"

namespace respd::server::testing {
namespace {

using StringFamily = InProcessServer;

const std::string kBig(store::kMaxInlineStringBytes + 10, 'b');

TEST_F(StringFamily, BigValuesReadBackWhole) {
  EXPECT_EQ(Run({"SET", "k", kBig}), Ok());
  EXPECT_EQ(Run({"GET", "k"}), Bulk(kBig));
  EXPECT_EQ(Run({"STRLEN", "k"}), Int(static_cast<int64_t>(kBig.size())));
  EXPECT_EQ(Run({"GETRANGE", "k", "-3", "-1"}), Bulk("bbb"));
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "k"}), Bulk("raw"));
  EXPECT_EQ(Run({"MGET", "k", "missing"}), "*2\r\n" + Bulk(kBig) + Nil());
  EXPECT_EQ(Run({"GETSET", "k", "small"}), Bulk(kBig));
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "k"}), Bulk("embstr"));
}

TEST_F(StringFamily, AppendAndSetRangeCrossTheInlineLimit) {
  EXPECT_EQ(Run({"SET", "k", std::string(4000, 'a')}), Ok());
  EXPECT_EQ(Run({"APPEND", "k", std::string(200, 'c')}), Int(4200));
  EXPECT_EQ(Run({"GETRANGE", "k", "3998", "4001"}), Bulk("aacc"));
  EXPECT_EQ(Run({"SETRANGE", "k", "10000", "z"}), Int(10001));
  const std::string all = Run({"GET", "k"});
  EXPECT_EQ(all, Bulk(std::string(4000, 'a') + std::string(200, 'c') +
                      std::string(10000 - 4200, '\0') + "z"));
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "k"}), Bulk("raw"));
  EXPECT_EQ(Run({"SETRANGE", "k", "0", "AB"}), Int(10001));
  EXPECT_EQ(Run({"GETRANGE", "k", "0", "2"}), Bulk("ABa"));
}

TEST_F(StringFamily, LengthLimitsComeFromProtoMaxBulkLen) {
  EXPECT_EQ(Run({"CONFIG", "SET", "proto-max-bulk-len", "1mb"}), Ok());
  EXPECT_EQ(Run({"SETRANGE", "k", "2000000", "x"}),
            Err("ERR string exceeds maximum allowed size (proto-max-bulk-len)"));
  EXPECT_EQ(Run({"EXISTS", "k"}), Int(0));
  EXPECT_EQ(Run({"SETRANGE", "k", "1048000", "x"}), Int(1048001));
  EXPECT_EQ(Run({"APPEND", "k", std::string(1000, 'y')}),
            Err("ERR string exceeds maximum allowed size (proto-max-bulk-len)"));
  EXPECT_EQ(Run({"STRLEN", "k"}), Int(1048001));
}

TEST_F(StringFamily, NumbersKeepTheDeadlineAndReportRedisErrors) {
  EXPECT_EQ(Run({"SET", "n", "10", "EX", "100"}), Ok());
  EXPECT_EQ(Run({"INCRBY", "n", "5"}), Int(15));
  EXPECT_EQ(Run({"DECR", "n"}), Int(14));
  EXPECT_EQ(Run({"TTL", "n"}), Int(100));
  EXPECT_EQ(Run({"INCRBYFLOAT", "n", "0.5"}), Bulk("14.5"));
  EXPECT_EQ(Run({"TTL", "n"}), Int(100));
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "n"}), Bulk("embstr"));
  EXPECT_EQ(Run({"INCR", "n"}), Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(Run({"SET", "max", "9223372036854775807"}), Ok());
  EXPECT_EQ(Run({"INCR", "max"}), Err("ERR increment or decrement would overflow"));
  EXPECT_EQ(Run({"INCRBYFLOAT", "f", "abc"}), Err("ERR value is not a valid float"));
  EXPECT_EQ(Run({"SET", "inf", "1e308"}), Ok());
  EXPECT_EQ(Run({"INCRBYFLOAT", "inf", "inf"}), Err("ERR increment would produce NaN or Infinity"));
  EXPECT_EQ(Run({"SETRANGE", kBig, "0", "1"}), Int(1));  // A big key name is fine too.
  EXPECT_EQ(Run({"INCR", kBig}), Int(2));
}

TEST_F(StringFamily, ANewAppendIsAPlainSet) {
  EXPECT_EQ(Run({"APPEND", "n", "123"}), Int(3));
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "n"}), Bulk("int"));
  EXPECT_EQ(Run({"APPEND", "n", "4"}), Int(4));
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "n"}), Bulk("raw"));
  EXPECT_EQ(Run({"SETRANGE", "n", "0", ""}), Int(4));
  EXPECT_EQ(Run({"SETRANGE", "none", "5", ""}), Int(0));
  EXPECT_EQ(Run({"EXISTS", "none"}), Int(0));
}

}  // namespace
}  // namespace respd::server::testing

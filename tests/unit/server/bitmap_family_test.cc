// Bitmaps and HyperLogLog in process: what the corpus and the differential
// tests against redis-server do not reach — bit writes across the inline /
// heap boundary of string values, deadlines kept by in-place writes, WATCH
// broken by every write (PFCOUNT's cache refresh included, silently), and
// the HLL kept dense on the heap.
#include <string>
#include <vector>

#include "store/types/string.h"
#include "tests/unit/server/in_process.h"

namespace respd::server::testing {
namespace {

using BitmapFamily = InProcessServer;

TEST_F(BitmapFamily, BitsCrossTheInlineLimit) {
  const auto bit = std::to_string(store::kMaxInlineStringBytes * 8 + 100);
  EXPECT_EQ(Run({"SETBIT", "b", "7", "1"}), Int(0));
  EXPECT_EQ(Run({"SETBIT", "b", bit, "1"}), Int(0));
  EXPECT_EQ(Run({"STRLEN", "b"}), Int(static_cast<int64_t>(store::kMaxInlineStringBytes + 13)));
  EXPECT_EQ(Run({"GETBIT", "b", "7"}), Int(1));
  EXPECT_EQ(Run({"GETBIT", "b", bit}), Int(1));
  EXPECT_EQ(Run({"BITCOUNT", "b"}), Int(2));
  EXPECT_EQ(Run({"BITPOS", "b", "1", "1"}), Int(std::stoll(bit)));
  EXPECT_EQ(Run({"BITOP", "NOT", "n", "b"}),
            Int(static_cast<int64_t>(store::kMaxInlineStringBytes + 13)));
  EXPECT_EQ(Run({"BITCOUNT", "n"}),
            Int(static_cast<int64_t>((store::kMaxInlineStringBytes + 13) * 8 - 2)));
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "b"}), Bulk("raw"));
  EXPECT_EQ(Run({"BITFIELD", "b", "SET", "u8", "0", "255", "GET", "u16", "0"}),
            "*2\r\n" + Int(1) + Int(65280));
}

TEST_F(BitmapFamily, InPlaceWritesKeepTheDeadline) {
  EXPECT_EQ(Run({"SET", "k", "x", "EX", "100"}), Ok());
  EXPECT_EQ(Run({"SETBIT", "k", "100", "1"}), Int(0));
  EXPECT_EQ(Run({"BITFIELD", "k", "INCRBY", "u8", "0", "1"}), "*1\r\n" + Int(121));
  EXPECT_EQ(Run({"TTL", "k"}), Int(100));
  EXPECT_EQ(Run({"PFADD", "h", "a"}), Int(1));
  EXPECT_EQ(Run({"EXPIRE", "h", "100"}), Int(1));
  EXPECT_EQ(Run({"PFADD", "h", "b"}), Int(1));
  EXPECT_EQ(Run({"PFCOUNT", "h"}), Int(2));
  EXPECT_EQ(Run({"TTL", "h"}), Int(100));
  // BITOP replaces the destination: no deadline.
  EXPECT_EQ(Run({"BITOP", "OR", "h", "k"}), Int(13));
  EXPECT_EQ(Run({"TTL", "h"}), Int(-1));
}

TEST_F(BitmapFamily, WatchIsBrokenByEveryWrite) {
  for (const auto& write : std::vector<std::vector<std::string>>{
           {"SETBIT", "w", "3", "1"},
           {"BITFIELD", "w", "SET", "u8", "0", "7"},
           {"BITOP", "NOT", "w", "w"},
           {"PFADD", "w", "element"},
           {"PFMERGE", "w", "w"},
           {"PFCOUNT", "w"}}) {  // Refreshes the cached cardinality in the value.
    Run({"DEL", "w"});
    Run({"PFADD", "w", "seed"});
    Run({"PFADD", "w", "seed2"});  // The cache is stale now.
    auto watcher = Client();
    EXPECT_EQ(watcher->Run({"WATCH", "w"}), Ok());
    auto other = Client();
    other->Run(write);
    EXPECT_EQ(watcher->Run({"MULTI"}), Ok());
    EXPECT_EQ(watcher->Run({"PING"}), Status("QUEUED"));
    EXPECT_EQ(watcher->Run({"EXEC"}), "*-1\r\n") << write[0];
  }
  // Reads leave the watch alone (PFCOUNT with a valid cache included).
  Run({"DEL", "r"});
  Run({"PFADD", "r", "x"});
  Run({"PFCOUNT", "r"});
  auto watcher = Client();
  EXPECT_EQ(watcher->Run({"WATCH", "r"}), Ok());
  for (const auto& read : std::vector<std::vector<std::string>>{
           {"PFCOUNT", "r"}, {"BITCOUNT", "r"}, {"GETBIT", "r", "0"}, {"BITPOS", "r", "1"}}) {
    auto other = Client();
    other->Run(read);
  }
  EXPECT_EQ(watcher->Run({"MULTI"}), Ok());
  EXPECT_EQ(watcher->Run({"PING"}), Status("QUEUED"));
  EXPECT_EQ(watcher->Run({"EXEC"}), "*1\r\n" + Status("PONG"));
}

TEST_F(BitmapFamily, DenseHyperLogLogLivesOnTheHeap) {
  std::vector<std::string> elements;
  for (int i = 0; i < 3000; ++i) elements.push_back("e" + std::to_string(i));
  for (const auto& e : elements) Run({"PFADD", "h", e});
  EXPECT_EQ(Run({"PFDEBUG", "ENCODING", "h"}), Status("dense"));
  EXPECT_EQ(Run({"STRLEN", "h"}), Int(12304));
  const std::string count = Run({"PFCOUNT", "h"});
  const int64_t n = std::stoll(count.substr(1));
  EXPECT_NEAR(static_cast<double>(n), 3000, 3000 * 0.03);
  EXPECT_EQ(Run({"RENAME", "h", "r"}), Ok());
  EXPECT_EQ(Run({"PFCOUNT", "r"}), count);
  EXPECT_EQ(Run({"COPY", "r", "c"}), Int(1));
  EXPECT_EQ(Run({"PFADD", "c", "new-element"}), Int(1));
  EXPECT_EQ(Run({"PFCOUNT", "r"}), count);
  EXPECT_EQ(Run({"PFSELFTEST"}), Ok());
}

}  // namespace
}  // namespace respd::server::testing

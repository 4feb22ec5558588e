#include "protocol/request_parser.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/query_buffer.h"

namespace respd::protocol {
namespace {

using namespace std::string_literals;
using Args = std::vector<std::string>;

Args Copy(std::span<const std::string_view> args) { return Args(args.begin(), args.end()); }

std::string Multibulk(const Args& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const std::string& a : args) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  return out;
}

// Plays the server's part: keeps the unconsumed bytes, appends what arrives,
// calls Parse until it needs more, and drops what each call consumed. Each
// call sees a freshly allocated copy of the buffer, so a parser that kept
// pointers into an earlier buffer would read freed memory (caught by ASan)
// or stale bytes.
class Caller {
 public:
  // The parser keeps a pointer to its limits: hold a copy that outlives it.
  explicit Caller(const ParserLimits& limits) : limits_(limits), parser_(limits_) {}

  RequestParser& parser() { return parser_; }
  const std::string& pending() const { return pending_; }
  const std::vector<Args>& commands() const { return commands_; }

  // Returns the status of the last Parse call.
  ParseStatus Feed(std::string_view bytes) {
    pending_.append(bytes);
    while (true) {
      const std::string buf = pending_;
      size_t consumed = 12345;
      const ParseStatus status = parser_.Parse(buf, &consumed);
      if (status == ParseStatus::kError) return status;
      EXPECT_LE(consumed, buf.size());
      if (status == ParseStatus::kCommand) {
        EXPECT_GT(consumed, 0u);
        EXPECT_FALSE(parser_.args().empty());
        commands_.push_back(Copy(parser_.args()));
      }
      pending_.erase(0, consumed);
      if (status == ParseStatus::kNeedMore) return status;
    }
  }

 private:
  ParserLimits limits_;
  RequestParser parser_;
  std::string pending_;
  std::vector<Args> commands_;
};

// Feeds `input` cut at `cuts` (ascending offsets) and returns the commands.
std::vector<Args> ParseInChunks(std::string_view input, const std::vector<size_t>& cuts,
                                const ParserLimits& limits = {}) {
  Caller caller(limits);
  size_t from = 0;
  for (size_t cut : cuts) {
    EXPECT_NE(caller.Feed(input.substr(from, cut - from)), ParseStatus::kError);
    from = cut;
  }
  EXPECT_EQ(caller.Feed(input.substr(from)), ParseStatus::kNeedMore);
  EXPECT_EQ(caller.pending(), "") << "bytes left over";
  return caller.commands();
}

// Feeds `input` in one chunk and expects a protocol error; returns its text.
std::string ErrorFor(std::string_view input, const ParserLimits& limits = {},
                     bool authenticated = true) {
  RequestParser parser(limits);
  parser.set_authenticated(authenticated);
  size_t consumed = 0;
  const ParseStatus status = parser.Parse(input, &consumed);
  EXPECT_EQ(status, ParseStatus::kError) << input.substr(0, 80);
  return parser.ErrorText();
}

// The same, fed one byte at a time: the error must not depend on how the
// bytes arrive.
std::string ErrorForBytewise(std::string_view input, const ParserLimits& limits = {},
                             bool authenticated = true) {
  Caller caller(limits);
  caller.parser().set_authenticated(authenticated);
  for (size_t i = 0; i < input.size(); ++i) {
    if (caller.Feed(input.substr(i, 1)) == ParseStatus::kError) {
      EXPECT_EQ(i + 1, input.size()) << "error before the last byte";
      return caller.parser().ErrorText();
    }
  }
  ADD_FAILURE() << "no error for " << input.substr(0, 80);
  return "";
}

// Expects `input` to be incomplete but valid so far.
void ExpectNeedsMore(std::string_view input, const ParserLimits& limits = {},
                     bool authenticated = true) {
  RequestParser parser(limits);
  parser.set_authenticated(authenticated);
  size_t consumed = 99;
  EXPECT_EQ(parser.Parse(input, &consumed), ParseStatus::kNeedMore) << parser.ErrorText();
  EXPECT_EQ(consumed, 0u);
}

// A pipeline exercising every request form, and the commands it holds.
struct Pipeline {
  std::string bytes;
  std::vector<Args> commands;
};

Pipeline MakePipeline() {
  Pipeline p;
  auto multibulk = [&p](const Args& args) {
    p.bytes += Multibulk(args);
    p.commands.push_back(args);
  };
  auto inline_cmd = [&p](std::string_view line, const Args& args) {
    p.bytes += line;
    p.commands.push_back(args);
  };
  std::string all_bytes;
  for (int c = 0; c < 256; ++c) all_bytes.push_back(static_cast<char>(c));

  multibulk({"SET", "k\r\n\0"s, "v\0\r\n\r\n"s});
  p.bytes += "\r\n";  // Blank lines are no-ops.
  p.bytes += "\n";
  p.bytes += "*0\r\n";   // So is an empty multibulk,
  p.bytes += "*-1\r\n";  // and a null one.
  inline_cmd("PING\r\n", {"PING"});
  multibulk({"SET", "", ""});
  inline_cmd("SET \"a b\" 'c\\'d' \"\\x41\\x00z\\r\\n\"\r\n", {"SET", "a b", "c'd", "A\0z\r\n"s});
  p.bytes += "  \t \r\n";  // Only blanks: a no-op.
  inline_cmd("ECHO hello\n", {"ECHO", "hello"});
  multibulk({"ECHO", all_bytes});
  multibulk({""});
  multibulk({"GET", "*"});
  multibulk({"$", "*1\r\n$3\r\nfoo\r\n"});
  inline_cmd("  GET   *x  \r\n", {"GET", "*x"});
  multibulk({"MSET", "a", "1", "b", "2", "c", "3", "d", "4", "e", "5", "f", "6"});
  inline_cmd("x\r\n", {"x"});
  p.bytes += "*0\r\n\r\n";
  multibulk({std::string(300, 'z'), "tail"});
  return p;
}

TEST(RequestParser, ParsesPipelineInOneChunk) {
  const Pipeline p = MakePipeline();
  EXPECT_EQ(ParseInChunks(p.bytes, {}), p.commands);
}

TEST(RequestParser, ParsesPipelineSplitAtEveryOffset) {
  const Pipeline p = MakePipeline();
  for (size_t cut = 0; cut <= p.bytes.size(); ++cut) {
    ASSERT_EQ(ParseInChunks(p.bytes, {cut}), p.commands) << "split at " << cut;
  }
}

TEST(RequestParser, ParsesPipelineByteByByte) {
  const Pipeline p = MakePipeline();
  std::vector<size_t> cuts;
  for (size_t i = 1; i < p.bytes.size(); ++i) cuts.push_back(i);
  EXPECT_EQ(ParseInChunks(p.bytes, cuts), p.commands);
}

TEST(RequestParser, ParsesPipelineInRandomChunks) {
  const Pipeline p = MakePipeline();
  std::mt19937 rng(42);
  for (int round = 0; round < 200; ++round) {
    std::vector<size_t> cuts;
    size_t at = 0;
    while (true) {
      at += 1 + rng() % 40;
      if (at >= p.bytes.size()) break;
      cuts.push_back(at);
    }
    ASSERT_EQ(ParseInChunks(p.bytes, cuts), p.commands) << "round " << round;
  }
}

TEST(RequestParser, WorksWithQueryBufferAsTheServerUsesIt) {
  const Pipeline p = MakePipeline();
  for (size_t chunk : {size_t{1}, size_t{3}, size_t{64}, p.bytes.size()}) {
    ParserLimits limits;
    RequestParser parser(limits);
    QueryBuffer query;
    std::vector<Args> got;
    for (size_t from = 0; from < p.bytes.size(); from += chunk) {
      const size_t n = std::min(chunk, p.bytes.size() - from);
      std::memcpy(query.PrepareWrite(n), p.bytes.data() + from, n);
      query.Commit(n);
      while (!query.empty()) {
        size_t consumed = 0;
        const ParseStatus status = parser.Parse(query.data(), &consumed);
        ASSERT_NE(status, ParseStatus::kError) << parser.ErrorText();
        if (status == ParseStatus::kNeedMore) {
          query.Consume(consumed);
          break;
        }
        got.push_back(Copy(parser.args()));
        query.Consume(consumed);
      }
    }
    EXPECT_EQ(got, p.commands) << "chunk " << chunk;
    EXPECT_TRUE(query.empty());
  }
}

TEST(RequestParser, MultibulkArgumentsAreViewsIntoTheBuffer) {
  ParserLimits limits;
  RequestParser parser(limits);
  const std::string buf = "*2\r\n$3\r\nGET\r\n$5\r\na\0b\r\n\r\n"s;
  size_t consumed = 0;
  ASSERT_EQ(parser.Parse(buf, &consumed), ParseStatus::kCommand);
  EXPECT_EQ(consumed, buf.size());
  ASSERT_EQ(parser.args().size(), 2u);
  EXPECT_EQ(parser.args()[0].data(), buf.data() + 8);
  EXPECT_EQ(parser.args()[0], "GET");
  EXPECT_EQ(parser.args()[1].data(), buf.data() + 17);
  EXPECT_EQ(parser.args()[1], "a\0b\r\n"s);
}

TEST(RequestParser, ConsumesOnlyTheFirstCommandOfAPipeline) {
  ParserLimits limits;
  RequestParser parser(limits);
  const std::string first = Multibulk({"GET", "k"});
  const std::string buf = first + "PING\r\n";
  size_t consumed = 0;
  ASSERT_EQ(parser.Parse(buf, &consumed), ParseStatus::kCommand);
  EXPECT_EQ(consumed, first.size());
  EXPECT_EQ(Copy(parser.args()), (Args{"GET", "k"}));
  ASSERT_EQ(parser.Parse(std::string_view(buf).substr(consumed), &consumed), ParseStatus::kCommand);
  EXPECT_EQ(consumed, 6u);
  EXPECT_EQ(Copy(parser.args()), (Args{"PING"}));
}

TEST(RequestParser, ConsumesSkippedNoOpsWhileNeedingMore) {
  ParserLimits limits;
  RequestParser parser(limits);
  // Two blank lines and a `*0` are dropped; the partial command stays.
  std::string buf = "\r\n\n*0\r\n*1\r\n$4\r\nPI";
  size_t consumed = 0;
  ASSERT_EQ(parser.Parse(buf, &consumed), ParseStatus::kNeedMore);
  EXPECT_EQ(consumed, 7u);
  buf.erase(0, consumed);
  buf += "NG\r\n";
  ASSERT_EQ(parser.Parse(buf, &consumed), ParseStatus::kCommand);
  EXPECT_EQ(consumed, buf.size());
  EXPECT_EQ(Copy(parser.args()), (Args{"PING"}));
}

TEST(RequestParser, OnlyNoOpsNeedMoreAndConsumeEverything) {
  ParserLimits limits;
  RequestParser parser(limits);
  const std::string buf = "\r\n*0\r\n*-1\r\n   \r\n*-5\r\n";
  size_t consumed = 0;
  EXPECT_EQ(parser.Parse(buf, &consumed), ParseStatus::kNeedMore);
  EXPECT_EQ(consumed, buf.size());
  EXPECT_EQ(parser.Parse("", &consumed), ParseStatus::kNeedMore);
  EXPECT_EQ(consumed, 0u);
}

TEST(RequestParser, ResumesInsideBulk) {
  ParserLimits limits;
  RequestParser parser(limits);
  std::string buf = "*2\r\n$3\r\nSET\r\n$10\r\n0123";
  size_t consumed = 0;
  ASSERT_EQ(parser.Parse(buf, &consumed), ParseStatus::kNeedMore);
  EXPECT_EQ(consumed, 0u);
  buf += "456789";  // The payload is complete, its CRLF is not.
  ASSERT_EQ(parser.Parse(buf, &consumed), ParseStatus::kNeedMore);
  buf += "\r";
  ASSERT_EQ(parser.Parse(buf, &consumed), ParseStatus::kNeedMore);
  buf += "\n";
  ASSERT_EQ(parser.Parse(buf, &consumed), ParseStatus::kCommand);
  EXPECT_EQ(consumed, buf.size());
  EXPECT_EQ(Copy(parser.args()), (Args{"SET", "0123456789"}));
}

TEST(RequestParser, HeaderWithCarriageReturnButNoLineFeedNeedsMore) {
  ParserLimits limits;
  RequestParser parser(limits);
  std::string buf = "*1\r";
  size_t consumed = 0;
  EXPECT_EQ(parser.Parse(buf, &consumed), ParseStatus::kNeedMore);
  EXPECT_EQ(consumed, 0u);
  buf += "\n$4\r";
  EXPECT_EQ(parser.Parse(buf, &consumed), ParseStatus::kNeedMore);
  EXPECT_EQ(consumed, 0u);
  buf += "\nPING\r\n";
  ASSERT_EQ(parser.Parse(buf, &consumed), ParseStatus::kCommand);
  EXPECT_EQ(Copy(parser.args()), (Args{"PING"}));
}

TEST(RequestParser, SkipsTheTwoBytesAfterAPayloadUnchecked) {
  // Redis does not verify the CRLF after a bulk payload, it skips two bytes;
  // respd does the same so such clients see what Redis would give them.
  const std::string buf = "*1\r\n$3\r\nfooXY*1\r\n$4\r\nPING\r\n";
  EXPECT_EQ(ParseInChunks(buf, {}), (std::vector<Args>{{"foo"}, {"PING"}}));
  EXPECT_EQ(ParseInChunks(buf, {10, 11, 12, 13}), (std::vector<Args>{{"foo"}, {"PING"}}));
}

TEST(RequestParser, SkipsTheByteAfterAHeaderCarriageReturnUnchecked) {
  // Likewise Redis only checks that one byte follows the '\r' of a header.
  const std::string buf = "*1\rX$4\rYPING\r\n";
  EXPECT_EQ(ParseInChunks(buf, {}), (std::vector<Args>{{"PING"}}));
}

TEST(RequestParser, InlineLineMayEndInBareLineFeed) {
  EXPECT_EQ(ParseInChunks("GET a\nGET b\r\n", {}), (std::vector<Args>{{"GET", "a"}, {"GET", "b"}}));
}

TEST(RequestParser, InlineCarriageReturnInsideTheLineSeparates) {
  EXPECT_EQ(ParseInChunks("GET a\rb\r\n", {}), (std::vector<Args>{{"GET", "a", "b"}}));
}

TEST(RequestParser, InlineArgumentsSurviveTheBufferBeingDropped) {
  ParserLimits limits;
  RequestParser parser(limits);
  size_t consumed = 0;
  {
    std::string buf = "SET key \"v a l\"\r\n";
    ASSERT_EQ(parser.Parse(buf, &consumed), ParseStatus::kCommand);
    buf.assign(buf.size(), '#');  // Inline args live in the parser.
  }
  EXPECT_EQ(Copy(parser.args()), (Args{"SET", "key", "v a l"}));
}

TEST(RequestParser, LargeMultibulkCountDoesNotPreallocateIt) {
  ParserLimits limits;
  RequestParser parser(limits);
  size_t consumed = 0;
  EXPECT_EQ(parser.Parse("*2147483647\r\n", &consumed), ParseStatus::kNeedMore);
  EXPECT_LT(parser.MemoryUsage(), size_t{1} << 20);
}

// --- Errors: Redis 7.0's exact texts. ---

TEST(RequestParser, RejectsInvalidMultibulkLength) {
  for (std::string_view bad : {"*abc\r\n", "*\r\n", "* 1\r\n", "*01\r\n", "*2147483648\r\n",
                               "*1 \r\n", "*+1\r\n", "*-0\r\n", "*99999999999999999999\r\n"}) {
    EXPECT_EQ(ErrorFor(bad), "Protocol error: invalid multibulk length") << bad;
    EXPECT_EQ(ErrorForBytewise(bad), "Protocol error: invalid multibulk length") << bad;
  }
}

TEST(RequestParser, MultibulkLengthLimitComesFromLimits) {
  ParserLimits limits;
  limits.max_multibulk_len = 3;
  ExpectNeedsMore("*3\r\n", limits);
  EXPECT_EQ(ErrorFor("*4\r\n", limits), "Protocol error: invalid multibulk length");
  ExpectNeedsMore("*2147483647\r\n");
}

TEST(RequestParser, RejectsInvalidBulkLength) {
  for (std::string_view bad :
       {"*1\r\n$-1\r\n", "*1\r\n$abc\r\n", "*1\r\n$+4\r\n", "*1\r\n$\r\n", "*1\r\n$04\r\n",
        "*1\r\n$4 \r\n", "*1\r\n$99999999999999999999\r\n", "*2\r\n$1\r\na\r\n$-2\r\n"}) {
    EXPECT_EQ(ErrorFor(bad), "Protocol error: invalid bulk length") << bad;
    EXPECT_EQ(ErrorForBytewise(bad), "Protocol error: invalid bulk length") << bad;
  }
}

TEST(RequestParser, BulkLengthLimitComesFromLimits) {
  ParserLimits limits;
  limits.max_bulk_len = 10;
  ExpectNeedsMore("*1\r\n$10\r\n", limits);
  EXPECT_EQ(ErrorFor("*1\r\n$11\r\n", limits), "Protocol error: invalid bulk length");
  EXPECT_EQ(ParseInChunks(Multibulk({"0123456789"}), {}, limits),
            (std::vector<Args>{{"0123456789"}}));
  // The default is proto-max-bulk-len's 512 MiB.
  ExpectNeedsMore("*1\r\n$536870912\r\n");
  EXPECT_EQ(ErrorFor("*1\r\n$536870913\r\n"), "Protocol error: invalid bulk length");
}

TEST(RequestParser, RejectsMissingDollar) {
  EXPECT_EQ(ErrorFor("*1\r\nx3\r\n"), "Protocol error: expected '$', got 'x'");
  EXPECT_EQ(ErrorForBytewise("*1\r\nx3\r\n"), "Protocol error: expected '$', got 'x'");
  EXPECT_EQ(ErrorFor("*2\r\n$3\r\nfoo\r\n:1\r\n"), "Protocol error: expected '$', got ':'");
  EXPECT_EQ(ErrorFor("*1\r\n*1\r\n"), "Protocol error: expected '$', got '*'");
}

TEST(RequestParser, RejectsTooBigInlineRequest) {
  const std::string at_limit(64 * 1024, 'a');
  ExpectNeedsMore(at_limit);
  EXPECT_EQ(ErrorFor(at_limit + "a"), "Protocol error: too big inline request");
  // A newline within the buffered bytes makes any line length acceptable.
  EXPECT_EQ(ParseInChunks("GET " + at_limit + "\r\n", {}), (std::vector<Args>{{"GET", at_limit}}));

  ParserLimits limits;
  limits.max_inline_size = 8;
  ExpectNeedsMore("GET abcd", limits);
  EXPECT_EQ(ErrorFor("GET abcde", limits), "Protocol error: too big inline request");
  EXPECT_EQ(ErrorForBytewise("GET abcde", limits), "Protocol error: too big inline request");
}

TEST(RequestParser, InlineLimitCountsFromTheCommandStart) {
  ParserLimits limits;
  limits.max_inline_size = 8;
  // Blank lines before the command do not count against it.
  RequestParser parser(limits);
  size_t consumed = 0;
  EXPECT_EQ(parser.Parse("\r\n\r\nGET abcd", &consumed), ParseStatus::kNeedMore);
  EXPECT_EQ(consumed, 4u);
  // But everything buffered after the command start does.
  EXPECT_EQ(ErrorFor("\r\nGET abcde", limits), "Protocol error: too big inline request");
}

TEST(RequestParser, RejectsTooBigMultibulkCountString) {
  const std::string at_limit = "*" + std::string(64 * 1024 - 1, '1');
  ExpectNeedsMore(at_limit);
  EXPECT_EQ(ErrorFor(at_limit + "1"), "Protocol error: too big mbulk count string");

  ParserLimits limits;
  limits.max_inline_size = 4;
  ExpectNeedsMore("*123", limits);
  EXPECT_EQ(ErrorFor("*1234", limits), "Protocol error: too big mbulk count string");
  EXPECT_EQ(ErrorForBytewise("*1234", limits), "Protocol error: too big mbulk count string");
}

TEST(RequestParser, RejectsTooBigBulkCountString) {
  // Counted from the start of the `$` line.
  const std::string at_limit = "*1\r\n$" + std::string(64 * 1024 - 1, '1');
  ExpectNeedsMore(at_limit);
  EXPECT_EQ(ErrorFor(at_limit + "1"), "Protocol error: too big bulk count string");

  ParserLimits limits;
  limits.max_inline_size = 4;
  ExpectNeedsMore("*2\r\n$1\r\na\r\n$123", limits);
  EXPECT_EQ(ErrorFor("*2\r\n$1\r\na\r\n$1234", limits),
            "Protocol error: too big bulk count string");
  EXPECT_EQ(ErrorForBytewise("*2\r\n$1\r\na\r\n$1234", limits),
            "Protocol error: too big bulk count string");
}

TEST(RequestParser, RejectsUnbalancedQuotes) {
  for (std::string_view bad :
       {"SET \"a\r\n", "SET 'a\r\n", "SET \"a\"b\r\n", "SET 'a'b\r\n", "SET \"a\\\"\r\n", "\"\n"}) {
    EXPECT_EQ(ErrorFor(bad), "Protocol error: unbalanced quotes in request") << bad;
    EXPECT_EQ(ErrorForBytewise(bad), "Protocol error: unbalanced quotes in request") << bad;
  }
}

TEST(RequestParser, UnauthenticatedMultibulkLimit) {
  ExpectNeedsMore("*10\r\n", {}, /*authenticated=*/false);
  EXPECT_EQ(ErrorFor("*11\r\n", {}, false), "Protocol error: unauthenticated multibulk length");
  EXPECT_EQ(ErrorForBytewise("*11\r\n", {}, false),
            "Protocol error: unauthenticated multibulk length");
  ExpectNeedsMore("*11\r\n", {}, /*authenticated=*/true);
  // An invalid count is reported as invalid, not as unauthenticated.
  EXPECT_EQ(ErrorFor("*2147483648\r\n", {}, false), "Protocol error: invalid multibulk length");

  ParserLimits limits;
  limits.unauthenticated_max_multibulk_len = 2;
  ExpectNeedsMore("*2\r\n", limits, false);
  EXPECT_EQ(ErrorFor("*3\r\n", limits, false), "Protocol error: unauthenticated multibulk length");
}

TEST(RequestParser, UnauthenticatedBulkLimit) {
  ExpectNeedsMore("*1\r\n$16384\r\n", {}, /*authenticated=*/false);
  EXPECT_EQ(ErrorFor("*1\r\n$16385\r\n", {}, false), "Protocol error: unauthenticated bulk length");
  EXPECT_EQ(ErrorForBytewise("*1\r\n$16385\r\n", {}, false),
            "Protocol error: unauthenticated bulk length");
  ExpectNeedsMore("*1\r\n$16385\r\n", {}, /*authenticated=*/true);

  ParserLimits limits;
  limits.unauthenticated_max_bulk_len = 3;
  EXPECT_EQ(ParseInChunks(Multibulk({"abc"}), {}, limits), (std::vector<Args>{{"abc"}}));
  EXPECT_EQ(ErrorFor("*1\r\n$4\r\n", limits, false), "Protocol error: unauthenticated bulk length");
}

TEST(RequestParser, UnauthenticatedLimitsDoNotApplyToInline) {
  // Redis checks them only for multibulk requests.
  Caller caller({});
  caller.parser().set_authenticated(false);
  std::string line = "SET";
  for (int i = 0; i < 20; ++i) line += " a";
  line += " " + std::string(20000, 'v') + "\r\n";
  EXPECT_EQ(caller.Feed(line), ParseStatus::kNeedMore);
  ASSERT_EQ(caller.commands().size(), 1u);
  EXPECT_EQ(caller.commands()[0].size(), 22u);
}

TEST(RequestParser, AuthenticationCanChangeBetweenCommands) {
  Caller caller({});
  caller.parser().set_authenticated(false);
  EXPECT_EQ(caller.Feed(Multibulk({"AUTH", "pw"})), ParseStatus::kNeedMore);
  caller.parser().set_authenticated(true);
  EXPECT_EQ(caller.Feed(Multibulk(Args(11, "x"))), ParseStatus::kNeedMore);
  EXPECT_EQ(caller.commands().size(), 2u);
}

TEST(RequestParser, ErrorTextIsEmptyWithoutError) {
  ParserLimits limits;
  RequestParser parser(limits);
  EXPECT_EQ(parser.error(), ProtocolError::kNone);
  EXPECT_EQ(parser.ErrorText(), "");
  size_t consumed = 0;
  ASSERT_EQ(parser.Parse("*x\r\n", &consumed), ParseStatus::kError);
  EXPECT_EQ(parser.error(), ProtocolError::kInvalidMultibulkLength);
}

TEST(RequestParser, BulkBytesPendingCountsPayloadAndCrlf) {
  ParserLimits limits;
  RequestParser parser(limits);
  size_t consumed = 0;
  EXPECT_EQ(parser.BulkBytesPending(0), 0u);  // Idle.

  std::string buf = "\r\n*2\r\n$3\r\nGET\r\n$1";
  ASSERT_EQ(parser.Parse(buf, &consumed), ParseStatus::kNeedMore);
  buf.erase(0, consumed);
  EXPECT_EQ(parser.BulkBytesPending(buf.size()), 0u);  // In a header.

  buf += "00\r\nabc";
  ASSERT_EQ(parser.Parse(buf, &consumed), ParseStatus::kNeedMore);
  EXPECT_EQ(consumed, 0u);
  EXPECT_EQ(parser.BulkBytesPending(buf.size()), 100u + 2 - 3);

  buf += std::string(97, 'x');
  ASSERT_EQ(parser.Parse(buf, &consumed), ParseStatus::kNeedMore);
  EXPECT_EQ(parser.BulkBytesPending(buf.size()), 2u);
  buf += "\r";
  ASSERT_EQ(parser.Parse(buf, &consumed), ParseStatus::kNeedMore);
  EXPECT_EQ(parser.BulkBytesPending(buf.size()), 1u);
  buf += "\n";
  ASSERT_EQ(parser.Parse(buf, &consumed), ParseStatus::kCommand);
  EXPECT_EQ(parser.BulkBytesPending(0), 0u);
}

TEST(RequestParser, ResetDropsAPartialCommand) {
  ParserLimits limits;
  RequestParser parser(limits);
  size_t consumed = 0;
  ASSERT_EQ(parser.Parse("*2\r\n$3\r\nGET\r\n$1", &consumed), ParseStatus::kNeedMore);
  parser.Reset();
  EXPECT_EQ(parser.BulkBytesPending(100), 0u);
  ASSERT_EQ(parser.Parse("PING\r\n", &consumed), ParseStatus::kCommand);
  EXPECT_EQ(Copy(parser.args()), (Args{"PING"}));

  ASSERT_EQ(parser.Parse("*1\r\n$10\r\nabc", &consumed), ParseStatus::kNeedMore);
  EXPECT_GT(parser.BulkBytesPending(13), 0u);
  parser.Reset();
  EXPECT_EQ(parser.BulkBytesPending(13), 0u);
  const std::string echo = Multibulk({"ECHO", "hi"});
  ASSERT_EQ(parser.Parse(echo, &consumed), ParseStatus::kCommand);
  EXPECT_EQ(Copy(parser.args()), (Args{"ECHO", "hi"}));

  ASSERT_EQ(parser.Parse("SET a b", &consumed), ParseStatus::kNeedMore);
  parser.Reset();
  ASSERT_EQ(parser.Parse("*1\r\n$1\r\nx\r\n", &consumed), ParseStatus::kCommand);
  EXPECT_EQ(Copy(parser.args()), (Args{"x"}));
}

TEST(RequestParser, ParsesAfterAnErrorAndReset) {
  ParserLimits limits;
  RequestParser parser(limits);
  size_t consumed = 0;
  ASSERT_EQ(parser.Parse("*1\r\n$x\r\n", &consumed), ParseStatus::kError);
  parser.Reset();
  ASSERT_EQ(parser.Parse("PING\r\n", &consumed), ParseStatus::kCommand);
  EXPECT_EQ(Copy(parser.args()), (Args{"PING"}));
}

TEST(RequestParser, MemoryUsageGrowsWithArgumentsAndIsReleased) {
  ParserLimits limits;
  RequestParser parser(limits);
  EXPECT_LT(parser.MemoryUsage(), 64 * 1024u);

  constexpr size_t kArgs = 20000;
  std::string buf = "*" + std::to_string(kArgs) + "\r\n";
  size_t consumed = 0;
  size_t last = 0;
  for (size_t i = 0; i < kArgs; ++i) {
    buf += "$1\r\na\r\n";
    if (i % 5000 == 4999 && i + 1 < kArgs) {
      ASSERT_EQ(parser.Parse(buf, &consumed), ParseStatus::kNeedMore);
      EXPECT_GE(parser.MemoryUsage(), (i + 1) * sizeof(ArgSpan));
      EXPECT_GE(parser.MemoryUsage(), last);
      last = parser.MemoryUsage();
    }
  }
  ASSERT_EQ(parser.Parse(buf, &consumed), ParseStatus::kCommand);
  ASSERT_EQ(parser.args().size(), kArgs);
  EXPECT_GE(parser.MemoryUsage(), kArgs * (sizeof(ArgSpan) + sizeof(std::string_view)));

  // The next command releases the big tables: one huge MSET does not pin
  // memory for the rest of the connection.
  ASSERT_EQ(parser.Parse("PING\r\n", &consumed), ParseStatus::kCommand);
  EXPECT_LT(parser.MemoryUsage(), 64 * 1024u);
  parser.Reset();
  EXPECT_LT(parser.MemoryUsage(), 64 * 1024u);
}

TEST(RequestParser, MemoryUsageCountsInlineStorage) {
  ParserLimits limits;
  RequestParser parser(limits);
  size_t consumed = 0;
  const std::string line = "SET k " + std::string(10000, 'v') + "\r\n";
  ASSERT_EQ(parser.Parse(line, &consumed), ParseStatus::kCommand);
  EXPECT_GE(parser.MemoryUsage(), 10000u);
}

// Feeds `all` one more byte per call, as a slow client would, and returns the
// status of the last call; every earlier call must need more.
ParseStatus FeedGrowing(RequestParser* parser, std::string_view all) {
  size_t consumed = 0;
  for (size_t n = 1; n < all.size(); ++n) {
    const ParseStatus status = parser->Parse(all.substr(0, n), &consumed);
    if (status != ParseStatus::kNeedMore || consumed != 0) {
      ADD_FAILURE() << "at byte " << n;
      return status;
    }
  }
  return parser->Parse(all, &consumed);
}

TEST(RequestParser, LongHeaderFedByteByByteIsNotRescanned) {
  // Rescanning from the start on each byte would be quadratic: a 2 MiB line
  // costs ~2e12 byte comparisons (a minute or more even at memchr speed).
  // Linear work takes milliseconds, so the generous bound only fails on a
  // rescan.
  ParserLimits limits;
  limits.max_inline_size = 4 << 20;
  constexpr size_t kLen = 2 << 20;
  const auto start = std::chrono::steady_clock::now();
  {
    RequestParser parser(limits);
    const std::string line = "ECHO " + std::string(kLen, 'x') + "\r\n";
    ASSERT_EQ(FeedGrowing(&parser, line), ParseStatus::kCommand);
    EXPECT_EQ(parser.args()[1].size(), kLen);
  }
  {
    RequestParser parser(limits);
    const std::string header = "*" + std::string(kLen, '1') + "\r\n";
    ASSERT_EQ(FeedGrowing(&parser, header), ParseStatus::kError);
    EXPECT_EQ(parser.ErrorText(), "Protocol error: invalid multibulk length");
  }
  {
    RequestParser parser(limits);
    const std::string header = "*1\r\n$" + std::string(kLen, '1') + "\r\n";
    ASSERT_EQ(FeedGrowing(&parser, header), ParseStatus::kError);
    EXPECT_EQ(parser.ErrorText(), "Protocol error: invalid bulk length");
  }
  {
    RequestParser parser(limits);
    const std::string bulk = Multibulk({"SET", std::string(kLen, 'v')});
    ASSERT_EQ(FeedGrowing(&parser, bulk), ParseStatus::kCommand);
    EXPECT_EQ(parser.args()[1].size(), kLen);
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, std::chrono::seconds(10));
}

TEST(RequestParser, DefaultLimitHeaderFedByteByByte) {
  // A 60 KiB inline line, just under the 64 KiB limit, one byte at a time.
  ParserLimits limits;
  RequestParser parser(limits);
  const std::string line = "GET " + std::string(60 * 1024, 'k') + "\r\n";
  ASSERT_EQ(FeedGrowing(&parser, line), ParseStatus::kCommand);
  EXPECT_EQ(parser.args()[1].size(), 60 * 1024u);
}

}  // namespace
}  // namespace respd::protocol

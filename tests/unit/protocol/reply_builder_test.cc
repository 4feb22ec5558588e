#include "protocol/reply_builder.h"

#include <gtest/gtest.h>
#include <hiredis/hiredis.h>
#include <hiredis/read.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace respd::protocol {
namespace {

using namespace std::string_literals;

struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

// Everything queued in `out`, without consuming it.
std::string Wire(const OutputBuffer& out) {
  std::array<iovec, 256> iov;
  const size_t n = out.Segments(iov);
  std::string s;
  for (size_t i = 0; i < n; ++i)
    s.append(static_cast<const char*>(iov[i].iov_base), iov[i].iov_len);
  EXPECT_EQ(s.size(), out.size());
  return s;
}

// Decodes all of `bytes` with hiredis's RESP2 reader; fails the test on a
// protocol error or trailing bytes that do not form a whole reply.
std::vector<Reply> Decode(const std::string& bytes) {
  std::vector<Reply> replies;
  std::unique_ptr<redisReader, void (*)(redisReader*)> reader(redisReaderCreate(),
                                                              &redisReaderFree);
  EXPECT_EQ(redisReaderFeed(reader.get(), bytes.data(), bytes.size()), REDIS_OK);
  while (true) {
    void* reply = nullptr;
    if (redisReaderGetReply(reader.get(), &reply) != REDIS_OK) {
      ADD_FAILURE() << "hiredis: " << reader->errstr;
      break;
    }
    if (reply == nullptr) break;
    replies.emplace_back(static_cast<redisReply*>(reply));
  }
  EXPECT_EQ(reader->pos, reader->len) << "bytes left after the last reply";
  // The last call starts a fresh task (type -1) unless an aggregate is open.
  EXPECT_TRUE(reader->ridx == -1 || (reader->ridx == 0 && reader->rstack[0].type == -1))
      << "incomplete aggregate at the end";
  return replies;
}

// Decodes exactly one reply.
Reply DecodeOne(const OutputBuffer& out) {
  std::vector<Reply> replies = Decode(Wire(out));
  EXPECT_EQ(replies.size(), 1u);
  if (replies.empty()) return nullptr;
  return std::move(replies[0]);
}

std::string Str(const redisReply* r) { return std::string(r->str, r->len); }

void ExpectBulk(const redisReply* r, const std::string& value) {
  ASSERT_NE(r, nullptr);
  ASSERT_EQ(r->type, REDIS_REPLY_STRING);
  EXPECT_EQ(Str(r), value);
}

void ExpectInteger(const redisReply* r, long long value) {
  ASSERT_NE(r, nullptr);
  ASSERT_EQ(r->type, REDIS_REPLY_INTEGER);
  EXPECT_EQ(r->integer, value);
}

class ReplyBuilderTest : public ::testing::Test {
 protected:
  std::string TakeWire() {
    std::string s = Wire(out_);
    out_.Clear();
    return s;
  }

  OutputBuffer out_;
  ReplyBuilder reply_{&out_};
};

using ReplyBuilderResp2 = ReplyBuilderTest;
using ReplyBuilderResp3 = ReplyBuilderTest;

TEST_F(ReplyBuilderResp2, StartsInResp2) {
  EXPECT_FALSE(reply_.resp3());
  EXPECT_EQ(reply_.buffer(), &out_);
}

TEST_F(ReplyBuilderResp2, Ok) {
  reply_.Ok();
  const Reply r = DecodeOne(out_);
  ASSERT_EQ(r->type, REDIS_REPLY_STATUS);
  EXPECT_EQ(Str(r.get()), "OK");
  EXPECT_EQ(Wire(out_), "+OK\r\n");
}

TEST_F(ReplyBuilderResp2, SimpleString) {
  reply_.SimpleString("PONG");
  reply_.SimpleString("");
  const std::vector<Reply> r = Decode(Wire(out_));
  ASSERT_EQ(r.size(), 2u);
  ASSERT_EQ(r[0]->type, REDIS_REPLY_STATUS);
  EXPECT_EQ(Str(r[0].get()), "PONG");
  ASSERT_EQ(r[1]->type, REDIS_REPLY_STATUS);
  EXPECT_EQ(Str(r[1].get()), "");
}

TEST_F(ReplyBuilderResp2, Error) {
  reply_.Error("ERR syntax error");
  const Reply r = DecodeOne(out_);
  ASSERT_EQ(r->type, REDIS_REPLY_ERROR);
  EXPECT_EQ(Str(r.get()), "ERR syntax error");
  EXPECT_EQ(Wire(out_), "-ERR syntax error\r\n");
}

TEST_F(ReplyBuilderResp2, ErrorReplacesCarriageReturnsAndLineFeeds) {
  reply_.Error("ERR bad\r\nthing\n\rend\r");
  EXPECT_EQ(TakeWire(), "-ERR bad  thing  end \r\n");
  // Long texts are sanitised in pieces: check across the piece boundaries.
  std::string text = "ERR ";
  while (text.size() < 1000) text += "ab\r\ncd\n";
  std::string sanitised = text;
  for (char& c : sanitised) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  reply_.Error(text);
  const Reply r = DecodeOne(out_);
  ASSERT_EQ(r->type, REDIS_REPLY_ERROR);
  EXPECT_EQ(Str(r.get()), sanitised);
}

TEST_F(ReplyBuilderResp2, IntegerExtremes) {
  const std::vector<long long> values = {0,
                                         1,
                                         -1,
                                         42,
                                         1000000,
                                         std::numeric_limits<int64_t>::max(),
                                         std::numeric_limits<int64_t>::min()};
  for (long long v : values) reply_.Integer(v);
  const std::vector<Reply> r = Decode(Wire(out_));
  ASSERT_EQ(r.size(), values.size());
  for (size_t i = 0; i < values.size(); ++i) ExpectInteger(r[i].get(), values[i]);
  EXPECT_EQ(TakeWire(),
            ":0\r\n:1\r\n:-1\r\n:42\r\n:1000000\r\n:9223372036854775807\r\n"
            ":-9223372036854775808\r\n");
}

TEST_F(ReplyBuilderResp2, BulkEmptyIsNotNull) {
  reply_.Bulk("");
  const Reply r = DecodeOne(out_);
  ExpectBulk(r.get(), "");
  EXPECT_EQ(Wire(out_), "$0\r\n\r\n");
}

TEST_F(ReplyBuilderResp2, BulkIsBinarySafe) {
  const std::string value = "a\r\nb\0c\n$-1\r\n"s;
  reply_.Bulk(value);
  ExpectBulk(DecodeOne(out_).get(), value);
}

TEST_F(ReplyBuilderResp2, BulkOfEverySizeAroundTheStackBuffer) {
  // Small bulks are built on a 128-byte stack buffer with their header;
  // check the sizes where that stops fitting, and a few much bigger ones.
  std::vector<std::string> values;
  for (size_t n = 100; n <= 140; ++n)
    values.push_back(std::string(n, static_cast<char>('A' + n % 26)));
  values.push_back(std::string(1000, 'x'));
  values.push_back(std::string(100000, 'y'));
  for (const std::string& v : values) reply_.Bulk(v);
  const std::vector<Reply> r = Decode(Wire(out_));
  ASSERT_EQ(r.size(), values.size());
  for (size_t i = 0; i < values.size(); ++i) ExpectBulk(r[i].get(), values[i]);
}

TEST_F(ReplyBuilderResp2, NullIsNullBulk) {
  reply_.Null();
  const Reply r = DecodeOne(out_);
  EXPECT_EQ(r->type, REDIS_REPLY_NIL);
  EXPECT_EQ(Wire(out_), "$-1\r\n");
}

TEST_F(ReplyBuilderResp2, NullArrayIsNullMultibulk) {
  reply_.NullArray();
  const Reply r = DecodeOne(out_);
  EXPECT_EQ(r->type, REDIS_REPLY_NIL);
  EXPECT_EQ(Wire(out_), "*-1\r\n");
}

TEST_F(ReplyBuilderResp2, EmptyArray) {
  reply_.ArrayHeader(0);
  const Reply r = DecodeOne(out_);
  ASSERT_EQ(r->type, REDIS_REPLY_ARRAY);
  EXPECT_EQ(r->elements, 0u);
  EXPECT_EQ(Wire(out_), "*0\r\n");
}

TEST_F(ReplyBuilderResp2, NestedArrays) {
  reply_.ArrayHeader(3);
  reply_.Integer(7);
  reply_.ArrayHeader(2);
  reply_.Bulk("inner");
  reply_.Null();
  reply_.ArrayHeader(1);
  reply_.ArrayHeader(0);
  const Reply r = DecodeOne(out_);
  ASSERT_EQ(r->type, REDIS_REPLY_ARRAY);
  ASSERT_EQ(r->elements, 3u);
  ExpectInteger(r->element[0], 7);
  ASSERT_EQ(r->element[1]->type, REDIS_REPLY_ARRAY);
  ASSERT_EQ(r->element[1]->elements, 2u);
  ExpectBulk(r->element[1]->element[0], "inner");
  EXPECT_EQ(r->element[1]->element[1]->type, REDIS_REPLY_NIL);
  ASSERT_EQ(r->element[2]->type, REDIS_REPLY_ARRAY);
  ASSERT_EQ(r->element[2]->elements, 1u);
  ASSERT_EQ(r->element[2]->element[0]->type, REDIS_REPLY_ARRAY);
  EXPECT_EQ(r->element[2]->element[0]->elements, 0u);
}

TEST_F(ReplyBuilderResp2, MapIsAFlatArrayOfPairs) {
  reply_.MapHeader(2);
  reply_.Bulk("a");
  reply_.Integer(1);
  reply_.Bulk("b");
  reply_.Integer(2);
  EXPECT_EQ(Wire(out_).substr(0, 4), "*4\r\n");
  const Reply r = DecodeOne(out_);
  ASSERT_EQ(r->type, REDIS_REPLY_ARRAY);
  ASSERT_EQ(r->elements, 4u);
  ExpectBulk(r->element[0], "a");
  ExpectInteger(r->element[1], 1);
  ExpectBulk(r->element[2], "b");
  ExpectInteger(r->element[3], 2);
}

TEST_F(ReplyBuilderResp2, SetAndPushAreArrays) {
  reply_.SetHeader(2);
  reply_.Bulk("x");
  reply_.Bulk("y");
  reply_.PushHeader(1);
  reply_.Bulk("msg");
  EXPECT_EQ(Wire(out_), "*2\r\n$1\r\nx\r\n$1\r\ny\r\n*1\r\n$3\r\nmsg\r\n");
  const std::vector<Reply> r = Decode(Wire(out_));
  ASSERT_EQ(r.size(), 2u);
  ASSERT_EQ(r[0]->type, REDIS_REPLY_ARRAY);
  EXPECT_EQ(r[0]->elements, 2u);
  ASSERT_EQ(r[1]->type, REDIS_REPLY_ARRAY);
  EXPECT_EQ(r[1]->elements, 1u);
}

TEST_F(ReplyBuilderResp2, BoolIsAnInteger) {
  reply_.Bool(true);
  reply_.Bool(false);
  EXPECT_EQ(Wire(out_), ":1\r\n:0\r\n");
  const std::vector<Reply> r = Decode(Wire(out_));
  ASSERT_EQ(r.size(), 2u);
  ExpectInteger(r[0].get(), 1);
  ExpectInteger(r[1].get(), 0);
}

TEST_F(ReplyBuilderResp2, DoubleIsABulkInPercent17g) {
  const std::vector<double> values = {1.5,
                                      0.1,
                                      3.0,
                                      -2.25,
                                      0.0,
                                      -0.0,
                                      1e300,
                                      1e-300,
                                      std::numeric_limits<double>::max(),
                                      std::numeric_limits<double>::denorm_min()};
  for (double v : values) reply_.Double(v);
  const std::vector<Reply> r = Decode(Wire(out_));
  ASSERT_EQ(r.size(), values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    char expected[64];
    std::snprintf(expected, sizeof(expected), "%.17g", values[i]);
    ExpectBulk(r[i].get(), expected);
  }
  ExpectBulk(r[0].get(), "1.5");
  ExpectBulk(r[1].get(), "0.10000000000000001");
  ExpectBulk(r[2].get(), "3");
  ExpectBulk(r[5].get(), "-0");
}

TEST_F(ReplyBuilderResp2, DoubleInfinities) {
  reply_.Double(std::numeric_limits<double>::infinity());
  reply_.Double(-std::numeric_limits<double>::infinity());
  EXPECT_EQ(Wire(out_), "$3\r\ninf\r\n$4\r\n-inf\r\n");
}

TEST_F(ReplyBuilderResp2, BigNumberAndVerbatimAreBulks) {
  reply_.BigNumber("1234567890123456789012345678901234567890");
  reply_.Verbatim("some text\nline 2");
  reply_.Verbatim("# md", "mkd");
  const std::vector<Reply> r = Decode(Wire(out_));
  ASSERT_EQ(r.size(), 3u);
  ExpectBulk(r[0].get(), "1234567890123456789012345678901234567890");
  ExpectBulk(r[1].get(), "some text\nline 2");
  ExpectBulk(r[2].get(), "# md");
}

TEST_F(ReplyBuilderResp2, RawIsCopiedVerbatim) {
  reply_.Raw("+QUEUED\r\n");
  EXPECT_EQ(Wire(out_), "+QUEUED\r\n");
}

TEST_F(ReplyBuilderResp2, ManyRepliesPastTheInlineChunkStayInOrder) {
  // Enough to spill the output buffer's inline chunk into its list.
  constexpr int kCount = 20000;
  for (int i = 0; i < kCount; ++i) {
    if (i % 3 == 0) {
      reply_.Integer(i);
    } else if (i % 3 == 1) {
      reply_.Bulk(std::to_string(i) + std::string(static_cast<size_t>(i % 200), 'p'));
    } else {
      reply_.ArrayHeader(1);
      reply_.SimpleString(std::to_string(i));
    }
  }
  ASSERT_GT(out_.size(), OutputBuffer::kInlineSize);
  const std::vector<Reply> r = Decode(Wire(out_));
  ASSERT_EQ(r.size(), static_cast<size_t>(kCount));
  for (int i = 0; i < kCount; ++i) {
    if (i % 3 == 0) {
      ExpectInteger(r[i].get(), i);
    } else if (i % 3 == 1) {
      ExpectBulk(r[i].get(), std::to_string(i) + std::string(static_cast<size_t>(i % 200), 'p'));
    } else {
      ASSERT_EQ(r[i]->type, REDIS_REPLY_ARRAY);
      ASSERT_EQ(r[i]->elements, 1u);
      ASSERT_EQ(r[i]->element[0]->type, REDIS_REPLY_STATUS);
      EXPECT_EQ(Str(r[i]->element[0]), std::to_string(i));
    }
  }
}

// --- RESP3: hiredis 0.14 cannot parse it, so compare the bytes. ---

TEST_F(ReplyBuilderResp3, CanBeSwitchedOnAndOff) {
  reply_.set_resp3(true);
  EXPECT_TRUE(reply_.resp3());
  reply_.Null();
  reply_.set_resp3(false);
  EXPECT_FALSE(reply_.resp3());
  reply_.Null();
  EXPECT_EQ(Wire(out_), "_\r\n$-1\r\n");
}

TEST_F(ReplyBuilderResp3, AggregateHeaders) {
  reply_.set_resp3(true);
  reply_.MapHeader(2);
  EXPECT_EQ(TakeWire(), "%2\r\n");
  reply_.SetHeader(3);
  EXPECT_EQ(TakeWire(), "~3\r\n");
  reply_.PushHeader(1);
  EXPECT_EQ(TakeWire(), ">1\r\n");
  reply_.ArrayHeader(4);
  EXPECT_EQ(TakeWire(), "*4\r\n");
  reply_.MapHeader(0);
  EXPECT_EQ(TakeWire(), "%0\r\n");
  reply_.MapHeader(12345678);
  EXPECT_EQ(TakeWire(), "%12345678\r\n");
}

TEST_F(ReplyBuilderResp3, Nulls) {
  reply_.set_resp3(true);
  reply_.Null();
  EXPECT_EQ(TakeWire(), "_\r\n");
  reply_.NullArray();
  EXPECT_EQ(TakeWire(), "_\r\n");
}

TEST_F(ReplyBuilderResp3, Doubles) {
  reply_.set_resp3(true);
  reply_.Double(1.5);
  EXPECT_EQ(TakeWire(), ",1.5\r\n");
  reply_.Double(0.1);
  EXPECT_EQ(TakeWire(), ",0.10000000000000001\r\n");
  reply_.Double(-3);
  EXPECT_EQ(TakeWire(), ",-3\r\n");
  reply_.Double(1e300);
  EXPECT_EQ(TakeWire(), ",1.0000000000000001e+300\r\n");
  reply_.Double(std::numeric_limits<double>::infinity());
  EXPECT_EQ(TakeWire(), ",inf\r\n");
  reply_.Double(-std::numeric_limits<double>::infinity());
  EXPECT_EQ(TakeWire(), ",-inf\r\n");
}

TEST_F(ReplyBuilderResp3, Booleans) {
  reply_.set_resp3(true);
  reply_.Bool(true);
  reply_.Bool(false);
  EXPECT_EQ(TakeWire(), "#t\r\n#f\r\n");
}

TEST_F(ReplyBuilderResp3, BigNumber) {
  reply_.set_resp3(true);
  reply_.BigNumber("123");
  EXPECT_EQ(TakeWire(), "(123\r\n");
  reply_.BigNumber("-3492890328409238509324850943850943825024385");
  EXPECT_EQ(TakeWire(), "(-3492890328409238509324850943850943825024385\r\n");
}

TEST_F(ReplyBuilderResp3, Verbatim) {
  reply_.set_resp3(true);
  reply_.Verbatim("abc");
  EXPECT_EQ(TakeWire(), "=7\r\ntxt:abc\r\n");
  reply_.Verbatim("# T\r\n", "mkd");
  EXPECT_EQ(TakeWire(), "=9\r\nmkd:# T\r\n\r\n");
  reply_.Verbatim("");
  EXPECT_EQ(TakeWire(), "=4\r\ntxt:\r\n");
}

TEST_F(ReplyBuilderResp3, SharedTypesAreUnchanged) {
  reply_.set_resp3(true);
  reply_.Ok();
  reply_.SimpleString("PONG");
  reply_.Error("ERR x\ny");
  reply_.Integer(std::numeric_limits<int64_t>::min());
  reply_.Bulk("");
  reply_.Bulk("a\r\nb");
  EXPECT_EQ(TakeWire(),
            "+OK\r\n+PONG\r\n-ERR x y\r\n:-9223372036854775808\r\n$0\r\n\r\n$4\r\na\r\nb\r\n");
}

TEST_F(ReplyBuilderResp3, NestedMapOfSets) {
  reply_.set_resp3(true);
  reply_.MapHeader(1);
  reply_.Bulk("k");
  reply_.SetHeader(2);
  reply_.Integer(1);
  reply_.Double(2.5);
  EXPECT_EQ(TakeWire(), "%1\r\n$1\r\nk\r\n~2\r\n:1\r\n,2.5\r\n");
}

}  // namespace
}  // namespace respd::protocol

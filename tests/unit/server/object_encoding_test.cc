// DescribeStringObject: the encoding and refcount Redis 7.0 would report for
// a string, from its bytes and how it was written (the compatibility corpus
// checks the same against redis-server through OBJECT and DEBUG OBJECT).
#include "server/object_encoding.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace respd::server {
namespace {

using store::KeyEntry;
using Form = KeyEntry::StringForm;

constexpr int kShared = std::numeric_limits<int32_t>::max();

struct Case {
  std::string_view value;
  Form form;
  std::string_view encoding;
  int refcount;
};

TEST(ObjectEncoding, ByValueAndForm) {
  const std::string len44(44, 'x');
  const std::string len45(45, 'x');
  const Case cases[] = {
      {"0", Form::kWhole, "int", kShared},
      {"9999", Form::kWhole, "int", kShared},
      {"10000", Form::kWhole, "int", 1},
      {"-1", Form::kWhole, "int", 1},
      {"9223372036854775807", Form::kWhole, "int", 1},
      {"9223372036854775808", Form::kWhole, "embstr", 1},  // Past int64.
      {"01", Form::kWhole, "embstr", 1},                   // Does not round-trip.
      {"1.5", Form::kWhole, "embstr", 1},
      {"", Form::kWhole, "embstr", 1},
      {len44, Form::kWhole, "embstr", 1},
      {len45, Form::kWhole, "raw", 1},
      {"3", Form::kBuilt, "embstr", 1},  // INCRBYFLOAT's result is never an int.
      {len44, Form::kBuilt, "embstr", 1},
      {len45, Form::kBuilt, "raw", 1},
      {"5", Form::kRaw, "raw", 1},  // APPEND/SETRANGE: raw whatever the size.
      {"abc", Form::kRaw, "raw", 1},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.value) + " form " + std::to_string(static_cast<int>(c.form)));
    KeyEntry* e = KeyEntry::CreateString("k", c.value, KeyEntry::kNoExpire);
    e->set_string_form(c.form);
    const RedisStringObject o = DescribeStringObject(*e);
    EXPECT_EQ(o.encoding, c.encoding);
    EXPECT_EQ(o.refcount, c.refcount);
    KeyEntry::Destroy(e);
  }
}

}  // namespace
}  // namespace respd::server

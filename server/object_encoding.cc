#include "server/object_encoding.h"

#include <cstdint>
#include <limits>
#include <string_view>

#include "base/numbers.h"

namespace respd::server {

namespace {

// A robj and a 44-byte sds fill one 64-byte allocation: Redis's embstr limit.
constexpr size_t kEmbstrSizeLimit = 44;
// Redis shares one object for each integer in [0, 10000) (OBJ_SHARED_INTEGERS)
// and reports those with refcount INT_MAX.
constexpr int64_t kSharedIntegers = 10000;
// The longest integer tryObjectEncoding turns into OBJ_ENCODING_INT.
constexpr size_t kMaxIntChars = 20;

}  // namespace

RedisStringObject DescribeStringObject(const store::KeyEntry& e) {
  using Form = store::KeyEntry::StringForm;
  const std::string_view value = e.string_value();
  RedisStringObject o{"raw", 1};
  int64_t number = 0;
  switch (e.string_form()) {
    case Form::kWhole:
      // tryObjectEncoding: an integer that round-trips, else embstr or raw.
      if (value.size() <= kMaxIntChars && base::ParseInt64(value, &number)) {
        o.encoding = "int";
        if (number >= 0 && number < kSharedIntegers) {
          o.refcount = std::numeric_limits<int32_t>::max();
        }
      } else if (value.size() <= kEmbstrSizeLimit) {
        o.encoding = "embstr";
      }
      break;
    case Form::kBuilt:
      // createStringObject: embstr or raw by size, never an int.
      if (value.size() <= kEmbstrSizeLimit) o.encoding = "embstr";
      break;
    case Form::kRaw:
      break;
  }
  return o;
}

}  // namespace respd::server

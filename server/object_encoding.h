// What Redis 7.0 would report of a string value's in-memory object: its
// encoding ("int", "embstr" or "raw") and its refcount. OBJECT ENCODING,
// OBJECT REFCOUNT and DEBUG OBJECT all answer from here.
#pragma once

#include "store/key_entry.h"

namespace respd::server {

struct RedisStringObject {
  const char* encoding;  // "int", "embstr" or "raw".
  int refcount;          // INT_MAX for Redis's shared integers 0..9999, else 1.
};

RedisStringObject DescribeStringObject(const store::KeyEntry& e);

}  // namespace respd::server

// The encoding thresholds of Redis 7.0's types: where a compact encoding
// (listpack, intset) gives way to a general one (hashtable, skiplist). The
// server owns one TypeLimits, built from the config and changed by CONFIG
// SET; the type APIs (store/types/) take it on every write that may convert.
// Defaults are Redis 7.0's.
#pragma once

#include <cstdint>

namespace respd::store {

struct TypeLimits {
  int64_t hash_max_listpack_entries = 512;
  int64_t hash_max_listpack_value = 64;
  int64_t set_max_intset_entries = 512;
  int64_t zset_max_listpack_entries = 128;
  int64_t zset_max_listpack_value = 64;
  // Negative: a node's bytes (-1 = 4 KiB … -5 = 64 KiB); positive: entries.
  int64_t list_max_listpack_size = -2;
  int64_t list_compress_depth = 0;
  // Elements this big or bigger get a quicklist node of their own (DEBUG
  // QUICKLIST-PACKED-THRESHOLD; not a directive).
  uint64_t list_packed_threshold = uint64_t{1} << 30;
  int64_t stream_node_max_bytes = 4096;
  int64_t stream_node_max_entries = 100;
  // A sparse HyperLogLog (header included) becomes dense past this.
  int64_t hll_sparse_max_bytes = 3000;
};

}  // namespace respd::store

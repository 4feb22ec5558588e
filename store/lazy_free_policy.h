// Which frees may be left to the reclaimer (store/lazy_free.h): Redis's
// lazyfree-lazy-* directives, which the server sets from its config.
#pragma once

namespace respd::store {

// The lazyfree-lazy-* directives: which frees may go to the reclaimer.
struct LazyFreePolicy {
  bool user_del = false;    // DEL (UNLINK always may).
  bool server_del = false;  // Values replaced or deleted as a side effect (SET over a key).
  bool expire = false;      // Keys removed by expiry.
  bool user_flush = false;  // FLUSHDB/FLUSHALL without ASYNC or SYNC.
  bool eviction = false;    // Keys evicted under maxmemory.
};

}  // namespace respd::store

#include "protocol/query_buffer.h"

#include <algorithm>
#include <cstring>

namespace respd::protocol {

char* QueryBuffer::PrepareWrite(size_t n) {
  if (capacity_ - end_ >= n) return buf_.get() + end_;
  const size_t used = end_ - start_;
  if (capacity_ >= used + n && start_ > 0) {
    // Enough room overall: slide the unread bytes to the front.
    std::memmove(buf_.get(), buf_.get() + start_, used);
  } else {
    const size_t capacity = std::max(used + n, capacity_ * 2);
    auto grown = std::make_unique_for_overwrite<char[]>(capacity);
    if (used > 0) std::memcpy(grown.get(), buf_.get() + start_, used);
    buf_ = std::move(grown);
    capacity_ = capacity;
  }
  start_ = 0;
  end_ = used;
  return buf_.get() + end_;
}

void QueryBuffer::ShrinkToFit() {
  const size_t used = end_ - start_;
  if (used == 0) {
    buf_.reset();
    capacity_ = start_ = end_ = 0;
    return;
  }
  if (used * 4 >= capacity_) return;
  auto smaller = std::make_unique_for_overwrite<char[]>(used);
  std::memcpy(smaller.get(), buf_.get() + start_, used);
  buf_ = std::move(smaller);
  capacity_ = used;
  start_ = 0;
  end_ = used;
}

}  // namespace respd::protocol

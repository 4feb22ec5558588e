#include "protocol/output_buffer.h"

#include <algorithm>
#include <cstring>

namespace respd::protocol {

void OutputBuffer::AppendSlow(const char* data, size_t len) {
  if (!inline_) {
    inline_ = std::make_unique_for_overwrite<char[]>(kInlineSize);
    if (len <= kInlineSize) {
      Append(data, len);
      return;
    }
  }
  // Fill what is left of the inline chunk only while no list exists: after
  // that, order demands that everything goes to the list.
  if (chunks_.empty() && inline_used_ < kInlineSize) {
    const size_t n = std::min(len, kInlineSize - inline_used_);
    std::memcpy(inline_.get() + inline_used_, data, n);
    inline_used_ += n;
    pending_ += n;
    data += n;
    len -= n;
  }
  pending_ += len;
  if (!chunks_.empty()) {
    Chunk& last = chunks_.back();
    const size_t n = std::min(len, last.capacity - last.used);
    std::memcpy(last.data.get() + last.used, data, n);
    last.used += n;
    data += n;
    len -= n;
  }
  if (len == 0) return;
  const size_t capacity = std::max(len, kChunkSize);
  Chunk chunk{std::make_unique_for_overwrite<char[]>(capacity), capacity, len};
  std::memcpy(chunk.data.get(), data, len);
  chunks_.push_back(std::move(chunk));
}

size_t OutputBuffer::Segments(std::span<iovec> out) const {
  size_t n = 0;
  if (n < out.size() && inline_used_ > inline_sent_) {
    out[n++] = {inline_.get() + inline_sent_, inline_used_ - inline_sent_};
  }
  bool first = true;
  for (const Chunk& c : chunks_) {
    if (n == out.size()) break;
    const size_t skip = first ? front_sent_ : 0;
    first = false;
    if (c.used > skip) out[n++] = {c.data.get() + skip, c.used - skip};
  }
  return n;
}

void OutputBuffer::Consume(size_t n) {
  n = std::min(n, pending_);
  pending_ -= n;
  const size_t from_inline = std::min(n, inline_used_ - inline_sent_);
  inline_sent_ += from_inline;
  n -= from_inline;
  if (inline_sent_ == inline_used_) inline_sent_ = inline_used_ = 0;
  while (n > 0 && !chunks_.empty()) {
    Chunk& front = chunks_.front();
    const size_t take = std::min(n, front.used - front_sent_);
    front_sent_ += take;
    n -= take;
    if (front_sent_ == front.used) {
      chunks_.pop_front();
      front_sent_ = 0;
    }
  }
}

void OutputBuffer::TruncateTo(size_t pending) {
  size_t excess = pending_ > pending ? pending_ - pending : 0;
  pending_ -= excess;
  // Newest bytes are at the back of the list, or in the inline chunk when
  // there is no list.
  while (excess > 0 && !chunks_.empty()) {
    Chunk& last = chunks_.back();
    const size_t front_skip = chunks_.size() == 1 ? front_sent_ : 0;
    const size_t take = std::min(excess, last.used - front_skip);
    last.used -= take;
    excess -= take;
    if (last.used == front_skip) {
      chunks_.pop_back();
      if (chunks_.empty()) front_sent_ = 0;
    }
  }
  if (excess > 0) {
    inline_used_ -= std::min(excess, inline_used_ - inline_sent_);
    if (inline_used_ == inline_sent_) inline_used_ = inline_sent_ = 0;
  }
}

void OutputBuffer::Clear() {
  inline_used_ = inline_sent_ = 0;
  chunks_.clear();
  front_sent_ = 0;
  pending_ = 0;
}

size_t OutputBuffer::MemoryUsage() const {
  size_t total = inline_ ? kInlineSize : 0;
  for (const Chunk& c : chunks_) total += c.capacity;
  return total;
}

void OutputBuffer::ReleaseIdleMemory() {
  if (pending_ == 0) {
    Clear();
    inline_.reset();
  }
}

}  // namespace respd::protocol

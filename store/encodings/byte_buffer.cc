#include "store/encodings/byte_buffer.h"

#include <malloc.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace respd::store {
namespace {

constexpr size_t kMaxGreedyStep = 1024 * 1024;  // As sds's SDS_MAX_PREALLOC.

ByteBuffer* Reallocate(void* p, size_t bytes) {
  void* q = std::realloc(p, sizeof(uint64_t) + bytes);
  if (q == nullptr) std::abort();  // Out of memory: a broken invariant here.
  return static_cast<ByteBuffer*>(q);
}

}  // namespace

ByteBuffer* ByteBuffer::Create(std::string_view bytes) {
  ByteBuffer* b = Reallocate(nullptr, bytes.size());
  b->size_ = bytes.size();
  if (!bytes.empty()) std::memcpy(b->bytes(), bytes.data(), bytes.size());
  return b;
}

void ByteBuffer::Destroy(ByteBuffer* b) { std::free(b); }

size_t ByteBuffer::AllocationSize() const {
  return malloc_usable_size(const_cast<ByteBuffer*>(this));
}

size_t ByteBuffer::capacity() const { return AllocationSize() - sizeof(uint64_t); }

ByteBuffer* ByteBuffer::Resize(ByteBuffer* b, size_t new_len, bool greedy) {
  const size_t room = b->capacity();
  if (new_len > room) {
    const size_t want = greedy ? new_len + std::min(new_len, kMaxGreedyStep) : new_len;
    b = Reallocate(b, want);
  } else if (!greedy && new_len * 2 < room) {
    b = Reallocate(b, new_len);
  }
  b->size_ = new_len;
  return b;
}

}  // namespace respd::store

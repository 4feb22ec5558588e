// ByteBuffer: a heap byte string with room to grow, for string values too big
// to keep inline in their key's entry (Redis's sds for a big raw string).
//
// One allocation: an 8-byte length, then the bytes; the capacity is whatever
// the allocator gave (malloc_usable_size), so nothing is stored for it.
// Growth can be greedy, as sds's: doubling up to 1 MiB, then 1 MiB at a time,
// so a run of APPENDs reallocates O(log n) times. Binary-safe; knows nothing
// of keys or databases.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace respd::store {

class ByteBuffer {
 public:
  // A buffer holding a copy of `bytes`.
  static ByteBuffer* Create(std::string_view bytes);
  static void Destroy(ByteBuffer* b);
  // Returns the buffer resized to `new_len` bytes, keeping the first
  // min(old, new); new bytes are uninitialised. `b` is invalid afterwards.
  // `greedy` reserves room for more; a non-greedy resize gives back room
  // when less than half of it would be used.
  static ByteBuffer* Resize(ByteBuffer* b, size_t new_len, bool greedy);

  size_t size() const { return size_; }
  std::string_view view() const { return {bytes(), size_}; }
  char* data() { return bytes(); }
  // Bytes it could hold without reallocating.
  size_t capacity() const;
  // Bytes of its allocation, as the allocator reports it.
  size_t AllocationSize() const;

 private:
  ByteBuffer() = default;
  char* bytes() { return reinterpret_cast<char*>(this + 1); }
  const char* bytes() const { return reinterpret_cast<const char*>(this + 1); }

  uint64_t size_;
};

}  // namespace respd::store

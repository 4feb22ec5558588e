// The reply buffer of one client: a fixed inline chunk, then a list of chunks.
//
// Small replies (the common case) are copied into the 16 KiB inline chunk with
// no allocation. Once that is full, or a reply does not fit, appends go to a
// list of heap chunks; once the list is non-empty every append goes there, so
// bytes leave in the order they were queued. The writer drains the front
// with writev over Segments() and then Consume()s what the kernel took.
#pragma once

#include <sys/uio.h>

#include <cstddef>
#include <cstring>
#include <deque>
#include <memory>
#include <span>
#include <string_view>

namespace respd::protocol {

class OutputBuffer {
 public:
  // Redis's PROTO_REPLY_CHUNK_BYTES: one read's worth of pipelined replies.
  static constexpr size_t kInlineSize = 16 * 1024;
  // Size of list chunks for small appends (a big reply gets a chunk its size).
  static constexpr size_t kChunkSize = 16 * 1024;

  OutputBuffer() = default;
  OutputBuffer(const OutputBuffer&) = delete;
  OutputBuffer& operator=(const OutputBuffer&) = delete;

  void Append(std::string_view bytes) { Append(bytes.data(), bytes.size()); }
  void Append(const char* data, size_t len) {
    // An empty std::string_view may carry a null data(); memcpy from null is
    // undefined even for 0 bytes (UBSan aborts on it), so stop here.
    if (len == 0) return;
    if (chunks_.empty() && inline_used_ + len <= kInlineSize && inline_) {
      std::memcpy(inline_.get() + inline_used_, data, len);
      inline_used_ += len;
      pending_ += len;
      return;
    }
    AppendSlow(data, len);
  }

  // Bytes queued and not yet consumed.
  size_t size() const { return pending_; }
  bool empty() const { return pending_ == 0; }

  // Fills `out` with the pending bytes in order; returns how many entries
  // were used. The views stay valid until the next Append or Consume.
  size_t Segments(std::span<iovec> out) const;
  // Drops the first n pending bytes (what a write sent).
  void Consume(size_t n);
  // Drops the bytes appended after the buffer held `pending` bytes: takes
  // back replies not yet sent (CLIENT REPLY OFF/SKIP). `pending` must not
  // exceed size(), and nothing appended since may have been consumed.
  void TruncateTo(size_t pending);
  void Clear();

  // Heap bytes held (inline chunk included), for client memory accounting.
  size_t MemoryUsage() const;
  // Returns the inline chunk to the allocator while the buffer is empty, so an
  // idle client costs little. It comes back with the next Append.
  void ReleaseIdleMemory();

 private:
  struct Chunk {
    std::unique_ptr<char[]> data;
    size_t capacity;
    size_t used;
  };

  void AppendSlow(const char* data, size_t len);

  std::unique_ptr<char[]> inline_;
  size_t inline_used_ = 0;  // Bytes written into inline_.
  size_t inline_sent_ = 0;  // Of those, bytes already consumed.
  std::deque<Chunk> chunks_;
  size_t front_sent_ = 0;  // Bytes of chunks_.front() already consumed.
  size_t pending_ = 0;
};

}  // namespace respd::protocol

// The bytes a client has sent and the server has not yet consumed.
//
// A flat array with a read offset: consuming a command only moves the offset
// (no memmove per command), so argument views handed out by the parser stay
// valid while the command runs. Room for the next read is made by sliding the
// unread bytes to the front, or by growing (doubling) when they do not fit.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

namespace respd::protocol {

class QueryBuffer {
 public:
  QueryBuffer() = default;
  QueryBuffer(const QueryBuffer&) = delete;
  QueryBuffer& operator=(const QueryBuffer&) = delete;

  // The unread bytes. Valid until the next PrepareWrite or ShrinkToFit.
  std::string_view data() const { return {buf_.get() + start_, end_ - start_}; }
  size_t size() const { return end_ - start_; }
  bool empty() const { return start_ == end_; }

  // Makes room for at least `n` more bytes and returns where to write them.
  // Existing views are invalidated. Follow with Commit(bytes actually written).
  char* PrepareWrite(size_t n);
  void Commit(size_t n) { end_ += n; }
  // Room at the end without moving or growing: reading into it is free.
  size_t free_tail() const { return capacity_ - end_; }

  void Consume(size_t n) {
    start_ += n;
    if (start_ == end_) start_ = end_ = 0;
  }
  void Clear() { start_ = end_ = 0; }

  size_t capacity() const { return capacity_; }
  // Frees the storage while empty (idle clients cost nothing), or shrinks it
  // when it holds far less than its capacity.
  void ShrinkToFit();

 private:
  std::unique_ptr<char[]> buf_;
  size_t start_ = 0;
  size_t end_ = 0;
  size_t capacity_ = 0;
};

}  // namespace respd::protocol

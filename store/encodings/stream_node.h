// A stream node: one listpack holding a run of consecutive stream entries,
// byte for byte in Redis 7.0's layout (t_stream.c), so an RDB writer can
// store it as it is. The stream's index (store/types/stream.h) keys each
// node by its master ID, the ID of the first entry it was created with.
//
// The master entry comes first and names the fields of that first entry;
// every entry stores its ID as a difference from the master ID and, when it
// has the same fields in the same order, only its values:
//
//   master:  count | deleted | num-fields | field_1 … field_N | 0
//   entry:   flags | ms-diff | seq-diff | value_1 … value_N | lp-count
//            (flags & kSameFields), or
//            flags | ms-diff | seq-diff | num-fields | f_1 | v_1 … | lp-count
//
// `count` is the live entries, `deleted` those marked kDeleted (XDEL and
// trimming inside a node mark; nothing is moved). lp-count, the entry's
// element count before it, lets the node be walked backwards.
//
// Positions are listpack byte offsets (listpack.h). Writing returns the new
// listpack; entry offsets then move by the change of its size, since every
// write is at the master counts (before every entry) or at the end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "store/encodings/listpack.h"
#include "store/encodings/stream_id.h"

namespace respd::store::stream_node {

inline constexpr int64_t kDeleted = 1;
inline constexpr int64_t kSameFields = 2;

// A new node whose master entry and first entry are `id` with `fields`
// (field, value, field, value …; at least one pair).
uint8_t* Create(StreamId id, std::span<const std::string_view> fields);
// Appends `id` (greater than every ID in the node) with `fields`.
uint8_t* Append(uint8_t* lp, StreamId master, StreamId id,
                std::span<const std::string_view> fields);

// The master entry's counts.
int64_t LiveCount(const uint8_t* lp);
int64_t DeletedCount(const uint8_t* lp);
size_t MasterFieldCount(const uint8_t* lp);
// Offset of the master's first field name.
inline size_t MasterFields(const uint8_t* lp) {
  return listpack::Next(lp, listpack::Next(lp, listpack::Next(lp, listpack::First(lp))));
}

// An entry as read from its node.
struct Entry {
  size_t at = 0;  // Its flags element; 0: no entry.
  int64_t flags = 0;
  StreamId id;
  size_t num_fields = 0;
  size_t data = 0;  // The first value (kSameFields) or the first field.
  bool deleted() const { return (flags & kDeleted) != 0; }
  bool same_fields() const { return (flags & kSameFields) != 0; }
};

// Offsets of the first and last entries (deleted or not); 0 if none.
size_t FirstEntry(const uint8_t* lp);
size_t LastEntry(const uint8_t* lp);
Entry ReadEntry(const uint8_t* lp, size_t at, StreamId master);
// The entry after `e` (as ReadEntry read it: its own elements are skipped
// from e.data, nothing is read twice); 0 at the end.
size_t NextEntry(const uint8_t* lp, const Entry& e);
// The entry before the one at `at` (or before the end); 0 at the start.
size_t PrevEntry(const uint8_t* lp, size_t at);

// fn(field, value) for each pair of `entry`, in order.
template <typename Fn>
void ForEachField(const uint8_t* lp, const Entry& entry, Fn&& fn) {
  char fbuf[listpack::kIntBufferSize], vbuf[listpack::kIntBufferSize];
  size_t value = entry.data;
  size_t field = entry.same_fields() ? MasterFields(lp) : 0;
  for (size_t i = 0; i < entry.num_fields; ++i) {
    if (entry.same_fields()) {
      fn(listpack::Get(lp, field, fbuf), listpack::Get(lp, value, vbuf));
      field = listpack::Next(lp, field);
      value = listpack::Next(lp, value);
    } else {
      const size_t v = listpack::Next(lp, value);
      fn(listpack::Get(lp, value, fbuf), listpack::Get(lp, v, vbuf));
      value = listpack::Next(lp, v);
    }
  }
}

// Marks the live entry at `at` deleted and updates the counts. Offsets of
// entries move by Bytes(new) - Bytes(old).
uint8_t* MarkDeleted(uint8_t* lp, size_t at);

}  // namespace respd::store::stream_node

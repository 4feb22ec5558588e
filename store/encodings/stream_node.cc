#include "store/encodings/stream_node.h"

#include <array>
#include <vector>

#include "base/numbers.h"

namespace respd::store::stream_node {
namespace {

int64_t IntAt(const uint8_t* lp, size_t at) {
  int64_t v = 0;
  listpack::GetInt(lp, at, &v);
  return v;
}

// Formats integers for listpack::Insert (which stores canonical integers
// as integers): a fixed set of buffers, one per element of an entry.
class IntTexts {
 public:
  std::string_view Add(int64_t v) {
    auto& buf = bufs_[used_++];
    return {buf.data(), base::FormatInt64(v, buf.data())};
  }

 private:
  std::array<std::array<char, listpack::kIntBufferSize>, 6> bufs_;
  size_t used_ = 0;
};

// Whether `fields` names the master's fields, in the master's order.
bool SameFieldsAsMaster(const uint8_t* lp, std::span<const std::string_view> fields) {
  const size_t n = fields.size() / 2;
  if (n != MasterFieldCount(lp)) return false;
  char buf[listpack::kIntBufferSize];
  size_t at = MasterFields(lp);
  for (size_t i = 0; i < n; ++i) {
    if (listpack::Get(lp, at, buf) != fields[2 * i]) return false;
    at = listpack::Next(lp, at);
  }
  return true;
}

// The elements of an entry (after the master, or the master itself), to be
// inserted in one write.
uint8_t* AppendEntry(uint8_t* lp, StreamId master, StreamId id,
                     std::span<const std::string_view> fields, bool same_fields) {
  const size_t n = fields.size() / 2;
  IntTexts ints;
  std::vector<std::string_view> elements;
  elements.reserve(same_fields ? n + 4 : 2 * n + 5);
  elements.push_back(ints.Add(same_fields ? kSameFields : 0));
  // The differences are stored as int64s and read back modulo 2^64, so a
  // sequence below the master's (a later millisecond) round-trips.
  elements.push_back(ints.Add(static_cast<int64_t>(id.ms - master.ms)));
  elements.push_back(ints.Add(static_cast<int64_t>(id.seq - master.seq)));
  if (same_fields) {
    for (size_t i = 0; i < n; ++i) elements.push_back(fields[2 * i + 1]);
    elements.push_back(ints.Add(static_cast<int64_t>(n + 3)));
  } else {
    elements.push_back(ints.Add(static_cast<int64_t>(n)));
    elements.insert(elements.end(), fields.begin(), fields.end());
    elements.push_back(ints.Add(static_cast<int64_t>(2 * n + 4)));
  }
  return listpack::Append(lp, elements);
}

uint8_t* ReplaceInt(uint8_t* lp, size_t at, int64_t v) {
  char buf[listpack::kIntBufferSize];
  return listpack::Replace(lp, at, {buf, base::FormatInt64(v, buf)});
}

}  // namespace

uint8_t* Create(StreamId id, std::span<const std::string_view> fields) {
  const size_t n = fields.size() / 2;
  IntTexts ints;
  std::vector<std::string_view> master;
  master.reserve(n + 4);
  master.push_back(ints.Add(1));
  master.push_back(ints.Add(0));
  master.push_back(ints.Add(static_cast<int64_t>(n)));
  for (size_t i = 0; i < n; ++i) master.push_back(fields[2 * i]);
  master.push_back(ints.Add(0));  // The master entry's terminator.
  uint8_t* lp = listpack::Append(listpack::New(), master);
  return AppendEntry(lp, id, id, fields, /*same_fields=*/true);
}

uint8_t* Append(uint8_t* lp, StreamId master, StreamId id,
                std::span<const std::string_view> fields) {
  const bool same = SameFieldsAsMaster(lp, fields);
  lp = AppendEntry(lp, master, id, fields, same);
  return ReplaceInt(lp, listpack::First(lp), LiveCount(lp) + 1);
}

int64_t LiveCount(const uint8_t* lp) { return IntAt(lp, listpack::First(lp)); }
int64_t DeletedCount(const uint8_t* lp) {
  return IntAt(lp, listpack::Next(lp, listpack::First(lp)));
}
size_t MasterFieldCount(const uint8_t* lp) {
  return static_cast<size_t>(
      IntAt(lp, listpack::Next(lp, listpack::Next(lp, listpack::First(lp)))));
}

size_t FirstEntry(const uint8_t* lp) {
  size_t at = MasterFields(lp);
  for (size_t i = MasterFieldCount(lp); i > 0; --i) at = listpack::Next(lp, at);
  return listpack::Next(lp, at);  // Past the terminator.
}

size_t LastEntry(const uint8_t* lp) { return PrevEntry(lp, listpack::EndOffset(lp)); }

size_t NextEntry(const uint8_t* lp, const Entry& e) {
  // The values (or field-value pairs), then lp-count.
  size_t skip = (e.same_fields() ? e.num_fields : 2 * e.num_fields) + 1;
  size_t at = e.data;
  for (; skip > 0 && at != 0; --skip) at = listpack::Next(lp, at);
  return at;
}

size_t PrevEntry(const uint8_t* lp, size_t at) {
  // `at` is an entry (or the end); the element before it is the previous
  // entry's lp-count, or the master's terminator.
  const size_t lp_count_at = listpack::Prev(lp, at);
  const int64_t lp_count = IntAt(lp, lp_count_at);
  if (lp_count == 0) return 0;  // The master terminator: no entry before.
  size_t prev = lp_count_at;
  for (int64_t i = 0; i < lp_count; ++i) prev = listpack::Prev(lp, prev);
  return prev;
}

Entry ReadEntry(const uint8_t* lp, size_t at, StreamId master) {
  Entry e;
  e.at = at;
  e.flags = IntAt(lp, at);
  size_t p = listpack::Next(lp, at);
  e.id.ms = master.ms + static_cast<uint64_t>(IntAt(lp, p));
  p = listpack::Next(lp, p);
  e.id.seq = master.seq + static_cast<uint64_t>(IntAt(lp, p));
  p = listpack::Next(lp, p);
  if (e.same_fields()) {
    e.num_fields = MasterFieldCount(lp);
  } else {
    e.num_fields = static_cast<size_t>(IntAt(lp, p));
    p = listpack::Next(lp, p);
  }
  e.data = p;
  return e;
}

uint8_t* MarkDeleted(uint8_t* lp, size_t at) {
  // The flags first (a small integer either way: the same size, so `at`
  // stays right), then the counts before every entry.
  lp = ReplaceInt(lp, at, IntAt(lp, at) | kDeleted);
  const int64_t live = LiveCount(lp), deleted = DeletedCount(lp);
  lp = ReplaceInt(lp, listpack::First(lp), live - 1);
  return ReplaceInt(lp, listpack::Next(lp, listpack::First(lp)), deleted + 1);
}

}  // namespace respd::store::stream_node

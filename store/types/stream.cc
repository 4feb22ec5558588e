#include "store/types/stream.h"

#include <algorithm>
#include <array>
#include <vector>

#include "store/encodings/listpack.h"
#include "store/value_type.h"

namespace respd::store {
namespace {

// A red-black tree node: three links and a colour, before its value.
constexpr size_t kTreeNode = 4 * sizeof(void*);

// ---------------------------------------------------------------------------
// The value dispatch row.

std::string_view StreamEncodingName(const KeyEntry&) { return "stream"; }
int StreamRefcount(const KeyEntry&) { return 1; }
size_t StreamObjectMemory(const KeyEntry& e) { return StreamOf(e).MemoryUsage(); }
void* CopyStreamObject(const KeyEntry& e) { return StreamOf(e).Copy(); }

// Redis's lazyfreeGetFreeEffort for a stream: its nodes, and the pending
// entries of its groups.
size_t StreamFreeEffort(const KeyEntry& e) {
  const Stream& s = StreamOf(e);
  size_t effort = s.node_count() + 1;
  for (const auto& [name, group] : s.groups()) effort += group->pel.size() + 1;
  return effort;
}

bool FreeStreamObject(KeyEntry& e, size_t* budget) {
  Stream& s = MutableStreamOf(e);
  if (!s.FreeSome(budget)) return false;
  delete &s;
  return true;
}

// Erases up to *budget elements of `m` from the front, `free_value` first
// for each; true once `m` is empty.
template <typename Map, typename FreeValue>
bool EraseSome(Map& m, size_t* budget, FreeValue&& free_value) {
  while (*budget > 0 && !m.empty()) {
    free_value(m.begin()->second);
    m.erase(m.begin());
    --*budget;
  }
  return m.empty();
}

// Rax nodes for the sorted 16-byte keys [lo, hi), all sharing their first
// `depth` bytes, from the node that starts there: a compressed node for a
// run the keys share, a branching node where they part, a leaf at the end.
size_t RaxNodes(const std::vector<std::array<uint8_t, StreamId::kEncodedSize>>& keys, size_t lo,
                size_t hi, size_t depth) {
  if (depth == StreamId::kEncodedSize) return 1;  // The leaf a key ends in.
  size_t shared = depth;
  while (shared < StreamId::kEncodedSize && keys[lo][shared] == keys[hi - 1][shared]) ++shared;
  if (shared > depth) return 1 + RaxNodes(keys, lo, hi, shared);
  size_t nodes = 1;
  for (size_t i = lo; i < hi;) {
    size_t j = i + 1;
    while (j < hi && keys[j][depth] == keys[i][depth]) ++j;
    nodes += RaxNodes(keys, i, j, depth + 1);
    i = j;
  }
  return nodes;
}

}  // namespace

const ValueOps kStreamValueOps = {
    .type_name = "stream",
    .encoding_name = &StreamEncodingName,
    .refcount = &StreamRefcount,
    .object_memory = &StreamObjectMemory,
    .copy_object = &CopyStreamObject,
    .free_effort = &StreamFreeEffort,
    .free_some = &FreeStreamObject,
};

Stream::~Stream() {
  for (auto& [id, lp] : nodes_) listpack::Free(lp);
}

bool Stream::FreeSome(size_t* budget) {
  // Groups first (consumers' PELs only point into the group's), then nodes.
  while (!groups_.empty()) {
    StreamGroup& g = *groups_.begin()->second;
    while (!g.consumers.empty()) {
      if (!EraseSome(g.consumers.begin()->second->pel, budget, [](auto&) {})) return false;
      g.consumers.erase(g.consumers.begin());
    }
    if (!EraseSome(g.pel, budget, [](auto&) {})) return false;
    if (*budget == 0) return false;
    groups_.erase(groups_.begin());
    --*budget;
  }
  rax_nodes_ = 0;
  return EraseSome(nodes_, budget, [](uint8_t* lp) { listpack::Free(lp); });
}

size_t Stream::RaxNodeCount() const {
  if (nodes_.empty()) return 1;  // The empty root.
  if (rax_nodes_ != 0) return rax_nodes_;
  std::vector<std::array<uint8_t, StreamId::kEncodedSize>> keys(nodes_.size());
  size_t i = 0;
  for (const auto& [id, lp] : nodes_) id.Encode(keys[i++].data());
  rax_nodes_ = RaxNodes(keys, 0, keys.size(), 0);
  return rax_nodes_;
}

bool Stream::Append(StreamId id, std::span<const std::string_view> fields,
                    const TypeLimits& limits) {
  size_t bytes = 0;
  for (std::string_view f : fields) bytes += f.size();
  if (!listpack::SafeToAdd(nullptr, bytes)) return false;

  auto last = nodes_.empty() ? nodes_.end() : std::prev(nodes_.end());
  if (last != nodes_.end()) {
    // Redis's rule: a node is full once it reaches its byte budget (with the
    // new elements) or holds stream-node-max-entries entries, deleted ones
    // included. No budget, or one past the listpack limit, means the limit.
    size_t max_bytes = limits.stream_node_max_bytes <= 0
                           ? listpack::kMaxSafeBytes
                           : static_cast<size_t>(limits.stream_node_max_bytes);
    if (max_bytes > listpack::kMaxSafeBytes) max_bytes = listpack::kMaxSafeBytes;
    const uint8_t* lp = last->second;
    if (listpack::Bytes(lp) + bytes >= max_bytes ||
        (limits.stream_node_max_entries > 0 &&
         stream_node::LiveCount(lp) + stream_node::DeletedCount(lp) >=
             limits.stream_node_max_entries)) {
      last = nodes_.end();
    }
  }
  if (last == nodes_.end()) {
    nodes_.emplace_hint(nodes_.end(), id, stream_node::Create(id, fields));
    rax_nodes_ = 0;
  } else {
    last->second = stream_node::Append(last->second, last->first, id, fields);
  }
  ++length_;
  ++entries_added_;
  last_id_ = id;
  if (length_ == 1) first_id_ = id;
  return true;
}

Stream::Nodes::const_iterator Stream::NodeFor(StreamId id) const {
  auto it = nodes_.upper_bound(id);
  return it == nodes_.begin() ? nodes_.end() : std::prev(it);
}

size_t Stream::CountRange(StreamId start, StreamId end, size_t limit) const {
  size_t n = 0;
  if (start > end) return 0;
  auto node = NodeFor(start);
  if (node == nodes_.end()) node = nodes_.begin();
  for (; node != nodes_.end() && node->first <= end; ++node) {
    if (limit != 0 && n >= limit) break;
    // A node's IDs run from its master to before the next node's master
    // (the last node's, to the last ID): a node inside the range counts
    // its live entries without being read.
    const auto next = std::next(node);
    StreamId node_last = last_id_;
    if (next != nodes_.end()) {
      node_last = next->first;
      node_last.Decrement();
    }
    const auto live = static_cast<size_t>(stream_node::LiveCount(node->second));
    if (node->first >= start && node_last <= end) {
      n += live;
      continue;
    }
    if (node_last <= end) {
      // Only the start is inside the node: its live entries but those
      // before the start, which come first.
      size_t below = 0;
      for (size_t at = stream_node::FirstEntry(node->second); at != 0;) {
        const stream_node::Entry e = stream_node::ReadEntry(node->second, at, node->first);
        if (e.id >= start) break;
        below += !e.deleted();
        at = stream_node::NextEntry(node->second, e);
      }
      n += live - below;
      continue;
    }
    for (size_t at = stream_node::FirstEntry(node->second); at != 0;) {
      const stream_node::Entry e = stream_node::ReadEntry(node->second, at, node->first);
      if (e.id > end) break;
      if (!e.deleted() && e.id >= start) ++n;
      at = stream_node::NextEntry(node->second, e);
    }
  }
  return limit != 0 && n > limit ? limit : n;
}

bool Stream::Contains(StreamId id) const {
  StreamIterator it(*this, id, id, false);
  return it.Next();
}

bool Stream::Delete(StreamId id) {
  auto found = NodeFor(id);
  if (found == nodes_.end()) return false;
  auto node = nodes_.erase(found, found);  // The same node, mutable.
  uint8_t* lp = node->second;
  size_t at = stream_node::FirstEntry(lp);
  for (; at != 0;) {
    const stream_node::Entry e = stream_node::ReadEntry(lp, at, node->first);
    if (e.id > id) return false;
    if (e.id == id) {
      if (e.deleted()) return false;
      break;
    }
    at = stream_node::NextEntry(lp, e);
  }
  if (at == 0) return false;
  if (stream_node::LiveCount(lp) == 1) {
    listpack::Free(lp);
    nodes_.erase(node);
    rax_nodes_ = 0;
  } else {
    node->second = stream_node::MarkDeleted(lp, at);
  }
  --length_;
  if (id > max_deleted_entry_id_) max_deleted_entry_id_ = id;
  if (length_ == 0) {
    first_id_ = StreamId{};
  } else if (id == first_id_) {
    first_id_ = *FirstLiveId();
  }
  return true;
}

int64_t Stream::Trim(const StreamTrimSpec& spec) {
  using Strategy = StreamTrimSpec::Strategy;
  if (spec.strategy == Strategy::kNone) return 0;
  const bool by_len = spec.strategy == Strategy::kMaxLen;
  const auto maxlen = static_cast<uint64_t>(spec.maxlen);
  int64_t deleted = 0;
  for (auto node = nodes_.begin(); node != nodes_.end();) {
    if (by_len && length_ <= maxlen) break;
    uint8_t* lp = node->second;
    const int64_t entries = stream_node::LiveCount(lp);
    // The work budget: a node is removed whole or not at all.
    if (spec.limit != 0 && deleted + entries > spec.limit) break;
    bool remove_node;
    if (by_len) {
      remove_node = length_ - static_cast<uint64_t>(entries) >= maxlen;
    } else {
      // Its last entry, deleted or not, is below MINID.
      const size_t last = stream_node::LastEntry(lp);
      remove_node = stream_node::ReadEntry(lp, last, node->first).id < spec.minid;
    }
    if (remove_node) {
      listpack::Free(lp);
      node = nodes_.erase(node);
      rax_nodes_ = 0;
      length_ -= static_cast<uint64_t>(entries);
      deleted += entries;
      continue;
    }
    if (spec.approx) break;  // Only whole nodes.
    // Exact: mark entries of this node until the stream is short enough.
    for (size_t at = stream_node::FirstEntry(lp); at != 0;) {
      const stream_node::Entry e = stream_node::ReadEntry(lp, at, node->first);
      if (by_len ? length_ <= maxlen : e.id >= spec.minid) break;
      size_t next = stream_node::NextEntry(lp, e);
      if (!e.deleted()) {
        const size_t before = listpack::Bytes(lp);
        lp = stream_node::MarkDeleted(lp, at);
        if (next != 0) next = next + listpack::Bytes(lp) - before;
        --length_;
        ++deleted;
      }
      at = next;
    }
    node->second = lp;
    break;  // The rest of the stream is at or past the target.
  }
  if (deleted != 0) first_id_ = length_ == 0 ? StreamId{} : *FirstLiveId();
  return deleted;
}

std::optional<StreamId> Stream::FirstLiveId() const {
  StreamIterator it(*this, StreamId::Min(), StreamId::Max(), false);
  if (!it.Next()) return std::nullopt;
  return it.id();
}

std::optional<StreamId> Stream::LastLiveId() const {
  StreamIterator it(*this, StreamId::Min(), StreamId::Max(), true);
  if (!it.Next()) return std::nullopt;
  return it.id();
}

bool Stream::RangeHasTombstones(StreamId start, StreamId end) const {
  if (length_ == 0 || max_deleted_entry_id_ == StreamId{}) return false;
  if (first_id_ > max_deleted_entry_id_) return false;  // All before the first entry.
  return start <= max_deleted_entry_id_ && max_deleted_entry_id_ <= end;
}

int64_t Stream::EstimateEntriesRead(StreamId id) const {
  // A stream nothing was ever added to: every ID is at the start.
  if (entries_added_ == 0) return 0;
  const auto added = static_cast<int64_t>(entries_added_);
  // Everything was deleted: any ID not past the last is at the end.
  if (length_ == 0 && id <= last_id_) return added;
  if (id == last_id_) return added;
  if (id > last_id_) return kInvalidEntriesRead;  // The future.
  if (max_deleted_entry_id_ == StreamId{} || max_deleted_entry_id_ < first_id_) {
    // No tombstone among the entries that remain.
    if (id < first_id_) return added - static_cast<int64_t>(length_);
    if (id == first_id_) return added - static_cast<int64_t>(length_) + 1;
  }
  return kInvalidEntriesRead;
}

std::optional<int64_t> Stream::GroupLag(const StreamGroup& group) const {
  // (Redis 7.0's streamReplyWithCGLag: a group past the end has a
  // negative lag, an empty stream no shortcut.)
  if (entries_added_ == 0) return 0;
  const auto added = static_cast<int64_t>(entries_added_);
  if (group.entries_read != kInvalidEntriesRead &&
      !RangeHasTombstones(group.last_id, StreamId::Max())) {
    return added - group.entries_read;
  }
  const int64_t read = EstimateEntriesRead(group.last_id);
  if (read == kInvalidEntriesRead) return std::nullopt;
  return added - read;
}

StreamGroup* Stream::FindGroup(std::string_view name) const {
  auto it = groups_.find(name);
  return it == groups_.end() ? nullptr : it->second.get();
}

StreamGroup* Stream::CreateGroup(std::string_view name, StreamId last_id, int64_t entries_read) {
  auto [it, inserted] = groups_.try_emplace(std::string(name));
  if (!inserted) return nullptr;
  it->second = std::make_unique<StreamGroup>();
  it->second->last_id = last_id;
  it->second->entries_read = entries_read;
  return it->second.get();
}

bool Stream::DestroyGroup(std::string_view name) {
  auto it = groups_.find(name);
  if (it == groups_.end()) return false;
  groups_.erase(it);
  return true;
}

size_t Stream::MemoryUsage() const {
  size_t bytes = sizeof(Stream);
  for (const auto& [id, lp] : nodes_) {
    bytes += kTreeNode + sizeof(StreamId) + sizeof(void*) + listpack::AllocationSize(lp);
  }
  for (const auto& [name, group] : groups_) {
    bytes += kTreeNode + sizeof(std::string) + name.capacity() + group->MemoryUsage();
  }
  return bytes;
}

Stream* Stream::Copy() const {
  auto* copy = new Stream;
  for (const auto& [id, lp] : nodes_) {
    copy->nodes_.emplace_hint(copy->nodes_.end(), id, listpack::Copy(lp));
  }
  copy->length_ = length_;
  copy->last_id_ = last_id_;
  copy->first_id_ = first_id_;
  copy->max_deleted_entry_id_ = max_deleted_entry_id_;
  copy->entries_added_ = entries_added_;
  for (const auto& [name, group] : groups_) copy->groups_.emplace(name, group->Copy());
  return copy;
}

// ---------------------------------------------------------------------------

StreamIterator::StreamIterator(const Stream& s, StreamId start, StreamId end, bool reverse)
    : s_(&s), start_(start), end_(end), reverse_(reverse), node_(s.nodes_.end()) {}

bool StreamIterator::EnterNode() {
  const auto& nodes = s_->nodes_;
  if (!started_) {
    started_ = true;
    if (!reverse_) {
      // The node that may hold `start`, else the first.
      node_ = s_->NodeFor(start_);
      if (node_ == nodes.end()) node_ = nodes.begin();
    } else {
      node_ = s_->NodeFor(end_);  // Nodes after it hold only IDs past `end`.
    }
  } else if (!reverse_) {
    ++node_;
  } else {
    node_ = node_ == nodes.begin() ? nodes.end() : std::prev(node_);
  }
  if (node_ == nodes.end()) return false;
  at_ = reverse_ ? stream_node::LastEntry(node_->second) : stream_node::FirstEntry(node_->second);
  return true;
}

bool StreamIterator::Next() {
  if (done_) return false;
  for (;;) {
    if (at_ != 0) {
      at_ = reverse_ ? stream_node::PrevEntry(node_->second, at_)
                     : stream_node::NextEntry(node_->second, entry_);
    }
    if (at_ == 0 && !EnterNode()) {
      done_ = true;
      return false;
    }
    entry_ = stream_node::ReadEntry(node_->second, at_, node_->first);
    if (entry_.deleted()) continue;
    const bool before = reverse_ ? entry_.id > end_ : entry_.id < start_;
    if (before) continue;
    const bool past = reverse_ ? entry_.id < start_ : entry_.id > end_;
    if (past) {
      done_ = true;
      return false;
    }
    return true;
  }
}

// ---------------------------------------------------------------------------

OpResult<KeyEntry*> FindStream(Database& db, std::string_view key) {
  KeyEntry* e = db.FindForRead(key);
  if (e == nullptr) return OpStatus::kKeyNotFound;
  if (e->type() != ValueType::kStream) return OpStatus::kWrongType;
  return e;
}

OpResult<KeyEntry*> FindStreamForWrite(Database& db, std::string_view key) {
  KeyEntry* e = db.Find(key);
  if (e == nullptr) return OpStatus::kKeyNotFound;
  if (e->type() != ValueType::kStream) return OpStatus::kWrongType;
  return e;
}

KeyEntry* CreateStream(Database& db, std::string_view key) {
  Database::WriteSlot slot = db.FindForWrite(key);
  KeyEntry* e = KeyEntry::CreateWithObject(key, new Stream, KeyEntry::kNoExpire, ValueType::kStream,
                                           kStreamListpacks);
  return db.Commit(slot, e);
}

}  // namespace respd::store

// Streams: Redis's t_stream.c data structure without the protocol. The
// stream families (server/commands/stream_*_family.cc) parse, reply and
// emit "xadd", "xtrim", "xdel", … ; this layer keeps the entries and the
// counters Redis 7.0 reports (entries-added, max-deleted-entry-id,
// recorded-first-entry-id) and the consumer groups (stream_group.h).
//
// The entries live in nodes (store/encodings/stream_node.h): listpacks in
// Redis's layout, each holding a run of consecutive IDs, indexed by master
// ID in an ordered map (Redis uses a radix tree of the 16-byte big-endian
// IDs; the order is the same). A new node starts when the last one reaches
// stream-node-max-bytes or stream-node-max-entries (counting deleted
// entries). XDEL marks entries deleted and frees a node with its last live
// entry; trimming drops whole nodes from the head and, when exact, marks
// entries of the first remaining one.
//
// OBJECT ENCODING says "stream".
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "store/database.h"
#include "store/encodings/stream_id.h"
#include "store/encodings/stream_node.h"
#include "store/key_entry.h"
#include "store/op_result.h"
#include "store/type_limits.h"
#include "store/types/stream_group.h"
#include "store/value.h"

namespace respd::store {

extern const ValueOps kStreamValueOps;

// How XADD / XTRIM trim (streamAddTrimArgs without the parsing).
struct StreamTrimSpec {
  enum class Strategy : uint8_t { kNone, kMaxLen, kMinId };
  Strategy strategy = Strategy::kNone;
  bool approx = false;  // `~`: only whole nodes.
  int64_t limit = 0;    // Entries removed at most (0: no limit).
  int64_t maxlen = 0;
  StreamId minid;
};

class Stream {
 public:
  Stream() = default;
  ~Stream();
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  uint64_t length() const { return length_; }
  StreamId last_id() const { return last_id_; }
  StreamId first_id() const { return first_id_; }
  StreamId max_deleted_entry_id() const { return max_deleted_entry_id_; }
  uint64_t entries_added() const { return entries_added_; }
  size_t node_count() const { return nodes_.size(); }
  // The nodes of Redis's radix tree for the same keys (XINFO's
  // radix-tree-nodes), counted as rax lays them out: one per compressed
  // run or branching point, plus the leaves.
  size_t RaxNodeCount() const;

  // Appends `id` (greater than last_id()) with `fields` (field, value, …).
  // False, and nothing added, when the elements are too large to be stored.
  bool Append(StreamId id, std::span<const std::string_view> fields, const TypeLimits& limits);
  // Marks `id` deleted (XDEL's bookkeeping: max deleted ID, first ID);
  // false if it is not a live entry.
  bool Delete(StreamId id);
  // Whether `id` is a live entry.
  bool Contains(StreamId id) const;
  // How many live entries have start <= ID <= end, at most `limit` (0: no
  // limit); nodes wholly inside the range are counted without being read.
  size_t CountRange(StreamId start, StreamId end, size_t limit) const;
  // Trims as `spec` says; the entries removed.
  int64_t Trim(const StreamTrimSpec& spec);
  // XSETID's assignments (checked by the caller).
  void SetLastId(StreamId id) { last_id_ = id; }
  void SetEntriesAdded(uint64_t n) { entries_added_ = n; }
  void SetMaxDeletedEntryId(StreamId id) { max_deleted_entry_id_ = id; }

  // The first / last live entry's ID; nullopt when empty.
  std::optional<StreamId> FirstLiveId() const;
  std::optional<StreamId> LastLiveId() const;

  // Consumer-group progress, as Redis 7.0 computes it.
  bool RangeHasTombstones(StreamId start, StreamId end) const;
  // streamEstimateDistanceFromFirstEverEntry: the entries_read counter of
  // `id`, or kInvalidEntriesRead when it cannot be known.
  int64_t EstimateEntriesRead(StreamId id) const;
  // The group's lag, or nullopt when it cannot be known (a null reply).
  std::optional<int64_t> GroupLag(const StreamGroup& group) const;

  // The groups by name, in byte order (XINFO GROUPS' order).
  using Groups = std::map<std::string, std::unique_ptr<StreamGroup>, std::less<>>;
  const Groups& groups() const { return groups_; }
  StreamGroup* FindGroup(std::string_view name) const;
  // Null if a group of that name exists.
  StreamGroup* CreateGroup(std::string_view name, StreamId last_id, int64_t entries_read);
  bool DestroyGroup(std::string_view name);

  size_t MemoryUsage() const;
  Stream* Copy() const;
  // The lazy reclaimer's step: frees up to *budget groups, pending entries
  // and nodes, lowering *budget; true once nothing is left but the object.
  // The stream is only fit for deletion after the first call.
  bool FreeSome(size_t* budget);

 private:
  friend class StreamIterator;
  using Nodes = std::map<StreamId, uint8_t*>;
  // The node that holds `id` if any entry does: the last with master <= id.
  Nodes::const_iterator NodeFor(StreamId id) const;

  Nodes nodes_;
  // RaxNodeCount's answer, 0 until asked again after the nodes change (it
  // walks every node's key: XINFO STREAM in a loop stays O(1)).
  mutable size_t rax_nodes_ = 0;
  uint64_t length_ = 0;
  StreamId last_id_;
  StreamId first_id_;
  StreamId max_deleted_entry_id_;
  uint64_t entries_added_ = 0;
  Groups groups_;
};

// Live entries with start <= ID <= end, oldest first (newest first when
// `reverse`). The stream must not change while iterating.
class StreamIterator {
 public:
  StreamIterator(const Stream& s, StreamId start, StreamId end, bool reverse);
  // Moves to the next entry in range; false when there is none.
  bool Next();
  StreamId id() const { return entry_.id; }
  size_t num_fields() const { return entry_.num_fields; }
  // fn(field, value) for the current entry.
  template <typename Fn>
  void ForEachField(Fn&& fn) const {
    stream_node::ForEachField(node_->second, entry_, fn);
  }

 private:
  bool EnterNode();

  const Stream* s_;
  StreamId start_, end_;
  bool reverse_;
  bool started_ = false;
  bool done_ = false;
  Stream::Nodes::const_iterator node_;
  size_t at_ = 0;
  stream_node::Entry entry_;
};

OpResult<KeyEntry*> FindStream(Database& db, std::string_view key);
OpResult<KeyEntry*> FindStreamForWrite(Database& db, std::string_view key);
inline const Stream& StreamOf(const KeyEntry& e) { return *static_cast<const Stream*>(e.object()); }
inline Stream& MutableStreamOf(const KeyEntry& e) { return *static_cast<Stream*>(e.object()); }
// A new empty stream at `key` (absent): emits "new" as the key appears.
KeyEntry* CreateStream(Database& db, std::string_view key);

}  // namespace respd::store

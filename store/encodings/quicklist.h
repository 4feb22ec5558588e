// Quicklist: Redis 7.0's list encoding, a doubly linked list of nodes that
// each hold a listpack of elements, so both ends are O(1) and memory stays
// close to a listpack's while no write ever moves more than one node.
//
// How full a node may get is the list's fill (list-max-listpack-size, fixed
// at creation as Redis does): -1…-5 cap a node's listpack at 4, 8, 16, 32
// or 64 KiB; a positive fill caps its element count, and then 8 KiB caps its
// bytes too (Redis's SIZE_SAFETY_LIMIT). An element of `packed_threshold`
// bytes or more (1 GiB; DEBUG QUICKLIST-PACKED-THRESHOLD lowers it) gets a
// node of its own holding just its bytes: a "plain" node.
//
// With compress depth N > 0 (list-compress-depth), every node but the N at
// each end is kept LZF-compressed (unless it is under 48 bytes or does not
// shrink by 8), as Redis does; reads of an inner node decompress it into a
// scratch buffer, writes decompress it in place and compress it again.
//
// Element views handed to callbacks are valid during the callback only.
// Indexes are 0-based from the head; negative ones count from the tail.
// Knows nothing of keys or commands: the list type (store/types/list.*) does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace respd::store {

class Quicklist {
 public:
  enum class End : uint8_t { kHead, kTail };

  // Redis clamps a fill to [-5, 32767] and a depth to [0, 65535].
  static constexpr int kMinFill = -5;
  static constexpr int kMaxFill = 32767;
  static constexpr size_t kDefaultPackedThreshold = size_t{1} << 30;

  Quicklist(int fill, int compress_depth, size_t packed_threshold = kDefaultPackedThreshold);
  ~Quicklist();
  Quicklist(const Quicklist&) = delete;
  Quicklist& operator=(const Quicklist&) = delete;
  // A deep copy with the same options and node layout (COPY).
  Quicklist* Copy() const;

  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  size_t node_count() const { return nodes_; }
  int fill() const { return fill_; }
  int compress_depth() const { return compress_; }
  // Heap bytes held: nodes and their (possibly compressed) data.
  size_t MemoryUsage() const;

  // Frees nodes from the head, up to *budget of them (lowering it); true
  // once none is left. For the lazy reclaimer: the list is then empty.
  bool FreeSome(size_t* budget);

  // What DEBUG OBJECT shows of a quicklist.
  struct Stats {
    size_t nodes = 0;
    size_t compressed_nodes = 0;
    size_t uncompressed_bytes = 0;  // Every node's data as if none were compressed.
    size_t max_listpack_bytes = 0;
  };
  Stats GetStats() const;

  // --- Both ends ------------------------------------------------------------
  void Push(End end, std::string_view element);
  // Calls fn(element) with the element at `end`, then removes it. False if
  // the list is empty.
  bool Pop(End end, const std::function<void(std::string_view)>& fn);
  // Pop into a string.
  bool Pop(End end, std::string* out) {
    return Pop(end, [out](std::string_view e) { out->assign(e); });
  }

  // --- By index ---------------------------------------------------------------
  // fn(element) for the element at `index`; false if out of range.
  bool Get(int64_t index, const std::function<void(std::string_view)>& fn) const;
  // Replaces the element at `index`; false if out of range.
  bool Replace(int64_t index, std::string_view element);
  // Deletes `count` elements from `start` (a valid index) toward the tail,
  // fewer if the list ends first. Returns how many went.
  size_t DeleteRange(int64_t start, size_t count);

  // fn(element) for up to `count` elements from `start` (a valid index)
  // toward the tail, or toward the head when `reverse`, while fn returns true.
  void ForRange(int64_t start, size_t count, bool reverse,
                const std::function<bool(std::string_view)>& fn) const;
  void ForEach(const std::function<bool(std::string_view)>& fn) const {
    if (count_ > 0) ForRange(0, count_, false, fn);
  }

  // --- By value ---------------------------------------------------------------
  // fn(index) for each element equal to `element`, from the head (or the
  // tail when `reverse`), looking at no more than `maxlen` elements (0: all),
  // while fn returns true. Indexes are from the head either way.
  void FindAll(std::string_view element, bool reverse, size_t maxlen,
               const std::function<bool(size_t)>& fn) const;
  // LINSERT: inserts `element` before (or `after`) the first element equal
  // to `pivot`; false if there is none.
  bool InsertAtPivot(std::string_view pivot, std::string_view element, bool after);
  // LREM: removes up to `limit` elements equal to `element` (0: all), from
  // the head, or from the tail when `reverse`. Returns how many went.
  size_t RemoveMatching(std::string_view element, size_t limit, bool reverse);

 private:
  struct Node;
  class NodeView;

  Node* NewNode() const;
  void FreeNode(Node* n) const;
  // The node holding element `index` (from the head, in range) and its
  // offset in it, walking from the nearer end.
  Node* Locate(size_t index, size_t* offset_in_node) const;

  bool AllowInsert(const Node* n, size_t element_size) const;
  bool AllowMerge(const Node* a, const Node* b) const;
  bool IsLarge(size_t element_size) const { return element_size >= packed_threshold_; }

  void LinkAfter(Node* at, Node* n);   // at == nullptr: as the new head.
  void LinkBefore(Node* at, Node* n);  // at == nullptr: as the new tail.
  void Unlink(Node* n);
  // Inserts `element` at position `offset` of node `n` (offset == n's
  // count: after its last element), splitting or spilling into a neighbour
  // as Redis's _quicklistInsert does when `n` is full; `after` says the
  // element goes after a pivot (where a split puts it).
  void InsertAt(Node* n, size_t offset, std::string_view element, bool after = false);
  // Deletes `count` elements of `n` from `offset`; frees and unlinks the
  // node when it empties. Returns the node that now follows the deleted
  // run (n itself, its next, or nullptr).
  Node* DeleteInNode(Node* n, size_t offset, size_t count);
  // Splits `n` after its first `keep` elements; the rest becomes a new node
  // after it, which is returned.
  Node* Split(Node* n, size_t keep);
  // Merges `b` (n's next) into `a` when their sum fits.
  void MergeIfFits(Node* a);

  // Compression (no-ops at depth 0).
  void Decompress(Node* n);
  void Compress(Node* n);
  bool IsInner(const Node* n) const;
  // Restores the compression invariant after a change: the `compress_`
  // nodes at each end raw, the two next to them (which a change near an end
  // may have pushed inward) and `touched` compressed if they are inner.
  void Settle(Node* touched = nullptr);

  Node* head_ = nullptr;
  Node* tail_ = nullptr;
  size_t count_ = 0;  // Elements.
  size_t nodes_ = 0;
  const int fill_;
  const int compress_;
  const size_t packed_threshold_;
};

}  // namespace respd::store

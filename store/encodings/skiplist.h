// The "skiplist" encoding of a sorted set: Redis's zskiplist (levels with
// spans, so rank is O(log n) both ways) ordered by score, then member bytes,
// together with a member index, as Redis's zset pairs a zskiplist with a
// dict.
//
// One allocation per member: the node holds its score, its links, its
// levels and the member's bytes, and is itself the entry of the member
// index (an intrusive store Dict), so a member costs one node plus one
// bucket pointer — no separate member string, no dict entry.
//
// Node pointers stay valid until their member is deleted (a score update
// re-links the node, it does not move it). Member views are valid as long as
// the node. Ranks are 0-based from the lowest score.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>

#include "base/siphash.h"
#include "store/dict.h"
#include "store/encodings/zset_range.h"

namespace respd::store {

class SkipList {
 public:
  // Redis's ZSKIPLIST_MAXLEVEL and ZSKIPLIST_P.
  static constexpr int kMaxLevel = 32;

  struct Node;

  explicit SkipList(const base::HashSeed& seed);
  ~SkipList();
  SkipList(const SkipList&) = delete;
  SkipList& operator=(const SkipList&) = delete;
  // A deep copy (COPY).
  SkipList* Copy() const;

  size_t size() const { return length_; }
  // Heap bytes: nodes (as the allocator sized them) and the index's table.
  size_t MemoryUsage() const;
  // Frees nodes from the lowest, up to *budget of them (lowering it); true
  // once none is left. For the lazy reclaimer: the list is unusable after a
  // partial call, and only freeing it on is allowed.
  bool FreeSome(size_t* budget);

  static double Score(const Node* n);
  static std::string_view Member(const Node* n);

  // The member's node, or nullptr.
  const Node* Find(std::string_view member) const;
  // Adds a member that is not there yet.
  const Node* Insert(std::string_view member, double score);
  // Gives `n` a new score (re-linking it only if its place changes).
  void UpdateScore(const Node* n, double score);
  // Removes the member; false if it was not there.
  bool Delete(std::string_view member);

  // Walking in order. First/Last are nullptr when empty; Next/Prev past the
  // end too.
  const Node* First() const;
  const Node* Last() const;
  static const Node* Next(const Node* n);
  static const Node* Prev(const Node* n);

  size_t Rank(const Node* n) const;
  // The node at `rank` (< size()).
  const Node* ByRank(size_t rank) const;

  // The first and last nodes in a range, or nullptr.
  const Node* FirstInRange(const ScoreRange& range) const;
  const Node* LastInRange(const ScoreRange& range) const;
  const Node* FirstInRange(const LexRange& range) const;
  const Node* LastInRange(const LexRange& range) const;

  // Deletes what a range holds (ranks inclusive, in range); how many went.
  size_t DeleteRange(const ScoreRange& range);
  size_t DeleteRange(const LexRange& range);
  size_t DeleteRankRange(size_t first, size_t last);

  // A uniformly random member's node (not empty).
  const Node* Random() const;
  // Distinct random nodes (Dict::Sample); fills `out`, returns how many.
  size_t Sample(const Node** out, size_t count) const;
  // One ZSCAN step over the index (SCAN's guarantees); the next cursor.
  uint64_t Scan(uint64_t cursor, const std::function<void(const Node*)>& fn) const;

 private:
  struct Level {
    Node* forward;
    size_t span;
  };
  struct NodeTraits {
    using Entry = Node;
    static std::string_view Key(const Node* n) { return Member(n); }
    static Node*& Next(Node* n);
  };

  static Node* NewNode(int levels, std::string_view member, double score);
  static void FreeNode(Node* n);
  static Level* LevelsOf(Node* n);
  static const Level* LevelsOf(const Node* n);
  static int RandomLevel();

  // Links an unlinked node (its level fixed) at its place.
  void Link(Node* x);
  // Unlinks `x`, given update[] (the last node before it at each level).
  void Unlink(Node* x, Node** update);
  // update[] for `x`'s place: the last node before (score, member) at each
  // level.
  void FindUpdate(double score, std::string_view member, Node** update) const;
  // Deletes the run of nodes from `x` on while in_range(x), given update[].
  size_t DeleteFrom(Node* x, Node** update, const std::function<bool(const Node*)>& in_range);

  Node* header_;
  Node* tail_ = nullptr;
  size_t length_ = 0;
  int level_ = 1;
  size_t node_bytes_ = 0;  // Allocation sizes of the member nodes.
  mutable Dict<NodeTraits> index_;
  const base::HashSeed* seed_;
};

}  // namespace respd::store

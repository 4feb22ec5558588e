#include "store/encodings/skiplist.h"

#include <malloc.h>

#include <cstdlib>
#include <cstring>
#include <new>

#include "base/random.h"

namespace respd::store {

struct SkipList::Node {
  double score;
  Node* backward;
  Node* next_in_index;  // The member index's chain.
  uint32_t member_size;
  uint8_t levels;
  // Level[levels], then the member's bytes.
};

namespace {

// Whether node (score, member) sorts before (score, member): by score, then
// by member bytes.
inline bool Before(double a_score, std::string_view a_member, double b_score,
                   std::string_view b_member) {
  return a_score < b_score || (a_score == b_score && a_member < b_member);
}

}  // namespace

SkipList::Node*& SkipList::NodeTraits::Next(Node* n) { return n->next_in_index; }

SkipList::Level* SkipList::LevelsOf(Node* n) {
  return reinterpret_cast<Level*>(reinterpret_cast<char*>(n) + sizeof(Node));
}
const SkipList::Level* SkipList::LevelsOf(const Node* n) {
  return reinterpret_cast<const Level*>(reinterpret_cast<const char*>(n) + sizeof(Node));
}

double SkipList::Score(const Node* n) { return n->score; }

std::string_view SkipList::Member(const Node* n) {
  return {reinterpret_cast<const char*>(LevelsOf(n) + n->levels), n->member_size};
}

SkipList::Node* SkipList::NewNode(int levels, std::string_view member, double score) {
  const size_t bytes = sizeof(Node) + sizeof(Level) * static_cast<size_t>(levels) + member.size();
  void* p = std::malloc(bytes);
  if (p == nullptr) std::abort();  // Out of memory: nothing sane to do.
  Node* n = new (p) Node{score, nullptr, nullptr, static_cast<uint32_t>(member.size()),
                         static_cast<uint8_t>(levels)};
  Level* lv = LevelsOf(n);
  for (int i = 0; i < levels; ++i) lv[i] = Level{nullptr, 0};
  if (!member.empty()) std::memcpy(lv + levels, member.data(), member.size());
  return n;
}

void SkipList::FreeNode(Node* n) { std::free(n); }

int SkipList::RandomLevel() {
  // Each level with probability 1/4 (ZSKIPLIST_P): two random bits per level.
  int level = 1;
  uint64_t bits = base::RandomU64();
  while ((bits & 3) == 0 && level < kMaxLevel) {
    ++level;
    bits >>= 2;
    if (bits == 0) bits = base::RandomU64();
  }
  return level;
}

SkipList::SkipList(const base::HashSeed& seed)
    : header_(NewNode(kMaxLevel, {}, 0)), index_(seed), seed_(&seed) {}

SkipList::~SkipList() {
  Node* x = LevelsOf(header_)[0].forward;
  while (x != nullptr) {
    Node* next = LevelsOf(x)[0].forward;
    FreeNode(x);
    x = next;
  }
  FreeNode(header_);
}

SkipList* SkipList::Copy() const {
  auto* copy = new SkipList(*seed_);
  // From the end: each insert then lands at the head of what is there.
  for (const Node* n = Last(); n != nullptr; n = Prev(n)) copy->Insert(Member(n), n->score);
  return copy;
}

size_t SkipList::MemoryUsage() const { return node_bytes_ + index_.MemoryUsage(); }

bool SkipList::FreeSome(size_t* budget) {
  Level* head = LevelsOf(header_);
  while (head[0].forward != nullptr && *budget > 0) {
    Node* x = head[0].forward;
    head[0].forward = LevelsOf(x)[0].forward;
    FreeNode(x);
    --*budget;
  }
  return head[0].forward == nullptr;
}

// ---------------------------------------------------------------------------
// Lookups.

const SkipList::Node* SkipList::Find(std::string_view member) const { return index_.Find(member); }

const SkipList::Node* SkipList::First() const { return LevelsOf(header_)[0].forward; }
const SkipList::Node* SkipList::Last() const { return tail_; }
const SkipList::Node* SkipList::Next(const Node* n) { return LevelsOf(n)[0].forward; }
const SkipList::Node* SkipList::Prev(const Node* n) { return n->backward; }

size_t SkipList::Rank(const Node* n) const {
  size_t rank = 0;
  const Node* p = header_;
  const std::string_view member = Member(n);
  for (int i = level_ - 1; i >= 0; --i) {
    for (const Node* f = LevelsOf(p)[i].forward;
         f != nullptr && (f->score < n->score || (f->score == n->score && Member(f) <= member));
         f = LevelsOf(p)[i].forward) {
      rank += LevelsOf(p)[i].span;
      p = f;
    }
    if (p == n) return rank - 1;
  }
  return rank - 1;  // Not reached for a node of this list.
}

const SkipList::Node* SkipList::ByRank(size_t rank) const {
  const size_t target = rank + 1;  // Spans count from 1.
  size_t traversed = 0;
  const Node* p = header_;
  for (int i = level_ - 1; i >= 0; --i) {
    while (LevelsOf(p)[i].forward != nullptr && traversed + LevelsOf(p)[i].span <= target) {
      traversed += LevelsOf(p)[i].span;
      p = LevelsOf(p)[i].forward;
    }
    if (traversed == target) return p;
  }
  return nullptr;
}

const SkipList::Node* SkipList::FirstInRange(const ScoreRange& range) const {
  if (range.Empty() || tail_ == nullptr || !range.AboveMin(tail_->score) ||
      !range.BelowMax(First()->score)) {
    return nullptr;
  }
  const Node* p = header_;
  for (int i = level_ - 1; i >= 0; --i) {
    while (LevelsOf(p)[i].forward != nullptr && !range.AboveMin(LevelsOf(p)[i].forward->score)) {
      p = LevelsOf(p)[i].forward;
    }
  }
  const Node* x = LevelsOf(p)[0].forward;
  return x != nullptr && range.BelowMax(x->score) ? x : nullptr;
}

const SkipList::Node* SkipList::LastInRange(const ScoreRange& range) const {
  if (range.Empty() || tail_ == nullptr || !range.AboveMin(tail_->score) ||
      !range.BelowMax(First()->score)) {
    return nullptr;
  }
  const Node* p = header_;
  for (int i = level_ - 1; i >= 0; --i) {
    while (LevelsOf(p)[i].forward != nullptr && range.BelowMax(LevelsOf(p)[i].forward->score)) {
      p = LevelsOf(p)[i].forward;
    }
  }
  return p != header_ && range.AboveMin(p->score) ? p : nullptr;
}

const SkipList::Node* SkipList::FirstInRange(const LexRange& range) const {
  if (range.Empty() || tail_ == nullptr || !range.AboveMin(Member(tail_)) ||
      !range.BelowMax(Member(First()))) {
    return nullptr;
  }
  const Node* p = header_;
  for (int i = level_ - 1; i >= 0; --i) {
    while (LevelsOf(p)[i].forward != nullptr && !range.AboveMin(Member(LevelsOf(p)[i].forward))) {
      p = LevelsOf(p)[i].forward;
    }
  }
  const Node* x = LevelsOf(p)[0].forward;
  return x != nullptr && range.BelowMax(Member(x)) ? x : nullptr;
}

const SkipList::Node* SkipList::LastInRange(const LexRange& range) const {
  if (range.Empty() || tail_ == nullptr || !range.AboveMin(Member(tail_)) ||
      !range.BelowMax(Member(First()))) {
    return nullptr;
  }
  const Node* p = header_;
  for (int i = level_ - 1; i >= 0; --i) {
    while (LevelsOf(p)[i].forward != nullptr && range.BelowMax(Member(LevelsOf(p)[i].forward))) {
      p = LevelsOf(p)[i].forward;
    }
  }
  return p != header_ && range.AboveMin(Member(p)) ? p : nullptr;
}

const SkipList::Node* SkipList::Random() const { return index_.RandomEntry(); }

size_t SkipList::Sample(const Node** out, size_t count) const {
  return index_.Sample(const_cast<Node**>(out), count);
}

uint64_t SkipList::Scan(uint64_t cursor, const std::function<void(const Node*)>& fn) const {
  return index_.Scan(cursor, [&fn](Node* n) { fn(n); });
}

// ---------------------------------------------------------------------------
// Changes.

void SkipList::FindUpdate(double score, std::string_view member, Node** update) const {
  Node* p = header_;
  for (int i = level_ - 1; i >= 0; --i) {
    while (LevelsOf(p)[i].forward != nullptr &&
           Before(LevelsOf(p)[i].forward->score, Member(LevelsOf(p)[i].forward), score, member)) {
      p = LevelsOf(p)[i].forward;
    }
    update[i] = p;
  }
}

void SkipList::Link(Node* x) {
  Node* update[kMaxLevel];
  size_t rank[kMaxLevel];
  const std::string_view member = Member(x);
  Node* p = header_;
  for (int i = level_ - 1; i >= 0; --i) {
    rank[i] = i == level_ - 1 ? 0 : rank[i + 1];
    while (
        LevelsOf(p)[i].forward != nullptr &&
        Before(LevelsOf(p)[i].forward->score, Member(LevelsOf(p)[i].forward), x->score, member)) {
      rank[i] += LevelsOf(p)[i].span;
      p = LevelsOf(p)[i].forward;
    }
    update[i] = p;
  }
  const int levels = x->levels;
  if (levels > level_) {
    for (int i = level_; i < levels; ++i) {
      rank[i] = 0;
      update[i] = header_;
      LevelsOf(header_)[i].span = length_;
    }
    level_ = levels;
  }
  Level* lx = LevelsOf(x);
  for (int i = 0; i < levels; ++i) {
    Level* lu = LevelsOf(update[i]);
    lx[i].forward = lu[i].forward;
    lu[i].forward = x;
    lx[i].span = lu[i].span - (rank[0] - rank[i]);
    lu[i].span = rank[0] - rank[i] + 1;
  }
  // Levels above x's own now span one more node.
  for (int i = levels; i < level_; ++i) ++LevelsOf(update[i])[i].span;
  x->backward = update[0] == header_ ? nullptr : update[0];
  if (lx[0].forward != nullptr) {
    lx[0].forward->backward = x;
  } else {
    tail_ = x;
  }
  ++length_;
}

void SkipList::Unlink(Node* x, Node** update) {
  Level* lx = LevelsOf(x);
  for (int i = 0; i < level_; ++i) {
    Level* lu = LevelsOf(update[i]);
    if (lu[i].forward == x) {
      lu[i].span += lx[i].span - 1;
      lu[i].forward = lx[i].forward;
    } else {
      --lu[i].span;
    }
  }
  if (lx[0].forward != nullptr) {
    lx[0].forward->backward = x->backward;
  } else {
    tail_ = x->backward;
  }
  while (level_ > 1 && LevelsOf(header_)[level_ - 1].forward == nullptr) --level_;
  --length_;
}

const SkipList::Node* SkipList::Insert(std::string_view member, double score) {
  Node* x = NewNode(RandomLevel(), member, score);
  node_bytes_ += malloc_usable_size(x);
  Link(x);
  index_.Insert(x);
  return x;
}

void SkipList::UpdateScore(const Node* node, double score) {
  Node* x = const_cast<Node*>(node);
  // In place when the order does not change (zslUpdateScore's fast path).
  const Node* next = LevelsOf(x)[0].forward;
  if ((x->backward == nullptr || x->backward->score < score) &&
      (next == nullptr || next->score > score)) {
    x->score = score;
    return;
  }
  Node* update[kMaxLevel];
  FindUpdate(x->score, Member(x), update);
  Unlink(x, update);
  x->score = score;
  Link(x);
}

bool SkipList::Delete(std::string_view member) {
  Node* x = index_.Find(member);
  if (x == nullptr) return false;
  Node* update[kMaxLevel];
  FindUpdate(x->score, member, update);
  Unlink(x, update);
  index_.Remove(member);  // Reads the key through x: before freeing it.
  node_bytes_ -= malloc_usable_size(x);
  FreeNode(x);
  return true;
}

size_t SkipList::DeleteFrom(Node* x, Node** update,
                            const std::function<bool(const Node*)>& in_range) {
  size_t deleted = 0;
  while (x != nullptr && in_range(x)) {
    Node* next = LevelsOf(x)[0].forward;
    Unlink(x, update);
    index_.Remove(Member(x));
    node_bytes_ -= malloc_usable_size(x);
    FreeNode(x);
    ++deleted;
    x = next;
  }
  return deleted;
}

size_t SkipList::DeleteRange(const ScoreRange& range) {
  if (range.Empty()) return 0;
  Node* update[kMaxLevel];
  Node* p = header_;
  for (int i = level_ - 1; i >= 0; --i) {
    while (LevelsOf(p)[i].forward != nullptr && !range.AboveMin(LevelsOf(p)[i].forward->score)) {
      p = LevelsOf(p)[i].forward;
    }
    update[i] = p;
  }
  return DeleteFrom(LevelsOf(p)[0].forward, update,
                    [&range](const Node* n) { return range.BelowMax(n->score); });
}

size_t SkipList::DeleteRange(const LexRange& range) {
  if (range.Empty()) return 0;
  Node* update[kMaxLevel];
  Node* p = header_;
  for (int i = level_ - 1; i >= 0; --i) {
    while (LevelsOf(p)[i].forward != nullptr && !range.AboveMin(Member(LevelsOf(p)[i].forward))) {
      p = LevelsOf(p)[i].forward;
    }
    update[i] = p;
  }
  return DeleteFrom(LevelsOf(p)[0].forward, update,
                    [&range](const Node* n) { return range.BelowMax(Member(n)); });
}

size_t SkipList::DeleteRankRange(size_t first, size_t last) {
  if (first > last || first >= length_) return 0;
  Node* update[kMaxLevel];
  size_t traversed = 0;  // Spans count from 1: the node at rank r is r + 1 away.
  Node* p = header_;
  for (int i = level_ - 1; i >= 0; --i) {
    while (LevelsOf(p)[i].forward != nullptr && traversed + LevelsOf(p)[i].span < first + 1) {
      traversed += LevelsOf(p)[i].span;
      p = LevelsOf(p)[i].forward;
    }
    update[i] = p;
  }
  size_t rank = first;
  return DeleteFrom(LevelsOf(p)[0].forward, update,
                    [&rank, last](const Node*) { return rank++ <= last; });
}

}  // namespace respd::store

#include "store/encodings/quicklist.h"

#include <lzf.h>
#include <malloc.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "store/encodings/listpack.h"

namespace respd::store {
namespace {

// Node byte caps for fills -1…-5 (Redis's optimization_level).
constexpr size_t kSizeLevels[] = {4096, 8192, 16384, 32768, 65536};
// A positive fill caps a node's bytes at this too (SIZE_SAFETY_LIMIT).
constexpr size_t kSizeSafetyLimit = 8192;
// Nodes smaller than this are not worth compressing, nor are compressions
// that save less than kMinCompressImprove bytes (Redis's MIN_COMPRESS_*).
constexpr size_t kMinCompressBytes = 48;
constexpr size_t kMinCompressImprove = 8;

void* Allocate(size_t bytes) {
  void* p = std::malloc(bytes);
  if (p == nullptr) std::abort();  // Out of memory: nothing sane to do.
  return p;
}

// Redis's estimate of what an element adds to a listpack: its bytes, the
// encoding byte(s) and its backlen, taking the element as a string.
size_t EntryOverhead(size_t sz) {
  size_t overhead = sz < 254 ? 1 : 5;
  overhead += sz < 64 ? 1 : (sz < 16384 ? 2 : 5);
  return overhead;
}

// Whether a node of `bytes` and `count` elements fits `fill`.
bool FitsFill(int fill, size_t bytes, size_t count) {
  if (fill < 0) return bytes <= kSizeLevels[-fill - 1];
  return bytes <= kSizeSafetyLimit && count <= static_cast<size_t>(fill);
}

}  // namespace

struct Quicklist::Node {
  Node* prev = nullptr;
  Node* next = nullptr;
  // Raw: the listpack (packed) or the element's bytes (plain). Compressed:
  // a uint32 of the LZF length, then the LZF bytes.
  uint8_t* data = nullptr;
  size_t sz = 0;  // Bytes of the raw data.
  uint32_t count = 0;
  bool plain = false;
  bool compressed = false;
  // Compression was tried and did not pay; tried again after a change.
  bool incompressible = false;

  uint8_t* lp() const { return data; }
  std::string_view bytes() const { return {reinterpret_cast<const char*>(data), sz}; }
  // After a write to the listpack.
  void Wrote(uint8_t* new_lp, int64_t count_delta) {
    data = new_lp;
    sz = listpack::Bytes(new_lp);
    count = static_cast<uint32_t>(static_cast<int64_t>(count) + count_delta);
    incompressible = false;
  }
};

// A node's raw data for reading, decompressed into a buffer of its own when
// the node is compressed (the node stays as it is).
class Quicklist::NodeView {
 public:
  explicit NodeView(const Node* n) : node_(n) {
    if (!n->compressed) return;
    uint32_t lzf_len;
    std::memcpy(&lzf_len, n->data, sizeof(lzf_len));
    raw_.reset(new uint8_t[n->sz]);
    if (lzf_decompress(n->data + sizeof(lzf_len), lzf_len, raw_.get(),
                       static_cast<unsigned>(n->sz)) != n->sz) {
      std::abort();  // Our own compression: anything else is memory corruption.
    }
  }
  const uint8_t* lp() const { return raw_ ? raw_.get() : node_->data; }
  std::string_view bytes() const { return {reinterpret_cast<const char*>(lp()), node_->sz}; }

 private:
  const Node* node_;
  std::unique_ptr<uint8_t[]> raw_;
};

Quicklist::Quicklist(int fill, int compress_depth, size_t packed_threshold)
    : fill_(std::clamp(fill, kMinFill, kMaxFill)),
      compress_(std::clamp(compress_depth, 0, 65535)),
      packed_threshold_(packed_threshold) {}

Quicklist::~Quicklist() {
  for (Node* n = head_; n != nullptr;) {
    Node* next = n->next;
    FreeNode(n);
    n = next;
  }
}

bool Quicklist::FreeSome(size_t* budget) {
  while (head_ != nullptr && *budget > 0) {
    Node* n = head_;
    count_ -= n->count;
    Unlink(n);
    FreeNode(n);
    --*budget;
  }
  return head_ == nullptr;
}

Quicklist::Node* Quicklist::NewNode() const { return new Node; }

void Quicklist::FreeNode(Node* n) const {
  std::free(n->data);
  delete n;
}

Quicklist* Quicklist::Copy() const {
  auto* copy = new Quicklist(fill_, compress_, packed_threshold_);
  for (const Node* n = head_; n != nullptr; n = n->next) {
    Node* c = NewNode();
    *c = *n;
    c->prev = c->next = nullptr;
    size_t bytes = n->sz;
    if (n->compressed) {
      uint32_t lzf_len;
      std::memcpy(&lzf_len, n->data, sizeof(lzf_len));
      bytes = sizeof(lzf_len) + lzf_len;
    }
    c->data = static_cast<uint8_t*>(Allocate(bytes));
    std::memcpy(c->data, n->data, bytes);
    copy->LinkBefore(nullptr, c);
  }
  copy->count_ = count_;
  return copy;
}

size_t Quicklist::MemoryUsage() const {
  size_t total = 0;
  for (const Node* n = head_; n != nullptr; n = n->next) {
    total += sizeof(Node) + malloc_usable_size(n->data);
  }
  return total;
}

Quicklist::Stats Quicklist::GetStats() const {
  Stats s;
  for (const Node* n = head_; n != nullptr; n = n->next) {
    ++s.nodes;
    s.compressed_nodes += n->compressed;
    s.uncompressed_bytes += n->sz;
    if (!n->plain) s.max_listpack_bytes = std::max(s.max_listpack_bytes, n->sz);
  }
  return s;
}

// ---------------------------------------------------------------------------
// Structure.

void Quicklist::LinkAfter(Node* at, Node* n) {
  if (at == nullptr) {
    n->prev = nullptr;
    n->next = head_;
    if (head_ != nullptr) head_->prev = n;
    head_ = n;
    if (tail_ == nullptr) tail_ = n;
  } else {
    n->prev = at;
    n->next = at->next;
    if (at->next != nullptr) at->next->prev = n;
    at->next = n;
    if (tail_ == at) tail_ = n;
  }
  ++nodes_;
}

void Quicklist::LinkBefore(Node* at, Node* n) {
  if (at == nullptr) {
    LinkAfter(tail_, n);
    return;
  }
  LinkAfter(at->prev, n);
}

void Quicklist::Unlink(Node* n) {
  if (n->prev != nullptr) n->prev->next = n->next;
  if (n->next != nullptr) n->next->prev = n->prev;
  if (head_ == n) head_ = n->next;
  if (tail_ == n) tail_ = n->prev;
  --nodes_;
}

bool Quicklist::AllowInsert(const Node* n, size_t element_size) const {
  if (n == nullptr || n->plain || IsLarge(element_size)) return false;
  return FitsFill(fill_, n->sz + element_size + EntryOverhead(element_size), n->count + 1);
}

bool Quicklist::AllowMerge(const Node* a, const Node* b) const {
  if (a == nullptr || b == nullptr || a->plain || b->plain) return false;
  // One header and end byte go away.
  return FitsFill(fill_, a->sz + b->sz - listpack::kHeaderSize - 1, a->count + b->count);
}

Quicklist::Node* Quicklist::Locate(size_t index, size_t* offset_in_node) const {
  if (index < count_ / 2) {
    Node* n = head_;
    while (index >= n->count) {
      index -= n->count;
      n = n->next;
    }
    *offset_in_node = index;
    return n;
  }
  size_t from_tail = count_ - 1 - index;
  Node* n = tail_;
  while (from_tail >= n->count) {
    from_tail -= n->count;
    n = n->prev;
  }
  *offset_in_node = n->count - 1 - from_tail;
  return n;
}

namespace {

// The offset of element `i` of a listpack of `count`, walking from the
// nearer end.
size_t SeekInNode(const uint8_t* lp, size_t i, size_t count) {
  if (i <= count / 2) return listpack::Seek(lp, static_cast<int64_t>(i));
  return listpack::Seek(lp, static_cast<int64_t>(i) - static_cast<int64_t>(count));
}

}  // namespace

Quicklist::Node* Quicklist::Split(Node* n, size_t keep) {
  Decompress(n);
  Node* rest = NewNode();
  uint8_t* lp = n->lp();
  const size_t total = n->count;
  rest->Wrote(listpack::Delete(listpack::Copy(lp), listpack::kHeaderSize, keep),
              static_cast<int64_t>(total - keep));
  n->Wrote(listpack::Delete(lp, SeekInNode(lp, keep, total), total - keep),
           -static_cast<int64_t>(total - keep));
  LinkAfter(n, rest);
  return rest;
}

void Quicklist::MergeIfFits(Node* a) {
  if (a == nullptr || !AllowMerge(a, a->next)) return;
  Node* b = a->next;
  Decompress(a);
  Decompress(b);
  // Views into b stay valid while a (another allocation) grows.
  std::vector<std::string_view> elements;
  std::vector<std::string> numbers;
  elements.reserve(b->count);
  numbers.reserve(b->count);
  char buf[listpack::kIntBufferSize];
  for (size_t at = listpack::First(b->lp()); at != 0; at = listpack::Next(b->lp(), at)) {
    const std::string_view e = listpack::Get(b->lp(), at, buf);
    if (e.data() == buf) {
      elements.emplace_back(numbers.emplace_back(e));
    } else {
      elements.push_back(e);
    }
  }
  a->Wrote(listpack::Append(a->lp(), elements), b->count);
  Unlink(b);
  FreeNode(b);
}

void Quicklist::InsertAt(Node* n, size_t offset, std::string_view element, bool after) {
  ++count_;
  // A node holding just `element`: plain if it is large, else a listpack.
  auto single = [this, element] {
    Node* s = NewNode();
    if (IsLarge(element.size())) {
      s->plain = true;
      s->data = static_cast<uint8_t*>(Allocate(element.size() == 0 ? 1 : element.size()));
      std::memcpy(s->data, element.data(), element.size());
      s->sz = element.size();
      s->count = 1;
    } else {
      s->Wrote(listpack::Append(listpack::New(), {&element, 1}), 1);
    }
    return s;
  };
  if (n == nullptr) {
    Node* s = single();
    LinkAfter(nullptr, s);
    Settle(s);
    return;
  }
  const bool at_head = offset == 0;
  const bool at_tail = offset == n->count;
  if (IsLarge(element.size())) {
    Node* s = single();
    if (at_tail) {
      LinkAfter(n, s);
    } else if (at_head) {
      LinkBefore(n, s);
    } else {
      Node* rest = Split(n, offset);
      LinkAfter(n, s);
      Settle(rest);
    }
    Settle(n);
    Settle(s);
    return;
  }
  auto insert_into = [this, element](Node* into, size_t at_index) {
    Decompress(into);
    uint8_t* lp = into->lp();
    const size_t at =
        at_index == into->count ? listpack::EndOffset(lp) : SeekInNode(lp, at_index, into->count);
    into->Wrote(listpack::Insert(lp, at, {&element, 1}), 1);
    Settle(into);
  };
  if (AllowInsert(n, element.size())) {
    insert_into(n, offset);
  } else if (at_tail && AllowInsert(n->next, element.size())) {
    insert_into(n->next, 0);
  } else if (at_head && AllowInsert(n->prev, element.size())) {
    insert_into(n->prev, n->prev->count);
  } else if (at_tail || at_head) {
    Node* s = single();
    if (at_tail) {
      LinkAfter(n, s);
    } else {
      LinkBefore(n, s);
    }
    Settle(s);
  } else {
    // A full node, in its middle: split it there and put the element at
    // the cut, on the side of the pivot Redis puts it (over the node's cap
    // if need be, as Redis), then merge what fits back together.
    Node* rest = Split(n, offset);
    if (after) {
      insert_into(rest, 0);
    } else {
      insert_into(n, n->count);
    }
    // Merging keeps the left node: the left neighbour may take the first
    // part, and that the part after it.
    Node* first = n;
    if (AllowMerge(first->prev, first)) {
      first = first->prev;
      MergeIfFits(first);
    }
    MergeIfFits(first);
    Settle(first);
    Settle(first->next);
  }
}

// ---------------------------------------------------------------------------
// Compression.

void Quicklist::Decompress(Node* n) {
  if (!n->compressed) return;
  NodeView view(n);
  auto* raw = static_cast<uint8_t*>(Allocate(n->sz));
  std::memcpy(raw, view.lp(), n->sz);
  std::free(n->data);
  n->data = raw;
  n->compressed = false;
}

void Quicklist::Compress(Node* n) {
  if (n->compressed || n->incompressible || n->sz < kMinCompressBytes) return;
  auto* out = static_cast<uint8_t*>(Allocate(sizeof(uint32_t) + n->sz));
  const unsigned lzf_len = lzf_compress(n->data, static_cast<unsigned>(n->sz),
                                        out + sizeof(uint32_t), static_cast<unsigned>(n->sz));
  if (lzf_len == 0 || lzf_len + kMinCompressImprove >= n->sz) {
    std::free(out);
    n->incompressible = true;
    return;
  }
  const uint32_t len32 = lzf_len;
  std::memcpy(out, &len32, sizeof(len32));
  auto* shrunk = static_cast<uint8_t*>(std::realloc(out, sizeof(uint32_t) + lzf_len));
  std::free(n->data);
  n->data = shrunk != nullptr ? shrunk : out;
  n->compressed = true;
}

bool Quicklist::IsInner(const Node* n) const {
  if (compress_ == 0 || nodes_ <= 2 * static_cast<size_t>(compress_)) return false;
  const Node* h = head_;
  const Node* t = tail_;
  for (int i = 0; i < compress_; ++i) {
    if (h == n || t == n) return false;
    h = h->next;
    t = t->prev;
  }
  return true;
}

void Quicklist::Settle(Node* touched) {
  if (compress_ == 0) return;
  Node* h = head_;
  Node* t = tail_;
  for (int i = 0; i < compress_ && h != nullptr; ++i) {
    Decompress(h);
    Decompress(t);
    h = h->next;
    t = t->prev;
  }
  // The raw end zones are compress_ nodes each; a change near an end pushes
  // at most two nodes out of one.
  for (int i = 0; i < 2 && h != nullptr; ++i) {
    if (IsInner(h)) Compress(h);
    if (IsInner(t)) Compress(t);
    h = h->next;
    t = t->prev;
  }
  if (touched != nullptr && IsInner(touched)) Compress(touched);
}

// ---------------------------------------------------------------------------
// Operations.

void Quicklist::Push(End end, std::string_view element) {
  if (end == End::kHead) {
    InsertAt(head_, 0, element);
  } else {
    InsertAt(tail_, tail_ != nullptr ? tail_->count : 0, element);
  }
}

bool Quicklist::Pop(End end, const std::function<void(std::string_view)>& fn) {
  Node* n = end == End::kHead ? head_ : tail_;
  if (n == nullptr) return false;
  // The ends are never compressed.
  if (n->plain) {
    fn(n->bytes());
  } else {
    const size_t at = end == End::kHead ? listpack::First(n->lp()) : listpack::Last(n->lp());
    char buf[listpack::kIntBufferSize];
    fn(listpack::Get(n->lp(), at, buf));
  }
  DeleteRange(end == End::kHead ? 0 : -1, 1);
  return true;
}

bool Quicklist::Get(int64_t index, const std::function<void(std::string_view)>& fn) const {
  const int64_t i = index < 0 ? static_cast<int64_t>(count_) + index : index;
  if (i < 0 || static_cast<size_t>(i) >= count_) return false;
  size_t offset;
  const Node* n = Locate(static_cast<size_t>(i), &offset);
  const NodeView view(n);
  if (n->plain) {
    fn(view.bytes());
    return true;
  }
  char buf[listpack::kIntBufferSize];
  fn(listpack::Get(view.lp(), SeekInNode(view.lp(), offset, n->count), buf));
  return true;
}

bool Quicklist::Replace(int64_t index, std::string_view element) {
  const int64_t i = index < 0 ? static_cast<int64_t>(count_) + index : index;
  if (i < 0 || static_cast<size_t>(i) >= count_) return false;
  size_t offset;
  Node* n = Locate(static_cast<size_t>(i), &offset);
  if (!n->plain && !IsLarge(element.size())) {
    Decompress(n);
    uint8_t* lp = n->lp();
    n->Wrote(listpack::Replace(lp, SeekInNode(lp, offset, n->count), element), 0);
    Settle(n);
    return true;
  }
  // A plain node, or a large element into a packed one: the new element
  // goes in before the old, which is then deleted.
  InsertAt(n, offset, element);
  DeleteRange(i + 1, 1);
  return true;
}

size_t Quicklist::DeleteRange(int64_t start, size_t count) {
  const int64_t i = start < 0 ? static_cast<int64_t>(count_) + start : start;
  if (i < 0 || static_cast<size_t>(i) >= count_ || count == 0) return 0;
  size_t offset;
  Node* n = Locate(static_cast<size_t>(i), &offset);
  size_t deleted = 0;
  Node* partial = nullptr;  // A node that lost some elements, not all.
  while (n != nullptr && deleted < count) {
    Node* next = n->next;
    const size_t take = std::min<size_t>(count - deleted, n->count - offset);
    if (take == n->count) {
      Unlink(n);
      FreeNode(n);
    } else {
      Decompress(n);
      uint8_t* lp = n->lp();
      n->Wrote(listpack::Delete(lp, SeekInNode(lp, offset, n->count), take),
               -static_cast<int64_t>(take));
      if (partial == nullptr) partial = n;
      Settle(n);
    }
    deleted += take;
    offset = 0;
    n = next;
  }
  count_ -= deleted;
  Settle(partial);
  return deleted;
}

void Quicklist::ForRange(int64_t start, size_t count, bool reverse,
                         const std::function<bool(std::string_view)>& fn) const {
  const int64_t i = start < 0 ? static_cast<int64_t>(count_) + start : start;
  if (i < 0 || static_cast<size_t>(i) >= count_) return;
  size_t offset;
  const Node* n = Locate(static_cast<size_t>(i), &offset);
  char buf[listpack::kIntBufferSize];
  while (n != nullptr && count > 0) {
    const NodeView view(n);
    if (n->plain) {
      --count;
      if (!fn(view.bytes())) return;
    } else {
      const uint8_t* lp = view.lp();
      for (size_t at = SeekInNode(lp, offset, n->count); at != 0 && count > 0;
           at = reverse ? listpack::Prev(lp, at) : listpack::Next(lp, at)) {
        --count;
        if (!fn(listpack::Get(lp, at, buf))) return;
      }
    }
    n = reverse ? n->prev : n->next;
    if (n != nullptr) offset = reverse ? n->count - 1 : 0;
  }
}

void Quicklist::FindAll(std::string_view element, bool reverse, size_t maxlen,
                        const std::function<bool(size_t)>& fn) const {
  const listpack::Needle needle(element);
  size_t looked = 0;
  size_t index = reverse ? count_ - 1 : 0;
  for (const Node* n = reverse ? tail_ : head_; n != nullptr; n = reverse ? n->prev : n->next) {
    const NodeView view(n);
    if (n->plain) {
      if (maxlen != 0 && looked++ == maxlen) return;
      if (view.bytes() == element && !fn(index)) return;
      index += reverse ? -1 : 1;
      continue;
    }
    const uint8_t* lp = view.lp();
    for (size_t at = reverse ? listpack::Last(lp) : listpack::First(lp); at != 0;
         at = reverse ? listpack::Prev(lp, at) : listpack::Next(lp, at)) {
      if (maxlen != 0 && looked++ == maxlen) return;
      if (needle.Matches(lp, at) && !fn(index)) return;
      index += reverse ? -1 : 1;
    }
  }
}

bool Quicklist::InsertAtPivot(std::string_view pivot, std::string_view element, bool after) {
  size_t found = SIZE_MAX;
  FindAll(pivot, /*reverse=*/false, 0, [&found](size_t i) {
    found = i;
    return false;
  });
  if (found == SIZE_MAX) return false;
  size_t offset;
  Node* n = Locate(found, &offset);
  InsertAt(n, after ? offset + 1 : offset, element, after);
  return true;
}

size_t Quicklist::RemoveMatching(std::string_view element, size_t limit, bool reverse) {
  const listpack::Needle needle(element);
  size_t removed = 0;
  for (Node* n = reverse ? tail_ : head_; n != nullptr && (limit == 0 || removed < limit);) {
    Node* following = reverse ? n->prev : n->next;
    if (n->plain) {
      if (NodeView(n).bytes() == element) {
        Unlink(n);
        FreeNode(n);
        ++removed;
        --count_;
      }
      n = following;
      continue;
    }
    {
      // Look before writing: a compressed node without a match stays so.
      bool any = false;
      const NodeView view(n);
      for (size_t at = listpack::First(view.lp()); at != 0 && !any;
           at = listpack::Next(view.lp(), at)) {
        any = needle.Matches(view.lp(), at);
      }
      if (!any) {
        n = following;
        continue;
      }
    }
    Decompress(n);
    uint8_t* lp = n->lp();
    size_t here = 0;
    if (!reverse) {
      size_t at = listpack::First(lp);
      while (at != 0 && at != listpack::EndOffset(lp) && (limit == 0 || removed + here < limit)) {
        if (needle.Matches(lp, at)) {
          lp = listpack::Delete(lp, at, 1);  // The next element is now at `at`.
          ++here;
        } else {
          at = listpack::Next(lp, at);
        }
      }
    } else {
      for (size_t at = listpack::Last(lp); at != 0 && (limit == 0 || removed + here < limit);) {
        const size_t prev = listpack::Prev(lp, at);
        if (needle.Matches(lp, at)) {
          lp = listpack::Delete(lp, at, 1);
          ++here;
        }
        at = prev;
      }
    }
    n->Wrote(lp, -static_cast<int64_t>(here));
    removed += here;
    count_ -= here;
    if (n->count == 0) {
      Unlink(n);
      FreeNode(n);
    } else {
      Settle(n);
    }
    n = following;
  }
  Settle();
  return removed;
}

}  // namespace respd::store

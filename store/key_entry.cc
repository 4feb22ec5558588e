#include "store/key_entry.h"

#include <malloc.h>

#include <algorithm>
#include <cstdlib>

namespace respd::store {
namespace {

// Greedy growth, as Redis's sds: double small values, add 1 MiB to big ones,
// so repeated APPENDs reallocate O(log n) times, not n times.
constexpr size_t kMaxGreedyStep = 1024 * 1024;

void* CheckedRealloc(void* p, size_t size) {
  void* q = std::realloc(p, size);
  if (q == nullptr) std::abort();  // Out of memory: a broken invariant here.
  return q;
}

}  // namespace

size_t KeyEntry::AllocationSize(bool has_expire, bool wide, size_t key_len, size_t value_len,
                                bool holds_object) {
  const size_t value_at =
      kHeaderSize + (has_expire ? sizeof(int64_t) : 0) + (wide ? 16 : 2) + key_len;
  const size_t size = value_at + (holds_object ? PaddingBefore(value_at) : 0) + value_len;
  return std::max(size, sizeof(KeyEntry));
}

char* KeyEntry::WriteHeader(KeyEntry* e, uint8_t flags, int64_t expire_at, size_t key_len,
                            size_t value_len) {
  const bool wide = NeedsWide(key_len, value_len);
  flags = static_cast<uint8_t>(flags & ~(kHasExpire | kWideLengths));
  if (expire_at != kNoExpire) flags |= kHasExpire;
  if (wide) flags |= kWideLengths;
  e->flags_ = flags;
  char* p = e->Payload();
  if (expire_at != kNoExpire) {
    std::memcpy(p, &expire_at, sizeof(expire_at));
    p += sizeof(expire_at);
  }
  if (wide) {
    const uint64_t k = key_len, v = value_len;
    std::memcpy(p, &k, 8);
    std::memcpy(p + 8, &v, 8);
    return p + 16;
  }
  p[0] = static_cast<char>(static_cast<uint8_t>(key_len));
  p[1] = static_cast<char>(static_cast<uint8_t>(value_len));
  return p + 2;
}

KeyEntry* KeyEntry::Allocate(std::string_view key, size_t value_len, int64_t expire_at,
                             uint8_t value_flags, char** value) {
  const bool object =
      HoldsObject(static_cast<ValueType>(value_flags & kTypeMask),
                  static_cast<uint8_t>((value_flags & kEncodingMask) >> kEncodingShift));
  const size_t size = AllocationSize(expire_at != kNoExpire, NeedsWide(key.size(), value_len),
                                     key.size(), value_len, object);
  auto* e = static_cast<KeyEntry*>(std::malloc(size));
  if (e == nullptr) std::abort();  // Out of memory: a broken invariant here.
  e->next_ = nullptr;
  e->set_lru(0);
  char* p = WriteHeader(e, value_flags, expire_at, key.size(), value_len);
  // Empty views may carry a null data pointer; memcpy must not see one.
  if (!key.empty()) std::memcpy(p, key.data(), key.size());
  *value = object ? const_cast<char*>(e->ValueBytes()) : p + key.size();
  return e;
}

KeyEntry* KeyEntry::CreateInline(std::string_view key, std::string_view bytes, int64_t expire_at,
                                 ValueType type, uint8_t encoding) {
  const auto flags =
      static_cast<uint8_t>(static_cast<uint8_t>(type) | (encoding << kEncodingShift));
  char* value;
  KeyEntry* e = Allocate(key, bytes.size(), expire_at, flags, &value);
  if (!bytes.empty()) std::memcpy(value, bytes.data(), bytes.size());
  return e;
}

KeyEntry* KeyEntry::CreateWithObject(std::string_view key, void* object, int64_t expire_at,
                                     ValueType type, uint8_t encoding) {
  if (!HoldsObject(type, encoding)) std::abort();
  const auto flags =
      static_cast<uint8_t>(static_cast<uint8_t>(type) | (encoding << kEncodingShift));
  char* value;
  KeyEntry* e = Allocate(key, sizeof(object), expire_at, flags, &value);
  std::memcpy(value, &object, sizeof(object));
  return e;
}

void KeyEntry::Free(KeyEntry* e) { std::free(e); }

KeyEntry* KeyEntry::Rekey(KeyEntry* e, std::string_view key) {
  // The value region is copied as bytes: an inline value, or the object
  // pointer (which the new entry now owns).
  const Layout l = e->GetLayout();
  char* value;
  KeyEntry* moved = Allocate(key, l.value_len, e->expire_at(), e->flags_ & kValueFlags, &value);
  if (l.value_len > 0) std::memcpy(value, e->ValueBytes(), l.value_len);
  moved->set_lru(e->lru());
  Free(e);
  return moved;
}

size_t KeyEntry::AllocationSize() const { return malloc_usable_size(const_cast<KeyEntry*>(this)); }

KeyEntry* KeyEntry::ResizeInline(KeyEntry* e, size_t new_len, bool greedy) {
  if (e->holds_object()) std::abort();  // Only inline values have bytes to resize.
  const Layout old = e->GetLayout();
  const bool has_exp = e->has_expire();
  const int64_t expire_at = e->expire_at();
  const bool new_wide = NeedsWide(old.key_len, new_len);
  const size_t old_data = kHeaderSize + old.key_offset;  // Key start, from `e`.
  const size_t new_data = kHeaderSize + (has_exp ? sizeof(int64_t) : 0) + (new_wide ? 16 : 2);
  const size_t keep = old.key_len + std::min(old.value_len, new_len);
  const size_t need = AllocationSize(has_exp, new_wide, old.key_len, new_len, false);
  const size_t capacity = malloc_usable_size(e);

  // Moving the bytes left must happen before a shrinking realloc cuts them
  // off; moving them right, after a growing one made room.
  if (new_data < old_data) {
    char* base = reinterpret_cast<char*>(e);
    std::memmove(base + new_data, base + old_data, keep);
  }
  // Give room back only on a non-greedy resize. A greedy one must keep what
  // it reserved: the doubled block can be more than twice the next append's
  // need once the allocator rounds up, and shrinking it then made one-byte
  // APPENDs shrink and regrow the block (~500 reallocations for 4,000 of
  // them instead of ~12).
  const bool shrink = !greedy && need * 2 < capacity;
  if (need > capacity || shrink) {
    size_t alloc = need;
    if (greedy && need > capacity) alloc = need + std::min(need, kMaxGreedyStep);
    e = static_cast<KeyEntry*>(CheckedRealloc(e, alloc));
  }
  if (new_data > old_data) {
    char* base = reinterpret_cast<char*>(e);
    std::memmove(base + new_data, base + old_data, keep);
  }
  WriteHeader(e, e->flags_, expire_at, old.key_len, new_len);
  return e;
}

KeyEntry* KeyEntry::ChangeExpireLayout(KeyEntry* e, int64_t expire_at) {
  const bool want = expire_at != kNoExpire;
  const Layout l = e->GetLayout();
  const bool wide = (e->flags_ & kWideLengths) != 0;
  const bool object = e->holds_object();
  // Everything after the expiry slot: the lengths, the key, any padding and
  // the value. The slot is 8 bytes, so an object pointer stays aligned.
  const size_t rest = static_cast<size_t>(e->ValueBytes() - e->Payload()) -
                      (e->has_expire() ? sizeof(int64_t) : 0) + l.value_len;
  const size_t new_size = AllocationSize(want, wide, l.key_len, l.value_len, object);
  if (want) {
    e = static_cast<KeyEntry*>(CheckedRealloc(e, new_size));
    std::memmove(e->Payload() + sizeof(int64_t), e->Payload(), rest);
    std::memcpy(e->Payload(), &expire_at, sizeof(expire_at));
    e->flags_ |= kHasExpire;
  } else {
    std::memmove(e->Payload(), e->Payload() + sizeof(int64_t), rest);
    e->flags_ = static_cast<uint8_t>(e->flags_ & ~kHasExpire);
    e = static_cast<KeyEntry*>(CheckedRealloc(e, new_size));
  }
  return e;
}

}  // namespace respd::store

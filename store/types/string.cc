#include "store/types/string.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "base/numbers.h"

namespace respd::store {
namespace {

// ---------------------------------------------------------------------------
// The value dispatch row: what OBJECT ENCODING / REFCOUNT would say in Redis.

// A robj and a 44-byte sds fill one 64-byte allocation: Redis's embstr limit.
constexpr size_t kEmbstrSizeLimit = 44;
// Redis shares one object for each integer in [0, 10000) (OBJ_SHARED_INTEGERS)
// and reports those with refcount INT_MAX.
constexpr int64_t kSharedIntegers = 10000;
// The longest integer tryObjectEncoding turns into OBJ_ENCODING_INT.
constexpr size_t kMaxIntChars = 20;

// The integer a whole-written string would be encoded as, if any.
bool IntEncoded(const KeyEntry& e, int64_t* value) {
  if (e.encoding() != kStringWhole) return false;
  const std::string_view bytes = e.inline_value();
  return bytes.size() <= kMaxIntChars && base::ParseInt64(bytes, value);
}

std::string_view StringEncodingName(const KeyEntry& e) {
  int64_t number;
  switch (e.encoding()) {
    case kStringWhole:
      // tryObjectEncoding: an integer that round-trips, else embstr or raw.
      if (IntEncoded(e, &number)) return "int";
      return e.inline_value().size() <= kEmbstrSizeLimit ? "embstr" : "raw";
    case kStringBuilt:
      // createStringObject: embstr or raw by size, never an int.
      return e.inline_value().size() <= kEmbstrSizeLimit ? "embstr" : "raw";
    case kStringRaw:
    case kStringHeap:
      return "raw";
  }
  std::abort();  // Unknown string encoding.
}

int StringRefcount(const KeyEntry& e) {
  int64_t number;
  if (IntEncoded(e, &number) && number >= 0 && number < kSharedIntegers) {
    return std::numeric_limits<int32_t>::max();
  }
  return 1;
}

const ByteBuffer* BufferOf(const KeyEntry& e) { return static_cast<const ByteBuffer*>(e.object()); }

size_t StringObjectMemory(const KeyEntry& e) { return BufferOf(e)->AllocationSize(); }

void* CopyStringObject(const KeyEntry& e) { return ByteBuffer::Create(BufferOf(e)->view()); }

size_t StringFreeEffort(const KeyEntry&) { return 1; }

bool FreeStringObject(KeyEntry& e, size_t* budget) {
  ByteBuffer::Destroy(static_cast<ByteBuffer*>(e.object()));
  if (*budget > 0) --*budget;
  return true;
}

// ---------------------------------------------------------------------------
// Writing.

uint8_t InlineEncodingOf(bool built) { return built ? kStringBuilt : kStringWhole; }

// Makes `value` the string at the slot's key (found or absent), reusing the
// entry's storage when the layout fits: the common SET of a hot key then costs
// no allocation at all. `built` marks INCRBYFLOAT's result (never "int").
//
// Inlined into SET (the hot path; measured with callgrind: ~70 instructions
// of call overhead and reloads per SET otherwise); the other writers call
// the out-of-line WriteWhole below.
[[gnu::always_inline]] inline KeyEntry* WriteWholeInline(Database& db, Database::WriteSlot& slot,
                                                         std::string_view key,
                                                         std::string_view value, int64_t expire_at,
                                                         bool built) {
  KeyEntry* e = slot.entry();
  const bool big = value.size() > kMaxInlineStringBytes;
  if (e != nullptr && e->type() == ValueType::kString && big == e->holds_object()) {
    if (big) {
      ByteBuffer* b = ByteBuffer::Resize(static_cast<ByteBuffer*>(e->object()), value.size(),
                                         /*greedy=*/false);
      std::memcpy(b->data(), value.data(), value.size());
      e->set_object(b);
    } else {
      e = KeyEntry::ResizeInline(e, value.size(), /*greedy=*/false);
      if (!value.empty()) std::memcpy(e->mutable_inline_value(), value.data(), value.size());
      e->set_encoding(InlineEncodingOf(built));
    }
    return db.Commit(slot, KeyEntry::SetExpire(e, expire_at));
  }
  KeyEntry* fresh = big ? KeyEntry::CreateWithObject(key, ByteBuffer::Create(value), expire_at,
                                                     ValueType::kString, kStringHeap)
                        : KeyEntry::CreateInline(key, value, expire_at, ValueType::kString,
                                                 InlineEncodingOf(built));
  return e != nullptr ? db.Overwrite(slot, fresh) : db.Commit(slot, fresh);
}

KeyEntry* WriteWhole(Database& db, Database::WriteSlot& slot, std::string_view key,
                     std::string_view value, int64_t expire_at, bool built) {
  return WriteWholeInline(db, slot, key, value, expire_at, built);
}

// Resizes the found string to `new_len` bytes keeping its prefix (APPEND,
// SETRANGE: Redis's result is then a raw sds), moving it to the heap when it
// outgrows the entry, and commits. Returns where the value bytes are.
char* ResizeInPlace(Database& db, Database::WriteSlot& slot, size_t new_len, bool greedy) {
  KeyEntry* e = slot.entry();
  if (e->holds_object()) {
    // The entry stays where it is: only the buffer grows.
    ByteBuffer* b = ByteBuffer::Resize(static_cast<ByteBuffer*>(e->object()), new_len, greedy);
    e->set_object(b);
    db.Commit(slot, e);
    return b->data();
  }
  if (new_len <= kMaxInlineStringBytes) {
    e = KeyEntry::ResizeInline(e, new_len, greedy);
    e->set_encoding(kStringRaw);
    return db.Commit(slot, e)->mutable_inline_value();
  }
  ByteBuffer* b = ByteBuffer::Resize(ByteBuffer::Create(e->inline_value()), new_len, greedy);
  KeyEntry* moved =
      KeyEntry::CreateWithObject(e->key(), b, e->expire_at(), ValueType::kString, kStringHeap);
  db.Overwrite(slot, moved);
  return b->data();
}

// The slot's entry if it is a string (or absent): kWrongType otherwise.
OpStatus CheckString(const Database::WriteSlot& slot) {
  const KeyEntry* e = slot.entry();
  return e == nullptr || e->type() == ValueType::kString ? OpStatus::kOk : OpStatus::kWrongType;
}

int64_t KeptDeadline(const Database::WriteSlot& slot) {
  return slot.entry() != nullptr ? slot.entry()->expire_at() : KeyEntry::kNoExpire;
}

}  // namespace

const ValueOps kStringValueOps = {
    .type_name = "string",
    .encoding_name = &StringEncodingName,
    .refcount = &StringRefcount,
    .object_memory = &StringObjectMemory,
    .copy_object = &CopyStringObject,
    .free_effort = &StringFreeEffort,
    .free_some = &FreeStringObject,
};

OpResult<std::string_view> StringGet(Database& db, std::string_view key) {
  const KeyEntry* e = db.FindForRead(key);
  if (e == nullptr) return OpStatus::kKeyNotFound;
  if (e->type() != ValueType::kString) return OpStatus::kWrongType;
  return StringBytes(*e);
}

KeyEntry* StringSet(Database& db, std::string_view key, std::string_view value, TtlMode mode,
                    int64_t expire_at) {
  Database::WriteSlot slot = db.FindForWrite(key);
  int64_t deadline = KeyEntry::kNoExpire;
  if (mode == TtlMode::kSet) deadline = expire_at;
  if (mode == TtlMode::kKeep) deadline = KeptDeadline(slot);
  KeyEntry* e = WriteWholeInline(db, slot, key, value, deadline, /*built=*/false);
  db.Emit(KeyEvent::kSet, e->key());
  if (mode == TtlMode::kSet) db.Emit(KeyEvent::kExpire, e->key());
  return e;
}

OpResult<int64_t> StringIncrBy(Database& db, std::string_view key, int64_t incr) {
  Database::WriteSlot slot = db.FindForWrite(key);
  if (OpStatus s = CheckString(slot); s != OpStatus::kOk) return s;
  int64_t value = 0;
  if (slot.entry() != nullptr && !base::ParseInt64(StringBytes(*slot.entry()), &value)) {
    return OpStatus::kNotAnInteger;
  }
  if ((incr < 0 && value < 0 && incr < std::numeric_limits<int64_t>::min() - value) ||
      (incr > 0 && value > 0 && incr > std::numeric_limits<int64_t>::max() - value)) {
    return OpStatus::kOverflow;
  }
  value += incr;
  // Formatted on the stack and written over the old bytes: no allocation
  // unless the entry must grow.
  char digits[base::kInt64Digits];
  const size_t n = base::FormatInt64(value, digits);
  KeyEntry* e = WriteWhole(db, slot, key, {digits, n}, KeptDeadline(slot), /*built=*/false);
  db.Emit(KeyEvent::kIncrBy, e->key());
  return value;
}

OpResult<std::string_view> StringIncrByFloat(Database& db, std::string_view key, long double incr) {
  Database::WriteSlot slot = db.FindForWrite(key);
  if (OpStatus s = CheckString(slot); s != OpStatus::kOk) return s;
  long double value = 0;
  if (slot.entry() != nullptr && !base::ParseLongDouble(StringBytes(*slot.entry()), &value)) {
    return OpStatus::kNotAFloat;
  }
  value += incr;
  if (std::isnan(value) || std::isinf(value)) return OpStatus::kNotFinite;
  char buf[base::kMaxLongDoubleChars];
  const std::string_view formatted(buf, base::FormatLongDouble(value, buf));
  // Redis stores the result with createStringObject, not tryObjectEncoding:
  // "3" is then an embstr, not an int.
  KeyEntry* e = WriteWhole(db, slot, key, formatted, KeptDeadline(slot), /*built=*/true);
  db.Emit(KeyEvent::kIncrByFloat, e->key());
  return StringBytes(*e);
}

OpResult<size_t> StringAppend(Database& db, std::string_view key, std::string_view tail,
                              uint64_t max_len) {
  Database::WriteSlot slot = db.FindForWrite(key);
  if (OpStatus s = CheckString(slot); s != OpStatus::kOk) return s;
  if (slot.entry() == nullptr) {
    // A new key is a plain SET of the argument (Redis keeps its int/embstr
    // encoding: not raw).
    KeyEntry* e = WriteWhole(db, slot, key, tail, KeyEntry::kNoExpire, /*built=*/false);
    db.Emit(KeyEvent::kAppend, e->key());
    return tail.size();
  }
  const size_t old_len = StringBytes(*slot.entry()).size();
  // Redis's checkStringLength, without overflowing the sum.
  if (old_len > max_len || tail.size() > max_len - old_len) return OpStatus::kTooLarge;
  // Greedy: a run of APPENDs grows the value in amortised O(1) per byte.
  // Redis unshares the value into a raw sds even when appending nothing.
  char* bytes = ResizeInPlace(db, slot, old_len + tail.size(), /*greedy=*/true);
  if (!tail.empty()) std::memcpy(bytes + old_len, tail.data(), tail.size());
  db.Emit(KeyEvent::kAppend, key);
  return old_len + tail.size();
}

KeyEntry* StringSetFilled(Database& db, std::string_view key, size_t len,
                          const std::function<void(char*)>& fill) {
  Database::WriteSlot slot = db.FindForWrite(key);
  KeyEntry* fresh;
  if (len > kMaxInlineStringBytes) {
    ByteBuffer* b = ByteBuffer::Resize(ByteBuffer::Create({}), len, /*greedy=*/false);
    fill(b->data());
    fresh =
        KeyEntry::CreateWithObject(key, b, KeyEntry::kNoExpire, ValueType::kString, kStringHeap);
  } else {
    char bytes[kMaxInlineStringBytes];
    fill(bytes);
    fresh = KeyEntry::CreateInline(key, {bytes, len}, KeyEntry::kNoExpire, ValueType::kString,
                                   kStringRaw);
  }
  KeyEntry* e = slot.entry() != nullptr ? db.Overwrite(slot, fresh) : db.Commit(slot, fresh);
  db.Emit(KeyEvent::kSet, e->key());
  return e;
}

OpStatus StringRewrite(Database& db, std::string_view key, std::string_view bytes) {
  Database::WriteSlot slot = db.FindForWrite(key);
  if (OpStatus s = CheckString(slot); s != OpStatus::kOk) return s;
  if (slot.entry() == nullptr) {
    WriteWhole(db, slot, key, {}, KeyEntry::kNoExpire, /*built=*/false);
    slot = db.FindForWrite(key);
  }
  char* out = ResizeInPlace(db, slot, bytes.size(), /*greedy=*/false);
  if (!bytes.empty()) std::memcpy(out, bytes.data(), bytes.size());
  return OpStatus::kOk;
}

OpResult<WritableBytes> StringForBitWrite(Database& db, std::string_view key, size_t min_len) {
  Database::WriteSlot slot = db.FindForWrite(key);
  if (OpStatus s = CheckString(slot); s != OpStatus::kOk) return s;
  if (slot.entry() == nullptr) {
    WriteWhole(db, slot, key, {}, KeyEntry::kNoExpire, /*built=*/false);
    slot = db.FindForWrite(key);
  }
  const size_t old_len = StringBytes(*slot.entry()).size();
  const size_t new_len = std::max(old_len, min_len);
  // Greedy growth, as sdsgrowzero: bit by bit, a bitmap grows in amortised
  // O(1). Even without growth the value becomes raw (dbUnshareStringValue).
  char* bytes = ResizeInPlace(db, slot, new_len, /*greedy=*/new_len > old_len && old_len > 0);
  if (new_len > old_len) std::memset(bytes + old_len, 0, new_len - old_len);
  return WritableBytes{bytes, new_len};
}

OpResult<size_t> StringSetRange(Database& db, std::string_view key, uint64_t offset,
                                std::string_view patch, uint64_t max_len) {
  Database::WriteSlot slot = db.FindForWrite(key);
  if (OpStatus s = CheckString(slot); s != OpStatus::kOk) return s;
  const size_t old_len = slot.entry() != nullptr ? StringBytes(*slot.entry()).size() : 0;
  // Writing nothing changes (and creates) nothing, whatever the offset.
  if (patch.empty()) return old_len;
  if (offset > max_len || patch.size() > max_len - offset) return OpStatus::kTooLarge;
  const bool created = slot.entry() == nullptr;
  if (created) {
    // An empty string first; it grows below, sized exactly.
    WriteWhole(db, slot, key, {}, KeyEntry::kNoExpire, /*built=*/false);
    slot = db.FindForWrite(key);
  }
  const auto at = static_cast<size_t>(offset);
  const size_t new_len = std::max(old_len, at + patch.size());
  // Growing an existing string is greedy, as Redis's sdsgrowzero; a new one
  // is sized exactly. Redis's result is a raw sds, also for a key it created.
  char* bytes = ResizeInPlace(db, slot, new_len, /*greedy=*/old_len > 0);
  if (at > old_len) std::memset(bytes + old_len, 0, at - old_len);
  std::memcpy(bytes + at, patch.data(), patch.size());
  db.Emit(KeyEvent::kSetRange, key);
  return new_len;
}

}  // namespace respd::store

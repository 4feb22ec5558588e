#include "store/types/list.h"

#include <algorithm>

#include "store/keyspace.h"

namespace respd::store {
namespace {

Quicklist* MutableListOf(const KeyEntry& e) { return static_cast<Quicklist*>(e.object()); }

// ---------------------------------------------------------------------------
// The value dispatch row.

std::string_view ListEncodingName(const KeyEntry&) { return "quicklist"; }

int ListRefcount(const KeyEntry&) { return 1; }

size_t ListObjectMemory(const KeyEntry& e) { return sizeof(Quicklist) + ListOf(e).MemoryUsage(); }

void* CopyListObject(const KeyEntry& e) { return ListOf(e).Copy(); }

// Redis's lazyfreeGetFreeEffort: one allocation per node.
size_t ListFreeEffort(const KeyEntry& e) { return ListOf(e).node_count(); }

bool FreeListObject(KeyEntry& e, size_t* budget) {
  if (!MutableListOf(e)->FreeSome(budget)) return false;
  delete MutableListOf(e);
  return true;
}

// The list at the slot for writing: the found entry, a new empty list (not
// yet committed) when absent, or kWrongType.
OpResult<KeyEntry*> ListForWrite(Database::WriteSlot& slot, std::string_view key,
                                 const TypeLimits& limits) {
  KeyEntry* e = slot.entry();
  if (e == nullptr) {
    auto* list =
        new Quicklist(static_cast<int>(std::clamp<int64_t>(
                          limits.list_max_listpack_size, Quicklist::kMinFill, Quicklist::kMaxFill)),
                      static_cast<int>(std::clamp<int64_t>(limits.list_compress_depth, 0, 65535)),
                      static_cast<size_t>(limits.list_packed_threshold));
    return KeyEntry::CreateWithObject(key, list, KeyEntry::kNoExpire, ValueType::kList,
                                      kListQuicklist);
  }
  if (e->type() != ValueType::kList) return OpStatus::kWrongType;
  return e;
}

// After a removal: the key goes with its last element (emitting "del").
void DeleteIfEmpty(Database& db, std::string_view key, const KeyEntry* e) {
  if (ListLength(*e) == 0) db.Delete(key);
}

KeyEvent PushEvent(ListEnd end) {
  return end == ListEnd::kHead ? KeyEvent::kLPush : KeyEvent::kRPush;
}
KeyEvent PopEvent(ListEnd end) { return end == ListEnd::kHead ? KeyEvent::kLPop : KeyEvent::kRPop; }

}  // namespace

const ValueOps kListValueOps = {
    .type_name = "list",
    .encoding_name = &ListEncodingName,
    .refcount = &ListRefcount,
    .object_memory = &ListObjectMemory,
    .copy_object = &CopyListObject,
    .free_effort = &ListFreeEffort,
    .free_some = &FreeListObject,
};

OpResult<KeyEntry*> FindList(Database& db, std::string_view key) {
  KeyEntry* e = db.FindForRead(key);
  if (e == nullptr) return OpStatus::kKeyNotFound;
  if (e->type() != ValueType::kList) return OpStatus::kWrongType;
  return e;
}

OpResult<KeyEntry*> FindListForWrite(Database& db, std::string_view key) {
  KeyEntry* e = db.Find(key);
  if (e == nullptr) return OpStatus::kKeyNotFound;
  if (e->type() != ValueType::kList) return OpStatus::kWrongType;
  return e;
}

OpResult<size_t> ListPush(Database& db, std::string_view key,
                          std::span<const std::string_view> elements, ListEnd end,
                          bool only_if_exists, const TypeLimits& limits) {
  Database::WriteSlot slot = db.FindForWrite(key);
  if (only_if_exists && slot.entry() == nullptr) return OpStatus::kKeyNotFound;
  OpResult<KeyEntry*> found = ListForWrite(slot, key, limits);
  if (!found) return found.status();
  KeyEntry* e = *found;
  Quicklist* list = MutableListOf(*e);
  for (std::string_view element : elements) list->Push(end, element);
  db.Commit(slot, e);
  db.Emit(PushEvent(end), e->key());
  return list->size();
}

OpResult<size_t> ListPop(Database& db, std::string_view key, ListEnd end, size_t count,
                         const std::function<void(std::string_view)>& fn) {
  OpResult<KeyEntry*> found = FindListForWrite(db, key);
  if (!found) return found.status();
  KeyEntry* e = *found;
  Quicklist* list = MutableListOf(*e);
  size_t popped = 0;
  while (popped < count && list->Pop(end, fn)) ++popped;
  db.Emit(PopEvent(end), key);
  DeleteIfEmpty(db, key, e);
  return popped;
}

OpStatus ListSet(Database& db, std::string_view key, int64_t index, std::string_view element) {
  OpResult<KeyEntry*> found = FindListForWrite(db, key);
  if (!found) return found.status();
  if (!MutableListOf(**found)->Replace(index, element)) return OpStatus::kOutOfRange;
  db.Emit(KeyEvent::kLSet, key);
  return OpStatus::kOk;
}

OpResult<int64_t> ListInsert(Database& db, std::string_view key, bool after, std::string_view pivot,
                             std::string_view element) {
  OpResult<KeyEntry*> found = FindListForWrite(db, key);
  if (!found) return found.status();
  Quicklist* list = MutableListOf(**found);
  if (!list->InsertAtPivot(pivot, element, after)) return int64_t{-1};
  db.Emit(KeyEvent::kLInsert, key);
  return static_cast<int64_t>(list->size());
}

OpResult<size_t> ListRemove(Database& db, std::string_view key, int64_t count,
                            std::string_view element) {
  OpResult<KeyEntry*> found = FindListForWrite(db, key);
  if (!found) return found.status();
  KeyEntry* e = *found;
  // |INT64_MIN| does not fit an int64; as a limit it is "all there are" anyway.
  const size_t limit =
      count < 0 ? static_cast<size_t>(-(count + 1)) + 1 : static_cast<size_t>(count);
  const size_t removed = MutableListOf(*e)->RemoveMatching(element, limit, count < 0);
  if (removed > 0) {
    db.Emit(KeyEvent::kLRem, key);
    DeleteIfEmpty(db, key, e);
  }
  return removed;
}

OpStatus ListTrim(Database& db, std::string_view key, int64_t start, int64_t end) {
  OpResult<KeyEntry*> found = FindListForWrite(db, key);
  if (!found) return found.status();
  KeyEntry* e = *found;
  Quicklist* list = MutableListOf(*e);
  const auto length = static_cast<int64_t>(list->size());
  int64_t left, right;  // Elements to drop at each end.
  if (ClampIndexRange(length, &start, &end)) {
    left = start;
    right = length - end - 1;
  } else {
    left = length;
    right = 0;
  }
  list->DeleteRange(0, static_cast<size_t>(left));
  if (right > 0) list->DeleteRange(-right, static_cast<size_t>(right));
  db.Emit(KeyEvent::kLTrim, key);
  DeleteIfEmpty(db, key, e);
  return OpStatus::kOk;
}

void ListStore(Database& db, std::string_view key, std::span<const std::string_view> elements,
               const TypeLimits& limits) {
  Database::WriteSlot absent;  // ListForWrite makes a fresh list for an empty slot.
  KeyEntry* fresh = *ListForWrite(absent, key, limits);
  Quicklist* list = MutableListOf(*fresh);
  for (std::string_view e : elements) list->Push(ListEnd::kTail, e);
  Database::WriteSlot slot = db.FindForWrite(key);
  if (slot.entry() != nullptr) {
    db.Overwrite(slot, fresh);
  } else {
    db.Commit(slot, fresh);
  }
  db.Emit(KeyEvent::kSortStore, key);
}

OpResult<std::optional<std::string>> ListMove(Database& db, std::string_view src,
                                              std::string_view dst, ListEnd from, ListEnd to,
                                              const TypeLimits& limits) {
  OpResult<KeyEntry*> source = FindListForWrite(db, src);
  if (!source) {
    if (source.status() == OpStatus::kKeyNotFound) return std::optional<std::string>();
    return source.status();
  }
  if (OpResult<KeyEntry*> target = FindListForWrite(db, dst);
      !target && target.status() == OpStatus::kWrongType) {
    return OpStatus::kWrongType;
  }
  // Copied out: the push below may be into this very list.
  std::string element;
  MutableListOf(**source)->Pop(from, &element);
  // The source entry stays put while the list is empty for a moment: the
  // push finds it again when src == dst, nothing deletes it, and an
  // aggregate's entry never moves, so it is still *source afterwards.
  const std::string_view one[] = {element};
  ListPush(db, dst, one, to, /*only_if_exists=*/false, limits);
  db.Emit(PopEvent(from), src);
  DeleteIfEmpty(db, src, *source);
  return std::optional<std::string>(std::move(element));
}

}  // namespace respd::store

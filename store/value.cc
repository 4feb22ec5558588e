#include "store/value.h"

#include <cstdlib>

#include "store/types/hash.h"
#include "store/types/list.h"
#include "store/types/set.h"
#include "store/types/stream.h"
#include "store/types/string.h"
#include "store/types/zset.h"

namespace respd::store {
namespace {

// Every type respd serves, by ValueType number. A new type adds its row.
constexpr const ValueOps* kTypes[kValueTypeSlots] = {
    /* kString */ &kStringValueOps,
    /* kList */ &kListValueOps,
    /* kSet */ &kSetValueOps,
    /* kZSet */ &kZSetValueOps,
    /* kHash */ &kHashValueOps,
    /* 5: Redis's module type */ nullptr,
    /* kStream */ &kStreamValueOps,
};

}  // namespace

const ValueOps& OpsOf(ValueType type) {
  const ValueOps* ops = kTypes[static_cast<size_t>(type) % kValueTypeSlots];
  if (ops == nullptr) std::abort();  // Unknown type: a broken invariant.
  return *ops;
}

size_t MemoryUsage(const KeyEntry& e) {
  size_t bytes = e.AllocationSize();
  if (e.holds_object()) bytes += OpsOf(e.type()).object_memory(e);
  return bytes;
}

size_t FreeEffort(const KeyEntry& e) {
  return e.holds_object() ? OpsOf(e.type()).free_effort(e) : 1;
}

void DestroyEntry(KeyEntry* e) {
  size_t unlimited = static_cast<size_t>(-1);
  DestroyEntrySome(e, &unlimited);
}

bool DestroyEntrySome(KeyEntry* e, size_t* budget) {
  if (e->holds_object() && !OpsOf(e->type()).free_some(*e, budget)) return false;
  KeyEntry::Free(e);
  if (*budget > 0) --*budget;
  return true;
}

KeyEntry* CopyEntry(const KeyEntry& e, std::string_view key) {
  KeyEntry* copy =
      e.holds_object()
          ? KeyEntry::CreateWithObject(key, OpsOf(e.type()).copy_object(e), e.expire_at(), e.type(),
                                       e.encoding())
          : KeyEntry::CreateInline(key, e.inline_value(), e.expire_at(), e.type(), e.encoding());
  copy->set_lru(e.lru());
  return copy;
}

}  // namespace respd::store

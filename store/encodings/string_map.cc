#include "store/encodings/string_map.h"

#include <algorithm>
#include <cstdlib>
#include <unordered_set>
#include <vector>

#include "base/random.h"

namespace respd::store {

StringMapEntry* StringMapEntry::Allocate(std::string_view field, std::string_view value) {
  const bool wide = field.size() >= kWide || value.size() >= kWide;
  const size_t header = wide ? 9 : 2;
  auto* e = static_cast<StringMapEntry*>(
      std::malloc(sizeof(StringMapEntry) + header + field.size() + value.size()));
  if (e == nullptr) std::abort();  // Out of memory: nothing sane to do.
  auto* p = reinterpret_cast<uint8_t*>(e->Bytes());
  if (wide) {
    const auto f = static_cast<uint32_t>(field.size());
    const auto v = static_cast<uint32_t>(value.size());
    p[0] = kWide;
    std::memcpy(p + 1, &f, 4);
    std::memcpy(p + 5, &v, 4);
  } else {
    p[0] = static_cast<uint8_t>(field.size());
    p[1] = static_cast<uint8_t>(value.size());
  }
  if (!field.empty()) std::memcpy(p + header, field.data(), field.size());
  if (!value.empty()) std::memcpy(p + header + field.size(), value.data(), value.size());
  e->next_ = nullptr;
  return e;
}

StringMapEntry* StringMapEntry::Create(std::string_view field, std::string_view value) {
  return Allocate(field, value);
}

void StringMapEntry::Destroy(StringMapEntry* e) { std::free(e); }

StringMapEntry* StringMapEntry::SetValue(StringMapEntry* e, std::string_view value) {
  const Lengths l = e->GetLengths();
  if (l.value == value.size()) {
    if (!value.empty()) std::memcpy(e->Bytes() + l.header + l.field, value.data(), value.size());
    return e;
  }
  StringMapEntry* fresh = Allocate(e->field(), value);
  fresh->next_ = e->next_;
  std::free(e);
  return fresh;
}

StringMap::~StringMap() {
  dict_.Clear([](StringMapEntry* e) { StringMapEntry::Destroy(e); });
  freeing_.FreeSome(SIZE_MAX, [](StringMapEntry* e) { StringMapEntry::Destroy(e); });
}

StringMap* StringMap::Copy() {
  auto* copy = new StringMap(*seed_);
  copy->dict_.Resize(dict_.size());
  dict_.ForEach([copy](StringMapEntry* e) {
    copy->dict_.Insert(StringMapEntry::Create(e->field(), e->value()));
  });
  copy->entry_bytes_ = entry_bytes_;
  return copy;
}

bool StringMap::Set(std::string_view field, std::string_view value) {
  auto slot = dict_.FindSlot(field);
  if (!slot) {
    StringMapEntry* e = StringMapEntry::Create(field, value);
    entry_bytes_ += e->RequestedBytes();
    dict_.Insert(e);
    return true;
  }
  StringMapEntry* old = slot.entry();
  entry_bytes_ -= old->RequestedBytes();
  StringMapEntry* e = StringMapEntry::SetValue(old, value);
  entry_bytes_ += e->RequestedBytes();
  if (e != old) Dict<StringMapTraits>::Replace(slot, e);
  return false;
}

bool StringMap::Add(std::string_view field, std::string_view value) {
  if (dict_.Find(field) != nullptr) return false;
  StringMapEntry* e = StringMapEntry::Create(field, value);
  entry_bytes_ += e->RequestedBytes();
  dict_.Insert(e);
  return true;
}

bool StringMap::Delete(std::string_view field) {
  StringMapEntry* e = dict_.Remove(field);
  if (e == nullptr) return false;
  entry_bytes_ -= e->RequestedBytes();
  StringMapEntry::Destroy(e);
  return true;
}

void StringMap::RandomDistinct(size_t count, const std::function<void(const StringMapEntry&)>& fn) {
  const size_t n = size();
  if (count * 3 > n) {
    std::vector<const StringMapEntry*> all;
    all.reserve(n);
    ForEach([&all](const StringMapEntry& p) { all.push_back(&p); });
    for (size_t i = 0; i < count; ++i) {
      std::swap(all[i], all[i + base::RandomBelow(n - i)]);
      fn(*all[i]);
    }
    return;
  }
  std::unordered_set<const StringMapEntry*> seen;
  while (seen.size() < count) {
    const StringMapEntry* p = Random();
    if (seen.insert(p).second) fn(*p);
  }
}

bool StringMap::FreeSome(size_t* budget) {
  if (!dict_.empty()) freeing_ = dict_.Detach();
  const size_t used =
      freeing_.FreeSome(*budget, [](StringMapEntry* e) { StringMapEntry::Destroy(e); });
  *budget -= std::min(used, *budget);
  entry_bytes_ = 0;
  // The bucket arrays go with the map (DetachedTable's destructor).
  return freeing_.empty();
}

}  // namespace respd::store

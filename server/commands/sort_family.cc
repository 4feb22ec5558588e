// SORT and SORT_RO, as Redis 7.0's sort.c: lists, sets and sorted sets,
// numerically (scores parsed with strtod; a value that is not one fails the
// whole command) or ALPHA, ASC/DESC, LIMIT, BY pattern (a '*' substituted by
// the element, "->field" reading a hash field; a pattern without '*' means
// "do not sort": the native order of lists and sorted sets), GET patterns
// ('#' is the element), STORE into a list. Equal numeric values sort by the
// elements' bytes, so the result is deterministic.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "base/ascii.h"
#include "base/numbers.h"
#include "server/commands/families.h"
#include "server/core/server.h"
#include "server/dispatch/command_context.h"
#include "server/dispatch/errors.h"
#include "store/types/hash.h"
#include "store/types/list.h"
#include "store/types/set.h"
#include "store/types/string.h"
#include "store/types/zset.h"

namespace respd::server {
namespace {

using store::KeyEntry;
using store::ValueType;

// Redis's lookupKeyByPattern: the value `pattern` names for `element`
// ("#": the element itself; "pre*post": the string at that key;
// "pre*post->field": that hash field), or nullopt. Patterns are read as C
// strings, as Redis reads them (up to a NUL).
std::optional<std::string> LookupByPattern(store::Database& db, std::string_view pattern,
                                           std::string_view element) {
  pattern = pattern.substr(0, std::min(pattern.size(), pattern.find('\0')));
  if (pattern == "#") return std::string(element);
  const size_t star = pattern.find('*');
  if (star == std::string_view::npos) return std::nullopt;
  std::string_view field;
  std::string_view rest = pattern.substr(star + 1);
  const size_t arrow = rest.find("->");
  if (arrow != std::string_view::npos && arrow + 2 < rest.size()) {
    field = rest.substr(arrow + 2);
    rest = rest.substr(0, arrow);
  }
  std::string key(pattern.substr(0, star));
  key += element;
  key += rest;
  const KeyEntry* e = db.FindForRead(key);
  if (e == nullptr) return std::nullopt;
  if (!field.empty()) {
    if (e->type() != ValueType::kHash) return std::nullopt;
    store::HashScratch scratch;
    std::optional<std::string_view> v = store::HashGet(*e, field, scratch);
    if (!v) return std::nullopt;
    return std::string(*v);
  }
  if (e->type() != ValueType::kString) return std::nullopt;
  return std::string(store::StringBytes(*e));
}

struct Item {
  std::string element;
  double score = 0;
  std::optional<std::string> by;  // ALPHA with BY: the value compared.
};

// strtod over the whole value, as sortCommand checks it.
bool ParseSortScore(const std::string& s, double* score) {
  errno = 0;
  char* end;
  *score = std::strtod(s.c_str(), &end);
  return *end == '\0' && errno != ERANGE && !std::isnan(*score);
}

// C-string order (strcoll in the C locale): what ALPHA compares without STORE.
int CompareCString(const std::string& a, const std::string& b) {
  return std::strcmp(a.c_str(), b.c_str());
}

void SortGeneric(CommandContext& ctx, bool readonly) {
  const auto& argv = ctx.argv;
  bool desc = false, alpha = false, dont_sort = false;
  int64_t limit_start = 0, limit_count = -1;
  std::optional<std::string_view> by, store_key;
  std::vector<std::string_view> gets;
  for (size_t j = 2; j < argv.size(); ++j) {
    const size_t left = argv.size() - j - 1;
    const std::string_view opt = argv[j];
    if (base::EqualsIgnoreCase(opt, "asc")) {
      desc = false;
    } else if (base::EqualsIgnoreCase(opt, "desc")) {
      desc = true;
    } else if (base::EqualsIgnoreCase(opt, "alpha")) {
      alpha = true;
    } else if (base::EqualsIgnoreCase(opt, "limit") && left >= 2) {
      if (!base::ParseInt64(argv[j + 1], &limit_start) ||
          !base::ParseInt64(argv[j + 2], &limit_count)) {
        ctx.Error(kErrNotInteger);
        return;
      }
      j += 2;
    } else if (!readonly && base::EqualsIgnoreCase(opt, "store") && left >= 1) {
      store_key = argv[++j];
    } else if (base::EqualsIgnoreCase(opt, "by") && left >= 1) {
      by = argv[++j];
      // A pattern without '*' names no key per element: nothing to sort by
      // (for good: a later BY does not undo it, as in Redis).
      const std::string_view p = by->substr(0, std::min(by->size(), by->find('\0')));
      if (p.find('*') == std::string_view::npos) dont_sort = true;
    } else if (base::EqualsIgnoreCase(opt, "get") && left >= 1) {
      gets.push_back(argv[++j]);
    } else {
      ctx.Error(kErrSyntax);
      return;
    }
  }
  KeyEntry* source = ctx.db.FindForRead(argv[1]);
  if (source != nullptr && source->type() != ValueType::kList &&
      source->type() != ValueType::kSet && source->type() != ValueType::kZSet) {
    ctx.Error(kErrWrongType);
    return;
  }
  const ValueType type = source != nullptr ? source->type() : ValueType::kList;
  // An unsorted set would come out in table order: with STORE, Redis sorts
  // it (ALPHA) so the stored result is deterministic.
  if (dont_sort && type == ValueType::kSet && store_key) {
    dont_sort = false;
    alpha = true;
    by.reset();
  }
  if (source != nullptr && type == ValueType::kZSet) store::ZSetConvertToSkipList(ctx.db, source);

  size_t length = 0;
  if (source != nullptr) {
    length = type == ValueType::kList  ? store::ListLength(*source)
             : type == ValueType::kSet ? store::SetLength(*source)
                                       : store::ZSetLength(*source);
  }
  // LIMIT as Redis clamps it (end may fall below start: nothing).
  const auto vlen = static_cast<int64_t>(length);
  int64_t start = limit_start < 0 ? 0 : limit_start;
  // start + count wraps for huge values as Redis's long arithmetic does in
  // practice (then start is past the end anyway): computed unsigned, no UB.
  int64_t end = limit_count < 0 ? vlen - 1
                                : static_cast<int64_t>(static_cast<uint64_t>(start) +
                                                       static_cast<uint64_t>(limit_count) - 1);
  if (start >= vlen) {
    start = vlen - 1;
    end = vlen - 2;
  }
  if (end >= vlen) end = vlen - 1;

  std::vector<Item> items;
  if (source != nullptr) {
    const bool native = type != ValueType::kSet && dont_sort;
    if (native && end >= start) {
      // Lists and sorted sets keep their order (reversed by DESC); only the
      // range is read.
      const auto first = static_cast<size_t>(start), count = static_cast<size_t>(end - start + 1);
      if (type == ValueType::kList) {
        const store::Quicklist& list = store::ListOf(*source);
        list.ForRange(desc ? -1 - start : start, count, desc, [&](std::string_view v) {
          items.push_back({std::string(v)});
          return true;
        });
      } else {
        store::ZSetRangeByRank(*source, first, first + count - 1, desc,
                               [&](std::string_view m, double) {
                                 items.push_back({std::string(m)});
                                 return true;
                               });
      }
      end -= start;
      start = 0;
    } else if (!native) {
      items.reserve(length);
      if (type == ValueType::kList) {
        store::ListOf(*source).ForEach([&](std::string_view v) {
          items.push_back({std::string(v)});
          return true;
        });
      } else if (type == ValueType::kSet) {
        store::SetForEach(*source, [&](std::string_view m) { items.push_back({std::string(m)}); });
      } else {
        store::ZSetForEach(*source, [&](std::string_view m, double) {
          items.push_back({std::string(m)});
          return true;
        });
      }
    }
  }

  bool conversion_error = false;
  if (!dont_sort) {
    for (Item& item : items) {
      std::optional<std::string> value;
      if (by) {
        value = LookupByPattern(ctx.db, *by, item.element);
        if (!value) continue;  // Scores 0; compares first in ALPHA.
      }
      if (alpha) {
        if (by) item.by = std::move(value);
      } else if (!ParseSortScore(by ? *value : item.element, &item.score)) {
        conversion_error = true;
      }
    }
    const bool binary = store_key.has_value();  // STORE compares bytes.
    auto compare = [&](const Item& a, const Item& b) {
      int cmp;
      if (!alpha) {
        cmp = a.score > b.score ? 1 : a.score < b.score ? -1 : a.element.compare(b.element);
      } else if (by) {
        if (!a.by || !b.by) {
          cmp = a.by.has_value() == b.by.has_value() ? 0 : (!a.by ? -1 : 1);
        } else {
          cmp = binary ? a.by->compare(*b.by) : CompareCString(*a.by, *b.by);
        }
      } else {
        cmp = binary ? a.element.compare(b.element) : CompareCString(a.element, b.element);
      }
      return desc ? cmp > 0 : cmp < 0;
    };
    std::stable_sort(items.begin(), items.end(), compare);
  }

  if (conversion_error) {
    ctx.Error("ERR One or more scores can't be converted into double");
    return;
  }
  const size_t rows = end >= start ? static_cast<size_t>(end - start + 1) : 0;
  const size_t output = gets.empty() ? rows : gets.size() * rows;
  if (!store_key) {
    ctx.reply.ArrayHeader(output);
    for (size_t j = 0; j < rows; ++j) {
      const Item& item = items[static_cast<size_t>(start) + j];
      if (gets.empty()) ctx.reply.Bulk(item.element);
      for (std::string_view get : gets) {
        if (auto v = LookupByPattern(ctx.db, get, item.element)) {
          ctx.reply.Bulk(*v);
        } else {
          ctx.reply.Null();
        }
      }
    }
    return;
  }
  std::vector<std::string> stored;
  stored.reserve(output);
  for (size_t j = 0; j < rows; ++j) {
    const Item& item = items[static_cast<size_t>(start) + j];
    if (gets.empty()) stored.push_back(item.element);
    for (std::string_view get : gets) {
      stored.push_back(LookupByPattern(ctx.db, get, item.element).value_or(""));
    }
  }
  if (stored.empty()) {
    ctx.db.Delete(*store_key);
  } else {
    const std::vector<std::string_view> views(stored.begin(), stored.end());
    store::ListStore(ctx.db, *store_key, views, ctx.server.type_limits());
  }
  ctx.reply.Integer(static_cast<int64_t>(output));
}

void SortCommand(CommandContext& ctx) { SortGeneric(ctx, false); }
void SortRoCommand(CommandContext& ctx) { SortGeneric(ctx, true); }

constexpr CommandSpec kSortCommands[] = {
    {.name = "sort", .handler = &SortCommand},
    {.name = "sort_ro", .handler = &SortRoCommand},
};

}  // namespace

std::span<const CommandSpec> SortCommands() { return kSortCommands; }

}  // namespace respd::server

// Sorted-set algebra: ZUNION ZINTER ZDIFF ZUNIONSTORE ZINTERSTORE ZDIFFSTORE
// ZINTERCARD, as Redis 7.0's zunionInterDiffGenericCommand: inputs may be
// sorted sets or plain sets (members scoring 1), WEIGHTS multiply, AGGREGATE
// SUM (inf + -inf counts as 0) / MIN / MAX combines, a weighted NaN (inf * 0)
// counts as 0. Results are in score order; the STORE forms keep them in the
// encoding their size calls for and delete the destination when empty.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/ascii.h"
#include "base/numbers.h"
#include "server/commands/families.h"
#include "server/core/server.h"
#include "server/dispatch/command_context.h"
#include "server/dispatch/errors.h"
#include "store/types/set.h"
#include "store/types/zset.h"

namespace respd::server {
namespace {

using store::KeyEntry;

enum class Op : uint8_t { kUnion, kInter, kDiff };
enum class Aggregate : uint8_t { kSum, kMin, kMax };

// One input: a sorted set, a set, or nothing (a missing key).
struct Source {
  const KeyEntry* entry = nullptr;
  double weight = 1;

  bool is_set() const { return entry != nullptr && entry->type() == store::ValueType::kSet; }
  size_t size() const {
    if (entry == nullptr) return 0;
    return is_set() ? store::SetLength(*entry) : store::ZSetLength(*entry);
  }
  std::optional<double> Find(std::string_view member) const {
    if (entry == nullptr) return std::nullopt;
    if (is_set())
      return store::SetContains(*entry, member) ? std::optional<double>(1.0) : std::nullopt;
    return store::ZSetScore(*entry, member);
  }
  void ForEach(const std::function<void(std::string_view, double)>& fn) const {
    if (entry == nullptr) return;
    if (is_set()) {
      store::SetForEach(*entry, [&fn](std::string_view m) { fn(m, 1.0); });
    } else {
      store::ZSetForEach(*entry, [&fn](std::string_view m, double s) {
        fn(m, s);
        return true;
      });
    }
  }
};

void Combine(double* target, double value, Aggregate aggregate) {
  switch (aggregate) {
    case Aggregate::kSum:
      *target += value;
      if (std::isnan(*target)) *target = 0;  // inf + -inf
      break;
    case Aggregate::kMin:
      *target = std::min(*target, value);
      break;
    case Aggregate::kMax:
      *target = std::max(*target, value);
      break;
  }
}

double Weighted(double score, double weight) {
  const double v = score * weight;
  return std::isnan(v) ? 0 : v;  // inf * 0
}

using Elements = std::vector<std::pair<std::string, double>>;

void SortByScore(Elements* out) {
  std::sort(out->begin(), out->end(), [](const auto& a, const auto& b) {
    return a.second < b.second || (a.second == b.second && a.first < b.first);
  });
}

// The intersection, walking the smallest input (sources sorted by size);
// with `count_only`, just how many (stopping at `limit` when it is not 0).
size_t Intersect(const std::vector<Source>& sources, Aggregate aggregate, bool count_only,
                 size_t limit, Elements* out) {
  if (sources[0].size() == 0) return 0;
  size_t count = 0;
  bool stop = false;
  sources[0].ForEach([&](std::string_view member, double score) {
    if (stop) return;
    double total = Weighted(score, sources[0].weight);
    for (size_t j = 1; j < sources.size(); ++j) {
      const std::optional<double> other = sources[j].entry == sources[0].entry
                                              ? std::optional<double>(score)
                                              : sources[j].Find(member);
      if (!other) return;
      Combine(&total, *other * sources[j].weight, aggregate);
    }
    ++count;
    if (count_only) {
      stop = limit != 0 && count >= limit;
    } else {
      out->emplace_back(member, total);
    }
  });
  return count;
}

void Union(const std::vector<Source>& sources, Aggregate aggregate, Elements* out) {
  std::unordered_map<std::string, double> acc;
  if (!sources.empty()) acc.reserve(sources.back().size());
  for (const Source& s : sources) {
    s.ForEach([&](std::string_view member, double score) {
      const double v = Weighted(score, s.weight);
      auto [it, fresh] = acc.try_emplace(std::string(member), v);
      if (!fresh) Combine(&it->second, v, aggregate);
    });
  }
  out->reserve(acc.size());
  for (auto& [m, s] : acc) out->emplace_back(m, s);
}

// The first input's members in none of the others, with its scores.
void Difference(const std::vector<Source>& sources, Elements* out) {
  sources[0].ForEach([&](std::string_view member, double score) {
    for (size_t j = 1; j < sources.size(); ++j) {
      if (sources[j].entry == sources[0].entry || sources[j].Find(member)) return;
    }
    out->emplace_back(member, score);
  });
}

// ZUNION/ZINTER/ZDIFF numkeys key… [WEIGHTS w…] [AGGREGATE SUM|MIN|MAX]
// [WITHSCORES]; the STORE forms take the destination first; ZINTERCARD
// numkeys key… [LIMIT n].
void AlgebraGeneric(CommandContext& ctx, Op op, bool store, bool count_only) {
  const auto& argv = ctx.argv;
  const size_t numkeys_at = store ? 2 : 1;
  int64_t numkeys;
  if (!base::ParseInt64(argv[numkeys_at], &numkeys)) {
    ctx.Error(kErrNotInteger);
    return;
  }
  if (numkeys < 1) {
    ctx.Error("ERR at least 1 input key is needed for '" + ctx.command.fullname + "' command");
    return;
  }
  if (static_cast<uint64_t>(numkeys) > argv.size() - numkeys_at - 1) {
    ctx.Error(kErrSyntax);
    return;
  }
  const auto n = static_cast<size_t>(numkeys);
  std::vector<Source> sources(n);
  size_t j = numkeys_at + 1;
  for (size_t i = 0; i < n; ++i, ++j) {
    KeyEntry* e = store ? ctx.db.Find(argv[j]) : ctx.db.FindForRead(argv[j]);
    if (e != nullptr && e->type() != store::ValueType::kZSet &&
        e->type() != store::ValueType::kSet) {
      ctx.Error(kErrWrongType);
      return;
    }
    sources[i].entry = e;
  }
  Aggregate aggregate = Aggregate::kSum;
  bool withscores = false;
  int64_t limit = 0;
  while (j < argv.size()) {
    const size_t remaining = argv.size() - j;
    if (op != Op::kDiff && !count_only && remaining >= n + 1 &&
        base::EqualsIgnoreCase(argv[j], "weights")) {
      ++j;
      for (size_t i = 0; i < n; ++i, ++j) {
        if (!base::ParseDouble(argv[j], &sources[i].weight)) {
          ctx.Error("ERR weight value is not a float");
          return;
        }
      }
    } else if (op != Op::kDiff && !count_only && remaining >= 2 &&
               base::EqualsIgnoreCase(argv[j], "aggregate")) {
      const std::string_view how = argv[j + 1];
      if (base::EqualsIgnoreCase(how, "sum")) {
        aggregate = Aggregate::kSum;
      } else if (base::EqualsIgnoreCase(how, "min")) {
        aggregate = Aggregate::kMin;
      } else if (base::EqualsIgnoreCase(how, "max")) {
        aggregate = Aggregate::kMax;
      } else {
        ctx.Error(kErrSyntax);
        return;
      }
      j += 2;
    } else if (!store && !count_only && base::EqualsIgnoreCase(argv[j], "withscores")) {
      withscores = true;
      ++j;
    } else if (count_only && remaining >= 2 && base::EqualsIgnoreCase(argv[j], "limit")) {
      if (!base::ParseInt64(argv[j + 1], &limit) || limit < 0) {
        ctx.Error("ERR LIMIT can't be negative");
        return;
      }
      j += 2;
    } else {
      ctx.Error(kErrSyntax);
      return;
    }
  }
  if (op != Op::kDiff) {
    std::stable_sort(sources.begin(), sources.end(),
                     [](const Source& a, const Source& b) { return a.size() < b.size(); });
  }
  Elements result;
  if (op == Op::kInter) {
    const size_t count =
        Intersect(sources, aggregate, count_only, static_cast<size_t>(limit), &result);
    if (count_only) {
      ctx.reply.Integer(static_cast<int64_t>(count));
      return;
    }
  } else if (op == Op::kUnion) {
    Union(sources, aggregate, &result);
  } else {
    Difference(sources, &result);
  }
  SortByScore(&result);
  if (store) {
    static constexpr store::KeyEvent kEvents[] = {
        store::KeyEvent::kZUnionStore, store::KeyEvent::kZInterStore, store::KeyEvent::kZDiffStore};
    store::ZSetStore(ctx.db, argv[1], result, kEvents[static_cast<size_t>(op)],
                     ctx.server.type_limits());
    ctx.reply.Integer(static_cast<int64_t>(result.size()));
    return;
  }
  const bool resp3 = ctx.reply.resp3();
  ctx.reply.ArrayHeader(withscores && !resp3 ? 2 * result.size() : result.size());
  for (const auto& [m, s] : result) {
    if (withscores && resp3) ctx.reply.ArrayHeader(2);
    ctx.reply.Bulk(m);
    if (withscores) ctx.reply.Double(s);
  }
}

void ZUnionCommand(CommandContext& ctx) { AlgebraGeneric(ctx, Op::kUnion, false, false); }
void ZInterCommand(CommandContext& ctx) { AlgebraGeneric(ctx, Op::kInter, false, false); }
void ZDiffCommand(CommandContext& ctx) { AlgebraGeneric(ctx, Op::kDiff, false, false); }
void ZUnionStoreCommand(CommandContext& ctx) { AlgebraGeneric(ctx, Op::kUnion, true, false); }
void ZInterStoreCommand(CommandContext& ctx) { AlgebraGeneric(ctx, Op::kInter, true, false); }
void ZDiffStoreCommand(CommandContext& ctx) { AlgebraGeneric(ctx, Op::kDiff, true, false); }
void ZInterCardCommand(CommandContext& ctx) { AlgebraGeneric(ctx, Op::kInter, false, true); }

constexpr CommandSpec kZSetAlgebraCommands[] = {
    {.name = "zunion", .handler = &ZUnionCommand},
    {.name = "zinter", .handler = &ZInterCommand},
    {.name = "zdiff", .handler = &ZDiffCommand},
    {.name = "zunionstore", .handler = &ZUnionStoreCommand},
    {.name = "zinterstore", .handler = &ZInterStoreCommand},
    {.name = "zdiffstore", .handler = &ZDiffStoreCommand},
    {.name = "zintercard", .handler = &ZInterCardCommand},
};

}  // namespace

std::span<const CommandSpec> ZSetAlgebraCommands() { return kZSetAlgebraCommands; }

}  // namespace respd::server

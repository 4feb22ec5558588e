// HyperLogLog: PFADD PFCOUNT PFMERGE PFDEBUG PFSELFTEST, with Redis 7.0's
// replies, errors and side effects (src/hyperloglog.c): an HLL is a string
// value in Redis's representation (store/encodings/hyperloglog.h), so GET,
// DUMP and RESTORE carry it between respd and Redis as it is.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "base/ascii.h"
#include "base/random.h"
#include "server/commands/families.h"
#include "server/core/server.h"
#include "server/dispatch/command_context.h"
#include "server/dispatch/errors.h"
#include "store/encodings/hyperloglog.h"
#include "store/types/string.h"

namespace respd::server {
namespace {

namespace hll = store::hll;
using store::OpStatus;

constexpr std::string_view kErrNotHll = "WRONGTYPE Key is not a valid HyperLogLog string value.";
constexpr std::string_view kErrCorrupt = "INVALIDOBJ Corrupted HLL object detected";

size_t SparseMaxBytes(CommandContext& ctx) {
  return static_cast<size_t>(ctx.server.type_limits().hll_sparse_max_bytes);
}

// The string at `key` for a write (Redis's lookupKeyWrite: no keyspace
// hit or miss is counted): kKeyNotFound, kWrongType or its bytes.
store::OpResult<std::string_view> StringForWrite(CommandContext& ctx, std::string_view key) {
  const store::KeyEntry* e = ctx.db.Find(key);
  if (e == nullptr) return OpStatus::kKeyNotFound;
  if (e->type() != store::ValueType::kString) return OpStatus::kWrongType;
  return store::StringBytes(*e);
}

// The HLL at `key`: its bytes (nullopt when missing; valid until the next
// write), or false after replying WRONGTYPE (another type, or a string that
// is no HLL). `for_write` looks it up as a write does (no hit/miss counted).
bool ReadHll(CommandContext& ctx, std::string_view key, std::optional<std::string_view>* out,
             bool for_write = false) {
  auto value = for_write ? StringForWrite(ctx, key) : store::StringGet(ctx.db, key);
  if (!value) {
    if (value.status() == OpStatus::kKeyNotFound) {
      out->reset();
      return true;
    }
    ctx.Error(OpStatusError(value.status()));
    return false;
  }
  if (!hll::LooksValid(*value)) {
    ctx.Error(kErrNotHll);
    return false;
  }
  out->emplace(*value);
  return true;
}

// PFADD key [element ...]
void PfAddCommand(CommandContext& ctx) {
  std::optional<std::string_view> current;
  if (!ReadHll(ctx, ctx.argv[1], &current, /*for_write=*/true)) return;
  // A dense HLL is updated where it lies (it never changes size); Redis
  // unshares the value (raw) whether or not a register changes.
  if (current && hll::EncodingOf(*current) == hll::kDense) {
    auto bytes = store::StringForBitWrite(ctx.db, ctx.argv[1], 0);
    bool updated = false;
    for (std::string_view element : ctx.argv.subspan(2)) {
      updated |= hll::AddToDense(bytes->data, element) == 1;
    }
    if (updated) ctx.db.Emit(store::KeyEvent::kPfAdd, ctx.argv[1]);
    ctx.reply.Integer(updated ? 1 : 0);
    return;
  }
  // A sparse one (at most hll-sparse-max-bytes) is edited in a copy: it
  // changes size, and may turn dense.
  bool updated = !current.has_value();  // Creating the key is a change.
  std::string h = current ? std::string(*current) : hll::New();
  for (std::string_view element : ctx.argv.subspan(2)) {
    const int r = hll::Add(h, element, SparseMaxBytes(ctx));
    if (r < 0) {
      ctx.Error(kErrCorrupt);
      return;
    }
    updated |= r == 1;
  }
  if (updated) {
    hll::InvalidateCache(h);
    store::StringRewrite(ctx.db, ctx.argv[1], h);
    ctx.db.Emit(store::KeyEvent::kPfAdd, ctx.argv[1]);
  }
  ctx.reply.Integer(updated ? 1 : 0);
}

// PFCOUNT key [key ...]
void PfCountCommand(CommandContext& ctx) {
  if (ctx.argv.size() > 2) {
    // The union's cardinality, from the registers' maxima.
    std::vector<uint8_t> max(hll::kRegisters, 0);
    for (std::string_view key : ctx.argv.subspan(1)) {
      std::optional<std::string_view> h;
      if (!ReadHll(ctx, key, &h)) return;
      if (h && !hll::MergeInto(*h, max.data())) {
        ctx.Error(kErrCorrupt);
        return;
      }
    }
    ctx.reply.Integer(static_cast<int64_t>(hll::CountRaw(max.data())));
    return;
  }
  std::optional<std::string_view> h;
  if (!ReadHll(ctx, ctx.argv[1], &h)) return;
  if (!h) {
    ctx.reply.Integer(0);
    return;
  }
  uint64_t card;
  if (!hll::CachedCount(*h, &card)) {
    if (!hll::Count(*h, &card)) {
      ctx.Error(kErrCorrupt);
      return;
    }
    // The cache lives in the value: refreshing it is a (silent) write.
    std::string refreshed(*h);
    hll::SetCachedCount(refreshed, card);
    store::StringRewrite(ctx.db, ctx.argv[1], refreshed);
    ctx.db.Emit(store::KeyEvent::kTouched, ctx.argv[1]);
  }
  ctx.reply.Integer(static_cast<int64_t>(card));
}

// PFMERGE destkey [sourcekey ...]: the destination is one of the sources.
void PfMergeCommand(CommandContext& ctx) {
  std::vector<uint8_t> max(hll::kRegisters, 0);
  bool use_dense = false;
  std::optional<std::string> dest;
  for (size_t i = 1; i < ctx.argv.size(); ++i) {
    std::optional<std::string_view> h;
    if (!ReadHll(ctx, ctx.argv[i], &h)) return;
    if (!h) continue;
    if (hll::EncodingOf(*h) == hll::kDense) use_dense = true;
    if (!hll::MergeInto(*h, max.data())) {
      ctx.Error(kErrCorrupt);
      return;
    }
    if (i == 1) dest.emplace(*h);  // Copied: the sources' lookups may follow.
  }
  std::string h = dest ? std::move(*dest) : hll::New();
  if (use_dense && !hll::ToDense(h)) {
    ctx.Error(kErrCorrupt);
    return;
  }
  for (int j = 0; j < hll::kRegisters; ++j) {
    if (max[static_cast<size_t>(j)] != 0) {
      hll::SetRegister(h, j, max[static_cast<size_t>(j)], SparseMaxBytes(ctx));
    }
  }
  hll::InvalidateCache(h);
  store::StringRewrite(ctx.db, ctx.argv[1], h);
  // Redis notifies a merge as a PFADD (a mass add of elements).
  ctx.db.Emit(store::KeyEvent::kPfAdd, ctx.argv[1]);
  ctx.reply.Ok();
}

// PFDEBUG GETREG|DECODE|ENCODING|TODENSE key
void PfDebugCommand(CommandContext& ctx) {
  const std::string_view sub = ctx.argv[1];
  std::optional<std::string_view> found;
  if (!ReadHll(ctx, ctx.argv[2], &found, /*for_write=*/true)) return;
  if (!found) {
    ctx.Error("ERR The specified key does not exist");
    return;
  }
  std::string h(*found);  // Edited (TODENSE, GETREG) and written back.
  const auto arity_error = [&] {
    ctx.Error("ERR Wrong number of arguments for the '" + std::string(sub) + "' subcommand");
  };
  // Redis unshares the value whatever the subcommand: it is raw afterwards.
  const auto write_back = [&] { store::StringRewrite(ctx.db, ctx.argv[2], h); };
  if (base::EqualsIgnoreCase(sub, "getreg")) {
    if (ctx.argv.size() != 3) return arity_error();
    if (hll::EncodingOf(h) == hll::kSparse && !hll::ToDense(h)) {
      ctx.Error(kErrCorrupt);
      return;
    }
    write_back();
    ctx.reply.ArrayHeader(hll::kRegisters);
    for (int j = 0; j < hll::kRegisters; ++j) ctx.reply.Integer(hll::DenseRegister(h, j));
  } else if (base::EqualsIgnoreCase(sub, "decode")) {
    if (ctx.argv.size() != 3) return arity_error();
    write_back();
    if (hll::EncodingOf(h) != hll::kSparse) {
      ctx.Error("ERR HLL encoding is not sparse");
      return;
    }
    ctx.reply.Bulk(hll::Decode(h));
  } else if (base::EqualsIgnoreCase(sub, "encoding")) {
    if (ctx.argv.size() != 3) return arity_error();
    write_back();
    ctx.reply.SimpleString(hll::EncodingOf(h) == hll::kDense ? "dense" : "sparse");
  } else if (base::EqualsIgnoreCase(sub, "todense")) {
    if (ctx.argv.size() != 3) return arity_error();
    const bool converted = hll::EncodingOf(h) == hll::kSparse;
    if (converted && !hll::ToDense(h)) {
      ctx.Error(kErrCorrupt);
      return;
    }
    write_back();
    ctx.reply.Integer(converted ? 1 : 0);
  } else {
    write_back();
    ctx.Error("ERR Unknown PFDEBUG subcommand '" + std::string(sub) + "'");
  }
}

// PFSELFTEST: the representation's own checks, as Redis's: every dense
// register holds what was written; the sparse and dense forms of one set of
// elements count the same; the estimate stays within the expected error.
void PfSelfTestCommand(CommandContext& ctx) {
  // Registers: random values written and read back, all of them.
  std::string dense = hll::New();
  hll::ToDense(dense);
  std::vector<uint8_t> expected(hll::kRegisters);
  for (int round = 0; round < 100; ++round) {
    for (int j = 0; j < hll::kRegisters; ++j) {
      expected[static_cast<size_t>(j)] = static_cast<uint8_t>(base::RandomBelow(64));
    }
    std::memset(dense.data() + hll::kHeaderSize, 0, hll::kDenseSize - hll::kHeaderSize);
    for (int j = 0; j < hll::kRegisters; ++j) {
      hll::SetRegister(dense, j, expected[static_cast<size_t>(j)], 0);
    }
    for (int j = 0; j < hll::kRegisters; ++j) {
      if (hll::DenseRegister(dense, j) != expected[static_cast<size_t>(j)]) {
        ctx.Error("TESTFAILED Register error at index " + std::to_string(j));
        return;
      }
    }
  }
  // Estimates: sparse and dense agree, and the relative error stays within
  // five standard errors (1.04 / sqrt(m)).
  std::string sparse = hll::New();
  dense = hll::New();
  hll::ToDense(dense);
  const double tolerance = 5 * 1.04 / std::sqrt(static_cast<double>(hll::kRegisters));
  uint64_t next_check = 10;
  for (uint64_t j = 1; j <= 1'000'000; ++j) {
    const std::string element = std::to_string(base::RandomU64()) + "-" + std::to_string(j);
    hll::Add(sparse, element, 3000);
    hll::Add(dense, element, 0);
    if (j != next_check) continue;
    next_check *= 10;
    uint64_t a = 0, b = 0;
    hll::Count(sparse, &a);
    hll::Count(dense, &b);
    if (a != b) {
      ctx.Error("TESTFAILED sparse and dense disagree: " + std::to_string(a) + " vs " +
                std::to_string(b));
      return;
    }
    const double error = std::fabs(static_cast<double>(a) - static_cast<double>(j)) / j;
    if (j >= 1000 && error > tolerance) {
      ctx.Error("TESTFAILED Too big error. card:" + std::to_string(j) +
                " abserr:" + std::to_string(error));
      return;
    }
  }
  ctx.reply.Ok();
}

constexpr CommandSpec kHyperLogLogCommands[] = {
    {.name = "pfadd", .handler = &PfAddCommand},
    // May replicate (its cache write): CLIENT PAUSE WRITE holds it.
    {.name = "pfcount", .handler = &PfCountCommand, .hidden_flags = kCmdMayReplicate},
    {.name = "pfmerge", .handler = &PfMergeCommand},
    {.name = "pfdebug", .handler = &PfDebugCommand},
    {.name = "pfselftest", .handler = &PfSelfTestCommand},
};

}  // namespace

std::span<const CommandSpec> HyperLogLogCommands() { return kHyperLogLogCommands; }

}  // namespace respd::server

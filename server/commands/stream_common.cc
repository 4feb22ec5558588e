#include "server/commands/stream_common.h"

#include <string>

#include "base/ascii.h"
#include "base/numbers.h"
#include "server/core/server.h"

namespace respd::server {

using store::StreamId;

bool ParseStreamId(CommandContext& ctx, std::string_view arg, uint64_t missing_seq, bool strict,
                   StreamId* id, bool* seq_given, bool reply) {
  auto invalid = [&] {
    if (reply) ctx.Error(kErrInvalidStreamId);
    return false;
  };
  // Redis reads the argument as a C string in a 128-byte buffer.
  if (arg.size() > 127) return invalid();
  arg = arg.substr(0, arg.find('\0'));
  if (strict && (arg == "-" || arg == "+")) return invalid();
  if (seq_given != nullptr) *seq_given = true;
  if (arg == "-") {
    *id = StreamId::Min();
    return true;
  }
  if (arg == "+") {
    *id = StreamId::Max();
    return true;
  }
  if (seq_given != nullptr && arg.size() >= 2 && arg.ends_with("-*") &&
      arg.find('-') == arg.size() - 2) {
    // "<ms>-*": the sequence is for XADD to choose.
    if (!StreamId::Parse(arg.substr(0, arg.size() - 2), 0, id)) return invalid();
    *seq_given = false;
    return true;
  }
  if (!StreamId::Parse(arg, missing_seq, id)) return invalid();
  return true;
}

namespace {

// "(<id>" is exclusive (strict: "(-" and "(+" are invalid); "(" alone is
// not a prefix but an ID (and invalid).
bool ParseBound(CommandContext& ctx, std::string_view arg, uint64_t missing_seq, StreamId* id,
                bool* exclusive) {
  *exclusive = arg.size() > 1 && arg[0] == '(';
  if (*exclusive) return ParseStreamId(ctx, arg.substr(1), missing_seq, /*strict=*/true, id);
  return ParseStreamId(ctx, arg, missing_seq, /*strict=*/false, id);
}

}  // namespace

bool ParseRangeStart(CommandContext& ctx, std::string_view arg, StreamId* id) {
  bool exclusive;
  if (!ParseBound(ctx, arg, 0, id, &exclusive)) return false;
  if (exclusive && !id->Increment()) {
    ctx.Error("ERR invalid start ID for the interval");
    return false;
  }
  return true;
}

bool ParseRangeEnd(CommandContext& ctx, std::string_view arg, StreamId* id) {
  bool exclusive;
  if (!ParseBound(ctx, arg, UINT64_MAX, id, &exclusive)) return false;
  if (exclusive && !id->Decrement()) {
    ctx.Error("ERR invalid end ID for the interval");
    return false;
  }
  return true;
}

int ParseAddTrimArgs(CommandContext& ctx, bool xadd, StreamAddTrimArgs* args) {
  using Strategy = store::StreamTrimSpec::Strategy;
  *args = StreamAddTrimArgs{};
  store::StreamTrimSpec& trim = args->trim;
  const auto argv = ctx.argv;
  const size_t argc = argv.size();
  bool limit_given = false;
  size_t i = 2;
  // A trimming strategy's argument, after an optional "~" or "=".
  auto strategy_arg = [&](size_t more) {
    trim.approx = false;
    const std::string_view next = argv[i + 1];
    if (more >= 2 && next == "~") {
      trim.approx = true;
      ++i;
    } else if (more >= 2 && next == "=") {
      ++i;
    }
    return argv[i + 1];
  };
  for (; i < argc; ++i) {
    const size_t more = argc - 1 - i;
    const std::string_view opt = argv[i];
    if (xadd && opt == "*") break;  // The common case: an automatic ID.
    if (base::EqualsIgnoreCase(opt, "maxlen") && more > 0) {
      if (trim.strategy != Strategy::kNone) {
        ctx.Error("ERR syntax error, MAXLEN and MINID options at the same time are not compatible");
        return -1;
      }
      if (!base::ParseInt64(strategy_arg(more), &trim.maxlen)) {
        ctx.Error(kErrNotInteger);
        return -1;
      }
      if (trim.maxlen < 0) {
        ctx.Error("ERR The MAXLEN argument must be >= 0.");
        return -1;
      }
      ++i;
      trim.strategy = Strategy::kMaxLen;
    } else if (base::EqualsIgnoreCase(opt, "minid") && more > 0) {
      if (trim.strategy != Strategy::kNone) {
        ctx.Error("ERR syntax error, MAXLEN and MINID options at the same time are not compatible");
        return -1;
      }
      if (!ParseStreamId(ctx, strategy_arg(more), 0, /*strict=*/true, &trim.minid)) return -1;
      ++i;
      trim.strategy = Strategy::kMinId;
    } else if (base::EqualsIgnoreCase(opt, "limit") && more > 0) {
      if (!base::ParseInt64(argv[i + 1], &trim.limit)) {
        ctx.Error(kErrNotInteger);
        return -1;
      }
      if (trim.limit < 0) {
        ctx.Error("ERR The LIMIT argument must be >= 0.");
        return -1;
      }
      limit_given = true;
      ++i;
    } else if (xadd && base::EqualsIgnoreCase(opt, "nomkstream")) {
      args->no_mkstream = true;
    } else if (xadd) {
      // Anything else is the ID, or a syntax error reported as a bad ID.
      if (!ParseStreamId(ctx, opt, 0, /*strict=*/true, &args->id, &args->seq_given)) return -1;
      args->id_given = true;
      break;
    } else {
      ctx.Error(kErrSyntax);
      return -1;
    }
  }
  if (trim.limit != 0 && trim.strategy == Strategy::kNone) {
    ctx.Error("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy");
    return -1;
  }
  if (!xadd && trim.strategy == Strategy::kNone) {
    ctx.Error("ERR syntax error, XTRIM must be called with a trimming strategy");
    return -1;
  }
  if (limit_given) {
    if (!trim.approx) {
      ctx.Error("ERR syntax error, LIMIT cannot be used without the special ~ option");
      return -1;
    }
  } else if (trim.approx) {
    // Approximate trimming does at most 100 nodes' worth of work unless
    // told otherwise; exact trimming is never limited.
    trim.limit = 100 * ctx.server.type_limits().stream_node_max_entries;
    if (trim.limit <= 0) trim.limit = 10000;
    if (trim.limit > 1000000) trim.limit = 1000000;
  } else {
    trim.limit = 0;
  }
  return static_cast<int>(i);
}

void ReplyNoKeyOrGroup(CommandContext& ctx, std::string_view key, std::string_view group,
                       std::string_view suffix) {
  std::string err = "NOGROUP No such key '";
  err.append(key).append("' or consumer group '").append(group).append("'").append(suffix);
  ctx.Error(err);
}

void ReplyNoSuchGroup(CommandContext& ctx, std::string_view key, std::string_view group) {
  std::string err = "NOGROUP No such consumer group '";
  err.append(group).append("' for key name '").append(key).append("'");
  ctx.Error(err);
}

store::StreamConsumer* SeenConsumer(CommandContext& ctx, std::string_view key,
                                    store::StreamGroup& group, std::string_view name) {
  store::StreamConsumer* consumer = group.FindConsumer(name);
  if (consumer == nullptr) {
    consumer = group.CreateConsumer(name, ctx.now_ms);
    ctx.db.Emit(store::KeyEvent::kXGroupCreateConsumer, key);
  }
  consumer->seen_time = ctx.now_ms;
  return consumer;
}

void ReplyStreamId(protocol::ReplyBuilder& reply, StreamId id) {
  char buf[StreamId::kMaxChars];
  reply.Bulk({buf, id.Format(buf)});
}

void ReplyStreamEntry(protocol::ReplyBuilder& reply, const store::StreamIterator& it) {
  reply.ArrayHeader(2);
  ReplyStreamId(reply, it.id());
  reply.ArrayHeader(2 * it.num_fields());
  it.ForEachField([&](std::string_view field, std::string_view value) {
    reply.Bulk(field);
    reply.Bulk(value);
  });
}

size_t ReplyStreamRange(protocol::ReplyBuilder& reply, const store::Stream& s, StreamId start,
                        StreamId end, size_t count, bool reverse) {
  store::StreamIterator it(s, start, end, reverse);
  if (!it.Next()) {
    reply.ArrayHeader(0);
    return 0;
  }
  const size_t n = s.CountRange(start, end, count);
  ReplyStreamEntriesFrom(reply, it, n);
  return n;
}

void ReplyStreamEntriesFrom(protocol::ReplyBuilder& reply, store::StreamIterator it, size_t n) {
  reply.ArrayHeader(n);
  for (size_t i = 0; i < n; ++i) {
    if (i > 0) it.Next();
    ReplyStreamEntry(reply, it);
  }
}

}  // namespace respd::server

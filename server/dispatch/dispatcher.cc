#include "server/dispatch/dispatcher.h"

#include <algorithm>
#include <cstdio>

#include "base/ascii.h"
#include "server/core/server.h"
#include "server/dispatch/command_context.h"
#include "server/dispatch/errors.h"
#include "server/sys/crash_report.h"
#include "server/transactions/watch_registry.h"

namespace respd::server {

Dispatcher::Dispatcher(Server& server) : server_(server) {}

void Dispatcher::ProcessCommand(Client& c, std::span<const std::string_view> argv,
                                const Command* cmd) {
  // CLIENT REPLY OFF/SKIP: run as usual, then take the reply back (pub/sub
  // frames move the mark past themselves: they stay).
  c.reply_mark = c.output.size();
  Client* const outer = current_client_;  // A command run from inside one.
  current_client_ = &c;
  Dispatch(c, argv, cmd);
  current_client_ = outer;
  const size_t reply_mark = c.reply_mark;
  c.reply_mark = Client::kNoReplyMark;
  // Held by CLIENT PAUSE: the command did not run; it comes again.
  if (c.blocked && c.blocked->postponed) return;
  if (c.reply_off || c.reply_skip) c.output.TruncateTo(reply_mark);
  // Client-side caching's messages to this client follow its reply.
  server_.tracking().AfterCommand(c, cmd);
  c.reply_skip = c.reply_skip_next;
  c.reply_skip_next = false;
  // Keys this command made ready are served before anyone's next command.
  if (server_.blocking().has_ready_keys()) server_.blocking().ServeReadyKeys();
}

void Dispatcher::Rerun(Client& c, const Command& cmd, std::span<const std::string_view> argv) {
  clock_.Set(base::SystemTimeMs());
  CommandContext ctx{server_,       c, cmd, argv, server_.keyspace().db(c.blocked->db), c.reply,
                     clock_.NowMs()};
  SetCrashContext(&c, argv);
  cmd.spec->handler(ctx);
  SetCrashContext(nullptr, {});
  // A reply the client sends back ends a batch clock: time moved on.
  batch_clock_us_ = 0;
}

namespace {

bool AllowedWhileSubscribed(const Command& cmd) {
  static constexpr std::string_view kAllowed[] = {
      "ping",       "subscribe",    "ssubscribe", "unsubscribe", "sunsubscribe",
      "psubscribe", "punsubscribe", "quit",       "reset",
  };
  if (cmd.parent != nullptr) return false;
  for (std::string_view name : kAllowed) {
    if (cmd.spec->name == name) return true;
  }
  return false;
}

}  // namespace

void Dispatcher::Dispatch(Client& c, std::span<const std::string_view> argv, const Command* cmd) {
  // A command refused here also dooms an open transaction (EXECABORT).
  auto reject = [this, &c, cmd](std::string_view error) {
    if (cmd != nullptr && cmd->parent == nullptr && cmd->spec->name == "exec") {
      // A refused EXEC ends the transaction, saying why (Redis's
      // execCommandAbort: the reason without its "ERR ").
      DiscardTransaction(server_.watches(), c);
      if (error.starts_with("ERR ")) error.remove_prefix(4);
      c.reply.Error("EXECABORT Transaction discarded because of: " + std::string(error));
      AccountErrors(c);
      return;
    }
    c.reply.Error(error);
    AccountErrors(c);
    if (c.in_multi) c.multi_error = true;
  };
  if (cmd == nullptr) {
    const Command* base = server_.commands().Find(argv[0]);
    if (base != nullptr && base->IsContainer()) {
      reject(UnknownSubcommandError(argv[0], argv[1]));
    } else {
      reject(UnknownCommandError(argv[0], argv.data() + 1, argv.size() - 1));
    }
    return;
  }
  if (!cmd->ArityOk(argv.size())) {
    ++cmd->rejected_calls;
    reject(WrongArityError(cmd->fullname));
    return;
  }
  const uint32_t flags = cmd->flags;
  if ((flags & kCmdProtected) && !ProtectedCommandAllowed(c)) {
    ++cmd->rejected_calls;
    reject(
        "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", "
        "you can run it from a local connection, otherwise you need to set this option in the "
        "configuration file, and then restart the server.");
    return;
  }
  if (!c.authenticated && !(flags & kCmdNoAuth)) {
    ++cmd->rejected_calls;
    reject(kErrNoAuth);
    return;
  }
  // Subscribed in RESP2: the connection carries frames; only the commands
  // that manage them (and PING, QUIT, RESET) may run.
  if (c.pubsub_mode() && !c.reply.resp3() && !AllowedWhileSubscribed(*cmd)) {
    ++cmd->rejected_calls;
    reject("ERR Can't execute '" + cmd->fullname +
           "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this "
           "context");
    return;
  }
  // CLIENT PAUSE holds the command (before queueing it, as Redis).
  if (server_.pause().Holds(c, *cmd)) {
    server_.blocking().Postpone(c, *cmd);
    return;
  }
  if (c.in_multi) {
    if (flags & kCmdNoMulti) {
      ++cmd->rejected_calls;
      reject("ERR Command not allowed inside a transaction");
      return;
    }
    // Everything but the transaction's own controls is queued for EXEC.
    if (!(flags & kCmdTransactionControl)) {
      Client::QueuedCommand queued{cmd, {}};
      queued.argv.assign(argv.begin(), argv.end());
      c.multi_queue.push_back(std::move(queued));
      c.reply.SimpleString("QUEUED");
      return;
    }
  }
  Call(c, *cmd, argv);
}

bool Dispatcher::ProtectedCommandAllowed(const Client& c) const {
  // enable-debug-command: "yes", or "local" for loopback clients (DEBUG is
  // respd's only protected command; MODULE does not exist).
  const std::string& mode = server_.config().values.at("enable-debug-command");
  return mode == "yes" || (mode == "local" && c.local);
}

void Dispatcher::Call(Client& c, const Command& cmd, std::span<const std::string_view> argv) {
  c.last_command = &cmd;  // CLIENT LIST shows the running command as "cmd".
  // One clock read gives both the command's time snapshot and its start;
  // within a batch, the previous command's end is this one's start (they
  // are nanoseconds apart), which halves the clock reads of a pipeline.
  const int64_t start_us = batch_clock_us_ != 0 ? batch_clock_us_ : base::SystemTimeUs();
  clock_.Set(start_us / 1000);
  CommandContext ctx{server_,       c, cmd, argv, server_.keyspace().db(c.db_index), c.reply,
                     clock_.NowMs()};
  if (c.no_touch) ctx.db.set_touch_disabled(cmd.spec->name != "touch");
  SetCrashContext(&c, argv);
  cmd.spec->handler(ctx);
  SetCrashContext(nullptr, {});
  if (c.no_touch) ctx.db.set_touch_disabled(false);
  if (c.tracking != nullptr) server_.tracking().AfterCall(c, cmd, argv);
  const int64_t end_us = base::SystemTimeUs();
  const int64_t duration_us = end_us - start_us;
  if (in_batch_) batch_clock_us_ = end_us;
  if (!monitors_.empty() && !(cmd.flags & (kCmdAdmin | kCmdSkipMonitor))) {
    FeedMonitors(c, argv, start_us);
  }
  ++cmd.calls;
  cmd.microseconds += static_cast<uint64_t>(duration_us);
  if (!(cmd.flags & kCmdSkipSlowlog)) {
    server_.slowlog().MaybeRecord(duration_us, server_.config().slowlog_log_slower_than,
                                  static_cast<size_t>(server_.config().slowlog_max_len), argv,
                                  c.addr, c.name, start_us / 1000000);
  }
  ++server_.mutable_stats().total_commands_processed;
  // Errors of commands run inside (EXEC) were counted by their own Call.
  if (AccountErrors(c) > 0) {
    ++cmd.failed_calls;
  } else if (cmd.flags & kCmdWrite) {
    ++server_.mutable_stats().dirty;
  }
}

void Dispatcher::AddMonitor(Client* c) {
  if (c->monitor) return;
  c->monitor = true;
  monitors_.push_back(c);
}

void Dispatcher::RemoveMonitor(Client* c) {
  if (!c->monitor) return;
  c->monitor = false;
  std::erase(monitors_, c);
}

namespace {

// An argument as Redis's sdscatrepr shows it: quoted, with escapes.
void AppendRepr(std::string& out, std::string_view s) {
  out.push_back('"');
  for (unsigned char ch : s) {
    switch (ch) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\a':
        out += "\\a";
        break;
      case '\b':
        out += "\\b";
        break;
      default:
        if (ch >= 32 && ch < 127) {
          out.push_back(static_cast<char>(ch));
        } else {
          char hex[8];
          std::snprintf(hex, sizeof(hex), "\\x%02x", ch);
          out += hex;
        }
    }
  }
  out.push_back('"');
}

}  // namespace

void Dispatcher::FeedMonitors(const Client& c, std::span<const std::string_view> argv,
                              int64_t start_us) {
  char stamp[64];
  std::snprintf(stamp, sizeof(stamp), "%lld.%06lld [%d ",
                static_cast<long long>(start_us / 1000000),
                static_cast<long long>(start_us % 1000000), c.db_index);
  std::string line = stamp;
  line += c.addr;
  line += "]";
  // Secrets stay out of the feed, as Redis redacts them: AUTH's arguments,
  // and the user and password after HELLO's AUTH.
  std::vector<bool> redacted(argv.size(), false);
  if (base::EqualsIgnoreCase(argv[0], "auth")) {
    for (size_t i = 1; i < argv.size(); ++i) redacted[i] = true;
  } else if (base::EqualsIgnoreCase(argv[0], "hello")) {
    for (size_t i = 2; i + 2 < argv.size(); ++i) {
      if (base::EqualsIgnoreCase(argv[i], "auth")) {
        redacted[i + 1] = redacted[i + 2] = true;
        i += 2;
      }
    }
  }
  for (size_t i = 0; i < argv.size(); ++i) {
    line.push_back(' ');
    if (redacted[i]) {
      line += "\"(redacted)\"";
    } else {
      AppendRepr(line, argv[i]);
    }
  }
  for (Client* m : monitors_) {
    if (m->close_asap) continue;
    m->reply.SimpleString(line);
    server_.connections().QueueWrite(m);
    server_.connections().CloseIfOutputLimitReached(*m);
  }
}

uint64_t Dispatcher::AccountErrors(Client& c) {
  const uint64_t total = c.reply.error_count();
  const uint64_t fresh = total - c.errors_accounted;
  if (fresh == 0) return 0;
  c.errors_accounted = total;
  server_.mutable_stats().total_error_replies += fresh;
  auto it = error_stats_.find(c.reply.last_error_code());
  if (it == error_stats_.end()) {
    error_stats_.emplace(std::string(c.reply.last_error_code()), fresh);
  } else {
    it->second += fresh;
  }
  return fresh;
}

void Dispatcher::ResetStats() {
  error_stats_.clear();
  for (const auto& cmd : server_.commands().commands()) {
    cmd->calls = cmd->microseconds = cmd->rejected_calls = cmd->failed_calls = 0;
    for (const auto& sub : cmd->subcommands) {
      sub->calls = sub->microseconds = sub->rejected_calls = sub->failed_calls = 0;
    }
  }
}

}  // namespace respd::server

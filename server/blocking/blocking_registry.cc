#include "server/blocking/blocking_registry.h"

#include <algorithm>
#include <climits>
#include <cmath>

#include "base/clock.h"
#include "base/numbers.h"
#include "server/core/server.h"
#include "server/dispatch/command_context.h"

namespace respd::server {

BlockingRegistry::BlockingRegistry(Server& server)
    : server_(server),
      waiting_(static_cast<size_t>(server.keyspace().size())),
      ready_set_(static_cast<size_t>(server.keyspace().size())) {}

BlockingRegistry::~BlockingRegistry() {
  if (blocked_count_ > 0) server_.keyspace().events().Unsubscribe(this);
}

void BlockingRegistry::Block(CommandContext& ctx, std::span<const std::string_view> keys,
                             store::ValueType type, int64_t deadline_ms, bool serve_when_gone) {
  Client& c = ctx.client;
  auto b = std::make_unique<BlockedState>();
  b->db = c.db_index;
  b->type = type;
  b->serve_when_gone = serve_when_gone;
  serve_when_gone_count_ += serve_when_gone;
  b->deadline_ms = deadline_ms;
  b->command = &ctx.command;
  b->argv.assign(ctx.argv.begin(), ctx.argv.end());
  auto& waiting = waiting_[static_cast<size_t>(b->db)];
  for (std::string_view key : keys) {
    // The same key twice waits once ("BLPOP with same key multiple times").
    if (std::find(b->keys.begin(), b->keys.end(), key) != b->keys.end()) continue;
    Waiters& waiters = waiting[std::string(key)];
    waiters.push_back(&c);
    b->positions.push_back(std::prev(waiters.end()));
    b->keys.emplace_back(key);
  }
  if (deadline_ms != 0) {
    deadlines_.emplace(deadline_ms, c.id);
    by_id_.emplace(c.id, &c);
  }
  c.blocked = std::move(b);
  if (blocked_count_++ == 0) server_.keyspace().events().Subscribe(this);
  ArmTimer();
}

void BlockingRegistry::Release(Client& c) {
  BlockedState& b = *c.blocked;
  auto& waiting = waiting_[static_cast<size_t>(b.db)];
  for (size_t i = 0; i < b.keys.size(); ++i) {
    auto it = waiting.find(b.keys[i]);
    it->second.erase(b.positions[i]);
    if (it->second.empty()) waiting.erase(it);
  }
  if (b.deadline_ms != 0) {
    deadlines_.erase({b.deadline_ms, c.id});
    by_id_.erase(c.id);
  }
  if (b.postponed) std::erase(postponed_, &c);
  serve_when_gone_count_ -= b.serve_when_gone;
  c.blocked.reset();
  if (--blocked_count_ == 0) server_.keyspace().events().Unsubscribe(this);
}

bool BlockingRegistry::UnblockClient(Client& c, Unblock how) {
  // A paused client waits for the pause, not for data: CLIENT UNBLOCK
  // leaves it alone.
  if (!c.blocked || c.blocked->postponed) return false;
  if (how == Unblock::kTimeout) {
    c.reply.NullArray();
  } else {
    c.reply.Error("UNBLOCKED client unblocked via CLIENT UNBLOCK");
  }
  Release(c);
  unblocked_.push_back(&c);
  server_.connections().QueueWrite(&c);
  return true;
}

void BlockingRegistry::Postpone(Client& c, const Command& cmd) {
  auto b = std::make_unique<BlockedState>();
  b->db = c.db_index;
  b->command = &cmd;
  b->postponed = true;
  c.blocked = std::move(b);
  c.last_command = &cmd;  // CLIENT LIST shows what waits.
  postponed_.push_back(&c);
  if (blocked_count_++ == 0) server_.keyspace().events().Subscribe(this);
}

void BlockingRegistry::ResumePostponed() {
  const std::vector<Client*> held = postponed_;
  for (Client* c : held) {
    Release(*c);
    unblocked_.push_back(c);
  }
}

void BlockingRegistry::ForgetClient(Client& c) {
  if (c.blocked) Release(c);
  std::erase(unblocked_, &c);
}

void BlockingRegistry::MarkReady(int db, std::string_view key) {
  std::string k(key);
  if (!waiting_[static_cast<size_t>(db)].contains(k)) return;
  if (ready_set_[static_cast<size_t>(db)].insert(k).second) ready_.emplace_back(db, std::move(k));
}

bool BlockingRegistry::HasServeWhenGone(int db, std::string_view key) const {
  const auto& waiting = waiting_[static_cast<size_t>(db)];
  auto it = waiting.find(key);
  if (it == waiting.end()) return false;
  return std::any_of(it->second.begin(), it->second.end(),
                     [](const Client* c) { return c->blocked->serve_when_gone; });
}

void BlockingRegistry::OnKeyEvent(store::Database& db, std::string_view key,
                                  store::KeyEvent event) {
  switch (event) {
    // Lists and sorted sets are served when their key is created (Redis's
    // signalKeyAsReady from dbAdd): an existing one was not waited on. A
    // stream is served when it grows, and its group's readers when the
    // group goes (to fail).
    case store::KeyEvent::kNew:
    case store::KeyEvent::kXAdd:
    case store::KeyEvent::kXGroupDestroy:
      MarkReady(db.id(), key);
      return;
    default:
      break;
  }
  // Any other change: an XREADGROUP waiter hears that its stream is gone.
  if (serve_when_gone_count_ > 0 && HasServeWhenGone(db.id(), key)) {
    const store::KeyEntry* e = db.Find(key, store::Database::Touch::kNo);
    if (e == nullptr || e->type() != store::ValueType::kStream) MarkReady(db.id(), key);
  }
}

void BlockingRegistry::OnFlush(store::Database& db) {
  // Every waited key is about to go: XREADGROUP's waiters are told after
  // the command (serving skips everyone else, their keys being missing).
  for (const auto& [key, waiters] : waiting_[static_cast<size_t>(db.id())]) {
    MarkReady(db.id(), key);
  }
}

void BlockingRegistry::OnSwap(store::Database& a, store::Database& b) {
  // After the swap each database holds the other's keys: any waited key
  // may now exist (scanDatabaseForReadyKeys); serving checks.
  for (store::Database* db : {&a, &b}) {
    for (const auto& [key, waiters] : waiting_[static_cast<size_t>(db->id())]) {
      MarkReady(db->id(), key);
    }
  }
}

bool BlockingRegistry::Rerun(Client& c, std::string_view key) {
  BlockedState& b = *c.blocked;
  const std::vector<std::string_view> argv(b.argv.begin(), b.argv.end());
  b.still_waiting = false;
  b.serving_key = key;
  server_.dispatcher().Rerun(c, *b.command, argv);
  if (c.blocked->still_waiting) {
    c.blocked->still_waiting = false;
    c.blocked->serving_key.clear();
    return false;
  }
  Release(c);
  unblocked_.push_back(&c);
  server_.connections().QueueWrite(&c);
  return true;
}

void BlockingRegistry::ServeReadyKeys() {
  while (!ready_.empty()) {
    const std::vector<std::pair<int, std::string>> batch = std::move(ready_);
    ready_.clear();
    for (auto& set : ready_set_) set.clear();
    for (const auto& [db_index, key] : batch) {
      auto& waiting = waiting_[static_cast<size_t>(db_index)];
      auto it = waiting.find(key);
      if (it == waiting.end()) continue;
      store::Database& db = server_.keyspace().db(db_index);
      for (auto w = it->second.begin(); w != it->second.end();) {
        Client* c = *w;
        ++w;  // Serving c takes it off this list (only it).
        const store::KeyEntry* e = db.Find(key, store::Database::Touch::kNo);
        // Missing: emptied by the previous waiter, or deleted. Only an
        // XREADGROUP waiter still has something to hear then.
        if (e == nullptr && serve_when_gone_count_ == 0) break;
        const bool holds_type = e != nullptr && e->type() == c->blocked->type;
        if (c->close_asap || !(holds_type || c->blocked->serve_when_gone)) continue;
        Rerun(*c, key);
        // The waiters list itself goes with its last waiter.
        if (waiting.find(key) == waiting.end()) break;
      }
    }
  }
}

void BlockingRegistry::ProcessUnblockedClients() {
  while (!unblocked_.empty()) {
    std::vector<Client*> clients = std::move(unblocked_);
    unblocked_.clear();
    for (Client* c : clients) {
      if (!c->close_asap && !c->blocked) server_.connections().ResumeInput(*c);
    }
  }
}

// ---------------------------------------------------------------------------
// Timeouts.

void BlockingRegistry::ArmTimer() {
  if (deadlines_.empty() || !server_.has_loop()) return;
  const int64_t first = deadlines_.begin()->first;
  if (timer_id_ != -1) {
    if (timer_when_ms_ <= first) return;
    server_.loop().DeleteTimeEvent(timer_id_);
  }
  timer_when_ms_ = first;
  timer_id_ = server_.loop().CreateTimeEvent(std::max<int64_t>(0, first - base::SystemTimeMs()),
                                             &BlockingRegistry::OnTimer, this);
}

int64_t BlockingRegistry::OnTimer(ae::EventLoop&, int64_t, void* data) noexcept {
  auto* self = static_cast<BlockingRegistry*>(data);
  const int64_t next = self->ExpireTimeouts();
  if (next == ae::kNoMore) {
    self->timer_id_ = -1;
  } else {
    self->timer_when_ms_ = base::SystemTimeMs() + next;
  }
  return next;
}

int64_t BlockingRegistry::ExpireTimeouts() {
  const int64_t now = base::SystemTimeMs();
  // Past its deadline, as Redis: strictly before now.
  while (!deadlines_.empty() && deadlines_.begin()->first < now) {
    UnblockClient(*by_id_.at(deadlines_.begin()->second), Unblock::kTimeout);
  }
  if (deadlines_.empty()) return ae::kNoMore;
  return std::max<int64_t>(1, deadlines_.begin()->first - now + 1);
}

// ---------------------------------------------------------------------------

bool ParseBlockingTimeout(CommandContext& ctx, std::string_view arg, TimeoutUnit unit,
                          int64_t* deadline_ms) {
  int64_t ms;
  if (unit == TimeoutUnit::kSeconds) {
    long double seconds;
    if (!base::ParseLongDouble(arg, &seconds)) {
      ctx.Error("ERR timeout is not a float or out of range");
      return false;
    }
    // Rounded up (0.0001 s waits 1 ms, -0.0001 s forever); what does not
    // fit an int64 (inf, 1e16 s) comes out negative, as Redis's cast does
    // on x86.
    const long double rounded = ceill(seconds * 1000.0L);
    constexpr long double kTwo63 = 9223372036854775808.0L;
    ms = rounded >= kTwo63 || rounded < -kTwo63 ? INT64_MIN : static_cast<int64_t>(rounded);
  } else if (!base::ParseInt64(arg, &ms)) {
    ctx.Error("ERR timeout is not an integer or out of range");
    return false;
  }
  if (ms < 0) {
    ctx.Error("ERR timeout is negative");
    return false;
  }
  // A deadline past the end of time waits forever (Redis's sum wraps and
  // its timeout table never reaches it).
  if (ms > 0) ms = ms > LLONG_MAX - ctx.now_ms ? 0 : ms + ctx.now_ms;
  *deadline_ms = ms;
  return true;
}

void WaitOrReply(CommandContext& ctx, std::span<const std::string_view> keys, store::ValueType type,
                 int64_t deadline_ms, const std::function<void()>& denied, bool serve_when_gone) {
  Client& c = ctx.client;
  if (c.blocked) {
    c.blocked->still_waiting = true;
  } else if (c.deny_blocking) {
    denied();
  } else {
    ctx.server.blocking().Block(ctx, keys, type, deadline_ms, serve_when_gone);
  }
}

}  // namespace respd::server

#include "server/pubsub/tracking.h"

#include <algorithm>

#include "server/core/server.h"
#include "server/dispatch/key_specs.h"

namespace respd::server {
namespace {

std::string BulkArray(std::span<const std::string_view> keys) {
  std::string out = "*" + std::to_string(keys.size()) + "\r\n";
  for (std::string_view k : keys) {
    out += "$" + std::to_string(k.size()) + "\r\n";
    out += k;
    out += "\r\n";
  }
  return out;
}

std::string_view NullFor(const Client& c) { return c.reply.resp3() ? "_\r\n" : "$-1\r\n"; }

}  // namespace

Tracking::Tracking(Server& server) : server_(server) {}

Tracking::~Tracking() { Listen(false); }

void Tracking::Listen(bool on) {
  if (on == listening_) return;
  listening_ = on;
  if (on) {
    server_.keyspace().events().Subscribe(this);
  } else {
    server_.keyspace().events().Unsubscribe(this);
  }
}

Client* Tracking::Current() const { return server_.dispatcher().current_client(); }

void Tracking::Enable(Client& c, const ClientTracking& options) {
  if (c.tracking == nullptr) {
    c.tracking = std::make_unique<ClientTracking>();
    ++clients_;
  }
  ClientTracking& t = *c.tracking;
  t.bcast = options.bcast;
  t.optin = options.optin;
  t.optout = options.optout;
  t.noloop = options.noloop;
  t.broken_redirect = false;
  t.redirect = options.redirect;
  if (options.bcast) {
    // BCAST without PREFIX tracks every key: the empty prefix.
    std::vector<std::string> wanted = options.prefixes;
    if (wanted.empty()) wanted.emplace_back();
    for (std::string& p : wanted) {
      if (std::find(t.prefixes.begin(), t.prefixes.end(), p) == t.prefixes.end()) {
        t.prefixes.push_back(p);
      }
      prefixes_[p].clients.insert(&c);
    }
  }
  Listen(true);
}

void Tracking::Disable(Client& c) {
  if (c.tracking == nullptr) return;
  for (const std::string& p : c.tracking->prefixes) {
    auto it = prefixes_.find(p);
    if (it == prefixes_.end()) continue;
    it->second.clients.erase(&c);
    if (it->second.clients.empty()) prefixes_.erase(it);
  }
  c.tracking.reset();
  if (deferred_for_ == &c) {
    deferred_.clear();
    deferred_for_ = nullptr;
  }
  --clients_;
  // The table's entries for it stay (as Redis's): its id is skipped when
  // one of them is invalidated. The listener stays while entries remain.
  if (clients_ == 0 && table_.empty()) Listen(false);
}

void Tracking::AfterCall(Client& c, const Command& cmd, std::span<const std::string_view> argv) {
  if (c.tracking == nullptr || c.tracking->bcast || !(cmd.flags & kCmdReadOnly)) return;
  const ClientTracking& t = *c.tracking;
  if (t.optin && !t.caching_yes) return;
  if (t.optout && t.caching_no) return;
  std::vector<KeyRef> keys;
  if (!GetKeysFromSpecs(cmd, argv, &keys)) return;
  for (const KeyRef& k : keys) {
    auto it = table_.find(argv[k.index]);
    if (it == table_.end())
      it = table_.emplace(std::string(argv[k.index]), std::vector<uint64_t>{}).first;
    std::vector<uint64_t>& ids = it->second;
    auto at = std::lower_bound(ids.begin(), ids.end(), c.id);
    if (at != ids.end() && *at == c.id) continue;
    ids.insert(at, c.id);
    ++total_items_;
  }
}

void Tracking::FinishCommand(Client& c, const Command* cmd) {
  // CLIENT CACHING covers the next command (or the whole transaction).
  if (c.tracking != nullptr && !c.in_multi &&
      (cmd == nullptr ||
       (cmd->parent == nullptr ? cmd->spec->name : cmd->parent->spec->name) != "client")) {
    c.tracking->caching_yes = c.tracking->caching_no = false;
  }
  if (deferred_for_ == &c) {
    std::vector<std::string> pending = std::move(deferred_);
    deferred_.clear();
    deferred_for_ = nullptr;
    for (const std::string& value : pending) {
      if (c.tracking != nullptr) Send(c, value);
    }
  }
  if (flush_pending_) {
    flush_pending_ = false;
    server_.connections().ForEachClient([this](Client& other) {
      if (other.tracking != nullptr) Send(other, NullFor(other));
    });
  }
}

void Tracking::BroadcastPending() {
  for (auto& [prefix, state] : prefixes_) {
    if (state.changed.empty()) continue;
    std::vector<std::string_view> all;
    all.reserve(state.changed.size());
    for (const auto& [key, by] : state.changed) all.push_back(key);
    const std::string everything = BulkArray(all);
    for (Client* c : state.clients) {
      if (!c->tracking->noloop) {
        Send(*c, everything);
        continue;
      }
      std::vector<std::string_view> others;
      for (const auto& [key, by] : state.changed) {
        if (by != c) others.push_back(key);
      }
      if (!others.empty()) Send(*c, BulkArray(others));
    }
    state.changed.clear();
  }
  // tracking-table-max-keys: forget keys past the limit, invalidating them.
  const size_t limit = static_cast<size_t>(server_.config().tracking_table_max_keys);
  while (limit != 0 && table_.size() > limit) {
    const std::string key = table_.begin()->first;
    Invalidate(key);
  }
  if (clients_ == 0 && table_.empty()) Listen(false);
}

void Tracking::OnKeyEvent(store::Database&, std::string_view key, store::KeyEvent event) {
  if (!store::KeyEventModifiesKey(event)) return;  // A read, or metadata only.
  Invalidate(key);
}

void Tracking::OnFlush(store::Database&) {
  // Once per command however many databases it empties; the table goes.
  if (clients_ > 0) flush_pending_ = true;
  table_.clear();
  total_items_ = 0;
}

void Tracking::Invalidate(std::string_view key) {
  Client* current = Current();
  for (auto& [prefix, state] : prefixes_) {
    if (key.starts_with(prefix)) state.changed[std::string(key)] = current;
  }
  auto it = table_.find(key);
  if (it == table_.end()) return;
  const std::vector<uint64_t> ids = std::move(it->second);
  table_.erase(it);
  total_items_ -= ids.size();
  std::string value;
  for (uint64_t id : ids) {
    Client* target = server_.connections().FindClient(id);
    if (target == nullptr || target->tracking == nullptr || target->tracking->bcast) continue;
    if (target->tracking->noloop && target == current) continue;
    if (value.empty()) {
      const std::string_view one[] = {key};
      value = BulkArray(one);
    }
    if (target == current) {
      // After the reply of the command that caused it.
      deferred_for_ = target;
      deferred_.push_back(value);
    } else {
      Send(*target, value);
    }
  }
}

void Tracking::Send(Client& owner, std::string_view value) {
  ClientTracking& t = *owner.tracking;
  Client* to = &owner;
  if (t.redirect != 0) {
    to = server_.connections().FindClient(t.redirect);
    if (to == nullptr || to->close_asap) {
      t.broken_redirect = true;
      if (owner.reply.resp3()) {
        server_.pubsub().Push(
            owner, ">2\r\n$21\r\ntracking-redir-broken\r\n:" + std::to_string(t.redirect) + "\r\n");
      }
      return;
    }
  }
  std::string frame;
  if (to->reply.resp3()) {
    frame = ">2\r\n$10\r\ninvalidate\r\n";
  } else if (t.redirect != 0 && to->pubsub_mode()) {
    frame = "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n";
  } else {
    return;  // RESP2 without a subscribed redirect: nowhere to say it.
  }
  frame += value;
  server_.pubsub().Push(*to, frame);
}

}  // namespace respd::server

#include "server/pubsub/pubsub.h"

#include <algorithm>
#include <string>

#include "base/glob.h"
#include "server/core/server.h"

namespace respd::server {
namespace {

// The words of each kind's frames.
struct FrameWords {
  std::string_view subscribe, unsubscribe, message;
};
constexpr FrameWords kWords[] = {
    {"subscribe", "unsubscribe", "message"},
    {"psubscribe", "punsubscribe", "pmessage"},
    {"ssubscribe", "sunsubscribe", "smessage"},
};
const FrameWords& WordsOf(PubSub::Kind kind) { return kWords[static_cast<int>(kind)]; }

void AppendLength(std::string& out, char type, size_t n) {
  out.push_back(type);
  out += std::to_string(n);
  out += "\r\n";
}

void AppendBulk(std::string& out, std::string_view s) {
  AppendLength(out, '$', s.size());
  out += s;
  out += "\r\n";
}

// A message frame, [parts...], as an array (RESP2) or a push (RESP3).
std::string MessageFrame(bool resp3, std::initializer_list<std::string_view> parts) {
  size_t size = 16;
  for (std::string_view p : parts) size += p.size() + 16;
  std::string out;
  out.reserve(size);
  AppendLength(out, resp3 ? '>' : '*', parts.size());
  for (std::string_view p : parts) AppendBulk(out, p);
  return out;
}

// The client's own names of one kind.
size_t CountOf(const Subscriptions& s, PubSub::Kind kind) {
  return kind == PubSub::Kind::kShard ? s.shard_channels.size() : s.count();
}

}  // namespace

PubSub::PubSub(Server& server) : server_(server) {}

PubSub::SubscriberIndex& PubSub::Index(Kind kind) {
  return kind == Kind::kChannel ? channels_ : kind == Kind::kPattern ? patterns_ : shard_channels_;
}

const PubSub::SubscriberIndex& PubSub::Index(Kind kind) const {
  return kind == Kind::kChannel ? channels_ : kind == Kind::kPattern ? patterns_ : shard_channels_;
}

void PubSub::Push(Client& c, std::string_view frame) {
  if (c.close_asap) return;
  // The running client under CLIENT REPLY OFF/SKIP: what it replied so far
  // is lost anyway; the frame is not (Redis's CLIENT_PUSHING).
  const bool keep = (c.reply_off || c.reply_skip) && c.reply_mark != Client::kNoReplyMark;
  if (keep) c.output.TruncateTo(c.reply_mark);
  c.reply.Raw(frame);
  if (keep) c.reply_mark = c.output.size();
  server_.connections().QueueWrite(&c);
  server_.connections().CloseIfOutputLimitReached(c);
}

void PubSub::SendConfirmation(Client& c, std::string_view word, const std::string_view* name,
                              size_t count) {
  const bool resp3 = c.reply.resp3();
  std::string frame;
  AppendLength(frame, resp3 ? '>' : '*', 3);
  AppendBulk(frame, word);
  if (name != nullptr) {
    AppendBulk(frame, *name);
  } else {
    frame += resp3 ? "_\r\n" : "$-1\r\n";
  }
  AppendLength(frame, ':', count);
  Push(c, frame);
}

void PubSub::Subscribe(Client& c, Kind kind, std::string_view name) {
  if (c.subscriptions == nullptr) c.subscriptions = std::make_unique<Subscriptions>();
  Subscriptions& s = *c.subscriptions;
  bool added;
  if (kind == Kind::kPattern) {
    added = std::find(s.patterns.begin(), s.patterns.end(), name) == s.patterns.end();
    if (added) s.patterns.emplace_back(name);
  } else {
    auto& names = kind == Kind::kChannel ? s.channels : s.shard_channels;
    added = names.emplace(name).second;
  }
  if (added) {
    SubscriberIndex& index = Index(kind);
    auto it = index.find(name);
    if (it == index.end()) it = index.emplace(std::string(name), std::vector<Client*>{}).first;
    it->second.push_back(&c);
  }
  SendConfirmation(c, WordsOf(kind).subscribe, &name, CountOf(s, kind));
}

void PubSub::Unindex(Kind kind, std::string_view name, Client& c) {
  SubscriberIndex& index = Index(kind);
  auto it = index.find(name);
  if (it == index.end()) return;
  std::erase(it->second, &c);
  if (it->second.empty()) index.erase(it);
}

void PubSub::Unsubscribe(Client& c, Kind kind, std::string_view name) {
  bool removed = false;
  if (c.subscriptions != nullptr) {
    Subscriptions& s = *c.subscriptions;
    if (kind == Kind::kPattern) {
      auto it = std::find(s.patterns.begin(), s.patterns.end(), name);
      removed = it != s.patterns.end();
      if (removed) s.patterns.erase(it);
    } else {
      auto& names = kind == Kind::kChannel ? s.channels : s.shard_channels;
      auto it = names.find(name);
      removed = it != names.end();
      if (removed) names.erase(it);
    }
  }
  if (removed) Unindex(kind, name, c);
  SendConfirmation(c, WordsOf(kind).unsubscribe, &name,
                   c.subscriptions != nullptr ? CountOf(*c.subscriptions, kind) : 0);
}

void PubSub::UnsubscribeAll(Client& c, Kind kind) {
  std::vector<std::string> names;
  if (c.subscriptions != nullptr) {
    const Subscriptions& s = *c.subscriptions;
    if (kind == Kind::kPattern) {
      names = s.patterns;
    } else {
      const auto& set = kind == Kind::kChannel ? s.channels : s.shard_channels;
      names.assign(set.begin(), set.end());
    }
  }
  for (const std::string& name : names) Unsubscribe(c, kind, name);
  if (names.empty()) {
    SendConfirmation(c, WordsOf(kind).unsubscribe, nullptr,
                     c.subscriptions != nullptr ? CountOf(*c.subscriptions, kind) : 0);
  }
}

void PubSub::ForgetClient(Client& c) {
  if (c.subscriptions == nullptr) return;
  const Subscriptions& s = *c.subscriptions;
  for (const std::string& name : s.channels) Unindex(Kind::kChannel, name, c);
  for (const std::string& name : s.patterns) Unindex(Kind::kPattern, name, c);
  for (const std::string& name : s.shard_channels) Unindex(Kind::kShard, name, c);
  c.subscriptions.reset();
}

size_t PubSub::Publish(std::string_view channel, std::string_view message) {
  size_t receivers = 0;
  // Each protocol's frame is encoded once, when a receiver first needs it.
  std::string frames[2];
  auto deliver = [&](const std::vector<Client*>& clients, auto&& encode) {
    frames[0].clear();
    frames[1].clear();
    for (Client* c : clients) {
      const bool resp3 = c->reply.resp3();
      if (frames[resp3].empty()) frames[resp3] = encode(resp3);
      Push(*c, frames[resp3]);
      ++receivers;
    }
  };
  if (auto it = channels_.find(channel); it != channels_.end()) {
    deliver(it->second, [&](bool resp3) {
      return MessageFrame(resp3, {"message", channel, message});
    });
  }
  for (const auto& entry : patterns_) {
    // A named reference, not a structured binding: clang 14 cannot
    // capture those in the lambda.
    const std::string& pattern = entry.first;
    if (!base::GlobMatch(pattern, channel)) continue;
    deliver(entry.second, [&](bool resp3) {
      return MessageFrame(resp3, {"pmessage", pattern, channel, message});
    });
  }
  return receivers;
}

size_t PubSub::PublishShard(std::string_view channel, std::string_view message) {
  auto it = shard_channels_.find(channel);
  if (it == shard_channels_.end()) return 0;
  std::string frames[2];
  for (Client* c : it->second) {
    const bool resp3 = c->reply.resp3();
    if (frames[resp3].empty()) frames[resp3] = MessageFrame(resp3, {"smessage", channel, message});
    Push(*c, frames[resp3]);
  }
  return it->second.size();
}

std::vector<std::string_view> PubSub::Channels(Kind kind, std::string_view pattern,
                                               bool all) const {
  std::vector<std::string_view> out;
  for (const auto& [name, clients] : Index(kind)) {
    if (all || base::GlobMatch(pattern, name)) out.push_back(name);
  }
  return out;
}

size_t PubSub::Subscribers(Kind kind, std::string_view channel) const {
  const SubscriberIndex& index = Index(kind);
  auto it = index.find(channel);
  return it == index.end() ? 0 : it->second.size();
}

}  // namespace respd::server

// What one client is subscribed to (Redis's c->pubsub_channels,
// c->pubsub_patterns and c->pubsubshard_channels). The server-wide index
// from channel to subscribers is PubSub's (pubsub.h); the two are kept in
// step by PubSub alone.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <unordered_set>
#include <vector>

#include "base/string_hash.h"

namespace respd::server {

struct Subscriptions {
  using NameSet = std::unordered_set<std::string, base::StringHash, std::equal_to<>>;
  NameSet channels;
  // In subscription order: PUNSUBSCRIBE without arguments drops them in it.
  std::vector<std::string> patterns;
  NameSet shard_channels;

  // The count the (P)SUBSCRIBE/(P)UNSUBSCRIBE frames carry.
  size_t count() const { return channels.size() + patterns.size(); }
  size_t total() const { return count() + shard_channels.size(); }
};

}  // namespace respd::server

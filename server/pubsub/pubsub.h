// Pub/sub: channels, patterns and shard channels, as Redis 7.0's pubsub.c.
// The index maps each channel (and each pattern) to its subscribers in
// subscription order, which is the order messages reach them; the client
// side lives in Client::subscriptions.
//
// Frames (confirmations and messages) are written straight into the
// subscriber's reply buffer, as RESP2 arrays or RESP3 pushes, and queued for
// writing; a subscriber past its pubsub output limit is closed, so a reader
// that stops never grows memory without bound. PUBLISH encodes each message
// once per protocol and copies those bytes to every receiver.
//
// Frames go out even under CLIENT REPLY OFF/SKIP, as Redis's CLIENT_PUSHING:
// a push into the client running the command first drops the reply it was
// going to lose anyway (Client::reply_mark) and moves the mark past itself.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/string_hash.h"
#include "server/net/client.h"

namespace respd::server {

class Server;

class PubSub {
 public:
  // Which namespace: SUBSCRIBE's channels, PSUBSCRIBE's patterns, or
  // SSUBSCRIBE's shard channels (separate from the others, also on a
  // standalone server).
  enum class Kind : uint8_t { kChannel, kPattern, kShard };

  explicit PubSub(Server& server);
  PubSub(const PubSub&) = delete;
  PubSub& operator=(const PubSub&) = delete;

  // (P|S)SUBSCRIBE one name: subscribes `c` (again is a no-op) and sends
  // the confirmation frame.
  void Subscribe(Client& c, Kind kind, std::string_view name);
  // (P|S)UNSUBSCRIBE one name: drops it if `c` had it and sends the frame
  // either way.
  void Unsubscribe(Client& c, Kind kind, std::string_view name);
  // (P|S)UNSUBSCRIBE without arguments: drops every name of the kind with a
  // frame each, or sends one frame with a null name when there were none.
  void UnsubscribeAll(Client& c, Kind kind);
  // RESET, and a closing client: every subscription gone, no frames.
  void ForgetClient(Client& c);

  // PUBLISH / SPUBLISH: delivers to the channel's subscribers (then, for
  // PUBLISH, to those of every matching pattern); how many received it.
  size_t Publish(std::string_view channel, std::string_view message);
  size_t PublishShard(std::string_view channel, std::string_view message);

  // Appends `frame` (bytes in the protocol `c` speaks) to `c` as a push:
  // queued for writing, kept under CLIENT REPLY OFF, cut at the output
  // limit. Client-side caching's invalidations go out this way too.
  void Push(Client& c, std::string_view frame);

  // PUBSUB CHANNELS / SHARDCHANNELS [pattern]: active channels matching.
  std::vector<std::string_view> Channels(Kind kind, std::string_view pattern, bool all) const;
  // PUBSUB NUMSUB / SHARDNUMSUB: subscribers of one channel.
  size_t Subscribers(Kind kind, std::string_view channel) const;
  // INFO pubsub_channels / pubsub_patterns / pubsubshard_channels, and
  // PUBSUB NUMPAT (distinct patterns).
  size_t Count(Kind kind) const { return Index(kind).size(); }

 private:
  using SubscriberIndex =
      std::unordered_map<std::string, std::vector<Client*>, base::StringHash, std::equal_to<>>;

  SubscriberIndex& Index(Kind kind);
  const SubscriberIndex& Index(Kind kind) const;
  // Removes `c` from `name`'s subscribers (and `name` when none are left).
  void Unindex(Kind kind, std::string_view name, Client& c);
  // The confirmation frame: [kind-word, name or null, count].
  void SendConfirmation(Client& c, std::string_view word, const std::string_view* name,
                        size_t count);

  Server& server_;
  SubscriberIndex channels_;
  SubscriberIndex patterns_;
  SubscriberIndex shard_channels_;
};

}  // namespace respd::server

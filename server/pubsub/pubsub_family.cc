// The pub/sub commands: SUBSCRIBE UNSUBSCRIBE PSUBSCRIBE PUNSUBSCRIBE
// SSUBSCRIBE SUNSUBSCRIBE PUBLISH SPUBLISH and PUBSUB's subcommands, as
// Redis 7.0's pubsub.c. The RESP2 subscribed-mode restriction is the
// dispatcher's (it refuses the command before it runs).
#include <string_view>

#include "server/commands/families.h"
#include "server/core/server.h"
#include "server/dispatch/command_context.h"
#include "server/pubsub/pubsub.h"

namespace respd::server {
namespace {

using Kind = PubSub::Kind;

void SubscribeEach(CommandContext& ctx, Kind kind) {
  for (std::string_view name : ctx.argv.subspan(1)) {
    ctx.server.pubsub().Subscribe(ctx.client, kind, name);
  }
}

void UnsubscribeEach(CommandContext& ctx, Kind kind) {
  if (ctx.argv.size() == 1) {
    ctx.server.pubsub().UnsubscribeAll(ctx.client, kind);
    return;
  }
  for (std::string_view name : ctx.argv.subspan(1)) {
    ctx.server.pubsub().Unsubscribe(ctx.client, kind, name);
  }
}

// SUBSCRIBE channel [channel ...]. (Redis refuses it to a DENY BLOCKING
// client outside MULTI, which only a script is, and scripts may not call
// it at all.)
void SubscribeCommand(CommandContext& ctx) { SubscribeEach(ctx, Kind::kChannel); }
void UnsubscribeCommand(CommandContext& ctx) { UnsubscribeEach(ctx, Kind::kChannel); }
void PSubscribeCommand(CommandContext& ctx) { SubscribeEach(ctx, Kind::kPattern); }
void PUnsubscribeCommand(CommandContext& ctx) { UnsubscribeEach(ctx, Kind::kPattern); }

// SSUBSCRIBE shardchannel [...]: refused inside EXEC, as Redis refuses it
// to any DENY BLOCKING client.
void SSubscribeCommand(CommandContext& ctx) {
  if (ctx.client.deny_blocking) {
    ctx.Error("ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client");
    return;
  }
  SubscribeEach(ctx, Kind::kShard);
}
void SUnsubscribeCommand(CommandContext& ctx) { UnsubscribeEach(ctx, Kind::kShard); }

// PUBLISH channel message: how many received it.
void PublishCommand(CommandContext& ctx) {
  ctx.reply.Integer(static_cast<int64_t>(ctx.server.pubsub().Publish(ctx.argv[1], ctx.argv[2])));
}

void SPublishCommand(CommandContext& ctx) {
  ctx.reply.Integer(
      static_cast<int64_t>(ctx.server.pubsub().PublishShard(ctx.argv[1], ctx.argv[2])));
}

// PUBSUB CHANNELS / SHARDCHANNELS [pattern]: the active channels, in the
// index's (hash) order, as Redis's dict order.
void ReplyChannels(CommandContext& ctx, Kind kind) {
  if (ctx.argv.size() > 3) {
    ctx.SubcommandSyntaxError();
    return;
  }
  const bool all = ctx.argv.size() == 2;
  const auto names = ctx.server.pubsub().Channels(kind, all ? "" : ctx.argv[2], all);
  ctx.reply.ArrayHeader(names.size());
  for (std::string_view name : names) ctx.reply.Bulk(name);
}

// PUBSUB NUMSUB / SHARDNUMSUB [channel ...]: a flat channel, count list.
void ReplyNumSub(CommandContext& ctx, Kind kind) {
  const auto channels = ctx.argv.subspan(2);
  ctx.reply.ArrayHeader(channels.size() * 2);
  for (std::string_view channel : channels) {
    ctx.reply.Bulk(channel);
    ctx.reply.Integer(static_cast<int64_t>(ctx.server.pubsub().Subscribers(kind, channel)));
  }
}

void PubsubChannelsCommand(CommandContext& ctx) { ReplyChannels(ctx, Kind::kChannel); }
void PubsubShardChannelsCommand(CommandContext& ctx) { ReplyChannels(ctx, Kind::kShard); }
void PubsubNumSubCommand(CommandContext& ctx) { ReplyNumSub(ctx, Kind::kChannel); }
void PubsubShardNumSubCommand(CommandContext& ctx) { ReplyNumSub(ctx, Kind::kShard); }

// PUBSUB NUMPAT: distinct patterns, server-wide.
void PubsubNumPatCommand(CommandContext& ctx) {
  ctx.reply.Integer(static_cast<int64_t>(ctx.server.pubsub().Count(Kind::kPattern)));
}

void PubsubHelpCommand(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "CHANNELS [<pattern>]",
      "    Return the currently active channels matching a <pattern> (default: '*').",
      "NUMPAT",
      "    Return number of subscriptions to patterns.",
      "NUMSUB [<channel> ...]",
      "    Return the number of subscribers for the specified channels, excluding",
      "    pattern subscriptions(default: no channels).",
      "SHARDCHANNELS [<pattern>]",
      "    Return the currently active shard level channels matching a <pattern> (default: '*').",
      "SHARDNUMSUB [<shardchannel> ...]",
      "    Return the number of subscribers for the specified shard level channel(s)",
  };
  ctx.ReplyHelp(kLines);
}

constexpr CommandSpec kPubsubSubcommands[] = {
    {.name = "channels", .handler = &PubsubChannelsCommand},
    {.name = "numsub", .handler = &PubsubNumSubCommand},
    {.name = "numpat", .handler = &PubsubNumPatCommand},
    {.name = "shardchannels", .handler = &PubsubShardChannelsCommand},
    {.name = "shardnumsub", .handler = &PubsubShardNumSubCommand},
    {.name = "help", .handler = &PubsubHelpCommand},
};

constexpr CommandSpec kPubSubCommands[] = {
    {.name = "subscribe", .handler = &SubscribeCommand},
    {.name = "unsubscribe", .handler = &UnsubscribeCommand},
    {.name = "psubscribe", .handler = &PSubscribeCommand},
    {.name = "punsubscribe", .handler = &PUnsubscribeCommand},
    {.name = "ssubscribe", .handler = &SSubscribeCommand},
    {.name = "sunsubscribe", .handler = &SUnsubscribeCommand},
    // Redis forces PUBLISH into the replication stream though it writes no key.
    {.name = "publish", .handler = &PublishCommand, .hidden_flags = kCmdMayReplicate},
    {.name = "spublish", .handler = &SPublishCommand, .hidden_flags = kCmdMayReplicate},
    {.name = "pubsub", .handler = nullptr, .subcommands = kPubsubSubcommands},
};

}  // namespace

std::span<const CommandSpec> PubSubCommands() { return kPubSubCommands; }

}  // namespace respd::server

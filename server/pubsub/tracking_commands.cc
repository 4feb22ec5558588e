#include "server/pubsub/tracking_commands.h"

#include <string>
#include <string_view>
#include <vector>

#include "base/ascii.h"
#include "base/numbers.h"
#include "server/core/server.h"
#include "server/dispatch/errors.h"

namespace respd::server {
namespace {

// Whether one of two prefixes starts the other (Redis's stringCheckPrefix).
bool Overlap(std::string_view a, std::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  return a.substr(0, n) == b.substr(0, n);
}

}  // namespace

// CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p ...] [BCAST] [OPTIN]
//                        [OPTOUT] [NOLOOP]
void ClientTrackingCommand(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  Client& c = ctx.client;
  ClientTracking o;
  for (size_t j = 3; j < argv.size(); ++j) {
    const bool more = j + 1 < argv.size();
    const std::string_view opt = argv[j];
    if (base::EqualsIgnoreCase(opt, "redirect") && more) {
      ++j;
      if (o.redirect != 0) {
        ctx.Error("ERR A client can only redirect to a single other client");
        return;
      }
      int64_t id;
      if (!base::ParseInt64(argv[j], &id)) {
        ctx.Error(kErrNotInteger);
        return;
      }
      // The target must exist now, though it may go later.
      if (ctx.server.connections().FindClient(static_cast<uint64_t>(id)) == nullptr) {
        ctx.Error("ERR The client ID you want redirect to does not exist");
        return;
      }
      o.redirect = static_cast<uint64_t>(id);
    } else if (base::EqualsIgnoreCase(opt, "bcast")) {
      o.bcast = true;
    } else if (base::EqualsIgnoreCase(opt, "optin")) {
      o.optin = true;
    } else if (base::EqualsIgnoreCase(opt, "optout")) {
      o.optout = true;
    } else if (base::EqualsIgnoreCase(opt, "noloop")) {
      o.noloop = true;
    } else if (base::EqualsIgnoreCase(opt, "prefix") && more) {
      o.prefixes.emplace_back(argv[++j]);
    } else {
      ctx.Error(kErrSyntax);
      return;
    }
  }
  if (base::EqualsIgnoreCase(argv[2], "off")) {
    ctx.server.tracking().Disable(c);
    ctx.reply.Ok();
    return;
  }
  if (!base::EqualsIgnoreCase(argv[2], "on")) {
    ctx.Error(kErrSyntax);
    return;
  }
  const ClientTracking* now = c.tracking.get();
  if (!o.bcast && !o.prefixes.empty()) {
    ctx.Error("ERR PREFIX option requires BCAST mode to be enabled");
    return;
  }
  if (now != nullptr && now->bcast != o.bcast) {
    ctx.Error(
        "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and "
        "then re-enabling it with a different mode.");
    return;
  }
  if (o.bcast && (o.optin || o.optout)) {
    ctx.Error("ERR OPTIN and OPTOUT are not compatible with BCAST");
    return;
  }
  if (o.optin && o.optout) {
    ctx.Error("ERR You can't specify both OPTIN mode and OPTOUT mode");
    return;
  }
  if (now != nullptr && ((o.optin && now->optout) || (o.optout && now->optin))) {
    ctx.Error(
        "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and "
        "then re-enabling it with a different mode.");
    return;
  }
  if (o.bcast) {
    for (size_t i = 0; i < o.prefixes.size(); ++i) {
      if (now != nullptr) {
        for (const std::string& have : now->prefixes) {
          if (Overlap(have, o.prefixes[i])) {
            ctx.Error("ERR Prefix '" + o.prefixes[i] + "' overlaps with an existing prefix '" +
                      have + "'. Prefixes for a single client must not overlap.");
            return;
          }
        }
      }
      for (size_t j = i + 1; j < o.prefixes.size(); ++j) {
        if (Overlap(o.prefixes[i], o.prefixes[j])) {
          ctx.Error("ERR Prefix '" + o.prefixes[i] + "' overlaps with another provided prefix '" +
                    o.prefixes[j] + "'. Prefixes for a single client must not overlap.");
          return;
        }
      }
    }
  }
  ctx.server.tracking().Enable(c, o);
  ctx.reply.Ok();
}

// CLIENT CACHING YES|NO: whether the next command's keys are tracked.
void ClientCachingCommand(CommandContext& ctx) {
  ClientTracking* t = ctx.client.tracking.get();
  if (t == nullptr || !(t->optin || t->optout)) {
    ctx.Error(
        "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or "
        "OPTOUT mode enabled");
    return;
  }
  const std::string_view v = ctx.argv[2];
  if (base::EqualsIgnoreCase(v, "yes")) {
    t->caching_yes = true;
  } else if (base::EqualsIgnoreCase(v, "no")) {
    t->caching_no = true;
  } else {
    ctx.Error(kErrSyntax);
    return;
  }
  ctx.reply.Ok();
}

// CLIENT GETREDIR: the redirect target, 0 without one, -1 when not tracking.
void ClientGetredirCommand(CommandContext& ctx) {
  const ClientTracking* t = ctx.client.tracking.get();
  ctx.reply.Integer(t == nullptr ? -1 : static_cast<int64_t>(t->redirect));
}

// CLIENT TRACKINGINFO: a map of flags, redirect and prefixes.
void ClientTrackingInfoCommand(CommandContext& ctx) {
  const ClientTracking* t = ctx.client.tracking.get();
  ctx.reply.MapHeader(3);
  ctx.reply.Bulk("flags");
  if (t == nullptr) {
    ctx.reply.SetHeader(1);
    ctx.reply.Bulk("off");
  } else {
    std::vector<std::string_view> flags = {"on"};
    if (t->bcast) flags.push_back("bcast");
    if (t->optin) flags.push_back("optin");
    if (t->optout) flags.push_back("optout");
    if (t->caching_yes) flags.push_back("caching-yes");
    if (t->caching_no) flags.push_back("caching-no");
    if (t->noloop) flags.push_back("noloop");
    if (t->broken_redirect) flags.push_back("broken_redirect");
    ctx.reply.SetHeader(flags.size());
    for (std::string_view f : flags) ctx.reply.Bulk(f);
  }
  ctx.reply.Bulk("redirect");
  ctx.reply.Integer(t == nullptr ? -1 : static_cast<int64_t>(t->redirect));
  ctx.reply.Bulk("prefixes");
  const size_t n = t == nullptr ? 0 : t->prefixes.size();
  ctx.reply.ArrayHeader(n);
  if (t != nullptr) {
    std::vector<std::string_view> sorted(t->prefixes.begin(), t->prefixes.end());
    std::sort(sorted.begin(), sorted.end());
    for (std::string_view p : sorted) ctx.reply.Bulk(p);
  }
}

}  // namespace respd::server

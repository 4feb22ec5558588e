// Geo on sorted sets: GEOADD GEOPOS GEODIST GEOHASH, as Redis 7.0's geo.c.
// A member's score is its 52-bit geohash (store/encodings/geohash.h); GEOADD
// is ZADD with those scores. Coordinates print as Redis prints them:
// GEOPOS with ld2string's "%.17Lf" trimmed (a double in RESP3), GEODIST with
// "%.4f" (a bulk string in both protocols).
//
// The searches (GEORADIUS, GEOSEARCH, …) are geo_search_family.cc's.
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "base/ascii.h"
#include "base/numbers.h"
#include "server/commands/families.h"
#include "server/commands/geo_common.h"
#include "server/core/server.h"
#include "server/dispatch/command_context.h"
#include "server/dispatch/errors.h"
#include "store/encodings/geohash.h"
#include "store/types/zset.h"

namespace respd::server {
namespace {

using store::KeyEntry;
namespace geohash = store::geohash;

// GEOADD key [NX|XX] [CH] longitude latitude member [...]
void GeoAddCommand(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  store::ZAddOptions o;
  size_t at = 2;
  for (; at < argv.size(); ++at) {
    if (base::EqualsIgnoreCase(argv[at], "nx")) {
      o.nx = true;
    } else if (base::EqualsIgnoreCase(argv[at], "xx")) {
      o.xx = true;
    } else if (base::EqualsIgnoreCase(argv[at], "ch")) {
      o.ch = true;
    } else {
      break;
    }
  }
  if ((argv.size() - at) % 3 != 0 || (o.nx && o.xx)) {
    ctx.Error(kErrSyntax);
    return;
  }
  const size_t elements = (argv.size() - at) / 3;
  std::vector<double> scores(elements);
  std::vector<std::string_view> members(elements);
  for (size_t i = 0; i < elements; ++i) {
    double lon, lat;
    if (!ParseLonLatOrReply(ctx, argv[at + 3 * i], argv[at + 3 * i + 1], &lon, &lat)) return;
    scores[i] = static_cast<double>(geohash::Encode(lon, lat));
    members[i] = argv[at + 3 * i + 2];
  }
  auto result = store::ZSetAdd(ctx.db, argv[1], scores, members, o, ctx.server.type_limits());
  if (!result) {
    ctx.Error(OpStatusError(result.status()));
    return;
  }
  ctx.reply.Integer(static_cast<int64_t>(o.ch ? result->added + result->updated : result->added));
}

// GEOPOS key [member ...]: [lon, lat] per member, a null array for a
// missing one.
void GeoPosCommand(CommandContext& ctx) {
  KeyEntry* e;
  if (!FindGeoSetOrReply(ctx, ctx.argv[1], &e)) return;
  const auto members = ctx.argv.subspan(2);
  ctx.reply.ArrayHeader(members.size());
  for (std::string_view m : members) {
    std::optional<double> score;
    if (e != nullptr) score = store::ZSetScore(*e, m);
    if (!score) {
      ctx.reply.NullArray();
      continue;
    }
    double lon, lat;
    geohash::Decode(geohash::BitsOfScore(*score), &lon, &lat);
    ctx.reply.ArrayHeader(2);
    ReplyCoordinate(ctx, lon);
    ReplyCoordinate(ctx, lat);
  }
}

// GEODIST key member1 member2 [M|KM|FT|MI]
void GeoDistCommand(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  double to_meters = 1;
  if (argv.size() == 5) {
    const std::optional<double> unit = ParseGeoUnitOrReply(ctx, argv[4]);
    if (!unit) return;
    to_meters = *unit;
  } else if (argv.size() > 5) {
    ctx.Error(kErrSyntax);
    return;
  }
  KeyEntry* e = ctx.EntryOrReply(store::FindZSet(ctx.db, argv[1]), [&] { ctx.reply.Null(); });
  if (e == nullptr) return;
  const std::optional<double> a = store::ZSetScore(*e, argv[2]);
  const std::optional<double> b = store::ZSetScore(*e, argv[3]);
  if (!a || !b) {
    ctx.reply.Null();
    return;
  }
  double lon1, lat1, lon2, lat2;
  geohash::Decode(geohash::BitsOfScore(*a), &lon1, &lat1);
  geohash::Decode(geohash::BitsOfScore(*b), &lon2, &lat2);
  ReplyDistance(ctx, geohash::Distance(lon1, lat1, lon2, lat2) / to_meters);
}

// GEOHASH key [member ...]
void GeoHashCommand(CommandContext& ctx) {
  KeyEntry* e;
  if (!FindGeoSetOrReply(ctx, ctx.argv[1], &e)) return;
  const auto members = ctx.argv.subspan(2);
  ctx.reply.ArrayHeader(members.size());
  for (std::string_view m : members) {
    std::optional<double> score;
    if (e != nullptr) score = store::ZSetScore(*e, m);
    if (score) {
      ctx.reply.Bulk(geohash::ToBase32(geohash::BitsOfScore(*score)));
    } else {
      ctx.reply.Null();
    }
  }
}

constexpr CommandSpec kGeoCommands[] = {
    {.name = "geoadd", .handler = &GeoAddCommand},
    {.name = "geopos", .handler = &GeoPosCommand},
    {.name = "geodist", .handler = &GeoDistCommand},
    {.name = "geohash", .handler = &GeoHashCommand},
};

}  // namespace

std::span<const CommandSpec> GeoCommands() { return kGeoCommands; }

}  // namespace respd::server

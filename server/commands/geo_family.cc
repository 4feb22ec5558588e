// Geo on sorted sets: GEOADD GEOPOS GEODIST GEOHASH, as Redis 7.0's geo.c.
// A member's score is its 52-bit geohash (store/encodings/geohash.h); GEOADD
// is ZADD with those scores. Coordinates print as Redis prints them:
// GEOPOS with ld2string's "%.17Lf" trimmed (a double in RESP3), GEODIST with
// "%.4f" (a bulk string in both protocols).
//
// GEORADIUS, GEORADIUSBYMEMBER, their _RO forms, GEOSEARCH and
// GEOSEARCHSTORE are not served yet.
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "base/ascii.h"
#include "base/numbers.h"
#include "server/commands/families.h"
#include "server/core/server.h"
#include "server/dispatch/command_context.h"
#include "server/dispatch/errors.h"
#include "store/encodings/geohash.h"
#include "store/types/zset.h"

namespace respd::server {
namespace {

using store::KeyEntry;
using store::OpStatus;
namespace geohash = store::geohash;

constexpr std::string_view kErrNotFloat = "ERR value is not a valid float";

// A coordinate as addReplyHumanLongDouble writes it.
void ReplyCoordinate(CommandContext& ctx, double v) {
  char buf[base::kMaxLongDoubleChars];
  const std::string_view text(buf, base::FormatLongDouble(v, buf));
  if (ctx.reply.resp3()) {
    ctx.reply.Raw(",");
    ctx.reply.Raw(text);
    ctx.reply.Raw("\r\n");
  } else {
    ctx.reply.Bulk(text);
  }
}

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
    if (!base::ParseDouble(argv[at + 3 * i], &lon) ||
        !base::ParseDouble(argv[at + 3 * i + 1], &lat)) {
      ctx.Error(kErrNotFloat);
      return;
    }
    if (!geohash::ValidCoordinates(lon, lat)) {
      char buf[160];
      std::snprintf(buf, sizeof(buf), "ERR invalid longitude,latitude pair %f,%f", lon, lat);
      ctx.Error(buf);
      return;
    }
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

// The key's sorted set for a geo read: nullptr for a missing key (false
// after a WRONGTYPE reply).
bool FindGeoSet(CommandContext& ctx, KeyEntry** e) {
  auto found = store::FindZSet(ctx.db, ctx.argv[1]);
  if (!found && found.status() != OpStatus::kKeyNotFound) {
    ctx.Error(OpStatusError(found.status()));
    return false;
  }
  *e = found ? *found : nullptr;
  return true;
}

// GEOPOS key [member ...]: [lon, lat] per member, a null array for a
// missing one.
void GeoPosCommand(CommandContext& ctx) {
  KeyEntry* e;
  if (!FindGeoSet(ctx, &e)) return;
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
    geohash::Decode(static_cast<uint64_t>(*score), &lon, &lat);
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
    const std::string_view unit = argv[4];
    if (base::EqualsIgnoreCase(unit, "m")) {
      to_meters = 1;
    } else if (base::EqualsIgnoreCase(unit, "km")) {
      to_meters = 1000;
    } else if (base::EqualsIgnoreCase(unit, "ft")) {
      to_meters = 0.3048;
    } else if (base::EqualsIgnoreCase(unit, "mi")) {
      to_meters = 1609.34;
    } else {
      ctx.Error("ERR unsupported unit provided. please use M, KM, FT, MI");
      return;
    }
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
  geohash::Decode(static_cast<uint64_t>(*a), &lon1, &lat1);
  geohash::Decode(static_cast<uint64_t>(*b), &lon2, &lat2);
  char buf[128];
  const int n = std::snprintf(buf, sizeof(buf), "%.4f",
                              geohash::Distance(lon1, lat1, lon2, lat2) / to_meters);
  ctx.reply.Bulk({buf, static_cast<size_t>(n)});
}

// GEOHASH key [member ...]
void GeoHashCommand(CommandContext& ctx) {
  KeyEntry* e;
  if (!FindGeoSet(ctx, &e)) return;
  const auto members = ctx.argv.subspan(2);
  ctx.reply.ArrayHeader(members.size());
  for (std::string_view m : members) {
    std::optional<double> score;
    if (e != nullptr) score = store::ZSetScore(*e, m);
    if (score) {
      ctx.reply.Bulk(geohash::ToBase32(static_cast<uint64_t>(*score)));
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

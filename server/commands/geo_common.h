// What the geo commands share: the key lookup, Redis's unit names and how
// coordinates and distances print (geo.c's extractUnitOrReply,
// addReplyHumanLongDouble, addReplyDoubleDistance).
#pragma once

#include <optional>
#include <string_view>

#include "server/dispatch/command_context.h"

namespace respd::server {

// The key's sorted set for a geo read (a hit or miss): *e is nullptr for a
// missing key; false after the WRONGTYPE reply.
bool FindGeoSetOrReply(CommandContext& ctx, std::string_view key, store::KeyEntry** e);

// A longitude, latitude pair GEOADD accepts (geohash::ValidCoordinates);
// false after Redis's error reply.
bool ParseLonLatOrReply(CommandContext& ctx, std::string_view lon_arg, std::string_view lat_arg,
                        double* longitude, double* latitude);
// The size in metres of M, KM, FT or MI (any case); nullopt after Redis's
// error reply for another unit.
std::optional<double> ParseGeoUnitOrReply(CommandContext& ctx, std::string_view unit);
// A longitude or latitude: "%.17Lf" trimmed, as a bulk string (RESP2) or a
// double (RESP3).
void ReplyCoordinate(CommandContext& ctx, double degrees);
// A distance in the caller's unit, "%.4f", a bulk string in both protocols.
void ReplyDistance(CommandContext& ctx, double distance);

}  // namespace respd::server

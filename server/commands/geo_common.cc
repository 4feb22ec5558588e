#include "server/commands/geo_common.h"

#include <cstdio>
#include <string>

#include "base/ascii.h"
#include "base/numbers.h"
#include "server/dispatch/errors.h"
#include "store/encodings/geohash.h"
#include "store/types/zset.h"

namespace respd::server {

bool FindGeoSetOrReply(CommandContext& ctx, std::string_view key, store::KeyEntry** e) {
  auto found = store::FindZSet(ctx.db, key);
  if (!found && found.status() != store::OpStatus::kKeyNotFound) {
    ctx.Error(OpStatusError(found.status()));
    return false;
  }
  *e = found ? *found : nullptr;
  return true;
}

bool ParseLonLatOrReply(CommandContext& ctx, std::string_view lon_arg, std::string_view lat_arg,
                        double* longitude, double* latitude) {
  if (!base::ParseDouble(lon_arg, longitude) || !base::ParseDouble(lat_arg, latitude)) {
    ctx.Error(kErrNotFloat);
    return false;
  }
  if (!store::geohash::ValidCoordinates(*longitude, *latitude)) {
    // "%f" of a double can be 300+ digits (1e300): no fixed buffer.
    const int n = std::snprintf(nullptr, 0, "%f,%f", *longitude, *latitude);
    std::string text = "ERR invalid longitude,latitude pair ";
    const size_t at = text.size();
    text.resize(at + static_cast<size_t>(n) + 1);
    std::snprintf(text.data() + at, static_cast<size_t>(n) + 1, "%f,%f", *longitude, *latitude);
    text.resize(at + static_cast<size_t>(n));
    ctx.Error(text);
    return false;
  }
  return true;
}

std::optional<double> ParseGeoUnitOrReply(CommandContext& ctx, std::string_view unit) {
  if (base::EqualsIgnoreCase(unit, "m")) return 1;
  if (base::EqualsIgnoreCase(unit, "km")) return 1000;
  if (base::EqualsIgnoreCase(unit, "ft")) return 0.3048;
  if (base::EqualsIgnoreCase(unit, "mi")) return 1609.34;
  ctx.Error("ERR unsupported unit provided. please use M, KM, FT, MI");
  return std::nullopt;
}

void ReplyCoordinate(CommandContext& ctx, double degrees) {
  char buf[base::kMaxLongDoubleChars];
  const std::string_view text(buf, base::FormatLongDouble(degrees, buf));
  if (ctx.reply.resp3()) {
    ctx.reply.Raw(",");
    ctx.reply.Raw(text);
    ctx.reply.Raw("\r\n");
  } else {
    ctx.reply.Bulk(text);
  }
}

void ReplyDistance(CommandContext& ctx, double distance) {
  char buf[128];
  const int n = std::snprintf(buf, sizeof(buf), "%.4f", distance);
  ctx.reply.Bulk({buf, static_cast<size_t>(n)});
}

}  // namespace respd::server

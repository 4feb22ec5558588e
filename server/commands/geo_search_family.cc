// Geo searches: GEORADIUS, GEORADIUSBYMEMBER, their _RO forms, GEOSEARCH and
// GEOSEARCHSTORE, as Redis 7.0's georadiusGeneric. The search reads the nine
// cells around the centre (store/encodings/geohash_search.h) as score ranges
// of the sorted set, keeps the members inside the circle or box, sorts them
// by distance when asked (or when COUNT needs the nearest), and replies with
// them or stores them.
//
// Parsing follows Redis's order, which decides which error a bad command
// gets: the source key's type first, then the centre and size of the fixed
// forms, then the options left to right, then the combinations.
// GEORADIUSBYMEMBER on a missing key does not read its radius at all.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/ascii.h"
#include "base/numbers.h"
#include "server/commands/families.h"
#include "server/commands/geo_common.h"
#include "server/core/server.h"
#include "server/dispatch/command_context.h"
#include "server/dispatch/errors.h"
#include "store/encodings/geohash.h"
#include "store/encodings/geohash_search.h"
#include "store/types/zset.h"

namespace respd::server {
namespace {

using store::KeyEntry;
namespace geohash = store::geohash;

// Which command this is (Redis's RADIUS_* / GEOSEARCH* flags).
enum SearchFlag : unsigned {
  kFromCoordinates = 1u << 0,  // GEORADIUS: longitude latitude radius unit.
  kFromMember = 1u << 1,       // GEORADIUSBYMEMBER: member radius unit.
  kNoStore = 1u << 2,          // The _RO forms: no STORE / STOREDIST.
  kSearch = 1u << 3,           // GEOSEARCH's FROM… / BY… options.
  kSearchStore = 1u << 4,      // GEOSEARCHSTORE: a destination, STOREDIST flag.
};

enum class Order : uint8_t { kNone, kAscending, kDescending };

struct SearchOptions {
  bool with_dist = false, with_hash = false, with_coord = false;
  bool from_member = false, from_lonlat = false, by_radius = false, by_box = false;
  bool any = false;
  Order order = Order::kNone;
  int64_t count = 0;  // 0: all.
  std::optional<std::string_view> store_key;
  bool store_dist = false;
};

// A member inside the shape.
struct Found {
  std::string member;
  double score;
  double longitude, latitude;
  double distance;  // Metres until the reply converts it.
};

// "<radius> <unit>" (extractDistanceOrReply).
bool ParseRadiusOrReply(CommandContext& ctx, std::span<const std::string_view> args,
                        geohash::SearchShape* shape) {
  double radius;
  if (!base::ParseDouble(args[0], &radius)) {
    ctx.Error("ERR need numeric radius");
    return false;
  }
  if (radius < 0) {
    ctx.Error("ERR radius cannot be negative");
    return false;
  }
  const std::optional<double> unit = ParseGeoUnitOrReply(ctx, args[1]);
  if (!unit) return false;
  shape->box = false;
  shape->radius = radius;
  shape->to_meters = *unit;
  return true;
}

// "<width> <height> <unit>" (extractBoxOrReply).
bool ParseBoxOrReply(CommandContext& ctx, std::span<const std::string_view> args,
                     geohash::SearchShape* shape) {
  double width, height;
  if (!base::ParseDouble(args[0], &width)) {
    ctx.Error("ERR need numeric width");
    return false;
  }
  if (!base::ParseDouble(args[1], &height)) {
    ctx.Error("ERR need numeric height");
    return false;
  }
  if (height < 0 || width < 0) {
    ctx.Error("ERR height or width cannot be negative");
    return false;
  }
  const std::optional<double> unit = ParseGeoUnitOrReply(ctx, args[2]);
  if (!unit) return false;
  shape->box = true;
  shape->width = width;
  shape->height = height;
  shape->to_meters = *unit;
  return true;
}

// The position of `member` as the search centre; false after Redis's reply
// for a member the set does not have.
bool CentreFromMemberOrReply(CommandContext& ctx, const KeyEntry& set, std::string_view member,
                             geohash::SearchShape* shape) {
  const std::optional<double> score = store::ZSetScore(set, member);
  if (!score) {
    ctx.Error("ERR could not decode requested zset member");
    return false;
  }
  geohash::Decode(geohash::BitsOfScore(*score), &shape->longitude, &shape->latitude);
  return true;
}

// The options after the fixed arguments; false after an error reply.
// `set` is null for a missing key: FROMMEMBER is then taken unread.
bool ParseOptionsOrReply(CommandContext& ctx, unsigned flags, size_t first, const KeyEntry* set,
                         geohash::SearchShape* shape, SearchOptions* o) {
  const auto& argv = ctx.argv;
  const bool search = (flags & kSearch) != 0;
  const bool may_store = !(flags & kNoStore) && !search;
  for (size_t i = first; i < argv.size(); ++i) {
    const std::string_view arg = argv[i];
    const size_t after = argv.size() - i - 1;  // Arguments after this one.
    if (base::EqualsIgnoreCase(arg, "withdist")) {
      o->with_dist = true;
    } else if (base::EqualsIgnoreCase(arg, "withhash")) {
      o->with_hash = true;
    } else if (base::EqualsIgnoreCase(arg, "withcoord")) {
      o->with_coord = true;
    } else if (base::EqualsIgnoreCase(arg, "any")) {
      o->any = true;
    } else if (base::EqualsIgnoreCase(arg, "asc")) {
      o->order = Order::kAscending;
    } else if (base::EqualsIgnoreCase(arg, "desc")) {
      o->order = Order::kDescending;
    } else if (base::EqualsIgnoreCase(arg, "count") && after >= 1) {
      if (!base::ParseInt64(argv[i + 1], &o->count)) {
        ctx.Error(kErrNotInteger);
        return false;
      }
      if (o->count <= 0) {
        ctx.Error("ERR COUNT must be > 0");
        return false;
      }
      ++i;
    } else if (base::EqualsIgnoreCase(arg, "store") && after >= 1 && may_store) {
      o->store_key = argv[++i];
      o->store_dist = false;
    } else if (base::EqualsIgnoreCase(arg, "storedist") && after >= 1 && may_store) {
      o->store_key = argv[++i];
      o->store_dist = true;
    } else if (base::EqualsIgnoreCase(arg, "storedist") && search && (flags & kSearchStore)) {
      o->store_dist = true;
    } else if (base::EqualsIgnoreCase(arg, "frommember") && after >= 1 && search &&
               !o->from_lonlat) {
      if (set != nullptr && !CentreFromMemberOrReply(ctx, *set, argv[i + 1], shape)) return false;
      o->from_member = true;
      ++i;
    } else if (base::EqualsIgnoreCase(arg, "fromlonlat") && after >= 2 && search &&
               !o->from_member) {
      if (!ParseLonLatOrReply(ctx, argv[i + 1], argv[i + 2], &shape->longitude, &shape->latitude)) {
        return false;
      }
      o->from_lonlat = true;
      i += 2;
    } else if (base::EqualsIgnoreCase(arg, "byradius") && after >= 2 && search && !o->by_box) {
      if (!ParseRadiusOrReply(ctx, argv.subspan(i + 1, 2), shape)) return false;
      o->by_radius = true;
      i += 2;
    } else if (base::EqualsIgnoreCase(arg, "bybox") && after >= 3 && search && !o->by_radius) {
      if (!ParseBoxOrReply(ctx, argv.subspan(i + 1, 3), shape)) return false;
      o->by_box = true;
      i += 3;
    } else {
      ctx.Error(kErrSyntax);
      return false;
    }
  }
  return true;
}

// The combinations Redis refuses once every option is read.
bool CheckOptionsOrReply(CommandContext& ctx, unsigned flags, const SearchOptions& o) {
  if (o.store_key && (o.with_dist || o.with_hash || o.with_coord)) {
    ctx.Error((flags & kSearchStore)
                  ? "ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD "
                    "options"
                  : "ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and "
                    "WITHCOORD options");
    return false;
  }
  if ((flags & kSearch) && !(o.from_member || o.from_lonlat)) {
    ctx.Error("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for " +
              std::string(ctx.argv[0]));
    return false;
  }
  if ((flags & kSearch) && !(o.by_radius || o.by_box)) {
    ctx.Error("ERR exactly one of BYRADIUS and BYBOX can be specified for " +
              std::string(ctx.argv[0]));
    return false;
  }
  if (o.any && o.count == 0) {
    ctx.Error("ERR the ANY argument requires COUNT argument");
    return false;
  }
  return true;
}

// The members inside the shape, in the order the cells are read (Redis's
// membersOfAllNeighbors), stopping once `limit` are found (0: no limit).
std::vector<Found> Search(const KeyEntry& set, const geohash::SearchShape& shape, size_t limit) {
  std::vector<Found> found;
  auto full = [&] { return limit != 0 && found.size() >= limit; };
  const std::array<geohash::Cell, 9> cells = geohash::CoveringCells(shape);
  size_t last = 0;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (cells[i].step == 0) continue;
    // Huge radii make neighbours coincide; Redis skips a cell equal to the
    // previous one read (never comparing with the centre, index 0).
    if (last != 0 && cells[i] == cells[last]) continue;
    if (full()) break;
    uint64_t min, max;
    geohash::CellScoreRange(cells[i], &min, &max);
    const store::ScoreRange range{.min = static_cast<double>(min),
                                  .max = static_cast<double>(max),
                                  .min_exclusive = false,
                                  .max_exclusive = true};
    store::ZSetRangeByScore(set, range, false, 0, -1, [&](std::string_view member, double score) {
      double lon, lat, distance;
      geohash::Decode(geohash::BitsOfScore(score), &lon, &lat);
      if (geohash::ShapeContains(shape, lon, lat, &distance)) {
        found.push_back({std::string(member), score, lon, lat, distance});
      }
      return !full();
    });
    last = i;
  }
  return found;
}

void ReplyFound(CommandContext& ctx, const SearchOptions& o, std::span<const Found> items,
                double to_meters) {
  const size_t extras = size_t{o.with_dist} + o.with_hash + o.with_coord;
  ctx.reply.ArrayHeader(items.size());
  for (const Found& f : items) {
    if (extras > 0) ctx.reply.ArrayHeader(extras + 1);
    ctx.reply.Bulk(f.member);
    if (o.with_dist) ReplyDistance(ctx, f.distance / to_meters);
    // Cell scores are below 2^53: the conversion is exact.
    if (o.with_hash) ctx.reply.Integer(static_cast<int64_t>(f.score));
    if (o.with_coord) {
      ctx.reply.ArrayHeader(2);
      ReplyCoordinate(ctx, f.longitude);
      ReplyCoordinate(ctx, f.latitude);
    }
  }
}

// The results as a sorted set at the destination (scores are geohashes, or
// distances in the unit with STOREDIST); none deletes it.
void StoreFound(CommandContext& ctx, unsigned flags, const SearchOptions& o,
                std::span<const Found> items, double to_meters) {
  std::vector<std::pair<std::string, double>> elements;
  elements.reserve(items.size());
  for (const Found& f : items) {
    double score = o.store_dist ? f.distance / to_meters : f.score;
    // A NaN distance (rounding at an exact antipode) cannot be a score;
    // Redis asserts there.
    if (score != score) score = 0;
    elements.emplace_back(f.member, score);
  }
  std::sort(elements.begin(), elements.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second < b.second : a.first < b.first;
  });
  store::ZSetStore(
      ctx.db, *o.store_key, elements,
      (flags & kSearch) ? store::KeyEvent::kGeoSearchStore : store::KeyEvent::kGeoRadiusStore,
      ctx.server.type_limits());
  ctx.reply.Integer(static_cast<int64_t>(items.size()));
}

void SearchGeneric(CommandContext& ctx, size_t source_index, unsigned flags) {
  const auto& argv = ctx.argv;
  KeyEntry* set;
  if (!FindGeoSetOrReply(ctx, argv[source_index], &set)) return;

  geohash::SearchShape shape;
  SearchOptions o;
  size_t first_option;
  if (flags & kFromCoordinates) {
    first_option = 6;
    if (!ParseLonLatOrReply(ctx, argv[2], argv[3], &shape.longitude, &shape.latitude) ||
        !ParseRadiusOrReply(ctx, argv.subspan(4, 2), &shape)) {
      return;
    }
  } else if (flags & kFromMember) {
    first_option = 5;
    if (set != nullptr && (!CentreFromMemberOrReply(ctx, *set, argv[2], &shape) ||
                           !ParseRadiusOrReply(ctx, argv.subspan(3, 2), &shape))) {
      return;
    }
  } else {
    first_option = (flags & kSearchStore) ? 3 : 2;
    if (flags & kSearchStore) o.store_key = argv[1];
  }
  if (!ParseOptionsOrReply(ctx, flags, first_option, set, &shape, &o) ||
      !CheckOptionsOrReply(ctx, flags, o)) {
    return;
  }

  if (set == nullptr) {
    if (o.store_key) {
      ctx.db.Delete(*o.store_key);
      ctx.reply.Integer(0);
    } else {
      ctx.reply.ArrayHeader(0);
    }
    return;
  }
  // COUNT means the nearest ones, unless ANY said any will do.
  if (o.count != 0 && o.order == Order::kNone && !o.any) o.order = Order::kAscending;

  std::vector<Found> found = Search(*set, shape, o.any ? static_cast<size_t>(o.count) : 0);
  if (found.empty() && !o.store_key) {
    ctx.reply.ArrayHeader(0);
    return;
  }
  const size_t returned = (o.count == 0 || found.size() < static_cast<size_t>(o.count))
                              ? found.size()
                              : static_cast<size_t>(o.count);
  // Stable, so equal distances keep the order the cells gave (glibc's
  // qsort, which Redis calls, is a merge sort).
  if (o.order == Order::kAscending) {
    std::stable_sort(found.begin(), found.end(),
                     [](const Found& a, const Found& b) { return a.distance < b.distance; });
  } else if (o.order == Order::kDescending) {
    std::stable_sort(found.begin(), found.end(),
                     [](const Found& a, const Found& b) { return a.distance > b.distance; });
  }
  const std::span<const Found> items(found.data(), returned);
  if (o.store_key) {
    StoreFound(ctx, flags, o, items, shape.to_meters);
  } else {
    ReplyFound(ctx, o, items, shape.to_meters);
  }
}

void GeoRadiusCommand(CommandContext& ctx) { SearchGeneric(ctx, 1, kFromCoordinates); }
void GeoRadiusRoCommand(CommandContext& ctx) { SearchGeneric(ctx, 1, kFromCoordinates | kNoStore); }
void GeoRadiusByMemberCommand(CommandContext& ctx) { SearchGeneric(ctx, 1, kFromMember); }
void GeoRadiusByMemberRoCommand(CommandContext& ctx) {
  SearchGeneric(ctx, 1, kFromMember | kNoStore);
}
void GeoSearchCommand(CommandContext& ctx) { SearchGeneric(ctx, 1, kSearch); }
void GeoSearchStoreCommand(CommandContext& ctx) { SearchGeneric(ctx, 2, kSearch | kSearchStore); }

constexpr CommandSpec kGeoSearchCommands[] = {
    {.name = "georadius", .handler = &GeoRadiusCommand},
    {.name = "georadius_ro", .handler = &GeoRadiusRoCommand},
    {.name = "georadiusbymember", .handler = &GeoRadiusByMemberCommand},
    {.name = "georadiusbymember_ro", .handler = &GeoRadiusByMemberRoCommand},
    {.name = "geosearch", .handler = &GeoSearchCommand},
    {.name = "geosearchstore", .handler = &GeoSearchStoreCommand},
};

}  // namespace

std::span<const CommandSpec> GeoSearchCommands() { return kGeoSearchCommands; }

}  // namespace respd::server

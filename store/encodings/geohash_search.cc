#include "store/encodings/geohash_search.h"

#include <cmath>

namespace respd::store::geohash {
namespace {

constexpr double kEarthRadiusMeters = 6372797.560856;
// Half the equator in Web Mercator metres: the width of the coarsest cell.
constexpr double kMercatorMax = 20037726.37;
constexpr double kDegreesToRadians = M_PI / 180.0;

double ToRadians(double degrees) { return degrees * kDegreesToRadians; }
double ToDegrees(double radians) { return radians / kDegreesToRadians; }

// The step at which a cell is about as wide as the search (Redis's
// geohashEstimateStepsByRadius): one less than the doublings that reach
// kMercatorMax, coarser near the poles where meridians converge.
int EstimateStep(double range_meters, double latitude) {
  if (range_meters == 0) return kStepMax;
  int step = 1;
  while (range_meters < kMercatorMax) {
    range_meters *= 2;
    ++step;
  }
  step -= 2;
  if (latitude > 66 || latitude < -66) {
    --step;
    if (latitude > 80 || latitude < -80) --step;
  }
  if (step < 1) step = 1;
  if (step > kStepMax) step = kStepMax;
  return step;
}

// The box that contains the shape, in degrees (geohashBoundingBox): the
// longitude span is taken at the latitude edge nearer the pole, where it
// is widest.
Area BoundingBox(const SearchShape& s) {
  const double height = s.to_meters * (s.box ? s.height / 2 : s.radius);
  const double width = s.to_meters * (s.box ? s.width / 2 : s.radius);
  const double lat_delta = ToDegrees(height / kEarthRadiusMeters);
  const double lon_delta_top =
      ToDegrees(width / kEarthRadiusMeters / std::cos(ToRadians(s.latitude + lat_delta)));
  const double lon_delta_bottom =
      ToDegrees(width / kEarthRadiusMeters / std::cos(ToRadians(s.latitude - lat_delta)));
  const bool southern = s.latitude < 0;
  const double lon_delta = southern ? lon_delta_bottom : lon_delta_top;
  return {.longitude_min = s.longitude - lon_delta,
          .longitude_max = s.longitude + lon_delta,
          .latitude_min = s.latitude - lat_delta,
          .latitude_max = s.latitude + lat_delta};
}

// One cell east (d > 0) or west: add or subtract one in the odd
// (longitude) bits, wrapping within the step's width.
Cell MoveX(Cell c, int d) {
  if (d == 0) return c;
  const int shift = 64 - c.step * 2;
  uint64_t x = c.bits & 0xaaaaaaaaaaaaaaaaULL;
  const uint64_t y = c.bits & 0x5555555555555555ULL;
  const uint64_t zz = 0x5555555555555555ULL >> shift;
  if (d > 0) {
    x = x + (zz + 1);
  } else {
    x = (x | zz) - (zz + 1);
  }
  x &= 0xaaaaaaaaaaaaaaaaULL >> shift;
  return {x | y, c.step};
}

// One cell north (d > 0) or south, in the even (latitude) bits.
Cell MoveY(Cell c, int d) {
  if (d == 0) return c;
  const int shift = 64 - c.step * 2;
  const uint64_t x = c.bits & 0xaaaaaaaaaaaaaaaaULL;
  uint64_t y = c.bits & 0x5555555555555555ULL;
  const uint64_t zz = 0xaaaaaaaaaaaaaaaaULL >> shift;
  if (d > 0) {
    y = y + (zz + 1);
  } else {
    y = (y | zz) - (zz + 1);
  }
  y &= 0x5555555555555555ULL >> shift;
  return {x | y, c.step};
}

enum Neighbour {
  kCentre,
  kNorth,
  kSouth,
  kEast,
  kWest,
  kNorthEast,
  kNorthWest,
  kSouthEast,
  kSouthWest
};

std::array<Cell, 9> WithNeighbours(Cell c) {
  std::array<Cell, 9> n;
  n[kCentre] = c;
  n[kNorth] = MoveY(c, 1);
  n[kSouth] = MoveY(c, -1);
  n[kEast] = MoveX(c, 1);
  n[kWest] = MoveX(c, -1);
  n[kNorthEast] = MoveY(MoveX(c, 1), 1);
  n[kNorthWest] = MoveY(MoveX(c, -1), 1);
  n[kSouthEast] = MoveY(MoveX(c, 1), -1);
  n[kSouthWest] = MoveY(MoveX(c, -1), -1);
  return n;
}

// The distance along a meridian (the haversine's same-longitude case).
double LatitudeDistance(double lat1, double lat2) {
  return kEarthRadiusMeters * std::fabs(ToRadians(lat2) - ToRadians(lat1));
}

}  // namespace

std::array<Cell, 9> CoveringCells(const SearchShape& shape) {
  const Area bounds = BoundingBox(shape);
  // A box's reach is its half diagonal.
  double radius_meters = shape.box ? std::sqrt((shape.width / 2) * (shape.width / 2) +
                                               (shape.height / 2) * (shape.height / 2))
                                   : shape.radius;
  radius_meters *= shape.to_meters;

  int step = EstimateStep(radius_meters, shape.latitude);
  auto cells = WithNeighbours(EncodeCell(shape.longitude, shape.latitude, step));
  // Near a cell's edge the estimate can leave the box sticking out of the
  // neighbours: one step coarser then.
  const bool short_of_box = DecodeCell(cells[kNorth]).latitude_max < bounds.latitude_max ||
                            DecodeCell(cells[kSouth]).latitude_min > bounds.latitude_min ||
                            DecodeCell(cells[kEast]).longitude_max < bounds.longitude_max ||
                            DecodeCell(cells[kWest]).longitude_min > bounds.longitude_min;
  if (step > 1 && short_of_box) {
    --step;
    cells = WithNeighbours(EncodeCell(shape.longitude, shape.latitude, step));
  }
  // Neighbours on a side where the centre cell already covers the box
  // cannot hold a match.
  if (step >= 2) {
    const Area centre = DecodeCell(cells[kCentre]);
    auto drop = [&](Neighbour a, Neighbour b, Neighbour c) { cells[a] = cells[b] = cells[c] = {}; };
    if (centre.latitude_min < bounds.latitude_min) drop(kSouth, kSouthWest, kSouthEast);
    if (centre.latitude_max > bounds.latitude_max) drop(kNorth, kNorthEast, kNorthWest);
    if (centre.longitude_min < bounds.longitude_min) drop(kWest, kSouthWest, kNorthWest);
    if (centre.longitude_max > bounds.longitude_max) drop(kEast, kSouthEast, kNorthEast);
  }
  return cells;
}

void CellScoreRange(Cell cell, uint64_t* min, uint64_t* max) {
  const int shift = 52 - cell.step * 2;
  *min = cell.bits << shift;
  *max = (cell.bits + 1) << shift;
}

bool ShapeContains(const SearchShape& shape, double longitude, double latitude, double* distance) {
  if (!shape.box) {
    *distance = Distance(shape.longitude, shape.latitude, longitude, latitude);
    return !(*distance > shape.radius * shape.to_meters);
  }
  // The latitude test first: it is the cheaper one.
  const double width = shape.width * shape.to_meters;
  const double height = shape.height * shape.to_meters;
  if (LatitudeDistance(latitude, shape.latitude) > height / 2) return false;
  if (Distance(longitude, latitude, shape.longitude, latitude) > width / 2) return false;
  *distance = Distance(shape.longitude, shape.latitude, longitude, latitude);
  return true;
}

}  // namespace respd::store::geohash

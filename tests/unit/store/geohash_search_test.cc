// The search geometry: the cells CoveringCells picks (their step, the
// neighbours it drops, the coarser step when a neighbour falls short of the
// box) and the promise the searches rely on: away from the antimeridian and
// the latitude limits, every point ShapeContains accepts lies in one of the
// covering cells' score ranges. (Redis's geometry does not wrap around
// longitude ±180; geo_differential_test compares the edges with Redis.)
#include "store/encodings/geohash_search.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace respd::store::geohash {
namespace {

bool Covered(const std::array<Cell, 9>& cells, uint64_t score) {
  for (const Cell& c : cells) {
    if (c.step == 0) continue;
    uint64_t min, max;
    CellScoreRange(c, &min, &max);
    if (score >= min && score < max) return true;
  }
  return false;
}

TEST(GeohashSearch, RadiusZeroSearchesTheFinestCells) {
  const SearchShape s{.longitude = 13.361389, .latitude = 38.115556, .radius = 0};
  const auto cells = CoveringCells(s);
  EXPECT_EQ(cells[0].step, kStepMax);
  EXPECT_EQ(cells[0].bits, Encode(13.361389, 38.115556));
  double d;
  EXPECT_TRUE(ShapeContains(s, 13.361389, 38.115556, &d));
  EXPECT_EQ(d, 0);
  EXPECT_FALSE(ShapeContains(s, 13.3614, 38.115556, &d));
}

TEST(GeohashSearch, BiggerShapesUseCoarserCells) {
  int previous = kStepMax + 1;
  for (double km : {0.01, 0.1, 1.0, 10.0, 100.0, 1000.0, 10000.0}) {
    const SearchShape s{.longitude = 2.35, .latitude = 48.85, .radius = km, .to_meters = 1000};
    const int step = CoveringCells(s)[0].step;
    EXPECT_LT(step, previous) << km;
    previous = step;
  }
  // Half the planet: the coarsest grid, one bit per coordinate.
  const SearchShape huge{.longitude = 0, .latitude = 0, .radius = 20000, .to_meters = 1000};
  EXPECT_EQ(CoveringCells(huge)[0].step, 1);
  // Near the poles the same radius takes coarser cells.
  const SearchShape north{.longitude = 0, .latitude = 81, .radius = 10, .to_meters = 1000};
  const SearchShape equator{.longitude = 0, .latitude = 1, .radius = 10, .to_meters = 1000};
  EXPECT_LT(CoveringCells(north)[0].step, CoveringCells(equator)[0].step);
}

TEST(GeohashSearch, ScoreRangesAlignTo52Bits) {
  uint64_t min, max;
  CellScoreRange({.bits = 0b101010, .step = 3}, &min, &max);
  EXPECT_EQ(min, uint64_t{0b101010} << 46);
  EXPECT_EQ(max, uint64_t{0b101011} << 46);
  CellScoreRange({.bits = 12345, .step = kStepMax}, &min, &max);
  EXPECT_EQ(min, 12345u);
  EXPECT_EQ(max, 12346u);
}

TEST(GeohashSearch, BoxesTestLatitudeAndLongitudeSpans) {
  const SearchShape box{
      .longitude = 10, .latitude = 45, .box = true, .width = 200, .height = 100, .to_meters = 1000};
  double d;
  // 40 km north is inside a 100 km tall box; 60 km is not.
  EXPECT_TRUE(ShapeContains(box, 10, 45 + 40.0 / 111.2, &d));
  EXPECT_FALSE(ShapeContains(box, 10, 45 + 60.0 / 111.2, &d));
  // 90 km east (at 45° a degree of longitude is ~78.7 km) is inside the
  // 200 km wide box, 110 km is not.
  EXPECT_TRUE(ShapeContains(box, 10 + 90.0 / 78.7, 45, &d));
  EXPECT_NEAR(d, 90000, 500);
  EXPECT_FALSE(ShapeContains(box, 10 + 110.0 / 78.7, 45, &d));
}

TEST(GeohashSearch, EveryPointInsideIsInACoveringCell) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> unit(0, 1);
  int inside = 0;
  for (int round = 0; round < 3000; ++round) {
    SearchShape s;
    s.longitude = -150 + 300 * unit(rng);
    s.latitude = -60 + 120 * unit(rng);
    s.box = rng() % 2;
    const double meters = std::pow(10.0, 1 + 5 * unit(rng));  // 10 m .. 1000 km.
    s.radius = meters;
    s.width = meters * (0.2 + 2 * unit(rng));
    s.height = meters * (0.2 + 2 * unit(rng));
    const auto cells = CoveringCells(s);
    // Points around the centre, out to twice the shape's reach.
    const double reach_deg = 2 * meters / 111000 / std::cos(s.latitude * M_PI / 180);
    for (int i = 0; i < 200; ++i) {
      const double lon = s.longitude + reach_deg * (2 * unit(rng) - 1);
      const double lat = s.latitude + reach_deg * (2 * unit(rng) - 1);
      if (!ValidCoordinates(lon, lat)) continue;
      const uint64_t score = Encode(lon, lat);
      double dlon, dlat, distance;
      Decode(score, &dlon, &dlat);
      if (!ShapeContains(s, dlon, dlat, &distance)) continue;
      ++inside;
      ASSERT_TRUE(Covered(cells, score))
          << "centre " << s.longitude << "," << s.latitude << " box " << s.box << " size " << meters
          << " point " << dlon << "," << dlat;
    }
  }
  EXPECT_GT(inside, 50000);
}

}  // namespace
}  // namespace respd::store::geohash

// The geohash against values redis-server 7.0.15 gives (GEOADD's scores,
// GEOPOS's decoded centres, GEOHASH's strings, GEODIST's metres), the
// coordinate limits, and decode(encode(p)) staying within one cell of p.
#include "store/encodings/geohash.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace respd::store::geohash {
namespace {

TEST(Geohash, ScoresAreRedisScores) {
  EXPECT_EQ(Encode(13.361389, 38.115556), 3479099956230698u);  // Palermo
  EXPECT_EQ(Encode(15.087269, 37.502669), 3479447370796909u);  // Catania
  EXPECT_EQ(Encode(-180, -85.05112878), 0u);
  EXPECT_EQ(Encode(0, 0), 3377699720527872u);
  EXPECT_EQ(Encode(180, 85.05112878), 13510798882111488u);
}

TEST(Geohash, DecodesToTheCellCentre) {
  double lon, lat;
  Decode(3479099956230698u, &lon, &lat);
  EXPECT_DOUBLE_EQ(lon, 13.36138933897018433);
  EXPECT_DOUBLE_EQ(lat, 38.11555639549629859);
  // The top corner's cell is clamped to the limits.
  Decode(13510798882111488u, &lon, &lat);
  EXPECT_EQ(lon, 180);
  EXPECT_DOUBLE_EQ(lat, 85.0511287799999991);
}

TEST(Geohash, Base32StringsAndDistances) {
  EXPECT_EQ(ToBase32(3479099956230698u), "sqc8b49rny0");
  EXPECT_EQ(ToBase32(3479447370796909u), "sqdtr74hyu0");
  EXPECT_EQ(ToBase32(3377699720527872u), "s0000000000");
  double lon1, lat1, lon2, lat2;
  Decode(3479099956230698u, &lon1, &lat1);
  Decode(3479447370796909u, &lon2, &lat2);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.4f", Distance(lon1, lat1, lon2, lat2) / 1000);
  EXPECT_STREQ(buf, "166.2742");
  // Same longitude: the latitude difference alone.
  EXPECT_DOUBLE_EQ(Distance(10, 10, 10, 20), 6372797.560856 * (10 * M_PI / 180.0));
}

TEST(Geohash, AnyScoreConvertsAsX86Does) {
  EXPECT_EQ(BitsOfScore(3479099956230698.0), 3479099956230698u);
  EXPECT_EQ(BitsOfScore(1.5), 1u);
  EXPECT_EQ(BitsOfScore(-1), ~uint64_t{0});
  EXPECT_EQ(BitsOfScore(-1e30), uint64_t{1} << 63);
  EXPECT_EQ(BitsOfScore(9.3e18), 9300000000000000000u);
  EXPECT_EQ(BitsOfScore(2e19), 0u);
  EXPECT_EQ(BitsOfScore(std::nan("")), 0u);
}

TEST(Geohash, LimitsAndRoundTrips) {
  EXPECT_TRUE(ValidCoordinates(180, 85.05112878));
  EXPECT_FALSE(ValidCoordinates(180.0000001, 0));
  EXPECT_FALSE(ValidCoordinates(0, 85.0511288));
  EXPECT_FALSE(ValidCoordinates(0, -86));
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> lon_d(-180, 180), lat_d(kLatitudeMin, kLatitudeMax);
  const double lon_cell = 360.0 / (1 << kStepMax);
  const double lat_cell = (kLatitudeMax - kLatitudeMin) / (1 << kStepMax);
  for (int i = 0; i < 100000; ++i) {
    const double lon = lon_d(rng), lat = lat_d(rng);
    const uint64_t bits = Encode(lon, lat);
    ASSERT_LT(bits, uint64_t{1} << 52);
    double dlon, dlat;
    Decode(bits, &dlon, &dlat);
    ASSERT_LE(std::fabs(dlon - lon), lon_cell / 2 + 1e-12) << lon;
    ASSERT_LE(std::fabs(dlat - lat), lat_cell / 2 + 1e-12) << lat;
    ASSERT_EQ(Encode(dlon, dlat), bits);  // The centre is in its own cell.
  }
}

}  // namespace
}  // namespace respd::store::geohash

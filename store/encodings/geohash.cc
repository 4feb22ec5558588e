#include "store/encodings/geohash.h"

#include <cmath>

namespace respd::store::geohash {
namespace {

constexpr double kEarthRadiusMeters = 6372797.560856;
constexpr double kDegreesToRadians = M_PI / 180.0;

// Spreads the 32 bits of v over the even bits of a 64-bit word.
uint64_t Spread(uint32_t v) {
  uint64_t x = v;
  x = (x | (x << 16)) & 0x0000FFFF0000FFFFULL;
  x = (x | (x << 8)) & 0x00FF00FF00FF00FFULL;
  x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0FULL;
  x = (x | (x << 2)) & 0x3333333333333333ULL;
  x = (x | (x << 1)) & 0x5555555555555555ULL;
  return x;
}

// The even bits of x gathered into 32 bits (Spread's inverse).
uint32_t Gather(uint64_t x) {
  x &= 0x5555555555555555ULL;
  x = (x | (x >> 1)) & 0x3333333333333333ULL;
  x = (x | (x >> 2)) & 0x0F0F0F0F0F0F0F0FULL;
  x = (x | (x >> 4)) & 0x00FF00FF00FF00FFULL;
  x = (x | (x >> 8)) & 0x0000FFFF0000FFFFULL;
  x = (x | (x >> 16)) & 0x00000000FFFFFFFFULL;
  return static_cast<uint32_t>(x);
}

// Interleaves `step` bits of each offset over the given ranges: latitude
// in the even bits, longitude in the odd ones. The offsets truncate to
// integers as Redis's interleave64(uint32_t, uint32_t) call does.
uint64_t EncodeIn(double longitude, double latitude, double lat_min, double lat_max, uint8_t step) {
  double lat_offset = (latitude - lat_min) / (lat_max - lat_min);
  double lon_offset = (longitude - kLongitudeMin) / (kLongitudeMax - kLongitudeMin);
  lat_offset *= static_cast<double>(1ULL << step);
  lon_offset *= static_cast<double>(1ULL << step);
  return Spread(static_cast<uint32_t>(lat_offset)) |
         (Spread(static_cast<uint32_t>(lon_offset)) << 1);
}

}  // namespace

Cell EncodeCell(double longitude, double latitude, uint8_t step) {
  return {EncodeIn(longitude, latitude, kLatitudeMin, kLatitudeMax, step), step};
}

Area DecodeCell(Cell cell) {
  const uint32_t ilat = Gather(cell.bits);
  const uint32_t ilon = Gather(cell.bits >> 1);
  const double cells = static_cast<double>(1ULL << cell.step);
  const double lat_scale = kLatitudeMax - kLatitudeMin;
  const double lon_scale = kLongitudeMax - kLongitudeMin;
  return {
      .longitude_min = kLongitudeMin + (ilon * 1.0 / cells) * lon_scale,
      .longitude_max = kLongitudeMin + ((ilon + 1.0) * 1.0 / cells) * lon_scale,
      .latitude_min = kLatitudeMin + (ilat * 1.0 / cells) * lat_scale,
      .latitude_max = kLatitudeMin + ((ilat + 1.0) * 1.0 / cells) * lat_scale,
  };
}

uint64_t BitsOfScore(double score) {
  constexpr double kTwo63 = 9223372036854775808.0;
  // cvttsd2si's "indefinite" result for what int64 cannot hold.
  constexpr uint64_t kIndefinite = uint64_t{1} << 63;
  if (score < kTwo63) {
    if (score > -kTwo63) return static_cast<uint64_t>(static_cast<int64_t>(score));
    return kIndefinite;
  }
  // At or above 2^63 (or NaN): the compiler subtracts 2^63, converts and
  // flips the top bit back, so anything past 2^64 (and NaN) becomes 0.
  if (score < 2 * kTwo63) return static_cast<uint64_t>(score);
  return 0;
}

void Decode(uint64_t bits, double* longitude, double* latitude) {
  const Area a = DecodeCell({bits, kStepMax});
  *longitude =
      std::fmin(std::fmax((a.longitude_min + a.longitude_max) / 2, kLongitudeMin), kLongitudeMax);
  *latitude =
      std::fmin(std::fmax((a.latitude_min + a.latitude_max) / 2, kLatitudeMin), kLatitudeMax);
}

std::string ToBase32(uint64_t bits) {
  static constexpr char kAlphabet[] = "0123456789bcdefghjkmnpqrstuvwxyz";
  double longitude, latitude;
  Decode(bits, &longitude, &latitude);
  const uint64_t standard = EncodeIn(longitude, latitude, -90, 90, kStepMax);
  std::string out(11, '0');
  // 52 bits make ten characters; the eleventh is 0, as Redis pads it.
  for (int i = 0; i < 10; ++i) out[i] = kAlphabet[(standard >> (52 - (i + 1) * 5)) & 0x1f];
  return out;
}

double Distance(double lon1, double lat1, double lon2, double lat2) {
  const double lon1r = lon1 * kDegreesToRadians;
  const double lon2r = lon2 * kDegreesToRadians;
  const double v = std::sin((lon2r - lon1r) / 2);
  // Same longitude: the latitude difference alone (Redis's shortcut).
  if (v == 0.0) {
    return kEarthRadiusMeters * std::fabs(lat2 * kDegreesToRadians - lat1 * kDegreesToRadians);
  }
  const double lat1r = lat1 * kDegreesToRadians;
  const double lat2r = lat2 * kDegreesToRadians;
  const double u = std::sin((lat2r - lat1r) / 2);
  const double a = u * u + std::cos(lat1r) * std::cos(lat2r) * v * v;
  return 2.0 * kEarthRadiusMeters * std::asin(std::sqrt(a));
}

}  // namespace respd::store::geohash

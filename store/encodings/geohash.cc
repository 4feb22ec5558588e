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

// Interleaves over the given ranges, `kStepMax` bits each: latitude in the
// even bits, longitude in the odd ones.
uint64_t EncodeIn(double longitude, double latitude, double lat_min, double lat_max) {
  double lat_offset = (latitude - lat_min) / (lat_max - lat_min);
  double lon_offset = (longitude - kLongitudeMin) / (kLongitudeMax - kLongitudeMin);
  lat_offset *= static_cast<double>(1ULL << kStepMax);
  lon_offset *= static_cast<double>(1ULL << kStepMax);
  return Spread(static_cast<uint32_t>(lat_offset)) |
         (Spread(static_cast<uint32_t>(lon_offset)) << 1);
}

}  // namespace

uint64_t Encode(double longitude, double latitude) {
  return EncodeIn(longitude, latitude, kLatitudeMin, kLatitudeMax);
}

void Decode(uint64_t bits, double* longitude, double* latitude) {
  const uint32_t ilat = Gather(bits);
  const uint32_t ilon = Gather(bits >> 1);
  const double cells = static_cast<double>(1ULL << kStepMax);
  const double lat_scale = kLatitudeMax - kLatitudeMin;
  const double lon_scale = kLongitudeMax - kLongitudeMin;
  const double lat_lo = kLatitudeMin + (ilat * 1.0 / cells) * lat_scale;
  const double lat_hi = kLatitudeMin + ((ilat + 1.0) * 1.0 / cells) * lat_scale;
  const double lon_lo = kLongitudeMin + (ilon * 1.0 / cells) * lon_scale;
  const double lon_hi = kLongitudeMin + ((ilon + 1.0) * 1.0 / cells) * lon_scale;
  *longitude = std::fmin(std::fmax((lon_lo + lon_hi) / 2, kLongitudeMin), kLongitudeMax);
  *latitude = std::fmin(std::fmax((lat_lo + lat_hi) / 2, kLatitudeMin), kLatitudeMax);
}

std::string ToBase32(uint64_t bits) {
  static constexpr char kAlphabet[] = "0123456789bcdefghjkmnpqrstuvwxyz";
  double longitude, latitude;
  Decode(bits, &longitude, &latitude);
  const uint64_t standard = EncodeIn(longitude, latitude, -90, 90);
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

// Redis's geohash (geohash.c, geohash_helper.c): longitude and latitude as a
// 52-bit interleaved integer — the score GEOADD gives a sorted-set member —
// and back, and the haversine distance Redis uses, so every printed digit
// equals Redis's.
//
// Coordinates are encoded over longitude [-180, 180] and latitude
// [-85.05112878, 85.05112878] (the Web Mercator limits) with 26 bits each,
// latitude in the even bits. GEOHASH's strings re-encode over the standard
// [-90, 90] latitude range.
#pragma once

#include <cstdint>
#include <string>

namespace respd::store::geohash {

inline constexpr double kLongitudeMin = -180;
inline constexpr double kLongitudeMax = 180;
inline constexpr double kLatitudeMin = -85.05112878;
inline constexpr double kLatitudeMax = 85.05112878;
inline constexpr int kStepMax = 26;  // Bits per coordinate.

// Whether GEOADD accepts the pair.
inline bool ValidCoordinates(double longitude, double latitude) {
  return longitude >= kLongitudeMin && longitude <= kLongitudeMax && latitude >= kLatitudeMin &&
         latitude <= kLatitudeMax;
}

// The 52-bit score of a valid pair.
uint64_t Encode(double longitude, double latitude);
// The centre of the cell a score names (clamped to the valid ranges).
void Decode(uint64_t bits, double* longitude, double* latitude);
// GEOHASH's 11-character base32 string for a score.
std::string ToBase32(uint64_t bits);
// Great-circle distance in metres (Redis's haversine, earth radius
// 6372797.560856 m).
double Distance(double lon1, double lat1, double lon2, double lat2);

}  // namespace respd::store::geohash

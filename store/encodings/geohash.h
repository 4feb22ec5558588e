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

// A cell of the grid with `step` bits per coordinate (Redis's GeoHashBits):
// `step` * 2 interleaved bits, latitude in the even ones. Step 0 is no cell.
struct Cell {
  uint64_t bits = 0;
  uint8_t step = 0;
  bool operator==(const Cell&) const = default;
};

// A cell's bounds, in degrees.
struct Area {
  double longitude_min, longitude_max, latitude_min, latitude_max;
};

// Whether GEOADD accepts the pair.
inline bool ValidCoordinates(double longitude, double latitude) {
  return longitude >= kLongitudeMin && longitude <= kLongitudeMax && latitude >= kLatitudeMin &&
         latitude <= kLatitudeMax;
}

// The cell of a valid pair at `step` (1..kStepMax).
Cell EncodeCell(double longitude, double latitude, uint8_t step);
Area DecodeCell(Cell cell);

// The 52-bit score of a valid pair: its cell at kStepMax.
inline uint64_t Encode(double longitude, double latitude) {
  return EncodeCell(longitude, latitude, kStepMax).bits;
}
// A sorted-set score as the geohash bits it names, converted as Redis's
// `(uint64_t)score` is on x86-64 (scores GEOADD did not write can be
// anything: negative, fractional, huge), without undefined behaviour.
uint64_t BitsOfScore(double score);
// The centre of the cell a score names (clamped to the valid ranges).
void Decode(uint64_t bits, double* longitude, double* latitude);
// GEOHASH's 11-character base32 string for a score.
std::string ToBase32(uint64_t bits);
// Great-circle distance in metres (Redis's haversine, earth radius
// 6372797.560856 m).
double Distance(double lon1, double lat1, double lon2, double lat2);

}  // namespace respd::store::geohash

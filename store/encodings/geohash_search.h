// The geometry of Redis's geo searches (geohash_helper.c): which grid cells
// can hold the members inside a radius or a box around a point, and whether
// a point is inside. GEORADIUS, GEORADIUSBYMEMBER and GEOSEARCH read those
// cells as score ranges of the sorted set, then filter each member with
// ShapeContains, so a search touches nine ranges instead of the whole set.
//
// Every step follows Redis's arithmetic in Redis's order (the step estimate
// from the radius, the bounding box, the step decrease when a neighbour does
// not reach the box, the neighbours dropped outside it), because a point on
// the border is in or out by the last bit of those doubles.
#pragma once

#include <array>
#include <cstdint>

#include "store/encodings/geohash.h"

namespace respd::store::geohash {

// What to search: a circle or an axis-aligned box around a centre, with
// sizes in the caller's unit and the unit's size in metres (1, 1000,
// 0.3048, 1609.34), kept apart because Redis multiplies them where it uses
// them.
struct SearchShape {
  double longitude = 0;
  double latitude = 0;
  bool box = false;
  double radius = 0;  // Circle.
  double width = 0;   // Box.
  double height = 0;
  double to_meters = 1;
};

// The centre's cell and its eight neighbours, in Redis's order (centre,
// north, south, east, west, north-east, north-west, south-east, south-west),
// at the coarsest step whose cells still cover the shape. A neighbour that
// cannot hold a match is Cell{} (step 0).
std::array<Cell, 9> CoveringCells(const SearchShape& shape);

// The sorted-set scores of the members inside `cell`: [*min, *max).
void CellScoreRange(Cell cell, uint64_t* min, uint64_t* max);

// Whether (longitude, latitude) is inside the shape; if so, *distance is
// its distance from the centre in metres.
bool ShapeContains(const SearchShape& shape, double longitude, double latitude, double* distance);

}  // namespace respd::store::geohash

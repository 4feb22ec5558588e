// Geo searches against redis-server on random data: clusters of points
// (around random centres, near the poles, across the antimeridian, at
// 0,0), small sets in a listpack and big ones in a skiplist, then random
// GEOSEARCH / GEORADIUS / GEORADIUSBYMEMBER / GEOSEARCHSTORE queries with
// every shape, unit, order and WITH* option. Members on a circle's or a
// box's edge are in or out by the last bit of Redis's arithmetic, so every
// reply must equal Redis's byte for byte: the members, their order (the
// cells' scan order when unsorted), distances, hashes and coordinates.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "tests/support/differential.h"

namespace respd::test {
namespace {

class GeoDifferential : public RedisRespdPair {
 protected:
  static std::string Num(double v) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%.9f", v);
    return buf;
  }

  double Uniform(double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng_);
  }

  // A centre anywhere, or in one of the awkward places.
  std::pair<double, double> RandomCentre() {
    switch (rng_() % 6) {
      case 0:
        return {Uniform(-180, 180), Uniform(80, 85.05)};  // Near the north limit.
      case 1:
        return {Uniform(-180, 180), Uniform(-85.05, -70)};  // Far south.
      case 2:
        return {rng_() % 2 ? Uniform(179, 180) : Uniform(-180, -179), Uniform(-60, 60)};
      case 3:
        return {Uniform(-0.01, 0.01), Uniform(-0.01, 0.01)};  // Around 0,0.
      default:
        return {Uniform(-180, 180), Uniform(-85, 85)};
    }
  }

  // `n` points in a cluster of roughly `spread` degrees around a centre.
  void AddCluster(const std::string& key, size_t n, double spread, int* next_id) {
    const auto [clon, clat] = RandomCentre();
    std::vector<std::string> args = {"GEOADD", key};
    for (size_t i = 0; i < n; ++i) {
      double lon = clon + Uniform(-spread, spread);
      double lat = clat + Uniform(-spread, spread);
      if (lon > 180) lon -= 360;
      if (lon < -180) lon += 360;
      lat = std::min(85.05, std::max(-85.05, lat));
      args.push_back(Num(lon));
      args.push_back(Num(lat));
      args.push_back("m" + std::to_string((*next_id)++));
    }
    Same(args);
  }

  std::string RandomUnit() {
    static const char* kUnits[] = {"m", "km", "ft", "mi", "KM"};
    return kUnits[rng_() % 5];
  }

  // A size in the unit, from metres to half the planet.
  std::string RandomSize(const std::string& unit) {
    const double meters = std::pow(10.0, Uniform(1, 7.3));
    const double per = unit == "m" ? 1 : unit == "ft" ? 0.3048 : unit == "mi" ? 1609.34 : 1000;
    return Num(meters / per);
  }

  // The WITH*, order and COUNT options of one query.
  void AddOptions(std::vector<std::string>* args, bool store) {
    if (!store) {
      if (rng_() % 2) args->push_back("WITHDIST");
      if (rng_() % 3 == 0) args->push_back("WITHHASH");
      if (rng_() % 2) args->push_back("WITHCOORD");
    }
    switch (rng_() % 3) {
      case 0:
        args->push_back("ASC");
        break;
      case 1:
        args->push_back("DESC");
        break;
      default:
        break;
    }
    if (rng_() % 3 == 0) {
      args->push_back("COUNT");
      args->push_back(std::to_string(1 + rng_() % 20));
      if (rng_() % 3 == 0) args->push_back("ANY");
    }
  }

  void RandomQueries(const std::string& key, int members, int queries) {
    for (int q = 0; q < queries && !HasFailure(); ++q) {
      const std::string unit = RandomUnit();
      const auto [lon, lat] = RandomCentre();
      const std::string member = "m" + std::to_string(rng_() % members);
      std::vector<std::string> args;
      switch (rng_() % 4) {
        case 0:
          args = {"GEORADIUS", key, Num(lon), Num(lat), RandomSize(unit), unit};
          break;
        case 1:
          args = {"GEORADIUSBYMEMBER", key, member, RandomSize(unit), unit};
          break;
        default: {
          const bool store = rng_() % 4 == 0;
          args = {store ? "GEOSEARCHSTORE" : "GEOSEARCH"};
          if (store) args.push_back("dst");
          args.push_back(key);
          if (rng_() % 2) {
            args.insert(args.end(), {"FROMMEMBER", member});
          } else {
            args.insert(args.end(), {"FROMLONLAT", Num(lon), Num(lat)});
          }
          if (rng_() % 2) {
            args.insert(args.end(), {"BYRADIUS", RandomSize(unit), unit});
          } else {
            args.insert(args.end(), {"BYBOX", RandomSize(unit), RandomSize(unit), unit});
          }
          AddOptions(&args, store);
          if (store && rng_() % 2) args.push_back("STOREDIST");
          const std::string reply = Same(args);
          if (reply != "*0\r\n" && reply != ":0\r\n") ++non_empty_;
          if (store) Same({"ZRANGE", "dst", "0", "-1", "WITHSCORES"});
          continue;
        }
      }
      AddOptions(&args, false);
      if (Same(args) != "*0\r\n") ++non_empty_;
    }
  }

  std::mt19937_64 rng_{20261203};
  // Queries that found something: the comparison is not all empty arrays.
  int non_empty_ = 0;
};

TEST_F(GeoDifferential, SmallListpackSetsMatchRedis) {
  for (int round = 0; round < 40 && !HasFailure(); ++round) {
    Same({"DEL", "small"});
    int next_id = 0;
    AddCluster("small", 20 + rng_() % 80, std::pow(10.0, Uniform(-3, 1.5)), &next_id);
    Same({"OBJECT", "ENCODING", "small"});
    RandomQueries("small", next_id, 25);
  }
  EXPECT_GT(non_empty_, 200);
}

TEST_F(GeoDifferential, BigSkiplistSetsMatchRedis) {
  int next_id = 0;
  for (int c = 0; c < 12; ++c) AddCluster("big", 300, std::pow(10.0, Uniform(-2, 1.5)), &next_id);
  Same({"OBJECT", "ENCODING", "big"});
  RandomQueries("big", next_id, 600);
  EXPECT_GT(non_empty_, 120);
}

TEST_F(GeoDifferential, BothProtocolsMatchRedis) {
  int next_id = 0;
  AddCluster("k", 60, 0.5, &next_id);
  // HELLO's reply holds the client id, which differs: switch both unread.
  for (RawClient* c : {a_.get(), b_.get()}) {
    ASSERT_TRUE(c->SendCommand({"HELLO", "3"}) && c->ReadReply());
  }
  RandomQueries("k", next_id, 100);
  EXPECT_GT(non_empty_, 20);
}

}  // namespace
}  // namespace respd::test

// Version numbers: respd's own, and the Redis version whose behaviour it
// matches (reported where clients read a Redis version: INFO, HELLO).
#pragma once

namespace respd {

inline constexpr char kRespdVersion[] = "0.1.0";
inline constexpr char kRedisCompatVersion[] = "7.0.15";

}  // namespace respd

// Errors as values: what a store operation returns instead of throwing or
// writing protocol. The server maps each OpStatus to Redis's exact reply text
// in one place (server/errors.cc).
#pragma once

#include <cstdint>
#include <utility>
#include <variant>

namespace respd::store {

enum class OpStatus : uint8_t {
  kOk,
  kKeyNotFound,
  kWrongType,     // The key holds another type.
  kNotAnInteger,  // The stored value is not an integer (INCR on "abc").
  kNotAFloat,     // The stored value is not a float (INCRBYFLOAT on "abc").
  kOverflow,      // The result would overflow (INCR past INT64_MAX).
  kTooLarge,      // The result would exceed the maximum string size.
  kNotFinite,     // The result would be NaN or infinite (INCRBYFLOAT).
  kOutOfRange,    // An index past the end of a list (LSET).
};

// A value or an OpStatus: std::expected's shape, for C++20.
template <typename T>
class OpResult {
 public:
  OpResult(T value) : v_(std::move(value)) {}  // NOLINT: implicit, like expected.
  OpResult(OpStatus status) : v_(status) {}    // NOLINT

  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }
  OpStatus status() const { return ok() ? OpStatus::kOk : std::get<OpStatus>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T& value() & { return std::get<T>(v_); }
  const T& operator*() const& { return value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, OpStatus> v_;
};

}  // namespace respd::store

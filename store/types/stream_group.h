// A stream's consumer group (Redis's streamCG): where the group has read up
// to, its pending entries list (PEL: delivered, not yet acknowledged) and
// its consumers, each with the part of the PEL delivered to it. A pending
// entry (a NACK) is owned by the group's PEL and referenced from its
// consumer's, as in Redis, so ownership moves between consumers in O(log n).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "store/encodings/stream_id.h"

namespace respd::store {

// A group's entries_read when it is unknown (Redis's SCG_INVALID_ENTRIES_READ).
inline constexpr int64_t kInvalidEntriesRead = -1;

struct StreamConsumer;

struct StreamNack {
  int64_t delivery_time = 0;  // Unix ms of the last delivery.
  uint64_t delivery_count = 1;
  StreamConsumer* consumer = nullptr;  // Null only while XCLAIM FORCE creates it.
};

struct StreamConsumer {
  std::string name;
  int64_t seen_time = 0;  // Unix ms of its last read or claim.
  std::map<StreamId, StreamNack*> pel;
};

struct StreamGroup {
  StreamId last_id;
  int64_t entries_read = kInvalidEntriesRead;
  std::map<StreamId, std::unique_ptr<StreamNack>> pel;
  std::map<std::string, std::unique_ptr<StreamConsumer>, std::less<>> consumers;

  // The same consumers by name: a group may have many, with long shared
  // prefixes ("consumer:000123"), and every read looks its consumer up.
  std::unordered_map<std::string_view, StreamConsumer*> consumers_by_name;

  StreamConsumer* FindConsumer(std::string_view name) const {
    auto it = consumers_by_name.find(name);
    return it == consumers_by_name.end() ? nullptr : it->second;
  }
  // Null if it exists already.
  StreamConsumer* CreateConsumer(std::string_view name, int64_t now_ms);
  // Deletes the consumer and its pending entries; how many it had.
  size_t DeleteConsumer(std::string_view name);
  // Removes a pending entry from the group and its consumer; false if absent.
  bool Acknowledge(StreamId id);
  // Makes `consumer` own the pending entry `nack` of `id`.
  static void MoveNack(StreamId id, StreamNack* nack, StreamConsumer* consumer);

  size_t MemoryUsage() const;
  std::unique_ptr<StreamGroup> Copy() const;
};

}  // namespace respd::store

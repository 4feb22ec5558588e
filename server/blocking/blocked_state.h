// What a client waiting in a blocking command remembers (Client::blocked);
// the BlockingRegistry (blocking_registry.h) keeps the rest.
#pragma once

#include <cstdint>
#include <list>
#include <string>
#include <vector>

#include "store/value_type.h"

namespace respd::server {

struct Client;
struct Command;

struct BlockedState {
  int db = 0;
  store::ValueType type = store::ValueType::kList;
  int64_t deadline_ms = 0;
  const Command* command = nullptr;
  std::vector<std::string> argv;  // The command, copied: run again when served.
  std::vector<std::string> keys;
  // Where the client sits in each key's waiters (parallel to keys).
  std::vector<std::list<Client*>::iterator> positions;
  // Run again also when a key is deleted or changes type (XREADGROUP, which
  // then fails), not only when it holds `type`.
  bool serve_when_gone = false;
  // During a rerun: the ready key it is for (a stream read serves only it).
  std::string serving_key;
  // Set by WaitOrReply when a rerun found nothing: keep waiting.
  bool still_waiting = false;
  // Held by CLIENT PAUSE: no keys, no command copy (it stays unread in the
  // query buffer and runs when the pause ends).
  bool postponed = false;
};

}  // namespace respd::server

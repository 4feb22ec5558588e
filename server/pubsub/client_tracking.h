// One client's CLIENT TRACKING state (Redis's CLIENT_TRACKING* flags and
// client_tracking_redirection / client_tracking_prefixes). Tracking keeps it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace respd::server {

struct ClientTracking {
  bool bcast = false;
  bool optin = false;
  bool optout = false;
  bool noloop = false;
  // CLIENT CACHING yes (OPTIN) / no (OPTOUT): for the next command only.
  bool caching_yes = false;
  bool caching_no = false;
  // The redirect target went away: invalidations are lost until tracking
  // is switched off (Redis's CLIENT_TRACKING_BROKEN_REDIR).
  bool broken_redirect = false;
  uint64_t redirect = 0;              // 0: none (RESP3 pushes on the connection itself).
  std::vector<std::string> prefixes;  // BCAST's, as given.
};

}  // namespace respd::server

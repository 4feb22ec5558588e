// The whole command path — parser, dispatcher, every handler, replies —
// against arbitrary client bytes, without sockets (Server::RunDetachedClient).
// The server lives across inputs, so state built by one input (keys, TTLs,
// WATCHes, MULTI) meets the next. Commands that would touch the machine
// (CONFIG SET port/dir, SHUTDOWN, DEBUG SLEEP) are renamed away.
#include <cstdint>
#include <memory>
#include <string_view>

#include "server/config/config.h"
#include "server/core/server.h"
#include "server/sys/log.h"

namespace {

respd::server::Server& TheServer() {
  static respd::server::Logger* logger = [] {
    auto* l = new respd::server::Logger();
    l->Configure(respd::server::LogLevel::kWarning, "/dev/null");
    return l;
  }();
  static respd::server::Server* server = [] {
    respd::server::Config config;
    config.renamed_commands = {{"config", ""}, {"shutdown", ""}, {"debug", ""}, {"monitor", ""}};
    config.databases = 4;
    // Small strings: SETRANGE and LCS are bounded by this, so an input
    // cannot make the fuzzer allocate gigabytes (Redis would, legitimately).
    respd::server::ApplyDirective({"proto-max-bulk-len", "1mb"}, &config);
    // And replies a client sizes (HRANDFIELD h -1000000000000) stop at
    // this, as they would for a client of a Redis configured so.
    respd::server::ApplyDirective({"client-output-buffer-limit", "normal", "64mb", "0", "0"},
                                  &config);
    return new respd::server::Server(config, logger);
  }();
  return *server;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  respd::server::Server& server = TheServer();
  server.connections().RunDetachedClient(
      std::string_view(reinterpret_cast<const char*>(data), size));
  // No event loop runs here, so the reclaimer's timer never fires: free what
  // FLUSHALL ASYNC or UNLINK handed over, as the loop would between inputs.
  while (server.keyspace().lazy_free().Step(1 << 16)) {
  }
  return 0;
}

// `supervised no|upstart|systemd|auto`, as Redis 7.0 serves it (its
// redisIsSupervised): under systemd, "STATUS=Redis is loading..." goes to the
// datagram socket in $NOTIFY_SOCKET at startup, "STATUS=Ready to accept
// connections" and "READY=1" once the server listens, and "STOPPING=1" when
// it shuts down; under upstart the process stops itself (SIGSTOP) at startup,
// which upstart's `expect stop` waits for. `auto` picks upstart when
// UPSTART_JOB is set, else systemd when NOTIFY_SOCKET is.
#pragma once

#include <string_view>

#include "server/sys/log.h"

namespace respd::server {

enum class Supervisor { kNone, kUpstart, kSystemd };

// Finds the supervisor for the configured mode and the environment and
// greets it (see above); logs Redis's warning and returns kNone when the one
// asked for is not there.
Supervisor StartSupervision(std::string_view mode, Logger& logger);

// Tells the supervisor the server is ready to accept connections.
void NotifySupervisorReady(Supervisor supervisor, Logger& logger);
// Tells it the server is stopping.
void NotifySupervisorStopping(Supervisor supervisor, Logger& logger);

// Sends `state` ("READY=1\n", …) to $NOTIFY_SOCKET: a unix datagram socket,
// in the abstract namespace when the name starts with '@'. False (logged)
// when there is no socket or the send fails.
bool NotifySystemd(std::string_view state, Logger& logger);

}  // namespace respd::server

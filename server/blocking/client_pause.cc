#include "server/blocking/client_pause.h"

#include <algorithm>

#include "base/clock.h"
#include "server/core/server.h"

namespace respd::server {

ClientPause::~ClientPause() {
  if (timer_id_ != -1 && server_.has_loop()) server_.loop().DeleteTimeEvent(timer_id_);
}

void ClientPause::Pause(int64_t end_ms, Mode mode) {
  end_ms_ = std::max(end_ms_, end_ms);
  mode_ = std::max(mode_, mode);
  server_.keyspace().set_expiry_paused(true);
  if (!server_.has_loop()) return;
  if (timer_id_ != -1) server_.loop().DeleteTimeEvent(timer_id_);
  timer_id_ = server_.loop().CreateTimeEvent(std::max<int64_t>(0, end_ms_ - base::SystemTimeMs()),
                                             &ClientPause::OnTimer, this);
}

void ClientPause::Unpause() {
  if (mode_ == Mode::kNone) return;
  mode_ = Mode::kNone;
  end_ms_ = 0;
  if (timer_id_ != -1 && server_.has_loop()) server_.loop().DeleteTimeEvent(timer_id_);
  timer_id_ = -1;
  server_.keyspace().set_expiry_paused(false);
  server_.blocking().ResumePostponed();
}

int64_t ClientPause::OnTimer(ae::EventLoop&, int64_t, void* data) noexcept {
  auto* self = static_cast<ClientPause*>(data);
  const int64_t left = self->end_ms_ - base::SystemTimeMs();
  if (left > 0) return left;
  self->timer_id_ = -1;  // This timer ends with the return below.
  self->Unpause();
  return ae::kNoMore;
}

bool ClientPause::Holds(const Client& c, const Command& cmd) const {
  if (mode_ == Mode::kNone) return false;
  if (mode_ == Mode::kAll) return true;
  constexpr uint32_t kChanges = kCmdWrite | kCmdMayReplicate;
  if (cmd.flags & kChanges) return true;
  if (cmd.spec->name != "exec") return false;
  return std::any_of(c.multi_queue.begin(), c.multi_queue.end(),
                     [](const Client::QueuedCommand& q) { return q.command->flags & kChanges; });
}

}  // namespace respd::server

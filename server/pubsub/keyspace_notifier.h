// Keyspace notifications (notify-keyspace-events): each key change the
// store announces (store/key_events.h) whose class is enabled is published
// as Redis's notify.c does, first on __keyspace@<db>__:<key> with the event
// name (K), then on __keyevent@<db>__:<event> with the key (E), through
// PubSub, so pattern subscribers see them too. Subscribed to the store only
// while some class is on: with notifications off it costs nothing.
#pragma once

#include <string>
#include <string_view>

#include "server/pubsub/pubsub.h"
#include "store/key_events.h"

namespace respd::server {

class KeyspaceNotifier : public store::KeyEventListener {
 public:
  KeyspaceNotifier(store::KeyEvents& events, PubSub& pubsub) : events_(events), pubsub_(pubsub) {}
  KeyspaceNotifier(const KeyspaceNotifier&) = delete;
  KeyspaceNotifier& operator=(const KeyspaceNotifier&) = delete;
  ~KeyspaceNotifier() override;

  // The KeyspaceEventFlag bits in effect from now on.
  void Configure(int flags);

  void OnKeyEvent(store::Database& db, std::string_view key, store::KeyEvent event) override;

 private:
  bool Listening() const;

  store::KeyEvents& events_;
  PubSub& pubsub_;
  int flags_ = 0;
  std::string channel_;  // Reused for each message's channel name.
};

}  // namespace respd::server

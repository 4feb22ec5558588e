#include "server/pubsub/keyspace_notifier.h"

#include "server/config/keyspace_event_flags.h"
#include "store/database.h"

namespace respd::server {

KeyspaceNotifier::~KeyspaceNotifier() {
  if (Listening()) events_.Unsubscribe(this);
}

bool KeyspaceNotifier::Listening() const {
  // Nothing is published without a channel kind (K or E) and a class.
  return (flags_ & (kNotifyKeyspace | kNotifyKeyevent)) != 0 &&
         (flags_ & ~(kNotifyKeyspace | kNotifyKeyevent)) != 0;
}

void KeyspaceNotifier::Configure(int flags) {
  const bool was = Listening();
  flags_ = flags;
  const bool is = Listening();
  if (is && !was) events_.Subscribe(this);
  if (was && !is) events_.Unsubscribe(this);
}

void KeyspaceNotifier::OnKeyEvent(store::Database& db, std::string_view key,
                                  store::KeyEvent event) {
  if (!(flags_ & KeyspaceEventClassFlag(store::KeyEventClass(event)))) return;
  const std::string_view name = store::KeyEventName(event);
  const std::string db_id = std::to_string(db.id());
  if (flags_ & kNotifyKeyspace) {
    channel_.assign("__keyspace@").append(db_id).append("__:").append(key);
    pubsub_.Publish(channel_, name);
  }
  if (flags_ & kNotifyKeyevent) {
    channel_.assign("__keyevent@").append(db_id).append("__:").append(name);
    pubsub_.Publish(channel_, key);
  }
}

}  // namespace respd::server

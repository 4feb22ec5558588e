// KeyEvents: Redis's names and classes for every event, and a fan-out whose
// listeners may come and go while it is emitting.
#include "store/key_events.h"

#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "base/clock.h"
#include "store/keyspace.h"

namespace respd::store {
namespace {

TEST(KeyEvents, NamesAndClassesAreRedis70s) {
  EXPECT_EQ(KeyEventName(KeyEvent::kSet), "set");
  EXPECT_EQ(KeyEventClass(KeyEvent::kSet), '$');
  EXPECT_EQ(KeyEventName(KeyEvent::kRenameFrom), "rename_from");
  EXPECT_EQ(KeyEventClass(KeyEvent::kDel), 'g');
  EXPECT_EQ(KeyEventName(KeyEvent::kExpired), "expired");
  EXPECT_EQ(KeyEventClass(KeyEvent::kExpired), 'x');
  EXPECT_EQ(KeyEventClass(KeyEvent::kEvicted), 'e');
  EXPECT_EQ(KeyEventClass(KeyEvent::kNew), 'n');
  EXPECT_EQ(KeyEventName(KeyEvent::kHIncrByFloat), "hincrbyfloat");
  EXPECT_EQ(KeyEventName(KeyEvent::kXGroupCreateConsumer), "xgroup-createconsumer");
  EXPECT_EQ(KeyEventClass(KeyEvent::kZRangeStore), 'z');
  // Every name is distinct and every class one Redis knows.
  std::set<std::string_view> names;
  for (int i = 0; i <= static_cast<int>(KeyEvent::kXGroupSetId); ++i) {
    const auto event = static_cast<KeyEvent>(i);
    EXPECT_TRUE(names.insert(KeyEventName(event)).second) << KeyEventName(event);
    EXPECT_NE(std::string_view("gnxe$lshzt").find(KeyEventClass(event)), std::string_view::npos);
  }
}

TEST(KeyEventsTest, StreamGroupMetadataIsNotAChangeOfTheKey) {
  // WATCH and tracking ignore what Redis only notifies.
  EXPECT_FALSE(KeyEventModifiesKey(KeyEvent::kKeyMiss));
  EXPECT_FALSE(KeyEventModifiesKey(KeyEvent::kXSetId));
  EXPECT_FALSE(KeyEventModifiesKey(KeyEvent::kXGroupCreateConsumer));
  EXPECT_FALSE(KeyEventModifiesKey(KeyEvent::kXGroupDestroy));
  EXPECT_TRUE(KeyEventModifiesKey(KeyEvent::kXAdd));
  EXPECT_TRUE(KeyEventModifiesKey(KeyEvent::kXDel));
  EXPECT_TRUE(KeyEventModifiesKey(KeyEvent::kNew));
  EXPECT_TRUE(KeyEventModifiesKey(KeyEvent::kTouched));
}

class Recorder : public KeyEventListener {
 public:
  explicit Recorder(std::string name, std::vector<std::string>* log) : name_(name), log_(log) {}
  void OnKeyEvent(Database&, std::string_view key, KeyEvent) override {
    log_->push_back(name_ + ":" + std::string(key));
    if (on_event) on_event();
  }
  std::function<void()> on_event;

 private:
  std::string name_;
  std::vector<std::string>* log_;
};

base::HashSeed Seed() { return base::HashSeed{}; }

TEST(KeyEvents, FanOutInOrderAndListenersMayLeaveOrJoinMidEmit) {
  base::ManualClock clock(1);
  Keyspace keyspace(1, clock, Seed());
  Database& db = keyspace.db(0);
  KeyEvents& events = keyspace.events();
  std::vector<std::string> log;
  Recorder a("a", &log), b("b", &log), c("c", &log);
  EXPECT_TRUE(events.empty());
  events.Subscribe(&a);
  events.Subscribe(&b);
  events.Subscribe(&a);  // Once only.
  EXPECT_FALSE(events.empty());
  db.Emit(KeyEvent::kSet, "k1");
  EXPECT_EQ(log, (std::vector<std::string>{"a:k1", "b:k1"}));
  // a leaves and c joins while the emit walks the list.
  a.on_event = [&] {
    events.Unsubscribe(&a);
    events.Subscribe(&c);
  };
  log.clear();
  db.Emit(KeyEvent::kSet, "k2");
  EXPECT_EQ(log, (std::vector<std::string>{"a:k2", "b:k2", "c:k2"}));
  log.clear();
  db.Emit(KeyEvent::kDel, "k3");
  EXPECT_EQ(log, (std::vector<std::string>{"b:k3", "c:k3"}));
  events.Unsubscribe(&b);
  events.Unsubscribe(&c);
  events.Unsubscribe(&c);  // Twice is harmless.
  EXPECT_TRUE(events.empty());
  log.clear();
  db.Emit(KeyEvent::kSet, "k4");
  EXPECT_TRUE(log.empty());
}

}  // namespace
}  // namespace respd::store

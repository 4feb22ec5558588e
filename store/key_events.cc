#include "store/key_events.h"

#include <algorithm>
#include <cstdlib>

namespace respd::store {
namespace {

struct EventInfo {
  KeyEvent event;
  std::string_view name;
  char klass;
};

// Indexed by KeyEvent; the static_assert below keeps the two in step.
constexpr EventInfo kEvents[] = {
    {KeyEvent::kDel, "del", 'g'},
    {KeyEvent::kRenameFrom, "rename_from", 'g'},
    {KeyEvent::kRenameTo, "rename_to", 'g'},
    {KeyEvent::kMoveFrom, "move_from", 'g'},
    {KeyEvent::kMoveTo, "move_to", 'g'},
    {KeyEvent::kCopyTo, "copy_to", 'g'},
    {KeyEvent::kRestore, "restore", 'g'},
    {KeyEvent::kExpire, "expire", 'g'},
    {KeyEvent::kPersist, "persist", 'g'},
    {KeyEvent::kSortStore, "sortstore", 'l'},  // A list event in Redis (sort.c).
    {KeyEvent::kNew, "new", 'n'},
    {KeyEvent::kExpired, "expired", 'x'},
    {KeyEvent::kEvicted, "evicted", 'e'},
    {KeyEvent::kSet, "set", '$'},
    {KeyEvent::kSetRange, "setrange", '$'},
    {KeyEvent::kIncrBy, "incrby", '$'},
    {KeyEvent::kIncrByFloat, "incrbyfloat", '$'},
    {KeyEvent::kAppend, "append", '$'},
    {KeyEvent::kSetBit, "setbit", '$'},
    {KeyEvent::kPfAdd, "pfadd", '$'},
    {KeyEvent::kLPush, "lpush", 'l'},
    {KeyEvent::kRPush, "rpush", 'l'},
    {KeyEvent::kLPop, "lpop", 'l'},
    {KeyEvent::kRPop, "rpop", 'l'},
    {KeyEvent::kLInsert, "linsert", 'l'},
    {KeyEvent::kLSet, "lset", 'l'},
    {KeyEvent::kLRem, "lrem", 'l'},
    {KeyEvent::kLTrim, "ltrim", 'l'},
    {KeyEvent::kSAdd, "sadd", 's'},
    {KeyEvent::kSRem, "srem", 's'},
    {KeyEvent::kSPop, "spop", 's'},
    {KeyEvent::kSInterStore, "sinterstore", 's'},
    {KeyEvent::kSUnionStore, "sunionstore", 's'},
    {KeyEvent::kSDiffStore, "sdiffstore", 's'},
    {KeyEvent::kHSet, "hset", 'h'},
    {KeyEvent::kHDel, "hdel", 'h'},
    {KeyEvent::kHIncrBy, "hincrby", 'h'},
    {KeyEvent::kHIncrByFloat, "hincrbyfloat", 'h'},
    {KeyEvent::kZAdd, "zadd", 'z'},
    {KeyEvent::kZIncr, "zincr", 'z'},
    {KeyEvent::kZRem, "zrem", 'z'},
    {KeyEvent::kZRemByScore, "zremrangebyscore", 'z'},
    {KeyEvent::kZRemByRank, "zremrangebyrank", 'z'},
    {KeyEvent::kZRemByLex, "zremrangebylex", 'z'},
    {KeyEvent::kZPopMin, "zpopmin", 'z'},
    {KeyEvent::kZPopMax, "zpopmax", 'z'},
    {KeyEvent::kZInterStore, "zinterstore", 'z'},
    {KeyEvent::kZUnionStore, "zunionstore", 'z'},
    {KeyEvent::kZDiffStore, "zdiffstore", 'z'},
    {KeyEvent::kZRangeStore, "zrangestore", 'z'},
    {KeyEvent::kGeoRadiusStore, "georadiusstore", 'z'},
    {KeyEvent::kGeoSearchStore, "geosearchstore", 'z'},
    {KeyEvent::kXAdd, "xadd", 't'},
    {KeyEvent::kXTrim, "xtrim", 't'},
    {KeyEvent::kXDel, "xdel", 't'},
    {KeyEvent::kXSetId, "xsetid", 't'},
    {KeyEvent::kXGroupCreate, "xgroup-create", 't'},
    {KeyEvent::kXGroupCreateConsumer, "xgroup-createconsumer", 't'},
    {KeyEvent::kXGroupDelConsumer, "xgroup-delconsumer", 't'},
    {KeyEvent::kXGroupDestroy, "xgroup-destroy", 't'},
    {KeyEvent::kXGroupSetId, "xgroup-setid", 't'},
    {KeyEvent::kTouched, "", '\0'},
    {KeyEvent::kKeyMiss, "keymiss", 'm'},
};

constexpr bool TableInEnumOrder() {
  for (size_t i = 0; i < std::size(kEvents); ++i) {
    if (static_cast<size_t>(kEvents[i].event) != i) return false;
  }
  return std::size(kEvents) == static_cast<size_t>(KeyEvent::kKeyMiss) + 1;
}
static_assert(TableInEnumOrder());

}  // namespace

std::string_view KeyEventName(KeyEvent event) { return kEvents[static_cast<size_t>(event)].name; }

char KeyEventClass(KeyEvent event) { return kEvents[static_cast<size_t>(event)].klass; }

bool KeyEventModifiesKey(KeyEvent event) {
  switch (event) {
    case KeyEvent::kKeyMiss:
    case KeyEvent::kXSetId:
    case KeyEvent::kXGroupCreate:
    case KeyEvent::kXGroupCreateConsumer:
    case KeyEvent::kXGroupDelConsumer:
    case KeyEvent::kXGroupDestroy:
    case KeyEvent::kXGroupSetId:
      return false;
    default:
      return true;
  }
}

void KeyEvents::Subscribe(KeyEventListener* l) {
  if (std::find(listeners_.begin(), listeners_.end(), l) != listeners_.end()) return;
  listeners_.push_back(l);
  ++live_;
}

void KeyEvents::Unsubscribe(KeyEventListener* l) {
  auto it = std::find(listeners_.begin(), listeners_.end(), l);
  if (it == listeners_.end()) return;
  --live_;
  if (emitting_ > 0) {
    *it = nullptr;  // Compacted once the emit is done.
  } else {
    listeners_.erase(it);
  }
}

template <typename Fn>
void KeyEvents::ForEach(Fn&& fn) {
  ++emitting_;
  // By index: a callback may subscribe (appending) or unsubscribe (nulling).
  for (size_t i = 0; i < listeners_.size(); ++i) {
    if (listeners_[i] != nullptr) fn(*listeners_[i]);
  }
  if (--emitting_ == 0 && live_ != listeners_.size()) std::erase(listeners_, nullptr);
}

void KeyEvents::Emit(Database& db, std::string_view key, KeyEvent event) {
  ForEach([&](KeyEventListener& l) { l.OnKeyEvent(db, key, event); });
}

void KeyEvents::EmitFlush(Database& db) {
  ForEach([&](KeyEventListener& l) { l.OnFlush(db); });
}

void KeyEvents::EmitSwap(Database& a, Database& b) {
  ForEach([&](KeyEventListener& l) { l.OnSwap(a, b); });
}

}  // namespace respd::store

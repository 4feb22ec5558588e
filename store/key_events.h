// Key-change events: the store tells listeners of every change to a key, with
// Redis's keyspace-notification name for it, after the change is made.
//
// WATCH, blocked clients, keyspace notifications, client tracking and write
// propagation each subscribe on their own and never know of one another.
// With nobody subscribed, emitting is one branch: the hot write path pays
// nothing. A listener subscribes while it has something to watch and
// unsubscribes when it has none; subscribing or unsubscribing from inside a
// callback is allowed.
//
// Whole-database changes (FLUSHDB/FLUSHALL, SWAPDB) are not per-key events:
// listeners hear them once, before they happen, as Redis's signalFlushedDb
// and touchAllWatchedKeysInDb do.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace respd::store {

class Database;

// Every event Redis 7.0 notifies, by the command family that causes it. The
// order is this table's, not Redis's.
enum class KeyEvent : uint8_t {
  // Generic (keyspace-notification class 'g').
  kDel,
  kRenameFrom,
  kRenameTo,
  kMoveFrom,
  kMoveTo,
  kCopyTo,
  kRestore,
  kExpire,
  kPersist,
  kSortStore,
  // Class 'n': a key was created (7.0's "new").
  kNew,
  // Class 'x' and 'e': the store removed a key by itself.
  kExpired,
  kEvicted,
  // Strings ('$').
  kSet,
  kSetRange,
  kIncrBy,
  kIncrByFloat,
  kAppend,
  kSetBit,
  kPfAdd,
  // Lists ('l').
  kLPush,
  kRPush,
  kLPop,
  kRPop,
  kLInsert,
  kLSet,
  kLRem,
  kLTrim,
  // Sets ('s').
  kSAdd,
  kSRem,
  kSPop,
  kSInterStore,
  kSUnionStore,
  kSDiffStore,
  // Hashes ('h').
  kHSet,
  kHDel,
  kHIncrBy,
  kHIncrByFloat,
  // Sorted sets ('z').
  kZAdd,
  kZIncr,
  kZRem,
  kZRemByScore,
  kZRemByRank,
  kZRemByLex,
  kZPopMin,
  kZPopMax,
  kZInterStore,
  kZUnionStore,
  kZDiffStore,
  kZRangeStore,
  kGeoRadiusStore,
  kGeoSearchStore,
  // Streams ('t').
  kXAdd,
  kXTrim,
  kXDel,
  kXSetId,
  kXGroupCreate,
  kXGroupCreateConsumer,
  kXGroupDelConsumer,
  kXGroupDestroy,
  kXGroupSetId,
  // A change Redis signals to WATCH and client tracking but does not
  // notify (signalModifiedKey alone: PFCOUNT refreshing the cardinality it
  // caches in the value). No name, class '\0': keyspace notifications skip it.
  kTouched,
  // Class 'm': a read found no key (7.0's "keymiss"). Not a change at all:
  // only keyspace notifications want it; WATCH, tracking and blocking
  // ignore it.
  kKeyMiss,
};

// Redis's name for the event ("set", "rename_from", "xgroup-create", …).
std::string_view KeyEventName(KeyEvent event);
// Its notify-keyspace-events class letter: 'g', 'n', 'x', 'e', '$', 'l',
// 's', 'h', 'z', 't' or 'm' ('\0' for kTouched, which is never notified).
char KeyEventClass(KeyEvent event);
// Whether WATCH and client tracking see the event as a change of the key
// (Redis's signalModifiedKey): not a read miss, and not the stream events
// Redis only notifies, XSETID's and the XGROUP family's (group metadata;
// a group created with MKSTREAM makes the key, which is a change: kNew).
bool KeyEventModifiesKey(KeyEvent event);

class KeyEventListener {
 public:
  virtual ~KeyEventListener() = default;
  // `key` in `db` changed as `event` says; the change is done. `key` may
  // point into memory the change freed only if the store copied it first:
  // it is valid for the call.
  virtual void OnKeyEvent(Database& db, std::string_view key, KeyEvent event) = 0;
  // `db` is about to be emptied (FLUSHDB, FLUSHALL): no per-key events follow.
  virtual void OnFlush(Database& /*db*/) {}
  // `a` and `b` are about to exchange their contents (SWAPDB).
  virtual void OnSwap(Database& /*a*/, Database& /*b*/) {}
};

// The fan-out: every subscribed listener, in subscription order.
class KeyEvents {
 public:
  bool empty() const { return live_ == 0; }
  // Adds `l` (once; subscribing twice is a no-op).
  void Subscribe(KeyEventListener* l);
  void Unsubscribe(KeyEventListener* l);

  void Emit(Database& db, std::string_view key, KeyEvent event);
  void EmitFlush(Database& db);
  void EmitSwap(Database& a, Database& b);

 private:
  template <typename Fn>
  void ForEach(Fn&& fn);

  // Unsubscribed slots become null while an emit is walking the list, and
  // are compacted when it is done.
  std::vector<KeyEventListener*> listeners_;
  size_t live_ = 0;
  int emitting_ = 0;
};

}  // namespace respd::store

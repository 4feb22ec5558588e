// The event loop on real fds (socketpairs and pipes): readiness, mask merging,
// handlers that unregister others, timers (order, periodic, deletion from
// inside callbacks), the before-sleep hook and Stop(); and the anet socket
// helpers on loopback.
#include "ae/event_loop.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "ae/anet.h"

namespace respd::ae {
namespace {

// A non-blocking connected pair of unix stream sockets, closed on scope exit.
struct SocketPair {
  int a = -1;
  int b = -1;
  SocketPair() {
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) == 0) {
      a = fds[0];
      b = fds[1];
    }
  }
  ~SocketPair() {
    if (a >= 0) close(a);
    if (b >= 0) close(b);
  }
  SocketPair(const SocketPair&) = delete;
  SocketPair& operator=(const SocketPair&) = delete;
};

// A non-blocking pipe, closed on scope exit.
struct Pipe {
  int r = -1;
  int w = -1;
  Pipe() {
    int fds[2];
    if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) == 0) {
      r = fds[0];
      w = fds[1];
    }
  }
  ~Pipe() {
    if (r >= 0) close(r);
    if (w >= 0) close(w);
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
};

void WriteByte(int fd) { ASSERT_EQ(write(fd, "x", 1), 1); }

// Writes until the kernel buffer is full.
void FillUp(int fd) {
  char buf[65536] = {};
  while (write(fd, buf, sizeof(buf)) > 0) {
  }
  ASSERT_TRUE(errno == EAGAIN || errno == EWOULDBLOCK);
}

void Drain(int fd) {
  char buf[65536];
  while (read(fd, buf, sizeof(buf)) > 0) {
  }
}

// What a file handler saw.
struct Calls {
  int count = 0;
  int last_fd = -1;
  int last_mask = kNone;
  std::string data;
};

void RecordProc(EventLoop&, int fd, void* data, int mask) noexcept {
  auto* c = static_cast<Calls*>(data);
  ++c->count;
  c->last_fd = fd;
  c->last_mask = mask;
}

void ReadProc(EventLoop&, int fd, void* data, int mask) noexcept {
  auto* c = static_cast<Calls*>(data);
  ++c->count;
  c->last_fd = fd;
  c->last_mask = mask;
  char buf[256];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) c->data.append(buf, static_cast<size_t>(n));
}

class EventLoopTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    loop_ = EventLoop::Create(1024, &error);
    ASSERT_NE(loop_, nullptr) << error;
  }
  // One non-blocking pass over file and time events.
  int Poll() { return loop_->ProcessEvents(kAllEvents | kDontWait); }

  std::unique_ptr<EventLoop> loop_;
};

TEST_F(EventLoopTest, ReadableFiresWhenDataArrives) {
  SocketPair sp;
  Calls calls;
  ASSERT_TRUE(loop_->CreateFileEvent(sp.a, kReadable, &ReadProc, &calls));
  EXPECT_EQ(Poll(), 0);
  EXPECT_EQ(calls.count, 0);
  ASSERT_EQ(write(sp.b, "hello", 5), 5);
  EXPECT_EQ(Poll(), 1);
  EXPECT_EQ(calls.count, 1);
  EXPECT_EQ(calls.last_fd, sp.a);
  EXPECT_EQ(calls.last_mask, kReadable);
  EXPECT_EQ(calls.data, "hello");
  EXPECT_EQ(Poll(), 0);  // All read: quiet again.
  EXPECT_EQ(calls.count, 1);
}

TEST_F(EventLoopTest, BlockingWaitReturnsWhenDataArrives) {
  Pipe p;
  Calls calls;
  ASSERT_TRUE(loop_->CreateFileEvent(p.r, kReadable, &ReadProc, &calls));
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    WriteByte(p.w);
  });
  // No timers and no kDontWait: waits until the byte arrives.
  EXPECT_EQ(loop_->ProcessEvents(kFileEvents), 1);
  writer.join();
  EXPECT_EQ(calls.data, "x");
}

TEST_F(EventLoopTest, ReadableIsLevelTriggered) {
  // A handler that reads only part of the input is called again.
  SocketPair sp;
  struct State {
    int calls = 0;
  } state;
  ASSERT_TRUE(loop_->CreateFileEvent(
      sp.a, kReadable,
      [](EventLoop&, int fd, void* data, int) noexcept {
        ++static_cast<State*>(data)->calls;
        char c;
        (void)!read(fd, &c, 1);
      },
      &state));
  ASSERT_EQ(write(sp.b, "abc", 3), 3);
  Poll();
  Poll();
  Poll();
  EXPECT_EQ(state.calls, 3);
  Poll();
  EXPECT_EQ(state.calls, 3);
}

TEST_F(EventLoopTest, PeerCloseIsReportedAsReadable) {
  SocketPair sp;
  Calls calls;
  ASSERT_TRUE(loop_->CreateFileEvent(sp.a, kReadable, &RecordProc, &calls));
  close(sp.b);
  sp.b = -1;
  Poll();
  EXPECT_EQ(calls.count, 1);
  EXPECT_TRUE(calls.last_mask & kReadable);
  char c;
  EXPECT_EQ(read(sp.a, &c, 1), 0);  // EOF.
}

TEST_F(EventLoopTest, WritableFiresWhenWritable) {
  SocketPair sp;
  Calls calls;
  FillUp(sp.a);
  ASSERT_TRUE(loop_->CreateFileEvent(sp.a, kWritable, &RecordProc, &calls));
  EXPECT_EQ(Poll(), 0);
  EXPECT_EQ(calls.count, 0);
  Drain(sp.b);
  EXPECT_EQ(Poll(), 1);
  EXPECT_EQ(calls.count, 1);
  EXPECT_EQ(calls.last_mask, kWritable);
  EXPECT_EQ(calls.last_fd, sp.a);
}

// Separate read and write handlers on one fd. The fd has one data pointer
// for both (Redis's clientData), so both count into one struct.
struct ReadWrite {
  int reads = 0;
  int writes = 0;
  int last_read_mask = kNone;
};

void CountRead(EventLoop&, int, void* data, int mask) noexcept {
  auto* rw = static_cast<ReadWrite*>(data);
  ++rw->reads;
  rw->last_read_mask = mask;
}

void CountWrite(EventLoop&, int, void* data, int) noexcept {
  ++static_cast<ReadWrite*>(data)->writes;
}

TEST_F(EventLoopTest, AddingAMaskMergesWithTheRegisteredOne) {
  SocketPair sp;
  ReadWrite rw;
  EXPECT_EQ(loop_->GetFileEvents(sp.a), kNone);
  ASSERT_TRUE(loop_->CreateFileEvent(sp.a, kReadable, &CountRead, &rw));
  EXPECT_EQ(loop_->GetFileEvents(sp.a), kReadable);
  ASSERT_TRUE(loop_->CreateFileEvent(sp.a, kWritable, &CountWrite, &rw));
  EXPECT_EQ(loop_->GetFileEvents(sp.a), kReadable | kWritable);
  // Both registrations work: readable still fires, as does writable.
  WriteByte(sp.b);
  EXPECT_EQ(Poll(), 1);  // One fd.
  EXPECT_EQ(rw.reads, 1);
  EXPECT_EQ(rw.writes, 1);
  EXPECT_EQ(rw.last_read_mask, kReadable | kWritable);
}

TEST_F(EventLoopTest, DeletingOneMaskKeepsTheOther) {
  SocketPair sp;
  ReadWrite rw;
  ASSERT_TRUE(loop_->CreateFileEvent(sp.a, kReadable, &CountRead, &rw));
  ASSERT_TRUE(loop_->CreateFileEvent(sp.a, kWritable, &CountWrite, &rw));
  loop_->DeleteFileEvent(sp.a, kWritable);
  EXPECT_EQ(loop_->GetFileEvents(sp.a), kReadable);
  WriteByte(sp.b);
  Poll();
  EXPECT_EQ(rw.reads, 1);
  EXPECT_EQ(rw.writes, 0);

  // And the other way round.
  ASSERT_TRUE(loop_->CreateFileEvent(sp.a, kWritable, &CountWrite, &rw));
  loop_->DeleteFileEvent(sp.a, kReadable);
  EXPECT_EQ(loop_->GetFileEvents(sp.a), kWritable);
  Poll();
  EXPECT_EQ(rw.reads, 1);
  EXPECT_EQ(rw.writes, 1);

  // Deleting the last mask removes the fd entirely.
  loop_->DeleteFileEvent(sp.a, kWritable);
  EXPECT_EQ(loop_->GetFileEvents(sp.a), kNone);
  EXPECT_EQ(Poll(), 0);
  EXPECT_EQ(rw.reads, 1);
  EXPECT_EQ(rw.writes, 1);
  // It can be registered afresh (EPOLL_CTL_ADD again).
  ASSERT_TRUE(loop_->CreateFileEvent(sp.a, kReadable, &CountRead, &rw));
  Poll();
  EXPECT_EQ(rw.reads, 2);
}

TEST_F(EventLoopTest, DeletingUnknownOrOutOfRangeFdsIsHarmless) {
  loop_->DeleteFileEvent(-1, kReadable);
  loop_->DeleteFileEvent(5000, kReadable);
  loop_->DeleteFileEvent(900, kReadable | kWritable);
  EXPECT_EQ(loop_->GetFileEvents(-1), kNone);
  EXPECT_EQ(loop_->GetFileEvents(5000), kNone);
  SocketPair sp;
  Calls calls;
  ASSERT_TRUE(loop_->CreateFileEvent(sp.a, kReadable, &RecordProc, &calls));
  loop_->DeleteFileEvent(sp.a, kWritable);  // Not registered: the readable stays.
  EXPECT_EQ(loop_->GetFileEvents(sp.a), kReadable);
}

TEST_F(EventLoopTest, CreateFileEventRejectsFdsOutOfRange) {
  errno = 0;
  EXPECT_FALSE(loop_->CreateFileEvent(loop_->setsize(), kReadable, &RecordProc, nullptr));
  EXPECT_EQ(errno, ERANGE);
  errno = 0;
  EXPECT_FALSE(loop_->CreateFileEvent(loop_->setsize() + 100, kReadable, &RecordProc, nullptr));
  EXPECT_EQ(errno, ERANGE);
  errno = 0;
  EXPECT_FALSE(loop_->CreateFileEvent(-1, kReadable, &RecordProc, nullptr));
  EXPECT_EQ(errno, ERANGE);
  EXPECT_EQ(loop_->GetFileEvents(loop_->setsize()), kNone);
}

TEST_F(EventLoopTest, CreateFileEventFailsForABadFd) {
  // The backend refuses a closed fd; nothing is registered.
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  close(fds[0]);
  close(fds[1]);
  EXPECT_FALSE(loop_->CreateFileEvent(fds[0], kReadable, &RecordProc, nullptr));
  EXPECT_EQ(loop_->GetFileEvents(fds[0]), kNone);
}

struct Pair2 {
  int fd1, fd2;
  int called1 = 0, called2 = 0;
};

TEST_F(EventLoopTest, HandlerThatDeletesAnotherFdsEventPreventsItsCall) {
  SocketPair s1, s2;
  Pair2 st{s1.a, s2.a};
  // Whichever runs first unregisters the other; the other must not run even
  // though it was already reported ready in this iteration.
  auto proc = [](EventLoop& loop, int fd, void* data, int) noexcept {
    auto* p = static_cast<Pair2*>(data);
    if (fd == p->fd1) {
      ++p->called1;
      loop.DeleteFileEvent(p->fd2, kReadable);
    } else {
      ++p->called2;
      loop.DeleteFileEvent(p->fd1, kReadable);
    }
  };
  ASSERT_TRUE(loop_->CreateFileEvent(s1.a, kReadable, proc, &st));
  ASSERT_TRUE(loop_->CreateFileEvent(s2.a, kReadable, proc, &st));
  WriteByte(s1.b);
  WriteByte(s2.b);
  // Both are ready before the wait, so one epoll_wait reports both.
  loop_->ProcessEvents(kFileEvents | kDontWait);
  EXPECT_EQ(st.called1 + st.called2, 1);
  EXPECT_EQ(loop_->GetFileEvents(st.called1 ? s2.a : s1.a), kNone);
  // The survivor keeps firing; the other stays silent.
  loop_->ProcessEvents(kFileEvents | kDontWait);
  EXPECT_EQ(st.called1 + st.called2, 2);
  EXPECT_TRUE(st.called1 == 0 || st.called2 == 0);
}

TEST_F(EventLoopTest, ReadHandlerThatRemovesTheWriteEventPreventsTheWriteCall) {
  SocketPair sp;
  struct State {
    int reads = 0, writes = 0;
  } st;
  ASSERT_TRUE(loop_->CreateFileEvent(
      sp.a, kReadable,
      [](EventLoop& loop, int fd, void* data, int) noexcept {
        ++static_cast<State*>(data)->reads;
        loop.DeleteFileEvent(fd, kWritable);
      },
      &st));
  ASSERT_TRUE(loop_->CreateFileEvent(
      sp.a, kWritable,
      [](EventLoop&, int, void* data, int) noexcept { ++static_cast<State*>(data)->writes; }, &st));
  WriteByte(sp.b);
  Poll();
  EXPECT_EQ(st.reads, 1);
  EXPECT_EQ(st.writes, 0);
}

TEST_F(EventLoopTest, HandlerThatUnregistersItselfIsNotCalledAgain) {
  SocketPair sp;
  Calls calls;
  ASSERT_TRUE(loop_->CreateFileEvent(
      sp.a, kReadable,
      [](EventLoop& loop, int fd, void* data, int) noexcept {
        ++static_cast<Calls*>(data)->count;
        loop.DeleteFileEvent(fd, kReadable);  // Leaves the data unread.
      },
      &calls));
  WriteByte(sp.b);
  Poll();
  Poll();
  Poll();
  EXPECT_EQ(calls.count, 1);
}

TEST_F(EventLoopTest, OneHandlerForBothMasksIsCalledOnce) {
  SocketPair sp;
  Calls calls;
  ASSERT_TRUE(loop_->CreateFileEvent(sp.a, kReadable | kWritable, &RecordProc, &calls));
  EXPECT_EQ(loop_->GetFileEvents(sp.a), kReadable | kWritable);
  WriteByte(sp.b);
  EXPECT_EQ(Poll(), 1);
  EXPECT_EQ(calls.count, 1);
  EXPECT_EQ(calls.last_mask, kReadable | kWritable);
  // The same proc registered by two calls is still one call per iteration.
  Calls calls2;
  SocketPair sp2;
  ASSERT_TRUE(loop_->CreateFileEvent(sp2.a, kReadable, &RecordProc, &calls2));
  ASSERT_TRUE(loop_->CreateFileEvent(sp2.a, kWritable, &RecordProc, &calls2));
  WriteByte(sp2.b);
  Drain(sp.a);
  loop_->DeleteFileEvent(sp.a, kReadable | kWritable);
  Poll();
  EXPECT_EQ(calls2.count, 1);
}

// --- Timers -----------------------------------------------------------------

struct TimerLog {
  std::vector<int> order;  // Tags of the timers that fired, in order.
  int stop_after = -1;     // Stop the loop once this many have fired.
};

struct TaggedTimer {
  TimerLog* log;
  int tag;
};

int64_t LogOnce(EventLoop& loop, int64_t, void* data) noexcept {
  auto* t = static_cast<TaggedTimer*>(data);
  t->log->order.push_back(t->tag);
  if (static_cast<int>(t->log->order.size()) == t->log->stop_after) loop.Stop();
  return kNoMore;
}

TEST_F(EventLoopTest, TimersFireInDueOrder) {
  TimerLog log;
  log.stop_after = 3;
  TaggedTimer a{&log, 30}, b{&log, 10}, c{&log, 20};
  loop_->CreateTimeEvent(30, &LogOnce, &a);
  loop_->CreateTimeEvent(10, &LogOnce, &b);
  loop_->CreateTimeEvent(20, &LogOnce, &c);
  const int64_t start = EventLoop::MonotonicMs();
  loop_->Run();
  EXPECT_EQ(log.order, (std::vector<int>{10, 20, 30}));
  EXPECT_GE(EventLoop::MonotonicMs() - start, 29);
}

TEST_F(EventLoopTest, OverdueTimersFireInDueOrderInOnePass) {
  // The loop was late: all three are due in the same pass, created in an
  // order unlike their deadlines. They still run earliest deadline first.
  TimerLog log;
  TaggedTimer a{&log, 3}, b{&log, 1}, c{&log, 2};
  loop_->CreateTimeEvent(3, &LogOnce, &a);
  loop_->CreateTimeEvent(1, &LogOnce, &b);
  loop_->CreateTimeEvent(2, &LogOnce, &c);
  std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(loop_->ProcessEvents(kTimeEvents | kDontWait), 3);
  EXPECT_EQ(log.order, (std::vector<int>{1, 2, 3}));
}

TEST_F(EventLoopTest, TimerIsNotCalledBeforeItIsDue) {
  TimerLog log;
  TaggedTimer a{&log, 1};
  loop_->CreateTimeEvent(10000, &LogOnce, &a);
  EXPECT_EQ(loop_->ProcessEvents(kAllEvents | kDontWait), 0);
  EXPECT_TRUE(log.order.empty());
}

TEST_F(EventLoopTest, BlockingWaitWakesForTheNearestTimer) {
  TimerLog log;
  TaggedTimer a{&log, 1};
  loop_->CreateTimeEvent(15, &LogOnce, &a);
  const int64_t start = EventLoop::MonotonicMs();
  // No fds at all: the wait sleeps until the timer, then runs it.
  while (log.order.empty()) loop_->ProcessEvents(kAllEvents);
  const int64_t elapsed = EventLoop::MonotonicMs() - start;
  EXPECT_GE(elapsed, 14);
  EXPECT_LT(elapsed, 1000);
}

struct Periodic {
  int calls = 0;
  int64_t period = 0;
  int until = 0;
  std::vector<int64_t> at;
};

int64_t PeriodicProc(EventLoop& loop, int64_t, void* data) noexcept {
  auto* p = static_cast<Periodic*>(data);
  p->at.push_back(EventLoop::MonotonicMs());
  if (++p->calls == p->until) {
    loop.Stop();
    return kNoMore;
  }
  return p->period;
}

TEST_F(EventLoopTest, TimerRepeatsByReturningMilliseconds) {
  Periodic p{.period = 3, .until = 4};
  const int64_t id = loop_->CreateTimeEvent(1, &PeriodicProc, &p);
  EXPECT_GE(id, 0);
  loop_->Run();
  EXPECT_EQ(p.calls, 4);
  for (size_t i = 1; i < p.at.size(); ++i) EXPECT_GE(p.at[i] - p.at[i - 1], 3) << i;
  // kNoMore deleted it.
  EXPECT_FALSE(loop_->DeleteTimeEvent(id));
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  Poll();
  EXPECT_EQ(p.calls, 4);
}

TEST_F(EventLoopTest, TimerIdsAreDistinctAndDeletable) {
  TimerLog log;
  TaggedTimer a{&log, 1};
  const int64_t id1 = loop_->CreateTimeEvent(1, &LogOnce, &a);
  const int64_t id2 = loop_->CreateTimeEvent(1, &LogOnce, &a);
  EXPECT_GE(id1, 0);
  EXPECT_GE(id2, 0);
  EXPECT_NE(id1, id2);
  EXPECT_TRUE(loop_->DeleteTimeEvent(id1));
  EXPECT_FALSE(loop_->DeleteTimeEvent(id1));
  EXPECT_FALSE(loop_->DeleteTimeEvent(12345));
  std::this_thread::sleep_for(std::chrono::milliseconds(3));
  Poll();
  EXPECT_EQ(log.order.size(), 1u);  // Only id2 ran.
}

struct Killer {
  EventLoop* loop;
  int64_t self = -1;
  int64_t victim = -1;
  int self_calls = 0;
  int victim_calls = 0;
  bool deleted_self = false;
  bool deleted_victim = false;
};

TEST_F(EventLoopTest, TimerDeletingItselfAndAnotherFromItsCallback) {
  Killer k{loop_.get()};
  k.self = loop_->CreateTimeEvent(
      1,
      [](EventLoop& loop, int64_t id, void* data) noexcept -> int64_t {
        auto* k = static_cast<Killer*>(data);
        ++k->self_calls;
        k->deleted_self = loop.DeleteTimeEvent(id);
        k->deleted_victim = loop.DeleteTimeEvent(k->victim);
        return 1;  // Ignored: the timer is gone.
      },
      &k);
  // Due later than the killer, so the killer runs first in the shared pass.
  k.victim = loop_->CreateTimeEvent(
      2,
      [](EventLoop&, int64_t, void* data) noexcept -> int64_t {
        ++static_cast<Killer*>(data)->victim_calls;
        return kNoMore;
      },
      &k);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  loop_->ProcessEvents(kTimeEvents | kDontWait);
  EXPECT_EQ(k.self_calls, 1);
  EXPECT_TRUE(k.deleted_self);
  EXPECT_TRUE(k.deleted_victim);
  EXPECT_EQ(k.victim_calls, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  loop_->ProcessEvents(kTimeEvents | kDontWait);
  EXPECT_EQ(k.self_calls, 1);
  EXPECT_EQ(k.victim_calls, 0);
  EXPECT_FALSE(loop_->DeleteTimeEvent(k.self));
  EXPECT_FALSE(loop_->DeleteTimeEvent(k.victim));
}

struct Spawner {
  int spawned_calls = 0;
  int spawner_calls = 0;
};

int64_t SpawnedProc(EventLoop&, int64_t, void* data) noexcept {
  ++static_cast<Spawner*>(data)->spawned_calls;
  return kNoMore;
}

TEST_F(EventLoopTest, TimerCreatedInsideATimerWaitsForTheNextPass) {
  Spawner s;
  loop_->CreateTimeEvent(
      0,
      [](EventLoop& loop, int64_t, void* data) noexcept -> int64_t {
        auto* s = static_cast<Spawner*>(data);
        ++s->spawner_calls;
        // Many, to force timers_ to reallocate under the running pass.
        for (int i = 0; i < 64; ++i) loop.CreateTimeEvent(0, &SpawnedProc, s);
        return kNoMore;
      },
      &s);
  loop_->ProcessEvents(kTimeEvents | kDontWait);
  EXPECT_EQ(s.spawner_calls, 1);
  EXPECT_EQ(s.spawned_calls, 0);
  loop_->ProcessEvents(kTimeEvents | kDontWait);
  EXPECT_EQ(s.spawned_calls, 64);
  loop_->ProcessEvents(kTimeEvents | kDontWait);
  EXPECT_EQ(s.spawned_calls, 64);
}

TEST_F(EventLoopTest, ZeroMsRearmDoesNotSpinInOnePass) {
  int calls = 0;
  loop_->CreateTimeEvent(
      0,
      [](EventLoop&, int64_t, void* data) noexcept -> int64_t {
        return ++*static_cast<int*>(data) < 100 ? 0 : kNoMore;
      },
      &calls);
  loop_->ProcessEvents(kTimeEvents | kDontWait);
  EXPECT_EQ(calls, 1);
  loop_->ProcessEvents(kTimeEvents | kDontWait);
  EXPECT_EQ(calls, 2);
}

// --- Before-sleep, Stop, DontWait -----------------------------------------------

void CountBeforeSleep(EventLoop&, void* data) noexcept { ++*static_cast<int*>(data); }

TEST_F(EventLoopTest, BeforeSleepRunsEachIterationWhenAsked) {
  int calls = 0;
  loop_->SetBeforeSleep(&CountBeforeSleep, &calls);
  for (int i = 0; i < 5; ++i) loop_->ProcessEvents(kAllEvents | kDontWait | kCallBeforeSleep);
  EXPECT_EQ(calls, 5);
  loop_->ProcessEvents(kAllEvents | kDontWait);  // Not asked for.
  EXPECT_EQ(calls, 5);
  loop_->SetBeforeSleep(nullptr, nullptr);
  loop_->ProcessEvents(kAllEvents | kDontWait | kCallBeforeSleep);
  EXPECT_EQ(calls, 5);
}

TEST_F(EventLoopTest, BeforeSleepRunsEveryRunIterationAndCanStopIt) {
  int calls = 0;
  loop_->SetBeforeSleep(
      [](EventLoop& loop, void* data) noexcept {
        if (++*static_cast<int*>(data) == 3) loop.Stop();
      },
      &calls);
  // A timer keeps iterations short; the hook ends Run() on its third call,
  // without the loop blocking in that iteration.
  Periodic p{.period = 1, .until = 1000000};
  loop_->CreateTimeEvent(1, &PeriodicProc, &p);
  const int64_t start = EventLoop::MonotonicMs();
  loop_->Run();
  EXPECT_EQ(calls, 3);
  EXPECT_LT(EventLoop::MonotonicMs() - start, 1000);
}

TEST_F(EventLoopTest, StopFromAFileHandlerEndsRun) {
  SocketPair sp;
  int calls = 0;
  ASSERT_TRUE(loop_->CreateFileEvent(
      sp.a, kReadable,
      [](EventLoop& loop, int fd, void* data, int) noexcept {
        ++*static_cast<int*>(data);
        char c;
        (void)!read(fd, &c, 1);
        loop.Stop();
      },
      &calls));
  WriteByte(sp.b);
  loop_->Run();
  EXPECT_EQ(calls, 1);
  // Run() can be entered again after a Stop().
  WriteByte(sp.b);
  loop_->Run();
  EXPECT_EQ(calls, 2);
}

TEST_F(EventLoopTest, DontWaitDoesNotBlock) {
  SocketPair sp;
  Calls calls;
  ASSERT_TRUE(loop_->CreateFileEvent(sp.a, kReadable, &RecordProc, &calls));
  TimerLog log;
  TaggedTimer far{&log, 1};
  loop_->CreateTimeEvent(60000, &LogOnce, &far);
  const int64_t start = EventLoop::MonotonicMs();
  for (int i = 0; i < 10; ++i) EXPECT_EQ(loop_->ProcessEvents(kAllEvents | kDontWait), 0);
  EXPECT_EQ(loop_->ProcessEvents(kFileEvents | kDontWait), 0);
  EXPECT_EQ(loop_->ProcessEvents(0), 0);  // Nothing asked for: returns at once.
  EXPECT_LT(EventLoop::MonotonicMs() - start, 500);
  EXPECT_EQ(calls.count, 0);
  EXPECT_TRUE(log.order.empty());
}

TEST_F(EventLoopTest, ResizeRefusesToDropARegisteredFd) {
  SocketPair sp;
  Calls calls;
  ASSERT_TRUE(loop_->CreateFileEvent(sp.a, kReadable, &RecordProc, &calls));
  EXPECT_FALSE(loop_->Resize(sp.a));  // sp.a would be out of range.
  EXPECT_EQ(loop_->setsize(), 1024);
  EXPECT_TRUE(loop_->Resize(sp.a + 1));
  EXPECT_EQ(loop_->setsize(), sp.a + 1);
  EXPECT_EQ(loop_->GetFileEvents(sp.a), kReadable);
  EXPECT_TRUE(loop_->Resize(2048));
  EXPECT_EQ(loop_->setsize(), 2048);
  WriteByte(sp.b);
  Poll();
  EXPECT_EQ(calls.count, 1);
  loop_->DeleteFileEvent(sp.a, kReadable);
  EXPECT_TRUE(loop_->Resize(sp.a));  // Nothing registered at or above sp.a now.
}

TEST_F(EventLoopTest, TableGrowsForAHighFdAndKeepsEarlierRegistrations) {
  // The fd table starts small and grows on demand up to setsize.
  SocketPair low;
  Calls calls;
  ASSERT_TRUE(loop_->CreateFileEvent(low.a, kReadable, &RecordProc, &calls));
  SocketPair high_pair;
  const int high = dup2(high_pair.a, 1000);
  ASSERT_EQ(high, 1000) << std::strerror(errno);
  EXPECT_EQ(loop_->GetFileEvents(high), kNone);  // Beyond the table so far.
  ASSERT_TRUE(loop_->CreateFileEvent(high, kReadable | kWritable, &RecordProc, &calls));
  EXPECT_EQ(loop_->GetFileEvents(low.a), kReadable);
  EXPECT_EQ(loop_->GetFileEvents(high), kReadable | kWritable);
  EXPECT_EQ(loop_->GetFileEvents(999), kNone);
  loop_->DeleteFileEvent(high, kWritable);
  WriteByte(low.b);
  WriteByte(high_pair.b);
  Poll();
  EXPECT_EQ(calls.count, 2);
  loop_->DeleteFileEvent(high, kReadable);
  EXPECT_EQ(loop_->GetFileEvents(high), kNone);
  close(high);
}

TEST_F(EventLoopTest, ManyFdsAllFire) {
  std::vector<std::unique_ptr<Pipe>> pipes;
  Calls calls;
  for (int i = 0; i < 100; ++i) {
    pipes.push_back(std::make_unique<Pipe>());
    ASSERT_TRUE(loop_->CreateFileEvent(pipes.back()->r, kReadable, &ReadProc, &calls));
    WriteByte(pipes.back()->w);
  }
  EXPECT_EQ(Poll(), 100);
  EXPECT_EQ(calls.count, 100);
  EXPECT_EQ(calls.data, std::string(100, 'x'));
}

// --- anet ---------------------------------------------------------------------

bool IsNonBlocking(int fd) { return (fcntl(fd, F_GETFL) & O_NONBLOCK) != 0; }
bool IsCloseOnExec(int fd) { return (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0; }

// Connects a blocking client socket to addr:port; returns the fd or -1.
int Connect(int family, int port) {
  int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int rc;
  if (family == AF_INET) {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(static_cast<uint16_t>(port));
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    rc = connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa));
  } else {
    sockaddr_in6 sa{};
    sa.sin6_family = AF_INET6;
    sa.sin6_port = htons(static_cast<uint16_t>(port));
    sa.sin6_addr = in6addr_loopback;
    rc = connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa));
  }
  if (rc != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Waits (up to a second) for the listening fd to have a connection pending.
bool WaitReadable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, 1000) == 1;
}

TEST(Anet, ListenOnLoopbackPortZeroAndAccept) {
  std::string error;
  const int lfd = TcpListen("127.0.0.1", 0, 16, &error);
  ASSERT_GE(lfd, 0) << error;
  EXPECT_TRUE(IsNonBlocking(lfd));
  EXPECT_TRUE(IsCloseOnExec(lfd));
  const int port = BoundPort(lfd);
  EXPECT_GT(port, 0);
  EXPECT_LT(port, 65536);

  // Nothing pending: -1 with EAGAIN, not a block.
  std::string ip = "unchanged";
  int peer_port = -7;
  errno = 0;
  EXPECT_EQ(TcpAccept(lfd, &ip, &peer_port), -1);
  EXPECT_TRUE(errno == EAGAIN || errno == EWOULDBLOCK) << std::strerror(errno);

  const int cfd = Connect(AF_INET, port);
  ASSERT_GE(cfd, 0) << std::strerror(errno);
  ASSERT_TRUE(WaitReadable(lfd));
  const int afd = TcpAccept(lfd, &ip, &peer_port);
  ASSERT_GE(afd, 0) << std::strerror(errno);
  EXPECT_EQ(ip, "127.0.0.1");
  std::string client_ip;
  int client_port = 0;
  ASSERT_TRUE(LocalAddress(cfd, &client_ip, &client_port));
  EXPECT_EQ(peer_port, client_port);
  EXPECT_TRUE(IsNonBlocking(afd));
  EXPECT_TRUE(IsCloseOnExec(afd));

  // The accepted socket is the server end of that connection.
  std::string pip, lip;
  int pport = 0, lport = 0;
  ASSERT_TRUE(PeerAddress(afd, &pip, &pport));
  ASSERT_TRUE(LocalAddress(afd, &lip, &lport));
  EXPECT_EQ(pport, client_port);
  EXPECT_EQ(lport, port);
  EXPECT_EQ(FormatAddress(pip, pport), "127.0.0.1:" + std::to_string(client_port));
  EXPECT_TRUE(SetNoDelay(afd));
  EXPECT_TRUE(SetKeepAlive(afd, 300));
  ASSERT_EQ(write(cfd, "ping", 4), 4);
  char buf[8];
  ASSERT_TRUE(WaitReadable(afd));
  EXPECT_EQ(read(afd, buf, sizeof(buf)), 4);

  // Accept with null outputs works too.
  const int cfd2 = Connect(AF_INET, port);
  ASSERT_GE(cfd2, 0);
  ASSERT_TRUE(WaitReadable(lfd));
  const int afd2 = TcpAccept(lfd, nullptr, nullptr);
  EXPECT_GE(afd2, 0);
  for (int fd : {afd2, cfd2, afd, cfd, lfd}) close(fd);
}

TEST(Anet, ListenOnIpv6Loopback) {
  std::string error;
  const int lfd = TcpListen("::1", 0, 16, &error);
  if (lfd < 0 && (errno == EADDRNOTAVAIL || errno == EAFNOSUPPORT)) {
    GTEST_SKIP() << "no IPv6 loopback here: " << error;
  }
  ASSERT_GE(lfd, 0) << error;
  const int port = BoundPort(lfd);
  ASSERT_GT(port, 0);
  const int cfd = Connect(AF_INET6, port);
  ASSERT_GE(cfd, 0) << std::strerror(errno);
  ASSERT_TRUE(WaitReadable(lfd));
  std::string ip;
  int peer_port = 0;
  const int afd = TcpAccept(lfd, &ip, &peer_port);
  ASSERT_GE(afd, 0);
  EXPECT_EQ(ip, "::1");
  EXPECT_EQ(FormatAddress(ip, peer_port), "[::1]:" + std::to_string(peer_port));
  for (int fd : {afd, cfd, lfd}) close(fd);
}

TEST(Anet, FormatAddress) {
  EXPECT_EQ(FormatAddress("127.0.0.1", 6379), "127.0.0.1:6379");
  EXPECT_EQ(FormatAddress("::1", 6379), "[::1]:6379");
  EXPECT_EQ(FormatAddress("fe80::1:2", 0), "[fe80::1:2]:0");
  EXPECT_EQ(FormatAddress("10.0.0.255", 65535), "10.0.0.255:65535");
}

TEST(Anet, ListenFailuresCarryTheReason) {
  std::string error;
  const int lfd = TcpListen("127.0.0.1", 0, 16, &error);
  ASSERT_GE(lfd, 0) << error;
  const int port = BoundPort(lfd);
  // The same port again: in use.
  std::string error2;
  EXPECT_EQ(TcpListen("127.0.0.1", port, 16, &error2), -1);
  EXPECT_EQ(errno, EADDRINUSE);
  EXPECT_FALSE(error2.empty());
  close(lfd);
  // Not an address at all.
  std::string error3;
  EXPECT_EQ(TcpListen("not-an-ip.invalid.", 0, 16, &error3), -1);
  EXPECT_FALSE(error3.empty());
}

TEST(Anet, SetNonBlockingOnABlockingSocket) {
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  EXPECT_FALSE(IsNonBlocking(fds[0]));
  EXPECT_TRUE(SetNonBlocking(fds[0]));
  EXPECT_TRUE(IsNonBlocking(fds[0]));
  EXPECT_FALSE(SetNonBlocking(-1));
  close(fds[0]);
  close(fds[1]);
}

TEST_F(EventLoopTest, ListenerIntegratesWithTheLoop) {
  std::string error;
  const int lfd = TcpListen("127.0.0.1", 0, 16, &error);
  ASSERT_GE(lfd, 0) << error;
  struct Accepted {
    int fd = -1;
    std::string ip;
    int port = 0;
  } acc;
  ASSERT_TRUE(loop_->CreateFileEvent(
      lfd, kReadable,
      [](EventLoop& loop, int fd, void* data, int) noexcept {
        auto* a = static_cast<Accepted*>(data);
        a->fd = TcpAccept(fd, &a->ip, &a->port);
        loop.Stop();
      },
      &acc));
  const int cfd = Connect(AF_INET, BoundPort(lfd));
  ASSERT_GE(cfd, 0);
  loop_->Run();
  EXPECT_GE(acc.fd, 0);
  EXPECT_EQ(acc.ip, "127.0.0.1");
  for (int fd : {acc.fd, cfd, lfd}) {
    if (fd >= 0) close(fd);
  }
}

}  // namespace
}  // namespace respd::ae

// The reply encoder: ReplyBuilder into an OutputBuffer, the path every reply
// takes. The buffer is drained every 256 replies or 8 KiB, whichever comes
// first (as a write after each read would drain it), so appends stay on the
// inline-chunk fast path as they do for a pipelining client.
//
// Why not drain less often: a buffer that repeatedly grows past ~128 KiB of
// 16 KiB chunks and is then emptied makes glibc trim the heap top and grow
// it again (one brk pair and fresh page faults per cycle): ~600 ns per 1 KiB
// reply instead of ~30 ns. BM_ReplyBulk1KChunked drains every 4 MiB, which
// does not trigger it here; see bench/RESULTS.md.
#include <benchmark/benchmark.h>

#include <string>

#include "protocol/output_buffer.h"
#include "protocol/reply_builder.h"

namespace {

using respd::protocol::OutputBuffer;
using respd::protocol::ReplyBuilder;

constexpr int kDrainEvery = 256;
constexpr size_t kDrainBytes = 8 * 1024;

template <typename Fn>
void Run(benchmark::State& state, Fn&& emit) {
  OutputBuffer out;
  ReplyBuilder rb(&out);
  int n = 0;
  int64_t bytes = 0;
  for (auto _ : state) {
    emit(rb);
    if (++n == kDrainEvery || out.size() >= kDrainBytes) {
      bytes += static_cast<int64_t>(out.size());
      out.Consume(out.size());
      n = 0;
    }
  }
  bytes += static_cast<int64_t>(out.size());
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(bytes);
}

void BM_ReplyOk(benchmark::State& state) {
  Run(state, [](ReplyBuilder& rb) { rb.Ok(); });
}
BENCHMARK(BM_ReplyOk);

void BM_ReplyBulk16(benchmark::State& state) {
  const std::string v(16, 'v');
  Run(state, [&](ReplyBuilder& rb) { rb.Bulk(v); });
}
BENCHMARK(BM_ReplyBulk16);

void BM_ReplyBulk1K(benchmark::State& state) {
  const std::string v(1024, 'v');
  Run(state, [&](ReplyBuilder& rb) { rb.Bulk(v); });
}
BENCHMARK(BM_ReplyBulk1K);

void BM_ReplyInteger(benchmark::State& state) {
  int64_t i = 0;
  Run(state, [&](ReplyBuilder& rb) { rb.Integer(i++ * 7919); });
}
BENCHMARK(BM_ReplyInteger);

void BM_ReplyNull(benchmark::State& state) {
  Run(state, [](ReplyBuilder& rb) { rb.Null(); });
}
BENCHMARK(BM_ReplyNull);

// An MGET-style reply: a header and ten 16-byte bulks (one item = the array).
void BM_ReplyArray10Bulk16(benchmark::State& state) {
  const std::string v(16, 'v');
  Run(state, [&](ReplyBuilder& rb) {
    rb.ArrayHeader(10);
    for (int i = 0; i < 10; ++i) rb.Bulk(v);
  });
}
BENCHMARK(BM_ReplyArray10Bulk16);

// Replies that overflow the inline chunk into the chunk list (a big MGET
// or a client that is not reading): 1 KiB bulks, drained only every 4096.
void BM_ReplyBulk1KChunked(benchmark::State& state) {
  const std::string v(1024, 'v');
  OutputBuffer out;
  ReplyBuilder rb(&out);
  int n = 0;
  int64_t bytes = 0;
  for (auto _ : state) {
    rb.Bulk(v);
    if (++n == 4096) {
      bytes += static_cast<int64_t>(out.size());
      out.Clear();
      n = 0;
    }
  }
  bytes += static_cast<int64_t>(out.size());
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(bytes);
}
BENCHMARK(BM_ReplyBulk1KChunked);

}  // namespace

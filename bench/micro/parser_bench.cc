// The request parser alone: ns per command over a pipelined buffer, as the
// server sees it after one big read (parse, consume, parse, …).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>
#include <string_view>

#include "protocol/request_parser.h"

namespace {

using respd::protocol::ParserLimits;
using respd::protocol::ParseStatus;
using respd::protocol::RequestParser;

constexpr int kCommands = 1000;

// Items are commands and bytes are the input parsed; ns_per_cmd is the
// figure bench/run.py reports.
void ReportCommands(benchmark::State& state, size_t input_bytes) {
  state.SetItemsProcessed(state.iterations() * kCommands);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(input_bytes));
  state.counters["ns_per_cmd"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * kCommands,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// `SET key:000000000042 value:0000000042` x kCommands, as multibulk.
std::string MultibulkSets(int n, size_t value_len) {
  std::string out;
  const std::string value(value_len, 'v');
  char key[32];
  for (int i = 0; i < n; ++i) {
    std::snprintf(key, sizeof(key), "key:%012d", i);
    out += "*3\r\n$3\r\nSET\r\n$16\r\n";
    out += key;
    out += "\r\n$" + std::to_string(value.size()) + "\r\n" + value + "\r\n";
  }
  return out;
}

std::string InlineSets(int n) {
  std::string out;
  char line[64];
  for (int i = 0; i < n; ++i) {
    std::snprintf(line, sizeof(line), "SET key:%012d value%d\r\n", i, i);
    out += line;
  }
  return out;
}

std::string MultibulkGets(int n) {
  std::string out;
  char key[32];
  for (int i = 0; i < n; ++i) {
    std::snprintf(key, sizeof(key), "key:%012d", i);
    out += "*2\r\n$3\r\nGET\r\n$16\r\n";
    out += key;
    out += "\r\n";
  }
  return out;
}

void ParseAll(benchmark::State& state, const std::string& buf) {
  ParserLimits limits;
  RequestParser parser(limits);
  size_t args = 0;
  for (auto _ : state) {
    std::string_view rest = buf;
    int commands = 0;
    while (!rest.empty()) {
      size_t consumed = 0;
      const ParseStatus st = parser.Parse(rest, &consumed);
      if (st != ParseStatus::kCommand) {
        state.SkipWithError("parser did not return a command");
        return;
      }
      args += parser.args().size();
      rest.remove_prefix(consumed);
      ++commands;
    }
    benchmark::DoNotOptimize(args);
    if (commands != kCommands) state.SkipWithError("wrong command count");
  }
  ReportCommands(state, buf.size());
}

void BM_ParseMultibulkSet16(benchmark::State& state) {
  static const std::string buf = MultibulkSets(kCommands, 16);
  ParseAll(state, buf);
}
BENCHMARK(BM_ParseMultibulkSet16);

void BM_ParseMultibulkSet1K(benchmark::State& state) {
  static const std::string buf = MultibulkSets(kCommands, 1024);
  ParseAll(state, buf);
}
BENCHMARK(BM_ParseMultibulkSet1K);

void BM_ParseMultibulkGet(benchmark::State& state) {
  static const std::string buf = MultibulkGets(kCommands);
  ParseAll(state, buf);
}
BENCHMARK(BM_ParseMultibulkGet);

void BM_ParseInlineSet(benchmark::State& state) {
  static const std::string buf = InlineSets(kCommands);
  ParseAll(state, buf);
}
BENCHMARK(BM_ParseInlineSet);

// The worst case for an incremental parser: one byte at a time (a slow
// client). Per command, so comparable with the pipelined figures.
void BM_ParseMultibulkSetByteByByte(benchmark::State& state) {
  static const std::string buf = MultibulkSets(kCommands, 16);
  ParserLimits limits;
  RequestParser parser(limits);
  for (auto _ : state) {
    size_t start = 0;  // First unconsumed byte.
    int commands = 0;
    for (size_t end = start + 1; end <= buf.size(); ++end) {
      size_t consumed = 0;
      const ParseStatus st =
          parser.Parse(std::string_view(buf).substr(start, end - start), &consumed);
      start += consumed;
      if (st == ParseStatus::kCommand) ++commands;
      if (st == ParseStatus::kError) {
        state.SkipWithError("parse error");
        return;
      }
    }
    if (commands != kCommands) state.SkipWithError("wrong command count");
  }
  ReportCommands(state, buf.size());
}
BENCHMARK(BM_ParseMultibulkSetByteByByte);

}  // namespace

// Encodes replies into a client's OutputBuffer, in RESP2 or RESP3.
//
// Handlers speak in types (a map, a null, a double) and the builder picks the
// wire form for the client's protocol: after HELLO 3 a map is `%N`, a null is
// `_`, a double is `,`; in RESP2 they degrade exactly as Redis degrades them
// (`*2N`, `$-1`/`*-1`, a bulk string). Fixed replies are constants, so the
// common ones are one memcpy.
#pragma once

#include <cstdint>
#include <string_view>

#include "protocol/output_buffer.h"

namespace respd::protocol {

class ReplyBuilder {
 public:
  explicit ReplyBuilder(OutputBuffer* out) : out_(out) {}

  void set_resp3(bool resp3) { resp3_ = resp3; }
  bool resp3() const { return resp3_; }

  void Ok() { Raw("+OK\r\n"); }
  void SimpleString(std::string_view s);
  // `text` is the error without the leading '-', e.g. "ERR syntax error" or
  // "WRONGTYPE Operation…". CR and LF inside it become spaces: a raw newline
  // would end the reply early and desynchronise the client.
  void Error(std::string_view text);
  void Integer(int64_t value);
  void Bulk(std::string_view s);
  // A missing value: `$-1` in RESP2, `_` in RESP3.
  void Null();
  // A missing aggregate: `*-1` in RESP2, `_` in RESP3.
  void NullArray();
  void ArrayHeader(size_t n) { AggregateHeader('*', n); }
  // RESP3 `%N`; RESP2 a flat array of 2N elements.
  void MapHeader(size_t n) { resp3_ ? AggregateHeader('%', n) : AggregateHeader('*', 2 * n); }
  // RESP3 `~N`; RESP2 an array.
  void SetHeader(size_t n) { AggregateHeader(resp3_ ? '~' : '*', n); }
  // RESP3 `>N` (out-of-band data); RESP2 an array.
  void PushHeader(size_t n) { AggregateHeader(resp3_ ? '>' : '*', n); }
  // RESP3 `,` with Redis's %.17g form ("inf", "-inf"); RESP2 a bulk string.
  void Double(double value);
  // RESP3 `#t`/`#f`; RESP2 `:1`/`:0`.
  void Bool(bool value);
  // RESP3 `(`; RESP2 a bulk string.
  void BigNumber(std::string_view digits);
  // RESP3 `=` with a three-letter format ("txt", "mkd"); RESP2 a bulk string.
  void Verbatim(std::string_view text, std::string_view format = "txt");
  // Bytes already in wire form.
  void Raw(std::string_view bytes) { out_->Append(bytes); }

  OutputBuffer* buffer() { return out_; }

  // Errors sent so far, and the code of the last one ("ERR", "WRONGTYPE"):
  // the server's INFO errorstats and failed_calls come from these.
  uint64_t error_count() const { return error_count_; }
  std::string_view last_error_code() const { return {last_error_code_, last_error_code_len_}; }

 private:
  void AggregateHeader(char type, size_t n);
  void LengthHeader(char type, size_t n);

  OutputBuffer* out_;
  bool resp3_ = false;
  uint64_t error_count_ = 0;
  char last_error_code_[32];
  size_t last_error_code_len_ = 0;
};

}  // namespace respd::protocol

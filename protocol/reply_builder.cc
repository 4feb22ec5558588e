#include "protocol/reply_builder.h"

#include <cmath>
#include <cstdio>

#include "base/numbers.h"

namespace respd::protocol {

void ReplyBuilder::LengthHeader(char type, size_t n) {
  char buf[base::kInt64Digits + 3];
  buf[0] = type;
  size_t len = 1 + base::FormatUint64(n, buf + 1);
  buf[len++] = '\r';
  buf[len++] = '\n';
  out_->Append(buf, len);
}

void ReplyBuilder::AggregateHeader(char type, size_t n) { LengthHeader(type, n); }

void ReplyBuilder::SimpleString(std::string_view s) {
  out_->Append("+", 1);
  out_->Append(s);
  out_->Append("\r\n", 2);
}

void ReplyBuilder::Error(std::string_view text) {
  ++error_count_;
  // The code is the first word, as Redis's errorstats key it.
  size_t code_len = 0;
  while (code_len < text.size() && code_len < sizeof(last_error_code_) && text[code_len] != ' ' &&
         text[code_len] != '\r' && text[code_len] != '\n') {
    last_error_code_[code_len] = text[code_len];
    ++code_len;
  }
  last_error_code_len_ = code_len;
  // Small errors (all of Redis's fixed texts) are sanitised on the stack.
  char buf[256];
  out_->Append("-", 1);
  while (!text.empty()) {
    const size_t n = std::min(text.size(), sizeof(buf));
    for (size_t i = 0; i < n; ++i) {
      const char c = text[i];
      buf[i] = (c == '\r' || c == '\n') ? ' ' : c;
    }
    out_->Append(buf, n);
    text.remove_prefix(n);
  }
  out_->Append("\r\n", 2);
}

void ReplyBuilder::Integer(int64_t value) {
  char buf[base::kInt64Digits + 3];
  buf[0] = ':';
  size_t len = 1 + base::FormatInt64(value, buf + 1);
  buf[len++] = '\r';
  buf[len++] = '\n';
  out_->Append(buf, len);
}

void ReplyBuilder::Bulk(std::string_view s) {
  // Header and small payloads go out in one append.
  char buf[128];
  buf[0] = '$';
  size_t len = 1 + base::FormatUint64(s.size(), buf + 1);
  buf[len++] = '\r';
  buf[len++] = '\n';
  if (s.size() + len + 2 <= sizeof(buf)) {
    // An empty view may have no data at all: memcpy must not see it.
    if (!s.empty()) std::memcpy(buf + len, s.data(), s.size());
    len += s.size();
    buf[len++] = '\r';
    buf[len++] = '\n';
    out_->Append(buf, len);
    return;
  }
  out_->Append(buf, len);
  out_->Append(s);
  out_->Append("\r\n", 2);
}

void ReplyBuilder::Null() { resp3_ ? Raw("_\r\n") : Raw("$-1\r\n"); }

void ReplyBuilder::NullArray() { resp3_ ? Raw("_\r\n") : Raw("*-1\r\n"); }

void ReplyBuilder::Double(double value) {
  if (std::isinf(value)) {
    if (resp3_) {
      Raw(value > 0 ? ",inf\r\n" : ",-inf\r\n");
    } else {
      Bulk(value > 0 ? "inf" : "-inf");
    }
    return;
  }
  char buf[64];
  const int n = std::snprintf(buf, sizeof(buf), "%.17g", value);
  const std::string_view text(buf, static_cast<size_t>(n));
  if (resp3_) {
    out_->Append(",", 1);
    out_->Append(text);
    out_->Append("\r\n", 2);
  } else {
    Bulk(text);
  }
}

void ReplyBuilder::Bool(bool value) {
  if (resp3_) {
    Raw(value ? "#t\r\n" : "#f\r\n");
  } else {
    Raw(value ? ":1\r\n" : ":0\r\n");
  }
}

void ReplyBuilder::BigNumber(std::string_view digits) {
  if (!resp3_) {
    Bulk(digits);
    return;
  }
  out_->Append("(", 1);
  out_->Append(digits);
  out_->Append("\r\n", 2);
}

void ReplyBuilder::Verbatim(std::string_view text, std::string_view format) {
  if (!resp3_) {
    Bulk(text);
    return;
  }
  LengthHeader('=', text.size() + format.size() + 1);
  out_->Append(format);
  out_->Append(":", 1);
  out_->Append(text);
  out_->Append("\r\n", 2);
}

}  // namespace respd::protocol

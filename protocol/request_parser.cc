#include "protocol/request_parser.h"

#include <algorithm>
#include <cstring>

#include "base/numbers.h"

namespace respd::protocol {
namespace {

// Tables larger than this are released when a command completes, so one huge
// MSET does not pin megabytes per client for the rest of its life.
constexpr size_t kKeepArgsCapacity = 1024;
constexpr size_t kKeepInlineCapacity = 64 * 1024;

template <typename T>
void TrimCapacity(std::vector<T>* v) {
  if (v->capacity() > kKeepArgsCapacity) std::vector<T>().swap(*v);
}

}  // namespace

std::string RequestParser::ErrorText() const {
  switch (error_) {
    case ProtocolError::kNone:
      return "";
    case ProtocolError::kTooBigInline:
      return "Protocol error: too big inline request";
    case ProtocolError::kUnbalancedQuotes:
      return "Protocol error: unbalanced quotes in request";
    case ProtocolError::kTooBigMbulkCount:
      return "Protocol error: too big mbulk count string";
    case ProtocolError::kInvalidMultibulkLength:
      return "Protocol error: invalid multibulk length";
    case ProtocolError::kUnauthenticatedMultibulk:
      return "Protocol error: unauthenticated multibulk length";
    case ProtocolError::kTooBigBulkCount:
      return "Protocol error: too big bulk count string";
    case ProtocolError::kExpectedDollar:
      return std::string("Protocol error: expected '$', got '") + unexpected_ + "'";
    case ProtocolError::kInvalidBulkLength:
      return "Protocol error: invalid bulk length";
    case ProtocolError::kUnauthenticatedBulk:
      return "Protocol error: unauthenticated bulk length";
  }
  return "Protocol error";
}

void RequestParser::Reset() {
  state_ = State::kIdle;
  pos_ = 0;
  scan_from_ = 0;
  multibulk_remaining_ = 0;
  bulk_len_ = 0;
  spans_.clear();
  TrimCapacity(&spans_);
  argv_.clear();
  TrimCapacity(&argv_);
  inline_storage_.clear();
  if (inline_storage_.capacity() > kKeepInlineCapacity) std::string().swap(inline_storage_);
}

size_t RequestParser::BulkBytesPending(size_t buffered) const {
  if (state_ != State::kBulkData) return 0;
  const size_t end = pos_ + static_cast<size_t>(bulk_len_) + 2;
  return end > buffered ? end - buffered : 0;
}

size_t RequestParser::MemoryUsage() const {
  return spans_.capacity() * sizeof(ArgSpan) + argv_.capacity() * sizeof(std::string_view) +
         inline_storage_.capacity();
}

size_t RequestParser::FindFrom(std::string_view buf, char c) {
  const size_t from = std::max(scan_from_, pos_);
  if (from < buf.size()) {
    const void* hit = std::memchr(buf.data() + from, c, buf.size() - from);
    if (hit != nullptr) return static_cast<size_t>(static_cast<const char*>(hit) - buf.data());
  }
  scan_from_ = buf.size();  // Searched all of it; the next call starts here.
  return std::string_view::npos;
}

ParseStatus RequestParser::Fail(ProtocolError e) {
  error_ = e;
  state_ = State::kIdle;
  return ParseStatus::kError;
}

void RequestParser::FinishCommand(std::string_view buf) {
  argv_.clear();
  argv_.reserve(spans_.size());
  last_inline_ = state_ == State::kInline;
  const char* base = last_inline_ ? inline_storage_.data() : buf.data();
  for (const ArgSpan& s : spans_) argv_.emplace_back(base + s.offset, s.length);
  state_ = State::kIdle;
}

ParseStatus RequestParser::Parse(std::string_view buf, size_t* consumed) {
  size_t skipped = 0;  // Bytes of no-op commands (empty lines, `*0`) passed over.
  while (true) {
    std::string_view cmd = buf.substr(skipped);
    if (state_ == State::kIdle) {
      if (cmd.empty()) {
        *consumed = skipped;
        return ParseStatus::kNeedMore;
      }
      // A new command begins: forget the previous one's arguments.
      spans_.clear();
      TrimCapacity(&spans_);
      argv_.clear();
      TrimCapacity(&argv_);
      pos_ = 0;
      scan_from_ = 0;
      state_ = cmd[0] == '*' ? State::kArrayLen : State::kInline;
    }
    ParseStatus status =
        state_ == State::kInline ? ParseInline(cmd, consumed) : ParseMultibulk(cmd, consumed);
    if (status == ParseStatus::kError) return status;
    if (status == ParseStatus::kNeedMore) {
      *consumed = skipped;
      return status;
    }
    // kCommand: *consumed holds the command's length within `cmd`.
    if (!argv_.empty()) {
      *consumed += skipped;
      return status;
    }
    skipped += *consumed;  // An empty command: skip it and go on.
  }
}

ParseStatus RequestParser::ParseInline(std::string_view cmd, size_t* consumed) {
  const size_t newline = FindFrom(cmd, '\n');
  if (newline == std::string_view::npos) {
    if (cmd.size() > limits_->max_inline_size) return Fail(ProtocolError::kTooBigInline);
    return ParseStatus::kNeedMore;
  }
  size_t line_end = newline;
  if (line_end > 0 && cmd[line_end - 1] == '\r') --line_end;
  inline_storage_.clear();
  spans_.clear();
  if (!SplitArgs(cmd.substr(0, line_end), &inline_storage_, &spans_)) {
    return Fail(ProtocolError::kUnbalancedQuotes);
  }
  FinishCommand(cmd);
  *consumed = newline + 1;
  return ParseStatus::kCommand;
}

ParseStatus RequestParser::ParseMultibulk(std::string_view cmd, size_t* consumed) {
  if (state_ == State::kArrayLen) {
    const size_t cr = FindFrom(cmd, '\r');
    if (cr == std::string_view::npos) {
      if (cmd.size() > limits_->max_inline_size) return Fail(ProtocolError::kTooBigMbulkCount);
      return ParseStatus::kNeedMore;
    }
    if (cr + 2 > cmd.size()) return ParseStatus::kNeedMore;  // The '\n' is not here yet.
    int64_t count;
    if (!base::ParseInt64(cmd.substr(1, cr - 1), &count) || count > limits_->max_multibulk_len) {
      return Fail(ProtocolError::kInvalidMultibulkLength);
    }
    if (!authenticated_ && count > limits_->unauthenticated_max_multibulk_len) {
      return Fail(ProtocolError::kUnauthenticatedMultibulk);
    }
    pos_ = cr + 2;
    if (count <= 0) {  // `*0` and `*-1` are empty commands.
      argv_.clear();
      state_ = State::kIdle;
      *consumed = pos_;
      return ParseStatus::kCommand;
    }
    multibulk_remaining_ = count;
    spans_.reserve(static_cast<size_t>(std::min<int64_t>(count, 1024)));
    state_ = State::kBulkLen;
  }

  while (multibulk_remaining_ > 0) {
    if (state_ == State::kBulkLen) {
      const size_t cr = FindFrom(cmd, '\r');
      if (cr == std::string_view::npos) {
        if (cmd.size() - pos_ > limits_->max_inline_size) {
          return Fail(ProtocolError::kTooBigBulkCount);
        }
        return ParseStatus::kNeedMore;
      }
      if (cr + 2 > cmd.size()) return ParseStatus::kNeedMore;
      if (cmd[pos_] != '$') {
        unexpected_ = cmd[pos_];
        return Fail(ProtocolError::kExpectedDollar);
      }
      int64_t len;
      if (!base::ParseInt64(cmd.substr(pos_ + 1, cr - pos_ - 1), &len) || len < 0 ||
          len > limits_->max_bulk_len) {
        return Fail(ProtocolError::kInvalidBulkLength);
      }
      if (!authenticated_ && len > limits_->unauthenticated_max_bulk_len) {
        return Fail(ProtocolError::kUnauthenticatedBulk);
      }
      bulk_len_ = len;
      pos_ = cr + 2;
      state_ = State::kBulkData;
    }
    // kBulkData: wait for the payload and the two bytes after it.
    const size_t need = static_cast<size_t>(bulk_len_) + 2;
    if (cmd.size() - pos_ < need) return ParseStatus::kNeedMore;
    spans_.push_back({pos_, static_cast<size_t>(bulk_len_)});
    pos_ += need;
    scan_from_ = pos_;
    --multibulk_remaining_;
    state_ = State::kBulkLen;
  }
  FinishCommand(cmd);
  *consumed = pos_;
  return ParseStatus::kCommand;
}

}  // namespace respd::protocol

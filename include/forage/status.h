#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace forage {

// What kind of failure a Status reports. A caller branches on the code,
// never on the message, which is for a person.
enum class StatusCode : int {
  kOk = 0,
  // The caller's input is wrong: an option's value, a pattern, a selector,
  // a URL, a config file's key, a file named for the wrong job, or a call
  // the object cannot take in its state (a write after close).
  kInvalidArgument = 1,
  // What was named does not exist: a file, its directory, the fetcher
  // program.
  kNotFound = 2,
  // Reading or writing failed: the disk is full, a pipe is closed, access is
  // denied, a database cannot be written.
  kIOError = 3,
  // Another run holds it (a --lock, a --state): try again later.
  kBusy = 4,
  // Data is not what it should be: a file that is not a forage state, a
  // damaged database.
  kCorrupt = 5,
  // Asked of something that cannot do it: a state written by a newer
  // forage, a position in an output that is not a regular file.
  kNotSupported = 6,
  // The system ran out: memory, processes, descriptors, shared memory.
  kResourceExhausted = 7,
};

// "ok", "invalid argument", "not found", "I/O error", "busy", "corrupt",
// "not supported", "resource exhausted".
constexpr std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "ok";
    case StatusCode::kInvalidArgument:
      return "invalid argument";
    case StatusCode::kNotFound:
      return "not found";
    case StatusCode::kIOError:
      return "I/O error";
    case StatusCode::kBusy:
      return "busy";
    case StatusCode::kCorrupt:
      return "corrupt";
    case StatusCode::kNotSupported:
      return "not supported";
    case StatusCode::kResourceExhausted:
      return "resource exhausted";
  }
  return "unknown";
}

// The outcome of a fallible call: ok, or a code saying what kind of failure
// and a message for a person saying what went wrong and where. Library code
// reports the world through Status rather than exceptions or exit().
class [[nodiscard]] Status {
 public:
  Status() = default;  // ok

  static Status InvalidArgument(std::string message) {
    return Status(StatusCode::kInvalidArgument, std::move(message));
  }
  static Status NotFound(std::string message) {
    return Status(StatusCode::kNotFound, std::move(message));
  }
  static Status IOError(std::string message) {
    return Status(StatusCode::kIOError, std::move(message));
  }
  static Status Busy(std::string message) { return Status(StatusCode::kBusy, std::move(message)); }
  static Status Corrupt(std::string message) {
    return Status(StatusCode::kCorrupt, std::move(message));
  }
  static Status NotSupported(std::string message) {
    return Status(StatusCode::kNotSupported, std::move(message));
  }
  static Status ResourceExhausted(std::string message) {
    return Status(StatusCode::kResourceExhausted, std::move(message));
  }
  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  bool IsInvalidArgument() const { return code_ == StatusCode::kInvalidArgument; }
  bool IsNotFound() const { return code_ == StatusCode::kNotFound; }
  bool IsIOError() const { return code_ == StatusCode::kIOError; }
  bool IsBusy() const { return code_ == StatusCode::kBusy; }
  bool IsCorrupt() const { return code_ == StatusCode::kCorrupt; }
  bool IsNotSupported() const { return code_ == StatusCode::kNotSupported; }
  bool IsResourceExhausted() const { return code_ == StatusCode::kResourceExhausted; }

  // Empty when ok.
  const std::string& message() const { return message_; }

  // The same failure with `context` in front: "context: message", same
  // code. An ok Status stays ok.
  Status Prefixed(std::string_view context) const {
    if (ok()) return *this;
    return Status(code_, std::string(context) + ": " + message_);
  }

 private:
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// A value or the Status saying why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : state_(std::move(status)) {}  // NOLINT

  bool ok() const { return state_.index() == 0; }
  T& value() & { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  const T& value() const& { return std::get<0>(state_); }
  // The failure; only valid when !ok().
  const Status& status() const { return std::get<1>(state_); }

 private:
  std::variant<T, Status> state_;
};

}  // namespace forage

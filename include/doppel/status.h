// doppel/status.h - errors as values.
//
// Every fallible library call returns a Status or a Result<T>. Nothing in the
// library throws or exits; the command-line tool alone turns a Status into an
// exit code. A message about input names the file and line ("docs.jsonl:12:")
// and says what the user can do about it.
#ifndef DOPPEL_STATUS_H_
#define DOPPEL_STATUS_H_

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace doppel {

enum class StatusCode {
  kOk = 0,
  kBadInput,      // a record or file the user gave is malformed
  kIoError,       // a file could not be opened, read or written
  kInvalidArgument,  // an option is out of range or inconsistent
  kInternal,
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

Status BadInput(std::string message);
Status IoError(std::string message);
Status InvalidArgument(std::string message);

// A value or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}            // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}    // NOLINT: must not be ok()

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() { return *value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace doppel

#define DOPPEL_RETURN_IF_ERROR(expr)          \
  do {                                        \
    ::doppel::Status doppel_status_ = (expr); \
    if (!doppel_status_.ok()) return doppel_status_; \
  } while (0)

#endif  // DOPPEL_STATUS_H_

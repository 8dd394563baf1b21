// Status and Result<T>: Patron's error vocabulary (in the manner of
// leveldb::Status and absl::StatusOr). No exception crosses a module boundary;
// code that calls throwing libraries (Beast, nlohmann/json) catches at the edge
// and returns a Status.
//
// A Status carries:
//   - a code, the broad category the HTTP layer maps to a status code;
//   - a reason, a stable snake_case word a POS can switch on
//     ("insufficient_points", "invalid_phone"); defaults to the code's name;
//   - a message for humans and logs.
#ifndef PATRON_STATUS_H_
#define PATRON_STATUS_H_

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace patron {

enum class StatusCode {
  kOk,
  kInvalidArgument,     // the request is malformed or a value is out of range
  kNotFound,            // an entity the request names does not exist
  kConflict,            // same key, different content (idempotency, entry ids)
  kFailedPrecondition,  // well-formed but refused by a rule (balance, cap)
  kUnauthenticated,     // missing or wrong credentials
  kPermissionDenied,    // authenticated, but not allowed to do this
  kUnavailable,         // a peer or resource cannot be reached now; retryable
  kIOError,             // the local disk or database failed
  kCorruption,          // stored data is inconsistent or unreadable
  kInternal,            // a bug: an invariant of the code itself broke
};

// The code's canonical snake_case name ("not_found"), also the default reason.
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  // An OK status.
  Status() = default;
  Status(StatusCode code, std::string message, std::string_view reason = {});

  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string message, std::string_view reason = {}) {
    return Status(StatusCode::kInvalidArgument, std::move(message), reason);
  }
  static Status NotFound(std::string message, std::string_view reason = {}) {
    return Status(StatusCode::kNotFound, std::move(message), reason);
  }
  static Status Conflict(std::string message, std::string_view reason = {}) {
    return Status(StatusCode::kConflict, std::move(message), reason);
  }
  static Status FailedPrecondition(std::string message, std::string_view reason = {}) {
    return Status(StatusCode::kFailedPrecondition, std::move(message), reason);
  }
  static Status Unauthenticated(std::string message, std::string_view reason = {}) {
    return Status(StatusCode::kUnauthenticated, std::move(message), reason);
  }
  static Status PermissionDenied(std::string message, std::string_view reason = {}) {
    return Status(StatusCode::kPermissionDenied, std::move(message), reason);
  }
  static Status Unavailable(std::string message, std::string_view reason = {}) {
    return Status(StatusCode::kUnavailable, std::move(message), reason);
  }
  static Status IOError(std::string message, std::string_view reason = {}) {
    return Status(StatusCode::kIOError, std::move(message), reason);
  }
  static Status Corruption(std::string message, std::string_view reason = {}) {
    return Status(StatusCode::kCorruption, std::move(message), reason);
  }
  static Status Internal(std::string message, std::string_view reason = {}) {
    return Status(StatusCode::kInternal, std::move(message), reason);
  }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // Stable machine-readable word; empty only for OK.
  const std::string& reason() const { return reason_; }

  bool IsNotFound() const { return code_ == StatusCode::kNotFound; }
  bool IsInvalidArgument() const { return code_ == StatusCode::kInvalidArgument; }
  bool IsConflict() const { return code_ == StatusCode::kConflict; }
  bool IsFailedPrecondition() const { return code_ == StatusCode::kFailedPrecondition; }
  bool IsUnavailable() const { return code_ == StatusCode::kUnavailable; }

  // Returns a copy whose message is "<context>: <message>"; OK stays OK.
  Status WithContext(std::string_view context) const;

  // "reason: message", or "ok".
  std::string ToString() const;

  friend bool operator==(const Status&, const Status&) = default;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string reason_;
  std::string message_;
};

// Either a T or a non-OK Status. Constructing one from an OK Status is a bug and
// yields an Internal error instead of an empty value.
template <typename T>
class [[nodiscard]] Result {
  static_assert(!std::is_same_v<std::decay_t<T>, Status>, "Result<Status> is meaningless");

 public:
  Result(const T& value) : value_(value) {}
  Result(T&& value) : value_(std::move(value)) {}
  template <typename U>
    requires(std::is_constructible_v<T, U &&> && !std::is_same_v<std::decay_t<U>, Status> &&
             !std::is_same_v<std::decay_t<U>, Result<T>> && !std::is_same_v<std::decay_t<U>, T>)
  Result(U&& value) : value_(std::in_place, std::forward<U>(value)) {}
  Result(Status status) : status_(std::move(status)) {
    if (status_.ok()) status_ = Status::Internal("Result constructed from an OK status");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  // Precondition: ok(). Accessing the value of an error is a bug.
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }
  T&& operator*() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

  // The value, or `fallback` when this holds an error.
  T value_or(T fallback) const& { return ok() ? *value_ : std::move(fallback); }

 private:
  Status status_;  // OK whenever value_ holds a value.
  std::optional<T> value_;
};

namespace internal {
inline const Status& ToStatus(const Status& s) { return s; }
template <typename T>
const Status& ToStatus(const Result<T>& r) {
  return r.status();
}
}  // namespace internal

}  // namespace patron

#define PATRON_STATUS_CONCAT_INNER_(a, b) a##b
#define PATRON_STATUS_CONCAT_(a, b) PATRON_STATUS_CONCAT_INNER_(a, b)

// Evaluates `expr` (a Status or Result) and returns its Status from the calling
// function if it is not OK. The Status is copied out before the temporaries
// of `expr` die, so `PATRON_RETURN_IF_ERROR(F().status())` is safe too.
#define PATRON_RETURN_IF_ERROR(expr)                                              \
  do {                                                                            \
    ::patron::Status patron_status_ = ::patron::internal::ToStatus((expr));       \
    if (!patron_status_.ok()) return patron_status_;                              \
  } while (false)

// `PATRON_ASSIGN_OR_RETURN(auto x, F());` declares x from F()'s value, or
// returns F()'s error from the calling function.
#define PATRON_ASSIGN_OR_RETURN(lhs, rexpr) \
  PATRON_ASSIGN_OR_RETURN_IMPL_(PATRON_STATUS_CONCAT_(patron_result_, __LINE__), lhs, rexpr)
#define PATRON_ASSIGN_OR_RETURN_IMPL_(result, lhs, rexpr) \
  auto result = (rexpr);                                  \
  if (!result.ok()) return std::move(result).status();    \
  lhs = std::move(result).value()

#endif  // PATRON_STATUS_H_

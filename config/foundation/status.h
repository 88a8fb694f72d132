// Status and Result<T>: how every fallible call in mrcnode reports failure.
//
// A Status is either ok or a code plus a message that names the object and the
// cause ("doc 3fa2…: parent 91bc… is not a version of this document"). Result<T>
// holds either a T or a non-ok Status. Neither throws; exceptions never cross a
// module boundary.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace mrc {

class [[nodiscard]] Status {
 public:
  enum class Code {
    kOk = 0,
    kNotFound,
    kInvalidArgument,    // the caller's input is wrong (bad JSON, bad flag)
    kCorruption,         // stored or received data fails a check
    kIOError,            // the operating system or RocksDB failed
    kConflict,           // the request is stale (edit based on an old version)
    kUnavailable,        // a resource is busy or unreachable (store locked)
    kPermissionDenied,   // refused by a rule (file modes, loopback-only bind)
    kUnauthenticated,    // no valid credentials (not logged in, bad password)
    kResourceExhausted,  // too many attempts: try again later
    kNotSupported,       // the other side speaks a version or format this one does not
  };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status NotFound(std::string msg) { return {Code::kNotFound, std::move(msg)}; }
  static Status InvalidArgument(std::string msg) {
    return {Code::kInvalidArgument, std::move(msg)};
  }
  static Status Corruption(std::string msg) { return {Code::kCorruption, std::move(msg)}; }
  static Status IOError(std::string msg) { return {Code::kIOError, std::move(msg)}; }
  static Status Conflict(std::string msg) { return {Code::kConflict, std::move(msg)}; }
  static Status Unavailable(std::string msg) { return {Code::kUnavailable, std::move(msg)}; }
  static Status PermissionDenied(std::string msg) {
    return {Code::kPermissionDenied, std::move(msg)};
  }
  static Status NotSupported(std::string msg) { return {Code::kNotSupported, std::move(msg)}; }
  static Status Unauthenticated(std::string msg) {
    return {Code::kUnauthenticated, std::move(msg)};
  }
  static Status ResourceExhausted(std::string msg) {
    return {Code::kResourceExhausted, std::move(msg)};
  }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  bool IsNotFound() const { return code_ == Code::kNotFound; }

  // "NotFound: doc 3fa2 does not exist"; "OK" for success.
  std::string ToString() const;
  // The code alone, e.g. "NOT_FOUND", for tests and JSON error bodies.
  std::string_view CodeName() const;

  // Returns a copy with `prefix + ": "` put before the message.
  Status Annotate(std::string_view prefix) const;

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(v_).ok() && "Result from an ok Status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  // By value: `for (x : f().value())` must not dangle into a temporary.
  T value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace mrc

// Returns the Status of `expr` from the enclosing function when it is not ok.
#define MRC_RETURN_IF_ERROR(expr)              \
  do {                                         \
    ::mrc::Status mrc_status_ = (expr);        \
    if (!mrc_status_.ok()) return mrc_status_; \
  } while (0)

#define MRC_CONCAT_INNER_(a, b) a##b
#define MRC_CONCAT_(a, b) MRC_CONCAT_INNER_(a, b)
// Declares `lhs` from a Result, or returns its Status from the enclosing
// function: MRC_ASSIGN_OR_RETURN(auto doc, store.Get(id));
#define MRC_ASSIGN_OR_RETURN(lhs, expr) \
  MRC_ASSIGN_OR_RETURN_IMPL_(MRC_CONCAT_(mrc_result_, __LINE__), lhs, expr)
#define MRC_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return tmp.status();              \
  lhs = std::move(tmp).value()

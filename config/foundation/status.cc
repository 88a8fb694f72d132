#include "config/foundation/status.h"

namespace mrc {

std::string_view Status::CodeName() const {
  switch (code_) {
    case Code::kOk:
      return "OK";
    case Code::kNotFound:
      return "NOT_FOUND";
    case Code::kInvalidArgument:
      return "INVALID_ARGUMENT";
    case Code::kCorruption:
      return "CORRUPTION";
    case Code::kIOError:
      return "IO_ERROR";
    case Code::kConflict:
      return "CONFLICT";
    case Code::kUnavailable:
      return "UNAVAILABLE";
    case Code::kPermissionDenied:
      return "PERMISSION_DENIED";
    case Code::kUnauthenticated:
      return "UNAUTHENTICATED";
    case Code::kResourceExhausted:
      return "RESOURCE_EXHAUSTED";
    case Code::kNotSupported:
      return "NOT_SUPPORTED";
  }
  return "UNKNOWN";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out(CodeName());
  out += ": ";
  out += message_;
  return out;
}

Status Status::Annotate(std::string_view prefix) const {
  if (ok()) return *this;
  std::string msg(prefix);
  msg += ": ";
  msg += message_;
  return Status(code_, std::move(msg));
}

}  // namespace mrc

// A service call's value written as the API's JSON: shared by the writers
// of each resource's shapes (web/api/*_json.h) and their callers (the
// command line and tests show what the API would answer).
#pragma once

#include <string>

#include "config/foundation/status.h"

namespace mrc::web::api {

// A service call's value written by `write`, or the call's error.
template <typename T>
Result<std::string> Written(const Result<T>& r, Result<std::string> (*write)(const T&)) {
  if (!r.ok()) return r.status();
  return write(*r);
}

}  // namespace mrc::web::api

// A service's value written as the API writes it (the writers of
// web/api/doc_json.h and web/api/trust_json.h), or the service's error:
// for the command line and tests, which show what the API would answer.
#pragma once

#include <string>

#include "config/foundation/status.h"

namespace mrc::web::api {

template <typename T>
Result<std::string> Written(const Result<T>& r, Result<std::string> (*write)(const T&)) {
  if (!r.ok()) return r.status();
  return write(*r);
}

}  // namespace mrc::web::api

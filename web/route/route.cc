#include "web/route/route.h"

#include <algorithm>

namespace mrc::web {

std::string LoginRetryAfter(Users& users, std::string_view account, const HttpRequest& request) {
  return std::to_string(
      std::max<std::uint32_t>(users.LoginWait(account, request.ClientAddress()), 1));
}

bool MatchPattern(std::string_view pattern, std::string_view path,
                  std::vector<std::string_view>* args) {
  while (!pattern.empty() && !path.empty()) {
    if (pattern == "/*") {
      if (args) args->push_back(path.substr(1));
      return true;
    }
    std::size_t ps = pattern.find('/', 1), ts = path.find('/', 1);
    std::string_view pseg = pattern.substr(0, ps), tseg = path.substr(0, ts);
    bool var = pseg.size() > 2 && pseg[1] == '{' && pseg.back() == '}';
    if (var ? tseg.size() < 2 : pseg != tseg) return false;
    if (var && args) args->push_back(tseg.substr(1));
    pattern.remove_prefix(pseg.size());
    path.remove_prefix(tseg.size());
  }
  return pattern.empty() && path.empty();
}

}  // namespace mrc::web

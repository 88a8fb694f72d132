// `mrcnode user ...`: the node's local accounts. Like `doc`, these work on
// the data directory when no node runs on it, and through the running
// node's API (with its local admin token) when one does.
#include <termios.h>
#include <unistd.h>

#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "node/commands.h"
#include "node/doc_client.h"
#include "web/http/forms.h"
#include "web/users/users.h"

namespace mrc::node {
namespace {

using nlohmann::json;

json UserJson(const web::User& u) {
  return {{"name", u.name},
          {"role", web::RoleName(u.role)},
          {"language", u.language},
          {"display_name", web::SigningName(u)}};
}

// Runs `local` on the data directory's store, or `method target body` on
// the running node.
template <typename Local>
int WithUsers(const std::string& data_dir, Local local, const std::string& method,
              const std::string& target, const json& body) {
  return LocalOrRunning(
      data_dir,
      [&](Context& c) {
        web::Users users(c.store.get());
        return local(users);
      },
      method, target, body.is_null() ? "" : body.dump());
}

// Reads a password: one line of standard input with --password-stdin (for
// scripts), otherwise twice from the terminal without echo.
Result<std::string> ReadPassword(bool from_stdin) {
  if (from_stdin) {
    std::string line;
    if (!std::getline(std::cin, line))
      return Status::InvalidArgument("no password on standard input");
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
  }
  if (!::isatty(STDIN_FILENO)) {
    return Status::InvalidArgument(
        "standard input is not a terminal: pass --password-stdin to read the password from it");
  }
  termios old{};
  ::tcgetattr(STDIN_FILENO, &old);
  termios quiet = old;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  std::string first, second;
  std::cerr << "password: " << std::flush;
  std::getline(std::cin, first);
  std::cerr << "\nagain: " << std::flush;
  std::getline(std::cin, second);
  std::cerr << "\n";
  ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
  if (first != second) return Status::InvalidArgument("the two passwords differ");
  return first;
}

std::string UserPath(const std::string& name) {
  return "/api/v1/users/" + web::PercentEncode(name);
}

}  // namespace

int CmdUserAdd(const std::string& data_dir, const std::string& name, const std::string& role,
               bool password_stdin, const std::string& display_name) {
  auto r = web::ParseRole(role);
  if (!r) return Fail(Status::InvalidArgument("role must be counsellor, editor or admin"));
  auto password = ReadPassword(password_stdin);
  if (!password.ok()) return Fail(password.status());
  return WithUsers(
      data_dir,
      [&](web::Users& users) -> Result<std::string> {
        MRC_RETURN_IF_ERROR(users.Add(name, *r, *password, display_name));
        MRC_ASSIGN_OR_RETURN(auto u, users.Get(name));
        return UserJson(u).dump();
      },
      "POST", "/api/v1/users",
      {{"name", name}, {"role", role}, {"password", *password}, {"display_name", display_name}});
}

int CmdUserList(const std::string& data_dir) {
  return WithUsers(
      data_dir,
      [&](web::Users& users) -> Result<std::string> {
        MRC_ASSIGN_OR_RETURN(auto list, users.List());
        json out = json::array();
        for (const auto& u : list) out.push_back(UserJson(u));
        return json{{"users", out}}.dump();
      },
      "GET", "/api/v1/users", nullptr);
}

int CmdUserRemove(const std::string& data_dir, const std::string& name) {
  return WithUsers(
      data_dir,
      [&](web::Users& users) -> Result<std::string> {
        MRC_RETURN_IF_ERROR(users.Remove(name));
        return json{{"removed", name}}.dump();
      },
      "DELETE", UserPath(name), nullptr);
}

int CmdUserPassword(const std::string& data_dir, const std::string& name, bool password_stdin) {
  auto password = ReadPassword(password_stdin);
  if (!password.ok()) return Fail(password.status());
  return WithUsers(data_dir,
                   [&](web::Users& users) -> Result<std::string> {
                     MRC_RETURN_IF_ERROR(users.SetPassword(name, *password));
                     MRC_ASSIGN_OR_RETURN(auto u, users.Get(name));
                     return UserJson(u).dump();
                   },
                   "PUT", UserPath(name), {{"password", *password}});
}

int CmdUserRole(const std::string& data_dir, const std::string& name, const std::string& role) {
  auto r = web::ParseRole(role);
  if (!r) return Fail(Status::InvalidArgument("role must be counsellor, editor or admin"));
  return WithUsers(data_dir,
                   [&](web::Users& users) -> Result<std::string> {
                     MRC_RETURN_IF_ERROR(users.SetRole(name, *r));
                     MRC_ASSIGN_OR_RETURN(auto u, users.Get(name));
                     return UserJson(u).dump();
                   },
                   "PUT", UserPath(name), {{"role", role}});
}

int CmdUserToken(const std::string& data_dir, const std::string& name, const std::string& label) {
  return WithUsers(data_dir,
                   [&](web::Users& users) -> Result<std::string> {
                     MRC_ASSIGN_OR_RETURN(auto token, users.CreateToken(name, label));
                     return json{{"token", token}, {"label", label}}.dump();
                   },
                   "POST", UserPath(name) + "/tokens", {{"label", label}});
}

}  // namespace mrc::node

#include "web/users/users.h"

#include <nlohmann/json.hpp>

#include "web/api/common.h"
#include "web/api/handlers.h"

namespace mrc::web::api {
namespace {

using nlohmann::json;

constexpr std::string_view kUsers = "/api/v1/users";

json UserJson(const User& u) {
  return {{"name", u.name},
          {"role", RoleName(u.role)},
          {"language", u.language},
          {"display_name", SigningName(u)},
          {"created_ms", u.created_ms}};
}

HttpResponse UserAnswer(Users& users, const std::string& name) {
  auto u = users.Get(name);
  return u.ok() ? Json(200, UserJson(*u)) : JsonError(u.status());
}

// PUT /api/v1/me: the language, or the password with the current one.
HttpResponse ChangeMe(Call& c, const Principal& who) {
  Users& users = *c.parts.users;
  auto body = ParseBody(c.http());
  if (!body.ok()) return JsonError(body.status());
  for (const auto& [k, v] : body->items()) {
    if (k != "language" && k != "password" && k != "current_password")
      return JsonError(Status::InvalidArgument("unknown field '" + k + "'"));
  }
  if (who.local) return JsonError(Status::InvalidArgument("the local token has no account"));
  if (body->contains("password")) {
    if (!(*body)["password"].is_string() || !(*body)["current_password"].is_string())
      return JsonError(Status::InvalidArgument("password and current_password must be strings"));
    Status check =
        users.CheckCurrentPassword(who.user, (*body)["current_password"].get<std::string>(),
                                   c.http().ClientAddress(), c.req.may_hash);
    if (!check.ok()) {
      HttpResponse res = JsonError(check);
      if (check.code() == Status::Code::kResourceExhausted)
        res.headers.emplace_back("Retry-After", LoginRetryAfter(users, who.user, c.http()));
      return res;
    }
    if (Status s = users.SetPassword(who.user, (*body)["password"].get<std::string>()); !s.ok())
      return JsonError(s);
  }
  if (body->contains("language")) {
    if (!(*body)["language"].is_string())
      return JsonError(Status::InvalidArgument("language must be a string"));
    if (Status s = users.SetLanguage(who.user, (*body)["language"].get<std::string>()); !s.ok())
      return JsonError(s);
  }
  return UserAnswer(users, who.user);
}

// Whether the body names a "password" (so that the handler may hash it).
bool BodyHasPassword(const Call& c) {
  auto body = ParseBody(c.http());
  return body.ok() && body->contains("password");
}

}  // namespace

PasswordWork MePassword(const Call& c) {
  if (c.method() != "PUT" || c.req.who == nullptr || c.req.who->local || !BodyHasPassword(c))
    return {};
  return {true, c.req.who->user};
}

PasswordWork UserPassword(const Call& c) { return {BodyHasPassword(c), ""}; }

HttpResponse Me(Call& c) {
  const Principal& who = *c.req.who;
  if (c.method() == "GET") {
    return Json(200, {{"user", who.user},
                      {"role", RoleName(who.role)},
                      {"language", who.language},
                      {"display_name", who.display_name},
                      {"api_token", who.api_token}});
  }
  return ChangeMe(c, who);
}

HttpResponse ListUsers(Call& c) {
  auto list = c.parts.users->List();
  if (!list.ok()) return JsonError(list.status());
  json out = json::array();
  for (const auto& u : *list) out.push_back(UserJson(u));
  return Json(200, {{"users", out}});
}

HttpResponse AddUser(Call& c) {
  Users& users = *c.parts.users;
  auto body = ParseBody(c.http());
  if (!body.ok()) return JsonError(body.status());
  json& b = *body;
  if (!b["name"].is_string() || !b["password"].is_string() || !b["role"].is_string())
    return JsonError(Status::InvalidArgument("name, role and password (strings) are required"));
  auto role = ParseRole(b["role"].get<std::string>());
  if (!role) return JsonError(Status::InvalidArgument("role must be counsellor, editor or admin"));
  if (b.contains("display_name") && !b["display_name"].is_string())
    return JsonError(Status::InvalidArgument("display_name must be a string"));
  std::string name = b["name"].get<std::string>();
  std::string display = b.value("display_name", "");
  if (Status s = users.Add(name, *role, b["password"].get<std::string>(), display); !s.ok())
    return JsonError(s);
  auto u = users.Get(name);
  if (!u.ok()) return JsonError(u.status());
  HttpResponse res = Json(201, UserJson(*u));
  res.headers.emplace_back("Location", std::string(kUsers) + "/" + name);
  return res;
}

HttpResponse GetUser(Call& c) { return UserAnswer(*c.parts.users, c.Arg(0)); }

HttpResponse ChangeUser(Call& c) {
  Users& users = *c.parts.users;
  std::string name = c.Arg(0);
  auto body = ParseBody(c.http());
  if (!body.ok()) return JsonError(body.status());
  if (Status s = users.Get(name).status(); !s.ok()) return JsonError(s);
  for (const auto& [k, v] : body->items()) {
    if (!v.is_string()) return JsonError(Status::InvalidArgument(k + " must be a string"));
    Status s;
    if (k == "role") {
      auto role = ParseRole(v.get<std::string>());
      s = role ? users.SetRole(name, *role)
               : Status::InvalidArgument("role must be counsellor, editor or admin");
    } else if (k == "password") {
      s = users.SetPassword(name, v.get<std::string>());
    } else if (k == "language") {
      s = users.SetLanguage(name, v.get<std::string>());
    } else if (k == "display_name") {
      s = users.SetDisplayName(name, v.get<std::string>());
    } else {
      s = Status::InvalidArgument("unknown field '" + k + "'");
    }
    if (!s.ok()) return JsonError(s);
  }
  return UserAnswer(users, name);
}

HttpResponse RemoveUser(Call& c) {
  std::string name = c.Arg(0);
  Status s = c.parts.users->Remove(name);
  return s.ok() ? Json(200, {{"removed", name}}) : JsonError(s);
}

HttpResponse ListTokens(Call& c) {
  auto list = c.parts.users->Tokens(c.Arg(0));
  if (!list.ok()) return JsonError(list.status());
  json out = json::array();
  for (const auto& t : *list)
    out.push_back({{"id", t.id}, {"label", t.label}, {"created_ms", t.created_ms}});
  return Json(200, {{"tokens", out}});
}

HttpResponse CreateToken(Call& c) {
  auto body = ParseBody(c.http());
  if (!body.ok()) return JsonError(body.status());
  auto label_it = body->find("label");
  if (label_it != body->end() && !label_it->is_string())
    return JsonError(Status::InvalidArgument("\"label\" must be a string"));
  std::string label = label_it != body->end() ? label_it->get<std::string>() : "";
  auto token = c.parts.users->CreateToken(c.Arg(0), label);
  if (!token.ok()) return JsonError(token.status());
  return Json(201, {{"token", *token}, {"label", label}});
}

HttpResponse RevokeToken(Call& c) {
  std::string id = c.Arg(1);
  Status s = c.parts.users->RevokeToken(c.Arg(0), id);
  return s.ok() ? Json(200, {{"revoked", id}}) : JsonError(s);
}

}  // namespace mrc::web::api

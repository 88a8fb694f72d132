// Logging a staff member in through the JSON API of an App, for the web
// tests that then call it as that person.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "web/app/app.h"

namespace mrc::web::login_calls {

// A logged-in browser: its session cookie ("mrc_session=...") and CSRF token.
struct Session {
  std::string cookie;
  std::string csrf;
};

// Logs `user` in with the password "<user>-password" (one Argon2id check).
inline Session ApiLogin(App* app, const std::string& user) {
  HttpRequest r;
  r.method = "POST";
  r.target = "/api/v1/login";
  r.headers["content-type"] = "application/json";
  r.body = nlohmann::json({{"name", user}, {"password", user + "-password"}}).dump();
  r.remote = "127.0.0.1:5000";
  HttpResponse res = app->Handle(r);
  EXPECT_EQ(200, res.status) << res.body;
  const std::string* c = res.Header("Set-Cookie");
  nlohmann::json body = nlohmann::json::parse(res.body, nullptr, false);
  return {c ? c->substr(0, c->find(';')) : "",
          body.is_object() ? body.value("csrf", "") : std::string()};
}

}  // namespace mrc::web::login_calls

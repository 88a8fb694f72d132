// Who a request comes from, and the routes open to anyone: login, logout,
// the assets (internal to web/app/).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "web/http/http_types.h"
#include "web/route/route.h"

namespace mrc::web::app {

// The value of cookie `name` in a Cookie header, or "".
std::string CookieValue(const HttpRequest& r, std::string_view name);
// The token of "Authorization: Bearer ...", or "".
std::string BearerToken(const HttpRequest& r);
// Constant-time comparison, for tokens; an empty secret matches nothing.
bool SameSecret(std::string_view a, std::string_view b);
// A browser's Origin must name this node (the Host it asked for), and its
// Sec-Fetch-Site must not say another site: a page elsewhere cannot post
// here with our cookie even if SameSite is ignored.
bool OriginAllowed(const HttpRequest& r);
// The interface language: the user's own, else the mrc_lang cookie, else
// the browser's Accept-Language.
std::string Language(const HttpRequest& r, const Principal* who);
// A page's query string, and a POST's form, read into `page`; an error
// page when they are bad or the form is not urlencoded.
std::optional<HttpResponse> ParsePage(const HttpRequest& r, const AppParts& parts,
                                      PageRequest* page);

HttpResponse Asset(Call& c);      // GET /static/{file}
HttpResponse OpenApi(Call& c);    // GET /api/v1/openapi.json
HttpResponse LoginPage(Call& c);  // GET, POST /login
HttpResponse ApiLogin(Call& c);   // POST /api/v1/login
HttpResponse Logout(Call& c);     // POST /logout
HttpResponse ApiLogout(Call& c);  // POST /api/v1/logout

// What the login routes cost: a check of the named account's password,
// for a request the handler will not refuse before checking it.
PasswordWork LoginPagePassword(const Call& c);  // POST /login
PasswordWork ApiLoginPassword(const Call& c);   // POST /api/v1/login

}  // namespace mrc::web::app

// The HTML pages (internal to web/: App routes to them after login, role
// and CSRF checks). Server-rendered, usable without JavaScript: every task
// is a link or a form.
#pragma once

#include <string>
#include <string_view>

#include "web/http/forms.h"
#include "web/http/http_types.h"
#include "web/route/parts.h"
#include "web/ui/i18n.h"
#include "web/users/users.h"

namespace mrc::web {

// What a page needs to know about the request.
struct PageRequest {
  const HttpRequest* http = nullptr;
  std::string path;
  Params query;
  Params form;                     // a POST's fields
  const Principal* who = nullptr;  // null on the login page
  std::string lang;                // interface language
};

class Ui {
 public:
  explicit Ui(const AppParts& parts) : parts_(parts) {}

  // A page for a logged-in principal (the role is already checked).
  HttpResponse Handle(const PageRequest& r);
  // The login form, with an optional error message id and the page to go to.
  HttpResponse LoginPage(const PageRequest& r, int status, std::string_view error_id,
                         std::string_view next);
  // An error page in the interface's language.
  HttpResponse ErrorPage(const PageRequest& r, int status, std::string_view message);

 private:
  const AppParts& parts_;
};

// The bulletins as an Atom feed (newest effective date first), with links
// to their pages at `base` ("http://127.0.0.1:8080").
HttpResponse BulletinFeed(const AppParts& parts, const std::string& base);

// A response with the HTML security headers (a strict CSP: scripts, styles
// and images from this node only, no framing, forms posting only here).
HttpResponse HtmlResponse(int status, std::string body);
// 303 See Other to a local path.
HttpResponse Redirect(std::string location);

}  // namespace mrc::web

// The HTML pages (internal to web/: the route table names them, and the
// App calls them after login, role and CSRF checks). Server-rendered,
// usable without JavaScript: every task is a link or a form.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "web/http/forms.h"
#include "web/http/http_types.h"
#include "web/route/parts.h"
#include "web/route/route.h"
#include "web/ui/i18n.h"
#include "web/users/users.h"

namespace mrc::web {

class Ui {
 public:
  explicit Ui(const AppParts& parts) : parts_(parts) {}

  // The login form, with an optional error message id (and its
  // placeholders' values) and the page to go to.
  HttpResponse LoginPage(const PageRequest& r, int status, std::string_view error_id,
                         std::string_view next,
                         const std::map<std::string, std::string>& error_args = {});
  // An error page in the interface's language.
  HttpResponse ErrorPage(const PageRequest& r, int status, std::string_view message);

 private:
  const AppParts& parts_;
};

// A response with the HTML security headers (a strict CSP: scripts, styles
// and images from this node only, no framing, forms posting only here).
HttpResponse HtmlResponse(int status, std::string body);
// 303 See Other to a local path.
HttpResponse Redirect(std::string location);

// The pages, one handler per route (web/app/routes.cc names each with its
// method, path and role). A path's ids are checked here: a malformed one
// is the page's own 404.
namespace pages {
HttpResponse Search(Call& c);            // GET /
HttpResponse Faq(Call& c);               // GET /faq
HttpResponse Guides(Call& c);            // GET /guides
HttpResponse Guide(Call& c);             // GET /guides/{country}
HttpResponse GuideHandout(Call& c);      // GET /guides/{country}/handout
HttpResponse Bulletins(Call& c);         // GET /bulletins
HttpResponse MarkBulletinRead(Call& c);  // POST /bulletins/{id}/read
HttpResponse Centres(Call& c);           // GET /centres
HttpResponse NewDoc(Call& c);            // GET, POST /docs/new
HttpResponse Doc(Call& c);               // GET /docs/{id}
HttpResponse DocHistory(Call& c);        // GET /docs/{id}/history
HttpResponse DocHandout(Call& c);        // GET /docs/{id}/handout
HttpResponse EditDoc(Call& c);           // GET, POST /docs/{id}/edit
HttpResponse Proposals(Call& c);         // GET /docs/{id}/proposals
HttpResponse AcceptProposal(Call& c);    // POST /docs/{id}/proposals/{p}/accept
HttpResponse DeclineProposal(Call& c);   // POST /docs/{id}/proposals/{p}/decline
HttpResponse MarkReviewed(Call& c);      // POST /docs/{id}/reviewed
HttpResponse Conflicts(Call& c);         // GET /conflicts
HttpResponse Translations(Call& c);      // GET /translations
HttpResponse Review(Call& c);            // GET /review
HttpResponse Settings(Call& c);          // GET, POST /settings
HttpResponse Sync(Call& c);              // GET /sync
HttpResponse Users(Call& c);             // GET /admin/users
HttpResponse AddUser(Call& c);           // POST /admin/users
HttpResponse ChangeUser(Call& c);        // POST /admin/users/{name}
HttpResponse Referrals(Call& c);         // GET /referrals
HttpResponse NewReferral(Call& c);       // GET, POST /referrals/new
HttpResponse ReferralAudit(Call& c);     // GET /referrals/audit
HttpResponse Referral(Call& c);          // GET /referrals/{id}
HttpResponse ReferralStatus(Call& c);    // POST /referrals/{id}/status
HttpResponse EraseReferral(Call& c);     // POST /referrals/{id}/erase
HttpResponse ReportProblem(Call& c);     // POST /docs/{id}/report
HttpResponse Problems(Call& c);          // GET /problems
HttpResponse ReplyProblem(Call& c);      // POST /problems/{id}/reply
HttpResponse ReviewIntervals(Call& c);   // GET, POST /admin/review-intervals
// The bulletins as an Atom feed (newest effective date first), with links
// to their pages on the Host the request named.
HttpResponse BulletinFeed(Call& c);  // GET /api/v1/bulletins/feed.atom

// What the account pages cost in Argon2id: changing one's password checks
// the current one; adding a user or setting a password hashes it.
PasswordWork SettingsPassword(const Call& c);  // POST /settings
PasswordWork UsersPassword(const Call& c);     // POST /admin/users, /admin/users/{name}
}  // namespace pages

}  // namespace mrc::web

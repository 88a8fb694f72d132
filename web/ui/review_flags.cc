// "To be reviewed: bulletin X changed this" on a guide section's page
// (sync/content/bulletin_flags.h).
#include "sync/content/bulletin_flags.h"
#include "web/text/json_fields.h"
#include "web/ui/pages_impl.h"

namespace mrc::web::pages_impl {

std::string BulletinFlagsHtml(Page& p, const AppParts& parts, const std::string& id, const json& c,
                              const std::string& updated_at) {
  auto section = Hash32FromHex(id);
  if (!section) return "";
  // Reviewed when last verified; never verified, when its version was made.
  std::string reviewed_on = JsonString(c, "verified_on");
  if (reviewed_on.empty()) reviewed_on = updated_at.substr(0, 10);
  auto flags = sync::BulletinFlags(*parts.log, *section, reviewed_on);
  if (!flags.ok() || flags->empty()) return "";
  std::string b = "<div class=\"warning\" role=\"status\" id=\"bulletin-flags\"><p>" +
                  p.H("bulletin_flags.changed") + "</p><ul>";
  for (const auto& f : *flags) {
    b += "<li><a href=\"/docs/" + Esc(f.bulletin) + "\">" + Esc(f.title) + "</a> · " +
         p.H("bulletin_flags.effective", {{"date", f.effective_date}}) + "</li>";
  }
  return b + "</ul></div>";
}

}  // namespace mrc::web::pages_impl

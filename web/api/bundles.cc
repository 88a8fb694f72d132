#include <nlohmann/json.hpp>
#include <optional>

#include "sync/bundle/bundle.h"
#include "web/api/common.h"
#include "web/api/handlers.h"

namespace mrc::web::api {
namespace {

// A bundle (USB stick) written or read by the running node, so that a
// centre need not stop its node, and its UI, to carry entries on a stick.
// The request names a file on this machine, so only the node's own command
// line (its local token) may make it: `mrcnode bundle export|import`.
HttpResponse Bundle(Call& c, bool write) {
  const HttpRequest& r = c.http();
  const Principal& who = *c.req.who;
  if (!who.local) {
    return ErrorResponse(403, "PERMISSION_DENIED",
                         "bundles name files on the node's machine: use `mrcnode bundle "
                         "export` or `mrcnode bundle import` there");
  }
  auto body = ParseBody(r);
  if (!body.ok()) return JsonError(body.status());
  auto file = body->find("path");
  if (file == body->end() || !file->is_string() || file->get<std::string>().empty() ||
      file->get<std::string>()[0] != '/') {
    return JsonError(Status::InvalidArgument("\"path\" must be an absolute file path"));
  }
  std::string path = file->get<std::string>();
  if (write) {
    std::optional<sync::Summary> peer;
    if (auto it = body->find("summary"); it != body->end()) {
      auto s = sync::SummaryFromJson(it->dump());
      if (!s.ok()) return JsonError(s.status());
      peer = std::move(s).value();
    }
    auto stats = sync::ExportBundle(c.parts.log, peer ? &*peer : nullptr, path);
    if (!stats.ok()) return JsonError(stats.status());
    return Json(200, {{"path", path}, {"entries", stats->entries}, {"bytes", stats->bytes}});
  }
  sync::ImportOptions options;
  options.memory_bytes = c.parts.bundle_import_bytes;
  auto report = sync::ImportBundle(c.parts.log, path, options);
  if (!report.ok()) return JsonError(report.status());
  return Json(200, {{"path", path},
                    {"entries", report->entries},
                    {"accepted", report->accepted},
                    {"duplicates", report->duplicates},
                    {"pending", report->pending},
                    {"refused", report->refused},
                    {"first_refusal", report->first_refusal}});
}

}  // namespace

HttpResponse Summary(Call& c) {
  auto summary = sync::MakeSummary(c.parts.log);
  if (!summary.ok()) return JsonError(summary.status());
  return JsonText(200, sync::SummaryToJson(*summary));
}

HttpResponse ExportBundle(Call& c) { return Bundle(c, true); }
HttpResponse ImportBundle(Call& c) { return Bundle(c, false); }

}  // namespace mrc::web::api

#include <nlohmann/json.hpp>
#include <optional>
#include <variant>

#include "sync/bundle/bundle.h"
#include "web/api/common.h"
#include "web/api/handlers.h"

namespace mrc::web::api {
namespace {

// A request that names a file on this machine: only the node's own
// command line (its local token) may make one. The body, and its "path",
// or the answer refusing it.
struct LocalFileRequest {
  nlohmann::json body;
  std::string path;
};
std::variant<LocalFileRequest, HttpResponse> LocalFile(Call& c, const char* commands) {
  if (!c.req.who->local) {
    return ErrorResponse(
        403, "PERMISSION_DENIED",
        std::string("this names files on the node's machine: use ") + commands + " there");
  }
  auto body = ParseBody(c.http());
  if (!body.ok()) return JsonError(body.status());
  auto file = body->find("path");
  if (file == body->end() || !file->is_string() || file->get<std::string>().empty() ||
      file->get<std::string>()[0] != '/') {
    return JsonError(Status::InvalidArgument("\"path\" must be an absolute file path"));
  }
  std::string path = file->get<std::string>();
  return LocalFileRequest{std::move(body).value(), std::move(path)};
}

// A bundle (USB stick) written or read by the running node, so that a
// centre need not stop its node, and its UI, to carry entries on a stick.
HttpResponse Bundle(Call& c, bool write) {
  auto asked = LocalFile(c, "`mrcnode bundle export` or `mrcnode bundle import`");
  if (auto* refused = std::get_if<HttpResponse>(&asked)) return std::move(*refused);
  auto& [body_json, path] = std::get<LocalFileRequest>(asked);
  auto* body = &body_json;
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
  options.clock = c.parts.clock;
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

// A backup written by the running node (`mrcnode backup` while it runs):
// a checkpoint of its store, consistent and mostly hard links.
HttpResponse Backup(Call& c) {
  auto asked = LocalFile(c, "`mrcnode backup`");
  if (auto* refused = std::get_if<HttpResponse>(&asked)) return std::move(*refused);
  if (!c.parts.backup) return JsonError(Status::Unavailable("this node writes no backups"));
  auto manifest = c.parts.backup(std::get<LocalFileRequest>(asked).path);
  if (!manifest.ok()) return JsonError(manifest.status());
  return JsonText(200, *manifest);
}
HttpResponse ImportBundle(Call& c) { return Bundle(c, false); }

}  // namespace mrc::web::api

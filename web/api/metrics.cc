#include "web/api/common.h"
#include "web/api/handlers.h"
#include "web/api/metrics_text.h"

namespace mrc::web::api {

HttpResponse GetMetrics(Call& c) {
  if (!c.parts.status || !c.state.requests)
    return ErrorResponse(503, "UNAVAILABLE", "metrics are not available");
  auto status = c.parts.status();
  if (!status.ok()) return JsonError(status.status());
  HttpResponse r;
  r.status = 200;
  r.content_type = kMetricsContentType;
  r.body = MetricsText(*status, c.state.requests->Snapshot(), ReadProcessFigures());
  AddStandardHeaders(&r);
  return r;
}

}  // namespace mrc::web::api

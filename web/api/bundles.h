// The bundle and summary routes of the JSON API:
//   GET  /api/v1/summary          what this node holds, for a bundle's export
//   POST /api/v1/bundles/export   write a bundle {path, summary?}
//   POST /api/v1/bundles/import   read a bundle {path}
#pragma once

#include "web/route/route.h"

namespace mrc::web::api {

HttpResponse Summary(Call& c);
HttpResponse ExportBundle(Call& c);
HttpResponse ImportBundle(Call& c);

}  // namespace mrc::web::api

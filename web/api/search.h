// The search routes of the JSON API, over web::SearchIndex:
//   GET /api/v1/search?q=&kind=&category=&country=&topic=&language=&offset=&limit=
//   GET /api/v1/facets/{facet}   the values of a facet with their counts
#pragma once

#include "web/route/route.h"

namespace mrc::web::api {

HttpResponse Search(Call& c);
HttpResponse Facet(Call& c);

}  // namespace mrc::web::api

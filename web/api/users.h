// The accounts routes of the JSON API, over web::Users:
//   GET, PUT /api/v1/me                    one's own account; PUT changes
//                                          language or password (with
//                                          current_password)
//   GET, POST /api/v1/users                list; add {name, role, password}
//   GET, PUT, DELETE /api/v1/users/{name}  one user; PUT sets role,
//                                          password or language
//   GET, POST /api/v1/users/{name}/tokens  list; create {label} (shown once)
//   DELETE /api/v1/users/{name}/tokens/{id}  revoke
#pragma once

#include "web/route/route.h"

namespace mrc::web::api {

HttpResponse Me(Call& c);
HttpResponse ListUsers(Call& c);
HttpResponse AddUser(Call& c);
HttpResponse GetUser(Call& c);
HttpResponse ChangeUser(Call& c);
HttpResponse RemoveUser(Call& c);
HttpResponse ListTokens(Call& c);
HttpResponse CreateToken(Call& c);
HttpResponse RevokeToken(Call& c);

}  // namespace mrc::web::api

// AppParts: the node's services that every page and API handler reaches
// through. A header of its own, below the pages, the API and the App that
// wires them, so that none of them includes another to learn its context.
#pragma once

#include <functional>
#include <string>

#include "config/foundation/clock.h"
#include "config/foundation/status.h"
#include "web/route/node_status.h"

namespace mrc::sync {
class Log;
class DocService;
class TrustService;
class ReferralService;
class ReportService;
}  // namespace mrc::sync

namespace mrc::web {

class PasswordPool;
class SearchIndex;
class Users;

struct AppParts {
  sync::Log* log = nullptr;  // none of these is owned; all outlive the App
  sync::DocService* docs = nullptr;
  sync::TrustService* trust = nullptr;
  sync::ReferralService* referrals = nullptr;
  sync::ReportService* reports = nullptr;
  SearchIndex* search = nullptr;
  Users* users = nullptr;
  // Where Argon2id work runs (web/users/password_pool.h); nullptr: the App
  // makes a pool of its own (1 thread, 16 queued).
  PasswordPool* passwords = nullptr;
  // What GET /api/v1/status answers, and what the sync page shows.
  std::function<Result<NodeStatus>()> status;
  // When this node last heard from headquarters, for every page's banner;
  // unset: no banner.
  std::function<HqNews()> hq_news;
  // The banner shows past this much silence (config
  // sync.hq_silence_warning_days); 0: never.
  std::uint64_t hq_silence_warning_ms = 7ull * 24 * 3600 * 1000;
  // The node's wall clock (bundle imports record their time by it).
  const mrc::Clock* clock = SystemClock();
  // Writes a backup of the store into a directory that must not exist
  // (node/backup.h) and returns its manifest as JSON; unset: 503.
  std::function<Result<std::string>(const std::string& dest)> backup;
  std::string node_name;  // this centre's name, for page titles
  // The SHA-256 fingerprint of the UI's certificate ("3A:7F:..."), which
  // the sync page shows for staff to check; "" when it serves plain HTTP.
  std::string tls_fingerprint;
  // What a bundle import may hold at once (sync::ImportOptions).
  std::size_t bundle_import_bytes = 32 << 20;
};

}  // namespace mrc::web

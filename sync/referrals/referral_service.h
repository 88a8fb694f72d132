// ReferralService: referrals between centres for the JSON API, the UI and
// the command line, C++ values in and out (docs/referrals.md, docs/api.md).
// Each caller writes or reads JSON at its own edge (web/api/referral_json.h
// holds the API's shapes).
//
// Only the two centres concerned can read a referral's details: they are
// sealed (sync/crypto/sealed.h) to the receiving centre's and the sending centre's
// published encryption keys, signed inside by the sender. Every other node
// stores and relays ciphertext.
//
// Ids and keys are 64 lowercase hex characters, times RFC 3339. Errors:
// InvalidArgument (bad request, its message fit to show a user), NotFound,
// PermissionDenied (this centre may not set that status), Conflict (the
// receiving centre has published no encryption key yet).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/foundation/status.h"
#include "sync/crypto/crypto.h"
#include "sync/crypto/sealed.h"

namespace mrc::storage {
class Store;
}

namespace mrc::sync {

class Log;

// A new referral. A required field that is absent is nullopt; the service
// answers which is required, and checks what each must hold.
struct CreateReferralRequest {
  struct Client {
    std::optional<std::string> name;  // the client's name or a pseudonym
    std::string contact, notes;
    std::vector<std::string> languages;
  };
  struct Consent {
    bool given = false;                // must be true: a client is referred only with consent
    std::optional<std::string> scope;  // what the client agreed to
  };
  std::optional<std::string> to;  // the receiving centre's key
  std::optional<std::string> service, reason;
  std::string urgency;  // routine, urgent or emergency; "" = routine
  std::optional<Client> client;
  std::optional<Consent> consent;
};

// A new status: accepted, declined, completed or withdrawn. Declined and
// completed need the note (the reason, the outcome).
struct SetStatusRequest {
  std::optional<std::string> status;
  std::optional<std::string> note;
};

struct ReferralCentre {
  std::string key;
  std::string name;  // "" when this node does not know the centre
};

// A referral as a list shows it.
struct ReferralSummary {
  std::string id;
  std::string direction;  // out, in or relayed
  ReferralCentre from, to;
  std::string sent_at;
  std::string status;  // sent, received, accepted, ... erased
  std::string updated_at;
  bool erased = false;
  // When this node can read them (it is one of the two centres).
  std::optional<std::string> service, urgency;
};

struct ReferralDirections {
  std::size_t in = 0, out = 0, relayed = 0, all = 0;
};

struct ReferralList {
  std::vector<ReferralSummary> referrals;  // newest first
  // By status, and their total: of the direction and urgency chosen, over
  // every status.
  std::map<std::string, std::size_t> counts;
  std::size_t total = 0;
  ReferralDirections directions;  // of every referral known here
};

// What the sending centre sealed: the create request's fields plus who
// sent it. Fields of the wrong type in what another centre sealed read as
// empty (urgency as routine).
struct SentDetails {
  struct Client {
    std::string name, contact, notes;
    std::vector<std::string> languages;
  };
  struct Consent {
    bool given = false;
    std::string scope;
    std::string recorded_at;
  };
  std::string service, reason, urgency, by;
  Client client;
  Consent consent;
};

// A status's sealed note, and who wrote it.
struct StatusNote {
  std::string note, by;
};

// One step of a referral's trail: its sending or a status.
struct TrailStep {
  std::string id;
  std::string status;
  ReferralCentre centre;  // whose key signed it
  std::string at;
  std::optional<bool> opened;      // received: whether the envelope opened
  std::optional<StatusNote> note;  // when there is one this node can read
};

// One referral as Get answers it.
struct ReferralDetail : ReferralSummary {
  std::optional<SentDetails> details;  // nullopt: unreadable here
  std::string unreadable_reason;       // why, when unreadable
  std::vector<TrailStep> trail;
  std::vector<std::string> actions;  // the statuses this node may set next
  std::optional<ReferralCentre> erased_by;
  std::optional<std::string> erased_at;
};

// A centre that can receive a referral, with what its directory entry says.
struct TargetCentre {
  std::string key, name, city, country;
  std::vector<std::string> languages, services;
  std::optional<std::string> directory;  // its directory entry's doc id
};

// One line of the local audit log.
struct AuditEvent {
  std::string at, user, action, referral;
};

class ReferralService {
 public:
  // `log` and `store` are not owned. `keys`: this centre's encryption keys,
  // the current (published) one first, older ones after (to open referrals
  // sealed before a rotation). `store` holds the local audit log.
  ReferralService(Log* log, storage::Store* store, const KeyPair& identity,
                  std::vector<BoxKeyPair> keys);

  // `user` is who does it here (a login name); it goes into the sealed
  // details and into the local audit log, never in clear into the log.
  // Answers the new referral's id.
  Result<std::string> Create(const CreateReferralRequest& request, std::string_view user);
  // Filtered by direction ("in", "out", "relayed", "all" or ""), status and
  // urgency ("" = any).
  Result<ReferralList> List(std::string_view direction, std::string_view status,
                            std::string_view urgency);
  // Viewing a referral's details is recorded in the audit log.
  Result<ReferralDetail> Get(std::string_view id_hex, std::string_view user);
  // Both answer the referral as Get does.
  Result<ReferralDetail> SetStatus(std::string_view id_hex, const SetStatusRequest& request,
                                   std::string_view user);
  Result<ReferralDetail> Erase(std::string_view id_hex, std::string_view user);
  // Centres a referral can go to, filtered (case-insensitive substrings) by
  // service, language and place (city or country).
  Result<std::vector<TargetCentre>> Targets(std::string_view service, std::string_view language,
                                            std::string_view place);
  // Erases the referrals this centre is party to that were completed,
  // declined or withdrawn more than `days` days before `now_millis`;
  // returns how many.
  Result<std::size_t> EraseExpired(std::uint64_t now_millis, std::uint32_t days);
  // The local audit log, newest first; at most `max` events.
  Result<std::vector<AuditEvent>> Audit(std::size_t max);

 private:
  Status Record(std::string_view user, std::string_view action, const Hash32& referral);

  Log* log_;
  storage::Store* store_;
  KeyPair identity_;
  std::vector<BoxKeyPair> keys_;
};

}  // namespace mrc::sync

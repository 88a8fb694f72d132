// TrustService: membership and bulletin receipts, C++ values in and out
// (the counterpart of DocService).
//
// The HTTP API (web/api/), the pages (web/ui/) and the command line (node/)
// all call this; each writes or reads JSON at its own edge
// (web/api/trust_json.h holds the API's shapes). Keys and ids are 64
// lowercase hex characters, times RFC 3339 UTC. Errors as DocService:
// InvalidArgument, NotFound, PermissionDenied (this node may not make the
// statement: only headquarters approves, only the root key revokes).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/foundation/status.h"
#include "sync/crypto/crypto.h"

namespace mrc::sync {

class Log;

// A key known to the trust rules.
struct MemberView {
  std::string key;
  std::string name;
  std::string city, country;       // "" when the request gave none
  std::vector<std::string> roles;  // "centre" or "hq"; none for a key only revoked
  bool root = false;
  bool member = false;
  std::optional<std::uint64_t> revoked_from;  // its first rejected seq; nullopt: not revoked
  std::string revoke_reason;                  // set when revoked
  std::vector<std::string> replaces;          // keys it succeeds
  std::uint64_t entries = 0;                  // of its feed, held here
  std::uint64_t waiting = 0;                  // of them, held until it is approved
  std::optional<std::string> encryption_key;  // its X25519 key for referrals, once published
};

struct MemberList {
  std::vector<MemberView> members;  // in key order
};

// In the requests, a field that is absent is nullopt (the service answers
// which is required); each has a default, so that a caller may name only
// the fields it sets ({.request = text}).
struct ApproveRequest {
  std::optional<std::string> request = std::nullopt;  // the text `mrcnode member request` printed
  // nullopt: ["centre"], or for a rotation the old key's roles.
  std::optional<std::vector<std::string>> roles = std::nullopt;
  // Re-admission: the key (hex) whose documents the new key takes over, a
  // lost or forked key that cannot sign a rotation.
  std::optional<std::string> replaces = std::nullopt;
};

// What an approval answers: the member, or, for a rotation whose rotate
// statement has not arrived here yet, only its key and why it waits.
struct ApproveResult {
  std::string key;
  std::optional<MemberView> member;
  std::optional<std::string> waiting;
};

struct RevokeRequest {
  // nullopt: the seq after the last entry of the key held here.
  std::optional<std::uint64_t> from_seq = std::nullopt;
  std::optional<std::string> reason = std::nullopt;  // required
};

// A centre's latest receipt or acknowledgement of a bulletin.
struct ReceiptMark {
  std::string version;
  std::string at;
  std::string by;        // who read it; "" when not named
  bool current = false;  // of the bulletin's current version
};

struct CentreReceipt {
  std::string key;
  std::string name;
  std::optional<ReceiptMark> received, acknowledged;
};

struct ReceiptsView {
  std::string bulletin;
  std::string title;  // "" once withdrawn
  std::string version;
  std::vector<CentreReceipt> centres;                       // every member but headquarters keys
  std::vector<std::string> not_received, not_acknowledged;  // their keys
};

struct AcknowledgeRequest {
  std::optional<std::string> by = std::nullopt;  // the name of the person who read it
};

struct Acknowledgement {
  std::string bulletin;
  std::string version;  // the version acknowledged
};

class TrustService {
 public:
  // `log` is not owned. `identity` is the log's key, used to sign requests.
  TrustService(Log* log, const KeyPair& identity) : log_(log), identity_(identity) {}

  // Publishes this centre's X25519 key for referrals in a signed statement,
  // unless the log already has it; true when a statement was appended.
  Result<bool> PublishEncryptionKey(const Hash32& x25519);

  Result<MemberList> Members();
  Result<MemberView> Member(std::string_view key_hex);
  Result<ApproveResult> Approve(const ApproveRequest& request);
  Result<MemberView> Revoke(std::string_view key_hex, const RevokeRequest& request);
  Result<ReceiptsView> Receipts(std::string_view bulletin_id);
  Result<Acknowledgement> Acknowledge(std::string_view bulletin_id,
                                      const AcknowledgeRequest& request);

  // This node's enrolment request text, to hand to headquarters.
  std::string EnrolmentRequestText(const Hash32& network_id, std::string_view name,
                                   std::string_view city, std::string_view country) const;

 private:
  Log* log_;
  KeyPair identity_;
};

}  // namespace mrc::sync

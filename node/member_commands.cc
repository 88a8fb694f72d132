// The membership and bulletin-receipt commands: `mrcnode member ...`,
// `mrcnode key rotate` and `mrcnode bulletin ...`. Like `doc`, they work on
// the data directory when no node runs on it and through the running node's
// API when one does (except `key rotate`, which needs the node stopped).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

#include "node/commands.h"
#include "node/doc_client.h"
#include "sync/log/entry.h"
#include "sync/trust/trust.h"
#include "sync/trust/trust_records.h"
#include "sync/trust/trust_service.h"
#include "web/api/trust_json.h"

namespace mrc::node {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// The command on the data directory, or through the running node's API.
// On the directory, the body is read and the answer written as that API
// does (web/api/trust_json.h), so the command prints the same either way.
template <typename Local>
int WithTrust(const std::string& data_dir, Local local, const std::string& method,
              const std::string& target, const std::string& body) {
  return LocalOrRunning(
      data_dir, [&](Context& c) { return local(*c.trust); }, method, target, body);
}

using web::api::Written;

// A file's text, or the argument itself when it is already request text.
Result<std::string> RequestText(const std::string& arg) {
  if (arg.rfind("mrc-enrol-", 0) == 0) return arg;
  auto text = ReadTextFile(arg);
  if (!text.ok())
    return Status::InvalidArgument(arg + " is neither a readable file nor an enrolment request");
  return *text;
}

Status WriteFileOrStdout(const std::string& out, const std::string& text) {
  if (out.empty()) {
    std::cout << text << "\n";
    return Status::Ok();
  }
  std::ofstream f(out, std::ios::binary | std::ios::trunc);
  f << text << "\n";
  f.close();
  if (!f) return Status::IOError("cannot write " + out);
  std::cerr << "mrcnode: wrote " << out << "\n";
  return Status::Ok();
}

// The id of this node's rotate statement naming `key`, if its feed has one.
Result<std::optional<Hash32>> AnnouncedRotation(sync::Log& log, const Hash32& key) {
  MRC_ASSIGN_OR_RETURN(auto feed, log.ReadFeed(log.self(), 1, SIZE_MAX));
  for (const auto& in : feed) {
    MRC_ASSIGN_OR_RETURN(auto d, sync::DecodeEntry(in.signed_form));
    if (d.entry.kind != sync::Kind::kMember) continue;
    auto st = sync::ParseStatement(in.payload);
    if (st.ok() && st->type == sync::Statement::Type::kRotate && st->key == key)
      return std::optional<Hash32>(d.id);
  }
  return std::optional<Hash32>();
}

}  // namespace

int LocalOrRunning(const std::string& data_dir,
                   const std::function<Result<std::string>(Context&)>& local,
                   const std::string& method, const std::string& target, const std::string& body) {
  auto ctx = OpenContext(data_dir);
  if (ctx.ok()) return Print(local(**ctx));
  if (ctx.status().code() != Status::Code::kUnavailable) return Fail(ctx.status());
  auto running = FindRunningNode(data_dir);
  if (running.status().code() == Status::Code::kPermissionDenied) return Fail(running.status());
  if (!running.ok())
    return Fail(Status::Unavailable("the store in " + data_dir +
                                    " is locked and no running node is recorded"));
  return Print(ApiCall(*running, method, target, body));
}

int CmdMemberRequest(const std::string& data_dir, const MemberRequestOptions& o) {
  auto id = LoadIdentity(data_dir);
  if (!id.ok()) return Fail(id.status());
  sync::EnrolmentRequest r;
  r.network_id = id->genesis.network_id();
  r.key = id->key.public_key;
  r.name = o.name;
  r.city = o.city;
  r.country = o.country;
  std::string text = sync::MakeEnrolmentRequest(id->key, r);
  // Check it as headquarters will, so that a bad name fails here.
  if (auto parsed = sync::ParseEnrolmentRequest(text, r.network_id); !parsed.ok())
    return Fail(parsed.status());
  Status s = WriteFileOrStdout(o.out, text);
  return s.ok() ? 0 : Fail(s);
}

int CmdMemberApprove(const std::string& data_dir, const std::string& request,
                     const std::vector<std::string>& roles, const std::string& replaces) {
  auto text = RequestText(request);
  if (!text.ok()) return Fail(text.status());
  json body{{"request", *text}};
  if (!roles.empty()) body["roles"] = roles;
  if (!replaces.empty()) body["replaces"] = replaces;
  std::string b = body.dump();
  return WithTrust(
      data_dir,
      [&](sync::TrustService& t) -> Result<std::string> {
        MRC_ASSIGN_OR_RETURN(auto req, web::api::ReadApprove(b));
        return Written(t.Approve(req), web::api::ApprovedJson);
      },
      "POST", "/api/v1/members", b);
}

int CmdMemberRevoke(const std::string& data_dir, const std::string& key, std::uint64_t from_seq,
                    const std::string& reason) {
  json body{{"reason", reason}};
  if (from_seq > 0) body["from_seq"] = from_seq;
  std::string b = body.dump();
  if (!Hash32FromHex(key))
    return Fail(Status::InvalidArgument("key '" + key + "' is not 64 hex characters"));
  return WithTrust(
      data_dir,
      [&](sync::TrustService& t) -> Result<std::string> {
        MRC_ASSIGN_OR_RETURN(auto req, web::api::ReadRevoke(b));
        return Written(t.Revoke(key, req), web::api::MemberJson);
      },
      "POST", "/api/v1/members/" + key + "/revoke", b);
}

int CmdMemberList(const std::string& data_dir) {
  return WithTrust(
      data_dir, [](sync::TrustService& t) { return Written(t.Members(), web::api::MembersJson); },
      "GET", "/api/v1/members", "");
}

int CmdBulletinReceipts(const std::string& data_dir, const std::string& id) {
  if (!Hash32FromHex(id))
    return Fail(Status::InvalidArgument("bulletin id '" + id + "' is not 64 hex characters"));
  return WithTrust(
      data_dir,
      [&](sync::TrustService& t) { return Written(t.Receipts(id), web::api::ReceiptsJson); }, "GET",
      "/api/v1/bulletins/" + id + "/receipts", "");
}

int CmdBulletinAck(const std::string& data_dir, const std::string& id, const std::string& by) {
  if (!Hash32FromHex(id))
    return Fail(Status::InvalidArgument("bulletin id '" + id + "' is not 64 hex characters"));
  json body = json::object();
  if (!by.empty()) body["by"] = by;
  std::string b = body.dump();
  return WithTrust(
      data_dir,
      [&](sync::TrustService& t) -> Result<std::string> {
        MRC_ASSIGN_OR_RETURN(auto req, web::api::ReadAcknowledge(b));
        return Written(t.Acknowledge(id, req), web::api::AcknowledgedJson);
      },
      "POST", "/api/v1/bulletins/" + id + "/ack", b);
}

int CmdEncryptionKeyRotate(const std::string& data_dir) {
  auto ctx = OpenExclusive(data_dir, "key rotate-encryption");
  if (!ctx.ok()) return Fail(ctx.status());
  Context& c = **ctx;
  // The old key is kept (renamed) before the new one exists: a crash in
  // between leaves no key file, and the next open makes a new one.
  std::string path = c.Path("encryption.key");
  std::string retired = path + ".retired-" + ToHex(c.encryption.public_key).substr(0, 16);
  std::error_code ec;
  fs::rename(path, retired, ec);
  if (ec) return Fail(Status::IOError("cannot rename " + path + ": " + ec.message()));
  auto next = sync::LoadOrCreateEncryptionKey(path);
  if (!next.ok()) return Fail(next.status());
  auto published = c.trust->PublishEncryptionKey(next->public_key);
  if (!published.ok()) return Fail(published.status());
  json out{{"encryption_key", ToHex(next->public_key)},
           {"retired_key", ToHex(c.encryption.public_key)},
           {"retired_file", retired},
           {"published", *published}};
  std::cout << out.dump(2) << "\n";
  std::cerr << "mrcnode: new referrals are sealed to the new key once the statement reaches the "
               "other centres; keep "
            << retired << " until the referrals sealed to the old key are erased\n";
  return 0;
}

int CmdKeyRotate(const std::string& data_dir, const std::string& out) {
  auto ctx = OpenExclusive(data_dir, "key rotate");
  if (!ctx.ok()) return Fail(ctx.status());
  Context& c = **ctx;
  auto me = sync::trust::Member(*c.log, c.identity.public_key);
  if (!me.ok() || !me->member) {
    return Fail(
        Status::PermissionDenied("this node is not an approved member yet: nothing to rotate "
                                 "(send headquarters a new `mrcnode member request` instead)"));
  }
  if (me->root)
    return Fail(Status::PermissionDenied("the network's root key is fixed by the genesis"));
  // The new key goes to disk before the old key announces it, so a crash in
  // between leaves a spare file, never an announced key that is lost. A
  // rotation cut short after its announcement is completed, not redone.
  std::string key_path = c.Path("identity.key"), next_path = key_path + ".next";
  std::optional<sync::KeyPair> next;
  Hash32 rotation{};
  if (std::error_code ec; fs::exists(next_path, ec)) {
    auto spare = sync::LoadSecretKey(next_path);
    if (!spare.ok()) return Fail(spare.status().Annotate(next_path));
    auto announced = AnnouncedRotation(*c.log, spare->public_key);
    if (!announced.ok()) return Fail(announced.status());
    if (*announced) {
      next = *spare;
      rotation = **announced;
    } else {
      std::error_code ec;
      fs::remove(next_path, ec);  // an unannounced spare: made again below
    }
  }
  if (!next) {
    next = sync::GenerateKeyPair();
    if (Status s = sync::WriteSecretKey(next_path, *next); !s.ok()) return Fail(s);
    sync::Statement st;
    st.type = sync::Statement::Type::kRotate;
    st.key = next->public_key;
    auto payload = sync::StatementPayload(st);
    if (!payload.ok()) return Fail(payload.status());
    auto ids =
        c.log->Append({sync::Draft{sync::Kind::kMember, sync::Op::kPut, Hash32{}, {}, *payload}});
    if (!ids.ok()) return Fail(ids.status());
    rotation = ids->front();
  }
  sync::EnrolmentRequest r;
  r.network_id = c.genesis.network_id();
  r.key = next->public_key;
  r.name = me->name;
  r.city = me->city;
  r.country = me->country;
  r.replaces = c.identity.public_key;
  r.rotation = rotation;
  std::string text = sync::MakeEnrolmentRequest(*next, r);
  std::string retired = key_path + ".retired-" + ToHex(c.identity.public_key).substr(0, 16);
  ctx->reset();  // close the store before the identity changes
  std::error_code ec;
  fs::rename(key_path, retired, ec);
  if (!ec) fs::rename(next_path, key_path, ec);
  if (ec)
    return Fail(Status::IOError("cannot install the new key " + next_path + ": " + ec.message()));
  std::ofstream(data_dir + "/identity.pub", std::ios::trunc) << ToHex(next->public_key) << "\n";
  std::cerr << "mrcnode: new key " << ToHex(next->public_key).substr(0, 16)
            << " installed; the old one is kept in " << retired
            << ".\nHave headquarters approve the request below (`mrcnode member approve`); "
            << "until then this node's new entries wait at every node.\n";
  Status s = WriteFileOrStdout(out, text);
  return s.ok() ? 0 : Fail(s);
}

}  // namespace mrc::node

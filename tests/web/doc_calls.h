// DocService called with the API's JSON and answering it, for the web tests
// that set documents up as a client would write them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sync/content/doc_service.h"
#include "web/api/doc_json.h"

namespace mrc::web::doc_calls {

using api::Written;

inline Result<std::string> Create(sync::DocService& docs, std::string_view body) {
  MRC_ASSIGN_OR_RETURN(auto req, api::ReadCreateDoc(body));
  return Written(docs.Create(req), api::SavedDocJson);
}

inline Result<std::string> Update(sync::DocService& docs, std::string_view id,
                                  std::string_view body) {
  MRC_ASSIGN_OR_RETURN(auto req, api::ReadUpdateDoc(body));
  return Written(docs.Update(id, req), api::SavedDocJson);
}

inline Result<std::string> Get(sync::DocService& docs, std::string_view id) {
  return Written(docs.Get(id), api::DocJson);
}

inline Result<std::string> Propose(sync::DocService& docs, std::string_view id,
                                   std::string_view body) {
  MRC_ASSIGN_OR_RETURN(auto content, api::ReadProposal(body));
  return Written(docs.Propose(id, content), api::ProposedJson);
}

inline Result<std::string> Proposals(sync::DocService& docs, std::string_view id) {
  return Written(docs.Proposals(id), api::ProposalsJson);
}

inline Result<std::string> Accept(sync::DocService& docs, std::string_view id,
                                  std::string_view proposal, std::string_view body) {
  MRC_ASSIGN_OR_RETURN(auto content, api::ReadAcceptance(body));
  return Written(docs.Accept(id, proposal, content), api::DocJson);
}

inline Result<std::string> Decline(sync::DocService& docs, std::string_view id,
                                   std::string_view proposal, std::string_view body) {
  MRC_ASSIGN_OR_RETURN(auto reason, api::ReadDecline(body));
  return Written(docs.Decline(id, proposal, reason), api::ProposalsJson);
}

}  // namespace mrc::web::doc_calls

// The sync messages' wire form, derived from their field tables
// (sync/protocol.h): written straight into text and read with a JsonReader.
// Pushes carry thousands of entries and pull pages thousands of member rows;
// a DOM cost more per item than the server's own work (docs/BENCHMARKS.md).
#include "patron/sync/codec.h"

#include "patron/json_reader.h"
#include "patron/record/record_json.h"

namespace patron::sync {
namespace {

// Sync bodies are built by Patron itself; an entry's detail is the deepest
// legitimate nesting.
constexpr int kMaxDepth = 16;

template <typename Message>
std::string Encode(const Message& message, size_t reserve = 256) {
  std::string body;
  body.reserve(reserve);
  record::AppendRecord(message, body);
  return body;
}

// A decoder's refusal, restated as the syntax error when the body is also
// malformed further on (json_reader.h): the reason does not depend on the
// order in which the mistakes come.
template <typename Message>
Result<Message> Decode(std::string_view body, record::DecodeNotes* notes = nullptr) {
  Result<Message> decoded = record::DecodeRecord<Message>(body, notes, kMaxDepth);
  if (decoded.ok() || decoded.status().reason() == "malformed_json" ||
      decoded.status().reason() == "json_too_deep") {
    return decoded;
  }
  PATRON_RETURN_IF_ERROR(JsonReader::CheckSyntax(body, kMaxDepth));
  return decoded;
}

Status NotNegative(int64_t value, std::string_view field) {
  if (value >= 0) return Status::OK();
  return Status::InvalidArgument("'" + std::string(field) + "' must not be negative",
                                 "invalid_field");
}

}  // namespace

std::string EncodePushRequest(const PushRequest& request) {
  return Encode(request, 480 * request.entries.size() + 256);
}

Result<PushRequest> DecodePushRequest(std::string_view body) { return Decode<PushRequest>(body); }

std::string EncodePushResponse(const PushResponse& response) {
  return Encode(response, 96 * response.entries.size() + 256);
}

Result<PushResponse> DecodePushResponse(std::string_view body) {
  return Decode<PushResponse>(body);
}

std::string EncodePullRequest(const PullRequest& request) { return Encode(request); }

Result<PullRequest> DecodePullRequest(std::string_view body) {
  PATRON_ASSIGN_OR_RETURN(PullRequest request, Decode<PullRequest>(body));
  if (request.limit < 1 || request.limit > 100'000) {
    return Status::InvalidArgument("limit must be between 1 and 100000", "invalid_field");
  }
  return request;
}

std::string EncodePullResponse(const PullResponse& response) {
  return Encode(response, 400 * response.members.size() + 1024);
}

Result<PullResponse> DecodePullResponse(std::string_view body) {
  record::DecodeNotes notes;
  PATRON_ASSIGN_OR_RETURN(PullResponse response, Decode<PullResponse>(body, &notes));
  response.notes = std::move(notes);
  return response;
}

std::string EncodeGrantRequest(const GrantRequest& request) { return Encode(request); }

Result<GrantRequest> DecodeGrantRequest(std::string_view body) {
  return Decode<GrantRequest>(body);
}

std::string EncodeGrantResponse(const GrantResponse& response) { return Encode(response); }

Result<GrantResponse> DecodeGrantResponse(std::string_view body) {
  return Decode<GrantResponse>(body);
}

std::string EncodeSnapshotRequest(const SnapshotRequest& request) { return Encode(request); }

Result<SnapshotRequest> DecodeSnapshotRequest(std::string_view body) {
  return Decode<SnapshotRequest>(body);
}

std::string EncodeSnapshotInfo(const SnapshotInfo& info) { return Encode(info); }

Result<SnapshotInfo> DecodeSnapshotInfo(std::string_view body) {
  record::DecodeNotes notes;
  PATRON_ASSIGN_OR_RETURN(SnapshotInfo info, Decode<SnapshotInfo>(body, &notes));
  info.notes = std::move(notes);
  PATRON_RETURN_IF_ERROR(NotNegative(info.seq, "seq"));
  PATRON_RETURN_IF_ERROR(NotNegative(info.members, "members"));
  PATRON_RETURN_IF_ERROR(NotNegative(info.bytes, "bytes"));
  return info;
}

std::string EncodeReturnClaimRequest(const ReturnClaimRequest& request) {
  return Encode(request);
}

Result<ReturnClaimRequest> DecodeReturnClaimRequest(std::string_view body) {
  return Decode<ReturnClaimRequest>(body);
}

std::string EncodeReturnClaimResponse(const ReturnClaimResponse& response) {
  return Encode(response);
}

Result<ReturnClaimResponse> DecodeReturnClaimResponse(std::string_view body) {
  return Decode<ReturnClaimResponse>(body);
}

std::string EncodeVoucherClaimRequest(const VoucherClaimRequest& request) {
  return Encode(request);
}

Result<VoucherClaimRequest> DecodeVoucherClaimRequest(std::string_view body) {
  return Decode<VoucherClaimRequest>(body);
}

std::string EncodeStockClaimRequest(const StockClaimRequest& request) { return Encode(request); }

Result<StockClaimRequest> DecodeStockClaimRequest(std::string_view body) {
  return Decode<StockClaimRequest>(body);
}

std::string EncodeStockClaimResponse(const StockClaimResponse& response) {
  return Encode(response);
}

Result<StockClaimResponse> DecodeStockClaimResponse(std::string_view body) {
  return Decode<StockClaimResponse>(body);
}

std::string EncodeVoucher(const Voucher& voucher) { return Encode(voucher); }

Result<Voucher> DecodeVoucher(std::string_view body) { return Decode<Voucher>(body); }

}  // namespace patron::sync

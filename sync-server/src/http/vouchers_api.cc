// SyncApi's voucher endpoints for head office (records/voucher.h), behind
// the admin token: issue one, list a member's. (A till's claim:
// sync_api.cc.)
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "http/sync_api.h"
#include "patron/json_util.h"
#include "patron/record/record_json.h"
#include "patron/sync/codec.h"
#include "patron/uuid.h"

namespace patron::sync {
namespace {

Result<VoucherIssue> DecodeIssue(std::string_view body) {
  PATRON_ASSIGN_OR_RETURN(nlohmann::json doc, json::Parse(body));
  PATRON_RETURN_IF_ERROR(json::ExpectObject(doc, "voucher"));
  PATRON_RETURN_IF_ERROR(json::RejectUnknownFields(
      doc, {"voucher_id", "member_id", "name", "source", "amount_off_minor", "percent_off_bp",
            "max_off_minor", "bonus_points", "min_spend_minor", "valid_from", "valid_until",
            "place_at"}));
  VoucherIssue issue;
  Voucher& v = issue.voucher;
  const auto text = [&](std::string_view field) -> Result<std::string> {
    PATRON_ASSIGN_OR_RETURN(std::optional<std::string> value, json::GetOptionalString(doc, field));
    return value.value_or("");
  };
  const auto number = [&](std::string_view field) -> Result<int64_t> {
    PATRON_ASSIGN_OR_RETURN(std::optional<int64_t> value, json::GetOptionalInt(doc, field));
    return value.value_or(0);
  };
  PATRON_ASSIGN_OR_RETURN(v.voucher_id, text("voucher_id"));
  PATRON_ASSIGN_OR_RETURN(const std::string member_id, json::GetString(doc, "member_id"));
  Result<Uuid> member = Uuid::Parse(member_id);
  if (!member.ok()) {
    return Status::InvalidArgument("member_id: not a member id", "invalid_member_id");
  }
  v.member_id = member->ToString();
  PATRON_ASSIGN_OR_RETURN(v.name, text("name"));
  PATRON_ASSIGN_OR_RETURN(v.source, text("source"));
  PATRON_ASSIGN_OR_RETURN(v.amount_off_minor, number("amount_off_minor"));
  PATRON_ASSIGN_OR_RETURN(v.percent_off_bp, number("percent_off_bp"));
  PATRON_ASSIGN_OR_RETURN(v.max_off_minor, number("max_off_minor"));
  PATRON_ASSIGN_OR_RETURN(v.bonus_points, number("bonus_points"));
  PATRON_ASSIGN_OR_RETURN(v.min_spend_minor, number("min_spend_minor"));
  PATRON_ASSIGN_OR_RETURN(issue.valid_from, text("valid_from"));
  PATRON_ASSIGN_OR_RETURN(issue.valid_until, text("valid_until"));
  PATRON_ASSIGN_OR_RETURN(issue.place_at, text("place_at"));
  return issue;
}

std::string ListJson(const std::vector<Voucher>& vouchers) {
  std::string body = "{\"vouchers\":[";
  for (size_t i = 0; i < vouchers.size(); ++i) {
    if (i > 0) body += ',';
    record::AppendRecord(vouchers[i], body);
  }
  return body + "]}";
}

Result<std::string> DecodeVoucherId(std::string_view body) {
  PATRON_ASSIGN_OR_RETURN(nlohmann::json doc, json::Parse(body));
  PATRON_RETURN_IF_ERROR(json::ExpectObject(doc, "voucher"));
  PATRON_RETURN_IF_ERROR(json::RejectUnknownFields(doc, {"voucher_id"}));
  return json::GetString(doc, "voucher_id");
}

}  // namespace

HttpResponse SyncApi::TakeBackVoucher(const HttpRequest& request) const {
  if (std::optional<HttpResponse> refused = RefuseNonAdmin(request)) return *refused;
  Result<std::string> voucher_id = DecodeVoucherId(request.body);
  if (!voucher_id.ok()) return ErrorResponse(voucher_id.status());
  Result<Voucher> voucher = service_.TakeBackVoucher(*voucher_id);
  if (!voucher.ok()) return ErrorResponse(voucher.status());
  return JsonResponse(200, EncodeVoucher(*voucher));
}

HttpResponse SyncApi::IssueVoucher(const HttpRequest& request) const {
  if (std::optional<HttpResponse> refused = RefuseNonAdmin(request)) return *refused;
  Result<VoucherIssue> issue = DecodeIssue(request.body);
  if (!issue.ok()) return ErrorResponse(issue.status());
  Result<IssuedVoucher> issued = service_.IssueVoucher(*issue);
  if (!issued.ok()) return ErrorResponse(issued.status());
  return JsonResponse(issued->created ? 201 : 200, EncodeVoucher(issued->voucher));
}

HttpResponse SyncApi::ListVouchers(const HttpRequest& request) const {
  if (std::optional<HttpResponse> refused = RefuseNonAdmin(request)) return *refused;
  Result<Uuid> member = Uuid::Parse(request.QueryParam("member_id").value_or(""));
  if (!member.ok()) {
    return ErrorResponse(400, "invalid_query", "give the member as ?member_id=<member id>");
  }
  Result<std::vector<Voucher>> vouchers = service_.MemberVouchers(member->ToString());
  if (!vouchers.ok()) return ErrorResponse(vouchers.status());
  return JsonResponse(200, ListJson(*vouchers));
}

}  // namespace patron::sync

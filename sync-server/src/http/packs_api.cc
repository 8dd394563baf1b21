// SyncApi's rule-pack endpoints (DESIGN.md §9), behind the admin token:
// POST /v1/admin/packs publishes, GET lists every version, POST
// /v1/admin/packs/dry-run evaluates a basket.
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "http/sync_api.h"
#include "patron/json_util.h"
#include "patron/local_time.h"
#include "patron/record/record_json.h"
#include "patron/rules_codec.h"

namespace patron::sync {
namespace {

nlohmann::json TextOrNull(const std::string& text) {
  return text.empty() ? nlohmann::json() : nlohmann::json(text);
}

nlohmann::json PackJson(const PublishedPack& published) {
  const Rules& pack = published.pack;
  nlohmann::json campaigns = nlohmann::json::array();
  for (const Campaign& campaign : pack.campaigns) campaigns.push_back(campaign.id);
  return {{"version", pack.version},
          {"name", pack.name},
          {"state", published.state},
          {"activate_at", TextOrNull(pack.activate_at)},
          {"valid_until", TextOrNull(pack.valid_until)},
          {"published_ms", published.stored_ms},
          {"campaigns", std::move(campaigns)},
          {"pack", nlohmann::json::parse(EncodeRules(pack))}};
}

Result<SaleLine> DecodeLine(const nlohmann::json& value, const std::string& path) {
  PATRON_RETURN_IF_ERROR(
      json::RejectUnknownFields(value, {"sku", "name", "category", "qty", "amount_minor"}, path));
  SaleLine line;
  PATRON_ASSIGN_OR_RETURN(line.sku, json::GetString(value, "sku", path));
  PATRON_ASSIGN_OR_RETURN(auto name, json::GetOptionalString(value, "name", path));
  PATRON_ASSIGN_OR_RETURN(auto category, json::GetOptionalString(value, "category", path));
  PATRON_ASSIGN_OR_RETURN(auto qty, json::GetOptionalInt(value, "qty", path));
  PATRON_ASSIGN_OR_RETURN(line.amount_minor, json::GetInt(value, "amount_minor", path));
  line.name = name.value_or("");
  line.category = category.value_or("");
  line.qty = qty.value_or(1);
  return line;
}

Result<EvalBasket> DecodeBasket(const nlohmann::json& value) {
  constexpr std::string_view kPath = "basket";
  PATRON_RETURN_IF_ERROR(
      json::RejectUnknownFields(value, {"store_id", "amount_minor", "paid_minor", "lines"}, kPath));
  EvalBasket basket;
  PATRON_ASSIGN_OR_RETURN(auto store_id, json::GetOptionalString(value, "store_id", kPath));
  basket.store_id = store_id.value_or("");
  PATRON_ASSIGN_OR_RETURN(basket.amount_minor, json::GetInt(value, "amount_minor", kPath));
  PATRON_ASSIGN_OR_RETURN(auto paid, json::GetOptionalInt(value, "paid_minor", kPath));
  basket.paid_minor = paid.value_or(basket.amount_minor);
  if (value.contains("lines") && !value["lines"].is_null()) {
    PATRON_ASSIGN_OR_RETURN(const nlohmann::json* lines, json::GetArray(value, "lines", kPath));
    for (size_t i = 0; i < lines->size(); ++i) {
      PATRON_ASSIGN_OR_RETURN(SaleLine line,
                              DecodeLine((*lines)[i], json::IndexPath("basket.lines", i)));
      line.line_no = static_cast<int64_t>(i);
      basket.lines.push_back(std::move(line));
    }
  }
  return basket;
}

// The segments the marketer puts the member in: head office does not work
// them out for a dry run.
Result<std::vector<std::string>> DecodeSegments(const nlohmann::json& member) {
  std::vector<std::string> segments;
  if (!member.contains("segments") || member["segments"].is_null()) return segments;
  PATRON_ASSIGN_OR_RETURN(const nlohmann::json* listed,
                          json::GetArray(member, "segments", "member"));
  for (size_t i = 0; i < listed->size(); ++i) {
    const nlohmann::json& segment = (*listed)[i];
    if (!segment.is_string() || segment.get_ref<const std::string&>().empty()) {
      return Status::InvalidArgument(
          "field '" + json::IndexPath("member.segments", i) + "' must be a segment id",
          "invalid_field");
    }
    segments.push_back(segment.get<std::string>());
  }
  return segments;
}

Result<DryRunRequest> DecodeDryRun(std::string_view body) {
  PATRON_ASSIGN_OR_RETURN(nlohmann::json doc, json::Parse(body));
  PATRON_RETURN_IF_ERROR(json::ExpectObject(doc, "dry run"));
  PATRON_RETURN_IF_ERROR(
      json::RejectUnknownFields(doc, {"pack", "version", "at", "member", "basket"}));
  DryRunRequest request;
  if (doc.contains("pack") && !doc["pack"].is_null()) {
    PATRON_ASSIGN_OR_RETURN(request.draft, DecodeRules(doc["pack"].dump()));
  }
  PATRON_ASSIGN_OR_RETURN(request.version, json::GetOptionalInt(doc, "version"));
  PATRON_ASSIGN_OR_RETURN(request.at, json::GetOptionalString(doc, "at"));

  PATRON_ASSIGN_OR_RETURN(const nlohmann::json* member, json::GetObject(doc, "member"));
  PATRON_RETURN_IF_ERROR(json::RejectUnknownFields(
      *member, {"member_id", "tier", "birthday", "enrolled_at", "last_purchase_at", "segments"},
      "member"));
  PATRON_ASSIGN_OR_RETURN(request.member_id, json::GetString(*member, "member_id", "member"));
  PATRON_ASSIGN_OR_RETURN(request.tier, json::GetOptionalString(*member, "tier", "member"));
  PATRON_ASSIGN_OR_RETURN(request.birthday, json::GetOptionalString(*member, "birthday", "member"));
  PATRON_ASSIGN_OR_RETURN(request.enrolled_at,
                          json::GetOptionalString(*member, "enrolled_at", "member"));
  PATRON_ASSIGN_OR_RETURN(request.last_purchase_at,
                          json::GetOptionalString(*member, "last_purchase_at", "member"));
  PATRON_ASSIGN_OR_RETURN(request.segments, DecodeSegments(*member));
  PATRON_ASSIGN_OR_RETURN(const nlohmann::json* basket, json::GetObject(doc, "basket"));
  PATRON_ASSIGN_OR_RETURN(request.basket, DecodeBasket(*basket));
  return request;
}

}  // namespace

HttpResponse SyncApi::PublishRules(const HttpRequest& request) const {
  if (std::optional<HttpResponse> refused = RefuseNonAdmin(request)) return *refused;
  Result<Rules> rules = DecodeRules(request.body);
  if (!rules.ok()) return ErrorResponse(rules.status());
  if (Status published = service_.PublishRules(*rules); !published.ok()) {
    return ErrorResponse(published);
  }
  if (request.path == "/v1/admin/rules") {  // the first form: no body
    HttpResponse response;
    response.status = 204;
    response.content_type.clear();
    return response;
  }
  Result<std::vector<PublishedPack>> packs = service_.Packs();
  if (!packs.ok()) return ErrorResponse(packs.status());
  for (const PublishedPack& pack : *packs) {
    if (pack.pack.version == rules->version) return JsonResponse(201, PackJson(pack).dump());
  }
  return ErrorResponse(Status::Internal("the published pack is not listed"));
}

HttpResponse SyncApi::ListPacks(const HttpRequest& request) const {
  if (std::optional<HttpResponse> refused = RefuseNonAdmin(request)) return *refused;
  Result<std::vector<PublishedPack>> packs = service_.Packs();
  if (!packs.ok()) return ErrorResponse(packs.status());
  nlohmann::json listed = nlohmann::json::array();
  for (const PublishedPack& pack : *packs) listed.push_back(PackJson(pack));
  return JsonResponse(200, nlohmann::json{{"packs", std::move(listed)}}.dump());
}

HttpResponse SyncApi::DryRunPack(const HttpRequest& request) const {
  if (std::optional<HttpResponse> refused = RefuseNonAdmin(request)) return *refused;
  Result<DryRunRequest> dry_run = DecodeDryRun(request.body);
  if (!dry_run.ok()) return ErrorResponse(dry_run.status());
  Result<DryRunResult> result = service_.DryRun(*dry_run);
  if (!result.ok()) return ErrorResponse(result.status());
  nlohmann::json body = nlohmann::json::parse(record::EncodeRecord(result->evaluation));
  const EvalMember& member = result->member;
  body["member"] = {
      {"member_id", member.member_id},
      {"known", result->member_known},
      {"tier", member.tier},
      {"birthday", member.birthday ? nlohmann::json(*member.birthday) : nullptr},
      {"last_purchase_at",
       member.last_purchase_ms == 0
           ? nlohmann::json(nullptr)
           : nlohmann::json(FormatPackTime(member.last_purchase_ms, result->utc_offset_minutes))},
      {"segments", member.segments}};
  body["at"] = FormatPackTime(result->at_ms, result->utc_offset_minutes);
  return JsonResponse(200, body.dump());
}

}  // namespace patron::sync

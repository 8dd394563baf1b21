// SyncApi's member-services endpoints (DESIGN.md §11; SyncService's
// Feedback, Cases, Case, UpdateCase), for admins, marketers and store
// managers, a store manager confined to their store:
//
//   GET  /v1/admin/cases?status=open,replied&store=&assignee=&limit=&page_token=
//        {"cases": [CaseView...], "next_page_token": "..." or null}, oldest
//        first; every case has its SLA timers as of now
//   GET  /v1/admin/cases/{id}   one case with its complaint and timeline
//   POST /v1/admin/cases/{id}   {"action", "text", "assignee", "points"}:
//        an action of case_flow.h; answers the case after. A compensation
//        above goodwill_max_points needs an admin (403 goodwill_over_limit) it
//   GET  /v1/admin/feedback?store=&kind=&from=&to=&limit=&page_token=&format=csv
//        the feedback tills sent, newest first
//   GET  /v1/reports/feedback?store=&from=&to=&by=month&format=csv
//        counts by store and kind (and month), with the average rating, NPS
//        and CSAT (FeedbackCount)
//
// Days are local (the analytics' offset), `to` inclusive. A case id holds
// a '/': in the path it is percent-encoded ("t1%2Fcomplaint-7").
#include <string>
#include <variant>
#include <vector>

#include "http/case_json.h"
#include "http/report_rows.h"
#include "http/sync_api.h"
#include "patron/record/record_json.h"

namespace patron::record {

// The body of POST /v1/admin/cases/{id}.
template <>
struct Schema<sync::CaseUpdate> {
  static constexpr std::string_view kName = "case_update";
  static constexpr auto kFields = record::FieldList{
      Field<&sync::CaseUpdate::action>{"action"},
      Field<&sync::CaseUpdate::text>{"text", {}, kOptional},
      Field<&sync::CaseUpdate::assignee>{"assignee", {}, kOptional},
      Field<&sync::CaseUpdate::points>{"points", {}, kOptional},
  };
};

}  // namespace patron::record

namespace patron::sync {
namespace {

constexpr int64_t kMaxPage = 1'000;
constexpr int64_t kDefaultPage = 100;
constexpr int64_t kMsPerDay = 86'400'000;

HttpResponse OtherStore(const Principal& who) {
  return ErrorResponse(Status::PermissionDenied(
      "a store manager of " + who.store_id + " works their own store's cases and feedback only",
      "other_store"));
}

// The store a request may see: a store manager's own (refusing another),
// else ?store= ("" every store).
std::variant<std::string, HttpResponse> StoreOf(const HttpRequest& request, const Principal& who) {
  const std::string asked = request.QueryParam("store").value_or("");
  if (who.role != kRoleStoreManager) return asked;
  if (!asked.empty() && asked != who.store_id) return OtherStore(who);
  return who.store_id;
}

std::optional<int64_t> PageLimit(const HttpRequest& request) {
  const std::optional<int64_t> limit =
      ParseCount(request.QueryParam("limit").value_or(std::to_string(kDefaultPage)));
  if (!limit || *limit < 1 || *limit > kMaxPage) return std::nullopt;
  return limit;
}

// "<ms>:<id>" for a cursor (opened_ms or wall_ms, then the id), and back.
std::string PageToken(int64_t ms, std::string_view id) {
  return std::to_string(ms) + ":" + std::string(id);
}
bool ParsePageToken(std::string_view token, int64_t& ms, std::string& id) {
  const size_t colon = token.find(':');
  if (colon == std::string_view::npos || colon + 1 == token.size()) return false;
  const std::optional<int64_t> parsed = ParseCount(token.substr(0, colon));
  if (!parsed) return false;
  ms = *parsed;
  id = std::string(token.substr(colon + 1));
  return true;
}

// [from, to] local days as [from_ms, to_ms); absent bounds are open (0).
Status ParseWindow(SyncService& service, const HttpRequest& request, int64_t& from_ms,
                   int64_t& to_ms) {
  from_ms = 0;
  to_ms = 0;
  if (std::optional<std::string> from = request.QueryParam("from")) {
    PATRON_ASSIGN_OR_RETURN(from_ms, service.LocalDayStartMs(*from));
  }
  if (std::optional<std::string> to = request.QueryParam("to")) {
    PATRON_ASSIGN_OR_RETURN(to_ms, service.LocalDayStartMs(*to));
    to_ms += kMsPerDay;
  }
  return Status::OK();
}

HttpResponse CaseResponse(const CaseView& view) {
  std::string body;
  AppendCaseView(view, body);
  return JsonResponse(200, std::move(body));
}

}  // namespace

HttpResponse SyncApi::ListCases(const HttpRequest& request, const Principal& who,
                                const PathParams&) const {
  std::variant<std::string, HttpResponse> store = StoreOf(request, who);
  if (auto* refused = std::get_if<HttpResponse>(&store)) return std::move(*refused);
  CaseFilter filter;
  filter.store_id = std::get<std::string>(store);
  const std::optional<int64_t> limit = PageLimit(request);
  if (!limit) return ErrorResponse(400, "invalid_query", "give ?limit=<1..1000>");
  filter.limit = static_cast<int>(*limit);
  if (std::optional<std::string> statuses = request.QueryParam("status")) {
    for (std::string_view rest = *statuses; !rest.empty();) {
      const size_t comma = rest.find(',');
      Result<CaseStatus> status = ParseCaseStatus(rest.substr(0, comma));
      if (!status.ok()) return ErrorResponse(400, "invalid_query", status.status().message());
      filter.statuses.push_back(*status);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
  }
  filter.assignee = request.QueryParam("assignee");
  if (std::optional<std::string> token = request.QueryParam("page_token")) {
    if (!ParsePageToken(*token, filter.after_opened_ms, filter.after_id)) {
      return ErrorResponse(400, "invalid_query", "give ?page_token= as a page answered it");
    }
  }
  Result<std::vector<CaseView>> cases = service_.Cases(filter);
  if (!cases.ok()) return ErrorResponse(cases.status());
  std::string body = "{\"cases\":[";
  for (size_t i = 0; i < cases->size(); ++i) {
    if (i > 0) body += ',';
    AppendCaseView((*cases)[i], body);
  }
  body += "],\"next_page_token\":";
  if (cases->size() == static_cast<size_t>(filter.limit)) {
    AppendJsonString(PageToken(cases->back().record.opened_ms, cases->back().record.case_id), body);
  } else {
    body += "null";
  }
  body += '}';
  return JsonResponse(200, std::move(body));
}

HttpResponse SyncApi::GetCase(const HttpRequest&, const Principal& who,
                              const PathParams& params) const {
  Result<CaseView> view = service_.Case(params.at(0));
  if (!view.ok()) return ErrorResponse(view.status());
  if (who.role == kRoleStoreManager && view->record.store_id != who.store_id) {
    return OtherStore(who);
  }
  return CaseResponse(*view);
}

HttpResponse SyncApi::UpdateCase(const HttpRequest& request, const Principal& who,
                                 const PathParams& params) const {
  Result<CaseUpdate> update = record::DecodeRecord<CaseUpdate>(request.body);
  if (!update.ok()) return ErrorResponse(400, "invalid_case_update", update.status().message());
  if (update->action == CaseAction::kCompensate && who.role != kRoleAdmin &&
      update->points > goodwill_max_points_) {
    return ErrorResponse(Status::PermissionDenied("a compensation of more than " +
                                                      std::to_string(goodwill_max_points_) +
                                                      " points needs an admin",
                                                  "goodwill_over_limit"));
  }
  if (who.role == kRoleStoreManager) {
    Result<CaseView> current = service_.Case(params.at(0));
    if (!current.ok()) return ErrorResponse(current.status());
    if (current->record.store_id != who.store_id) return OtherStore(who);
  }
  Result<CaseView> view = service_.UpdateCase(params.at(0), *update, who.username);
  if (!view.ok()) return ErrorResponse(view.status());
  return CaseResponse(*view);
}

HttpResponse SyncApi::ListFeedback(const HttpRequest& request, const Principal& who,
                                   const PathParams&) const {
  std::variant<std::string, HttpResponse> store = StoreOf(request, who);
  if (auto* refused = std::get_if<HttpResponse>(&store)) return std::move(*refused);
  FeedbackFilter filter;
  filter.store_id = std::get<std::string>(store);
  const std::optional<int64_t> limit = PageLimit(request);
  const std::string format = request.QueryParam("format").value_or("json");
  if (!limit || (format != "json" && format != "csv")) {
    return ErrorResponse(400, "invalid_query", "give ?limit=<1..1000>, ?format=json or csv");
  }
  filter.limit = static_cast<int>(*limit);
  if (std::optional<std::string> kind = request.QueryParam("kind")) {
    Result<FeedbackKind> parsed = ParseFeedbackKind(*kind);
    if (!parsed.ok()) return ErrorResponse(400, "invalid_query", parsed.status().message());
    filter.kind = *parsed;
  }
  if (Status window = ParseWindow(service_, request, filter.from_ms, filter.to_ms); !window.ok()) {
    return ErrorResponse(400, "invalid_query", window.message());
  }
  if (std::optional<std::string> token = request.QueryParam("page_token")) {
    if (!ParsePageToken(*token, filter.after_wall_ms, filter.after_id)) {
      return ErrorResponse(400, "invalid_query", "give ?page_token= as a page answered it");
    }
  }
  Result<std::vector<FeedbackRecord>> rows = service_.Feedback(filter);
  if (!rows.ok()) return ErrorResponse(rows.status());
  if (format == "csv") return CsvResponse(RowsToCsv(*rows));
  std::string body = "{\"feedback\":[";
  for (size_t i = 0; i < rows->size(); ++i) {
    if (i > 0) body += ',';
    record::AppendRecord((*rows)[i], body);
  }
  body += "],\"next_page_token\":";
  if (rows->size() == static_cast<size_t>(filter.limit)) {
    AppendJsonString(PageToken(rows->back().wall_ms, rows->back().feedback_id), body);
  } else {
    body += "null";
  }
  body += '}';
  return JsonResponse(200, std::move(body));
}

HttpResponse SyncApi::ReportFeedback(const HttpRequest& request) const {
  const std::string format = request.QueryParam("format").value_or("json");
  const std::string by = request.QueryParam("by").value_or("store");
  if ((format != "json" && format != "csv") || (by != "store" && by != "month")) {
    return ErrorResponse(400, "invalid_query", "give ?format=json or csv, ?by=store or month");
  }
  int64_t from_ms = 0, to_ms = 0;
  if (Status window = ParseWindow(service_, request, from_ms, to_ms); !window.ok()) {
    return ErrorResponse(400, "invalid_query", window.message());
  }
  Result<std::vector<FeedbackCount>> rows = service_.FeedbackSummary(
      from_ms, to_ms, request.QueryParam("store").value_or(""), by == "month");
  if (!rows.ok()) return ErrorResponse(rows.status());
  if (format == "csv") return CsvResponse(RowsToCsv(*rows));
  std::string body = "{\"rows\":[";
  for (size_t i = 0; i < rows->size(); ++i) {
    if (i > 0) body += ',';
    record::AppendRecord((*rows)[i], body);
  }
  body += "]}";
  return JsonResponse(200, std::move(body));
}

}  // namespace patron::sync

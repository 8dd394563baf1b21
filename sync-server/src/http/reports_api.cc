// SyncApi's report endpoints over head office's analytics
// (analytics_reports.h), behind the admin token:
//
//   GET /v1/reports/days        each store's day     (StoreDay)
//   GET /v1/reports/categories  each category's day  (CategoryDay)
//   GET /v1/reports/campaigns   each campaign's day  (CampaignDay), ?campaign_id=
//   GET /v1/reports/tiers       each tier's day      (TierDay)
//   GET /v1/reports/members     members page by page (MemberSummary), or
//                               ?member_id= one member's purchases and metrics
//   GET /v1/reports/segments    the latest metrics run (SegmentRun), ?version=
//   POST /v1/admin/segments/run
//   POST /v1/admin/analytics/rebuild
//
// The daily reports take ?store=&from=&to= (days YYYY-MM-DD, inclusive),
// ?limit= (1..10000, 1000) and ?page_token= (from the page before), and
// answer {"rows": [...], "totals": {...}, "count": <rows in the range>,
// "next_page_token": "..." or null}; totals sum every row of the range,
// not only the page's. ?format=csv answers every row of the range as CSV.
#include <algorithm>
#include <string>
#include <variant>
#include <vector>

#include "http/report_rows.h"
#include "http/sync_api.h"
#include "patron/record/record_json.h"
#include "patron/sync_server/analytics_reports.h"

namespace patron::sync {
namespace {

constexpr int64_t kMaxPage = 10'000;
constexpr int64_t kDefaultPage = 1'000;

struct ReportQuery {
  DayRange range;
  int64_t limit = kDefaultPage;
  int64_t offset = 0;
  bool csv = false;
};

// 400 "invalid_query" for a malformed parameter.
std::variant<ReportQuery, HttpResponse> ParseReportQuery(const HttpRequest& request) {
  ReportQuery query;
  query.range.store_id = request.QueryParam("store").value_or("");
  query.range.from_day = request.QueryParam("from").value_or("");
  query.range.to_day = request.QueryParam("to").value_or("");
  const std::optional<int64_t> limit =
      ParseCount(request.QueryParam("limit").value_or(std::to_string(kDefaultPage)));
  const std::optional<int64_t> offset = ParseCount(request.QueryParam("page_token").value_or("0"));
  const std::string format = request.QueryParam("format").value_or("json");
  if (!limit || *limit < 1 || *limit > kMaxPage || !offset ||
      (format != "json" && format != "csv")) {
    return ErrorResponse(400, "invalid_query",
                         "give ?limit=<1.." + std::to_string(kMaxPage) +
                             ">, ?page_token= as a page answered it, ?format=json or csv");
  }
  query.limit = *limit;
  query.offset = *offset;
  query.csv = format == "csv";
  return query;
}

HttpResponse CsvResponse(std::string body) {
  HttpResponse response = JsonResponse(200, std::move(body));
  response.content_type = "text/csv; charset=utf-8";
  return response;
}

template <typename Row>
HttpResponse RowsResponse(const Result<std::vector<Row>>& rows, const ReportQuery& query) {
  if (!rows.ok()) return ErrorResponse(rows.status());
  if (query.csv) return CsvResponse(RowsToCsv(*rows));
  const int64_t count = static_cast<int64_t>(rows->size());
  const int64_t begin = std::min(query.offset, count);
  const int64_t end = std::min(begin + query.limit, count);
  std::string body = "{\"rows\":[";
  for (int64_t i = begin; i < end; ++i) {
    if (i > begin) body += ',';
    record::AppendRecord((*rows)[i], body);
  }
  body += "],\"totals\":" + TotalsJson(*rows) + ",\"count\":" + std::to_string(count) +
          ",\"next_page_token\":" + (end < count ? "\"" + std::to_string(end) + "\"" : "null") +
          "}";
  return JsonResponse(200, std::move(body));
}

template <typename Row>
void AppendArray(const std::vector<Row>& rows, std::string& out) {
  out += '[';
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i > 0) out += ',';
    record::AppendRecord(rows[i], out);
  }
  out += ']';
}

}  // namespace

HttpResponse SyncApi::ReportDays(const HttpRequest& request) const {
  if (std::optional<HttpResponse> refused = RefuseNonAdmin(request)) return *refused;
  auto query = ParseReportQuery(request);
  if (auto* refusal = std::get_if<HttpResponse>(&query)) return std::move(*refusal);
  const ReportQuery& q = std::get<ReportQuery>(query);
  return RowsResponse(service_.analytics().StoreDays(q.range), q);
}

HttpResponse SyncApi::ReportCategories(const HttpRequest& request) const {
  if (std::optional<HttpResponse> refused = RefuseNonAdmin(request)) return *refused;
  auto query = ParseReportQuery(request);
  if (auto* refusal = std::get_if<HttpResponse>(&query)) return std::move(*refusal);
  const ReportQuery& q = std::get<ReportQuery>(query);
  return RowsResponse(service_.analytics().CategoryDays(q.range), q);
}

HttpResponse SyncApi::ReportCampaigns(const HttpRequest& request) const {
  if (std::optional<HttpResponse> refused = RefuseNonAdmin(request)) return *refused;
  auto query = ParseReportQuery(request);
  if (auto* refusal = std::get_if<HttpResponse>(&query)) return std::move(*refusal);
  const ReportQuery& q = std::get<ReportQuery>(query);
  return RowsResponse(
      service_.analytics().CampaignDays(request.QueryParam("campaign_id").value_or(""), q.range),
      q);
}

HttpResponse SyncApi::ReportTiers(const HttpRequest& request) const {
  if (std::optional<HttpResponse> refused = RefuseNonAdmin(request)) return *refused;
  auto query = ParseReportQuery(request);
  if (auto* refusal = std::get_if<HttpResponse>(&query)) return std::move(*refusal);
  const ReportQuery& q = std::get<ReportQuery>(query);
  return RowsResponse(service_.analytics().TierDays(q.range), q);
}

// ?member_id=: {"summary": {...}, "days": [...], "categories": [...]}.
// Otherwise ?after=<member id>&limit=: {"members": [...], "next_after":
// <the last id> or null}; ?format=csv the page as CSV.
HttpResponse SyncApi::ReportMembers(const HttpRequest& request) const {
  if (std::optional<HttpResponse> refused = RefuseNonAdmin(request)) return *refused;
  if (std::optional<std::string> member_id = request.QueryParam("member_id")) {
    Result<MemberPurchases> member = service_.analytics().Member(*member_id);
    if (!member.ok()) return ErrorResponse(member.status());
    std::string body = "{\"summary\":";
    record::AppendRecord(member->summary, body);
    body += ",\"days\":";
    AppendArray(member->days, body);
    body += ",\"categories\":";
    AppendArray(member->categories, body);
    body += ",\"metrics\":";
    if (member->metrics) {
      record::AppendRecord(*member->metrics, body);
    } else {
      body += "null";
    }
    body += '}';
    return JsonResponse(200, std::move(body));
  }
  auto query = ParseReportQuery(request);
  if (auto* refusal = std::get_if<HttpResponse>(&query)) return std::move(*refusal);
  const ReportQuery& q = std::get<ReportQuery>(query);
  Result<std::vector<MemberSummary>> members = service_.analytics().Members(
      request.QueryParam("after").value_or(""), static_cast<int>(q.limit));
  if (!members.ok()) return ErrorResponse(members.status());
  if (q.csv) return CsvResponse(RowsToCsv(*members));
  std::string body = "{\"members\":";
  AppendArray(*members, body);
  body += ",\"next_after\":";
  if (static_cast<int64_t>(members->size()) < q.limit) {
    body += "null";
  } else {
    AppendJsonString(members->back().member_id, body);
  }
  body += '}';
  return JsonResponse(200, std::move(body));
}

// The latest run of member metrics and segments, or ?version=: the run as
// stored (sizes, movement, RFM counts). 404 "no_segment_run" before the
// first.
HttpResponse SyncApi::ReportSegments(const HttpRequest& request) const {
  if (std::optional<HttpResponse> refused = RefuseNonAdmin(request)) return *refused;
  const std::optional<int64_t> version = ParseCount(request.QueryParam("version").value_or("0"));
  if (!version) return ErrorResponse(400, "invalid_query", "give ?version=<a run's version>");
  Result<std::optional<SegmentRun>> run = service_.analytics().SegmentRunOf(*version);
  if (!run.ok()) return ErrorResponse(run.status());
  if (!*run) return ErrorResponse(404, "no_segment_run", "no such run of member metrics");
  return JsonResponse(200, record::EncodeRecord(**run));
}

// Runs member metrics and segments now (SyncService::RunSegments) and
// answers the run.
HttpResponse SyncApi::RunSegments(const HttpRequest& request) const {
  if (std::optional<HttpResponse> refused = RefuseNonAdmin(request)) return *refused;
  Result<SegmentRun> run = service_.RunSegments();
  if (!run.ok()) return ErrorResponse(run.status());
  return JsonResponse(200, record::EncodeRecord(*run));
}

// Makes the analytics again from the ledger (for repair): {"rebuilt": true}.
HttpResponse SyncApi::RebuildAnalytics(const HttpRequest& request) const {
  if (std::optional<HttpResponse> refused = RefuseNonAdmin(request)) return *refused;
  const Status rebuilt = service_.analytics().Rebuild();
  if (!rebuilt.ok()) return ErrorResponse(rebuilt);
  return JsonResponse(200, "{\"rebuilt\":true}");
}

}  // namespace patron::sync

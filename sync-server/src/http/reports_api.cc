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
//   GET /v1/reports/effects     each campaign's effect (CampaignEffect),
//                               ?campaign_id=, ?margin_bp= (10000)
//   GET /v1/reports/cohorts     monthly cohort retention (CohortRow)
//   GET /v1/reports/liability   points held and expiring by month (ExpiringMonth)
//   POST /v1/admin/insights/run
//   POST /v1/admin/analytics/rebuild
//
// The daily reports take ?store=&from=&to= (days YYYY-MM-DD, inclusive),
// ?limit= (1..10000, 1000) and ?page_token= (from the page before), and
// answer {"rows": [...], "totals": {...}, "count": <rows in the range>,
// "next_page_token": "..." or null}; totals sum every row of the range,
// not only the page's. ?format=csv answers every row of the range as CSV.
// The insights reports read the latest insights run, or ?run=, and answer
// {"run": n, "as_of_day": "...", ..., "rows": [...]}, or the rows as CSV.
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

template <typename Row>
void AppendOptional(const std::optional<Row>& row, std::string& out) {
  if (row) {
    record::AppendRecord(*row, out);
  } else {
    out += "null";
  }
}

// The insights run a report reads, ?run= (0 or none: the latest), and
// whether ?format= asks for CSV: 400 "invalid_query" for a bad parameter,
// 404 "no_insight_run" before the first run.
struct InsightsQuery {
  InsightRun run;
  bool csv = false;
};

std::variant<InsightsQuery, HttpResponse> ParseInsightsQuery(AnalyticsReports& analytics,
                                                             const HttpRequest& request) {
  const std::string format = request.QueryParam("format").value_or("json");
  if (format != "json" && format != "csv") {
    return ErrorResponse(400, "invalid_query", "give ?format=json or csv");
  }
  const std::optional<int64_t> number = ParseCount(request.QueryParam("run").value_or("0"));
  if (!number) return ErrorResponse(400, "invalid_query", "give ?run=<an insights run's number>");
  Result<std::optional<InsightRun>> run = analytics.InsightRunOf(*number);
  if (!run.ok()) return ErrorResponse(run.status());
  if (!*run) return ErrorResponse(404, "no_insight_run", "no such insights run");
  return InsightsQuery{std::move(**run), format == "csv"};
}

// {"run":n,"as_of_day":"..." — the head every insights report opens with.
std::string RunHead(const InsightRun& run) {
  std::string head = "{\"run\":" + std::to_string(run.run) + ",\"as_of_day\":";
  AppendJsonString(run.as_of_day, head);
  return head;
}

// The cohort triangle as CSV: cohort, size, then month_0 .. month_<last>.
std::string CohortsCsv(const std::vector<CohortRow>& rows) {
  size_t months = 0;
  for (const CohortRow& row : rows) months = std::max(months, row.active.size());
  std::string out =
      "\xEF\xBB\xBF"
      "cohort,size";
  for (size_t k = 0; k < months; ++k) out += ",month_" + std::to_string(k);
  out += "\r\n";
  for (const CohortRow& row : rows) {
    out += row.cohort + "," + std::to_string(row.size);
    for (size_t k = 0; k < months; ++k) {
      out += ',';
      if (k < row.active.size()) out += std::to_string(row.active[k]);
    }
    out += "\r\n";
  }
  return out;
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

// ?member_id=: the member's persona (analytics_reports.h MemberPersona):
// {"member": {...} or null, "tier_progress": {...} or null, "summary":
// {...} or null, "days": [...], "categories": [...], "metrics": {...} or
// null, "vouchers": [...], "campaigns": [...], "feedback": [...]}. Otherwise ?after=<member
// id>&limit=: {"members":
// [...], "next_after": <the last id> or null}; ?format=csv the page as CSV.
HttpResponse SyncApi::ReportMembers(const HttpRequest& request) const {
  if (std::optional<HttpResponse> refused = RefuseNonAdmin(request)) return *refused;
  if (std::optional<std::string> member_id = request.QueryParam("member_id")) {
    Result<MemberPersona> persona = service_.analytics().Persona(*member_id);
    if (!persona.ok()) return ErrorResponse(persona.status());
    const std::optional<MemberPurchases>& bought = persona->purchases;
    std::string body = "{\"member\":";
    AppendOptional(persona->member, body);
    body += ",\"tier_progress\":";
    AppendOptional(persona->tier_progress, body);
    body += ",\"summary\":";
    AppendOptional(bought ? std::optional(bought->summary) : std::nullopt, body);
    body += ",\"days\":";
    AppendArray(bought ? bought->days : std::vector<MemberDay>{}, body);
    body += ",\"categories\":";
    AppendArray(bought ? bought->categories : std::vector<MemberCategory>{}, body);
    body += ",\"metrics\":";
    AppendOptional(bought ? bought->metrics : std::nullopt, body);
    body += ",\"vouchers\":";
    AppendArray(persona->vouchers, body);
    body += ",\"campaigns\":";
    AppendArray(persona->campaigns, body);
    body += ",\"feedback\":";
    AppendArray(persona->feedback, body);
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

// Each campaign's effect in the run, or ?campaign_id='s, with its ROI at
// ?margin_bp= (0..10000; 10000: on revenue).
HttpResponse SyncApi::ReportEffects(const HttpRequest& request) const {
  if (std::optional<HttpResponse> refused = RefuseNonAdmin(request)) return *refused;
  const std::optional<int64_t> margin =
      ParseCount(request.QueryParam("margin_bp").value_or("10000"));
  if (!margin || *margin > 10'000) {
    return ErrorResponse(400, "invalid_query", "give ?margin_bp=<0..10000>, the gross margin");
  }
  auto query = ParseInsightsQuery(service_.analytics(), request);
  if (auto* refusal = std::get_if<HttpResponse>(&query)) return std::move(*refusal);
  const InsightRun& found = std::get<InsightsQuery>(query).run;
  const bool csv = std::get<InsightsQuery>(query).csv;
  const std::optional<std::string> only = request.QueryParam("campaign_id");
  std::vector<CampaignEffect> rows;
  for (const CampaignEffect& effect : found.effects) {
    if (only && effect.campaign_id != *only) continue;
    ApplyMargin(rows.emplace_back(effect), *margin);
  }
  if (csv) return CsvResponse(RowsToCsv(rows));
  std::string body = RunHead(found) +
                     ",\"redemption_rate_bp\":" + std::to_string(found.redemption_rate_bp) +
                     ",\"rows\":";
  AppendArray(rows, body);
  body += '}';
  return JsonResponse(200, std::move(body));
}

HttpResponse SyncApi::ReportCohorts(const HttpRequest& request) const {
  if (std::optional<HttpResponse> refused = RefuseNonAdmin(request)) return *refused;
  auto query = ParseInsightsQuery(service_.analytics(), request);
  if (auto* refusal = std::get_if<HttpResponse>(&query)) return std::move(*refusal);
  const InsightRun& found = std::get<InsightsQuery>(query).run;
  const bool csv = std::get<InsightsQuery>(query).csv;
  if (csv) return CsvResponse(CohortsCsv(found.cohorts));
  std::string body = RunHead(found) + ",\"rows\":";
  AppendArray(found.cohorts, body);
  body += '}';
  return JsonResponse(200, std::move(body));
}

HttpResponse SyncApi::ReportLiability(const HttpRequest& request) const {
  if (std::optional<HttpResponse> refused = RefuseNonAdmin(request)) return *refused;
  auto query = ParseInsightsQuery(service_.analytics(), request);
  if (auto* refusal = std::get_if<HttpResponse>(&query)) return std::move(*refusal);
  const InsightRun& found = std::get<InsightsQuery>(query).run;
  const bool csv = std::get<InsightsQuery>(query).csv;
  if (csv) return CsvResponse(RowsToCsv(found.expiring));
  std::string body =
      RunHead(found) + ",\"outstanding_points\":" + std::to_string(found.outstanding_points) +
      ",\"outstanding_value_minor\":" + std::to_string(found.outstanding_value_minor) +
      ",\"members_with_points\":" + std::to_string(found.members_with_points) +
      ",\"redemption_rate_bp\":" + std::to_string(found.redemption_rate_bp) + ",\"rows\":";
  AppendArray(found.expiring, body);
  body += '}';
  return JsonResponse(200, std::move(body));
}

// Runs the insights now (SyncService::RunInsights) and answers the run.
HttpResponse SyncApi::RunInsights(const HttpRequest& request) const {
  if (std::optional<HttpResponse> refused = RefuseNonAdmin(request)) return *refused;
  Result<InsightRun> run = service_.RunInsights();
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

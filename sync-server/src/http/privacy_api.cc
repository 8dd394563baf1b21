// SyncApi's endpoints for members' rights over their data (DESIGN.md §11):
//
//   GET /v1/admin/members/{id}/export   (admin) everything head office holds
//       about the member as one JSON document (SyncService::ExportMember):
//       {"member_id", "exported_ms", "member": {...} or null, "entries": [...],
//        "sales": [...], "refunds": [...], "vouchers": [...], "exchanges": [...],
//        "campaigns": [...], "metrics": {...} or null, "feedback": [...],
//        "cases": [...], "messages": []}
//
// An export reads personal data, so it is written to the audit log like a
// change (Audited). It is served as an attachment, never cached.
#include <string>
#include <vector>

#include "http/case_json.h"
#include "http/sync_api.h"
#include "patron/json_writer.h"
#include "patron/record/record_json.h"
#include "patron/uuid.h"

namespace patron::sync {
namespace {

template <typename Row>
void AppendArray(std::string_view name, const std::vector<Row>& rows, std::string& out) {
  out += ",\"";
  out += name;
  out += "\":[";
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i > 0) out += ',';
    record::AppendRecord(rows[i], out);
  }
  out += ']';
}

template <typename Row>
void AppendOptional(std::string_view name, const std::optional<Row>& row, std::string& out) {
  out += ",\"";
  out += name;
  out += "\":";
  if (row) {
    record::AppendRecord(*row, out);
  } else {
    out += "null";
  }
}

}  // namespace

HttpResponse SyncApi::ExportMember(const HttpRequest&, const Principal&,
                                   const PathParams& params) const {
  Result<MemberExport> data = service_.ExportMember(params.at(0));
  if (!data.ok()) return ErrorResponse(data.status());
  const std::string member_id = Uuid::Parse(params.at(0))->ToString();
  std::string body = "{\"member_id\":";
  AppendJsonString(member_id, body);
  body += ",\"exported_ms\":" + std::to_string(data->exported_ms);
  AppendOptional("member", data->member, body);
  AppendArray("entries", data->entries, body);
  AppendArray("sales", data->sales, body);
  AppendArray("refunds", data->refunds, body);
  AppendArray("vouchers", data->vouchers, body);
  AppendArray("exchanges", data->exchanges, body);
  AppendArray("campaigns", data->campaigns, body);
  AppendOptional("metrics", data->metrics, body);
  AppendArray("feedback", data->feedback, body);
  body += ",\"cases\":[";
  for (size_t i = 0; i < data->cases.size(); ++i) {
    if (i > 0) body += ',';
    AppendCaseView(data->cases[i], body);
  }
  // Head office sends members no messages yet; when it does, they go here.
  body += "],\"messages\":[]}";
  HttpResponse response = JsonResponse(200, std::move(body));
  response.headers.emplace_back("Cache-Control", "no-store");
  response.headers.emplace_back("Content-Disposition",
                                "attachment; filename=\"member-" + member_id + ".json\"");
  return response;
}

}  // namespace patron::sync

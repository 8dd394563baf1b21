// A complaint case as JSON (SyncService's CaseView): {"case": CaseRecord,
// "sla": CaseSla, "complaint": FeedbackRecord, "notes": [CaseNote...]},
// for the cases endpoints and the member export.
#ifndef PATRON_SYNC_SERVER_SRC_HTTP_CASE_JSON_H_
#define PATRON_SYNC_SERVER_SRC_HTTP_CASE_JSON_H_

#include <string>

#include "patron/record/record_json.h"
#include "patron/sync_server/sync_service.h"

namespace patron::sync {

inline void AppendCaseView(const CaseView& view, std::string& out) {
  out += "{\"case\":";
  record::AppendRecord(view.record, out);
  out += ",\"sla\":";
  record::AppendRecord(view.sla, out);
  out += ",\"complaint\":";
  record::AppendRecord(view.complaint, out);
  out += ",\"notes\":[";
  for (size_t i = 0; i < view.notes.size(); ++i) {
    if (i > 0) out += ',';
    record::AppendRecord(view.notes[i], out);
  }
  out += "]}";
}

}  // namespace patron::sync

#endif  // PATRON_SYNC_SERVER_SRC_HTTP_CASE_JSON_H_

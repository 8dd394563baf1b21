// The up-channel's outbox (DESIGN.md §8): records for head office (sales,
// refunds, and the kinds the programme adds), each written in the same
// transaction as the change it records, pushed in the order written.
//
// A record's body is its wire form, encoded once when it is written, so
// every retry sends the very same bytes. Head office answers each record
// ok / exists / conflict / rejected; the outbox keeps one watermark, the
// highest outbox id answered: pushes go in order and every record is
// answered, so what lies below it is done. A conflict or a refusal is final
// (sending the record again cannot change the answer): it is kept in
// outbox_refused and shown in the terminal's status.
#ifndef PATRON_TERMINAL_SRC_STORE_OUTBOX_H_
#define PATRON_TERMINAL_SRC_STORE_OUTBOX_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "patron/record/record_json.h"
#include "patron/sql/database.h"
#include "patron/status.h"
#include "patron/sync/protocol.h"

namespace patron::terminal {

class Outbox {
 public:
  explicit Outbox(sql::Database& db) : db_(db) {}

  // Appends `record` under its kind and id. Inside the caller's transaction.
  template <record::HasSchema Record>
  Status Append(std::string_view kind, std::string_view record_id, const Record& record) {
    return AppendBody(kind, record_id, record::EncodeRecord(record));
  }

  // The body of the record of `kind` under `record_id`, answered or not;
  // nullopt if there is none.
  Result<std::optional<std::string>> Find(std::string_view kind, std::string_view record_id);

  struct Pending {
    int64_t outbox_id = 0;
    sync::RecordEnvelope envelope;
  };
  // The oldest records above the watermark, at most `limit`.
  Result<std::vector<Pending>> Unacknowledged(int limit);
  // Head office answered every record up to `outbox_id`.
  Status AcknowledgeThrough(int64_t outbox_id);
  // Records a final refusal (conflict, rejected) of one record.
  Status NoteRefused(int64_t outbox_id, sync::PushOutcome outcome, std::string_view message);
  Result<int64_t> CountPending();
  Result<int64_t> CountRefused();
  // Forgets every answer (head office lost its history): everything is
  // pushed again; head office answers what it holds "exists".
  Status ResetAcknowledgements();

 private:
  Status AppendBody(std::string_view kind, std::string_view record_id, std::string body);

  sql::Database& db_;
};

}  // namespace patron::terminal

#endif  // PATRON_TERMINAL_SRC_STORE_OUTBOX_H_

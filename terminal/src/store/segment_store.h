// Which segments of the pack (segment.h) each member is in, as the version
// in force of head office's "segments" set says (segment.h kSegmentsSet,
// MemberSegments; schema.cc version 15): the set's rows, read once when a
// version comes in force, so that a quote or checkout looks up one member.
// Replace runs in the transaction that brings the version in force, so a
// checkout sees one version or the next, never a mix.
#ifndef PATRON_TERMINAL_SRC_STORE_SEGMENT_STORE_H_
#define PATRON_TERMINAL_SRC_STORE_SEGMENT_STORE_H_

#include <string>
#include <string_view>
#include <vector>

#include "patron/record/record_json.h"
#include "patron/segment.h"
#include "patron/sql/database.h"
#include "patron/status.h"

namespace patron::terminal {

class SegmentStore {
 public:
  explicit SegmentStore(sql::Database& db) : db_(db) {}

  // Replaces every member's segments with those `rows` give (the set's rows,
  // DownStore::SetRows; each a MemberSegments). A row that does not
  // read as one is left out and noted in `notes`, as are fields this build
  // does not know: the member is in no segment here until a version this
  // build reads. A member with two rows is in the segments of both. Inside
  // the caller's transaction.
  Status Replace(const std::vector<record::RawJson>& rows, record::DecodeNotes& notes);
  // The member's segment ids, sorted; none for a member without a row, and
  // before any version came in force.
  Result<std::vector<std::string>> Of(std::string_view member_id);

 private:
  sql::Database& db_;
};

}  // namespace patron::terminal

#endif  // PATRON_TERMINAL_SRC_STORE_SEGMENT_STORE_H_

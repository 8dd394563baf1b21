#include "store/segment_store.h"

#include <map>
#include <set>
#include <utility>

#include "patron/record/record_sql.h"
#include "patron/sync/down_items.h"

namespace patron::terminal {

Status SegmentStore::Replace(const std::vector<record::RawJson>& rows, record::DecodeNotes& notes) {
  // Ordered, so that the table's content is a function of the set alone.
  std::map<std::string, std::set<std::string>> members;
  for (const record::RawJson& row : rows) {
    Result<MemberSegments> read = record::DecodeRecord<MemberSegments>(row.text, &notes);
    if (!read.ok()) {
      notes.Unknown("segments row: " + read.status().message());
      continue;
    }
    members[read->member_id].insert(read->segments.begin(), read->segments.end());
  }
  PATRON_RETURN_IF_ERROR(db_.Execute("DELETE FROM member_segments"));
  static const std::string sql = "INSERT INTO member_segments(" +
                                 record::ColumnList<MemberSegments>() + ") VALUES (" +
                                 record::Placeholders<MemberSegments>() + ")";
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(sql));
  for (const auto& [member_id, segments] : members) {
    if (segments.empty()) continue;  // in none: no row, as head office sends it
    const MemberSegments row{member_id, {segments.begin(), segments.end()}};
    record::BindRecord(s, 0, row);
    PATRON_RETURN_IF_ERROR(s.Run().WithContext("put member segments"));
    s.Reset(/*clear_bindings=*/false);
  }
  return Status::OK();
}

Result<std::vector<std::string>> SegmentStore::Of(std::string_view member_id) {
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement("SELECT segments FROM member_segments WHERE member_id = ?"));
  s.BindText(0, member_id);
  std::vector<std::string> segments;
  PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
  if (!has_row) return segments;
  PATRON_RETURN_IF_ERROR(
      record::SqlCodec<std::vector<std::string>>::Read(s, 0, "segments", segments));
  return segments;
}

}  // namespace patron::terminal

#include "store/down_store.h"

#include "patron/record/record_sql.h"

namespace patron::terminal {

Status DownStore::Put(const sync::DownItem& item, bool known) {
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement("INSERT OR REPLACE INTO down_items(kind, audience, address,"
                             " item_key, seq, body, known) VALUES (?, ?, ?, ?, ?, ?, ?)"));
  s.BindText(0, item.kind);
  s.BindText(1, item.audience);
  s.BindText(2, item.address);
  s.BindText(3, item.key);
  s.BindInt64(4, item.seq);
  s.BindText(5, item.body.text);
  s.BindBool(6, known);
  return s.Run();
}

Result<int64_t> DownStore::CountUnknown() {
  return db_.QueryInt64("SELECT count(*) FROM down_items WHERE known = 0");
}

Result<bool> DownStore::PutSetPart(const sync::SetPart& part) {
  {
    PATRON_ASSIGN_OR_RETURN(
        sql::Statement s,
        db_.GetCachedStatement("INSERT OR REPLACE INTO set_parts(name, version, part, parts, rows)"
                               " VALUES (?, ?, ?, ?, ?)"));
    s.BindText(0, part.name);
    s.BindInt64(1, part.version);
    s.BindInt64(2, part.part);
    s.BindInt64(3, part.parts);
    record::SqlCodec<std::vector<record::RawJson>>::Bind(s, 4, part.rows);
    PATRON_RETURN_IF_ERROR(s.Run());
  }
  PATRON_ASSIGN_OR_RETURN(std::optional<int64_t> in_force, SetVersion(part.name));
  if (in_force && *in_force >= part.version) return false;
  int64_t held = 0;
  {
    PATRON_ASSIGN_OR_RETURN(
        sql::Statement s,
        db_.GetCachedStatement("SELECT count(*) FROM set_parts WHERE name = ? AND version = ?"
                               " AND parts = ? AND part < parts"));
    s.BindText(0, part.name);
    s.BindInt64(1, part.version);
    s.BindInt64(2, part.parts);
    PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
    if (has_row) held = s.ColumnInt64(0);
  }
  if (held < part.parts) return false;
  {
    PATRON_ASSIGN_OR_RETURN(sql::Statement s,
                            db_.GetCachedStatement("INSERT OR REPLACE INTO sets(name, version)"
                                                   " VALUES (?, ?)"));
    s.BindText(0, part.name);
    s.BindInt64(1, part.version);
    PATRON_RETURN_IF_ERROR(s.Run());
  }
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement("DELETE FROM set_parts WHERE name = ? AND version < ?"));
  s.BindText(0, part.name);
  s.BindInt64(1, part.version);
  PATRON_RETURN_IF_ERROR(s.Run());
  return true;
}

Result<std::optional<int64_t>> DownStore::SetVersion(std::string_view name) {
  PATRON_ASSIGN_OR_RETURN(sql::Statement s,
                          db_.GetCachedStatement("SELECT version FROM sets WHERE name = ?"));
  s.BindText(0, name);
  PATRON_ASSIGN_OR_RETURN(bool found, s.Step());
  if (!found) return std::optional<int64_t>();
  return std::optional<int64_t>(s.ColumnInt64(0));
}

Result<std::vector<record::RawJson>> DownStore::SetRows(std::string_view name) {
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement("SELECT p.rows FROM set_parts p JOIN sets v ON v.name = p.name"
                             " AND v.version = p.version WHERE p.name = ? ORDER BY p.part"));
  s.BindText(0, name);
  std::vector<record::RawJson> rows;
  while (true) {
    PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
    if (!has_row) return rows;
    std::vector<record::RawJson> part;
    PATRON_RETURN_IF_ERROR(
        record::SqlCodec<std::vector<record::RawJson>>::Read(s, 0, "rows", part));
    for (record::RawJson& row : part) rows.push_back(std::move(row));
  }
}

Status DownStore::NoteUnknown(std::string_view what, int64_t first_seq, int64_t now_ms,
                              std::string_view build) {
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement("INSERT INTO upgrade_notes(what, first_seq, noted_ms, build)"
                             " VALUES (?, ?, ?, ?) ON CONFLICT(what) DO NOTHING"));
  s.BindText(0, what);
  s.BindInt64(1, first_seq);
  s.BindInt64(2, now_ms);
  s.BindText(3, build);
  return s.Run();
}

Result<std::vector<UpgradeNote>> DownStore::UpgradeNotes() {
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement(
          "SELECT what, first_seq, noted_ms, build FROM upgrade_notes ORDER BY first_seq, what"));
  std::vector<UpgradeNote> notes;
  while (true) {
    PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
    if (!has_row) return notes;
    notes.push_back({s.ColumnText(0), s.ColumnInt64(1), s.ColumnInt64(2), s.ColumnText(3)});
  }
}

Status DownStore::ClearUpgradeNotes() { return db_.Execute("DELETE FROM upgrade_notes"); }

}  // namespace patron::terminal

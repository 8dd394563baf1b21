#include "store/budget_store.h"

namespace patron::terminal {

Result<BudgetHere> BudgetStore::Of(std::string_view campaign_id) {
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement(
          "SELECT granted, used, short_of FROM campaign_budget WHERE campaign_id = ?"));
  s.BindText(0, campaign_id);
  PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
  if (!has_row) return BudgetHere{};
  return BudgetHere{s.ColumnInt64(0), s.ColumnInt64(1), s.ColumnInt64(2)};
}

Status BudgetStore::Raise(std::string_view campaign_id, int64_t granted, int64_t used) {
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement("INSERT INTO campaign_budget(campaign_id, granted, used) "
                             "VALUES (?1, ?2, ?3) ON CONFLICT(campaign_id) DO UPDATE SET "
                             "granted = max(granted, excluded.granted), "
                             "used = max(used, excluded.used), short_of = 0"));
  s.BindText(0, campaign_id);
  s.BindInt64(1, granted);
  s.BindInt64(2, used);
  return s.Run().WithContext("raise budget share");
}

Status BudgetStore::AddUsed(std::string_view campaign_id, int64_t points) {
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement("INSERT INTO campaign_budget(campaign_id, granted, used) "
                             "VALUES (?1, 0, ?2) ON CONFLICT(campaign_id) DO UPDATE SET "
                             "used = used + excluded.used"));
  s.BindText(0, campaign_id);
  s.BindInt64(1, points);
  return s.Run().WithContext("count budget use");
}

Status BudgetStore::AddShort(std::string_view campaign_id, int64_t points) {
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement("INSERT INTO campaign_budget(campaign_id, granted, used, short_of) "
                             "VALUES (?1, 0, 0, ?2) ON CONFLICT(campaign_id) DO UPDATE SET "
                             "short_of = max(short_of, excluded.short_of)"));
  s.BindText(0, campaign_id);
  s.BindInt64(1, points);
  return s.Run().WithContext("note budget short");
}

}  // namespace patron::terminal

// The analytics' side of SqliteStoreTxn (analytics_store.h): one table per
// rollup (server_schema.cc, version 15), columns from the rows' field
// tables, each Add* one upsert that adds the delta to its row.
#include <algorithm>
#include <string_view>

#include "patron/record/record_sql.h"
#include "store/sqlite_store_txn.h"

namespace patron::sync {
namespace {

using record::ColumnList;
using record::Placeholders;
using record::SumAssignments;

// "INSERT INTO <table>(...) VALUES (...) ON CONFLICT(<keys>) DO UPDATE SET
// <each figure> = <figure> + excluded.<figure>[, <extra>]".
template <typename Row>
std::string AddSql(std::string_view table, std::initializer_list<std::string_view> keys,
                   std::string_view extra = {}) {
  std::string key_list;
  for (std::string_view key : keys) {
    if (!key_list.empty()) key_list += ", ";
    key_list += key;
  }
  const std::vector<std::string_view> except(keys);
  std::string sql = "INSERT INTO " + std::string(table) + "(" + ColumnList<Row>() + ") VALUES (" +
                    Placeholders<Row>() + ") ON CONFLICT(" + key_list + ") DO UPDATE SET " +
                    SumAssignments<Row>(except);
  if (!extra.empty()) sql.append(", ").append(extra);
  return sql;
}

// "SELECT <columns> FROM <table> WHERE (?1 = '' OR store_id = ?1) AND
// (?2 = '' OR day >= ?2) AND (?3 = '' OR day <= ?3)" and `more`.
template <typename Row>
std::string RangeSql(std::string_view table, std::string_view more) {
  return "SELECT " + ColumnList<Row>() + " FROM " + std::string(table) +
         " WHERE (?1 = '' OR store_id = ?1) AND (?2 = '' OR day >= ?2) AND (?3 = '' OR day <= ?3)" +
         std::string(more);
}

template <typename Row>
Result<std::vector<Row>> ReadRows(sql::Statement& s) {
  std::vector<Row> rows;
  while (true) {
    PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
    if (!has_row) return rows;
    PATRON_RETURN_IF_ERROR(record::ReadColumns(s, 0, rows.emplace_back()));
  }
}

void BindRange(sql::Statement& s, const DayRange& range) {
  s.BindText(0, range.store_id);
  s.BindText(1, range.from_day);
  s.BindText(2, range.to_day);
}

}  // namespace

Result<int64_t> SqliteStoreTxn::AnalyticsSeq() {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s,
                          db_.GetCachedStatement("SELECT seq FROM analytics_state WHERE id = 1"));
  PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
  if (!has_row) return Status::Corruption("analytics_state has no row", "corrupt_store");
  return s.ColumnInt64(0);
}

Status SqliteStoreTxn::SetAnalyticsSeq(int64_t seq) {
  PATRON_RETURN_IF_ERROR(CheckWritable());
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s, db_.GetCachedStatement("UPDATE analytics_state SET seq = ? WHERE id = 1"));
  s.BindInt64(0, seq);
  return s.Run();
}

Result<int64_t> SqliteStoreTxn::AnalyticsOffset() {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement("SELECT utc_offset_minutes FROM analytics_state WHERE id = 1"));
  PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
  if (!has_row) return Status::Corruption("analytics_state has no row", "corrupt_store");
  return s.ColumnInt64(0);
}

Status SqliteStoreTxn::SetAnalyticsOffset(int64_t utc_offset_minutes) {
  PATRON_RETURN_IF_ERROR(CheckWritable());
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement("UPDATE analytics_state SET utc_offset_minutes = ? WHERE id = 1"));
  s.BindInt64(0, utc_offset_minutes);
  return s.Run();
}

Status SqliteStoreTxn::ClearAnalytics() {
  PATRON_RETURN_IF_ERROR(CheckWritable());
  for (std::string_view table :
       {"analytics_store_day", "analytics_category_day", "analytics_campaign_day",
        "analytics_tier_day", "analytics_member_day", "analytics_member",
        "analytics_member_category", "analytics_campaign_member"}) {
    PATRON_RETURN_IF_ERROR(db_.Execute("DELETE FROM " + std::string(table)));
  }
  return SetAnalyticsSeq(0);
}

Status SqliteStoreTxn::AddStoreDay(const StoreDay& delta) {
  PATRON_RETURN_IF_ERROR(CheckWritable());
  static const std::string sql = AddSql<StoreDay>("analytics_store_day", {"store_id", "day"});
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(sql));
  record::BindRecord(s, 0, delta);
  return s.Run().WithContext("add store day");
}

Status SqliteStoreTxn::AddCategoryDay(const CategoryDay& delta) {
  PATRON_RETURN_IF_ERROR(CheckWritable());
  static const std::string sql =
      AddSql<CategoryDay>("analytics_category_day", {"store_id", "day", "category"});
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(sql));
  record::BindRecord(s, 0, delta);
  return s.Run().WithContext("add category day");
}

Status SqliteStoreTxn::AddCampaignDay(const CampaignDay& delta) {
  PATRON_RETURN_IF_ERROR(CheckWritable());
  static const std::string sql =
      AddSql<CampaignDay>("analytics_campaign_day", {"campaign_id", "store_id", "day"});
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(sql));
  record::BindRecord(s, 0, delta);
  return s.Run().WithContext("add campaign day");
}

Status SqliteStoreTxn::AddTierDay(const TierDay& delta) {
  PATRON_RETURN_IF_ERROR(CheckWritable());
  static const std::string sql = AddSql<TierDay>("analytics_tier_day", {"tier", "day"});
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(sql));
  record::BindRecord(s, 0, delta);
  return s.Run().WithContext("add tier day");
}

Status SqliteStoreTxn::AddMemberCategory(const MemberCategory& delta) {
  PATRON_RETURN_IF_ERROR(CheckWritable());
  static const std::string sql =
      AddSql<MemberCategory>("analytics_member_category", {"member_id", "category"},
                             "last_day = max(last_day, excluded.last_day)");
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(sql));
  record::BindRecord(s, 0, delta);
  return s.Run().WithContext("add member category");
}

Status SqliteStoreTxn::AddCampaignMember(const CampaignMember& delta) {
  PATRON_RETURN_IF_ERROR(CheckWritable());
  static const std::string sql =
      AddSql<CampaignMember>("analytics_campaign_member", {"member_id", "campaign_id"});
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(sql));
  record::BindRecord(s, 0, delta);
  return s.Run().WithContext("add campaign member");
}

Result<MemberDayNews> SqliteStoreTxn::AddMemberDay(const MemberDay& delta) {
  PATRON_RETURN_IF_ERROR(CheckWritable());
  MemberDayNews news;
  {
    PATRON_ASSIGN_OR_RETURN(
        sql::Statement s,
        db_.GetCachedStatement("SELECT store_id = ?3 FROM analytics_member_day"
                               " WHERE member_id = ?1 AND day = ?2 ORDER BY 1 DESC LIMIT 1"));
    s.BindText(0, delta.member_id);
    s.BindText(1, delta.day);
    s.BindText(2, delta.store_id);
    PATRON_ASSIGN_OR_RETURN(const bool any_that_day, s.Step());
    news.new_day = !any_that_day;
    news.new_store_day = !any_that_day || !s.ColumnBool(0);
  }
  std::optional<MemberSummary> summary;
  PATRON_ASSIGN_OR_RETURN(summary, FindMemberSummary(delta.member_id));
  if (news.new_store_day && delta.sales == 0) {
    // A refund of a sale this store never filed a day for: only the sums.
    news = MemberDayNews{};
  } else {
    static const std::string sql =
        AddSql<MemberDay>("analytics_member_day", {"member_id", "day", "store_id"});
    PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(sql));
    record::BindRecord(s, 0, delta);
    PATRON_RETURN_IF_ERROR(s.Run().WithContext("add member day"));
  }
  if (!summary && delta.sales == 0) return news;  // nothing bought yet to refund

  MemberSummary sum =
      summary.value_or(MemberSummary{delta.member_id, delta.day, delta.store_id, delta.day});
  news.new_member = !summary;
  if (news.new_store_day) {
    const auto first = std::make_pair(delta.day, delta.store_id);
    const auto was = std::make_pair(sum.first_day, sum.first_store);
    if (!summary || first < was) {
      if (summary) news.first_was = was;
      news.first_now = first;
      sum.first_day = first.first;
      sum.first_store = first.second;
    }
    sum.last_day = std::max(sum.last_day, delta.day);
  }
  if (news.new_day) ++sum.purchase_days;
  sum.sales += delta.sales;
  sum.paid_minor += delta.paid_minor;
  sum.refunded_minor += delta.refunded_minor;
  PATRON_ASSIGN_OR_RETURN(sql::Statement s,
                          db_.GetCachedStatement("INSERT OR REPLACE INTO analytics_member(" +
                                                 ColumnList<MemberSummary>() + ") VALUES (" +
                                                 Placeholders<MemberSummary>() + ")"));
  record::BindRecord(s, 0, sum);
  PATRON_RETURN_IF_ERROR(s.Run().WithContext("put member summary"));
  return news;
}

Result<std::vector<StoreDay>> SqliteStoreTxn::EnrolmentsByDay(int64_t utc_offset_minutes) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  // Floor division, as ToLocalDate does, so a day never depends on which
  // side of 1970 it falls.
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement(
          "SELECT enrolled_store, date((enrolled_ms + ?1 * 60000 - ((enrolled_ms + ?1 * 60000)"
          " % 86400000 + 86400000) % 86400000) / 1000, 'unixepoch') AS day, count(*)"
          " FROM members WHERE enrolled_store <> '' GROUP BY 1, 2 ORDER BY 1, 2"));
  s.BindInt64(0, utc_offset_minutes);
  std::vector<StoreDay> days;
  while (true) {
    PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
    if (!has_row) return days;
    StoreDay& day = days.emplace_back();
    day.store_id = s.ColumnText(0);
    day.day = s.ColumnText(1);
    day.new_members = s.ColumnInt64(2);
  }
}

Result<std::vector<StoreDay>> SqliteStoreTxn::StoreDays(const DayRange& range) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  static const std::string sql =
      RangeSql<StoreDay>("analytics_store_day", " ORDER BY store_id, day");
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(sql));
  BindRange(s, range);
  return ReadRows<StoreDay>(s);
}

Result<std::vector<CategoryDay>> SqliteStoreTxn::CategoryDays(const DayRange& range) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  static const std::string sql =
      RangeSql<CategoryDay>("analytics_category_day", " ORDER BY store_id, day, category");
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(sql));
  BindRange(s, range);
  return ReadRows<CategoryDay>(s);
}

Result<std::vector<CampaignDay>> SqliteStoreTxn::CampaignDays(const std::string& campaign_id,
                                                              const DayRange& range) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  static const std::string sql = RangeSql<CampaignDay>(
      "analytics_campaign_day",
      " AND (?4 = '' OR campaign_id = ?4) ORDER BY campaign_id, store_id, day");
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(sql));
  BindRange(s, range);
  s.BindText(3, campaign_id);
  return ReadRows<CampaignDay>(s);
}

Result<std::vector<TierDay>> SqliteStoreTxn::TierDays(const DayRange& range) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  // Tiers are chain-wide: the range's store is not a filter here.
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement("SELECT " + ColumnList<TierDay>() +
                             " FROM analytics_tier_day WHERE (?1 = '' OR day >= ?1)"
                             " AND (?2 = '' OR day <= ?2) ORDER BY tier, day"));
  s.BindText(0, range.from_day);
  s.BindText(1, range.to_day);
  return ReadRows<TierDay>(s);
}

Result<std::optional<MemberSummary>> SqliteStoreTxn::FindMemberSummary(
    const std::string& member_id) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s,
                          db_.GetCachedStatement("SELECT " + ColumnList<MemberSummary>() +
                                                 " FROM analytics_member WHERE member_id = ?"));
  s.BindText(0, member_id);
  PATRON_ASSIGN_OR_RETURN(std::vector<MemberSummary> rows, ReadRows<MemberSummary>(s));
  if (rows.empty()) return std::optional<MemberSummary>();
  return std::optional<MemberSummary>(std::move(rows.front()));
}

Result<std::vector<MemberDay>> SqliteStoreTxn::MemberDays(const std::string& member_id) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s,
                          db_.GetCachedStatement("SELECT " + ColumnList<MemberDay>() +
                                                 " FROM analytics_member_day WHERE member_id = ?"
                                                 " ORDER BY day, store_id"));
  s.BindText(0, member_id);
  return ReadRows<MemberDay>(s);
}

Result<std::vector<MemberCategory>> SqliteStoreTxn::MemberCategories(const std::string& member_id) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s, db_.GetCachedStatement("SELECT " + ColumnList<MemberCategory>() +
                                               " FROM analytics_member_category WHERE member_id = ?"
                                               " ORDER BY category"));
  s.BindText(0, member_id);
  return ReadRows<MemberCategory>(s);
}

Result<std::vector<MemberSummary>> SqliteStoreTxn::MemberSummaries(const std::string& after,
                                                                   int limit) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s,
                          db_.GetCachedStatement("SELECT " + ColumnList<MemberSummary>() +
                                                 " FROM analytics_member WHERE member_id > ?"
                                                 " ORDER BY member_id LIMIT ?"));
  s.BindText(0, after);
  s.BindInt64(1, limit);
  return ReadRows<MemberSummary>(s);
}

template <typename Row>
Result<std::vector<Row>> SqliteStoreTxn::RowsBetween(std::string_view table, std::string_view order,
                                                     const std::string& after,
                                                     const std::string& through) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement("SELECT " + ColumnList<Row>() + " FROM " + std::string(table) +
                             " WHERE member_id > ? AND member_id <= ? ORDER BY " +
                             std::string(order)));
  s.BindText(0, after);
  s.BindText(1, through);
  return ReadRows<Row>(s);
}

Result<std::vector<MemberDay>> SqliteStoreTxn::MemberDaysBetween(const std::string& after,
                                                                 const std::string& through) {
  return RowsBetween<MemberDay>("analytics_member_day", "member_id, day, store_id", after, through);
}

Result<std::vector<MemberCategory>> SqliteStoreTxn::MemberCategoriesBetween(
    const std::string& after, const std::string& through) {
  return RowsBetween<MemberCategory>("analytics_member_category", "member_id, category", after,
                                     through);
}

Result<std::vector<MemberMetrics>> SqliteStoreTxn::MemberMetricsBetween(
    const std::string& after, const std::string& through) {
  return RowsBetween<MemberMetrics>("member_metrics", "member_id", after, through);
}

Result<std::vector<CampaignMember>> SqliteStoreTxn::CampaignMembersBetween(
    const std::string& after, const std::string& through) {
  return RowsBetween<CampaignMember>("analytics_campaign_member", "member_id, campaign_id", after,
                                     through);
}

Result<std::vector<CampaignMember>> SqliteStoreTxn::CampaignMembersOf(
    const std::string& member_id) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s,
                          db_.GetCachedStatement("SELECT " + ColumnList<CampaignMember>() +
                                                 " FROM analytics_campaign_member"
                                                 " WHERE member_id = ? ORDER BY campaign_id"));
  s.BindText(0, member_id);
  return ReadRows<CampaignMember>(s);
}

Result<std::optional<MemberMetrics>> SqliteStoreTxn::FindMemberMetrics(
    const std::string& member_id) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s,
                          db_.GetCachedStatement("SELECT " + ColumnList<MemberMetrics>() +
                                                 " FROM member_metrics WHERE member_id = ?"));
  s.BindText(0, member_id);
  PATRON_ASSIGN_OR_RETURN(std::vector<MemberMetrics> rows, ReadRows<MemberMetrics>(s));
  if (rows.empty()) return std::optional<MemberMetrics>();
  return std::optional<MemberMetrics>(std::move(rows.front()));
}

Status SqliteStoreTxn::PutMemberMetrics(const MemberMetrics& metrics) {
  PATRON_RETURN_IF_ERROR(CheckWritable());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s,
                          db_.GetCachedStatement("INSERT OR REPLACE INTO member_metrics(" +
                                                 ColumnList<MemberMetrics>() + ") VALUES (" +
                                                 Placeholders<MemberMetrics>() + ")"));
  record::BindRecord(s, 0, metrics);
  return s.Run().WithContext("put member metrics");
}

Status SqliteStoreTxn::PutSegmentRun(const SegmentRun& run) {
  PATRON_RETURN_IF_ERROR(CheckWritable());
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement("INSERT INTO segment_runs(" + ColumnList<SegmentRun>() + ") VALUES (" +
                             Placeholders<SegmentRun>() + ")"));
  record::BindRecord(s, 0, run);
  return s.Run().WithContext("put segment run");
}

Result<std::optional<SegmentRun>> SqliteStoreTxn::FindSegmentRun(int64_t version) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s,
                          db_.GetCachedStatement("SELECT " + ColumnList<SegmentRun>() +
                                                 " FROM segment_runs WHERE ?1 = 0 OR version = ?1"
                                                 " ORDER BY version DESC LIMIT 1"));
  s.BindInt64(0, version);
  PATRON_ASSIGN_OR_RETURN(std::vector<SegmentRun> rows, ReadRows<SegmentRun>(s));
  if (rows.empty()) return std::optional<SegmentRun>();
  return std::optional<SegmentRun>(std::move(rows.front()));
}

Status SqliteStoreTxn::PutInsightRun(const InsightRun& run) {
  PATRON_RETURN_IF_ERROR(CheckWritable());
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement("INSERT INTO insight_runs(" + ColumnList<InsightRun>() + ") VALUES (" +
                             Placeholders<InsightRun>() + ")"));
  record::BindRecord(s, 0, run);
  return s.Run().WithContext("put insight run");
}

Result<std::optional<InsightRun>> SqliteStoreTxn::FindInsightRun(int64_t run) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s,
                          db_.GetCachedStatement("SELECT " + ColumnList<InsightRun>() +
                                                 " FROM insight_runs WHERE ?1 = 0 OR run = ?1"
                                                 " ORDER BY run DESC LIMIT 1"));
  s.BindInt64(0, run);
  PATRON_ASSIGN_OR_RETURN(std::vector<InsightRun> rows, ReadRows<InsightRun>(s));
  if (rows.empty()) return std::optional<InsightRun>();
  return std::optional<InsightRun>(std::move(rows.front()));
}

}  // namespace patron::sync

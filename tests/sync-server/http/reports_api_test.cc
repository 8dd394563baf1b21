// SyncApi's report endpoints (reports_api.cc): the daily rollups paged and
// totalled, filtered by store and range, as CSV; members; the rebuild.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "api_fixture.h"
#include "patron/record/record_json.h"
#include "patron/records/sale.h"
#include "patron/sync/codec.h"
#include "support/sale_lines.h"

namespace patron::sync {
namespace {

constexpr int64_t kDayMs = 24 * 60 * 60 * 1000;

// Two sales of Ann's: at S001 today (tea, and a category with a comma),
// at S002 tomorrow.
void Sell(ApiFixture& f) {
  int day = 0;
  for (const auto& [terminal, store] : std::vector<std::pair<std::string, std::string>>{
           {"S001-T01", "S001"}, {"S002-T01", "S002"}}) {
    const std::string token = f.Register(terminal, store);
    const Caller caller = f.service().Authenticate(token).value();
    SaleRecord sale;
    sale.sale_ref = "R-1";
    sale.sale_id = MakeSaleId(terminal, sale.sale_ref);
    sale.terminal_id = terminal;
    sale.store_id = store;
    sale.member_id = f.ann;
    sale.amount_minor = sale.paid_minor = sale.eligible_paid_minor = 2'000;
    sale.currency = "CNY";
    sale.rule_version = 1;
    sale.wall_ms = f.now_ms + day++ * kDayMs;
    sale.hlc = HlcTimestamp::FromParts(sale.wall_ms, 0);
    SaleLine tea = testing::Line("TEA", 2, 1'500, "茶, 饮料");
    SaleLine cup = testing::Line("CUP", 1, 500, "cups");
    cup.line_no = 1;
    sale.lines = {tea, cup};
    PushRequest push = f.NewPush(terminal);
    push.records = {{std::string(kSaleRecordKind), sale.sale_id, {record::EncodeRecord(sale)}}};
    REQUIRE(f.service().Push(caller, push).ok());
  }
}

nlohmann::json Json(const HttpResponse& response) {
  REQUIRE_MESSAGE(response.status == 200, response.body);
  return nlohmann::json::parse(response.body);
}

TEST_CASE("the day report answers rows, totals over the range and pages") {
  ApiFixture f;
  Sell(f);
  const nlohmann::json all = Json(f.Admin("GET", "/v1/reports/days"));
  REQUIRE(all["rows"].size() == 2);
  CHECK(all["count"] == 2);
  CHECK(all["next_page_token"].is_null());
  CHECK(all["rows"][0]["store_id"] == "S001");
  CHECK(all["rows"][0]["day"] == "2026-06-01");
  CHECK(all["rows"][0]["sales"] == 1);
  CHECK(all["rows"][0]["members_buying"] == 1);
  CHECK(all["rows"][0]["first_purchases"] == 1);
  CHECK(all["rows"][1]["day"] == "2026-06-02");
  CHECK(all["rows"][1]["first_purchases"] == 0);
  CHECK(all["totals"]["sales"] == 2);
  CHECK(all["totals"]["paid_minor"] == 4'000);
  CHECK_FALSE(all["totals"].contains("store_id"));

  const nlohmann::json first = Json(f.Admin("GET", "/v1/reports/days?limit=1"));
  REQUIRE(first["rows"].size() == 1);
  CHECK(first["totals"]["sales"] == 2);  // the range's, not the page's
  REQUIRE(first["next_page_token"] == "1");
  const nlohmann::json second = Json(f.Admin("GET", "/v1/reports/days?limit=1&page_token=1"));
  CHECK(second["rows"][0] == all["rows"][1]);
  CHECK(second["next_page_token"].is_null());

  CHECK(Json(f.Admin("GET", "/v1/reports/days?store=S002"))["rows"].size() == 1);
  CHECK(Json(f.Admin("GET", "/v1/reports/days?from=2026-06-02&to=2026-06-30"))["count"] == 1);
  CHECK(Json(f.Admin("GET", "/v1/reports/days?to=2026-05-31"))["count"] == 0);

  const nlohmann::json categories = Json(f.Admin("GET", "/v1/reports/categories?store=S001"));
  REQUIRE(categories["rows"].size() == 2);
  CHECK(categories["rows"][1]["category"] == "茶, 饮料");
  CHECK(categories["totals"]["qty"] == 3);
  CHECK(Json(f.Admin("GET", "/v1/reports/tiers"))["totals"]["earns"] == 0);  // no entries pushed
  CHECK(Json(f.Admin("GET", "/v1/reports/campaigns?campaign_id=none"))["count"] == 0);
}

TEST_CASE("every report table exports as CSV that a spreadsheet reads in Chinese") {
  ApiFixture f;
  Sell(f);
  const HttpResponse csv = f.Admin("GET", "/v1/reports/categories?format=csv&store=S001");
  REQUIRE(csv.status == 200);
  CHECK(csv.content_type == "text/csv; charset=utf-8");
  CHECK(csv.body ==
        "\xEF\xBB\xBF"
        "store_id,day,category,lines,qty,amount_minor\r\n"
        "S001,2026-06-01,cups,1,1,500\r\n"
        "S001,2026-06-01,\"茶, 饮料\",1,2,1500\r\n");
  for (const char* path :
       {"/v1/reports/days", "/v1/reports/campaigns", "/v1/reports/tiers", "/v1/reports/members"}) {
    const HttpResponse table = f.Admin("GET", std::string(path) + "?format=csv");
    CHECK_MESSAGE(table.status == 200, path);
    CHECK(table.body.starts_with("\xEF\xBB\xBF"));
  }
}

TEST_CASE("members: page by page, and one member's purchases") {
  ApiFixture f;
  Sell(f);
  const nlohmann::json page = Json(f.Admin("GET", "/v1/reports/members?limit=1"));
  REQUIRE(page["members"].size() == 1);
  CHECK(page["members"][0]["member_id"] == f.ann);
  CHECK(page["members"][0]["purchase_days"] == 2);
  CHECK(page["next_after"] == f.ann);
  CHECK(Json(f.Admin("GET", "/v1/reports/members?after=" + f.ann))["members"].empty());

  const nlohmann::json ann = Json(f.Admin("GET", "/v1/reports/members?member_id=" + f.ann));
  CHECK(ann["summary"]["sales"] == 2);
  CHECK(ann["days"].size() == 2);
  CHECK(ann["categories"].size() == 2);
  CHECK(ann["member"].is_null());  // she has bought, but no row of hers has come yet
  CHECK(ann["tier_progress"].is_null());
  CHECK(ann["vouchers"].empty());
  CHECK(ann["campaigns"].empty());
  const HttpResponse unknown = f.Admin("GET", "/v1/reports/members?member_id=nobody");
  CHECK(unknown.status == 404);
  CHECK(ErrorCode(unknown) == "unknown_member");
}

TEST_CASE("a bad report query is refused and names what to give") {
  ApiFixture f;
  for (const char* query : {"limit=0", "limit=10001", "limit=x", "page_token=-1", "format=xml"}) {
    const HttpResponse refused = f.Admin("GET", std::string("/v1/reports/days?") + query);
    CHECK_MESSAGE(refused.status == 400, query);
    CHECK(ErrorCode(refused) == "invalid_query");
  }
  for (const char* query : {"from=2026-02-30", "to=tomorrow", "from=2026-06-02&to=2026-06-01"}) {
    const HttpResponse refused = f.Admin("GET", std::string("/v1/reports/categories?") + query);
    CHECK_MESSAGE(refused.status == 400, query);
    CHECK(ErrorCode(refused) == "invalid_range");
  }
  CHECK(f.Call("GET", "/v1/reports/days").status == 401);
  CHECK(f.Call("POST", "/v1/admin/analytics/rebuild").status == 401);
}

TEST_CASE("a rebuild answers the same reports") {
  ApiFixture f;
  Sell(f);
  const std::string before = f.Admin("GET", "/v1/reports/days").body;
  const HttpResponse rebuilt = f.Admin("POST", "/v1/admin/analytics/rebuild");
  CHECK(rebuilt.status == 200);
  CHECK(f.Admin("GET", "/v1/reports/days").body == before);
}

TEST_CASE("insights reports: each campaign's effect, the cohorts and the liability of a run") {
  ApiFixture f;
  CHECK(f.Admin("GET", "/v1/reports/effects").status == 404);  // no run yet
  Rules pack = DefaultRules();
  pack.version = 2;
  Campaign campaign;
  campaign.id = "member-day";
  campaign.name = "会员日 Member day";
  campaign.holdout_bp = 1'000;
  campaign.award.bonus_points = 5;
  pack.campaigns = {campaign};
  REQUIRE(f.service().PublishRules(pack).ok());
  Sell(f);

  const nlohmann::json run = Json(f.Admin("POST", "/v1/admin/insights/run"));
  CHECK(run["run"] == 1);
  CHECK(run["as_of_day"] == "2026-06-01");
  REQUIRE(run["effects"].size() == 1);

  const nlohmann::json effects = Json(f.Admin("GET", "/v1/reports/effects?margin_bp=2500"));
  CHECK(effects["run"] == 1);
  REQUIRE(effects["rows"].size() == 1);
  CHECK(effects["rows"][0]["campaign_id"] == "member-day");
  CHECK(effects["rows"][0]["margin_bp"] == 2'500);
  CHECK(effects["rows"][0]["roi_bp"].is_null());  // it cost nothing
  CHECK(Json(f.Admin("GET", "/v1/reports/effects?campaign_id=other"))["rows"].empty());
  const HttpResponse csv = f.Admin("GET", "/v1/reports/effects?format=csv");
  REQUIRE(csv.status == 200);
  CHECK(
      csv.body.starts_with("\xEF\xBB\xBF"
                           "campaign_id,name,pack_version,"));
  CHECK(csv.body.find("member-day,会员日 Member day,2,") != std::string::npos);

  CHECK(Json(f.Admin("GET", "/v1/reports/cohorts"))["rows"].is_array());
  CHECK(f.Admin("GET", "/v1/reports/cohorts?format=csv")
            .body.starts_with("\xEF\xBB\xBF"
                              "cohort,size"));
  const nlohmann::json liability = Json(f.Admin("GET", "/v1/reports/liability?run=1"));
  CHECK(liability["outstanding_points"] == 0);
  CHECK(liability["rows"].is_array());

  CHECK(f.Admin("GET", "/v1/reports/effects?margin_bp=10001").status == 400);
  CHECK(f.Admin("GET", "/v1/reports/liability?format=xml").status == 400);
  CHECK(f.Admin("GET", "/v1/reports/cohorts?run=x").status == 400);
  CHECK(f.Admin("GET", "/v1/reports/cohorts?run=7").status == 404);
}

}  // namespace
}  // namespace patron::sync

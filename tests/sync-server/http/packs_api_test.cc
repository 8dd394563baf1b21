// SyncApi's rule-pack endpoints: publish, list, dry run (DESIGN.md §9).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "api_fixture.h"
#include "patron/local_time.h"
#include "patron/rules_codec.h"
#include "patron/sync/codec.h"

namespace patron::sync {
namespace {

using Json = nlohmann::json;

// Member day (8th, 18th, 28th, Beijing time): double points on dairy.
Json MemberDayPack(int64_t version) {
  Rules pack = DefaultRules();
  pack.version = version;
  pack.name = "会员日 member day";
  pack.utc_offset_minutes = 480;
  Campaign member_day;
  member_day.id = "member-day";
  member_day.when.month_days = {8, 18, 28};
  member_day.basket.categories = {"dairy"};
  member_day.award.multiplier_bp = 20000;
  pack.campaigns = {member_day};
  return Json::parse(EncodeRules(pack));
}

std::string Message(const HttpResponse& response) {
  return Json::parse(response.body)["error"]["message"].get<std::string>();
}

Json DryRunBody() {
  return {{"at", "2026-06-08T10:00:00+08:00"},
          {"member", {{"member_id", "0190E6A0-0000-7000-8000-000000000001"}, {"tier", "gold"}}},
          {"basket",
           {{"store_id", "S001"},
            {"amount_minor", 10'000},
            {"lines",
             {{{"sku", "MILK"}, {"category", "dairy"}, {"qty", 2}, {"amount_minor", 4'000}},
              {{"sku", "BREAD"}, {"category", "bakery"}, {"amount_minor", 6'000}}}}}}};
}

TEST_CASE("packs: publish answers with the listing; bad packs name the field") {
  ApiFixture f;
  const std::string t1 = f.Register("S001-T01", "S001");
  const std::string body = MemberDayPack(2).dump();
  CHECK(f.Call("POST", "/v1/admin/packs", body).status == 401);
  CHECK(f.Call("POST", "/v1/admin/packs", body, t1).status == 403);
  CHECK(f.Call("GET", "/v1/admin/packs", "", t1).status == 403);
  CHECK(f.Call("POST", "/v1/admin/packs/dry-run", DryRunBody().dump(), t1).status == 403);

  Json bad = MemberDayPack(2);
  bad["campaigns"][0]["award"]["multiplier_bp"] = 5000;
  HttpResponse refused = f.Admin("POST", "/v1/admin/packs", bad.dump());
  CHECK(refused.status == 400);
  CHECK(ErrorCode(refused) == "invalid_rules");
  CHECK(Message(refused).find("'campaigns[0].award.multiplier_bp'") != std::string::npos);
  bad = MemberDayPack(2);
  bad["campaigns"][0]["when"]["monthdays"] = {8};
  refused = f.Admin("POST", "/v1/admin/packs", bad.dump());
  CHECK(ErrorCode(refused) == "unknown_field");
  CHECK(Message(refused).find("'campaigns[0].when.monthdays'") != std::string::npos);
  CHECK(f.Admin("GET", "/v1/admin/packs").body == R"({"packs":[]})");

  HttpResponse published = f.Admin("POST", "/v1/admin/packs", body);
  REQUIRE(published.status == 201);
  const Json listing = Json::parse(published.body);
  CHECK(listing["version"] == 2);
  CHECK(listing["state"] == "active");
  CHECK(listing["name"] == "会员日 member day");
  CHECK(listing["campaigns"] == Json::array({"member-day"}));
  CHECK(listing["activate_at"].is_null());
  CHECK(listing["pack"] == MemberDayPack(2));
  CHECK(ErrorCode(f.Admin("POST", "/v1/admin/packs", body)) == "stale_rules");

  // A pack to start tomorrow is scheduled; the one in force stays active.
  // A newer one starting sooner than another makes that one never start.
  Json tomorrow = MemberDayPack(3);
  tomorrow["activate_at"] = FormatPackTime(f.now_ms + kMsPerDay, 480);
  REQUIRE(f.Admin("POST", "/v1/admin/packs", tomorrow.dump()).status == 201);
  Json packs = Json::parse(f.Admin("GET", "/v1/admin/packs").body)["packs"];
  REQUIRE(packs.size() == 2);
  CHECK(packs[0]["state"] == "active");
  CHECK(packs[1]["state"] == "scheduled");
  CHECK(packs[1]["activate_at"] == tomorrow["activate_at"]);
  CHECK(packs[1]["published_ms"].get<int64_t>() > 0);
  Json sooner = MemberDayPack(4);
  sooner["activate_at"] = FormatPackTime(f.now_ms + kMsPerDay / 2, 480);
  REQUIRE(f.Admin("POST", "/v1/admin/packs", sooner.dump()).status == 201);
  packs = Json::parse(f.Admin("GET", "/v1/admin/packs").body)["packs"];
  CHECK(packs[1]["state"] == "superseded");
  CHECK(packs[2]["state"] == "scheduled");
}

TEST_CASE("packs: a dry run itemises the award, for a draft, a version or the pack in force") {
  ApiFixture f;
  REQUIRE(f.Admin("POST", "/v1/admin/packs", MemberDayPack(2).dump()).status == 201);

  HttpResponse run = f.Admin("POST", "/v1/admin/packs/dry-run", DryRunBody().dump());
  REQUIRE(run.status == 200);
  const Json award = Json::parse(run.body);
  CHECK(award["pack_version"] == 2);
  CHECK(award["points"] == 190);  // 100 base + 50 gold + 40 member day on 40.00 of dairy
  CHECK(award["awards"] == Json::parse(R"([{"kind":"base","points":100},)"
                                       R"({"kind":"tier","points":50},)"
                                       R"({"kind":"campaign","campaign_id":"member-day",)"
                                       R"("points":40}])"));
  CHECK(award["member"]["known"] == false);
  CHECK(award["member"]["tier"] == "gold");
  CHECK(award["at"] == "2026-06-08T10:00:00+08:00");  // in the pack's own offset
  CHECK(award["member"]["member_id"] ==
        "0190e6a0-0000-7000-8000-000000000001");  // as tills write it

  // A time without an offset is the pack's local time.
  Json local = DryRunBody();
  local["at"] = "2026-06-08T00:30:00";  // 8 June in Beijing, still 7 June in UTC
  CHECK(Json::parse(f.Admin("POST", "/v1/admin/packs/dry-run", local.dump()).body)["points"] ==
        190);

  Json body = DryRunBody();
  body["at"] = "2026-06-09T10:00:00+08:00";
  CHECK(Json::parse(f.Admin("POST", "/v1/admin/packs/dry-run", body.dump()).body)["points"] == 150);
  body["version"] = 1;
  body["at"] = "2026-06-08T10:00:00+08:00";
  CHECK(Json::parse(f.Admin("POST", "/v1/admin/packs/dry-run", body.dump()).body)["points"] == 150);

  // A draft is evaluated, not published.
  Json draft = MemberDayPack(9);
  draft["campaigns"][0]["award"]["multiplier_bp"] = 30000;
  body = DryRunBody();
  body["pack"] = draft;
  const Json drafted = Json::parse(f.Admin("POST", "/v1/admin/packs/dry-run", body.dump()).body);
  CHECK(drafted["pack_version"] == 9);
  CHECK(drafted["points"] == 230);
  CHECK(Json::parse(f.Admin("GET", "/v1/admin/packs").body)["packs"].size() == 1);
}

TEST_CASE("packs: a dry run uses what head office holds of the member") {
  ApiFixture f;
  const std::string t1 = f.Register("S001-T01", "S001");
  PushRequest push = f.NewPush("S001-T01");
  push.entries.push_back(f.Earn("S001-T01", "S001", 1, f.ann, 1'500));  // 1,500.00 spent
  REQUIRE(f.Call("POST", "/v1/push", EncodePushRequest(push), t1).status == 200);
  REQUIRE(f.service().FoldAll().ok());
  Json body = DryRunBody();
  body["member"] = {{"member_id", f.ann}};
  const Json award = Json::parse(f.Admin("POST", "/v1/admin/packs/dry-run", body.dump()).body);
  CHECK(award["member"]["known"] == true);
  CHECK(award["member"]["tier"] == "silver");
  CHECK(award["member"]["last_purchase_at"].is_string());  // the earn's time
  CHECK(award["points"] == 125);
}

TEST_CASE("packs: a dry run takes the member's latest purchase as given, for win-back offers") {
  ApiFixture f;
  Rules pack = DefaultRules();
  pack.version = 2;
  pack.utc_offset_minutes = 480;
  Campaign first;
  first.id = "first-purchase";
  first.who.first_purchase = true;
  first.award.bonus_points = 20;
  Campaign back;
  back.id = "win-back";
  back.who.lapsed_days = 90;
  back.award.bonus_points = 70;
  pack.campaigns = {first, back};
  Json body = DryRunBody();
  body["pack"] = Json::parse(EncodeRules(pack));
  const auto campaigns = [&f](const Json& request) {
    HttpResponse run = f.Admin("POST", "/v1/admin/packs/dry-run", request.dump());
    REQUIRE_MESSAGE(run.status == 200, run.body);
    const Json answer = Json::parse(run.body);
    std::vector<std::string> ids;
    for (const Json& award : answer["awards"]) {
      if (award["kind"] == "campaign") ids.push_back(award["campaign_id"]);
    }
    return ids;
  };
  // Unknown to head office, and not said: never bought.
  CHECK(campaigns(body) == std::vector<std::string>{"first-purchase"});
  body["member"]["last_purchase_at"] = "2026-03-01T09:00:00";  // 99 days before
  CHECK(campaigns(body) == std::vector<std::string>{"win-back"});
  body["member"]["last_purchase_at"] = "2026-05-01T09:00:00";
  CHECK(campaigns(body).empty());
  body["member"]["last_purchase_at"] = "";
  CHECK(campaigns(body) == std::vector<std::string>{"first-purchase"});
  body["member"]["last_purchase_at"] = "March";
  CHECK(f.Admin("POST", "/v1/admin/packs/dry-run", body.dump()).status == 400);
}

TEST_CASE("packs: a dry run puts the member in the segments given, and no others") {
  ApiFixture f;
  Rules pack = DefaultRules();
  pack.version = 2;
  SegmentRule champions;
  champions.id = "champions";
  champions.rfm_segments = {"champions"};
  pack.segments = {champions};
  Campaign campaign;
  campaign.id = "champions-bonus";
  campaign.who.segments = {"champions"};
  campaign.award.bonus_points = 40;
  pack.campaigns = {campaign};
  Json body = DryRunBody();
  body["pack"] = Json::parse(EncodeRules(pack));
  const auto run = [&f](const Json& request) {
    HttpResponse answer = f.Admin("POST", "/v1/admin/packs/dry-run", request.dump());
    REQUIRE_MESSAGE(answer.status == 200, answer.body);
    return Json::parse(answer.body);
  };
  Json answer = run(body);  // head office does not work segments out here
  CHECK(answer["member"]["segments"] == Json::array());
  CHECK(answer["points"] == 150);  // 100.00 at gold's 1.5x
  body["member"]["segments"] = {"at_risk"};
  CHECK(run(body)["points"] == 150);
  body["member"]["segments"] = {"at_risk", "champions"};
  answer = run(body);
  CHECK(answer["member"]["segments"] == Json{"at_risk", "champions"});
  CHECK(answer["points"] == 190);
  CHECK(answer["awards"].back()["campaign_id"] == "champions-bonus");

  body["member"]["segments"] = {"champions", 7};
  HttpResponse refused = f.Admin("POST", "/v1/admin/packs/dry-run", body.dump());
  CHECK(refused.status == 400);
  CHECK(Message(refused).find("'member.segments[1]'") != std::string::npos);
  body["member"]["segments"] = "champions";
  CHECK(f.Admin("POST", "/v1/admin/packs/dry-run", body.dump()).status == 400);
}

TEST_CASE("packs: a dry run refuses bad input, naming it") {
  ApiFixture f;
  Json body = DryRunBody();
  body.erase("basket");
  HttpResponse refused = f.Admin("POST", "/v1/admin/packs/dry-run", body.dump());
  CHECK(refused.status == 400);
  CHECK(ErrorCode(refused) == "missing_field");
  CHECK(Message(refused).find("basket") != std::string::npos);

  body = DryRunBody();
  body["at"] = "8 June";
  refused = f.Admin("POST", "/v1/admin/packs/dry-run", body.dump());
  CHECK(refused.status == 400);
  CHECK(Message(refused).find("'at'") != std::string::npos);

  body = DryRunBody();
  body["basket"]["lines"][0]["amount_minor"] = 1;
  CHECK(ErrorCode(f.Admin("POST", "/v1/admin/packs/dry-run", body.dump())) == "lines_mismatch");

  body = DryRunBody();
  body["member"]["tier"] = "platinum";
  refused = f.Admin("POST", "/v1/admin/packs/dry-run", body.dump());
  CHECK(refused.status == 400);
  CHECK(ErrorCode(refused) == "unknown_tier");

  body = DryRunBody();
  body["member"]["birthday"] = "12-08";
  refused = f.Admin("POST", "/v1/admin/packs/dry-run", body.dump());
  CHECK(refused.status == 400);
  CHECK(Message(refused).find("'member.birthday'") != std::string::npos);

  body = DryRunBody();
  body["member"]["member_id"] = "M-1";
  CHECK(f.Admin("POST", "/v1/admin/packs/dry-run", body.dump()).status == 400);

  body = DryRunBody();
  body["version"] = 1;
  body["pack"] = MemberDayPack(9);
  CHECK(f.Admin("POST", "/v1/admin/packs/dry-run", body.dump()).status == 400);

  body = DryRunBody();
  body["version"] = 7;
  refused = f.Admin("POST", "/v1/admin/packs/dry-run", body.dump());
  CHECK(refused.status == 404);
  CHECK(ErrorCode(refused) == "unknown_pack_version");

  body = DryRunBody();
  body["basket"]["lines"][0]["colour"] = "white";
  CHECK(ErrorCode(f.Admin("POST", "/v1/admin/packs/dry-run", body.dump())) == "unknown_field");
}

TEST_CASE("budgets: a till claims a share over HTTP; head office lists each budget by till") {
  ApiFixture f;
  const std::string t1 = f.Register("S001-T01", "S001");
  Json pack = MemberDayPack(2);
  pack["campaigns"][0]["budget"] = {{"points", 5'000}};
  REQUIRE(f.Admin("POST", "/v1/admin/packs", pack.dump()).status == 201);
  const Json claim = {{"terminal_id", "S001-T01"},
                      {"chain_key_fingerprint", ChainKeyFingerprint(kDemoChainKey)},
                      {"campaign_id", "member-day"},
                      {"want", 300}};
  HttpResponse claimed = f.Call("POST", "/v1/rewards/stock", claim.dump(), t1);
  REQUIRE(claimed.status == 200);
  CHECK(Json::parse(claimed.body) ==
        Json{{"campaign_id", "member-day"}, {"granted", 300}, {"unassigned", 4'700}});
  Json unknown = claim;
  unknown["campaign_id"] = "jackpot";
  CHECK(ErrorCode(f.Call("POST", "/v1/rewards/stock", unknown.dump(), t1)) == "unknown_campaign");

  CHECK(f.Call("GET", "/v1/admin/campaigns/budgets").status == 401);
  CHECK(f.Call("GET", "/v1/admin/campaigns/budgets", "", t1).status == 403);
  HttpResponse listed = f.Admin("GET", "/v1/admin/campaigns/budgets");
  REQUIRE(listed.status == 200);
  CHECK(Json::parse(listed.body) ==
        Json::parse(R"({"campaigns":[{"campaign_id":"member-day","name":"","budget":5000,
          "handed_out":300,"used":0,"shares":{"S001-T01":{"granted":300,"used":0}}}]})"));
}

}  // namespace
}  // namespace patron::sync

#include "patron/rules_codec.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace patron {
namespace {

using Json = nlohmann::json;

Rules CustomRules() {
  Rules rules;
  rules.version = 42;
  rules.currency = "CNY";
  rules.minor_digits = 2;
  rules.earn_rate_bp = 5000;
  rules.tiers = {{"bronze", 0, 10000}, {"jade", 250'000, 20000}};
  rules.qualifying_window_days = 180;
  rules.redeem_points_per_unit = 50;
  rules.max_redeem_share_bp = 3000;
  rules.excluded_categories = {"tobacco", "gift_card", "\xE7\x83\x9F"};
  rules.name = "\xE6\x98\xA5\xE5\xAD\xA3 spring";
  rules.activate_at = "2027-01-01T00:00:00+08:00";
  rules.valid_until = "2027-07-01T00:00:00";
  rules.utc_offset_minutes = 480;
  Campaign member_day;
  member_day.id = "member-day";
  member_day.name = "\xE4\xBC\x9A\xE5\x91\x98\xE6\x97\xA5";
  member_day.priority = 10;
  member_day.stack_group = "multipliers";
  member_day.stack_mode = "best_of_group";
  member_day.holdout_bp = 1000;
  member_day.when.month_days = {8, 18, 28};
  member_day.when.time_from = "10:00";
  member_day.who.tiers = {"jade"};
  member_day.who.birthday_within_days = 3;
  member_day.basket.categories = {"dairy"};
  member_day.basket.min_qty = 2;
  member_day.award.multiplier_bp = 20000;
  member_day.award.max_points = 500;
  Campaign welcome;
  welcome.id = "welcome";
  welcome.who.joined_within_days = 30;
  welcome.award.bonus_points = 100;
  rules.campaigns = {member_day, welcome};
  return rules;
}

Json DefaultJson() { return Json::parse(EncodeRules(DefaultRules())); }

void CheckError(const Result<Rules>& result, std::string_view reason, std::string_view path) {
  REQUIRE_FALSE(result.ok());
  CAPTURE(result.status().ToString());
  CHECK(result.status().IsInvalidArgument());
  CHECK(result.status().reason() == reason);
  CHECK(result.status().message().find("'" + std::string(path) + "'") != std::string::npos);
}

TEST_CASE("EncodeRules writes compact JSON, pack fields only when set") {
  const std::string text = EncodeRules(DefaultRules());
  CHECK(text == R"({"version":1,"currency":"USD","minor_digits":2,"earn_rate_bp":10000,"tiers":[)"
                R"({"name":"regular","min_spend_minor":0,"earn_multiplier_bp":10000},)"
                R"({"name":"silver","min_spend_minor":100000,"earn_multiplier_bp":12500},)"
                R"({"name":"gold","min_spend_minor":500000,"earn_multiplier_bp":15000}],)"
                R"("qualifying_window_days":365,"redeem_points_per_unit":100,)"
                R"("max_redeem_share_bp":5000,"excluded_categories":[]})");
}

TEST_CASE("tier hold and warning are written only when not the defaults a reader assumes") {
  // A till one version behind refuses fields it does not know, so a pack
  // that keeps the defaults must not send them; one that changes them must.
  Rules rules = DefaultRules();
  rules.tier_hold_days = 180;
  rules.tier_warning_days = 0;
  const std::string text = EncodeRules(rules);
  CHECK(text.find(R"("tier_hold_days":180,"tier_warning_days":0,)") != std::string::npos);
  Result<Rules> decoded = DecodeRules(text);
  REQUIRE(decoded.ok());
  CHECK(*decoded == rules);
  CHECK(EncodeRules(DefaultRules()).find("tier_") == std::string::npos);
}

TEST_CASE("DefaultRules and a custom set survive a round trip") {
  for (const Rules& rules : {DefaultRules(), CustomRules()}) {
    Result<Rules> decoded = DecodeRules(EncodeRules(rules));
    CAPTURE(decoded.status().ToString());
    REQUIRE(decoded.ok());
    CHECK(*decoded == rules);
  }
}

TEST_CASE("excluded_categories is optional") {
  Json body = DefaultJson();
  body.erase("excluded_categories");
  Result<Rules> decoded = DecodeRules(body.dump());
  REQUIRE(decoded.ok());
  CHECK(decoded->excluded_categories.empty());

  body["excluded_categories"] = nullptr;
  decoded = DecodeRules(body.dump());
  REQUIRE(decoded.ok());
  CHECK(decoded->excluded_categories.empty());
}

TEST_CASE("each missing required field is named") {
  for (const char* field :
       {"version", "currency", "minor_digits", "earn_rate_bp", "tiers", "qualifying_window_days",
        "redeem_points_per_unit", "max_redeem_share_bp"}) {
    CAPTURE(field);
    Json body = DefaultJson();
    body.erase(field);
    CheckError(DecodeRules(body.dump()), "missing_field", field);
    body[field] = nullptr;  // null counts as absent
    CheckError(DecodeRules(body.dump()), "missing_field", field);
  }
  for (const char* field : {"name", "min_spend_minor", "earn_multiplier_bp"}) {
    CAPTURE(field);
    Json body = DefaultJson();
    body["tiers"][1].erase(field);
    CheckError(DecodeRules(body.dump()), "missing_field", "tiers[1]." + std::string(field));
  }
}

TEST_CASE("each mistyped field is named with its path") {
  struct Case {
    Json::json_pointer pointer;
    Json value;
    std::string path;
  };
  const std::vector<Case> cases = {
      {Json::json_pointer("/version"), "1", "version"},
      {Json::json_pointer("/version"), 1.5, "version"},
      {Json::json_pointer("/currency"), 840, "currency"},
      {Json::json_pointer("/minor_digits"), true, "minor_digits"},
      {Json::json_pointer("/minor_digits"), int64_t{4'294'967'298}, "minor_digits"},
      {Json::json_pointer("/earn_rate_bp"), 1e4, "earn_rate_bp"},
      {Json::json_pointer("/earn_rate_bp"), uint64_t{18'446'744'073'709'551'615u}, "earn_rate_bp"},
      {Json::json_pointer("/tiers"), Json::object(), "tiers"},
      {Json::json_pointer("/tiers/1"), "silver", "tiers[1]"},
      {Json::json_pointer("/tiers/1/name"), 7, "tiers[1].name"},
      {Json::json_pointer("/tiers/2/min_spend_minor"), "500000", "tiers[2].min_spend_minor"},
      {Json::json_pointer("/tiers/1/earn_multiplier_bp"), 1.25, "tiers[1].earn_multiplier_bp"},
      {Json::json_pointer("/qualifying_window_days"), Json::array({365}), "qualifying_window_days"},
      {Json::json_pointer("/redeem_points_per_unit"), "100", "redeem_points_per_unit"},
      {Json::json_pointer("/max_redeem_share_bp"), 0.5, "max_redeem_share_bp"},
      {Json::json_pointer("/excluded_categories"), "tobacco", "excluded_categories"},
      {Json::json_pointer("/excluded_categories"), Json::array({"tobacco", 3}),
       "excluded_categories[1]"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.path);
    Json body = DefaultJson();
    body[c.pointer] = c.value;
    CheckError(DecodeRules(body.dump()), "invalid_field", c.path);
  }
}

TEST_CASE("unknown fields are refused, at the top and in a tier") {
  Json body = DefaultJson();
  body["earn_rate"] = 10000;  // a typo of earn_rate_bp
  CheckError(DecodeRules(body.dump()), "unknown_field", "earn_rate");

  body = DefaultJson();
  body["tiers"][2]["multiplier"] = 20000;
  CheckError(DecodeRules(body.dump()), "unknown_field", "tiers[2].multiplier");
}

TEST_CASE("unknown fields are refused inside a campaign, with the campaign's path") {
  Json body = Json::parse(EncodeRules(CustomRules()));
  body["campaigns"][0]["award"]["multipler_bp"] = 30000;
  CheckError(DecodeRules(body.dump()), "unknown_field", "campaigns[0].award.multipler_bp");

  body = Json::parse(EncodeRules(CustomRules()));
  body["campaigns"][1]["who"]["birthday"] = true;
  CheckError(DecodeRules(body.dump()), "unknown_field", "campaigns[1].who.birthday");
}

TEST_CASE("a campaign needs an id and an award; the rest is optional") {
  Json body = DefaultJson();
  body["campaigns"] = Json::array({{{"award", {{"bonus_points", 5}}}}});
  CheckError(DecodeRules(body.dump()), "missing_field", "campaigns[0].id");
  body["campaigns"] = Json::array({{{"id", "x"}}});
  CheckError(DecodeRules(body.dump()), "missing_field", "campaigns[0].award");
  body["campaigns"] = Json::array({{{"id", "x"}, {"award", {{"bonus_points", 5}}}}});
  Result<Rules> decoded = DecodeRules(body.dump());
  CAPTURE(decoded.status().ToString());
  REQUIRE(decoded.ok());
  CHECK(decoded->campaigns.at(0).stack_mode == "additive");
  CHECK(decoded->campaigns.at(0).award.bonus_points == 5);
}

TEST_CASE("decoded rules are validated") {
  Json body = DefaultJson();
  body["tiers"][1]["min_spend_minor"] = 600'000;  // above gold
  CheckError(DecodeRules(body.dump()), "invalid_rules", "tiers[2].min_spend_minor");

  body = DefaultJson();
  body["currency"] = "usd";
  CheckError(DecodeRules(body.dump()), "invalid_rules", "currency");

  body = DefaultJson();
  body["tiers"] = Json::array();
  CheckError(DecodeRules(body.dump()), "invalid_rules", "tiers");

  body = DefaultJson();
  body["minor_digits"] = -2;
  CheckError(DecodeRules(body.dump()), "invalid_rules", "minor_digits");
}

TEST_CASE("malformed or non-object JSON is refused") {
  for (std::string_view text : {"", "{", "{\"version\":1,}", "nul", "{} x", "{'version':1}"}) {
    CAPTURE(text);
    Result<Rules> decoded = DecodeRules(text);
    REQUIRE_FALSE(decoded.ok());
    CHECK(decoded.status().reason() == "malformed_json");
  }
  for (std::string_view text : {"[]", "1", "\"rules\"", "null"}) {
    CAPTURE(text);
    Result<Rules> decoded = DecodeRules(text);
    REQUIRE_FALSE(decoded.ok());
    CHECK(decoded.status().reason() == "invalid_field");
  }
  Result<Rules> deep = DecodeRules(std::string(10'000, '[') + std::string(10'000, ']'));
  REQUIRE_FALSE(deep.ok());
  CHECK(deep.status().reason() == "json_too_deep");
}

TEST_CASE("EncodeRules does not throw on invalid UTF-8") {
  Rules rules = DefaultRules();
  rules.tiers[0].name = "bad\xFF";
  const std::string text = EncodeRules(rules);
  CHECK_FALSE(text.empty());
  CHECK(DecodeRules(text).ok());
}

}  // namespace
}  // namespace patron

// Push bodies are written and read without a JSON DOM (record/record_json.h,
// JsonReader); these check that they read back exactly and that malformed
// ones are refused as the DOM decoder refused them.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "patron/sync/codec.h"

namespace patron::sync {
namespace {

LedgerEntry SampleEntry(EntryDetail detail) {
  LedgerEntry e;
  e.entry_id = "S001-T01/7";
  e.origin = "S001-T01";
  e.seq = 7;
  e.member_id = "0190a5a4-7c1e-7000-8000-000000000001";
  e.kind = EntryKind::kRedeem;
  e.points = -250;
  e.amount_minor = 12'345;
  e.currency = "USD";
  e.sale_ref = "R \"1\" \\ é";
  e.ref_entry = "";
  e.to_holder = "";
  e.store_id = "S001";
  e.terminal_id = "S001-T01";
  e.hlc = HlcTimestamp::FromParts(1'780'315'200'000, 5);
  e.wall_ms = 1'780'315'200'000;
  e.rule_version = 3;
  e.detail = std::move(detail);
  return e;
}

PushRequest SampleRequest() {
  PushRequest r;
  r.terminal_id = "S001-T01";
  r.chain_key_fingerprint = "74beda790eb600c4";
  r.hlc = HlcTimestamp::FromParts(1'780'315'200'010, 0);
  r.profile_changes.push_back({4, "0190a5a4-7c1e-7000-8000-000000000001", "name",
                               std::string("Ann"), HlcTimestamp::FromParts(1'780'315'200'001, 0),
                               "S001-T01"});
  r.profile_changes.push_back(
      {5, "0190a5a4-7c1e-7000-8000-000000000001", "identity",
       MemberIdentity{"+8613800138000", std::nullopt, "S001", 1'780'315'200'000},
       HlcTimestamp::FromParts(1'780'315'200'001, 1), "S001-T01"});
  EntryDetail lines;
  lines.tier = "tab\there";
  lines.multiplier_bp = 12'500;
  r.entries.push_back(SampleEntry(lines));
  EntryDetail odd;
  odd.request_id = "ctrl \x01\x1f nl\n emoji \xf0\x9f\x98\x80";
  r.entries.push_back(SampleEntry(odd));
  r.entries.back().entry_id = "S001-T01/8";
  r.entries.back().seq = 8;
  return r;
}

TEST_CASE("push request: what is written reads back exactly") {
  const PushRequest sent = SampleRequest();
  const std::string body = EncodePushRequest(sent);
  CHECK_FALSE(nlohmann::json::parse(body, nullptr, false).is_discarded());
  Result<PushRequest> read = DecodePushRequest(body);
  REQUIRE_MESSAGE(read.ok(), read.status().ToString());
  CHECK(read->terminal_id == sent.terminal_id);
  CHECK(read->chain_key_fingerprint == sent.chain_key_fingerprint);
  CHECK(read->hlc == sent.hlc);
  CHECK(read->profile_changes == sent.profile_changes);
  CHECK(read->entries == sent.entries);
}

TEST_CASE("push request: fields in any order, unknown ones skipped, null is missing") {
  nlohmann::json doc = nlohmann::json::parse(EncodePushRequest(SampleRequest()));
  doc["future_field"] = {{"nested", {1, 2, {{"x", nullptr}}}}};
  doc["entries"][0]["also_new"] = "ignored";
  Result<PushRequest> read = DecodePushRequest(doc.dump());
  REQUIRE_MESSAGE(read.ok(), read.status().ToString());
  CHECK(read->entries.size() == 2);

  nlohmann::json missing = doc;
  missing["entries"][1].erase("points");
  Status status = DecodePushRequest(missing.dump()).status();
  CHECK(status.reason() == "missing_field");
  CHECK(status.message() == "missing field 'entries[1].points'");

  nlohmann::json null_field = doc;
  null_field["entries"][0]["member_id"] = nullptr;
  CHECK(DecodePushRequest(null_field.dump()).status().reason() == "missing_field");

  nlohmann::json no_entries = doc;
  no_entries.erase("entries");
  CHECK(DecodePushRequest(no_entries.dump()).status().message() == "missing field 'entries'");
}

TEST_CASE("push request: wrong types and malformed bodies are refused") {
  const nlohmann::json doc = nlohmann::json::parse(EncodePushRequest(SampleRequest()));
  auto refused = [&](auto change) {
    nlohmann::json copy = doc;
    change(copy);
    return DecodePushRequest(copy.dump()).status();
  };
  Status wrong = refused([](nlohmann::json& d) { d["entries"][0]["points"] = "250"; });
  CHECK(wrong.reason() == "invalid_field");
  CHECK(wrong.message() == "field 'entries[0].points' must be an integer");
  CHECK(refused([](nlohmann::json& d) { d["entries"][0]["points"] = 2.5; }).reason() ==
        "invalid_field");
  CHECK(refused([](nlohmann::json& d) { d["entries"][0]["kind"] = "steal"; }).code() ==
        StatusCode::kInvalidArgument);
  CHECK(refused([](nlohmann::json& d) { d["entries"][0]["hlc"] = -1; }).reason() ==
        "invalid_field");
  CHECK(refused([](nlohmann::json& d) { d["entries"] = {{"a", 1}}; }).message() ==
        "field 'entries' must be an array");
  CHECK(refused([](nlohmann::json& d) { d["entries"][1] = 5; }).message() ==
        "'entries[1]' must be an object");

  const std::string body = doc.dump();
  CHECK(DecodePushRequest(body + " x").status().reason() == "malformed_json");
  CHECK(DecodePushRequest(body.substr(0, body.size() - 1)).status().reason() == "malformed_json");
  CHECK(DecodePushRequest("[]").status().message() == "message must be a JSON object");
  std::string bad_utf8 = body;
  bad_utf8.replace(bad_utf8.find("S001-T01/7"), 1, "\xff");
  CHECK(DecodePushRequest(bad_utf8).status().reason() == "malformed_json");
}

TEST_CASE("push response: what is written reads back exactly") {
  PushResponse sent;
  sent.epoch = "0123456789abcdef0123456789abcdef";
  sent.server_hlc = HlcTimestamp::FromParts(1'780'315'200'020, 2);
  sent.profile_changes.push_back(
      {4, PushOutcome::kOk, 11, HlcTimestamp::FromParts(1'780'315'200'001, 0), ""});
  sent.entries.push_back({"S001-T01/7", PushOutcome::kOk, 12, "", ""});
  sent.entries.push_back({"S001-T01/8", PushOutcome::kConflict, 9,
                          "an entry with this id and \"different\" content", ""});
  sent.entries.push_back({"S001-T01/9", PushOutcome::kExists, 10, "", ""});
  sent.entries.push_back({"S001-T01/10", PushOutcome::kRejected, 0,
                          "rules version 1 give at most 5 points", "earn_exceeds_rules"});
  Result<PushResponse> read = DecodePushResponse(EncodePushResponse(sent));
  REQUIRE_MESSAGE(read.ok(), read.status().ToString());
  CHECK(read->epoch == sent.epoch);
  CHECK(read->server_hlc == sent.server_hlc);
  REQUIRE(read->profile_changes.size() == 1);
  CHECK(read->profile_changes[0].accepted_hlc == sent.profile_changes[0].accepted_hlc);
  CHECK(read->entries == sent.entries);

  // A reason only where there is one: older tills never see the field.
  nlohmann::json doc = nlohmann::json::parse(EncodePushResponse(sent));
  CHECK_FALSE(doc["entries"][0].contains("reason"));
  CHECK(doc["entries"][3]["reason"] == "earn_exceeds_rules");
  doc["entries"][2].erase("seq");
  CHECK(DecodePushResponse(doc.dump()).status().message() == "missing field 'entries[2].seq'");
  doc["entries"][2]["seq"] = 10;
  doc["entries"][2]["outcome"] = "maybe";
  CHECK(DecodePushResponse(doc.dump()).status().code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace patron::sync

namespace patron::sync {
namespace {

TEST_CASE("push request: edge values, escaped keys, a byte order mark") {
  PushRequest sent = SampleRequest();
  sent.entries[0].points = INT64_MIN;
  sent.entries[0].amount_minor = INT64_MAX;
  sent.entries[1].sale_ref = std::string("del \x7f slash / quote \" nul-ish \x01");
  Result<PushRequest> read = DecodePushRequest("\xEF\xBB\xBF" + EncodePushRequest(sent));
  REQUIRE_MESSAGE(read.ok(), read.status().ToString());
  CHECK(read->entries == sent.entries);

  nlohmann::json doc = nlohmann::json::parse(EncodePushRequest(SampleRequest()));
  std::string body = doc.dump();
  // "\u0070oints" is "points".
  const size_t at = body.find("\"points\"");
  REQUIRE(at != std::string::npos);
  body.replace(at, 8, "\"\\u0070oints\"");
  read = DecodePushRequest(body);
  REQUIRE_MESSAGE(read.ok(), read.status().ToString());
  CHECK(read->entries[0].points == -250);
}

TEST_CASE("push request: a body mistyped early and malformed later is malformed, as before") {
  const std::string body = EncodePushRequest(SampleRequest());
  std::string mistyped = body;
  mistyped.replace(mistyped.find("\"S001-T01/7\""), 12, "7");
  CHECK(DecodePushRequest(mistyped).status().reason() == "invalid_field");
  CHECK(DecodePushRequest(mistyped.substr(0, mistyped.size() - 2)).status().reason() ==
        "malformed_json");
  std::string deep = body;
  deep.insert(1, "\"x\":" + std::string(17, '[') + std::string(17, ']') + ",");
  CHECK(DecodePushRequest(deep).status().reason() == "json_too_deep");
}

TEST_CASE("push response: a null message is none; a repeated key is refused") {
  PushResponse sent;
  sent.epoch = "e";
  sent.entries.push_back({"S001-T01/7", PushOutcome::kOk, 12, "", ""});
  nlohmann::json doc = nlohmann::json::parse(EncodePushResponse(sent));
  std::string body = doc.dump();
  std::string null_message = body;
  null_message.replace(null_message.find("\"message\":\"\""), 12, "\"message\":null");
  Result<PushResponse> read = DecodePushResponse(null_message);
  REQUIRE_MESSAGE(read.ok(), read.status().ToString());
  CHECK(read->entries[0].message.empty());
  // Which of two values would win is no question a decoder should answer.
  body.replace(body.find("\"message\":\"\""), 12, "\"message\":\"x\",\"message\":null");
  CHECK(DecodePushResponse(body).status().reason() == "duplicate_key");
}

}  // namespace
}  // namespace patron::sync

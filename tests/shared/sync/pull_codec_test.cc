// The pull response's member rows are written without a json DOM
// (sync/wire.h); these check that what is written reads back exactly,
// whatever the strings hold.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "patron/sync/codec.h"

namespace patron::sync {
namespace {

MemberState SampleMember(std::string name) {
  MemberState m;
  m.member_id = "0190a5a4-7c1e-7000-8000-000000000001";
  m.phone = "+14155550100";
  m.card = std::nullopt;
  m.status = "active";
  m.enrolled_store = "S001";
  m.enrolled_ms = 1'780'315'200'000;
  m.name = {std::move(name), HlcTimestamp::FromParts(1'780'315'200'000, 3), "S001-T01"};
  m.birthday = {std::string("1990-02-03"), HlcTimestamp::FromParts(1'780'315'200'001, 0),
                "S001-T02"};
  m.email = {std::nullopt, HlcTimestamp(), ""};
  m.gender = {std::string("x"), HlcTimestamp::FromParts(1'780'315'200'002, 1), "server"};
  m.sms_consent = {true, HlcTimestamp::FromParts(1'780'315'200'003, 0), "S001-T01"};
  m.email_consent = {false, HlcTimestamp(), ""};
  m.balance = -42;
  m.spend_minor = 123'456;
  m.version = 77;
  return m;
}

PullResponse SamplePage(std::vector<MemberState> members) {
  PullResponse page;
  page.epoch = "0123456789abcdef0123456789abcdef";
  page.server_hlc = HlcTimestamp::FromParts(1'780'315'300'000, 9);
  page.members = std::move(members);
  page.next = {page.epoch, 78};
  page.more = true;
  page.rules_json = R"({"version":2})";
  return page;
}

TEST_CASE("pull page: member rows read back exactly, whatever their strings hold") {
  const std::vector<std::string> names = {
      "Ann Lee",
      "",
      "O'Brien \"the boss\" \\ back\\slash",
      "tab\there\nnewline\x01\x1f and \x7f",
      "Zoë Ångström 李小龙 🎉",
      "</script><!-- {\"json\": [1,2]} -->",
  };
  std::vector<MemberState> members;
  for (const std::string& name : names) members.push_back(SampleMember(name));
  members[1].phone = std::nullopt;
  members[1].card = "CARD-\"7\"";
  members[1].email = {std::string("a@b.example"), HlcTimestamp::FromParts(5, 0), "S002-T01"};

  const PullResponse page = SamplePage(members);
  const std::string body = EncodePullResponse(page);
  CHECK(nlohmann::json::accept(body));
  auto decoded = DecodePullResponse(body);
  REQUIRE_MESSAGE(decoded.ok(), decoded.status().ToString());
  CHECK(decoded->members == page.members);
  CHECK(decoded->epoch == page.epoch);
  CHECK(decoded->server_hlc == page.server_hlc);
  CHECK(decoded->next.seq == 78);
  CHECK(decoded->more);
  CHECK(decoded->rules_json == page.rules_json);
}

TEST_CASE("pull page: invalid UTF-8 in a stored string is replaced, not sent broken") {
  const PullResponse page = SamplePage({SampleMember("bad \xff\xfe byte")});
  const std::string body = EncodePullResponse(page);
  CHECK(nlohmann::json::accept(body));
  auto decoded = DecodePullResponse(body);
  REQUIRE(decoded.ok());
  CHECK(decoded->members[0].name.value == "bad \xEF\xBF\xBD\xEF\xBF\xBD byte");
}

TEST_CASE("pull page: an empty page is a valid message") {
  PullResponse page = SamplePage({});
  page.more = false;
  page.rules_json = std::nullopt;
  auto decoded = DecodePullResponse(EncodePullResponse(page));
  REQUIRE(decoded.ok());
  CHECK(decoded->members.empty());
  CHECK_FALSE(decoded->more);
  CHECK_FALSE(decoded->rules_json.has_value());
}

TEST_CASE("pull page: a rights statement reads back; a page without one has none") {
  PullResponse page = SamplePage({});
  page.rights_statement = RightsStatement{41, 978, {{"m1", 300}, {"m2", -5}}};
  auto decoded = DecodePullResponse(EncodePullResponse(page));
  REQUIRE_MESSAGE(decoded.ok(), decoded.status().ToString());
  CHECK(decoded->rights_statement == page.rights_statement);

  page.rights_statement.reset();
  const std::string body = EncodePullResponse(page);
  CHECK(body.find("rights_statement") == std::string::npos);
  decoded = DecodePullResponse(body);
  REQUIRE(decoded.ok());
  CHECK_FALSE(decoded->rights_statement.has_value());
}

TEST_CASE("pull request: the ask for a rights statement is sent only when made") {
  PullRequest request;
  request.terminal_id = "S001-T01";
  CHECK(EncodePullRequest(request).find("want_rights_statement") == std::string::npos);
  request.want_rights_statement = true;
  auto decoded = DecodePullRequest(EncodePullRequest(request));
  REQUIRE_MESSAGE(decoded.ok(), decoded.status().ToString());
  CHECK(decoded->want_rights_statement);
}

}  // namespace
}  // namespace patron::sync

#include <doctest/doctest.h>

#include "patron/member_id.h"
#include "patron/uuid.h"
#include "terminal_fixture.h"

namespace patron::terminal {
namespace {

EnrolRequest ByPhone(const std::string& phone, const std::string& name) {
  EnrolRequest request;
  request.phone = phone;
  request.profile.name = name;
  return request;
}

TEST_CASE("enrolment by phone derives the member id from the normalised phone") {
  TerminalFixture f;
  EnrolRequest request = ByPhone("07700 900123", "  Ann Example ");
  request.profile.email = "ann@example.com";
  request.profile.birthday = "1990-02-28";
  request.profile.gender = "female";
  request.profile.sms_consent = true;
  auto result = f.till().Enrol(request);
  REQUIRE(result.ok());
  const Member& m = result->member;
  CHECK(result->created);
  CHECK(m.member_id == DeriveMemberId(kDemoChainKey, "+447700900123").ToString());
  CHECK(m.phone == "+447700900123");
  CHECK(m.name == "Ann Example");
  CHECK(m.email == "ann@example.com");
  CHECK(m.birthday == "1990-02-28");
  CHECK(m.gender == "female");
  CHECK(m.sms_consent);
  CHECK_FALSE(m.email_consent);
  CHECK(m.tier == "regular");
  CHECK(m.balance == 0);
  CHECK(m.enrolled_store == "S001");
  // The identity and every field the request set are queued for the server;
  // email_consent was not given: it stays "never written" (zero stamp).
  CHECK(f.Count("profile_outbox") == 6);
  CHECK(f.db().QueryInt64("SELECT email_consent_hlc FROM members").value() == 0);
}

TEST_CASE("enrolling a known phone, however it is written, returns the same member") {
  TerminalFixture f;
  Member first = f.Enrol("07700 900123", "Ann");
  const std::string before = f.Snapshot();
  auto again = f.till().Enrol(ByPhone("+44 7700-900-123", "Somebody Else"));
  REQUIRE(again.ok());
  CHECK_FALSE(again->created);
  CHECK(again->member.member_id == first.member_id);
  CHECK(again->member.name == "Ann");  // enrolment does not overwrite the profile
  CHECK(f.Snapshot() == before);
  CHECK(f.till().FindByPhone("0044 7700 900123")->member_id == first.member_id);
}

TEST_CASE("card-only enrolment gets a UUIDv7 and is found by card") {
  TerminalFixture f;
  EnrolRequest request;
  request.card = "CARD-000123";
  request.profile.name = "Card Holder";
  auto result = f.till().Enrol(request);
  REQUIRE(result.ok());
  CHECK(result->created);
  CHECK(Uuid::Parse(result->member.member_id)->version() == 7);
  CHECK_FALSE(result->member.phone.has_value());
  auto found = f.till().FindByCard("CARD-000123");
  REQUIRE(found.ok());
  CHECK(found->member_id == result->member.member_id);
  auto again = f.till().Enrol(request);
  REQUIRE(again.ok());
  CHECK_FALSE(again->created);
  CHECK(again->member.member_id == result->member.member_id);
}

TEST_CASE("a card already held by another member cannot be given to a new phone") {
  TerminalFixture f;
  EnrolRequest card_only;
  card_only.card = "CARD-1";
  card_only.profile.name = "A";
  REQUIRE(f.till().Enrol(card_only).ok());
  EnrolRequest with_phone = ByPhone("07700 900124", "B");
  with_phone.card = "CARD-1";
  const std::string before = f.Snapshot();
  auto result = f.till().Enrol(with_phone);
  CHECK(result.status().reason() == "card_in_use");
  CHECK(f.Snapshot() == before);
}

TEST_CASE("bad enrolment input is refused with a named reason and writes nothing") {
  TerminalFixture f;
  const std::string before = f.Snapshot();
  struct Case {
    EnrolRequest request;
    std::string reason;
  };
  std::vector<Case> cases;
  cases.push_back({ByPhone("not a phone", "Ann"), "invalid_phone"});
  cases.push_back({ByPhone("123", "Ann"), "invalid_phone"});
  cases.push_back({ByPhone("07700 900123", "   "), "invalid_name"});
  cases.push_back({ByPhone("07700 900123", std::string(101, 'x')), "invalid_name"});
  cases.push_back({EnrolRequest{}, "missing_identity"});
  EnrolRequest no_name;
  no_name.phone = "07700 900123";
  cases.push_back({no_name, "invalid_name"});
  EnrolRequest bad_email = ByPhone("07700 900123", "Ann");
  bad_email.profile.email = "ann@";
  cases.push_back({bad_email, "invalid_email"});
  EnrolRequest bad_birthday = ByPhone("07700 900123", "Ann");
  bad_birthday.profile.birthday = "1990-02-30";
  cases.push_back({bad_birthday, "invalid_birthday"});
  EnrolRequest future_birthday = ByPhone("07700 900123", "Ann");
  future_birthday.profile.birthday = "2030-01-01";
  cases.push_back({future_birthday, "invalid_birthday"});
  EnrolRequest bad_gender = ByPhone("07700 900123", "Ann");
  bad_gender.profile.gender = "robot";
  cases.push_back({bad_gender, "invalid_gender"});
  EnrolRequest bad_card;
  bad_card.card = "x";
  bad_card.profile.name = "Ann";
  cases.push_back({bad_card, "invalid_card"});
  for (const Case& c : cases) {
    auto result = f.till().Enrol(c.request);
    CHECK_MESSAGE(result.status().reason() == c.reason, result.status().ToString());
    CHECK(result.status().code() == StatusCode::kInvalidArgument);
  }
  CHECK(f.Snapshot() == before);
}

TEST_CASE("look-ups report unknown members and invalid keys distinctly") {
  TerminalFixture f;
  CHECK(f.till().FindByPhone("07700 900999").status().reason() == "unknown_member");
  CHECK(f.till().FindByPhone("abc").status().reason() == "invalid_phone");
  CHECK(f.till().FindById("not-a-uuid").status().reason() == "invalid_member_id");
  CHECK(f.till().FindById("0190f0e0-0000-7000-8000-000000000000").status().reason() ==
        "unknown_member");
  CHECK(f.till().FindByCard("CARD-404").status().reason() == "unknown_member");
}

TEST_CASE("a profile update changes only the given fields, last writer wins") {
  TerminalFixture f;
  Member m = f.Enrol("07700 900123", "Ann");
  f.AdvanceMs(1000);
  ProfilePatch patch;
  patch.email = "ann@example.org";
  patch.email_consent = true;
  auto updated = f.till().UpdateProfile(m.member_id, patch);
  REQUIRE(updated.ok());
  CHECK(updated->email == "ann@example.org");
  CHECK(updated->email_consent);
  CHECK(updated->name == "Ann");
  CHECK_FALSE(updated->sms_consent);

  ProfilePatch clear;
  clear.email = "";
  REQUIRE(f.till().UpdateProfile(m.member_id, clear).ok());
  CHECK_FALSE(f.Get(m.member_id).email.has_value());

  // Each register records the HLC and origin of its last write.
  const int64_t name_hlc = f.db().QueryInt64("SELECT name_hlc FROM members").value();
  const int64_t email_hlc = f.db().QueryInt64("SELECT email_hlc FROM members").value();
  CHECK(email_hlc > name_hlc);
  CHECK(f.db().QueryString("SELECT email_origin FROM members").value() == "S001-T01");
}

TEST_CASE("profile updates survive a clock that steps backwards") {
  TerminalFixture f;
  Member m = f.Enrol("07700 900123", "Ann");
  ProfilePatch first;
  first.name = "Ann One";
  REQUIRE(f.till().UpdateProfile(m.member_id, first).ok());
  f.AdvanceMs(-3'600'000);  // an hour back
  ProfilePatch second;
  second.name = "Ann Two";
  REQUIRE(f.till().UpdateProfile(m.member_id, second).ok());
  CHECK(f.Get(m.member_id).name == "Ann Two");
}

TEST_CASE("bad profile updates are refused and write nothing") {
  TerminalFixture f;
  Member m = f.Enrol("07700 900123", "Ann");
  const std::string before = f.Snapshot();
  CHECK(f.till().UpdateProfile(m.member_id, ProfilePatch{}).status().reason() == "empty_update");
  ProfilePatch bad_name;
  bad_name.name = "";
  CHECK(f.till().UpdateProfile(m.member_id, bad_name).status().reason() == "invalid_name");
  ProfilePatch ok_patch;
  ok_patch.gender = "other";
  CHECK(f.till().UpdateProfile("0190f0e0-0000-7000-8000-000000000000", ok_patch)
            .status()
            .reason() == "unknown_member");
  CHECK(f.Snapshot() == before);
}

}  // namespace
}  // namespace patron::terminal

// The members' offers under the version in force of head office's "offers"
// set (store/offer_store.h): replaced whole, read one member at a time.
#include "store/offer_store.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "patron/record/record_json.h"
#include "terminal_fixture.h"

namespace patron::terminal {
namespace {

const Offer kTeaAgain{"tea", "again", "", 61};
const Offer kCupsWithTea{"cups", "together", "tea", 133};
const Offer kBreadAgain{"bread", "again", "", 45};

record::RawJson Row(const MemberOffers& member) { return {record::EncodeRecord(member)}; }

TEST_CASE("offer store: a member has the offers of the version in force, none before one") {
  TerminalFixture f;
  OfferStore store(f.db());
  CHECK(store.Of("m-1").value().empty());

  record::DecodeNotes notes;
  REQUIRE(store
              .Replace({Row({"m-1", {kTeaAgain, kCupsWithTea}}), Row({"m-2", {kBreadAgain}}),
                        Row({"m-3", {}})},
                       notes)
              .ok());
  CHECK(notes.empty());
  CHECK(store.Of("m-1").value() == std::vector<Offer>{kTeaAgain, kCupsWithTea});  // in order
  CHECK(store.Of("m-2").value() == std::vector<Offer>{kBreadAgain});
  CHECK(store.Of("m-3").value().empty());  // no offers: no row
  CHECK(f.Count("member_offers") == 2);

  // The next version replaces all of it: m-1 is gone, m-2's offers changed.
  REQUIRE(store.Replace({Row({"m-2", {kCupsWithTea}})}, notes).ok());
  CHECK(store.Of("m-1").value().empty());
  CHECK(store.Of("m-2").value() == std::vector<Offer>{kCupsWithTea});
  CHECK(f.Count("member_offers") == 1);

  // A version without rows: nobody has offers.
  REQUIRE(store.Replace({}, notes).ok());
  CHECK(f.Count("member_offers") == 0);
  CHECK(notes.empty());
}

TEST_CASE("offer store: a member with two rows has both rows' offers, in the set's order") {
  TerminalFixture f;
  OfferStore store(f.db());
  record::DecodeNotes notes;
  REQUIRE(
      store.Replace({Row({"m-1", {kBreadAgain}}), Row({"m-1", {kTeaAgain, kCupsWithTea}})}, notes)
          .ok());
  CHECK(store.Of("m-1").value() == std::vector<Offer>{kBreadAgain, kTeaAgain, kCupsWithTea});
}

TEST_CASE("offer store: rows and fields this build cannot read are left out and noted") {
  TerminalFixture f;
  OfferStore store(f.db());
  record::DecodeNotes notes;
  // As a newer head office might send: a row without its member, an offer
  // missing its category, an offer with a field added later, and not JSON.
  REQUIRE(
      store
          .Replace({{R"({"member":"m-1","offers":[]})"},
                    {R"({"member_id":"m-2","offers":[{"reason":"again","with":"","score":3}]})"},
                    {R"({"member_id":"m-3","offers":[{"category":"tea","reason":"again",)"
                     R"("with":"","score":61,"sku":"T-1"}]})"},
                    {"not json"},
                    Row({"m-4", {kBreadAgain}})},
                   notes)
          .ok());
  CHECK(store.Of("m-1").value().empty());
  CHECK(store.Of("m-2").value().empty());
  CHECK(store.Of("m-3").value() == std::vector<Offer>{kTeaAgain});  // the fields it knows
  CHECK(store.Of("m-4").value() == std::vector<Offer>{kBreadAgain});
  CHECK(f.Count("member_offers") == 2);
  std::string noted;
  for (const std::string& what : notes.unknown()) noted += what + "; ";
  INFO(noted);
  REQUIRE(notes.unknown().size() == 5);
  CHECK(notes.unknown()[0] == "member_offers.member");  // the unknown field, then the row
  CHECK(notes.unknown()[1].starts_with("offers row: "));
  CHECK(notes.unknown()[1].find("member_id") != std::string::npos);
  CHECK(notes.unknown()[2].starts_with("offers row: "));
  CHECK(notes.unknown()[2].find("category") != std::string::npos);
  CHECK(notes.unknown()[3] == "offer.sku");
  CHECK(notes.unknown()[4].starts_with("offers row: "));  // not JSON
}

}  // namespace
}  // namespace patron::terminal

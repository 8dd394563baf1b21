// Next-best offers end to end (offer.h, DESIGN.md §10): head office's
// metrics run recommends from what members bought, ships the offers to
// every till as the replace-all set "offers", and the till answers them at
// GET /v1/members/{id}/offers and in the quote, offline too.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/local_api.h"
#include "chain.h"
#include "patron/offer.h"
#include "patron/record/record_json.h"
#include "support/sale_lines.h"

namespace patron {
namespace {

using nlohmann::json;
using terminal::LocalApi;
using terminal::SaleRequest;
using terminal::SyncHooks;
using testing::Chain;
using testing::Line;

constexpr int64_t kDayMs = 24 * 60 * 60 * 1000;

// A sale at till `i` of one line of each of `categories`, 10.00 each.
void Buy(Chain& chain, size_t i, const std::string& ref, const std::string& member_id,
         const std::vector<std::string>& categories) {
  SaleRequest sale;
  sale.sale_ref = ref;
  sale.member_id = member_id;
  for (const std::string& category : categories) {
    sale.lines.push_back(Line(category + "-1", 1, 1'000, category));
    sale.amount_minor += 1'000;
  }
  auto sold = chain.till(i).Checkout(sale);
  REQUIRE_MESSAGE(sold.ok(), sold.status().ToString());
}

// One request to till `i`'s local API, as patrond serves it; the JSON answer.
json Call(Chain& chain, size_t i, const std::string& method, const std::string& target,
          int expected_status, const std::string& body = "") {
  LocalApi api(chain.till(i), SyncHooks{});
  HttpRequest request;
  request.method = method;
  request.target = target;
  request.path = target;
  request.body = body;
  request.content_type = body.empty() ? "" : "application/json";
  const HttpResponse response = api.Handle(request);
  INFO(method, " ", target, " -> ", response.status, " ", response.body);
  CHECK(response.status == expected_status);
  json parsed = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  REQUIRE_FALSE(parsed.is_discarded());
  return parsed;
}

json OffersAt(Chain& chain, size_t i, const std::string& member_id) {
  return Call(chain, i, "GET", "/v1/members/" + member_id + "/offers", 200)["offers"];
}

json QuotedOffers(Chain& chain, size_t i, const std::string& member_id) {
  const json quote = Call(chain, i, "POST", "/v1/quote", 200,
                          R"({"member_id":")" + member_id + R"(","amount_minor":2500})");
  CHECK(quote["points_to_earn"] == 25);
  return quote["offers"];
}

json AsJson(const std::vector<Offer>& offers) {
  json list = json::array();
  for (const Offer& offer : offers) list.push_back(json::parse(record::EncodeRecord(offer)));
  return list;
}

// Ann buys tea; five members buy tea and cups together, two only bread;
// Bob buys nothing. Every sale reaches head office.
struct Shoppers {
  explicit Shoppers(Chain& chain) {
    ann = chain.Enrol(0, "+86 138 0013 8000", "王芳").member_id;
    bob = chain.Enrol(1, "+86 138 0013 8001", "李伟").member_id;  // never buys
    Buy(chain, 0, "A-1", ann, {"tea"});
    for (int k = 0; k < 5; ++k) {
      const std::string id =
          chain.Enrol(k % 2, "+86 138 0013 810" + std::to_string(k), "P").member_id;
      Buy(chain, k % 2, "P-" + std::to_string(k), id, {"tea", "cups"});
    }
    for (int k = 0; k < 2; ++k) {
      const std::string id = chain.Enrol(1, "+86 138 0013 820" + std::to_string(k), "Q").member_id;
      Buy(chain, 1, "Q-" + std::to_string(k), id, {"bread"});
    }
    chain.SyncAll();
  }
  std::string ann;
  std::string bob;
};

// 60 days later. Tea: her favourite, not bought for 60 days (lapsed after
// max(30, twice her purchase interval) days; she bought once). Cups: 5 of
// the 6 tea buyers bought cups, 5 of all 8 buyers did: lift (5/6) / (5/8)
// = 1.33.
const std::vector<Offer> kAnnsOffers = {{"tea", "again", "", 60}, {"cups", "together", "tea", 133}};

TEST_CASE("offers: head office's run reaches every till, its API and its quote, offline too") {
  Chain chain(2);
  const Shoppers shoppers(chain);
  const std::string& ann = shoppers.ann;

  // Before any run, no offers, and the quote lists none.
  CHECK(OffersAt(chain, 0, ann) == json::array());
  CHECK(QuotedOffers(chain, 0, ann) == json::array());

  chain.now_ms += 60 * kDayMs;
  REQUIRE(chain.service().RunSegments().ok());
  const sync::MemberMetrics metrics =
      chain.service().analytics().Member(ann).value().metrics.value();
  REQUIRE(metrics.offers.size() == 2);
  chain.SyncAll();

  for (size_t i = 0; i < chain.size(); ++i) {
    INFO("till ", i);
    CHECK(chain.till(i).Offers(ann).value() == kAnnsOffers);
    CHECK(OffersAt(chain, i, ann) == AsJson(kAnnsOffers));
    CHECK(OffersAt(chain, i, ann)[1] ==
          json{{"category", "cups"}, {"reason", "together"}, {"with", "tea"}, {"score", 133}});
    CHECK(QuotedOffers(chain, i, ann) == AsJson(kAnnsOffers));
    CHECK(OffersAt(chain, i, shoppers.bob) == json::array());  // bought nothing: nothing to offer
  }

  // Offline, and after a restart: the till answers from its own database.
  chain.SetOffline(true);
  chain.WhileStopped(0, [](terminal::TerminalOptions&) {});
  CHECK(OffersAt(chain, 0, ann) == AsJson(kAnnsOffers));
  CHECK(QuotedOffers(chain, 0, ann) == AsJson(kAnnsOffers));
  // A sale offline takes nothing away: offers are head office's, per run.
  Buy(chain, 0, "A-2", ann, {"tea"});
  CHECK(QuotedOffers(chain, 0, ann) == AsJson(kAnnsOffers));

  // An unknown member is 404, as for the member itself.
  const std::string nobody = "54d3f57c-de2d-8bd1-9d7f-370684540359";
  CHECK(Call(chain, 0, "GET", "/v1/members/" + nobody + "/offers", 404)["error"]["code"] ==
        "unknown_member");

  // Back online: the sale reaches head office, whose next run no longer
  // offers tea again (bought today); the next version replaces the offers.
  chain.SetOffline(false);
  chain.SyncAll();
  REQUIRE(chain.service().RunSegments().ok());
  chain.SyncAll();
  const std::vector<Offer> now = {{"cups", "together", "tea", 133}};
  for (size_t i = 0; i < chain.size(); ++i) {
    INFO("till ", i);
    CHECK(OffersAt(chain, i, ann) == AsJson(now));
    CHECK(QuotedOffers(chain, i, ann) == AsJson(now));
  }
}

TEST_CASE("offers: a till keeps syncing past rows it cannot read, and says it needs an upgrade") {
  Chain chain(1);
  const std::string ann = chain.Enrol(0, "+86 138 0013 8000", "王芳").member_id;
  const std::string bob = chain.Enrol(0, "+86 138 0013 8001", "李伟").member_id;
  chain.SyncAll();
  REQUIRE_FALSE(chain.till(0).Status()->upgrade_needed);

  // As a newer head office might send: Ann's row names its member
  // differently, Bob's offer carries a field added later.
  const std::vector<record::RawJson> rows = {
      {R"({"member":")" + ann +
       R"(","offers":[{"category":"tea","reason":"again","with":"",)"
       R"("score":9}]})"},
      {R"({"member_id":")" + bob +
       R"(","offers":[{"category":"cups","reason":"together",)"
       R"("with":"tea","score":150,"sku":"C-7"}]})"}};
  REQUIRE(chain.service().PublishSet(kOffersSet, 1, rows).ok());
  // The sync goes on past the set: a sale's entry still goes up.
  auto sold = chain.Sell(0, "R-1", ann, 1'000);
  REQUIRE(sold.ok());
  chain.SyncAll();

  CHECK(chain.till(0).Offers(ann).value().empty());
  CHECK(chain.till(0).Offers(bob).value() == std::vector<Offer>{{"cups", "together", "tea", 150}});
  const terminal::TerminalStatus status = chain.till(0).Status().value();
  CHECK(status.upgrade_needed);
  CHECK(status.pending_entries == 0);  // the sale's entry reached head office
  CHECK(chain.ServerMembers().at(ann).balance == 10);
}

}  // namespace
}  // namespace patron

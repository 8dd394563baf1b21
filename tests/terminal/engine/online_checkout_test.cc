// CheckoutWithGrant: when the terminal holds too few rights it asks the
// server for the shortfall under an id that a retry can repeat safely.
#include "patron/terminal/online_checkout.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "terminal_fixture.h"

namespace patron::terminal {
namespace {

struct GrantCall {
  std::string member_id;
  int64_t points = 0;
  std::string request_id;
};

// A sync server that cannot be reached; it records what it was asked.
GrantFn UnreachableServer(std::vector<GrantCall>& calls) {
  return [&calls](std::string_view member, int64_t points, std::string_view id) {
    calls.push_back({std::string(member), points, std::string(id)});
    return Status::Unavailable("no route to the sync server");
  };
}

SaleRequest Redeem(const std::string& ref, const std::string& member_id, int64_t points) {
  SaleRequest sale;
  sale.sale_ref = ref;
  sale.member_id = member_id;
  sale.amount_minor = 100'000;
  sale.redeem_points = points;
  return sale;
}

TEST_CASE("a redemption beyond local rights asks for the shortfall; a retry asks the same") {
  TerminalFixture f;
  const Member m = f.Enrol("07700 900201");
  f.SetServerView(m.member_id, 1, 1'000, 0);  // 1,000 points, all held elsewhere
  std::vector<GrantCall> calls;

  auto refused = CheckoutWithGrant(f.till(), Redeem("R-1", m.member_id, 300), UnreachableServer(calls));
  CHECK(refused.status().reason() == "authorisation_unavailable");
  REQUIRE(calls.size() == 1);
  CHECK(calls[0].member_id == m.member_id);
  CHECK(calls[0].points == 300);
  CHECK(calls[0].request_id.size() <= 64);

  // The POS tries again: nothing changed here, so the same grant is asked
  // for (a server that did answer the first time answers with that grant).
  (void)CheckoutWithGrant(f.till(), Redeem("R-1", m.member_id, 300), UnreachableServer(calls));
  REQUIRE(calls.size() == 2);
  CHECK(calls[1].request_id == calls[0].request_id);

  // Another receipt is another grant.
  (void)CheckoutWithGrant(f.till(), Redeem("R-2", m.member_id, 300), UnreachableServer(calls));
  REQUIRE(calls.size() == 3);
  CHECK(calls[2].request_id != calls[0].request_id);
}

TEST_CASE("once the journal has moved on, a retry asks afresh, for the shortfall it finds") {
  TerminalFixture f;
  const Member m = f.Enrol("07700 900202");
  f.SetServerView(m.member_id, 1, 1'000, 0);
  std::vector<GrantCall> calls;
  (void)CheckoutWithGrant(f.till(), Redeem("R-1", m.member_id, 300), UnreachableServer(calls));
  // A sale here earns 100 points of this terminal's own (and moves the
  // journal, as a hand-back of a received grant would).
  REQUIRE(f.Sell("R-0", m.member_id, 10'000).ok());
  (void)CheckoutWithGrant(f.till(), Redeem("R-1", m.member_id, 300), UnreachableServer(calls));
  REQUIRE(calls.size() == 2);
  CHECK(calls[1].points == 200);
  CHECK(calls[1].request_id != calls[0].request_id);
}

TEST_CASE("the server's refusal reaches the POS as it is; enough rights need no server") {
  TerminalFixture f;
  const Member m = f.Enrol("07700 900203");
  f.SetServerView(m.member_id, 1, 1'000, 0);
  int asked = 0;
  GrantFn refusing = [&asked](std::string_view, int64_t, std::string_view) {
    ++asked;
    return Status::FailedPrecondition("the server can grant 0 points", "insufficient_points");
  };
  auto refused = CheckoutWithGrant(f.till(), Redeem("R-1", m.member_id, 300), refusing);
  CHECK(refused.status().reason() == "insufficient_points");
  CHECK(asked == 1);

  REQUIRE(f.Sell("R-0", m.member_id, 50'000).ok());  // 500 points of its own
  auto paid = CheckoutWithGrant(f.till(), Redeem("R-2", m.member_id, 300), refusing);
  REQUIRE_MESSAGE(paid.ok(), paid.status().ToString());
  CHECK(paid->redeemed_points == 300);
  CHECK(asked == 1);
}

}  // namespace
}  // namespace patron::terminal

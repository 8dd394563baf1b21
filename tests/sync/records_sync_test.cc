// The up-channel end to end: sales with their lines and refunds written at
// the till, in the transaction of the sale, reach head office once each,
// whatever is lost or repeated on the way.
#include <doctest/doctest.h>

#include "chain.h"
#include "support/sale_lines.h"

namespace patron {
namespace {

using testing::Chain;

terminal::SaleRequest Basket(const std::string& ref, const std::string& member) {
  terminal::SaleRequest sale;
  sale.sale_ref = ref;
  sale.member_id = member;
  SaleLine tea = testing::Line("TEA-500", 2, 1'800, "grocery");
  tea.name = "龙井茶 Longjing 500g";
  tea.discount_minor = 200;
  SaleLine cig = testing::Line("CIG-20", 1, 1'200, "tobacco");
  sale.lines = {tea, cig};
  sale.amount_minor = 3'000;
  return sale;
}

TEST_CASE("records: every sale with its lines and every refund reaches head office once") {
  Chain chain(2);
  const std::string ann = chain.Enrol(0, "+86 138 0013 8000", "王芳").member_id;
  chain.SetOffline(true);
  auto sold = chain.till(0).Checkout(Basket("R-1", ann));
  REQUIRE_MESSAGE(sold.ok(), sold.status().ToString());
  CHECK(sold->sale_id == "S001-T01/R-1");
  terminal::RefundRequest refund;
  refund.sale_ref = "R-1";
  refund.refund_ref = "F-1";
  refund.lines = {{0, 1}};
  REQUIRE(chain.till(0).Refund(refund).ok());
  CHECK(chain.till(0).Status()->pending_records == 2);
  CHECK_FALSE(chain.client(0).SyncOnce().ok());
  CHECK_FALSE(chain.service().FindSale("S001-T01/R-1")->has_value());

  // Back online, but the first push's reply is lost: the records went in,
  // the till does not know, and sends them again.
  chain.SetOffline(false);
  chain.net(0).lose_next_push_reply = true;
  CHECK_FALSE(chain.client(0).SyncOnce().ok());
  CHECK(chain.till(0).Status()->pending_records == 2);
  chain.SyncAll();
  const terminal::TerminalStatus status = *chain.till(0).Status();
  CHECK(status.pending_records == 0);
  CHECK(status.refused_records == 0);

  auto stored = chain.service().FindSale("S001-T01/R-1");
  REQUIRE(stored.ok());
  REQUIRE(stored->has_value());
  const SaleRecord& sale = (*stored)->sale;
  CHECK(sale.member_id == ann);
  CHECK(sale.store_id == "S001");
  CHECK(sale.earned_points == sold->earned_points);
  REQUIRE(sale.lines.size() == 2);
  CHECK(sale.lines[0].name == "龙井茶 Longjing 500g");
  CHECK(sale.lines[0].discount_minor == 200);
  CHECK(sale.lines[1].category == "tobacco");
  CHECK((*stored)->refunded_qty == std::vector<int64_t>{1, 0});
  CHECK((*stored)->refunded_amount_minor == 900);
  auto refunds = chain.service().RefundsOfSale("S001-T01/R-1");
  REQUIRE(refunds->size() == 1);
  CHECK((*refunds)[0].status == sync::RefundStatus::kApplied);
  CHECK((*refunds)[0].refund.entry_ids.size() == 1);
  CHECK(chain.service().counters().records_filed == 2);
  CHECK(chain.service().counters().records_duplicate == 2);
}

}  // namespace
}  // namespace patron

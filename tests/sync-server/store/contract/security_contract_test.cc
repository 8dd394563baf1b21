// Store contract: the security role (security_store.h): what head office
// refused from tills, appended and read back in order.
// Runs against every implementation (store_implementations.h).
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "contract/contract_support.h"
#include "contract/store_implementations.h"
#include "support/temp_dir.h"

namespace patron::sync::contract {
namespace {

using testing::TempDir;

SecurityEvent Event(std::string subject, std::string reason) {
  SecurityEvent e;
  e.at_ms = 1'780'315'200'000;
  e.terminal_id = "S001-T01";
  e.store_id = "S001";
  e.subject = std::move(subject);
  e.reason = std::move(reason);
  e.message = "refused: \"why\" 理由";
  e.body = record::RawJson{R"({"id":"S001-T01/1","kind":"adjust"})"};
  return e;
}

TEST_CASE_TEMPLATE("security events are appended with ascending ids and read back in order", Impl,
                   PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  std::vector<int64_t> ids;
  {
    auto txn = Write(*store);
    for (int i = 1; i <= 3; ++i) {
      ids.push_back(
          txn->AppendSecurityEvent(Event("S001-T01/" + std::to_string(i), "kind_not_allowed"))
              .value());
    }
    REQUIRE(txn->Commit().ok());
  }
  CHECK(ids[0] < ids[1]);
  CHECK(ids[1] < ids[2]);
  auto txn = Read(*store);
  const std::vector<SecurityEvent> all = txn->SecurityEvents(0, 10).value();
  REQUIRE(all.size() == 3);
  SecurityEvent expected = Event("S001-T01/1", "kind_not_allowed");
  expected.event_id = ids[0];
  CHECK(all[0] == expected);
  CHECK(all[2].subject == "S001-T01/3");
  const std::vector<SecurityEvent> page = txn->SecurityEvents(ids[0], 1).value();
  REQUIRE(page.size() == 1);
  CHECK(page[0].event_id == ids[1]);
  CHECK(txn->SecurityEvents(ids[2], 10).value().empty());
  CHECK(txn->SecurityEvents(0, 0).value().empty());
  CHECK(Read(*store)->AppendSecurityEvent(Event("x", "y")).status().IsFailedPrecondition());
}

TEST_CASE_TEMPLATE("security events are part of the transaction: a rollback leaves none", Impl,
                   PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  {
    auto txn = Write(*store);
    REQUIRE(txn->AppendSecurityEvent(Event("S001-T01/1", "out_of_bounds")).ok());
  }  // dropped: rolled back
  CHECK(Read(*store)->SecurityEvents(0, 10).value().empty());
}

}  // namespace
}  // namespace patron::sync::contract

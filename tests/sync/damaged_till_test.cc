// Start-up integrity (issue 15): a till whose database lost a page is found
// out by CheckTerminalDatabase, and RecoverTerminalDatabase rebuilds it from
// what is its own (journal, sales, refunds, outbox) and from head office
// (members), after which it converges with the chain as if nothing had
// happened. A damaged journal is refused, and the file left as it was.
#include <doctest/doctest.h>

#include <filesystem>

#include "chain.h"
#include "patron/sql/database.h"
#include "patron/terminal/database_repair.h"
#include "support/damaged_page.h"

namespace patron {
namespace {

using terminal::CheckTerminalDatabase;
using terminal::RecoverTerminalDatabase;
using testing::Chain;
using testing::DamageTable;

TEST_CASE("a till with a damaged member table is found out, rebuilt, and converges") {
  Chain chain(2);
  const std::string ann = chain.Enrol(0, "+86 138 0013 8020", "孙丽").member_id;
  const std::string bob = chain.Enrol(0, "+86 138 0013 8021", "周强").member_id;
  REQUIRE(chain.Sell(0, "R-1", ann, 5'000).ok());
  chain.SyncAll();
  REQUIRE(chain.Sell(1, "R-2", bob, 2'000).ok());
  chain.SyncAll();
  // Offline, the till sells and refunds; none of it has reached head office.
  chain.net(0).offline = true;
  REQUIRE(chain.Sell(0, "R-3", ann, 3'000).ok());
  terminal::RefundRequest refund;
  refund.sale_ref = "R-1";
  refund.refund_ref = "F-1";
  refund.amount_minor = 1'000;
  REQUIRE(chain.till(0).Refund(refund).ok());
  const int64_t journal_seq = chain.till(0).Status()->journal_seq;

  chain.WhileStopped(0, [&](const terminal::TerminalOptions& options) {
    auto sound = CheckTerminalDatabase(options.db_path);
    REQUIRE_MESSAGE(sound.ok(), sound.status().ToString());
    CHECK(sound->ok());

    REQUIRE(DamageTable(options.db_path, "members").ok());
    auto damaged = CheckTerminalDatabase(options.db_path);
    REQUIRE(damaged.ok());
    REQUIRE_FALSE(damaged->ok());
    INFO(damaged->problems.front());

    auto recovered = RecoverTerminalDatabase(options, 1'000);
    REQUIRE_MESSAGE(recovered.ok(), recovered.status().ToString());
    CHECK(recovered->damaged_path == options.db_path + ".damaged-1000");
    CHECK(std::filesystem::exists(recovered->damaged_path));
    CHECK(recovered->sales == 2);  // R-2 was another till's
    CHECK(recovered->refunds == 1);
    CHECK(recovered->members == 2);  // both were enrolled here (the profile outbox)
    auto rebuilt = CheckTerminalDatabase(options.db_path);
    REQUIRE(rebuilt.ok());
    CHECK(rebuilt->ok());
  });

  // The journal goes on where it was; the sale made offline is still known.
  CHECK(chain.till(0).Status()->journal_seq == journal_seq);
  auto replay = chain.Sell(0, "R-3", ann, 3'000);
  REQUIRE(replay.ok());
  CHECK(replay->replayed);
  chain.net(0).offline = false;
  chain.SyncAll();
  testing::CheckConverged(chain);
  // 50 - 10 + 30 for Ann, 20 for Bob, on both tills and at head office.
  CHECK(chain.ServerMembers().at(ann).balance == 70);
  CHECK(chain.till(0).FindById(ann)->balance == 70);
  CHECK(chain.till(0).FindByPhone("+86 138 0013 8021")->balance == 20);
  CHECK(chain.till(0).Status()->pending_entries == 0);
  CHECK(chain.till(0).Status()->refused_records == 0);
}

TEST_CASE("a till whose own figures disagree with its journal fails its check") {
  Chain chain(1);
  const std::string ann = chain.Enrol(0, "+86 138 0013 8022", "吴敏").member_id;
  REQUIRE(chain.Sell(0, "R-1", ann, 5'000).ok());
  chain.WhileStopped(0, [&](const terminal::TerminalOptions& options) {
    {
      auto db = sql::Database::Open(options.db_path).value();
      REQUIRE(db->Execute("UPDATE members SET local_rights = local_rights + 5000").ok());
    }
    auto found = CheckTerminalDatabase(options.db_path);
    REQUIRE(found.ok());
    REQUIRE(found->problems.size() == 1);
    CHECK(found->problems[0] ==
          "member " + ann + ": this terminal's rights are 5050 but its journal gives 50");
  });
}

TEST_CASE("a damaged journal is not rebuilt: the file stays where it was") {
  Chain chain(1);
  const std::string ann = chain.Enrol(0, "+86 138 0013 8023", "郑华").member_id;
  for (int i = 0; i < 3; ++i) REQUIRE(chain.Sell(0, "R-" + std::to_string(i), ann, 1'000).ok());
  chain.WhileStopped(0, [&](const terminal::TerminalOptions& options) {
    REQUIRE(DamageTable(options.db_path, "ledger", 600).ok());
    auto recovered = RecoverTerminalDatabase(options, 2'000);
    REQUIRE_FALSE(recovered.ok());
    CHECK(recovered.status().reason() == "journal_damaged");
    CHECK(std::filesystem::exists(options.db_path));
    CHECK_FALSE(std::filesystem::exists(options.db_path + ".damaged-2000"));
    // Put back as it was: the check still finds the damage.
    CHECK_FALSE(CheckTerminalDatabase(options.db_path)->ok());
    // Let the chain reopen a till: this test is about the refusal.
    std::filesystem::remove(options.db_path);
  });
}

}  // namespace
}  // namespace patron

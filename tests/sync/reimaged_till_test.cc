// A lost or replaced till never reuses an id (DESIGN.md §4). Head office
// keeps each terminal's highest journal sequence and answers every push and
// pull with it. A till whose database is lost (a new disk, a re-imaged box)
// writes no points until it has heard that mark, then goes on above it: its
// sales reach head office without one conflict. A till whose database was
// rolled back (a restored backup) learns the mark at its next sync, jumps
// over it, and what it wrote meanwhile under used ids is refused, not stuck.
// Head office logs both in its security log with what it last received.
#include <doctest/doctest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "chain.h"
#include "patron/ledger.h"
#include "patron/terminal/database_repair.h"

namespace patron {
namespace {

using testing::Chain;

void RemoveDatabase(const std::string& db_path) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db_path + suffix);
}

std::vector<sync::SecurityEvent> EventsWithReason(Chain& chain, std::string_view reason) {
  auto events = chain.service().SecurityEvents(0, 100);
  REQUIRE(events.ok());
  std::vector<sync::SecurityEvent> found;
  for (const sync::SecurityEvent& event : *events) {
    if (event.reason == reason) found.push_back(event);
  }
  return found;
}

TEST_CASE(
    "a re-imaged till learns head office's mark before it writes points, then syncs "
    "without a conflict") {
  Chain chain(2);
  const std::string ann = chain.Enrol(0, "+86 138 0013 8030", "钱敏").member_id;
  REQUIRE(chain.Sell(0, "R-1", ann, 5'000).ok());
  REQUIRE(chain.Sell(0, "R-2", ann, 3'000).ok());
  chain.SyncAll();
  const int64_t mark = chain.till(0).Status()->journal_seq;
  REQUIRE(mark >= 2);
  // Sold while head office was out of reach, then the disk died with it.
  chain.net(0).offline = true;
  REQUIRE(chain.Sell(0, "R-3", ann, 2'000).ok());
  const int64_t last_push_ms = chain.now_ms;
  chain.now_ms += 60'000;

  chain.WhileStopped(0, [](terminal::TerminalOptions& options) {
    RemoveDatabase(options.db_path);
    options.await_journal_mark = true;  // as patrond with a head office
  });
  auto fresh = chain.till(0).Status();
  REQUIRE(fresh.ok());
  CHECK_FALSE(fresh->journal_confirmed);
  CHECK(fresh->journal_seq == 0);

  // Offline, a member enrolled at the new till may not earn yet: the till
  // does not know which ids its predecessor used. Nothing is written.
  const std::string bob = chain.Enrol(0, "+86 138 0013 8031", "孙伟").member_id;
  auto early = chain.Sell(0, "R-100", bob, 4'000);
  REQUIRE_FALSE(early.ok());
  CHECK(early.status().reason() == "journal_unconfirmed");
  CHECK(chain.till(0).Status()->pending_entries == 0);
  CHECK_FALSE(chain.till(0).FindSale("R-100").ok());

  chain.net(0).offline = false;
  auto first = chain.client(0).SyncOnce();
  REQUIRE_MESSAGE(first.ok(), first.status().ToString());
  CHECK(first->journal_restarted);
  auto after = chain.till(0).Status();
  REQUIRE(after.ok());
  CHECK(after->journal_confirmed);
  REQUIRE(after->journal_restart.at_ms.has_value());
  CHECK(after->journal_restart.head_office_high_seq == mark);
  CHECK(after->journal_restart.from_seq == 1);

  // The new till sells above the mark, and everything reaches head office.
  auto sale = chain.Sell(0, "R-100", bob, 4'000);
  REQUIRE_MESSAGE(sale.ok(), sale.status().ToString());
  REQUIRE(sale->entry_ids.size() == 1);
  CHECK(sale->entry_ids[0] == MakeEntryId("S001-T01", mark + 1));
  REQUIRE(chain.Sell(0, "R-101", ann, 1'000).ok());
  auto second = chain.client(0).SyncOnce();
  REQUIRE_MESSAGE(second.ok(), second.status().ToString());
  CHECK(second->entries_refused == 0);
  CHECK_FALSE(second->journal_restarted);
  CHECK(chain.till(0).Status()->pending_entries == 0);
  CHECK(chain.till(0).Status()->refused_entries == 0);
  chain.SyncAll();
  CHECK(chain.ServerMembers().at(bob).balance == 40);
  CHECK(chain.ServerMembers().at(ann).balance == 50 + 30 + 10);  // R-3's 20 died with the disk
  testing::CheckConverged(chain);

  // Head office said so once, with what it last had from the old database.
  auto behind = EventsWithReason(chain, "journal_behind");
  REQUIRE(behind.size() == 1);
  CHECK(behind[0].terminal_id == "S001-T01");
  INFO(behind[0].message);
  CHECK(behind[0].message.find("up to " + std::to_string(mark)) != std::string::npos);
  auto body = nlohmann::json::parse(behind[0].body.text);
  CHECK(body["journal_high_seq"] == mark);
  CHECK(body["journal_next_seq"] == 1);
  CHECK(body["last_contact_ms"] <= last_push_ms);
  CHECK(body["last_contact_ms"] > 0);
}

TEST_CASE(
    "a re-imaged till that must sell before it reaches head office starts a new "
    "incarnation; head office logs it and nothing conflicts") {
  Chain chain(1);
  const std::string ann = chain.Enrol(0, "+86 138 0013 8060", "周杰").member_id;
  REQUIRE(chain.Sell(0, "R-1", ann, 5'000).ok());
  chain.SyncAll();
  const int64_t mark = chain.till(0).Status()->journal_seq;
  chain.WhileStopped(0, [](terminal::TerminalOptions& options) {
    RemoveDatabase(options.db_path);
    options.await_journal_mark = true;
  });
  chain.net(0).offline = true;
  const std::string bob = chain.Enrol(0, "+86 138 0013 8061", "吴刚").member_id;
  REQUIRE(chain.Sell(0, "R-2", bob, 4'000).status().reason() == "journal_unconfirmed");
  // What patrond does when its sync round cannot reach head office.
  REQUIRE(chain.till(0).StartJournalIncarnation().ok());
  auto sale = chain.Sell(0, "R-2", bob, 4'000);
  REQUIRE_MESSAGE(sale.ok(), sale.status().ToString());
  auto status = chain.till(0).Status();
  REQUIRE(status->journal_incarnation.at_ms.has_value());
  const int64_t first = status->journal_incarnation.first_seq;
  CHECK(first >= int64_t{1} << 40);
  CHECK(first < int64_t{1} << 52);
  CHECK(sale->entry_ids[0] == MakeEntryId("S001-T01", first));
  CHECK(chain.till(0).StartJournalIncarnation().ok());  // once only
  CHECK(chain.till(0).Status()->journal_incarnation.first_seq == first);

  chain.net(0).offline = false;
  auto report = chain.client(0).SyncOnce();
  REQUIRE_MESSAGE(report.ok(), report.status().ToString());
  CHECK(report->entries_refused == 0);
  CHECK_FALSE(report->journal_restarted);  // the journal is already above the mark
  CHECK(chain.till(0).Status()->pending_entries == 0);
  chain.SyncAll();
  CHECK(chain.ServerMembers().at(bob).balance == 40);
  CHECK(chain.ServerMembers().at(ann).balance == 50);
  testing::CheckConverged(chain);
  auto events = EventsWithReason(chain, "journal_incarnation");
  REQUIRE(events.size() == 1);
  INFO(events[0].message);
  CHECK(events[0].message.find("up to " + std::to_string(mark)) != std::string::npos);
  CHECK(EventsWithReason(chain, "journal_behind").empty());  // it was never behind
}

TEST_CASE(
    "a till restored from an old backup jumps over the mark; what it wrote under used "
    "ids is refused, and it keeps syncing") {
  Chain chain(2);
  const std::string ann = chain.Enrol(0, "+86 138 0013 8040", "李娜").member_id;
  REQUIRE(chain.Sell(0, "R-1", ann, 5'000).ok());
  chain.SyncAll();
  const std::string backup = chain.File("backup.db");
  chain.WhileStopped(0, [&](terminal::TerminalOptions& options) {
    std::filesystem::copy_file(options.db_path, backup);
  });
  // After the backup: two more sales reach head office.
  REQUIRE(chain.Sell(0, "R-2", ann, 2'000).ok());
  REQUIRE(chain.Sell(0, "R-3", ann, 2'000).ok());
  chain.SyncAll();
  const int64_t mark = chain.till(0).Status()->journal_seq;

  chain.WhileStopped(0, [&](terminal::TerminalOptions& options) {
    RemoveDatabase(options.db_path);
    std::filesystem::copy_file(backup, options.db_path);
  });
  // Offline, the restored till sells under an id head office already holds.
  chain.net(0).offline = true;
  auto reused = chain.Sell(0, "R-4", ann, 1'000);
  REQUIRE(reused.ok());
  REQUIRE(reused->entry_ids.size() == 1);
  const int64_t reused_seq = chain.till(0).Status()->journal_seq;
  REQUIRE(reused_seq <= mark);

  chain.net(0).offline = false;
  auto report = chain.client(0).SyncOnce();
  REQUIRE_MESSAGE(report.ok(), report.status().ToString());  // not journal_conflict
  CHECK(report->journal_restarted);
  CHECK(report->entries_refused == 1);
  auto status = chain.till(0).Status();
  REQUIRE(status.ok());
  CHECK(status->refused_entries == 1);
  CHECK(status->pending_entries == 0);
  CHECK(status->journal_restart.head_office_high_seq == mark);
  CHECK(status->journal_restart.from_seq == reused_seq + 1);

  // From now on the till writes above the mark.
  auto next = chain.Sell(0, "R-5", ann, 1'000);
  REQUIRE(next.ok());
  CHECK(next->entry_ids[0] == MakeEntryId("S001-T01", mark + 1));
  chain.SyncAll();
  CHECK(chain.till(0).Status()->refused_entries == 1);
  // R-4's points are lost with the rollback (head office keeps R-2's entry
  // under that id); everything else counts, here and at head office.
  CHECK(chain.ServerMembers().at(ann).balance == 50 + 20 + 20 + 10);
  CHECK(chain.till(0).FindById(ann)->balance == 50 + 20 + 20 + 10);
  testing::CheckConverged(chain);
  CHECK(EventsWithReason(chain, "journal_behind").size() == 1);
}

// Found by the demo: the replacement pulled the grant its predecessor had
// asked for and spent, but not the redeem that spent it (a till's own
// entries never come back to it), took itself for the holder of those
// points, and handed them back at every sync, refused each time; offline it
// could have spent them a second time.
TEST_CASE("a replacement till takes no rights from its predecessor's grants") {
  Chain chain(2);
  const std::string ann = chain.Enrol(1, "+86 138 0013 8070", "陈静").member_id;
  REQUIRE(chain.Sell(1, "R-1", ann, 40'000).ok());  // 400 points earned at T2
  chain.SyncAll();                                   // ... and handed back to head office
  REQUIRE(chain.client(0).RequestGrant(ann, 300, "g1").ok());
  REQUIRE(chain.Sell(0, "R-2", ann, 10'000, 300).ok());  // the old T1 spends the grant
  chain.SyncAll();
  const int64_t before = chain.ServerMembers().at(ann).balance;
  CHECK(before == 400 - 300 + 97);  // R-2 earns on the 97.00 paid

  for (const bool offline : {false, true}) {
    CAPTURE(offline);
    chain.WhileStopped(0, [](terminal::TerminalOptions& options) {
      RemoveDatabase(options.db_path);
      options.await_journal_mark = true;
    });
    if (offline) {
      // Sold before it could reach head office: a new incarnation.
      chain.net(0).offline = true;
      REQUIRE(chain.till(0).StartJournalIncarnation().ok());
      // The empty database knows no member: Ann gives her phone again.
      REQUIRE(chain.Enrol(0, "+86 138 0013 8070", "陈静").member_id == ann);
      auto sale = chain.Sell(0, "R-3", ann, 1'000);
      REQUIRE_MESSAGE(sale.ok(), sale.status().ToString());
      chain.net(0).offline = false;
    }
    auto report = chain.client(0).SyncOnce();
    REQUIRE_MESSAGE(report.ok(), report.status().ToString());
    auto member = chain.till(0).FindById(ann);
    REQUIRE(member.ok());
    CHECK(member->redeemable_here == 0);
    // Asked for by the incarnation, sent unasked to the till that was behind.
    CHECK(chain.till(0).Status()->rights_statement_ms.has_value());
    CHECK_FALSE(chain.till(0).Status()->rights_statement_due);
    CHECK(chain.Sell(0, offline ? "R-5" : "R-4", ann, 10'000, 50).status().reason() ==
          "insufficient_rights");
    chain.SyncAll();
    CHECK(chain.till(0).Status()->refused_entries == 0);
    CHECK(EventsWithReason(chain, "rights_exceeded").empty());
    testing::CheckConverged(chain);
  }
  CHECK(chain.ServerMembers().at(ann).balance == before + 10);
}

// A restored backup counts the rights its database held when the backup was
// taken; since then the old database may have spent them (or handed them
// back). Head office's statement replaces that count at the first sync.
TEST_CASE("a till restored from an old backup takes head office's count of its rights") {
  Chain chain(2);
  const std::string ann = chain.Enrol(1, "+86 138 0013 8080", "赵雷").member_id;
  REQUIRE(chain.Sell(1, "R-1", ann, 40'000).ok());  // 400 points, handed back by T2
  chain.SyncAll();
  REQUIRE(chain.client(0).RequestGrant(ann, 300, "g1").ok());
  const std::string backup = chain.File("backup.db");
  chain.WhileStopped(0, [&](terminal::TerminalOptions& options) {
    std::filesystem::copy_file(options.db_path, backup);
  });
  REQUIRE(chain.Sell(0, "R-2", ann, 10'000, 300).ok());  // spends the grant
  chain.SyncAll();
  const int64_t before = chain.ServerMembers().at(ann).balance;
  CHECK(before == 400 - 300 + 97);

  chain.WhileStopped(0, [&](terminal::TerminalOptions& options) {
    RemoveDatabase(options.db_path);
    std::filesystem::copy_file(backup, options.db_path);
  });
  // Until it reaches head office the restored till cannot know: it counts
  // the 300 points it held when the backup was taken.
  CHECK(chain.till(0).FindById(ann)->redeemable_here == 300);

  auto report = chain.client(0).SyncOnce();
  REQUIRE_MESSAGE(report.ok(), report.status().ToString());
  CHECK(report->journal_restarted);
  CHECK(report->handed_back == 0);  // nothing before head office's count
  auto status = chain.till(0).Status();
  REQUIRE(status.ok());
  CHECK_FALSE(status->rights_statement_due);
  CHECK(status->rights_statement_ms.has_value());
  CHECK(chain.till(0).FindById(ann)->redeemable_here == 0);
  CHECK(chain.Sell(0, "R-3", ann, 10'000, 50).status().reason() == "insufficient_rights");

  // Nothing is handed back or refused from here on, and the database's own
  // check agrees with the rights it keeps.
  chain.SyncAll();
  chain.SyncAll();
  CHECK(chain.till(0).Status()->refused_entries == 0);
  CHECK(EventsWithReason(chain, "rights_exceeded").empty());
  chain.WhileStopped(0, [](terminal::TerminalOptions& options) {
    auto checked = terminal::CheckTerminalDatabase(options.db_path);
    REQUIRE(checked.ok());
    CHECK_MESSAGE(checked->ok(), checked->problems.front());
  });
  // The points the old database spent stay spent; the rest are spendable.
  CHECK(chain.ServerMembers().at(ann).balance == before);
  CHECK(chain.client(1).RequestGrant(ann, before, "g2").ok());
  testing::CheckConverged(chain);
}

// A till that dies holding a grant it never spent: head office counts those
// points as the till's, and no other till may spend them. The replacement
// takes them from head office's statement and hands them back.
TEST_CASE("a replacement till hands back the rights its lost predecessor held") {
  Chain chain(2);
  const std::string ann = chain.Enrol(1, "+86 138 0013 8090", "黄丽").member_id;
  REQUIRE(chain.Sell(1, "R-1", ann, 40'000).ok());
  chain.SyncAll();
  REQUIRE(chain.Sell(0, "R-0", ann, 1'000).ok());  // T1 has used journal ids
  chain.SyncAll();
  REQUIRE(chain.client(0).RequestGrant(ann, 300, "g1").ok());
  chain.WhileStopped(0, [](terminal::TerminalOptions& options) {
    RemoveDatabase(options.db_path);
    options.await_journal_mark = true;
  });
  // Stranded: head office counts 300 of Ann's 410 points as T1's.
  CHECK_FALSE(chain.client(1).RequestGrant(ann, 400, "g2").ok());

  // The first sync takes head office's count, then hands the points back.
  auto first = chain.client(0).SyncOnce();
  REQUIRE_MESSAGE(first.ok(), first.status().ToString());
  CHECK(first->journal_restarted);
  CHECK(first->handed_back == 1);
  CHECK(first->entries_refused == 0);
  CHECK(chain.till(0).FindById(ann)->redeemable_here == 0);
  CHECK(chain.till(0).Status()->rights_statement_ms.has_value());
  CHECK(chain.client(1).RequestGrant(ann, 400, "g3").ok());
  REQUIRE(chain.Sell(1, "R-2", ann, 10'000, 400).ok());
  chain.SyncAll();
  CHECK(chain.ServerMembers().at(ann).balance == 410 - 400 + 96);
  CHECK(EventsWithReason(chain, "rights_exceeded").empty());
  testing::CheckConverged(chain);
}

TEST_CASE("a till that never lost anything never restarts its journal") {
  Chain chain(1);
  const std::string ann = chain.Enrol(0, "+86 138 0013 8050", "王芳").member_id;
  for (int i = 0; i < 5; ++i) {
    REQUIRE(chain.Sell(0, "R-" + std::to_string(i), ann, 1'000).ok());
    auto report = chain.client(0).SyncOnce();
    REQUIRE(report.ok());
    CHECK_FALSE(report->journal_restarted);
  }
  auto status = chain.till(0).Status();
  CHECK_FALSE(status->journal_restart.at_ms.has_value());
  CHECK(status->journal_confirmed);
  CHECK_FALSE(status->rights_statement_due);
  CHECK_FALSE(status->rights_statement_ms.has_value());  // never needed one
  CHECK(chain.service().counters().rights_statements == 0);
  CHECK(EventsWithReason(chain, "journal_behind").empty());
}

}  // namespace
}  // namespace patron

// A new terminal's bootstrap from the server's member snapshot (protocol.h
// SnapshotInfo): the service builds and serves it, the terminal downloads
// it, copies it into its replica and pulls on from its sequence.
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <set>

#include "chain.h"
#include "patron/rules.h"
#include "patron/sql/database.h"
#include "patron/sync/member_snapshot.h"

namespace patron {
namespace {

using testing::Chain;
using testing::CheckConverged;

// Three members with points, synced to the server.
std::vector<std::string> SeedMembers(Chain& chain) {
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    const std::string id =
        chain.Enrol(0, "+1 415 555 03" + std::to_string(10 + i), "M" + std::to_string(i)).member_id;
    REQUIRE(chain.Sell(0, "S-" + std::to_string(i), id, 10'000 * (i + 1)).ok());
    ids.push_back(id);
  }
  chain.SyncAll();
  return ids;
}

// The whole snapshot file, read chunk by chunk as a terminal does.
std::string DownloadAll(sync::SyncService& service, const sync::Caller& caller,
                        const sync::SnapshotInfo& info) {
  std::string bytes;
  while (static_cast<int64_t>(bytes.size()) < info.bytes) {
    auto chunk = service.SnapshotChunk(caller, info.seq, static_cast<int64_t>(bytes.size()));
    REQUIRE_MESSAGE(chunk.ok(), chunk.status().ToString());
    REQUIRE_FALSE(chunk->empty());
    bytes += *chunk;
  }
  return bytes;
}

sync::SnapshotRequest RequestFor(const std::string& terminal_id) {
  return {terminal_id, ChainKeyFingerprint(kDemoChainKey), 0};
}

TEST_CASE("snapshot: none until one is due, then served in chunks until replaced") {
  Chain chain(1);
  const sync::Caller caller{"S001-T01", "S001"};
  auto none = chain.service().Snapshot(caller, RequestFor("S001-T01"));
  REQUIRE(none.status().code() == StatusCode::kNotFound);
  CHECK(none.status().reason() == "snapshot_unavailable");

  SeedMembers(chain);
  auto built = chain.service().BuildSnapshotIfDue();
  REQUIRE(built.ok());
  CHECK(*built);
  auto again = chain.service().BuildSnapshotIfDue();
  REQUIRE(again.ok());
  CHECK_FALSE(*again);  // nothing changed since

  auto info = chain.service().Snapshot(caller, RequestFor("S001-T01"));
  REQUIRE_MESSAGE(info.ok(), info.status().ToString());
  CHECK(info->members == 3);
  CHECK(info->seq == chain.service().SnapshotState().seq);
  const std::string bytes = DownloadAll(chain.service(), caller, *info);
  CHECK(bytes.size() == static_cast<size_t>(info->bytes));
  CHECK(bytes.substr(0, 15) == "SQLite format 3");
  auto past_end = chain.service().SnapshotChunk(caller, info->seq, info->bytes + 1);
  CHECK(past_end.status().code() == StatusCode::kInvalidArgument);

  // Another speaks-for or chain key is refused like any sync request.
  CHECK(chain.service().Snapshot(caller, RequestFor("S002-T01")).status().code() ==
        StatusCode::kPermissionDenied);

  REQUIRE(chain.Sell(0, "S-9", chain.Enrol(0, "+1 415 555 0399", "N").member_id, 5'000).ok());
  chain.SyncAll();
  REQUIRE(*chain.service().BuildSnapshotIfDue());
  auto gone = chain.service().SnapshotChunk(caller, info->seq, 0);
  CHECK(gone.status().code() == StatusCode::kNotFound);
  CHECK(gone.status().reason() == "snapshot_gone");
}

TEST_CASE("snapshot: a new terminal bootstraps from it, pulls on from its seq and converges") {
  Chain chain(1);
  const std::vector<std::string> ids = SeedMembers(chain);
  REQUIRE(*chain.service().BuildSnapshotIfDue());
  // Changes after the snapshot come by the pull that follows it.
  REQUIRE(chain.Sell(0, "S-late", ids[0], 20'000).ok());
  chain.SyncAll();

  chain.AddTerminal("S002", "T01");
  auto report = chain.client(1).SyncOnce();
  REQUIRE_MESSAGE(report.ok(), report.status().ToString());
  CHECK(report->from_snapshot);
  CHECK(report->members_pulled >= 3);
  CHECK(chain.net(1).snapshot_chunks > 1);
  auto status = chain.till(1).Status();
  REQUIRE(status.ok());
  CHECK(status->member_count == 3);  // the count moved with the copy
  CHECK(status->cursor_seq > chain.service().SnapshotState().seq);
  CheckConverged(chain);

  // The replica works as any other: a sale there reaches the first terminal.
  REQUIRE(chain.Sell(1, "S2-1", ids[1], 30'000).ok());
  chain.SyncAll();
  CheckConverged(chain);
  // And the snapshot file was removed after it was taken.
  CHECK_FALSE(std::ifstream(chain.till(1).SnapshotPath().value()).good());
  // The member count's trigger, dropped for the copy, counts again.
  chain.Enrol(1, "+1 415 555 0377", "After");
  CHECK(chain.till(1).Status()->member_count == 4);
}

TEST_CASE("snapshot: one replaced during the download is fetched again, the new one taken") {
  Chain chain(1);
  const std::vector<std::string> ids = SeedMembers(chain);
  REQUIRE(*chain.service().BuildSnapshotIfDue());
  chain.AddTerminal("S002", "T01");
  bool replaced = false;
  chain.net(1).before_chunk = [&] {
    if (replaced) return;
    replaced = true;
    REQUIRE(chain.Sell(0, "S-mid", ids[1], 15'000).ok());
    chain.SyncAll();
    REQUIRE(*chain.service().BuildSnapshotIfDue());
  };
  auto report = chain.client(1).SyncOnce();
  REQUIRE_MESSAGE(report.ok(), report.status().ToString());
  CHECK(replaced);
  CHECK(report->from_snapshot);
  CHECK(report->snapshot_error.empty());
  CheckConverged(chain);
}

TEST_CASE("snapshot: a download that does not match its digest is not taken; pages are") {
  Chain chain(1);
  SeedMembers(chain);
  REQUIRE(*chain.service().BuildSnapshotIfDue());
  chain.AddTerminal("S002", "T01");
  chain.net(1).corrupt_chunks = true;
  auto report = chain.client(1).SyncOnce();
  REQUIRE_MESSAGE(report.ok(), report.status().ToString());
  CHECK_FALSE(report->from_snapshot);
  CHECK(report->snapshot_error.find("bad_snapshot") != std::string::npos);
  CHECK(report->members_pulled == 3);
  CheckConverged(chain);
  // The cursor is set now: the next round does not try the snapshot again.
  const int chunks = chain.net(1).snapshot_chunks;
  REQUIRE(chain.client(1).SyncOnce().ok());
  CHECK(chain.net(1).snapshot_chunks == chunks);
}

TEST_CASE("snapshot: a replica that already holds many members pulls page by page") {
  Chain chain(1);
  const std::vector<std::string> ids = SeedMembers(chain);
  REQUIRE(*chain.service().BuildSnapshotIfDue());
  chain.AddTerminal("S002", "T01", {.max_members_for_snapshot = 1});
  chain.net(1).offline = true;
  chain.Enrol(1, "+1 415 555 0310", "M0 again");
  chain.Enrol(1, "+1 415 555 0311", "M1 again");
  chain.net(1).offline = false;
  auto report = chain.client(1).SyncOnce();
  REQUIRE_MESSAGE(report.ok(), report.status().ToString());
  CHECK_FALSE(report->from_snapshot);
  CHECK(chain.net(1).snapshot_chunks == 0);
  chain.SyncAll();
  CheckConverged(chain);
}

TEST_CASE("snapshot: a terminal holding members already merges the snapshot's rows into them") {
  Chain chain(1);
  const std::vector<std::string> ids = SeedMembers(chain);
  REQUIRE(*chain.service().BuildSnapshotIfDue());
  chain.AddTerminal("S002", "T01");
  // Offline before its first sync: the same customer again, and a new one.
  chain.net(1).offline = true;
  const std::string same = chain.Enrol(1, "+1 415 555 0310", "M0 again").member_id;
  CHECK(same == ids[0]);
  REQUIRE(chain.Sell(1, "S2-1", same, 40'000).ok());
  const std::string fresh = chain.Enrol(1, "+1 415 555 0388", "New").member_id;
  chain.net(1).offline = false;

  auto report = chain.client(1).SyncOnce();
  REQUIRE_MESSAGE(report.ok(), report.status().ToString());
  CHECK(report->from_snapshot);
  chain.SyncAll();
  CheckConverged(chain);
  auto status = chain.till(1).Status();
  REQUIRE(status.ok());
  CHECK(status->member_count == 4);
  auto member = chain.till(1).FindById(fresh);
  REQUIRE(member.ok());
  CHECK(member->name == "New");
}

TEST_CASE("snapshot: a grant whose reply was lost before the first pull comes with it") {
  Chain chain(1);
  const std::vector<std::string> ids = SeedMembers(chain);
  chain.AddTerminal("S002", "T01");
  // The server granted S002-T01 points of ids[2], but the reply never came.
  sync::GrantRequest grant{"S002-T01", ChainKeyFingerprint(kDemoChainKey), "g-1", ids[2], 50};
  REQUIRE(chain.service().Grant({"S002-T01", "S002"}, grant).ok());
  REQUIRE(*chain.service().BuildSnapshotIfDue());

  auto first = chain.client(1).SyncOnce();
  REQUIRE_MESSAGE(first.ok(), first.status().ToString());
  CHECK(first->from_snapshot);
  CHECK(first->grants_pulled == 1);
  // Now the terminal holds the rights, and hands them back after the pull.
  CHECK(first->handed_back == 1);
  auto second = chain.client(1).SyncOnce();
  REQUIRE(second.ok());
  CHECK(second->handed_back == 0);
  chain.SyncAll();
  CheckConverged(chain);
}

TEST_CASE("snapshot: a file that is not the one described is refused and changes nothing") {
  Chain chain(1);
  SeedMembers(chain);
  REQUIRE(*chain.service().BuildSnapshotIfDue());
  chain.AddTerminal("S002", "T01");
  const sync::Caller caller{"S002-T01", "S002"};
  auto info = chain.service().Snapshot(caller, RequestFor("S002-T01"));
  REQUIRE(info.ok());
  const std::string path = chain.File("downloaded.snapshot");
  {
    std::ofstream out(path, std::ios::binary);
    out << DownloadAll(chain.service(), caller, *info);
  }
  sync::SnapshotInfo wrong = *info;
  wrong.members += 1;
  auto refused = chain.till(1).AdoptSnapshot(path, wrong);
  REQUIRE(refused.status().code() == StatusCode::kCorruption);
  CHECK(refused.status().reason() == "bad_snapshot");
  auto status = chain.till(1).Status();
  REQUIRE(status.ok());
  CHECK(status->member_count == 0);
  CHECK(status->cursor_epoch.empty());

  // The right description is taken, with the newer rules it carries.
  Rules rules = DefaultRules();
  rules.version = 7;
  REQUIRE(chain.service().PublishRules(rules).ok());
  info = chain.service().Snapshot(caller, RequestFor("S002-T01"));
  REQUIRE(info.ok());
  REQUIRE(info->rules_json.has_value());
  auto taken = chain.till(1).AdoptSnapshot(path, *info);
  REQUIRE_MESSAGE(taken.ok(), taken.status().ToString());
  CHECK(*taken == 3);
  CHECK(chain.till(1).rules().version == 7);
  CHECK(chain.till(1).Status()->cursor_seq == info->seq);
  std::remove(path.c_str());
}

// Column and index shapes of the members table in one database file.
std::set<std::string> MembersLayout(const std::string& path) {
  auto db = sql::Database::Open(path, {}).value();
  std::set<std::string> layout;
  auto columns = db->GetUniqueStatement(
                       "SELECT cid, name, type, \"notnull\", dflt_value, pk FROM "
                       "pragma_table_xinfo('members')")
                     .value();
  while (columns.Step().value()) {
    std::string row = "column";
    for (int i = 0; i < 6; ++i) row += "|" + columns.ColumnOptionalText(i).value_or("NULL");
    layout.insert(row);
  }
  auto indexes = db->GetUniqueStatement(
                       "SELECT l.\"unique\", l.origin, l.partial, i.seqno, i.name FROM "
                       "pragma_index_list('members') AS l, pragma_index_info(l.name) AS i")
                     .value();
  while (indexes.Step().value()) {
    std::string row = "index";
    for (int i = 0; i < 5; ++i) row += "|" + indexes.ColumnOptionalText(i).value_or("NULL");
    layout.insert(row);
  }
  return layout;
}

TEST_CASE("snapshot: a snapshot's members table has the replica's layout") {
  Chain chain(1);
  SeedMembers(chain);
  REQUIRE(*chain.service().BuildSnapshotIfDue());
  const sync::Caller caller{"S001-T01", "S001"};
  auto info = chain.service().Snapshot(caller, RequestFor("S001-T01"));
  REQUIRE(info.ok());
  const std::string path = chain.File("layout.snapshot");
  {
    std::ofstream out(path, std::ios::binary);
    out << DownloadAll(chain.service(), caller, *info);
  }
  const std::set<std::string> snapshot = MembersLayout(path);
  CHECK(snapshot.size() > 28);
  CHECK(snapshot == MembersLayout(chain.File("S001-T01.db")));
  std::remove(path.c_str());
}

}  // namespace
}  // namespace patron

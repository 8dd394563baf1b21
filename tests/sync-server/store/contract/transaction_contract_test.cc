// Store contract: Transactions of every store (server_store.h): rollback, snapshots, read-only
// refusals, one writer at a time. Runs against every implementation (store_implementations.h).
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "contract/contract_support.h"
#include "contract/store_implementations.h"
#include "support/temp_dir.h"

namespace patron::sync::contract {
namespace {

using testing::TempDir;

TEST_CASE_TEMPLATE("a transaction destroyed without Commit gives back its numbers and writes", Impl,
                   PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  {
    auto txn = Write(*store);
    Insert(*txn, Entry("S001-T01", 1, "m1", EntryKind::kEarn, 10));
    REQUIRE(txn->PutMember(Member("m1", txn->NextSeq().value())).ok());
    (void)txn->NextServerEntrySeq().value();
    REQUIRE(txn->PutTerminal({"S001-T01", "S001", "hash1", 5, std::nullopt}).ok());
  }
  auto txn = Write(*store);
  CHECK(txn->LastSeq().value() == 0);
  CHECK(txn->NextSeq().value() == 1);
  CHECK(txn->NextServerEntrySeq().value() == 1);
  CHECK_FALSE(txn->FindEntry("S001-T01/1").value().has_value());
  CHECK_FALSE(txn->FindMember("m1").value().has_value());
  CHECK_FALSE(txn->FindTerminal("S001-T01").value().has_value());
  CHECK(txn->CountEntries().value() == 0);
}

TEST_CASE_TEMPLATE("a read transaction sees the snapshot of when it began", Impl,
                   PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  {
    auto txn = Write(*store);
    Insert(*txn, Entry("S001-T01", 1, "m1", EntryKind::kEarn, 10));
    REQUIRE(txn->Commit().ok());
  }
  auto before = Read(*store);
  auto writer = Write(*store);
  Insert(*writer, Entry("S001-T01", 2, "m1", EntryKind::kEarn, 20));
  REQUIRE(writer->PutMember(Member("m1", writer->NextSeq().value())).ok());

  auto during = Read(*store);  // begun while the write is open, not committed
  CHECK(during->LastSeq().value() == 1);
  CHECK_FALSE(during->FindEntry("S001-T01/2").value().has_value());

  REQUIRE(writer->Commit().ok());
  writer.reset();
  auto after = Read(*store);

  for (StoreTxn* snapshot : {before.get(), during.get()}) {
    CHECK(snapshot->LastSeq().value() == 1);
    CHECK(snapshot->FindEntry("S001-T01/1").value().has_value());
    CHECK_FALSE(snapshot->FindEntry("S001-T01/2").value().has_value());
    CHECK_FALSE(snapshot->FindMember("m1").value().has_value());
    CHECK(snapshot->CountEntries().value() == 1);
  }
  CHECK(after->LastSeq().value() == 3);
  CHECK(after->FindEntry("S001-T01/2").value()->seq == 2);
  CHECK(after->FindMember("m1").value()->state.version == 3);
  CHECK(after->MembersAfter(0, 10).value().size() == 1);
}

TEST_CASE_TEMPLATE("write methods refuse a read transaction; every method refuses after Commit",
                   Impl, PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  auto read = Read(*store);
  CHECK(read->NextSeq().status().IsFailedPrecondition());
  CHECK(read->NextServerEntrySeq().status().IsFailedPrecondition());
  CHECK(read->InsertEntryIfNew(Entry("S001-T01", 1, "m1", EntryKind::kEarn, 1), 1)
            .status()
            .IsFailedPrecondition());
  CHECK(read->SetFoldedSeq(0).IsFailedPrecondition());
  CHECK(read->IndexByMember({}).IsFailedPrecondition());
  CHECK(read->QueueProfileChange({1, {}}).IsFailedPrecondition());
  CHECK(read->DropQueuedProfileChanges(1).IsFailedPrecondition());
  CHECK(read->PutMember(Member("m1", 1)).IsFailedPrecondition());
  CHECK(read->InsertGrant({"S001-T01", "r1", "server/1"}).IsFailedPrecondition());
  CHECK(read->PutTerminal({"S001-T01", "S001", "h", 1, std::nullopt}).IsFailedPrecondition());
  CHECK(read->PutRules(1, "{}", 0).IsFailedPrecondition());
  CHECK(read->Commit().ok());  // ends the read transaction
  CHECK(read->LastSeq().status().IsFailedPrecondition());

  auto write = Write(*store);
  REQUIRE(write->Commit().ok());
  CHECK(write->Commit().IsFailedPrecondition());
  CHECK(write->NextSeq().status().IsFailedPrecondition());
  CHECK(write->FindEntry("x/1").status().IsFailedPrecondition());
}

TEST_CASE_TEMPLATE("concurrent readers see consistent snapshots while a writer commits", Impl,
                   PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  constexpr int kCommits = 200;
  std::atomic<bool> done{false};
  std::atomic<int> errors{0};
  std::atomic<int> inconsistent{0};
  std::atomic<int64_t> reads{0};

  // Each commit adds one entry and moves member m to a new version whose
  // balance counts the entries: a snapshot must agree with itself.
  std::thread writer([&] {
    for (int i = 1; i <= kCommits; ++i) {
      auto txn = store->BeginWrite();
      if (!txn.ok()) {
        ++errors;
        continue;
      }
      const int64_t seq = (*txn)->NextSeq().value();
      MemberRecord m = Member("m", (*txn)->NextSeq().value());
      m.state.balance = i;
      if (!(*txn)->InsertEntryIfNew(Entry("S001-T01", i, "m", EntryKind::kEarn, 1), seq).ok() ||
          !(*txn)->PutMember(m).ok() || !(*txn)->Commit().ok()) {
        ++errors;
      }
    }
    done = true;
  });
  std::vector<std::thread> readers;
  for (int r = 0; r < 4; ++r) {
    readers.emplace_back([&] {
      while (!done) {
        auto txn = store->BeginRead();
        if (!txn.ok()) {
          ++errors;
          continue;
        }
        const int64_t last = (*txn)->LastSeq().value();
        const int64_t count = (*txn)->CountEntries().value();
        const auto members = (*txn)->MembersAfter(0, 10).value();
        const int64_t balance = members.empty() ? 0 : members[0].balance;
        const int64_t version = members.empty() ? 0 : members[0].version;
        if (count * 2 != last || balance != count || version != last) ++inconsistent;
        ++reads;
      }
    });
  }
  writer.join();
  for (std::thread& t : readers) t.join();
  CHECK(errors == 0);
  CHECK(inconsistent == 0);
  CHECK(reads > 0);
  CHECK(Read(*store)->CountEntries().value() == kCommits);
}

// Starts BeginWrite on another thread; `began` turns true once it returned.
struct PendingWrite {
  explicit PendingWrite(ServerStore& store)
      : thread([this, &store] {
          auto txn = store.BeginWrite();
          if (txn.ok()) seq = (*txn)->NextSeq().value();
          began = true;
        }) {}
  ~PendingWrite() {
    if (thread.joinable()) thread.join();
  }
  std::atomic<bool> began{false};
  int64_t seq = 0;
  std::thread thread;
};

TEST_CASE_TEMPLATE("an open write transaction makes the next BeginWrite wait until it ends", Impl,
                   PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);

  SUBCASE("ended by Commit, while the object still exists") {
    auto first = Write(*store);
    Insert(*first, Entry("S001-T01", 1, "m1", EntryKind::kEarn, 1));
    PendingWrite other(*store);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    CHECK_FALSE(other.began.load());
    REQUIRE(first->Commit().ok());
    other.thread.join();
    CHECK(other.began.load());
    CHECK(other.seq == 2);
  }
  SUBCASE("ended by destruction: rolled back") {
    auto first = Write(*store);
    Insert(*first, Entry("S001-T01", 1, "m1", EntryKind::kEarn, 1));
    PendingWrite other(*store);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    CHECK_FALSE(other.began.load());
    first.reset();
    other.thread.join();
    CHECK(other.began.load());
    CHECK(other.seq == 1);
  }
}

TEST_CASE_TEMPLATE("a write transaction may end on another thread than the one that began it", Impl,
                   PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  auto txn = Write(*store);
  (void)txn->NextSeq().value();
  bool committed = false;
  std::thread([&committed, t = std::move(txn)]() mutable {
    committed = t->Commit().ok();
    t.reset();
  }).join();
  CHECK(committed);
  CHECK(Write(*store)->NextSeq().value() == 2);
}

}  // namespace
}  // namespace patron::sync::contract

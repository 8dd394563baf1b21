// Store contract: The sequence role (sequence_store.h): change sequence numbers, the server-entry
// counter and the saved clock mark. Runs against every implementation (store_implementations.h).
#include <doctest/doctest.h>

#include <cstdint>
#include <string>

#include "contract/contract_support.h"
#include "contract/store_implementations.h"
#include "support/temp_dir.h"

namespace patron::sync::contract {
namespace {

using testing::TempDir;

TEST_CASE_TEMPLATE("sequence numbers are monotonic across transactions and restarts", Impl,
                   PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  {
    auto store = Impl::Open(dir);
    auto txn = Write(*store);
    CHECK(txn->LastSeq().value() == 0);
    CHECK(txn->NextSeq().value() == 1);
    CHECK(txn->NextSeq().value() == 2);
    CHECK(txn->LastSeq().value() == 2);  // what this transaction handed out
    CHECK(txn->NextServerEntrySeq().value() == 1);
    CHECK(txn->NextServerEntrySeq().value() == 2);
    REQUIRE(txn->Commit().ok());

    auto next = Write(*store);
    CHECK(next->LastSeq().value() == 2);
    CHECK(next->NextSeq().value() == 3);
    CHECK(next->NextServerEntrySeq().value() == 3);
    REQUIRE(next->Commit().ok());
    CHECK(Read(*store)->LastSeq().value() == 3);
  }
  auto store = Impl::Open(dir);
  CHECK(Read(*store)->LastSeq().value() == 3);
  auto txn = Write(*store);
  CHECK(txn->NextSeq().value() == 4);
  CHECK(txn->NextServerEntrySeq().value() == 4);
}

TEST_CASE_TEMPLATE("the saved clock mark only rises, commits with the data and survives restarts",
                   Impl, PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  const HlcTimestamp early = HlcTimestamp::FromParts(1'780'000'000'000, 3);
  const HlcTimestamp late = HlcTimestamp::FromParts(1'780'000'060'000, 0);
  {
    auto store = Impl::Open(dir);
    CHECK(Read(*store)->SavedHlc().value() == HlcTimestamp{});
    auto txn = Write(*store);
    REQUIRE(txn->SaveHlc(late).ok());
    REQUIRE(txn->SaveHlc(early).ok());  // not a step back
    REQUIRE(txn->Commit().ok());
    CHECK(Read(*store)->SavedHlc().value() == late);
    {
      auto dropped = Write(*store);  // rolled back: its mark is not saved
      REQUIRE(dropped->SaveHlc(HlcTimestamp::FromParts(1'780'000'120'000, 0)).ok());
    }
    CHECK(Read(*store)->SavedHlc().value() == late);
    CHECK(Read(*store)->SaveHlc(late).code() == StatusCode::kFailedPrecondition);
  }
  auto store = Impl::Open(dir);
  CHECK(Read(*store)->SavedHlc().value() == late);
}

}  // namespace
}  // namespace patron::sync::contract

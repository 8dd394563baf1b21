// Store contract: the accounts role (account_store.h): accounts replaced by
// username, sessions by token hash and removed as asked, and the audit log
// appended and read newest first. Runs against every implementation
// (store_implementations.h).
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

Account MakeAccount(std::string username, std::string role, std::string store_id = {}) {
  Account a;
  a.username = std::move(username);
  a.role = std::move(role);
  a.store_id = std::move(store_id);
  a.created_ms = 1'780'315'200'000;
  a.updated_ms = 1'780'315'200'000;
  a.password_hash = "pbkdf2-sha256$1$00$11";
  return a;
}

AccountSession Session(std::string hash, std::string username, int64_t last_seen_ms,
                       int64_t expires_ms) {
  return {std::move(hash), std::move(username), 1'000, last_seen_ms, expires_ms};
}

AuditEvent Event(std::string path, int64_t status) {
  AuditEvent e;
  e.at_ms = 1'780'315'200'000;
  e.username = "王芳";
  e.role = "marketer";
  e.method = "POST";
  e.path = std::move(path);
  e.status = status;
  e.target = "voucher_id=V-1";
  e.peer = "10.0.0.5";
  return e;
}

TEST_CASE_TEMPLATE("accounts are stored by username, replaced whole and listed in order", Impl,
                   PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  {
    auto txn = Write(*store);
    REQUIRE(txn->PutAccount(MakeAccount("zoe", "analyst")).ok());
    REQUIRE(txn->PutAccount(MakeAccount("ann", "store_manager", "S001")).ok());
    REQUIRE(txn->Commit().ok());
  }
  {
    auto txn = Write(*store);
    Account changed = MakeAccount("zoe", "marketer");
    changed.disabled = true;
    changed.updated_ms += 5;
    changed.password_hash = "pbkdf2-sha256$2$aa$bb";
    REQUIRE(txn->PutAccount(changed).ok());
    REQUIRE(txn->Commit().ok());
  }
  auto txn = Read(*store);
  const std::optional<Account> ann = txn->FindAccount("ann").value();
  REQUIRE(ann.has_value());
  CHECK(*ann == MakeAccount("ann", "store_manager", "S001"));
  const std::optional<Account> zoe = txn->FindAccount("zoe").value();
  REQUIRE(zoe.has_value());
  CHECK(zoe->role == "marketer");
  CHECK(zoe->disabled);
  CHECK(zoe->password_hash == "pbkdf2-sha256$2$aa$bb");
  CHECK_FALSE(txn->FindAccount("nobody").value().has_value());
  const std::vector<Account> all = txn->ListAccounts().value();
  REQUIRE(all.size() == 2);
  CHECK(all[0].username == "ann");
  CHECK(all[1].username == "zoe");
  CHECK(txn->PutAccount(MakeAccount("x", "admin")).IsFailedPrecondition());
}

TEST_CASE_TEMPLATE("sessions are found by token hash and deleted one, by user, or when ended", Impl,
                   PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  {
    auto txn = Write(*store);
    REQUIRE(txn->PutSession(Session("h1", "ann", 5'000, 50'000)).ok());
    REQUIRE(txn->PutSession(Session("h2", "ann", 5'000, 50'000)).ok());
    REQUIRE(txn->PutSession(Session("h3", "zoe", 5'000, 50'000)).ok());
    REQUIRE(txn->PutSession(Session("h4", "zoe", 9'000, 10'000)).ok());  // expires soon
    REQUIRE(txn->PutSession(Session("h5", "bob", 2'000, 50'000)).ok());  // idle long
    REQUIRE(txn->PutSession(Session("h3", "zoe", 7'000, 50'000)).ok());  // replaced
    REQUIRE(txn->Commit().ok());
  }
  {
    auto txn = Read(*store);
    CHECK(txn->FindSession("h3").value() == Session("h3", "zoe", 7'000, 50'000));
    CHECK_FALSE(txn->FindSession("nope").value().has_value());
    CHECK(txn->DeleteSession("h1").IsFailedPrecondition());
  }
  {
    auto txn = Write(*store);
    REQUIRE(txn->DeleteSession("h1").ok());
    REQUIRE(txn->DeleteSessionsOf("ann").ok());
    // Ended by 10'000: h4 (expires at 10'000) and h5 (last seen by 3'000).
    REQUIRE(txn->DeleteSessionsEndedBy(10'000, 3'000).ok());
    REQUIRE(txn->Commit().ok());
  }
  auto txn = Read(*store);
  CHECK_FALSE(txn->FindSession("h1").value().has_value());
  CHECK_FALSE(txn->FindSession("h2").value().has_value());
  CHECK(txn->FindSession("h3").value().has_value());
  CHECK_FALSE(txn->FindSession("h4").value().has_value());
  CHECK_FALSE(txn->FindSession("h5").value().has_value());
}

TEST_CASE_TEMPLATE("audit events get ascending ids and read back newest first, page by page", Impl,
                   PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  std::vector<int64_t> ids;
  {
    auto txn = Write(*store);
    for (int i = 1; i <= 3; ++i) {
      ids.push_back(txn->AppendAudit(Event("/v1/admin/p" + std::to_string(i), 200)).value());
    }
    REQUIRE(txn->Commit().ok());
  }
  CHECK(ids[0] < ids[1]);
  CHECK(ids[1] < ids[2]);
  {
    auto txn = Write(*store);
    REQUIRE(txn->AppendAudit(Event("/v1/admin/dropped", 500)).ok());
  }  // dropped: rolled back
  auto txn = Read(*store);
  const std::vector<AuditEvent> all = txn->AuditEvents(0, 10).value();
  REQUIRE(all.size() == 3);
  AuditEvent expected = Event("/v1/admin/p3", 200);
  expected.audit_id = ids[2];
  CHECK(all[0] == expected);
  CHECK(all[2].path == "/v1/admin/p1");
  const std::vector<AuditEvent> page = txn->AuditEvents(ids[2], 1).value();
  REQUIRE(page.size() == 1);
  CHECK(page[0].audit_id == ids[1]);
  CHECK(txn->AuditEvents(ids[0], 10).value().empty());
  CHECK(txn->AuditEvents(0, 0).value().empty());
  CHECK(txn->AppendAudit(Event("x", 1)).status().IsFailedPrecondition());
}

}  // namespace
}  // namespace patron::sync::contract

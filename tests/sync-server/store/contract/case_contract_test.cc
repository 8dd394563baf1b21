// Store contract: the member services role (case_store.h): feedback stored
// once and paged newest first, cases replaced by id and paged oldest first
// with their filters, notes appended in order, and the feedback summary.
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

constexpr char kMember[] = "0b0e3c4e-56b1-4c8e-9c1a-5f6e7d8c9b0a";

FeedbackRecord Feedback(std::string ref, std::string store, FeedbackKind kind, int64_t wall_ms,
                        int64_t rating = 0) {
  FeedbackRecord f;
  f.terminal_id = store + "-T01";
  f.feedback_ref = std::move(ref);
  f.feedback_id = f.terminal_id + "/" + f.feedback_ref;
  f.store_id = std::move(store);
  f.member_id = kMember;
  f.kind = kind;
  f.rating = rating;
  f.topic = "service";
  f.text = "收银员态度很好 friendly cashier";
  f.hlc = HlcTimestamp::FromParts(wall_ms, 1);
  f.wall_ms = wall_ms;
  return f;
}

CaseRecord Case(std::string id, std::string store, CaseStatus status, int64_t opened_ms,
                std::string assignee = {}) {
  CaseRecord c;
  c.case_id = std::move(id);
  c.member_id = kMember;
  c.store_id = std::move(store);
  c.status = status;
  c.assignee = std::move(assignee);
  c.opened_ms = opened_ms;
  c.updated_ms = opened_ms;
  return c;
}

std::vector<std::string> FeedbackIds(const std::vector<FeedbackRecord>& rows) {
  std::vector<std::string> ids;
  for (const FeedbackRecord& f : rows) ids.push_back(f.feedback_ref);
  return ids;
}

std::vector<std::string> CaseIds(const std::vector<CaseRecord>& rows) {
  std::vector<std::string> ids;
  for (const CaseRecord& c : rows) ids.push_back(c.case_id);
  return ids;
}

TEST_CASE_TEMPLATE("feedback is stored once, read back whole and paged newest first", Impl,
                   PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  const FeedbackRecord a = Feedback("f1", "S001", FeedbackKind::kComplaint, 1'000);
  {
    auto txn = Write(*store);
    REQUIRE(txn->PutFeedback(a).ok());
    REQUIRE(txn->PutFeedback(Feedback("f2", "S002", FeedbackKind::kRating, 2'000, 4)).ok());
    REQUIRE(txn->PutFeedback(Feedback("f3", "S001", FeedbackKind::kPraise, 3'000, 5)).ok());
    REQUIRE(txn->PutFeedback(Feedback("f4", "S001", FeedbackKind::kRating, 3'000, 2)).ok());
    // The same id again is refused: a record is filed once.
    CHECK_FALSE(txn->PutFeedback(a).ok());
    REQUIRE(txn->Commit().ok());
  }
  auto txn = Read(*store);
  CHECK(txn->FindFeedback(a.feedback_id).value() == a);
  CHECK_FALSE(txn->FindFeedback("S009-T01/none").value().has_value());
  CHECK(FeedbackIds(txn->FeedbackOfMember(kMember).value()) ==
        std::vector<std::string>{"f1", "f2", "f3", "f4"});

  FeedbackFilter all;
  all.limit = 2;
  const std::vector<FeedbackRecord> first = txn->FeedbackPage(all).value();
  REQUIRE(FeedbackIds(first) == std::vector<std::string>{"f4", "f3"});
  all.after_wall_ms = first.back().wall_ms;
  all.after_id = first.back().feedback_id;
  CHECK(FeedbackIds(txn->FeedbackPage(all).value()) == std::vector<std::string>{"f2", "f1"});

  FeedbackFilter s001_ratings;
  s001_ratings.store_id = "S001";
  s001_ratings.kind = FeedbackKind::kRating;
  CHECK(FeedbackIds(txn->FeedbackPage(s001_ratings).value()) == std::vector<std::string>{"f4"});
  FeedbackFilter window;
  window.from_ms = 2'000;
  window.to_ms = 3'000;
  CHECK(FeedbackIds(txn->FeedbackPage(window).value()) == std::vector<std::string>{"f2"});
}

TEST_CASE_TEMPLATE("the feedback summary counts by store and kind with ratings, NPS and CSAT", Impl,
                   PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  constexpr int64_t kJan31 = 1'801'353'600'000;  // 2027-01-31T00:00:00Z
  constexpr int64_t kHour = 3'600'000;
  {
    auto txn = Write(*store);
    REQUIRE(txn->PutFeedback(Feedback("f1", "S001", FeedbackKind::kRating, 1'000, 5)).ok());
    REQUIRE(txn->PutFeedback(Feedback("f2", "S001", FeedbackKind::kRating, 2'000, 2)).ok());
    REQUIRE(txn->PutFeedback(Feedback("f3", "S001", FeedbackKind::kComplaint, 2'500)).ok());
    REQUIRE(txn->PutFeedback(Feedback("f4", "S002", FeedbackKind::kRating, 2'600, 4)).ok());
    REQUIRE(txn->PutFeedback(Feedback("f5", "S001", FeedbackKind::kRating, 9'000, 1)).ok());
    // NPS answers of 10, 8 and 0 (a zero is an answer), CSAT of 5 and 3:
    // the last of each late on 31 January UTC, 1 February in Beijing.
    REQUIRE(txn->PutFeedback(Feedback("n1", "S003", FeedbackKind::kNps, kJan31, 10)).ok());
    REQUIRE(txn->PutFeedback(Feedback("n2", "S003", FeedbackKind::kNps, kJan31, 8)).ok());
    REQUIRE(
        txn->PutFeedback(Feedback("n3", "S003", FeedbackKind::kNps, kJan31 + 20 * kHour, 0)).ok());
    REQUIRE(txn->PutFeedback(Feedback("c1", "S003", FeedbackKind::kCsat, kJan31, 5)).ok());
    REQUIRE(
        txn->PutFeedback(Feedback("c2", "S003", FeedbackKind::kCsat, kJan31 + 20 * kHour, 3)).ok());
    REQUIRE(txn->Commit().ok());
  }
  auto txn = Read(*store);
  const std::vector<FeedbackCount> rows = txn->FeedbackSummary(0, 9'000, "", std::nullopt).value();
  REQUIRE(rows.size() == 3);
  CHECK(rows[0] == FeedbackCount{"S001", "", FeedbackKind::kComplaint, 1, 0, 0, 0, 0, 0});
  CHECK(rows[1] == FeedbackCount{"S001", "", FeedbackKind::kRating, 2, 2, 7, 0, 0, 0});
  CHECK(rows[2] == FeedbackCount{"S002", "", FeedbackKind::kRating, 1, 1, 4, 0, 0, 0});
  const std::vector<FeedbackCount> s001 =
      txn->FeedbackSummary(1'500, 0, "S001", std::nullopt).value();
  REQUIRE(s001.size() == 2);
  CHECK(s001[1] == FeedbackCount{"S001", "", FeedbackKind::kRating, 2, 2, 3, 0, 0, 0});

  const std::vector<FeedbackCount> surveys =
      txn->FeedbackSummary(0, 0, "S003", std::nullopt).value();
  REQUIRE(surveys.size() == 2);
  CHECK(surveys[0] == FeedbackCount{"S003", "", FeedbackKind::kCsat, 2, 2, 8, 0, 0, 1});
  CHECK(surveys[1] == FeedbackCount{"S003", "", FeedbackKind::kNps, 3, 3, 18, 1, 1, 0});
  const std::vector<FeedbackCount> beijing = txn->FeedbackSummary(0, 0, "S003", 480).value();
  REQUIRE(beijing.size() == 4);
  CHECK(beijing[0] == FeedbackCount{"S003", "2027-01", FeedbackKind::kCsat, 1, 1, 5, 0, 0, 1});
  CHECK(beijing[1] == FeedbackCount{"S003", "2027-01", FeedbackKind::kNps, 2, 2, 18, 1, 0, 0});
  CHECK(beijing[2] == FeedbackCount{"S003", "2027-02", FeedbackKind::kCsat, 1, 1, 3, 0, 0, 0});
  CHECK(beijing[3] == FeedbackCount{"S003", "2027-02", FeedbackKind::kNps, 1, 1, 0, 0, 1, 0});
}

TEST_CASE_TEMPLATE("cases are replaced by id and paged oldest first by status, store, assignee",
                   Impl, PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  CaseRecord first = Case("S001-T01/c1", "S001", CaseStatus::kOpen, 1'000);
  {
    auto txn = Write(*store);
    REQUIRE(txn->PutCase(first).ok());
    REQUIRE(txn->PutCase(Case("S002-T01/c2", "S002", CaseStatus::kOnHold, 2'000, "li")).ok());
    REQUIRE(txn->PutCase(Case("S001-T01/c3", "S001", CaseStatus::kClosed, 3'000, "li")).ok());
    REQUIRE(txn->PutCase(Case("S001-T01/c4", "S001", CaseStatus::kReplied, 3'000)).ok());
    first.status = CaseStatus::kResolved;
    first.resolution_sla_ms = 500;
    first.hold_since_ms = 1'500;
    first.compensation_points = 200;
    first.compensation_entry = "server/7";
    REQUIRE(txn->PutCase(first).ok());
    REQUIRE(txn->Commit().ok());
  }
  auto txn = Read(*store);
  CHECK(txn->FindCase(first.case_id).value() == first);
  CHECK_FALSE(txn->FindCase("nope").value().has_value());

  CaseFilter all;
  all.limit = 3;
  const std::vector<CaseRecord> page = txn->CasesPage(all).value();
  REQUIRE(CaseIds(page) == std::vector<std::string>{"S001-T01/c1", "S002-T01/c2", "S001-T01/c3"});
  all.after_opened_ms = page.back().opened_ms;
  all.after_id = page.back().case_id;
  CHECK(CaseIds(txn->CasesPage(all).value()) == std::vector<std::string>{"S001-T01/c4"});

  CaseFilter working;
  working.statuses = {CaseStatus::kOpen, CaseStatus::kReplied, CaseStatus::kOnHold};
  CHECK(CaseIds(txn->CasesPage(working).value()) ==
        std::vector<std::string>{"S002-T01/c2", "S001-T01/c4"});
  working.store_id = "S001";
  CHECK(CaseIds(txn->CasesPage(working).value()) == std::vector<std::string>{"S001-T01/c4"});
  CaseFilter of_li;
  of_li.assignee = "li";
  CHECK(CaseIds(txn->CasesPage(of_li).value()) ==
        std::vector<std::string>{"S002-T01/c2", "S001-T01/c3"});
  CaseFilter unassigned;
  unassigned.assignee = "";
  CHECK(CaseIds(txn->CasesPage(unassigned).value()) ==
        std::vector<std::string>{"S001-T01/c1", "S001-T01/c4"});

  // The cases being worked (c1 is resolved now, c3 closed), a page at a time.
  const std::vector<CaseRecord> first_worked = txn->WorkingCases(0, "", 1).value();
  REQUIRE(CaseIds(first_worked) == std::vector<std::string>{"S002-T01/c2"});
  CHECK(CaseIds(txn->WorkingCases(first_worked[0].opened_ms, first_worked[0].case_id, 1).value()) ==
        std::vector<std::string>{"S001-T01/c4"});
  CHECK(txn->WorkingCases(3'000, "S001-T01/c4", 1).value().empty());
}

TEST_CASE_TEMPLATE("case notes are appended and read in order; a read transaction writes none",
                   Impl, PATRON_STORE_IMPLEMENTATIONS) {
  TempDir dir;
  auto store = Impl::Open(dir);
  const std::vector<CaseNote> notes = {{"c1", 1'000, "", "open", "service"},
                                       {"c1", 2'000, "wang", "reply", "我们很抱歉 sorry"},
                                       {"c1", 2'000, "wang", "hold", ""}};
  {
    auto txn = Write(*store);
    for (const CaseNote& note : notes) REQUIRE(txn->AppendCaseNote(note).ok());
    REQUIRE(txn->AppendCaseNote({"c2", 1'500, "li", "note", "other"}).ok());
    REQUIRE(txn->Commit().ok());
  }
  auto txn = Read(*store);
  CHECK(txn->CaseNotes("c1").value() == notes);
  CHECK(txn->CaseNotes("c9").value().empty());
  CHECK(txn->AppendCaseNote({"c1", 3'000, "", "note", "x"}).code() ==
        StatusCode::kFailedPrecondition);
  CHECK(txn->PutCase(Case("c5", "S001", CaseStatus::kOpen, 1)).code() ==
        StatusCode::kFailedPrecondition);
  CHECK(txn->PutFeedback(Feedback("f9", "S001", FeedbackKind::kPraise, 1)).code() ==
        StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace patron::sync::contract

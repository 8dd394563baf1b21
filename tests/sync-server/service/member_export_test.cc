// SyncService::ExportMember: everything head office holds about one member,
// complete up to the moment it is asked for.
#include <doctest/doctest.h>

#include "consumption_records.h"
#include "patron/records/feedback.h"

namespace patron::sync {
namespace {

TEST_CASE("an export holds the member's profile, ledger, purchases, feedback and cases") {
  ServiceFixture f;
  const SaleRecord sale = Sale(f.t1, "R-1", f.ann, 3'000);
  PushRequest push = f.NewPush(f.t1);
  push.entries = {f.Earn(f.t1, 1, f.ann, 30), f.Earn(f.t1, 2, f.bob, 10)};
  push.records = {Envelope(kSaleRecordKind, sale.sale_id, sale)};
  FeedbackRecord complaint;
  complaint.terminal_id = f.t1.terminal_id;
  complaint.store_id = f.t1.store_id;
  complaint.feedback_ref = "FB-1";
  complaint.feedback_id = MakeSaleId(f.t1.terminal_id, "FB-1");
  complaint.member_id = f.ann;
  complaint.kind = FeedbackKind::kComplaint;
  complaint.text = "找不到我的积分 my points are missing";
  complaint.hlc = HlcTimestamp::FromParts(kNow, 0);
  complaint.wall_ms = kNow;
  push.records.push_back(Envelope(kFeedbackRecordKind, complaint.feedback_id, complaint));
  REQUIRE(f.service().Push(f.t1, push).ok());
  CaseUpdate goodwill;
  goodwill.action = CaseAction::kCompensate;
  goodwill.points = 50;
  REQUIRE(f.service().UpdateCase(complaint.feedback_id, goodwill, "wang").ok());

  const MemberExport data = f.service().ExportMember(f.ann).value();
  CHECK(data.exported_ms == kNow);
  REQUIRE(data.member.has_value());
  CHECK(data.member->member_id == f.ann);
  CHECK(data.member->balance == 80);
  REQUIRE(data.entries.size() == 2);
  CHECK(data.entries[0].kind == EntryKind::kEarn);
  CHECK(data.entries[1].kind == EntryKind::kAdjust);
  CHECK(data.entries[1].detail.reason == "goodwill");
  REQUIRE(data.sales.size() == 1);
  CHECK(data.sales[0] == sale);
  REQUIRE(data.feedback.size() == 1);
  CHECK(data.feedback[0] == complaint);
  REQUIRE(data.cases.size() == 1);
  CHECK(data.cases[0].record.compensation_points == 50);
  CHECK(data.cases[0].notes.size() == 2);
  // Nothing of another member.
  for (const LedgerEntry& e : data.entries) CHECK(e.member_id == f.ann);

  const MemberExport bob = f.service().ExportMember(f.bob).value();
  CHECK(bob.entries.size() == 1);
  CHECK(bob.sales.empty());
  CHECK(bob.feedback.empty());
}

TEST_CASE("an export of nobody, or of no member id, is refused") {
  ServiceFixture f;
  CHECK(f.service().ExportMember(f.ann).status().reason() == "unknown_member");
  CHECK(f.service().ExportMember("ann").status().reason() == "invalid_member_id");
}

}  // namespace
}  // namespace patron::sync

// Member services at head office (DESIGN.md §11): feedback filed from the
// tills, and complaint cases worked by head-office users (case_flow.h).
#include <algorithm>
#include <memory>

#include "patron/local_time.h"
#include "patron/sync_server/sync_service.h"

namespace patron::sync {
namespace {

constexpr int64_t kMsPerDay = 86'400'000;
// A complaint's SLA runs from when the member made it, by the till's clock,
// but from no earlier than this before head office filed it: a till whose
// clock is years off must not open cases already years overdue.
constexpr int64_t kMaxComplaintAgeMs = 30 * kMsPerDay;

// What a case list reads per page when it counts every open case.
constexpr int kGaugePage = 1000;

Status InvalidUpdate(std::string message) {
  return Status::InvalidArgument(std::move(message), "invalid_case_update");
}

Status CheckUpdate(const CaseUpdate& update) {
  const bool blank = update.text.find_first_not_of(" \t\r\n") == std::string::npos;
  if ((update.action == CaseAction::kReply || update.action == CaseAction::kNote) && blank) {
    return InvalidUpdate(std::string(CaseActionName(update.action)) + " needs its text");
  }
  if (update.text.size() > kMaxCaseNoteBytes) {
    return InvalidUpdate("text must be at most 4000 bytes");
  }
  if (update.action == CaseAction::kCompensate &&
      (update.points <= 0 || update.points > kMaxGoodwillPoints)) {
    return InvalidUpdate("compensation points must be 1 to 1,000,000");
  }
  if (update.action == CaseAction::kAssign && update.assignee.size() > 64) {
    return InvalidUpdate("assignee must be a username of at most 64 characters");
  }
  return Status::OK();
}

}  // namespace

Result<CaseView> SyncService::ViewCase(StoreTxn& txn, CaseRecord record, int64_t now_ms,
                                       bool with_notes) {
  CaseView view;
  view.sla = SlaOf(record, now_ms, options_.case_sla);
  PATRON_ASSIGN_OR_RETURN(std::optional<FeedbackRecord> complaint,
                          txn.FindFeedback(record.case_id));
  if (complaint) view.complaint = std::move(*complaint);
  if (with_notes) {
    PATRON_ASSIGN_OR_RETURN(view.notes, txn.CaseNotes(record.case_id));
  }
  view.record = std::move(record);
  return view;
}

Status SyncService::FileFeedback(StoreTxn& txn, const FeedbackRecord& feedback) {
  PATRON_RETURN_IF_ERROR(txn.PutFeedback(feedback));
  if (feedback.kind != FeedbackKind::kComplaint) return Status::OK();
  const int64_t now_ms = NowMs();
  CaseRecord opened;
  opened.case_id = feedback.feedback_id;
  opened.member_id = feedback.member_id;
  opened.store_id = feedback.store_id;
  opened.opened_ms = std::clamp(feedback.wall_ms, now_ms - kMaxComplaintAgeMs, now_ms);
  opened.updated_ms = now_ms;
  PATRON_RETURN_IF_ERROR(txn.PutCase(opened));
  return txn.AppendCaseNote(CaseNote{opened.case_id, now_ms, "", "open", feedback.topic});
}

Result<std::vector<FeedbackRecord>> SyncService::Feedback(const FeedbackFilter& filter) {
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginRead());
  return txn->FeedbackPage(filter);
}

Result<std::vector<FeedbackCount>> SyncService::FeedbackSummary(int64_t from_ms, int64_t to_ms,
                                                                std::string_view store_id,
                                                                bool by_month) {
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginRead());
  std::optional<int64_t> offset;
  if (by_month) {
    PATRON_ASSIGN_OR_RETURN(offset, txn->AnalyticsOffset());
  }
  return txn->FeedbackSummary(from_ms, to_ms, store_id, offset);
}

Result<int64_t> SyncService::LocalDayStartMs(std::string_view day) {
  Result<int64_t> day_number = ParseLocalDay(day);
  if (!day_number.ok()) {
    return Status::InvalidArgument("\"" + std::string(day) + "\" is not a day YYYY-MM-DD",
                                   "invalid_day");
  }
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginRead());
  PATRON_ASSIGN_OR_RETURN(const int64_t offset_minutes, txn->AnalyticsOffset());
  return *day_number * kMsPerDay - offset_minutes * 60'000;
}

Result<std::vector<CaseView>> SyncService::Cases(const CaseFilter& filter) {
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginRead());
  PATRON_ASSIGN_OR_RETURN(std::vector<CaseRecord> records, txn->CasesPage(filter));
  const int64_t now_ms = NowMs();
  std::vector<CaseView> views;
  views.reserve(records.size());
  for (CaseRecord& record : records) {
    PATRON_ASSIGN_OR_RETURN(CaseView view, ViewCase(*txn, std::move(record), now_ms, false));
    views.push_back(std::move(view));
  }
  return views;
}

Result<CaseView> SyncService::Case(std::string_view case_id) {
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginRead());
  PATRON_ASSIGN_OR_RETURN(std::optional<CaseRecord> record, txn->FindCase(case_id));
  if (!record) return Status::NotFound("no case " + std::string(case_id), "unknown_case");
  return ViewCase(*txn, std::move(*record), NowMs(), true);
}

Result<CaseView> SyncService::UpdateCase(std::string_view case_id, const CaseUpdate& update,
                                         std::string_view author) {
  PATRON_RETURN_IF_ERROR(CheckUpdate(update));
  const MemberFolder::WriteActivity activity(folder_);
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginWrite());
  PATRON_RETURN_IF_ERROR(clock_.Resume(*txn));
  const int64_t now_ms = NowMs();
  PATRON_ASSIGN_OR_RETURN(std::optional<CaseRecord> found, txn->FindCase(case_id));
  if (!found) return Status::NotFound("no case " + std::string(case_id), "unknown_case");
  PATRON_ASSIGN_OR_RETURN(CaseRecord record, ApplyCaseAction(*found, update.action, now_ms));
  std::string note = update.text;
  if (update.action == CaseAction::kAssign) {
    record.assignee = update.assignee;
    note = update.assignee;
  }
  if (update.action == CaseAction::kCompensate) {
    if (!record.compensation_entry.empty()) {
      return Status::Conflict("case " + record.case_id + " was compensated already (" +
                                  std::to_string(record.compensation_points) + " points)",
                              "already_compensated");
    }
    PATRON_ASSIGN_OR_RETURN(std::optional<MemberRecord> member, txn->FindMember(record.member_id));
    if (!member) {
      return Status::FailedPrecondition(
          "member " + record.member_id + " has not reached head office yet; compensate later",
          "unknown_member");
    }
    LedgerEntry draft;
    draft.member_id = record.member_id;
    draft.kind = EntryKind::kAdjust;
    draft.points = update.points;
    draft.detail.reason = "goodwill";
    draft.detail.request_id = record.case_id;
    PATRON_ASSIGN_OR_RETURN(StoredEntry entry, WriteServerEntry(*txn, std::move(draft)));
    record.compensation_points = update.points;
    record.compensation_entry = entry.entry.entry_id;
    note = std::to_string(update.points) + (update.text.empty() ? "" : " " + update.text);
  }
  PATRON_RETURN_IF_ERROR(txn->PutCase(record));
  PATRON_RETURN_IF_ERROR(
      txn->AppendCaseNote(CaseNote{record.case_id, now_ms, std::string(author),
                                   std::string(CaseActionName(update.action)), std::move(note)}));
  PATRON_ASSIGN_OR_RETURN(CaseView view, ViewCase(*txn, record, now_ms, true));
  PATRON_RETURN_IF_ERROR(CommitWrite(*txn));
  return view;
}

Result<CaseGauge> SyncService::CaseState() {
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginRead());
  CaseGauge gauge;
  const int64_t now_ms = NowMs();
  int64_t after_ms = 0;
  std::string after_id;
  while (true) {
    PATRON_ASSIGN_OR_RETURN(std::vector<CaseRecord> page,
                            txn->WorkingCases(after_ms, after_id, kGaugePage));
    for (const CaseRecord& record : page) {
      const CaseSla sla = SlaOf(record, now_ms, options_.case_sla);
      ++gauge.open;
      gauge.first_response_breached += sla.first_response_breached ? 1 : 0;
      gauge.resolution_breached += sla.resolution_breached ? 1 : 0;
    }
    if (page.size() < static_cast<size_t>(kGaugePage)) return gauge;
    after_ms = page.back().opened_ms;
    after_id = page.back().case_id;
  }
}

}  // namespace patron::sync

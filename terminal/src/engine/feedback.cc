#include "engine/feedback.h"

#include <optional>

#include "engine/member_view.h"
#include "engine/requests.h"
#include "patron/record/record_json.h"
#include "patron/records/sale.h"
#include "patron/survey.h"

namespace patron::terminal {
namespace {

// Whether two records say the same: what the member said about what, by
// whom (a retry is stamped anew, so time and HLC differ).
bool SameFeedback(const FeedbackRecord& a, const FeedbackRecord& b) {
  return a.member_id == b.member_id && a.kind == b.kind && a.rating == b.rating &&
         a.topic == b.topic && a.sale_id == b.sale_id && a.text == b.text;
}

// The ref a feedback is recorded under: the POS's, or for a survey answer
// "survey/<sale_ref>", so a sale has one answer however the POS names it.
Result<std::string> RefOf(const FeedbackRequest& request) {
  if (request.kind != FeedbackKind::kNps && request.kind != FeedbackKind::kCsat) {
    PATRON_RETURN_IF_ERROR(ValidateRef(request.feedback_ref, "feedback_ref"));
    return request.feedback_ref;
  }
  if (request.sale_ref.empty()) {
    return Status::InvalidArgument("a survey answer names the sale that asked for it (sale_ref)",
                                   "invalid_feedback");
  }
  PATRON_RETURN_IF_ERROR(ValidateRef(request.sale_ref, "sale_ref"));
  std::string ref = "survey/" + request.sale_ref;
  if (!request.feedback_ref.empty() && request.feedback_ref != ref) {
    return Status::InvalidArgument("a survey answer's feedback_ref is " + ref + ", or absent",
                                   "invalid_feedback_ref");
  }
  return ref;
}

}  // namespace

Result<FeedbackResult> RecordFeedback(EngineContext& ctx, const FeedbackRequest& request) {
  PATRON_ASSIGN_OR_RETURN(const std::string ref, RefOf(request));
  FeedbackRecord feedback;
  PATRON_ASSIGN_OR_RETURN(feedback.member_id, NormalizeMemberId(request.member_id));
  feedback.terminal_id = ctx.identity.terminal_id;
  feedback.store_id = ctx.identity.store_id;
  feedback.feedback_ref = ref;
  feedback.feedback_id = MakeSaleId(feedback.terminal_id, feedback.feedback_ref);
  feedback.kind = request.kind;
  feedback.rating = request.rating;
  feedback.topic = request.topic;
  feedback.text = request.text;
  if (!request.sale_ref.empty()) {
    PATRON_RETURN_IF_ERROR(ValidateRef(request.sale_ref, "sale_ref"));
    feedback.sale_id = MakeSaleId(feedback.terminal_id, request.sale_ref);
  }
  PATRON_RETURN_IF_ERROR(CheckFeedback(feedback));

  return InWriteTransaction(ctx, [&]() -> Result<FeedbackResult> {
    PATRON_ASSIGN_OR_RETURN(std::optional<std::string> earlier,
                            ctx.outbox.Find(kFeedbackRecordKind, feedback.feedback_id));
    if (earlier) {
      PATRON_ASSIGN_OR_RETURN(FeedbackRecord recorded,
                              record::DecodeRecord<FeedbackRecord>(*earlier));
      if (!SameFeedback(recorded, feedback)) {
        return Status::Conflict(
            "feedback_ref " + feedback.feedback_ref + " was already used for other feedback",
            "feedback_ref_conflict");
      }
      return FeedbackResult{std::move(recorded), true};
    }
    PATRON_RETURN_IF_ERROR(LoadMemberRow(ctx, feedback.member_id).status());
    if (!request.sale_ref.empty()) {
      PATRON_ASSIGN_OR_RETURN(std::optional<SaleRow> sale, ctx.sales.GetSale(request.sale_ref));
      if (!sale) {
        return Status::NotFound("this terminal has no sale " + request.sale_ref, "unknown_sale");
      }
      if (sale->member_id != feedback.member_id) {
        return Status::PermissionDenied("sale " + request.sale_ref + " is another member's",
                                        "sale_other_member");
      }
      const std::string_view asked = SurveyFor(ctx.rules().surveys, feedback.sale_id);
      const bool survey =
          feedback.kind == FeedbackKind::kNps || feedback.kind == FeedbackKind::kCsat;
      if (survey && asked != FeedbackKindName(feedback.kind)) {
        return Status::FailedPrecondition(
            "sale " + request.sale_ref + " was not asked for a" +
                (feedback.kind == FeedbackKind::kNps ? "n nps" : " csat") + " answer",
            "survey_not_asked");
      }
    }
    feedback.hlc = ctx.clock.Now();
    feedback.wall_ms = ctx.NowMs();
    PATRON_RETURN_IF_ERROR(ctx.outbox.Append(kFeedbackRecordKind, feedback.feedback_id, feedback));
    return FeedbackResult{std::move(feedback), false};
  });
}

}  // namespace patron::terminal

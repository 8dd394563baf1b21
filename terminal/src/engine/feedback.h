// Feedback at the till (DESIGN.md §11; records/feedback.h): a member's
// complaint, suggestion, praise or rating, written to the outbox in the
// transaction that accepts it, so it is kept offline and reaches head
// office exactly once, where a complaint opens a case.
#ifndef PATRON_TERMINAL_SRC_ENGINE_FEEDBACK_H_
#define PATRON_TERMINAL_SRC_ENGINE_FEEDBACK_H_

#include "engine/context.h"
#include "patron/records/feedback.h"
#include "patron/terminal/types.h"

namespace patron::terminal {

// Records the feedback and queues it for head office, in one transaction.
// Idempotent by feedback_ref (replayed = true); another request under the
// same ref is Conflict "feedback_ref_conflict". Refuses, changing nothing:
//   InvalidArgument "invalid_feedback_ref", "invalid_member_id", and
//                   "invalid_feedback" (CheckFeedback's refusals);
//   NotFound "unknown_member", "unknown_sale" (no sale of this till under
//            sale_ref); PermissionDenied "sale_other_member" (the sale is
//            another member's).
Result<FeedbackResult> RecordFeedback(EngineContext& ctx, const FeedbackRequest& request);

}  // namespace patron::terminal

#endif  // PATRON_TERMINAL_SRC_ENGINE_FEEDBACK_H_

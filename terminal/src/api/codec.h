// JSON codec of the local API (DESIGN.md §6): request bodies into the
// engine's request structs, results into response bodies. Decoding refuses
// malformed JSON, wrong types, missing and unknown fields with
// InvalidArgument naming the field.
#ifndef PATRON_TERMINAL_SRC_API_CODEC_H_
#define PATRON_TERMINAL_SRC_API_CODEC_H_

#include <optional>
#include <string>
#include <string_view>

#include "patron/status.h"
#include "patron/terminal/types.h"

namespace patron::terminal {

Result<EnrolRequest> DecodeEnrolRequest(std::string_view body);
Result<ProfilePatch> DecodeProfilePatch(std::string_view body);
// A quote takes the same body as a sale, without sale_ref.
Result<SaleRequest> DecodeSaleRequest(std::string_view body, bool is_quote);
// The sale_ref comes from the path.
Result<RefundRequest> DecodeRefundRequest(std::string_view body, std::string sale_ref);

// `created` is present only in the answer to an enrolment.
std::string EncodeMember(const Member& member, std::optional<bool> created = std::nullopt);
std::string EncodeQuote(const Quote& quote);
std::string EncodeSaleResult(const SaleResult& result);
std::string EncodeRefundResult(const RefundResult& result);
// {"vouchers": [each voucher's record, with its "state" and "held_here"]}.
std::string EncodeMemberVouchers(const std::vector<MemberVoucher>& vouchers);
// {"offers": [each offer's record (offer.h), the best first]}.
std::string EncodeOffers(const std::vector<Offer>& offers);
std::string EncodeHistory(const HistoryPage& page);
Result<ExchangeRequest> DecodeExchangeRequest(std::string_view body);
// POST /v1/feedback: {"feedback_ref", "member_id", "kind", "rating"?,
// "topic"?, "sale_ref"?, "text"?}; unknown fields refused.
Result<FeedbackRequest> DecodeFeedbackRequest(std::string_view body);
// The feedback as recorded (its record's fields, empty ones left out) and
// "replayed".
std::string EncodeFeedbackResult(const FeedbackResult& result);
// {"rule_version", "rewards": [each reward's record, with "stock_here"
// (null: no limit) and "stock_granted"; for a member also "limit_left"
// (null: no limit), "available" and "unavailable" (a reason or null)]}.
std::string EncodeRewardOffers(const std::vector<RewardOffer>& offers, int64_t rule_version,
                               bool for_member);
// The exchange's record with "balance", "voucher" (null for an item) and
// "replayed".
std::string EncodeExchangeResult(const ExchangeResult& result);
// {"exchanges": [each exchange's record]}.
std::string EncodeExchanges(const std::vector<ExchangeRecord>& exchanges);

// What the sync side adds to /v1/status.
struct SyncInfo {
  bool configured = false;
  bool online = false;
  std::string server;  // URL, empty if not configured
  std::optional<int64_t> last_success_ms;
  std::optional<int64_t> lag_ms;  // now - last_success_ms
  std::string last_error;
};
std::string EncodeStatus(const TerminalStatus& status, const SyncInfo& sync);

}  // namespace patron::terminal

#endif  // PATRON_TERMINAL_SRC_API_CODEC_H_

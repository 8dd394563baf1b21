#include "patron/records/voucher.h"

#include <algorithm>

#include "patron/local_time.h"
#include "patron/money.h"

namespace patron {
namespace {

Status Invalid(std::string_view field, std::string_view why) {
  return Status::InvalidArgument(std::string(field) + ": " + std::string(why), "invalid_voucher");
}

bool IsIdChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

}  // namespace

const std::string_view kVoucherColumnsSql = R"sql(
  voucher_id TEXT PRIMARY KEY,
  member_id TEXT NOT NULL,
  name TEXT NOT NULL,
  source TEXT NOT NULL,
  amount_off_minor INTEGER NOT NULL,
  percent_off_bp INTEGER NOT NULL,
  max_off_minor INTEGER NOT NULL,
  bonus_points INTEGER NOT NULL,
  min_spend_minor INTEGER NOT NULL,
  valid_from_ms INTEGER NOT NULL,
  valid_until_ms INTEGER NOT NULL,
  issued_ms INTEGER NOT NULL,
  status TEXT NOT NULL,
  holder TEXT NOT NULL,
  holder_gen INTEGER NOT NULL,
  recall INTEGER NOT NULL,
  used_sale_id TEXT NOT NULL,
  used_ms INTEGER NOT NULL,
  bonus_entry TEXT NOT NULL)sql";

std::string VoucherReleaseId(std::string_view terminal_id, std::string_view voucher_id,
                             int64_t holder_gen) {
  return std::string(terminal_id) + "/voucher_release/" + std::string(voucher_id) + "/" +
         std::to_string(holder_gen);
}

Status ValidateVoucher(const Voucher& v) {
  if (v.voucher_id.empty() || v.voucher_id.size() > kMaxVoucherIdLength ||
      !std::all_of(v.voucher_id.begin(), v.voucher_id.end(), IsIdChar)) {
    return Invalid("voucher_id", "1 to 48 of A-Z a-z 0-9 . _ -");
  }
  if (v.name.empty() || v.name.size() > kMaxVoucherTextLength) {
    return Invalid("name", "required, at most 200 bytes");
  }
  if (v.source.size() > kMaxVoucherTextLength) return Invalid("source", "at most 200 bytes");
  for (const auto& [field, value] :
       {std::pair{"amount_off_minor", v.amount_off_minor},
        std::pair{"percent_off_bp", v.percent_off_bp}, std::pair{"max_off_minor", v.max_off_minor},
        std::pair{"bonus_points", v.bonus_points},
        std::pair{"min_spend_minor", v.min_spend_minor}}) {
    if (value < 0) return Invalid(field, "must not be negative");
    if (value > kMaxVoucherAmount) return Invalid(field, "at most 10^9");
  }
  if (v.percent_off_bp > kBasisPointsPerUnit)
    return Invalid("percent_off_bp", "at most 10000 (100%)");
  if (v.amount_off_minor > 0 && v.percent_off_bp > 0) {
    return Invalid("percent_off_bp", "a voucher takes off an amount or a share, not both");
  }
  if (v.max_off_minor > 0 && v.percent_off_bp == 0) {
    return Invalid("max_off_minor", "caps a percent_off_bp voucher only");
  }
  if (v.amount_off_minor == 0 && v.percent_off_bp == 0 && v.bonus_points == 0) {
    return Invalid("amount_off_minor", "a voucher gives money off, a share off or bonus points");
  }
  if (v.valid_until_ms <= v.valid_from_ms) {
    return Invalid("valid_until", "must come after valid_from");
  }
  return Status::OK();
}

Result<VoucherBenefit> VoucherValue(const Voucher& v, std::string_view member_id,
                                    int64_t amount_minor, int64_t left_minor, int64_t now_ms) {
  const std::string named = "voucher " + v.voucher_id;
  if (v.member_id != member_id) {
    return Status::PermissionDenied(named + " belongs to another member", "voucher_other_member");
  }
  if (v.status == kVoucherUsed) {
    return Status::Conflict(
        named + " was used by sale " + v.used_sale_id + " at " + FormatPackTime(v.used_ms, 0),
        "voucher_used");
  }
  if (now_ms < v.valid_from_ms) {
    return Status::FailedPrecondition(
        named + " is valid from " + FormatPackTime(v.valid_from_ms, 0), "voucher_not_yet_valid");
  }
  if (now_ms >= v.valid_until_ms) {
    return Status::FailedPrecondition(named + " expired at " + FormatPackTime(v.valid_until_ms, 0),
                                      "voucher_expired");
  }
  if (amount_minor < v.min_spend_minor) {
    return Status::FailedPrecondition(
        named + " needs a basket of at least " + std::to_string(v.min_spend_minor) +
            " (minor units); this one is " + std::to_string(amount_minor),
        "voucher_min_spend");
  }
  VoucherBenefit benefit;
  benefit.points = v.bonus_points;
  int64_t off = v.amount_off_minor;
  if (v.percent_off_bp > 0) {
    PATRON_ASSIGN_OR_RETURN(off,
                            ApplyBasisPoints(std::max<int64_t>(0, left_minor), v.percent_off_bp));
    if (v.max_off_minor > 0) off = std::min(off, v.max_off_minor);
  }
  benefit.discount_minor = std::clamp<int64_t>(off, 0, std::max<int64_t>(0, left_minor));
  return benefit;
}

}  // namespace patron

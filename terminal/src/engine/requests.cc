#include "engine/requests.h"

#include <set>

#include "patron/digest.h"
#include "patron/money.h"
#include "patron/uuid.h"

namespace patron::terminal {
namespace {

Status Invalid(std::string message, std::string_view reason) {
  return Status::InvalidArgument(std::move(message), reason);
}

Status ValidateLine(const SaleLine& line, size_t index) {
  const std::string where = "lines[" + std::to_string(index) + "]";
  if (line.sku.empty() || line.sku.size() > kMaxRefLength) {
    return Invalid(where + ".sku must be 1 to 64 characters", "invalid_line");
  }
  if (line.qty <= 0 || line.qty > kMaxLineQty) {
    return Invalid(where + ".qty must be between 1 and 1000000", "invalid_line");
  }
  if (line.amount_minor < 0 || line.amount_minor > kMaxAmountMinor) {
    return Invalid(where + ".amount_minor must be between 0 and 10^15", "invalid_line");
  }
  if (line.category.size() > kMaxRefLength) {
    return Invalid(where + ".category is longer than 64 characters", "invalid_line");
  }
  if (line.name.size() > kMaxLineNameLength) {
    return Invalid(where + ".name is longer than 200 bytes", "invalid_line");
  }
  if (line.discount_minor < 0 || line.discount_minor > kMaxAmountMinor) {
    return Invalid(where + ".discount_minor must be between 0 and 10^15", "invalid_line");
  }
  return Status::OK();
}

}  // namespace

Result<std::string> NormalizeMemberId(std::string_view member_id) {
  Result<Uuid> uuid = Uuid::Parse(member_id);
  if (!uuid.ok()) return Invalid("member_id is not a valid member id", "invalid_member_id");
  return uuid->ToString();
}

Status ValidateRef(std::string_view ref, std::string_view what) {
  const std::string reason = "invalid_" + std::string(what);
  if (ref.empty() || ref.size() > kMaxRefLength) {
    return Invalid(std::string(what) + " must be 1 to 64 characters", reason);
  }
  for (char c : ref) {
    if (c <= 0x20 || c >= 0x7f) {
      return Invalid(std::string(what) + " must be printable ASCII without blanks", reason);
    }
  }
  return Status::OK();
}

Result<SaleRequest> NormalizeSale(const SaleRequest& request, const Rules& rules,
                                  bool require_sale_ref) {
  SaleRequest sale = request;
  if (require_sale_ref || !sale.sale_ref.empty()) {
    PATRON_RETURN_IF_ERROR(ValidateRef(sale.sale_ref, "sale_ref"));
  }
  PATRON_ASSIGN_OR_RETURN(sale.member_id, NormalizeMemberId(sale.member_id));
  if (sale.amount_minor <= 0 || sale.amount_minor > kMaxAmountMinor) {
    return Invalid("amount_minor must be between 1 and 10^15", "invalid_amount");
  }
  if (sale.currency.empty()) sale.currency = rules.currency;
  if (sale.currency != rules.currency) {
    return Invalid("currency " + sale.currency + " is not the programme's currency " +
                       rules.currency,
                   "currency_mismatch");
  }
  if (sale.redeem_points < 0) {
    return Invalid("redeem_points must not be negative", "invalid_redeem_points");
  }
  if (sale.vouchers.size() > kMaxSaleVouchers) {
    return Invalid("at most " + std::to_string(kMaxSaleVouchers) + " vouchers per sale",
                   "invalid_voucher");
  }
  std::set<std::string> named;
  for (const std::string& id : sale.vouchers) {
    if (id.empty() || id.size() > kMaxVoucherIdLength) {
      return Invalid("vouchers: a voucher id has 1 to 48 characters", "invalid_voucher");
    }
    if (!named.insert(id).second) {
      return Invalid("vouchers: " + id + " is named twice", "invalid_voucher");
    }
  }
  if (sale.lines.size() > kMaxLines) return Invalid("more than 500 lines", "invalid_line");
  if (!sale.lines.empty()) {
    int64_t total = 0;
    for (size_t i = 0; i < sale.lines.size(); ++i) {
      sale.lines[i].line_no = static_cast<int64_t>(i);
      PATRON_RETURN_IF_ERROR(ValidateLine(sale.lines[i], i));
      PATRON_ASSIGN_OR_RETURN(total, CheckedAdd(total, sale.lines[i].amount_minor));
    }
    if (total != sale.amount_minor) {
      return Invalid("the lines add up to " + std::to_string(total) + ", not amount_minor " +
                         std::to_string(sale.amount_minor),
                     "lines_mismatch");
    }
  }
  return sale;
}

Status ValidateRefund(const RefundRequest& request) {
  PATRON_RETURN_IF_ERROR(ValidateRef(request.sale_ref, "sale_ref"));
  PATRON_RETURN_IF_ERROR(ValidateRef(request.refund_ref, "refund_ref"));
  if (!request.sale_terminal.empty()) {
    PATRON_RETURN_IF_ERROR(ValidateRef(request.sale_terminal, "sale_terminal"));
    if (request.sale_terminal.find('/') != std::string::npos) {
      return Invalid("sale_terminal is a terminal id, without '/'", "invalid_sale_terminal");
    }
  }
  if (!request.member_id.empty()) {
    PATRON_RETURN_IF_ERROR(NormalizeMemberId(request.member_id).status());
  }
  if (request.amount_minor && !request.lines.empty()) {
    return Invalid("give either amount_minor or lines, not both", "invalid_refund");
  }
  if (request.amount_minor && (*request.amount_minor <= 0 || *request.amount_minor > kMaxAmountMinor)) {
    return Invalid("amount_minor must be between 1 and 10^15", "invalid_amount");
  }
  if (request.lines.size() > kMaxLines) return Invalid("more than 500 lines", "invalid_line");
  std::set<int64_t> seen;
  for (size_t i = 0; i < request.lines.size(); ++i) {
    const RefundLine& line = request.lines[i];
    const std::string where = "lines[" + std::to_string(i) + "]";
    if (line.line_no < 0 || line.line_no >= static_cast<int64_t>(kMaxLines)) {
      return Invalid(where + ".line_no is out of range", "invalid_line");
    }
    if (line.qty <= 0 || line.qty > kMaxLineQty) {
      return Invalid(where + ".qty must be between 1 and 1000000", "invalid_line");
    }
    if (!seen.insert(line.line_no).second) {
      return Invalid(where + " repeats line " + std::to_string(line.line_no), "invalid_line");
    }
  }
  return Status::OK();
}

std::string HashSale(const SaleRequest& s) {
  CanonicalHasher hasher;
  hasher.Add("sale").Add(s.sale_ref).Add(s.member_id).Add(s.amount_minor).Add(s.currency);
  hasher.Add(s.redeem_points).Add(static_cast<int64_t>(s.lines.size()));
  for (const SaleLine& line : s.lines) {
    hasher.Add(line.sku).Add(line.qty).Add(line.amount_minor).Add(line.category);
    // Added with the consumption records: hashed only when given, so a sale
    // sent before them and replayed after still matches its stored hash.
    if (!line.name.empty() || line.discount_minor != 0) {
      hasher.Add("line+").Add(line.name).Add(line.discount_minor);
    }
  }
  // Added with vouchers: hashed only when given, as above.
  if (!s.vouchers.empty()) {
    hasher.Add("vouchers").Add(static_cast<int64_t>(s.vouchers.size()));
    for (const std::string& id : s.vouchers) hasher.Add(id);
  }
  return hasher.HexDigest();
}

std::string HashRefund(const RefundRequest& r) {
  CanonicalHasher hasher;
  hasher.Add("refund").Add(r.sale_ref).Add(r.refund_ref);
  // Added with returns in any store: hashed only when given, so a refund
  // made before them and replayed after still matches its stored hash.
  if (!r.sale_terminal.empty() || !r.member_id.empty()) {
    hasher.Add("origin").Add(r.sale_terminal).Add(r.member_id);
  }
  hasher.Add(r.amount_minor ? "amount" : "lines").Add(r.amount_minor.value_or(0));
  hasher.Add(static_cast<int64_t>(r.lines.size()));
  for (const RefundLine& line : r.lines) hasher.Add(line.line_no).Add(line.qty);
  return hasher.HexDigest();
}

}  // namespace patron::terminal

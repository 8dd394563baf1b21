#include "engine/vouchers.h"

#include <algorithm>

#include "patron/money.h"

namespace patron::terminal {

bool HeldHere(const VoucherRow& row, std::string_view terminal_id) {
  return row.status == kVoucherIssued && row.holder == terminal_id &&
         row.released_gen != row.holder_gen;
}

Status TakeVoucher(EngineContext& ctx, const Voucher& from_head_office) {
  PATRON_ASSIGN_OR_RETURN(std::optional<VoucherRow> held,
                          ctx.vouchers.Get(from_head_office.voucher_id));
  if (held && held->status == kVoucherUsed && from_head_office.status != kVoucherUsed) {
    return Status::OK();  // used here; the sale is on its way up
  }
  if (held && from_head_office.holder_gen < held->holder_gen) return Status::OK();
  VoucherRow row;
  static_cast<Voucher&>(row) = from_head_office;
  row.released_gen = held ? held->released_gen : 0;
  if (row.recall && HeldHere(row, ctx.identity.terminal_id)) {
    row.released_gen = row.holder_gen;
    const VoucherRelease release{row.voucher_id, ctx.identity.terminal_id, row.holder_gen,
                                 ctx.NowMs()};
    PATRON_RETURN_IF_ERROR(ctx.outbox.Append(
        kVoucherReleaseKind,
        VoucherReleaseId(release.terminal_id, release.voucher_id, release.holder_gen), release));
  }
  return ctx.vouchers.Put(row);
}

Result<std::vector<Award>> VoucherAwards(EngineContext& ctx, const SaleRequest& sale,
                                         int64_t left_minor, bool must_hold) {
  std::vector<Award> awards;
  int64_t left = left_minor;
  const int64_t now_ms = ctx.NowMs();
  for (const std::string& id : sale.vouchers) {
    PATRON_ASSIGN_OR_RETURN(std::optional<VoucherRow> row, ctx.vouchers.Get(id));
    if (!row) {
      return Status::NotFound("this till knows no voucher " + id +
                                  "; head office may have issued it after the last sync",
                              "unknown_voucher");
    }
    PATRON_ASSIGN_OR_RETURN(VoucherBenefit benefit,
                            VoucherValue(*row, sale.member_id, sale.amount_minor, left, now_ms));
    if (must_hold && !HeldHere(*row, ctx.identity.terminal_id)) {
      return Status::Conflict(
          "voucher " + id + " is held " +
              (row->holder.empty() ? std::string("by head office") : "by till " + row->holder) +
              "; this till must claim it first",
          "voucher_not_held");
    }
    left -= benefit.discount_minor;  // within left
    Award& award = awards.emplace_back();
    award.kind = std::string(kAwardVoucher);
    award.voucher_id = id;
    award.points = benefit.points;
    award.discount_minor = benefit.discount_minor;
  }
  return awards;
}

Status MarkVoucherUsed(EngineContext& ctx, std::string_view voucher_id, std::string_view sale_id) {
  PATRON_ASSIGN_OR_RETURN(std::optional<VoucherRow> row, ctx.vouchers.Get(voucher_id));
  if (!row) return Status::Internal("voucher " + std::string(voucher_id) + " vanished");
  row->status = std::string(kVoucherUsed);
  row->used_sale_id = std::string(sale_id);
  row->used_ms = ctx.NowMs();
  return ctx.vouchers.Put(*row);
}

Result<std::vector<MemberVoucher>> VouchersOf(EngineContext& ctx, std::string_view member_id) {
  PATRON_ASSIGN_OR_RETURN(std::vector<VoucherRow> rows, ctx.vouchers.OfMember(member_id));
  const int64_t now_ms = ctx.NowMs();
  std::vector<MemberVoucher> vouchers;
  for (VoucherRow& row : rows) {
    MemberVoucher& view = vouchers.emplace_back();
    view.held_here = HeldHere(row, ctx.identity.terminal_id);
    if (row.status == kVoucherUsed) {
      view.state = "used";
    } else if (now_ms >= row.valid_until_ms) {
      view.state = "expired";
    } else if (now_ms < row.valid_from_ms) {
      view.state = "not_yet_valid";
    } else {
      view.state = "usable";
    }
    view.voucher = std::move(row);
  }
  return vouchers;
}

}  // namespace patron::terminal

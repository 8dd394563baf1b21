// Vouchers (DESIGN.md §9): once-only benefits (welcome, birthday, win-back,
// tier gifts, exchanged rewards) that head office issues ahead of time to
// one member, redeemable once at any till and never twice.
//
// Never twice, offline included, is the redemption-rights idea applied to a
// single thing: one holder at a time may redeem a voucher, head office
// (holder "") or one terminal.
//   - A till redeems a voucher it holds without asking anyone, offline too.
//     Head office may place a voucher at a till when it issues it (the
//     member's usual till, for a birthday), so that till can redeem it
//     offline.
//   - A till that does not hold the voucher claims it from head office
//     (online; POST /v1/vouchers/claim). Head office hands it over if it
//     holds it. If another till holds it, head office asks that till to give
//     it back (`recall`) and answers that it is held elsewhere.
//   - A holder that has not used a recalled voucher gives it back with a
//     "voucher_release" record naming the holding it gives up
//     (`holder_gen`). Every claim raises holder_gen, so a give-back still on
//     its way from an earlier holding is ignored.
//   - A sale that used a voucher lists it among its awards; head office marks
//     the voucher used by that sale. The voucher's bonus points travel on a
//     kBonus entry naming it, which head office accepts only from the holder,
//     once.
//
// Vouchers travel down as items of kind "voucher" addressed to the member
// (every till holds every member), keyed by voucher id; each change
// replaces the item.
#ifndef PATRON_RECORDS_VOUCHER_H_
#define PATRON_RECORDS_VOUCHER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "patron/record/field.h"
#include "patron/status.h"

namespace patron {

inline constexpr std::string_view kVoucherIssued = "issued";
inline constexpr std::string_view kVoucherUsed = "used";

inline constexpr std::string_view kVoucherItem = "voucher";
inline constexpr std::string_view kVoucherReleaseKind = "voucher_release";

inline constexpr size_t kMaxVoucherIdLength = 48;
inline constexpr size_t kMaxVoucherTextLength = 200;  // name, source: bytes
// The most of any amount or points a voucher gives or needs (10,000,000.00
// in minor units; within what head office accepts on one entry).
inline constexpr int64_t kMaxVoucherAmount = 1'000'000'000;

struct Voucher {
  std::string voucher_id;  // [A-Za-z0-9._-], 1..48
  std::string member_id;
  std::string name;    // for people: "生日礼券 Birthday 20 off"
  std::string source;  // what issued it, for reports: "birthday", a campaign id
  // The benefit: money off the basket (a fixed amount, or a share capped
  // at max_off_minor, 0 = no cap), bonus points, or both.
  int64_t amount_off_minor = 0;
  int64_t percent_off_bp = 0;  // 1000 = 10% off
  int64_t max_off_minor = 0;
  int64_t bonus_points = 0;
  int64_t min_spend_minor = 0;  // the basket total it needs (满减)
  int64_t valid_from_ms = 0;
  int64_t valid_until_ms = 0;  // exclusive
  int64_t issued_ms = 0;
  std::string status = std::string(kVoucherIssued);  // kVoucherIssued, kVoucherUsed
  std::string holder;        // "" = head office; else the terminal that may redeem it
  int64_t holder_gen = 0;    // raised by every hand-over
  bool recall = false;       // head office asks the holder to give it back
  std::string used_sale_id;  // the sale that used it
  int64_t used_ms = 0;
  std::string bonus_entry;  // the kBonus entry that gave its bonus_points
  friend bool operator==(const Voucher&, const Voucher&) = default;
};

// A holder gives a voucher back (recalled, and not used). Record id:
// VoucherReleaseId.
struct VoucherRelease {
  std::string voucher_id;
  std::string terminal_id;
  int64_t holder_gen = 0;  // the holding given up
  int64_t wall_ms = 0;
  friend bool operator==(const VoucherRelease&, const VoucherRelease&) = default;
};
std::string VoucherReleaseId(std::string_view terminal_id, std::string_view voucher_id,
                             int64_t holder_gen);

// The SQL columns of a voucher (record::ColumnList<Voucher>() with their
// types), for the `vouchers` tables of head office and of the terminal
// (each schema's version 10; the terminal's adds a column of its own).
extern const std::string_view kVoucherColumnsSql;

// InvalidArgument ("invalid_voucher") naming the field: a bad id, name or
// source; a negative amount; a share above 100%; no benefit at all; a
// window that ends before it starts. The member id is the caller's to check.
Status ValidateVoucher(const Voucher& voucher);

// What a voucher gives one sale.
struct VoucherBenefit {
  int64_t discount_minor = 0;
  int64_t points = 0;
  friend bool operator==(const VoucherBenefit&, const VoucherBenefit&) = default;
};

// What `voucher` gives `member_id`'s basket of `amount_minor` at `now_ms`,
// `left_minor` of it still to pay after earlier vouchers: a share off is a
// share of what is left, and no discount exceeds it; min_spend_minor is
// checked against the whole basket. Whether the caller may redeem it (holds it) is the caller's
// to check. Refuses, changing nothing:
//   PermissionDenied "voucher_other_member"   another member's voucher;
//   Conflict "voucher_used"                   used already (by which sale, when);
//   FailedPrecondition "voucher_not_yet_valid", "voucher_expired" (by its window),
//                      "voucher_min_spend"    the basket is below min_spend_minor.
Result<VoucherBenefit> VoucherValue(const Voucher& voucher, std::string_view member_id,
                                    int64_t amount_minor, int64_t left_minor, int64_t now_ms);

}  // namespace patron

namespace patron::record {

template <>
struct Schema<Voucher> {
  static constexpr std::string_view kName = "voucher";
  static constexpr auto kFields = record::FieldList{
      Field<&Voucher::voucher_id>{"voucher_id"},
      Field<&Voucher::member_id>{"member_id"},
      Field<&Voucher::name>{"name"},
      Field<&Voucher::source>{"source", {}, kOmitDefault},
      Field<&Voucher::amount_off_minor>{"amount_off_minor", {}, kOmitDefault},
      Field<&Voucher::percent_off_bp>{"percent_off_bp", {}, kOmitDefault},
      Field<&Voucher::max_off_minor>{"max_off_minor", {}, kOmitDefault},
      Field<&Voucher::bonus_points>{"bonus_points", {}, kOmitDefault},
      Field<&Voucher::min_spend_minor>{"min_spend_minor", {}, kOmitDefault},
      Field<&Voucher::valid_from_ms>{"valid_from_ms"},
      Field<&Voucher::valid_until_ms>{"valid_until_ms"},
      Field<&Voucher::issued_ms>{"issued_ms"},
      Field<&Voucher::status>{"status"},
      Field<&Voucher::holder>{"holder"},
      Field<&Voucher::holder_gen>{"holder_gen"},
      Field<&Voucher::recall>{"recall", {}, kOmitDefault},
      Field<&Voucher::used_sale_id>{"used_sale_id", {}, kOmitDefault},
      Field<&Voucher::used_ms>{"used_ms", {}, kOmitDefault},
      Field<&Voucher::bonus_entry>{"bonus_entry", {}, kOmitDefault},
  };
};

template <>
struct Schema<VoucherRelease> {
  static constexpr std::string_view kName = "voucher_release";
  static constexpr auto kFields = record::FieldList{
      Field<&VoucherRelease::voucher_id>{"voucher_id"},
      Field<&VoucherRelease::terminal_id>{"terminal_id"},
      Field<&VoucherRelease::holder_gen>{"holder_gen"},
      Field<&VoucherRelease::wall_ms>{"wall_ms"},
  };
};

}  // namespace patron::record

#endif  // PATRON_RECORDS_VOUCHER_H_

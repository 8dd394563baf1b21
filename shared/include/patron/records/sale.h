// Consumption records: every sale with its basket lines, and every refund,
// as the till that made them sends them to head office through the
// up-channel (DESIGN.md §8; record kinds "sale" and "refund").
#ifndef PATRON_RECORDS_SALE_H_
#define PATRON_RECORDS_SALE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "patron/hlc.h"
#include "patron/record/field.h"

namespace patron {

// A sale's id across the chain: "<terminal_id>/<sale_ref>". Terminal ids hold
// no '/', so the first '/' splits it back.
std::string MakeSaleId(std::string_view terminal_id, std::string_view sale_ref);
// The terminal and sale_ref of a sale id; false if it is not one.
bool SplitSaleId(std::string_view sale_id, std::string_view& terminal_id,
                 std::string_view& sale_ref);

struct SaleLine {
  int64_t line_no = 0;  // 0-based position in the basket
  std::string sku;
  std::string name;      // as the POS printed it
  std::string category;  // "" when the POS sent none
  int64_t qty = 1;
  int64_t amount_minor = 0;    // the line total, after line discounts
  int64_t discount_minor = 0;  // the POS's own discounts on the line
  friend bool operator==(const SaleLine&, const SaleLine&) = default;
};

// What one campaign of the rule pack, or one voucher, gave a sale
// (evaluate.h): points on a kBonus entry of its own, so that a refund
// reverses exactly its share, and a voucher's money off. A member in the
// campaign's control group gets a held-out award: no points, no entry, kept
// so head office can compare the two groups. An award names a campaign or a
// voucher (records/voucher.h), never both.
struct SaleAward {
  std::string campaign_id;
  int64_t points = 0;
  std::string entry_id;  // the kBonus entry; "" when held out or no points
  bool held_out = false;
  int64_t budget_short = 0;  // evaluate.h Award::budget_short
  std::string voucher_id;
  int64_t discount_minor = 0;  // a voucher's or a money-off campaign's money off
  // The voucher the campaign issued on the sale (records/campaign_voucher.h).
  std::string issued_voucher_id;
  friend bool operator==(const SaleAward&, const SaleAward&) = default;
};

struct SaleRecord {
  std::string sale_id;  // MakeSaleId(terminal_id, sale_ref)
  std::string terminal_id;
  std::string store_id;
  std::string sale_ref;
  std::string member_id;
  int64_t amount_minor = 0;  // basket total before points
  std::string currency;
  int64_t discount_minor = 0;       // paid with points
  int64_t paid_minor = 0;           // paid with money: amount - every discount
  int64_t eligible_paid_minor = 0;  // the money that earned points
  int64_t earned_points = 0;        // on earn_entry: base and tier, not campaigns
  int64_t redeemed_points = 0;
  std::string earn_entry;    // "" if nothing was earned
  std::string redeem_entry;  // "" if nothing was redeemed
  int64_t rule_version = 0;
  HlcTimestamp hlc;
  int64_t wall_ms = 0;
  std::vector<SaleLine> lines;
  // The campaigns' by the pack's priority, then the vouchers' in the order
  // the sale named them.
  record::JsonList<SaleAward> awards;
  int64_t voucher_discount_minor = 0;  // money off by vouchers (their awards')
  // Money off by campaigns (their awards'), taken before vouchers and points.
  int64_t campaign_discount_minor = 0;
  friend bool operator==(const SaleRecord&, const SaleRecord&) = default;
};

// The share of a campaign's award a refund takes back: a kReverse of the
// award's entry.
struct AwardReversal {
  std::string entry_id;  // the sale's kBonus entry
  std::string campaign_id;
  int64_t points = 0;  // taken back, > 0
  friend bool operator==(const AwardReversal&, const AwardReversal&) = default;
};

struct RefundLine {
  int64_t line_no = 0;
  int64_t qty = 0;
  friend bool operator==(const RefundLine&, const RefundLine&) = default;
};

// A refund of a sale, made at any store. A refund at the sale's own
// terminal, or at another store that reached head office, reverses the
// points at once (its entries are listed). An offline return of another
// store's sale is `pending`: the money is handed back by the store's
// policy, and head office reverses the points when it matches the sale.
struct RefundRecord {
  std::string refund_id;  // MakeSaleId(terminal_id, refund_ref)
  std::string terminal_id;
  std::string store_id;
  std::string refund_ref;
  std::string sale_id;  // the sale refunded, wherever it was made
  std::string member_id;
  int64_t amount_minor = 0;     // goods value refunded
  int64_t paid_back_minor = 0;  // money handed back
  int64_t reversed_points = 0;  // points of the earn entry taken back (0 while pending)
  int64_t returned_points = 0;  // redeemed points given back (0 while pending)
  int64_t spend_reversed_minor = 0;  // qualifying spend taken back (0 while pending)
  bool pending = false;
  std::vector<RefundLine> lines;  // empty: by amount, or the whole sale
  std::vector<std::string> entry_ids;
  HlcTimestamp hlc;
  int64_t wall_ms = 0;
  // Campaign awards taken back, one per award entry (none while pending).
  record::JsonList<AwardReversal> reversed_awards;
  friend bool operator==(const RefundRecord&, const RefundRecord&) = default;
};

inline constexpr std::string_view kSaleRecordKind = "sale";
inline constexpr std::string_view kRefundRecordKind = "refund";

}  // namespace patron

namespace patron::record {

template <>
struct Schema<SaleLine> {
  static constexpr std::string_view kName = "sale_line";
  static constexpr auto kFields = record::FieldList{
      Field<&SaleLine::line_no>{"line_no"},
      Field<&SaleLine::sku>{"sku"},
      Field<&SaleLine::name>{"name"},
      Field<&SaleLine::category>{"category"},
      Field<&SaleLine::qty>{"qty"},
      Field<&SaleLine::amount_minor>{"amount_minor"},
      Field<&SaleLine::discount_minor>{"discount_minor"},
  };
};

template <>
struct Schema<SaleAward> {
  static constexpr std::string_view kName = "sale_award";
  static constexpr auto kFields = record::FieldList{
      Field<&SaleAward::campaign_id>{"campaign_id"},
      Field<&SaleAward::points>{"points"},
      Field<&SaleAward::entry_id>{"entry_id", {}, kOmitDefault},
      Field<&SaleAward::held_out>{"held_out", {}, kOmitDefault},
      Field<&SaleAward::budget_short>{"budget_short", {}, kOmitDefault},
      Field<&SaleAward::voucher_id>{"voucher_id", {}, kOmitDefault},
      Field<&SaleAward::discount_minor>{"discount_minor", {}, kOmitDefault},
      Field<&SaleAward::issued_voucher_id>{"issued_voucher_id", {}, kOmitDefault},
  };
};

template <>
struct Schema<AwardReversal> {
  static constexpr std::string_view kName = "award_reversal";
  static constexpr auto kFields = record::FieldList{
      Field<&AwardReversal::entry_id>{"entry_id"},
      Field<&AwardReversal::campaign_id>{"campaign_id"},
      Field<&AwardReversal::points>{"points"},
  };
};

template <>
struct Schema<SaleRecord> {
  static constexpr std::string_view kName = "sale";
  static constexpr auto kFields = record::FieldList{
      Field<&SaleRecord::sale_id>{"sale_id"},
      Field<&SaleRecord::terminal_id>{"terminal_id"},
      Field<&SaleRecord::store_id>{"store_id"},
      Field<&SaleRecord::sale_ref>{"sale_ref"},
      Field<&SaleRecord::member_id>{"member_id"},
      Field<&SaleRecord::amount_minor>{"amount_minor"},
      Field<&SaleRecord::currency>{"currency"},
      Field<&SaleRecord::discount_minor>{"discount_minor"},
      Field<&SaleRecord::paid_minor>{"paid_minor"},
      Field<&SaleRecord::eligible_paid_minor>{"eligible_paid_minor"},
      Field<&SaleRecord::earned_points>{"earned_points"},
      Field<&SaleRecord::redeemed_points>{"redeemed_points"},
      Field<&SaleRecord::earn_entry>{"earn_entry"},
      Field<&SaleRecord::redeem_entry>{"redeem_entry"},
      Field<&SaleRecord::rule_version>{"rule_version"},
      Field<&SaleRecord::hlc>{"hlc"},
      Field<&SaleRecord::wall_ms>{"wall_ms"},
      Field<&SaleRecord::lines>{"lines"},
      Field<&SaleRecord::awards>{"awards", {}, kOmitDefault},
      Field<&SaleRecord::voucher_discount_minor>{"voucher_discount_minor", {}, kOmitDefault},
      Field<&SaleRecord::campaign_discount_minor>{"campaign_discount_minor", {}, kOmitDefault},
  };
};

template <>
struct Schema<RefundLine> {
  static constexpr std::string_view kName = "refund_line";
  static constexpr auto kFields = record::FieldList{
      Field<&RefundLine::line_no>{"line_no"},
      Field<&RefundLine::qty>{"qty"},
  };
};

template <>
struct Schema<RefundRecord> {
  static constexpr std::string_view kName = "refund";
  static constexpr auto kFields = record::FieldList{
      Field<&RefundRecord::refund_id>{"refund_id"},
      Field<&RefundRecord::terminal_id>{"terminal_id"},
      Field<&RefundRecord::store_id>{"store_id"},
      Field<&RefundRecord::refund_ref>{"refund_ref"},
      Field<&RefundRecord::sale_id>{"sale_id"},
      Field<&RefundRecord::member_id>{"member_id"},
      Field<&RefundRecord::amount_minor>{"amount_minor"},
      Field<&RefundRecord::paid_back_minor>{"paid_back_minor"},
      Field<&RefundRecord::reversed_points>{"reversed_points"},
      Field<&RefundRecord::returned_points>{"returned_points"},
      Field<&RefundRecord::spend_reversed_minor>{"spend_reversed_minor"},
      Field<&RefundRecord::pending>{"pending"},
      Field<&RefundRecord::lines>{"lines"},
      Field<&RefundRecord::entry_ids>{"entry_ids"},
      Field<&RefundRecord::hlc>{"hlc"},
      Field<&RefundRecord::wall_ms>{"wall_ms"},
      Field<&RefundRecord::reversed_awards>{"reversed_awards", {}, kOmitDefault},
  };
};

}  // namespace patron::record

#endif  // PATRON_RECORDS_SALE_H_

// Vouchers (records/voucher.h): what a voucher may be, and what it gives a
// basket.
#include "patron/records/voucher.h"

#include <doctest/doctest.h>

#include "patron/record/record_json.h"

namespace patron {
namespace {

constexpr int64_t kFrom = 1'780'315'200'000;
constexpr int64_t kUntil = kFrom + 30 * 86'400'000LL;

Voucher TwentyOff() {
  Voucher v;
  v.voucher_id = "BDAY-2027.ann_1";
  v.member_id = "ann";
  v.name = "生日礼券 Birthday 20 off";
  v.amount_off_minor = 2'000;
  v.min_spend_minor = 10'000;
  v.valid_from_ms = kFrom;
  v.valid_until_ms = kUntil;
  return v;
}

std::string FieldOf(const Voucher& v) {
  const Status status = ValidateVoucher(v);
  if (status.ok()) return "";
  CHECK(status.reason() == "invalid_voucher");
  return status.message().substr(0, status.message().find(':'));
}

TEST_CASE("a voucher is refused naming the field that is wrong") {
  CHECK(FieldOf(TwentyOff()).empty());
  Voucher v = TwentyOff();
  v.voucher_id = "has space";
  CHECK(FieldOf(v) == "voucher_id");
  v.voucher_id = std::string(49, 'x');
  CHECK(FieldOf(v) == "voucher_id");
  v = TwentyOff();
  v.name.clear();
  CHECK(FieldOf(v) == "name");
  v = TwentyOff();
  v.min_spend_minor = -1;
  CHECK(FieldOf(v) == "min_spend_minor");
  v = TwentyOff();
  v.amount_off_minor = 0;
  v.percent_off_bp = 10'001;
  CHECK(FieldOf(v) == "percent_off_bp");
  v.percent_off_bp = 1'000;
  v.amount_off_minor = 5;
  CHECK(FieldOf(v) == "percent_off_bp");  // an amount or a share, not both
  v = TwentyOff();
  v.max_off_minor = 500;
  CHECK(FieldOf(v) == "max_off_minor");  // caps a share only
  v = TwentyOff();
  v.amount_off_minor = 0;
  CHECK(FieldOf(v) == "amount_off_minor");  // gives nothing
  v.bonus_points = 88;
  CHECK(FieldOf(v).empty());  // points alone are a benefit
  v = TwentyOff();
  v.bonus_points = kMaxVoucherAmount + 1;
  CHECK(FieldOf(v) == "bonus_points");
  v = TwentyOff();
  v.valid_until_ms = v.valid_from_ms;
  CHECK(FieldOf(v) == "valid_until");
}

TEST_CASE("a voucher gives its benefit once its conditions hold, and says why not") {
  const Voucher v = TwentyOff();
  auto given = VoucherValue(v, "ann", 12'000, 12'000, kFrom);
  REQUIRE(given.ok());
  CHECK(*given == VoucherBenefit{2'000, 0});
  // Never more than what is left to pay.
  CHECK(*VoucherValue(v, "ann", 12'000, 1'500, kFrom) == VoucherBenefit{1'500, 0});
  CHECK(*VoucherValue(v, "ann", 12'000, 0, kFrom) == VoucherBenefit{0, 0});

  CHECK(VoucherValue(v, "bob", 12'000, 12'000, kFrom).status().reason() == "voucher_other_member");
  CHECK(VoucherValue(v, "ann", 9'999, 9'999, kFrom).status().reason() == "voucher_min_spend");
  CHECK(VoucherValue(v, "ann", 12'000, 12'000, kFrom - 1).status().reason() ==
        "voucher_not_yet_valid");
  CHECK(VoucherValue(v, "ann", 12'000, 12'000, kUntil).status().reason() == "voucher_expired");
  CHECK(VoucherValue(v, "ann", 12'000, 12'000, kUntil - 1).ok());
  Voucher used = v;
  used.status = std::string(kVoucherUsed);
  used.used_sale_id = "S001-T01/R-1";
  auto refused = VoucherValue(used, "ann", 12'000, 12'000, kFrom);
  CHECK(refused.status().code() == StatusCode::kConflict);
  CHECK(refused.status().reason() == "voucher_used");
  CHECK(refused.status().message().find("S001-T01/R-1") != std::string::npos);
}

TEST_CASE("a share off is truncated and capped; points come with the sale") {
  Voucher v = TwentyOff();
  v.amount_off_minor = 0;
  v.percent_off_bp = 1'500;  // 15%
  v.min_spend_minor = 0;
  v.bonus_points = 88;
  CHECK(*VoucherValue(v, "ann", 999, 999, kFrom) == VoucherBenefit{149, 88});  // 149.85
  v.max_off_minor = 100;
  CHECK(*VoucherValue(v, "ann", 999, 999, kFrom) == VoucherBenefit{100, 88});
  // A share of what earlier vouchers left: two halves do not make it free.
  v.percent_off_bp = 5'000;
  v.max_off_minor = 0;
  CHECK(*VoucherValue(v, "ann", 1'000, 500, kFrom) == VoucherBenefit{250, 88});
}

TEST_CASE("a voucher travels whole, and its give-back is named by holding") {
  Voucher v = TwentyOff();
  v.holder = "S001-T01";
  v.holder_gen = 3;
  v.recall = true;
  auto back = record::DecodeRecord<Voucher>(record::EncodeRecord(v));
  REQUIRE(back.ok());
  CHECK(*back == v);
  CHECK(VoucherReleaseId("S001-T01", "BDAY-1", 3) == "S001-T01/voucher_release/BDAY-1/3");
}

}  // namespace
}  // namespace patron

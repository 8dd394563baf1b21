#include "patron/records/campaign_voucher.h"

#include "patron/digest.h"
#include "patron/local_time.h"
#include "patron/records/exchange.h"

namespace patron {

std::string CampaignVoucherId(std::string_view sale_id, std::string_view campaign_id) {
  return "c-" + CanonicalHasher().Add(sale_id).Add(campaign_id).HexDigest().substr(0, 40);
}

Voucher VoucherIssuedBy(const Campaign& campaign, const SaleRecord& sale) {
  const RewardVoucher& terms = campaign.award.voucher;
  Voucher voucher;
  voucher.voucher_id = CampaignVoucherId(sale.sale_id, campaign.id);
  voucher.member_id = sale.member_id;
  voucher.name = campaign.name.empty() ? campaign.id : campaign.name;
  voucher.source = "campaign:" + campaign.id;
  SetVoucherTerms(terms, voucher);
  voucher.valid_from_ms = sale.wall_ms;
  voucher.valid_until_ms = sale.wall_ms + terms.valid_days * kMsPerDay;
  voucher.issued_ms = sale.wall_ms;
  voucher.holder = sale.terminal_id;
  voucher.holder_gen = 1;
  return voucher;
}

}  // namespace patron

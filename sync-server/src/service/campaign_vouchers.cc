// Vouchers campaigns issue at the till (records/campaign_voucher.h), made
// again at head office from the sale that issued them.
#include <string>
#include <vector>

#include "patron/records/campaign_voucher.h"
#include "service/checks.h"

namespace patron::sync {

Result<std::vector<Voucher>> CampaignVouchersOf(ChannelTxn& txn, const SaleRecord& sale) {
  const auto reject = [&](const std::string& why) {
    return Status::InvalidArgument("sale " + sale.sale_id + ": " + why, "invalid_record");
  };
  std::vector<Voucher> vouchers;
  std::optional<Rules> pack;
  for (const SaleAward& award : sale.awards) {
    if (award.issued_voucher_id.empty()) continue;
    if (!pack) {
      PATRON_ASSIGN_OR_RETURN(pack, RulesVersionIn(txn, sale.rule_version));
      if (!pack) {
        return reject("names rules version " + std::to_string(sale.rule_version) +
                      ", never published");
      }
    }
    const Campaign* campaign = FindCampaign(*pack, award.campaign_id);
    if (campaign == nullptr || !IssuesVoucher(campaign->award)) {
      return reject("campaign " + award.campaign_id + " of rules version " +
                    std::to_string(sale.rule_version) + " issues no voucher");
    }
    Voucher voucher = VoucherIssuedBy(*campaign, sale);
    if (voucher.voucher_id != award.issued_voucher_id) {
      return reject("names voucher " + award.issued_voucher_id + ", not " + voucher.voucher_id);
    }
    vouchers.push_back(std::move(voucher));
  }
  return vouchers;
}

}  // namespace patron::sync

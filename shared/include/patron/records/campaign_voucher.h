// The voucher a campaign issues on a qualifying sale (campaign.h
// CampaignAward::voucher, 满额送券). The till that made the sale issues it
// and holds it (holder_gen 1), so the member may use it there on the next
// visit, offline too; the sale's record lists it on the campaign's award
// (SaleAward::issued_voucher_id) and head office, filing the sale, makes
// the same voucher from the same inputs and sends it to every till.
#ifndef PATRON_RECORDS_CAMPAIGN_VOUCHER_H_
#define PATRON_RECORDS_CAMPAIGN_VOUCHER_H_

#include <string>
#include <string_view>

#include "patron/campaign.h"
#include "patron/records/sale.h"
#include "patron/records/voucher.h"

namespace patron {

// "c-" and 40 hex digits of the sale id and the campaign id: the same at
// the till and at head office, and one voucher per sale and campaign.
std::string CampaignVoucherId(std::string_view sale_id, std::string_view campaign_id);

// The voucher `campaign` issued on `sale`: its terms, for the sale's member,
// named as the campaign (its id when unnamed), valid from the sale for the
// terms' valid_days, held by the sale's till. Requires IssuesVoucher.
Voucher VoucherIssuedBy(const Campaign& campaign, const SaleRecord& sale);

}  // namespace patron

#endif  // PATRON_RECORDS_CAMPAIGN_VOUCHER_H_

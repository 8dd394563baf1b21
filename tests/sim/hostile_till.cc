#include "hostile_till.h"

#include <iterator>
#include <vector>

namespace patron::sim {

std::string HostileTill::Step() {
  if (!world_.server_up() || !random_.Chance(0.04)) return "";
  const std::vector<std::string>& members = auditor_.members();
  if (members.empty()) return "";
  sync::PushRequest push;
  push.terminal_id = std::string(kHostileTerminal);
  push.chain_key_fingerprint = ChainKeyFingerprint(kDemoChainKey);
  push.hlc = HlcTimestamp::FromParts(world_.now_ms(), 0);
  const int64_t n = random_.Between(1, 3);
  for (int64_t i = 0; i < n; ++i) {
    push.entries.push_back(
        Forge(members[static_cast<size_t>(random_.Below(static_cast<int64_t>(members.size())))]));
  }
  Result<sync::PushResponse> answered = world_.PushForged(push);
  std::string trace = "[forged push of " + std::to_string(n) + ": ";
  if (!answered.ok()) return trace + answered.status().ToString() + "] ";
  for (const sync::EntryAck& ack : answered->entries) trace += ack.reason + " ";
  return trace + "] ";
}

LedgerEntry HostileTill::Forge(const std::string& member_id) {
  LedgerEntry e;
  e.origin = std::string(kHostileTerminal);
  e.seq = next_seq_++;
  e.entry_id = MakeEntryId(e.origin, e.seq);
  e.member_id = member_id;
  e.currency = "USD";
  e.store_id = std::string(kHostileStore);
  e.terminal_id = e.origin;
  e.wall_ms = world_.now_ms();
  e.hlc = HlcTimestamp::FromParts(e.wall_ms, 0);
  e.rule_version = 1;
  e.sale_ref = "X-" + std::to_string(e.seq);
  const int64_t points = random_.Between(1, 1'000'000);
  switch (random_.Below(8)) {
    case 0:  // head office's alone
      e.kind = EntryKind::kAdjust;
      e.points = points;
      break;
    case 1:  // a campaign bonus no pack gives
      e.kind = EntryKind::kBonus;
      e.points = points;
      e.detail.campaign_id = "jackpot";
      break;
    case 2:  // 250,000 points on a 0.01 sale, and the like
      e.kind = EntryKind::kEarn;
      e.points = points + 1;
      e.amount_minor = random_.Between(1, 100);
      break;
    case 3:  // gives back points of a redemption that never was
      e.kind = EntryKind::kReverse;
      e.points = points;
      e.ref_entry = "S01-T1/" + std::to_string(random_.Between(100'000, 999'999));
      break;
    case 4:  // spends rights it never had
      e.kind = EntryKind::kRedeem;
      e.points = -points;
      break;
    case 5:  // hands head office rights it never had, for another till to spend
      e.kind = EntryKind::kTransfer;
      e.points = points;
      e.to_holder = std::string(kServerOrigin);
      e.sale_ref.clear();
      break;
    case 6:  // an honest-looking earn under rules never published
      e.kind = EntryKind::kEarn;
      e.points = 5;
      e.amount_minor = 500;
      e.rule_version = 999;
      break;
    default:  // an honest-looking earn dated 1990
      e.kind = EntryKind::kEarn;
      e.points = 5;
      e.amount_minor = 500;
      e.wall_ms = 631'152'000'000;
      break;
  }
  return e;
}

}  // namespace patron::sim

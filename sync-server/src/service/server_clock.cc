#include "patron/sync_server/server_clock.h"

#include <utility>

namespace patron::sync {

ServerClock::ServerClock(std::function<int64_t()> wall_clock_ms, int64_t max_drift_ms)
    : clock_(std::move(wall_clock_ms), max_drift_ms) {}

HlcTimestamp ServerClock::Tick() {
  std::lock_guard lock(mu_);
  return clock_.Now();
}

HlcTimestamp ServerClock::Merge(HlcTimestamp remote) {
  std::lock_guard lock(mu_);
  Result<HlcTimestamp> merged = clock_.Update(remote);
  return merged.ok() ? *merged : clock_.Now();  // too far ahead: not merged
}

Status ServerClock::Resume(SequenceTxn& txn) {
  PATRON_ASSIGN_OR_RETURN(HlcTimestamp saved, txn.SavedHlc());
  std::lock_guard lock(mu_);
  if (clock_.Last() < saved) clock_.NowAfter(saved);
  return Status::OK();
}

Status ServerClock::Save(SequenceTxn& txn) {
  HlcTimestamp last;
  {
    std::lock_guard lock(mu_);
    last = clock_.Last();
  }
  return txn.SaveHlc(last);
}

}  // namespace patron::sync

#include "patron/sync_server/sync_service.h"

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <vector>

#include "patron/digest.h"
#include "patron/record/record_json.h"
#include "patron/rules_codec.h"
#include "service/checks.h"

namespace patron::sync {

Status ValidateHolderId(std::string_view id, std::string_view what) {
  const std::string reason = "invalid_" + std::string(what);
  if (id.empty() || id.size() > 64) {
    return Status::InvalidArgument(std::string(what) + " must be 1 to 64 characters", reason);
  }
  if (id == kServerOrigin) {
    return Status::InvalidArgument(std::string(what) + " 'server' is reserved", reason);
  }
  for (char c : id) {
    if (c <= 0x20 || c >= 0x7f || c == '/') {
      return Status::InvalidArgument(
          std::string(what) + " must be printable ASCII without blanks or '/'", reason);
    }
  }
  return Status::OK();
}

Status CheckSpeaksFor(const Caller& caller, std::string_view terminal_id) {
  if (terminal_id == caller.terminal_id) return Status::OK();
  return Status::PermissionDenied("authenticated as " + caller.terminal_id +
                                      " but the request speaks for " + std::string(terminal_id),
                                  "terminal_mismatch");
}

ShareClaim ClaimShare(int64_t limit, int64_t handed_out, int64_t held, int64_t want) {
  ShareClaim claim;
  claim.granted = held;
  claim.unassigned = std::max<int64_t>(0, limit - handed_out);
  claim.raised = std::max<int64_t>(0, std::min(want - held, claim.unassigned));
  claim.granted += claim.raised;
  claim.unassigned -= claim.raised;
  return claim;
}

std::vector<DeliveredEntry> Delivered(std::vector<StoredEntry> entries) {
  std::vector<DeliveredEntry> delivered;
  delivered.reserve(entries.size());
  for (StoredEntry& stored : entries) {
    DeliveredEntry& item = delivered.emplace_back();
    static_cast<LedgerEntry&>(item) = std::move(stored.entry);
    item.visible_seq = stored.seq;
  }
  return delivered;
}

Result<std::vector<Rules>> PublishedRulesIn(ChannelTxn& txn) {
  PATRON_ASSIGN_OR_RETURN(std::vector<StoredRules> stored, txn.AllRules());
  std::vector<Rules> packs;
  for (const StoredRules& row : stored) {
    PATRON_ASSIGN_OR_RETURN(Rules pack, DecodeRules(row.body));
    packs.push_back(std::move(pack));
  }
  return packs;
}

Result<std::optional<Rules>> RulesVersionIn(ChannelTxn& txn, int64_t version) {
  PATRON_ASSIGN_OR_RETURN(std::optional<std::string> body, txn.RulesVersion(version));
  if (body) {
    PATRON_ASSIGN_OR_RETURN(Rules pack, DecodeRules(*body));
    return std::optional<Rules>(std::move(pack));
  }
  if (version == DefaultRules().version) return std::optional<Rules>(DefaultRules());
  return std::optional<Rules>();
}

Result<Rules> ActiveRulesIn(ChannelTxn& txn, int64_t now_ms) {
  PATRON_ASSIGN_OR_RETURN(std::vector<Rules> packs, PublishedRulesIn(txn));
  const Rules* active = ActivePack(packs, now_ms);
  return active != nullptr ? *active : DefaultRules();
}

SyncService::SyncService(ServerStore& store, SyncServiceOptions options)
    : store_(store),
      options_([&] {
        if (!options.wall_clock_ms) options.wall_clock_ms = SystemWallClockMs;
        return std::move(options);
      }()),
      clock_(options_.wall_clock_ms, options_.max_clock_drift_ms),
      terminals_(store, options_.wall_clock_ms, options_.fill_random),
      folder_(store, options_.fold, options_.wall_clock_ms, counters_),
      snapshots_(store, options_.snapshot, options_.wall_clock_ms),
      analytics_(store, options_.wall_clock_ms),
      accounts_(store, options_.accounts, options_.wall_clock_ms) {}

Status SyncService::CheckFingerprint(std::string_view fingerprint) const {
  if (fingerprint == options_.chain_key_fingerprint) return Status::OK();
  return Status::FailedPrecondition(
      "the terminal's chain key (fingerprint " + std::string(fingerprint) +
          ") is not this server's (" + options_.chain_key_fingerprint +
          "): two keys would split one customer into two members; provision the terminal "
          "with the chain key configured on the server",
      "chain_key_mismatch");
}

Result<RegisteredTerminal> SyncService::RegisterTerminal(std::string_view terminal_id,
                                                         std::string_view store_id) {
  return terminals_.Register(terminal_id, store_id);
}

Result<Caller> SyncService::Authenticate(std::string_view authorization) {
  return terminals_.Authenticate(authorization);
}

Result<std::vector<TerminalRecord>> SyncService::Terminals() { return terminals_.Terminals(); }

Result<FoldStats> SyncService::Fold() { return folder_.Fold(); }
Status SyncService::FoldAll() { return folder_.FoldAll(); }
Result<bool> SyncService::FoldIfDue() { return folder_.FoldIfDue(); }
FoldGauge SyncService::FoldState() const { return folder_.State(); }

Result<int64_t> SyncService::QueueMemberReviews(int limit) {
  PATRON_ASSIGN_OR_RETURN(const int64_t queued, folder_.QueueReviews(limit));
  if (queued > 0 && !options_.fold_in_background) PATRON_RETURN_IF_ERROR(folder_.FoldAll());
  return queued;
}

Result<bool> SyncService::BuildSnapshotIfDue() { return snapshots_.BuildIfDue(); }
SnapshotGauge SyncService::SnapshotState() const { return snapshots_.State(); }

Result<DownItem> SyncService::PublishItem(StoreTxn& txn, DownItem item) {
  PATRON_ASSIGN_OR_RETURN(item.seq, txn.NextSeq());
  PATRON_RETURN_IF_ERROR(txn.PutDownItem(item));
  return item;
}

Result<DownItem> SyncService::Publish(DownItem item) {
  const MemberFolder::WriteActivity activity(folder_);
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginWrite());
  PATRON_RETURN_IF_ERROR(clock_.Resume(*txn));
  PATRON_ASSIGN_OR_RETURN(DownItem published, PublishItem(*txn, std::move(item)));
  PATRON_RETURN_IF_ERROR(CommitWrite(*txn));
  return published;
}

Status SyncService::PublishSet(std::string_view name, int64_t version,
                               const std::vector<record::RawJson>& rows, int64_t part_rows) {
  if (name.empty() || name.find('/') != std::string_view::npos || part_rows < 1 || version < 1) {
    return Status::InvalidArgument("a set needs a name without '/', a version >= 1 and parts",
                                   "invalid_set");
  }
  const MemberFolder::WriteActivity activity(folder_);
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginWrite());
  PATRON_RETURN_IF_ERROR(clock_.Resume(*txn));
  // The last version published: part 0 of a set is always there.
  PATRON_ASSIGN_OR_RETURN(std::vector<DownItem> current,
                          txn->DownItemsFor("", "", 0, INT64_MAX, INT32_MAX));
  for (const DownItem& item : current) {
    if (item.kind != kSetPartItem || item.key != std::string(name) + "/0") continue;
    PATRON_ASSIGN_OR_RETURN(SetPart part, record::DecodeRecord<SetPart>(item.body.text));
    if (part.version >= version) {
      return Status::FailedPrecondition("set " + std::string(name) + " is at version " +
                                            std::to_string(part.version) + " already",
                                        "stale_set");
    }
  }
  const int64_t total = static_cast<int64_t>(rows.size());
  const int64_t parts = std::max<int64_t>(1, (total + part_rows - 1) / part_rows);
  for (int64_t p = 0; p < parts; ++p) {
    SetPart part{std::string(name), version, p, parts, {}};
    for (int64_t r = p * part_rows; r < std::min(total, (p + 1) * part_rows); ++r) {
      part.rows.push_back(rows[static_cast<size_t>(r)]);
    }
    PATRON_RETURN_IF_ERROR(PublishItem(*txn, {0,
                                              std::string(kSetPartItem),
                                              std::string(kAudienceAll),
                                              "",
                                              std::string(name) + "/" + std::to_string(p),
                                              {record::EncodeRecord(part)}})
                               .status());
  }
  return CommitWrite(*txn);
}

Status SyncService::CommitWrite(StoreTxn& txn) {
  PATRON_RETURN_IF_ERROR(clock_.Save(txn));
  PATRON_ASSIGN_OR_RETURN(const int64_t last_seq, txn.LastSeq());
  folder_.NoteWriting();
  PATRON_RETURN_IF_ERROR(txn.Commit());
  folder_.NoteWritten(last_seq);
  // Committed: a fold that fails now is retried by the next one.
  if (!options_.fold_in_background) (void)folder_.FoldAll();
  return Status::OK();
}

Result<StoredEntry> SyncService::WriteServerEntry(StoreTxn& txn, LedgerEntry draft) {
  PATRON_ASSIGN_OR_RETURN(Rules rules, ActiveRulesIn(txn, NowMs()));
  PATRON_ASSIGN_OR_RETURN(int64_t n, txn.NextServerEntrySeq());
  draft.origin = std::string(kServerOrigin);
  draft.seq = n;
  draft.entry_id = MakeEntryId(draft.origin, n);
  if (draft.currency.empty()) draft.currency = rules.currency;
  draft.store_id = std::string(kServerOrigin);
  draft.terminal_id = std::string(kServerOrigin);
  draft.hlc = clock_.Tick();
  draft.wall_ms = NowMs();
  draft.rule_version = rules.version;
  PATRON_RETURN_IF_ERROR(ValidateEntry(draft));
  PATRON_ASSIGN_OR_RETURN(int64_t seq, txn.NextSeq());
  PATRON_ASSIGN_OR_RETURN(bool inserted, txn.InsertEntryIfNew(draft, seq));
  if (!inserted) return Status::Internal("entry " + draft.entry_id + " already stored");
  return StoredEntry{std::move(draft), seq};
}

Result<std::vector<SecurityEvent>> SyncService::SecurityEvents(int64_t after, int limit) {
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginRead());
  return txn->SecurityEvents(after, limit);
}

Result<std::optional<StoredSale>> SyncService::FindSale(std::string_view sale_id) {
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginRead());
  return txn->FindSale(sale_id);
}

Result<std::vector<StoredRefund>> SyncService::RefundsOfSale(std::string_view sale_id) {
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginRead());
  return txn->RefundsOfSale(sale_id);
}

Result<std::vector<StoreFigures>> SyncService::StoreReport() {
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginRead());
  PATRON_ASSIGN_OR_RETURN(std::vector<StoreFigures> stores, txn->StoreReport());
  // Grants are the server's own transfers (store "server"): they move rights
  // and change no balance, so they are no store's business.
  std::erase_if(stores, [](const StoreFigures& s) { return s.store_id == kServerOrigin; });
  return stores;
}

}  // namespace patron::sync

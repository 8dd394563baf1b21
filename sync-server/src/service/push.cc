// SyncService::Push: the set-union of journal entries, in one write
// transaction that only appends: entries and profile changes are stored and
// acknowledged, and MemberFolder folds them into member rows later
// (member_folder.cc).
#include <algorithm>
#include <array>

#include "patron/sync_server/sync_service.h"
#include "patron/uuid.h"
#include "patron/record/record_json.h"
#include "service/checks.h"
#include "service/entry_guard.h"
#include "service/journal_restart.h"
#include "service/member_merge.h"
#include "service/record_filer.h"

namespace patron::sync {
namespace {

// Checks every entry and change before anything is written: the request is
// applied whole or not at all.
Status ValidatePush(const Caller& caller, const PushRequest& request) {
  for (const ProfileChange& change : request.profile_changes) {
    if (change.origin != caller.terminal_id) {
      return Status::PermissionDenied("profile change " + std::to_string(change.change_id) +
                                          " was written by " + change.origin + ", not by " +
                                          caller.terminal_id,
                                      "foreign_origin");
    }
    if (!Uuid::Parse(change.member_id).ok()) {
      return Status::InvalidArgument(
          "profile change " + std::to_string(change.change_id) + " names an invalid member id",
          "invalid_profile_change");
    }
    // The value is checked against a blank member: the fold merges only
    // values that parse, so a bad one is refused with the whole push.
    MemberRecord scratch = NewMember(change.member_id);
    PATRON_RETURN_IF_ERROR(MergeProfileChange(scratch, change, change.hlc));
  }
  for (const LedgerEntry& entry : request.entries) {
    if (entry.origin != caller.terminal_id || entry.terminal_id != caller.terminal_id) {
      return Status::PermissionDenied("entry " + entry.entry_id + " was written by " +
                                          entry.origin + ", not by " + caller.terminal_id,
                                      "foreign_origin");
    }
    if (entry.store_id != caller.store_id) {
      return Status::PermissionDenied("entry " + entry.entry_id + " is booked to store " +
                                          entry.store_id + ", but " + caller.terminal_id +
                                          " belongs to " + caller.store_id,
                                      "foreign_store");
    }
    PATRON_RETURN_IF_ERROR(ValidateEntry(entry));
    if (!Uuid::Parse(entry.member_id).ok()) {
      return Status::InvalidArgument("entry " + entry.entry_id + " names an invalid member id",
                                     "invalid_entry");
    }
    // A terminal can only hand rights back; grants come from the server.
    if (entry.kind == EntryKind::kTransfer && entry.to_holder != kServerOrigin) {
      return Status::PermissionDenied("entry " + entry.entry_id + " transfers rights to " +
                                          entry.to_holder +
                                          "; terminals may transfer only to the server",
                                      "invalid_transfer");
    }
  }
  return Status::OK();
}

// The security log's record of an entry head office refused.
SecurityEvent RefusedEntryEvent(const Caller& caller, const LedgerEntry& entry, int64_t now_ms,
                                std::string_view reason, const std::string& message) {
  SecurityEvent event;
  event.at_ms = now_ms;
  event.terminal_id = caller.terminal_id;
  event.store_id = caller.store_id;
  event.subject = entry.entry_id;
  event.reason = std::string(reason);
  event.message = message;
  record::AppendRecord(entry, event.body.text);
  return event;
}

}  // namespace

Result<bool> SyncService::SettleReversals(StoreTxn& txn, const LedgerEntry& reverse) {
  PATRON_ASSIGN_OR_RETURN(std::optional<StoredEntry> reversed, txn.FindEntry(reverse.ref_entry));
  if (!reversed) return false;  // head office's own reverse of an entry not here
  PATRON_ASSIGN_OR_RETURN(std::optional<LedgerEntry> fix, ExcessReversal(txn, reversed->entry));
  if (!fix) return false;
  PATRON_RETURN_IF_ERROR(WriteServerEntry(txn, std::move(*fix)).status());
  return true;
}

Result<PushResponse> SyncService::Push(const Caller& caller, const PushRequest& request) {
  PATRON_RETURN_IF_ERROR(CheckFingerprint(request.chain_key_fingerprint));
  PATRON_RETURN_IF_ERROR(CheckSpeaksFor(caller, request.terminal_id));
  PATRON_RETURN_IF_ERROR(ValidatePush(caller, request));
  const int64_t now_ms = NowMs();
  // Registers stamped further ahead than this are restamped: one fast
  // terminal clock must not win every later write forever.
  const HlcTimestamp latest_allowed =
      HlcTimestamp::FromParts(now_ms + options_.max_clock_drift_ms, HlcTimestamp::kMaxCounter);

  // Holds a fold back until the writer is free.
  const MemberFolder::WriteActivity activity(folder_);
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginWrite());
  PATRON_RETURN_IF_ERROR(clock_.Resume(*txn));
  PushResponse response;
  response.server_hlc = clock_.Merge(request.hlc);
  PATRON_ASSIGN_OR_RETURN(response.epoch, txn->Epoch());
  int64_t ingested = 0, duplicates = 0, conflicts = 0;
  std::vector<SecurityEvent> logged;  // for on_security_event, once committed

  // A till behind head office's mark lost its database or had it rolled
  // back: logged before its entries raise the mark (journal_restart.h).
  PATRON_ASSIGN_OR_RETURN(std::optional<TerminalRecord> terminal,
                          txn->FindTerminal(caller.terminal_id));
  if (terminal) {
    PATRON_ASSIGN_OR_RETURN(
        std::optional<SecurityEvent> behind,
        JournalBehindEvent(*txn, caller, *terminal, request.journal_next_seq, now_ms));
    if (behind) {
      PATRON_RETURN_IF_ERROR(txn->AppendSecurityEvent(*behind).status());
      logged.push_back(std::move(*behind));
    }
  }

  // Profile changes are queued for the fold, which merges them into the
  // member's registers; the acknowledgement's seq is the change sequence
  // whose fold includes the change (a terminal keeps showing its own write
  // until it pulls the member at that version or later).
  for (const ProfileChange& change : request.profile_changes) {
    // A restamped write gets a fresh tick of the server's clock, never a
    // shared ceiling: two writes of one field in one push would otherwise tie
    // at the same stamp and origin, the server would keep the first, and the
    // terminal (adopting the stamp) the second.
    const HlcTimestamp stamp = latest_allowed < change.hlc ? clock_.Tick() : change.hlc;
    PATRON_ASSIGN_OR_RETURN(int64_t seq, txn->NextSeq());
    QueuedProfileChange queued{seq, change};
    queued.change.change_id = 0;
    queued.change.hlc = stamp;
    PATRON_RETURN_IF_ERROR(txn->QueueProfileChange(queued));
    response.profile_changes.push_back({change.change_id, PushOutcome::kOk, seq, stamp, ""});
  }

  // A sequence number taken for an entry the store already holds is not
  // handed out again: numbers may skip, never repeat.
  EntryGuard guard(*txn, caller, options_.entry_limits, now_ms);
  std::array<int64_t, kEntryRefusalCount> rejected{};
  int64_t corrected = 0;  // reverses in several stores whose excess head office undid
  int64_t limited = 0;    // campaign awards beyond their limit, reversed
  const auto settle = [&](const LedgerEntry& reverse) -> Status {
    PATRON_ASSIGN_OR_RETURN(bool fixed, SettleReversals(*txn, reverse));
    corrected += fixed ? 1 : 0;
    return Status::OK();
  };
  int64_t high_seq = terminal ? terminal->journal_high_seq : 0;
  if (terminal && !request.entries.empty()) {
    // Entries come in journal order: a first one beyond the mark + 1 begins
    // a new incarnation (journal_restart.h).
    PATRON_ASSIGN_OR_RETURN(std::optional<SecurityEvent> incarnation,
                            JournalIncarnationEvent(*txn, caller, *terminal,
                                                    request.entries.front().seq, now_ms));
    if (incarnation) {
      PATRON_RETURN_IF_ERROR(txn->AppendSecurityEvent(*incarnation).status());
      logged.push_back(std::move(*incarnation));
    }
  }
  for (const LedgerEntry& entry : request.entries) {
    high_seq = std::max(high_seq, entry.seq);  // a refused entry's id is spent too
    // A retry is answered by what is stored, before any check: an entry
    // checked against a journal that already holds it would count twice (a
    // redeem against the rights it spent). An earn's check reads only its
    // rules, so an earn, the bulk of every push, goes straight to the insert.
    std::optional<StoredEntry> stored;
    if (entry.kind != EntryKind::kEarn) {
      PATRON_ASSIGN_OR_RETURN(stored, txn->FindEntry(entry.entry_id));
    }
    if (!stored) {
      PATRON_ASSIGN_OR_RETURN(std::optional<EntryRefused> refusal, guard.Check(entry));
      if (refusal) {
        const std::string_view reason = EntryRefusalName(refusal->reason);
        response.entries.push_back(
            {entry.entry_id, PushOutcome::kRejected, 0, refusal->message, std::string(reason)});
        logged.push_back(RefusedEntryEvent(caller, entry, now_ms, reason, refusal->message));
        PATRON_RETURN_IF_ERROR(txn->AppendSecurityEvent(logged.back()).status());
        ++rejected[static_cast<size_t>(refusal->reason)];
        continue;
      }
      PATRON_ASSIGN_OR_RETURN(int64_t seq, txn->NextSeq());
      PATRON_ASSIGN_OR_RETURN(bool inserted, txn->InsertEntryIfNew(entry, seq));
      if (inserted) {
        response.entries.push_back({entry.entry_id, PushOutcome::kOk, seq, "", ""});
        ++ingested;
        PATRON_RETURN_IF_ERROR(guard.CountAccepted(entry));
        if (entry.kind == EntryKind::kReverse) PATRON_RETURN_IF_ERROR(settle(entry));
        if (entry.kind == EntryKind::kBonus && !entry.detail.voucher_id.empty()) {
          // The guard let it through: the till holds the voucher.
          PATRON_ASSIGN_OR_RETURN(
              std::optional<std::string> refused,
              UseVoucher(*txn, caller.terminal_id, entry.member_id, entry.detail.voucher_id,
                         MakeSaleId(caller.terminal_id, entry.sale_ref), entry.wall_ms,
                         entry.entry_id));
          if (refused) return Status::Internal("voucher bonus " + entry.entry_id + ": " + *refused);
        } else if (entry.kind == EntryKind::kBonus) {
          PATRON_ASSIGN_OR_RETURN(int64_t reversed, SettleCampaignLimit(*txn, entry));
          limited += reversed;
        }
        continue;
      }
      PATRON_ASSIGN_OR_RETURN(stored, txn->FindEntry(entry.entry_id));
      if (!stored) return Status::Internal("entry " + entry.entry_id + " neither new nor stored");
    }
    const bool same = stored->entry == entry;
    response.entries.push_back(
        {entry.entry_id, same ? PushOutcome::kExists : PushOutcome::kConflict, stored->seq,
         same ? "" : "an entry with this id and different content exists; it is kept", ""});
    ++(same ? duplicates : conflicts);
  }

  // Records after the entries: a sale's record follows its entries.
  FilerHooks hooks;
  hooks.next_seq = [&txn] { return txn->NextSeq(); };
  hooks.write_entry = [this, &txn, &settle](LedgerEntry draft) -> Result<std::string> {
    PATRON_ASSIGN_OR_RETURN(StoredEntry written, WriteServerEntry(*txn, std::move(draft)));
    if (written.entry.kind == EntryKind::kReverse) PATRON_RETURN_IF_ERROR(settle(written.entry));
    return written.entry.entry_id;
  };
  hooks.holds_entry = [&txn](std::string_view entry_id) -> Result<bool> {
    PATRON_ASSIGN_OR_RETURN(std::optional<StoredEntry> held, txn->FindEntry(entry_id));
    return held.has_value();
  };
  hooks.refunds_elsewhere_changed = [this, &txn](std::string_view sale_id) {
    return PublishRefundsElsewhere(*txn, sale_id);
  };
  // Logs what a record shows its till did that it should not have, though
  // it happened (the record is filed all the same).
  const auto log_record_event = [&](std::string subject, std::string reason, std::string message,
                                    std::string body) -> Status {
    SecurityEvent event;
    event.at_ms = now_ms;
    event.terminal_id = caller.terminal_id;
    event.store_id = caller.store_id;
    event.subject = std::move(subject);
    event.reason = std::move(reason);
    event.message = std::move(message);
    event.body.text = std::move(body);
    PATRON_RETURN_IF_ERROR(txn->AppendSecurityEvent(event).status());
    logged.push_back(std::move(event));
    return Status::OK();
  };
  int64_t vouchers_used = 0, vouchers_misused = 0;
  hooks.voucher_used = [&](const SaleRecord& sale, const SaleAward& award) -> Status {
    PATRON_ASSIGN_OR_RETURN(std::optional<std::string> refused,
                            UseVoucher(*txn, caller.terminal_id, sale.member_id, award.voucher_id,
                                       sale.sale_id, sale.wall_ms, ""));
    if (!refused) {
      ++vouchers_used;
      return Status::OK();
    }
    // The sale happened, and is filed; an unused voucher of the member is
    // spent by it (UseVoucher), else stays as it was.
    ++vouchers_misused;
    return log_record_event(sale.sale_id, "voucher_not_held",
                            "sale " + sale.sale_id + " used voucher " + award.voucher_id + " (" +
                                std::to_string(award.discount_minor) + " off) but " + *refused,
                            record::EncodeRecord(award));
  };
  hooks.campaign_vouchers = [&txn](const SaleRecord& sale) {
    return CampaignVouchersOf(*txn, sale);
  };
  hooks.voucher_issued = [this, &txn](const Voucher& voucher) -> Status {
    PATRON_ASSIGN_OR_RETURN(std::optional<Voucher> held, txn->FindVoucher(voucher.voucher_id));
    return held ? Status::OK() : PutVoucher(*txn, voucher);
  };
  hooks.voucher_released = [this, &txn](const VoucherRelease& release) {
    return ReleaseVoucher(*txn, release);
  };
  int64_t exchanges_filed = 0, exchanges_excess = 0;
  hooks.file_exchange = [&](const ExchangeRecord& exchange) -> Status {
    PATRON_ASSIGN_OR_RETURN(std::vector<ExchangeExcess> excesses, FileExchange(*txn, exchange));
    ++exchanges_filed;
    for (ExchangeExcess& excess : excesses) {
      ++exchanges_excess;
      PATRON_RETURN_IF_ERROR(log_record_event(exchange.exchange_id, std::move(excess.reason),
                                              std::move(excess.message),
                                              record::EncodeRecord(exchange)));
    }
    return Status::OK();
  };
  hooks.file_feedback = [this, &txn](const FeedbackRecord& feedback) {
    return FileFeedback(*txn, feedback);
  };
  RecordFiler filer(*txn, std::move(hooks));
  for (const RecordEnvelope& envelope : request.records) {
    PATRON_ASSIGN_OR_RETURN(RecordAck ack, filer.File(caller, envelope));
    response.records.push_back(std::move(ack));
  }

  response.journal_high_seq = high_seq;
  if (terminal) {
    terminal->last_sync_ms = now_ms;
    terminal->journal_high_seq = high_seq;
    PATRON_RETURN_IF_ERROR(txn->PutTerminal(*terminal));
  }
  PATRON_RETURN_IF_ERROR(clock_.Save(*txn));
  PATRON_ASSIGN_OR_RETURN(const int64_t last_seq, txn->LastSeq());
  if (!request.profile_changes.empty() || !request.entries.empty() || !request.records.empty()) {
    folder_.NoteWriting();
  }
  PATRON_RETURN_IF_ERROR(txn->Commit());
  folder_.NoteWritten(last_seq);
  if (options_.on_security_event) {
    for (const SecurityEvent& event : logged) options_.on_security_event(event);
  }
  counters_.pushes++;
  terminals_.MarkSeen(caller.terminal_id);
  counters_.entries_ingested += ingested;
  counters_.entries_duplicate += duplicates;
  counters_.entries_conflict += conflicts;
  counters_.profile_changes += static_cast<int64_t>(request.profile_changes.size());
  const FiledCounts& filed = filer.counts();
  counters_.records_filed += filed.filed;
  counters_.records_held += filed.held;
  counters_.records_duplicate += filed.duplicate;
  counters_.records_conflict += filed.conflict;
  counters_.records_rejected += filed.rejected;
  counters_.refunds_exceeding += filed.refunds_exceeding;
  counters_.returns_matched += filed.returns_matched;
  counters_.refunds_corrected += corrected;
  counters_.campaign_awards_limited += limited;
  counters_.vouchers_used += vouchers_used;
  counters_.exchanges_filed += exchanges_filed;
  counters_.exchanges_excess += exchanges_excess;
  counters_.vouchers_misused += vouchers_misused;
  for (size_t i = 0; i < rejected.size(); ++i) counters_.entries_rejected[i] += rejected[i];
  // Committed: a fold that fails now is retried by the next one, and must
  // not make the terminal push again what is stored.
  if (!options_.fold_in_background) (void)folder_.FoldAll();
  return response;
}

}  // namespace patron::sync

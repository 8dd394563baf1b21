#include "engine/sync_ops.h"

#include <algorithm>
#include <vector>

#include "engine/down_channel.h"
#include "engine/member_view.h"
#include "patron/record/lww_merge.h"
#include "patron/rules_codec.h"
#include "patron/terminal/terminal.h"

namespace patron::terminal {

MemberRow MergeServerState(std::optional<MemberRow> local, const sync::MemberState& remote) {
  MemberRow row = local ? std::move(*local) : MemberRow{};
  row.member_id = remote.member_id;
  if (remote.phone) row.phone = remote.phone;
  if (remote.card) row.card = remote.card;
  row.status = remote.status;
  if (!remote.enrolled_store.empty()) {
    row.enrolled_store = remote.enrolled_store;
    row.enrolled_ms = remote.enrolled_ms;
  }
  record::MergeRegisters<MemberProfile>(row, remote);
  row.server_version = remote.version;
  row.server_balance = remote.balance;
  row.server_spend_minor = remote.spend_minor;
  row.server_tier = remote.tier;
  row.server_tier_until_ms = remote.tier_until_ms;
  row.server_spend_at_review_minor = remote.spend_at_review_minor;
  row.server_last_purchase_ms = remote.last_purchase_ms;
  row.server_lots = remote.lots;
  return row;
}

void MergeClock(EngineContext& ctx, HlcTimestamp remote) { (void)ctx.clock.Update(remote); }

namespace {

// Switches between the everyday page cache and the large one of a pull in
// progress; shrinking frees the pages beyond the everyday size.
Status UseBulkPullCache(EngineContext& ctx, bool bulk) {
  if (bulk == ctx.bulk_pull_cache) return Status::OK();
  PATRON_RETURN_IF_ERROR(ctx.db->SetCacheSizeKib(bulk ? std::max(kBulkPullCacheKib,
                                                                 ctx.everyday_cache_kib)
                                                      : ctx.everyday_cache_kib));
  ctx.bulk_pull_cache = bulk;
  return Status::OK();
}

// A page's rows sorted by member_id, the replica's key. A page holds each
// member at most once (and the sort is stable, should one ever not), so the
// result is that of applying them in the page's order; in key order, the
// inserts walk the member table's B-tree from one end to the other instead of
// jumping about it.
std::vector<const sync::MemberState*> InKeyOrder(const std::vector<sync::MemberState>& rows) {
  std::vector<const sync::MemberState*> sorted;
  sorted.reserve(rows.size());
  for (const sync::MemberState& row : rows) sorted.push_back(&row);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const sync::MemberState* a, const sync::MemberState* b) {
                     return a->member_id < b->member_id;
                   });
  return sorted;
}

}  // namespace

Result<sync::PushRequest> BuildPush(EngineContext& ctx, int max_entries, int max_changes) {
  return InReadTransaction(ctx, [&]() -> Result<sync::PushRequest> {
    sync::PushRequest request;
    request.terminal_id = ctx.identity.terminal_id;
    request.chain_key_fingerprint = ctx.identity.chain_key_fingerprint;
    request.hlc = ctx.clock.Now();
    PATRON_ASSIGN_OR_RETURN(std::optional<TerminalStateRow> state, ctx.state.Load());
    if (!state) return Status::Corruption("terminal_state row is missing");
    request.journal_next_seq = state->next_seq;
    PATRON_ASSIGN_OR_RETURN(request.profile_changes,
                            ctx.members.PendingOutbox(max_changes, ctx.identity.terminal_id));
    PATRON_ASSIGN_OR_RETURN(request.entries, ctx.journal.Unacknowledged(max_entries));
    // A record is written after its entries (a sale after its earn, redeem
    // and bonuses): records travel only in a push that carries every entry
    // not yet acknowledged, so head office never holds a sale whose entries
    // it lacks (a return claimed then would reverse entries it does not
    // hold). Under a backlog they wait for the entries to drain.
    if (static_cast<int64_t>(request.entries.size()) < max_entries) {
      PATRON_ASSIGN_OR_RETURN(std::vector<Outbox::Pending> records,
                              ctx.outbox.Unacknowledged(max_entries));
      for (Outbox::Pending& record : records) {
        request.records.push_back(std::move(record.envelope));
      }
    }
    return request;
  });
}

// The records sent are the oldest above the outbox's watermark, which only
// this moves: they are those the outbox lists now, in the same order.
Status ApplyRecordAcks(EngineContext& ctx, const std::vector<sync::RecordEnvelope>& sent,
                       const std::vector<sync::RecordAck>& acks, PushSummary& summary) {
  if (sent.empty()) return Status::OK();
  PATRON_ASSIGN_OR_RETURN(std::vector<Outbox::Pending> pending,
                          ctx.outbox.Unacknowledged(static_cast<int>(sent.size())));
  if (pending.size() != sent.size()) {
    return Status::Corruption("the outbox changed under a push", "bad_sync_reply");
  }
  for (size_t i = 0; i < sent.size(); ++i) {
    if (pending[i].envelope.record_id != sent[i].record_id ||
        acks[i].record_id != sent[i].record_id) {
      return Status::Corruption("push reply out of order", "bad_sync_reply");
    }
    if (acks[i].outcome == sync::PushOutcome::kOk || acks[i].outcome == sync::PushOutcome::kExists) {
      ++summary.records_acknowledged;
      continue;
    }
    // Final: the same bytes would get the same answer.
    PATRON_RETURN_IF_ERROR(
        ctx.outbox.NoteRefused(pending[i].outbox_id, acks[i].outcome, acks[i].message));
    ++summary.records_refused;
  }
  return ctx.outbox.AcknowledgeThrough(pending.back().outbox_id);
}

Result<PushSummary> ApplyPushResponse(EngineContext& ctx, const sync::PushRequest& sent,
                                      const sync::PushResponse& response) {
  if (response.entries.size() != sent.entries.size() ||
      response.profile_changes.size() != sent.profile_changes.size() ||
      response.records.size() != sent.records.size()) {
    return Status::Corruption("the push reply does not answer every item sent",
                              "bad_sync_reply");
  }
  return InWriteTransaction(ctx, [&]() -> Result<PushSummary> {
    PushSummary summary;
    // First: the conflicts below may be ids this database reused.
    PATRON_ASSIGN_OR_RETURN(summary.journal_restarted,
                            ctx.state.ObserveJournalMark(response.journal_high_seq, ctx.NowMs()));
    PATRON_ASSIGN_OR_RETURN(std::optional<TerminalStateRow> state, ctx.state.Load());
    if (!state) return Status::Corruption("terminal_state row is missing");
    const int64_t reused_through = state->restart.head_office_high_seq;
    for (size_t i = 0; i < sent.profile_changes.size(); ++i) {
      const sync::ProfileChange& change = sent.profile_changes[i];
      const sync::ProfileAck& ack = response.profile_changes[i];
      if (ack.change_id != change.change_id) {
        return Status::Corruption("push reply out of order", "bad_sync_reply");
      }
      if (ack.outcome != sync::PushOutcome::kOk && ack.outcome != sync::PushOutcome::kExists) {
        ++summary.rejected;
        continue;
      }
      if (ack.accepted_hlc != change.hlc) {
        PATRON_RETURN_IF_ERROR(ctx.members.AdoptStamp(change.member_id, change.field, change.hlc,
                                                      change.origin, ack.accepted_hlc));
      }
      PATRON_RETURN_IF_ERROR(ctx.members.AcknowledgeOutbox(change.change_id));
      ++summary.changes_acknowledged;
    }
    for (size_t i = 0; i < sent.entries.size(); ++i) {
      const sync::EntryAck& ack = response.entries[i];
      if (ack.entry_id != sent.entries[i].entry_id) {
        return Status::Corruption("push reply out of order", "bad_sync_reply");
      }
      if (ack.outcome == sync::PushOutcome::kConflict) {
        if (sent.entries[i].seq <= reused_through) {
          // Written after this database was rolled back, under an id its
          // earlier self had already used: head office keeps that entry, and
          // this one counts nowhere, as if refused (the status shows it).
          PATRON_RETURN_IF_ERROR(ctx.journal.Refuse(
              ack.entry_id, "id_reused",
              "written under an id this terminal had used before its database was rolled "
              "back; head office keeps the earlier entry",
              ctx.NowMs()));
          ++summary.entries_refused;
          continue;
        }
        ++summary.conflicts;  // never overwritten; reported by the caller
        continue;
      }
      if (ack.outcome == sync::PushOutcome::kRejected) {
        PATRON_RETURN_IF_ERROR(
            ctx.journal.Refuse(ack.entry_id, ack.reason, ack.message, ctx.NowMs()));
        ++summary.entries_refused;
        continue;
      }
      PATRON_RETURN_IF_ERROR(ctx.journal.Acknowledge(ack.entry_id, ack.seq));
      ++summary.entries_acknowledged;
    }
    PATRON_RETURN_IF_ERROR(ApplyRecordAcks(ctx, sent.records, response.records, summary));
    MergeClock(ctx, response.server_hlc);
    return summary;
  });
}

Result<int> HandBackRights(EngineContext& ctx) {
  return InWriteTransaction(ctx, [&]() -> Result<int> {
    // A restarted journal's rights are head office's to state first: its
    // own count may hold points its old database already handed back.
    PATRON_ASSIGN_OR_RETURN(std::optional<TerminalStateRow> state, ctx.state.Load());
    if (!state) return Status::Corruption("terminal_state row is missing");
    if (state->rights_statement_due) return 0;
    PATRON_ASSIGN_OR_RETURN(auto holders, ctx.members.MembersWithRights());
    for (const auto& [member_id, rights] : holders) {
      LedgerEntry transfer;
      transfer.member_id = member_id;
      transfer.kind = EntryKind::kTransfer;
      transfer.points = rights;
      transfer.to_holder = std::string(kServerOrigin);
      PATRON_RETURN_IF_ERROR(AppendOwnEntry(ctx, std::move(transfer)).status());
    }
    return static_cast<int>(holders.size());
  });
}

Result<sync::PullRequest> BuildPull(EngineContext& ctx, int limit) {
  PATRON_ASSIGN_OR_RETURN(std::optional<TerminalStateRow> state, ctx.state.Load());
  if (!state) return Status::Corruption("terminal_state row is missing");
  sync::PullRequest request;
  request.terminal_id = ctx.identity.terminal_id;
  request.chain_key_fingerprint = ctx.identity.chain_key_fingerprint;
  request.cursor = {state->cursor_epoch, state->cursor_seq};
  request.limit = limit;
  request.rules_version = ctx.NewestPackVersion();
  request.journal_next_seq = state->next_seq;
  request.want_rights_statement = state->rights_statement_due;
  return request;
}

Status ApplyItems(EngineContext& ctx, const std::vector<sync::DeliveredEntry>& items) {
  // A new database (not yet confirmed) or one that replaced another did not
  // ask for the grants it has not seen: they were the old database's.
  PATRON_ASSIGN_OR_RETURN(std::optional<TerminalStateRow> state, ctx.state.Load());
  if (!state) return Status::Corruption("terminal_state row is missing");
  const bool mine = state->journal_confirmed && !state->old_grants;
  for (const sync::DeliveredEntry& item : items) {
    // A kind this build does not know: noted by the decoder, not applied.
    if (item.kind == EntryKind::kUnknown) continue;
    if (item.to_holder != ctx.identity.terminal_id || item.kind != EntryKind::kTransfer ||
        item.origin != kServerOrigin) {
      return Status::Corruption("sync item " + item.entry_id + " is not a grant to us",
                                "bad_sync_reply");
    }
    PATRON_ASSIGN_OR_RETURN(bool known, ctx.journal.Exists(item.entry_id));
    if (known) continue;  // the grant's own reply already delivered it
    if (!mine) continue;  // the database this one replaced had it (schema.cc v6)
    if (item.visible_seq <= state->rights_seq) continue;  // counted in the rights statement
    PATRON_RETURN_IF_ERROR(EnsureMemberRow(ctx, item.member_id));
    PATRON_RETURN_IF_ERROR(ctx.journal.Append(item));
    PATRON_RETURN_IF_ERROR(ctx.journal.Acknowledge(item.entry_id, item.visible_seq));
  }
  return Status::OK();
}

Result<AppliedPage> ApplyPullPage(EngineContext& ctx, const sync::PullResponse& page) {
  // A page with more to follow: a large pull is under way, and gets the
  // large cache (kBulkPullCacheKib) until EndPull.
  if (page.more) PATRON_RETURN_IF_ERROR(UseBulkPullCache(ctx, true));
  AppliedPage applied;
  PATRON_RETURN_IF_ERROR(InWriteTransaction(ctx, [&]() -> Result<bool> {
    PATRON_ASSIGN_OR_RETURN(applied.journal_restarted,
                            ctx.state.ObserveJournalMark(page.journal_high_seq, ctx.NowMs()));
    PATRON_ASSIGN_OR_RETURN(std::optional<TerminalStateRow> state, ctx.state.Load());
    const int64_t first_seq = state ? state->cursor_seq + 1 : 1;
    for (const sync::MemberState* row : InKeyOrder(page.members)) {
      const sync::MemberState& remote = *row;
      PATRON_ASSIGN_OR_RETURN(std::optional<MemberRow> local, ctx.members.Get(remote.member_id));
      const bool exists = local.has_value();
      PATRON_RETURN_IF_ERROR(
          ctx.members.ReplaceFromServer(MergeServerState(std::move(local), remote), exists));
    }
    if (page.rights_statement) {
      for (const sync::HeldRights& held : page.rights_statement->rights) {
        PATRON_RETURN_IF_ERROR(EnsureMemberRow(ctx, held.member_id));
      }
      PATRON_RETURN_IF_ERROR(ctx.rights_statement.Take(*page.rights_statement, ctx.NowMs()));
    }
    PATRON_RETURN_IF_ERROR(ApplyItems(ctx, page.items));
    PATRON_ASSIGN_OR_RETURN(
        applied.packs, TakeDelivery(ctx, {page.rules_json, &page.down, &page.notes, first_seq}));
    PATRON_RETURN_IF_ERROR(ctx.state.SetCursor(page.next.epoch, page.next.seq));
    if (!page.more) PATRON_RETURN_IF_ERROR(ctx.state.EndPullRound());
    MergeClock(ctx, page.server_hlc);
    return true;
  }).status());
  ctx.AddPacks(applied.packs);  // only once committed
  return applied;
}

Status EndPull(EngineContext& ctx) { return UseBulkPullCache(ctx, false); }

Status ResetSyncState(EngineContext& ctx) {
  return InWriteTransaction(ctx, [&]() -> Result<bool> {
    PATRON_RETURN_IF_ERROR(ctx.members.ResetServerViews());
    PATRON_RETURN_IF_ERROR(ctx.journal.ClearAcknowledgements());
    PATRON_RETURN_IF_ERROR(ctx.members.ResetOutboxAcknowledgements());
    PATRON_RETURN_IF_ERROR(ctx.outbox.ResetAcknowledgements());
    // Head office's history restarted: its holdings may have gone back to
    // older generations, which this till would otherwise ignore. The full
    // pull brings every voucher again; uses made here stand (their sales go
    // up again).
    PATRON_RETURN_IF_ERROR(ctx.vouchers.ForgetHeadOffice(MakeSaleId(ctx.identity.terminal_id, "")));
    PATRON_RETURN_IF_ERROR(ctx.exchanges.ForgetOthers(ctx.identity.terminal_id));
    PATRON_RETURN_IF_ERROR(ctx.state.SetCursor("", 0));
    return true;
  }).status();
}

Status ApplyGrant(EngineContext& ctx, const sync::GrantResponse& grant) {
  const LedgerEntry& transfer = grant.transfer;
  if (transfer.to_holder != ctx.identity.terminal_id || transfer.kind != EntryKind::kTransfer ||
      transfer.origin != kServerOrigin) {
    return Status::Corruption("the grant is not a transfer to this terminal", "bad_sync_reply");
  }
  return InWriteTransaction(ctx, [&]() -> Result<bool> {
    PATRON_ASSIGN_OR_RETURN(bool known, ctx.journal.Exists(transfer.entry_id));
    if (known) return true;  // applied already (a retry, or it came by pull)
    PATRON_ASSIGN_OR_RETURN(std::optional<TerminalStateRow> state, ctx.state.Load());
    if (!state) return Status::Corruption("terminal_state row is missing");
    if (grant.seq <= state->rights_seq) return true;  // counted in the rights statement
    PATRON_RETURN_IF_ERROR(EnsureMemberRow(ctx, transfer.member_id));
    PATRON_RETURN_IF_ERROR(ctx.journal.Append(transfer));
    PATRON_RETURN_IF_ERROR(ctx.journal.Acknowledge(transfer.entry_id, grant.seq));
    return true;
  }).status();
}

Status RecordSyncSuccess(EngineContext& ctx) {
  return InWriteTransaction(ctx, [&]() -> Result<bool> {
    PATRON_RETURN_IF_ERROR(ctx.state.SetLastSync(ctx.NowMs()));
    return true;
  }).status();
}

}  // namespace patron::terminal

#include "engine/context.h"

#include <algorithm>

#include "patron/lots.h"

namespace patron::terminal {

EngineContext::EngineContext(std::unique_ptr<sql::Database> database, Identity id,
                             std::function<int64_t()> wall_clock, int64_t max_drift_ms,
                             HlcTimestamp restored_hlc, UuidV7Generator uuid_generator,
                             std::vector<Rules> stored_packs)
    : db(std::move(database)),
      identity(std::move(id)),
      wall_clock_ms(std::move(wall_clock)),
      clock(wall_clock_ms, max_drift_ms, restored_hlc),
      uuids(std::move(uuid_generator)),
      members(*db),
      journal(*db, identity.terminal_id),
      sales(*db),
      state(*db),
      outbox(*db),
      down(*db),
      segments(*db),
      offers(*db),
      vouchers(*db),
      exchanges(*db),
      budgets(*db),
      rights_statement(*db, identity.terminal_id) {
  // A database always holds a pack (the defaults are seeded): the oldest is
  // in force until a newer one's time has come.
  if (!stored_packs.empty()) active_pack_ = stored_packs.front();
  AddPacks(std::move(stored_packs));
}

void EngineContext::SwitchPackIfDue() {
  const Rules* due = ActivePack(waiting_packs_, NowMs());
  if (due == nullptr) return;
  active_pack_ = *due;
  std::erase_if(waiting_packs_,
                [this](const Rules& pack) { return pack.version <= active_pack_.version; });
}

void EngineContext::AddPacks(std::vector<Rules> packs) {
  for (Rules& pack : packs) {
    if (pack.version > active_pack_.version) waiting_packs_.push_back(std::move(pack));
  }
  std::sort(waiting_packs_.begin(), waiting_packs_.end(),
            [](const Rules& a, const Rules& b) { return a.version < b.version; });
  SwitchPackIfDue();
}

const Rules* EngineContext::NextPack() const {
  const Rules* next = nullptr;
  for (const Rules& pack : waiting_packs_) {
    if (next == nullptr || ActivationMs(pack) <= ActivationMs(*next)) next = &pack;
  }
  return next;
}

bool EngineContext::WantsPack(int64_t version) const {
  if (version <= active_pack_.version) return false;
  return std::none_of(waiting_packs_.begin(), waiting_packs_.end(),
                      [version](const Rules& pack) { return pack.version == version; });
}

int64_t EngineContext::NewestPackVersion() const {
  return waiting_packs_.empty() ? active_pack_.version : waiting_packs_.back().version;
}

Status CopyLot(EngineContext& ctx, std::string_view entry_id, EntryDetail& detail) {
  PATRON_ASSIGN_OR_RETURN(std::optional<LedgerEntry> original, ctx.journal.Get(entry_id));
  if (!original) return Status::OK();
  detail.expires_on = original->detail.expires_on;
  detail.available_on = original->detail.available_on;
  return Status::OK();
}

Result<LedgerEntry> AppendOwnEntry(EngineContext& ctx, LedgerEntry draft) {
  PATRON_ASSIGN_OR_RETURN(draft.seq, ctx.state.AllocateSeq());
  draft.origin = ctx.identity.terminal_id;
  draft.entry_id = MakeEntryId(draft.origin, draft.seq);
  draft.store_id = ctx.identity.store_id;
  draft.terminal_id = ctx.identity.terminal_id;
  draft.hlc = ctx.clock.Now();
  draft.wall_ms = ctx.NowMs();
  draft.rule_version = ctx.rules().version;
  // A credit of points is a lot that expires as the pack in force says
  // (lots.h). A reversal that takes an earn back names that earn's lot,
  // which its caller copies (CopyLot).
  if (draft.points > 0 && draft.kind != EntryKind::kTransfer) {
    SetLot(draft.detail, LotFor(ctx.rules(), draft.wall_ms));
  }
  if (draft.currency.empty()) draft.currency = ctx.rules().currency;
  PATRON_RETURN_IF_ERROR(ValidateEntry(draft));
  PATRON_RETURN_IF_ERROR(ctx.journal.Append(draft));
  return draft;
}

}  // namespace patron::terminal

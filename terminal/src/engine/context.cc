#include "engine/context.h"

namespace patron::terminal {

EngineContext::EngineContext(std::unique_ptr<sql::Database> database, Identity id,
                             std::function<int64_t()> wall_clock, int64_t max_drift_ms,
                             HlcTimestamp restored_hlc, UuidV7Generator uuid_generator,
                             Rules active_rules)
    : db(std::move(database)),
      identity(std::move(id)),
      wall_clock_ms(std::move(wall_clock)),
      clock(wall_clock_ms, max_drift_ms, restored_hlc),
      uuids(std::move(uuid_generator)),
      rules(std::move(active_rules)),
      members(*db),
      journal(*db, identity.terminal_id),
      sales(*db),
      state(*db),
      outbox(*db),
      down(*db),
      rights_statement(*db, identity.terminal_id) {}

Result<LedgerEntry> AppendOwnEntry(EngineContext& ctx, LedgerEntry draft) {
  PATRON_ASSIGN_OR_RETURN(draft.seq, ctx.state.AllocateSeq());
  draft.origin = ctx.identity.terminal_id;
  draft.entry_id = MakeEntryId(draft.origin, draft.seq);
  draft.store_id = ctx.identity.store_id;
  draft.terminal_id = ctx.identity.terminal_id;
  draft.hlc = ctx.clock.Now();
  draft.wall_ms = ctx.NowMs();
  draft.rule_version = ctx.rules.version;
  if (draft.currency.empty()) draft.currency = ctx.rules.currency;
  PATRON_RETURN_IF_ERROR(ValidateEntry(draft));
  PATRON_RETURN_IF_ERROR(ctx.journal.Append(draft));
  return draft;
}

}  // namespace patron::terminal

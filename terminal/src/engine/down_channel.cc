#include "engine/down_channel.h"

#include <algorithm>

#include "engine/exchanges.h"
#include "engine/vouchers.h"
#include "patron/offer.h"
#include "patron/rules_codec.h"
#include "patron/segment.h"

namespace patron::terminal {
namespace {

// The pack in `json`, if this till wants it (EngineContext::WantsPack: a
// pack the pull's legacy field brought on an earlier page may be newer than
// one an item brings now). Packs this build cannot read are noted, not an
// error: the pull goes on.
Result<std::optional<Rules>> ReadRules(EngineContext& ctx, const std::string& json,
                                       int64_t first_seq) {
  Result<Rules> rules = DecodeRules(json);
  if (!rules.ok()) {
    PATRON_RETURN_IF_ERROR(ctx.down.NoteUnknown("rules: " + rules.status().message(), first_seq,
                                                ctx.NowMs(), kTerminalBuild));
    return std::optional<Rules>();
  }
  if (!ctx.WantsPack(rules->version)) return std::optional<Rules>();
  return std::optional<Rules>(std::move(*rules));
}

Status ApplySaleRefunds(EngineContext& ctx, const sync::DownItem& item) {
  PATRON_ASSIGN_OR_RETURN(sync::SaleRefundsElsewhere refunds,
                          record::DecodeRecord<sync::SaleRefundsElsewhere>(item.body.text));
  std::string_view terminal, sale_ref;
  if (!SplitSaleId(refunds.sale_id, terminal, sale_ref) ||
      terminal != ctx.identity.terminal_id) {
    return Status::OK();  // not one of ours: nothing to count
  }
  return ctx.sales.SetRefundedElsewhere(sale_ref, refunds.refunded_minor, refunds.refunded_qty);
}

// A set part; when it brings a version of the segments or the offers set in
// force, the members' segments or offers become that version's, in the same
// transaction. Other sets are only held (DownStore, Terminal::SetRows).
Status ApplySetPart(EngineContext& ctx, const sync::DownItem& item) {
  PATRON_ASSIGN_OR_RETURN(sync::SetPart part, record::DecodeRecord<sync::SetPart>(item.body.text));
  PATRON_ASSIGN_OR_RETURN(const bool in_force, ctx.down.PutSetPart(part));
  const bool segments = part.name == kSegmentsSet;
  if (!in_force || (!segments && part.name != kOffersSet)) return Status::OK();
  PATRON_ASSIGN_OR_RETURN(std::vector<record::RawJson> rows, ctx.down.SetRows(part.name));
  record::DecodeNotes notes;
  PATRON_RETURN_IF_ERROR(segments ? ctx.segments.Replace(rows, notes)
                                  : ctx.offers.Replace(rows, notes));
  for (const std::string& what : notes.unknown()) {
    PATRON_RETURN_IF_ERROR(ctx.down.NoteUnknown(what, item.seq, ctx.NowMs(), kTerminalBuild));
  }
  return Status::OK();
}

}  // namespace

Result<std::vector<Rules>> TakeDelivery(EngineContext& ctx, const DownDelivery& delivery) {
  std::vector<Rules> packs;
  const auto consider = [&](const std::string& json) -> Status {
    PATRON_ASSIGN_OR_RETURN(std::optional<Rules> pack, ReadRules(ctx, json, delivery.first_seq));
    const auto same = [&](const Rules& held) { return held.version == pack->version; };
    if (pack && std::none_of(packs.begin(), packs.end(), same)) packs.push_back(*std::move(pack));
    return Status::OK();
  };
  if (delivery.rules_json) PATRON_RETURN_IF_ERROR(consider(*delivery.rules_json));
  if (delivery.items != nullptr) {
    for (const sync::DownItem& item : *delivery.items) {
      bool known = true;
      if (item.kind == sync::kRulesItem) {
        PATRON_RETURN_IF_ERROR(consider(item.body.text));
      } else if (item.kind == sync::kSaleRefundsItem) {
        PATRON_RETURN_IF_ERROR(ApplySaleRefunds(ctx, item));
      } else if (item.kind == kVoucherItem) {
        PATRON_ASSIGN_OR_RETURN(Voucher voucher, record::DecodeRecord<Voucher>(item.body.text));
        PATRON_RETURN_IF_ERROR(TakeVoucher(ctx, voucher));
      } else if (item.kind == kExchangeItem) {
        PATRON_ASSIGN_OR_RETURN(ExchangeRecord exchange,
                                record::DecodeRecord<ExchangeRecord>(item.body.text));
        PATRON_RETURN_IF_ERROR(TakeExchange(ctx, exchange));
      } else if (item.kind == sync::kSetPartItem) {
        PATRON_RETURN_IF_ERROR(ApplySetPart(ctx, item));
      } else {
        known = false;
        PATRON_RETURN_IF_ERROR(ctx.down.NoteUnknown("item kind '" + item.kind + "'", item.seq,
                                                    ctx.NowMs(), kTerminalBuild));
      }
      PATRON_RETURN_IF_ERROR(ctx.down.Put(item, known));
    }
  }
  if (delivery.notes != nullptr) {
    for (const std::string& what : delivery.notes->unknown()) {
      PATRON_RETURN_IF_ERROR(
          ctx.down.NoteUnknown(what, delivery.first_seq, ctx.NowMs(), kTerminalBuild));
    }
  }
  for (const Rules& pack : packs) {
    PATRON_RETURN_IF_ERROR(ctx.state.InsertRules({pack.version, EncodeRules(pack)}, ctx.NowMs()));
  }
  return packs;
}

Result<bool> RetryAfterUpgrade(EngineContext& ctx) {
  return InWriteTransaction(ctx, [&]() -> Result<bool> {
    PATRON_ASSIGN_OR_RETURN(std::vector<UpgradeNote> notes, ctx.down.UpgradeNotes());
    int64_t earliest = INT64_MAX;
    for (const UpgradeNote& note : notes) {
      if (note.build != kTerminalBuild) earliest = std::min(earliest, note.first_seq);
    }
    if (earliest == INT64_MAX) return false;
    PATRON_ASSIGN_OR_RETURN(std::optional<TerminalStateRow> state, ctx.state.Load());
    if (!state) return false;
    PATRON_RETURN_IF_ERROR(ctx.down.ClearUpgradeNotes());
    // Pulling again is harmless: rows merge, grants are known by id, items
    // replace themselves.
    PATRON_RETURN_IF_ERROR(
        ctx.state.SetCursor(state->cursor_epoch, std::max<int64_t>(0, earliest - 1)));
    return true;
  });
}

}  // namespace patron::terminal

#include "patron/sync_server/sync_service.h"

#include <openssl/rand.h>

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

namespace {

void SystemRandom(std::span<uint8_t> out) {
  if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) std::abort();
}

std::string HexToken(const std::function<void(std::span<uint8_t>)>& fill_random) {
  std::vector<uint8_t> bytes(32);
  fill_random(bytes);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token;
  for (uint8_t b : bytes) {
    token.push_back(kHex[b >> 4]);
    token.push_back(kHex[b & 0xf]);
  }
  return token;
}

}  // namespace

SyncService::SyncService(ServerStore& store, SyncServiceOptions options)
    : store_(store),
      options_([&] {
        if (!options.wall_clock_ms) options.wall_clock_ms = SystemWallClockMs;
        if (!options.fill_random) options.fill_random = SystemRandom;
        return std::move(options);
      }()),
      clock_(options_.wall_clock_ms, options_.max_clock_drift_ms) {
  LoadFoldState();
}

Status SyncService::CheckFingerprint(std::string_view fingerprint) const {
  if (fingerprint == options_.chain_key_fingerprint) return Status::OK();
  return Status::FailedPrecondition(
      "the terminal's chain key (fingerprint " + std::string(fingerprint) +
          ") is not this server's (" + options_.chain_key_fingerprint +
          "): two keys would split one customer into two members; provision the terminal "
          "with the chain key configured on the server",
      "chain_key_mismatch");
}

HlcTimestamp SyncService::TickClock() {
  std::lock_guard lock(clock_mu_);
  return clock_.Now();
}

HlcTimestamp SyncService::MergeClock(HlcTimestamp remote) {
  std::lock_guard lock(clock_mu_);
  Result<HlcTimestamp> merged = clock_.Update(remote);
  return merged.ok() ? *merged : clock_.Now();  // too far ahead: not merged
}

Status SyncService::ResumeClock(StoreTxn& txn) {
  PATRON_ASSIGN_OR_RETURN(HlcTimestamp saved, txn.SavedHlc());
  std::lock_guard lock(clock_mu_);
  if (clock_.Last() < saved) clock_.NowAfter(saved);
  return Status::OK();
}

Status SyncService::SaveClock(StoreTxn& txn) {
  HlcTimestamp last;
  {
    std::lock_guard lock(clock_mu_);
    last = clock_.Last();
  }
  return txn.SaveHlc(last);
}

Result<Rules> SyncService::ActiveRules(StoreTxn& txn) {
  PATRON_ASSIGN_OR_RETURN(auto active, txn.ActiveRules());
  if (!active) return DefaultRules();
  return DecodeRules(active->second);
}

Result<RegisteredTerminal> SyncService::RegisterTerminal(std::string_view terminal_id,
                                                         std::string_view store_id) {
  PATRON_RETURN_IF_ERROR(ValidateHolderId(terminal_id, "terminal_id"));
  PATRON_RETURN_IF_ERROR(ValidateHolderId(store_id, "store_id"));
  const std::string token = HexToken(options_.fill_random);
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginWrite());
  PATRON_ASSIGN_OR_RETURN(std::optional<TerminalRecord> known, txn->FindTerminal(terminal_id));
  TerminalRecord record;
  if (known) {
    // Its entries are booked to its store: a terminal cannot change store.
    if (known->store_id != store_id) {
      return Status::Conflict("terminal " + std::string(terminal_id) + " belongs to store " +
                                  known->store_id,
                              "terminal_store_mismatch");
    }
    record = *known;  // re-registration rotates the token
  } else {
    record.terminal_id = std::string(terminal_id);
    record.store_id = std::string(store_id);
    record.registered_ms = NowMs();
  }
  record.token_hash = Sha256Hex(token);
  PATRON_RETURN_IF_ERROR(txn->PutTerminal(record));
  PATRON_RETURN_IF_ERROR(txn->Commit());
  return RegisteredTerminal{record.terminal_id, record.store_id, token};
}

Result<Caller> SyncService::Authenticate(std::string_view authorization) {
  std::string_view token = authorization;
  if (token.size() > 7 && (token.substr(0, 7) == "Bearer " || token.substr(0, 7) == "bearer ")) {
    token.remove_prefix(7);
  }
  if (token.empty()) {
    return Status::Unauthenticated("send the terminal's token as Authorization: Bearer <token>",
                                   "missing_token");
  }
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginRead());
  PATRON_ASSIGN_OR_RETURN(std::optional<TerminalRecord> terminal,
                          txn->FindTerminalByTokenHash(Sha256Hex(token)));
  if (!terminal) return Status::Unauthenticated("unknown token", "invalid_token");
  return Caller{terminal->terminal_id, terminal->store_id};
}

Status SyncService::PublishRules(const Rules& rules) {
  PATRON_RETURN_IF_ERROR(ValidateRules(rules));
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginWrite());
  PATRON_ASSIGN_OR_RETURN(auto active, txn->ActiveRules());
  const int64_t current = active ? active->first : DefaultRules().version;
  if (rules.version <= current) {
    return Status::Conflict("rules version " + std::to_string(rules.version) +
                                " is not above the active version " + std::to_string(current),
                            "stale_rules");
  }
  const WriteActivity activity(*this);
  PATRON_RETURN_IF_ERROR(ResumeClock(*txn));
  const std::string body = EncodeRules(rules);
  PATRON_RETURN_IF_ERROR(txn->PutRules(rules.version, body));
  // Down the channel to every till (terminals before it read the pull's
  // "rules" field, which the store's active rules still fill).
  PATRON_RETURN_IF_ERROR(
      PublishItem(*txn, {0, std::string(kRulesItem), std::string(kAudienceAll), "", "active",
                         {body}})
          .status());
  return CommitWrite(*txn);
}

Result<DownItem> SyncService::PublishItem(StoreTxn& txn, DownItem item) {
  PATRON_ASSIGN_OR_RETURN(item.seq, txn.NextSeq());
  PATRON_RETURN_IF_ERROR(txn.PutDownItem(item));
  return item;
}

Result<DownItem> SyncService::Publish(DownItem item) {
  const WriteActivity activity(*this);
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginWrite());
  PATRON_RETURN_IF_ERROR(ResumeClock(*txn));
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
  const WriteActivity activity(*this);
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginWrite());
  PATRON_RETURN_IF_ERROR(ResumeClock(*txn));
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
    PATRON_RETURN_IF_ERROR(PublishItem(*txn, {0, std::string(kSetPartItem),
                                              std::string(kAudienceAll), "",
                                              std::string(name) + "/" + std::to_string(p),
                                              {record::EncodeRecord(part)}})
                               .status());
  }
  return CommitWrite(*txn);
}

Status SyncService::CommitWrite(StoreTxn& txn) {
  PATRON_RETURN_IF_ERROR(SaveClock(txn));
  PATRON_ASSIGN_OR_RETURN(const int64_t last_seq, txn.LastSeq());
  NoteWriting();
  PATRON_RETURN_IF_ERROR(txn.Commit());
  NoteWritten(last_seq);
  // Committed: a fold that fails now is retried by the next one.
  if (!options_.fold_in_background) (void)FoldAll();
  return Status::OK();
}

Result<StoredEntry> SyncService::WriteServerEntry(StoreTxn& txn, LedgerEntry draft) {
  PATRON_ASSIGN_OR_RETURN(Rules rules, ActiveRules(txn));
  PATRON_ASSIGN_OR_RETURN(int64_t n, txn.NextServerEntrySeq());
  draft.origin = std::string(kServerOrigin);
  draft.seq = n;
  draft.entry_id = MakeEntryId(draft.origin, n);
  if (draft.currency.empty()) draft.currency = rules.currency;
  draft.store_id = std::string(kServerOrigin);
  draft.terminal_id = std::string(kServerOrigin);
  draft.hlc = TickClock();
  draft.wall_ms = NowMs();
  draft.rule_version = rules.version;
  PATRON_RETURN_IF_ERROR(ValidateEntry(draft));
  PATRON_ASSIGN_OR_RETURN(int64_t seq, txn.NextSeq());
  PATRON_ASSIGN_OR_RETURN(bool inserted, txn.InsertEntryIfNew(draft, seq));
  if (!inserted) return Status::Internal("entry " + draft.entry_id + " already stored");
  return StoredEntry{std::move(draft), seq};
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

void SyncService::MarkSeen(const std::string& terminal_id) {
  std::lock_guard lock(seen_mu_);
  last_seen_ms_[terminal_id] = NowMs();
}

Result<std::vector<TerminalRecord>> SyncService::Terminals() {
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginRead());
  PATRON_ASSIGN_OR_RETURN(std::vector<TerminalRecord> terminals, txn->ListTerminals());
  std::lock_guard lock(seen_mu_);
  for (TerminalRecord& terminal : terminals) {
    auto seen = last_seen_ms_.find(terminal.terminal_id);
    if (seen == last_seen_ms_.end()) continue;
    terminal.last_sync_ms = std::max(terminal.last_sync_ms.value_or(0), seen->second);
  }
  return terminals;
}

}  // namespace patron::sync

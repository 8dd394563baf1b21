#include "patron/sync_server/terminal_registry.h"

#include <openssl/rand.h>

#include <algorithm>
#include <cstdlib>
#include <utility>

#include "patron/bearer.h"
#include "patron/digest.h"
#include "service/checks.h"

namespace patron::sync {
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

TerminalRegistry::TerminalRegistry(ServerStore& store, std::function<int64_t()> wall_clock_ms,
                                   std::function<void(std::span<uint8_t>)> fill_random)
    : store_(store),
      wall_clock_ms_(std::move(wall_clock_ms)),
      fill_random_(fill_random ? std::move(fill_random) : SystemRandom) {}

Result<RegisteredTerminal> TerminalRegistry::Register(std::string_view terminal_id,
                                                      std::string_view store_id) {
  PATRON_RETURN_IF_ERROR(ValidateHolderId(terminal_id, "terminal_id"));
  PATRON_RETURN_IF_ERROR(ValidateHolderId(store_id, "store_id"));
  const std::string token = HexToken(fill_random_);
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginWrite());
  PATRON_ASSIGN_OR_RETURN(std::optional<TerminalRecord> known, txn->FindTerminal(terminal_id));
  TerminalRecord record;
  if (known) {
    // Its entries are booked to its store: a terminal cannot change store.
    if (known->store_id != store_id) {
      return Status::Conflict(
          "terminal " + std::string(terminal_id) + " belongs to store " + known->store_id,
          "terminal_store_mismatch");
    }
    record = *known;  // re-registration rotates the token
  } else {
    record.terminal_id = std::string(terminal_id);
    record.store_id = std::string(store_id);
    record.registered_ms = wall_clock_ms_();
  }
  record.token_hash = Sha256Hex(token);
  PATRON_RETURN_IF_ERROR(txn->PutTerminal(record));
  PATRON_RETURN_IF_ERROR(txn->Commit());
  return RegisteredTerminal{record.terminal_id, record.store_id, token};
}

Result<Caller> TerminalRegistry::Authenticate(std::string_view authorization) {
  PATRON_ASSIGN_OR_RETURN(std::string_view token,
                          BearerToken(authorization, "the terminal's token"));
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginRead());
  PATRON_ASSIGN_OR_RETURN(std::optional<TerminalRecord> terminal,
                          txn->FindTerminalByTokenHash(Sha256Hex(token)));
  if (!terminal) return Status::Unauthenticated("unknown token", "invalid_token");
  return Caller{terminal->terminal_id, terminal->store_id};
}

void TerminalRegistry::MarkSeen(const std::string& terminal_id) {
  const int64_t now_ms = wall_clock_ms_();
  std::lock_guard lock(seen_mu_);
  last_seen_ms_[terminal_id] = now_ms;
}

Result<std::vector<TerminalRecord>> TerminalRegistry::Terminals() {
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

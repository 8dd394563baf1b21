// TerminalRegistry: who may sync with head office. Registers terminals
// (issuing each a bearer token, of which only the hash is stored), resolves
// tokens to callers, and keeps when each terminal last synced, over the
// store's terminal role (terminal_store.h). Thread-safe.
#ifndef PATRON_SYNC_SERVER_TERMINAL_REGISTRY_H_
#define PATRON_SYNC_SERVER_TERMINAL_REGISTRY_H_

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "patron/status.h"
#include "patron/sync_server/server_store.h"

namespace patron::sync {

struct RegisteredTerminal {
  std::string terminal_id;
  std::string store_id;
  std::string token;  // shown once; only its hash is stored
};

// The terminal a request was authenticated as.
struct Caller {
  std::string terminal_id;
  std::string store_id;
};

class TerminalRegistry {
 public:
  // `fill_random` makes tokens; empty: OpenSSL's RAND_bytes.
  TerminalRegistry(ServerStore& store, std::function<int64_t()> wall_clock_ms,
                   std::function<void(std::span<uint8_t>)> fill_random);

  // Registers (or re-registers, rotating the token of) a terminal. A
  // terminal never changes store (Conflict "terminal_store_mismatch").
  Result<RegisteredTerminal> Register(std::string_view terminal_id, std::string_view store_id);
  // Resolves an "Authorization: Bearer <token>" header value (patron/bearer.h:
  // the scheme is required, in any case). Unauthenticated if missing, of
  // another scheme, or unknown.
  Result<Caller> Authenticate(std::string_view authorization);
  // Records that a terminal synced now. Pulls change nothing in the store,
  // so their times are kept here (a write per pull page would cost a disk
  // flush); pushes also persist it.
  void MarkSeen(const std::string& terminal_id);
  // Every registered terminal, with the latest sync time stored or seen.
  Result<std::vector<TerminalRecord>> Terminals();

 private:
  ServerStore& store_;
  std::function<int64_t()> wall_clock_ms_;
  std::function<void(std::span<uint8_t>)> fill_random_;
  std::mutex seen_mu_;
  std::map<std::string, int64_t> last_seen_ms_;  // guarded by seen_mu_
};

}  // namespace patron::sync

#endif  // PATRON_SYNC_SERVER_TERMINAL_REGISTRY_H_

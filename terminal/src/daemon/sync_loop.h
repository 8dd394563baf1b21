// patrond's background sync: runs SyncClient::SyncOnce on an interval, right
// after local writes when online, and on demand (POST /v1/sync); backs off
// exponentially with jitter while the server is unreachable.
#ifndef PATRON_TERMINAL_SRC_DAEMON_SYNC_LOOP_H_
#define PATRON_TERMINAL_SRC_DAEMON_SYNC_LOOP_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>

#include "api/codec.h"
#include "patron/terminal/sync_client.h"
#include "patron/terminal/terminal.h"

namespace patron::terminal {

struct SyncLoopOptions {
  std::string server;  // for status only
  std::chrono::milliseconds interval{30'000};
  std::chrono::milliseconds min_backoff{1'000};
  std::chrono::milliseconds max_backoff{60'000};
  std::function<void(const std::string& level, const std::string& message)> log;
};

class SyncLoop {
 public:
  // `sync_transport` carries rounds; `grant_transport` carries grants with a
  // short timeout, so a checkout never waits behind a large sync page.
  SyncLoop(Terminal& terminal, std::unique_ptr<SyncTransport> sync_transport,
           std::unique_ptr<SyncTransport> grant_transport, SyncLoopOptions options);
  ~SyncLoop();  // Stop()
  SyncLoop(const SyncLoop&) = delete;
  SyncLoop& operator=(const SyncLoop&) = delete;

  void Start();
  void Stop();
  // Asks for a round soon (after a checkout); ignored while backing off.
  void Trigger();
  // Runs a round now and returns its JSON summary (POST /v1/sync).
  Result<std::string> SyncNow();
  // Online redemption: the grant for a checkout's shortfall.
  Status RequestGrant(std::string_view member_id, int64_t points, std::string_view request_id);
  // A return of another store's sale, counted at head office (on the
  // grant's short-deadline connection: a customer is waiting).
  Result<sync::ReturnClaimResponse> ClaimReturn(const sync::ReturnClaimRequest& request);
  // A voucher for a sale, claimed from head office (same connection).
  Result<Voucher> ClaimVoucher(const sync::VoucherClaimRequest& request);
  // A larger share of a reward's stock (same connection).
  Result<sync::StockClaimResponse> ClaimStock(const sync::StockClaimRequest& request);
  SyncInfo Info() const;

 private:
  Result<SyncReport> RunRound();
  void Run();
  std::chrono::milliseconds NextDelay();

  Terminal& terminal_;
  std::unique_ptr<SyncTransport> sync_transport_;
  std::unique_ptr<SyncTransport> grant_transport_;
  SyncClient sync_client_;
  SyncClient grant_client_;
  SyncLoopOptions options_;

  std::mutex round_mu_;  // one round at a time
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool triggered_ = false;
  bool online_ = false;
  int failures_ = 0;
  std::optional<int64_t> last_success_ms_;
  std::string last_error_;
  std::mt19937 jitter_{std::random_device{}()};
  std::thread thread_;
};

}  // namespace patron::terminal

#endif  // PATRON_TERMINAL_SRC_DAEMON_SYNC_LOOP_H_

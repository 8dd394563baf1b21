// CredentialThrottle: slows and then stops someone guessing patron-sync's
// admin token. A 32-character random token cannot be guessed online anyway;
// this is for the token an operator chose short, and so that guessing shows
// up in the log and in /metrics instead of going on quietly forever.
//
//   - Every refused token counts a failure for the peer (its address) and
//     for the server as a whole; a success from a peer resets its count and
//     the server's.
//   - After max_failures_per_peer consecutive failures the peer is locked
//     out for lockout_ms; after max_failures_total consecutive failures (from
//     any mix of peers, with no success between) everyone is but loopback:
//     an operator on head office's own machine can always get in, so a
//     stranger guessing from many addresses cannot lock head office out of
//     its own server (loopback peers are still locked out one by one).
//     While locked out every admin request is answered 429 with
//     Retry-After, the right token included: otherwise the lockout would
//     just tell the guesser which guess was right.
//   - Each failure outside a lockout is answered after failure_delay (the
//     caller sleeps it): a little friction that costs a real admin with a
//     typo nothing. Small on purpose: it holds one of the server's threads.
//
// Thread-safe. The clock is injected (steady milliseconds) so tests need
// not wait out a lockout.
#ifndef PATRON_SYNC_SERVER_SRC_HTTP_CREDENTIAL_THROTTLE_H_
#define PATRON_SYNC_SERVER_SRC_HTTP_CREDENTIAL_THROTTLE_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace patron::sync {

struct CredentialThrottleOptions {
  int64_t max_failures_per_peer = 5;
  int64_t max_failures_total = 50;
  int64_t lockout_ms = 60'000;
  std::chrono::milliseconds failure_delay{100};
  // Steady time in milliseconds; default: std::chrono::steady_clock.
  std::function<int64_t()> now_ms;
};

class CredentialThrottle {
 public:
  explicit CredentialThrottle(CredentialThrottleOptions options);
  CredentialThrottle(const CredentialThrottle&) = delete;
  CredentialThrottle& operator=(const CredentialThrottle&) = delete;

  // Milliseconds until `peer` may try again (it, or everyone, is locked
  // out), or nullopt if it may try now.
  std::optional<int64_t> LockedOutFor(std::string_view peer);
  // A refused token from `peer`. Returns the delay to wait before answering.
  std::chrono::milliseconds Failed(std::string_view peer);
  // An accepted token from `peer`.
  void Succeeded(std::string_view peer);

  int64_t failures() const;         // refused tokens since start
  int64_t lockouts() const;         // lockouts begun since start (peer and global)
  int64_t locked_refusals() const;  // requests refused while locked out

 private:
  struct Peer {
    int64_t consecutive_failures = 0;
    int64_t locked_until_ms = 0;
  };
  int64_t Now() const;

  const CredentialThrottleOptions options_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Peer> peers_;  // guarded by mu_
  int64_t consecutive_failures_ = 0;             // guarded by mu_
  int64_t locked_until_ms_ = 0;                  // guarded by mu_: everyone
  int64_t failures_ = 0;                         // guarded by mu_
  int64_t lockouts_ = 0;                         // guarded by mu_
  int64_t locked_refusals_ = 0;                  // guarded by mu_
};

// The address part of HttpRequest::remote ("10.0.0.5:51234" -> "10.0.0.5",
// "[::1]:80" -> "::1"): the peer a throttle counts.
std::string_view PeerAddress(std::string_view remote);

// True for 127.0.0.0/8, ::1 and ::ffff:127.x.y.z (an address PeerAddress gave).
bool IsLoopbackPeer(std::string_view peer);

}  // namespace patron::sync

#endif  // PATRON_SYNC_SERVER_SRC_HTTP_CREDENTIAL_THROTTLE_H_

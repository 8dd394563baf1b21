#include "http/credential_throttle.h"

#include <algorithm>
#include <utility>

namespace patron::sync {
namespace {

// Peers remembered at most; beyond, those neither failing nor locked out
// are forgotten first (a scan of many addresses must not grow the map
// without bound).
constexpr size_t kMaxPeers = 10'000;

}  // namespace

std::string_view PeerAddress(std::string_view remote) {
  if (remote.starts_with('[')) {
    const size_t close = remote.find(']');
    return close == std::string_view::npos ? remote : remote.substr(1, close - 1);
  }
  const size_t colon = remote.rfind(':');
  return colon == std::string_view::npos ? remote : remote.substr(0, colon);
}

bool IsLoopbackPeer(std::string_view peer) {
  return peer == "::1" || peer.starts_with("127.") || peer.starts_with("::ffff:127.");
}

CredentialThrottle::CredentialThrottle(CredentialThrottleOptions options)
    : options_(std::move(options)) {}

int64_t CredentialThrottle::Now() const {
  if (options_.now_ms) return options_.now_ms();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::optional<int64_t> CredentialThrottle::LockedOutFor(std::string_view peer) {
  const int64_t now = Now();
  std::lock_guard lock(mu_);
  int64_t until = IsLoopbackPeer(peer) ? 0 : locked_until_ms_;
  if (const auto it = peers_.find(std::string(peer)); it != peers_.end()) {
    until = std::max(until, it->second.locked_until_ms);
  }
  if (until <= now) return std::nullopt;
  ++locked_refusals_;
  return until - now;
}

std::chrono::milliseconds CredentialThrottle::Failed(std::string_view peer) {
  const int64_t now = Now();
  std::lock_guard lock(mu_);
  ++failures_;
  if (peers_.size() >= kMaxPeers) {
    std::erase_if(peers_, [now](const auto& entry) { return entry.second.locked_until_ms <= now; });
  }
  Peer& state = peers_[std::string(peer)];
  if (++state.consecutive_failures >= options_.max_failures_per_peer) {
    state.consecutive_failures = 0;
    state.locked_until_ms = now + options_.lockout_ms;
    ++lockouts_;
  }
  if (++consecutive_failures_ >= options_.max_failures_total) {
    consecutive_failures_ = 0;
    locked_until_ms_ = now + options_.lockout_ms;
    ++lockouts_;
  }
  return options_.failure_delay;
}

void CredentialThrottle::Succeeded(std::string_view peer) {
  std::lock_guard lock(mu_);
  consecutive_failures_ = 0;
  peers_.erase(std::string(peer));
}

int64_t CredentialThrottle::failures() const {
  std::lock_guard lock(mu_);
  return failures_;
}

int64_t CredentialThrottle::lockouts() const {
  std::lock_guard lock(mu_);
  return lockouts_;
}

int64_t CredentialThrottle::locked_refusals() const {
  std::lock_guard lock(mu_);
  return locked_refusals_;
}

}  // namespace patron::sync

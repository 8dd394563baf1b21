#include "http/server_state.h"

#include <utility>

#include "http/session.h"

namespace patron::http_internal {

AdmitResult ServerState::Admit(const std::shared_ptr<SessionBase>& session,
                               const std::string& peer) {
  AdmitResult result;
  std::vector<std::shared_ptr<SessionBase>> evicted;
  {
    std::lock_guard lock(mu_);
    if (stopping_) return result;
    const size_t max = options_.max_connections;
    const size_t per_peer = options_.max_unauthenticated_per_peer;
    const size_t unauthenticated_max = max - options_.reserved_for_authenticated;
    bool room = true;
    // One peer's unauthenticated connections: only its own make room, so a
    // peer opening sockets by the hundred churns through its own slots and
    // never displaces anyone else's.
    if (per_peer > 0) {
      const auto it = unauthenticated_by_peer_.find(peer);
      if (it != unauthenticated_by_peer_.end() && it->second >= per_peer) {
        if (Connection* victim = FindEvictable(&peer)) {
          EvictLocked(*victim, evicted);
        } else {
          room = false;
        }
      }
    }
    if (room && serving_ >= max) {
      if (Connection* victim = FindEvictable(nullptr)) {
        EvictLocked(*victim, evicted);
      } else {
        room = false;
      }
    }
    if (room && unauthenticated_ >= unauthenticated_max) {
      // The unauthenticated share is full. A waiting connection makes room;
      // if every one is in the middle of a request, the newcomer may use the
      // reserve, but only if its first request authenticates.
      if (Connection* victim = FindEvictable(nullptr)) {
        EvictLocked(*victim, evicted);
      } else {
        result.probation = true;
      }
    }
    if (room) {
      result.admission = Admission::kServe;
    } else if (rejecting_ < max) {
      // 503s are cheap but each holds a descriptor until it is written;
      // beyond another max_connections of them, close without a word.
      result.admission = Admission::kReject;
    }
    if (result.admission != Admission::kDrop) {
      result.id = next_id_++;
      Connection& connection = connections_[result.id];
      connection.session = session;
      connection.peer = peer;
      connection.opened = std::chrono::steady_clock::now();
      connection.serving = result.admission == Admission::kServe;
      if (connection.serving) {
        ++serving_;
        ++unauthenticated_;
        ++unauthenticated_by_peer_[peer];
      } else {
        ++rejecting_;
      }
    }
  }
  // Outside the lock: Evict() only posts to the session's strand, but the
  // last reference to a session may be the one in `evicted`, and its
  // destructor calls Release().
  for (const auto& victim : evicted) victim->Evict();
  return result;
}

ServerState::Connection* ServerState::FindEvictable(const std::string* peer) {
  Connection* best = nullptr;
  for (auto& [id, connection] : connections_) {
    if (!connection.serving || connection.evicted || connection.authenticated ||
        !connection.waiting || connection.completed_one) {
      continue;
    }
    if (peer != nullptr && connection.peer != *peer) continue;
    if (best == nullptr || connection.opened < best->opened) best = &connection;
  }
  return best;
}

void ServerState::UncountLocked(Connection& connection) {
  if (!connection.serving) {
    --rejecting_;
    return;
  }
  --serving_;
  if (connection.authenticated) return;
  --unauthenticated_;
  const auto it = unauthenticated_by_peer_.find(connection.peer);
  if (it != unauthenticated_by_peer_.end() && --it->second == 0) {
    unauthenticated_by_peer_.erase(it);
  }
}

void ServerState::EvictLocked(Connection& connection,
                              std::vector<std::shared_ptr<SessionBase>>& evicted) {
  UncountLocked(connection);
  connection.evicted = true;
  ++evicting_;
  if (auto session = connection.session.lock()) evicted.push_back(std::move(session));
}

bool ServerState::StartRequest(uint64_t id) {
  std::lock_guard lock(mu_);
  const auto it = connections_.find(id);
  if (it == connections_.end() || it->second.evicted) return false;
  it->second.waiting = false;
  return true;
}

void ServerState::AwaitRequest(uint64_t id) {
  std::lock_guard lock(mu_);
  const auto it = connections_.find(id);
  if (it == connections_.end()) return;
  it->second.waiting = true;
  it->second.completed_one = true;
}

void ServerState::Authenticated(uint64_t id) {
  std::lock_guard lock(mu_);
  const auto it = connections_.find(id);
  if (it == connections_.end()) return;
  Connection& connection = it->second;
  if (connection.authenticated || connection.evicted || !connection.serving) return;
  UncountLocked(connection);
  connection.authenticated = true;
  ++serving_;
}

void ServerState::Release(uint64_t id) {
  {
    std::lock_guard lock(mu_);
    const auto it = connections_.find(id);
    if (it == connections_.end()) return;
    if (it->second.evicted) {
      --evicting_;
    } else {
      UncountLocked(it->second);
    }
    connections_.erase(it);
  }
  drained_.notify_all();
}

std::vector<std::shared_ptr<SessionBase>> ServerState::BeginStop() {
  std::vector<std::shared_ptr<SessionBase>> live;
  std::lock_guard lock(mu_);
  stopping_.store(true, std::memory_order_release);
  for (const auto& [id, connection] : connections_) {
    if (auto session = connection.session.lock()) live.push_back(std::move(session));
  }
  return live;
}

void ServerState::WaitUntilDrained() {
  std::unique_lock lock(mu_);
  drained_.wait(lock, [this] { return serving_ == 0 && rejecting_ == 0 && evicting_ == 0; });
}

}  // namespace patron::http_internal

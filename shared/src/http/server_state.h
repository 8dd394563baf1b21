// What HttpServer, its Listener and its Sessions share. Held by shared_ptr so
// that it outlives whichever of them goes last.
#ifndef PATRON_SRC_HTTP_SERVER_STATE_H_
#define PATRON_SRC_HTTP_SERVER_STATE_H_

#include <atomic>
#include <boost/asio/ssl/context.hpp>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "patron/http/server.h"

namespace patron::http_internal {

class SessionBase;

// How a new connection is treated.
enum class Admission {
  kServe,   // under max_connections: serve requests
  kReject,  // at the cap: answer 503 and close
  kDrop,    // stopping, or too many 503s already in flight: close at once
};

class ServerState {
 public:
  ServerState(HttpServerOptions options, HttpHandler handler)
      : options_(std::move(options)), handler_(std::move(handler)) {}

  // Loads options().tls into the TLS context; called once, before any
  // connection. InvalidArgument naming the file that does not load.
  Status LoadTls();
  // The TLS context when options().tls is set; null for plain HTTP.
  boost::asio::ssl::context* tls() const { return tls_.get(); }
  ServerState(const ServerState&) = delete;
  ServerState& operator=(const ServerState&) = delete;

  const HttpServerOptions& options() const { return options_; }
  const HttpHandler& handler() const { return handler_; }
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }

  // Decides how to treat a newly accepted connection and, unless kDrop,
  // counts it and remembers it for BeginStop(). `*id` receives the key to
  // pass to Release().
  Admission Admit(const std::shared_ptr<SessionBase>& session, uint64_t* id) {
    std::lock_guard lock(mu_);
    if (stopping_) return Admission::kDrop;
    Admission admission = Admission::kServe;
    if (serving_ >= options_.max_connections) {
      // 503s are cheap but each holds a descriptor until it is written;
      // beyond another max_connections of them, close without a word.
      if (rejecting_ >= options_.max_connections) return Admission::kDrop;
      admission = Admission::kReject;
    }
    (admission == Admission::kServe ? serving_ : rejecting_)++;
    *id = next_id_++;
    sessions_.emplace(*id, session);
    return admission;
  }

  // Called from a Session's destructor for every Admit() that returned
  // kServe or kReject.
  void Release(uint64_t id, Admission admission) {
    {
      std::lock_guard lock(mu_);
      sessions_.erase(id);
      (admission == Admission::kServe ? serving_ : rejecting_)--;
    }
    drained_.notify_all();
  }

  // Marks the server as stopping (Admit() then drops every new connection)
  // and returns the live sessions, for the caller to shut down.
  std::vector<std::shared_ptr<SessionBase>> BeginStop() {
    std::vector<std::shared_ptr<SessionBase>> live;
    std::lock_guard lock(mu_);
    stopping_.store(true, std::memory_order_release);
    for (const auto& [id, weak] : sessions_) {
      if (auto session = weak.lock()) live.push_back(std::move(session));
    }
    return live;
  }

  // Blocks until every admitted session has been released.
  void WaitUntilDrained() {
    std::unique_lock lock(mu_);
    drained_.wait(lock, [this] { return serving_ == 0 && rejecting_ == 0; });
  }

 private:
  const HttpServerOptions options_;
  const HttpHandler handler_;
  std::atomic<bool> stopping_{false};  // written under mu_

  std::mutex mu_;
  std::condition_variable drained_;
  size_t serving_ = 0;                                             // guarded by mu_
  size_t rejecting_ = 0;                                           // guarded by mu_
  uint64_t next_id_ = 0;                                           // guarded by mu_
  std::unordered_map<uint64_t, std::weak_ptr<SessionBase>> sessions_;  // guarded by mu_
  std::unique_ptr<boost::asio::ssl::context> tls_;
};

}  // namespace patron::http_internal

#endif  // PATRON_SRC_HTTP_SERVER_STATE_H_

// What HttpServer, its Listener and its Sessions share. Held by shared_ptr so
// that it outlives whichever of them goes last.
#ifndef PATRON_SRC_HTTP_SERVER_STATE_H_
#define PATRON_SRC_HTTP_SERVER_STATE_H_

#include <atomic>
#include <chrono>
#include <boost/asio/ssl/context.hpp>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "patron/http/server.h"

namespace patron::http_internal {

class SessionBase;

// How a new connection is treated.
enum class Admission {
  kServe,   // room for it: serve requests
  kReject,  // no room: answer 503 and close
  kDrop,    // stopping, or too many 503s already in flight: close at once
};

struct AdmitResult {
  Admission admission = Admission::kDrop;
  // Admitted into the share reserved for authenticated connections: its
  // first request must authenticate.
  bool probation = false;
  uint64_t id = 0;  // the key for the other calls
};

// The connection bookkeeping behind HttpServerOptions' connection limits
// (server.h, "Connection limits"). Thread-safe: sessions on any strand call
// it; every method takes mu_ briefly and never calls out while holding it.
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

  // Decides how to treat a newly accepted connection from `peer` (its
  // address), evicting waiting unauthenticated connections to make room
  // (they are told through SessionBase::Evict()), and, unless kDrop, counts
  // it and remembers it for BeginStop().
  AdmitResult Admit(const std::shared_ptr<SessionBase>& session, const std::string& peer);

  // The connection started reading a request (its first byte arrived).
  // False if it was evicted meanwhile: it must close without serving.
  bool StartRequest(uint64_t id);
  // The connection finished a request and waits for the next one.
  void AwaitRequest(uint64_t id);
  // A request header on the connection carried valid credentials.
  void Authenticated(uint64_t id);

  // Called from a Session's destructor for every Admit() that returned
  // kServe or kReject.
  void Release(uint64_t id);

  // Marks the server as stopping (Admit() then drops every new connection)
  // and returns the live sessions, for the caller to shut down.
  std::vector<std::shared_ptr<SessionBase>> BeginStop();

  // Blocks until every admitted session has been released.
  void WaitUntilDrained();

 private:
  struct Connection {
    std::weak_ptr<SessionBase> session;
    std::string peer;
    bool serving = false;        // admitted kServe (else kReject)
    bool evicted = false;        // no longer counted; closing
    bool authenticated = false;
      bool waiting = true;         // waiting for a request's first byte
    bool completed_one = false;  // has completed a request
    std::chrono::steady_clock::time_point opened;
  };

  // The unauthenticated connection that should go first to make room (from
  // `peer` only, unless null), or null: the longest open of those that have
  // not yet completed a request and are waiting for one. Connections that
  // completed a request and sit idle between keep-alive requests are not
  // taken: they showed they speak HTTP, and their clients expect the
  // connection to last for idle_timeout. Guarded by mu_.
  Connection* FindEvictable(const std::string* peer);
  // Stops counting `connection` and queues it for SessionBase::Evict().
  void EvictLocked(Connection& connection, std::vector<std::shared_ptr<SessionBase>>& evicted);
  void UncountLocked(Connection& connection);

  const HttpServerOptions options_;
  const HttpHandler handler_;
  std::atomic<bool> stopping_{false};  // written under mu_

  std::mutex mu_;
  std::condition_variable drained_;
  size_t serving_ = 0;          // guarded by mu_: kServe, not evicted
  size_t unauthenticated_ = 0;  // guarded by mu_: of serving_, not authenticated
  size_t rejecting_ = 0;        // guarded by mu_
  size_t evicting_ = 0;         // guarded by mu_: evicted, not yet released
  std::unordered_map<std::string, size_t> unauthenticated_by_peer_;  // guarded by mu_
  uint64_t next_id_ = 0;                                             // guarded by mu_
  std::unordered_map<uint64_t, Connection> connections_;             // guarded by mu_
  std::unique_ptr<boost::asio::ssl::context> tls_;
};

}  // namespace patron::http_internal

#endif  // PATRON_SRC_HTTP_SERVER_STATE_H_

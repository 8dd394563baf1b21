// The simulated network between terminals and the sync server. Every request
// and reply travels through the JSON codec (as on the wire) and may be
// dropped, duplicated, delayed and delivered late (so out of order), as a
// seeded SimRandom decides. The transport is synchronous, like the HTTP one:
// a terminal whose request or reply is lost sees Unavailable, exactly what a
// timeout looks like to patrond.
#ifndef PATRON_TESTS_SIM_SIM_NETWORK_H_
#define PATRON_TESTS_SIM_SIM_NETWORK_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>

#include "patron/sync/protocol.h"
#include "patron/sync_server/sync_service.h"
#include "patron/terminal/sync_client.h"
#include "sim_random.h"

namespace patron::sim {

// The server side of the network: the world forwards to the live
// SyncService, or answers Unavailable while the server is down.
class ServerEndpoint {
 public:
  virtual ~ServerEndpoint() = default;
  virtual Result<sync::PushResponse> Push(const sync::Caller& caller,
                                          const sync::PushRequest& request) = 0;
  virtual Result<sync::PullResponse> Pull(const sync::Caller& caller,
                                          const sync::PullRequest& request) = 0;
  virtual Result<sync::GrantResponse> Grant(const sync::Caller& caller,
                                            const sync::GrantRequest& request) = 0;
  virtual Result<sync::ReturnClaimResponse> ClaimReturn(const sync::Caller& caller,
                                                        const sync::ReturnClaimRequest& request) = 0;
  virtual Result<Voucher> ClaimVoucher(const sync::Caller& caller,
                                       const sync::VoucherClaimRequest& request) = 0;
  virtual Result<sync::StockClaimResponse> ClaimStock(const sync::Caller& caller,
                                                      const sync::StockClaimRequest& request) = 0;
};

// Probabilities per request, each drawn independently.
struct NetworkFaults {
  double drop_request = 0.04;  // never reaches the server now...
  double delay_dropped = 0.5;  // ...but of those, this share arrives later
  double duplicate = 0.03;     // the server receives it twice (now, or later)
  double drop_reply = 0.04;    // the server acted; the terminal never hears
};

struct NetworkStats {
  int64_t requests = 0;
  int64_t refused_partitioned = 0;
  int64_t requests_dropped = 0;
  int64_t requests_delayed = 0;
  int64_t duplicated = 0;
  int64_t replies_dropped = 0;
  int64_t late_deliveries = 0;
};

class SimNetwork {
 public:
  SimNetwork(ServerEndpoint& server, SimRandom& random, NetworkFaults faults);

  // The transport of one terminal. `partitioned` is read at every request:
  // while true, nothing gets through either way.
  std::unique_ptr<terminal::SyncTransport> TransportFor(sync::Caller caller,
                                                        const bool* partitioned);

  // Delivers up to `n` delayed requests, picked at random (so reordered);
  // their replies go nowhere (the sender gave up long ago).
  void DeliverLate(int n);
  size_t in_flight() const { return delayed_.size(); }

  // Turns faults off (healing) or back on.
  void set_faults_enabled(bool enabled) { enabled_ = enabled; }
  const NetworkStats& stats() const { return stats_; }

 private:
  class Transport;

  // A request in flight, to be handed to the server later.
  using Delivery = std::function<void(ServerEndpoint&)>;

  // Carries one request: `deliver` calls the server with the decoded wire
  // request. Returns the server's reply, or Unavailable if lost.
  template <typename Reply>
  Result<Reply> Carry(bool partitioned, const std::function<Result<Reply>()>& deliver,
                      const Delivery& later);

  ServerEndpoint& server_;
  SimRandom& random_;
  NetworkFaults faults_;
  bool enabled_ = true;
  std::deque<Delivery> delayed_;
  NetworkStats stats_;
};

}  // namespace patron::sim

#endif  // PATRON_TESTS_SIM_SIM_NETWORK_H_

#include "sim_network.h"

#include "patron/sync/codec.h"

namespace patron::sim {

class SimNetwork::Transport final : public terminal::SyncTransport {
 public:
  Transport(SimNetwork& network, sync::Caller caller, const bool* partitioned)
      : network_(network), caller_(std::move(caller)), partitioned_(partitioned) {}

  Result<sync::PushResponse> Push(const sync::PushRequest& request) override {
    PATRON_ASSIGN_OR_RETURN(sync::PushRequest wire,
                            sync::DecodePushRequest(sync::EncodePushRequest(request)));
    auto deliver = [this, wire]() -> Result<sync::PushResponse> {
      PATRON_ASSIGN_OR_RETURN(sync::PushResponse reply, network_.server_.Push(caller_, wire));
      return sync::DecodePushResponse(sync::EncodePushResponse(reply));
    };
    return network_.Carry<sync::PushResponse>(
        *partitioned_, deliver,
        [caller = caller_, wire](ServerEndpoint& server) { (void)server.Push(caller, wire); });
  }

  Result<sync::PullResponse> Pull(const sync::PullRequest& request) override {
    PATRON_ASSIGN_OR_RETURN(sync::PullRequest wire,
                            sync::DecodePullRequest(sync::EncodePullRequest(request)));
    auto deliver = [this, wire]() -> Result<sync::PullResponse> {
      PATRON_ASSIGN_OR_RETURN(sync::PullResponse reply, network_.server_.Pull(caller_, wire));
      return sync::DecodePullResponse(sync::EncodePullResponse(reply));
    };
    return network_.Carry<sync::PullResponse>(
        *partitioned_, deliver,
        [caller = caller_, wire](ServerEndpoint& server) { (void)server.Pull(caller, wire); });
  }

  Result<sync::GrantResponse> Grant(const sync::GrantRequest& request) override {
    PATRON_ASSIGN_OR_RETURN(sync::GrantRequest wire,
                            sync::DecodeGrantRequest(sync::EncodeGrantRequest(request)));
    auto deliver = [this, wire]() -> Result<sync::GrantResponse> {
      PATRON_ASSIGN_OR_RETURN(sync::GrantResponse reply, network_.server_.Grant(caller_, wire));
      return sync::DecodeGrantResponse(sync::EncodeGrantResponse(reply));
    };
    return network_.Carry<sync::GrantResponse>(
        *partitioned_, deliver,
        [caller = caller_, wire](ServerEndpoint& server) { (void)server.Grant(caller, wire); });
  }

 private:
  SimNetwork& network_;
  sync::Caller caller_;
  const bool* partitioned_;
};

SimNetwork::SimNetwork(ServerEndpoint& server, SimRandom& random, NetworkFaults faults)
    : server_(server), random_(random), faults_(faults) {}

std::unique_ptr<terminal::SyncTransport> SimNetwork::TransportFor(sync::Caller caller,
                                                                  const bool* partitioned) {
  return std::make_unique<Transport>(*this, std::move(caller), partitioned);
}

template <typename Reply>
Result<Reply> SimNetwork::Carry(bool partitioned, const std::function<Result<Reply>()>& deliver,
                                const Delivery& later) {
  ++stats_.requests;
  if (partitioned) {
    ++stats_.refused_partitioned;
    return Status::Unavailable("partitioned from the sync server");
  }
  if (enabled_ && random_.Chance(faults_.drop_request)) {
    ++stats_.requests_dropped;
    if (random_.Chance(faults_.delay_dropped)) {
      ++stats_.requests_delayed;
      delayed_.push_back(later);
    }
    return Status::Unavailable("request lost (timed out)");
  }
  Result<Reply> reply = deliver();
  if (enabled_ && random_.Chance(faults_.duplicate)) {
    ++stats_.duplicated;
    if (random_.Chance(0.5)) {
      later(server_);  // a retransmission right behind the original
    } else {
      delayed_.push_back(later);  // a copy stuck in a queue, arriving later
    }
  }
  if (!reply.ok()) return reply;
  if (enabled_ && random_.Chance(faults_.drop_reply)) {
    ++stats_.replies_dropped;
    return Status::Unavailable("reply lost (timed out after the server acted)");
  }
  return reply;
}

void SimNetwork::DeliverLate(int n) {
  for (int i = 0; i < n && !delayed_.empty(); ++i) {
    const auto at = delayed_.begin() + random_.Below(static_cast<int64_t>(delayed_.size()));
    Delivery delivery = std::move(*at);
    delayed_.erase(at);
    ++stats_.late_deliveries;
    delivery(server_);
  }
}

}  // namespace patron::sim

#include "sim_network.h"

#include "patron/sync/codec.h"

namespace patron::sim {

// Sends every message through the JSON codec both ways, as the wire would.
class SimNetwork::Transport final : public terminal::SyncTransport {
 public:
  Transport(SimNetwork& network, sync::Caller caller, const bool* partitioned)
      : network_(network), caller_(std::move(caller)), partitioned_(partitioned) {}

  Result<sync::PushResponse> Push(const sync::PushRequest& request) override {
    return Send(request, sync::EncodePushRequest, sync::DecodePushRequest,
                sync::EncodePushResponse, sync::DecodePushResponse, &ServerEndpoint::Push);
  }
  Result<sync::PullResponse> Pull(const sync::PullRequest& request) override {
    return Send(request, sync::EncodePullRequest, sync::DecodePullRequest,
                sync::EncodePullResponse, sync::DecodePullResponse, &ServerEndpoint::Pull);
  }
  Result<sync::GrantResponse> Grant(const sync::GrantRequest& request) override {
    return Send(request, sync::EncodeGrantRequest, sync::DecodeGrantRequest,
                sync::EncodeGrantResponse, sync::DecodeGrantResponse, &ServerEndpoint::Grant);
  }
  Result<sync::ReturnClaimResponse> ClaimReturn(const sync::ReturnClaimRequest& request) override {
    return Send(request, sync::EncodeReturnClaimRequest, sync::DecodeReturnClaimRequest,
                sync::EncodeReturnClaimResponse, sync::DecodeReturnClaimResponse,
                &ServerEndpoint::ClaimReturn);
  }
  Result<Voucher> ClaimVoucher(const sync::VoucherClaimRequest& request) override {
    return Send(request, sync::EncodeVoucherClaimRequest, sync::DecodeVoucherClaimRequest,
                sync::EncodeVoucher, sync::DecodeVoucher, &ServerEndpoint::ClaimVoucher);
  }
  Result<sync::StockClaimResponse> ClaimStock(const sync::StockClaimRequest& request) override {
    return Send(request, sync::EncodeStockClaimRequest, sync::DecodeStockClaimRequest,
                sync::EncodeStockClaimResponse, sync::DecodeStockClaimResponse,
                &ServerEndpoint::ClaimStock);
  }

 private:
  template <typename Request, typename Reply, typename EncodeRequest, typename DecodeRequest,
            typename EncodeReply, typename DecodeReply>
  Result<Reply> Send(const Request& request, EncodeRequest encode_request,
                     DecodeRequest decode_request, EncodeReply encode_reply,
                     DecodeReply decode_reply,
                     Result<Reply> (ServerEndpoint::*call)(const sync::Caller&, const Request&)) {
    PATRON_ASSIGN_OR_RETURN(Request wire, decode_request(encode_request(request)));
    auto deliver = [&]() -> Result<Reply> {
      PATRON_ASSIGN_OR_RETURN(Reply reply, (network_.server_.*call)(caller_, wire));
      return decode_reply(encode_reply(reply));
    };
    // A late copy is delivered with the caller and request captured by
    // value: the terminal may have restarted (and this transport gone) since.
    auto later = [caller = caller_, wire, call](ServerEndpoint& server) {
      (void)(server.*call)(caller, wire);
    };
    return network_.Carry<Reply>(*partitioned_, deliver, later);
  }

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

namespace {

// What the terminal's HTTP transport makes of a server error: a server that
// failed (HTTP 5xx: its disk, a bug) is just unreachable for this round.
Status AsSeenByTerminal(const Status& status) {
  switch (status.code()) {
    case StatusCode::kIOError:
    case StatusCode::kInternal:
    case StatusCode::kCorruption:
      return Status::Unavailable("the sync server failed (HTTP 500): " + status.message());
    default:
      return status;
  }
}

}  // namespace

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
  if (!reply.ok()) return AsSeenByTerminal(reply.status());
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

// A SyncTransport that calls a SyncService in the same process, through the
// JSON codec (so the wire form is exercised too), with switches to simulate
// an unreachable server and a reply lost after the server committed.
#ifndef PATRON_TESTS_SYNC_IN_PROCESS_TRANSPORT_H_
#define PATRON_TESTS_SYNC_IN_PROCESS_TRANSPORT_H_

#include <functional>
#include <string>

#include "patron/sync/codec.h"
#include "patron/sync_server/sync_service.h"
#include "patron/terminal/sync_client.h"

namespace patron::testing {

class InProcessTransport : public terminal::SyncTransport {
 public:
  InProcessTransport(sync::SyncService& service, sync::Caller caller)
      : service_(service), caller_(std::move(caller)) {}

  bool offline = false;
  // The next push is applied by the server but its reply never arrives.
  bool lose_next_push_reply = false;
  // The same for the next return claim.
  bool lose_next_claim_reply = false;
  // Edits each pull reply's body on its way (a head office from the future).
  std::function<void(std::string&)> rewrite_pull_reply;

  Result<sync::PushResponse> Push(const sync::PushRequest& request) override {
    if (offline) return Unreachable();
    PATRON_ASSIGN_OR_RETURN(sync::PushRequest wire,
                            sync::DecodePushRequest(sync::EncodePushRequest(request)));
    PATRON_ASSIGN_OR_RETURN(sync::PushResponse response, service_.Push(caller_, wire));
    if (lose_next_push_reply) {
      lose_next_push_reply = false;
      return Status::Unavailable("connection reset after the server committed");
    }
    return sync::DecodePushResponse(sync::EncodePushResponse(response));
  }

  Result<sync::PullResponse> Pull(const sync::PullRequest& request) override {
    if (offline) return Unreachable();
    PATRON_ASSIGN_OR_RETURN(sync::PullRequest wire,
                            sync::DecodePullRequest(sync::EncodePullRequest(request)));
    PATRON_ASSIGN_OR_RETURN(sync::PullResponse response, service_.Pull(caller_, wire));
    std::string body = sync::EncodePullResponse(response);
    if (rewrite_pull_reply) rewrite_pull_reply(body);
    return sync::DecodePullResponse(body);
  }

  Result<sync::GrantResponse> Grant(const sync::GrantRequest& request) override {
    if (offline) return Unreachable();
    PATRON_ASSIGN_OR_RETURN(sync::GrantRequest wire,
                            sync::DecodeGrantRequest(sync::EncodeGrantRequest(request)));
    PATRON_ASSIGN_OR_RETURN(sync::GrantResponse response, service_.Grant(caller_, wire));
    return sync::DecodeGrantResponse(sync::EncodeGrantResponse(response));
  }

  Result<sync::ReturnClaimResponse> ClaimReturn(const sync::ReturnClaimRequest& request) override {
    if (offline) return Unreachable();
    PATRON_ASSIGN_OR_RETURN(
        sync::ReturnClaimRequest wire,
        sync::DecodeReturnClaimRequest(sync::EncodeReturnClaimRequest(request)));
    PATRON_ASSIGN_OR_RETURN(sync::ReturnClaimResponse response,
                            service_.ClaimReturn(caller_, wire));
    if (lose_next_claim_reply) {
      lose_next_claim_reply = false;
      return Status::Unavailable("connection reset after the server committed");
    }
    return sync::DecodeReturnClaimResponse(sync::EncodeReturnClaimResponse(response));
  }

  Result<Voucher> ClaimVoucher(const sync::VoucherClaimRequest& request) override {
    if (offline) return Unreachable();
    PATRON_ASSIGN_OR_RETURN(
        sync::VoucherClaimRequest wire,
        sync::DecodeVoucherClaimRequest(sync::EncodeVoucherClaimRequest(request)));
    PATRON_ASSIGN_OR_RETURN(Voucher voucher, service_.ClaimVoucher(caller_, wire));
    return sync::DecodeVoucher(sync::EncodeVoucher(voucher));
  }

  Result<sync::StockClaimResponse> ClaimStock(const sync::StockClaimRequest& request) override {
    if (offline) return Unreachable();
    PATRON_ASSIGN_OR_RETURN(sync::StockClaimRequest wire,
                            sync::DecodeStockClaimRequest(sync::EncodeStockClaimRequest(request)));
    PATRON_ASSIGN_OR_RETURN(sync::StockClaimResponse granted, service_.ClaimStock(caller_, wire));
    return sync::DecodeStockClaimResponse(sync::EncodeStockClaimResponse(granted));
  }

  Result<sync::SnapshotInfo> Snapshot(const sync::SnapshotRequest& request) override {
    if (offline) return Unreachable();
    PATRON_ASSIGN_OR_RETURN(sync::SnapshotRequest wire,
                            sync::DecodeSnapshotRequest(sync::EncodeSnapshotRequest(request)));
    PATRON_ASSIGN_OR_RETURN(sync::SnapshotInfo info, service_.Snapshot(caller_, wire));
    return sync::DecodeSnapshotInfo(sync::EncodeSnapshotInfo(info));
  }

  Result<std::string> SnapshotChunk(int64_t seq, int64_t offset) override {
    if (offline) return Unreachable();
    ++snapshot_chunks;
    if (before_chunk) before_chunk();
    Result<std::string> chunk = service_.SnapshotChunk(caller_, seq, offset);
    if (chunk.ok() && corrupt_chunks && !chunk->empty()) (*chunk)[chunk->size() / 2] ^= 0x55;
    return chunk;
  }

  int snapshot_chunks = 0;  // chunk requests answered or refused
  std::function<void()> before_chunk;  // runs before each chunk is served
  bool corrupt_chunks = false;  // flips a byte in each chunk, as a bad link might

 private:
  static Status Unreachable() { return Status::Unavailable("sync server unreachable"); }

  sync::SyncService& service_;
  sync::Caller caller_;
};

}  // namespace patron::testing

#endif  // PATRON_TESTS_SYNC_IN_PROCESS_TRANSPORT_H_

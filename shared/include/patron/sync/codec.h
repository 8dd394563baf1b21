// JSON wire form of the sync protocol. Decoders never throw; they refuse
// malformed or mistyped input with InvalidArgument naming the field.
#ifndef PATRON_SYNC_CODEC_H_
#define PATRON_SYNC_CODEC_H_

#include <string>
#include <string_view>

#include "patron/status.h"
#include "patron/sync/protocol.h"

namespace patron::sync {

std::string EncodePushRequest(const PushRequest& request);
Result<PushRequest> DecodePushRequest(std::string_view body);
std::string EncodePushResponse(const PushResponse& response);
Result<PushResponse> DecodePushResponse(std::string_view body);

std::string EncodePullRequest(const PullRequest& request);
Result<PullRequest> DecodePullRequest(std::string_view body);
std::string EncodePullResponse(const PullResponse& response);
Result<PullResponse> DecodePullResponse(std::string_view body);

std::string EncodeGrantRequest(const GrantRequest& request);
Result<GrantRequest> DecodeGrantRequest(std::string_view body);
std::string EncodeGrantResponse(const GrantResponse& response);
Result<GrantResponse> DecodeGrantResponse(std::string_view body);

std::string EncodeSnapshotRequest(const SnapshotRequest& request);
Result<SnapshotRequest> DecodeSnapshotRequest(std::string_view body);
std::string EncodeSnapshotInfo(const SnapshotInfo& info);
Result<SnapshotInfo> DecodeSnapshotInfo(std::string_view body);

std::string EncodeReturnClaimRequest(const ReturnClaimRequest& request);
Result<ReturnClaimRequest> DecodeReturnClaimRequest(std::string_view body);
std::string EncodeReturnClaimResponse(const ReturnClaimResponse& response);
Result<ReturnClaimResponse> DecodeReturnClaimResponse(std::string_view body);

std::string EncodeVoucherClaimRequest(const VoucherClaimRequest& request);
Result<VoucherClaimRequest> DecodeVoucherClaimRequest(std::string_view body);
std::string EncodeStockClaimRequest(const StockClaimRequest& request);
Result<StockClaimRequest> DecodeStockClaimRequest(std::string_view body);
std::string EncodeStockClaimResponse(const StockClaimResponse& response);
Result<StockClaimResponse> DecodeStockClaimResponse(std::string_view body);
// The answer to a claim: the voucher.
std::string EncodeVoucher(const Voucher& voucher);
Result<Voucher> DecodeVoucher(std::string_view body);

// Bodies can be large (a bootstrap page, a backlog push): the sync endpoints
// accept up to this many bytes, and senders page below it.
inline constexpr size_t kMaxSyncBodyBytes = 32 * 1024 * 1024;

}  // namespace patron::sync

#endif  // PATRON_SYNC_CODEC_H_

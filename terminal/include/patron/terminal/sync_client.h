// SyncClient: the terminal's half of the sync protocol, with no sockets
// (DESIGN.md §5). It sequences the Terminal's sync transactions around a
// SyncTransport: the HTTP client in patrond, an in-process network in the
// simulation. Every step is idempotent, so a round cut short by a network
// fault resumes from where the database says it stopped.
#ifndef PATRON_TERMINAL_SYNC_CLIENT_H_
#define PATRON_TERMINAL_SYNC_CLIENT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "patron/status.h"
#include "patron/sync/protocol.h"
#include "patron/terminal/terminal.h"

namespace patron::terminal {

// Carries protocol messages to the sync server and back. Errors are
// Unavailable for transport failures; other codes are the server's answer
// (e.g. Conflict "cursor_reset", FailedPrecondition "chain_key_mismatch").
class SyncTransport {
 public:
  virtual ~SyncTransport() = default;
  virtual Result<sync::PushResponse> Push(const sync::PushRequest& request) = 0;
  virtual Result<sync::PullResponse> Pull(const sync::PullRequest& request) = 0;
  virtual Result<sync::GrantResponse> Grant(const sync::GrantRequest& request) = 0;
  // The server's member snapshot for a terminal that has never pulled, and
  // the bytes of its file from `offset` (a chunk; empty only at the end).
  // NotFound when the server has none, or no longer serves `seq`; a
  // transport without snapshots always says so.
  virtual Result<sync::SnapshotInfo> Snapshot(const sync::SnapshotRequest& request);
  virtual Result<std::string> SnapshotChunk(int64_t seq, int64_t offset);
  // A return of another terminal's sale, counted at head office
  // (SyncService::ClaimReturn). A transport without it is Unavailable: the
  // till records a pending return.
  virtual Result<sync::ReturnClaimResponse> ClaimReturn(const sync::ReturnClaimRequest& request);
  // A voucher this terminal does not hold, handed to it by head office
  // (SyncService::ClaimVoucher). A transport without it is Unavailable.
  virtual Result<Voucher> ClaimVoucher(const sync::VoucherClaimRequest& request);
  // A larger share of a reward's stock (SyncService::ClaimStock). A
  // transport without it is Unavailable.
  virtual Result<sync::StockClaimResponse> ClaimStock(const sync::StockClaimRequest& request);
};

struct SyncClientOptions {
  int push_batch = 2000;  // entries per push request
  // Member rows per pull page: the server's maximum. A new terminal's first
  // pull of a large chain takes fewer, larger transactions.
  int pull_page = 10'000;
  // Fetch the next pull page on another thread while this one is applied
  // (its cursor is where this page ends). The transport is then used from
  // that thread, one call at a time. Off for transports that must stay on
  // the caller's thread (the simulation's deterministic network).
  bool prefetch_pull = false;
  // A terminal that has never pulled starts from the server's member
  // snapshot when there is one, instead of paging through every member.
  bool use_snapshot = true;
  // ... unless it already holds more members than this (one re-bootstrapping
  // after the server's history changed): it then pulls page by page, 10,000
  // rows a transaction, instead of merging a whole snapshot into its rows in
  // one.
  int64_t max_members_for_snapshot = 10'000;
};

struct SyncReport {
  int64_t entries_acknowledged = 0;
  int64_t changes_acknowledged = 0;
  int64_t records_acknowledged = 0;
  int64_t records_refused = 0;  // final refusals (conflict, rejected): see the status
  int64_t entries_refused = 0;  // entries head office refused (final): see the status
  int64_t handed_back = 0;  // members whose rights went back to the server
  int64_t members_pulled = 0;
  int64_t grants_pulled = 0;
  // Claims of campaigns' budget shares made (Terminal::BudgetClaims), and
  // why the last one failed (head office unreachable or refusing): the
  // till goes on with the share it holds.
  int64_t budgets_claimed = 0;
  std::string budget_error;
  bool rules_updated = false;
  // Head office held this terminal's entries beyond its journal (a lost or
  // rolled-back database): the journal now goes on above them
  // (TerminalStatus::journal_restart). Worth telling the operator loudly.
  bool journal_restarted = false;
  bool reset = false;  // the server's history changed: re-pushed and re-pulled
  bool from_snapshot = false;  // members_pulled includes a member snapshot's rows
  // Why a snapshot the server offered was not taken (the pull then went page
  // by page): a corrupt download, rows the replica refused. Empty otherwise.
  std::string snapshot_error;
};

class SyncClient {
 public:
  // Both must outlive the client.
  SyncClient(Terminal& terminal, SyncTransport& transport, SyncClientOptions options = {});

  // One round: push everything pending; hand unused rights back to the
  // server and push those; pull until caught up.
  Result<SyncReport> SyncOnce();

  // Online redemption: asks the server to move `points` of the member's
  // rights here, and records the grant. `request_id` makes a retry safe.
  Status RequestGrant(std::string_view member_id, int64_t points, std::string_view request_id);
  // A return of another terminal's sale: head office's count of it.
  Result<sync::ReturnClaimResponse> ClaimReturn(const sync::ReturnClaimRequest& request);
  // A voucher head office hands to this terminal for a sale; the caller
  // takes it (Terminal::TakeClaimedVoucher).
  Result<Voucher> ClaimVoucher(const sync::VoucherClaimRequest& request);
  // A share of a reward's stock; the caller takes it (Terminal::TakeStockGrant).
  Result<sync::StockClaimResponse> ClaimStock(const sync::StockClaimRequest& request);

 private:
  Status PushAll(SyncReport& report);
  // Bootstrap, PullPages, then Terminal::EndPull however it ended.
  Status PullAll(SyncReport& report);
  // For a terminal that has never pulled and holds at most
  // max_members_for_snapshot members: downloads and adopts the server's member
  // snapshot, if it has one. Without one, or if it cannot be taken, nothing
  // changes and the pull goes page by page; only an unreachable server is an
  // error.
  Status Bootstrap(SyncReport& report);
  // Writes the snapshot's file to `path` and checks its digest; NotFound if
  // the server replaced it meanwhile, Corruption ("bad_snapshot") if the
  // bytes are not the ones described.
  Status Download(const sync::SnapshotInfo& info, const std::string& path);
  Status PullPages(SyncReport& report);
  // Claims the budget shares the terminal asks for, after the round's
  // pushes (its awards counted at head office first).
  Status TopUpBudgets(SyncReport& report);

  Terminal& terminal_;
  SyncTransport& transport_;
  SyncClientOptions options_;
};

}  // namespace patron::terminal

#endif  // PATRON_TERMINAL_SYNC_CLIENT_H_

// The sync server's storage, as interfaces by role: the services hold the
// protocol logic (merge, rights, paging) and ask the store only for plain
// reads and writes inside one transaction. Each role has its own interface
// and contract (tests/sync-server/store/contract/, one suite per role, run
// against every implementation):
//
//   SequenceTxn  sequence_store.h  change sequence, epoch, saved clock
//   JournalTxn   journal_store.h   ledger entries, member index, grants
//   MemberTxn    member_store.h    member rows, queued profile changes, fold watermark
//   TerminalTxn  terminal_store.h  registered terminals
//   RecordTxn    record_store.h    the up-channel's records, sales, refunds
//   ChannelTxn   channel_store.h   the down-channel's items, rules
//   ReportTxn    report_store.h    head office's reports
//   AnalyticsTxn analytics_store.h rollups the fold keeps for reports
//   SecurityTxn  security_store.h  what head office refused from tills
//   VoucherTxn   voucher_store.h   vouchers: who holds each, which were used
//   ExchangeTxn  exchange_store.h  points exchanges, tills' shares of stock
//   AccountTxn   account_store.h   head office's accounts, sessions, audit log
//   CaseTxn      case_store.h      feedback from tills, complaint cases
//
// StoreTxn is one transaction that has every role, because one request
// writes several atomically (a push: entries, records, items).
// SqliteServerStore is the embedded implementation; a PostgreSQL store
// implements the same interfaces and passes the same suites.
//
// Contract every implementation keeps:
//   - One write transaction at a time; sequence numbers (NextSeq) are handed
//     out inside it, so they are monotonic in commit order.
//   - A read transaction sees one consistent snapshot: every change with a
//     sequence number <= LastSeq() and nothing later.
//   - Nothing a transaction wrote is visible or durable before Commit()
//     returns OK; destroying an uncommitted transaction rolls it back.
//   - Write methods of a read transaction return FailedPrecondition.
#ifndef PATRON_SYNC_SERVER_SERVER_STORE_H_
#define PATRON_SYNC_SERVER_SERVER_STORE_H_

#include <memory>

#include "patron/status.h"
#include "patron/sync_server/account_store.h"
#include "patron/sync_server/analytics_store.h"
#include "patron/sync_server/case_store.h"
#include "patron/sync_server/channel_store.h"
#include "patron/sync_server/exchange_store.h"
#include "patron/sync_server/journal_store.h"
#include "patron/sync_server/member_store.h"
#include "patron/sync_server/record_store.h"
#include "patron/sync_server/report_store.h"
#include "patron/sync_server/security_store.h"
#include "patron/sync_server/sequence_store.h"
#include "patron/sync_server/terminal_store.h"
#include "patron/sync_server/voucher_store.h"

namespace patron::sync {

class StoreTxn : public SequenceTxn,
                 public JournalTxn,
                 public MemberTxn,
                 public TerminalTxn,
                 public RecordTxn,
                 public ChannelTxn,
                 public ReportTxn,
                 public AnalyticsTxn,
                 public SecurityTxn,
                 public VoucherTxn,
                 public ExchangeTxn,
                 public AccountTxn,
                 public CaseTxn {
 public:
  ~StoreTxn() override = default;
  // Makes the transaction's writes durable and visible (a read transaction:
  // ends it). Afterwards every method returns FailedPrecondition.
  virtual Status Commit() = 0;
};

class ServerStore {
 public:
  virtual ~ServerStore() = default;
  // A write transaction waits for the previous one to finish.
  virtual Result<std::unique_ptr<StoreTxn>> BeginWrite() = 0;
  virtual Result<std::unique_ptr<StoreTxn>> BeginRead() = 0;
};

}  // namespace patron::sync

#endif  // PATRON_SYNC_SERVER_SERVER_STORE_H_

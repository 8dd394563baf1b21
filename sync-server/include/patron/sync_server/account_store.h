// Head office's people (DESIGN.md §10 "Dashboard", §12 "audit log"): the
// accounts that log in to the dashboard and the report API, their sessions,
// and the audit log of every state-changing admin request. A role of the
// server's store (server_store.h).
//
// Secrets never reach the store in clear: an account keeps a password hash
// (service/password_hash.h), a session the SHA-256 of its bearer token.
//
// Contract every implementation keeps (tests/sync-server/store/contract/):
//   - PutAccount inserts the account or replaces the one of its username;
//     ListAccounts returns every account by username;
//   - PutSession inserts or replaces the session of its token hash;
//     DeleteSessionsOf removes every session of one username;
//     DeleteSessionsEndedBy removes those whose expires_ms <= now_ms or
//     whose last_seen_ms <= idle_before_ms;
//   - audit events are only appended; the store assigns ids ascending in
//     commit order; AuditEvents returns those with an id below `before`
//     (0: no bound), newest first, at most `limit`;
//   - write methods of a read transaction return FailedPrecondition.
#ifndef PATRON_SYNC_SERVER_ACCOUNT_STORE_H_
#define PATRON_SYNC_SERVER_ACCOUNT_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "patron/record/field.h"
#include "patron/status.h"

namespace patron::sync {

// What anyone allowed to list accounts may see of one.
struct AccountInfo {
  std::string username;
  std::string role;      // "admin", "marketer", "analyst" or "store_manager"
  std::string store_id;  // a store manager's store; "" for every other role
  bool disabled = false;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  friend bool operator==(const AccountInfo&, const AccountInfo&) = default;
};

// An account as stored: its info and its password hash.
struct Account : AccountInfo {
  std::string password_hash;  // password_hash.h's self-describing form
  friend bool operator==(const Account&, const Account&) = default;
};

// A logged-in session. Valid while now < expires_ms (absolute) and
// now - last_seen_ms < the idle timeout (head_office_accounts.h).
struct AccountSession {
  std::string token_sha256;  // lowercase hex SHA-256 of the bearer token
  std::string username;
  int64_t created_ms = 0;
  int64_t last_seen_ms = 0;
  int64_t expires_ms = 0;
  friend bool operator==(const AccountSession&, const AccountSession&) = default;
};

// One state-changing request to head office, or a login, as it ended.
struct AuditEvent {
  int64_t audit_id = 0;  // assigned by the store
  int64_t at_ms = 0;     // head office's clock
  std::string username;  // "admin-token" for the admin token; "" if unknown
  std::string role;      // "" when the request was refused before knowing one
  std::string method;
  std::string path;
  int64_t status = 0;  // the HTTP status answered
  std::string target;  // what it changed, when the request names it
  std::string peer;    // the client's address
  friend bool operator==(const AuditEvent&, const AuditEvent&) = default;
};

class AccountTxn {
 public:
  virtual ~AccountTxn() = default;

  virtual Result<std::optional<Account>> FindAccount(std::string_view username) = 0;
  // Write transactions only.
  virtual Status PutAccount(const Account& account) = 0;
  virtual Result<std::vector<Account>> ListAccounts() = 0;

  virtual Result<std::optional<AccountSession>> FindSession(std::string_view token_sha256) = 0;
  // Write transactions only.
  virtual Status PutSession(const AccountSession& session) = 0;
  virtual Status DeleteSession(std::string_view token_sha256) = 0;
  virtual Status DeleteSessionsOf(std::string_view username) = 0;
  virtual Status DeleteSessionsEndedBy(int64_t now_ms, int64_t idle_before_ms) = 0;

  // Write transactions only; event.audit_id is ignored. Returns the id.
  virtual Result<int64_t> AppendAudit(const AuditEvent& event) = 0;
  virtual Result<std::vector<AuditEvent>> AuditEvents(int64_t before, int limit) = 0;
};

}  // namespace patron::sync

namespace patron::record {

template <>
struct Schema<sync::AccountInfo> {
  static constexpr std::string_view kName = "account";
  static constexpr auto kFields = record::FieldList{
      Field<&sync::AccountInfo::username>{"username"},
      Field<&sync::AccountInfo::role>{"role"},
      Field<&sync::AccountInfo::store_id>{"store_id"},
      Field<&sync::AccountInfo::disabled>{"disabled"},
      Field<&sync::AccountInfo::created_ms>{"created_ms"},
      Field<&sync::AccountInfo::updated_ms>{"updated_ms"},
  };
};

// The stored account; never sent (GET /v1/admin/users sends AccountInfo).
template <>
struct Schema<sync::Account> {
  static constexpr std::string_view kName = "account";
  static constexpr auto kFields =
      record::Concat(Schema<sync::AccountInfo>::kFields,
                     record::FieldList{Field<&sync::Account::password_hash>{"password_hash"}});
};

template <>
struct Schema<sync::AccountSession> {
  static constexpr std::string_view kName = "account_session";
  static constexpr auto kFields = record::FieldList{
      Field<&sync::AccountSession::token_sha256>{"token_sha256"},
      Field<&sync::AccountSession::username>{"username"},
      Field<&sync::AccountSession::created_ms>{"created_ms"},
      Field<&sync::AccountSession::last_seen_ms>{"last_seen_ms"},
      Field<&sync::AccountSession::expires_ms>{"expires_ms"},
  };
};

template <>
struct Schema<sync::AuditEvent> {
  static constexpr std::string_view kName = "audit_event";
  static constexpr auto kFields = record::FieldList{
      Field<&sync::AuditEvent::audit_id>{"audit_id"}, Field<&sync::AuditEvent::at_ms>{"at_ms"},
      Field<&sync::AuditEvent::username>{"username"}, Field<&sync::AuditEvent::role>{"role"},
      Field<&sync::AuditEvent::method>{"method"},     Field<&sync::AuditEvent::path>{"path"},
      Field<&sync::AuditEvent::status>{"status"},     Field<&sync::AuditEvent::target>{"target"},
      Field<&sync::AuditEvent::peer>{"peer"},
  };
};

}  // namespace patron::record

#endif  // PATRON_SYNC_SERVER_ACCOUNT_STORE_H_

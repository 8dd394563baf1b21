// HeadOfficeAccounts: who may use head office's dashboard and report API
// (DESIGN.md §10), with no I/O of its own but the store's.
//
//   - Roles: admin (everything), marketer (reports, rule packs, segments,
//     vouchers, gifts), analyst (reports), store_manager (the reports of one
//     store). Which route admits which role is the HTTP layer's (access.h).
//   - Passwords are kept as PBKDF2-HMAC-SHA256 hashes with a per-account
//     salt (password_hash.h); at least kMinPasswordLength characters.
//   - A login opens a session: a 32-byte random bearer token, of which the
//     store keeps only the SHA-256. It ends at logout, after idle_ms without
//     a request, or session_ms after the login, whichever comes first; and
//     when its account is disabled or its password or role changes.
//   - A username is 1-64 of A-Z a-z 0-9 . _ @ -; "admin-token" is taken:
//     it names the admin token (config admin_token) in the audit log.
//   - Every refusal of a login says only "bad_credentials": an unknown
//     name, a disabled account and a wrong password look alike, and take as
//     long (an unknown name is checked against a dummy hash).
//
// Thread-safe: each call is one transaction of the store.
#ifndef PATRON_SYNC_SERVER_HEAD_OFFICE_ACCOUNTS_H_
#define PATRON_SYNC_SERVER_HEAD_OFFICE_ACCOUNTS_H_

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "patron/status.h"
#include "patron/sync_server/server_store.h"

namespace patron::sync {

inline constexpr std::string_view kRoleAdmin = "admin";
inline constexpr std::string_view kRoleMarketer = "marketer";
inline constexpr std::string_view kRoleAnalyst = "analyst";
inline constexpr std::string_view kRoleStoreManager = "store_manager";
inline constexpr size_t kMinPasswordLength = 8;

// True for the four roles above.
bool IsRole(std::string_view role);

struct AccountOptions {
  int64_t idle_ms = 30 * 60 * 1000;
  int64_t session_ms = 12 * 60 * 60 * 1000;
  // A session's last_seen_ms is written again only once it is this old, so
  // a page polling reports does not make a write of every read.
  int64_t touch_every_ms = 60 * 1000;
  int password_iterations = 600'000;  // password_hash.h; tests use fewer
};

// Who a request is from.
struct Principal {
  std::string username;
  std::string role;
  std::string store_id;  // a store manager's store
};

struct LoginResult {
  std::string token;  // the bearer token; only its hash is kept
  Principal who;
  int64_t expires_ms = 0;  // the absolute end (the idle timeout may come first)
};

// POST /v1/admin/users: creates an account or changes one. A new account
// needs a role and a password; for an existing one an empty field keeps its
// value. A store manager needs a store; other roles have none.
struct AccountChange {
  std::string username;
  std::string role;
  std::string store_id;
  std::string password;
  std::optional<bool> disabled;
};

class HeadOfficeAccounts {
 public:
  // Tokens and salts come from OpenSSL's RAND_bytes, never from an
  // injected source: two sessions must never share a token.
  HeadOfficeAccounts(ServerStore& store, AccountOptions options,
                     std::function<int64_t()> wall_clock_ms);

  // Unauthenticated "bad_credentials" for any wrong name, password or a
  // disabled account.
  Result<LoginResult> Login(std::string_view username, std::string_view password);
  // The principal of a live session. Unauthenticated "invalid_token" for a
  // token no session has (a guess), "session_expired" for one that ended.
  Result<Principal> SessionOf(std::string_view token);
  // Ends the session of `token` (no error if there is none).
  Status Logout(std::string_view token);

  // InvalidArgument "invalid_account" for a bad name, role, store or
  // password. Returns the account as it now is.
  Result<AccountInfo> SaveAccount(const AccountChange& change);
  Result<std::vector<AccountInfo>> Accounts();

  Status Audit(const AuditEvent& event);
  // Newest first: the events below `before` (0: from the newest), at most
  // `limit`.
  Result<std::vector<AuditEvent>> AuditLog(int64_t before, int limit);

  int64_t NowMs() const { return wall_clock_ms_(); }

 private:
  std::string NewToken();
  // The hash an unknown name is checked against, made at the first login
  // (not at construction: every SyncService has accounts, most never log in).
  const std::string& DummyHash();

  ServerStore& store_;
  const AccountOptions options_;
  std::function<int64_t()> wall_clock_ms_;
  std::once_flag dummy_once_;
  std::string dummy_hash_;  // set once, under dummy_once_
};

}  // namespace patron::sync

#endif  // PATRON_SYNC_SERVER_HEAD_OFFICE_ACCOUNTS_H_

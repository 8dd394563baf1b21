#include "patron/sync_server/head_office_accounts.h"

#include <openssl/rand.h>

#include <array>
#include <cstdlib>
#include <utility>

#include "patron/digest.h"
#include "service/password_hash.h"

namespace patron::sync {
namespace {

constexpr std::string_view kAdminTokenUser = "admin-token";

template <size_t N>
std::array<uint8_t, N> RandomBytes() {
  std::array<uint8_t, N> bytes{};
  // Without randomness no token or salt is safe to hand out.
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) std::abort();
  return bytes;
}

bool IsNameChar(char c, bool allow_at) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-' || (allow_at && c == '@');
}

bool IsName(std::string_view text, bool allow_at) {
  if (text.empty() || text.size() > 64) return false;
  for (char c : text) {
    if (!IsNameChar(c, allow_at)) return false;
  }
  return true;
}

Status Invalid(std::string message) {
  return Status::InvalidArgument(std::move(message), "invalid_account");
}

Status BadCredentials() {
  return Status::Unauthenticated("wrong username or password", "bad_credentials");
}

}  // namespace

bool IsRole(std::string_view role) {
  return role == kRoleAdmin || role == kRoleMarketer || role == kRoleAnalyst ||
         role == kRoleStoreManager;
}

HeadOfficeAccounts::HeadOfficeAccounts(ServerStore& store, AccountOptions options,
                                       std::function<int64_t()> wall_clock_ms)
    : store_(store), options_(options), wall_clock_ms_(std::move(wall_clock_ms)) {}

const std::string& HeadOfficeAccounts::DummyHash() {
  std::call_once(dummy_once_, [this] {
    dummy_hash_ = HashPassword("no such account", RandomBytes<kPasswordSaltBytes>(),
                               options_.password_iterations);
  });
  return dummy_hash_;
}

std::string HeadOfficeAccounts::NewToken() {
  const std::array<uint8_t, 32> bytes = RandomBytes<32>();
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token;
  for (uint8_t b : bytes) {
    token.push_back(kHex[b >> 4]);
    token.push_back(kHex[b & 0xf]);
  }
  return token;
}

Result<LoginResult> HeadOfficeAccounts::Login(std::string_view username,
                                              std::string_view password) {
  std::optional<Account> account;
  {
    PATRON_ASSIGN_OR_RETURN(auto txn, store_.BeginRead());
    if (IsName(username, true)) {
      PATRON_ASSIGN_OR_RETURN(account, txn->FindAccount(username));
    }
    PATRON_RETURN_IF_ERROR(txn->Commit());
  }
  // The hash is checked outside any transaction (it takes a while), and
  // against a dummy for an unknown name, so timing tells nothing.
  const bool matches = VerifyPassword(password, account ? account->password_hash : DummyHash());
  if (!account || account->disabled || !matches) return BadCredentials();

  const int64_t now = wall_clock_ms_();
  LoginResult result;
  result.token = NewToken();
  result.who = {account->username, account->role, account->store_id};
  result.expires_ms = now + options_.session_ms;
  PATRON_ASSIGN_OR_RETURN(auto txn, store_.BeginWrite());
  // Sessions that ended are dropped here, so the table holds live ones.
  PATRON_RETURN_IF_ERROR(txn->DeleteSessionsEndedBy(now, now - options_.idle_ms));
  PATRON_RETURN_IF_ERROR(
      txn->PutSession({Sha256Hex(result.token), account->username, now, now, result.expires_ms}));
  PATRON_RETURN_IF_ERROR(txn->Commit());
  return result;
}

Result<Principal> HeadOfficeAccounts::SessionOf(std::string_view token) {
  const std::string hash = Sha256Hex(token);
  const int64_t now = wall_clock_ms_();
  std::optional<AccountSession> session;
  std::optional<Account> account;
  {
    PATRON_ASSIGN_OR_RETURN(auto txn, store_.BeginRead());
    PATRON_ASSIGN_OR_RETURN(session, txn->FindSession(hash));
    if (session) {
      PATRON_ASSIGN_OR_RETURN(account, txn->FindAccount(session->username));
    }
    PATRON_RETURN_IF_ERROR(txn->Commit());
  }
  if (!session) return Status::Unauthenticated("no such session", "invalid_token");
  if (now >= session->expires_ms || now - session->last_seen_ms >= options_.idle_ms || !account ||
      account->disabled) {
    return Status::Unauthenticated("the session has ended: log in again", "session_expired");
  }
  if (now - session->last_seen_ms >= options_.touch_every_ms) {
    PATRON_ASSIGN_OR_RETURN(auto txn, store_.BeginWrite());
    PATRON_ASSIGN_OR_RETURN(std::optional<AccountSession> current, txn->FindSession(hash));
    if (current) {  // not logged out meanwhile
      current->last_seen_ms = now;
      PATRON_RETURN_IF_ERROR(txn->PutSession(*current));
    }
    PATRON_RETURN_IF_ERROR(txn->Commit());
  }
  return Principal{account->username, account->role, account->store_id};
}

Status HeadOfficeAccounts::Logout(std::string_view token) {
  PATRON_ASSIGN_OR_RETURN(auto txn, store_.BeginWrite());
  PATRON_RETURN_IF_ERROR(txn->DeleteSession(Sha256Hex(token)));
  return txn->Commit();
}

Result<AccountInfo> HeadOfficeAccounts::SaveAccount(const AccountChange& change) {
  if (!IsName(change.username, true) || change.username == kAdminTokenUser) {
    return Invalid("username: 1-64 of A-Z a-z 0-9 . _ @ - (not \"admin-token\")");
  }
  if (!change.role.empty() && !IsRole(change.role)) {
    return Invalid("role: admin, marketer, analyst or store_manager");
  }
  if (!change.password.empty() && change.password.size() < kMinPasswordLength) {
    return Invalid("password: at least " + std::to_string(kMinPasswordLength) + " characters");
  }
  // Hashed before the write transaction: it takes a while.
  std::string new_hash;
  if (!change.password.empty()) {
    new_hash = HashPassword(change.password, RandomBytes<kPasswordSaltBytes>(),
                            options_.password_iterations);
  }
  const int64_t now = wall_clock_ms_();
  PATRON_ASSIGN_OR_RETURN(auto txn, store_.BeginWrite());
  PATRON_ASSIGN_OR_RETURN(std::optional<Account> existing, txn->FindAccount(change.username));
  Account account;
  if (existing) {
    account = *existing;
  } else {
    if (change.role.empty() || new_hash.empty()) {
      return Invalid("a new account needs a role and a password");
    }
    account.username = change.username;
    account.created_ms = now;
  }
  const bool role_changed = !change.role.empty() && change.role != account.role;
  if (!change.role.empty()) account.role = change.role;
  // The store goes with the role: set for a store manager, none otherwise.
  if (account.role == kRoleStoreManager) {
    if (!change.store_id.empty()) account.store_id = change.store_id;
    if (!IsName(account.store_id, false)) {
      return Invalid("a store manager needs store_id (1-64 of A-Z a-z 0-9 . _ -)");
    }
  } else if (!change.store_id.empty()) {
    return Invalid("only a store manager has a store_id");
  } else {
    account.store_id.clear();
  }
  const bool store_changed = existing && account.store_id != existing->store_id;
  if (change.disabled) account.disabled = *change.disabled;
  if (!new_hash.empty()) account.password_hash = new_hash;
  account.updated_ms = now;
  PATRON_RETURN_IF_ERROR(txn->PutAccount(account));
  // Whoever held a session of this account must log in again as it now is.
  if (existing && (account.disabled || !new_hash.empty() || role_changed || store_changed)) {
    PATRON_RETURN_IF_ERROR(txn->DeleteSessionsOf(account.username));
  }
  PATRON_RETURN_IF_ERROR(txn->Commit());
  return static_cast<AccountInfo>(account);
}

Result<std::vector<AccountInfo>> HeadOfficeAccounts::Accounts() {
  PATRON_ASSIGN_OR_RETURN(auto txn, store_.BeginRead());
  PATRON_ASSIGN_OR_RETURN(std::vector<Account> accounts, txn->ListAccounts());
  PATRON_RETURN_IF_ERROR(txn->Commit());
  return std::vector<AccountInfo>(accounts.begin(), accounts.end());
}

Status HeadOfficeAccounts::Audit(const AuditEvent& event) {
  PATRON_ASSIGN_OR_RETURN(auto txn, store_.BeginWrite());
  PATRON_RETURN_IF_ERROR(txn->AppendAudit(event).status());
  return txn->Commit();
}

Result<std::vector<AuditEvent>> HeadOfficeAccounts::AuditLog(int64_t before, int limit) {
  PATRON_ASSIGN_OR_RETURN(auto txn, store_.BeginRead());
  PATRON_ASSIGN_OR_RETURN(std::vector<AuditEvent> events, txn->AuditEvents(before, limit));
  PATRON_RETURN_IF_ERROR(txn->Commit());
  return events;
}

}  // namespace patron::sync

#include "bench_members.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <numeric>
#include <string_view>
#include <vector>

#include "patron/hlc.h"
#include "patron/member_id.h"
#include "patron/sql/database.h"
#include "patron/sql/statement.h"
#include "patron/sql/transaction.h"

namespace patron::bench {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Every column of the members table, as MemberStore writes them.
constexpr std::string_view kInsertMember =
    "INSERT INTO members(member_id, phone, card, status, enrolled_store, enrolled_ms, "
    "name, name_hlc, name_origin, birthday, birthday_hlc, birthday_origin, "
    "email, email_hlc, email_origin, gender, gender_hlc, gender_origin, "
    "sms_consent, sms_consent_hlc, sms_consent_origin, "
    "email_consent, email_consent_hlc, email_consent_origin, "
    "server_version, server_balance, server_spend_minor) "
    "VALUES (?,?,?,?,?,?, ?,?,?, ?,?,?, ?,?,?, ?,?,?, ?,?,?, ?,?,?, ?,?,?)";

uintmax_t SizeIfExists(const std::filesystem::path& path) {
  std::error_code ec;
  const uintmax_t size = std::filesystem::file_size(path, ec);
  return ec ? 0 : size;
}

}  // namespace

std::string E164Phone(int64_t i) { return "+1415" + std::to_string(2'000'000 + i); }

std::string TypedPhone(int64_t i) {
  const std::string local = std::to_string(2'000'000 + i);
  return "(415) " + local.substr(0, 3) + "-" + local.substr(3);
}

uintmax_t DatabaseBytes(const std::filesystem::path& path) {
  return SizeIfExists(path) + SizeIfExists(path.string() + "-wal");
}

// Rows like those Enrol writes for a phone and a name, except that every
// register is stamped with the enrolment's HLC and this terminal as origin
// (Enrol leaves the registers it was not given at the zero stamp), the
// optional fields NULL, consents false: a few bytes more per member, so the
// database size reported is a slight overestimate. Members go in in random phone order, as enrolments over the
// years would, so the B-trees end up with realistically split pages. The
// profile_outbox rows that Enrol also queues are left out: they only wait for
// the next push, and no look-up reads them.
Result<LoadFigures> LoadMembers(const terminal::TerminalOptions& options, int64_t n,
                                std::mt19937_64& rng) {
  {
    // Terminal::Open creates the schema, the state row and the rules.
    PATRON_ASSIGN_OR_RETURN(std::unique_ptr<terminal::Terminal> till,
                            terminal::Terminal::Open(options));
  }
  sql::DatabaseOptions db_options;
  // One transaction dirties every page; a cache that holds them all keeps
  // SQLite from spilling pages to the WAL over and over.
  db_options.cache_size_kib = 1 << 20;
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<sql::Database> db,
                          sql::Database::Open(options.db_path, db_options));
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), int64_t{0});
  std::shuffle(order.begin(), order.end(), rng);

  const std::string& origin = options.terminal_id;
  const int64_t first_ms = SystemWallClockMs() - n;  // one enrolment per ms
  LoadFigures figures;
  const auto start = Clock::now();
  {
    sql::Transaction txn(*db);
    PATRON_RETURN_IF_ERROR(txn.Begin());
    PATRON_ASSIGN_OR_RETURN(sql::Statement s, db->GetUniqueStatement(kInsertMember));
    for (int64_t k = 0; k < n; ++k) {
      const int64_t i = order[static_cast<size_t>(k)];
      const std::string phone = E164Phone(i);
      const int64_t ms = first_ms + k;
      const int64_t hlc = HlcTimestamp::FromParts(ms, 0).Packed();
      s.BindText(0, DeriveMemberId(options.chain_key, phone).ToString());
      s.BindText(1, phone);
      s.BindNull(2);
      s.BindText(3, "active");
      s.BindText(4, options.store_id);
      s.BindInt64(5, ms);
      auto stamp = [&](int first) {  // a register's HLC and origin follow its value
        s.BindInt64(first + 1, hlc);
        s.BindText(first + 2, origin);
      };
      s.BindText(6, "Member " + std::to_string(i));
      stamp(6);
      for (int first : {9, 12, 15}) {  // birthday, email, gender
        s.BindNull(first);
        stamp(first);
      }
      for (int first : {18, 21}) {  // sms_consent, email_consent
        s.BindBool(first, false);
        stamp(first);
      }
      s.BindInt64(24, 0);
      s.BindInt64(25, 0);
      s.BindInt64(26, 0);
      PATRON_RETURN_IF_ERROR(s.Run().WithContext("insert member " + std::to_string(i)));
      s.Reset(/*clear_bindings=*/false);
    }
    PATRON_RETURN_IF_ERROR(txn.Commit());
  }
  figures.load_s = SecondsSince(start);
  const auto checkpoint_start = Clock::now();
  PATRON_ASSIGN_OR_RETURN(int64_t busy, db->QueryInt64("PRAGMA wal_checkpoint(TRUNCATE)"));
  if (busy != 0) return Status::Unavailable("wal_checkpoint(TRUNCATE) could not finish");
  figures.checkpoint_s = SecondsSince(checkpoint_start);
  figures.bytes = DatabaseBytes(options.db_path);
  return figures;
}

}  // namespace patron::bench

// A terminal over a temporary database with a controllable clock, plus a
// second SQLite connection for inspecting (and, to simulate a sync, editing)
// what the engine wrote.
#ifndef PATRON_TESTS_TERMINAL_TERMINAL_FIXTURE_H_
#define PATRON_TESTS_TERMINAL_TERMINAL_FIXTURE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "patron/sql/database.h"
#include "patron/terminal/terminal.h"
#include "support/temp_dir.h"

namespace patron::terminal {

class TerminalFixture {
 public:
  // 2026-06-01T12:00:00Z: a fixed, realistic "now".
  static constexpr int64_t kStartMs = 1'780'315'200'000;

  TerminalFixture();
  // For upgrade tests: `prepare` writes the database file (an older schema
  // and its rows, as an older Patron left it) before the terminal opens it.
  explicit TerminalFixture(const std::function<void(sql::Database&)>& prepare);

  Terminal& till() { return *terminal_; }
  sql::Database& db() { return *inspect_; }
  TerminalOptions options() const;
  // Closes and reopens the terminal (a restart), keeping the clock.
  void Reopen();

  void AdvanceMs(int64_t ms) { now_ms_ += ms; }
  void SetNowMs(int64_t ms) { now_ms_ = ms; }
  int64_t now_ms() const { return now_ms_; }

  // Enrols a member by phone (UK numbers; default country 44); fails the test on error.
  Member Enrol(const std::string& phone, const std::string& name = "Test Member");
  // Checks out; returns the engine's result (ok or not).
  Result<SaleResult> Sell(const std::string& sale_ref, const std::string& member_id,
                          int64_t amount_minor, int64_t redeem_points = 0);
  // Fetches the member; fails the test if missing.
  Member Get(const std::string& member_id);

  // Simulates a pull from the server: the member row now reflects the server's
  // figures at `version`.
  void SetServerView(const std::string& member_id, int64_t version, int64_t balance,
                     int64_t spend_minor);

  // Row counts, to prove a refused request wrote nothing.
  int64_t Count(const std::string& table);
  // A digest of every table's content.
  std::string Snapshot();

 private:
  testing::TempDir dir_;
  int64_t now_ms_ = kStartMs;
  uint64_t random_state_ = 42;
  std::unique_ptr<Terminal> terminal_;
  std::unique_ptr<sql::Database> inspect_;
};

}  // namespace patron::terminal

#endif  // PATRON_TESTS_TERMINAL_TERMINAL_FIXTURE_H_

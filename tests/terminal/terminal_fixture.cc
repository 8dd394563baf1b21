#include "terminal_fixture.h"

#include <doctest/doctest.h>

#include "patron/digest.h"

namespace patron::terminal {

TerminalFixture::TerminalFixture() : TerminalFixture(nullptr) {}

TerminalFixture::TerminalFixture(const std::function<void(sql::Database&)>& prepare) {
  if (prepare) {
    auto db = sql::Database::Open(dir_.File("terminal.db"));
    REQUIRE_MESSAGE(db.ok(), db.status().ToString());
    prepare(**db);
  }
  auto opened = Terminal::Open(options());
  REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
  terminal_ = std::move(opened).value();
  inspect_ = sql::Database::Open(dir_.File("terminal.db")).value();
}

TerminalOptions TerminalFixture::options() const {
  TerminalOptions o;
  o.db_path = dir_.File("terminal.db");
  o.terminal_id = "S001-T01";
  o.store_id = "S001";
  o.default_country_code = "44";
  auto* self = const_cast<TerminalFixture*>(this);
  o.wall_clock_ms = [self] { return self->now_ms_; };
  o.fill_random = [self](std::span<uint8_t> out) {
    for (uint8_t& byte : out) {  // xorshift: deterministic ids per test
      self->random_state_ ^= self->random_state_ << 13;
      self->random_state_ ^= self->random_state_ >> 7;
      self->random_state_ ^= self->random_state_ << 17;
      byte = static_cast<uint8_t>(self->random_state_);
    }
  };
  return o;
}

void TerminalFixture::Reopen() {
  terminal_.reset();
  auto opened = Terminal::Open(options());
  REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
  terminal_ = std::move(opened).value();
}

Member TerminalFixture::Enrol(const std::string& phone, const std::string& name) {
  EnrolRequest request;
  request.phone = phone;
  request.profile.name = name;
  auto result = terminal_->Enrol(request);
  REQUIRE_MESSAGE(result.ok(), result.status().ToString());
  return result->member;
}

Result<SaleResult> TerminalFixture::Sell(const std::string& sale_ref, const std::string& member_id,
                                         int64_t amount_minor, int64_t redeem_points) {
  SaleRequest sale;
  sale.sale_ref = sale_ref;
  sale.member_id = member_id;
  sale.amount_minor = amount_minor;
  sale.redeem_points = redeem_points;
  return terminal_->Checkout(sale);
}

Member TerminalFixture::Get(const std::string& member_id) {
  auto member = terminal_->FindById(member_id);
  REQUIRE_MESSAGE(member.ok(), member.status().ToString());
  return *member;
}

void TerminalFixture::SetServerView(const std::string& member_id, int64_t version,
                                    int64_t balance, int64_t spend_minor) {
  auto s = inspect_
               ->GetUniqueStatement("UPDATE members SET server_version = ?, server_balance = ?, "
                                    "server_spend_minor = ? WHERE member_id = ?")
               .value();
  s.BindInt64(0, version);
  s.BindInt64(1, balance);
  s.BindInt64(2, spend_minor);
  s.BindText(3, member_id);
  REQUIRE(s.Run().ok());
  REQUIRE(inspect_->Changes() == 1);
}

int64_t TerminalFixture::Count(const std::string& table) {
  return inspect_->QueryInt64("SELECT count(*) FROM " + table).value();
}

std::string TerminalFixture::Snapshot() {
  CanonicalHasher hasher;
  for (const char* table : {"members", "ledger", "sales", "sale_lines", "refunds",
                            "profile_outbox", "rules"}) {
    auto s = inspect_->GetUniqueStatement(std::string("SELECT * FROM ") + table).value();
    hasher.Add(table);
    while (s.Step().value()) {
      for (int i = 0; i < s.ColumnCount(); ++i) hasher.Add(s.ColumnText(i));
    }
  }
  auto seq = inspect_->QueryInt64("SELECT next_seq FROM terminal_state").value();
  hasher.Add(seq);
  return hasher.HexDigest();
}

}  // namespace patron::terminal

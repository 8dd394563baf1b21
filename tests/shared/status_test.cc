#include "patron/status.h"

#include <doctest/doctest.h>

#include <memory>
#include <string>

namespace patron {
namespace {

Status FailIf(bool fail) {
  if (fail) return Status::NotFound("no such member", "unknown_member");
  return Status::OK();
}

Result<int> Half(int n) {
  if (n % 2 != 0) return Status::InvalidArgument("odd: " + std::to_string(n));
  return n / 2;
}

Status Chain(bool fail, int* reached) {
  PATRON_RETURN_IF_ERROR(FailIf(fail));
  *reached = 1;
  return Status::OK();
}

Result<int> Quarter(int n) {
  PATRON_ASSIGN_OR_RETURN(int half, Half(n));
  PATRON_ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

TEST_CASE("a default Status is OK and has no reason") {
  Status status;
  CHECK(status.ok());
  CHECK(status.code() == StatusCode::kOk);
  CHECK(status.reason().empty());
  CHECK(status.ToString() == "ok");
}

TEST_CASE("a Status keeps its code, reason and message") {
  Status status = Status::FailedPrecondition("member has 10 points", "insufficient_points");
  CHECK_FALSE(status.ok());
  CHECK(status.IsFailedPrecondition());
  CHECK(status.reason() == "insufficient_points");
  CHECK(status.message() == "member has 10 points");
  CHECK(status.ToString() == "insufficient_points: member has 10 points");
}

TEST_CASE("the reason defaults to the code's name") {
  CHECK(Status::NotFound("x").reason() == "not_found");
  CHECK(Status::Conflict("x").reason() == "conflict");
  CHECK(Status::IOError("x").reason() == "io_error");
  CHECK(Status(StatusCode::kOk, "ignored").message().empty());
}

TEST_CASE("WithContext prefixes errors and leaves OK alone") {
  CHECK(Status::OK().WithContext("open").ok());
  Status status = Status::IOError("disk full").WithContext("checkout S1-42");
  CHECK(status.message() == "checkout S1-42: disk full");
  CHECK(status.code() == StatusCode::kIOError);
}

TEST_CASE("PATRON_RETURN_IF_ERROR returns early only on error") {
  int reached = 0;
  CHECK(Chain(false, &reached).ok());
  CHECK(reached == 1);
  reached = 0;
  Status status = Chain(true, &reached);
  CHECK(status.reason() == "unknown_member");
  CHECK(reached == 0);
}

TEST_CASE("PATRON_ASSIGN_OR_RETURN unwraps values and propagates errors") {
  Result<int> ok = Quarter(12);
  REQUIRE(ok.ok());
  CHECK(*ok == 3);
  Result<int> odd = Quarter(6);  // 6 -> 3 -> odd
  REQUIRE_FALSE(odd.ok());
  CHECK(odd.status().message() == "odd: 3");
}

TEST_CASE("Result holds move-only values") {
  Result<std::unique_ptr<int>> result = std::make_unique<int>(7);
  REQUIRE(result.ok());
  std::unique_ptr<int> owned = std::move(result).value();
  CHECK(*owned == 7);
}

TEST_CASE("a Result built from an OK status is an internal error, not an empty value") {
  Result<int> result{Status::OK()};
  CHECK_FALSE(result.ok());
  CHECK(result.status().code() == StatusCode::kInternal);
  CHECK(result.value_or(5) == 5);
}

}  // namespace
}  // namespace patron

// SyncApi's voucher endpoints (records/voucher.h): head office issues and
// lists them behind the admin token; a till claims one with its own token.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "api_fixture.h"
#include "patron/sync/codec.h"

namespace patron::sync {
namespace {

using Json = nlohmann::json;

Json Birthday(const std::string& member_id) {
  return {{"voucher_id", "BDAY-2026-ANN"},
          {"member_id", member_id},
          {"name", "生日礼券 Birthday 20 off"},
          {"source", "birthday"},
          {"amount_off_minor", 2'000},
          {"min_spend_minor", 10'000},
          {"bonus_points", 88},
          {"valid_until", "2026-07-01T00:00:00+08:00"}};
}

TEST_CASE("vouchers: issued once behind the admin token, listed by member, claimed by a till") {
  ApiFixture f;
  const std::string t1 = f.Register("S001-T01", "S001");
  const std::string t2 = f.Register("S002-T01", "S002");
  const std::string body = Birthday(f.ann).dump();
  CHECK(f.Call("POST", "/v1/admin/vouchers", body).status == 401);
  CHECK(f.Call("POST", "/v1/admin/vouchers", body, t1).status == 403);
  CHECK(ErrorCode(f.Admin("POST", "/v1/admin/vouchers", body)) == "unknown_member");

  PushRequest push = f.NewPush("S001-T01");
  push.entries = {f.Earn("S001-T01", "S001", 1, f.ann, 10)};
  REQUIRE(f.Call("POST", "/v1/push", EncodePushRequest(push), t1).status == 200);

  Json misspelt = Birthday(f.ann);
  misspelt["amount_off"] = 5;
  CHECK(ErrorCode(f.Admin("POST", "/v1/admin/vouchers", misspelt.dump())) == "unknown_field");
  Json negative = Birthday(f.ann);
  negative["amount_off_minor"] = -5;
  HttpResponse refused = f.Admin("POST", "/v1/admin/vouchers", negative.dump());
  CHECK(refused.status == 400);
  CHECK(ErrorCode(refused) == "invalid_voucher");
  Json not_member = Birthday(f.ann);
  not_member["member_id"] = "ann";
  CHECK(ErrorCode(f.Admin("POST", "/v1/admin/vouchers", not_member.dump())) == "invalid_member_id");

  HttpResponse issued = f.Admin("POST", "/v1/admin/vouchers", body);
  REQUIRE_MESSAGE(issued.status == 201, issued.body);
  const Json voucher = Json::parse(issued.body);
  CHECK(voucher["voucher_id"] == "BDAY-2026-ANN");
  CHECK(voucher["valid_until_ms"] == 1'782'835'200'000);  // 2026-06-30T16:00:00Z
  CHECK(voucher["holder"] == "");
  CHECK(f.Admin("POST", "/v1/admin/vouchers", body).status == 200);  // a retry
  Json other = Birthday(f.ann);
  other["amount_off_minor"] = 3'000;
  HttpResponse taken = f.Admin("POST", "/v1/admin/vouchers", other.dump());
  CHECK(taken.status == 409);
  CHECK(ErrorCode(taken) == "voucher_id_taken");

  const auto list = [&](const std::string& authorization) {
    HttpRequest request = ApiFixture::Request("GET", "/v1/admin/vouchers", "", authorization);
    request.query = {{"member_id", f.ann}};
    return f.api().Handle(request);
  };
  HttpResponse listed = list("Bearer " + std::string(kAdminToken));
  REQUIRE_MESSAGE(listed.status == 200, listed.body);
  CHECK(Json::parse(listed.body)["vouchers"].size() == 1);
  CHECK(Json::parse(listed.body)["vouchers"][0] == voucher);
  CHECK(ErrorCode(f.Admin("GET", "/v1/admin/vouchers")) == "invalid_query");
  CHECK(list(t1).status == 403);

  // A till claims it with its own token; another till's claim is a 409.
  const VoucherClaimRequest claim{"S001-T01", ChainKeyFingerprint(kDemoChainKey), "BDAY-2026-ANN",
                                  f.ann};
  HttpResponse claimed = f.Call("POST", "/v1/vouchers/claim", EncodeVoucherClaimRequest(claim), t1);
  REQUIRE_MESSAGE(claimed.status == 200, claimed.body);
  CHECK(Json::parse(claimed.body)["holder"] == "S001-T01");
  VoucherClaimRequest second = claim;
  second.terminal_id = "S002-T01";
  HttpResponse held = f.Call("POST", "/v1/vouchers/claim", EncodeVoucherClaimRequest(second), t2);
  CHECK(held.status == 409);
  CHECK(ErrorCode(held) == "voucher_held_elsewhere");
  CHECK(f.Call("POST", "/v1/vouchers/claim", EncodeVoucherClaimRequest(claim)).status == 401);
  CHECK(f.api().RequestCount("claim_voucher") == 3);

  // The first till is gone: head office takes the voucher back.
  CHECK(f.Call("POST", "/v1/admin/vouchers/take-back", R"({"voucher_id":"BDAY-2026-ANN"})", t1)
            .status == 403);
  CHECK(ErrorCode(f.Admin("POST", "/v1/admin/vouchers/take-back", R"({"voucher_id":"X"})")) ==
        "unknown_voucher");
  HttpResponse back =
      f.Admin("POST", "/v1/admin/vouchers/take-back", R"({"voucher_id":"BDAY-2026-ANN"})");
  REQUIRE_MESSAGE(back.status == 200, back.body);
  CHECK(Json::parse(back.body)["holder"] == "");
  CHECK(f.Call("POST", "/v1/vouchers/claim", EncodeVoucherClaimRequest(second), t2).status == 200);
  CHECK(f.api().RequestCount("issue_voucher") >= 8);
}

}  // namespace
}  // namespace patron::sync

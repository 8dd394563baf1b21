// A member's data over SyncApi (privacy_api.cc): the export for admins
// only, as an attachment never cached, written to the audit log.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "api_fixture.h"
#include "patron/sync/codec.h"

namespace patron::sync {
namespace {

using nlohmann::json;

TEST_CASE("an admin exports a member's data; other roles may not; each export is audited") {
  ApiFixture f;
  const std::string t1 = f.Register("S001-T01", "S001");
  PushRequest push = f.NewPush("S001-T01");
  push.entries = {f.Earn("S001-T01", "S001", 1, f.ann, 42)};
  REQUIRE(f.Call("POST", "/v1/push", EncodePushRequest(push), t1).status == 200);

  const HttpResponse exported = f.Admin("GET", "/v1/admin/members/" + f.ann + "/export");
  REQUIRE_MESSAGE(exported.status == 200, exported.body);
  CHECK(HeaderOf(exported, "Cache-Control") == "no-store");
  CHECK(HeaderOf(exported, "Content-Disposition") ==
        "attachment; filename=\"member-" + f.ann + ".json\"");
  const json doc = json::parse(exported.body);
  CHECK(doc["member_id"] == f.ann);
  CHECK(doc["member"]["balance"] == 42);
  CHECK(doc["entries"].size() == 1);
  for (const char* key : {"sales", "refunds", "vouchers", "exchanges", "campaigns", "feedback",
                          "cases", "messages"}) {
    CHECK_MESSAGE(doc[key].is_array(), key);
  }
  CHECK(doc["metrics"].is_null());

  CHECK(f.Admin("GET", "/v1/admin/members/" +
                           DeriveMemberId(kDemoChainKey, "+8613800000000").ToString() + "/export")
            .status == 404);
  CHECK(ErrorCode(f.Admin("GET", "/v1/admin/members/ann/export")) == "invalid_member_id");

  CreateUser(f, "mia", "marketer");
  const std::string mia = LogIn(f, "mia");
  CHECK(f.Call("GET", "/v1/admin/members/" + f.ann + "/export", {}, mia).status == 403);

  const json audit = json::parse(f.Admin("GET", "/v1/admin/audit").body);
  int exports = 0;
  for (const json& event : audit["events"]) {
    if (event["method"] == "GET" && event["path"].get<std::string>().ends_with("/export")) {
      ++exports;
    }
  }
  CHECK(exports == 4);  // the three by the admin token, the one refused to mia
}

}  // namespace
}  // namespace patron::sync

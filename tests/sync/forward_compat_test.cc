// A till one version behind meets a head office from the future (DESIGN.md
// §8): record and item kinds, entry kinds, fields and rules it does not
// know. It keeps them, goes on syncing everything else, says "upgrade
// needed", and the upgraded build pulls them again.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "chain.h"
#include "patron/sql/database.h"

namespace patron {
namespace {

using nlohmann::json;
using testing::Chain;

// What a newer head office adds to every pull reply.
void FromTheFuture(std::string& body) {
  json reply = json::parse(body);
  for (json& member : reply["members"]) {
    member["wechat_openid"] = "o6_bmjrPTlm6_2sgVt7hMZOPfL2M";
    member["consents"] = {{"purpose", "marketing"}, {"channel", "wechat"}};
  }
  reply["down"].push_back({{"seq", reply["next"]["seq"]},
                           {"kind", "coupon_batch"},
                           {"audience", "all"},
                           {"address", ""},
                           {"key", "spring"},
                           {"body", {{"coupons", {1, 2, 3}}}}});
  reply["down"].push_back({{"seq", reply["next"]["seq"]},
                           {"kind", "rules"},
                           {"audience", "all"},
                           {"address", ""},
                           {"key", "active"},
                           {"body", {{"version", 99}, {"currency", "USD"},
                                     {"campaigns", json::array()}}}});
  reply["future_section"] = {{"anything", true}};
  body = reply.dump();
}

TEST_CASE("forward compatibility: an older till keeps syncing with a newer head office") {
  Chain chain(2);
  const std::string ann = chain.Enrol(0, "+86 138 0013 8000", "王芳").member_id;
  REQUIRE(chain.Sell(0, "R-1", ann, 10'000).ok());
  chain.SyncAll();
  REQUIRE(chain.Sell(0, "R-2", ann, 5'000).ok());
  REQUIRE(chain.client(0).SyncOnce().ok());

  chain.net(1).rewrite_pull_reply = FromTheFuture;
  auto report = chain.client(1).SyncOnce();
  REQUIRE_MESSAGE(report.ok(), report.status().ToString());
  // Everything it understands arrived: the member and her points.
  auto member = chain.till(1).FindById(ann);
  REQUIRE(member.ok());
  CHECK(member->balance == 150);
  CHECK(member->name == "王芳");
  CHECK(chain.till(1).rules().version == 1);  // rules it cannot read are left
  const terminal::TerminalStatus status = *chain.till(1).Status();
  CHECK(status.upgrade_needed);
  auto has = [&](std::string_view what) {
    for (const std::string& note : status.upgrade_notes) {
      if (note.find(what) != std::string::npos) return true;
    }
    return false;
  };
  CHECK(has("member.wechat_openid"));
  CHECK(has("member.consents"));
  CHECK(has("item kind 'coupon_batch'"));
  CHECK(has("rules"));
  CHECK(has("pull_reply.future_section"));
  // The unknown item is kept whole, for the build that will know it.
  auto db = sql::Database::Open(chain.File("S002-T01.db"));
  REQUIRE(db.ok());
  CHECK((*db)->QueryString("SELECT body FROM down_items WHERE kind = 'coupon_batch'").value() ==
        R"({"coupons":[1,2,3]})");
  CHECK((*db)->QueryInt64("SELECT known FROM down_items WHERE kind = 'coupon_batch'").value() ==
        0);

  // It keeps syncing: a later sale elsewhere still reaches it.
  REQUIRE(chain.Sell(0, "R-3", ann, 2'000).ok());
  REQUIRE(chain.client(0).SyncOnce().ok());
  REQUIRE(chain.client(1).SyncOnce().ok());
  CHECK(chain.till(1).FindById(ann)->balance == 170);
}

TEST_CASE("forward compatibility: grants of an entry kind from the future are noted, not applied") {
  Chain chain(1);
  const std::string ann = chain.Enrol(0, "+86 138 0013 8001", "李娜").member_id;
  chain.SyncAll();
  chain.net(0).rewrite_pull_reply = [&](std::string& body) {
    json reply = json::parse(body);
    json award = {{"id", "server/77"},     {"origin", "server"},     {"seq", 77},
                  {"member_id", ann},       {"kind", "award"},        {"points", 500},
                  {"amount_minor", 0},      {"currency", "USD"},      {"sale_ref", ""},
                  {"ref_entry", ""},        {"to_holder", "S001-T01"}, {"store_id", "server"},
                  {"terminal_id", "server"}, {"hlc", 1},              {"wall_ms", 1},
                  {"rule_version", 1},      {"detail", json::object()}, {"visible_seq", 1}};
    reply["items"].push_back(award);
    body = reply.dump();
  };
  REQUIRE(chain.client(0).SyncOnce().ok());
  CHECK(chain.till(0).FindById(ann)->balance == 0);  // never applied
  const terminal::TerminalStatus status = *chain.till(0).Status();
  CHECK(status.upgrade_needed);
  REQUIRE(status.upgrade_notes.size() == 1);
  CHECK(status.upgrade_notes[0] == "entry kind 'award'");
}

TEST_CASE("forward compatibility: the upgraded build pulls again what the older one noted") {
  Chain chain(1);
  const std::string ann = chain.Enrol(0, "+86 138 0013 8002", "张伟").member_id;
  REQUIRE(chain.Sell(0, "R-1", ann, 10'000).ok());
  chain.SyncAll();
  const int64_t cursor = chain.till(0).Status()->cursor_seq;
  REQUIRE(cursor > 0);
  // As an older build left it: a note from seq 2 on, in another build's name.
  {
    auto db = sql::Database::Open(chain.File("S001-T01.db"));
    REQUIRE(db.ok());
    REQUIRE((*db)->Execute("INSERT INTO upgrade_notes(what, first_seq, noted_ms, build)"
                           " VALUES ('member.wechat_openid', 2, 0, 'patron-terminal older')")
                .ok());
  }
  terminal::TerminalOptions options;
  options.db_path = chain.File("S001-T01.db");
  options.terminal_id = "S001-T01";
  options.store_id = "S001";
  auto reopened = terminal::Terminal::Open(options);
  REQUIRE_MESSAGE(reopened.ok(), reopened.status().ToString());
  const terminal::TerminalStatus status = *(*reopened)->Status();
  CHECK(status.cursor_seq == 1);  // from the note's seq on, again
  CHECK_FALSE(status.upgrade_needed);
  CHECK((*reopened)->FindById(ann)->balance == 100);  // nothing lost meanwhile
}

}  // namespace
}  // namespace patron

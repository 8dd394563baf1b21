// docs/head-office-openapi.json against the code: every documented
// operation answers, and each documented row has exactly the fields of its
// record (analytics_store.h), in order.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api_fixture.h"
#include "patron/record/field.h"
#include "patron/sync_server/analytics_store.h"
#include "patron/sync_server/case_flow.h"

namespace patron::sync {
namespace {

nlohmann::json LoadDoc() {
  std::ifstream in(PATRON_HEAD_OFFICE_OPENAPI);
  REQUIRE(in.good());
  return nlohmann::json::parse(in);
}

template <typename Row>
std::vector<std::string> FieldNames() {
  std::vector<std::string> names;
  record::ForEachField<Row>([&](const auto& field) { names.emplace_back(field.name); });
  return names;
}

std::vector<std::string> PropertyNames(const nlohmann::json& schema) {
  std::vector<std::string> names;
  // nlohmann::json keeps object keys sorted; the record's order is checked
  // through "required", which the document lists in field order.
  for (const auto& name : schema.at("required")) names.push_back(name.get<std::string>());
  CHECK(schema.at("properties").size() == names.size());
  return names;
}

TEST_CASE("head-office openapi: each row schema has exactly its record's fields, in order") {
  const nlohmann::json schemas = LoadDoc().at("components").at("schemas");
  CHECK(PropertyNames(schemas.at("StoreDay")) == FieldNames<StoreDay>());
  CHECK(PropertyNames(schemas.at("CategoryDay")) == FieldNames<CategoryDay>());
  CHECK(PropertyNames(schemas.at("CampaignDay")) == FieldNames<CampaignDay>());
  CHECK(PropertyNames(schemas.at("TierDay")) == FieldNames<TierDay>());
  CHECK(PropertyNames(schemas.at("MemberSummary")) == FieldNames<MemberSummary>());
  CHECK(PropertyNames(schemas.at("MemberDay")) == FieldNames<MemberDay>());
  CHECK(PropertyNames(schemas.at("MemberCategory")) == FieldNames<MemberCategory>());
  CHECK(PropertyNames(schemas.at("MemberMetrics")) == FieldNames<MemberMetrics>());
  CHECK(PropertyNames(schemas.at("SegmentSize")) == FieldNames<SegmentSize>());
  CHECK(PropertyNames(schemas.at("RfmCell")) == FieldNames<RfmCell>());
  CHECK(PropertyNames(schemas.at("SegmentRun")) == FieldNames<SegmentRun>());
  CHECK(PropertyNames(schemas.at("CampaignEffect")) == FieldNames<CampaignEffect>());
  CHECK(PropertyNames(schemas.at("CohortRow")) == FieldNames<CohortRow>());
  CHECK(PropertyNames(schemas.at("ExpiringMonth")) == FieldNames<ExpiringMonth>());
  CHECK(PropertyNames(schemas.at("InsightRun")) == FieldNames<InsightRun>());
  CHECK(PropertyNames(schemas.at("MemberOffer")) == FieldNames<MemberOffer>());
  CHECK(PropertyNames(schemas.at("CaseRecord")) == FieldNames<CaseRecord>());
  CHECK(PropertyNames(schemas.at("CaseSla")) == FieldNames<CaseSla>());
  CHECK(PropertyNames(schemas.at("CaseNote")) == FieldNames<CaseNote>());
  CHECK(PropertyNames(schemas.at("FeedbackCount")) == FieldNames<FeedbackCount>());
  // Feedback leaves its empty fields out, so they are not required: its
  // properties are compared as a set.
  std::vector<std::string> feedback;
  for (const auto& [name, property] : schemas.at("Feedback").at("properties").items()) {
    feedback.push_back(name);
  }
  std::vector<std::string> fields = FieldNames<FeedbackRecord>();
  std::sort(fields.begin(), fields.end());
  CHECK(feedback == fields);
}

TEST_CASE("head-office openapi: every documented operation answers, and only with its statuses") {
  ApiFixture f;
  const nlohmann::json paths = LoadDoc().at("paths");
  CHECK(paths.size() >= 6);
  for (const auto& [path, operations] : paths.items()) {
    for (const auto& [method, operation] : operations.items()) {
      std::string upper = method;
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      const HttpResponse answer = f.Admin(upper, path);
      CHECK_MESSAGE(operation.at("responses").contains(std::to_string(answer.status)),
                    upper << " " << path << " answered " << answer.status);
      // Every one needs a token but those documented with `security: []`
      // (the login), which answer without one as they did with one.
      const bool open = operation.contains("security") && operation.at("security").empty();
      CHECK_MESSAGE(f.Call(upper, path).status == (open ? answer.status : 401), path);
    }
  }
}

}  // namespace
}  // namespace patron::sync

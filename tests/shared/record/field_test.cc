// record::FieldList (field.h): the fields of a table in order, a derived
// record's table by Concat, and the helpers that walk them.
#include "patron/record/field.h"

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace patron::record {
namespace {

struct Base {
  int64_t a = 0;
  std::string b;
};
struct Derived : Base {
  bool c = false;
};
struct Three {
  int64_t x = 0;
  int64_t y = 0;
  int64_t z = 0;
};

}  // namespace

template <>
struct Schema<Base> {
  static constexpr auto kFields = FieldList{Field<&Base::a>{"a"}, Field<&Base::b>{"b", "bee"}};
};
template <>
struct Schema<Derived> {
  static constexpr auto kFields =
      Concat(Schema<Base>::kFields, FieldList{Field<&Derived::c>{"c", {}, kOptional}});
};
template <>
struct Schema<Three> {
  static constexpr auto kFields = Concat(FieldList{Field<&Three::x>{"x"}}, FieldList{},
                                         FieldList{Field<&Three::y>{"y"}, Field<&Three::z>{"z"}});
};

namespace {

template <typename Record>
std::vector<std::string> Names() {
  std::vector<std::string> names;
  ForEachField<Record>([&](const auto& field) { names.emplace_back(field.name); });
  return names;
}

static_assert(kFieldCount<Base> == 2);
static_assert(kFieldCount<Derived> == 3);
static_assert(kFieldCount<Three> == 3);
static_assert(Get<1>(Schema<Base>::kFields).Column() == "bee");
static_assert(Get<2>(Schema<Derived>::kFields).optional());

TEST_CASE("a field list keeps its fields in order; Concat appends lists, empty ones too") {
  CHECK(Names<Base>() == std::vector<std::string>{"a", "b"});
  CHECK(Names<Derived>() == std::vector<std::string>{"a", "b", "c"});
  CHECK(Names<Three>() == std::vector<std::string>{"x", "y", "z"});
  std::vector<std::string_view> visited;
  for (size_t i = 0; i < kFieldCount<Three>; ++i) {
    VisitField<Three>(i, [&](const auto& field) { visited.push_back(field.name); });
  }
  CHECK(visited == std::vector<std::string_view>{"x", "y", "z"});
  Derived d;
  d.b = "value";
  using B = std::remove_cvref_t<decltype(Get<1>(Schema<Derived>::kFields))>;
  CHECK(B::Get(d) == "value");
}

}  // namespace
}  // namespace patron::record

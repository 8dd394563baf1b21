// Field tables: the one definition of a synced record's fields (DESIGN.md
// §8). A record kind declares, next to its struct, which members it has, in
// which order, under which names:
//
//   template <>
//   struct record::Schema<SaleLine> {
//     static constexpr auto kFields = record::FieldList{
//         record::Field<&SaleLine::sku>{"sku"},
//         record::Field<&SaleLine::qty>{"qty"},
//         record::Field<&SaleLine::discount_minor>{"discount_minor", {}, record::kOptional}};
//   };
//
// Everything else is derived from that table: the SQLite column lists, binds
// and reads of every table holding the record (record_sql.h), both wire
// directions (record_json.h) and the last-writer-wins merge of its registers
// (lww_merge.h). Adding a field is one line here plus a migration.
//
// A field's value type decides how it is stored and sent: integers, text,
// optional text or integers, booleans, HLC timestamps, enums with a name
// table (EnumNames), last-writer-wins registers (three columns: value, hlc,
// origin), nested records (an object on the wire, one JSON text column in
// SQL) and vectors of records (an array on the wire, a child table in SQL,
// which the store writes itself).
//
// A derived record (struct B : A) lists A's fields first:
//   static constexpr auto kFields = record::Concat(Schema<A>::kFields, record::FieldList{...});
#ifndef PATRON_RECORD_FIELD_H_
#define PATRON_RECORD_FIELD_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace patron::record {

// How a field travels and is stored. Fields of a record's first version are
// required on the wire; fields added later must be kOptional so that a peer
// one version behind, which does not send them, is still understood.
enum FieldFlags : uint32_t {
  kRequired = 0,
  // May be absent (or null) on the wire; the member keeps its default.
  kOptional = 1u << 0,
  // Not written on the wire when equal to the member's default (its value in
  // a default-constructed record, which is what a reader not sent it keeps);
  // implies kOptional. For sparse records such as an entry's detail, and for
  // settings added later whose default a peer one version behind assumes.
  kOmitDefault = (1u << 1) | kOptional,
  // Not a column of the record's tables (e.g. a vector of child records).
  kNoSql = 1u << 2,
};

template <typename MemberPointer>
struct MemberPointerTraits;
template <typename Owner_, typename Type_>
struct MemberPointerTraits<Type_ Owner_::*> {
  using Owner = Owner_;
  using Type = Type_;
};

// One field: the struct member it lives in, its name on the wire, its column
// name in SQL (empty: the wire name) and its flags.
template <auto Member>
struct Field {
  using Type = typename MemberPointerTraits<decltype(Member)>::Type;
  static constexpr auto kMember = Member;

  std::string_view name;
  std::string_view column{};
  uint32_t flags = kRequired;

  constexpr std::string_view Column() const { return column.empty() ? name : column; }
  constexpr bool optional() const { return (flags & kOptional) != 0; }
  constexpr bool omit_default() const { return (flags & kOmitDefault) == kOmitDefault; }
  constexpr bool in_sql() const { return (flags & kNoSql) == 0; }

  template <typename Record>
  static constexpr auto& Get(Record& record) {
    return record.*Member;
  }
};

// A list of records kept, in SQL, in one TEXT column of its JSON instead of a
// child table (record_sql.h): for short lists only ever read and written
// with the record that holds them (a sale's campaign awards). On the wire
// it is an array, like any vector (record_json.h).
template <typename T>
struct JsonList : std::vector<T> {
  using std::vector<T>::vector;
};

// A fixed list of Fields of different types: what a Schema's kFields is.
// Not a std::tuple on purpose: every record header builds one, and
// std::tuple's converting-constructor constraints made up half the compile
// time of a translation unit including the records. This one has a single
// constructor and nothing to deduce but the field types.
template <size_t I, typename F>
struct FieldSlot {
  F field;
};

template <typename Indices, typename... F>
struct FieldSlots;
template <size_t... I, typename... F>
struct FieldSlots<std::index_sequence<I...>, F...> : FieldSlot<I, F>... {
  constexpr explicit FieldSlots(const F&... fields) : FieldSlot<I, F>{fields}... {}

  // Calls fn(field) for every field, in order.
  template <typename Fn>
  constexpr void ForEach(Fn&& fn) const {
    (fn(static_cast<const FieldSlot<I, F>&>(*this).field), ...);
  }
};

template <typename... F>
struct FieldList : FieldSlots<std::index_sequence_for<F...>, F...> {
  static constexpr size_t kSize = sizeof...(F);
  constexpr FieldList(const F&... fields)  // NOLINT: implicit, as `FieldList{...}` reads
      : FieldSlots<std::index_sequence_for<F...>, F...>(fields...) {}
};
template <typename... F>
FieldList(F...) -> FieldList<F...>;

// The field at `I` (found by overload resolution on the slot's base class).
template <size_t I, typename F>
constexpr const F& Get(const FieldSlot<I, F>& slot) {
  return slot.field;
}

// The lists' fields one after another: a derived record's table.
template <typename... A, typename... B, typename... Rest>
constexpr auto Concat(const FieldList<A...>& head, const FieldList<B...>& next,
                      const Rest&... rest) {
  auto joined = [&]<size_t... I, size_t... J>(std::index_sequence<I...>,
                                              std::index_sequence<J...>) {
    return FieldList<A..., B...>(Get<I>(head)..., Get<J>(next)...);
  }
  (std::index_sequence_for<A...>{}, std::index_sequence_for<B...>{});
  if constexpr (sizeof...(Rest) == 0) {
    return joined;
  } else {
    return Concat(joined, rest...);
  }
}

// Specialised for each record kind with `static constexpr auto kFields`, a
// FieldList.
template <typename Record>
struct Schema;

template <typename Record>
concept HasSchema = requires { Schema<Record>::kFields; };

template <typename Record>
inline constexpr size_t kFieldCount = std::remove_cvref_t<decltype(Schema<Record>::kFields)>::kSize;

// Calls fn(field) for every field of Record, in table order.
template <typename Record, typename Fn>
constexpr void ForEachField(Fn&& fn) {
  Schema<Record>::kFields.ForEach(fn);
}

// Calls fn(field) for the field at `index` (< kFieldCount<Record>).
template <typename Record, typename Fn>
constexpr void VisitField(size_t index, Fn&& fn) {
  [&]<size_t... I>(std::index_sequence<I...>) {
    ((index == I ? (fn(Get<I>(Schema<Record>::kFields)), 0) : 0), ...);
  }(std::make_index_sequence<kFieldCount<Record>>{});
}

// Enums travel and are stored by name. Specialise with
//   static std::string_view Name(E);
//   static bool Parse(std::string_view, E&);  // false: not a known name
template <typename E>
struct EnumNames;

template <typename T>
concept NamedEnum = std::is_enum_v<T> && requires(T value, std::string_view name) {
  { EnumNames<T>::Name(value) } -> std::convertible_to<std::string_view>;
  { EnumNames<T>::Parse(name, value) } -> std::same_as<bool>;
};

}  // namespace patron::record

#endif  // PATRON_RECORD_FIELD_H_

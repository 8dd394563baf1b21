// The last-writer-wins merge of a record's registers (lww.h), derived from
// its field table (field.h): every LwwRegister field is a register, named by
// its field name.
#ifndef PATRON_RECORD_LWW_MERGE_H_
#define PATRON_RECORD_LWW_MERGE_H_

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

#include "patron/hlc.h"
#include "patron/lww.h"
#include "patron/record/field.h"
#include "patron/status.h"

namespace patron::record {

// A value written to one register, as it travels in a profile change: null
// (an optional register cleared), a boolean, an integer or text.
using RegisterValue = std::variant<std::monostate, bool, int64_t, std::string>;

template <typename T>
struct IsOptional : std::false_type {};
template <typename T>
struct IsOptional<std::optional<T>> : std::true_type {};

template <typename T>
struct IsRegister : std::false_type {};
template <typename T>
struct IsRegister<LwwRegister<T>> : std::true_type {};

// Every register of `theirs` that is newer by (hlc, origin) replaces `mine`'s.
template <HasSchema Record>
void MergeRegisters(Record& mine, const Record& theirs) {
  ForEachField<Record>([&](const auto& field) {
    using F = std::remove_cvref_t<decltype(field)>;
    if constexpr (IsRegister<typename F::Type>::value) {
      auto& reg = F::Get(mine);
      const auto& other = F::Get(theirs);
      if (LwwNewer(other.hlc, other.origin, reg.hlc, reg.origin)) reg = other;
    }
  });
}

// Whether Record has a register called `name`; its column name, if asked.
template <HasSchema Record>
bool HasRegister(std::string_view name, std::string_view* column = nullptr) {
  bool found = false;
  ForEachField<Record>([&](const auto& field) {
    using F = std::remove_cvref_t<decltype(field)>;
    if constexpr (IsRegister<typename F::Type>::value) {
      if (!found && field.name == name) {
        found = true;
        if (column != nullptr) *column = field.Column();
      }
    }
  });
  return found;
}

namespace lww_internal {

// `value` as the register type's value, or false if it cannot be one.
template <typename T>
bool Convert(const RegisterValue& value, T& out) {
  if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, bool> ||
                std::is_same_v<T, int64_t>) {
    if (const T* v = std::get_if<T>(&value)) {
      out = *v;
      return true;
    }
    return false;
  } else {
    static_assert(IsOptional<T>::value);
    if (std::holds_alternative<std::monostate>(value)) {
      out.reset();
      return true;
    }
    typename T::value_type inner;
    if (!Convert(value, inner)) return false;
    out = std::move(inner);
    return true;
  }
}

template <typename T>
constexpr std::string_view Expected() {
  if constexpr (std::is_same_v<T, std::string>) return "a string";
  if constexpr (std::is_same_v<T, bool>) return "a boolean";
  if constexpr (std::is_same_v<T, int64_t>) return "an integer";
  if constexpr (std::is_same_v<T, std::optional<std::string>>) return "a string or null";
  if constexpr (std::is_same_v<T, std::optional<int64_t>>) return "an integer or null";
  return "a value of the register's type";
}

}  // namespace lww_internal

// Merges one write (value stamped (hlc, origin)) into the register `name`:
// it wins if newer. NotFound ("unknown_register") if Record has no such
// register; InvalidArgument ("invalid_value", naming the type expected) if
// the value cannot be the register's. Returns whether the write won.
template <HasSchema Record>
Result<bool> MergeRegisterWrite(Record& record, std::string_view name, const RegisterValue& value,
                                HlcTimestamp hlc, std::string_view origin) {
  bool found = false;
  Status status;
  bool won = false;
  ForEachField<Record>([&](const auto& field) {
    using F = std::remove_cvref_t<decltype(field)>;
    if constexpr (IsRegister<typename F::Type>::value) {
      if (found || field.name != name) return;
      found = true;
      using Value = decltype(F::Get(record).value);
      Value converted{};
      if (!lww_internal::Convert(value, converted)) {
        status = Status::InvalidArgument(
            "'" + std::string(name) + "' must be " + std::string(lww_internal::Expected<Value>()),
            "invalid_value");
        return;
      }
      auto& reg = F::Get(record);
      if (LwwNewer(hlc, origin, reg.hlc, reg.origin)) {
        reg = {std::move(converted), hlc, std::string(origin)};
        won = true;
      }
    }
  });
  if (!found) {
    return Status::NotFound("no register '" + std::string(name) + "'", "unknown_register");
  }
  PATRON_RETURN_IF_ERROR(status);
  return won;
}

// The register `name`'s current value as a RegisterValue (for an outbox).
template <HasSchema Record>
Result<RegisterValue> RegisterValueOf(const Record& record, std::string_view name) {
  std::optional<RegisterValue> out;
  ForEachField<Record>([&](const auto& field) {
    using F = std::remove_cvref_t<decltype(field)>;
    if constexpr (IsRegister<typename F::Type>::value) {
      if (out || field.name != name) return;
      const auto& value = F::Get(record).value;
      using Value = std::remove_cvref_t<decltype(value)>;
      if constexpr (IsOptional<Value>::value) {
        out = value ? RegisterValue(*value) : RegisterValue();
      } else {
        out = RegisterValue(value);
      }
    }
  });
  if (!out) return Status::NotFound("no register '" + std::string(name) + "'", "unknown_register");
  return *out;
}

}  // namespace patron::record

#endif  // PATRON_RECORD_LWW_MERGE_H_

// A last-writer-wins register (lww.h) bound to three consecutive statement
// parameters: its value, its packed HLC and its origin, the column layout of
// every Patron table that stores registers (the replica's and the server's
// members, the member snapshot).
#ifndef PATRON_SQL_REGISTER_BINDING_H_
#define PATRON_SQL_REGISTER_BINDING_H_

#include <optional>
#include <string>
#include <type_traits>

#include "patron/lww.h"
#include "patron/sql/statement.h"

namespace patron::sql {

template <typename T>
void BindRegister(Statement& s, int first, const LwwRegister<T>& reg) {
  if constexpr (std::is_same_v<T, std::string>) {
    s.BindText(first, reg.value);
  } else if constexpr (std::is_same_v<T, bool>) {
    s.BindBool(first, reg.value);
  } else {
    static_assert(std::is_same_v<T, std::optional<std::string>>);
    s.BindOptionalText(first, reg.value);
  }
  s.BindInt64(first + 1, reg.hlc.Packed());
  s.BindText(first + 2, reg.origin);
}

}  // namespace patron::sql

#endif  // PATRON_SQL_REGISTER_BINDING_H_

// JsonReader: a strict pull reader of one JSON text (RFC 8259) for decoders
// on hot paths, where building a DOM costs more than the work itself (a push
// of 5,000 ledger entries spent 6-9 µs an entry in nlohmann's parser). It
// reads values in document order without allocating, except to unescape
// strings, and refuses what nlohmann::json::parse refuses: invalid UTF-8,
// control characters in strings, trailing text, nesting beyond a limit,
// numbers beyond double's range, and (as patron::json::Parse does) a key
// repeated within one object, at any depth ("duplicate_key": a reader must
// not let the last of two amounts win). A reader reports the first error it
// meets: a decoder that wants nlohmann's reason for a body that is both
// mistyped early and malformed later checks the syntax again (CheckSyntax).
//
//   JsonReader reader(body);
//   PATRON_RETURN_IF_ERROR(reader.BeginObject());
//   std::string_view key;
//   while (true) {
//     PATRON_ASSIGN_OR_RETURN(bool more, reader.NextKey(key));
//     if (!more) break;
//     if (key == "points") PATRON_RETURN_IF_ERROR(reader.ReadInt64(points));
//     else PATRON_RETURN_IF_ERROR(reader.SkipValue());
//   }
//   PATRON_RETURN_IF_ERROR(reader.Finish());
//
// Errors are InvalidArgument with the reasons patron::json::Parse gives:
// "malformed_json" for syntax, "json_too_deep" past max_depth nested
// objects and arrays, "duplicate_key" for a repeated key; and "invalid_field" for a value of another type than
// asked for (the caller names the field). After an error the reader is not
// to be used again.
#ifndef PATRON_JSON_READER_H_
#define PATRON_JSON_READER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "patron/status.h"

namespace patron {

// The refusal of a key repeated within one JSON object ("duplicate_key",
// naming it), as JsonReader and patron::json::Parse give it.
Status JsonDuplicateKeyError(std::string_view key);

class JsonReader {
 public:
  explicit JsonReader(std::string_view text, int max_depth = 16);

  // The next value's kind, without consuming it.
  enum class Kind { kObject, kArray, kString, kNumber, kBool, kNull, kEnd };
  Kind Peek();

  Status BeginObject();
  // Inside an object: true with the next member's key (the reader is then
  // before its value), or false once the object's '}' has been read. `key`
  // stays valid until the next call on the reader.
  Result<bool> NextKey(std::string_view& key);
  Status BeginArray();
  // Inside an array: true if another element follows (the reader is before
  // it), or false once the array's ']' has been read.
  Result<bool> NextElement();

  Status ReadString(std::string& out);
  // An integer literal within int64 (no fraction, no exponent).
  Status ReadInt64(int64_t& out);
  Status ReadBool(bool& out);
  // Reads a null if one comes next; false (nothing read) otherwise.
  bool ReadNullIf();
  // Skips the next value, however deeply nested (within max_depth).
  Status SkipValue();
  // Skips the next value and returns its text, for a decoder that hands an
  // unusual part of a message to a general parser.
  Result<std::string_view> RawValue();
  // Only whitespace may remain.
  Status Finish();

  // OK if `text` is one well-formed JSON value within `max_depth`, else the
  // syntax or depth error a reader would give.
  static Status CheckSyntax(std::string_view text, int max_depth);

 private:
  void SkipSpace();
  // OK if the next value is of `kind`; else a syntax error at the end of the
  // text or where no value starts, a type error ("invalid_field") otherwise.
  Status ExpectKind(Kind kind, std::string_view expected);
  // Reads the '{' or '[' of the next value if it is of `kind`.
  Status Open(Kind kind, std::string_view expected);
  Status Syntax(std::string_view what) const;
  Status TooDeep() const;
  Status Expect(char c);
  // Reads a string literal; its content, unescaped, is `view` (into the text
  // when it has no escapes, else into scratch_).
  Status ReadStringView(std::string_view& view);
  Status SkipNumber();
  Status SkipLiteral(std::string_view word);

  std::string_view text_;
  size_t pos_ = 0;
  int depth_ = 0;
  int max_depth_;
  // Per open container: whether a member or element has been read, so the
  // next needs a ',' first.
  uint64_t started_ = 0;
  std::string scratch_;
  // The keys read so far of the object open at each depth (index: depth_),
  // to refuse a repeated one. Objects are small (a ledger entry has ~20
  // keys), so a linear scan beats hashing; the vectors keep their capacity
  // from object to object and short keys fit in std::string's own buffer.
  std::vector<std::vector<std::string>> keys_;
};

}  // namespace patron

#endif  // PATRON_JSON_READER_H_

// JSON text written directly, without a DOM: the writing half of the record
// codecs (record/record_json.h), whose reading half is JsonReader.
#ifndef PATRON_JSON_WRITER_H_
#define PATRON_JSON_WRITER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace patron {

// Appends `value` as a JSON string literal: quotes, backslashes and control
// characters escaped, other text as UTF-8. Bytes that are not well-formed
// UTF-8 are each replaced by U+FFFD, so what is written is always valid JSON
// (text read back from storage may hold anything).
void AppendJsonString(std::string_view value, std::string& out);

// The length of the well-formed UTF-8 sequence that starts text[0] (a byte
// >= 0x80), or 0 if none does (overlong forms and surrogates included).
size_t Utf8SequenceLength(std::string_view text);

}  // namespace patron

#endif  // PATRON_JSON_WRITER_H_

#include "patron/json_reader.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

#include "patron/json_writer.h"

namespace patron {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The power of ten of the first significant digit of a well-formed JSON
// number that is not zero: "123" 2, "0.05" -2, "1.5e5" 5. Exponents
// saturate far beyond double's range, so the sign is always right.
int64_t LeadingPower(std::string_view number) {
  size_t i = number[0] == '-' ? 1 : 0;
  const size_t mantissa_end = std::min(number.find_first_of("eE"), number.size());
  const size_t point = std::min(number.find('.'), mantissa_end);
  int64_t power = 0;
  for (; i < mantissa_end; ++i) {
    if (IsDigit(number[i]) && number[i] != '0') {
      power = i < point ? static_cast<int64_t>(point - i - 1) : -static_cast<int64_t>(i - point);
      break;
    }
  }
  if (mantissa_end == number.size()) return power;
  size_t e = mantissa_end + 1;
  const bool negative = number[e] == '-';
  if (number[e] == '-' || number[e] == '+') ++e;
  int64_t exponent = 0;
  for (; e < number.size(); ++e)
    exponent = std::min<int64_t>(exponent * 10 + (number[e] - '0'), 1'000'000'000);
  return power + (negative ? -exponent : exponent);
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendUtf8(uint32_t code_point, std::string& out) {
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xC0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    out += static_cast<char>(0xE0 | (code_point >> 12));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code_point >> 18));
    out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
}

Status WrongKind(std::string_view expected) {
  return Status::InvalidArgument("expected " + std::string(expected), "invalid_field");
}

}  // namespace

Status JsonDuplicateKeyError(std::string_view key) {
  constexpr size_t kMaxShown = 64;
  std::string shown(key.substr(0, kMaxShown));
  if (key.size() > kMaxShown) shown += "...";
  return Status::InvalidArgument(
      "duplicate key \"" + shown + "\" in a JSON object: each field may appear once",
      "duplicate_key");
}

JsonReader::JsonReader(std::string_view text, int max_depth)
    : text_(text), max_depth_(max_depth < 63 ? max_depth : 63) {
  // nlohmann skips a UTF-8 byte order mark before the value; so does this.
  if (text_.starts_with("\xEF\xBB\xBF")) pos_ = 3;
}

void JsonReader::SkipSpace() {
  while (pos_ < text_.size() && IsSpace(text_[pos_])) ++pos_;
}

Status JsonReader::Syntax(std::string_view what) const {
  return Status::InvalidArgument(
      "malformed JSON near byte " + std::to_string(pos_) + ": " + std::string(what),
      "malformed_json");
}

Status JsonReader::TooDeep() const {
  return Status::InvalidArgument("JSON nested deeper than " + std::to_string(max_depth_) +
                                     " levels",
                                 "json_too_deep");
}

Status JsonReader::Expect(char c) {
  SkipSpace();
  if (pos_ >= text_.size() || text_[pos_] != c) {
    return Syntax(std::string("expected '") + c + "'");
  }
  ++pos_;
  return Status::OK();
}

JsonReader::Kind JsonReader::Peek() {
  SkipSpace();
  if (pos_ >= text_.size()) return Kind::kEnd;
  const char c = text_[pos_];
  if (c == '{') return Kind::kObject;
  if (c == '[') return Kind::kArray;
  if (c == '"') return Kind::kString;
  if (c == '-' || IsDigit(c)) return Kind::kNumber;
  if (c == 't' || c == 'f') return Kind::kBool;
  if (c == 'n') return Kind::kNull;
  return Kind::kEnd;
}

Status JsonReader::ExpectKind(Kind kind, std::string_view expected) {
  const Kind next = Peek();
  if (next == kind) return Status::OK();
  return next == Kind::kEnd ? Syntax("expected a value") : WrongKind(expected);
}

Status JsonReader::Open(Kind kind, std::string_view expected) {
  PATRON_RETURN_IF_ERROR(ExpectKind(kind, expected));
  if (depth_ >= max_depth_) return TooDeep();
  ++pos_;
  ++depth_;
  started_ &= ~(uint64_t{1} << depth_);
  if (kind == Kind::kObject) {
    const size_t level = static_cast<size_t>(depth_);
    if (keys_.size() <= level) keys_.resize(level + 1);
    keys_[level].clear();
  }
  return Status::OK();
}

Status JsonReader::BeginObject() { return Open(Kind::kObject, "an object"); }

Status JsonReader::BeginArray() { return Open(Kind::kArray, "an array"); }

Result<bool> JsonReader::NextKey(std::string_view& key) {
  SkipSpace();
  const uint64_t bit = uint64_t{1} << depth_;
  if (pos_ < text_.size() && text_[pos_] == '}' && depth_ > 0) {
    ++pos_;
    --depth_;
    return false;
  }
  if ((started_ & bit) != 0) PATRON_RETURN_IF_ERROR(Expect(','));
  started_ |= bit;
  SkipSpace();
  if (pos_ >= text_.size() || text_[pos_] != '"') return Syntax("expected a member name");
  PATRON_RETURN_IF_ERROR(ReadStringView(key));
  const size_t level = static_cast<size_t>(depth_);
  if (keys_.size() <= level) keys_.resize(level + 1);
  std::vector<std::string>& seen = keys_[level];
  for (const std::string& earlier : seen) {
    if (earlier == key) return JsonDuplicateKeyError(key);
  }
  seen.emplace_back(key);
  PATRON_RETURN_IF_ERROR(Expect(':'));
  return true;
}

Result<bool> JsonReader::NextElement() {
  SkipSpace();
  const uint64_t bit = uint64_t{1} << depth_;
  if (pos_ < text_.size() && text_[pos_] == ']' && depth_ > 0) {
    ++pos_;
    --depth_;
    return false;
  }
  if ((started_ & bit) != 0) PATRON_RETURN_IF_ERROR(Expect(','));
  started_ |= bit;
  return true;
}

Status JsonReader::ReadStringView(std::string_view& view) {
  PATRON_RETURN_IF_ERROR(ExpectKind(Kind::kString, "a string"));
  ++pos_;
  const size_t start = pos_;
  bool escaped = false;  // scratch_ holds the content read so far
  size_t run = pos_;     // start of the bytes not yet copied to scratch_
  while (true) {
    if (pos_ >= text_.size()) return Syntax("unterminated string");
    const unsigned char c = static_cast<unsigned char>(text_[pos_]);
    if (c == '"') break;
    if (c < 0x20) return Syntax("control character in a string");
    if (c >= 0x80) {
      const size_t length = Utf8SequenceLength(text_.substr(pos_));
      if (length == 0) return Syntax("invalid UTF-8 in a string");
      pos_ += length;
      continue;
    }
    if (c != '\\') {
      ++pos_;
      continue;
    }
    if (!escaped) scratch_.clear();
    escaped = true;
    scratch_.append(text_.substr(run, pos_ - run));
    if (pos_ + 1 >= text_.size()) return Syntax("unterminated string");
    const char e = text_[pos_ + 1];
    pos_ += 2;
    switch (e) {
      case '"': scratch_ += '"'; break;
      case '\\': scratch_ += '\\'; break;
      case '/': scratch_ += '/'; break;
      case 'b': scratch_ += '\b'; break;
      case 'f': scratch_ += '\f'; break;
      case 'n': scratch_ += '\n'; break;
      case 'r': scratch_ += '\r'; break;
      case 't': scratch_ += '\t'; break;
      case 'u': {
        auto read_unit = [&](uint32_t& unit) -> bool {
          if (pos_ + 4 > text_.size()) return false;
          unit = 0;
          for (int i = 0; i < 4; ++i) {
            const int h = HexValue(text_[pos_ + static_cast<size_t>(i)]);
            if (h < 0) return false;
            unit = (unit << 4) | static_cast<uint32_t>(h);
          }
          pos_ += 4;
          return true;
        };
        uint32_t unit = 0;
        if (!read_unit(unit)) return Syntax("invalid \\u escape");
        if (unit >= 0xDC00 && unit <= 0xDFFF) return Syntax("lone low surrogate");
        if (unit >= 0xD800 && unit <= 0xDBFF) {
          uint32_t low = 0;
          if (pos_ + 2 > text_.size() || text_[pos_] != '\\' || text_[pos_ + 1] != 'u') {
            return Syntax("lone high surrogate");
          }
          pos_ += 2;
          if (!read_unit(low) || low < 0xDC00 || low > 0xDFFF) {
            return Syntax("invalid surrogate pair");
          }
          unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
        }
        AppendUtf8(unit, scratch_);
        break;
      }
      default:
        return Syntax("invalid escape");
    }
    run = pos_;
  }
  if (escaped) {
    scratch_.append(text_.substr(run, pos_ - run));
    view = scratch_;
  } else {
    view = text_.substr(start, pos_ - start);
  }
  ++pos_;  // the closing quote
  return Status::OK();
}

Status JsonReader::ReadString(std::string& out) {
  std::string_view view;
  PATRON_RETURN_IF_ERROR(ReadStringView(view));
  out.assign(view.data(), view.size());
  return Status::OK();
}

Status JsonReader::ReadInt64(int64_t& out) {
  PATRON_RETURN_IF_ERROR(ExpectKind(Kind::kNumber, "an integer"));
  const size_t start = pos_;
  const bool negative = text_[pos_] == '-';
  if (negative) ++pos_;
  if (pos_ >= text_.size() || !IsDigit(text_[pos_])) return Syntax("invalid number");
  uint64_t magnitude = 0;
  const uint64_t limit =
      negative ? uint64_t{1} << 63 : static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  bool overflow = false;
  if (text_[pos_] == '0') {
    ++pos_;
  } else {
    while (pos_ < text_.size() && IsDigit(text_[pos_])) {
      const uint64_t digit = static_cast<uint64_t>(text_[pos_] - '0');
      if (magnitude > (limit - digit) / 10) overflow = true;
      if (!overflow) magnitude = magnitude * 10 + digit;
      ++pos_;
    }
  }
  if (pos_ < text_.size() && (text_[pos_] == '.' || text_[pos_] == 'e' || text_[pos_] == 'E')) {
    pos_ = start;
    PATRON_RETURN_IF_ERROR(SkipNumber());
    return WrongKind("an integer");
  }
  if (pos_ < text_.size() && IsDigit(text_[pos_])) return Syntax("leading zero in a number");
  if (overflow) {
    // Beyond int64, and perhaps beyond a double too: that is a syntax error,
    // as CheckSyntax says.
    pos_ = start;
    PATRON_RETURN_IF_ERROR(SkipNumber());
    return WrongKind("an integer within int64 range");
  }
  out = negative ? static_cast<int64_t>(~magnitude + 1) : static_cast<int64_t>(magnitude);
  return Status::OK();
}

Status JsonReader::SkipNumber() {
  SkipSpace();
  const size_t start = pos_;
  if (pos_ < text_.size() && text_[pos_] == '-') ++pos_;
  if (pos_ >= text_.size() || !IsDigit(text_[pos_])) return Syntax("invalid number");
  if (text_[pos_] == '0') {
    ++pos_;
  } else {
    while (pos_ < text_.size() && IsDigit(text_[pos_])) ++pos_;
  }
  if (pos_ < text_.size() && text_[pos_] == '.') {
    ++pos_;
    if (pos_ >= text_.size() || !IsDigit(text_[pos_])) return Syntax("invalid number");
    while (pos_ < text_.size() && IsDigit(text_[pos_])) ++pos_;
  }
  if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
    ++pos_;
    if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
    if (pos_ >= text_.size() || !IsDigit(text_[pos_])) return Syntax("invalid number");
    while (pos_ < text_.size() && IsDigit(text_[pos_])) ++pos_;
  }
  // nlohmann refuses a number beyond double's range; so does this reader
  // (from_chars: whatever the locale).
  double value = 0;
  const auto [end, error] = std::from_chars(text_.data() + start, text_.data() + pos_, value);
  // from_chars also reports underflow as out of range; nlohmann reads a
  // number too small for a double as zero or a denormal, and so does this.
  const bool overflow = error == std::errc::result_out_of_range
                            ? LeadingPower(text_.substr(start, pos_ - start)) > 0
                            : std::isinf(value);
  if (overflow) {
    return Syntax("number out of range");
  }
  return Status::OK();
}

Status JsonReader::SkipLiteral(std::string_view word) {
  SkipSpace();
  if (text_.substr(pos_, word.size()) != word) return Syntax("invalid literal");
  pos_ += word.size();
  return Status::OK();
}

Status JsonReader::ReadBool(bool& out) {
  PATRON_RETURN_IF_ERROR(ExpectKind(Kind::kBool, "a boolean"));
  out = text_[pos_] == 't';
  return SkipLiteral(out ? "true" : "false");
}

bool JsonReader::ReadNullIf() {
  if (Peek() != Kind::kNull || text_.substr(pos_, 4) != "null") return false;
  pos_ += 4;
  return true;
}

Status JsonReader::SkipValue() {
  switch (Peek()) {
    case Kind::kObject: {
      PATRON_RETURN_IF_ERROR(BeginObject());
      std::string_view key;
      while (true) {
        PATRON_ASSIGN_OR_RETURN(bool more, NextKey(key));
        if (!more) return Status::OK();
        PATRON_RETURN_IF_ERROR(SkipValue());
      }
    }
    case Kind::kArray: {
      PATRON_RETURN_IF_ERROR(BeginArray());
      while (true) {
        PATRON_ASSIGN_OR_RETURN(bool more, NextElement());
        if (!more) return Status::OK();
        PATRON_RETURN_IF_ERROR(SkipValue());
      }
    }
    case Kind::kString: {
      std::string_view ignored;
      return ReadStringView(ignored);
    }
    case Kind::kNumber:
      return SkipNumber();
    case Kind::kBool:
      return SkipLiteral(text_[pos_] == 't' ? "true" : "false");
    case Kind::kNull:
      return SkipLiteral("null");
    case Kind::kEnd:
      break;
  }
  return Syntax("expected a value");
}

Result<std::string_view> JsonReader::RawValue() {
  SkipSpace();
  const size_t start = pos_;
  PATRON_RETURN_IF_ERROR(SkipValue());
  return text_.substr(start, pos_ - start);
}

Status JsonReader::CheckSyntax(std::string_view text, int max_depth) {
  JsonReader reader(text, max_depth);
  PATRON_RETURN_IF_ERROR(reader.SkipValue());
  return reader.Finish();
}

Status JsonReader::Finish() {
  SkipSpace();
  if (depth_ != 0) return Syntax("unclosed object or array");
  if (pos_ != text_.size()) return Syntax("text after the value");
  return Status::OK();
}

}  // namespace patron

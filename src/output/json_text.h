#pragma once

// JSON text written straight into a string, for the records' hot path.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace forage {

// Appends compact JSON to a string, byte for byte as nlohmann::json's
// dump(-1, ' ', false, error_handler_t::replace) writes the same value
// (UTF-8 kept as it is; '"', '\\' and control characters escaped, with \b
// \f \n \r \t where JSON has them and \u00xx in lower-case hex otherwise;
// invalid UTF-8 replaced by U+FFFD as nlohmann replaces it), without
// building a json value first: a record is written an order of magnitude
// faster. The caller writes a well-formed value (keys only in objects, one
// value per key); nesting is at most kMaxDepth deep.
class JsonText {
 public:
  static constexpr int kMaxDepth = 8;

  explicit JsonText(std::string* out) : out_(out) {}

  void BeginObject() { Open('{'); }
  void EndObject() { Close('}'); }
  void BeginArray() { Open('['); }
  void EndArray() { Close(']'); }
  // An object's next member's name; its value comes next.
  void Key(std::string_view name);

  void String(std::string_view s);
  void Null();
  void Bool(bool b);
  void Number(std::int64_t n);
  void Number(std::uint64_t n);
  void Number(int n) { Number(static_cast<std::int64_t>(n)); }

  void OptionalString(const std::optional<std::string>& s);
  void StringArray(const std::vector<std::string>& strings);

 private:
  // The comma before a value, unless it is its container's first or an
  // object member's value.
  void Separate();
  void Open(char bracket);
  void Close(char bracket);

  std::string* out_;
  int depth_ = 0;
  bool after_key_ = false;
  bool has_member_[kMaxDepth + 1] = {};
};

// `s` as a JSON string, quotes and all (JsonText::String's text).
void AppendJsonString(std::string_view s, std::string* out);

}  // namespace forage

#pragma once
// A small JSON writer for answers: appends to a std::string, puts the commas
// itself, escapes strings the way JSON requires (control characters, quote,
// backslash) and passes UTF-8 through untouched. No allocation beyond the
// output string's growth.
#include <cstdint>
#include <string>
#include <string_view>

namespace kinesys::local {

class json_out {
public:
  explicit json_out(std::string& out) : out_(out) {}

  json_out& begin_object() { separate(); out_.push_back('{'); push(); return *this; }
  json_out& end_object() { pop(); out_.push_back('}'); return *this; }
  json_out& begin_array() { separate(); out_.push_back('['); push(); return *this; }
  json_out& end_array() { pop(); out_.push_back(']'); return *this; }

  /// The member name; the value written next belongs to it.
  json_out& key(std::string_view name)
  {
    separate();
    append_string(name);
    out_.push_back(':');
    after_key_ = true;
    return *this;
  }

  json_out& string(std::string_view value) { separate(); append_string(value); return *this; }
  json_out& number(std::int64_t value);
  json_out& number(std::uint64_t value);
  json_out& number(int value) { return number(static_cast<std::int64_t>(value)); }
  json_out& number(unsigned value) { return number(static_cast<std::uint64_t>(value)); }
  /// Milliseconds since the epoch written as fractional seconds, the way AWS
  /// JSON protocols encode timestamps ("1700000000.123").
  json_out& epoch_seconds(std::int64_t millis);
  json_out& boolean(bool value) { separate(); out_.append(value ? "true" : "false"); return *this; }
  json_out& null() { separate(); out_.append("null"); return *this; }
  /// Already-encoded JSON (a number's text, a nested document).
  json_out& raw(std::string_view json) { separate(); out_.append(json); return *this; }
  /// A JSON string whose content the caller writes with append_unescaped().
  json_out& begin_string() { separate(); out_.push_back('"'); return *this; }
  json_out& end_string() { out_.push_back('"'); return *this; }

  std::string& buffer() noexcept { return out_; }

  /// Appends `s` as a quoted, escaped JSON string.
  void append_string(std::string_view s);

private:
  void separate()
  {
    if (after_key_) { after_key_ = false; return; }
    if (depth_ > 0) {
      if (has_member_ & (1ull << (depth_ - 1))) out_.push_back(',');
      has_member_ |= 1ull << (depth_ - 1);
    }
  }
  void push() { ++depth_; has_member_ &= ~(1ull << (depth_ - 1)); }
  void pop() { --depth_; }

  std::string& out_;
  // One bit per nesting level: has this container a member yet? 64 levels
  // is far deeper than any answer we write (DynamoDB allows 32).
  std::uint64_t has_member_ = 0;
  int depth_ = 0;
  bool after_key_ = false;
};

}  // namespace kinesys::local

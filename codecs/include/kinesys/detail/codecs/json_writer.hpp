#pragma once
// A small, fast JSON writer for AWS request bodies. It appends to a caller's
// std::string (reuse it across requests: no allocation once it has grown)
// and inserts commas itself. It does not check nesting: a mismatched
// end_object() is a programmer error and yields invalid JSON.
#include <cstdint>
#include <string>
#include <string_view>

namespace kinesys::codecs {

/// Appends `s` as a JSON string literal (with quotes). Escapes '"', '\\' and
/// every control character below U+0020 (\b \f \n \r \t, others as \u00XX);
/// everything else, UTF-8 included, is copied byte for byte.
/// @locality any thread
void append_json_string(std::string& out, std::string_view s);

/// Appends the decimal form of an integer.
void append_json_integer(std::string& out, std::int64_t v);
void append_json_integer(std::string& out, std::uint64_t v);

class json_writer {
public:
  explicit json_writer(std::string& out) noexcept : out_(&out) {}

  json_writer& begin_object() { separate(); out_->push_back('{'); first_ = true; return *this; }
  json_writer& end_object() { out_->push_back('}'); first_ = false; return *this; }
  json_writer& begin_array() { separate(); out_->push_back('['); first_ = true; return *this; }
  json_writer& end_array() { out_->push_back(']'); first_ = false; return *this; }

  /// An object member's name; the next call writes its value.
  json_writer& key(std::string_view name)
  {
    separate();
    append_json_string(*out_, name);
    out_->push_back(':');
    first_ = true;
    return *this;
  }

  json_writer& string(std::string_view s) { separate(); append_json_string(*out_, s); return *this; }
  json_writer& number(std::int64_t v) { separate(); append_json_integer(*out_, v); return *this; }
  json_writer& number(std::uint64_t v) { separate(); append_json_integer(*out_, v); return *this; }
  json_writer& number(int v) { return number(static_cast<std::int64_t>(v)); }
  json_writer& number(unsigned v) { return number(static_cast<std::uint64_t>(v)); }
  /// A number already in JSON syntax (e.g. a DynamoDB N value), written as is.
  json_writer& raw_number(std::string_view text) { separate(); out_->append(text); return *this; }
  json_writer& boolean(bool v) { separate(); out_->append(v ? "true" : "false"); return *this; }
  json_writer& null() { separate(); out_->append("null"); return *this; }
  /// `bytes` base64-encoded as a JSON string (Kinesis Data, DynamoDB B).
  json_writer& base64_string(std::string_view bytes);
  /// A complete JSON value serialised elsewhere, inserted verbatim.
  json_writer& raw_value(std::string_view json) { separate(); out_->append(json); return *this; }

  /// Shorthands for a member: key(name).string(v) etc.
  json_writer& member(std::string_view name, std::string_view v) { return key(name).string(v); }
  json_writer& member(std::string_view name, char const* v) { return key(name).string(v); }
  json_writer& member(std::string_view name, std::int64_t v) { return key(name).number(v); }
  json_writer& member(std::string_view name, std::uint64_t v) { return key(name).number(v); }
  json_writer& member(std::string_view name, int v) { return key(name).number(v); }
  json_writer& member(std::string_view name, unsigned v) { return key(name).number(v); }
  json_writer& member(std::string_view name, bool v) { return key(name).boolean(v); }

  std::string& buffer() noexcept { return *out_; }

private:
  // A comma goes before every value or key except the first one in a
  // container and the value right after its key; one flag covers both,
  // because a finished nested container counts as a value of its parent.
  void separate()
  {
    if (!first_) out_->push_back(',');
    first_ = false;
  }

  std::string* out_;
  bool first_ = true;
};

}  // namespace kinesys::codecs

#pragma once
// The few pieces of the protobuf wire format the KPL aggregated record needs:
// varints, field keys and length-delimited fields. Written from the format's
// description; no libprotobuf.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace kinesys::codecs::detail {

enum class wire_type : std::uint8_t { varint = 0, fixed64 = 1, length_delimited = 2, start_group = 3, end_group = 4, fixed32 = 5 };

constexpr std::uint8_t field_key(unsigned field, wire_type t) noexcept
{
  return static_cast<std::uint8_t>((field << 3) | static_cast<unsigned>(t));
}

constexpr std::size_t varint_size(std::uint64_t v) noexcept
{
  std::size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

/// Writes a varint at `p` (room for 10 bytes) and returns the end.
inline char* put_varint(char* p, std::uint64_t v) noexcept
{
  while (v >= 0x80) {
    *p++ = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}

inline void append_varint(std::string& out, std::uint64_t v)
{
  char buf[10];
  out.append(buf, put_varint(buf, v));
}

/// Size of a length-delimited field with a one-byte key and `len` payload bytes.
constexpr std::size_t delimited_size(std::size_t len) noexcept { return 1 + varint_size(len) + len; }

/// Bounds-checked reader over a protobuf message. Offsets it reports are
/// relative to `origin`, the start of the whole record, so errors point at
/// the byte in what the caller passed in.
class wire_reader {
public:
  wire_reader(std::string_view bytes, std::size_t origin) noexcept : data_(bytes), origin_(origin) {}

  bool at_end() const noexcept { return pos_ == data_.size(); }
  std::size_t offset() const noexcept { return origin_ + pos_; }

  enum class status { ok, truncated, overflow };

  status read_varint(std::uint64_t& v) noexcept
  {
    v = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
      if (pos_ == data_.size()) return status::truncated;
      auto b = static_cast<std::uint8_t>(data_[pos_++]);
      // The tenth byte may only carry the top bit of a 64-bit value.
      if (shift == 63 && b > 1) return status::overflow;
      v |= std::uint64_t{b & 0x7fu} << shift;
      if (b < 0x80) return status::ok;
    }
    return status::overflow;
  }

  /// Reads a length prefix and the bytes it covers.
  status read_delimited(std::string_view& out) noexcept
  {
    std::uint64_t len = 0;
    if (auto s = read_varint(len); s != status::ok) return s;
    if (len > data_.size() - pos_) return status::truncated;
    out = data_.substr(pos_, static_cast<std::size_t>(len));
    pos_ += static_cast<std::size_t>(len);
    return status::ok;
  }

  status skip(std::size_t n) noexcept
  {
    if (n > data_.size() - pos_) return status::truncated;
    pos_ += n;
    return status::ok;
  }

  std::size_t origin_of(std::string_view inner) const noexcept
  {
    return origin_ + static_cast<std::size_t>(inner.data() - data_.data());
  }

private:
  std::string_view data_;
  std::size_t origin_;
  std::size_t pos_ = 0;
};

}  // namespace kinesys::codecs::detail

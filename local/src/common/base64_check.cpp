#include "common/base64_check.hpp"

#include <array>
#include <cstdint>

namespace kinesys::local {
namespace {

// Value of each alphabet character, 0xFF for anything else.
constexpr auto values = [] {
  std::array<std::uint8_t, 256> t{};
  for (auto& v : t) v = 0xFF;
  constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(alphabet[i])] = static_cast<std::uint8_t>(i);
  return t;
}();

}  // namespace

std::optional<std::size_t> base64_decoded_length(std::string_view text) noexcept
{
  std::size_t const n = text.size();
  if (n % 4 != 0) return std::nullopt;
  if (n == 0) return 0;
  std::size_t pad = 0;
  if (text[n - 1] == '=') pad = text[n - 2] == '=' ? 2 : 1;
  std::size_t const body = n - pad;
  // OR-ing the table values flags any invalid character (0xFF) at the end,
  // keeping the loop free of branches.
  unsigned char const* p = reinterpret_cast<unsigned char const*>(text.data());
  std::uint8_t bad = 0;
  std::size_t i = 0;
  for (; i + 8 <= body; i += 8) {
    bad |= values[p[i]] | values[p[i + 1]] | values[p[i + 2]] | values[p[i + 3]] | values[p[i + 4]] |
           values[p[i + 5]] | values[p[i + 6]] | values[p[i + 7]];
  }
  for (; i < body; ++i) bad |= values[p[i]];
  if (bad & 0x80) return std::nullopt;
  // The bits past the last encoded byte must be zero.
  if (pad == 2 && (values[p[body - 1]] & 0x0F) != 0) return std::nullopt;
  if (pad == 1 && (values[p[body - 1]] & 0x03) != 0) return std::nullopt;
  return n / 4 * 3 - pad;
}

}  // namespace kinesys::local

#pragma once
// MD5 through OpenSSL's EVP interface with the algorithm fetched once and a
// digest context reused per thread: no allocation per call.
#include <array>
#include <cstdint>
#include <string_view>

namespace kinesys::codecs::detail {

using md5_digest = std::array<std::uint8_t, 16>;  // same as codecs::md5_digest

/// @locality any thread
md5_digest md5(std::string_view data) noexcept;
/// MD5 of the concatenation of `parts`.
md5_digest md5(std::initializer_list<std::string_view> parts) noexcept;

}  // namespace kinesys::codecs::detail

#pragma once
// SHA-256, HMAC-SHA-256 and hex for SigV4, on OpenSSL 3. The digest and MAC
// algorithms are fetched once per process and their contexts reused per
// thread: SigV4 hashes three small strings per request, where fetching on
// every call would cost more than the hashing.
#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace kinesys::engine::aws::detail {

using sha256_digest = std::array<unsigned char, 32>;

/// @locality any thread
sha256_digest sha256(std::string_view data);
/// @locality any thread
sha256_digest hmac_sha256(std::span<unsigned char const> key, std::string_view data);

/// Appends lowercase hex of `bytes` to `out`.
void append_hex(std::string& out, std::span<unsigned char const> bytes);
std::string to_hex(std::span<unsigned char const> bytes);

/// Compares in time that depends only on the lengths, so a verifier does not
/// tell an attacker how many leading characters of a signature were right.
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

}  // namespace kinesys::engine::aws::detail

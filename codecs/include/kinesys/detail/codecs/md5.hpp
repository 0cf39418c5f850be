#pragma once
// MD5 (RFC 1321), used as the KPL aggregated record checksum and for hash
// keys. Our own implementation rather than OpenSSL's: the aggregator feeds
// it each user record as it is appended, with no per-call dispatch cost (an
// EVP_DigestUpdate per 100-byte record costs more than the encoding), and
// finishing then needs no second pass over a 1 MiB buffer. MD5 here is a
// checksum, not a security measure; tests compare it with OpenSSL's.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace kinesys::codecs {
using md5_digest = std::array<std::uint8_t, 16>;
}  // namespace kinesys::codecs

namespace kinesys::codecs::detail {

class md5_context {
public:
  md5_context() noexcept { reset(); }
  void reset() noexcept;
  void update(std::string_view data) noexcept;
  /// The digest of everything fed so far; the context can keep going.
  md5_digest digest() const noexcept;

private:
  friend md5_digest md5_tail(std::uint32_t const h[4], std::string_view tail, std::uint64_t total_length) noexcept;
  void finish_in_place() noexcept;
  std::uint32_t h_[4];
  std::uint64_t length_;
  std::size_t buffered_;
  unsigned char buffer_[64];
};

/// @locality any thread
md5_digest md5(std::string_view data) noexcept;

/// The MD5 of each input, computed up to eight at a time with AVX2 when
/// the CPU has it: one MD5 stream is bound by its dependency chain, so
/// several streams side by side cost little more than one.
/// `out` must have room for inputs.size() digests.
/// @locality any thread
void md5_many(std::span<std::string_view const> inputs, md5_digest* out) noexcept;

/// Internals shared by the scalar and multi-buffer paths.
void md5_blocks(std::uint32_t h[4], unsigned char const* p, std::size_t blocks) noexcept;
md5_digest md5_tail(std::uint32_t const h[4], std::string_view tail, std::uint64_t total_length) noexcept;

}  // namespace kinesys::codecs::detail

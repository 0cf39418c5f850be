#pragma once
// The compression envelope: an optional wrapper for compressed Kinesis
// record data (docs/codecs.md has the full specification).
//
//   offset 0  3 bytes  magic F5 4B 5A ("\xF5" "KZ")
//          3  1 byte   version, 1
//          4  1 byte   codec id: 1 = zstd, 2 = gzip
//          5  4 bytes  uncompressed length, unsigned little-endian
//          9  ...      the compressed bytes (a zstd frame / a gzip member)
//
// 0xF5 never occurs in UTF-8, so an envelope cannot be taken for JSON text
// (nor for the KPL magic F3 89 9A C2, a gzip member 1F 8B or a zstd frame
// 28 B5 2F FD). The length lets a reader refuse a decompression bomb before
// inflating anything and size its buffer exactly.
#include <kinesys/detail/codecs/error.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace kinesys::codecs {

inline constexpr std::array<std::uint8_t, 3> envelope_magic{0xF5, 0x4B, 0x5A};
inline constexpr std::uint8_t envelope_version = 1;
inline constexpr std::size_t envelope_header_size = 9;

enum class compression_codec : std::uint8_t { zstd = 1, gzip = 2 };

struct compression_options {
  compression_codec codec = compression_codec::zstd;
  /// zstd: 1..22 (negative levels are zstd's fast modes); gzip: 0..9.
  int level = 3;
};

/// Appends an envelope holding `data` compressed. Fails only on an input
/// above 4 GiB or a codec failure.
/// @locality any thread (zstd context reused per thread)
boost::system::result<void> compress(std::string& out, std::string_view data, compression_options opts = {});

/// True if `data` starts with the envelope magic.
bool is_envelope(std::string_view data) noexcept;

struct envelope_header {
  compression_codec codec;
  std::uint32_t uncompressed_size;
};
decode_result<envelope_header> read_envelope_header(std::string_view data);

struct decompress_limits {
  /// Largest uncompressed size accepted; larger is envelope_too_large,
  /// refused before decompressing.
  std::size_t max_uncompressed = 32 * 1024 * 1024;
};

/// Appends the bytes an envelope holds. On error `out` is left as it was.
/// @locality any thread (zstd/zlib contexts reused per thread)
decode_result<void> decompress(std::string& out, std::string_view envelope, decompress_limits limits = {});

/// Raw gzip (RFC 1952), as in records written with Python's gzip.compress:
/// no envelope, so the size is unknown and output stops at the limit.
bool is_gzip(std::string_view data) noexcept;
decode_result<void> gunzip(std::string& out, std::string_view data, decompress_limits limits = {});
boost::system::result<void> gzip(std::string& out, std::string_view data, int level = 6);

/// What a consumer does with record data: an envelope is decompressed into
/// `scratch` (cleared first) and a view of it returned; with
/// `detect_raw_gzip`, a raw gzip member likewise; anything else is returned
/// as is. The view is valid while `data` and `scratch` are unchanged.
decode_result<std::string_view> unwrap(std::string_view data, std::string& scratch, decompress_limits limits = {},
                                       bool detect_raw_gzip = false);

}  // namespace kinesys::codecs

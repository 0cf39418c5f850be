#pragma once
// The framing of every data file: [u32 payload length][u32 CRC-32C of the
// payload][payload], little-endian. A crash can leave the last frame
// half-written; reading stops at the first frame whose length runs past the
// end of the file or whose checksum does not match, and the file is cut
// there, so a torn tail is never read as data.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace kinesys::local::persist {

inline constexpr std::size_t frame_header_bytes = 8;
/// Larger frames are refused as corrupt (a record is at most ~1 MiB, an
/// item 400 KB; metadata is small).
inline constexpr std::uint32_t max_frame_payload = 64u << 20;

std::uint32_t crc32c(std::string_view data, std::uint32_t crc = 0) noexcept;

/// Appends one frame holding `payload`, which is never empty: a reader
/// takes an empty frame for the zeros a power cut can leave.
void append_frame(std::string& out, std::string_view payload);

/// Calls `on_frame` for each intact frame from the start of `data`; returns
/// the number of bytes they span (where a torn or damaged tail starts).
std::size_t read_frames(std::string_view data, std::function<void(std::string_view payload)> const& on_frame);

// Little helpers for frame payloads.
void put_u16(std::string& out, std::uint16_t v);
void put_u32(std::string& out, std::uint32_t v);
void put_u64(std::string& out, std::uint64_t v);
/// Reads from the front of `in`, advancing it; false when too short.
bool get_u16(std::string_view& in, std::uint16_t& v) noexcept;
bool get_u32(std::string_view& in, std::uint32_t& v) noexcept;
bool get_u64(std::string_view& in, std::uint64_t& v) noexcept;
bool get_bytes(std::string_view& in, std::size_t n, std::string_view& out) noexcept;

}  // namespace kinesys::local::persist

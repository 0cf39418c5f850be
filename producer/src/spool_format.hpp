#pragma once
// The spool's on-disk format. A spool file is a header followed by frames:
//
//   header  "KSYSPOOL" (8 bytes) | version u32 LE (1) | reserved u32
//   frame   length u32 LE | crc32 u32 LE (zlib CRC-32 of the body) | body
//   body    type u8 | payload
//     1 record: spool id u64 | stamp sequence u64 | stamp origin (u16 len + bytes)
//               | stream (u16 + bytes) | partition key (u16 + bytes)
//               | explicit hash key (u16 + bytes) | data (u32 + bytes)
//     2 ack:    count u32 | count × spool id u64
//
// Frames are only ever appended. A crash can leave a torn last frame (short,
// or with a CRC that does not match); reading stops at the first bad frame
// and reports where the good part ends, so the file is cut there, never
// misread. Integers are little-endian.
#include <boost/system/result.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kinesys::producer::detail {

inline constexpr std::string_view spool_magic = "KSYSPOOL";
inline constexpr std::uint32_t spool_version = 1;
inline constexpr std::size_t spool_header_size = 16;
inline constexpr std::size_t spool_frame_overhead = 8;
/// Largest body a reader accepts: a 1 MiB record plus its keys and names.
inline constexpr std::size_t spool_max_body = 2 * 1024 * 1024;

struct spooled_record {
  std::uint64_t spool_id = 0;
  std::uint64_t stamp = 0;
  std::string stamp_origin;  ///< "<ProducerId>[.<core>]" the stamp was issued under
  std::string stream;
  std::string partition_key;
  std::string explicit_hash_key;
  std::string data;
};

void append_spool_header(std::string& out);
void append_record_frame(std::string& out, std::uint64_t spool_id, std::uint64_t stamp, std::string_view stamp_origin,
                         std::string_view stream, std::string_view partition_key,
                         std::string_view explicit_hash_key, std::string_view data);
void append_ack_frame(std::string& out, std::vector<std::uint64_t> const& spool_ids);

/// What a spool file holds, in file order.
struct spool_contents {
  std::vector<spooled_record> records;
  std::vector<std::uint64_t> acks;
  /// Bytes from the start that are whole, valid frames: cut the file here.
  std::size_t good_length = 0;
  /// True if bytes after good_length were dropped (a torn or corrupt tail).
  bool torn = false;
};

enum class spool_read_error { bad_header = 1 };

/// Reads a whole spool file. A missing or foreign header is an error (the
/// file is not ours: leave it alone); a bad frame ends the good part.
boost::system::result<spool_contents, spool_read_error> read_spool(std::string_view file);

}  // namespace kinesys::producer::detail

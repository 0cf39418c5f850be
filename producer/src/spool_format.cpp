#include "spool_format.hpp"

#include <zlib.h>

#include <cstring>

namespace kinesys::producer::detail {
namespace {

void put_u16(std::string& out, std::uint16_t v) {
  out.push_back(static_cast<char>(v & 0xFF));
  out.push_back(static_cast<char>(v >> 8));
}
void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void put_u64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void put_str16(std::string& out, std::string_view s) {
  put_u16(out, static_cast<std::uint16_t>(s.size()));
  out.append(s);
}

std::uint32_t crc_of(std::string_view body) {
  return static_cast<std::uint32_t>(
      ::crc32(0L, reinterpret_cast<Bytef const*>(body.data()), static_cast<uInt>(body.size())));
}

// Writes the frame header for the body appended after `start`.
void seal_frame(std::string& out, std::size_t start) {
  std::string_view body(out.data() + start + spool_frame_overhead, out.size() - start - spool_frame_overhead);
  std::uint32_t len = static_cast<std::uint32_t>(body.size());
  std::uint32_t crc = crc_of(body);
  for (int i = 0; i < 4; ++i) {
    out[start + i] = static_cast<char>((len >> (8 * i)) & 0xFF);
    out[start + 4 + i] = static_cast<char>((crc >> (8 * i)) & 0xFF);
  }
}

class reader {
public:
  explicit reader(std::string_view s) : s_(s) {}
  bool u8(std::uint8_t& v) { return take(1, [&](char const* p) { v = static_cast<std::uint8_t>(*p); }); }
  bool u16(std::uint16_t& v) {
    return take(2, [&](char const* p) {
      v = static_cast<std::uint16_t>(static_cast<unsigned char>(p[0]) | static_cast<unsigned char>(p[1]) << 8);
    });
  }
  bool u32(std::uint32_t& v) {
    return take(4, [&](char const* p) {
      v = 0;
      for (int i = 0; i < 4; ++i) v |= std::uint32_t{static_cast<unsigned char>(p[i])} << (8 * i);
    });
  }
  bool u64(std::uint64_t& v) {
    return take(8, [&](char const* p) {
      v = 0;
      for (int i = 0; i < 8; ++i) v |= std::uint64_t{static_cast<unsigned char>(p[i])} << (8 * i);
    });
  }
  bool bytes(std::size_t n, std::string& out) {
    return take(n, [&](char const* p) { out.assign(p, n); });
  }
  bool str16(std::string& out) {
    std::uint16_t n = 0;
    return u16(n) && bytes(n, out);
  }
  bool done() const { return pos_ == s_.size(); }

private:
  template <class F>
  bool take(std::size_t n, F&& f) {
    if (s_.size() - pos_ < n) return false;
    f(s_.data() + pos_);
    pos_ += n;
    return true;
  }
  std::string_view s_;
  std::size_t pos_ = 0;
};

}  // namespace

void append_spool_header(std::string& out) {
  out.append(spool_magic);
  put_u32(out, spool_version);
  put_u32(out, 0);
}

void append_record_frame(std::string& out, std::uint64_t spool_id, std::uint64_t stamp, std::string_view stamp_origin,
                         std::string_view stream, std::string_view partition_key,
                         std::string_view explicit_hash_key, std::string_view data) {
  std::size_t start = out.size();
  out.append(spool_frame_overhead, '\0');
  out.push_back(1);
  put_u64(out, spool_id);
  put_u64(out, stamp);
  put_str16(out, stamp_origin);
  put_str16(out, stream);
  put_str16(out, partition_key);
  put_str16(out, explicit_hash_key);
  put_u32(out, static_cast<std::uint32_t>(data.size()));
  out.append(data);
  seal_frame(out, start);
}

void append_ack_frame(std::string& out, std::vector<std::uint64_t> const& spool_ids) {
  std::size_t start = out.size();
  out.append(spool_frame_overhead, '\0');
  out.push_back(2);
  put_u32(out, static_cast<std::uint32_t>(spool_ids.size()));
  for (auto id : spool_ids) put_u64(out, id);
  seal_frame(out, start);
}

boost::system::result<spool_contents, spool_read_error> read_spool(std::string_view file) {
  if (file.size() < spool_header_size || file.substr(0, spool_magic.size()) != spool_magic)
    return spool_read_error::bad_header;
  reader header(file.substr(spool_magic.size(), 8));
  std::uint32_t version = 0;
  header.u32(version);
  if (version != spool_version) return spool_read_error::bad_header;

  spool_contents c;
  std::size_t pos = spool_header_size;
  c.good_length = pos;
  while (pos < file.size()) {
    reader frame(file.substr(pos));
    std::uint32_t len = 0, crc = 0;
    if (!frame.u32(len) || !frame.u32(crc) || len == 0 || len > spool_max_body ||
        file.size() - pos - spool_frame_overhead < len)
      break;
    std::string_view body = file.substr(pos + spool_frame_overhead, len);
    if (crc_of(body) != crc) break;
    reader b(body);
    std::uint8_t type = 0;
    b.u8(type);
    bool ok = false;
    if (type == 1) {
      spooled_record r;
      std::uint32_t data_len = 0;
      ok = b.u64(r.spool_id) && b.u64(r.stamp) && b.str16(r.stamp_origin) && b.str16(r.stream) &&
           b.str16(r.partition_key) && b.str16(r.explicit_hash_key) && b.u32(data_len) && b.bytes(data_len, r.data) &&
           b.done();
      if (ok) c.records.push_back(std::move(r));
    } else if (type == 2) {
      std::uint32_t n = 0;
      ok = b.u32(n) && std::size_t{n} * 8 == len - 5;
      for (std::uint32_t i = 0; ok && i < n; ++i) {
        std::uint64_t id = 0;
        ok = b.u64(id);
        c.acks.push_back(id);
      }
    }
    // A frame with a good CRC but a body we cannot parse was not written by
    // this version: stop there as for a torn tail.
    if (!ok) break;
    pos += spool_frame_overhead + len;
    c.good_length = pos;
  }
  c.torn = c.good_length < file.size();
  return c;
}

}  // namespace kinesys::producer::detail

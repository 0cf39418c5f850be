#include <kinesys/codecs.hpp>

#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include <cstring>
#include <limits>
#include <memory>

namespace kinesys::codecs {
namespace {

struct cctx_deleter {
  void operator()(ZSTD_CCtx* c) const noexcept { ZSTD_freeCCtx(c); }
};
struct dctx_deleter {
  void operator()(ZSTD_DCtx* c) const noexcept { ZSTD_freeDCtx(c); }
};

// zstd contexts are expensive to build (hundreds of KiB at level 3) and
// cheap to reuse, so each thread keeps one of each.
ZSTD_CCtx* thread_cctx()
{
  thread_local std::unique_ptr<ZSTD_CCtx, cctx_deleter> c(ZSTD_createCCtx());
  return c.get();
}
ZSTD_DCtx* thread_dctx()
{
  thread_local std::unique_ptr<ZSTD_DCtx, dctx_deleter> c(ZSTD_createDCtx());
  return c.get();
}

// A zlib inflate stream per thread, reset between uses; gzip framing only.
struct inflater {
  z_stream zs{};
  bool ok = false;
  inflater() { ok = inflateInit2(&zs, 16 + MAX_WBITS) == Z_OK; }
  ~inflater()
  {
    if (ok) inflateEnd(&zs);
  }
  inflater(inflater const&) = delete;
  inflater& operator=(inflater const&) = delete;
};
z_stream* thread_inflater()
{
  thread_local inflater in;
  if (!in.ok) return nullptr;
  inflateReset(&in.zs);
  return &in.zs;
}

void put_u32le(char* p, std::uint32_t v) noexcept
{
  for (int i = 0; i < 4; ++i) p[i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

std::uint32_t get_u32le(char const* p) noexcept
{
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<std::uint8_t>(p[i]);
  return v;
}

boost::system::result<void> deflate_gzip(std::string& out, std::string_view data, int level)
{
  z_stream zs{};
  if (deflateInit2(&zs, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    return make_error_code(errc::compression_failed);
  std::size_t const old = out.size();
  std::size_t bound = deflateBound(&zs, static_cast<uLong>(data.size()));
  out.resize(old + bound);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data() + old);
  zs.avail_out = static_cast<uInt>(bound);
  int rc = deflate(&zs, Z_FINISH);
  std::size_t produced = zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) {
    out.resize(old);
    return make_error_code(errc::compression_failed);
  }
  out.resize(old + produced);
  return {};
}

// Inflates gzip members into out[old, old + cap) and returns the number of
// bytes produced. With `grow`, the buffer doubles up to `max`; without, cap
// is the declared size. Output past the limit is an error either way, which
// is what stops a decompression bomb.
decode_result<std::size_t> inflate_gzip(std::string& out, std::size_t old, std::size_t cap, std::string_view data,
                                        std::size_t origin, bool grow, std::size_t max)
{
  z_stream* zs = thread_inflater();
  if (!zs) return decode_error{errc::decompression_failed, origin, "zlib init"};
  zs->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs->avail_in = static_cast<uInt>(data.size());
  std::size_t produced = 0;
  for (;;) {
    if (produced == cap) {
      if (!grow || cap == max) {
        // Output is full: any further byte means the data is longer than allowed.
        unsigned char probe;
        zs->next_out = &probe;
        zs->avail_out = 1;
        int rc = inflate(zs, Z_NO_FLUSH);
        if (zs->avail_out == 0)
          return decode_error{grow ? errc::envelope_too_large : errc::envelope_length_mismatch, origin,
                              grow ? "gzip output above max_uncompressed" : "gzip output longer than declared"};
        if (rc == Z_STREAM_END && zs->avail_in == 0) return produced;
        if (rc == Z_STREAM_END) {
          inflateReset(zs);
          continue;
        }
        return decode_error{errc::decompression_failed, origin + (data.size() - zs->avail_in), "gzip data"};
      }
      cap = std::min(max, std::max<std::size_t>(cap * 2, 64 * 1024));
      out.resize(old + cap);
    }
    zs->next_out = reinterpret_cast<Bytef*>(out.data() + old + produced);
    zs->avail_out = static_cast<uInt>(cap - produced);
    int rc = inflate(zs, Z_NO_FLUSH);
    produced = cap - zs->avail_out;
    if (rc == Z_STREAM_END) {
      if (zs->avail_in == 0) return produced;
      // Concatenated members decode as one stream, as gzip(1) does.
      inflateReset(zs);
      continue;
    }
    if (rc == Z_BUF_ERROR && zs->avail_in == 0)
      return decode_error{errc::decompression_failed, origin + data.size(), "gzip data (truncated)"};
    if (rc != Z_OK && rc != Z_BUF_ERROR)
      return decode_error{errc::decompression_failed, origin + (data.size() - zs->avail_in), "gzip data"};
  }
}

}  // namespace

bool is_envelope(std::string_view data) noexcept
{
  return data.size() >= envelope_magic.size() && std::memcmp(data.data(), envelope_magic.data(), envelope_magic.size()) == 0;
}

bool is_gzip(std::string_view data) noexcept
{
  return data.size() >= 2 && static_cast<std::uint8_t>(data[0]) == 0x1f && static_cast<std::uint8_t>(data[1]) == 0x8b;
}

boost::system::result<void> compress(std::string& out, std::string_view data, compression_options opts)
{
  if (data.size() > std::numeric_limits<std::uint32_t>::max()) return make_error_code(errc::envelope_too_large);
  std::size_t const old = out.size();
  char header[envelope_header_size];
  std::memcpy(header, envelope_magic.data(), envelope_magic.size());
  header[3] = static_cast<char>(envelope_version);
  header[4] = static_cast<char>(opts.codec);
  put_u32le(header + 5, static_cast<std::uint32_t>(data.size()));
  out.append(header, sizeof header);

  if (opts.codec == compression_codec::gzip) {
    auto r = deflate_gzip(out, data, opts.level);
    if (!r) out.resize(old);
    return r;
  }
  if (opts.codec != compression_codec::zstd) {
    out.resize(old);
    return make_error_code(errc::envelope_unknown_codec);
  }
  ZSTD_CCtx* c = thread_cctx();
  std::size_t bound = ZSTD_compressBound(data.size());
  out.resize(old + envelope_header_size + bound);
  ZSTD_CCtx_reset(c, ZSTD_reset_session_only);
  ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, opts.level);
  // A frame checksum catches corruption that the length check would not.
  ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1);
  std::size_t n = ZSTD_compress2(c, out.data() + old + envelope_header_size, bound, data.data(), data.size());
  if (ZSTD_isError(n)) {
    out.resize(old);
    return make_error_code(errc::compression_failed);
  }
  out.resize(old + envelope_header_size + n);
  return {};
}

decode_result<envelope_header> read_envelope_header(std::string_view data)
{
  if (!is_envelope(data)) return decode_error{errc::envelope_truncated, 0, "envelope magic"};
  if (data.size() < envelope_header_size) return decode_error{errc::envelope_truncated, data.size(), "envelope header (9 bytes)"};
  if (static_cast<std::uint8_t>(data[3]) != envelope_version) return decode_error{errc::envelope_bad_version, 3, "envelope version"};
  auto codec = static_cast<std::uint8_t>(data[4]);
  if (codec != static_cast<std::uint8_t>(compression_codec::zstd) && codec != static_cast<std::uint8_t>(compression_codec::gzip))
    return decode_error{errc::envelope_unknown_codec, 4, "envelope codec id"};
  return envelope_header{static_cast<compression_codec>(codec), get_u32le(data.data() + 5)};
}

decode_result<void> decompress(std::string& out, std::string_view envelope, decompress_limits limits)
{
  auto h = read_envelope_header(envelope);
  if (!h) return h.error();
  if (h->uncompressed_size > limits.max_uncompressed)
    return decode_error{errc::envelope_too_large, 5, "envelope uncompressed length above max_uncompressed"};
  std::string_view payload = envelope.substr(envelope_header_size);
  std::size_t const old = out.size();
  std::size_t const n = h->uncompressed_size;
  out.resize(old + n);

  if (h->codec == compression_codec::gzip) {
    auto r = inflate_gzip(out, old, n, payload, envelope_header_size, false, n);
    if (!r) {
      out.resize(old);
      return r.error();
    }
    if (*r != n) {
      out.resize(old);
      return decode_error{errc::envelope_length_mismatch, 5, "gzip output shorter than declared"};
    }
    return {};
  }

  std::size_t got = ZSTD_decompressDCtx(thread_dctx(), out.data() + old, n, payload.data(), payload.size());
  if (ZSTD_isError(got)) {
    out.resize(old);
    if (ZSTD_getErrorCode(got) == ZSTD_error_dstSize_tooSmall)
      return decode_error{errc::envelope_length_mismatch, 5, "zstd output longer than declared"};
    return decode_error{errc::decompression_failed, envelope_header_size, "zstd frame"};
  }
  if (got != n) {
    out.resize(old);
    return decode_error{errc::envelope_length_mismatch, 5, "zstd output shorter than declared"};
  }
  return {};
}

decode_result<void> gunzip(std::string& out, std::string_view data, decompress_limits limits)
{
  std::size_t const old = out.size();
  std::size_t cap = std::min(limits.max_uncompressed, std::max<std::size_t>(data.size() * 4, 4096));
  out.resize(old + cap);
  auto r = inflate_gzip(out, old, cap, data, 0, true, limits.max_uncompressed);
  if (!r) {
    out.resize(old);
    return r.error();
  }
  out.resize(old + *r);
  return {};
}

boost::system::result<void> gzip(std::string& out, std::string_view data, int level)
{
  return deflate_gzip(out, data, level);
}

decode_result<std::string_view> unwrap(std::string_view data, std::string& scratch, decompress_limits limits,
                                       bool detect_raw_gzip)
{
  if (is_envelope(data)) {
    scratch.clear();
    if (auto r = decompress(scratch, data, limits); !r) return r.error();
    return std::string_view(scratch);
  }
  if (detect_raw_gzip && is_gzip(data)) {
    scratch.clear();
    if (auto r = gunzip(scratch, data, limits); !r) return r.error();
    return std::string_view(scratch);
  }
  return data;
}

}  // namespace kinesys::codecs

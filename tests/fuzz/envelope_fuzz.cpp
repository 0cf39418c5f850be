// The compression envelope decoder and raw gunzip: no crash, no output past
// the limit, and whatever decodes survives a round trip.
#include <kinesys/codecs.hpp>

#include <cstdlib>
#include <string>

namespace codecs = kinesys::codecs;

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
  std::string_view raw(reinterpret_cast<char const*>(data), size);
  codecs::decompress_limits const limits{.max_uncompressed = 1 << 20};
  std::string out;

  // Reach the payload decoders even when the fuzzer has not found the
  // magic: frame the input as a zstd and as a gzip envelope too.
  std::string framed[3] = {std::string(raw), {}, {}};
  for (int codec = 1; codec <= 2 && size >= 4; ++codec) {
    framed[codec] = std::string("\xF5KZ\x01", 4);
    framed[codec] += static_cast<char>(codec);
    framed[codec] += raw;
  }
  for (auto const& input : framed) {
    out.assign("keep");
    auto r = codecs::decompress(out, input, limits);
    if (!r) {
      if (out != "keep") std::abort();  // failure leaves the output untouched
      continue;
    }
    if (out.size() - 4 > limits.max_uncompressed) std::abort();
    auto h = codecs::read_envelope_header(input);
    if (!h || out.size() - 4 != h->uncompressed_size) std::abort();
    std::string again, back;
    if (!codecs::compress(again, std::string_view(out).substr(4), {h->codec, 1})) std::abort();
    if (!codecs::decompress(back, again, limits) || back != std::string_view(out).substr(4)) std::abort();
  }

  out.clear();
  if (auto r = codecs::gunzip(out, raw, limits); r && out.size() > limits.max_uncompressed) std::abort();
  std::string scratch;
  (void)codecs::unwrap(raw, scratch, limits, true);
  return 0;
}

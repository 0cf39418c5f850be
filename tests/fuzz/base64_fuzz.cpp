// base64: decoding is strict, so anything that decodes must encode back to
// exactly the same text; encoding then decoding returns the input; the
// vectorised and scalar encoders agree.
#include <kinesys/codecs.hpp>

#include <cstdlib>
#include <string>

namespace codecs = kinesys::codecs;

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
  std::string_view raw(reinterpret_cast<char const*>(data), size);
  std::string out;
  if (auto r = codecs::base64_decode(out, raw)) {
    if (codecs::base64_encode(out) != raw) std::abort();
  } else {
    if (!out.empty() || r.error().offset > size) std::abort();
  }

  std::string fast, scalar;
  codecs::base64_encode(fast, raw);
  codecs::base64_encode_scalar(scalar, raw);
  if (fast != scalar || fast.size() != codecs::base64_encoded_size(size)) std::abort();
  auto back = codecs::base64_decode(fast);
  if (!back || *back != raw) std::abort();
  return 0;
}

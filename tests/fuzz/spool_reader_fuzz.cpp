// The producer's spool recovery reader: any file is either refused as not
// ours or read up to its last whole frame. Reading the good part again
// gives the same records and acks and no torn tail; appending a frame to
// the good part makes exactly that frame appear.
#include "spool_format.hpp"

#include <cstdlib>
#include <string>

namespace detail = kinesys::producer::detail;

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
  std::string_view const file(reinterpret_cast<char const*>(data), size);
  // Also read the input behind a valid header, so frames are reached
  // without the fuzzer having to find the magic first.
  std::string framed;
  detail::append_spool_header(framed);
  framed += file;
  for (std::string_view input : {file, std::string_view(framed)}) {
    auto contents = detail::read_spool(input);
    if (!contents) continue;
    if (contents->good_length > input.size() || contents->good_length < detail::spool_header_size) std::abort();
    if (contents->torn != (contents->good_length < input.size())) std::abort();
    auto again = detail::read_spool(input.substr(0, contents->good_length));
    if (!again || again->torn || again->good_length != contents->good_length) std::abort();
    if (again->records.size() != contents->records.size() || again->acks != contents->acks) std::abort();
    for (auto const& r : contents->records)
      if (r.data.size() > detail::spool_max_body) std::abort();

    std::string extended(input.substr(0, contents->good_length));
    detail::append_record_frame(extended, 77, 5, "origin", "stream", "key", "", "payload");
    auto more = detail::read_spool(extended);
    if (!more || more->torn || more->records.size() != contents->records.size() + 1) std::abort();
    if (more->records.back().spool_id != 77 || more->records.back().data != "payload") std::abort();
  }
  return 0;
}

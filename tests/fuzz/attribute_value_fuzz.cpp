// DynamoDB AttributeValue JSON and the document <-> item mapping: no crash
// on any input, and whatever parses survives writing and parsing again.
#include <kinesys/codecs.hpp>

#include <cstdlib>
#include <string>

namespace codecs = kinesys::codecs;

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
  std::string_view raw(reinterpret_cast<char const*>(data), size);

  if (auto it = codecs::parse_item_json(raw)) {
    auto json = codecs::item_to_json(*it);
    auto again = codecs::parse_item_json(json);
    if (!again || *again != *it) std::abort();
  }

  if (auto it = codecs::document_to_item(raw)) {
    auto json = codecs::item_to_document(*it);
    auto again = codecs::document_to_item(json);
    if (!again || *again != *it) std::abort();
  }

  (void)codecs::validate_number(raw);
  (void)codecs::validate_partition_key(raw);
  (void)codecs::parse_hash_key(raw);
  return 0;
}

// The KPL aggregated record decoder. Random bytes rarely carry a valid MD5,
// so the input is also framed with a correct magic and MD5 to reach the
// protobuf parser, and decoded once more without the MD5 check.
#include <kinesys/codecs.hpp>

#include <cstdlib>
#include <string>

namespace codecs = kinesys::codecs;

namespace {
void check_views(std::string_view input, codecs::deaggregator const& d)
{
  auto inside = [&](std::string_view v) {
    return v.empty() || (v.data() >= input.data() && v.data() + v.size() <= input.data() + input.size());
  };
  for (auto const& u : d.records()) {
    if (!inside(u.partition_key) || !inside(u.explicit_hash_key) || !inside(u.data)) std::abort();
    for (auto const& t : u.tags)
      if (!inside(t.key) || (t.value && !inside(*t.value))) std::abort();
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
  std::string_view raw(reinterpret_cast<char const*>(data), size);
  codecs::deaggregator d;

  if (auto r = d.decode(raw); r && *r) check_views(raw, d);

  auto digest = codecs::md5(raw);
  std::string framed(reinterpret_cast<char const*>(codecs::kpl_magic.data()), 4);
  framed += raw;
  framed.append(reinterpret_cast<char const*>(digest.data()), digest.size());
  auto r = d.decode(framed);
  if (!r) {
    if (r.error().offset > framed.size()) std::abort();
    (void)r.error().message();
    return 0;
  }
  if (!*r) std::abort();  // magic and MD5 are right: must not be a plain record
  check_views(framed, d);

  // What decodes must re-encode into something that decodes the same.
  codecs::aggregator agg({.max_bytes = std::size_t{1} << 30});
  for (auto const& u : d.records())
    if (!agg.try_add(u)) std::abort();
  std::string again(agg.finish());
  codecs::deaggregator d2;
  auto r2 = d2.decode(again);
  if (!r2 || !*r2 || d2.records().size() != d.records().size()) std::abort();
  for (std::size_t i = 0; i < d.records().size(); ++i) {
    auto const& a = d.records()[i];
    auto const& b = d2.records()[i];
    if (a.partition_key != b.partition_key || a.explicit_hash_key != b.explicit_hash_key || a.data != b.data ||
        a.tags.size() != b.tags.size())
      std::abort();
  }
  if (again.size() != agg.size()) std::abort();
  return 0;
}

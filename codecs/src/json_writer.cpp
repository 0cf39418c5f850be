#include <kinesys/codecs.hpp>

#include <array>
#include <charconv>
#include <cstring>

namespace kinesys::codecs {
namespace {

// 0 = copy as is; otherwise the escape letter, or 'u' for \u00XX.
constexpr std::array<char, 256> make_escape_table()
{
  std::array<char, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[c] = 'u';
  t['\b'] = 'b';
  t['\f'] = 'f';
  t['\n'] = 'n';
  t['\r'] = 'r';
  t['\t'] = 't';
  t['"'] = '"';
  t['\\'] = '\\';
  return t;
}
constexpr auto escape_table = make_escape_table();

}  // namespace

void append_json_string(std::string& out, std::string_view s)
{
  out.push_back('"');
  auto const* p = reinterpret_cast<unsigned char const*>(s.data());
  auto const* end = p + s.size();
  // Copy runs of plain bytes in one append; most strings have no escapes.
  while (p < end) {
    auto const* run = p;
    while (p < end && escape_table[*p] == 0) ++p;
    out.append(reinterpret_cast<char const*>(run), static_cast<std::size_t>(p - run));
    if (p == end) break;
    char e = escape_table[*p];
    if (e == 'u') {
      static constexpr char hex[] = "0123456789abcdef";
      char buf[6] = {'\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 0xf]};
      out.append(buf, 6);
    } else {
      char buf[2] = {'\\', e};
      out.append(buf, 2);
    }
    ++p;
  }
  out.push_back('"');
}

void append_json_integer(std::string& out, std::int64_t v)
{
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void append_json_integer(std::string& out, std::uint64_t v)
{
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

json_writer& json_writer::base64_string(std::string_view bytes)
{
  separate();
  out_->push_back('"');
  base64_encode(*out_, bytes);
  out_->push_back('"');
  return *this;
}

}  // namespace kinesys::codecs

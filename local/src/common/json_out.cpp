#include "common/json_out.hpp"

#include <charconv>
#include <cstring>

namespace kinesys::local {
namespace {

// 0 = copy as is; otherwise the character after the backslash ('u' = \u00XX).
constexpr auto escape_table = [] {
  struct table { char v[256]; } t{};
  for (int c = 0; c < 0x20; ++c) t.v[c] = 'u';
  t.v[static_cast<unsigned char>('\b')] = 'b';
  t.v[static_cast<unsigned char>('\f')] = 'f';
  t.v[static_cast<unsigned char>('\n')] = 'n';
  t.v[static_cast<unsigned char>('\r')] = 'r';
  t.v[static_cast<unsigned char>('\t')] = 't';
  t.v[static_cast<unsigned char>('"')] = '"';
  t.v[static_cast<unsigned char>('\\')] = '\\';
  return t;
}();

}  // namespace

void json_out::append_string(std::string_view s)
{
  out_.push_back('"');
  char const* p = s.data();
  char const* end = p + s.size();
  while (p < end) {
    char const* run = p;
    while (p < end && escape_table.v[static_cast<unsigned char>(*p)] == 0) ++p;
    out_.append(run, static_cast<std::size_t>(p - run));
    if (p == end) break;
    char e = escape_table.v[static_cast<unsigned char>(*p)];
    if (e == 'u') {
      static constexpr char hex[] = "0123456789abcdef";
      char buf[6] = {'\\', 'u', '0', '0', hex[(*p >> 4) & 0xf], hex[*p & 0xf]};
      out_.append(buf, 6);
    } else {
      char buf[2] = {'\\', e};
      out_.append(buf, 2);
    }
    ++p;
  }
  out_.push_back('"');
}

json_out& json_out::number(std::int64_t value)
{
  separate();
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, value);
  out_.append(buf, static_cast<std::size_t>(r.ptr - buf));
  return *this;
}

json_out& json_out::number(std::uint64_t value)
{
  separate();
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, value);
  out_.append(buf, static_cast<std::size_t>(r.ptr - buf));
  return *this;
}

json_out& json_out::epoch_seconds(std::int64_t millis)
{
  separate();
  char buf[32];
  std::int64_t secs = millis / 1000;
  std::int64_t frac = millis % 1000;
  if (frac < 0) { frac += 1000; --secs; }
  auto r = std::to_chars(buf, buf + sizeof buf, secs);
  char* p = r.ptr;
  if (frac != 0) {
    *p++ = '.';
    *p++ = static_cast<char>('0' + frac / 100);
    *p++ = static_cast<char>('0' + frac / 10 % 10);
    *p++ = static_cast<char>('0' + frac % 10);
    while (p[-1] == '0') --p;
  }
  out_.append(buf, static_cast<std::size_t>(p - buf));
  return *this;
}

}  // namespace kinesys::local

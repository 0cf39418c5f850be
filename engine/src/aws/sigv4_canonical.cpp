#include "aws/sigv4_canonical.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace kinesys::engine::aws::detail {
namespace {

constexpr bool is_unreserved(unsigned char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

constexpr bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

constexpr char to_lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

void append_uri_encoded(std::string& out, std::string_view text, bool keep_slash) {
  static constexpr char digits[] = "0123456789ABCDEF";
  for (char ch : text) {
    auto const c = static_cast<unsigned char>(ch);
    if (is_unreserved(c) || (keep_slash && c == '/')) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(digits[c >> 4]);
      out.push_back(digits[c & 0x0f]);
    }
  }
}

std::string uri_decoded(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      int const hi = hex_value(text[i + 1]);
      int const lo = hex_value(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

void append_canonical_uri(std::string& out, std::string_view path, bool normalize) {
  if (path.empty()) {
    out.push_back('/');
    return;
  }
  if (!normalize) {
    append_uri_encoded(out, path, true);
    return;
  }
  // remove_dot_segments (RFC 3986 5.2.4) plus collapsing of empty segments.
  std::vector<std::string_view> segments;
  std::size_t pos = 0;
  while (pos <= path.size()) {
    std::size_t const slash = path.find('/', pos);
    std::size_t const end = slash == std::string_view::npos ? path.size() : slash;
    std::string_view const segment = path.substr(pos, end - pos);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  bool const trailing_slash = path.ends_with('/') || path.ends_with("/.") || path.ends_with("/..");
  out.push_back('/');
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (i != 0) out.push_back('/');
    append_uri_encoded(out, segments[i], false);
  }
  if (trailing_slash && !segments.empty()) out.push_back('/');
}

void append_canonical_query(std::string& out, std::string_view query, query_pairs& scratch) {
  std::size_t used = 0;
  std::size_t pos = 0;
  while (pos <= query.size()) {
    std::size_t const amp = query.find('&', pos);
    std::size_t const end = amp == std::string_view::npos ? query.size() : amp;
    std::string_view const part = query.substr(pos, end - pos);
    if (!part.empty()) {
      std::size_t const eq = part.find('=');
      std::string_view const name = part.substr(0, eq);
      std::string_view const value = eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1);
      if (used == scratch.size()) scratch.emplace_back();
      auto& [encoded_name, encoded_value] = scratch[used++];
      encoded_name.clear();
      encoded_value.clear();
      append_uri_encoded(encoded_name, uri_decoded(name), false);
      append_uri_encoded(encoded_value, uri_decoded(value), false);
    }
    if (amp == std::string_view::npos) break;
    pos = amp + 1;
  }
  std::sort(scratch.begin(), scratch.begin() + static_cast<std::ptrdiff_t>(used));
  for (std::size_t i = 0; i < used; ++i) {
    if (i != 0) out.push_back('&');
    out += scratch[i].first;
    out.push_back('=');
    out += scratch[i].second;
  }
}

void append_canonical_header_value(std::string& out, std::string_view value) {
  std::size_t first = 0;
  while (first < value.size() && is_space(value[first])) ++first;
  std::size_t last = value.size();
  while (last > first && is_space(value[last - 1])) --last;
  bool in_space = false;
  for (std::size_t i = first; i < last; ++i) {
    if (is_space(value[i])) {
      in_space = true;
      continue;
    }
    if (in_space) out.push_back(' ');
    in_space = false;
    out.push_back(value[i]);
  }
}

void append_canonical_headers(std::string& canonical, std::string& signed_names, std::span<signed_header> headers) {
  std::stable_sort(headers.begin(), headers.end(),
                   [](signed_header const& a, signed_header const& b) { return a.first < b.first; });
  for (std::size_t i = 0; i < headers.size(); ++i) {
    bool const repeat = i != 0 && headers[i].first == headers[i - 1].first;
    if (repeat) {
      canonical.pop_back();  // the previous line's '\n'
      canonical.push_back(',');
    } else {
      if (i != 0) signed_names.push_back(';');
      signed_names += headers[i].first;
      canonical += headers[i].first;
      canonical.push_back(':');
    }
    append_canonical_header_value(canonical, headers[i].second);
    canonical.push_back('\n');
  }
}

std::string format_amz_date(long long unix_seconds) {
  using namespace std::chrono;
  sys_seconds const t{seconds{unix_seconds}};
  auto const day = floor<days>(t);
  year_month_day const ymd{day};
  hh_mm_ss const time{t - day};
  char buffer[32];
  int const n = std::snprintf(buffer, sizeof buffer, "%04d%02u%02u" "T" "%02d%02d%02dZ", static_cast<int>(ymd.year()),
                              static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                              static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                              static_cast<int>(time.seconds().count()));
  return std::string(buffer, static_cast<std::size_t>(n));
}

bool parse_amz_date(std::string_view text, long long& unix_seconds) {
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') return false;
  auto number = [&](std::size_t pos, std::size_t len, int& value) {
    value = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      value = value * 10 + (text[i] - '0');
    }
    return true;
  };
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (!number(0, 4, y) || !number(4, 2, mo) || !number(6, 2, d) || !number(9, 2, h) || !number(11, 2, mi) ||
      !number(13, 2, s))
    return false;
  using namespace std::chrono;
  year_month_day const ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 60) return false;
  unix_seconds = sys_days{ymd}.time_since_epoch().count() * 86400LL + h * 3600LL + mi * 60LL + s;
  return true;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (to_lower(a[i]) != to_lower(b[i])) return false;
  return true;
}

void append_lowercase(std::string& out, std::string_view text) {
  for (char c : text) out.push_back(to_lower(c));
}

}  // namespace kinesys::engine::aws::detail

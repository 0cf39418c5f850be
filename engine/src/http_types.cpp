// Parsing endpoint URLs and the small helpers of the HTTP value types.
#include "kinesys/detail/engine/http_types.hpp"

#include "kinesys/detail/engine/error.hpp"

#include <algorithm>
#include <charconv>

namespace kinesys::engine {
namespace {

char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string_view find_header(std::vector<http_header> const& headers, std::string_view name) noexcept {
  for (auto const& h : headers)
    if (iequals(h.name, name))
      return h.value;
  return {};
}

std::uint16_t default_port(std::string_view scheme) noexcept { return scheme == "https" ? 443 : 80; }

}  // namespace

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

std::string_view http_request::header(std::string_view name) const noexcept { return find_header(headers, name); }
std::string_view http_response::header(std::string_view name) const noexcept { return find_header(headers, name); }

boost::system::result<endpoint> endpoint::parse(std::string_view url) {
  endpoint ep;
  auto const sep = url.find("://");
  if (sep == std::string_view::npos)
    return make_error_code(errc::bad_url);
  for (char c : url.substr(0, sep))
    ep.scheme.push_back(lower(c));
  if (ep.scheme != "http" && ep.scheme != "https")
    return make_error_code(errc::bad_url);
  auto rest = url.substr(sep + 3);
  auto const slash = rest.find('/');
  if (slash != std::string_view::npos) {
    if (rest.substr(slash) != "/")
      return make_error_code(errc::bad_url);
    rest = rest.substr(0, slash);
  }
  std::string_view port_text;
  if (rest.starts_with('[')) {  // IPv6 literal
    auto const close = rest.find(']');
    if (close == std::string_view::npos || close == 1)
      return make_error_code(errc::bad_url);
    ep.host = rest.substr(1, close - 1);
    auto const after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':')
        return make_error_code(errc::bad_url);
      port_text = after.substr(1);
      if (port_text.empty())
        return make_error_code(errc::bad_url);
    }
  } else {
    auto const colon = rest.rfind(':');
    if (colon != std::string_view::npos) {
      port_text = rest.substr(colon + 1);
      rest = rest.substr(0, colon);
      if (port_text.empty())
        return make_error_code(errc::bad_url);
    }
    ep.host = rest;
  }
  if (ep.host.empty() || ep.host.find_first_of(" @?#") != std::string::npos)
    return make_error_code(errc::bad_url);
  if (port_text.empty()) {
    ep.port = default_port(ep.scheme);
  } else {
    unsigned value = 0;
    auto const [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || value == 0 || value > 65535)
      return make_error_code(errc::bad_url);
    ep.port = static_cast<std::uint16_t>(value);
  }
  return ep;
}

std::string endpoint::authority() const {
  std::string out = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != default_port(scheme)) {
    out += ':';
    out += std::to_string(port);
  }
  return out;
}

std::string endpoint::url() const { return scheme + "://" + authority(); }

}  // namespace kinesys::engine

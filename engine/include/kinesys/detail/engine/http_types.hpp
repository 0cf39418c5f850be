#pragma once
// The plain values the HTTP client and server exchange. Beast stays behind
// them (in engine/src), so code above the engine never includes Beast.
#include <boost/system/result.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kinesys::engine {

struct http_header {
  std::string name{};
  std::string value{};
};

struct http_request {
  std::string method = "POST";
  std::string target = "/";
  /// Sent in this order. The client adds Host (endpoint::authority()) when
  /// absent and always sets Content-Length from the body.
  std::vector<http_header> headers{};
  std::string body{};

  /// The first header named `name` (ASCII case-insensitive), or "" if absent.
  std::string_view header(std::string_view name) const noexcept;
};

struct http_response {
  unsigned status = 0;
  std::vector<http_header> headers{};
  std::string body{};

  /// The first header named `name` (ASCII case-insensitive), or "" if absent.
  std::string_view header(std::string_view name) const noexcept;
};

/// ASCII case-insensitive equality, as HTTP field names compare.
bool iequals(std::string_view a, std::string_view b) noexcept;

/// Where requests go: scheme "http" or "https", a host name or IP literal
/// (IPv6 without brackets), and a port (80/443 when the URL names none).
struct endpoint {
  std::string scheme{};
  std::string host{};
  std::uint16_t port = 0;

  /// Parses "http://host[:port][/]" or "https://..." (as AWS_ENDPOINT_URL*
  /// holds them; IPv6 as "[::1]"). Any path other than "/" is rejected with
  /// errc::bad_url, since the AWS JSON protocols always post to "/".
  static boost::system::result<endpoint> parse(std::string_view url);

  /// "host" or "host:port" when the port is not the scheme's default: the
  /// Host header value, which SigV4 signs.
  std::string authority() const;
  /// "scheme://authority", for logs and errors.
  std::string url() const;
  bool tls() const noexcept { return scheme == "https"; }

  friend bool operator==(endpoint const&, endpoint const&) = default;
};

}  // namespace kinesys::engine

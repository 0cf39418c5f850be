#pragma once
// The engine's HTTP server as far as parsing goes (engine/src/http_server.cpp:
// session() and serve_one()), without sockets: bytes arrive in two reads
// split where the fuzz input says, the header is read with a non-eager
// parser and then the body with an eager one, end of input is the peer's
// FIN, and each complete request becomes an engine::http_request field by
// field as the server's from_beast() does. That function lives in the
// server's source file, out of reach of a test, so its few lines are
// repeated here; keep them in step.
#include <kinesys/detail/engine/http_server.hpp>
#include <kinesys/detail/engine/http_types.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

namespace kinesys::fuzz {

namespace http = boost::beast::http;

/// What a connection carrying `bytes` gets: the requests the handler is
/// called with, then either a refusal the server answers itself (400, 413,
/// 431) or a silent close (0).
struct connection_outcome {
  std::vector<engine::http_request> requests;
  unsigned refusal = 0;
};

/// The server's from_beast(): the message as the handler sees it.
inline engine::http_request from_beast(http::request<http::string_body>&& in)
{
  engine::http_request out;
  out.method = std::string(in.method_string());
  out.target = std::string(in.target());
  out.headers.reserve(static_cast<std::size_t>(std::distance(in.begin(), in.end())));
  for (auto const& field : in) out.headers.push_back({std::string(field.name_string()), std::string(field.value())});
  out.body = std::move(in.body());
  return out;
}

namespace detail {

/// The peer's writes, read back as the socket would deliver them.
class wire {
public:
  wire(std::string_view bytes, std::size_t split) : bytes_(bytes), split_(std::min(split, bytes.size())) {}

  /// Appends the next arrival to `buffer`; false at the peer's FIN.
  bool read(std::string& buffer)
  {
    std::size_t const end = offset_ < split_ ? split_ : bytes_.size();
    if (offset_ == end) return false;
    buffer.append(bytes_.substr(offset_, end - offset_));
    offset_ = end;
    return true;
  }

private:
  std::string_view bytes_;
  std::size_t split_;
  std::size_t offset_ = 0;
};

/// Beast's read_some loop: put what is buffered, read more while the
/// parser needs more, put_eof at the FIN once something was seen.
template <class Done>
boost::beast::error_code read_until(http::request_parser<http::string_body>& parser, wire& in, std::string& buffer,
                                    Done done)
{
  while (!done()) {
    boost::beast::error_code ec;
    if (buffer.empty()) {
      ec = http::error::need_more;
    } else {
      std::size_t const used = parser.put(boost::asio::buffer(buffer.data(), buffer.size()), ec);
      if (used > buffer.size()) std::abort();
      buffer.erase(0, used);
    }
    if (ec && ec != http::error::need_more) return ec;
    // Nothing taken and nothing wrong: as good as needing more (a loop
    // otherwise).
    if (!ec && !done()) ec = http::error::need_more;
    if (ec == http::error::need_more && !in.read(buffer)) {
      if (!parser.got_some()) return http::error::end_of_stream;
      parser.put_eof(ec);
      return ec;
    }
  }
  return {};
}

/// The server's header loop: put what is buffered, and hold every byte of
/// the header, consumed by earlier puts or waiting in the buffer, to
/// `max_header_bytes`; read more while the parser needs more.
inline boost::beast::error_code read_header(http::request_parser<http::string_body>& parser, wire& in,
                                            std::string& buffer, std::size_t max_header_bytes)
{
  std::size_t consumed = 0;
  for (;;) {
    if (!buffer.empty()) {
      boost::beast::error_code ec;
      std::size_t const used = parser.put(boost::asio::buffer(buffer.data(), buffer.size()), ec);
      if (used > buffer.size()) std::abort();
      buffer.erase(0, used);
      consumed += used;
      if (ec && ec != http::error::need_more) return consumed > max_header_bytes ? http::error::header_limit : ec;
      bool const done = parser.is_header_done();
      if (consumed + (done ? 0 : buffer.size()) > max_header_bytes) return http::error::header_limit;
      if (done) return {};
    }
    if (!in.read(buffer)) return parser.got_some() || !buffer.empty() ? http::error::partial_message
                                                                       : http::error::end_of_stream;
  }
}

}  // namespace detail

/// Serves one connection's bytes as the server does (keep-alive included,
/// at most `max_requests` of them): the requests it would hand to the
/// handler, and how the connection ends.
inline connection_outcome parse_connection(std::string_view bytes, std::size_t split,
                                           engine::http_server_options const& options, std::size_t max_requests = 4)
{
  connection_outcome out;
  detail::wire in(bytes, split);
  std::string buffer;
  while (out.requests.size() < max_requests) {
    // session(): a request starts with a read when nothing is buffered.
    if (buffer.empty() && !in.read(buffer)) break;

    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(options.max_header_bytes, UINT32_MAX)));
    parser.body_limit(options.max_body_bytes);
    parser.eager(false);
    auto const header_error = detail::read_header(parser, in, buffer, options.max_header_bytes);
    if (header_error) {
      if (header_error == http::error::header_limit || header_error == http::error::buffer_overflow)
        out.refusal = 431;
      else if (header_error == http::error::body_limit)
        out.refusal = 413;
      else if (header_error.category() == make_error_code(http::error::bad_method).category() &&
               header_error != http::error::end_of_stream && header_error != http::error::partial_message)
        out.refusal = 400;
      break;
    }
    if (!parser.is_done()) {
      parser.eager(true);
      auto const body_error = detail::read_until(parser, in, buffer, [&] { return parser.is_done(); });
      if (body_error) {
        if (body_error == http::error::body_limit) out.refusal = 413;
        break;
      }
    }
    bool const keep_alive = parser.get().keep_alive();
    out.requests.push_back(from_beast(parser.release()));
    if (!keep_alive) break;
  }
  return out;
}

/// The first input byte picks where the bytes are split into two reads
/// (0: one read), the rest is what the peer sent.
inline std::size_t split_point(std::uint8_t control, std::size_t length) noexcept
{
  return control == 0 ? length : length * control / 256;
}

}  // namespace kinesys::fuzz

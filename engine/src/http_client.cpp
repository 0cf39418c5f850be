// The keep-alive pool and one request/response exchange.
#include "kinesys/detail/engine/http_client.hpp"

#include "http_connection.hpp"
#include "kinesys/detail/engine/error.hpp"
#include "net_errors.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/span_body.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <deque>
#include <optional>
#include <span>
#include <stdexcept>
#include <system_error>
#include <unordered_map>

namespace kinesys::engine {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using boost::system::error_code;
using detail::http_connection;
using clock_type = std::chrono::steady_clock;
inline constexpr auto as_result = asio::as_tuple(asio::use_awaitable);

namespace {

// AWS answers with a few hundred bytes of headers; this bounds a hostile or
// broken server without limiting any real one.
constexpr std::uint32_t max_response_header_bytes = 64 * 1024;

/// A request waiting for a connection when the endpoint is at its cap. The
/// releasing side either hands over an idle connection or grants the right
/// to open a new one, then cancels the timer to wake the waiter.
struct waiter {
  explicit waiter(asio::any_io_executor ex) : timer(ex) {}
  asio::steady_timer timer;
  std::unique_ptr<http_connection> handed;
  bool slot_granted = false;
};

/// @locality owning core
struct pool {
  std::vector<std::unique_ptr<http_connection>> idle;  // LIFO: the warmest first
  std::size_t open = 0;                                // idle + busy + connecting
  std::deque<waiter*> waiters;
};

// The body is sent from where it lies (the request's own string, or the
// caller's): Beast serialises a span as it would a string, without a copy.
using outgoing_request = http::request<http::span_body<char const>>;

outgoing_request to_beast(endpoint const& ep, http_request const& req, std::string_view body) {
  outgoing_request out;
  out.version(11);
  auto const verb = http::string_to_verb(req.method);
  if (verb != http::verb::unknown)
    out.method(verb);
  else
    out.method_string(req.method);
  out.target(req.target);
  bool has_host = false;
  for (auto& h : req.headers) {
    if (iequals(h.name, "content-length"))
      continue;  // set from the body below; a stale one would desynchronise the stream
    has_host = has_host || iequals(h.name, "host");
    out.insert(h.name, h.value);
  }
  if (!has_host)
    out.set(http::field::host, ep.authority());
  out.body() = std::span<char const>(body.data(), body.size());
  out.content_length(body.size());
  return out;
}

http_response from_beast(http::response<http::string_body>&& in) {
  http_response out;
  out.status = in.result_int();
  out.headers.reserve(static_cast<std::size_t>(std::distance(in.begin(), in.end())));
  for (auto const& field : in)
    out.headers.push_back({std::string(field.name_string()), std::string(field.value())});
  out.body = std::move(in.body());
  return out;
}

std::string pool_key(endpoint const& ep) { return ep.scheme + "://" + ep.host + ":" + std::to_string(ep.port); }

}  // namespace

struct http_client::impl {
  impl(asio::any_io_executor e, http_client_options o) : ex(std::move(e)), options(std::move(o)) {
    if (options.max_connections_per_endpoint == 0)
      throw std::invalid_argument("http_client_options::max_connections_per_endpoint must be at least 1");
    tls.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                    asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
    if (options.verify_tls) {
      tls.set_verify_mode(asio::ssl::verify_peer);
      if (options.ca_file.empty())
        tls.set_default_verify_paths();
      else
        load_ca_file();
    } else {
      tls.set_verify_mode(asio::ssl::verify_none);
    }
  }

  void load_ca_file() {
    boost::system::error_code ec;
    tls.load_verify_file(options.ca_file, ec);
    if (ec)  // bad startup configuration: say which setting and file
      throw std::system_error(ec, "http_client_options::ca_file \"" + options.ca_file + "\"");
  }

  asio::awaitable<boost::system::result<std::unique_ptr<http_connection>>> acquire(pool& p, endpoint const& ep,
                                                                                 clock_type::time_point deadline);
  asio::awaitable<boost::system::result<std::unique_ptr<http_connection>>> connect_in_slot(pool& p, endpoint const& ep);
  void release(pool& p, std::unique_ptr<http_connection> conn, bool reusable);
  void give_back_slot(pool& p);

  asio::any_io_executor ex;
  http_client_options options;
  asio::ssl::context tls{asio::ssl::context::tls_client};
  std::unordered_map<std::string, std::unique_ptr<pool>> pools;
  http_client_stats stats;
};

asio::awaitable<boost::system::result<std::unique_ptr<http_connection>>> http_client::impl::connect_in_slot(
    pool& p, endpoint const& ep) {
  auto conn = co_await detail::open_connection(ep, &tls, clock_type::now() + options.connect_timeout);
  if (!conn) {
    give_back_slot(p);
    co_return conn.error();
  }
  ++stats.connections_opened;
  co_return std::move(*conn);
}

asio::awaitable<boost::system::result<std::unique_ptr<http_connection>>> http_client::impl::acquire(
    pool& p, endpoint const& ep, clock_type::time_point deadline) {
  while (!p.idle.empty()) {
    auto conn = std::move(p.idle.back());
    p.idle.pop_back();
    if (clock_type::now() - conn->idle_since < options.max_idle && conn->looks_alive())
      co_return std::move(conn);
    conn->close();
    --p.open;
  }
  if (p.open < options.max_connections_per_endpoint) {
    ++p.open;
    co_return co_await connect_in_slot(p, ep);
  }
  waiter w(ex);
  w.timer.expires_at(deadline);
  p.waiters.push_back(&w);
  auto [ec] = co_await w.timer.async_wait(as_result);
  if (w.handed)
    co_return std::move(w.handed);
  if (w.slot_granted)
    co_return co_await connect_in_slot(p, ep);
  std::erase(p.waiters, &w);
  if (ec == asio::error::operation_aborted)
    co_return ec;  // the caller cancelled
  co_return make_error_code(errc::request_timeout);
}

void http_client::impl::release(pool& p, std::unique_ptr<http_connection> conn, bool reusable) {
  if (!reusable) {
    conn->close();
    give_back_slot(p);
    return;
  }
  conn->reused = true;
  conn->idle_since = clock_type::now();
  if (!p.waiters.empty()) {
    waiter* w = p.waiters.front();
    p.waiters.pop_front();
    w->handed = std::move(conn);
    w->timer.cancel();
    return;
  }
  p.idle.push_back(std::move(conn));
}

void http_client::impl::give_back_slot(pool& p) {
  if (!p.waiters.empty()) {  // the slot passes straight to the next waiter
    waiter* w = p.waiters.front();
    p.waiters.pop_front();
    w->slot_granted = true;
    w->timer.cancel();
    return;
  }
  --p.open;
}

http_client::http_client(asio::any_io_executor ex, http_client_options options)
    : impl_(std::make_unique<impl>(std::move(ex), std::move(options))) {}

http_client::~http_client() = default;

http_client_stats const& http_client::stats() const noexcept { return impl_->stats; }
http_client_options const& http_client::options() const noexcept { return impl_->options; }

void http_client::close_idle() {
  for (auto& [key, p] : impl_->pools) {
    for (auto& conn : p->idle) {
      conn->close();
      --p->open;
    }
    p->idle.clear();
  }
}

asio::awaitable<boost::system::result<http_response>> http_client::request(endpoint const& ep, http_request req) {
  return exchange(ep, std::move(req), std::nullopt);
}

asio::awaitable<boost::system::result<http_response>> http_client::request(endpoint const& ep, http_request req,
                                                                           std::string_view body) {
  return exchange(ep, std::move(req), body);
}

asio::awaitable<boost::system::result<http_response>> http_client::exchange(endpoint const& ep_in, http_request req,
                                                                            std::optional<std::string_view> borrowed) {
  co_await asio::this_coro::throw_if_cancelled(false);  // failures are values
  endpoint const ep = ep_in;  // the caller's object may not outlive our first suspension
  auto& self = *impl_;
  ++self.stats.requests;
  auto& slot = self.pools[pool_key(ep)];
  if (!slot)
    slot = std::make_unique<pool>();
  pool& p = *slot;

  // `req` lives in this frame until the exchange ends, and so does the
  // body the request points into.
  auto beast_request = to_beast(ep, req, borrowed ? *borrowed : std::string_view(req.body));
  auto conn_or = co_await self.acquire(p, ep, clock_type::now() + self.options.request_timeout);
  if (!conn_or)
    co_return conn_or.error();
  auto conn = std::move(*conn_or);

  for (;;) {
    auto const deadline = clock_type::now() + self.options.request_timeout;
    conn->lowest().expires_at(deadline);
    auto [write_error, written] =
        co_await conn->visit([&](auto& stream) { return http::async_write(stream, beast_request, as_result); });
    (void)written;
    http::response_parser<http::string_body> parser;
    parser.header_limit(max_response_header_bytes);
    parser.body_limit(self.options.max_response_bytes);
    error_code ec = write_error;
    std::size_t consumed = 0;
    if (!ec) {
      auto [read_error, n] =
          co_await conn->visit([&](auto& stream) { return http::async_read(stream, conn->buffer, parser, as_result); });
      ec = read_error;
      consumed = n;
    }
    if (!ec) {
      conn->lowest().expires_never();
      auto const reusable = parser.get().keep_alive() && !parser.need_eof();
      auto response = from_beast(parser.release());
      self.release(p, std::move(conn), reusable);
      co_return response;
    }

    bool const nothing_arrived = consumed == 0 && conn->buffer.size() == 0 && !parser.got_some();
    bool const stale = conn->reused && nothing_arrived && detail::is_closed_by_peer(ec);
    conn->close();
    if (!stale) {
      self.give_back_slot(p);
      co_return detail::map_net_error(ec, detail::net_phase::exchange);
    }
    // The server dropped the idle socket before reading our request; the
    // slot stays ours and the request goes out once more on a fresh socket.
    ++self.stats.stale_retries;
    auto fresh = co_await self.connect_in_slot(p, ep);
    if (!fresh)
      co_return fresh.error();
    conn = std::move(*fresh);
  }
}

}  // namespace kinesys::engine

// Accepting on every core and serving keep-alive connections, plain or TLS,
// within limits.
#include "kinesys/detail/engine/http_server.hpp"

#include "kinesys/detail/engine/core_set.hpp"
#include "kinesys/detail/engine/error.hpp"
#include "tls_server_context.hpp"

#include <kinesys/detail/codecs/json_reader.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/read_size.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/system/system_error.hpp>
#include <boost/throw_exception.hpp>

#include <sys/socket.h>

#include <atomic>
#include <list>
#include <optional>
#include <type_traits>

namespace kinesys::engine {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using clock_type = std::chrono::steady_clock;
inline constexpr auto as_result = asio::as_tuple(asio::use_awaitable);

void throw_exception_from_error(http_server_error const& e, boost::source_location const& location) {
  boost::throw_exception(boost::system::system_error(e.code, e.message()), location);
}

namespace {

using tls_stream = beast::ssl_stream<beast::tcp_stream>;
template <class Stream>
constexpr bool is_tls = std::is_same_v<Stream, tls_stream>;

/// A peer that never answers our close_notify costs at most this.
constexpr std::chrono::seconds tls_shutdown_bound{1};

using reuse_port = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

/// What stop() needs to reach a live connection. Lives in the session's
/// coroutine frame. @locality owning core
struct session_handle {
  beast::tcp_stream* stream = nullptr;  // the TCP layer, below any TLS
  bool idle = true;  // waiting for the next request, nothing to lose by closing
};

struct core_slot {
  std::optional<tcp::acceptor> acceptor;
  std::list<session_handle*> sessions;
};

http::response<http::string_body> to_beast(http_response&& in, bool keep_alive) {
  http::response<http::string_body> out;
  out.version(11);
  out.result(in.status);
  for (auto& h : in.headers) {
    if (iequals(h.name, "content-length") || iequals(h.name, "transfer-encoding"))
      continue;  // framing is ours to set
    out.insert(h.name, h.value);
  }
  out.body() = std::move(in.body);
  out.content_length(out.body().size());
  out.keep_alive(keep_alive && out.keep_alive());
  return out;
}

http_request from_beast(http::request<http::string_body>&& in) {
  http_request out;
  out.method = std::string(in.method_string());
  out.target = std::string(in.target());
  out.headers.reserve(static_cast<std::size_t>(std::distance(in.begin(), in.end())));
  for (auto const& field : in)
    out.headers.push_back({std::string(field.name_string()), std::string(field.value())});
  out.body = std::move(in.body());
  return out;
}

/// Closes with RST rather than FIN, as a crashed or overloaded peer would.
void reset(beast::tcp_stream& stream) {
  error_code ignored;
  stream.socket().set_option(asio::socket_base::linger(true, 0), ignored);
  stream.socket().close(ignored);
}

}  // namespace

struct http_server::state : std::enable_shared_from_this<state> {
  state(core_set& c, http_server_options o, http_handler h)
      : cores(c), options(std::move(o)), handler(std::move(h)) {}

  asio::awaitable<void> accept_loop(std::size_t core);
  asio::awaitable<void> session(std::size_t core, tcp::socket socket);
  /// The connection's life after the accept: the TLS handshake if any, then
  /// requests until one side closes. Stream: beast::tcp_stream or tls_stream.
  template <class Stream>
  asio::awaitable<void> serve_connection(std::size_t core, Stream& stream, std::string const& remote,
                                         clock_type::time_point accepted);
  template <class Stream>
  asio::awaitable<bool> serve_one(Stream& stream, beast::flat_buffer& buffer, std::string const& remote);
  template <class Stream>
  asio::awaitable<void> reply_error(Stream& stream, http::status status);

  core_set& cores;
  http_server_options options;
  http_handler handler;
  std::vector<core_slot> slots;  // one per core, each touched only on its core
  std::shared_ptr<asio::ssl::context> tls_context;  // set by start() when serving TLS; shared by every core
  std::atomic<std::size_t> connections{0};
  std::atomic<bool> stopping{false};
  std::uint16_t port = 0;
};

template <class Stream>
asio::awaitable<void> http_server::state::reply_error(Stream& stream, http::status status) {
  http::response<http::string_body> res{status, 11};
  if (options.error_response) {
    auto custom = options.error_response(static_cast<unsigned>(status));
    for (auto& h : custom.headers)
      if (!iequals(h.name, "content-length") && !iequals(h.name, "transfer-encoding") &&
          !iequals(h.name, "connection"))
        res.insert(h.name, h.value);
    res.body() = std::move(custom.body);
  } else {
    res.set(http::field::content_type, "text/plain");
    res.body() = std::string(http::obsolete_reason(status)) + "\n";
  }
  res.prepare_payload();
  res.keep_alive(false);
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(5));
  co_await http::async_write(stream, res, as_result);
  if constexpr (!is_tls<Stream>) {  // TLS ends with close_notify once the session closes
    error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }
}

asio::awaitable<void> http_server::state::accept_loop(std::size_t core) {
  auto self = shared_from_this();
  auto& acceptor = *slots[core].acceptor;
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(as_result);
    if (stopping.load(std::memory_order_acquire) || ec == asio::error::operation_aborted)
      co_return;
    if (ec) {
      // EMFILE and friends: back off briefly instead of spinning on accept.
      asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(20));
      co_await pause.async_wait(as_result);
      continue;
    }
    if (connections.fetch_add(1, std::memory_order_acq_rel) >= options.max_connections) {
      connections.fetch_sub(1, std::memory_order_acq_rel);
      // A best-effort answer without waiting: this connection gets no
      // coroutine, which is the point of the cap. A TLS client could read
      // an answer only after a handshake, so it just sees the close.
      static constexpr char busy[] =
          "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      if (!tls_context)
        (void)::send(socket.native_handle(), busy, sizeof busy - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
      error_code ignored;
      socket.shutdown(tcp::socket::shutdown_send, ignored);
      socket.close(ignored);
      continue;
    }
    asio::co_spawn(acceptor.get_executor(), session(core, std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> http_server::state::session(std::size_t core, tcp::socket socket) {
  auto self = shared_from_this();
  co_await asio::this_coro::throw_if_cancelled(false);
  auto const accepted = clock_type::now();
  error_code ec;
  auto const peer = socket.remote_endpoint(ec);
  std::string const remote = ec ? std::string() : peer.address().to_string();
  socket.set_option(tcp::no_delay(true), ec);
  if (tls_context) {
    tls_stream stream(std::move(socket), *tls_context);
    co_await serve_connection(core, stream, remote, accepted);
  } else {
    beast::tcp_stream stream(std::move(socket));
    co_await serve_connection(core, stream, remote, accepted);
  }
  connections.fetch_sub(1, std::memory_order_acq_rel);
}

template <class Stream>
asio::awaitable<void> http_server::state::serve_connection(std::size_t core, Stream& stream, std::string const& remote,
                                                          clock_type::time_point accepted) {
  beast::tcp_stream& transport = beast::get_lowest_layer(stream);
  beast::flat_buffer buffer;
  session_handle handle{&transport, true};
  auto& sessions = slots[core].sessions;
  auto const position = sessions.insert(sessions.end(), &handle);
  // The handshake and the first request's first bytes share one deadline
  // from the accept, so TLS gives a slowloris client no extra time.
  auto const first_deadline = accepted + options.header_timeout;
  bool established = true;
  if constexpr (is_tls<Stream>) {
    transport.expires_at(first_deadline);
    auto [handshake_error] = co_await stream.async_handshake(asio::ssl::stream_base::server, as_result);
    established = !handshake_error;  // plain HTTP, a scanner, a timeout: nothing to answer
  }
  try {
    bool first = true;
    while (established && !stopping.load(std::memory_order_acquire)) {
      if (buffer.size() == 0) {
        // A new connection must start its request within header_timeout; a
        // kept-alive one may sit idle for idle_timeout.
        if (first)
          transport.expires_at(first_deadline);
        else
          transport.expires_after(options.idle_timeout);
        handle.idle = true;
        auto [read_error, n] = co_await stream.async_read_some(buffer.prepare(4096), as_result);
        handle.idle = false;
        if (read_error)
          break;
        buffer.commit(n);
      }
      handle.idle = false;
      first = false;
      if (!co_await serve_one(stream, buffer, remote))
        break;
    }
  } catch (std::exception const&) {
    // The handler threw; serve_one already answered 500 where it could.
  }
  sessions.erase(position);
  if constexpr (is_tls<Stream>) {
    if (established && transport.socket().is_open()) {
      transport.expires_after(tls_shutdown_bound);
      co_await stream.async_shutdown(as_result);  // a peer gone without close_notify is normal
    }
  }
  error_code ignored;
  transport.socket().shutdown(tcp::socket::shutdown_both, ignored);
  transport.socket().close(ignored);
}

template <class Stream>
asio::awaitable<bool> http_server::state::serve_one(Stream& stream, beast::flat_buffer& buffer,
                                                   std::string const& remote) {
  beast::tcp_stream& transport = beast::get_lowest_layer(stream);
  http::request_parser<http::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(options.max_header_bytes, UINT32_MAX)));
  parser.body_limit(options.max_body_bytes);

  // A stream expiry would close the socket, leaving no way to say 408; a
  // racing timer cancels just the read.
  transport.expires_never();
  asio::steady_timer header_deadline(stream.get_executor(), options.header_timeout);
  // The header is read here rather than by async_read_header: Beast applies
  // header_limit to what one put() is given and consumes complete field
  // lines as they come, and its read loop goes on reading while the parser
  // needs more, so a header sent line by line could grow without bound until
  // the header timeout. Here every byte of the header, consumed or waiting
  // in the buffer, counts against max_header_bytes.
  error_code header_error;
  std::size_t header_consumed = 0;
  for (;;) {
    if (buffer.size() != 0) {
      error_code parse_error;
      std::size_t const used = parser.put(buffer.data(), parse_error);
      buffer.consume(used);
      header_consumed += used;
      if (parse_error && parse_error != http::error::need_more) {
        // A fault found only past the limit is the limit's to answer.
        header_error = header_consumed > options.max_header_bytes ? http::error::header_limit : parse_error;
        break;
      }
      bool const done = parser.is_header_done();
      if (header_consumed + (done ? 0 : buffer.size()) > options.max_header_bytes) {
        header_error = http::error::header_limit;
        break;
      }
      if (done)
        break;
    }
    auto const room = beast::read_size(buffer, 65536);
    if (room == 0) {  // the buffer is at its own limit: a read could never progress
      header_error = http::error::buffer_overflow;
      break;
    }
    auto [order, read_error, n, timer_error] =
        co_await asio::experimental::make_parallel_group(
            asio::async_read(stream, buffer.prepare(room), asio::transfer_at_least(1), asio::deferred),
            header_deadline.async_wait(asio::deferred))
            .async_wait(asio::experimental::wait_for_one(), asio::use_awaitable);
    if (order[0] == 1 && !timer_error) {
      header_error = beast::error::timeout;
      break;
    }
    buffer.commit(n);
    if (read_error == asio::error::eof) {
      header_error = parser.got_some() || buffer.size() != 0 ? http::error::partial_message : http::error::end_of_stream;
      break;
    }
    if (read_error) {
      header_error = read_error;
      break;
    }
  }
  if (header_error) {
    if (header_error == http::error::header_limit || header_error == http::error::buffer_overflow)
      co_await reply_error(stream, http::status::request_header_fields_too_large);
    else if (header_error == http::error::body_limit)
      co_await reply_error(stream, http::status::payload_too_large);
    else if (header_error == beast::error::timeout)
      co_await reply_error(stream, http::status::request_timeout);
    else if (header_error.category() == make_error_code(http::error::bad_method).category() &&
             header_error != http::error::end_of_stream && header_error != http::error::partial_message)
      co_await reply_error(stream, http::status::bad_request);
    co_return false;
  }

  if (!parser.is_done()) {
    // Sized once for the whole body and the JSON parser's padding: handlers
    // then parse it where it lies (codecs::padded finds the room) instead
    // of copying it (up to 7 MiB) into a bigger buffer.
    if (auto length = parser.content_length(); length && *length <= options.max_body_bytes)
      parser.get().body().reserve(static_cast<std::size_t>(*length) + codecs::json_padding);
    if (iequals(parser.get()[http::field::expect], "100-continue")) {
      http::response<http::empty_body> go_on{http::status::continue_, 11};
      auto [continue_error, continue_bytes] = co_await http::async_write(stream, go_on, as_result);
      (void)continue_bytes;
      if (continue_error)
        co_return false;
    }
    transport.expires_after(options.idle_timeout);
    auto [body_error, body_bytes] = co_await http::async_read(stream, buffer, parser, as_result);
    (void)body_bytes;
    if (body_error) {
      if (body_error == http::error::body_limit)
        co_await reply_error(stream, http::status::payload_too_large);
      else if (body_error == beast::error::timeout)
        co_await reply_error(stream, http::status::request_timeout);
      co_return false;
    }
  }
  transport.expires_never();

  bool const client_keeps_alive = parser.get().keep_alive();
  server_request request{from_beast(parser.release()), remote};
  server_reply reply;
  try {
    reply = co_await handler(request);
  } catch (std::exception const&) {
    reply = server_reply{};
    reply.response.status = 500;
    reply.response.body = "internal error\n";
    reply.response.headers.push_back({"Connection", "close"});
  }

  if (reply.fault == server_reply::fault::reset_before_response) {
    reset(transport);
    co_return false;
  }
  bool const keep_alive = client_keeps_alive && !stopping.load(std::memory_order_acquire);
  auto response = to_beast(std::move(reply.response), keep_alive);
  bool const reusable = response.keep_alive();
  transport.expires_after(options.idle_timeout);
  if (reply.fault == server_reply::fault::reset_mid_response) {
    http::response_serializer<http::string_body> serializer(response);
    auto [head_error, head_bytes] = co_await http::async_write_header(stream, serializer, as_result);
    (void)head_bytes;
    if (!head_error)
      co_await asio::async_write(stream, asio::buffer(response.body().data(), response.body().size() / 2), as_result);
    reset(transport);
    co_return false;
  }
  auto [write_error, written] = co_await http::async_write(stream, response, as_result);
  (void)written;
  co_return !write_error && reusable;
}

http_server::http_server(core_set& cores, http_server_options options, http_handler handler)
    : state_(std::make_shared<state>(cores, std::move(options), std::move(handler))) {}

http_server::~http_server() { stop(); }

boost::system::result<std::uint16_t, http_server_error> http_server::start() {
  auto& s = *state_;
  if (!s.slots.empty())
    throw std::logic_error("http_server::start called twice");
  if (s.options.tls.enabled()) {
    auto loaded = detail::load_tls_server_context(s.options.tls);
    if (!loaded)
      return loaded.error();
    s.tls_context = std::move(*loaded);
  }
  error_code ec;
  auto const address = asio::ip::make_address(s.options.address, ec);
  if (ec)
    return http_server_error{ec};
  s.slots.resize(s.cores.size());
  std::uint16_t port = s.options.port;
  for (std::size_t core = 0; core < s.cores.size(); ++core) {
    // One listening socket per core, all on one port: the kernel spreads
    // new connections across them, so accepting needs no cross-core hop.
    auto& acceptor = s.slots[core].acceptor.emplace(s.cores.context(core));
    tcp::endpoint const where(address, port);
    acceptor.open(where.protocol(), ec);
    if (!ec)
      acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec)
      acceptor.set_option(reuse_port(true), ec);
    if (!ec)
      acceptor.bind(where, ec);
    if (!ec)
      acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      s.slots.clear();
      return http_server_error{ec};
    }
    if (port == 0)
      port = acceptor.local_endpoint().port();
  }
  s.port = port;
  // The core set's graceful stop must not wait on our pending accepts.
  s.cores.on_stop([weak = std::weak_ptr<state>(state_)] {
    if (auto st = weak.lock())
      stop_state(st);
  });
  for (std::size_t core = 0; core < s.cores.size(); ++core)
    asio::co_spawn(s.cores.executor(core), s.accept_loop(core), asio::detached);
  return port;
}

void http_server::stop() { stop_state(state_); }

void http_server::stop_state(std::shared_ptr<state> const& st) {
  auto& s = *st;
  if (s.stopping.exchange(true, std::memory_order_acq_rel) || s.slots.empty())
    return;
  for (std::size_t core = 0; core < s.slots.size(); ++core) {
    asio::post(s.cores.executor(core), [st, core] {
      auto& slot = st->slots[core];
      error_code ignored;
      if (slot.acceptor)
        slot.acceptor->close(ignored);
      for (auto* handle : slot.sessions)
        if (handle->idle)
          handle->stream->cancel();  // busy ones close after their reply
    });
  }
}

std::uint16_t http_server::port() const noexcept { return state_->port; }

std::size_t http_server::connections() const noexcept { return state_->connections.load(std::memory_order_acquire); }

}  // namespace kinesys::engine

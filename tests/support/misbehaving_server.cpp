#include "misbehaving_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <cctype>
#include <list>
#include <mutex>
#include <thread>

namespace kinesys::test {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;
inline constexpr auto as_result = asio::as_tuple(asio::use_awaitable);

namespace {

std::size_t content_length(std::string const& head) {
  std::string lower(head);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  auto const at = lower.find("\r\ncontent-length:");
  if (at == std::string::npos)
    return 0;
  return std::stoul(lower.substr(at + 17));
}

std::string response_head(misbehaving_server::step const& s) {
  std::string out = "HTTP/1.1 " + std::to_string(s.status) + " Scripted\r\n";
  for (auto const& [name, value] : s.headers)
    out += name + ": " + value + "\r\n";
  out += "Content-Length: " + std::to_string(s.body.size()) + "\r\n\r\n";
  return out;
}

void hard_reset(tcp::socket& socket) {
  error_code ignored;
  socket.set_option(asio::socket_base::linger(true, 0), ignored);
  socket.close(ignored);
}

}  // namespace

struct misbehaving_server::impl {
  explicit impl(std::vector<step> s) : script(std::move(s)) {
    if (script.empty())
      script.push_back(respond(200));
    acceptor.open(tcp::v4());
    acceptor.set_option(tcp::acceptor::reuse_address(true));
    acceptor.bind(tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    acceptor.listen();
    port = acceptor.local_endpoint().port();
    asio::co_spawn(context, accept_loop(), asio::detached);
    thread = std::thread([this] { context.run(); });
  }

  ~impl() {
    asio::post(context, [this] {
      error_code ignored;
      acceptor.close(ignored);
      for (auto* s : sockets)
        s->close(ignored);
    });
    context.stop();
    thread.join();
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(as_result);
      if (ec)
        co_return;
      ++connections;
      asio::co_spawn(context, serve(std::move(socket)), asio::detached);
    }
  }

  asio::awaitable<void> serve(tcp::socket socket) {
    auto const where = sockets.insert(sockets.end(), &socket);
    std::string buffer;
    for (;;) {
      // Peek at the script before reading: never_read must not read.
      if (script[std::min(requests.load(), script.size() - 1)].what == behaviour::never_read) {
        asio::steady_timer forever(context, std::chrono::hours(1));
        co_await forever.async_wait(as_result);
        break;
      }
      auto [ec, header_end] = co_await asio::async_read_until(socket, asio::dynamic_buffer(buffer), "\r\n\r\n", as_result);
      if (ec)
        break;
      std::string const head = buffer.substr(0, header_end);
      std::size_t const body = content_length(head);
      if (buffer.size() < header_end + body) {
        auto [body_error, n] = co_await asio::async_read(
            socket, asio::dynamic_buffer(buffer), asio::transfer_exactly(header_end + body - buffer.size()), as_result);
        (void)n;
        if (body_error)
          break;
      }
      {
        std::lock_guard lock(body_mutex);
        last_body = buffer.substr(header_end, body);
      }
      buffer.erase(0, header_end + body);
      auto const index = requests++;
      step const& s = script[std::min(index, script.size() - 1)];
      if (!co_await act(socket, s))
        break;
    }
    sockets.erase(where);
  }

  /// Carries out one step; false ends the connection.
  asio::awaitable<bool> act(tcp::socket& socket, step const& s) {
    switch (s.what) {
    case behaviour::respond: {
      auto const text = response_head(s) + s.body;
      auto [ec, n] = co_await asio::async_write(socket, asio::buffer(text), as_result);
      (void)n;
      if (ec)
        co_return false;
      if (s.close_after) {
        error_code ignored;
        socket.shutdown(tcp::socket::shutdown_both, ignored);
        socket.close(ignored);
        co_return false;
      }
      co_return true;
    }
    case behaviour::stall:
    case behaviour::never_read: {
      asio::steady_timer forever(context, std::chrono::hours(1));
      co_await forever.async_wait(as_result);
      co_return false;
    }
    case behaviour::stall_mid_body:
    case behaviour::reset_mid_response: {
      auto const text = response_head(s) + s.body.substr(0, s.body.size() / 2);
      co_await asio::async_write(socket, asio::buffer(text), as_result);
      if (s.what == behaviour::reset_mid_response) {
        hard_reset(socket);
        co_return false;
      }
      asio::steady_timer forever(context, std::chrono::hours(1));
      co_await forever.async_wait(as_result);
      co_return false;
    }
    case behaviour::close_without_answer: {
      error_code ignored;
      socket.shutdown(tcp::socket::shutdown_both, ignored);
      socket.close(ignored);
      co_return false;
    }
    case behaviour::garbage: {
      static constexpr char junk[] = "SMTP READY\r\n\r\n";
      co_await asio::async_write(socket, asio::buffer(junk, sizeof junk - 1), as_result);
      error_code ignored;
      socket.shutdown(tcp::socket::shutdown_both, ignored);
      socket.close(ignored);
      co_return false;
    }
    }
    co_return false;
  }

  std::vector<step> script;
  asio::io_context context{1};
  tcp::acceptor acceptor{context};
  std::list<tcp::socket*> sockets;
  std::uint16_t port = 0;
  std::atomic<std::size_t> requests{0};
  std::atomic<std::size_t> connections{0};
  mutable std::mutex body_mutex;
  std::string last_body;
  std::thread thread;
};

misbehaving_server::misbehaving_server(std::vector<step> script) : impl_(std::make_unique<impl>(std::move(script))) {}
misbehaving_server::~misbehaving_server() = default;
std::uint16_t misbehaving_server::port() const noexcept { return impl_->port; }
std::size_t misbehaving_server::requests() const noexcept { return impl_->requests.load(); }
std::size_t misbehaving_server::connections() const noexcept { return impl_->connections.load(); }
std::string misbehaving_server::last_body() const {
  std::lock_guard lock(impl_->body_mutex);
  return impl_->last_body;
}

}  // namespace kinesys::test

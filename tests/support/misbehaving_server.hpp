#pragma once
// A loopback HTTP/1.1 server, on its own thread, that misbehaves on purpose:
// it stalls, never answers, answers with errors or garbage, resets or
// closes connections. It follows a script: request i (counted over all
// connections) gets step min(i, script.size() - 1), so the last step
// repeats. It parses just enough HTTP to frame requests.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace kinesys::test {

class misbehaving_server {
public:
  enum class behaviour {
    respond,               ///< answer with status/headers/body
    stall,                 ///< read the request, never answer (socket stays open)
    stall_mid_body,        ///< send the header and half the body, then nothing
    never_read,            ///< accept the connection and never read or answer
    reset_mid_response,    ///< send the header and half the body, then RST
    close_without_answer,  ///< read the request, then close (FIN) without a byte
    garbage,               ///< answer with bytes that are not HTTP
  };

  struct step {
    behaviour what = behaviour::respond;
    unsigned status = 200;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    /// After answering (keep-alive advertised), close the connection: what a
    /// Node server does to an idle keep-alive socket.
    bool close_after = false;
  };

  static step respond(unsigned status, std::string body = {},
                      std::vector<std::pair<std::string, std::string>> headers = {}) {
    return step{behaviour::respond, status, std::move(body), std::move(headers), false};
  }
  static step act(behaviour what, std::string body = std::string(1000, 'x')) {
    return step{what, 200, std::move(body), {}, false};
  }

  /// Listens on 127.0.0.1 with a free port; throws if it cannot.
  explicit misbehaving_server(std::vector<step> script);
  ~misbehaving_server();
  misbehaving_server(misbehaving_server const&) = delete;
  misbehaving_server& operator=(misbehaving_server const&) = delete;

  std::uint16_t port() const noexcept;
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port()); }
  /// Requests whose header was read, over all connections.
  std::size_t requests() const noexcept;
  std::size_t connections() const noexcept;
  /// The body of the last request read whole.
  std::string last_body() const;

  struct impl;

private:
  std::unique_ptr<impl> impl_;
};

}  // namespace kinesys::test

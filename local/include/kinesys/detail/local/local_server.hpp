#pragma once
// kinesys-local as a server: the dispatcher on the engine's cores behind the
// engine's HTTP server, with SigV4 verification, fault injection, an admin
// endpoint and optional persistence. Embeddable: a test or the demo starts
// one on a free loopback port in-process.
//
//   kinesys::local::local_options o;            // port 0 = any free port
//   kinesys::local::local_server server(o);
//   auto port = server.start().value();        // serving from here on
//   ...                                        // point clients at server.endpoint()
//   server.stop();                             // or let the destructor do it
//
// Admin endpoint (loopback, no signature): GET /_kinesys/faults answers the
// fault settings as JSON; POST /_kinesys/faults with a JSON object such as
// {"internal_failure":0.2,"seed":7} changes them while the server runs;
// GET /_kinesys/health answers "ok".
#include <kinesys/detail/local/dispatcher.hpp>
#include <kinesys/detail/local/options.hpp>

#include <boost/system/result.hpp>

#include <cstdint>
#include <memory>
#include <string>

namespace kinesys::local {

class local_server {
public:
  /// Throws std::invalid_argument for a configuration that cannot work
  /// (bad data directory, zero keys with verification on).
  explicit local_server(local_options options);
  /// stop() and wait().
  ~local_server();
  local_server(local_server const&) = delete;
  local_server& operator=(local_server const&) = delete;

  /// Opens the data directory (replaying it), starts the cores and binds.
  /// Returns the bound port. @locality any thread
  boost::system::result<std::uint16_t> start();
  /// Graceful stop: stop accepting, let requests in flight finish, flush
  /// data files. Idempotent. @locality any thread
  void stop();
  /// Blocks until the cores have stopped (after stop() or a signal).
  void wait();

  std::uint16_t port() const noexcept;
  /// "http://127.0.0.1:<port>".
  std::string endpoint() const;

  /// Changes injected faults while running. @locality any thread
  void set_faults(fault_options const& f);
  fault_options faults() const;

  /// The models. Touch them only while the server is stopped (or from a
  /// request on the owning core): they are not locked.
  dispatcher& model() noexcept;

  struct impl;

private:
  std::unique_ptr<impl> impl_;
};

}  // namespace kinesys::local

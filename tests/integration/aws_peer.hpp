#pragma once
// Shared by the integration tests of the typed AWS calls: one peer server
// (kinesalite, dynalite) per test suite, a private io_context per test that
// plays the part of a core, and a client pointed at the peer.
#include <kinesys/detail/engine/aws/credentials.hpp>
#include <kinesys/detail/engine/http_client.hpp>
#include <kinesys/detail/engine/http_types.hpp>

#include "peers.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <atomic>
#include <string>

namespace kinesys::test {

/// Runs `coroutine` to completion on `context` (the calling thread runs it).
template <class T>
T run_on(boost::asio::io_context& context, boost::asio::awaitable<T> coroutine) {
  auto result = boost::asio::co_spawn(context, std::move(coroutine), boost::asio::use_future);
  context.restart();
  context.run();
  return result.get();
}

/// The peers check no signatures, but every request is signed all the same.
inline engine::aws::credentials peer_credentials() {
  return {"AKIDKINESYSTEST", "kinesys-test-secret-not-a-real-key", "", "test"};
}

/// A name no other test of this process uses.
inline std::string unique_name(std::string const& prefix) {
  static std::atomic<int> counter{0};
  return prefix + "-" + std::to_string(counter.fetch_add(1));
}

}  // namespace kinesys::test

#pragma once
// Runs one coroutine to completion on a private io_context: the test thread
// plays the part of a core.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

namespace kinesys::test {

template <class T>
T run_coroutine(boost::asio::io_context& context, boost::asio::awaitable<T> coroutine) {
  auto result = boost::asio::co_spawn(context, std::move(coroutine), boost::asio::use_future);
  context.restart();
  context.run();
  return result.get();
}

template <class T>
T run_coroutine(boost::asio::awaitable<T> coroutine) {
  boost::asio::io_context context{1};
  return run_coroutine(context, std::move(coroutine));
}

}  // namespace kinesys::test

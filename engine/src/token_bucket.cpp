#include "kinesys/detail/engine/token_bucket.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace kinesys::engine {

namespace {

void check_positive(double v, char const* what) {
  if (!(v > 0))  // also rejects NaN
    throw std::invalid_argument(std::string("token_bucket: ") + what + " must be > 0");
}

}  // namespace

token_bucket::token_bucket(double rate, double burst, now_function now)
    : rate_(rate), burst_(burst), tokens_(burst), now_(now), last_(now()) {
  check_positive(rate, "rate");
  check_positive(burst, "burst");
  if (std::isinf(burst))
    throw std::invalid_argument("token_bucket: burst must be finite");
}

void token_bucket::refill() {
  if (std::isinf(rate_)) {
    tokens_ = burst_;
    return;
  }
  auto const now = now_();
  if (now <= last_)
    return;
  double const seconds = std::chrono::duration<double>(now - last_).count();
  tokens_ = std::min(burst_, tokens_ + seconds * rate_);
  last_ = now;
}

double token_bucket::available() {
  refill();
  return tokens_;
}

bool token_bucket::try_acquire(double n) {
  refill();
  // An item larger than the burst would never fit; it may go once the
  // bucket is full, leaving it in debt.
  if (tokens_ < std::min(n, burst_))
    return false;
  tokens_ -= n;
  return true;
}

token_bucket::clock::duration token_bucket::time_until_available(double n) {
  refill();
  double const missing = std::min(n, burst_) - tokens_;
  if (missing <= 0 || std::isinf(rate_))
    return clock::duration::zero();
  auto const wait = std::chrono::duration<double>(missing / rate_);
  // Round up: waking a hair early would only cost another sleep.
  return std::chrono::ceil<clock::duration>(wait);
}

boost::asio::awaitable<boost::system::error_code> token_bucket::acquire(double n) {
  for (;;) {
    auto const wait = time_until_available(n);
    if (wait == clock::duration::zero() && try_acquire(n))
      co_return boost::system::error_code{};
    auto [ec] = co_await async_sleep(std::max(wait, clock::duration(std::chrono::microseconds(1))),
                                     boost::asio::as_tuple(boost::asio::use_awaitable));
    if (ec)
      co_return ec;
  }
}

void token_bucket::set_rate(double rate) {
  check_positive(rate, "rate");
  refill();  // tokens earned so far count at the old rate
  rate_ = rate;
  last_ = now_();
}

void token_bucket::set_burst(double burst) {
  check_positive(burst, "burst");
  refill();
  burst_ = burst;
  tokens_ = std::min(tokens_, burst_);
}

dual_token_bucket::dual_token_bucket(double count_rate, double count_burst, double byte_rate, double byte_burst,
                                     token_bucket::now_function now)
    : counts_(count_rate, count_burst, now), bytes_(byte_rate, byte_burst, now) {}

bool dual_token_bucket::try_acquire(double count, double bytes) {
  if (counts_.time_until_available(count) != token_bucket::clock::duration::zero() ||
      bytes_.time_until_available(bytes) != token_bucket::clock::duration::zero())
    return false;
  counts_.try_acquire(count);
  bytes_.try_acquire(bytes);
  return true;
}

token_bucket::clock::duration dual_token_bucket::time_until_available(double count, double bytes) {
  return std::max(counts_.time_until_available(count), bytes_.time_until_available(bytes));
}

boost::asio::awaitable<boost::system::error_code> dual_token_bucket::acquire(double count, double bytes) {
  for (;;) {
    auto const wait = time_until_available(count, bytes);
    if (wait == token_bucket::clock::duration::zero() && try_acquire(count, bytes))
      co_return boost::system::error_code{};
    auto [ec] = co_await async_sleep(std::max(wait, token_bucket::clock::duration(std::chrono::microseconds(1))),
                                     boost::asio::as_tuple(boost::asio::use_awaitable));
    if (ec)
      co_return ec;
  }
}

namespace detail {
namespace {

/// One round of an async_acquire: take the tokens, or sleep for as long as
/// the bucket says and try again. `attempt` returns zero once it has taken
/// them, else the time to wait.
template <class Attempt>
void acquire_step(boost::asio::any_io_executor ex, Attempt attempt, sleep_handler handler) {
  auto const wait = attempt();
  if (wait == token_bucket::clock::duration::zero()) {
    // Never complete inside the initiating call.
    boost::asio::post(ex, [h = std::move(handler)]() mutable { std::move(h)(boost::system::error_code{}); });
    return;
  }
  auto slot = boost::asio::get_associated_cancellation_slot(handler);
  async_sleep(wait, boost::asio::bind_cancellation_slot(
                        slot, boost::asio::bind_executor(ex, [ex, attempt, h = std::move(handler)](
                                                                 boost::system::error_code ec) mutable {
                          if (ec)
                            std::move(h)(ec);
                          else
                            acquire_step(ex, attempt, std::move(h));
                        })));
}

constexpr auto min_wait = std::chrono::microseconds(1);

}  // namespace

void start_acquire(token_bucket& bucket, double n, boost::asio::any_io_executor ex, sleep_handler handler) {
  acquire_step(
      std::move(ex),
      [&bucket, n]() -> token_bucket::clock::duration {
        auto const wait = bucket.time_until_available(n);
        if (wait == token_bucket::clock::duration::zero() && bucket.try_acquire(n))
          return token_bucket::clock::duration::zero();
        return std::max<token_bucket::clock::duration>(wait, min_wait);
      },
      std::move(handler));
}

void start_acquire(dual_token_bucket& bucket, double count, double bytes, boost::asio::any_io_executor ex,
                   sleep_handler handler) {
  acquire_step(
      std::move(ex),
      [&bucket, count, bytes]() -> token_bucket::clock::duration {
        auto const wait = bucket.time_until_available(count, bytes);
        if (wait == token_bucket::clock::duration::zero() && bucket.try_acquire(count, bytes))
          return token_bucket::clock::duration::zero();
        return std::max<token_bucket::clock::duration>(wait, min_wait);
      },
      std::move(handler));
}

}  // namespace detail

}  // namespace kinesys::engine

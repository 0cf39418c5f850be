#pragma once
// Token buckets for smooth rates: the producer's per-shard 1 MiB/s and 1000
// records/s, the consumer's per-table write rate. Single-core objects, no
// locks; the clock is injectable so behaviour is tested without sleeping.
#include "kinesys/detail/engine/deadline.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstdint>

namespace kinesys::engine {

class token_bucket;
class dual_token_bucket;

namespace detail {
void start_acquire(token_bucket& bucket, double n, boost::asio::any_io_executor ex, sleep_handler handler);
void start_acquire(dual_token_bucket& bucket, double count, double bytes, boost::asio::any_io_executor ex,
                   sleep_handler handler);
}  // namespace detail

/// @locality owning core
class token_bucket {
public:
  using clock = std::chrono::steady_clock;
  using now_function = clock::time_point (*)();

  /// `rate` tokens per second (> 0; +infinity means unlimited), holding at
  /// most `burst` (> 0) tokens. Starts full. Throws std::invalid_argument on
  /// a non-positive rate or burst (configuration error).
  token_bucket(double rate, double burst, now_function now = &clock::now);

  /// Takes `n` tokens if available. A request larger than the burst is
  /// granted when the bucket is full and leaves it in debt, so an oversized
  /// item is slowed, never starved.
  bool try_acquire(double n = 1);
  /// Zero if try_acquire(n) would succeed now, else how long until it would
  /// at the current rate.
  clock::duration time_until_available(double n = 1);

  /// Waits (async_sleep) until `n` tokens are available, then takes them.
  /// Completes with errc::shutting_down if the core set stops meanwhile.
  /// Waiters are not queued fairly: each rechecks when its sleep ends.
  boost::asio::awaitable<boost::system::error_code> acquire(double n = 1);

  /// The same wait as an initiating function, signature void(error_code):
  /// `auto [ec] = co_await bucket.async_acquire(n, as_tuple(use_awaitable));`
  /// Cancelling it cancels the wait (operation_aborted, nothing taken).
  template <class Token>
  auto async_acquire(double n, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code)>(
        [this, n](auto handler) {
          boost::asio::any_io_executor ex = boost::asio::get_associated_executor(handler);
          detail::start_acquire(*this, n, std::move(ex), detail::sleep_handler(std::move(handler)));
        },
        token);
  }

  /// Changes the rate from now on (tokens already earned are kept). The
  /// producer lowers it on throttling and raises it step by step.
  void set_rate(double rate);
  void set_burst(double burst);
  double rate() const noexcept { return rate_; }
  double burst() const noexcept { return burst_; }
  /// Tokens now (negative while in debt).
  double available();

private:
  void refill();

  double rate_;
  double burst_;
  double tokens_;
  now_function now_;
  clock::time_point last_;
};

/// Two buckets that must both agree, e.g. records/s and bytes/s of a shard.
/// @locality owning core
class dual_token_bucket {
public:
  dual_token_bucket(double count_rate, double count_burst, double byte_rate, double byte_burst,
                    token_bucket::now_function now = &token_bucket::clock::now);

  /// Takes `count` and `bytes` together, or neither.
  bool try_acquire(double count, double bytes);
  token_bucket::clock::duration time_until_available(double count, double bytes);
  boost::asio::awaitable<boost::system::error_code> acquire(double count, double bytes);
  template <class Token>
  auto async_acquire(double count, double bytes, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code)>(
        [this, count, bytes](auto handler) {
          boost::asio::any_io_executor ex = boost::asio::get_associated_executor(handler);
          detail::start_acquire(*this, count, bytes, std::move(ex), detail::sleep_handler(std::move(handler)));
        },
        token);
  }

  token_bucket& counts() noexcept { return counts_; }
  token_bucket& bytes() noexcept { return bytes_; }

private:
  token_bucket counts_;
  token_bucket bytes_;
};

}  // namespace kinesys::engine
